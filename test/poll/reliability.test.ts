/**
 * reliability(): the NCHS Data Presentation Standards for Proportions (Parker et al. 2017).
 * The Korn–Graubard interval is R's svyciprop(method = "beta") where the standard's cap on the
 * effective sample size does not bind; every rule is checked on proportions chosen to meet it,
 * against the standard computed in R (test/reference/reliability.R) and by hand.
 */
import { describe, expect, it } from 'vitest';
import { EstimationError } from '../../src/errors.js';
import { NCHS_PROPORTIONS, reliability } from '../../src/poll/reliability.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';

interface CipropCase {
  key: string;
  estimate: number;
  se: number;
  n: number;
  degf: number;
  effectiveNdf: number;
  capped: boolean;
  ci: [number, number];
}
interface GridCase {
  estimate: number;
  se: number;
  n: number;
  df: number | null;
  level: number;
  flag: 'suppress' | 'review' | 'footnote' | null;
  reasons: string[];
  effectiveN: number;
  effectiveNdf: number;
  ci: [number, number];
  ciWidth: number;
  relativeCiWidth: number | 'Inf';
  complementRelativeCiWidth: number | 'Inf';
}
const ref = loadReferenceJson<{ svyciprop: CipropCase[]; grid: GridCase[] }>('reliability.json');
const inf = (x: number | 'Inf') => (x === 'Inf' ? Number.POSITIVE_INFINITY : x);

describe('reliability: the Korn–Graubard interval', () => {
  it("is R's svyciprop(method = 'beta') where the effective sample size is not capped", () => {
    const uncapped = ref.svyciprop.filter((c) => !c.capped);
    expect(uncapped.length).toBeGreaterThanOrEqual(4);
    for (const c of uncapped) {
      const r = reliability(c, { df: c.degf });
      expectClose(r.effectiveNdf, c.effectiveNdf, 1e-8, `${c.key} effective n`);
      expectClose(r.ci[0], c.ci[0], 1e-8, `${c.key} lower`);
      expectClose(r.ci[1], c.ci[1], 1e-8, `${c.key} upper`);
    }
  });

  it('caps the effective sample size at n, where R does not (a wider interval)', () => {
    const capped = ref.svyciprop.filter((c) => c.capped);
    expect(capped.length).toBeGreaterThan(0);
    for (const c of capped) {
      const r = reliability(c, { df: c.degf });
      expect(r.effectiveNdf).toBe(c.n);
      expect(r.ci[0]).toBeLessThan(c.ci[0]);
      expect(r.ci[1]).toBeGreaterThan(c.ci[1]);
    }
  });

  it('is the exact Beta(1, n) bound at 0% (by hand: 1 − 0.025^(1/n_eff))', () => {
    // n = 120, df = 60: n_eff = n, adjusted by (t(0.975, 119) / t(0.975, 60))²
    const r = reliability({ estimate: 0, se: 0, n: 120 }, { df: 60 });
    const adjust = (1.980099876 / 2.000297822) ** 2;
    expect(r.effectiveNdf).toBeCloseTo(120 * adjust, 6);
    expect(r.ci[0]).toBe(0);
    expect(r.ci[1]).toBeCloseTo(1 - 0.025 ** (1 / (120 * adjust)), 9);
  });
});

