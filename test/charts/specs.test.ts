/**
 * Chart builders: every spec validates against the Vega-Lite JSON schema (Ajv), compiles with
 * vega-lite without warnings, matches its golden file, and says what the data says.
 */
import type { TopLevelSpec } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartConfig, OKABE_ITO, percent, shareTicks, wrapLabel } from '../../src/charts/common.js';
import { divergingChart } from '../../src/charts/diverging.js';
import { estimateChart } from '../../src/charts/estimates.js';
import { chartLabels, translate, variableTitle, word } from '../../src/charts/labels.js';
import { compileChart } from '../../src/charts/render.js';
import { subgroupChart } from '../../src/charts/subgroups.js';
import { trendChart } from '../../src/charts/trend.js';
import { weightHistogram } from '../../src/charts/weighting.js';
import { rankItems } from '../../src/poll/rank.js';
import {
  chartSpecs,
  EDB,
  golden,
  type PollResults,
  pollResults,
  roundJson,
  vegaLiteValidator,
} from './fixtures.js';

type Row = Record<string, unknown>;
interface View {
  data?: { values?: Row[] };
  layer?: View[];
  hconcat?: View[];
  vconcat?: View[];
  title?: unknown;
  width?: number;
  encoding?: Record<string, Record<string, unknown>>;
  mark?: unknown;
  datasets?: Record<string, Row[]>;
}
const view = (spec: TopLevelSpec) => spec as unknown as View;

let r: PollResults;
let specs: Record<string, TopLevelSpec>;
beforeAll(async () => {
  r = await pollResults();
  specs = chartSpecs(r);
});

describe('every chart spec', () => {
  it('covers each builder', () => {
    expect(Object.keys(specs)).toHaveLength(10);
  });

  it('validates against the Vega-Lite JSON schema (Ajv)', () => {
    const validate = vegaLiteValidator();
    for (const [name, spec] of Object.entries(specs)) {
      const ok = validate(spec);
      expect(ok ? [] : validate.errors?.slice(0, 5), name).toEqual([]);
    }
    // the validator does reject a broken spec
    expect(validate({ mark: 'nonsense', data: { values: [] } })).toBe(false);
  });

  it("compiles with vega-lite's compile, with no warnings", () => {
    for (const [name, spec] of Object.entries(specs)) {
      const { spec: vg, warnings } = compileChart(spec);
      expect(warnings, name).toEqual([]);
      expect(vg.marks?.length ?? 0, name).toBeGreaterThan(0);
    }
  });

  it('matches its golden file (numbers to 6 significant digits)', () => {
    for (const [name, spec] of Object.entries(specs)) {
      const text = `${JSON.stringify(roundJson(spec), null, 1)}\n`;
      const { expected, actual } = golden(`${name}.vl.json.golden`, text);
      expect(actual, name).toBe(expected);
    }
  });

  it('uses the bundled font, a white background and percent axes', () => {
    for (const [name, spec] of Object.entries(specs)) {
      const config = (spec as { config?: { font?: string; background?: string } }).config;
      expect(config?.font, name).toMatch(/^DejaVu Sans,/);
      expect(config?.background).toBe('#ffffff');
      const text = JSON.stringify(spec);
      if (name !== 'weights-histogram') expect(text, name).toMatch(/"format":"\.0%"|labelExpr/);
    }
  });

  it('puts the base n in the tooltip of every estimate', () => {
    for (const [name, spec] of Object.entries(specs)) {
      if (name.startsWith('weight')) continue;
      expect(JSON.stringify(spec), name).toMatch(/"field":"n","title":"(Base \(n\)|База \(n\))"/);
    }
  });
});

