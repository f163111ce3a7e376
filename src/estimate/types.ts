/**
 * The row every estimator returns.
 * @module
 */

/** One estimate with its uncertainty and base. */
export interface Estimate {
  /** The variable estimated. */
  variable: string;
  /** For a categorical variable: the level this row is about. */
  level?: string;
  /** Set by `svyBy`: the grouping variables' levels for this row. */
  group?: Record<string, string>;
  /** What was estimated: `'mean'`, `'total'`, `'proportion'`, `'quantile'`, ... */
  statistic?: string;
  /** For a quantile (`statistic: 'quantile'`): the probability, e.g. 0.5 for the median. */
  prob?: number;
  /** The estimate. */
  estimate: number;
  /** Design-based standard error. */
  se: number;
  /** Confidence interval at the requested level (default 95%). */
  ci: [number, number];
  /** Design effect (with `deff: true`). */
  deff?: number;
  /**
   * Unweighted base: respondents in the domain with a non-missing value (with several variables
   * in one call, respondents with all of them).
   */
  n: number;
  /**
   * Respondents in the domain whose value was missing (excluded from the base; with several
   * variables in one call, those missing any of them).
   */
  nMissing: number;
}

/** Options shared by the estimators. */
export interface EstimateOptions {
  /** Missing values: `'omit'` (default) excludes them from the base and counts them; `'fail'` throws. */
  na?: 'omit' | 'fail';
  /** Design effect: `true` (without-replacement SRS, R's `deff = TRUE`) or `'replace'`. */
  deff?: boolean | 'replace';
  /** Confidence level, default 0.95. */
  level?: number;
  /**
   * Degrees of freedom of the interval: `Infinity` (default, normal quantiles, as R's `confint`),
   * `'design'` (the design's PSUs minus strata), or a number.
   */
  df?: number | 'design';
  /**
   * Most estimates whose joint covariance the call computes (default 1,000; `Infinity` lifts
   * it): a categorical variable gives one per level, so a column of thousands of levels (an
   * identifier, open text) is a `TOO_LARGE` error before any work rather than gigabytes and
   * minutes (the covariance has that number squared entries, each a sum over the PSUs).
   */
  maxCovariance?: number;
}
