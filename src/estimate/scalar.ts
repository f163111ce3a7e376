/**
 * The last step of an estimator of one number (a ratio, a variance): its variance whatever the
 * design type, the row with its Wald interval, and the row registered with its influence values
 * (or replicate estimates) so that `svyBy` and the contrasts know its covariance with other rows.
 * @module
 */
import type { ReplicateDesign } from '../design/replicate-types.js';
import type { SurveyDesign } from '../design/types.js';
import { denseInfluence } from '../variance/influence.js';
import { attachInfluence } from './influence-rows.js';
import { waldInterval } from './prepare.js';
import type { Estimate } from './types.js';
import { estimateVariance, type ReplicateEstimates } from './variance.js';

/** What {@link scalarEstimate} needs. */
export interface ScalarParts {
  readonly design: SurveyDesign;
  readonly variable: string;
  readonly statistic: string;
  readonly estimate: number;
  /**
   * Linearization designs: the influence values (zero outside `present`), made when called;
   * their design-based variance is the estimate's.
   */
  readonly influence: () => Float64Array;
  /** Replicate designs: the estimate recomputed with each replicate's weights. */
  readonly replicates: (design: ReplicateDesign) => ReplicateEstimates;
  /** Rows the estimate used. */
  readonly present: Uint8Array;
  readonly n: number;
  readonly nMissing: number;
  readonly level: number;
  readonly df: number;
}

/**
 * The estimate's row: its standard error from the design (linearization, adjusted for the
 * design's weighting steps; or the replicates), a Wald interval on `df`, and its block
 * registered for covariances with other rows.
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4] });
 * const design = svyDesign(data);
 * const present = Uint8Array.of(1, 1, 1, 1);
 * // the total of y: influence w·y
 * const row = scalarEstimate({
 *   design, variable: 'y', statistic: 'total', estimate: 10, present, n: 4, nMissing: 0,
 *   influence: () => Float64Array.of(1, 2, 3, 4), replicates: () => { throw new Error('no'); },
 *   level: 0.95, df: Infinity,
 * });
 * console.log(row.se.toFixed(4), svyTotal(design, 'y')[0].se.toFixed(4)); // => 2.5820 2.5820
 * ```
 */
export function scalarEstimate(parts: ScalarParts): Estimate {
  const { design, present } = parts;
  let replicates: ReplicateEstimates | null = null;
  const influence = design.type === 'linearization' ? denseInfluence([parts.influence()]) : null;
  const V = estimateVariance(design, influence ?? denseInfluence([]), present, (d) => {
    replicates = parts.replicates(d);
    return replicates;
  });
  const se = Math.sqrt(V[0]!);
  const row: Estimate = {
    variable: parts.variable,
    statistic: parts.statistic,
    estimate: parts.estimate,
    se,
    ci: waldInterval(parts.estimate, se, parts.level, parts.df),
    n: parts.n,
    nMissing: parts.nMissing,
  };
  attachInfluence([row], {
    p: 1,
    covariance: Float64Array.of(V[0]!),
    design,
    influence,
    present,
    replicates,
  });
  return row;
}
