/**
 * The last pass of a fit whose convergence is proven before it is run ({@link provenConverged}).
 * R's iterations end with a pass at the final coefficients whose deviance only serves the
 * convergence test; once that test is decided, the pass is needed only for what follows the fit:
 * the working-weight moments at the fit (for the separation probe), each row's score factor and
 * the Pearson sums, and, on a linearization design, each first-stage cluster's score totals
 * (what the sandwich sums). This pass gives all of them at once: one pass over the rows instead
 * of three (the row pass, the scores, the clusters' sums), and no deviance. When the test could
 * not be proven and R's last pass ran, the same function makes the scores in a pass of its own.
 *
 * Each row's μ is computed exactly as the row passes compute it (from the previous pass's e^η
 * when η moved by less than 0.001), so the scores are those of the three separate passes.
 * @module
 */

import { addPearson, type PearsonSums } from './dispersion.js';
import { tableExp } from './exp.js';
import { LOG, LOGIT, linkInverse, muEta, varianceOf } from './family.js';
import type { GlmData } from './irls.js';
import { type ModelMatrix, withSpareColumn } from './model-matrix.js';
import { accumulate, etaOf, momentWidth } from './moments.js';
import { EPS, expm1Tiny, LOG_FLOOR, type RowTrack, TINY, workingWeight } from './row-passes.js';

/** The design's first-stage clusters, whose score totals the last pass sums. */
export interface FitClusters {
  /** Per design row: its cluster. */
  readonly rowCluster: Int32Array;
  /** Number of clusters. */
  readonly nClusters: number;
}

/** What {@link finalPass} gives. */
export interface FinalPassResult {
  /** Per row of the model: W (y − μ)/μ'(η), W the last step's working weight. */
  readonly s: Float64Array;
  /** The Pearson residuals' sums. */
  readonly pearson: PearsonSums;
  /**
   * With clusters: nClusters × p, row-major: per cluster, Σ xᵢ sᵢ over its rows (xᵢ the
   * model-matrix row); else null.
   */
  readonly clusterSums: Float64Array | null;
  /**
   * With clusters: per cluster, 1 when a row of it has a prior weight above 0 (the clusters
   * that count in the design's degrees of freedom); else null.
   */
  readonly clusterSeen: Uint8Array | null;
}

/** How {@link finalPass} keeps its results. */
export interface FinalPassOptions {
  /** Keep each row's score (default true). */
  readonly keepScores?: boolean;
  /** The largest per-cluster-and-cell table (entries) the clusters' sums may use. */
  readonly cellTableLimit?: number;
  /** With `keepScores`: the array (one slot per row) the scores are written to; default a new one. */
  readonly scoresInto?: Float64Array;
}

/**
 * The pass at the coefficients `B` (per cell) that ends a fit: adds the working-weight moments
 * at `B` into `moments`, and gives the rows' score factors with the working weights of `used`
 * (the rows the last step was solved at), the Pearson sums and, with `clusters`, the clusters'
 * score totals (summed per cluster and cell when that table has at most `cellTableLimit`
 * entries, else per cluster and column). With `keepScores` false the per-row scores are not kept
 * (`s` is empty): for a variance that needs only these clusters' sums.
 */
