import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
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
  /** 'adjust' only: the SE under survey ≥ 4.4's rule (lonely PSU centred at the grand mean). */
  seFixed: Array<number | null> | null;
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

describe('lonely PSUs: every rule as R survey 4.1.1 (lonely.json), adjust as survey ≥ 4.4', () => {
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
      // 'adjust' follows survey ≥ 4.4 (seFixed, computed in lonely.R from that rule); the
      // other rules are survey 4.1.1's answer.
      const se = c.seFixed?.[0] ?? c.se![0]!;
      expectClose(row!.se, se, 1e-8, `${c.id} se`);
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

  it("'adjust' centres a lonely PSU at the grand mean (survey ≥ 4.4's tests/lonely.psu.R)", () => {
    // survey's own check: strata 1 and 2 have two PSUs, stratum 3 one (15 × 44 = 660).
    // Influence values of the total of Age (w·y): 320.25, 425.25 | 700, 1040 | 660.
    // Strata 1 and 2 (centred at their means, scale 2/1): 2 · (2 · 52.5²) + 2 · (2 · 170²)
    // = 11025 + 115600 = 126625, which 'remove' and 'certainty' give.
    // Grand mean of the PSU totals: (320.25 + 425.25 + 700 + 1040 + 660) / 5 PSUs = 629.1, so the
    // lonely PSU adds (660 − 629.1)² = 30.9² = 954.81: 127579.81 (survey 4.1.1 added 660² =
    // 435600: 562225).
    const data = fromColumns({
      stratum: [1, 1, 2, 2, 3],
      psu: [1, 2, 3, 4, 5],
      w: [10.5, 10.5, 20, 20, 15],
      age: [30.5, 40.5, 35, 52, 44],
    });
    const v = (rule: LonelyPsu) => {
      const d = svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'w', lonelyPsu: rule });
      return svyTotal(d, 'age')[0]!.se ** 2;
    };
    expectClose(v('remove'), 126625, 1e-12);
    expectClose(v('certainty'), 126625, 1e-12);
    expectClose(v('adjust'), 126625 + 30.9 ** 2, 1e-12);
    // A mean's influence values sum to 0, so the grand mean is 0 and nothing changes: the
    // published 5.8281 above is 4.1.1's and current R's alike.
  });

  it("names the stratum when the rule is 'fail'", () => {
    const data = loadReferenceData('apiclus1.csv');
    expect(() => svyDesign(data, { strata: 'dnum', weights: 'pw' })).toThrow(
      /stratum "413" has only one PSU at stage 1/,
    );
  });
});
