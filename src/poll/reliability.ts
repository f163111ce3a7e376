/**
 * Whether a proportion is reliable enough to publish, by the National Center for Health
 * Statistics Data Presentation Standards for Proportions (Parker JD, Talih M, Malec DJ, et al.
 * Vital Health Stat 2(175), 2017): the effective sample size, and the width and relative width
 * of the Korn–Graubard confidence interval with its effective sample size adjusted for the
 * design's degrees of freedom.
 * @module
 */
import { EstimationError } from '../errors.js';
import { qbeta, qt } from '../stats/distributions.js';

/**
 * Why a proportion is flagged, one per rule of the standard:
 * - `'effective-sample-size'`: the effective sample size (capped at the sample size) is under
 *   30 — suppress;
 * - `'ci-width'`: the Korn–Graubard interval is 30 points wide or more — suppress;
 * - `'relative-ci-width'`: wider than 5 points and more than 130% of the proportion — suppress;
 * - `'degrees-of-freedom'`: fewer than 8 degrees of freedom — statistical review;
 * - `'zero-or-one'`: the proportion is 0% or 100% — statistical review;
 * - `'complement'`: wider than 5 points and more than 130% of the complement (1 − p) —
 *   presented with a footnote.
 */
export type ReliabilityReason =
  | 'effective-sample-size'
  | 'ci-width'
  | 'relative-ci-width'
  | 'degrees-of-freedom'
  | 'zero-or-one'
  | 'complement';

/** What {@link reliability} finds: the verdict, why, and the numbers it is made of. */
export interface Reliability {
  /**
   * The verdict: `'suppress'` (the standard says not to publish it), `'review'` (publish after
   * a statistician's review), `'footnote'` (publish with a footnote about the complement), or
   * `null` (publish as it is). The most serious that applies.
   */
  flag: 'suppress' | 'review' | 'footnote' | null;
  /**
   * The rules that flag it: the step that suppresses it (the standard stops at the first), or
   * every review and footnote rule that applies; empty when it is reliable.
   */
  reasons: ReliabilityReason[];
  /** The reasons in an English sentence with their numbers (`''` when reliable). */
  reason: string;
  /** The proportion. */
  estimate: number;
  /** The unweighted sample size (the denominator). */
  n: number;
  /** Effective sample size p (1 − p) / se², at most `n` (`n` for a proportion of 0 or 1). */
  effectiveN: number;
  /**
   * The effective sample size of the interval: p (1 − p) / se² · (t(n − 1) / t(df))², at most
   * `n` (Korn and Graubard's degrees-of-freedom adjustment; not adjusted without `df`).
   */
  effectiveNdf: number;
  /** Degrees of freedom used (`null`: none given, no adjustment or review). */
  df: number | null;
  /** The Korn–Graubard (Clopper–Pearson on the effective sample size) interval. */
  ci: [number, number];
  /** Its width, `ci[1] − ci[0]`. */
  ciWidth: number;
  /** Width over the proportion (`Infinity` for 0). */
  relativeCiWidth: number;
  /** Width over the complement 1 − p (`Infinity` for 1). */
  complementRelativeCiWidth: number;
}

/** Options of {@link reliability}. */
export interface ReliabilityOptions {
  /**
   * Degrees of freedom of the estimate's variance: PSUs minus strata with respondents in the
   * estimate's domain (`degreesOfFreedom(subset(design, ...))`). Adjusts the effective sample
   * size of the interval and flags fewer than 8 for review. Default: none (no adjustment, no
   * review), as the standard does for a survey without a design.
   */
  df?: number;
  /** Confidence level of the interval, default 0.95 (the standard's; its thresholds assume it). */
  level?: number;
}

/** The standard's thresholds (Parker et al. 2017). */
export const NCHS_PROPORTIONS = {
  /** Smallest effective sample size presented. */
  minEffectiveN: 30,
  /** Interval widths from this are suppressed. */
  maxCiWidth: 0.3,
  /** Intervals at most this wide are presented whatever their relative width. */
  smallCiWidth: 0.05,
  /** Relative widths above this (of the proportion: suppress; of its complement: footnote). */
  maxRelativeCiWidth: 1.3,
  /** Fewer degrees of freedom than this: statistical review. */
  minDf: 8,
} as const;

const round = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : '∞');

