import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { EstimationError } from '../../src/errors.js';
import { jointCovariance } from '../../src/estimate/influence-rows.js';
import { GROUP_STATISTICS, svyBattery, svyItem } from '../../src/poll/battery.js';
import { expectClose } from '../helpers/reference.js';
import { designOf, questionnaireOf, ref } from './fixtures.js';

function closeOrZero(actual: number, expected: number, what: string): void {
  if (Math.abs(expected) < 1e-15) expect(Math.abs(actual), what).toBeLessThan(1e-15);
  else expectClose(actual, expected, 1e-8, what);
}

describe('svyBattery against R svymean(~factor(item)) + svycontrast and svyratio(covmat=TRUE) (poll.json)', () => {
  for (const c of ref.battery) {
    it(c.id, async () => {
      const design = await designOf(c.design);
      const battery = questionnaireOf(c.design).attitudes!;
      const r = svyBattery(design, battery);
      expect(r.df).toBe(c.degf);
      expect(r.items.map((i) => i.variable)).toEqual(c.items.map((i) => i.variable));
      r.items.forEach((item, j) => {
        const e = c.items[j]!;
        expect([item.n, item.nMissing]).toEqual([e.n, e.nMissing]);
        expect(item.answers.map((a) => Number(a.code))).toEqual(e.codes);
        item.answers.forEach((a, l) => {
          closeOrZero(a.estimate, e.shares[l]!, `${item.variable} ${a.code}`);
          closeOrZero(a.se, e.sharesSe[l]!, `${item.variable} ${a.code} se`);
        });
        // the answers' covariance is the categorical mean's
        const V = jointCovariance(item.answers);
        const L = item.answers.length;
        for (let a = 0; a < L; a++)
          for (let b = 0; b < L; b++)
            closeOrZero(V[a * L + b]!, e.sharesVcov[a]![b]!, `${item.variable} vcov ${a},${b}`);
        for (const s of GROUP_STATISTICS) {
          closeOrZero(item[s].estimate, e.stats[s]!.estimate, `${item.variable} ${s}`);
          closeOrZero(item[s].se, e.stats[s]!.se, `${item.variable} ${s} se`);
          const q = item[s].ci[1] - item[s].estimate;
          expect(q / item[s].se).toBeCloseTo(c.design === 'small' ? 2.570581836 : 1.98118, 5);
        }
      });
      // covariance across items (different bases) against svyratio(covmat = TRUE)
      for (const s of GROUP_STATISTICS) {
        const rows = r.items.map((i) => i[s]);
        const V = jointCovariance(rows);
        const k = rows.length;
        rows.forEach((row, a) => {
          closeOrZero(row.estimate, c.cross[s]!.estimate[a]!, `${s} ratio estimate`);
          for (let b = 0; b < k; b++)
            closeOrZero(V[a * k + b]!, c.cross[s]!.vcov[a]![b]!, `${s} cross vcov ${a},${b}`);
        });
      }
    });
  }
});

describe('svyItem and answer codes', () => {
  const answers = [
    { code: 1, label: { en: 'Support' }, group: 'positive' as const },
    { code: 2, label: { en: 'Oppose' }, group: 'negative' as const },
    { code: 98, label: { en: 'Hard to say' }, group: 'dk' as const },
    { code: 99, label: { en: 'Refused' }, group: 'missing' as const },
  ];

  it('matches levels by code, codebook label or answer label; a missing-group answer leaves the base', () => {
    // levels written as codes (no codebook): 99 is a level, but its group is missing
    const byCode = fromColumns({ q: ['1', '1', '2', '98', '99', '1'] });
    const s = svyItem(svyDesign(byCode), { variable: 'q', answers }, { df: Infinity });
    expect([s.n, s.nMissing]).toEqual([5, 1]);
    expect(s.positive.estimate).toBeCloseTo(0.6, 14);
    expect(s.net.estimate).toBeCloseTo(0.4, 14);
    expect(s.answers.map((a) => a.level)).toEqual(['Support', 'Oppose', 'Hard to say']);
    // a numeric column of codes gives the same
    const numeric = fromColumns({ q: [1, 1, 2, 98, 99, 1] });
    const t = svyItem(svyDesign(numeric), { variable: 'q', answers }, { df: Infinity });
    expect(t.net.estimate).toBeCloseTo(0.4, 14);
    expect(t.net.se).toBeCloseTo(s.net.se, 14);
    // levels named by a codebook's labels
    const labelled = fromColumns(
      { q: ['Yes', 'Yes', 'No', 'DK', 'Yes'] },
      {
        codebook: {
          variables: [
            {
              name: 'q',
              type: 'categorical',
              values: [
                { code: 1, label: 'Yes' },
                { code: 2, label: 'No' },
                { code: 98, label: 'DK' },
              ],
            },
          ],
        },
      },
    );
    const u = svyItem(svyDesign(labelled), { variable: 'q', answers });
    expect(u.positive.estimate).toBeCloseTo(0.6, 14);
    expect(u.dk.estimate).toBeCloseTo(0.2, 14);
  });

  it('throws UNKNOWN_LEVEL for a level the questionnaire does not know', () => {
    const data = fromColumns({ q: ['1', '7'] });
    try {
      svyItem(svyDesign(data), { variable: 'q', answers });
      expect.fail('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(EstimationError);
      expect((e as EstimationError).code).toBe('UNKNOWN_LEVEL');
      expect((e as EstimationError).message).toContain('"7"');
    }
  });
});
