/**
 * A ranking with its uncertainty: the items of a multiple-response question (or a battery) in
 * rank order with their intervals, the ranks each could plausibly hold, and the runs of
 * neighbours that are statistically tied shaded together.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { BatteryResult, GroupStatistic } from '../poll/battery.js';
import type { MultipleResponseResult } from '../poll/multiple-response.js';
import { type Ranking, rankItems } from '../poll/rank.js';
import {
  type ChartOptions,
  chartConfig,
  fixed,
  OKABE_ITO,
  percent,
  percentInterval,
  resolveLanguage,
  shareTicks,
  titleOf,
} from './common.js';
import { word } from './labels.js';

/** Options of {@link rankingChart}. */
export interface RankingChartOptions extends ChartOptions {
  /** The ranking to draw (default `rankItems(result, { by })`). */
  ranking?: Ranking;
  /** For a battery: the statistic ranked (default `'net'`). */
  by?: GroupStatistic;
}

/** Rounds up to the next 10% (at least 10%). */
const ceil10 = (x: number) => Math.max(0.1, Math.ceil(x * 10 - 1e-9) / 10);

/**
 * A ranking chart: items in rank order ({@link rankItems}), each a dot with its confidence
 * interval and the value printed; left of the labels, the ranks the item could plausibly hold
 * ("4–6": 1 + items significantly above it to k − items significantly below it). Runs of
 * neighbours whose difference is not significant (each item tied with the next, from the
 * ranking's pairwise design-based tests) are shaded together, alternating two tints so adjacent
 * runs stay apart; the tooltip lists every item an item is tied with, and its base.
 *
 * Colours (`colors`): the estimate, then the two tints of tied runs.
 *
 * @example
 * ```ts
 * const data = fromColumns({ a: [1, 1, 1, 1, 0, 1, 1, 1], b: [1, 0, 1, 0, 0, 1, 0, 1], c: [0, 0, 1, 0, 0, 1, 0, 1] });
 * const q = { id: 'q', question: { en: 'Which?' }, options: ['a', 'b', 'c'].map((k) => ({ variable: k, key: k, label: { en: k.toUpperCase() } })) };
 * const spec = rankingChart(svyMultipleResponse(svyDesign(data), q, { df: Infinity }));
 * const rows = (spec as { datasets: { rows: Array<{ label: string; ranks: string; run: number }> } }).datasets.rows;
 * console.log(rows.map((r) => `${r.ranks} ${r.label} run ${r.run}`)); // => [ '1 A run -1', '2–3 B run 0', '2–3 C run 0' ]
 * ```
 */
