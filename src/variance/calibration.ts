/**
 * Influence values of estimates on a weighted design, adjusted for the weighting as R's
 * `svyrecvar` adjusts them for each entry of `design$postStrata`, in order:
 *
 * - post-stratification: `x − psw · (Σ_h x·oldw/psw) / (Σ_h oldw)` per post-stratum h, with
 *   `psw` the weights after and `oldw` those before the step (rows with both 0 get psw = 1);
 * - raking: 10 sweeps of `x ← x − psw_k · ave(x / psw_k)` over the margins k, `psw_k` the weights
 *   just after margin k was matched in the last raking sweep and `ave` the unweighted mean within
 *   each level;
 * - calibration: `qr.resid(qr(X √w0), x / w) · w` with w = g √w0, i.e. x − w_new · Xβ where
 *   β = (Σ w0 X Xᵀ)⁻¹ Σ X x / g;
 * - trimming: nothing (R keeps `postStrata` as it was).
 *
 * A design with any of the first three is *calibrated*: as in R, its domains keep every row (with
 * weight zero outside), so its variance is computed over the whole design — or, when the first
 * of those steps weighted a domain, over that domain's rows (R's `subset()` dropped the others
 * before weighting; see {@link calibratedRows}). Each step adjusts the rows it weighted only.
 * @module
 */
import { ownScaled } from '../design/scale.js';
import type { SurveyDesign } from '../design/types.js';
import type { CalibrateStep, PostStratifyStep, RakeStep } from '../design/weighting-history.js';
import { pinvSym } from '../weighting/linalg.js';
import { denseInfluence, type Influence } from './influence.js';

/** R applies the raking projections this many times. */
const RAKING_SWEEPS = 10;

/**
 * Whether the design has a weighting step that changes the variance (all but trimming).
 * @example
 * ```ts
 * const d = svyDesign(fromColumns({ g: ['a', 'b'], w: [1, 3] }), { weights: 'w' });
 * const ps = postStratify(d, { variables: ['g'], population: [{ g: 'a', count: 5 }, { g: 'b', count: 5 }] });
 * console.log(isCalibrated(d), isCalibrated(ps), isCalibrated(trimWeights(d, { upper: 2.5 }))); // => false true false
 * ```
 */
export function isCalibrated(design: SurveyDesign): boolean {
  if (design.type !== 'linearization') return false;
  const steps = design.calibration;
  if (!steps) return false;
  for (const s of steps) if (s.method !== 'trim') return true;
  return false;
}

/**
 * The rows a calibrated design's variance is computed over: those of its first post-stratifying,
 * raking or calibrating step (the domain it weighted; `null`: every row). R holds such a design
 * as the rows `subset()` kept before weighting, so strata and PSUs without one of them are not
 * part of its variance.
 * @example
 * ```ts
 * const d = svyDesign(fromColumns({ g: ['a', 'b', 'a', 'b'], r: [1, 1, 0, 1] }));
 * const population = [{ g: 'a', count: 5 }, { g: 'b', count: 5 }];
 * console.log(calibratedRows(postStratify(d, { variables: ['g'], population }))); // => null
 * const nonResponse = postStratify(subset(d, (x) => x.r === 1), { variables: ['g'], population });
 * console.log(Array.from(calibratedRows(nonResponse) ?? [])); // => [ 1, 1, 0, 1 ]
 * ```
 */
export function calibratedRows(design: SurveyDesign): Uint8Array | null {
  if (design.type !== 'linearization') return null;
  for (const s of design.calibration ?? []) if (s.method !== 'trim') return s.rows;
  return null;
}

