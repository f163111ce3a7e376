/**
 * clusterCellSums: Σ w per (cluster, cell) added in row order, bit for bit, whichever way the pass
 * goes (one variable with a single level per cluster, the other, neither, or one that stops
 * having it early or late in the file), the rows per cell and in all, and the clusters seen; the
 * rows given by a mask or by the codes present (with clusters to mark or not: without, the rows
 * per cell are counted only when asked for).
 */
import { describe, expect, it } from 'vitest';
import { clusterCellSums, type TwoWayCells } from '../../src/estimate/cluster-cells.js';

/** A seeded generator of numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The plain loop: every (cluster, cell) sum in row order. */
function naive(
  t: TwoWayCells,
  rows: Uint8Array,
  w: Float64Array,
  rowCluster: Int32Array,
  nC: number,
) {
  const K = t.levelsA * t.levelsB;
  const sums = new Float64Array(nC * K);
  const cellN = new Float64Array(K);
  const seen = new Uint8Array(nC);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i] === 0) continue;
    const c = t.a[i]! * t.strideA + t.b[i]! * t.strideB;
    sums[rowCluster[i]! * K + c]! += w[i]!;
    cellN[c]! += 1;
    seen[rowCluster[i]!] = 1;
  }
  const cellW = new Float64Array(K);
  const clusterW = new Float64Array(nC);
  let sumW = 0;
  for (let k = 0; k < nC; k++) {
    for (let c = 0; c < K; c++) {
      cellW[c]! += sums[k * K + c]!;
      clusterW[k]! += sums[k * K + c]!;
      sumW += sums[k * K + c]!;
    }
  }
  return { sums, cellN, cellW, clusterW, sumW, seen };
}

/**
 * n rows in nC clusters (in random order, or in runs of a cluster), variable a of A levels and b
 * of B; `aFixed`/`bFixed`: the variable has one level per cluster, except at row `breakAt`.
 */
function make(opts: {
  n: number;
  nC: number;
  A: number;
  B: number;
  aFixed?: boolean;
  bFixed?: boolean;
  breakAt?: number;
  sorted?: boolean;
  seed?: number;
}) {
  const { n, nC, A, B } = opts;
  const random = rng(opts.seed ?? 7);
  const rowCluster = new Int32Array(n);
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const w = new Float64Array(n);
  const rows = new Uint8Array(n);
  const levelA = Int32Array.from({ length: nC }, () => Math.floor(random() * A));
  const levelB = Int32Array.from({ length: nC }, () => Math.floor(random() * B));
  for (let i = 0; i < n; i++) {
    const k = opts.sorted ? Math.floor((i * nC) / n) : Math.floor(random() * nC);
    rowCluster[i] = k;
    a[i] = opts.aFixed ? levelA[k]! : Math.floor(random() * A);
    b[i] = opts.bFixed ? levelB[k]! : Math.floor(random() * B);
    w[i] = 0.1 + random() * 3;
    rows[i] = random() < 0.95 ? 1 : 0;
  }
  if (opts.breakAt !== undefined) {
    // a row of a cluster already seen, with another level of the fixed variable(s)
    const i = opts.breakAt;
    rows[i] = 1;
    for (let j = 0; j < i; j++) {
      if (rows[j] === 1) {
        rowCluster[i] = rowCluster[j]!;
        if (opts.aFixed) a[i] = (a[j]! + 1) % A;
        if (opts.bFixed) b[i] = (b[j]! + 1) % B;
        break;
      }
    }
  }
  const t: TwoWayCells = { a, b, strideA: 1, strideB: A, levelsA: A, levelsB: B };
  return { t, rows, w, rowCluster, nC };
}

describe('clusterCellSums', () => {
  const cases: [string, Parameters<typeof make>[0]][] = [
    ['a one level per cluster', { n: 5000, nC: 60, A: 7, B: 4, aFixed: true }],
    ['b one level per cluster', { n: 5000, nC: 60, A: 7, B: 4, bFixed: true }],
    ['both', { n: 5000, nC: 60, A: 3, B: 5, aFixed: true, bFixed: true }],
    ['neither', { n: 5000, nC: 60, A: 7, B: 4 }],
    ['neither, sorted by cluster', { n: 5000, nC: 60, A: 7, B: 4, sorted: true }],
    ['a, sorted by cluster', { n: 5000, nC: 60, A: 7, B: 4, aFixed: true, sorted: true }],
    ['a until late in the file', { n: 5000, nC: 60, A: 7, B: 4, aFixed: true, breakAt: 3000 }],
    ['a until early in the file', { n: 5000, nC: 60, A: 7, B: 4, aFixed: true, breakAt: 100 }],
    ['b until late in the file', { n: 5000, nC: 60, A: 7, B: 4, bFixed: true, breakAt: 4000 }],
    [
      'both until early in the file',
      { n: 5000, nC: 60, A: 7, B: 4, aFixed: true, bFixed: true, breakAt: 50 },
    ],
    ['one level each', { n: 300, nC: 5, A: 1, B: 1 }],
  ];
  for (const [name, opts] of cases) {
    it(`${name}: the plain loop's sums, bit for bit`, () => {
      const { t, rows, w, rowCluster, nC } = make(opts);
      const seen = new Uint8Array(nC);
      const got = clusterCellSums(t, rows, w, rowCluster, nC, seen);
      const want = naive(t, rows, w, rowCluster, nC);
      expect(Array.from(got.sums)).toEqual(Array.from(want.sums));
      expect(Array.from(got.cellN())).toEqual(Array.from(want.cellN));
      expect(Array.from(got.cellW)).toEqual(Array.from(want.cellW));
      expect(Array.from(got.clusterW)).toEqual(Array.from(want.clusterW));
      expect(got.sumW).toBe(want.sumW);
      expect(Array.from(seen)).toEqual(Array.from(want.seen));
      // the cells' counts add up to the rows kept
      const kept = rows.reduce((s, x) => s + x, 0);
      expect(got.cellN().reduce((s, x) => s + x, 0)).toBe(kept);
      expect(got.rows).toBe(kept);

      // The same rows left out by missing codes (−1 in one variable or the other) instead of
      // `rows`: the same sums; with no clusters to mark, by the pass without the per-row mask and
      // mark tests too.
      const a = Int32Array.from(t.a);
      const b = Int32Array.from(t.b);
      rows.forEach((r, i) => {
        if (r === 0) {
          if (i % 2 === 0) a[i] = -1;
          else b[i] = -1;
        }
      });
      const seen2 = new Uint8Array(nC);
      for (const marks of [seen2, null]) {
        const got2 = clusterCellSums({ ...t, a, b }, null, w, rowCluster, nC, marks);
        expect(Array.from(got2.sums)).toEqual(Array.from(want.sums));
        // (without marks the rows per cell are counted when asked for: the rows in all first)
        expect(got2.rows).toBe(kept);
        expect(Array.from(got2.cellN())).toEqual(Array.from(want.cellN));
        expect(Array.from(got2.cellW)).toEqual(Array.from(want.cellW));
        expect(Array.from(got2.clusterW)).toEqual(Array.from(want.clusterW));
        expect(got2.sumW).toBe(want.sumW);
      }
      expect(Array.from(seen2)).toEqual(Array.from(want.seen));
    });
  }

  it('a table of one cell holding every row: its weight is the total, exactly', () => {
    const { t, rows, w, rowCluster, nC } = make({ n: 2000, nC: 40, A: 1, B: 1 });
    const got = clusterCellSums(t, rows, w, rowCluster, nC, null);
    expect(got.cellW[0]).toBe(got.sumW);
  });
});
