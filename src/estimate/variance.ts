/**
 * The variance of an estimate from its influence values, whatever the design type.
 * @module
 */
import type { SurveyDesign } from '../design/types.js';
import { calibratedInfluence, isCalibrated } from '../variance/calibration.js';
import type { Influence } from '../variance/influence.js';
import { linearizationVariance } from '../variance/linearization.js';

/**
 * Covariance matrix (p × p, row-major) of estimates with the given influence values. On a
 * post-stratified, raked or calibrated design the influence values are first adjusted for the
 * weighting (see {@link calibratedInfluence}); as in R, such a design keeps every row in its
 * domains, so the variance is then taken over the whole design.
 */
export function estimateVariance(
  design: SurveyDesign,
  influence: Influence,
  present: Uint8Array | null,
): Float64Array {
  if (isCalibrated(design)) {
    return linearizationVariance(design, calibratedInfluence(design, influence, present), null);
  }
  return linearizationVariance(design, influence, present);
}