/**
 * Whether a proportion meets the NCHS Data Presentation Standards for Proportions (Parker et
 * al. 2017, Vital Health Stat 2(175)), step by step as the standard sets them out:
 *
 * 1. effective sample size n_eff = p (1 − p) / se², at most the sample size n (n itself for a
 *    proportion of 0 or 1): under 30 → suppress;
 * 2. the Korn–Graubard 95% interval — Clopper–Pearson on n_eff_df = min(n, n_eff · (t(n − 1) /
 *    t(df))²) "events" x = p · n_eff_df: Beta(x, n_eff_df − x + 1) and Beta(x + 1, n_eff_df − x)
 *    quantiles — 30 points wide or more → suppress;
 * 3. wider than 5 points and its width over p more than 130% → suppress;
 * 4. otherwise presented; then flagged for statistical review with fewer than 8 degrees of
 *    freedom or a proportion of 0 or 1, and footnoted when wider than 5 points with a width over
 *    1 − p of more than 130%.
 *
 * Widths are compared unrounded. Without `df` the effective sample size is not adjusted (and no
 * review for degrees of freedom), as the standard does for data without a design; with `df`
 * and an effective sample size below n, the interval is R's `svyciprop(method = "beta")`.
 * The standard is for proportions: means, totals and net scores are not assessed by it.
 *
 * @param estimate - The proportion (`estimate`, 0–1), its design-based standard error (`se`)
 *   and its unweighted base (`n`, the denominator): an {@link Estimate} row has them.
 * @param opts - `df`, the degrees of freedom of its variance; `level`, the confidence level.
 * @throws {EstimationError} `BAD_OPTION` for a proportion outside [0, 1], a negative or
 *   non-finite standard error, a sample size under 1, a `df` that is not positive, or a level
 *   outside (0, 1).
 * @example
 * ```ts
 * // 5.5% of 1,654 men, SE 0.65 points: reliable
 * console.log(reliability({ estimate: 0.0551, se: 0.00646, n: 1654 }).flag); // => null
 * // 4% of a small subgroup: effective sample size 24
 * const small = reliability({ estimate: 0.04, se: 0.04, n: 60 }, { df: 20 });
 * console.log(small.flag, small.reasons, small.effectiveN.toFixed(1)); // => suppress [ 'effective-sample-size' ] 24.0
 * ```
 */
export function reliability(
  estimate: { estimate: number; se: number; n: number },
  opts: ReliabilityOptions = {},
): Reliability {
  const { estimate: p, se, n } = estimate;
  const level = opts.level ?? 0.95;
  const df = opts.df ?? null;
  const bad = (what: string, value: unknown) =>
    new EstimationError('BAD_OPTION', `reliability: ${what}; got ${String(value)}`, { value });
  if (!(p >= 0 && p <= 1)) throw bad('the estimate must be a proportion in [0, 1]', p);
  if (!(se >= 0 && Number.isFinite(se))) throw bad('the standard error must be finite, >= 0', se);
  if (!(n >= 1)) throw bad('the sample size must be at least 1', n);
  if (df !== null && !(df > 0)) throw bad('df must be a positive number', df);
  if (!(level > 0 && level < 1)) throw bad('level must be between 0 and 1', level);

  const edge = p === 0 || p === 1;
  // n_eff: the sample size of a simple random sample with the same variance; n at 0 and 1, and
  // when the variance is 0 (every PSU gives the same proportion).
  const raw = edge || se === 0 ? n : (p * (1 - p)) / (se * se);
  const effectiveN = Math.min(n, raw);
  const alpha = 1 - level;
  const adjust = df === null || n < 2 ? 1 : (qt(1 - alpha / 2, n - 1) / qt(1 - alpha / 2, df)) ** 2;
  const effectiveNdf = Math.min(n, raw * adjust);
  const x = p * effectiveNdf;
  const lo = p === 0 ? 0 : qbeta(alpha / 2, x, effectiveNdf - x + 1);
  const hi = p === 1 ? 1 : qbeta(1 - alpha / 2, x + 1, effectiveNdf - x);
  const ciWidth = hi - lo;
  const relativeCiWidth = p === 0 ? Number.POSITIVE_INFINITY : ciWidth / p;
  const complementRelativeCiWidth = p === 1 ? Number.POSITIVE_INFINITY : ciWidth / (1 - p);

  const t = NCHS_PROPORTIONS;
  const reasons: ReliabilityReason[] = [];
  const said: string[] = [];
  let flag: Reliability['flag'] = null;
  const pct = (v: number) => `${round(100 * v, 1)}%`;
  if (effectiveN < t.minEffectiveN) {
    reasons.push('effective-sample-size');
    said.push(`effective sample size ${round(effectiveN, 1)} < ${t.minEffectiveN}`);
  } else if (ciWidth >= t.maxCiWidth) {
    reasons.push('ci-width');
    said.push(`Korn–Graubard interval ${round(100 * ciWidth, 1)} points wide (>= 30)`);
  } else if (ciWidth > t.smallCiWidth && relativeCiWidth > t.maxRelativeCiWidth) {
    reasons.push('relative-ci-width');
    said.push(`Korn–Graubard interval ${pct(relativeCiWidth)} of the estimate (> 130%)`);
  }
  if (reasons.length) flag = 'suppress';
  else {
    if (df !== null && df < t.minDf) {
      reasons.push('degrees-of-freedom');
      said.push(`${round(df, 0)} degrees of freedom (< ${t.minDf})`);
    }
    if (edge) {
      reasons.push('zero-or-one');
      said.push(`an estimate of ${p === 0 ? '0%' : '100%'}`);
    }
    if (reasons.length) flag = 'review';
    if (ciWidth > t.smallCiWidth && complementRelativeCiWidth > t.maxRelativeCiWidth) {
      reasons.push('complement');
      said.push(
        `Korn–Graubard interval ${pct(complementRelativeCiWidth)} of the complement (> 130%)`,
      );
      flag ??= 'footnote';
    }
  }
  return {
    flag,
    reasons,
    reason: said.join('; '),
    estimate: p,
    n,
    effectiveN,
    effectiveNdf,
    df,
    ci: [lo, hi],
    ciWidth,
    relativeCiWidth,
    complementRelativeCiWidth,
  };
}
