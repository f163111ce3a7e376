import { describe, expect, it } from 'vitest';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { LonelyPsu } from '../../src/design/types.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceData, loadReferenceJson } from '../helpers/reference.js';

interface LonelyCase {
  id: string;
  design: string;
  subset: Condition[] | null;
  lonelyPsu: LonelyPsu;
  adjustDomainLonely: boolean;
  statistic: 'mean' | 'total';
  variable: string;
  n: number;
  nMissing: number;
  degf: number;
  error: string | null;
  estimate: number[] | null;
  se: Array<number | null> | null;
}

const ref = loadReferenceJson<{ designs: Record<string, ReferenceDesign>; cases: LonelyCase[] }>(
  'lonely.json',
);

function design(c: LonelyCase) {
  const r = ref.designs[c.design]!;
  const d = buildReferenceDesign(r, c.lonelyPsu);
  const withOption = c.adjustDomainLonely
    ? { ...d, spec: { ...d.spec, adjustDomainLonely: true } }
    : d;
  return c.subset ? subset(withOption, conditionMask(d.data, c.subset)) : withOption;
}

describe('lonely PSUs: every rule as R survey 4.1.1 (lonely.json)', () => {
  for (const c of ref.cases) {
    it(c.id + (c.adjustDomainLonely ? ' (adjust.domain.lonely)' : ''), () => {
      const estimator = c.statistic === 'mean' ? svyMean : svyTotal;
      if (c.error) {
        expect(() => estimator(design(c), c.variable)).toThrow(
          expect.objectContaining({ code: 'LONELY_PSU' }),
        );
        return;
      }
      if (c.se![0] === null) {
        // R returns NaN; surveykit says why instead.
        expect(() => estimator(design(c), c.variable)).toThrow(
          expect.objectContaining({ code: 'NO_VARIANCE' }),
        );
        return;
      }
      const [row] = estimator(design(c), c.variable);
      expectClose(row!.estimate, c.estimate![0]!, 1e-8, `${c.id} estimate`);
      expectClose(row!.se, c.se![0]!, 1e-8, `${c.id} se`);
      expect(row!.n).toBe(c.n);
    });
  }

  it('published: apiclus1 stratified by dnum, SE 5.8058 (remove, certainty), 5.8281 (adjust), 6.0096 (average)', () => {
    const data = loadReferenceData('apiclus1.csv');
    const se = (rule: LonelyPsu) =>
      svyMean(svyDesign(data, { strata: 'dnum', weights: 'pw', lonelyPsu: rule }), 'api00')[0]!.se;
    expect(se('remove').toFixed(4)).toBe('5.8058');
    expect(se('certainty').toFixed(4)).toBe('5.8058');
    expect(se('adjust').toFixed(4)).toBe('5.8281');
    expect(se('average').toFixed(4)).toBe('6.0096');
  });

  it("names the stratum when the rule is 'fail'", () => {
    const data = loadReferenceData('apiclus1.csv');
    expect(() => svyDesign(data, { strata: 'dnum', weights: 'pw' })).toThrow(
      /stratum "413" has only one PSU at stage 1/,
    );
  });
});
