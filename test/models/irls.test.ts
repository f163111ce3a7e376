/**
 * R's iterations (src/models/irls.ts) decide R's convergence test on deviances that the row
 * passes carry with a bound (src/models/row-passes.ts: a short series instead of `Math.log1p`);
 * the decisions, iterations and coefficients must be those of the test on deviances summed row
 * by row, as R sums them.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { glmState, svyGlm } from '../../src/models/glm.js';
import { glmInfluence } from '../../src/models/influence.js';
import { convergenceTest, EPSILON, irls } from '../../src/models/irls.js';
import { coefficientsByCell } from '../../src/models/moments.js';
import {
  type PassBound,
  rowPass,
  rowTrack,
  sharedStart,
  startPass,
  trackDeviance,
} from '../../src/models/row-passes.js';
import type { GlmOptions } from '../../src/models/types.js';
import { modelDesign } from './reference-designs.js';

/** A seeded poll with weights spread over three orders of magnitude (some near 0). */
function poll(n: number, seed: number) {
  let s = seed;
  const rnd = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const region: string[] = [];
  const sex: string[] = [];
  const income: number[] = [];
  const support: number[] = [];
  const weight: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = Math.floor(rnd() * 5);
    const x = Math.round(Math.exp(6 + rnd()) * 100) / 100;
    region.push(`r${r}`);
    sex.push(rnd() < 0.5 ? 'f' : 'm');
    income.push(x);
    support.push(rnd() < 1 / (1 + Math.exp(-(0.2 * r - 0.002 * x + 1))) ? 1 : 0);
    weight.push(10 ** (3 * rnd() - 1.5));
    count.push(Math.floor(rnd() * 6));
  }
  const data = fromColumns({ region, sex, income, support, weight, count });
  return svyDesign(data, { weights: 'weight' });
}

const cases: Array<[string, () => SurveyDesign, string, GlmOptions]> = [
  [
    'apiclus1',
    () => modelDesign('dclus1'),
    'sch.wide ~ ell + meals + mobility',
    {
      family: 'quasibinomial',
    },
  ],
  [
    'apistrat',
    () => modelDesign('dstrat'),
    'sch.wide ~ stype + ell + meals',
    {
      family: 'binomial',
    },
  ],
  ['apiclus1', () => modelDesign('dclus1'), 'enroll ~ stype + meals', { family: 'poisson' }],
  [
    'a poll of 4,000',
    () => poll(4000, 7),
    'support ~ region + sex + income',
    {
      family: 'quasibinomial',
    },
  ],
  [
    'a poll of 4,000',
    () => poll(4000, 11),
    'support ~ region * income',
    {
      family: 'binomial',
    },
  ],
  ['a poll of 4,000', () => poll(4000, 13), 'count ~ region + income', { family: 'poisson' }],
];

describe('convergenceTest', () => {
  it('is R’s test when the deviances are exact', () => {
    expect(convergenceTest(0.5e-8 * 100.1, 0, 100, 0)).toBe('met');
    expect(convergenceTest(2e-8 * 100.1, 0, 100, 0)).toBe('not met');
    expect(convergenceTest(-2e-8 * 100.1, 0, 100, 0)).toBe('not met');
    expect(convergenceTest(Number.NaN, 0, 100, 0)).toBe('not met');
  });
  it('decides only what holds for every deviance within the bounds', () => {
    // |Δ| ≤ 0.6e-6 < 1e-8 · (100 − 1 + 0.1): met whatever the deviances are
    expect(convergenceTest(0.5e-6, 0.1e-6, 100, 1)).toBe('met');
    // |Δ| ≥ 1.9e-6 > 1e-8 · (100 + 1 + 0.1): not met
    expect(convergenceTest(2e-6, 0.1e-6, 100, 1)).toBe('not met');
    // |Δ| could be on either side of 1e-8 · (|dev| + 0.1)
    expect(convergenceTest(1e-6, 0.1e-6, 100, 1)).toBe('open');
    expect(convergenceTest(0.99e-6, 0, 100, 2)).toBe('open');
    expect(EPSILON).toBe(1e-8);
  });
});

