/**
 * The rank of re-weighted replicates from the grouping of the replicates they were made from
 * (design/reweighted-rank.ts) against the general rank of the new weights themselves
 * (replicateWeightMatrixRank, itself checked against R's qr() in replicate.test.ts), and against
 * ranks known by construction: both routes (Householder QR on one row per (PSU direction, cell)
 * pair; the Gram matrix with sparse or dense directions), rows outside the weighted domain, and
 * linear dependencies that the factors keep or break.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import {
  replicateWeightMatrixRank,
  rowReduction,
  svyRepDesign,
} from '../../src/design/replicate.js';
import {
  reweightedCrossProduct,
  reweightedReplicateRank,
} from '../../src/design/reweighted-rank.js';
import { rake } from '../../src/weighting/rake.js';
import { lcg } from '../helpers/random.js';

interface Case {
  base: Float64Array[];
  units: Int32Array;
  factors: Float64Array[];
}

/**
 * `rows` rows; row i in direction group(i) (a p-vector) times a row scale, in cell cell(i)
 * (−1: outside the domain); factors per replicate and cell from `factor(r, c)`.
 */
function makeCase(opts: {
  rows: number;
  p: number;
  cells: number;
  direction: (g: number) => number[];
  group: (i: number) => number;
  cell: (i: number) => number;
  factor: (r: number, c: number) => number;
  seed: number;
}): Case {
  const rnd = lcg(opts.seed);
  const { rows, p } = opts;
  const base = Array.from({ length: p }, () => new Float64Array(rows));
  const units = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const u = opts.direction(opts.group(i));
    const s = 10 + 90 * rnd();
    for (let r = 0; r < p; r++) base[r]![i] = s * u[r]!;
    units[i] = opts.cell(i);
  }
  const factors = Array.from({ length: p }, (_, r) =>
    Float64Array.from({ length: opts.cells }, (_, c) => opts.factor(r, c)),
  );
  return { base, units, factors };
}

function reweight({ base, units, factors }: Case): Float64Array[] {
  return base.map((w, r) =>
    Float64Array.from(w, (x, i) => (units[i]! < 0 ? 0 : x * factors[r]![units[i]!]!)),
  );
}

/** Both ranks: from the grouping of the base, and from the new weights themselves. */
function ranks(c: Case): [number, number] {
  const out = reweight(c);
  return [reweightedReplicateRank(c.base, c.units, c.factors, out), replicateWeightMatrixRank(out)];
}

/** A jackknife-like direction: 1 except 0 at the replicate deleting it and 2 at another. */
const jackknifeLike = (p: number) => (g: number) => {
  const u = new Array<number>(p).fill(1);
  u[g % p] = 0;
  u[((g % p) + 1 + (Math.floor(g / p) % (p - 1))) % p] = 2;
  return u;
};

/**
 * Jackknife-like directions whose last replicate repeats the first; `groups` PSU directions in
 * `cells` cells, two rows per pair, replicate r's factor in cell k `factor(r, k)`.
 */
function copyCase(
  p: number,
  groups: number,
  cells: number,
  factor: (r: number, k: number) => number,
  seed: number,
): Case {
  const direction = (g: number) => {
    const u = jackknifeLike(p - 1)(g);
    u.push(u[0]!); // the last replicate repeats the first
    return u;
  };
  return makeCase({
    rows: groups * cells * 2,
    p,
    cells,
    direction,
    group: (i) => i % groups,
    cell: (i) => Math.floor(i / groups) % cells,
    factor,
    seed,
  });
}

/** XᵀX of columns, directly (p × p, row-major). */
function crossProductOf(columns: Float64Array[]): Float64Array {
  const p = columns.length;
  const out = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) {
      let s = 0;
      for (let i = 0; i < columns[a]!.length; i++) s += columns[a]![i]! * columns[b]![i]!;
      out[a * p + b] = s;
    }
  return out;
}