export function finalPass(
  data: GlmData,
  w: Float64Array,
  B: Float64Array,
  moments: Float64Array,
  used: RowTrack,
  clusters: FitClusters | null,
  { keepScores = true, cellTableLimit = CELL_TABLE_LIMIT, scoresInto }: FinalPassOptions = {},
): FinalPassResult {
  const { mm, y, link } = data;
  const { cell, U, m, p, rows, slots: S, cellCols, slotFeature } = mm;
  const width = momentWidth(m);
  const n = w.length;
  // without keepScores (the clusters' sums are all the variance needs) no per-row array
  const s = keepScores ? (scoresInto ?? new Float64Array(n)) : new Float64Array(0);
  const pearson = { sw: 0, swr: 0, swr2: 0, nonzero: 0 };
  const nClusters = clusters?.nClusters ?? 0;
  const rowCluster = clusters?.rowCluster ?? null;
  const { eta: etaUsed, e: eUsed, at: atUsed } = used;
  const clusterSeen = clusters === null ? null : new Uint8Array(nClusters);
  const oneFeature =
    link === LOGIT && m === 1 && atUsed !== null && clusters !== null && !keepScores;
  if (oneFeature && nClusters * mm.nCells * 2 <= cellTableLimit) {
    const clusterSums = logitOneClusters(
      data,
      w,
      B,
      used,
      atUsed,
      moments,
      clusters,
      pearson,
      clusterSeen!,
    );
    return { s, pearson, clusterSums, clusterSeen };
  }
  // Per cluster and cell, Σ s·u for the constant and each feature (expanded to the columns
  // after the pass): m + 1 additions per row instead of one per slot, when the table is small
  // enough (else each row adds its slots to its cluster's columns).
  const m1 = m + 1;
  const byCell =
    clusters !== null && nClusters * mm.nCells * m1 <= cellTableLimit
      ? new Float64Array(nClusters * mm.nCells * m1)
      : null;
  // per cluster p + 1 sums (the spare column takes the slots without a column: no test per slot)
  const P1 = p + 1;
  const sums = clusters === null || byCell !== null ? null : new Float64Array(nClusters * P1);
  const cols = sums === null ? null : withSpareColumn(cellCols, p);
  const nCells = mm.nCells;
  for (let k = 0; k < n; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue; // no score, no moments, no Pearson term (as R leaves it out)
    const c = cell[k]!;
    const eta = etaOf(B, c, U, k, m);
    const eta0 = atUsed === null ? etaUsed[k]! : etaOf(atUsed, c, U, k, m);
    const e0 = eUsed[k]!;
    const yk = y[k]!;
    let W: number; // the working weight at B, for the moments
    let Wz: number;
    let W0: number; // the working weight the last step was solved with
    let r: number; // (y − μ)/μ'(η)
    let pr: number; // (y − μ)/√V(μ)
    if (link === LOGIT) {
      if (eta < -30 || eta > 30 || eta0 < -30 || eta0 > 30) {
        thresholdRow(wk, yk, eta, THRESHOLD_ROW);
        W = THRESHOLD_ROW[0]!;
        Wz = THRESHOLD_ROW[1]!;
        r = THRESHOLD_ROW[2]!;
        pr = THRESHOLD_ROW[3]!;
        W0 = workingWeight(link, wk, used, eta0, k);
      } else {
        // μ = e/(1 + e) and V(μ) = μ'(η) = μ/(1 + e): W = w V(μ), and W₀ = w V(μ₀)
        const d = eta - eta0;
        const e = d > -TINY && d < TINY ? e0 + e0 * expm1Tiny(d) : tableExp(eta);
        const inv = 1 / (1 + e);
        const mu = e * inv;
        W = wk * mu * inv; // as the row passes round it
        Wz = W * eta + wk * (yk - mu);
        // 1/e and 1/(1 + e₀) from one division, off the chain from e to μ (a division there
        // and one more after the square root made each row wait for three in turn)
        const both = 1 / (e * (1 + e0));
        const inverseE = (1 + e0) * both;
        // r = (y − μ)/V(μ) = (y − μ)(1 + e)²/e; the square root only for the Pearson residual
        // (y − μ)/√V(μ) = (y − μ)(1 + e)/√e, off the score's chain
        const ym = (yk - mu) * (1 + e);
        r = ym * (1 + e) * inverseE;
        pr = ym * Math.sqrt(inverseE);
        const inv0 = e * both;
        W0 = wk * e0 * inv0 * inv0;
      }
    } else if (link === LOG) {
      let mu: number;
      if (eta < LOG_FLOOR || eta0 < LOG_FLOOR) mu = Math.max(Math.exp(eta), EPS);
      else {
        const d = eta - eta0;
        mu = e0 + (d > -TINY && d < TINY ? e0 * expm1Tiny(d) : Math.exp(eta) - e0);
      }
      W = (wk * mu * mu) / mu;
      Wz = W * (eta + (yk - mu) / mu);
      r = (yk - mu) / mu;
      pr = (yk - mu) / Math.sqrt(mu);
      W0 = workingWeight(link, wk, used, eta0, k);
    } else {
      r = yk - eta;
      pr = r;
      W = wk;
      Wz = wk * (eta + r);
      W0 = wk;
    }
    accumulate(moments, c * width, W, Wz, U, k, m);
    const sk = W0 * r;
    if (keepScores) s[k] = sk;
    addPearson(pearson, wk, pr);
    if (clusterSeen !== null) clusterSeen[rowCluster![rows[k]!]!] = 1;
    if (byCell !== null) {
      const o = (rowCluster![rows[k]!]! * nCells + c) * m1;
      byCell[o]! += sk;
      for (let a = 1; a <= m; a++) byCell[o + a]! += sk * U[k * m + a - 1]!;
      continue;
    }
    if (sums === null) continue;
    // the row's score x·s into its cluster's columns: one term per slot of its cell
    const o = rowCluster![rows[k]!]! * P1;
    const cs = c * S;
    for (let t = 0; t < S; t++) {
      const f = slotFeature[t]!;
      sums[o + cols![cs + t]!]! += f === 0 ? sk : sk * U[k * m + f - 1]!;
    }
  }
  const clusterSums =
    byCell !== null
      ? expandCells(mm, byCell, nClusters)
      : sums === null
        ? null
        : withoutSpareColumn(sums, nClusters, p);
  return { s, pearson, clusterSums, clusterSeen };
}

