/**
 * A trend across waves: several polls, or published figures beside this poll's estimate, with
 * confidence intervals where they are known and published figures marked as such.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import {
  type ChartFlag,
  type ChartOptions,
  chartConfig,
  chartFlag,
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

/** One point of a trend. */
export interface TrendPoint {
  /** When: a year (a fraction places a point within its year, e.g. 2021.9 for December). */
  x: number;
  /** The share (0–1). */
  estimate: number;
  /** Its confidence interval; absent or `null` for a published figure without one. */
  ci?: readonly [number, number] | null;
  /** The series (a poll series or source), in English (translated with `labels`). */
  series: string;
  /** Where the figure comes from (shown in the tooltip). */
  source?: string;
  /** Unweighted base, when known. */
  n?: number | null;
  /** Standard error, when known (for the reliability flag of a point with an interval). */
  se?: number | null;
  /** Degrees of freedom of its variance (for the reliability flag; default the chart's `df`). */
  df?: number;
}

/** `[layer]` when the condition holds, else `[]`. */
const when = <T>(condition: boolean, layer: T): T[] => (condition ? [layer] : []);

/** Options of {@link trendChart}. */
export interface TrendChartOptions extends ChartOptions {
  /** Share axis range (default 0 to the next 10% above the highest value). */
  domain?: [number, number];
  /** Confidence level of the intervals (for the legend and tooltip), default 0.95. */
  level?: number;
  /** Height of the plot in pixels, default 260. */
  height?: number;
}

/**
 * A trend chart: one line per series over time, each point labelled with its value. A point with
 * a confidence interval is a filled dot with an error bar (and a series with two or more such
 * points gets a shaded band between its intervals); a published figure without an interval is a
 * hollow dot on a dashed line, so nobody reads it as more certain than it is. The share axis
 * starts at 0.
 *
 * Colours (`colors`): one per series, in order of first appearance (default Okabe–Ito orange,
 * blue, green, ...).
 *
 * @param points - The points: estimates with intervals, and published figures without.
 * @param opts - The chart's options (see {@link TrendChartOptions} and {@link ChartOptions}).
 * @example
 * ```ts
 * const spec = trendChart([
 *   { x: 2016, estimate: 0.63, series: 'Barometer', source: 'EDB' },
 *   { x: 2017, estimate: 0.56, series: 'Barometer', source: 'EDB' },
 *   { x: 2021, estimate: 0.578, ci: [0.544, 0.612], series: 'This poll', n: 1482 },
 * ], { title: 'Support for EEU membership' });
 * const values = (spec as { data: { values: Array<{ published: boolean }> } }).data.values;
 * console.log(values.map((v) => v.published)); // => [ true, true, false ]
 * ```
 */
