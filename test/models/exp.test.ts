import { describe, expect, it } from 'vitest';
import { EXP2_TABLE, tableExp } from '../../src/models/exp.js';
import { lcg } from '../helpers/random.js';

/** Signed distance in units in the last place between two positive doubles. */
function ulpDistance(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Number(view.getBigInt64(0) - view.getBigInt64(8));
}

describe('tableExp', () => {
  it('is within one unit in the last place of Math.exp over the range the passes use, and mostly equal', () => {
    const random = lcg(20261206);
    let equal = 0;
    let worst = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const x = (2 * random() - 1) * (i % 10 === 0 ? 700 : 31);
      const d = Math.abs(ulpDistance(tableExp(x), Math.exp(x)));
      worst = Math.max(worst, d);
      if (d === 0) equal++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(equal / n).toBeGreaterThan(0.85);
  });

  it('hits every table entry: x = (k/128) ln 2 and its neighbours, k = -5,000 … 5,000', () => {
    let worst = 0;
    for (let k = -5000; k <= 5000; k++) {
      const x0 = (k / 128) * Math.LN2;
      for (const x of [x0, x0 * (1 + 1e-15), x0 + 1e-3]) {
        worst = Math.max(worst, Math.abs(ulpDistance(tableExp(x), Math.exp(x))));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('has each 2^(j/128) correctly rounded, with the rounding error as its tail', () => {
    for (let j = 0; j < 128; j++) {
      const t = EXP2_TABLE[2 * j]!;
      const tail = EXP2_TABLE[2 * j + 1]!;
      expect(Math.abs(ulpDistance(t, 2 ** (j / 128)))).toBeLessThanOrEqual(1);
      // the tail is below half a unit in the last place of t, relative to t
      expect(Math.abs(tail)).toBeLessThanOrEqual(2 ** -53);
      // t (1 + tail) raised to 128 is 2^j: to 1e-13 relative (128 products of doubles)
      let v = 1;
      for (let i = 0; i < 128; i++) v *= t * (1 + tail);
      expect(v / 2 ** j).toBeCloseTo(1, 12);
    }
  });

  it('keeps exact points and NaN', () => {
    expect(tableExp(0)).toBe(1);
    expect(tableExp(1)).toBe(Math.E);
    expect(tableExp(Math.LN2)).toBe(2);
    expect(tableExp(-Math.LN2 * 10)).toBe(1 / 1024);
    expect(tableExp(Number.NaN)).toBeNaN();
  });
});