/**
 * {@link finalPass} for the usual logistic model with one numeric feature, its last step's rows
 * known by their coefficients, keeping no per-row scores and summing the clusters' scores per
 * cluster and cell: the same arithmetic per row as the general loop, written out so V8 keeps the
 * row in registers (the general loop's per-row branches on the link, the feature count and the
 * layouts cost it about a quarter of its time). A table per cluster of the model's columns (in
 * the core's cache, where this one is not) was tried: its per-row loop over the slots cost as
 * much as the cache misses saved (whole fits in one process, alternating: 1.00× shuffled, 0.92×
 * sorted for this layout).
 */
function logitOneClusters(
  data: GlmData,
  w: Float64Array,
  B: Float64Array,
  used: RowTrack,
  at: Float64Array,
  moments: Float64Array,
  clusters: FitClusters,
  pearson: PearsonSums,
  seen: Uint8Array,
): Float64Array {
  const { mm, y } = data;
  const eUsed = used.e;
  const { cell, U, rows } = mm;
  const { rowCluster, nClusters } = clusters;
  const nCells = mm.nCells;
  // When the numeric variable has one column for every cell (no interaction with it), its
  // scores are summed per cluster and the cells' table holds one sum per cluster and cell:
  // half the table, which the rows of a shuffled file reach at random (its misses were most of
  // this pass's extra time on such a file).
  const uCol = sharedFeatureColumn(mm);
  const uSums = uCol >= 0 ? new Float64Array(nClusters) : null;
  const byCell = new Float64Array(nClusters * nCells * (uSums === null ? 2 : 1));
  let sw = 0;
  let swr = 0;
  let swr2 = 0;
  let nonzero = 0;
  for (let k = 0; k < w.length; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue;
    const c = cell[k]!;
    const u = U[k]!;
    const eta = B[2 * c]! + B[2 * c + 1]! * u;
    const eta0 = at[2 * c]! + at[2 * c + 1]! * u;
    const e0 = eUsed[k]!;
    const yk = y[k]!;
    let W: number;
    let Wz: number;
    let W0: number;
    let r: number;
    let pr: number;
    if (eta < -30 || eta > 30 || eta0 < -30 || eta0 > 30) {
      thresholdRow(wk, yk, eta, THRESHOLD_ROW);
      W = THRESHOLD_ROW[0]!;
      Wz = THRESHOLD_ROW[1]!;
      r = THRESHOLD_ROW[2]!;
      pr = THRESHOLD_ROW[3]!;
      W0 = workingWeight(LOGIT, wk, used, eta0, k);
    } else {
      const d = eta - eta0;
      const e = d > -TINY && d < TINY ? e0 + e0 * expm1Tiny(d) : tableExp(eta);
      const inv = 1 / (1 + e);
      const mu = e * inv;
      W = wk * mu * inv;
      Wz = W * eta + wk * (yk - mu);
      const both = 1 / (e * (1 + e0));
      const inverseE = (1 + e0) * both;
      const ym = (yk - mu) * (1 + e);
      r = ym * (1 + e) * inverseE;
      pr = ym * Math.sqrt(inverseE);
      const inv0 = e * both;
      W0 = wk * e0 * inv0 * inv0;
    }
    const o = c * 5;
    const Wu = W * u;
    moments[o]! += W;
    moments[o + 1]! += Wu;
    moments[o + 2]! += Wu * u;
    moments[o + 3]! += Wz;
    moments[o + 4]! += Wz * u;
    nonzero++;
    sw += wk;
    swr += wk * pr;
    swr2 += wk * pr * pr;
    const sk = W0 * r;
    const cluster = rowCluster[rows[k]!]!;
    seen[cluster] = 1;
    if (uSums !== null) {
      byCell[cluster * nCells + c]! += sk;
      uSums[cluster]! += sk * u;
    } else {
      const q = (cluster * nCells + c) * 2;
      byCell[q]! += sk;
      byCell[q + 1]! += sk * u;
    }
  }
  pearson.sw = sw;
  pearson.swr = swr;
  pearson.swr2 = swr2;
  pearson.nonzero = nonzero;
  return uSums === null
    ? expandCells(mm, byCell, nClusters)
    : expandConstants(mm, byCell, uSums, uCol, nClusters);
}

