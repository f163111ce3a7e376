/**
 * `svyTtest`: the design-based t test of a difference of two group means, or of a mean against
 * 0 (R's `svyttest`).
 * @module
 */
import { getColumn, getNumeric } from '../data/frame.js';
import type { Column } from '../data/types.js';
import { degreesOfFreedom } from '../design/df.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { pt, qt } from '../stats/distributions.js';
import { denseInfluence } from '../variance/influence.js';
import { replicateWeightedSumsMany } from '../variance/replicate.js';
import { completeRows } from './complete-rows.js';
import { choice, confidenceLevel } from './prepare.js';
import { estimateVariance } from './variance.js';

/** Options of {@link svyTtest}. */
export interface TtestOptions {
  /**
   * Respondents without a value of the variable or the group: `'omit'` (default) leaves them
   * out as a domain and counts them in `nMissing`; `'fail'` throws `MISSING_VALUES`.
   */
  na?: 'omit' | 'fail';
  /** Confidence level of the interval, default 0.95. */
  level?: number;
  /** Degrees of freedom of the test and interval instead of R's (see {@link svyTtest}). */
  df?: number;
}

/** The result of {@link svyTtest}. */
export interface Ttest {
  /**
   * The difference of the group means, second group minus first (see `groups`); for the
   * one-sample test, the mean itself (its difference from 0).
   */
  difference: number;
  /** Design-based standard error of `difference`. */
  se: number;
  /** t = difference / se. */
  statistic: number;
  /** Degrees of freedom of the t distribution. */
  df: number;
  /** Two-sided p-value, 2 · P(T > |t|). */
  pValue: number;
  /** Confidence interval of `difference`, difference ± t(df) · se. */
  ci: [number, number];
  /**
   * The two groups, `[first, second]`, as level labels (a numeric group's values as text);
   * `null` for the one-sample test.
   */
  groups: [string, string] | null;
  /** The weighted mean of the variable in each group (`[mean]` for the one-sample test). */
  means: number[];
  /** Unweighted base: respondents of the domain with a value of the variable (and the group). */
  n: number;
  /** Respondents of the domain missing the variable or the group. */
  nMissing: number;
}

/**
 * The design-based t test of whether a numeric variable's mean differs between two groups (R's
 * `svyttest(y ~ g, design)`), or, without `group`, whether its mean differs from 0 (R's
 * `svyttest(y ~ 0, design)`).
 *
 * Two groups: `difference` is the weighted mean of the second group minus that of the first;
 * its standard error is that of R's `svyglm(y ~ g)` coefficient, which for this model is the
 * design-based SE of the difference of the two domain means (linearization through the design's
 * variance, weighting steps included; on a replicate-weight design the difference recomputed
 * with each replicate's weights). The t statistic has R's degrees of freedom, the model's
 * residual df: `degf(design) − 1`, where degf counts on a linearization design only the PSUs
 * and strata with respondents that have both values (R drops the others from the design before
 * `degf`), and on a replicate design is that of the domain as given. The interval is
 * difference ± t(df) · se (R's `confint.svyglm`).
 *
 * The group: a categorical variable with exactly two levels among the respondents used (the
 * first level in level order is the first group), or a numeric one with exactly two distinct
 * values (0/1 or 1/2 as in R; the smaller value is the first group). Unlike R, levels no
 * respondent of the domain has are ignored (R stops on a factor with unused levels).
 *
 * One sample: `difference` is the weighted mean (`svyMean`'s estimate and SE), df is
 * `degf(design) − 1` of the domain as given, as in R.
 *
 * Respondents of the domain missing the variable or the group are left out as a domain and
 * counted in `nMissing` (R's `na.action`).
 *
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param variable - The numeric variable whose mean is tested.
 * @param group - A variable with exactly two levels (or values) among the respondents; omit it (or
 *   pass `null`) to test the mean against 0.
 * @param opts - Missing values, confidence level and degrees of freedom: see {@link TtestOptions}.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `NOT_NUMERIC` (the variable), `NOT_TWO_GROUPS`
 *   (the group does not have exactly two levels or values among the respondents; the message
 *   lists them), `MISSING_VALUES` (`na: 'fail'`), `NON_FINITE_VALUE`, `EMPTY_DOMAIN`,
 *   `ZERO_WEIGHT_DOMAIN`, `BAD_OPTION`.
 * @example
 * ```ts
 * const data = fromColumns({
 *   score: [3, 5, 4, 6, 7, 9, 8, 6, 5, 7],
 *   sex: ['f', 'f', 'm', 'm', 'f', 'm', 'f', 'm', 'f', 'm'],
 *   psu: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
 * });
 * const t = svyTtest(svyDesign(data, { ids: 'psu' }), 'score', 'sex');
 * console.log(t.groups, t.difference.toFixed(2), t.df, t.pValue.toFixed(4)); // => [ 'f', 'm' ] 0.80 3 0.5527
 * ```
 */