describe('estimateChart', () => {
  it('sorts, prints the value and marks thresholds', () => {
    const rows = [
      { label: 'B', estimate: 0.2, ci: [0.1, 0.3] as [number, number], n: 100 },
      { label: 'A', estimate: 0.6, ci: [0.5, 0.7] as [number, number], n: 90, threshold: 0.5 },
    ];
    const spec = view(estimateChart(rows));
    expect(spec.encoding?.y?.sort).toEqual(['A', 'B']);
    expect(view(estimateChart(rows, { sort: 'ascending' })).encoding?.y?.sort).toEqual(['B', 'A']);
    expect(view(estimateChart(rows, { sort: 'none' })).encoding?.y?.sort).toEqual(['B', 'A']);
    expect(spec.data?.values?.map((v) => v.estimateText)).toEqual(['20.0%', '60.0%']);
    expect(spec.layer?.some((l) => (l.mark as { type: string }).type === 'tick')).toBe(true);
    expect(
      view(estimateChart(rows.slice(0, 1))).layer?.some(
        (l) => (l.mark as { type: string }).type === 'tick',
      ),
    ).toBe(false);
  });

  it('takes title, width, colours and language', () => {
    const rows = [
      { label: 'Support', estimate: 0.578, ci: [0.544, 0.612] as [number, number], n: 1482 },
    ];
    const spec = view(
      estimateChart(rows, {
        title: 'T',
        width: 300,
        colors: ['#112233'],
        language: 'ru',
        labels: chartLabels({ questionnaire: r.questionnaire }),
      }),
    );
    expect(spec.title).toMatchObject({ text: 'T' });
    expect(spec.width).toBe(300);
    expect(JSON.stringify(spec)).toContain('#112233');
    expect(spec.data?.values?.[0]).toMatchObject({
      labelText: 'Поддерживаю',
      estimateText: '57,8%',
      ciText: '54,4–61,2%',
    });
  });

  it('wraps long labels into lines', () => {
    const spec = view(
      estimateChart([{ label: 'a '.repeat(30), estimate: 0.5, ci: [0.4, 0.6], n: 1 }], {
        labelWidth: 20,
      }),
    );
    expect(String(spec.data?.values?.[0]?.label).split('\n').length).toBe(3);
  });
});

describe('divergingChart', () => {
  it('puts negative answers left of zero and positive right, ordered by net score', () => {
    const spec = view(specs['diverging-apart']!);
    const [main, neutral, dk, net] = spec.hconcat!;
    const rows = main!.data!.values!;
    for (const s of rows) {
      if (s.group === 'negative') expect(s.x2 as number).toBeLessThanOrEqual(1e-12);
      if (s.group === 'positive') expect(s.x as number).toBeGreaterThanOrEqual(-1e-12);
    }
    // the bar's right end is the positive share, its left end minus the negative share
    const russia = r.attitudes.items.find((i) => i.key === 'russia')!;
    const ru = rows.filter((s) => s.itemKey === 'russia');
    expect(Math.max(...ru.map((s) => s.x2 as number))).toBeCloseTo(russia.positive.estimate, 12);
    expect(Math.min(...ru.map((s) => s.x as number))).toBeCloseTo(-russia.negative.estimate, 12);
    // neutral and "hard to say" apart, each in its own panel
    expect(new Set(neutral!.data!.values!.map((s) => s.group))).toEqual(new Set(['neutral']));
    expect(new Set(dk!.data!.values!.map((s) => s.group))).toEqual(new Set(['dk']));
    // rows by net score, highest first, and net printed
    const order = [...r.attitudes.items]
      .sort((a, b) => b.net.estimate - a.net.estimate)
      .map((i) => i.label);
    expect(main!.encoding?.y?.sort).toEqual(order);
    expect(net!.data!.values!.find((v) => v.item === 'USA')?.net).toMatch(/^−\d+$/);
    // every answer's share, once
    const total = [...rows, ...neutral!.data!.values!, ...dk!.data!.values!]
      .filter((s) => s.itemKey === 'kazakhstan')
      .reduce((sum, s) => sum + (s.share as number), 0);
    expect(total).toBeCloseTo(1, 12);
  });

  it('centres neutral answers on request, with Russian labels', () => {
    const spec = view(specs['diverging-centre-ru']!);
    expect(spec.hconcat).toHaveLength(3); // bars, hard to say, net
    const rows = spec.hconcat![0]!.data!.values!;
    const neutral = rows.filter((s) => s.group === 'neutral' && s.itemKey === 'china');
    expect((neutral[0]!.x as number) + (neutral[0]!.x2 as number)).toBeCloseTo(0, 12);
    expect(rows.map((s) => s.item)).toContain('Казахстан');
    expect(rows.map((s) => s.answer)).toContain('Скорее положительно');
    expect(JSON.stringify(spec)).toContain('Затрудняюсь ответить');
  });

  it('sorts by positive share or keeps the order; takes colours', () => {
    const byPositive = view(divergingChart(r.attitudes, { sort: 'positive' })).hconcat![0]!
      .encoding!.y!.sort as string[];
    expect(byPositive[0]).toBe('Russia');
    const none = view(divergingChart(r.attitudes, { sort: 'none' })).hconcat![0]!.encoding!.y!.sort;
    expect(none).toEqual(r.attitudes.items.map((i) => i.label));
    const colours = ['#000001', '#000002', '#000003', '#000004', '#000005', '#000006'];
    const text = JSON.stringify(divergingChart(r.attitudes, { colors: colours }));
    for (const c of colours) expect(text).toContain(c);
  });
});

