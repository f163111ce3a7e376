import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import { EstimationError } from '../../src/errors.js';
import { answerScale } from '../../src/poll/questionnaire.js';
import { svySubgroups } from '../../src/poll/subgroups.js';
import { expectClose } from '../helpers/reference.js';
import { designOf, questionnaireOf, ref } from './fixtures.js';

describe('svySubgroups against R svyratio(covmat=TRUE) + svycontrast (poll.json)', () => {
  for (const c of ref.subgroups) {
    it(c.id, async () => {
      const design = await designOf(c.design);
      const answers = answerScale(questionnaireOf(c.design), c.variable)!;
      const r = svySubgroups(design, { variable: c.variable, answers }, c.by, { codes: c.counts });
      expect(r.df).toBe(c.degf);
      expectClose(r.national.estimate, c.national.estimate, 1e-8, 'national');
      expectClose(r.national.se, c.national.se, 1e-8, 'national se');
      expect(r.rows.map((x) => x.subgroup)).toEqual(c.rows.map((x) => x.subgroup));
      r.rows.forEach((row, l) => {
        const e = c.rows[l]!;
        const what = `${c.by}=${e.subgroup}`;
        expect(row.by).toBe(c.by);
        expect(row.n).toBe(e.n);
        expectClose(row.estimate, e.estimate, 1e-8, `${what} share`);
        expectClose(row.se, e.se, 1e-8, `${what} se`);
        // R's svyby on the respondents with an answer agrees (a consistency check of poll.R)
        expectClose(row.estimate, e.svybyEstimate, 1e-8, `${what} svyby`);
        expectClose(row.se, e.svybySe, 1e-8, `${what} svyby se`);
        expect(row.national).toBe(r.national.estimate);
        const v = row.vsNational;
        expectClose(v.difference, e.difference, 1e-8, `${what} difference`);
        expectClose(v.se, e.differenceSe, 1e-8, `${what} difference se`);
        expectClose(v.t, e.t, 1e-8, `${what} t`);
        expectClose(v.pValue, e.p, 1e-8, `${what} p`);
        expectClose(v.ci[0], e.differenceCi95_df[0], 1e-8, `${what} ci lo`);
        expectClose(v.ci[1], e.differenceCi95_df[1], 1e-8, `${what} ci hi`);
        expect(v.differs).toBe(e.p < 0.05);
        // the covariance is not zero: ignoring it would give another SE
        const naive = Math.sqrt(row.se ** 2 + r.national.se ** 2);
        expect(Math.abs(naive - v.se)).toBeGreaterThan(1e-6);
        expectClose(
          (row.se ** 2 + r.national.se ** 2 - v.se ** 2) / 2,
          e.covWithNational,
          1e-6,
          `${what} cov`,
        );
      });
    });
  }

  it('the default counts the positive group ("support"); several grouping variables at once', async () => {
    const design = await designOf('poll');
    const q = questionnaireOf('poll');
    const item = q.eeu.find((i) => i.variable === 'eeu_kz_coop')!;
    const r = svySubgroups(design, item, ['agegroup', 'region']);
    expect(r.counts).toEqual(['1']);
    expect(r.rows.filter((x) => x.by === 'agegroup')).toHaveLength(5);
    expect(r.rows.filter((x) => x.by === 'region')).toHaveLength(7);
    const c = ref.subgroups.find((s) => s.id === 'poll-kzcoop-by-region')!;
    expectClose(r.rows[5]!.estimate, c.rows[0]!.estimate, 1e-8, 'Brest');
  });
});

describe('svySubgroups: edge cases', () => {
  const answers = [
    { code: 1, label: { en: 'Yes' }, group: 'positive' as const },
    { code: 2, label: { en: 'No' }, group: 'negative' as const },
  ];

  it('skips subgroups without respondents with an answer; missing group values count nationally only', () => {
    const data = fromColumns({
      q: ['Yes', 'No', 'Yes', null, 'Yes', 'No'],
      g: ['a', 'a', null, 'b', 'a', 'a'],
    });
    const r = svySubgroups(svyDesign(data), { variable: 'q', answers }, 'g', { df: Infinity });
    expect(r.rows.map((x) => x.subgroup)).toEqual(['a']);
    expect(r.national.n).toBe(5);
    expect(r.national.estimate).toBeCloseTo(0.6, 14);
    expect(r.rows[0]!.estimate).toBeCloseTo(0.5, 14);
    expect(r.rows[0]!.nMissing).toBe(0);
  });

  it('works in a domain of the design (national = the domain)', () => {
    const data = fromColumns({
      q: ['Yes', 'No', 'Yes', 'Yes', 'Yes', 'No', 'No', 'Yes'],
      g: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'],
      keep: [1, 1, 1, 1, 1, 1, 0, 0],
    });
    const d = subset(svyDesign(data), (row) => row.keep === 1);
    const r = svySubgroups(d, { variable: 'q', answers }, 'g', { df: Infinity });
    expect(r.national.n).toBe(6);
    expect(r.rows.map((x) => x.n)).toEqual([3, 3]);
  });

  it('rejects both groups and codes, and counts that match no answer', () => {
    const d = svyDesign(fromColumns({ q: ['Yes', 'No'], g: ['a', 'b'] }));
    const item = { variable: 'q', answers };
    expect(() => svySubgroups(d, item, 'g', { groups: ['positive'], codes: [1] })).toThrow(
      EstimationError,
    );
    expect(() => svySubgroups(d, item, 'g', { groups: ['neutral'] })).toThrow(/no answer/);
  });
});
