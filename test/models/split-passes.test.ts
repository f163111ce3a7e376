/**
 * A large model's passes split in two halves (src/models/split-passes.ts): the fit must equal the
 * unsplit fit (to rounding), and be the same to the last bit whether the second half ran on the
 * helper thread (src/models/pass-helper.ts) or on the calling thread. The split threshold is
 * lowered so that a small poll splits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { svyGlm } from '../../src/models/glm.js';
import { setHelperThread } from '../../src/models/helper-switch.js';
import { helperJobs, helperLoaded } from '../../src/models/pass-helper.js';
import { svyPredict } from '../../src/models/predict.js';
import { svyPredMeans } from '../../src/models/predmeans.js';
import {
  isShared,
  pooledCopy,
  rowFloat64,
  setSplitThreshold,
} from '../../src/models/shared-rows.js';
import type { GlmFit, GlmOptions } from '../../src/models/types.js';
import { lcg } from '../helpers/random.js';

const N = 6000;

/** A poll of N rows in 6 strata × 20 PSUs, in random row order, with a count and a 0/1 outcome. */
function pollData() {
  const rnd = lcg(29);
  const cols = {
    stratum: [] as number[],
    psu: [] as number[],
    fpc: [] as number[],
    region: [] as string[],
    sex: [] as string[],
    x: [] as number[],
    y: [] as number[],
    count: [] as number[],
    score: [] as number[],
    w: [] as number[],
  };
  for (let i = 0; i < N; i++) {
    const stratum = Math.floor(rnd() * 6);
    cols.stratum.push(stratum);
    cols.psu.push(stratum * 20 + Math.floor(rnd() * 20));
    cols.fpc.push(400);
    const u = rnd();
    cols.region.push(u < 0.45 ? 'north' : u < 0.75 ? 'south' : 'east');
    cols.sex.push(rnd() < 0.52 ? 'F' : 'M');
    const x = rnd() * 5;
    cols.x.push(x);
    cols.y.push(rnd() < 1 / (1 + Math.exp(1 - 0.4 * x)) ? 1 : 0);
    cols.count.push(Math.floor(rnd() * 3 + x));
    cols.score.push(2 + 0.7 * x + rnd());
    cols.w.push(0.5 + rnd() * 3);
  }
  return fromColumns(cols);
}

const data = pollData();
const strat = svyDesign(data, { strata: 'stratum', ids: 'psu', weights: 'w' });
const designs: Record<string, () => SurveyDesign> = {
  'strata and PSUs': () => strat,
  'two stages with fpc (per-row scores kept)': () =>
    svyDesign(data, { strata: 'stratum', ids: ['psu', 'sex'], fpc: ['fpc', 'fpc'], weights: 'w' }),
  'a domain': () => subset(strat, (r) => r.region !== 'east'),
  'JKn replicates': () => asRepDesign(strat, { type: 'JKn' }),
};

const models: [string, string, GlmOptions][] = [
  ['logistic with a numeric variable', 'y ~ region + sex + x', { family: 'quasibinomial' }],
  ['logistic on factors only', 'y ~ region * sex', { family: 'binomial' }],
  ['poisson', 'count ~ region + x', { family: 'poisson' }],
  ['gaussian', 'score ~ sex + x + region:x', {}],
];

/** Every number of a fit, in one array. */
function numbers(fit: GlmFit): number[] {
  return [
    ...fit.coefficients.flatMap((c) => [c.estimate, c.se, c.ci[0], c.ci[1]]),
    ...fit.vcov.flat(),
    fit.dispersion,
    fit.iterations,
    fit.df,
  ];
}

function fitWith(
  threshold: number,
  helper: boolean,
  design: SurveyDesign,
  model: string,
  opts: GlmOptions,
) {
  setSplitThreshold(threshold);
  setHelperThread(helper);
  try {
    return numbers(svyGlm(design, model, opts));
  } finally {
    setSplitThreshold();
    setHelperThread(true);
  }
}

beforeAll(async () => {
  // the helper loads in the background; the tests below need it there
  expect(await helperLoaded()).toBe(true);
});

afterAll(() => {
  setSplitThreshold();
  setHelperThread(true);
});