describe('rankingChart', () => {
  it('shows plausible ranks and shades runs of tied neighbours', () => {
    const spec = view(specs['ranking-reliable']!);
    const rows = spec.datasets!.rows!;
    const ranking = rankItems(r.reliable);
    expect(rows.map((x) => x.key)).toEqual(ranking.items.map((i) => i.key));
    expect(rows.slice(0, 3).map((x) => x.ranks)).toEqual(['1', '2', '3']);
    ranking.items.forEach((item, i) => {
      const tiedNext = item.next !== null && !item.next.differs;
      if (tiedNext) expect(rows[i]!.run).toBe(rows[i + 1]!.run);
      if (tiedNext) expect(rows[i]!.run).toBeGreaterThanOrEqual(0);
      expect(rows[i]!.ranks).toBe(
        item.rankRange[0] === item.rankRange[1] ? String(item.rank) : item.rankRange.join('–'),
      );
    });
    expect(rows[0]!.n).toBe(r.reliable.n);
  });

  it('ranks a battery by net score with signed points', () => {
    const rows = view(specs['ranking-net-ru']!).datasets!.rows!;
    expect(rows[0]!.label).toBe('Россия');
    expect(rows.at(-1)!.estimateText).toMatch(/^−\d+,\d$/);
    expect(JSON.stringify(specs['ranking-net-ru'])).toContain("format(datum.value * 100, '+d')");
  });
});

describe('subgroupChart', () => {
  it('draws one panel per grouping variable against the national share', () => {
    const spec = view(specs.subgroups!);
    expect(spec.vconcat!.map((p) => (p.title as { text: string }).text)).toEqual([
      'Age group',
      'Region',
      'Settlement type',
    ]);
    const national = r.membershipBySubgroup.national;
    const rule = spec.vconcat![0]!.layer!.find(
      (l) => (l.mark as { type: string }).type === 'rule' && l.encoding?.x?.datum !== undefined,
    );
    expect(rule?.encoding?.x?.datum).toBe(national.estimate);
    const rows = spec.vconcat!.flatMap((p) => p.data!.values!);
    expect(rows.map((x) => x.differs)).toEqual(
      r.membershipBySubgroup.rows.map((x) => x.vsNational.differs),
    );
    expect(rows.some((x) => x.differs)).toBe(true);
  });

  it('selects and orders grouping variables, in Russian', () => {
    const spec = view(
      subgroupChart(r.membershipBySubgroup, {
        by: ['settlement', 'agegroup'],
        language: 'ru',
        labels: r.labels,
      }),
    );
    expect(spec.vconcat!.map((p) => (p.title as { text: string }).text)).toEqual([
      'Тип населённого пункта',
      'Возрастная группа',
    ]);
    expect(spec.vconcat![1]!.data!.values!.map((x) => x.subgroup)).toContain('60 лет и старше');
    const sorted = view(subgroupChart(r.membershipBySubgroup, { sort: 'descending' }));
    const shares = sorted.vconcat![0]!.data!.values!.map((x) => x.estimate as number);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
  });
});

