/**
 * Estimates with confidence intervals: one row per estimate, a dot (or a bar) and its interval,
 * sorted, the value printed beside it and the base in the tooltip.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import {
  type ChartOptions,
  chartConfig,
  fixed,
  OKABE_ITO,
  percent,
  percentInterval,
  resolveLanguage,
  titleOf,
  wrapLabel,
} from './common.js';
import { word } from './labels.js';

/** One estimate to chart: its label, value, interval and unweighted base. */
export interface ChartEstimate {
  /** Row label in English (translated with the `labels` option). */
  label?: string;
  /** Used as the label when `label` is absent (an {@link Estimate}'s level or variable). */
  level?: string;
  /** Used as the label when `label` and `level` are absent. */
  variable?: string;
  /** The estimate (a share 0–1 unless the chart has `percent: false`). */
  estimate: number;
  /** Its confidence interval, drawn as a line. */
  ci: readonly [number, number];
  /** Unweighted base. */
  n: number;
  /** Its standard error (shown in the tooltip). */
  se?: number;
  /** A threshold to mark on the row (e.g. the "more than 60%" of a published statement). */
  threshold?: number | null;
}

/** Options of {@link estimateChart}. */
export interface EstimateChartOptions extends ChartOptions {
  /** `'dot'` (default): a dot and its interval; `'bar'`: a bar from 0 with the interval on it. */
  mark?: 'dot' | 'bar';
  /** Row order: by estimate `'descending'` (default) or `'ascending'`, or `'none'` (as given). */
  sort?: 'descending' | 'ascending' | 'none';
  /** Estimates are shares 0–1 shown as percents (default `true`); `false`: plain numbers. */
  percent?: boolean;
  /** Confidence level of the intervals, for the legend and tooltip (default 0.95). */
  level?: number;
  /** Title of the value axis (default "Share of respondents"). */
  axisTitle?: string;
  /** Wrap row labels longer than this many characters (default 34). */
  labelWidth?: number;
}

/**
 * A dot plot (or bar chart) of estimates with their confidence intervals: one row per estimate,
 * sorted by estimate, the value printed at the end of the interval, a threshold (when a row has
 * one) as a vermillion tick, and the estimate, interval, SE and unweighted base in the tooltip.
 * Shares are on a percent axis that starts at 0.
 *
 * Colours (`colors`): the estimate, then the threshold (default Okabe–Ito blue and vermillion).
 *
 * @example
 * ```ts
 * const spec = estimateChart([
 *   { label: 'Support', estimate: 0.578, ci: [0.546, 0.61], n: 1482 },
 *   { label: 'Oppose', estimate: 0.091, ci: [0.074, 0.108], n: 1482 },
 * ], { title: 'EEU membership' });
 * console.log(JSON.stringify(spec.title)); // => {"text":"EEU membership","subtitle":"Dots: estimate; lines: 95% confidence interval"}
 * console.log((spec as { data: { values: unknown[] } }).data.values.length); // => 2
 * ```
 */
