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
  // A well-conditioned positive definite matrix (a calibration model's cross-products, as a
  // rule): its inverse, which is then its Moore–Penrose inverse, by Cholesky in O(p³) with no
  // sweeps; anything else through the eigendecomposition below.
  const fast = p >= SPD_MIN ? spdInverse(a, p) : null;
  if (fast !== null) return fast;
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

/** Below this size the Jacobi route costs nothing and is kept (R's `ginv` to the last digits). */
const SPD_MIN = 24;
/** Largest 1-norm condition number taken through Cholesky (R's `ginv` drops nothing below ~1e13). */
const SPD_MAX_CONDITION = 1e8;

/**
 * The inverse of a symmetric positive definite p × p matrix by Cholesky (A = L Lᵀ, then A X = I
 * column by column), or `null` when the matrix is not clearly positive definite (a pivot that
 * loses all but 10 digits of its diagonal) or its 1-norm condition number is over 1e8, where
 * the Moore–Penrose inverse (which drops eigenvalues below a tolerance) may differ from it.
 * Condition numbers of 1e8 and less leave every eigenvalue far above that tolerance.
 * @example
 * ```ts
 * const n = 30;
 * const a = new Float64Array(n * n);
 * for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = i === j ? 4 : 1 / (1 + Math.abs(i - j));
 * const inv = spdInverse(a, n)!;
 * let err = 0;
 * for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
 *   let s = 0;
 *   for (let k = 0; k < n; k++) s += a[i * n + k]! * inv[k * n + j]!;
 *   err = Math.max(err, Math.abs(s - (i === j ? 1 : 0)));
 * }
 * console.log(err < 1e-14, spdInverse(new Float64Array(4), 2)); // => true null
 * ```
 */
export function spdInverse(a: Float64Array, p: number): Float64Array | null {
  // L, row-major lower triangle (rows i and j are read along k: contiguous)
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    const rj = j * p;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= L[rj + k]! * L[rj + k]!;
    if (!(d > 1e-10 * a[rj + j]!) || !Number.isFinite(d)) return null;
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      const ri = i * p;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
      L[ri + j] = s / ljj;
    }
  }
  // U = Lᵀ, row-major, for the back substitutions
  const U = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let k = 0; k <= i; k++) U[k * p + i] = L[i * p + k]!;
  const out = new Float64Array(p * p);
  const y = new Float64Array(p);
  const x = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    // L y = e_j (y is 0 above j)
    y.fill(0);
    for (let i = j; i < p; i++) {
      const ri = i * p;
      let s = i === j ? 1 : 0;
      for (let k = j; k < i; k++) s -= L[ri + k]! * y[k]!;
      y[i] = s / L[ri + i]!;
    }
    // Lᵀ x = y
    for (let i = p - 1; i >= 0; i--) {
      const ri = i * p;
      let s = y[i]!;
      for (let k = i + 1; k < p; k++) s -= U[ri + k]! * x[k]!;
      x[i] = s / U[ri + i]!;
    }
    for (let i = 0; i < p; i++) out[i * p + j] = x[i]!;
  }
  // the 1-norm condition number, from the inverse just made
  let normA = 0;
  let normInv = 0;
  for (let j = 0; j < p; j++) {
    let ca = 0;
    let ci = 0;
    for (let i = 0; i < p; i++) {
      ca += Math.abs(a[i * p + j]!);
      ci += Math.abs(out[i * p + j]!);
    }
    normA = Math.max(normA, ca);
    normInv = Math.max(normInv, ci);
  }
  if (!(normA * normInv <= SPD_MAX_CONDITION)) return null;
  return out;
}
