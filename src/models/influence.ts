/**
 * Influence values of model coefficients: for row i, A⁻¹ gᵢ with gᵢ the row's score (its
 * estimating-function value) and A⁻¹ the inverse information, so their linearization variance
 * is the sandwich A⁻¹ (Σ_clusters …) A⁻¹ that R's `svy.varcoef` and `svyolr` compute with
 * `svyrecvar`. Per cluster the scores are summed first and multiplied by A⁻¹ once.
 * @module
 */
import type { Influence } from '../variance/influence.js';
import { type ModelMatrix, withSpareColumn } from './model-matrix.js';
import { cellScoreSumsSplit } from './split-passes.js';

/** Score totals per cluster already summed (by the fit's last pass), for these clusters. */
export interface SummedScores {
  /** The clusters they were summed over (per design row). */
  readonly rowCluster: Int32Array;
  /** nClusters × p, row-major: per cluster, Σ xᵢ sᵢ. */
  readonly sums: Float64Array;
}

/**
 * The influence of GLM coefficients: row k of the model (design row `mm.rows[k]`) has score
 * `x_k · s_k` (x_k its model-matrix row), so its influence is `A⁻¹ x_k s_k`.
 */
export function glmInfluence(
  mm: ModelMatrix,
  s: Float64Array,
  Ainv: Float64Array,
  nrow: number,
  summed: SummedScores | null = null,
): Influence {
  const { p, rows, cell, U, m, slots: S, cellCols, slotFeature } = mm;
  const score = (k: number, add: (col: number, value: number) => void) => {
    const c = cell[k]!;
    const sk = s[k]!;
    for (let t = 0; t < S; t++) {
      const col = cellCols[c * S + t]!;
      if (col < 0) continue;
      const f = slotFeature[t]!;
      add(col, f === 0 ? sk : sk * U[k * m + f - 1]!);
    }
  };
  // a fit whose variance needs only `summed` keeps no per-row scores (see IrlsOptions.keepScores)
  const rowScoresKept = () => {
    if (s.length !== rows.length) {
      throw new Error('internal: the fit kept only its clusters’ score sums, not each row’s');
    }
  };
  return {
    p,
    present: mm.present,
    sumByCluster(rowCluster, totals) {
      const nClusters = totals.length / p;
      if (summed !== null && rowCluster === summed.rowCluster) {
        // the fit's last pass summed the scores of these clusters
        multiplyRows(summed.sums, p, nClusters, Ainv, p, totals);
        return undefined;
      }
      rowScoresKept();
      // per cluster p + 1 sums: the last one takes what the slots without a column add
      const raw = new Float64Array(nClusters * (p + 1));
      const cols = withSpareColumn(mm.cellCols, p);
      if (shortRuns(rows, rowCluster)) addScoresByRow(mm, s, rowCluster, cols, raw);
      else addScoresByRun(mm, s, rowCluster, cols, raw);
      multiplyRows(raw, p + 1, nClusters, Ainv, p, totals);
      return undefined;
    },
    dense() {
      rowScoresKept();
      return denseColumns(rows, p, Ainv, nrow, score);
    },
  };
}

/**
 * The influence of GLM coefficients fitted on cells (no numeric variable): row k's score factor
 * is w_k (y_k − μ_c) A_c with μ_c and A_c constant in its cell c (A = the last step's working
 * weight per unit weight over μ'(η) at the fit), so a cluster's score total is, per cell it has,
 * x_c A_c (Σ w y − μ_c Σ w): two sums per row.
 */
export function glmCellInfluence(
  mm: ModelMatrix,
  y: Float64Array,
  w: Float64Array,
  mu: Float64Array,
  A: Float64Array,
  Ainv: Float64Array,
  nrow: number,
): Influence {
  const { p, rows, cell, slots: S, cellCols } = mm;
  return {
    p,
    present: mm.present,
    sumByCluster(rowCluster, totals) {
      const nClusters = totals.length / p;
      const cols = withSpareColumn(cellCols, p);
      const byRun = !shortRuns(rows, rowCluster);
      // (a large model's rows in two halves, the second on the helper thread when it runs)
      const raw = cellScoreSumsSplit(mm, { w, y, mu, A }, rowCluster, nClusters, cols, byRun);
      multiplyRows(raw, p + 1, nClusters, Ainv, p, totals);
      return undefined;
    },
    dense() {
      return denseColumns(rows, p, Ainv, nrow, (k, add) => {
        const c = cell[k]!;
        const sk = w[k]! * (y[k]! - mu[c]!) * A[c]!;
        for (let t = 0; t < S; t++) {
          const col = cellCols[c * S + t]!;
          if (col >= 0) add(col, sk);
        }
      });
    },
  };
}

/**
 * The influence of coefficients whose row scores are dense q-vectors (`score(k, out)` writes row
 * k's), e.g. an ordinal model's.
 */
export function scoreInfluence(
  rows: Int32Array,
  present: Uint8Array,
  q: number,
  score: (k: number, out: Float64Array) => void,
  Ainv: Float64Array,
  nrow: number,
): Influence {
  const buf = new Float64Array(q);
  return {
    p: q,
    present,
    sumByCluster(rowCluster, totals) {
      const nClusters = totals.length / q;
      const raw = new Float64Array(totals.length);
      for (let k = 0; k < rows.length; k++) {
        score(k, buf);
        const o = rowCluster[rows[k]!]! * q;
        for (let j = 0; j < q; j++) raw[o + j]! += buf[j]!;
      }
      multiplyRows(raw, q, nClusters, Ainv, q, totals);
      return undefined;
    },
    dense() {
      return denseColumns(rows, q, Ainv, nrow, (k, add) => {
        score(k, buf);
        for (let j = 0; j < q; j++) if (buf[j] !== 0) add(j, buf[j]!);
      });
    },
  };
}

