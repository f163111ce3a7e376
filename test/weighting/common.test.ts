import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { knownRowReduction, replicateWeightMatrixRank } from '../../src/design/replicate.js';
import {
  applyFactors,
  applyReplicateFactors,
  crossCells,
  dimension,
  replicateCellSums,
} from '../../src/weighting/common.js';
import { thrown } from '../helpers/errors.js';
import { lcg } from '../helpers/random.js';

/** The dimensions of `variables` of a design on `columns`, with the given target levels. */
function dims(columns: Record<string, (string | null)[]>, levels: Record<string, string[]>) {
  const design = svyDesign(fromColumns(columns));
  return Object.keys(levels).map((v) => dimension(design, v, levels[v]!));
}

describe('crossCells', () => {
  const d = dims(
    { a: ['x', 'y', 'x', 'y', 'x'], b: ['p', 'p', 'q', 'p', 'p'] },
    { a: ['x', 'y'], b: ['q', 'p'] },
  );
  const w = Float64Array.of(1, 2, 3, 4, 5);

  it('numbers the cells in order of first appearance, with their levels, weights and counts', () => {
    const c = crossCells(d, w);
    expect(Array.from(c.cells)).toEqual([0, 1, 2, 1, 0]);
    expect(c.nCells).toBe(3);
    // per cell: the index of its level among the target levels (b's 'p' is its second)
    expect(Array.from(c.cellLevels)).toEqual([0, 1, 1, 1, 0, 0]);
    expect(Array.from(c.sumW)).toEqual([6, 6, 3]);
    expect(Array.from(c.count)).toEqual([2, 2, 1]);
  });

  it('leaves rows outside `rows` out (cell −1), even with a missing or unknown value', () => {
    const e = dims(
      { a: ['x', null, 'x', 'z', 'y'], b: ['p', 'p', 'q', 'p', 'p'] },
      { a: ['x', 'y'], b: ['q', 'p'] },
    );
    const c = crossCells(e, w, Uint8Array.of(1, 0, 1, 0, 1));
    expect(Array.from(c.cells)).toEqual([0, -1, 1, -1, 2]);
    expect(Array.from(c.sumW)).toEqual([1, 3, 5]);
  });

  it('MISSING_WEIGHTING_VALUE before MISSING_POPULATION_LEVEL, with the count and first row', () => {
    const e = dims(
      { a: ['x', 'z', 'x', 'z', 'y'], b: ['p', 'p', null, 'p', null] },
      { a: ['x', 'y'], b: ['q', 'p'] },
    );
    const missing = thrown(() => crossCells(e, w));
    expect(missing.code).toBe('MISSING_WEIGHTING_VALUE');
    expect(missing.details).toMatchObject({ variable: 'b', count: 2, row: 3 });
    const unknown = thrown(() => crossCells(e, w, Uint8Array.of(1, 0, 0, 1, 0)));
    expect(unknown.code).toBe('MISSING_POPULATION_LEVEL');
    // only the rows weighted count: row 4 (row 2 is outside them)
    expect(unknown.details).toMatchObject({ variable: 'a', level: 'z', count: 1, row: 4 });
  });

  it('codes 1 to 5 variables alike (their keys are added two per pass, the last one as cells are numbered)', () => {
    const rnd = lcg(41);
    const n = 500;
    const L = [3, 2, 4, 5, 2];
    const columns: Record<string, string[]> = {};
    const targets: Record<string, string[]> = {};
    L.forEach((l, j) => {
      columns[`v${j}`] = Array.from({ length: n }, () => `l${Math.floor(rnd() * l)}`);
      // target levels in another order than the data's first appearances
      targets[`v${j}`] = Array.from({ length: l }, (_, k) => `l${l - 1 - k}`);
    });
    const weights = Float64Array.from({ length: n }, () => 1 + rnd());
    const rows = Uint8Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 1));
    for (let k = 1; k <= 5; k++) {
      const names = L.slice(0, k).map((_, j) => `v${j}`);
      const sub = Object.fromEntries(names.map((v) => [v, targets[v]!]));
      const c = crossCells(dims(columns, sub), weights, rows);
      // the cells by hand: the tuple of target levels, numbered as first seen
      const seen = new Map<string, number>();
      const sums: number[] = [];
      for (let i = 0; i < n; i++) {
        if (!rows[i]) {
          expect(c.cells[i]).toBe(-1);
          continue;
        }
        const levels = names.map((v) => sub[v]!.indexOf(columns[v]![i]!));
        const key = levels.join(',');
        if (!seen.has(key)) {
          seen.set(key, seen.size);
          sums.push(0);
          expect(Array.from(c.cellLevels.subarray(seen.size * k - k, seen.size * k))).toEqual(
            levels,
          );
        }
        const cell = seen.get(key)!;
        expect(c.cells[i], `${k} variables, row ${i}`).toBe(cell);
        sums[cell]! += weights[i]!;
      }
      expect(c.nCells).toBe(seen.size);
      expect(Array.from(c.sumW)).toEqual(sums);
    }
  });

  it('finds a missing value or an unknown level in any variable (last, middle), only in the rows weighted', () => {
    const base = { a: ['x', 'y', 'x', 'y'], b: ['p', 'q', 'q', 'p'], c: ['u', 'u', 'v', 'v'] };
    const levels = { a: ['x', 'y'], b: ['p', 'q'], c: ['u', 'v'] };
    const w4 = Float64Array.of(1, 2, 3, 4);
    for (const [variable, value, code] of [
      ['c', null, 'MISSING_WEIGHTING_VALUE'],
      ['c', 'w', 'MISSING_POPULATION_LEVEL'],
      ['b', null, 'MISSING_WEIGHTING_VALUE'],
      ['a', 'z', 'MISSING_POPULATION_LEVEL'],
    ] as const) {
      const columns: Record<string, (string | null)[]> = { ...base };
      columns[variable] = columns[variable]!.map((x, i) => (i === 2 ? value : x));
      const e = dims(columns, levels);
      const error = thrown(() => crossCells(e, w4));
      expect(error.code, `${variable} = ${value}`).toBe(code);
      expect(error.details).toMatchObject({ variable, row: 3 });
      // row 3 not weighted: no error
      expect(Array.from(crossCells(e, w4, Uint8Array.of(1, 1, 0, 1)).cells)).toEqual([0, 1, -1, 2]);
    }
  });

  it('codes a cross-classification of more than 2^24 cells through a map, alike', () => {
    // five variables of 30 levels: 30^5 = 24.3 million possible cells, 4 of them present
    const levels = Array.from({ length: 30 }, (_, k) => `l${k}`);
    const rows = [0, 29, 0, 7];
    const columns: Record<string, string[]> = {};
    const targets: Record<string, string[]> = {};
    for (let j = 0; j < 5; j++) {
      columns[`v${j}`] = rows.map((r) => levels[(r + j) % 30]!);
      targets[`v${j}`] = levels;
    }
    const c = crossCells(dims(columns, targets), Float64Array.of(1, 2, 4, 8));
    expect(Array.from(c.cells)).toEqual([0, 1, 0, 2]);
    expect(Array.from(c.sumW)).toEqual([5, 2, 8]);
    expect(Array.from(c.cellLevels.subarray(5, 10))).toEqual([29, 0, 1, 2, 3]);
  });
});

