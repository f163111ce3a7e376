/**
 * `svyRatio`: the ratio of two weighted totals (R's `svyratio`).
 * @module
 */
import { getNumeric } from '../data/frame.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { replicateWeightedSumsMany } from '../variance/replicate.js';
import { completeRows } from './complete-rows.js';
import { choice, confidenceLevel, intervalDf } from './prepare.js';
import { scalarEstimate } from './scalar.js';
import type { Estimate } from './types.js';

/** Options of {@link svyRatio}. */
export interface RatioOptions {
  /**
   * Respondents without a value of the numerator or the denominator: `'omit'` (default) leaves
   * them out as a domain and counts them in `nMissing`; `'fail'` throws `MISSING_VALUES`.
   */
  na?: 'omit' | 'fail';
  /** Confidence level, default 0.95. */
  level?: number;
  /**
   * Degrees of freedom of the interval: `Infinity` (default, normal quantiles, as R's
   * `confint`), `'design'` (R's `degf(design)` of the domain) or a number.
   */
  df?: number | 'design';
}

/**
 * The ratio R = Y / X of the weighted totals of two numeric variables (R's `svyratio`), e.g.
 * students tested per enrolled student, or income per household member. The row's `variable`
 * is `'<numerator>/<denominator>'`, R's name, and its `statistic` is `'ratio'`.
 *
 * Its standard error is by linearization, as R's: the influence values (y − R x) / X̂ go through
 * the design's variance (so a post-stratified, raked or calibrated design's weighting is
 * accounted for, as R's `postStrata`); on a replicate-weight design the ratio is recomputed with
 * each replicate's weights (R's `svyratio.svyrep.design`). Respondents of the domain missing
 * either variable are left out as a domain (R's `na.rm = TRUE`) and counted in `nMissing`.
 * The row knows its influence values, so `svyBy(d, g, (dd) => svyRatio(dd, y, x))` has the
 * covariance of the groups' ratios (R's `svyby(..., svyratio, covmat = TRUE)`) for
 * {@link svyContrast} and {@link svyNlContrast}.
 *
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param numerator - The numeric variable summed above the line.
 * @param denominator - The numeric variable summed below the line.
 * @param opts - Missing values, confidence level and degrees of freedom: see {@link RatioOptions}.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `NOT_NUMERIC`, `MISSING_VALUES` (`na: 'fail'`),
 *   `NON_FINITE_VALUE`, `EMPTY_DOMAIN`, `ZERO_DENOMINATOR` (the denominator's total in the domain
 *   is 0), `BAD_OPTION`.
 * @example
 * ```ts
 * const data = fromColumns({ spend: [20, 35, 10, 60], members: [1, 3, 1, 4], w: [2, 1, 1, 2] });
 * const r = svyRatio(svyDesign(data, { weights: 'w' }), 'spend', 'members');
 * console.log(r.variable, r.estimate.toFixed(4), r.se.toFixed(4)); // => spend/members 14.6429 1.2351
 * ```
 */
export function svyRatio(
  design: SurveyDesign,
  numerator: string,
  denominator: string,
  opts: RatioOptions = {},
): Estimate {
  const level = confidenceLevel(opts);
  choice('na', opts.na, ['omit', 'fail'], 'omit');
  const yCol = getNumeric(design.data, numerator);
  const xCol = getNumeric(design.data, denominator);
  const { present, n, nMissing } = completeRows(design, [yCol, xCol], opts);
  const df = intervalDf({ design }, opts);
  const y = yCol.values;
  const x = xCol.values;
  const w = design.weights;
  let Y = 0;
  let X = 0;
  for (let i = 0; i < present.length; i++) {
    if (!present[i]) continue;
    Y += w[i]! * y[i]!;
    X += w[i]! * x[i]!;
  }
  if (X === 0) {
    throw new EstimationError(
      'ZERO_DENOMINATOR',
      `the weighted total of "${denominator}" over the ${n} respondent(s) of the domain is 0, so the ratio "${numerator}/${denominator}" is undefined`,
      { variable: denominator, value: X },
    );
  }
  const R = Y / X;
  return scalarEstimate({
    design,
    variable: `${numerator}/${denominator}`,
    statistic: 'ratio',
    estimate: R,
    present,
    n,
    nMissing,
    level,
    df,
    influence: () => {
      const z = new Float64Array(present.length);
      for (let i = 0; i < z.length; i++) if (present[i]) z[i] = (w[i]! * (y[i]! - R * x[i]!)) / X;
      return z;
    },
    replicates: (d) => {
      const sums = replicateWeightedSumsMany(d, [y, x], present);
      return {
        full: Float64Array.of(R),
        reps: sums.reps.map((r) => Float64Array.of(r[0]! / r[1]!)),
      };
    },
  });
}
