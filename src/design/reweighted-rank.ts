/**
 * The rank of re-weighted replicate weights (R's `degf()` + 1 after `postStratify`, `rake` or
 * linear `calibrate` of a replicate design) from how they were made, without a pass over every
 * row of every new replicate.
 *
 * A weighting step multiplies replicate r's weight of row i by a factor of the row's cell (or
 * calibration unit) c_i: x'_ir = x_ir f_r(c_i). The replicate weight matrix X before the step has
 * its rows grouped by direction (see rowReduction in ./replicate.ts: x_i = s_i u_g, g = g_i; the
 * rows of a PSU share one direction), so row i of X' is s_i (u_g ∘ f_c): its direction depends on
 * (g_i, c_i) only. With b_gc = Σ s_i² over the rows of group g and cell c, the cross-product
 * matrix is X'ᵀX' = Σ_(g,c) b_gc (u_g ∘ f_c)(u_g ∘ f_c)ᵀ, and the rank follows from it by the
 * same greedy decisions as R's `qr(X', tol = 1e-5)` (greedyRank, as replicateWeightMatrixRank
 * does when the rows have too many directions for Householder QR). With few pairs (pairs × p² ≤
 * 4e7, where replicateWeightMatrixRank would use Householder QR), R's dqrdc2 runs on one row
 * √b_gc (u_g ∘ f_c) per pair instead, unless the cross-product (far cheaper to make, below)
 * shows every replicate clearly independent of those before it (relative residuals of at least
 * 1e-2, a thousand times the tolerance): then the rank is p on any rounding. The rank is recomputed every time: f_r(c) differs between
 * replicates, so X' is not a row scaling of X and its rank can differ.
 *
 * There are many (g, c) pairs (about PSUs × cells: 270,000 for 5,000 PSUs and 56 cells), and
 * p² per pair would cost as much as the Gram matrix of the rows. But replicate directions are
 * mostly one value: a jackknife replicate set's PSU direction is a constant except the one
 * replicate that deletes it. Writing u_g = m_g 1 + d_g (m_g the value of most entries, d_g
 * sparse), each cell's sum splits into A_c 11ᵀ + 1 v_cᵀ + v_c 1ᵀ + Σ_g b_gc d_g d_gᵀ, with
 * A_c = Σ_g b_gc m_g² and v_c = Σ_g b_gc m_g d_g; the factors enter as diag(f_c) on both sides.
 * A pair then costs (nonzeros of d_g)², and a cell p². Directions without a majority value are
 * kept dense (m_g = 0), which is never slower than the Gram matrix of the reduced rows.
 * @module
 */

import {
  dqrdc2Rank,
  greedyRank,
  QR_MAX_CELLS,
  RANK_TOL,
  replicateWeightMatrixRank,
  rowReduction,
} from './replicate.js';

/** Largest table of (cell, group) sums kept (doubles): beyond it, the rank of the new weights is computed from them. */
const MAX_PAIR_TABLE = 1 << 22;

/**
 * The rank R's `qr(X', tol = 1e-5)` gives for re-weighted replicates X' (`reweighted[r][i]` =
 * `base[r][i] × factors[r][units[i]]`, 0 where `units[i]` < 0), from the grouping of the rows of
 * `base` when that is cheaper; otherwise {@link replicateWeightMatrixRank} of `reweighted`.
 * @param base - The replicate weights before the step.
 * @param units - Per row: its cell or calibration unit (−1: not weighted, weight 0).
 * @param factors - Per replicate: the factor of each unit.
 * @param reweighted - The new replicate weights (used when the grouping does not help).
 * @returns The rank (R's `degf()` is one less).
 */
export function reweightedReplicateRank(
  base: readonly Float64Array[],
  units: Int32Array,
  factors: readonly Float64Array[],
  reweighted: readonly Float64Array[],
): number {
  const rank = factoredRank(base, units, factors);
  return rank ?? replicateWeightMatrixRank(reweighted);
}

/** The (cell, group) sums of a re-weighting: b_gc = Σ s_i² (cell-major), and what they came from. */
interface PairSums {
  b: Float64Array;
  cells: number;
  groups: number;
  /** Pairs with rows (b_gc > 0). */
  pairs: number;
  /** groups × p, row-major (see RowReduction). */
  directions: Float64Array;
}

