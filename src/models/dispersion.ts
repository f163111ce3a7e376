/**
 * The dispersion R's `summary()` of a survey GLM reports.
 * @module
 */
import type { SurveyDesign } from '../design/types.js';
import { isCalibrated } from '../variance/calibration.js';

/**
 * Sums of the Pearson residuals (y − μ)/√V(μ) over the model's rows, weighted with the prior
 * weights: Σ w, Σ w r, Σ w r², and the rows with a weight above 0.
 */
export interface PearsonSums {
  sw: number;
  swr: number;
  swr2: number;
  nonzero: number;
}

/** Adds a row (prior weight w > 0, Pearson residual r) to {@link PearsonSums}. */
export function addPearson(sums: PearsonSums, w: number, r: number): void {
  sums.nonzero++;
  sums.sw += w;
  sums.swr += w * r;
  sums.swr2 += w * r * r;
}

/** The design's weights in the domain the model was fitted to: their sum and count. */
export interface DomainWeights {
  sum: number;
  count: number;
}

/**
 * R's `summary(fit)$dispersion`. survey's Pearson residuals are (y − μ)/√V(μ) times a constant:
 * √(prior weight / the weight rescaled on the fitted rows), that is √(mean weight on the model's
 * rows / mean weight in the design fitted) (R's `residuals.svyglm`, and `residuals.svrepglm` as
 * survey 4.3 fixed it: 4.1.1 divides by √(w / Σ w), which makes a replicate design's dispersion
 * n times too large). The dispersion is then `svyvar` of them (a weighted variance with the
 * n/(n − 1) factor, n the rows with a non-zero weight) on a linearization design, Σ w r² / Σ w
 * on a replicate design. The sums may be weighted by the prior weights (proportional to the
 * design's): `priorMean` is the design weight per unit prior weight.
 */
export function dispersion(
  design: SurveyDesign,
  rowsUsed: number,
  sums: PearsonSums,
  domain: DomainWeights,
  priorMean: number,
): number {
  const calibrated = design.type === 'linearization' && isCalibrated(design);
  const fittedMean = domain.sum / (calibrated ? design.weights.length : domain.count);
  const sw = sums.sw * priorMean;
  const factor = (calibrated ? sw / design.weights.length : sw / rowsUsed) / fittedMean;
  if (design.type === 'replicate') return (factor * sums.swr2) / sums.sw;
  const n = sums.nonzero;
  const mean = sums.swr / sums.sw;
  const ss = sums.swr2 - mean * sums.swr;
  return (factor * ss * n) / (n - 1) / sums.sw;
}
