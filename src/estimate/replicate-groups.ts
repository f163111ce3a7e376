/**
 * Replicate estimates of many domains in one pass. On a replicate-weight design the cost of an
 * estimate is reading every replicate weight of every row (80 replicates of 1,000,000 rows is
 * 640 MB); a domain estimate reads them all too, since the rows outside the domain are only
 * skipped. {@link replicateCellSums} instead adds each row's weights into the cell it belongs to
 * (a group, a group × level, a table cell), so that every cell's replicate sums come from one
 * read of the weights.
 *
 * {@link svyBy} registers its groups ({@link registerReplicateGroups}); svyMean / svyTotal on one
 * of them ({@link groupMomentReplicates}) then computes the replicate sums of all groups at once
 * and keeps them for the other groups' calls.
 * @module
 */
import type { Column } from '../data/types.js';
import type { ReplicateDesign } from '../design/replicate-types.js';
import { EstimationError } from '../errors.js';
import type { Analysis } from './prepare.js';
import type { ReplicateEstimates } from './variance.js';

/** Per cell, the full-sample and the per-replicate weighted sums (see {@link replicateCellSums}). */
export interface CellSums {
  /** `full[c]`: the cell's sum with the full-sample weights. */
  full: Float64Array;
  /** `reps[r][c]`: the cell's sum with replicate r's weights. */
  reps: Float64Array[];
}

/**
 * Weighted sums per cell with the full-sample weights and with each replicate's: row i adds
 * `w_i` to cell `cell[i]` (no cell: `cell[i] < 0`), or, with `values`, `w_i·y_i` to the cell's
 * sum and `w_i` to its weight total. The design's domain is not looked at: rows outside it must
 * have no cell.
 *
 * Up to {@link MAX_ROW_CELLS} cells, each weight is read in row order, eight weight sets per pass
 * over the rows, every row adding into its cell's sums (a table of 8 or 16 sums per cell, within
 * the processor's fast caches), so that each cell's sum gets its rows in row order, whatever the
 * order of the file (80 replicates of 1,000,000 rows in 224 cells: ~150 ms, sorted or shuffled).
 * With more cells, one pass over the rows in blocks of 4096 (ordered by cell within the block),
 * four weight sets per sweep of a block.
 *
 * @returns without `values`, K sums per weight set; with `values`, 2K: the sum of w·y of cell
 *   c at 2c and its Σw at 2c + 1.
 * @throws {EstimationError} `LENGTH_MISMATCH` when `cell` or `values` do not have a row per
 *   design row.
 * @example
 * ```ts
 * const design = { weights: Float64Array.of(1, 2, 3), replicates: [Float64Array.of(0, 3, 3), Float64Array.of(2, 0, 4)] };
 * const counts = replicateCellSums(design, Int32Array.of(0, 1, 0), 2);
 * console.log(Array.from(counts.full), counts.reps.map((r) => Array.from(r))); // => [ 4, 2 ] [ [ 3, 3 ], [ 6, 0 ] ]
 * const sums = replicateCellSums(design, Int32Array.of(0, -1, 0), 1, Float64Array.of(10, 20, 30));
 * console.log(Array.from(sums.full)); // => [ 100, 4 ]
 * ```
 */
export function replicateCellSums(
  design: Pick<ReplicateDesign, 'weights' | 'replicates'>,
  cell: Int32Array,
  K: number,
  values: Float64Array | null = null,
): CellSums {
  const n = design.weights.length;
  if (cell.length !== n || (values !== null && values.length !== n)) {
    const bad = cell.length !== n ? cell.length : values!.length;
    throw new EstimationError('LENGTH_MISMATCH', `${bad} entries for ${n} rows`, { value: bad });
  }
  const sets = [design.weights, ...design.replicates];
  const width = values === null ? K : 2 * K;
  const outs = sets.map(() => new Float64Array(width));
  const B = 4096;
  // Many cells: within a block, rows are ordered by cell (a counting sort), so that each cell's
  // sum is accumulated in registers; with more cells than rows in a block, added in place.
  // (Row by row, the block's rows were read in cell order, at random within the block, which
  // on a file in random row order, with every cell in every block, took 1.2-1.4x as long.)
  if (K <= MAX_ROW_CELLS) rowCells(sets, outs, cell, K, values);
  else if (K <= B) sortedBlocks(sets, outs, cell, K, values, B);
  else scatterBlocks(sets, outs, cell, K, values, B);
  return { full: outs[0]!, reps: outs.slice(1) };
}

/** Eight weight sets, summed in one pass by {@link rowCells}. */
type Eight = [
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
];

/** Most cells whose sums {@link replicateCellSums} adds row by row (16 sums per cell: 128 KB). */
const MAX_ROW_CELLS = 1024;

