/**
 * Iteratively reweighted least squares exactly as R's `glm.fit` runs it (same starting values,
 * same steps, same convergence rule |dev − dev_old| / (|dev| + 0.1) < 1e-8, at most 25
 * iterations, step halving when the deviance is not finite), so a fit stops at the same iterate
 * as R's and its working weights are R's.
 *
 * Each iteration is one pass over the rows: it computes the linear predictor from the row's cell
 * and features (see {@link ModelMatrix}), the deviance, and, for the next step, the working
 * weight W and response z, accumulated per cell as Σ W u_a u_b and Σ W z u_a over the features;
 * XᵀWX and XᵀWz are then assembled from the cells (no n × p matrix).
 * @module
 */
import {
  devianceResidual,
  linkFunction,
  linkInverse,
  muEta,
  muStart,
  varianceOf,
} from './family.js';
import {
  aliasedColumns,
  type Cholesky,
  cholesky,
  choleskyInverse,
  choleskySolve,
} from './linalg.js';
import type { ModelMatrix } from './model-matrix.js';

/** R's `glm.control()` defaults. */
export const MAX_ITERATIONS = 25;
export const EPSILON = 1e-8;

/** The data a fit runs on: the model matrix, the outcome (aligned with its rows), the link. */
export interface GlmData {
  readonly mm: ModelMatrix;
  readonly y: Float64Array;
  readonly link: number;
}

/** A finished fit. */
export interface IrlsResult {
  /** The coefficients. */
  readonly beta: Float64Array;
  /**
   * The coefficients whose working weights the last step used (R's `weights` and `qr` of the
   * fit), or `null` when the last step started from R's `mustart`.
   */
  readonly previous: Float64Array | null;
  /** (XᵀWX)⁻¹ with those working weights (R's `summary(fit)$cov.unscaled`). */
  readonly xwxInverse: Float64Array;
  /** Iterations run. */
  readonly iterations: number;
  /** Whether the convergence rule was met. */
  readonly converged: boolean;
  /** The deviance at `beta` (with the prior weights given). */
  readonly deviance: number;
  /** Per cell and feature, Σ W u_a u_b, Σ W z u_a at `beta` (for a further step). */
  readonly moments: Float64Array;
}

/** Why a fit could not be made. */
export type IrlsFailure =
  | {
      readonly kind: 'aliased';
      /** Every column that is a linear combination of the columns before it. */
      readonly columns: readonly number[];
      /** The XᵀWX they were found in. */
      readonly xwx: Float64Array;
    }
  | { readonly kind: 'nonFinite' };

/** Number of moments per cell: the packed (m+1)(m+2)/2 of Σ W u uᵀ and the m+1 of Σ W z u. */
export function momentWidth(m: number): number {
  return ((m + 1) * (m + 2)) / 2 + m + 1;
}

/**
 * R's `glm.fit` with prior weights `w` (aligned with the model's rows), from `start` or, when it
 * is `null`, from the family's `mustart`; or why it cannot be run (a column aliased, no finite
 * deviance), for the caller to turn into a typed error.
 */
export function irls(
  data: GlmData,
  w: Float64Array,
  start: Float64Array | null,
): IrlsResult | { readonly failure: IrlsFailure } {
  const { mm } = data;
  const p = mm.p;
  const width = momentWidth(mm.m);
  let moments = new Float64Array(mm.nCells * width);
  let next = new Float64Array(mm.nCells * width);
  let devOld = pass(data, w, start === null ? null : coefficientsByCell(mm, start), moments);
  let coefOld: Float64Array | null = start;
  // the coefficients whose working weights `moments` holds (null: R's mustart)
  let weightsFrom: Float64Array | null = start;
  let usedWeightsFrom: Float64Array | null = start;
  let beta = start ?? new Float64Array(p);
  let lastFactor: Cholesky | null = null;
  let converged = false;
  let iterations = 0;
  let dev = devOld;
  for (let iter = 1; iter <= MAX_ITERATIONS; iter++) {
    iterations = iter;
    const { xwx, xwz } = assemble(mm, moments);
    const f = cholesky(xwx, p);
    if (!f.ok) {
      const columns = aliasedColumns(xwx, p);
      return { failure: { kind: 'aliased', columns: columns.length ? columns : [f.column], xwx } };
    }
    lastFactor = f.factor;
    usedWeightsFrom = weightsFrom;
    beta = choleskySolve(f.factor, xwz);
    next.fill(0);
    dev = pass(data, w, coefficientsByCell(mm, beta), next);
    if (!Number.isFinite(dev)) {
      if (coefOld === null) return { failure: { kind: 'nonFinite' } };
      for (let ii = 1; !Number.isFinite(dev); ii++) {
        if (ii > MAX_ITERATIONS) return { failure: { kind: 'nonFinite' } };
        for (let j = 0; j < p; j++) beta[j] = (beta[j]! + coefOld[j]!) / 2;
        next.fill(0);
        dev = pass(data, w, coefficientsByCell(mm, beta), next);
      }
    }
    // `next` now holds the moments at beta
    [moments, next] = [next, moments];
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < EPSILON) {
      converged = true;
      break;
    }
    devOld = dev;
    coefOld = beta;
    weightsFrom = beta;
  }
  return {
    beta,
    previous: usedWeightsFrom,
    xwxInverse: choleskyInverse(lastFactor!),
    iterations,
    converged,
    deviance: dev,
    moments,
  };
}

