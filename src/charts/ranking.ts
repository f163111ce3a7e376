/**
 * A ranking with its uncertainty: the items of a multiple-response question (or a battery) in
 * rank order with their intervals, the ranks each could plausibly hold, and brackets joining the
 * items that are not significantly different from each other.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { BatteryResult, GroupStatistic } from '../poll/battery.js';
import type { MultipleResponseResult } from '../poll/multiple-response.js';
import { type Ranking, rankItems } from '../poll/rank.js';
import {
  type ChartFlag,
  type ChartOptions,
  chartConfig,
  chartFlag,
  fixed,
  flagFootnotes,
  OKABE_ITO,
  percent,
  percentInterval,
  resolveLanguage,
  shareTicks,
  titleOf,
  withCaption,
} from './common.js';
import { phrase, word } from './words.js';

/** Options of {@link rankingChart}. */
export interface RankingChartOptions extends ChartOptions {
  /** The ranking to draw (default `rankItems(result, { by })`). */
  ranking?: Ranking;
  /** For a battery: the statistic ranked (default `'net'`). */
  by?: GroupStatistic;
}

/** Rounds up to the next 10% (at least 10%). */
const ceil10 = (x: number) => Math.max(0.1, Math.ceil(x * 10 - 1e-9) / 10);

/** Dot size (area, px²) and its diameter. */
const DOT = 50;
const DOT_DIAMETER = 2 * Math.sqrt(DOT / Math.PI);

/**
 * Groups of consecutive items (in rank order) that are all pairwise not significantly
 * different: each maximal run [first, last] in which every pair is tied, of two items or more.
 * Ties are not transitive, so groups overlap: A ~ B and B ~ C with A ≠ C gives [A, B], [B, C].
 * @example
 * ```ts
 * const tied = (pairs: string[]) => (i: number, j: number) => pairs.includes(`${i}${j}`) || pairs.includes(`${j}${i}`);
 * console.log(JSON.stringify(tieGroups(4, tied(['01', '12', '23', '13'])))); // => [[0,1],[1,3]]
 * ```
 */
export function tieGroups(
  k: number,
  tied: (i: number, j: number) => boolean,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < k; i++) {
    let j = i;
    while (j + 1 < k) {
      let all = true;
      for (let m = i; m <= j && all; m++) all = tied(m, j + 1);
      if (!all) break;
      j++;
    }
    if (j > i && !out.some(([a, b]) => a <= i && j <= b)) out.push([i, j]);
  }
  return out;
}

/** Lanes for overlapping groups: each group in the first lane whose last group ends before it. */
function lanes(groups: ReadonlyArray<[number, number]>): number[] {
  const ends: number[] = [];
  return groups.map(([a, b]) => {
    let lane = ends.findIndex((end) => end < a);
    if (lane < 0) lane = ends.push(b) - 1;
    else ends[lane] = b;
    return lane;
  });
}

