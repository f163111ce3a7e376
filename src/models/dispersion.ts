/**
 * The dispersion R's `summary()` of a survey GLM reports.
 * @module
 */
import type { SurveyDesign } from '../design/types.js';
import { isCalibrated } from '../variance/calibration.js';
import type { ModelMatrix } from './model-matrix.js';

/**
 * R's `summary(fit)$dispersion`. survey's Pearson residuals are (y − μ)/√V(μ) times a constant:
 * √(prior weight / the weight rescaled on the fitted rows), so on a linearization design
 * √(mean weight on the model's rows / mean weight in the design fitted) (R's
 * `residuals.svyglm`), on a replicate design √(Σ weights on the model's rows / that mean) (R's
 * `residuals.svrepglm`). The dispersion is then `svyvar` of them (a weighted variance with the
 * n/(n − 1) factor, n the rows with a non-zero weight) on a linearization design, Σ w r² / Σ w
 * on a replicate design.
 */
export function dispersion(design: SurveyDesign, mm: ModelMatrix, r: Float64Array): number {
  const w = design.weights;
  const rows = mm.rows;
  const domain = design.domain;
  let domainSum = 0;
  let domainCount = 0;
  for (let i = 0; i < w.length; i++) {
    if (domain !== null && !domain[i]) continue;
    domainSum += w[i]!;
    domainCount++;
  }
  let sw = 0;
  let nonzero = 0;
  for (let k = 0; k < rows.length; k++) {
    const wk = w[rows[k]!]!;
    sw += wk;
    if (wk !== 0) nonzero++;
  }
  const calibrated = design.type === 'linearization' && isCalibrated(design);
  const fittedMean = domainSum / (calibrated ? w.length : domainCount);
  const factor =
    design.type === 'replicate'
      ? sw / fittedMean
      : (calibrated ? sw / w.length : sw / rows.length) / fittedMean;
  let swr = 0;
  let swr2 = 0;
  for (let k = 0; k < rows.length; k++) {
    const wk = w[rows[k]!]!;
    swr += wk * r[k]!;
    swr2 += wk * r[k]! * r[k]!;
  }
  if (design.type === 'replicate') return (factor * swr2) / sw;
  const mean = swr / sw;
  let ss = 0;
  for (let k = 0; k < rows.length; k++) {
    const d = r[k]! - mean;
    ss += w[rows[k]!]! * ((d * d * nonzero) / (nonzero - 1));
  }
  return (factor * ss) / sw;
}