/** The rank from the grouping of `base`, or `null` when it is not known or does not help. */
function factoredRank(
  base: readonly Float64Array[],
  units: Int32Array,
  factors: readonly Float64Array[],
): number | null {
  const sums = pairSums(base, units, factors);
  if (sums === null) return null;
  const p = factors.length;
  const split = splitDirections(sums.directions, sums.groups, p);
  if (sums.pairs * p * p <= QR_MAX_CELLS) {
    // Householder QR takes about 2 × pairs × p² operations (80 jackknife replicates raked on 56
    // cells: 50 ms); the cross-product from the grouping often far fewer (cells × p² for
    // jackknife directions, under 1 ms). When it shows every replicate clearly independent of
    // those before it, QR's rank is p too (see clearlyFullRank); otherwise QR decides.
    if (sums.pairs >= p && 4 * crossProductCost(sums, split, p) <= sums.pairs * p * p) {
      if (clearlyFullRank(crossProduct(sums, factors, split), p)) return p;
    }
    return pairRowsRank(sums, factors);
  }
  const gram = crossProduct(sums, factors, split);
  for (let k = 0; k < gram.length; k++) if (!Number.isFinite(gram[k]!)) return null;
  return greedyRank(gram, p, units.length, RANK_TOL);
}

/**
 * Relative residual (see greedyRank) that every replicate must keep for {@link clearlyFullRank}:
 * a thousand times R's tolerance. With every pivot of the normalised cross-product at least
 * SURE² = 1e-4, rounding in the cross-product and its elimination (about p × 2⁻⁵³ times its
 * condition, which such pivots bound) moves none of them by more than a fraction of a percent,
 * so none is near the tolerance (pivot 1e-10), where QR's rounding and the Gram matrix's could
 * decide differently.
 */
const SURE = 1000 * RANK_TOL;

/**
 * Whether greedy elimination of the cross-product (greedyRank's, all columns) leaves every
 * column a relative residual of at least {@link SURE}: then R's `qr(X', tol = 1e-5)` keeps every
 * column (rank p) on any rounding. `false` when any is smaller, or not finite (QR decides).
 * @param gram - X'ᵀX' (p × p, row-major), overwritten.
 */
function clearlyFullRank(gram: Float64Array, p: number): boolean {
  const S = gram; // Schur complement, updated in place
  const squares = new Float64Array(p); // SURE² × each column's squared norm
  for (let j = 0; j < p; j++) squares[j] = SURE * SURE * gram[j * p + j]!;
  for (let j = 0; j < p; j++) {
    const d = S[j * p + j]!;
    if (!(d >= squares[j]! && d > 0 && d < Number.POSITIVE_INFINITY)) return false;
    for (let a = j + 1; a < p; a++) {
      const fa = S[a * p + j]! / d;
      if (fa === 0) continue;
      for (let b = j + 1; b < p; b++) S[a * p + b]! -= fa * S[j * p + b]!;
    }
  }
  return true;
}

/**
 * X'ᵀX' (p × p, row-major) of re-weighted replicates, as {@link reweightedReplicateRank} finds
 * it from the grouping of `base` (exported for its tests); `null` when the grouping is not known.
 * @param base - The replicate weights before the step.
 * @param units - Per row: its cell or calibration unit (−1: weight 0).
 * @param factors - Per replicate: the factor of each unit.
 */
export function reweightedCrossProduct(
  base: readonly Float64Array[],
  units: Int32Array,
  factors: readonly Float64Array[],
): Float64Array | null {
  const sums = pairSums(base, units, factors);
  return sums === null ? null : crossProduct(sums, factors);
}

function pairSums(
  base: readonly Float64Array[],
  units: Int32Array,
  factors: readonly Float64Array[],
): PairSums | null {
  const p = base.length;
  if (p === 0 || factors.length !== p) return null;
  const reduction = rowReduction(base);
  if (reduction === null) return null;
  const { groups: G, group, scale, directions } = reduction;
  const n = units.length;
  let C = 0;
  for (let i = 0; i < n; i++) if (units[i]! >= C) C = units[i]! + 1;
  if (C === 0 || G === 0 || C * G > MAX_PAIR_TABLE) return null;
  for (const f of factors) if (f.length < C) return null;
  const b = new Float64Array(C * G);
  for (let i = 0; i < n; i++) {
    const g = group[i]!;
    const c = units[i]!;
    if (g < 0 || c < 0) continue;
    const s = scale[i]!;
    b[c * G + g]! += s * s;
  }
  let pairs = 0;
  for (let k = 0; k < b.length; k++) if (b[k]! > 0) pairs++;
  return { b, cells: C, groups: G, pairs, directions };
}

/**
 * Few enough distinct rows for Householder QR (as replicateWeightMatrixRank decides): R's own
 * algorithm (dqrdc2) on one row √b_gc (u_g ∘ f_c) per (group, cell) pair, the matrix
 * replicateWeightMatrixRank would reduce the new weights to (up to rounding, and pairs of equal
 * direction it would merge: XᵀX is the same).
 */