/**
 * A ranking chart: items in rank order ({@link rankItems}), each a dot with its confidence
 * interval (caps at its ends, so an interval narrower than the dot still shows; its bounds are
 * then printed beside the value), and left of the labels the ranks the item could plausibly hold
 * ("4–6": 1 + items significantly above it to k − items significantly below it). Brackets join
 * items that are all pairwise not significantly different (from the ranking's design-based
 * tests); ties are not transitive, so brackets overlap and one item can share a bracket with
 * each of two items that differ from each other. The tooltip lists every item an item is tied
 * with, and its base. A net score axis has a zero line; shares failing the NCHS standard for
 * proportions are hollow, with a footnote.
 *
 * Colours (`colors`): the estimate, then the brackets.
 *
 * @param result - A multiple-response result (`svyMultipleResponse`) or a battery (`svyBattery`).
 * @param opts - The chart's options (see {@link RankingChartOptions} and {@link ChartOptions}).
 * @example
 * ```ts
 * const data = fromColumns({ a: [1, 1, 1, 1, 0, 1, 1, 1], b: [1, 0, 1, 0, 0, 1, 0, 1], c: [0, 0, 1, 0, 0, 1, 0, 1] });
 * const q = { id: 'q', question: { en: 'Which?' }, options: ['a', 'b', 'c'].map((k) => ({ variable: k, key: k, label: { en: k.toUpperCase() } })) };
 * const spec = rankingChart(svyMultipleResponse(svyDesign(data), q, { df: Infinity }), { reliability: false });
 * const { rows, ties } = (spec as { datasets: { rows: Array<{ label: string; ranks: string }>; ties: Array<{ first: string; last: string }> } }).datasets;
 * console.log(rows.map((r) => `${r.ranks} ${r.label}`), ties.map((t) => `${t.first}–${t.last}`)); // => [ '1 A', '2–3 B', '2–3 C' ] [ 'B–C' ]
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
  const items = ranking.items;
  const flags: ChartFlag[] = items.map((item) =>
    chartFlag(
      { estimate: item.estimate, se: item.se, n: bases.get(item.key) ?? null, df: ranking.df },
      opts,
      isShare,
    ),
  );
  const min = Math.min(0, ...items.map((r) => r.ci[0]));
  const domain: [number, number] = [
    min < 0 ? -ceil10(-min) : 0,
    ceil10(Math.max(...items.map((r) => r.ci[1]))),
  ];
  const width = opts.width ?? 420;
  const pxPerUnit = width / (domain[1] - domain[0]);
  const signed = (x: number) => `${x > 0 ? '+' : ''}${fixed(100 * x, 1, language)}`;
  const fmtCi = (ci: readonly [number, number]) =>
    isShare
      ? percentInterval(ci, 1, language)
      : `${fixed(100 * ci[0], 1, language)} … ${fixed(100 * ci[1], 1, language)}`;
  const rows = items.map((item, i) => {
    const narrow = (item.ci[1] - item.ci[0]) * pxPerUnit < DOT_DIAMETER + 2;
    const value = isShare ? percent(item.estimate, 1, language) : signed(item.estimate);
    return {
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
      tiedWith: item.tiedWith.length
        ? item.tiedWith.map((k) => labelOf.get(k) ?? k).join(', ')
        : word('none', language),
      hollow: flags[i]!.mark === '*',
      estimateText: `${value}${flags[i]!.mark}${narrow ? ` (${fmtCi(item.ci)})` : ''}`,
      ciText: fmtCi(item.ci),
      n: bases.get(item.key) ?? null,
    };
  });
  const order = rows.map((r) => r.label);
  const index = new Map(items.map((item, i) => [item.key, i]));
  const tiedSets = items.map((item) => new Set(item.tiedWith.map((k) => index.get(k))));
  const groups = tieGroups(items.length, (i, j) => tiedSets[i]!.has(j));
  const lane = lanes(groups);
  const laneCount = Math.max(0, ...lane.map((l) => l + 1));
  const laneStep = 12;
  const bracketWidth = laneCount ? 4 + laneStep * laneCount : 0;
  const ties = groups.map(([a, b], g) => ({
    first: rows[a]!.label,
    last: rows[b]!.label,
    x: bracketWidth - laneStep * (lane[g]! + 1),
    items: rows
      .slice(a, b + 1)
      .map((r) => r.label)
      .join(', '),
  }));
  const tieEnds = ties.flatMap((t) => [
    { label: t.first, x: t.x, x2: t.x + 6, items: t.items },
    { label: t.last, x: t.x, x2: t.x + 6, items: t.items },
  ]);
  const colour = opts.colors?.[0] ?? OKABE_ITO[0];
  const bracketColour = opts.colors?.[1] ?? '#777777';
  const step = 24;
  const y = {
    field: 'label',
    type: 'nominal' as const,
    sort: order,
    title: null,
    scale: { domain: order, paddingInner: 0, paddingOuter: 0.1 },
  };
  const x = {
    type: 'quantitative' as const,
    scale: { domain, nice: false },
    axis: {
      values: shareTicks(domain),
      grid: true,
      ...(isShare
        ? { format: '.0%' }
        : { labelExpr: "(datum.value > 0 ? '+' : '') + format(datum.value * 100, 'd')" }),
    },
    title: isShare ? word('share', language) : word('netPoints', language),
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
  const subtitle = opts.subtitle ?? [
    phrase('rankingMarks', language, { level: levelText }),
    ...(ties.length ? [word('tieBrackets', language)] : []),
  ];
  const bracketTooltip = [{ field: 'items', title: word('tiedWith', language) }];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(opts.title ?? word('rank', language), subtitle),
    config: { ...chartConfig(language), concat: { spacing: 4 } },
    datasets: { rows, ties, tieEnds },
    hconcat: [
      {
        width: 40,
        height: { step },
        data: { name: 'rows' },
        title: { text: word('rank', language), fontSize: 12, fontWeight: 'normal', anchor: 'end' },
        mark: { type: 'text', align: 'right', x: 38, fontSize: 12 },
        encoding: { y: { ...y, axis: null }, text: { field: 'ranks' }, tooltip },
      },
      ...(ties.length
        ? [
            {
              width: bracketWidth,
              height: { step },
              layer: [
                {
                  data: { name: 'ties' },
                  mark: { type: 'rule' as const, color: bracketColour, strokeWidth: 1.5 },
                  encoding: {
                    x: {
                      field: 'x',
                      type: 'quantitative' as const,
                      scale: { domain: [0, bracketWidth] },
                      axis: null,
                    },
                    y: { ...y, field: 'first', axis: null, bandPosition: 0.5 },
                    y2: { field: 'last', bandPosition: 0.5 },
                    tooltip: bracketTooltip,
                  },
                },
                {
                  data: { name: 'tieEnds' },
                  mark: { type: 'rule' as const, color: bracketColour, strokeWidth: 1.5 },
                  encoding: {
                    x: { field: 'x', type: 'quantitative' as const },
                    x2: { field: 'x2' },
                    y: { ...y, axis: null, bandPosition: 0.5 },
                    tooltip: bracketTooltip,
                  },
                },
              ],
            },
          ]
        : []),
      {
        width,
        height: { step },
        data: { name: 'rows' },
        encoding: {
          y: { ...y, axis: { labelLimit: 260, ticks: false, domain: false, labelPadding: 8 } },
        },
        layer: [
          ...(domain[0] < 0
            ? [
                {
                  mark: { type: 'rule' as const, color: '#333333' },
                  encoding: {
                    x: { ...x, datum: 0 },
                    y: { value: 0 },
                    y2: { value: 'height' as const },
                  },
                },
              ]
            : []),
          {
            mark: { type: 'rule' as const, color: colour, strokeWidth: 2 },
            encoding: {
              x: { ...x, field: 'lo' },
              x2: { field: 'hi' },
              strokeDash: { condition: { test: 'datum.hollow', value: [3, 2] }, value: [1, 0] },
              tooltip,
            },
          },
          {
            mark: {
              type: 'point' as const,
              filled: true,
              size: DOT,
              color: colour,
              opacity: 1,
              strokeWidth: 1.5,
            },
            encoding: {
              x: { ...x, field: 'estimate' },
              fill: { condition: { test: 'datum.hollow', value: '#ffffff' }, value: colour },
              tooltip,
            },
          },
          ...(['lo', 'hi'] as const).map((field) => ({
            mark: { type: 'tick' as const, color: colour, thickness: 1.5, size: 9, opacity: 1 },
            encoding: { x: { ...x, field } },
          })),
          {
            mark: {
              type: 'text' as const,
              align: 'left' as const,
              dx: 5,
              fontSize: 11,
              color: '#333333',
            },
            encoding: { x: { ...x, field: 'hi' }, text: { field: 'estimateText' } },
          },
        ],
      },
    ],
    resolve: { scale: { y: 'shared', x: 'independent' } },
  } satisfies TopLevelSpec;
  return withCaption(
    spec as TopLevelSpec,
    opts,
    language,
    flagFootnotes(flags, language),
    Math.round((width + 300) / 6.4),
  );
}
