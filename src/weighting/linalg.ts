/**
 * Small dense linear algebra for calibration: the Moore–Penrose inverse of a symmetric matrix
 * (R's `MASS::ginv`, which `grake` uses) from a Jacobi eigendecomposition.
 * @module
 */

/** R's `MASS::ginv` tolerance as `grake` calls it: 256 · machine epsilon. */
export const GINV_TOL = 256 * Number.EPSILON;

/**
 * Eigendecomposition of a symmetric p × p matrix (row-major) by cyclic Jacobi rotations:
 * returns the eigenvalues and the eigenvectors as columns of a row-major matrix.
 */
export function eigenSym(
  a: Float64Array,
  p: number,
): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(a);
  const V = new Float64Array(p * p);
  for (let i = 0; i < p; i++) V[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < p; i++) {
      diag += A[i * p + i]! * A[i * p + i]!;
      for (let j = i + 1; j < p; j++) off += A[i * p + j]! * A[i * p + j]!;
    }
    if (off === 0 || off <= 1e-32 * diag) break;
    for (let i = 0; i < p; i++) {
      for (let j = i + 1; j < p; j++) {
        const aij = A[i * p + j]!;
        if (aij === 0) continue;
        const aii = A[i * p + i]!;
        const ajj = A[j * p + j]!;
        const theta = (ajj - aii) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const aki = A[k * p + i]!;
          const akj = A[k * p + j]!;
          A[k * p + i] = c * aki - s * akj;
          A[k * p + j] = s * aki + c * akj;
        }
        for (let k = 0; k < p; k++) {
          const aik = A[i * p + k]!;
          const ajk = A[j * p + k]!;
          A[i * p + k] = c * aik - s * ajk;
          A[j * p + k] = s * aik + c * ajk;
        }
        for (let k = 0; k < p; k++) {
          const vki = V[k * p + i]!;
          const vkj = V[k * p + j]!;
          V[k * p + i] = c * vki - s * vkj;
          V[k * p + j] = s * vki + c * vkj;
        }
      }
    }
  }
  const values = new Float64Array(p);
  for (let i = 0; i < p; i++) values[i] = A[i * p + i]!;
  return { values, vectors: V };
}

/**
 * Moore–Penrose inverse of a symmetric matrix: eigenvalues with |λ| ≤ tol · max |λ| are treated
 * as zero (as `MASS::ginv` treats singular values).
 */
export function pinvSym(a: Float64Array, p: number, tol = GINV_TOL): Float64Array {
  const { values, vectors } = eigenSym(a, p);
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const out = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    const lambda = values[k]!;
    if (!(Math.abs(lambda) > tol * max)) continue;
    for (let i = 0; i < p; i++) {
      const vi = vectors[i * p + k]! / lambda;
      if (vi === 0) continue;
      for (let j = 0; j < p; j++) out[i * p + j]! += vi * vectors[j * p + k]!;
    }
  }
  return out;
}

/** y = A x for a p × p row-major A. */
export function matVec(a: Float64Array, x: Float64Array, p: number): Float64Array {
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += a[i * p + j]! * x[j]!;
    y[i] = s;
  }
  return y;
}
