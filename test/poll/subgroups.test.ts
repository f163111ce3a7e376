import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { degreesOfFreedom } from '../../src/design/df.js';
import { asRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { EstimationError } from '../../src/errors.js';
import { jointCovariance } from '../../src/estimate/influence-rows.js';
import { svyMean } from '../../src/estimate/mean.js';
import { withColumns } from '../../src/poll/answers.js';
import { answerScale } from '../../src/poll/questionnaire.js';
import { svySubgroups } from '../../src/poll/subgroups.js';
import { postStratify } from '../../src/weighting/poststratify.js';
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

describe('svySubgroups: the same as each subgroup as a domain', () => {
  // 3 strata × 4 PSUs; answers in any row order, some missing; the grouping value missing for some.
  const n = 360;
  let seed = 3;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const data = fromColumns({
    stratum: Array.from({ length: n }, (_, i) => Math.floor(i / 120)),
    psu: Array.from({ length: n }, (_, i) => Math.floor(i / 30)),
    w: Array.from({ length: n }, () => 1 + Math.round(random() * 30) / 10),
    q: Array.from({ length: n }, () => (random() < 0.08 ? null : random() < 0.45 ? 'Yes' : 'No')),
    g: Array.from({ length: n }, () =>
      random() < 0.03 ? null : ['a', 'b', 'c'][Math.floor(random() * 3)]!,
    ),
    sex: Array.from({ length: n }, () => (random() < 0.5 ? 'f' : 'm')),
    ssu: Array.from({ length: n }, (_, i) => Math.floor(i / 10)),
    fpc1: Array.from({ length: n }, (_, i) => 9 + Math.floor(i / 120)),
    fpc2: Array.from({ length: n }, () => 7),
  });
  const answers = [
    { code: 1, label: { en: 'Yes' }, group: 'positive' as const },
    { code: 2, label: { en: 'No' }, group: 'negative' as const },
  ];
  const base = svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'w' });
  const designs: Array<[string, SurveyDesign]> = [
    ['a stratified cluster design', base],
    ['a domain of it', subset(base, (r) => r.sex === 'f')],
    [
      'two stages with fpc (the later stage sums the rows again)',
      svyDesign(data, {
        ids: ['psu', 'ssu'],
        strata: 'stratum',
        weights: 'w',
        fpc: ['fpc1', 'fpc2'],
      }),
    ],
    ['its jackknife replicates', asRepDesign(base)],
    [
      'post-stratified by sex',
      postStratify(base, {
        variables: ['sex'],
        population: [
          { sex: 'f', count: 520 },
          { sex: 'm', count: 480 },
        ],
      }),
    ],
  ];
  for (const [name, design] of designs) {
    it(name, () => {
      const r = svySubgroups(design, { variable: 'q', answers }, ['g', 'sex'], { df: 30 });
      // each subgroup as a domain: svyMean of the 0/1 share, its covariance with the national
      const q = data.columns.q!;
      const yes = q.kind === 'categorical' ? q.levels.indexOf('Yes') : -1;
      const codes = q.kind === 'categorical' ? q.codes : new Int32Array(0);
      const y = Float64Array.from(codes, (c) => (c < 0 ? Number.NaN : c === yes ? 1 : 0));
      const d = withColumns(design, { y });
      const [national] = svyMean(d, 'y', { df: 30 });
      expect(r.national.estimate).toBe(national!.estimate);
      const expected = ['g', 'sex'].flatMap((v) => {
        const col = data.columns[v]!;
        if (col.kind !== 'categorical') return [];
        // subgroups with a respondent with an answer in the domain
        const dom = design.domain;
        const levels = col.levels.filter((_, code) =>
          col.codes.some((c, i) => c === code && !Number.isNaN(y[i]!) && (!dom || dom[i])),
        );
        return levels.map((level) => {
          const code = col.levels.indexOf(level);
          const mask = Array.from(col.codes, (c) => c === code);
          const [sub] = svyMean(subset(d, mask), 'y', { df: 30 });
          const V = jointCovariance([sub!, national!]);
          const se = Math.sqrt(V[0]! + V[3]! - 2 * V[1]!);
          return { level, sub: sub!, se, df: degreesOfFreedom(subset(d, mask)) };
        });
      });
      expect(r.rows.map((x) => x.subgroup)).toEqual(expected.map((e) => e.level));
      r.rows.forEach((row, k) => {
        const e = expected[k]!;
        expect(row.estimate).toBe(e.sub.estimate);
        expect(row.se).toBeCloseTo(e.sub.se, 15);
        expect([row.n, row.nMissing]).toEqual([e.sub.n, e.sub.nMissing]);
        expect(row.vsNational.se).toBeCloseTo(e.se, 15);
        expect(row.domainDf).toBe(e.df);
      });
      // a subgroup of a cluster design misses some PSUs: its df is its own
      expect(r.rows.some((row) => row.domainDf !== r.df)).toBe(true);
    });
  }

  it('a subgroup whose respondents with an answer all have weight 0 is an error, not dropped', () => {
    const d = svyDesign(
      fromColumns({ q: ['Yes', 'No', 'Yes', 'No'], g: ['a', 'a', 'b', 'b'], w: [1, 2, 0, 0] }),
      { weights: 'w', allowZeroWeights: true },
    );
    expect(() => svySubgroups(d, { variable: 'q', answers }, 'g', { df: Infinity })).toThrow(
      /weight 0/,
    );
  });
});
