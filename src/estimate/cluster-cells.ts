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
  /** Per cell: its rows. */
  cellN: Float64Array;
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
 * every row) and both codes ≥ 0 (< 0: missing); with `complete`, set to 1 there.
 *
 * Why the pass is shaped this way: on a file in random row order the (cluster, cell) sums, e.g.
 * 5,000 clusters × 28 cells × 8 bytes = 1.1 MB, are reached at random, and the pass slowed
 * down 1.5–2× against a file sorted by cluster. So:
 * - the pass does nothing else per row (the cells' and the clusters' weights are summed
 *   afterwards from the cluster sums; the rows per cell are counted in 4 interleaved integer
 *   tables, so that no row waits for the previous row's count);
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
  complete: Uint8Array | null = null,
): ClusterCellSums {
  const n = w.length;
  const K = t.levelsA * t.levelsB;
  const sums = new Float64Array(nClusters * K);
  const counts = new Int32Array(4 * K);
  const levelOf = new Int32Array(nClusters);
  let done = 0;
  // Each variable in turn as the one with a single level per cluster (the first row that
  // contradicts it within the first 1/16 of the rows: the next one; after the last, the rows
  // before it are kept).
  const tries: [Int32Array, Int32Array, number, number, number][] = [
    [t.a, t.b, t.strideA, t.strideB, t.levelsB],
    [t.b, t.a, t.strideB, t.strideA, t.levelsA],
  ];
  for (let attempt = 0; attempt < tries.length; attempt++) {
    const [fixed, other, strideFixed, strideOther, levelsOther] = tries[attempt]!;
    levelOf.fill(-1);
    counts.fill(0);
    seen?.fill(0);
    complete?.fill(0);
    const small = new Float64Array(nClusters * levelsOther);
    done = sumsOneLevel(
      fixed,
      other,
      strideFixed,
      strideOther,
      levelsOther,
      K,
      rows,
      w,
      rowCluster,
      levelOf,
      small,
      counts,
      seen,
      complete,
    );
    if (done === n || done >= n / 16 || attempt === tries.length - 1) {
      for (let k = 0; k < nClusters; k++) {
        const level = levelOf[k]!;
        if (level < 0) continue;
        const o = k * K + level * strideFixed;
        for (let j = 0; j < levelsOther; j++)
          sums[o + j * strideOther] = small[k * levelsOther + j]!;
      }
      break;
    }
  }
  if (done < n) sumsFrom(done, t, K, rows, w, rowCluster, sums, counts, seen, complete);

  const cellN = new Float64Array(K);
  for (let c = 0; c < K; c++)
    cellN[c] = counts[c]! + counts[K + c]! + counts[2 * K + c]! + counts[3 * K + c]!;
  const cellW = new Float64Array(K);
  const clusterW = new Float64Array(nClusters);
  let sumW = 0;
  for (let k = 0; k < nClusters; k++) {
    let s = 0;
    for (let c = 0; c < K; c++) {
      const x = sums[k * K + c]!;
      cellW[c]! += x;
      sumW += x;
      s += x;
    }
    clusterW[k] = s;
  }
  return { sums, cellN, cellW, clusterW, sumW };
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
  complete: Uint8Array | null,
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
    if (complete !== null) complete[i] = 1;
  }
  return w.length;
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
  complete: Uint8Array | null,
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
    if (complete !== null) complete[i] = 1;
  }
}