export function trendChart(
  points: readonly TrendPoint[],
  opts: TrendChartOptions = {},
): TopLevelSpec {
  const { language, tr } = resolveLanguage(opts);
  const levelText = `${Math.round((opts.level ?? 0.95) * 100)}%`;
  const series = [...new Set(points.map((p) => tr(p.series)))];
  const palette = opts.colors ?? [OKABE_ITO[1], OKABE_ITO[0], ...OKABE_ITO.slice(2)];
  const ciCount = new Map<string, number>();
  for (const p of points) {
    if (p.ci) ciCount.set(p.series, (ciCount.get(p.series) ?? 0) + 1);
  }
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const flags: ChartFlag[] = sorted.map((p) =>
    p.ci
      ? chartFlag(
          { estimate: p.estimate, se: p.se ?? null, n: p.n ?? null, df: p.df ?? null },
          opts,
        )
      : chartFlag({ estimate: 0, se: null }, opts),
  );
  const values = sorted.map((p, i) => ({
    x: p.x,
    year: Math.floor(p.x),
    series: tr(p.series),
    estimate: p.estimate,
    labelY: p.ci ? p.ci[1] : p.estimate,
    lo: p.ci ? p.ci[0] : null,
    hi: p.ci ? p.ci[1] : null,
    published: !p.ci,
    hollow: flags[i]!.mark === '*',
    band: (ciCount.get(p.series) ?? 0) >= 2,
    kind: p.ci
      ? phrase('ourEstimate', language, { level: levelText })
      : word('published', language),
    estimateText: `${percent(p.estimate, p.ci ? 1 : 0, language)}${flags[i]!.mark}`,
    ciText: p.ci ? percentInterval(p.ci, 1, language) : '—',
    source: p.source ?? '',
    n: p.n ?? null,
  }));
  const xs = values.map((v) => v.x);
  const xDomain = [Math.floor(Math.min(...xs)) - 0.5, Math.ceil(Math.max(...xs)) + 0.5];
  const top = Math.max(...values.map((v) => v.hi ?? v.estimate));
  const domain = opts.domain ?? [0, Math.min(1, Math.max(0.1, Math.ceil(top * 10 - 1e-9) / 10))];
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    scale: { domain: xDomain, nice: false, zero: false },
    axis: {
      format: 'd',
      tickMinStep: 1,
      grid: false,
      labelExpr: "datum.value % 1 ? '' : datum.label",
    },
    title: word('year', language),
  };
  const y = {
    field: 'estimate',
    type: 'quantitative' as const,
    scale: { domain, nice: false },
    axis: { values: shareTicks(domain, 0.1), format: '.0%' },
    title: word('share', language),
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain: series, range: palette.slice(0, series.length) },
    title: null,
    legend: {
      orient: 'top' as const,
      direction: 'horizontal' as const,
      labelLimit: 400,
      symbolOpacity: 1,
      symbolType: 'stroke',
      symbolStrokeWidth: 3,
    },
  };
  const tooltip = [
    { field: 'series', title: word('series', language) },
    { field: 'year', title: word('year', language) },
    { field: 'estimateText', title: word('estimate', language) },
    { field: 'ciText', title: `${levelText} ${word('ci', language)}` },
    { field: 'n', title: word('base', language) },
    { field: 'source', title: word('source', language) },
  ];
  const subtitle = opts.subtitle ?? phrase('trendMarks', language, { level: levelText });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(opts.title ?? word('share', language), subtitle),
    config: chartConfig(language),
    width: opts.width ?? 460,
    height: opts.height ?? 260,
    data: { values },
    encoding: { x, color },
    // each filtered layer only when it has points (an empty layer has no extent)
    layer: [
      ...when(
        values.some((v) => v.band),
        {
          transform: [{ filter: 'datum.band' }],
          mark: { type: 'area' as const, opacity: 0.18 },
          encoding: { y: { ...y, field: 'lo' }, y2: { field: 'hi' } },
        },
      ),
      {
        mark: { type: 'line' as const, strokeWidth: 2 },
        encoding: {
          y,
          strokeDash: {
            field: 'published',
            type: 'nominal' as const,
            scale: {
              domain: [true, false],
              range: [
                [5, 4],
                [1, 0],
              ],
            },
            legend: null,
          },
          detail: { field: 'series' },
        },
      },
      ...when(
        values.some((v) => !v.published),
        {
          transform: [{ filter: '!datum.published' }],
          mark: { type: 'rule' as const, strokeWidth: 2 },
          encoding: {
            y: { ...y, field: 'lo' },
            y2: { field: 'hi' },
            strokeDash: { condition: { test: 'datum.hollow', value: [3, 2] }, value: [1, 0] },
            tooltip,
          },
        },
      ),
      ...when(
        values.some((v) => v.published),
        {
          transform: [{ filter: 'datum.published' }],
          mark: {
            type: 'point' as const,
            size: 80,
            strokeWidth: 2,
            opacity: 1,
            filled: false,
            fill: '#ffffff',
          },
          encoding: { y, tooltip },
        },
      ),
      ...when(
        values.some((v) => !v.published && !v.hollow),
        {
          transform: [{ filter: '!datum.published && !datum.hollow' }],
          mark: { type: 'point' as const, size: 80, opacity: 1, filled: true },
          encoding: { y, tooltip },
        },
      ),
      ...when(
        values.some((v) => v.hollow),
        {
          transform: [{ filter: 'datum.hollow' }],
          mark: {
            type: 'point' as const,
            size: 80,
            opacity: 1,
            filled: false,
            fill: '#ffffff',
            strokeWidth: 2,
          },
          encoding: { y, tooltip },
        },
      ),
      {
        mark: { type: 'text' as const, dy: -10, fontSize: 11, color: '#333333' },
        encoding: {
          y: { ...y, field: 'labelY' },
          text: { field: 'estimateText' },
          color: { value: '#333333' },
        },
      },
    ],
  } satisfies TopLevelSpec;
  return withCaption(
    spec,
    opts,
    language,
    flagFootnotes(flags, language),
    Math.round(((opts.width ?? 460) + 80) / 6.4),
  );
}
