/**
 * R's spline(method = "fmm"), approx() and seq.int(length.out) against R's own output
 * (test/reference/ciprop-extra.R writes it, as "%.17g" strings, into ciprop-extra.json).
 */
import { describe, expect, it } from 'vitest';
import { SurveyError } from '../../src/errors.js';
import {
  approx,
  approxFunction,
  fmmSplineCoefficients,
  seqLength,
  spline,
  splineEval,
} from '../../src/stats/spline.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';

interface SplineCase {
  id: string;
  call: string;
  x: string[];
  y: string[];
  n: number | null;
  xmin: number | null;
  xmax: number | null;
  xout: string[] | null;
  outX: string[];
  outY: string[];
}
interface ApproxCase {
  id: string;
  x: string[];
  y: string[];
  xout: string[];
  method: 'linear' | 'constant';
  rule: (1 | 2)[];
  f: number;
  out: string[];
}
interface SeqCase {
  from: number;
  to: number;
  n: number;
  out: string[];
}
const ref = loadReferenceJson<{ spline: SplineCase[]; approx: ApproxCase[]; seq: SeqCase[] }>(
  'ciprop-extra.json',
);
const num = (s: string[]): number[] => s.map((v) => (v === 'NA' ? Number.NaN : Number(v)));

describe("spline(method = 'fmm') matches R", () => {
  for (const c of ref.spline) {
    it(`${c.id}: ${c.call}`, () => {
      const opts: Parameters<typeof spline>[2] = {};
      if (c.n !== null) opts.n = c.n;
      if (c.xmin !== null) opts.xmin = c.xmin;
      if (c.xmax !== null) opts.xmax = c.xmax;
      if (c.xout !== null) opts.xout = num(c.xout);
      const s = spline(num(c.x), num(c.y), opts);
      const ex = num(c.outX);
      const ey = num(c.outY);
      expect(s.x).toHaveLength(ex.length);
      ex.forEach((v, k) => {
        expect(s.x[k], `x[${k}]`).toBe(v); // seq.int: bit for bit
      });
      ey.forEach((v, k) => {
        if (Math.abs(v) < 1e-13) expect(Math.abs(s.y[k]!)).toBeLessThan(1e-13);
        else expectClose(s.y[k]!, v, 1e-13, `${c.id} y[${k}]`);
      });
    });
  }

  it('reproduces a cubic exactly (the FMM end conditions are exact for cubics)', () => {
    const x = [0, 0.5, 1.7, 2, 3.1, 4];
    const cubic = (t: number) => 2 - t + 0.5 * t * t - 0.3 * t ** 3;
    const coef = fmmSplineCoefficients(x, x.map(cubic));
    const u = [-0.5, 0.25, 1, 2.5, 3.9, 5];
    splineEval(coef, u).forEach((v, k) => {
      expectClose(v, cubic(u[k]!), 1e-12, `u=${u[k]}`);
    });
  });

  it('rejects unsorted or tied nodes in the low-level fit, and empty input', () => {
    expect(() => fmmSplineCoefficients([0, 0, 1], [1, 2, 3])).toThrow(SurveyError);
    expect(() => fmmSplineCoefficients([], [])).toThrow(SurveyError);
    expect(() => spline([Number.NaN], [1])).toThrow(SurveyError);
    expect(() => spline([1, 2], [1])).toThrow(SurveyError);
  });
});

describe('approx() matches R', () => {
  for (const c of ref.approx) {
    it(c.id, () => {
      const rule = c.rule.length === 1 ? c.rule[0]! : ([c.rule[0]!, c.rule[1]!] as const);
      const out = approx(num(c.x), num(c.y), num(c.xout), { method: c.method, rule, f: c.f });
      num(c.out).forEach((v, k) => {
        if (Number.isNaN(v)) expect(out[k], `out[${k}]`).toBeNaN();
        else expectClose(out[k]!, v, 1e-15, `${c.id} out[${k}]`);
      });
    });
  }

  it('approxFunction regularizes once and evaluates anywhere; yleft/yright override rule', () => {
    const f = approxFunction([2, 0, 1], [20, 0, 10], { yleft: -1, yright: 99 });
    expect(Array.from(f([-1, 0.5, 1.5, 3]))).toEqual([-1, 5, 15, 99]);
    expect(() => approx([1], [2], [1])).toThrow(SurveyError);
    expect(Array.from(approx([1], [2], [1, 3], { method: 'constant', rule: 2 }))).toEqual([2, 2]);
    expect(() => approx([1, 2], [1, 2], [1], { method: 'constant', f: 2 })).toThrow(SurveyError);
  });
});

describe('seqLength() is R seq.int(from, to, length.out = n) bit for bit', () => {
  for (const c of ref.seq) {
    it(`seq.int(${c.from}, ${c.to}, length.out = ${c.n})`, () => {
      expect(Array.from(seqLength(c.from, c.to, c.n))).toEqual(num(c.out));
    });
  }
  it('edge lengths', () => {
    expect(Array.from(seqLength(3, 5, 0))).toEqual([]);
    expect(Array.from(seqLength(3, 5, 1))).toEqual([3]);
    expect(() => seqLength(0, 1, -1)).toThrow(SurveyError);
  });
});
