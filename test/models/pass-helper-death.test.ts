/**
 * The GLM's helper thread when it stops without answering (killed, out of memory): the fitting
 * thread, blocked waiting for an answer, cannot hear of it, so its wait has an end
 * (`answerPatience`); the helper is then dropped and the fit's half is run on the calling thread,
 * with the same numbers. (A file of its own: the helper stays off after it.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { svyGlm } from '../../src/models/glm.js';
import { setHelperThread } from '../../src/models/helper-switch.js';
import {
  answerPatience,
  awaitAnswer,
  helperFailure,
  helperLoaded,
  postJob,
  readyHelper,
} from '../../src/models/pass-helper.js';
import type { PassJob } from '../../src/models/pass-jobs.js';
import { setSplitThreshold } from '../../src/models/shared-rows.js';
import { lcg } from '../helpers/random.js';

afterAll(() => setSplitThreshold());

function poll() {
  const rnd = lcg(11);
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

describe('answerPatience', () => {
  it('is 50 times the calling thread’s half, and at least 2 s', () => {
    expect(answerPatience(0)).toBe(2000);
    expect(answerPatience(10)).toBe(2000);
    expect(answerPatience(100)).toBe(5000);
  });
});

describe('a helper thread that stops without answering', () => {
  it('is waited for no longer than the patience given, then dropped; fits go on, same numbers', async () => {
    const design = poll();
    setSplitThreshold(1000);
    setHelperThread(false);
    const oneThread = svyGlm(design, 'y ~ x', { family: 'quasibinomial' }).coefficients;
    setHelperThread(true);
    expect(await helperLoaded()).toBe(true);
    const helper = readyHelper()!;
    await helper.worker.terminate();
    // the helper is gone: a job posted to it is never answered
    postJob(helper, { kind: 'start', rows: null, next: null } as unknown as PassJob, 0, 10);
    expect(awaitAnswer(helper, 150)).toBeNull();
    expect(helperFailure()).toMatch(/helper thread (stopped|gave no answer)/);
    expect(readyHelper()).toBeNull();
    const after = svyGlm(design, 'y ~ x', { family: 'quasibinomial' }).coefficients;
    expect(after).toEqual(oneThread);
  });
});
