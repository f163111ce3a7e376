import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { svyQuantile } from '../../src/estimate/quantile.js';

/** A small deterministic generator (LCG). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * R's `qs` rules 'math' and 'school' as survey ≥ 4.4 has them (p at or below a position's share,
 * wlow ≤ 0, takes that position: the smallest value for p below the first share), written out
 * on a stable sort.
 */
function reference(
  y: readonly (number | null)[],
  w: readonly number[],
  keep: (i: number) => boolean,
  p: number,
  school: boolean,
): number {
  const rows = y.flatMap((v, i) => (v !== null && keep(i) && w[i]! > 0 ? [i] : []));
  rows.sort((a, b) => y[a]! - y[b]! || a - b);
  const xs = rows.map((i) => y[i]!);
  const ws = rows.map((i) => w[i]!);
  if (xs.length === 1) return xs[0]!;
  // Compensated cumulative sums (as the implementation's R-like cumsum).
  const cumw: number[] = [];
  let s = 0;
  let c = 0;
  for (const x of ws) {
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
    cumw.push(s + c);
  }
  const total = cumw[cumw.length - 1]!;
  let lo = 0;
  while (lo < cumw.length && cumw[lo]! <= p * total) lo++;
  const pos = lo > 0 ? lo - 1 : 0;
  const next = pos === cumw.length - 1 ? pos : pos + 1;
  if (p - cumw[pos]! / total <= 0) return school ? (xs[pos]! + xs[next]!) / 2 : xs[pos]!;
  return xs[next]!;
}

interface Case {
  design: SurveyDesign;
  y: (number | null)[];
  w: number[];
  keep: (i: number) => boolean;
}

function makeCase(t: number): Case {
  const r = rng(t + 1);
  const n = 2 + Math.floor(r() * (t % 3 === 0 ? 12 : 3000));
  const kind = t % 6;
  const y: (number | null)[] = [];
  const w: number[] = [];
  const psu: number[] = [];
  const st: number[] = [];
  for (let i = 0; i < n; i++) {
    let v: number | null =
      kind === 0
        ? Math.floor(r() * 6) - 2 // heavy ties
        : kind === 1
          ? r() < 0.4
            ? 0
            : r() < 0.5
              ? -0
              : r() * 3 // signed zeros
          : kind === 2
            ? Math.round(r() * 200) / 4
            : r() * 100 - 20;
    if (r() < 0.05) v = null;
    y.push(v);
    w.push(
      kind === 3
        ? 1 + Math.floor(r() * 3) // integer weights: exact ties of cumulative shares
        : kind === 4 && r() < 0.2
          ? 0
          : 0.1 + r() * 5,
    );
    psu.push(Math.floor(i / 3));
    st.push(Math.floor(i / 30) % 3);
  }
  if (y[0] === null) y[0] = 1;
  let design: SurveyDesign = svyDesign(fromColumns({ y, w, psu, st }), {
    ids: 'psu',
    strata: 'st',
    nest: true,
    weights: 'w',
    allowZeroWeights: true,
  });
  let keep = (_i: number) => true;
  if (t % 4 === 3) {
    keep = (i: number) => i % 5 !== 0;
    design = subset(design, (_row, i) => keep(i));
  }
  return { design, y, w, keep };
}

describe('svyQuantile: weighted selection path', () => {
  const probs = [0, 1e-9, 0.1, 0.25, 1 / 3, 0.5, 0.5, 2 / 3, 0.75, 0.9, 0.999, 1];

  it('gives the sorted rule exactly, over ties, signed zeros, zero weights, missing values and domains', () => {
    for (let t = 0; t < 120; t++) {
      const { design, y, w, keep } = makeCase(t);
      for (const qrule of ['math', 'hf1', 'school', 'hf2'] as const) {
        const school = qrule === 'school' || qrule === 'hf2';
        const got = svyQuantile(design, 'y', probs, { qrule }).map((e) => e.estimate);
        const want = probs.map((p) => reference(y, w, keep, p, school));
        for (let j = 0; j < probs.length; j++) {
          expect(Object.is(got[j], want[j]), `case ${t} ${qrule} p=${probs[j]}`).toBe(true);
        }
      }
    }
  });

  it('agrees bit for bit with the sorted path (the score interval sorts)', () => {
    for (let t = 0; t < 60; t++) {
      const { design } = makeCase(t);
      const fast = svyQuantile(design, 'y', probs);
      const sorted = svyQuantile(design, 'y', probs, { interval: 'score' });
      expect(fast.map((e) => e.estimate)).toEqual(sorted.map((e) => e.estimate));
      for (let j = 0; j < probs.length; j++) {
        expect(Object.is(fast[j]!.estimate, sorted[j]!.estimate)).toBe(true);
      }
    }
  });

  it('gives the sorted rule exactly when the key range is sampled (values outside it in the edge buckets)', () => {
    // Above 8,192 rows the histogram spans the keys of every step-th row only: the extreme and
    // the rare values below sit on rows the sample skips, so they fall outside its range.
    for (let t = 0; t < 6; t++) {
      const r = rng(100 + t);
      const n = 9000 + Math.floor(r() * 12000);
      const step = Math.floor(n / 4096);
      const y: (number | null)[] = [];
      const w: number[] = [];
      for (let i = 0; i < n; i++) {
        const sampled = i % step === 0;
        let v: number | null =
          t % 2 === 0
            ? 100 + r() * 50 // a spread the sample sees ...
            : 5; // ... or one value only: a sampled range of width 0
        if (!sampled && r() < 0.02) v = r() < 0.5 ? -1e6 * r() - 1 : 1e9 * r() + 1e3;
        if (!sampled && r() < 0.01) v = r() < 0.5 ? -0 : 0;
        if (r() < 0.03) v = null;
        y.push(v);
        w.push(0.5 + r() * 2);
      }
      if (y[0] === null) y[0] = 120;
      const psu = y.map((_, i) => Math.floor(i / 20));
      const design = svyDesign(fromColumns({ y, w, psu }), { ids: 'psu', weights: 'w' });
      const probs2 = [...probs, 0.005, 0.01, 0.015, 0.985, 0.99, 0.995];
      for (const qrule of ['math', 'school'] as const) {
        const got = svyQuantile(design, 'y', probs2, { qrule }).map((e) => e.estimate);
        for (let j = 0; j < probs2.length; j++) {
          const want = reference(y, w, () => true, probs2[j]!, qrule === 'school');
          expect(Object.is(got[j], want), `case ${t} ${qrule} p=${probs2[j]}`).toBe(true);
        }
      }
    }
  });

  it('interval limits are values of the data (or NaN)', () => {
    for (let t = 0; t < 40; t++) {
      const { design, y } = makeCase(t);
      const values = new Set(y.filter((v) => v !== null));
      for (const interval of ['mean', 'beta', 'xlogit', 'asin'] as const) {
        for (const e of svyQuantile(design, 'y', [0.25, 0.5, 0.75], { interval })) {
          for (const limit of e.ci) {
            if (Number.isNaN(limit)) continue;
            expect(values.has(limit)).toBe(true);
          }
        }
      }
    }
  });
});