/** {@link replicateCellSums} row by row: eight weight sets per pass over the rows, then one each. */
function rowCells(
  sets: readonly Float64Array[],
  outs: Float64Array[],
  cell: Int32Array,
  K: number,
  values: Float64Array | null,
): void {
  const S = sets.length;
  const width = values === null ? 8 : 16;
  const acc = new Float64Array(width * K);
  let s = 0;
  for (; s + 7 < S; s += 8) {
    acc.fill(0);
    const w = sets.slice(s, s + 8) as Eight;
    if (values === null) eightCounts(w, cell, K, acc);
    else eightSums(w, cell, K, values, acc);
    for (let j = 0; j < 8; j++) {
      const o = outs[s + j]!;
      for (let c = 0; c < K; c++) {
        if (values === null) o[c] = acc[8 * c + j]!;
        else {
          o[2 * c] = acc[16 * c + j]!;
          o[2 * c + 1] = acc[16 * c + 8 + j]!;
        }
      }
    }
  }
  for (; s < S; s++) {
    const w = sets[s]!;
    const o = outs[s]!;
    for (let i = 0; i < cell.length; i++) {
      const c = cell[i]!;
      if (c < 0 || c >= K) continue;
      const x = w[i]!;
      if (values === null) o[c]! += x;
      else {
        o[2 * c]! += x * values[i]!;
        o[2 * c + 1]! += x;
      }
    }
  }
}

/** Σ w per cell of eight weight sets, side by side in `acc` (8 per cell). */
function eightCounts(w: Eight, cell: Int32Array, K: number, acc: Float64Array) {
  const [w0, w1, w2, w3, w4, w5, w6, w7] = w;
  for (let i = 0; i < cell.length; i++) {
    const c = cell[i]!;
    if (c < 0 || c >= K) continue;
    const o = 8 * c;
    acc[o]! += w0[i]!;
    acc[o + 1]! += w1[i]!;
    acc[o + 2]! += w2[i]!;
    acc[o + 3]! += w3[i]!;
    acc[o + 4]! += w4[i]!;
    acc[o + 5]! += w5[i]!;
    acc[o + 6]! += w6[i]!;
    acc[o + 7]! += w7[i]!;
  }
}

/** Σ w·y and Σ w per cell of eight weight sets, side by side in `acc` (16 per cell). */
function eightSums(w: Eight, cell: Int32Array, K: number, values: Float64Array, acc: Float64Array) {
  const [w0, w1, w2, w3, w4, w5, w6, w7] = w;
  for (let i = 0; i < cell.length; i++) {
    const c = cell[i]!;
    if (c < 0 || c >= K) continue;
    const v = values[i]!;
    const o = 16 * c;
    const x0 = w0[i]!;
    const x1 = w1[i]!;
    const x2 = w2[i]!;
    const x3 = w3[i]!;
    const x4 = w4[i]!;
    const x5 = w5[i]!;
    const x6 = w6[i]!;
    const x7 = w7[i]!;
    acc[o]! += x0 * v;
    acc[o + 1]! += x1 * v;
    acc[o + 2]! += x2 * v;
    acc[o + 3]! += x3 * v;
    acc[o + 4]! += x4 * v;
    acc[o + 5]! += x5 * v;
    acc[o + 6]! += x6 * v;
    acc[o + 7]! += x7 * v;
    acc[o + 8]! += x0;
    acc[o + 9]! += x1;
    acc[o + 10]! += x2;
    acc[o + 11]! += x3;
    acc[o + 12]! += x4;
    acc[o + 13]! += x5;
    acc[o + 14]! += x6;
    acc[o + 15]! += x7;
  }
}