describe('irls: deviances with bounds decide as the exact ones', () => {
  it.each(cases)('%s: %s', (_, makeDesign, formula, opts) => {
    const fit = svyGlm(makeDesign(), formula, opts);
    const state = glmState(fit)!;
    const { data } = state;
    // svyGlm's prior weights: the sampling weights over their mean (no domain here)
    const all = state.design.weights;
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const w = new Float64Array(data.mm.rows.length);
    for (let k = 0; k < w.length; k++) w[k] = all[data.mm.rows[k]!]! / mean;
    const fast = irls(data, w, { scores: true });
    const exact = irls(data, w, { scores: true, exactDeviance: true });
    if ('failure' in fast || 'failure' in exact) throw new Error('no fit');
    expect(fast.iterations).toBe(exact.iterations);
    expect(fast.converged).toBe(exact.converged);
    expect([...fast.beta]).toEqual([...exact.beta]);
    expect([...fast.xwxInverse]).toEqual([...exact.xwxInverse]);
    expect(fast.iterations).toBe(fit.iterations);
  });

  it('bounds each pass: the carried deviance is within the bound of the row-by-row one', () => {
    const design = poll(4000, 17);
    const fit = svyGlm(design, 'support ~ region + sex + income', { family: 'binomial' });
    const { data } = glmState(fit)!;
    const n = data.mm.rows.length;
    const w = new Float64Array(n);
    for (let k = 0; k < n; k++) w[k] = design.weights[data.mm.rows[k]!]!;
    const bound: PassBound = { radius: 0 };
    const moments = new Float64Array(data.mm.nCells * 5);
    const start = rowTrack(n, true);
    const startDev = startPass(data, w, moments, start, bound);
    const exactStart = trackDeviance(data, w, start);
    // weights near 0 take the series far out (|t| up to 0.3): a bound well above rounding
    expect(bound.radius).toBeGreaterThan(1e-9 * exactStart);
    expect(Math.abs(startDev - exactStart)).toBeLessThanOrEqual(bound.radius + 1e-12 * exactStart);
    let prev = start;
    let prevDev = exactStart;
    // from the start to the fit, then steps of 1e-2, 1e-4 and 1e-7 of it
    for (const scale of [1, 1 + 1e-2, 1 + 1e-4, 1 + 1e-7]) {
      const beta = Float64Array.from(fit.coefficients, (c) => c.estimate * scale);
      const next = rowTrack(n);
      const dev = rowPass(
        data,
        w,
        coefficientsByCell(data.mm, beta),
        null,
        prev,
        next,
        prevDev,
        bound,
      );
      const exact = trackDeviance(data, w, next);
      expect(Math.abs(dev - exact)).toBeLessThanOrEqual(bound.radius + 1e-12 * exact);
      // the exact deviance at the coefficients, from scratch
      const fresh = sharedStart(data, coefficientsByCell(data.mm, beta));
      let direct = 0;
      for (let k = 0; k < n; k++) direct += w[k]! * fresh.unitDev[k]!;
      expect(Math.abs(exact - direct)).toBeLessThanOrEqual(1e-12 * direct);
      prev = next;
      prevDev = exact;
    }
  });
});

