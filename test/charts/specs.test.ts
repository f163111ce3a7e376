/**
 * Chart builders: every spec validates against the Vega-Lite JSON schema (Ajv), compiles with
 * vega-lite without warnings, matches its golden file, and says what the data says.
 */
import type { TopLevelSpec } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chartConfig,
  fixed,
  formatNumber,
  OKABE_ITO,
  percent,
  shareTicks,
  wrapLabel,
} from '../../src/charts/common.js';
import { divergingChart } from '../../src/charts/diverging.js';
import { estimateChart } from '../../src/charts/estimates.js';
import { chartLabels, translate, variableTitle } from '../../src/charts/labels.js';
import { rankingChart, tieGroups } from '../../src/charts/ranking.js';
import { compileChart } from '../../src/charts/render.js';
import { subgroupChart } from '../../src/charts/subgroups.js';
import { trendChart } from '../../src/charts/trend.js';
import { weightHistogram, weightingChart } from '../../src/charts/weighting.js';
import { word } from '../../src/charts/words.js';
import { SurveyError } from '../../src/errors.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyMean } from '../../src/estimate/mean.js';
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
  transform?: unknown;
}
const view = (spec: TopLevelSpec) => spec as unknown as View;
/** The chart under its caption (a one-view vconcat whose bottom title is the caption), or the chart. */
const body = (spec: TopLevelSpec): View => {
  const v = view(spec);
  const inner = v.vconcat?.length === 1 ? v.vconcat[0] : undefined;
  return (inner?.title as { orient?: string } | undefined)?.orient === 'bottom' ? inner! : v;
};
/** The caption lines under a chart ([] without a caption). */
const caption = (spec: TopLevelSpec): string[] => {
  const t = view(spec).vconcat?.[0]?.title as { orient?: string; text?: string[] } | undefined;
  return t?.orient === 'bottom' ? (t.text ?? []) : [];
};

let r: PollResults;
let specs: Record<string, TopLevelSpec>;
beforeAll(async () => {
  r = await pollResults();
  specs = chartSpecs(r);
});

