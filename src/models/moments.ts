/**
 * Per-cell moments of the model matrix: what one pass over the rows accumulates so that XᵀWX
 * and XᵀWz (or a likelihood's Hessian and gradient) can be assembled without the n × p matrix.
 * Per cell, with the features u (u₀ = 1, see {@link ModelMatrix}): Σ W u_a u_b (a ≤ b, packed)
 * then Σ W z u_a.
 * @module
 */
import type { ModelMatrix } from './model-matrix.js';

/** Number of moments per cell: the packed (m+1)(m+2)/2 of Σ W u uᵀ and the m+1 of Σ W z u. */
export function momentWidth(m: number): number {
  return ((m + 1) * (m + 2)) / 2 + m + 1;
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

/** The linear predictor of row k from its cell's coefficients (see {@link coefficientsByCell}). */
export function etaOf(B: Float64Array, c: number, U: Float64Array, k: number, m: number): number {
  if (m === 0) return B[c]!;
  const o = c * (m + 1);
  if (m === 1) return B[o]! + B[o + 1]! * U[k]!;
  let eta = B[o]!;
  for (let a = 0; a < m; a++) eta += B[o + 1 + a]! * U[k * m + a]!;
  return eta;
}

/** Adds a row's W u uᵀ and W z u to its cell's moments (starting at `o`). */
export function accumulate(
  moments: Float64Array,
  o: number,
  W: number,
  Wz: number,
  U: Float64Array,
  k: number,
  m: number,
): void {
  if (m === 0) {
    moments[o]! += W;
    moments[o + 1]! += Wz;
  } else if (m === 1) {
    const u = U[k]!;
    const Wu = W * u;
    moments[o]! += W;
    moments[o + 1]! += Wu;
    moments[o + 2]! += Wu * u;
    moments[o + 3]! += Wz;
    moments[o + 4]! += Wz * u;
  } else {
    let q = o;
    for (let a = 0; a <= m; a++) {
      const wa = a === 0 ? W : W * U[k * m + a - 1]!;
      for (let b = a; b <= m; b++) moments[q++]! += b === 0 ? wa : wa * U[k * m + b - 1]!;
    }
    for (let a = 0; a <= m; a++) moments[q++]! += a === 0 ? Wz : Wz * U[k * m + a - 1]!;
  }
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