function pairRowsRank(sums: PairSums, factors: readonly Float64Array[]): number {
  const { b, cells: C, groups: G, pairs, directions } = sums;
  const p = factors.length;
  const x = new Float64Array(pairs * p); // column-major, pairs × p
  let k = 0;
  for (let c = 0; c < C; c++) {
    for (let g = 0; g < G; g++) {
      const w = b[c * G + g]!;
      if (w === 0) continue;
      const m = Math.sqrt(w);
      for (let j = 0; j < p; j++) x[j * pairs + k] = m * directions[g * p + j]! * factors[j]![c]!;
      k++;
    }
  }
  return dqrdc2Rank(x, pairs, p, RANK_TOL);
}

/** Directions split as u_g = m_g 1 + d_g: m_g the majority value of u_g (0 when none), d_g sparse (CSR). */
interface SplitDirections {
  mode: Float64Array;
  /** d_g's nonzeros are idx/val[start[g] .. start[g + 1]). */
  start: Int32Array;
  idx: number[];
  val: number[];
}

function splitDirections(directions: Float64Array, G: number, p: number): SplitDirections {
  const mode = new Float64Array(G);
  const start = new Int32Array(G + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let g = 0; g < G; g++) {
    const o = g * p;
    let cand = directions[o]!;
    let votes = 0;
    for (let j = 0; j < p; j++) {
      const x = directions[o + j]!;
      if (votes === 0) {
        cand = x;
        votes = 1;
      } else if (x === cand) votes++;
      else votes--;
    }
    let count = 0;
    for (let j = 0; j < p; j++) if (directions[o + j] === cand) count++;
    const m = 2 * count > p ? cand : 0;
    mode[g] = m;
    for (let j = 0; j < p; j++) {
      const d = directions[o + j]! - m;
      if (d !== 0) {
        idx.push(j);
        val.push(d);
      }
    }
    start[g + 1] = idx.length;
  }
  return { mode, start, idx, val };
}

/** About how many multiply-adds {@link crossProduct} takes: (nonzeros of d_g)² per pair, p² per cell. */
function crossProductCost(sums: PairSums, split: SplitDirections, p: number): number {
  const { b, cells: C, groups: G } = sums;
  let cost = C * p * p;
  for (let c = 0; c < C; c++) {
    for (let g = 0; g < G; g++) {
      if (b[c * G + g] === 0) continue;
      const nz = split.start[g + 1]! - split.start[g]!;
      cost += nz * nz;
    }
  }
  return cost;
}

/** Σ_(g,c) b_gc (u_g ∘ f_c)(u_g ∘ f_c)ᵀ with u_g = m_g 1 + d_g (see the module description). */
function crossProduct(
  sums: PairSums,
  factors: readonly Float64Array[],
  split: SplitDirections = splitDirections(sums.directions, sums.groups, factors.length),
): Float64Array {
  const { b, cells: C, groups: G } = sums;
  const p = factors.length;
  const { mode, start, idx, val } = split;

  const gram = new Float64Array(p * p);
  const v = new Float64Array(p);
  const fd = new Float64Array(p); // d_g ∘ f_c, on d_g's nonzeros
  for (let c = 0; c < C; c++) {
    let A = 0;
    v.fill(0);
    const row = c * G;
    for (let g = 0; g < G; g++) {
      const w = b[row + g]!;
      if (w === 0) continue;
      const m = mode[g]!;
      A += w * m * m;
      const from = start[g]!;
      const to = start[g + 1]!;
      // Σ b d dᵀ with the factors: (d ∘ f)(d ∘ f)ᵀ on the nonzeros of d only.
      for (let t = from; t < to; t++) {
        const j = idx[t]!;
        const x = val[t]! * factors[j]![c]!;
        fd[t - from] = x;
        v[j]! += w * m * val[t]!;
      }
      for (let t = from; t < to; t++) {
        const a = idx[t]! * p;
        const xa = w * fd[t - from]!;
        for (let u = from; u < to; u++) gram[a + idx[u]!]! += xa * fd[u - from]!;
      }
    }
    // A f fᵀ + f (v ∘ f)ᵀ + (v ∘ f) fᵀ for this cell.
    for (let r = 0; r < p; r++) {
      const fr = factors[r]![c]!;
      if (fr === 0) continue;
      const vr = v[r]! * fr;
      const o = r * p;
      for (let s = 0; s < p; s++) {
        const fs = factors[s]![c]!;
        gram[o + s]! += fr * fs * (A + v[s]!) + vr * fs;
      }
    }
  }
  return gram;
}
