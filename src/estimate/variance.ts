/**
 * The covariance of estimates, whatever the design type: from influence values on a
 * linearization design (adjusted for any calibration), from replicate estimates on a
 * replicate-weight design.
 * @module
 */
import type { ReplicateDesign } from '../design/replicate-types.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { calibratedInfluence, calibratedRows, isCalibrated } from '../variance/calibration.js';
import type { Influence } from '../variance/influence.js';
import { linearizationVariance, type VarianceOptions } from '../variance/linearization.js';
import { replicateCovariance } from '../variance/replicate.js';

/**
 * How an estimator recomputes its p estimates with each set of replicate weights: the
 * full-sample estimates and one p-vector per replicate, in the order of `design.replicates`.
 */
export interface ReplicateEstimates {
  full: Float64Array;
  reps: Float64Array[];
}

/**
 * The p estimates recomputed with every replicate's weights by calling `at(weights)` (which
 * must compute on the same rows as the full-sample estimate).
 */
export function reweighted(
  design: ReplicateDesign,
  full: Float64Array,
  at: (weights: Float64Array) => Float64Array,
): ReplicateEstimates {
  return { full, reps: design.replicates.map((w) => at(w)) };
}

/**
 * Covariance matrix (p × p, row-major) of p estimates.
 *
 * - Linearization design: the variance of the influence values (on a post-stratified, raked
 *   or calibrated design first adjusted for the weighting, see {@link calibratedInfluence}; as
 *   in R such a design keeps every row in its domains, so the variance is over the whole design,
 *   or over the domain its weighting was given, see {@link calibratedRows}).
 * - Replicate design: R's `svrVar` of the replicate estimates, which `replicates()` computes
 *   (called only then, with the design).
 *
 * With `diagonal: true` only the variances are computed on a linearization design (the rest of
 * the matrix is 0); a replicate design gives the whole matrix.
 *
 * @throws {EstimationError} `REPLICATES_NOT_SUPPORTED` on a replicate design when the estimator
 *   gave no way to recompute its estimates.
 */
export function estimateVariance(
  design: SurveyDesign,
  influence: Influence,
  present: Uint8Array | null,
  replicates?: (design: ReplicateDesign) => ReplicateEstimates,
  opts: VarianceOptions = {},
): Float64Array {
  if (design.type === 'replicate') {
    if (!replicates) {
      throw new EstimationError(
        'REPLICATES_NOT_SUPPORTED',
        'this estimate cannot be computed on a replicate-weight design',
        {},
      );
    }
    const { full, reps } = replicates(design);
    return replicateCovariance(design, full, reps);
  }
  if (isCalibrated(design)) {
    return linearizationVariance(
      design,
      calibratedInfluence(design, influence, present),
      calibratedRows(design),
      opts,
    );
  }
  return linearizationVariance(design, influence, present, opts);
}
