import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import type { TrimStep } from '../../src/design/weighting-history.js';
import { svyMean } from '../../src/estimate/mean.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { expectClose } from '../helpers/reference.js';
import {
  baseDesign,
  checkCase,
  expectCode,
  ref,
  refCase,
  snapshot,
  weightCase,
} from './reference-cases.js';

const cases = ref.cases.filter((c) => c.method === 'trimWeights' && c.error === null);

describe('trimWeights matches R survey 4.1.1 (weights, estimates, SEs to 1e-8)', () => {
  it('has the reference cases', () => expect(cases.length).toBeGreaterThanOrEqual(8));
  for (const c of cases) it(c.id, () => checkCase(c));
});

describe('trimWeights: behaviour', () => {
  it('strict repeats until no weight is outside; one pass can leave some outside', () => {
    const loose = weightCase(refCase('dpoll-trim-NA-1400'));
    const strict = weightCase(refCase('dpoll-trim-NA-1400-strict'));
    const a = loose.calibration!.at(-1) as TrimStep;
    const b = strict.calibration!.at(-1) as TrimStep;
    expect(a.iterations).toBe(1);
    expect(a.outsideAfter).toBeGreaterThan(0);
    expect(a.converged).toBe(false);
    expect(loose.warnings.some((w) => w.includes('strict: true'))).toBe(true);
    // survey 4.2's rule (R 4.1.1, sharing with the trimmed weights too, recursed 17 times)
    expect(b.iterations).toBe(2);
    expect(b.outsideAfter).toBe(0);
    expect(b.converged).toBe(true);
    expect(Math.max(...strict.weights)).toBeLessThanOrEqual(1400);
    expect(b.trimmed).toBe(a.trimmed);
  });

  it('keeps the sum of weights and leaves the input design unchanged', () => {
    const design = baseDesign('dpoll');
    const before = snapshot(design);
    const d = trimWeights(design, { lower: 400, upper: 2000, strict: true });
    expect(snapshot(design)).toEqual(before);
    const sum = (w: Float64Array) => w.reduce((s, x) => s + x, 0);
    expectClose(sum(d.weights), sum(design.weights), 1e-12, 'sum of weights');
  });

  it('shares the trimmed amount equally (not proportionally), as R', () => {
    const d = svyDesign(fromColumns({ w: [1, 2, 3, 14] }), { weights: 'w' });
    const t = trimWeights(d, { upper: 8 });
    expect(Array.from(t.weights)).toEqual([3, 4, 5, 8]);
  });

  it('no weight outside: same weights, a step that trimmed nothing', () => {
    const d = svyDesign(fromColumns({ w: [1, 2, 3] }), { weights: 'w' });
    const t = trimWeights(d, { lower: 0.5, upper: 10 });
    expect(Array.from(t.weights)).toEqual([1, 2, 3]);
    expect(t.weights).not.toBe(d.weights);
    const step = t.calibration![0] as TrimStep;
    expect(step).toMatchObject({ method: 'trim', trimmed: 0, iterations: 0, converged: true });
  });

  it('trimming a raked design keeps the raking step, whose variance R keeps using', () => {
    const raked = weightCase(refCase('dclus1-rake-stype-schwide'));
    const t = trimWeights(raked, { lower: 32, upper: 55 });
    expect(t.calibration!.map((s) => s.method)).toEqual(['rake', 'trim']);
    expect(t.calibration![0]).toBe(raked.calibration![0]);
    expect(svyMean(t, 'api00')[0]!.se).toBeGreaterThan(0);
  });

  it('strict trimming where R never ends (1/(1/55) > 55) settles after 50 passes', () => {
    const c = refCase('dclus1-rake-stype-schwide-trim-32-55-strict') as ReturnType<
      typeof refCase
    > & {
      rError: string;
      passes: number;
    };
    expect(c.rError).toContain('C stack');
    const d = checkCase(c);
    expect(d.calibration!.at(-1)!.iterations).toBe(c.passes);
  });

  it('NOT_CONVERGED when strict passes have not settled after maxIter', () => {
    const e = expectCode(
      () => trimWeights(baseDesign('dpoll'), { upper: 1400, strict: true, maxIter: 1 }),
      'NOT_CONVERGED',
    );
    expect(e.details).toMatchObject({ iterations: 1 });
    expect(e.message).toContain('raise maxIter');
  });

  it("strict: later passes share only among weights never trimmed (survey 4.2's rule)", () => {
    const d = svyDesign(fromColumns({ w: [1, 2, 3, 14] }), { weights: 'w' });
    // pass 1: 14 → 5, 9 shared by 1, 2, 3 → 4, 5, 6; pass 2: 6 → 5, 1 shared by 4 and 5 (not
    // by the 5 trimmed before) → 4.5, 5.5; pass 3: 5.5 → 5, 0.5 to 4.5. (4.1.1's rule, sharing
    // with the trimmed weight too, never lands exactly.)
    const t = trimWeights(d, { upper: 5, strict: true });
    expect(Array.from(t.weights)).toEqual([5, 5, 5, 5]);
    expect((t.calibration!.at(-1) as TrimStep).iterations).toBe(3);
  });

  it('NOT_CONVERGED when every weight left to take a share has been trimmed', () => {
    // pass 1: 5 → 10 and 90 → 40 (45 cut), shared by the two 30s → 52.5 each; pass 2: they are
    // cut to 40 and only trimmed weights are left (R warns "trimming failed", total changed).
    const d = svyDesign(fromColumns({ w: [5, 30, 30, 90] }), { weights: 'w' });
    const e = expectCode(
      () => trimWeights(d, { lower: 10, upper: 40, strict: true }),
      'NOT_CONVERGED',
    );
    expect(e.message).toContain('trimming failed');
    expect(e.details).toMatchObject({ iterations: 1, count: 2, value: 25 });
    // one pass (not strict) is fine: two weights stay outside, and the total is kept
    const once = trimWeights(d, { lower: 10, upper: 40 });
    expect(Array.from(once.weights)).toEqual([10, 52.5, 52.5, 40]);
  });
});

describe('trimWeights: typed errors', () => {
  const d = svyDesign(fromColumns({ w: [1, 2, 3, 4] }), { weights: 'w' });
  it('BAD_OPTION', () => {
    expectCode(() => trimWeights(d, {}), 'BAD_OPTION');
    expectCode(() => trimWeights(d, { lower: 3, upper: 2 }), 'BAD_OPTION');
    expectCode(() => trimWeights(d, { upper: Number.NaN }), 'BAD_OPTION');
    expectCode(() => trimWeights(d, { upper: 3, maxIter: 0 }), 'BAD_OPTION');
  });
  it('INFEASIBLE_BOUNDS when the total cannot fit or every weight is outside', () => {
    const e = expectCode(() => trimWeights(d, { upper: 2 }), 'INFEASIBLE_BOUNDS');
    expect(e.details.value).toBe(10);
    expectCode(() => trimWeights(d, { lower: 3 }), 'INFEASIBLE_BOUNDS');
    const two = svyDesign(fromColumns({ w: [1, 9] }), { weights: 'w' });
    const all = expectCode(() => trimWeights(two, { lower: 2, upper: 8 }), 'INFEASIBLE_BOUNDS');
    expect(all.message).toContain('every weight is outside');
  });
});
