import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { EstimationError } from '../../src/errors.js';
import { evaluateHeadlines } from '../../src/poll/headline.js';
import { parseQuestionnaire } from '../../src/poll/questionnaire.js';
import { readMargins, weightToPopulation } from '../../src/poll/weighting.js';
import { expectClose } from '../helpers/reference.js';
import {
  pollDesign,
  pollQuestionnaire,
  ref,
  root,
  smallDesign,
  smallQuestionnaire,
} from './fixtures.js';

describe('the headline table on the bundled poll', () => {
  it('every published statement holds with the design weights, with R estimates', async () => {
    const design = await pollDesign();
    const table = evaluateHeadlines(design, pollQuestionnaire);
    expect(table.map((h) => [h.id, h.holds])).toEqual([
      ['kz_positive_or_neutral', 'yes'],
      ['kz_eeu_cooperation', 'yes'],
      ['kz_second_reliable', 'yes'],
      ['kz_second_interests', 'yes'],
    ]);
    const [kz, coop, reliable, interests] = table;
    // > 90% positive or neutral toward Kazakhstan: R's svycontrast of the level shares
    const att = ref.battery.find((b) => b.id === 'poll-attitudes')!;
    const kzStat = att.items.find((i) => i.variable === 'att_kazakhstan')!.stats.positiveOrNeutral!;
    expectClose(kz!.estimate, kzStat.estimate, 1e-8, 'kz estimate');
    expectClose(kz!.se, kzStat.se, 1e-8, 'kz se');
    expect(kz!.ci[0]).toBeGreaterThan(0.9);
    expect([kz!.threshold, kz!.comparison]).toEqual([0.9, '>']);
    // > 60% support cooperation with Kazakhstan in the EEU: R's national share
    const nat = ref.subgroups.find((s) => s.id === 'poll-kzcoop-by-agegroup')!.national;
    expectClose(coop!.estimate, nat.estimate, 1e-8, 'coop estimate');
    expectClose(coop!.se, nat.se, 1e-8, 'coop se');
    expect(coop!.ci[0]).toBeGreaterThan(0.6);
    // Kazakhstan second after Russia in both multiple-response questions
    for (const [h, id] of [
      [reliable!, 'poll-reliable'],
      [interests!, 'poll-interests'],
    ] as const) {
      const c = ref.multipleResponse.find((m) => m.id === id)!;
      const j = c.variables.findIndex((v) => v.endsWith('_kazakhstan'));
      expectClose(h.estimate, c.estimate[j]!, 1e-8, `${id} share`);
      expectClose(h.se, c.se[j]!, 1e-8, `${id} se`);
      expect([h.claimedRank, h.rank, h.rankRange]).toEqual([2, 2, [2, 2]]);
      expect(h.reason).toContain('significantly above it: russia');
      expect(h.n + h.nMissing).toBe(1500);
    }
  });

  it('every published statement holds after raking to the population margins', async () => {
    const design = weightToPopulation(
      await pollDesign(),
      await readMargins(`${root}/data/margins.json`),
    );
    const table = evaluateHeadlines(design, pollQuestionnaire);
    expect(table.map((h) => h.holds)).toEqual(['yes', 'yes', 'yes', 'yes']);
  });
});

describe('the headline table on the small design against R (poll.json)', () => {
  it("share statements give R's estimates and design-df intervals", () => {
    const q = parseQuestionnaire({
      ...smallQuestionnaire,
      headlines: [
        {
          id: 'x',
          statement: 'More than half are positive or neutral toward x',
          source: 'test',
          check: {
            type: 'share',
            variable: 'att_x',
            groups: ['positive', 'neutral'],
            comparison: '>',
            threshold: 0.5,
          },
        },
        {
          id: 'coop',
          statement: 'Less than 90% support cooperation',
          source: 'test',
          check: { type: 'share', variable: 'coop', codes: [1], comparison: '<', threshold: 0.9 },
        },
        {
          id: 'a',
          statement: 'a is named most often',
          source: 'test',
          check: { type: 'rank', question: 'mr', option: 'a', rank: 1, above: [] },
        },
      ],
    });
    const [x, coop, a] = evaluateHeadlines(smallDesign(), q);
    const stat = ref.battery[0]!.items[0]!.stats.positiveOrNeutral!;
    expectClose(x!.estimate, stat.estimate, 1e-8, 'att_x estimate');
    expectClose(x!.se, stat.se, 1e-8, 'att_x se');
    const q975 = 2.5705818366147395; // qt(0.975, 5)
    expectClose(x!.ci[0], stat.estimate - q975 * stat.se, 1e-8, 'att_x ci');
    expect(x!.holds).toBe(x!.ci[0] > 0.5 ? 'yes' : 'uncertain');
    const nat = ref.subgroups[0]!.national;
    expectClose(coop!.estimate, nat.estimate, 1e-8, 'coop estimate');
    expectClose(coop!.se, nat.se, 1e-8, 'coop se');
    expect(coop!.holds).toBe('uncertain');
    const mr = ref.multipleResponse[0]!;
    expectClose(a!.estimate, mr.estimate[0]!, 1e-8, 'mr_a');
    expect(a!.rank).toBe(1);
    expect(a!.holds).toBe('uncertain'); // 27 respondents cannot tell a from b
  });
});

