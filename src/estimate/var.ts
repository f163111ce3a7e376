/**
 * `svyVar`: the population variance of a numeric variable (R's `svyvar`).
 * @module
 */
import { getNumeric } from '../data/frame.js';
import { workingDesign } from '../design/scale.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { replicateWeightedSumsMany } from '../variance/replicate.js';
import { checkFinite } from './finite.js';
import { choice, confidenceLevel, intervalDf, nonFiniteValue, prepare } from './prepare.js';
import { scalarEstimate } from './scalar.js';
import type { Estimate } from './types.js';

/** Options of {@link svyVar}. */
export interface VarOptions {
  /**
   * Respondents without a value: `'omit'` (default) leaves them out as a domain and counts them
   * in `nMissing`; `'fail'` throws `MISSING_VALUES`.
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
 * The population variance of a numeric variable estimated from the sample (R's `svyvar`): the
 * weighted mean of the squared deviations from the weighted mean, times n / (n − 1), with its
 * design-based standard error. The row's `statistic` is `'variance'`; √estimate is the
 * population standard deviation.
 *
 * As R computes them:
 * - on a linearization design the estimate is `svyMean` of u = (y − ȳ)² · n / (n − 1), and its
 *   standard error is that of this mean with ȳ held fixed (through the design's variance,
 *   weighting steps included). n counts the respondents of the domain with a non-zero weight
 *   and a value, as survey 4.2 fixed it (survey 4.1.1 also counts those missing the variable);
 * - on a replicate-weight design the variance is recomputed with each replicate's weights (its
 *   own mean each time), with n the respondents used (those with a value).
 *
 * Missing values are left out as a domain and counted in `nMissing` (R's `na.rm = TRUE`). The
 * row knows its influence values (replicate estimates), so `svyBy` gives the covariance of the
 * groups' variances.
 *
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param variable - A numeric variable.
 * @param opts - Missing values, confidence level and degrees of freedom: see {@link VarOptions}.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `NOT_NUMERIC`, `MISSING_VALUES` (`na: 'fail'`),
 *   `NON_FINITE_VALUE`, `EMPTY_DOMAIN`, `ZERO_WEIGHT_DOMAIN`, `TOO_FEW_RESPONDENTS` (fewer than
 *   2 respondents with a value: R gives `NaN` or 0), `BAD_OPTION`.
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4, 5, 6], w: [1, 1, 1, 1, 2, 2] });
 * const v = svyVar(svyDesign(data, { weights: 'w' }), 'y');
 * console.log(v.estimate.toFixed(4), v.se.toFixed(4)); // => 3.6000 1.3748
 * ```
 */
export function svyVar(design: SurveyDesign, variable: string, opts: VarOptions = {}): Estimate {
  // scale-free: computed on the weights scaled to near 1 when they are extreme
  const row = varOn(workingDesign(design).design, variable, opts);
  checkFinite([row], 'svyVar');
  return row;
}

function varOn(design: SurveyDesign, variable: string, opts: VarOptions): Estimate {
  const level = confidenceLevel(opts);
  choice('na', opts.na, ['omit', 'fail'], 'omit');
  getNumeric(design.data, variable);
  const a = prepare(design, variable, opts);
  if (!(a.sumW > 0)) {
    throw new EstimationError(
      'ZERO_WEIGHT_DOMAIN',
      `the respondents with "${variable}" in the domain have weight 0`,
      { variable },
    );
  }
  const infinite = nonFiniteValue(a);
  if (infinite) throw infinite;
  if (a.n < 2) {
    throw new EstimationError(
      'TOO_FEW_RESPONDENTS',
      `the variance of "${variable}" needs at least 2 respondents with a value in the domain; it has ${a.n}`,
      { variable, count: a.n },
    );
  }
  const df = intervalDf(a, opts);
  const { present, weights: w, sumW, meanY: mean } = a;
  const y = a.column.kind === 'numeric' ? a.column.values : new Float64Array(0);
  const nrow = present.length;

  // R's n: rows used with a non-zero weight (linearization, as survey 4.2 counts them), rows
  // used (replicates).
  let m = a.n;
  if (design.type === 'linearization') {
    m = 0;
    for (let i = 0; i < nrow; i++) if (present[i] && w[i] !== 0) m++;
  }
  const factor = m / (m - 1);
  // u = (y − ȳ)² n/(n − 1) on the rows used; its weighted mean is the estimate.
  const u = new Float64Array(nrow);
  let sum = 0;
  for (let i = 0; i < nrow; i++) {
    if (!present[i]) continue;
    const d = y[i]! - mean;
    u[i] = d * d * factor;
    sum += w[i]! * u[i]!;
  }
  const estimate = sum / sumW;
  return scalarEstimate({
    design,
    variable,
    statistic: 'variance',
    estimate,
    present,
    n: a.n,
    nMissing: a.nMissing,
    level,
    df,
    influence: () => {
      const z = new Float64Array(nrow);
      for (let i = 0; i < nrow; i++) if (present[i]) z[i] = (w[i]! * (u[i]! - estimate)) / sumW;
      return z;
    },
    replicates: (d) => {
      // Σ w, Σ w e and Σ w e² with e = y − ȳ (the full-sample mean): each replicate's variance
      // about its own mean is (Σ w e² − (Σ w e)² / Σ w) / Σ w, with little cancellation as the
      // replicate's mean is close to ȳ.
      const e = new Float64Array(nrow);
      const e2 = new Float64Array(nrow);
      for (let i = 0; i < nrow; i++) {
        if (!present[i]) continue;
        e[i] = y[i]! - mean;
        e2[i] = e[i]! * e[i]!;
      }
      const sums = replicateWeightedSumsMany(d, [e, e2, null], present);
      return {
        full: Float64Array.of(estimate),
        reps: sums.reps.map((r) => {
          const s0 = r[2]!;
          return Float64Array.of(((r[1]! - (r[0]! * r[0]!) / s0) / s0) * factor);
        }),
      };
    },
  });
}
