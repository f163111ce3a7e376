/**
 * The weights of a two-way table per (stage-1 cluster, cell), in one pass over the rows: what
 * the cells' linearized variances need on a linearization design (svyTable, svyChisq).
 * @module
 */

/** A two-way table's cells: row i is in cell `a[i] · strideA + b[i] · strideB`. */
export interface TwoWayCells {
  /** Level codes of the first variable (0 … levelsA − 1 on the rows of the table). */
  a: Int32Array;
  /** Level codes of the second variable. */
  b: Int32Array;
  strideA: number;
  strideB: number;
  levelsA: number;
  levelsB: number;
}

/** The sums of {@link clusterCellSums}. */
export interface ClusterCellSums {
  /** nClusters × cells, row-major: Σ w per (cluster, cell), each added in row order. */
  sums: Float64Array;
  /**
   * Per cell: its rows, counted when first asked for if the pass did not (a whole design's pass
   * without marks counts the rows left out only: a cell with Σ w ≠ 0 has rows, so a caller that
   * only asks which cells have rows need not call this unless a cell's Σ w is 0).
   */
  cellN: () => Float64Array;
  /** The table's rows (in all). */
  rows: number;
  /** Per cell: Σ w, added cluster by cluster from `sums`. */
  cellW: Float64Array;
  /** Per cluster: Σ w, from `sums`. */
  clusterW: Float64Array;
  /**
   * Σ w of every row, from `sums` cluster by cluster, in the order `cellW` adds them (so that a
   * cell holding every row has a share of exactly 1).
   */
  sumW: number;
}

/**
 * Σ w per (cluster, cell) and the rows per cell of the table's rows, marking in `seen` (when
 * given) the clusters with such a row. The table's rows: those with `rows[i] = 1` (`rows` null:
 * every row) and both codes ≥ 0 (< 0: missing).
 *
 * Why the pass is shaped this way: on a file in random row order the (cluster, cell) sums, e.g.
 * 5,000 clusters × 28 cells × 8 bytes = 1.1 MB, are reached at random, and the pass slowed
 * down 1.5–2× against a file sorted by cluster. So:
 * - the pass does nothing else per row (the cells' and the clusters' weights are summed
 *   afterwards from the cluster sums; the rows per cell are counted in 4 interleaved integer
 *   tables, so that no row waits for the previous row's count; on a whole design without marks,
 *   see {@link sumsAllFrom}, they are counted only when asked for);
 * - when one of the two variables has a single level in each cluster (a region in a design
 *   stratified by region, the usual table of a poll), only that level's cells of each cluster can
 *   be non-zero: the pass sums into a table of clusters × the other variable's levels (160 KB
 *   instead of 1.1 MB above, within the processor's fast caches) and spreads it into the full
 *   table at the end. The first row of a cluster with another level ends that: if it comes early
 *   the pass starts again with the other variable; otherwise the rows before it are spread and
 *   the rest added to the full table.
 * Every (cluster, cell) sum gets its rows' weights in row order either way (the same numbers, bit
 * for bit).
 */
export function clusterCellSums(
  t: TwoWayCells,
  rows: Uint8Array | null,
  w: Float64Array,
  rowCluster: Int32Array,
  nClusters: number,
  seen: Uint8Array | null,
): ClusterCellSums {
  const n = w.length;
  const K = t.levelsA * t.levelsB;
  const sums = new Float64Array(nClusters * K);
  const counts = new Int32Array(4 * K);
  const levelOf = new Int32Array(nClusters);
  const s: Pass = { K, rows, w, rowCluster, levelOf, counts, seen, sums };
  // Each variable in turn as the one with a single level per cluster (the first row that
  // contradicts it within the first 1/16 of the rows: the other one; after it, the rows before
  // that row are kept).
  let done = oneLevel(s, t.a, t.b, t.strideA, t.strideB, t.levelsB, false);
  if (done < n / 16) done = oneLevel(s, t.b, t.a, t.strideB, t.strideA, t.levelsA, true);
  // The rows of the pass without marks are not counted per cell (only those left out are).
  const uncounted = done < n && rows === null && seen === null;
  let inTable = 0;
  if (uncounted) inTable = n - done - sumsAllFrom(done, t, K, w, rowCluster, sums);
  else if (done < n) sumsFrom(done, t, K, rows, w, rowCluster, sums, counts, seen);
  // (the rows counted: all, or those before the pass without marks)
  const countedN = new Float64Array(K);
  for (let c = 0; c < K; c++) {
    countedN[c] = counts[c]! + counts[K + c]! + counts[2 * K + c]! + counts[3 * K + c]!;
    inTable += countedN[c]!;
  }
  let cellN: Float64Array | null = uncounted ? null : countedN;
  const cellW = new Float64Array(K);
  const clusterW = new Float64Array(nClusters);
  const sumW = totals(sums, K, cellW, clusterW);
  return {
    sums,
    cellN: () => {
      cellN ??= cellCounts(t, K);
      return cellN;
    },
    rows: inTable,
    cellW,
    clusterW,
    sumW,
  };
}

/** What the pass works with (the helpers below are called once or twice per table). */
interface Pass {
  K: number;
  rows: Uint8Array | null;
  w: Float64Array;
  rowCluster: Int32Array;
  levelOf: Int32Array;
  counts: Int32Array;
  seen: Uint8Array | null;
  sums: Float64Array;
}

/**
 * The pass with `fixed` as the variable with one level per cluster, from the first row: the
 * sums spread into the full table when it held to the end, far enough, or `last`. Returns the
 * first row contradicting it (n: none).
 */