/**
 * Influence values adjusted for every weighting step of the design, in order, as R's
 * `svyrecvar` adjusts them (see the module description). Returns the influence unchanged when
 * the design has no such step. The result is dense (p columns of length n); each step costs a
 * few passes over the rows per column.
 *
 * @param _present rows the estimate used (the input influence is zero elsewhere); the adjusted
 *   values are not, so their variance is taken over the whole design (`present = null`).
 * @example
 * ```ts
 * const data = fromColumns({ g: ['a', 'a', 'b', 'b'], y: [1, 3, 5, 9] });
 * const d = postStratify(svyDesign(data), {
 *   variables: ['g'],
 *   population: [{ g: 'a', count: 10 }, { g: 'b', count: 30 }],
 * });
 * // The influence of the total of y: w·y. Post-stratification removes the cell means.
 * const z = Float64Array.from([1, 3, 5, 9], (y, i) => d.weights[i] * y);
 * const influence = { p: 1, dense: () => [z], sumByCluster: () => {} };
 * const adjusted = calibratedInfluence(d, influence, null);
 * console.log(Array.from(adjusted.dense()[0]).join(' ')); // => -5 5 -30 30
 * ```
 */
export function calibratedInfluence(
  design: SurveyDesign,
  influence: Influence,
  _present: Uint8Array | null,
): Influence {
  if (design.type !== 'linearization' || !isCalibrated(design)) return influence;
  const columns = influence.dense().map((z) => Float64Array.from(z));
  for (const step of design.calibration ?? []) {
    switch (step.method) {
      case 'postStratify':
        for (const z of columns) adjustPostStratified(step, z);
        break;
      case 'rake':
        for (const z of columns) adjustRaked(step, z);
        break;
      case 'calibrate':
        adjustCalibrated(step, columns);
        break;
      default:
        break; // trimming adds nothing
    }
  }
  return denseInfluence(columns);
}

function adjustPostStratified(step: PostStratifyStep, z: Float64Array): void {
  const { cells, weights: psw } = step;
  // the old weights by their own power of two: the adjustment reads them only through
  // oldw / Σ oldw, so it does not change, and old weights near 1e±308 cannot overflow. (psw is
  // in the unit of the estimate's weights: R's psw = 1 for rows with both weights 0 is in it.)
  const oldw = ownScaled(step.oldWeights);
  const nCells = step.factors.length;
  const sums = new Float64Array(nCells);
  const oldSum = new Float64Array(nCells);
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const h = cells[i]!;
    if (h < 0) continue; // not weighted by this step
    const o = oldw[i]!;
    let w = psw[i]!;
    if (w === 0 && o === 0) w = 1;
    sums[h]! += (z[i]! * o) / w;
    oldSum[h]! += o;
  }
  for (let h = 0; h < nCells; h++) sums[h]! /= oldSum[h]!;
  for (let i = 0; i < n; i++) {
    if (cells[i]! < 0) continue;
    let w = psw[i]!;
    if (w === 0 && oldw[i] === 0) w = 1;
    z[i]! -= sums[cells[i]!]! * w;
  }
}

/**
 * The raking projections on the cell table: with psw_k = w0 · F_k[cell], every sweep keeps
 * x = x0 − w0 · D[cell], so only the per-cell totals S0 = Σ x0 / w0 and counts are needed.
 * Rows with weight 0 before raking are left out of the means (R would give NaN).
 */
function adjustRaked(step: RakeStep, z: Float64Array): void {
  const { cells } = step;
  const w0 = ownScaled(step.oldWeights); // z − w0 · D(Σ z / w0): the same with w0 times any constant
  const nCells = step.sweepFactors[0]!.length;
  const S0 = new Float64Array(nCells);
  const n = z.length;
  for (let i = 0; i < n; i++) {
    const w = w0[i]!;
    const c = cells[i]!;
    if (w !== 0 && c >= 0) S0[c]! += z[i]! / w;
  }
  const D = rakingCorrection(step, S0, rakingCellCounts(step));
  for (let i = 0; i < n; i++) {
    const w = w0[i]!;
    const c = cells[i]!;
    if (w !== 0 && c >= 0) z[i]! -= w * D[c]!;
  }
}