export function estimateChart(
  rows: readonly ChartEstimate[],
  opts: EstimateChartOptions = {},
): TopLevelSpec {
  const { language, tr } = resolveLanguage(opts);
  const isPercent = opts.percent ?? true;
  const level = opts.level ?? 0.95;
  const levelText = `${Math.round(level * 100)}%`;
  const fmt = (x: number) => (isPercent ? percent(x, 1, language) : fixed(x, 2, language));
  const fmtCi = (ci: readonly [number, number]) =>
    isPercent
      ? percentInterval(ci, 1, language)
      : `${fixed(ci[0], 2, language)} … ${fixed(ci[1], 2, language)}`;
  const width = opts.width ?? 420;
  const sort = opts.sort ?? 'descending';
  const [colour, thresholdColour] = [
    opts.colors?.[0] ?? OKABE_ITO[0],
    opts.colors?.[1] ?? OKABE_ITO[5],
  ];
  const data = rows.map((r, i) => {
    const text = tr(r.label ?? r.level ?? r.variable ?? `#${i + 1}`);
    return {
      key: i,
      label: wrapLabel(text, opts.labelWidth ?? 34).join('\n'),
      labelText: text,
      estimate: r.estimate,
      lo: r.ci[0],
      hi: r.ci[1],
      n: r.n,
      se: r.se ?? null,
      threshold: r.threshold ?? null,
      estimateText: fmt(r.estimate),
      ciText: fmtCi(r.ci),
      seText:
        r.se === undefined ? '' : isPercent ? percent(r.se, 2, language) : fixed(r.se, 3, language),
      thresholdText: r.threshold == null ? '' : fmt(r.threshold),
    };
  });
  const ordered =
    sort === 'none'
      ? data
      : [...data].sort((a, b) =>
          sort === 'descending' ? b.estimate - a.estimate : a.estimate - b.estimate,
        );
  const lines = Math.max(1, ...data.map((d) => d.label.split('\n').length));
  const axisFormat = isPercent ? '.0%' : '.2f';
  const x = {
    field: 'estimate',
    type: 'quantitative' as const,
    title: opts.axisTitle ?? word('share', language),
    scale: { zero: true, nice: true },
    axis: { format: axisFormat, grid: true },
  };
  const tooltip = [
    { field: 'labelText', title: word('item', language) },
    { field: 'estimateText', title: word('estimate', language) },
    { field: 'ciText', title: `${levelText} ${word('ci', language)}` },
    { field: 'seText', title: word('se', language) },
    { field: 'n', title: word('base', language), type: 'quantitative' as const },
  ];
  const hasThreshold = data.some((d) => d.threshold !== null);
  const markText =
    opts.mark === 'bar'
      ? language === 'ru'
        ? `Столбцы: оценка; линии: ${levelText} доверительный интервал`
        : `Bars: estimate; lines: ${levelText} confidence interval`
      : language === 'ru'
        ? `Точки: оценка; линии: ${levelText} доверительный интервал`
        : `Dots: estimate; lines: ${levelText} confidence interval`;
  const subtitle =
    opts.subtitle ??
    (hasThreshold
      ? [
          markText,
          language === 'ru'
            ? 'Красная черта: порог опубликованного утверждения'
            : 'Red tick: threshold of the published statement',
        ]
      : markText);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(opts.title ?? word('estimate', language), subtitle),
    config: chartConfig(language),
    width,
    height: { step: 12 + 14 * lines },
    data: { values: data },
    encoding: {
      y: {
        field: 'label',
        type: 'nominal',
        sort: ordered.map((d) => d.label),
        title: null,
        axis: {
          labelExpr: "split(datum.label, '\\n')",
          labelLimit: 320,
          ticks: false,
          domain: false,
          labelPadding: 6,
        },
      },
      tooltip,
    },
    layer: [
      ...(opts.mark === 'bar'
        ? [
            {
              mark: { type: 'bar' as const, color: colour, opacity: 0.35, height: { band: 0.7 } },
              encoding: { x },
            },
          ]
        : []),
      {
        mark: { type: 'rule', color: colour, strokeWidth: 2 },
        encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' } },
      },
      {
        mark: { type: 'point', filled: true, size: 70, color: colour, opacity: 1 },
        encoding: { x },
      },
      {
        mark: { type: 'text', align: 'left', dx: 5, fontSize: 11, color: '#333333' },
        encoding: { x: { field: 'hi', type: 'quantitative' }, text: { field: 'estimateText' } },
      },
      ...(hasThreshold
        ? [
            {
              transform: [{ filter: 'datum.threshold != null' }],
              mark: {
                type: 'tick' as const,
                color: thresholdColour,
                opacity: 1,
                thickness: 2,
                size: 18,
              },
              encoding: {
                x: { field: 'threshold', type: 'quantitative' as const },
                tooltip: [
                  { field: 'labelText', title: word('item', language) },
                  { field: 'thresholdText', title: word('threshold', language) },
                ],
              },
            },
          ]
        : []),
    ],
  } satisfies TopLevelSpec;
}