/**
 * One more Newton step from a finished fit: the change in each coefficient. After R's rule is
 * met this is tiny unless the likelihood has no maximum (separation), where some coefficients
 * keep moving by about 1 per step.
 */
export function probeStep(data: GlmData, fit: IrlsResult): Float64Array | null {
  const { xwx, xwz } = assemble(data.mm, fit.moments);
  const f = cholesky(xwx, data.mm.p);
  if (!f.ok) return null;
  const b = choleskySolve(f.factor, xwz);
  for (let j = 0; j < b.length; j++) b[j] = b[j]! - fit.beta[j]!;
  return b;
}

/** Per cell, the linear predictor's coefficient of each feature: Σ β over the cell's slots. */
export function coefficientsByCell(mm: ModelMatrix, beta: ArrayLike<number>): Float64Array {
  const m1 = mm.m + 1;
  const S = mm.slots;
  const B = new Float64Array(mm.nCells * m1);
  for (let c = 0; c < mm.nCells; c++) {
    for (let s = 0; s < S; s++) {
      const col = mm.cellCols[c * S + s]!;
      if (col >= 0) B[c * m1 + mm.slotFeature[s]!]! += beta[col]!;
    }
  }
  return B;
}

/**
 * One pass over the rows: returns the deviance at the coefficients (`B` per cell, see
 * {@link coefficientsByCell}; `null`: R's `mustart`), and adds each row's working-weight moments
 * into `moments` (rows with prior weight 0 add nothing, as R leaves them out of the step).
 */
export function pass(
  data: GlmData,
  w: Float64Array,
  B: Float64Array | null,
  moments: Float64Array | null,
): number {
  const { mm, y, link } = data;
  const { cell, U, m } = mm;
  const n = cell.length;
  const m1 = m + 1;
  const width = momentWidth(m);
  let dev = 0;
  for (let k = 0; k < n; k++) {
    const wk = w[k]!;
    const yk = y[k]!;
    const c = cell[k]!;
    let eta: number;
    if (B === null) eta = linkFunction(link, muStart(link, yk, wk));
    else {
      eta = B[c * m1]!;
      for (let a = 0; a < m; a++) eta += B[c * m1 + 1 + a]! * U[k * m + a]!;
    }
    const mu = linkInverse(link, eta);
    dev += devianceResidual(link, yk, mu, wk);
    if (moments === null || !(wk > 0)) continue;
    const me = muEta(link, eta);
    const W = (wk * me * me) / varianceOf(link, mu);
    const Wz = W * (eta + (yk - mu) / me);
    const o = c * width;
    if (m === 0) {
      moments[o]! += W;
      moments[o + 1]! += Wz;
      continue;
    }
    let q = o;
    for (let a = 0; a <= m; a++) {
      const ua = a === 0 ? 1 : U[k * m + a - 1]!;
      const wa = W * ua;
      for (let b = a; b <= m; b++) moments[q++]! += wa * (b === 0 ? 1 : U[k * m + b - 1]!);
    }
    for (let a = 0; a <= m; a++) moments[q++]! += Wz * (a === 0 ? 1 : U[k * m + a - 1]!);
  }
  return dev;
}

/** XᵀWX (p × p) and XᵀWz from the per-cell moments. */
export function assemble(
  mm: ModelMatrix,
  moments: Float64Array,
): { xwx: Float64Array; xwz: Float64Array } {
  const { p, m, slots: S, cellCols, slotFeature } = mm;
  const m1 = m + 1;
  const width = momentWidth(m);
  const nxx = (m1 * (m1 + 1)) / 2;
  // packed index of (a, b), a ≤ b
  const packed = new Int32Array(m1 * m1);
  for (let a = 0, q = 0; a <= m; a++) {
    for (let b = a; b <= m; b++, q++) {
      packed[a * m1 + b] = q;
      packed[b * m1 + a] = q;
    }
  }
  const xwx = new Float64Array(p * p);
  const xwz = new Float64Array(p);
  for (let c = 0; c < mm.nCells; c++) {
    const o = c * width;
    for (let s = 0; s < S; s++) {
      const cs = cellCols[c * S + s]!;
      if (cs < 0) continue;
      const fs = slotFeature[s]!;
      xwz[cs]! += moments[o + nxx + fs]!;
      for (let t = s; t < S; t++) {
        const ct = cellCols[c * S + t]!;
        if (ct < 0) continue;
        const v = moments[o + packed[fs * m1 + slotFeature[t]!]!]!;
        xwx[cs * p + ct]! += v;
        if (ct !== cs) xwx[ct * p + cs]! += v;
      }
    }
  }
  return { xwx, xwz };
}