// The loops below are functions of their own, taking every array as an argument: inside
// `sumByCluster` they read the arrays from the closure (and, with a nested flush function, the
// table too), which V8 reloads and checks at every row (1,000,000 rows in random cluster order,
// the old loop with its test per slot: 50-67 ms there, 36-48 ms as a function of its own).

/**
 * Rows in no particular order: each row adds its score x·s straight to its cluster's columns in
 * `raw` (per cluster p + 1 values; `cols` from {@link withSpareColumn}).
 */
function addScoresByRow(
  mm: ModelMatrix,
  s: Float64Array,
  rowCluster: Int32Array,
  cols: Int32Array,
  raw: Float64Array,
): void {
  const { rows, cell, U, m, slots: S, slotFeature } = mm;
  const P1 = mm.p + 1;
  for (let k = 0; k < rows.length; k++) {
    const o = rowCluster[rows[k]!]! * P1;
    const cs = cell[k]! * S;
    const sk = s[k]!;
    for (let t = 0; t < S; t++) {
      const f = slotFeature[t]!;
      raw[o + cols[cs + t]!]! += f === 0 ? sk : sk * U[k * m + f - 1]!;
    }
  }
}

/**
 * Rows of one cluster in runs: within a run, Σ s·u per (cell, feature) is summed in a small
 * table; when the run ends each cell it touched adds its sums to the cluster's columns: per row
 * m + 1 additions instead of one per slot.
 */
function addScoresByRun(
  mm: ModelMatrix,
  s: Float64Array,
  rowCluster: Int32Array,
  cols: Int32Array,
  raw: Float64Array,
): void {
  const { rows, cell, U, m, nCells, slots: S, slotFeature } = mm;
  const P1 = mm.p + 1;
  const m1 = m + 1;
  const acc = new Float64Array(nCells * m1);
  const touched = new Int32Array(nCells);
  const marked = new Uint8Array(nCells);
  let nTouched = 0;
  let current = -1;
  for (let k = 0; k < rows.length; k++) {
    const q = rowCluster[rows[k]!]!;
    if (q !== current) {
      if (current >= 0) {
        flushScores(acc, m1, touched, nTouched, marked, raw, current * P1, cols, S, slotFeature);
      }
      nTouched = 0;
      current = q;
    }
    const c = cell[k]!;
    if (marked[c] === 0) {
      marked[c] = 1;
      touched[nTouched++] = c;
    }
    const o = c * m1;
    const sk = s[k]!;
    acc[o]! += sk;
    for (let a = 1; a <= m; a++) acc[o + a]! += sk * U[k * m + a - 1]!;
  }
  if (current >= 0) {
    flushScores(acc, m1, touched, nTouched, marked, raw, current * P1, cols, S, slotFeature);
  }
}

/** The run's cell sums into its cluster's columns (from `o` in `raw`), and the sums cleared. */
function flushScores(
  acc: Float64Array,
  m1: number,
  touched: Int32Array,
  nTouched: number,
  marked: Uint8Array,
  raw: Float64Array,
  o: number,
  cols: Int32Array,
  S: number,
  slotFeature: Int32Array,
): void {
  for (let j = 0; j < nTouched; j++) {
    const c = touched[j]!;
    marked[c] = 0;
    for (let t = 0; t < S; t++) raw[o + cols[c * S + t]!]! += acc[c * m1 + slotFeature[t]!]!;
    acc.fill(0, c * m1, (c + 1) * m1);
  }
}

/**
 * Whether the rows' clusters change at least every fourth row on average (a file in random
 * order): summing per run of a cluster then costs more than adding each row to its cluster.
 */
function shortRuns(rows: Int32Array, rowCluster: Int32Array): boolean {
  let runs = 0;
  let current = -1;
  for (let k = 0; k < rows.length; k++) {
    const q = rowCluster[rows[k]!]!;
    if (q !== current) {
      runs++;
      current = q;
    }
  }
  return runs * 4 > rows.length;
}

/**
 * out[c] += A · raw[c] for each of the n rows of raw (n rows of `stride` ≥ p values, row-major,
 * of which the first p are used; out is n × p).
 */
function multiplyRows(
  raw: Float64Array,
  stride: number,
  n: number,
  A: Float64Array,
  p: number,
  out: Float64Array,
): void {
  for (let c = 0; c < n; c++) {
    const o = c * stride;
    for (let i = 0; i < p; i++) {
      let t = 0;
      for (let j = 0; j < p; j++) t += A[i * p + j]! * raw[o + j]!;
      out[c * p + i]! += t;
    }
  }
}

/** p columns over all design rows: column i at row rows[k] is Σ_j A_ij g_kj. */
function denseColumns(
  rows: Int32Array,
  p: number,
  A: Float64Array,
  nrow: number,
  score: (k: number, add: (col: number, value: number) => void) => void,
): Float64Array[] {
  const columns = Array.from({ length: p }, () => new Float64Array(nrow));
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    score(k, (col, value) => {
      for (let a = 0; a < p; a++) columns[a]![i]! += A[a * p + col]! * value;
    });
  }
  return columns;
}
