/**
 * The GLM's helper thread when a job fails there (src/models/pass-helper.ts): the failure is
 * answered, not thrown across threads; the helper is not used again; and fits go on, on the
 * calling thread, with the same numbers. (A file of its own: the helper stays off after it.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { svyGlm } from '../../src/models/glm.js';
import { awaitAnswer, helperFailure, postJob, readyHelper } from '../../src/models/pass-helper.js';
import type { PassJob } from '../../src/models/pass-jobs.js';
import { setSplitThreshold } from '../../src/models/shared-rows.js';
import { logisticPoll, oneThreadFitThenHelper } from '../helpers/logistic-poll.js';

afterAll(() => setSplitThreshold());

describe('a job that fails on the helper thread', () => {
  it('is answered with its error, the helper is dropped, and fits go on with the same numbers', async () => {
    const design = logisticPoll(5);
    const { oneThread, helper } = await oneThreadFitThenHelper(design);
    // a job whose rows are missing: the pass throws on the helper thread
    postJob(helper, { kind: 'start', rows: null, next: null } as unknown as PassJob, 0, 10);
    expect(awaitAnswer(helper, 20_000)).toBeNull();
    expect(helperFailure()).toMatch(/TypeError/);
    expect(readyHelper()).toBeNull();
    const after = svyGlm(design, 'y ~ x', { family: 'quasibinomial' }).coefficients;
    expect(after).toEqual(oneThread);
  });
});
