/**
 * The GLM's helper thread when a job fails there (src/models/pass-helper.ts): the failure is
 * answered, not thrown across threads; the helper is not used again; and fits go on, on the
 * calling thread, with the same numbers. (A file of its own: the helper stays off after it.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { svyGlm } from '../../src/models/glm.js';
import { setHelperThread } from '../../src/models/helper-switch.js';
import {
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
  const rnd = lcg(5);
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

describe('a job that fails on the helper thread', () => {
  it('is answered with its error, the helper is dropped, and fits go on with the same numbers', async () => {
    const design = poll();
    setSplitThreshold(1000);
    setHelperThread(false);
    const oneThread = svyGlm(design, 'y ~ x', { family: 'quasibinomial' }).coefficients;
    setHelperThread(true);
    expect(await helperLoaded()).toBe(true);
    const helper = readyHelper()!;
    // a job whose rows are missing: the pass throws on the helper thread
    postJob(helper, { kind: 'start', rows: null, next: null } as unknown as PassJob, 0, 10);
    expect(awaitAnswer(helper, 20_000)).toBeNull();
    expect(helperFailure()).toMatch(/TypeError/);
    expect(readyHelper()).toBeNull();
    const after = svyGlm(design, 'y ~ x', { family: 'quasibinomial' }).coefficients;
    expect(after).toEqual(oneThread);
  });
});