describe('applyFactors / applyReplicateFactors', () => {
  const units = Int32Array.of(0, 1, -1, 1);

  it('multiply each row by its unit factor (0 outside), counting the negative weights', () => {
    const a = applyFactors(units, Float64Array.of(1, 2, 3, 4), Float64Array.of(2, -0.5));
    expect(Array.from(a.weights)).toEqual([2, -1, 0, -2]);
    expect(a).toMatchObject({ finite: true, negative: 2 });
  });

  it('tell whether every new weight is finite', () => {
    const huge = applyFactors(units, Float64Array.of(1e300, 1, 1, -1), Float64Array.of(1e10, 1));
    expect(huge.weights[0]).toBe(Number.POSITIVE_INFINITY);
    expect(huge).toMatchObject({ finite: false, negative: 1 });
    const minus = applyFactors(units, Float64Array.of(-1e300, 1, 1, 1), Float64Array.of(1e10, 1));
    expect(minus).toMatchObject({ finite: false, negative: 1 });
    const nan = applyFactors(units, Float64Array.of(1, Number.NaN, 1, 1), Float64Array.of(1, 1));
    expect(nan.finite).toBe(false);
    // finite weights whose sum would overflow are finite
    const big = applyFactors(units, Float64Array.of(1e308, 1e308, 1, 1e308), Float64Array.of(1, 1));
    expect(big.finite).toBe(true);
  });

  it('give every replicate its own new weights (carved from one buffer for long ones)', () => {
    const n = 3000;
    const rnd = lcg(5);
    const rowUnits = Int32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? -1 : i % 3));
    const reps = Array.from({ length: 5 }, () => Float64Array.from({ length: n }, () => rnd()));
    const factors = reps.map((_, r) => Float64Array.of(r + 1, 10 * (r + 1), 100 * (r + 1)));
    const out = applyReplicateFactors(rowUnits, reps, factors).replicates;
    const want = (r: number, i: number) =>
      rowUnits[i]! < 0 ? 0 : reps[r]![i]! * factors[r]![rowUnits[i]!]!;
    out.forEach((o, r) => {
      expect(o.length).toBe(n);
      for (let i = 0; i < n; i++) expect(o[i]).toBe(want(r, i));
    });
    // writing one leaves the others as they were
    out[2]!.fill(-1);
    for (const r of [0, 1, 3, 4]) for (let i = 0; i < n; i++) expect(out[r]![i]).toBe(want(r, i));
  });

  it('apply each replicate its own factors; sums per cell skip rows outside', () => {
    const reps = [Float64Array.of(1, 2, 3, 4), Float64Array.of(0, 1, 1, -5)];
    const r = applyReplicateFactors(units, reps, [Float64Array.of(1, 2), Float64Array.of(3, 1)]);
    expect(r.replicates.map((x) => Array.from(x))).toEqual([
      [1, 4, 0, 8],
      [0, 1, 0, -5],
    ]);
    expect(r).toMatchObject({ finite: true, negative: 1 });
    expect(replicateCellSums(units, 2, reps).map((x) => Array.from(x))).toEqual([
      [1, 6],
      [0, -4],
    ]);
  });
});

