/**
 * Numerical robustness: totals that mix weights of 1e12 and 1e-12 (compensated sums), huge and
 * tiny weights, a million identical rows (the mean is exactly the value, the SE exactly 0, not
 * NaN), and strata whose PSUs are all alike (zero variance, not NaN or rounding noise).
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyQuantile } from '../../src/estimate/quantile.js';
import { close } from './arbitraries.js';

/** Rows in triples (y, w): (1, 1e12), (1, 1e-12), (−1, 1e12): the huge terms cancel exactly. */
function cancelling(k: number, order: 'forward' | 'reverse' | 'interleaved') {
  const n = 3 * k;
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  for (let t = 0; t < k; t++) {
    const rows: Array<[number, number]> = [
      [1, 1e12],
      [1, 1e-12],
      [-1, 1e12],
    ];
    for (let j = 0; j < 3; j++) {
      const i =
        order === 'forward' ? 3 * t + j : order === 'reverse' ? n - 1 - (3 * t + j) : j * k + t;
      y[i] = rows[j]![0];
      w[i] = rows[j]![1];
    }
  }
  return svyDesign(fromColumns({ y, w }), { weights: 'w' });
}

describe('compensated sums', () => {
  const k = 333_334; // a million rows
  const exact = k * 1e-12;

  it('a total of a million values with weights 1e12 and 1e-12 keeps the small terms', () => {
    for (const order of ['forward', 'reverse', 'interleaved'] as const) {
      const [total] = svyTotal(cancelling(k, order), 'y');
      // a plain running sum gives 0 here: each 1e-12 is lost next to 1e12
      expect(Math.abs(total!.estimate - exact) / exact, order).toBeLessThan(1e-9);
      expect(Number.isFinite(total!.se) && total!.se > 0).toBe(true);
    }
  });

  it('the mean of the same values is the total over the sum of the weights', () => {
    const [mean] = svyMean(cancelling(k, 'interleaved'), 'y');
    const expected = exact / (k * (2e12 + 1e-12));
    expect(Math.abs(mean!.estimate - expected) / expected).toBeLessThan(1e-9);
  });

  it('a total whose terms cancel to exactly 0 is 0', () => {
    const y = Float64Array.from({ length: 100_000 }, (_, i) =>
      i % 2 === 0 ? 1e15 + 1 : -(1e15 + 1),
    );
    const [total] = svyTotal(svyDesign(fromColumns({ y })), 'y');
    expect(total!.estimate).toBe(0);
  });
});

describe('huge and tiny weights', () => {
  const n = 1000;
  const y = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 97);
  const g = Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][i % 3]!);
  const psu = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 10));
  const at = (scale: number) =>
    svyDesign(
      fromColumns({
        y,
        g,
        psu,
        w: Float64Array.from({ length: n }, (_, i) => (1 + (i % 5)) * scale),
      }),
      {
        ids: 'psu',
        weights: 'w',
      },
    );

  it('weights of 1e12 or 1e-12 give the same means, shares and SEs as weights near 1', () => {
    const base = [...svyMean(at(1), 'y'), ...svyMean(at(1), 'g')];
    for (const scale of [1e12, 1e-12]) {
      const rows = [...svyMean(at(scale), 'y'), ...svyMean(at(scale), 'g')];
      rows.forEach((r, j) => {
        expect(close(r.estimate, base[j]!.estimate, 1e-12), `${scale} estimate`).toBe(true);
        expect(close(r.se, base[j]!.se, 1e-10), `${scale} se`).toBe(true);
      });
      const [t] = svyTotal(at(scale), 'y');
      const [t1] = svyTotal(at(1), 'y');
      expect(close(t!.estimate, t1!.estimate * scale, 1e-12)).toBe(true);
      expect(close(t!.se, t1!.se * scale, 1e-10)).toBe(true);
    }
  });

  it('weights of 1e12 and 1e-12 in one design: finite estimates and SEs, shares add to 1', () => {
    const w = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1e12 : 1e-12));
    const d = svyDesign(fromColumns({ y, g, psu, w }), { ids: 'psu', weights: 'w' });
    const rows = [...svyMean(d, 'y'), ...svyTotal(d, 'y'), ...svyMean(d, 'g'), ...svyTotal(d, 'g')];
    for (const r of rows) {
      expect(Number.isFinite(r.estimate) && Number.isFinite(r.se) && r.se >= 0).toBe(true);
    }
    const shares = svyMean(d, 'g').reduce((s, r) => s + r.estimate, 0);
    expect(shares).toBeCloseTo(1, 14);
    // the mean is that of the heavy rows (the light ones weigh 1e-24 as much)
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i += 2) {
      sum += y[i]!;
      count++;
    }
    expect(close(svyMean(d, 'y')[0]!.estimate, sum / count, 1e-12)).toBe(true);
    // the light rows alone, as a domain: their own mean, a finite SE
    const [light] = svyMean(
      subset(d, (_, i) => i % 2 === 1),
      'y',
    );
    expect(Number.isFinite(light!.estimate) && Number.isFinite(light!.se)).toBe(true);
  });
});