describe('reliability: the standard, rule by rule', () => {
  it('matches the standard computed in R for every case', () => {
    for (const c of ref.grid) {
      const what = `p ${c.estimate}, se ${c.se}, n ${c.n}, df ${c.df}`;
      const r = reliability(c, { ...(c.df === null ? {} : { df: c.df }), level: c.level });
      expect(r.flag, what).toBe(c.flag);
      expect(r.reasons, what).toEqual(c.reasons);
      expectClose(r.effectiveN, c.effectiveN, 1e-10, `${what} n_eff`);
      expectClose(r.effectiveNdf, c.effectiveNdf, 1e-10, `${what} n_eff_df`);
      expectClose(r.ci[0], c.ci[0], 1e-8, `${what} lower`);
      expectClose(r.ci[1], c.ci[1], 1e-8, `${what} upper`);
      expect(r.relativeCiWidth).toBeCloseTo(inf(c.relativeCiWidth), 8);
      expect(r.complementRelativeCiWidth).toBeCloseTo(inf(c.complementRelativeCiWidth), 8);
    }
    // every rule is met by some case
    const seen = new Set(ref.grid.flatMap((c) => c.reasons));
    expect([...seen].sort()).toEqual(
      [
        'ci-width',
        'complement',
        'degrees-of-freedom',
        'effective-sample-size',
        'relative-ci-width',
        'zero-or-one',
      ].sort(),
    );
  });

  it('step 1: an effective sample size under 30 is suppressed (p (1 − p) / se², by hand)', () => {
    const r = reliability({ estimate: 0.04, se: 0.04, n: 60 });
    expect(r.effectiveN).toBeCloseTo((0.04 * 0.96) / 0.0016, 12); // 24
    expect(r.flag).toBe('suppress');
    expect(r.reason).toBe('effective sample size 24.0 < 30');
    // fewer than 30 respondents: suppressed whatever the design effect
    expect(reliability({ estimate: 0.5, se: 0.01, n: 29 }).reasons).toEqual([
      'effective-sample-size',
    ]);
    // a design effect under 1 does not raise the effective sample size above n
    expect(reliability({ estimate: 0.2, se: 0.005, n: 200 }).effectiveN).toBe(200);
  });

  it('steps 2 and 3: a wide interval, or one wide relative to a small share, is suppressed', () => {
    expect(reliability({ estimate: 0.5, se: 0.09, n: 40 }, { df: 30 }).reasons).toEqual([
      'ci-width',
    ]);
    const small = reliability({ estimate: 0.06, se: 0.025, n: 400 }, { df: 40 });
    expect(small.reasons).toEqual(['relative-ci-width']);
    expect(small.ciWidth).toBeGreaterThan(NCHS_PROPORTIONS.smallCiWidth);
    // an interval at most 5 points wide is presented, however small the share
    const narrow = reliability({ estimate: 0.03, se: 0.01, n: 2000 }, { df: 100 });
    expect(narrow.relativeCiWidth).toBeGreaterThan(1.3);
    expect(narrow.flag).toBe(null);
    expect(narrow.reason).toBe('');
  });

  it('step 4: review for few degrees of freedom or 0% / 100%, footnote for the complement', () => {
    expect(reliability({ estimate: 0.35, se: 0.03, n: 900 }, { df: 5 })).toMatchObject({
      flag: 'review',
      reasons: ['degrees-of-freedom'],
      reason: '5 degrees of freedom (< 8)',
    });
    expect(reliability({ estimate: 0, se: 0, n: 120 }, { df: 60 }).flag).toBe('review');
    const high = reliability({ estimate: 0.92, se: 0.035, n: 150 }, { df: 50 });
    expect(high.flag).toBe('footnote');
    expect(high.reasons).toEqual(['complement']);
    // without df: no adjustment and no review for degrees of freedom
    const plain = reliability({ estimate: 0.35, se: 0.03, n: 900 });
    expect(plain.df).toBe(null);
    expect(plain.effectiveNdf).toBe(plain.effectiveN);
  });

  it('refuses what is not a proportion with its standard error and base', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(EstimationError);
        return (e as EstimationError).code;
      }
      return 'no error';
    };
    expect(code(() => reliability({ estimate: 1.2, se: 0.1, n: 50 }))).toBe('BAD_OPTION');
    expect(code(() => reliability({ estimate: 0.2, se: Number.NaN, n: 50 }))).toBe('BAD_OPTION');
    expect(code(() => reliability({ estimate: 0.2, se: 0.1, n: 0 }))).toBe('BAD_OPTION');
    expect(code(() => reliability({ estimate: 0.2, se: 0.1, n: 50 }, { df: 0 }))).toBe(
      'BAD_OPTION',
    );
    expect(code(() => reliability({ estimate: 0.2, se: 0.1, n: 50 }, { level: 95 }))).toBe(
      'BAD_OPTION',
    );
  });
});
