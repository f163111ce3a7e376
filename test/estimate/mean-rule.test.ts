/**
 * The weighted mean's rule: the first present value y₀ when the compensated Σ w (y − y₀) is 0,
 * else the compensated Σ w y over the plain Σ w. svyMean's scan decides it without Σ w (y − y₀)
 * unless the mean is within rounding of y₀ (see prepare's `clearOfFirstValue`): here the rule
 * written out directly, on data built to sit at that edge (means equal to y₀, or a few ulps from
 * it), on whole designs and in domains.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import { svyMean } from '../../src/estimate/mean.js';

/** Neumaier's compensated sum of the terms, as the scans add them. */
function compensated(terms: number[]): number {
  let s = 0;
  let err = 0;
  for (const x of terms) {
    const t = s + x;
    err += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + err;
}

/** The rule, over the rows with a value. */
function rule(y: number[], w: number[]): number {
  const rows = y.flatMap((v, i) => (Number.isNaN(v) ? [] : [i]));
  const y0 = y[rows[0]!]!;
  let sumW = 0;
  for (const i of rows) sumW += w[i]!;
  if (compensated(rows.map((i) => w[i]! * (y[i]! - y0))) === 0) return y0;
  return compensated(rows.map((i) => w[i]! * y[i]!)) / sumW;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Data sets at the rule's edge: y₀ first, then values whose weighted mean is (about) y₀. */
function cases(): Array<{ name: string; y: number[]; w: number[] }> {
  const r = rng(5);
  const out: Array<{ name: string; y: number[]; w: number[] }> = [];
  out.push({
    name: 'identical values',
    y: Array(200).fill(0.1),
    w: Array.from({ length: 200 }, r),
  });
  out.push({
    name: 'symmetric around y₀',
    y: [2, 1, 3, Number.NaN, 1.5, 2.5],
    w: [1, 1, 1, 1, 2, 2],
  });
  for (let k = 0; k < 40; k++) {
    // pairs y₀ ± d with equal weights, every value and difference exact in binary: Σ w (y − y₀)
    // is exactly 0, while Σ w y / Σ w is a few ulps from y₀ (in 198 of 200 such draws)
    const y0 = 1 + Math.floor(r() * 1000) / 64;
    const y = [y0];
    const w = [0.5 + r()];
    for (let j = 0; j < 30; j++) {
      const d = Math.floor(r() * 4096) / 1024;
      const wj = 0.1 + r() * 3;
      y.push(y0 + d, y0 - d);
      w.push(wj, wj);
    }
    y.push(Number.NaN);
    w.push(1);
    out.push({ name: `pairs around y₀ #${k}`, y, w });
  }
  return out;
}

describe("svyMean's rule at the edge where its first scan cannot decide", () => {
  for (const c of cases()) {
    it(c.name, () => {
      const want = rule(c.y, c.w);
      const spec = { ids: 'psu', weights: 'w', allowZeroWeights: true } as const;
      const whole = svyDesign(fromColumns({ y: c.y, w: c.w, psu: c.y.map((_, i) => i % 5) }), spec);
      expect(svyMean(whole, 'y')[0]!.estimate).toBe(want);
      // the same rows as a domain (a last row, which would move the mean off y₀, left out): the
      // scan that marks the rows
      const y = [...c.y, c.y[0]! + 1];
      const w = [...c.w, 1];
      const all = svyDesign(fromColumns({ y, w, psu: y.map((_, i) => i % 5) }), spec);
      const domain = subset(all, (_row, i) => i < c.y.length);
      expect(svyMean(domain, 'y')[0]!.estimate).toBe(want);
    });
  }
});
