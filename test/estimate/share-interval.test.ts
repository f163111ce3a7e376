import { describe, expect, it } from 'vitest';
import {
  betaQuantile,
  expit,
  shareInterval,
  tInterval,
} from '../../src/estimate/share-interval.js';
import { qbeta, qt } from '../../src/stats/distributions.js';

describe('shareInterval', () => {
  const p = 0.3;
  const variance = 0.0004;
  const df = 20;
  it("'mean' is the t interval of the share", () => {
    const q = qt(0.975, df);
    const [lo, hi] = shareInterval(p, variance, 'mean', 0.95, df, () => 1);
    expect(lo).toBeCloseTo(p - q * 0.02, 15);
    expect(hi).toBeCloseTo(p + q * 0.02, 15);
  });
  it("'xlogit' is symmetric on the logit scale, with the delta method's se", () => {
    const [lo, hi] = shareInterval(p, variance, 'xlogit', 0.95, df, () => 1);
    const logit = (x: number) => Math.log(x / (1 - x));
    const se = Math.sqrt(variance) / (p * (1 - p));
    expect(logit(hi) - logit(p)).toBeCloseTo(qt(0.975, df) * se, 10);
    expect(logit(p) - logit(lo)).toBeCloseTo(qt(0.975, df) * se, 10);
  });
  it("'asin' is symmetric on the arcsine-root scale", () => {
    const [lo, hi] = shareInterval(p, variance, 'asin', 0.95, df, () => 1);
    const t = (x: number) => Math.asin(Math.sqrt(x));
    expect(t(hi) - t(p)).toBeCloseTo(t(p) - t(lo), 12);
  });
  it("'beta' is Korn–Graubard's, with the effective size scaled by betaRatio()²", () => {
    let calls = 0;
    const [lo, hi] = shareInterval(p, variance, 'beta', 0.9, df, () => {
      calls++;
      return 2;
    });
    const nEff = ((p * (1 - p)) / variance) * 4;
    expect(calls).toBe(1);
    expect(lo).toBe(qbeta(0.05, nEff * p, nEff * (1 - p) + 1));
    expect(hi).toBe(qbeta(0.95, nEff * p + 1, nEff * (1 - p)));
    // betaRatio is read only for 'beta'
    shareInterval(p, variance, 'mean', 0.9, df, () => {
      calls++;
      return 1;
    });
    expect(calls).toBe(1);
  });
});

describe('tInterval, expit, betaQuantile', () => {
  it('as R', () => {
    const a = (1 - 0.9) / 2;
    expect(tInterval(1, 0.5, 0.9, 7)).toEqual([1 + 0.5 * qt(a, 7), 1 + 0.5 * qt(1 - a, 7)]);
    expect(expit(Math.log(3))).toBeCloseTo(0.75, 15);
    // qbeta's limits for zero and infinite shapes
    expect(betaQuantile(0.3, 0, 0)).toBe(0);
    expect(betaQuantile(0.7, 0, 0)).toBe(1);
    expect(betaQuantile(0.5, 0, 0)).toBe(0.5);
    expect(betaQuantile(0.5, 2, 0)).toBe(1);
    expect(betaQuantile(0.5, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(0.5);
    expect(betaQuantile(0.5, -1, 2)).toBeNaN();
  });
});