describe('every chart spec', () => {
  it('covers each builder', () => {
    expect(Object.keys(specs)).toHaveLength(11);
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
    const thresholds = (v: View) =>
      v.layer?.filter((l) => JSON.stringify(l).includes('datum.threshold != null')).length;
    expect(thresholds(spec)).toBe(1);
    expect(thresholds(view(estimateChart(rows.slice(0, 1))))).toBe(0);
    // the subtitle names the mark by its shape, not a colour it does not have
    expect(JSON.stringify(spec.title)).toContain('Vertical tick: threshold');
    expect(JSON.stringify(spec.title)).not.toMatch(/red/i);
  });

  it('keeps the level order of one categorical variable, and sorts other rows', () => {
    const age = svyMean(r.design, 'agegroup');
    const order = (x: View) => x.encoding?.y?.sort as string[];
    expect(order(view(estimateChart(age)))).toEqual(['18-29', '30-39', '40-49', '50-59', '60+']);
    const byValue = order(view(estimateChart(age, { sort: 'descending' })));
    expect(byValue[0]).toBe('60+');
    // rows of several variables: sorted by default, labelled with their variable
    const two = view(
      estimateChart([...svyMean(r.design, 'sex'), ...svyMean(r.design, 'area')], {
        labels: r.labels,
      }),
    );
    expect(order(two)[0]).toBe('Urban or rural (villages are\nrural): Urban');
  });

  it('formats plain numbers and titles them after the variable', () => {
    const spec = view(
      estimateChart(svyMean(r.design, 'age'), { labels: r.labels, percent: false }),
    );
    expect(spec.title).toMatchObject({ text: 'Age in full years' });
    expect(spec.encoding?.y).toBeDefined();
    const x = spec.layer?.find((l) => l.encoding?.x?.field === 'estimate')?.encoding?.x as {
      axis: { format?: string };
      title: string;
    };
    expect(x.axis.format).toBeUndefined(); // the axis' own format, not "0.00, 1.00, ..."
    expect(x.title).toBe('Age in full years');
    expect(spec.data?.values?.[0]?.estimateText).toMatch(/^\d\d\.\d \(\d\d\.\d … \d\d\.\d\)$/);
    const big = view(
      estimateChart([{ variable: 'x', estimate: 12345.678, ci: [12000, 12700], n: 9 }], {
        percent: false,
      }),
    );
    expect(big.data?.values?.[0]?.estimateText).toBe('12,346');
    expect(big.title).toMatchObject({ text: 'x' });
  });

  it('draws grouped rows (svyBy) side by side in one colour per group', () => {
    const spec = body(specs['estimates-by-sex']!);
    const values = spec.data!.values!;
    expect(new Set(values.map((v) => v.group))).toEqual(new Set(['Male', 'Female']));
    expect(spec.encoding?.yOffset).toMatchObject({ field: 'group' });
    expect(spec.encoding?.color).toMatchObject({ field: 'group', title: 'Sex' });
    // each answer once per group, in the scale's order
    expect(spec.encoding?.y?.sort).toEqual(['Support', 'Indifferent', 'Oppose', 'Hard to say']);
    expect(values).toHaveLength(8);
    expect(JSON.stringify(view(specs['estimates-by-sex']!).title)).toContain('coloured by Sex');
  });

  it('refuses rows it cannot draw, with a typed error', () => {
    const grouped = svyBy(r.design, 'sex', (d) => svyMean(d, 'area'));
    const other = svyBy(r.design, 'agegroup', (d) => svyMean(d, 'area'));
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SurveyError);
        return (e as SurveyError).code;
      }
      return 'none';
    };
    expect(code(() => estimateChart([...grouped, ...other]))).toBe('CHART_MIXED_GROUPS');
    expect(code(() => estimateChart([...grouped, ...svyMean(r.design, 'area')]))).toBe(
      'CHART_MIXED_GROUPS',
    );
    expect(code(() => estimateChart([...grouped, grouped[0]!]))).toBe('CHART_DUPLICATE_ROWS');
    const row = { label: 'A', estimate: 0.5, ci: [0.4, 0.6] as [number, number], n: 10 };
    expect(code(() => estimateChart([row, row]))).toBe('CHART_DUPLICATE_ROWS');
  });

  it('shows intervals narrower than the dot: caps at both ends, bounds printed', () => {
    const spec = view(
      estimateChart([
        { label: 'Wide', estimate: 0.6, ci: [0.5, 0.7], n: 900 },
        { label: 'Small', estimate: 0.007, ci: [0.002, 0.011], n: 900 },
      ]),
    );
    const ticks = spec.layer!.filter((l) => (l.mark as { type: string }).type === 'tick');
    expect(ticks.map((l) => l.encoding?.x?.field)).toEqual(['lo', 'hi']);
    expect(spec.data!.values!.map((v) => v.estimateText)).toEqual(['60.0%', '0.7% (0.2–1.1%)']);
  });

  it('draws shares failing the NCHS standard hollow, with * and a footnote', () => {
    const spec = estimateChart([
      { label: 'Reliable', estimate: 0.5, ci: [0.46, 0.54], se: 0.02, n: 900 },
      { label: 'Small base', estimate: 0.04, ci: [0, 0.12], se: 0.04, n: 60 },
    ]);
    const values = body(spec).data!.values!;
    expect(values.map((v) => [v.hollow, v.estimateText])).toEqual([
      [false, '50.0%'],
      [true, '4.0%*'],
    ]);
    expect(caption(spec)).toEqual([
      '* Hollow marks: below the NCHS standard for proportions (Parker et al. 2017): effective sample size',
      'under 30; not reliable',
    ]);
    // no flag without a standard error, or when asked not to
    expect(caption(estimateChart([{ label: 'x', estimate: 0.04, ci: [0, 0.1], n: 60 }]))).toEqual(
      [],
    );
    expect(
      caption(
        estimateChart([{ label: 'x', estimate: 0.04, ci: [0, 0.1], se: 0.04, n: 60 }], {
          reliability: false,
        }),
      ),
    ).toEqual([]);
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
  it('shows plausible ranks, and brackets only items all pairwise tied (ties are not transitive)', () => {
    const spec = view(specs['ranking-reliable']!);
    const rows = spec.datasets!.rows!;
    const ties = spec.datasets!.ties!;
    const ranking = rankItems(r.reliable);
    expect(rows.map((x) => x.key)).toEqual(ranking.items.map((i) => i.key));
    expect(rows.slice(0, 3).map((x) => x.ranks)).toEqual(['1', '2', '3']);
    ranking.items.forEach((item, i) => {
      expect(rows[i]!.ranks).toBe(
        item.rankRange[0] === item.rankRange[1] ? String(item.rank) : item.rankRange.join('–'),
      );
    });
    expect(rows[0]!.n).toBe(r.reliable.n);
    // every bracket joins items that are all pairwise not significantly different ...
    const at = (label: unknown) => ranking.items.findIndex((i) => i.label === label);
    expect(ties.length).toBeGreaterThan(1);
    for (const t of ties) {
      const [a, b] = [at(t.first), at(t.last)];
      expect(b).toBeGreaterThan(a);
      for (let i = a; i <= b; i++) {
        for (let j = i + 1; j <= b; j++) {
          expect(ranking.items[i]!.tiedWith).toContain(ranking.items[j]!.key);
        }
      }
    }
    // ... so Germany (3.4%) and Latvia (0.7%), which differ, share no bracket
    const germany = at('Germany');
    const latvia = at('Latvia');
    expect(ranking.items[germany]!.tiedWith).not.toContain('latvia');
    expect(ties.some((t) => at(t.first) <= germany && at(t.last) >= latvia)).toBe(false);
    // overlapping brackets are drawn in different lanes
    const overlap = ties.filter((t, i) =>
      ties.some((u, j) => j < i && at(u.last) >= at(t.first) && at(u.first) <= at(t.last)),
    );
    for (const t of overlap) {
      const earlier = ties.filter(
        (u) => u !== t && at(u.last) >= at(t.first) && at(u.first) <= at(t.last),
      );
      for (const u of earlier) expect(u.x).not.toBe(t.x);
    }
  });

  it('finds tie groups in rank order', () => {
    const pairs = ['0-1', '1-2', '2-3', '1-3'];
    const tied = (i: number, j: number) => pairs.includes(`${Math.min(i, j)}-${Math.max(i, j)}`);
    expect(tieGroups(4, tied)).toEqual([
      [0, 1],
      [1, 3],
    ]);
    expect(tieGroups(3, () => false)).toEqual([]);
    expect(tieGroups(3, () => true)).toEqual([[0, 2]]);
  });

  it('ranks a battery by net score with signed points, a 0 tick (not +0) and a zero line', () => {
    const spec = view(specs['ranking-net-ru']!);
    const rows = spec.datasets!.rows!;
    expect(rows[0]!.label).toBe('Россия');
    expect(rows.at(-1)!.estimateText).toMatch(/^−\d+,\d$/);
    const text = JSON.stringify(specs['ranking-net-ru']);
    expect(text).toContain("(datum.value > 0 ? '+' : '') + format(datum.value * 100, 'd')");
    const main = spec.hconcat!.at(-1)!;
    const zero = main.layer!.find((l) => l.encoding?.x?.datum === 0);
    expect(zero?.mark).toMatchObject({ type: 'rule', color: '#333333' });
    expect(zero?.encoding?.y2).toEqual({ value: 'height' });
  });
});