/**
 * Per cell of a raking step, the respondents with a weight before raking (those the raking
 * adjustment of influence values averages over).
 * @example
 * ```ts
 * const d = rake(svyDesign(fromColumns({ g: ['a', 'b', 'a'] })), [{ variable: 'g', population: { a: 4, b: 2 } }]);
 * const step = d.calibration![0] as RakeStep;
 * console.log(Array.from(rakingCellCounts(step))); // => [ 2, 1 ]
 * ```
 */
export function rakingCellCounts(step: RakeStep): Float64Array {
  const count = new Float64Array(step.sweepFactors[0]!.length);
  const { cells, oldWeights: w0 } = step;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (w0[i] !== 0 && c >= 0) count[c]! += 1;
  }
  return count;
}

/**
 * The raking adjustment of influence values as R's `svyrecvar` makes it (10 sweeps of
 * `x ← x − psw_k · ave(x / psw_k)` over the margins), on the cell table: given per cell
 * `S0 = Σ z / w0` of the influence values z (rows with a weight before raking) and the cells'
 * respondent counts, the per-cell D such that the adjusted values are `z − w0 · D[cell]`.
 * @example
 * ```ts
 * const d = rake(svyDesign(fromColumns({ g: ['a', 'b', 'a'] })), [{ variable: 'g', population: { a: 4, b: 2 } }]);
 * const step = d.calibration![0] as RakeStep;
 * console.log(Array.from(rakingCorrection(step, Float64Array.of(4, 1), rakingCellCounts(step)))); // => [ 2, 1 ]
 * ```
 */
export function rakingCorrection(
  step: RakeStep,
  S0: Float64Array,
  count: Float64Array,
): Float64Array {
  const { cellLevels, sweepFactors, levels } = step;
  const m = levels.length;
  const nCells = sweepFactors[0]!.length;
  const levelCount = levels.map((ls) => new Float64Array(ls.length));
  for (let c = 0; c < nCells; c++) {
    for (let j = 0; j < m; j++) levelCount[j]![cellLevels[c * m + j]!]! += count[c]!;
  }
  const D = new Float64Array(nCells);
  const levelSum = levels.map((ls) => new Float64Array(ls.length));
  for (let sweep = 0; sweep < RAKING_SWEEPS; sweep++) {
    for (let j = 0; j < m; j++) {
      // F · ave((S0 − count · D) / F): the same with F times any constant, so F near 1
      const F = ownScaled(sweepFactors[j]!);
      const sums = levelSum[j]!;
      sums.fill(0);
      for (let c = 0; c < nCells; c++) {
        sums[cellLevels[c * m + j]!]! += (S0[c]! - count[c]! * D[c]!) / F[c]!;
      }
      const counts = levelCount[j]!;
      for (let l = 0; l < sums.length; l++) sums[l] = counts[l]! > 0 ? sums[l]! / counts[l]! : 0;
      for (let c = 0; c < nCells; c++) D[c]! += F[c]! * sums[cellLevels[c * m + j]!]!;
    }
  }
  return D;
}

/**
 * Residuals on the calibration model: z − w_new · Xβ, β = (Σ w0 X Xᵀ)⁺ Σ X z / g, with the sums
 * taken per unit (rows sharing a model row). Rows with weight 0 before calibrating are left as
 * they are (R would divide by their zero weight and give NaN).
 */
function adjustCalibrated(step: CalibrateStep, columns: Float64Array[]): void {
  const scaled = nearOne(step);
  const { units, oldWeights: w0 } = scaled;
  const n = w0.length;
  const correction = calibrationCorrection(scaled);
  const unitSum = new Float64Array(step.g.length);
  for (const z of columns) {
    unitSum.fill(0);
    for (let i = 0; i < n; i++) {
      const u = units[i]!;
      if (w0[i] !== 0 && u >= 0) unitSum[u]! += z[i]!;
    }
    const fitted = correction(unitSum);
    for (let i = 0; i < n; i++) {
      const w = w0[i]!;
      const u = units[i]!;
      if (w !== 0 && u >= 0) z[i]! -= w * fitted[u]!;
    }
  }
}

