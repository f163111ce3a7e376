/**
 * A small poll for the GLM helper-thread tests: 4,000 respondents in 50 PSUs, a numeric x and a
 * 0/1 y drawn from a logistic model in x, weights between 1 and 2 (seeded).
 */
import { expect } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { svyGlm } from '../../src/models/glm.js';
import { setHelperThread } from '../../src/models/helper-switch.js';
import { helperLoaded, readyHelper } from '../../src/models/pass-helper.js';
import { setSplitThreshold } from '../../src/models/shared-rows.js';
import { lcg } from './random.js';

export function logisticPoll(seed: number): SurveyDesign {
  const rnd = lcg(seed);
  const cols = { psu: [] as number[], x: [] as number[], y: [] as number[], w: [] as number[] };
  for (let i = 0; i < 4000; i++) {
    const x = rnd() * 3;
    cols.psu.push(Math.floor(rnd() * 50));
    cols.x.push(x);
    cols.y.push(rnd() < 1 / (1 + Math.exp(0.5 - 0.6 * x)) ? 1 : 0);
    cols.w.push(1 + rnd());
  }
  return svyDesign(fromColumns(cols), { ids: 'psu', weights: 'w' });
}

/**
 * For the helper-failure tests: `y ~ x` fitted on the calling thread alone (splitting from 1,000
 * rows), then the helper turned on and loaded; returns that fit's coefficients and the helper.
 */
export async function oneThreadFitThenHelper(design: SurveyDesign) {
  setSplitThreshold(1000);
  setHelperThread(false);
  const oneThread = svyGlm(design, 'y ~ x', { family: 'quasibinomial' }).coefficients;
  setHelperThread(true);
  expect(await helperLoaded()).toBe(true);
  return { oneThread, helper: readyHelper()! };
}