export function rankingChart(
  result: MultipleResponseResult | BatteryResult,
  opts: RankingChartOptions = {},
): TopLevelSpec {
  const { language, tr } = resolveLanguage(opts);
  const ranking = opts.ranking ?? rankItems(result, opts.by ? { by: opts.by } : {});
  const isShare = ranking.by !== 'net';
  const levelText = `${Math.round(ranking.level * 100)}%`;
  const bases = new Map<string, number>(
    'items' in result
      ? result.items.map((i) => [i.key, i.n])
      : result.options.map((o) => [o.key, o.n]),
  );
  const labelOf = new Map(ranking.items.map((i) => [i.key, tr(i.label)]));
  // runs of neighbours tied with the next one
  const runOf: number[] = [];
  let run = -1;
  let runs = 0;
  ranking.items.forEach((item, i) => {
    const prev = ranking.items[i - 1];
    const tiedPrev = prev?.next !== null && prev?.next?.differs === false;
    const tiedNext = item.next !== null && item.next.differs === false;
    if (tiedPrev) runOf.push(run);
    else if (tiedNext) runOf.push((run = runs++));
    else runOf.push(-1);
  });
  const rows = ranking.items.map((item, i) => ({
    key: item.key,
    label: labelOf.get(item.key)!,
    estimate: item.estimate,
    lo: item.ci[0],
    hi: item.ci[1],
    rank: item.rank,
    ranks:
      item.rankRange[0] === item.rankRange[1]
        ? String(item.rankRange[0])
        : `${item.rankRange[0]}–${item.rankRange[1]}`,
    run: runOf[i]!,
    tint: runOf[i]! < 0 ? 'none' : runOf[i]! % 2 === 0 ? 'a' : 'b',
    tiedWith: item.tiedWith.length
      ? item.tiedWith.map((k) => labelOf.get(k) ?? k).join(', ')
      : word('none', language),
    estimateText: isShare
      ? percent(item.estimate, 1, language)
      : `${item.estimate > 0 ? '+' : ''}${fixed(100 * item.estimate, 1, language)}`,
    ciText: isShare
      ? percentInterval(item.ci, 1, language)
      : `${fixed(100 * item.ci[0], 1, language)} … ${fixed(100 * item.ci[1], 1, language)}`,
    n: bases.get(item.key) ?? null,
  }));
  const order = rows.map((r) => r.label);
  const min = Math.min(0, ...rows.map((r) => r.lo));
  const domain: [number, number] = [
    min < 0 ? -ceil10(-min) : 0,
    ceil10(Math.max(...rows.map((r) => r.hi))),
  ];
  const colour = opts.colors?.[0] ?? OKABE_ITO[0];
  const tints = [opts.colors?.[1] ?? '#E3EEF8', opts.colors?.[2] ?? '#F3E6D3'];
  const step = 24;
  const y = {
    field: 'label',
    type: 'nominal' as const,
    sort: order,
    title: null,
    scale: { paddingInner: 0, paddingOuter: 0.1 },
  };
  const x = {
    type: 'quantitative' as const,
    scale: { domain, nice: false },
    axis: {
      values: shareTicks(domain),
      grid: true,
      ...(isShare ? { format: '.0%' } : { labelExpr: "format(datum.value * 100, '+d')" }),
    },
    title: isShare ? word('share', language) : word('netPoints', language),
  };
  const shade = {
    transform: [{ filter: "datum.tint != 'none'" }],
    mark: { type: 'bar' as const, height: { band: 1 } },
    encoding: {
      x: { datum: domain[0] },
      x2: { datum: domain[1] },
      color: {
        field: 'tint',
        type: 'nominal' as const,
        scale: { domain: ['a', 'b'], range: tints },
        legend: null,
      },
    },
  };
  const tooltip = [
    { field: 'label', title: word('item', language) },
    {
      field: 'estimateText',
      title: isShare ? word('share', language) : word('netPoints', language),
    },
    { field: 'ciText', title: `${levelText} ${word('ci', language)}` },
    { field: 'ranks', title: word('plausibleRanks', language) },
    { field: 'tiedWith', title: word('tiedWith', language) },
    { field: 'n', title: word('base', language), type: 'quantitative' as const },
  ];
  const marks =
    language === 'ru'
      ? `Точки: оценка; линии: ${levelText} доверительный интервал. Место: возможные места с учётом погрешности.`
      : `Dots: estimate; lines: ${levelText} confidence interval. Rank: the ranks each could plausibly hold.`;
  const subtitle = opts.subtitle ?? [marks, word('tiedGroup', language)];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(opts.title ?? word('rank', language), subtitle),
    config: { ...chartConfig(language), concat: { spacing: 4 } },
    datasets: { rows },
    data: { name: 'rows' },
    hconcat: [
      {
        width: 44,
        height: { step },
        title: { text: word('rank', language), fontSize: 12, fontWeight: 'normal', anchor: 'end' },
        encoding: { y: { ...y, axis: null } },
        layer: [
          {
            ...shade,
            encoding: {
              ...shade.encoding,
              x: { datum: 0, scale: { domain: [0, 1] }, axis: null },
              x2: { datum: 1 },
            },
          },
          {
            mark: { type: 'text', align: 'right', x: 38, fontSize: 12 },
            encoding: { text: { field: 'ranks' }, tooltip },
          },
        ],
      },
      {
        width: opts.width ?? 420,
        height: { step },
        encoding: {
          y: { ...y, axis: { labelLimit: 260, ticks: false, domain: false, labelPadding: 8 } },
        },
        layer: [
          {
            ...shade,
            encoding: {
              ...shade.encoding,
              x: { ...x, datum: domain[0] },
            },
          },
          {
            mark: { type: 'rule', color: colour, strokeWidth: 2 },
            encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, tooltip },
          },
          {
            mark: { type: 'point', filled: true, size: 70, color: colour, opacity: 1 },
            encoding: { x: { ...x, field: 'estimate' }, tooltip },
          },
          {
            mark: { type: 'text', align: 'left', dx: 5, fontSize: 11, color: '#333333' },
            encoding: { x: { ...x, field: 'hi' }, text: { field: 'estimateText' } },
          },
        ],
      },
    ],
    resolve: { scale: { y: 'shared', x: 'independent', color: 'independent' } },
  } satisfies TopLevelSpec;
}