/**
 * The model's column of the numeric feature when it is the same for every cell (one slot with
 * the feature, in no interaction with a factor), else −1.
 */
function sharedFeatureColumn(mm: ModelMatrix): number {
  const { slots: S, slotFeature, cellCols, nCells } = mm;
  let slot = -1;
  for (let t = 0; t < S; t++) {
    if (slotFeature[t] === 0) continue;
    if (slot >= 0) return -1;
    slot = t;
  }
  if (slot < 0) return -1;
  const col = cellCols[slot]!;
  if (col < 0) return -1;
  for (let c = 1; c < nCells; c++) if (cellCols[c * S + slot] !== col) return -1;
  return col;
}

/**
 * Per cluster, the cells' sums of s (one per cluster and cell) taken to the constant slots'
 * columns, and Σ s·u to the feature's column `uCol`: nClusters × p.
 */
function expandConstants(
  mm: ModelMatrix,
  byCell: Float64Array,
  uSums: Float64Array,
  uCol: number,
  nClusters: number,
): Float64Array {
  const { p, nCells, slots: S, cellCols, slotFeature } = mm;
  const out = new Float64Array(nClusters * p);
  for (let q = 0; q < nClusters; q++) {
    for (let c = 0; c < nCells; c++) {
      const v = byCell[q * nCells + c]!;
      if (v === 0) continue;
      for (let t = 0; t < S; t++) {
        const col = cellCols[c * S + t]!;
        if (col >= 0 && slotFeature[t] === 0) out[q * p + col]! += v;
      }
    }
    out[q * p + uCol] = uSums[q]!;
  }
  return out;
}

/** {@link thresholdRow}'s results (one row at a time). */
const THRESHOLD_ROW = new Float64Array(4);

/**
 * A logistic row at or beyond R's thresholds (|η| > 30 now or at the last step): R's `linkinv`,
 * `mu.eta` and `variance` as they are (family.ts), as the row passes use them. Writes to `out`
 * the working weight W at η, W z, the working residual (y − μ)/μ'(η) and the Pearson residual
 * (y − μ)/√V(μ).
 */
function thresholdRow(wk: number, yk: number, eta: number, out: Float64Array): void {
  const mu = linkInverse(LOGIT, eta);
  const me = muEta(LOGIT, eta);
  const v = varianceOf(LOGIT, mu);
  const W = (wk * me * me) / v;
  out[0] = W;
  out[1] = W * (eta + (yk - mu) / me);
  out[2] = (yk - mu) / me;
  out[3] = (yk - mu) / Math.sqrt(v);
}

/** At most this many entries (nClusters × nCells × (m + 1)) in the per-cell table: 16 MB. */
const CELL_TABLE_LIMIT = 1 << 21;

/** Per cluster, the cells' sums of s·u taken to the model's columns: nClusters × p. */
function expandCells(mm: ModelMatrix, byCell: Float64Array, nClusters: number): Float64Array {
  const { p, nCells, m, slots: S, cellCols, slotFeature } = mm;
  const m1 = m + 1;
  const out = new Float64Array(nClusters * p);
  for (let q = 0; q < nClusters; q++) {
    for (let c = 0; c < nCells; c++) {
      const o = (q * nCells + c) * m1;
      if (byCell[o] === 0 && m === 0) continue;
      for (let t = 0; t < S; t++) {
        const col = cellCols[c * S + t]!;
        if (col >= 0) out[q * p + col]! += byCell[o + slotFeature[t]!]!;
      }
    }
  }
  return out;
}

/** The n × p table of an n × (p + 1) one (its spare last column left out). */
function withoutSpareColumn(sums: Float64Array, n: number, p: number): Float64Array {
  const out = new Float64Array(n * p);
  for (let q = 0; q < n; q++) out.set(sums.subarray(q * (p + 1), q * (p + 1) + p), q * p);
  return out;
}
