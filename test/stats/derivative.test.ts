import { describe, expect, it } from 'vitest';
import { derivative } from '../../src/stats/derivative.js';

/** Functions of the kind svyNlContrast differentiates, with their exact derivatives. */
const cases: Array<{
  name: string;
  f: (x: number) => number;
  df: (x: number) => number;
  at: number[];
}> = [
  { name: 'log', f: Math.log, df: (x) => 1 / x, at: [1e-6, 0.0833, 0.5, 0.9167, 650, 4.8e6] },
  { name: 'x / c', f: (x) => x / 618.6, df: () => 1 / 618.6, at: [1e-4, 648.9, 1e9] },
  { name: 'c / x', f: (x) => 648.9 / x, df: (x) => -648.9 / (x * x), at: [1e-3, 0.8, 618.6, 1e7] },
  {
    name: 'logit',
    f: (p) => Math.log(p / (1 - p)),
    df: (p) => 1 / (p * (1 - p)),
    at: [1e-4, 0.0833, 0.5, 0.9167, 0.9999],
  },
  {
    name: 'odds',
    f: (p) => p / (1 - p),
    df: (p) => 1 / (1 - p) ** 2,
    at: [0.02, 0.3, 0.97, 0.9999],
  },
  {
    name: 'a pole close by',
    f: (x) => 1 / (x - 0.5),
    df: (x) => -1 / (x - 0.5) ** 2,
    at: [0.5001, 0.4999, 0.52],
  },
  { name: 'exp', f: Math.exp, df: Math.exp, at: [-20, -1, 0, 0.7, 30] },
  { name: 'sqrt', f: Math.sqrt, df: (x) => 0.5 / Math.sqrt(x), at: [1e-8, 0.25, 1e6] },
  { name: 'x^3', f: (x) => x ** 3, df: (x) => 3 * x * x, at: [-2, 0.1, 5] },
  { name: 'sin', f: Math.sin, df: Math.cos, at: [0, 1, 3] },
];

describe('derivative', () => {
  for (const c of cases) {
    it(`${c.name}: relative error below 1e-11 over several magnitudes`, () => {
      for (const x of c.at) {
        const d = derivative(c.f, x);
        const exact = c.df(x);
        const rel = Math.abs(d.value - exact) / Math.max(Math.abs(exact), 1e-300);
        expect(rel, `${c.name} at ${x}: ${d.value} vs ${exact}`).toBeLessThan(1e-11);
        // its error estimate is of the right size (not wildly optimistic)
        expect(Math.abs(d.value - exact)).toBeLessThanOrEqual(
          Math.max(1000 * d.error, 1e-13 * Math.abs(exact)),
        );
      }
    });
  }

  it('shrinks the first step when f is not finite on both sides (a logit next to 1)', () => {
    const p = 0.99999;
    const d = derivative((x) => Math.log(x / (1 - x)), p);
    expect(Math.abs(d.value - 1 / (p * (1 - p))) / (1 / (p * (1 - p)))).toBeLessThan(1e-9);
  });

  it('is exactly 0 for a function that does not change, and NaN where f is never finite', () => {
    expect(derivative(() => 3, 2).value).toBe(0);
    expect(derivative(Math.log, -1).value).toBeNaN();
  });

  it('takes a first step', () => {
    const d = derivative((x) => x * x, 3, 1e-3);
    expect(Math.abs(d.value - 6)).toBeLessThan(1e-12);
  });
});