describe('reweightedReplicateRank: the rank of re-weighted replicates from their grouping', () => {
  it('builds the cross-product matrix of the new weights from the grouping (sparse and dense directions)', () => {
    const p = 12;
    const rnd = lcg(17);
    const dense = Array.from({ length: 40 }, () =>
      Array.from({ length: p }, () => Math.floor(rnd() * 4)),
    );
    for (const direction of [jackknifeLike(p), (g: number) => dense[g]!]) {
      const c = makeCase({
        rows: 4000,
        p,
        cells: 9,
        direction,
        group: (i) => i % 40,
        cell: (i) => (i % 13 === 0 ? -1 : Math.floor(i / 40) % 9),
        factor: () => 0.5 + rnd(),
        seed: 6,
      });
      const got = reweightedCrossProduct(c.base, c.units, c.factors)!;
      const want = crossProductOf(reweight(c));
      let worst = 0;
      for (let k = 0; k < want.length; k++)
        worst = Math.max(worst, Math.abs(got[k]! - want[k]!) / Math.abs(want[k]!));
      expect(worst).toBeLessThan(1e-12);
    }
  });

  it('matches the rank of the new weights on the QR route (few pairs), with a domain', () => {
    const p = 10;
    const rnd = lcg(3);
    const c = makeCase({
      rows: 3000,
      p,
      cells: 6,
      direction: (g) => Array.from({ length: p }, (_, r) => (r === g % p ? 0 : 1 + (g % 3))),
      group: (i) => Math.floor(i / 50),
      cell: (i) => (i % 11 === 0 ? -1 : i % 6),
      factor: () => 0.8 + 0.4 * rnd(),
      seed: 1,
    });
    expect(rowReduction(c.base)).not.toBeNull();
    expect(ranks(c)).toEqual([p, p]);
  });

  it('keeps a duplicated replicate dependent when its factors are the same, on both routes', () => {
    for (const [p, groups, cells] of [
      [10, 30, 5], // QR route
      [80, 200, 40], // Gram route: 8,000 pairs × 80² > 4e7
    ] as const) {
      const rnd = lcg(p);
      const table = Array.from({ length: p * cells }, () => 0.7 + 0.6 * rnd());
      const c = copyCase(p, groups, cells, (r, k) => table[(r === p - 1 ? 0 : r) * cells + k]!, 2);
      expect(ranks(c), `${p} replicates`).toEqual([p - 1, p - 1]);
      // Different factors for the copy: the new columns are independent again.
      c.factors[p - 1] = Float64Array.from(c.factors[p - 1]!, (f, k) => f * (1 + 0.1 * (k % 3)));
      expect(ranks(c), `${p} replicates, own factors`).toEqual([p, p]);
    }
  });

  it('leaves a replicate near the tolerance to QR: kept a little above it, dropped below it', () => {
    // The last replicate repeats the first with factors off by δ (relative): its residual after
    // the others is about δ / 10, far below the 1e-2 that lets the cross-product decide alone.
    const p = 10;
    const groups = 30;
    const cells = 5;
    const rnd = lcg(31);
    const table = Array.from({ length: p * cells }, () => 0.7 + 0.6 * rnd());
    for (const [delta, rank] of [
      [1e-3, p],
      [3e-4, p],
      [1e-6, p - 1],
      [1e-8, p - 1],
    ] as const) {
      const factor = (r: number, k: number) =>
        table[(r === p - 1 ? 0 : r) * cells + k]! * (r === p - 1 ? 1 + delta * (k % 3) : 1);
      const c = copyCase(p, groups, cells, factor, 8);
      expect(ranks(c), `δ = ${delta}`).toEqual([rank, rank]);
    }
  });

  it('matches the Gram route with dense directions (bootstrap-like) and cells outside the domain', () => {
    const p = 80;
    const rnd = lcg(11);
    const dirs = Array.from({ length: 150 }, () =>
      Array.from({ length: p }, () => Math.floor(rnd() * 4)),
    );
    const c = makeCase({
      rows: 150 * 50 * 2,
      p,
      cells: 50,
      direction: (g) => dirs[g]!,
      group: (i) => i % 150,
      cell: (i) => (Math.floor(i / 150) % 50 === 7 ? -1 : Math.floor(i / 150) % 50),
      factor: () => 0.5 + rnd(),
      seed: 4,
    });
    const [fromGroups, direct] = ranks(c);
    expect(fromGroups).toBe(direct);
    expect(fromGroups).toBe(p);
  });

  it('finds a low rank on the Gram route: directions spanning 12 dimensions, one factor per cell', () => {
    // Every replicate gets the same factor per cell, so X' = diag(row factors) X: the rank of X.
    const p = 80;
    const rnd = lcg(21);
    const basis = Array.from({ length: 12 }, () => Array.from({ length: p }, () => rnd()));
    const dirs = Array.from({ length: 300 }, () => {
      const a = basis.map(() => 0.1 + rnd());
      return Array.from({ length: p }, (_, r) => a.reduce((s, x, k) => s + x * basis[k]![r]!, 0));
    });
    const cellFactor = Array.from({ length: 30 }, () => 0.5 + rnd());
    const c = makeCase({
      rows: 300 * 30,
      p,
      cells: 30,
      direction: (g) => dirs[g]!,
      group: (i) => i % 300,
      cell: (i) => Math.floor(i / 300),
      factor: (_, k) => cellFactor[k]!,
      seed: 5,
    });
    expect(ranks(c)).toEqual([12, 12]);
  });

  it('falls back to the new weights when the rows have too many directions to group', () => {
    const p = 3;
    const rnd = lcg(9);
    const n = 70_000;
    const base = Array.from({ length: p }, () => Float64Array.from({ length: n }, () => 1 + rnd()));
    const units = Int32Array.from({ length: n }, (_, i) => i % 4);
    const factors = Array.from({ length: p }, () => Float64Array.of(1, 2, 3, 4));
    const c = { base, units, factors };
    expect(rowReduction(base)).toBeNull();
    expect(ranks(c)).toEqual([p, p]);
  });

  it('gives rake on an 80-replicate design the degrees of freedom of its new weights', () => {
    const n = 40_000;
    const R = 80;
    const rnd = lcg(13);
    const psu = Array.from({ length: n }, (_, i) => Math.floor(i / 20));
    const w = Array.from({ length: n }, () => 1 + 9 * rnd());
    const cols: Record<string, unknown[]> = {
      w,
      a: Array.from({ length: n }, () => `a${Math.floor(rnd() * 8)}`),
      b: Array.from({ length: n }, () => `b${Math.floor(rnd() * 10)}`),
    };
    // Each PSU dropped by one replicate and doubled in another: 2,000 directions.
    for (let r = 0; r < R; r++) {
      cols[`rep${r + 1}`] = w.map((x, i) => {
        const k = psu[i]!;
        if (k % R === r) return 0;
        return (k + Math.floor(k / R)) % R === r ? 2 * x : x;
      });
    }
    const design = svyRepDesign(fromColumns(cols as Record<string, number[] | string[]>), {
      weights: 'w',
      repweights: /^rep\d+$/,
      type: 'bootstrap',
    });
    const share = (levels: number, name: string) =>
      Object.fromEntries(Array.from({ length: levels }, (_, l) => [`${name}${l}`, 1000 + 50 * l]));
    const a = share(8, 'a');
    const total = Object.values(a).reduce((s, x) => s + x, 0);
    const bRaw = share(10, 'b');
    const bTotal = Object.values(bRaw).reduce((s, x) => s + x, 0);
    const b = Object.fromEntries(Object.entries(bRaw).map(([k, x]) => [k, (x * total) / bTotal]));
    const raked = rake(design, [
      { variable: 'a', population: a },
      { variable: 'b', population: b },
    ]);
    expect(raked.df).toBe(replicateWeightMatrixRank(raked.replicates.map((x) => x.slice())) - 1);
    expect(raked.df).toBe(R - 1);
  });
});
