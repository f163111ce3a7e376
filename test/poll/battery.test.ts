import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { EstimationError } from '../../src/errors.js';
import { jointCovariance } from '../../src/estimate/influence-rows.js';
import { svyMean } from '../../src/estimate/mean.js';
import { withColumns } from '../../src/poll/answers.js';
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

describe('svyBattery from the shares of the answers (one pass per item)', () => {
  // 4 strata × 3 PSUs, two items with answers in any row order, one with a refusal level.
  const n = 240;
  let seed = 5;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const levels = ['1', '2', '3', '98'];
  const cols = {
    stratum: Array.from({ length: n }, (_, i) => Math.floor(i / 60)),
    psu: Array.from({ length: n }, (_, i) => Math.floor(i / 20)),
    w: Array.from({ length: n }, () => 1 + Math.round(random() * 30) / 10),
    a: Array.from({ length: n }, () =>
      random() < 0.05 ? null : levels[Math.floor(random() * 4)]!,
    ),
    b: Array.from({ length: n }, () => (random() < 0.1 ? '99' : levels[Math.floor(random() * 3)]!)),
  };
  const design = svyDesign(fromColumns(cols), { ids: 'psu', strata: 'stratum', weights: 'w' });
  const scale = [
    { code: 1, label: { en: 'Good' }, group: 'positive' as const },
    { code: 2, label: { en: 'So so' }, group: 'neutral' as const },
    { code: 3, label: { en: 'Bad' }, group: 'negative' as const },
    { code: 98, label: { en: 'Hard to say' }, group: 'dk' as const },
    { code: 99, label: { en: 'Refused' }, group: 'missing' as const },
  ];
  const battery = {
    id: 'x',
    question: { en: 'X?' },
    scale,
    items: [
      { variable: 'a', key: 'a', label: { en: 'A' } },
      { variable: 'b', key: 'b', label: { en: 'B' } },
    ],
  };
  const r = svyBattery(design, battery, { df: Infinity });

  /** The mean of a score column (what svyBattery computed before: svyMean of derived columns). */
  function scoreMean(variable: string, score: (code: string) => number) {
    const codes = cols[variable as 'a' | 'b'];
    const y = Float64Array.from(codes, (c) => (c === null || c === '99' ? Number.NaN : score(c)));
    return svyMean(withColumns(design, { y }), 'y', { df: Infinity })[0]!;
  }

  it('gives the estimates, SEs and bases of the mean scores', () => {
    for (const [k, variable] of ['a', 'b'].entries()) {
      const item = r.items[k]!;
      const net = scoreMean(variable, (c) => (c === '1' ? 1 : c === '3' ? -1 : 0));
      expect(item.net.estimate).toBeCloseTo(net.estimate, 14);
      expect(item.net.se).toBeCloseTo(net.se, 14);
      expect([item.n, item.nMissing]).toEqual([net.n, net.nMissing]);
      const dk = scoreMean(variable, (c) => (c === '98' ? 1 : 0));
      expect(item.dk.estimate).toBeCloseTo(dk.estimate, 14);
      expect(item.dk.se).toBeCloseTo(dk.se, 14);
      expect(item.answers.map((x) => x.code)).toEqual([1, 2, 3, 98]);
    }
  });

  it('rows of different items combine in jointCovariance as the mean scores do', () => {
    const rows = [r.items[0]!.net, r.items[1]!.net, r.items[0]!.answers[1]!];
    const means = [
      scoreMean('a', (c) => (c === '1' ? 1 : c === '3' ? -1 : 0)),
      scoreMean('b', (c) => (c === '1' ? 1 : c === '3' ? -1 : 0)),
      scoreMean('a', (c) => (c === '2' ? 1 : 0)),
    ];
    const V = jointCovariance(rows);
    const W = jointCovariance(means);
    V.forEach((v, e) => {
      expect(Math.abs(v - W[e]!)).toBeLessThan(1e-14);
    });
  });
});