export function svyTtest(
  design: SurveyDesign,
  variable: string,
  group?: string | null,
  opts: TtestOptions = {},
): Ttest {
  const level = confidenceLevel(opts);
  choice('na', opts.na, ['omit', 'fail'], 'omit');
  if (opts.df !== undefined && (typeof opts.df !== 'number' || !(opts.df > 0))) {
    throw new EstimationError(
      'BAD_OPTION',
      `df must be a positive number; got ${String(opts.df)}`,
      { value: opts.df },
    );
  }
  const yCol = getNumeric(design.data, variable);
  const gCol = group === undefined || group === null ? null : getColumn(design.data, group);
  const columns: Column[] = gCol === null ? [yCol] : [yCol, gCol];
  const { present, n, nMissing } = completeRows(design, columns, opts);
  const y = yCol.values;
  const w = design.weights;
  const nrow = present.length;

  // Group per row: 0 or 1 on the rows used (all 0 for one sample).
  const inSecond = new Uint8Array(nrow);
  let groups: [string, string] | null = null;
  if (gCol !== null) groups = twoGroups(gCol, present, inSecond);
  const k = groups === null ? 1 : 2;

  // Weighted means per group, the sums of the second pass centred at the first's.
  const sumW = new Float64Array(2);
  const sumWY = new Float64Array(2);
  for (let i = 0; i < nrow; i++) {
    if (!present[i]) continue;
    const g = inSecond[i]!;
    sumW[g]! += w[i]!;
    sumWY[g]! += w[i]! * y[i]!;
  }
  for (let g = 0; g < k; g++) {
    if (!(sumW[g]! > 0)) {
      throw new EstimationError(
        'ZERO_WEIGHT_DOMAIN',
        groups === null
          ? `the respondents with "${variable}" in the domain have weight 0`
          : `the respondents of group "${groups[g]}" of "${group}" with "${variable}" have weight 0`,
        { variable, ...(groups === null ? {} : { level: groups[g] }) },
      );
    }
  }
  const means = Array.from({ length: k }, (_, g) => {
    const rough = sumWY[g]! / sumW[g]!;
    let s = 0;
    for (let i = 0; i < nrow; i++)
      if (present[i] && inSecond[i] === g) s += w[i]! * (y[i]! - rough);
    return rough + s / sumW[g]!;
  });
  const difference = k === 1 ? means[0]! : means[1]! - means[0]!;

  // Influence of the difference: a domain mean's, negated for the first group of two.
  let influence = denseInfluence([]);
  if (design.type === 'linearization') {
    const sign = Float64Array.of(k === 1 ? 1 : -1, 1);
    const z = new Float64Array(nrow);
    for (let i = 0; i < nrow; i++) {
      if (!present[i]) continue;
      const g = inSecond[i]!;
      z[i] = (sign[g]! * w[i]! * (y[i]! - means[g]!)) / sumW[g]!;
    }
    influence = denseInfluence([z]);
  }
  const V = estimateVariance(design, influence, present, (d) => {
    const ySecond = new Float64Array(nrow);
    const second = new Float64Array(nrow);
    for (let i = 0; i < nrow; i++) {
      if (present[i] && inSecond[i]) {
        ySecond[i] = y[i]!;
        second[i] = 1;
      }
    }
    const sums = replicateWeightedSumsMany(
      d,
      k === 1 ? [y, null] : [y, null, ySecond, second],
      present,
    );
    return {
      full: Float64Array.of(difference),
      reps: sums.reps.map((r) => {
        if (k === 1) return Float64Array.of(r[0]! / r[1]!);
        const first = (r[0]! - r[2]!) / (r[1]! - r[3]!);
        return Float64Array.of(r[2]! / r[3]! - first);
      }),
    };
  });
  const se = Math.sqrt(V[0]!);
  let df = opts.df;
  if (df === undefined) {
    // R: degf of the design the model was fitted on, minus 1 (see above).
    const rows = design.type === 'linearization' && k === 2 ? present : design.domain;
    df = degreesOfFreedom(design, rows) - 1;
  }
  const statistic = difference / se;
  const pValue = df > 0 ? 2 * pt(-Math.abs(statistic), df) : Number.NaN;
  const q = df > 0 ? qt(1 - (1 - level) / 2, df) : Number.NaN;
  return {
    difference,
    se,
    statistic,
    df,
    pValue,
    ci: [difference - q * se, difference + q * se],
    groups,
    means,
    n,
    nMissing,
  };
}

/**
 * The two groups of a grouping column among the rows used, marking rows of the second in
 * `inSecond`.
 * @throws {EstimationError} `NOT_TWO_GROUPS`.
 */
function twoGroups(col: Column, present: Uint8Array, inSecond: Uint8Array): [string, string] {
  const nrow = present.length;
  if (col.kind === 'categorical') {
    const seen = new Uint8Array(col.levels.length);
    for (let i = 0; i < nrow; i++) if (present[i]) seen[col.codes[i]!] = 1;
    const used = col.levels.map((_, j) => j).filter((j) => seen[j]);
    if (used.length !== 2) {
      throw notTwo(
        col.name,
        used.map((j) => col.levels[j]!),
        `its levels are ${col.levels.join(', ')}`,
      );
    }
    const [a, b] = used as [number, number];
    for (let i = 0; i < nrow; i++) if (present[i] && col.codes[i] === b) inSecond[i] = 1;
    return [col.levels[a]!, col.levels[b]!];
  }
  const values = new Set<number>();
  for (let i = 0; i < nrow; i++) {
    if (!present[i]) continue;
    values.add(col.values[i]!);
    if (values.size > 2) break;
  }
  const sorted = [...values].sort((p, q) => p - q);
  if (sorted.length !== 2) throw notTwo(col.name, sorted.map(String), 'a numeric group');
  const [low, high] = sorted as [number, number];
  for (let i = 0; i < nrow; i++) if (present[i] && col.values[i] === high) inSecond[i] = 1;
  return [String(low), String(high)];
}

function notTwo(variable: string, found: string[], what: string): EstimationError {
  const list = found.length === 0 ? 'none' : found.join(', ');
  return new EstimationError(
    'NOT_TWO_GROUPS',
    `a t test compares two groups, but "${variable}" has ${found.length === 3 ? 'more than 2' : found.length} among the respondents used (${list}; ${what}); subset the design or recode the variable to two groups`,
    { variable, levels: found },
  );
}