describe('trendChart', () => {
  it('marks published figures without intervals and draws a band only for 2+ intervals', () => {
    const spec = view(specs.trend!);
    const values = spec.data!.values!;
    expect(values.filter((v) => v.published)).toHaveLength(EDB.length);
    expect(values.filter((v) => v.band)).toHaveLength(0);
    expect(values.at(-1)).toMatchObject({ published: false, x: 2021 });
    const two = view(
      trendChart([
        { x: 2020, estimate: 0.5, ci: [0.45, 0.55], series: 'P' },
        { x: 2021, estimate: 0.55, ci: [0.5, 0.6], series: 'P' },
      ]),
    );
    expect(two.data!.values!.every((v) => v.band)).toBe(true);
  });
});

describe('weighting charts', () => {
  it('plots sample, design-weighted and raked shares against the population', () => {
    const spec = view(specs['weighting-margins']!);
    const sex = spec.vconcat![1]!.data!.values!;
    const female = sex.filter((x) => x.level === 'Female');
    expect(female.map((x) => x.series)).toEqual([
      'Sample (unweighted)',
      'Design weights',
      'Raked weights',
      'Population',
    ]);
    expect(female[2]!.share as number).toBeCloseTo(female[3]!.share as number, 6);
    expect(female[0]!.share as number).toBeGreaterThan(female[3]!.share as number); // women over-represented
  });

  it('bins the weights and counts every respondent', () => {
    const spec = view(specs['weights-histogram']!);
    for (const panel of spec.vconcat!) {
      const counts = panel.data!.values!.map((b) => b.count as number);
      expect(counts.reduce((s, c) => s + c, 0)).toBe(1500);
    }
    expect((spec.vconcat![1]!.title as { text: string }).text).toMatch(
      /Kish deff 1\.027, effective n 1461/,
    );
    const plain = view(weightHistogram([1, 2, 2, 3]));
    expect(plain.vconcat).toHaveLength(1);
  });
});

describe('labels and helpers', () => {
  it('gathers translations from the questionnaire and the codebook', () => {
    expect(translate('Kazakhstan', 'ru', r.labels)).toBe('Казахстан');
    expect(translate('Brest', 'ru', r.labels, 'region')).toBe('Брестская область');
    expect(translate('Unknown text', 'ru', r.labels)).toBe('Unknown text');
    expect(translate('Kazakhstan', 'en', r.labels)).toBe('Kazakhstan');
    expect(variableTitle('agegroup', 'ru', r.labels)).toBe('Возрастная группа');
    expect(variableTitle('nothing', 'ru', r.labels)).toBe('nothing');
    expect(word('share', 'ru')).toBe('Доля респондентов');
  });

  it('formats percents per language and picks tick values', () => {
    expect(percent(0.5784)).toBe('57.8%');
    expect(percent(0.5784, 1, 'ru')).toBe('57,8%');
    expect(percent(-0.169, 1)).toBe('−16.9%');
    expect(shareTicks([-0.3, 0.7])).toEqual([-0.2, 0, 0.2, 0.4, 0.6]);
    expect(shareTicks([0, 0.5])).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(wrapLabel('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(chartConfig('ru').locale?.number?.decimal).toBe(',');
    expect(OKABE_ITO).toHaveLength(8);
  });
});