function oneLevel(
  s: Pass,
  fixed: Int32Array,
  other: Int32Array,
  strideFixed: number,
  strideOther: number,
  levelsOther: number,
  last: boolean,
): number {
  const n = s.w.length;
  s.levelOf.fill(-1);
  s.counts.fill(0);
  if (s.seen !== null) s.seen.fill(0);
  const small = new Float64Array(s.levelOf.length * levelsOther);
  const done = sumsOneLevel(
    fixed,
    other,
    strideFixed,
    strideOther,
    levelsOther,
    s.K,
    s.rows,
    s.w,
    s.rowCluster,
    s.levelOf,
    small,
    s.counts,
    s.seen,
  );
  if (done === n || done >= n / 16 || last)
    spread(small, s.levelOf, levelsOther, strideFixed, strideOther, s.K, s.sums);
  return done;
}

// The loops: functions of typed arrays and numbers only, which V8 optimises once.

/**
 * The pass while `fixed` has one level per cluster (kept in `levelOf`): Σ w per (cluster, level
 * of `other`) into `small`. Returns the first row contradicting it (n: none).
 */
function sumsOneLevel(
  fixed: Int32Array,
  other: Int32Array,
  strideFixed: number,
  strideOther: number,
  levelsOther: number,
  K: number,
  rows: Uint8Array | null,
  w: Float64Array,
  rowCluster: Int32Array,
  levelOf: Int32Array,
  small: Float64Array,
  counts: Int32Array,
  seen: Uint8Array | null,
): number {
  for (let i = 0; i < w.length; i++) {
    const f = fixed[i]!;
    const o = other[i]!;
    if ((rows !== null && rows[i] === 0) || (f | o) < 0) continue;
    const k = rowCluster[i]!;
    const level = levelOf[k]!;
    if (level !== f) {
      if (level >= 0) return i;
      levelOf[k] = f;
    }
    counts[(i & 3) * K + f * strideFixed + o * strideOther]! += 1;
    small[k * levelsOther + o]! += w[i]!;
    if (seen !== null) seen[k] = 1;
  }
  return w.length;
}

/** Each cluster's sums per level of the other variable into its cells of the full table. */
function spread(
  small: Float64Array,
  levelOf: Int32Array,
  levelsOther: number,
  strideFixed: number,
  strideOther: number,
  K: number,
  sums: Float64Array,
): void {
  for (let k = 0; k < levelOf.length; k++) {
    const level = levelOf[k]!;
    if (level < 0) continue;
    const o = k * K + level * strideFixed;
    for (let j = 0; j < levelsOther; j++) sums[o + j * strideOther] = small[k * levelsOther + j]!;
  }
}

/**
 * From the sums per (cluster, cell): Σ w per cell and per cluster, and (returned) in all, cluster
 * by cluster.
 */
function totals(
  sums: Float64Array,
  K: number,
  cellW: Float64Array,
  clusterW: Float64Array,
): number {
  let sumW = 0;
  for (let k = 0; k < clusterW.length; k++) {
    let x = 0;
    for (let c = 0; c < K; c++) {
      const v = sums[k * K + c]!;
      cellW[c]! += v;
      sumW += v;
      x += v;
    }
    clusterW[k] = x;
  }
  return sumW;
}

/** The pass into the full table, from row `from` on. */
function sumsFrom(
  from: number,
  t: TwoWayCells,
  K: number,
  rows: Uint8Array | null,
  w: Float64Array,
  rowCluster: Int32Array,
  sums: Float64Array,
  counts: Int32Array,
  seen: Uint8Array | null,
): void {
  const { a, b, strideA, strideB } = t;
  for (let i = from; i < w.length; i++) {
    const ai = a[i]!;
    const bi = b[i]!;
    if ((rows !== null && rows[i] === 0) || (ai | bi) < 0) continue;
    const c = ai * strideA + bi * strideB;
    const k = rowCluster[i]!;
    counts[(i & 3) * K + c]! += 1;
    sums[k * K + c]! += w[i]!;
    if (seen !== null) seen[k] = 1;
  }
}

/**
 * {@link sumsFrom} for every row with both codes and no clusters to mark (a whole design whose
 * variance does not ask which clusters have a row), without the per-row tests of a mask and a
 * mark, and counting only the rows left out (returned), not the rows per cell (see
 * {@link cellCounts}): on the bench's 1M rows the counts took a fifth of this loop's time.
 */
function sumsAllFrom(
  from: number,
  t: TwoWayCells,
  K: number,
  w: Float64Array,
  rowCluster: Int32Array,
  sums: Float64Array,
): number {
  const { a, b, strideA, strideB } = t;
  const n = w.length;
  let out = 0;
  for (let i = from; i < n; i++) {
    const ai = a[i]!;
    const bi = b[i]!;
    if ((ai | bi) < 0) {
      out++;
      continue;
    }
    sums[rowCluster[i]! * K + ai * strideA + bi * strideB]! += w[i]!;
  }
  return out;
}

/**
 * The rows per cell of every row with both codes (a whole design's table, after
 * {@link sumsAllFrom}, when asked for).
 */
function cellCounts(t: TwoWayCells, K: number): Float64Array {
  const { a, b, strideA, strideB } = t;
  const cellN = new Float64Array(K);
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    const bi = b[i]!;
    if ((ai | bi) >= 0) cellN[ai * strideA + bi * strideB]! += 1;
  }
  return cellN;
}
