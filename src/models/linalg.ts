/**
 * Small dense linear algebra for the models: p × p symmetric matrices (p up to a few hundred),
 * row-major in Float64Arrays. The n-sized work is elsewhere (one pass accumulates XᵀWX); what is
 * left is a Cholesky factorisation of a matrix that fits in cache, written out here rather than
 * taken from a library because the JavaScript matrix libraries store arrays of arrays (slower for
 * these sizes) and none reports which column is linearly dependent on the earlier ones, which is
 * what a rank-deficiency error has to name.
 * @module
 */

/** Pivots (of the matrix scaled to unit diagonal) at or below this are linear dependence. */
export const ALIASED_TOLERANCE = 1e-10;

/** A Cholesky factorisation of a symmetric positive definite matrix, scaled to unit diagonal. */
export interface Cholesky {
  readonly p: number;
  /** Lower-triangular factor of D⁻½ A D⁻½ (row-major, p × p). */
  readonly L: Float64Array;
  /** D⁻½: 1/√A_jj. */
  readonly scale: Float64Array;
}

/**
 * Cholesky factorisation of a symmetric matrix, in column order, after scaling it to a unit
 * diagonal (which makes the pivots relative). Returns the factor, or the first column whose
 * pivot is at most {@link ALIASED_TOLERANCE} (a zero column, or one that is a linear combination
 * of the earlier columns): R's `qr` would find the same column aliased.
 */
export function cholesky(
  a: Float64Array,
  p: number,
): { ok: true; factor: Cholesky } | { ok: false; column: number } {
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const d = a[j * p + j]!;
    if (!(d > 0)) return { ok: false, column: j };
    scale[j] = 1 / Math.sqrt(d);
  }
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j]! * scale[j]! * scale[j]!;
    for (let k = 0; k < j; k++) d -= L[j * p + k]! * L[j * p + k]!;
    if (!(d > ALIASED_TOLERANCE)) return { ok: false, column: j };
    const ljj = Math.sqrt(d);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]! * scale[i]! * scale[j]!;
      for (let k = 0; k < j; k++) s -= L[i * p + k]! * L[j * p + k]!;
      L[i * p + j] = s / ljj;
    }
  }
  return { ok: true, factor: { p, L, scale } };
}

/**
 * The columns of a symmetric positive semi-definite matrix (a cross-product matrix XᵀWX) that
 * are linear combinations of the columns before them, found in column order as R's `qr` finds
 * them (a dependent column is set aside and the next ones are checked against the others).
 */
export function aliasedColumns(a: Float64Array, p: number): number[] {
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const d = a[j * p + j]!;
    scale[j] = d > 0 ? 1 / Math.sqrt(d) : 0;
  }
  const L = new Float64Array(p * p);
  const kept: number[] = [];
  const aliased: number[] = [];
  for (let j = 0; j < p; j++) {
    if (scale[j] === 0) {
      aliased.push(j);
      continue;
    }
    let d = 1;
    for (const k of kept) {
      let s = a[j * p + k]! * scale[j]! * scale[k]!;
      for (const l of kept) {
        if (l >= k) break;
        s -= L[j * p + l]! * L[k * p + l]!;
      }
      const v = s / L[k * p + k]!;
      L[j * p + k] = v;
      d -= v * v;
    }
    if (d > ALIASED_TOLERANCE) {
      L[j * p + j] = Math.sqrt(d);
      kept.push(j);
    } else aliased.push(j);
  }
  return aliased;
}

/**
 * How column j depends on the columns `on`: the coefficients b of the least-squares fit of
 * column j on them in the cross-product matrix a (b = a[on, on]⁻¹ a[on, j]); for an aliased
 * column, the exact linear combination.
 */
export function dependence(
  a: Float64Array,
  p: number,
  on: readonly number[],
  j: number,
): Float64Array | null {
  const f = cholesky(submatrix(a, p, on), on.length);
  if (!f.ok) return null;
  return choleskySolve(
    f.factor,
    on.map((k) => a[k * p + j]!),
  );
}

/** Solves A x = b with A's Cholesky factorisation. */
export function choleskySolve(f: Cholesky, b: ArrayLike<number>): Float64Array {
  const { p, L, scale } = f;
  const x = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i]! * scale[i]!;
    for (let k = 0; k < i; k++) s -= L[i * p + k]! * x[k]!;
    x[i] = s / L[i * p + i]!;
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < p; k++) s -= L[k * p + i]! * x[k]!;
    x[i] = s / L[i * p + i]!;
  }
  for (let i = 0; i < p; i++) x[i] = x[i]! * scale[i]!;
  return x;
}

/** A⁻¹ (symmetric, row-major) from A's Cholesky factorisation. */
export function choleskyInverse(f: Cholesky): Float64Array {
  const { p, L, scale } = f;
  // Linv: inverse of the lower-triangular factor.
  const Linv = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    Linv[j * p + j] = 1 / L[j * p + j]!;
    for (let i = j + 1; i < p; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i * p + k]! * Linv[k * p + j]!;
      Linv[i * p + j] = s / L[i * p + i]!;
    }
  }
  // (L Lᵀ)⁻¹ = Linvᵀ Linv, then undo the scaling.
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < p; k++) s += Linv[k * p + i]! * Linv[k * p + j]!;
      const v = s * scale[i]! * scale[j]!;
      out[i * p + j] = v;
      out[j * p + i] = v;
    }
  }
  return out;
}

/** The inverse of a symmetric positive definite matrix, or `null` when it is not one. */
export function inverseSymmetric(a: Float64Array, p: number): Float64Array | null {
  const f = cholesky(a, p);
  return f.ok ? choleskyInverse(f.factor) : null;
}

/** A V Aᵀ for p × p row-major A and V. */
export function sandwich(A: Float64Array, V: Float64Array, p: number): Float64Array {
  const AV = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += A[i * p + k]! * V[k * p + j]!;
      AV[i * p + j] = s;
    }
  }
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += AV[i * p + k]! * A[j * p + k]!;
      out[i * p + j] = s;
    }
  }
  return out;
}

/** x A y for a p × p row-major A (y = x when omitted). */
export function quadraticForm(a: Float64Array, x: ArrayLike<number>, y = x): number {
  const p = x.length;
  let s = 0;
  for (let i = 0; i < p; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    let t = 0;
    for (let j = 0; j < p; j++) t += a[i * p + j]! * y[j]!;
    s += xi * t;
  }
  return s;
}

/** The rows and columns `index` of a p × p row-major matrix. */
export function submatrix(a: Float64Array, p: number, index: readonly number[]): Float64Array {
  const k = index.length;
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) out[i * k + j] = a[index[i]! * p + index[j]!]!;
  }
  return out;
}

/** A p × p row-major matrix as rows of plain numbers. */
export function toRows(a: Float64Array, p: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < p; i++) out.push(Array.from(a.subarray(i * p, (i + 1) * p)));
  return out;
}