describe('subgroupChart', () => {
  it('draws one panel per grouping variable against the national share', () => {
    const spec = body(specs.subgroups!);
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
    // the base of every subgroup is printed
    expect(rows.map((x) => x.nText)).toEqual(
      r.membershipBySubgroup.rows.map((x) => `n = ${x.n.toLocaleString('en-US')}`),
    );
    // one label column for every panel: headings and plots line up
    const extents = spec.vconcat!.map((p) => {
      const y = p.layer!.find((l) => l.encoding?.y)!.encoding!.y as {
        axis: { minExtent: number; maxExtent: number };
      };
      return [y.axis.minExtent, y.axis.maxExtent];
    });
    expect(new Set(extents.map((e) => e.join()))).toEqual(new Set([extents[0]!.join()]));
    // each subgroup judged on its own degrees of freedom: Grodno's interval is too wide
    const grodno = rows.find((x) => x.subgroup === 'Grodno')!;
    expect(grodno).toMatchObject({ hollow: true, estimateText: expect.stringMatching(/\*$/) });
    expect(caption(specs.subgroups!).join(' ')).toContain('Korn–Graubard interval 30 points wide');
  });

  it('titles the item once and says what the share counts', () => {
    const spec = subgroupChart(r.membershipBySubgroup, {
      title: 'Attitude toward EEU membership',
      counts: ['Support'],
    });
    const title = view(spec).title as { text: string; subtitle: string[] };
    expect(title.text).toBe('Attitude toward EEU membership');
    expect(title.subtitle[0]).toBe('Share answering “Support”, by subgroup');
  });

  it('selects and orders grouping variables, in Russian', () => {
    const spec = body(
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
    const sorted = body(subgroupChart(r.membershipBySubgroup, { sort: 'descending' }));
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

describe('source and note under every chart', () => {
  it('every builder prints them under the chart, in its language', () => {
    const opts = { source: 'Synthetic data', note: ['n = 1,500', 'Raked'] };
    const built = {
      estimate: estimateChart(r.items[1]!.answers, opts),
      diverging: divergingChart(r.attitudes, opts),
      ranking: rankingChart(r.reliable, opts),
      subgroups: subgroupChart(r.membershipBySubgroup, { ...opts, reliability: false }),
      trend: trendChart([{ x: 2020, estimate: 0.5, series: 'S' }], opts),
      weighting: weightingChart(r.weighting, opts),
      weights: weightHistogram([1, 2, 3], opts),
    };
    for (const [name, spec] of Object.entries(built)) {
      expect(caption(spec).slice(0, 3), name).toEqual([
        'Source: Synthetic data',
        'n = 1,500',
        'Raked',
      ]);
      // the main title stays on top, the caption is flush left under the chart
      expect((view(spec).title as { text: unknown }).text, name).toBeDefined();
      expect(view(spec).vconcat?.[0]?.title, name).toMatchObject({
        orient: 'bottom',
        anchor: 'start',
      });
      expect(compileChart(spec).warnings, name).toEqual([]);
    }
    expect(caption(rankingChart(r.reliable, { ...opts, language: 'be' }))[0]).toBe(
      'Крыніца: Synthetic data',
    );
    expect(caption(rankingChart(r.reliable, { ...opts, language: 'ru' }))[0]).toBe(
      'Источник: Synthetic data',
    );
    // no source, no note, nothing flagged: the chart as it was
    expect(caption(specs['diverging-apart']!)).toEqual([]);
    expect(caption(specs['estimates-bar']!)).toEqual([
      'Source: Synthetic data (test fixture)',
      'n = 1,500 respondents',
      'Weighted to population margins',
    ]);
  });
});

describe('languages', () => {
  it("speaks English, Russian and Belarusian, and English for the others' words", () => {
    expect(word('share', 'be')).toBe('Доля рэспандэнтаў');
    expect(word('share', 'ru-BY')).toBe('Доля респондентов');
    expect(word('share', 'de')).toBe('Share of respondents');
    const be = view(rankingChart(r.reliable, { labels: r.labels, language: 'be' }));
    const rows = be.datasets!.rows!;
    expect(rows[0]!.label).toBe('Расія');
    expect(rows[1]!.estimateText).toBe('29,8%');
    expect(JSON.stringify(be.title)).toContain('Кропкі: ацэнка');
  });

  it('writes numbers in the language: a decimal comma where it uses one', () => {
    expect(fixed(2.5, 1, 'be')).toBe('2,5');
    expect(fixed(2.5, 1, 'de')).toBe('2,5');
    expect(fixed(2.5, 1, 'en')).toBe('2.5');
    expect(formatNumber(1234567.5, 1, 'de')).toBe('1.234.567,5');
    expect(percent(0.578, 1, 'be')).toBe('57,8%');
    expect(chartConfig('de').locale?.number?.decimal).toBe(',');
    expect(chartConfig('en').locale).toBeUndefined();
    // a language the runtime does not know writes numbers as English does
    expect(fixed(2.5, 1, 'xx')).toBe('2.5');
  });

  it('takes labels in any language the questionnaire carries, English not required', () => {
    const labels = chartLabels({
      questionnaire: {
        language: 'be',
        multipleResponse: [],
        eeu: [],
        headlines: [],
        subgroups: [{ variable: 'region', label: { be: 'Рэгіён', ru: 'Регион' } }],
        countries: [{ key: 'by', label: { be: 'Беларусь', ru: 'Беларусь' } }],
      },
    });
    expect(translate('Беларусь', 'ru', labels)).toBe('Беларусь');
    expect(variableTitle('region', 'ru', labels)).toBe('Регион');
    expect(variableTitle('region', 'en', labels)).toBe('Рэгіён');
  });
});

describe('reliability flags in every builder', () => {
  it('draws a diverging segment and a trend point that fail the standard hollow', () => {
    const answer = (
      code: number,
      group: 'positive' | 'negative',
      estimate: number,
      se: number,
    ) => ({
      code,
      level: group === 'positive' ? 'Yes' : 'No',
      answerGroup: group,
      estimate,
      se,
      ci: [estimate - 2 * se, estimate + 2 * se] as [number, number],
    });
    const battery = {
      items: [
        {
          key: 'a',
          label: 'A',
          n: 40,
          net: { estimate: 0.9, ci: [0.8, 1] as [number, number] },
          positive: { estimate: 0.95 },
          answers: [answer(1, 'positive', 0.95, 0.035), answer(2, 'negative', 0.05, 0.035)],
        },
      ],
    };
    const spec = divergingChart(battery);
    const segments = body(spec).hconcat![0]!.data!.values!;
    expect(segments.map((x) => [x.answer, x.hollow, x.barText])).toEqual([
      ['No', true, '5*'],
      ['Yes', false, '95†'],
    ]);
    expect(caption(spec).join(' ')).toMatch(
      /^\* Hollow marks: .*interval wider than 130% of the estimate/,
    );
    expect(caption(spec).join(' ')).toMatch(
      /† Flagged by the NCHS standard for proportions: interval wider than 130% of its complement/,
    );
    const trend = trendChart([
      { x: 2020, estimate: 0.05, ci: [0, 0.12], se: 0.035, n: 40, series: 'P' },
      { x: 2021, estimate: 0.5, ci: [0.45, 0.55], se: 0.025, n: 1000, series: 'P' },
    ]);
    const points = body(trend).data!.values!;
    expect(points.map((x) => [x.hollow, x.estimateText])).toEqual([
      [true, '5.0%*'],
      [false, '50.0%'],
    ]);
    expect(compileChart(trend).warnings).toEqual([]);
  });
});

describe('weighting chart and histogram defects', () => {
  it('gives each marker a lane and draws the population line over them', () => {
    const spec = body(specs['weighting-margins']!);
    const layers = spec.vconcat![0]!.layer!;
    expect(JSON.stringify(layers.at(-1)!.transform)).toContain('Population'); // drawn last
    const offset = layers[0]!.encoding!.yOffset as { scale: { range: number[] } };
    const [lo, hi] = offset.scale.range;
    // three lanes at least 8 px apart, markers of about 7 px
    expect((hi! - lo!) / 2).toBeGreaterThanOrEqual(8);
    expect((layers[0]!.mark as { size: number }).size).toBeLessThanOrEqual(40);
  });

  it('leaves room above the tallest bar', () => {
    const spec = body(specs['weights-histogram']!);
    for (const panel of spec.vconcat!) {
      const top = Math.max(...panel.data!.values!.map((b) => b.count as number));
      const y = panel.encoding!.y as { scale: { domainMax: number } };
      expect(y.scale.domainMax).toBeGreaterThan(top * 1.05);
    }
  });
});
