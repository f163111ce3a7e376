/**
 * A calibration model of 42 columns (apistrat to its 40 counties and 3 school types), linear and
 * raking, against R (test/reference/calibrate-large.R): the model's cross-products are inverted
 * by Cholesky at this size (weights and SEs to 1e-8), and a model beyond maxModelColumns is
 * TOO_LARGE before any work.
 */
import { describe, expect, it } from 'vitest';
import { WeightingError } from '../../src/errors.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { eigenSym, pinvSym, spdInverse } from '../../src/weighting/linalg.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';

interface Ref {
  design: ReferenceDesign;
  margins: Array<{ variable: string; levels: string[]; population: number[] }>;
  cases: Array<{
    calfun: 'linear' | 'raking';
    columns: number;
    weights: number[];
    mean: { estimate: number[]; se: number[] };
    total: { estimate: number[]; se: number[] };
  }>;
}
const ref = loadReferenceJson<Ref>('calibrate-large.json');
const margins = ref.margins.map((m) => ({
  variable: m.variable,
  population: Object.fromEntries(m.levels.map((l, i) => [l, m.population[i]!])),
}));

describe('calibrate with 42 model columns, as R', () => {
  for (const c of ref.cases) {
    it(c.calfun, () => {
      const d = calibrate(buildReferenceDesign(ref.design), {
        margins,
        calfun: c.calfun,
        epsilon: 1e-10,
        maxIter: 100,
      });
      expect(c.columns).toBe(42);
      c.weights.forEach((w, i) => {
        expectClose(d.weights[i]!, w, 1e-8, `weight ${i + 1}`);
      });
      const m = svyMean(d, ['api00', 'enroll']);
      m.forEach((r, j) => {
        expectClose(r.estimate, c.mean.estimate[j]!, 1e-8, `mean ${j}`);
        expectClose(r.se, c.mean.se[j]!, 1e-8, `mean se ${j}`);
      });
      // the totals of a margin are met exactly: their SEs are 0 (R: rounding, ~1e-12)
      svyTotal(d, 'stype').forEach((r, j) => {
        expectClose(r.estimate, c.total.estimate[j]!, 1e-8, `total ${j}`);
        expect(r.se).toBeLessThan(1e-6 * r.estimate);
      });
    });
  }

  it('beyond maxModelColumns: TOO_LARGE naming the limit, before any work', () => {
    let e: unknown;
    try {
      calibrate(buildReferenceDesign(ref.design), {
        margins,
        calfun: 'linear',
        maxModelColumns: 41,
      });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(WeightingError);
    expect((e as WeightingError).code).toBe('TOO_LARGE');
    expect((e as WeightingError).details).toMatchObject({
      value: 42,
      limit: 41,
      option: 'maxModelColumns',
    });
    expect((e as Error).message).toContain('{ maxModelColumns: n }');
  });
});

describe('pinvSym: Cholesky for well-conditioned positive definite matrices, else the eigen route', () => {
  /** A random symmetric positive definite p × p matrix XᵀX + I (seeded). */
  const spd = (p: number, seed: number) => {
    let s = seed;
    const rand = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647 - 0.5;
    };
    const x = Array.from({ length: 2 * p * p }, rand);
    const a = new Float64Array(p * p);
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) {
        let t = i === j ? 1 : 0;
        for (let k = 0; k < 2 * p; k++) t += x[k * p + i]! * x[k * p + j]!;
        a[i * p + j] = t;
      }
    return a;
  };

  it('gives the eigen route’s inverse to 1e-12 (what R’s ginv gives)', () => {
    for (const p of [24, 40, 70]) {
      const a = spd(p, p);
      const fast = spdInverse(a, p);
      expect(fast).not.toBeNull();
      // the eigen route: Σ v vᵀ / λ over the eigenpairs (no eigenvalue is near 0 here)
      const { values, vectors } = eigenSym(a, p);
      const slow = new Float64Array(p * p);
      for (let k = 0; k < p; k++)
        for (let i = 0; i < p; i++)
          for (let j = 0; j < p; j++)
            slow[i * p + j]! += (vectors[i * p + k]! * vectors[j * p + k]!) / values[k]!;
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < p * p; i++) {
        worst = Math.max(worst, Math.abs(fast![i]! - slow[i]!));
        scale = Math.max(scale, Math.abs(slow[i]!));
      }
      expect(worst / scale).toBeLessThan(1e-12);
    }
  });

  it('a singular or ill-conditioned matrix is left to the eigen route', () => {
    const p = 30;
    const a = spd(p, 7);
    // make column/row 0 a copy of column/row 1: singular
    for (let k = 0; k < p; k++) {
      a[k * p] = a[k * p + 1]!;
      a[k] = a[p + k]!;
    }
    a[0] = a[p + 1]!;
    expect(spdInverse(a, p)).toBeNull();
    // the Moore–Penrose inverse: A A⁺ A = A
    const plus = pinvSym(a, p);
    const mul = (x: Float64Array, y: Float64Array) => {
      const out = new Float64Array(p * p);
      for (let i = 0; i < p; i++)
        for (let k = 0; k < p; k++) {
          const xi = x[i * p + k]!;
          for (let j = 0; j < p; j++) out[i * p + j]! += xi * y[k * p + j]!;
        }
      return out;
    };
    const back = mul(mul(a, plus), a);
    let worst = 0;
    for (let i = 0; i < p * p; i++) worst = Math.max(worst, Math.abs(back[i]! - a[i]!));
    expect(worst).toBeLessThan(1e-8 * Math.max(...a));
  });
});