describe('a million identical rows', () => {
  const n = 1_000_000;

  it('the mean is exactly the value and its SE exactly 0 (not NaN), weighted or not', () => {
    for (const [value, weight] of [
      [0.1, 1],
      [0.1, 0.3],
      [123.456, 7.77],
      [-2.5e-8, 1e12],
    ] as const) {
      const d = svyDesign(
        fromColumns({ y: new Float64Array(n).fill(value), w: new Float64Array(n).fill(weight) }),
        { weights: 'w' },
      );
      const [m] = svyMean(d, 'y');
      expect(m!.estimate, `${value} × ${weight}`).toBe(value);
      expect(m!.se).toBe(0);
      expect(m!.ci).toEqual([value, value]);
      const [t] = svyTotal(d, 'y');
      expect(close(t!.estimate, value * weight * n, 1e-15)).toBe(true);
      expect(t!.se).toBe(0);
    }
  });

  it('in strata and clusters too; a single level has share exactly 1; the median is the value', () => {
    const s = Int32Array.from({ length: n }, (_, i) => i % 7);
    const psu = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 500));
    const d = svyDesign(
      fromColumns({
        y: new Float64Array(n).fill(42.42),
        g: { codes: new Int32Array(n), levels: ['only'] },
        s: { codes: s, levels: ['0', '1', '2', '3', '4', '5', '6'] },
        psu: Float64Array.from(psu),
        w: new Float64Array(n).fill(1.5),
      }),
      { ids: 'psu', strata: 's', weights: 'w', nest: true },
    );
    const [m] = svyMean(d, 'y');
    expect(m!.estimate).toBe(42.42);
    expect(m!.se).toBe(0);
    const [share] = svyMean(d, 'g');
    expect(share!.estimate).toBe(1);
    expect(share!.se).toBe(0);
    const [median] = svyQuantile(d, 'y', [0.5]);
    expect(median!.estimate).toBe(42.42);
    for (const r of svyBy(d, 's', (x) => svyMean(x, 'y'))) {
      expect(r.estimate).toBe(42.42);
      expect(r.se).toBe(0);
    }
  }, 30_000);
});

describe('strata whose PSUs are all alike', () => {
  /** PSUs of stratum A are copies of one another; those of stratum B differ. */
  function design(bVaries: boolean) {
    const y: number[] = [];
    const w: number[] = [];
    const s: string[] = [];
    const psu: number[] = [];
    for (let c = 0; c < 6; c++) {
      for (const [yy, ww] of [
        [3.3, 2.5],
        [5.1, 1.25],
        [0.7, 4],
      ] as const) {
        y.push(yy);
        w.push(ww);
        s.push('A');
        psu.push(c);
      }
    }
    for (let c = 0; c < 4; c++) {
      for (let r = 0; r < 3; r++) {
        y.push(bVaries ? 1 + c * 0.37 + r : 2);
        w.push(bVaries ? 1 + ((c + r) % 3) : 1);
        s.push('B');
        psu.push(100 + c);
      }
    }
    return svyDesign(fromColumns({ y, w, s, psu }), { ids: 'psu', strata: 's', weights: 'w' });
  }

  it('every stratum with identical PSUs: the SEs of mean and total are exactly 0', () => {
    const d = design(false);
    for (const r of [...svyMean(d, 'y'), ...svyTotal(d, 'y')]) {
      expect(Number.isNaN(r.se)).toBe(false);
      expect(r.se).toBe(0);
    }
  });

  it('a stratum of identical PSUs adds exactly 0 to the variance of a total', () => {
    const d = design(true);
    const [full] = svyTotal(d, 'y');
    // stratum B alone (as a domain: A's PSUs then count as zero totals, adding nothing)
    const [onlyB] = svyTotal(
      subset(d, (r) => r.s === 'B'),
      'y',
    );
    expect(full!.se).toBeGreaterThan(0);
    expect(full!.se).toBe(onlyB!.se);
  });
});