describe('passes split in two halves', () => {
  for (const [designName, design] of Object.entries(designs)) {
    for (const [modelName, model, opts] of models) {
      it(`${modelName}, ${designName}: split = unsplit, helper thread = one thread`, async () => {
        const d = design();
        const whole = fitWith(Number.POSITIVE_INFINITY, false, d, model, opts);
        const oneThread = fitWith(1000, false, d, model, opts);
        expect(await helperLoaded()).toBe(true);
        const before = helperJobs();
        const twoThreads = fitWith(1000, true, d, model, opts);
        // the helper ran the second half of the passes over the rows (none for a model on
        // cells after its first pass, and none for a gaussian model's one pass, but some)
        expect(helperJobs()).toBeGreaterThan(before);
        expect(twoThreads).toEqual(oneThread);
        expect(oneThread.length).toBe(whole.length);
        for (let i = 0; i < whole.length; i++) {
          const scale = Math.max(Math.abs(whole[i]!), 1e-3);
          expect(Math.abs(oneThread[i]! - whole[i]!) / scale).toBeLessThan(1e-10);
        }
      });
    }
  }

  it("a fit on cells sums its PSUs' score totals in halves too, the second on the helper", async () => {
    expect(await helperLoaded()).toBe(true);
    const before = helperJobs();
    fitWith(1000, true, strat, 'y ~ region * sex', { family: 'binomial' });
    // its first pass over the rows, and the score totals (the later passes are over the cells)
    expect(helperJobs() - before).toBe(2);
  });

  it('a split fit differs from the unsplit one in the last bits only, not more', () => {
    // the test above would pass if splitting changed nothing at all: it does change the order
    // of the sums, so some number moves in its last bits
    const whole = fitWith(Number.POSITIVE_INFINITY, false, strat, 'y ~ region + sex + x', {
      family: 'quasibinomial',
    });
    const split = fitWith(1000, false, strat, 'y ~ region + sex + x', { family: 'quasibinomial' });
    expect(split).not.toEqual(whole);
  });
});

describe('the pool of shared row arrays', () => {
  it('gives the same buffer to a role fit after fit, zeroed, and ordinary arrays without the helper', () => {
    setSplitThreshold(1000);
    try {
      const a = rowFloat64('track0', 5000);
      expect(isShared(a)).toBe(true);
      a.fill(7);
      const b = rowFloat64('track0', 5000);
      expect(b.buffer).toBe(a.buffer);
      expect(b.every((v) => v === 0)).toBe(true);
      // a copy into the pool, and an array already there is not copied again
      const copy = pooledCopy(
        'outcome',
        Float64Array.from({ length: 5000 }, (_, i) => i),
      );
      expect(isShared(copy) && copy[4999] === 4999).toBe(true);
      expect(pooledCopy('weights', copy)).toBe(copy);
      // below the split, or with the helper off: ordinary arrays
      expect(isShared(rowFloat64('track0', 999))).toBe(false);
      setHelperThread(false);
      expect(isShared(rowFloat64('track0', 5000))).toBe(false);
      // turned off, the pool lets its buffers go: on again, a new one
      setHelperThread(true);
      expect(rowFloat64('track0', 5000).buffer).not.toBe(a.buffer);
    } finally {
      setHelperThread(true);
      setSplitThreshold();
    }
  });

  it("a fit's predictions and margins do not change when later fits reuse the pool", () => {
    setSplitThreshold(1000);
    try {
      const opts: GlmOptions = { family: 'quasibinomial' };
      const fit = svyGlm(strat, 'y ~ region + sex + x', opts);
      const profile = [{ region: 'south', sex: 'F', x: 2.5 }];
      const before = [svyPredict(fit, profile, { type: 'response' }), svyPredMeans(fit, 'region')];
      svyGlm(strat, 'count ~ sex + x', { family: 'poisson' });
      svyGlm(
        subset(strat, (r) => r.sex === 'M'),
        'y ~ x + region',
        opts,
      );
      const after = [svyPredict(fit, profile, { type: 'response' }), svyPredMeans(fit, 'region')];
      expect(after).toEqual(before);
      expect(before[0]![0]!.estimate).toBeGreaterThan(0);
    } finally {
      setSplitThreshold();
    }
  });
});
