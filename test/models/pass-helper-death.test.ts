/**
 * The GLM's helper thread when it stops without answering (killed, out of memory): the fitting
 * thread, blocked waiting for an answer, cannot hear of it, so its wait has an end
 * (`answerPatience`); the helper is then dropped and the fit's half is run on the calling thread,
 * with the same numbers. (A file of its own: the helper stays off after it.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { svyGlm } from '../../src/models/glm.js';
import {
  answerPatience,
  awaitAnswer,
  helperFailure,
  postJob,
  readyHelper,
} from '../../src/models/pass-helper.js';
import type { PassJob } from '../../src/models/pass-jobs.js';
import { pooledCopy, setSplitThreshold } from '../../src/models/shared-rows.js';
import { logisticPoll, oneThreadFitThenHelper } from '../helpers/logistic-poll.js';

afterAll(() => setSplitThreshold());

describe('answerPatience', () => {
  it('is 50 times the calling thread’s half, and at least 2 s', () => {
    expect(answerPatience(0)).toBe(2000);
    expect(answerPatience(10)).toBe(2000);
    expect(answerPatience(100)).toBe(5000);
  });
});

describe('a helper thread that stops without answering', () => {
  it('is waited for no longer than the patience given, then dropped; fits go on, same numbers', async () => {
    const design = logisticPoll(11);
    const { oneThread, helper } = await oneThreadFitThenHelper(design);
    // while the helper may be used, a large fit's rows are copied where it can read them
    const rows = new Int32Array(5000);
    expect(pooledCopy('rows', rows)).not.toBe(rows);
    await helper.worker.terminate();
    // the helper is gone: a job posted to it is never answered
    postJob(helper, { kind: 'start', rows: null, next: null } as unknown as PassJob, 0, 10);
    expect(awaitAnswer(helper, 150)).toBeNull();
    expect(helperFailure()).toMatch(/helper thread (stopped|gave no answer)/);
    expect(readyHelper()).toBeNull();
    const after = svyGlm(design, 'y ~ x', { family: 'quasibinomial' }).coefficients;
    expect(after).toEqual(oneThread);
    // and once it is gone, they are not: no copies for a helper that will not read them
    expect(pooledCopy('rows', rows)).toBe(rows);
  });
});
