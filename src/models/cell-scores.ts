/**
 * The clusters' score totals of a GLM fitted on cells (no numeric variable): row k of cell c has
 * score factor w_k (y_k − μ_c) A_c, added to the columns of its cell's factor levels in its
 * cluster's row of a table (per cluster p + 1 values, the last one taking what the slots
 * without a column add; `cols` from `withSpareColumn`). Used by influence.ts, on a range of the
 * rows by pass-jobs.ts.
 * @module
 */
import type { ModelMatrix } from './model-matrix.js';

/**
 * The table of clusters × (p + 1) score totals of the model's rows (`mm.rows`, `mm.cell` and the
 * scores' `w`, `y` row-aligned with them; `rowCluster` per design row): by runs of a cluster
 * (`byRun`, a file sorted by cluster) or row by row. The rows' order within each way decides the
 * rounding, not which rows: both add up the same terms.
 */
export function cellScoreSums(
  mm: ModelMatrix,
  scores: CellScores,
  rowCluster: Int32Array,
  nClusters: number,
  cols: Int32Array,
  byRun: boolean,
): Float64Array {
  const raw = new Float64Array(nClusters * (mm.p + 1));
  if (byRun) addCellScoresByRun(mm, scores, rowCluster, cols, raw);
  else addCellScoresByRow(mm, scores, rowCluster, cols, raw);
  return raw;
}

/** A model on cells: per row of cell c, w (y − μ_c) A_c (see influence.ts, `glmCellInfluence`). */
export interface CellScores {
  readonly w: Float64Array;
  readonly y: Float64Array;
  readonly mu: Float64Array;
  readonly A: Float64Array;
}

/** {@link cellScoreSums} adding each row to its cluster's columns (rows in no particular order). */
function addCellScoresByRow(
  mm: ModelMatrix,
  { w, y, mu, A }: CellScores,
  rowCluster: Int32Array,
  cols: Int32Array,
  raw: Float64Array,
): void {
  const { rows, cell, slots: S } = mm;
  const P1 = mm.p + 1;
  for (let k = 0; k < rows.length; k++) {
    const o = rowCluster[rows[k]!]! * P1;
    const c = cell[k]!;
    const v = A[c]! * w[k]! * (y[k]! - mu[c]!);
    const cs = c * S;
    for (let t = 0; t < S; t++) raw[o + cols[cs + t]!]! += v;
  }
}

/**
 * {@link cellScoreSums} for rows in runs of one cluster: within a run Σ w and Σ w y per cell, and
 * per cell it touched A_c (Σ w y − μ_c Σ w) into the cluster's columns when it ends.
 */
function addCellScoresByRun(
  mm: ModelMatrix,
  { w, y, mu, A }: CellScores,
  rowCluster: Int32Array,
  cols: Int32Array,
  raw: Float64Array,
): void {
  const { rows, cell, nCells, slots: S } = mm;
  const P1 = mm.p + 1;
  const swy = new Float64Array(nCells);
  const sw = new Float64Array(nCells);
  const touched = new Int32Array(nCells);
  const marked = new Uint8Array(nCells);
  let nTouched = 0;
  let current = -1;
  for (let k = 0; k < rows.length; k++) {
    const q = rowCluster[rows[k]!]!;
    if (q !== current) {
      if (current >= 0) {
        flushCellScores(swy, sw, mu, A, touched, nTouched, marked, raw, current * P1, cols, S);
      }
      nTouched = 0;
      current = q;
    }
    const c = cell[k]!;
    if (marked[c] === 0) {
      marked[c] = 1;
      touched[nTouched++] = c;
    }
    const wk = w[k]!;
    swy[c]! += wk * y[k]!;
    sw[c]! += wk;
  }
  if (current >= 0) {
    flushCellScores(swy, sw, mu, A, touched, nTouched, marked, raw, current * P1, cols, S);
  }
}

/** The run's cells into its cluster's columns (from `o` in `raw`), and their sums cleared. */
function flushCellScores(
  swy: Float64Array,
  sw: Float64Array,
  mu: Float64Array,
  A: Float64Array,
  touched: Int32Array,
  nTouched: number,
  marked: Uint8Array,
  raw: Float64Array,
  o: number,
  cols: Int32Array,
  S: number,
): void {
  for (let j = 0; j < nTouched; j++) {
    const c = touched[j]!;
    marked[c] = 0;
    const v = A[c]! * (swy[c]! - mu[c]! * sw[c]!);
    swy[c] = 0;
    sw[c] = 0;
    for (let t = 0; t < S; t++) raw[o + cols[c * S + t]!]! += v;
  }
}