/** {@link replicateCellSums} for more cells: each block's rows in cell order. */
function sortedBlocks(
  sets: readonly Float64Array[],
  outs: Float64Array[],
  cell: Int32Array,
  K: number,
  values: Float64Array | null,
  B: number,
): void {
  const n = cell.length;
  const S = sets.length;
  const count = new Int32Array(K + 1);
  const next = new Int32Array(K + 1);
  const rows = new Int32Array(B); // data row of the t-th row in cell order
  const y = new Float64Array(B); // its value
  const cells = new Int32Array(Math.min(K, B)); // cells present in the block
  const ends = new Int32Array(Math.min(K, B)); // end of each present cell's run
  for (let start = 0; start < n; start += B) {
    const len = Math.min(B, n - start);
    count.fill(0);
    for (let t = 0; t < len; t++) {
      const c = cell[start + t]!;
      if (c >= 0 && c < K) count[c]! += 1;
    }
    let runs = 0;
    let at = 0;
    for (let c = 0; c < K; c++) {
      const m = count[c]!;
      if (m === 0) continue;
      next[c] = at;
      at += m;
      cells[runs] = c;
      ends[runs++] = at;
    }
    if (runs === 0) continue;
    for (let t = 0; t < len; t++) {
      const c = cell[start + t]!;
      if (c < 0 || c >= K) continue;
      const u = next[c]!;
      next[c] = u + 1;
      rows[u] = start + t;
      if (values !== null) y[u] = values[start + t]!;
    }
    let s = 0;
    for (; s + 3 < S; s += 4) {
      const w0 = sets[s]!;
      const w1 = sets[s + 1]!;
      const w2 = sets[s + 2]!;
      const w3 = sets[s + 3]!;
      const o0 = outs[s]!;
      const o1 = outs[s + 1]!;
      const o2 = outs[s + 2]!;
      const o3 = outs[s + 3]!;
      let from = 0;
      for (let q = 0; q < runs; q++) {
        const c = cells[q]!;
        const to = ends[q]!;
        if (values === null) {
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          let a3 = 0;
          for (let u = from; u < to; u++) {
            const i = rows[u]!;
            a0 += w0[i]!;
            a1 += w1[i]!;
            a2 += w2[i]!;
            a3 += w3[i]!;
          }
          o0[c]! += a0;
          o1[c]! += a1;
          o2[c]! += a2;
          o3[c]! += a3;
        } else {
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          let a3 = 0;
          let b0 = 0;
          let b1 = 0;
          let b2 = 0;
          let b3 = 0;
          for (let u = from; u < to; u++) {
            const i = rows[u]!;
            const v = y[u]!;
            const x0 = w0[i]!;
            const x1 = w1[i]!;
            const x2 = w2[i]!;
            const x3 = w3[i]!;
            a0 += x0 * v;
            a1 += x1 * v;
            a2 += x2 * v;
            a3 += x3 * v;
            b0 += x0;
            b1 += x1;
            b2 += x2;
            b3 += x3;
          }
          o0[2 * c]! += a0;
          o1[2 * c]! += a1;
          o2[2 * c]! += a2;
          o3[2 * c]! += a3;
          o0[2 * c + 1]! += b0;
          o1[2 * c + 1]! += b1;
          o2[2 * c + 1]! += b2;
          o3[2 * c + 1]! += b3;
        }
        from = to;
      }
    }
    for (; s < S; s++) {
      const w = sets[s]!;
      const o = outs[s]!;
      let from = 0;
      for (let q = 0; q < runs; q++) {
        const c = cells[q]!;
        const to = ends[q]!;
        let a = 0;
        let b = 0;
        for (let u = from; u < to; u++) {
          const x = w[rows[u]!]!;
          if (values === null) a += x;
          else {
            a += x * y[u]!;
            b += x;
          }
        }
        if (values === null) o[c]! += a;
        else {
          o[2 * c]! += a;
          o[2 * c + 1]! += b;
        }
        from = to;
      }
    }
  }
}

/** {@link replicateCellSums} for many cells: each row's weights added to its cell in place. */
function scatterBlocks(
  sets: readonly Float64Array[],
  outs: Float64Array[],
  cell: Int32Array,
  K: number,
  values: Float64Array | null,
  B: number,
): void {
  const n = cell.length;
  const S = sets.length;
  for (let start = 0; start < n; start += B) {
    const end = Math.min(n, start + B);
    for (let s = 0; s < S; s++) {
      const w = sets[s]!;
      const o = outs[s]!;
      for (let i = start; i < end; i++) {
        const c = cell[i]!;
        if (c < 0 || c >= K) continue;
        if (values === null) o[c]! += w[i]!;
        else {
          o[2 * c]! += w[i]! * values[i]!;
          o[2 * c + 1]! += w[i]!;
        }
      }
    }
  }
}

/** svyBy's groups of one replicate design, and the replicate sums computed for them so far. */
interface Grouping {
  readonly data: ReplicateDesign['data'];
  readonly weights: Float64Array;
  readonly replicates: readonly Float64Array[];
  /** Per row: its group (0..count−1), or −1. */
  readonly rowGroup: Int32Array;
  readonly count: number;
  /** Per column: per group, its rows with a value (to check an analysis is the expected one). */
  readonly cache: Map<Column, { sums: CellSums; n: Float64Array; levels: number }>;
}

const groupOfMask = new WeakMap<Uint8Array, { grouping: Grouping; k: number }>();