describe('replicateCellSums per group of rows (replicates = weights × per-PSU factors)', () => {
  const n = 5000;
  const R = 20;
  const rnd = lcg(3);
  const w = Float64Array.from({ length: n }, () => 1 + 30 * rnd());
  const factor = Array.from({ length: 100 * R }, () => Math.floor(rnd() * 3) * 0.6);
  const reps = Array.from({ length: R }, (_, r) =>
    Float64Array.from(w, (x, i) => x * factor[Math.floor(i / 50) * R + r]!),
  );
  const cells = Int32Array.from({ length: n }, () => Math.floor(rnd() * 7) - 1); // −1: outside
  const plain = (set: Float64Array[]) =>
    set.map((x) => {
      const out = new Float64Array(6);
      for (let i = 0; i < n; i++) if (cells[i]! >= 0) out[cells[i]!]! += x[i]!;
      return out;
    });

  it('sums each replicate per cell from the grouping, and row by row when it is not exact', () => {
    const blurred = reps.map((x, r) => x.map((v, i) => v * (1 + ((i + r) % 3) * 1e-12)));
    for (const [set, exact] of [
      [reps, true],
      [blurred, false],
    ] as const) {
      replicateWeightMatrixRank(set); // groups the rows (one direction per PSU pattern)
      expect(knownRowReduction(set)!.exact).toBe(exact);
      const got = replicateCellSums(cells, 6, set);
      const want = plain(set);
      for (let r = 0; r < R; r++)
        for (let c = 0; c < 6; c++)
          expect(Math.abs(got[r]![c]! - want[r]![c]!)).toBeLessThanOrEqual(1e-12 * want[r]![c]!);
    }
  });
});