describe('irls: the last pass fused with the scores and the clusters’ sums', () => {
  let fusedCases = 0;
  it.each(cases)('%s: %s gives what the separate passes give', (_, makeDesign, formula, opts) => {
    const design = makeDesign();
    const fit = svyGlm(design, formula, opts);
    const { data } = glmState(fit)!;
    const all = design.weights;
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    const w = new Float64Array(data.mm.rows.length);
    for (let k = 0; k < w.length; k++) w[k] = all[data.mm.rows[k]!]! / mean;
    if (design.type !== 'linearization') throw new Error('a linearization design expected');
    const stage = design.stages[0]!;
    const fused = irls(data, w, { scores: true, clusters: stage });
    const apart = irls(data, w, { scores: true, fuseLastPass: false });
    if ('failure' in fused || 'failure' in apart) throw new Error('no fit');
    // the fused pass runs when R's test is proven before the last pass (weights spread over
    // three orders of magnitude can leave the proof short of its margin): then no deviance
    expect(apart.clusterSums).toBeNull();
    expect(Number.isNaN(fused.deviance)).toBe(fused.clusterSums !== null);
    if (fused.clusterSums !== null) fusedCases++;
    else expect(fused.deviance).toBe(apart.deviance);
    expect(fused.iterations).toBe(apart.iterations);
    expect([...fused.beta]).toEqual([...apart.beta]);
    expect([...fused.xwxInverse]).toEqual([...apart.xwxInverse]);
    expect([...fused.moments]).toEqual([...apart.moments]);
    // the scores: the same formulas with fewer divisions (a few units in the last place)
    const sf = fused.scores!.s;
    const sa = apart.scores!.s;
    for (let k = 0; k < sa.length; k++) {
      expect(Math.abs(sf[k]! - sa[k]!)).toBeLessThanOrEqual(1e-14 * Math.abs(sa[k]!));
    }
    const pf = fused.scores!.pearson;
    const pa = apart.scores!.pearson;
    expect(pf.nonzero).toBe(pa.nonzero);
    expect(pf.sw).toBe(pa.sw);
    expect(pf.swr2).toBeCloseTo(pa.swr2, 10);
    expect(Math.abs(pf.swr - pa.swr)).toBeLessThanOrEqual(1e-12 * pa.swr2 + 1e-12);
    // Σ x s per cluster: against the influence's own sums with the identity for A⁻¹
    const p = data.mm.p;
    const identity = new Float64Array(p * p);
    for (let j = 0; j < p; j++) identity[j * p + j] = 1;
    const expected = new Float64Array(stage.nClusters * p);
    glmInfluence(data.mm, apart.scores!.s, identity, all.length).sumByCluster(
      stage.rowCluster,
      expected,
    );
    const scale = Math.max(...expected.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    fused.clusterSums?.forEach((v, i) => {
      expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-12 * scale);
    });
  });

  it('keeps only the clusters’ sums when asked (keepScores: false)', () => {
    const design = modelDesign('dclus1');
    const fit = svyGlm(design, 'sch.wide ~ ell + meals + mobility', { family: 'quasibinomial' });
    const { data } = glmState(fit)!;
    if (design.type !== 'linearization') throw new Error('a linearization design expected');
    const stage = design.stages[0]!;
    const w = Float64Array.from(data.mm.rows, (i) => design.weights[i]!);
    const kept = irls(data, w, { scores: true, clusters: stage });
    const sums = irls(data, w, { scores: true, clusters: stage, keepScores: false });
    if ('failure' in kept || 'failure' in sums) throw new Error('no fit');
    expect(kept.scores!.s.length).toBe(data.mm.rows.length);
    expect(sums.scores!.s.length).toBe(0);
    expect([...sums.clusterSums!]).toEqual([...kept.clusterSums!]);
    expect(sums.scores!.pearson).toEqual(kept.scores!.pearson);
    // the influence then serves those clusters only, and says so for anything else
    const p = data.mm.p;
    const identity = new Float64Array(p * p);
    for (let j = 0; j < p; j++) identity[j * p + j] = 1;
    const influence = glmInfluence(data.mm, sums.scores!.s, identity, design.weights.length, {
      rowCluster: stage.rowCluster,
      sums: sums.clusterSums!,
    });
    const totals = new Float64Array(stage.nClusters * p);
    influence.sumByCluster(stage.rowCluster, totals);
    expect([...totals]).toEqual([...sums.clusterSums!]);
    expect(() => influence.dense()).toThrow(/only its clusters/);
  });

  it('ran fused on the api designs and the poisson poll', () => {
    expect(fusedCases).toBeGreaterThanOrEqual(4);
  });
});