/**
 * Declares `masks[k]` (the domains svyBy hands its estimator) as groups of `design`: `rowGroup[i]`
 * is row i's group, −1 for none; row i is in `masks[k]` exactly when `rowGroup[i] === k`.
 * svyMean / svyTotal on `{ ...design, domain: masks[k] }` then compute the replicate estimates of
 * every group in one pass.
 *
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4], g: ['a', 'b', 'a', 'b'], w: [2, 2, 2, 2], r1: [0, 4, 2, 2], r2: [4, 0, 2, 2], r3: [2, 2, 0, 4], r4: [2, 2, 4, 0] });
 * const d = svyRepDesign(data, { weights: 'w', repweights: /^r\d$/, type: 'JK1', scale: 0.75 });
 * const masks = [Uint8Array.of(1, 0, 1, 0), Uint8Array.of(0, 1, 0, 1)];
 * registerReplicateGroups(d, masks, Int32Array.of(0, 1, 0, 1));
 * console.log(svyMean({ ...d, domain: masks[1]! }, 'y')[0]!.estimate); // => 3
 * ```
 */
export function registerReplicateGroups(
  design: ReplicateDesign,
  masks: readonly Uint8Array[],
  rowGroup: Int32Array,
): void {
  const grouping: Grouping = {
    data: design.data,
    weights: design.weights,
    replicates: design.replicates,
    rowGroup,
    count: masks.length,
    cache: new Map(),
  };
  masks.forEach((mask, k) => {
    groupOfMask.set(mask, { grouping, k });
  });
}

/**
 * The replicate estimates of a mean or total on one of svyBy's groups ({@link
 * registerReplicateGroups}), taken from one pass that computes the sums of every group (done on
 * the first group's call, kept for the others). `undefined` when the analysis is not on such a
 * group (any other design or domain): the caller computes them itself.
 *
 * @param full the estimates of the group (returned as the full-sample estimates).
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4], g: ['a', 'b', 'a', 'b'], w: [2, 2, 2, 2], r1: [0, 4, 2, 2], r2: [4, 0, 2, 2] });
 * const d = svyRepDesign(data, { weights: 'w', repweights: /^r\d$/, type: 'bootstrap' });
 * console.log(groupMomentReplicates(d, { design: d } as never, 'mean', Float64Array.of(2.5))); // => undefined
 * ```
 */
export function groupMomentReplicates(
  design: ReplicateDesign,
  a: Analysis,
  kind: 'mean' | 'total',
  full: Float64Array,
): ReplicateEstimates | undefined {
  const domain = design.domain;
  if (domain === null || a.design.domain !== domain) return undefined;
  const link = groupOfMask.get(domain);
  if (!link) return undefined;
  const { grouping, k } = link;
  if (
    grouping.data !== design.data ||
    grouping.weights !== design.weights ||
    grouping.replicates !== design.replicates
  ) {
    return undefined;
  }
  const column = a.column;
  let entry = grouping.cache.get(column);
  if (!entry) {
    entry = groupSums(grouping, column);
    grouping.cache.set(column, entry);
  }
  // The analysis must be the group's rows with a value (it is, unless the data changed).
  if (entry.n[k] !== a.n) return undefined;
  const { sums, levels } = entry;
  const R = sums.reps.length;
  const reps: Float64Array[] = new Array(R);
  for (let r = 0; r < R; r++) {
    const s = sums.reps[r]!;
    if (levels === 0) {
      const sum = s[2 * k]!;
      reps[r] = Float64Array.of(kind === 'total' ? sum : sum / s[2 * k + 1]!);
    } else {
      const out = s.slice(k * levels, (k + 1) * levels);
      if (kind === 'mean') {
        let total = 0;
        for (let l = 0; l < levels; l++) total += out[l]!;
        for (let l = 0; l < levels; l++) out[l] = out[l]! / total;
      }
      reps[r] = out;
    }
  }
  return { full, reps };
}

/** One pass: every group's replicate sums of a column (numeric: Σwy and Σw; categorical: Σw per level). */
function groupSums(
  grouping: Grouping,
  column: Column,
): { sums: CellSums; n: Float64Array; levels: number } {
  const { rowGroup, count } = grouping;
  const nrow = rowGroup.length;
  const cell = new Int32Array(nrow);
  const n = new Float64Array(count);
  if (column.kind === 'numeric') {
    const y = column.values;
    for (let i = 0; i < nrow; i++) {
      const g = rowGroup[i]!;
      if (g >= 0 && !Number.isNaN(y[i]!)) {
        cell[i] = g;
        n[g]! += 1;
      } else cell[i] = -1;
    }
    return { sums: replicateCellSums(grouping, cell, count, y), n, levels: 0 };
  }
  const { codes } = column;
  const L = Math.max(column.levels.length, 1);
  for (let i = 0; i < nrow; i++) {
    const g = rowGroup[i]!;
    const c = codes[i]!;
    if (g >= 0 && c >= 0) {
      cell[i] = g * L + c;
      n[g]! += 1;
    } else cell[i] = -1;
  }
  return { sums: replicateCellSums(grouping, cell, count * L), n, levels: L };
}