/** Per calibration step: the step with its old weights and g-weights each near 1 (or itself). */
const nearOneSteps = new WeakMap<CalibrateStep, CalibrateStep>();

/**
 * A calibration step with its old weights and g-weights each scaled by its own power of two (see
 * {@link ownScaled}): z − w0 · fitted is the same (β ∝ 1 / w0 and fitted = Xβ · g with β ∝ 1 / g),
 * and weights or g-weights near 1e±308 do not overflow the cross-products.
 */
function nearOne(step: CalibrateStep): CalibrateStep {
  let out = nearOneSteps.get(step);
  if (out === undefined) {
    const oldWeights = ownScaled(step.oldWeights);
    const g = ownScaled(step.g);
    out = oldWeights === step.oldWeights && g === step.g ? step : { ...step, oldWeights, g };
    nearOneSteps.set(step, out);
  }
  return out;
}

/**
 * The calibration adjustment of influence values as R's `svyrecvar` makes it (residuals on the
 * calibration model), per unit: given per unit Σ z of the influence values (rows with a weight
 * before calibrating), the per-unit `fitted` such that the adjusted values are
 * `z − w0 · fitted[unit]`. The model's cross-product matrix is inverted once per step (the
 * function is kept with the step), not once per estimate.
 * @example
 * ```ts
 * const d = calibrate(svyDesign(fromColumns({ g: ['a', 'b', 'a'] })), { margins: [{ variable: 'g', population: { a: 4, b: 2 } }], calfun: 'linear' });
 * const step = d.calibration![0] as CalibrateStep;
 * console.log(Array.from(calibrationCorrection(step)(Float64Array.of(4, 2)), (x) => +x.toFixed(12))); // => [ 2, 2 ]
 * ```
 */
export function calibrationCorrection(
  step: CalibrateStep,
): (unitSum: Float64Array) => Float64Array {
  let correction = corrections.get(step);
  if (correction === undefined) {
    correction = makeCalibrationCorrection(step);
    corrections.set(step, correction);
  }
  return correction;
}

/** The correction of each calibration step, made once (its solve takes time growing as p³). */
const corrections = new WeakMap<CalibrateStep, (unitSum: Float64Array) => Float64Array>();

function makeCalibrationCorrection(step: CalibrateStep): (unitSum: Float64Array) => Float64Array {
  const { units, unitX, g, oldWeights: w0, columns: names } = step;
  const p = names.length;
  const nUnits = g.length;
  const n = w0.length;
  const unitW0 = new Float64Array(nUnits);
  for (let i = 0; i < n; i++) {
    const u = units[i]!;
    if (u >= 0) unitW0[u]! += w0[i]!;
  }
  const M = new Float64Array(p * p);
  for (let u = 0; u < nUnits; u++) {
    const w = unitW0[u]!;
    if (w === 0) continue;
    const o = u * p;
    for (let a = 0; a < p; a++) {
      const xa = unitX[o + a]! * w;
      if (xa === 0) continue;
      for (let b = 0; b < p; b++) M[a * p + b]! += xa * unitX[o + b]!;
    }
  }
  const Minv = pinvSym(M, p, 1e-14);
  return (unitSum) => {
    const b = new Float64Array(p);
    for (let u = 0; u < nUnits; u++) {
      const s = unitSum[u]!;
      if (s === 0) continue;
      const f = s / g[u]!;
      for (let a = 0; a < p; a++) b[a]! += unitX[u * p + a]! * f;
    }
    const beta = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let c = 0; c < p; c++) s += Minv[a * p + c]! * b[c]!;
      beta[a] = s;
    }
    const fitted = new Float64Array(nUnits);
    for (let u = 0; u < nUnits; u++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += unitX[u * p + a]! * beta[a]!;
      fitted[u] = s * g[u]!;
    }
    return fitted;
  };
}