describe('evaluateHeadlines: the rules', () => {
  const base = {
    multipleResponse: [
      {
        id: 'q',
        question: { en: 'Which?' },
        options: ['a', 'b', 'c'].map((k) => ({ variable: k, key: k, label: { en: k } })),
      },
    ],
    eeu: [
      {
        id: 'y',
        variable: 'y',
        question: { en: 'Y?' },
        answers: [
          { code: 1, label: { en: 'Yes' }, group: 'positive' },
          { code: 2, label: { en: 'No' }, group: 'negative' },
        ],
      },
    ],
  };
  // a named by 90%, b by 50%, c by 45%: a clearly first, b and c tied
  const n = 400;
  const data = fromColumns({
    a: Array.from({ length: n }, (_, i) => (i % 10 < 9 ? 1 : 0)),
    b: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)),
    c: Array.from({ length: n }, (_, i) => (i % 20 < 9 ? 1 : 0)),
    y: Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 'No' : 'Yes')),
  });
  const design = svyDesign(data);
  const rank = (option: string, r: number, above: string[]) => ({
    id: `${option}${r}`,
    statement: `${option} is number ${r}`,
    source: 'test',
    check: { type: 'rank', question: 'q', option, rank: r, above },
  });
  const share = (comparison: '>' | '<', threshold: number) => ({
    id: `${comparison}${threshold}`,
    statement: `share ${comparison} ${threshold}`,
    source: 'test',
    check: { type: 'share', variable: 'y', codes: [1], comparison, threshold },
  });

  it('share: yes / no / uncertain from where the interval lies', () => {
    const q = parseQuestionnaire({
      ...base,
      headlines: [
        share('>', 0.7),
        share('>', 0.8),
        share('<', 0.8),
        share('>', 0.75),
        share('<', 0.7),
      ],
    });
    const t = evaluateHeadlines(design, q, { df: Infinity });
    expect(t.map((h) => h.holds)).toEqual(['yes', 'no', 'yes', 'uncertain', 'no']);
    expect(t[0]!.estimate).toBeCloseTo(0.75, 14);
  });

  it('rank: yes when confirmed by the tests, no when contradicted, uncertain with ties', () => {
    const q = parseQuestionnaire({
      ...base,
      headlines: [
        rank('a', 1, []),
        rank('b', 2, ['a']),
        rank('c', 2, ['a']),
        rank('b', 1, []),
        rank('c', 3, ['a', 'b']),
      ],
    });
    const t = evaluateHeadlines(design, q, { df: Infinity });
    expect(t.map((h) => h.holds)).toEqual(['yes', 'uncertain', 'uncertain', 'no', 'uncertain']);
    expect(t[1]!.rankRange).toEqual([2, 3]);
  });

  it('names unknown variables, questions and options', () => {
    const bad = (check: object) =>
      parseQuestionnaire({ ...base, headlines: [{ id: 'x', statement: 's', source: 't', check }] });
    const run = (check: object) => () => evaluateHeadlines(design, bad(check));
    expect(
      run({ type: 'share', variable: 'zz', codes: [1], comparison: '>', threshold: 0.5 }),
    ).toThrow(EstimationError);
    expect(run({ type: 'rank', question: 'zz', option: 'a', rank: 1, above: [] })).toThrow(/zz/);
    expect(run({ type: 'rank', question: 'q', option: 'zz', rank: 1, above: [] })).toThrow(/zz/);
  });
});
