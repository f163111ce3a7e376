/**
 * The variance of an estimate from its influence values, whatever the design type.
 * @module
 */
import type { SurveyDesign } from '../design/types.js';
import type { Influence } from '../variance/influence.js';
import { linearizationVariance } from '../variance/linearization.js';

/** Covariance matrix (p × p, row-major) of estimates with the given influence values. */
export function estimateVariance(
  design: SurveyDesign,
  influence: Influence,
  present: Uint8Array | null,
): Float64Array {
  return linearizationVariance(design, influence, present);
}
