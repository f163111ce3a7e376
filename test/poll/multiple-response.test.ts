import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import { EstimationError } from '../../src/errors.js';
import { svyMean } from '../../src/estimate/mean.js';
import { compareOptions, svyMultipleResponse } from '../../src/poll/multiple-response.js';
import { expectClose } from '../helpers/reference.js';
import { designOf, questionnaireOf, ref } from './fixtures.js';

describe('svyMultipleResponse against R svymean(~opt1+..., na.rm=TRUE) and svycontrast (poll.json)', () => {
  for (const c of ref.multipleResponse) {
    it(c.id, async () => {
      const design = await designOf(c.design);
      const q = questionnaireOf(c.design).multipleResponse.find((m) =>
        m.options.every((o) => c.variables.includes(o.variable)),
      )!;
      expect(q.options.map((o) => o.variable)).toEqual(c.variables);
      const r = svyMultipleResponse(design, q);
      expect(r.df).toBe(c.degf);
      expect([r.n, r.nMissing, r.nPartial]).toEqual([c.n, c.nMissing, c.nPartial]);
      const k = c.variables.length;
      r.options.forEach((o, a) => {
        expectClose(o.estimate, c.estimate[a]!, 1e-8, `${o.key} estimate`);
        expectClose(o.se, c.se[a]!, 1e-8, `${o.key} se`);
        expectClose(o.ci[0], c.ci95_df[a]![0], 1e-8, `${o.key} ci lo`);
        expectClose(o.ci[1], c.ci95_df[a]![1], 1e-8, `${o.key} ci hi`);
        expect([o.n, o.nMissing]).toEqual([c.n, c.nMissing]);
        for (let b = 0; b < k; b++) {
          const v = c.vcov[a]![b]!;
          // exact zeros (an option nobody outside a cell names) compare absolutely
          if (Math.abs(v) < 1e-15) expect(Math.abs(r.covariance[a * k + b]!)).toBeLessThan(1e-15);
          else expectClose(r.covariance[a * k + b]!, v, 1e-8, `vcov ${a},${b}`);
        }
      });
      expectClose(r.mentions.estimate, c.mentions.estimate, 1e-8, 'mentions');
      expectClose(r.mentions.se, c.mentions.se, 1e-8, 'mentions se');
      for (const t of c.contrasts) {
        const key = (v: string) => q.options.find((o) => o.variable === v)!.key;
        const cmp = compareOptions(r, key(t.a), key(t.b));
        expectClose(cmp.difference, t.estimate, 1e-8, `${t.a}-${t.b}`);
        expectClose(cmp.se, t.se, 1e-8, `${t.a}-${t.b} se`);
        expectClose(cmp.t, t.t, 1e-8, `${t.a}-${t.b} t`);
        expectClose(cmp.pValue, t.p, 1e-8, `${t.a}-${t.b} p`);
        expectClose(cmp.ci[0], t.ci95_df[0], 1e-8, 'ci lo');
        expectClose(cmp.ci[1], t.ci95_df[1], 1e-8, 'ci hi');
        expect(cmp.df).toBe(t.df);
        expect(cmp.differs).toBe(t.ci95_df[0] > 0 || t.ci95_df[1] < 0);
      }
    });
  }
});

describe('svyMultipleResponse: missing answers and options', () => {
  const q = {
    id: 'q',
    question: { en: 'Which?' },
    options: [
      { variable: 'a', key: 'a', label: { en: 'A' } },
      { variable: 'b', key: 'b', label: { en: 'B' } },
    ],
  };

  it("partial: 'notNamed' counts a missing option as not named and keeps the respondent", () => {
    const data = fromColumns({ a: [1, 0, 1, NaN, NaN], b: [0, 1, NaN, NaN, 1] });
    const d = svyDesign(data);
    const excl = svyMultipleResponse(d, q);
    expect([excl.n, excl.nMissing, excl.nPartial]).toEqual([2, 3, 2]);
    const kept = svyMultipleResponse(d, q, { partial: 'notNamed' });
    expect([kept.n, kept.nMissing, kept.nPartial]).toEqual([4, 1, 0]);
    // the same as the mean of the 0-filled columns among those four respondents
    const filled = fromColumns({ a: [1, 0, 1, NaN, 0], b: [0, 1, 0, NaN, 1] });
    const ref = svyMean(svyDesign(filled), 'a');
    expect(kept.options[0]!.estimate).toBeCloseTo(ref[0]!.estimate, 14);
    expect(kept.options[0]!.se).toBeCloseTo(ref[0]!.se, 14);
  });

  it('throws NOT_BINARY for values other than 0/1, UNKNOWN_LEVEL for an unknown option', () => {
    const d = svyDesign(fromColumns({ a: [1, 2, 0], b: [0, 1, 0] }));
    expect(() => svyMultipleResponse(d, q)).toThrow(EstimationError);
    try {
      svyMultipleResponse(d, q);
    } catch (e) {
      expect((e as EstimationError).code).toBe('NOT_BINARY');
      expect((e as EstimationError).details.row).toBe(2);
    }
    const ok = svyMultipleResponse(svyDesign(fromColumns({ a: [1, 1, 0], b: [0, 1, 0] })), q);
    expect(() => compareOptions(ok, 'a', 'zz')).toThrow(/no option "zz"/);
  });

  it('ignores respondents outside the design domain', () => {
    const data = fromColumns({ a: [1, 0, 1, 1], b: [0, 1, 1, 0], g: ['x', 'x', 'y', 'y'] });
    const dom = subset(svyDesign(data), (row) => row.g === 'x');
    const r = svyMultipleResponse(dom, q, { df: Infinity });
    expect(r.n).toBe(2);
    expect(r.options.map((o) => o.estimate)).toEqual([0.5, 0.5]);
  });
});
