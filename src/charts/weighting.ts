/**
 * Weighting diagnostics: the sample's shares against the population's on each weighting margin,
 * before and after raking; and the distribution of the weights.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { WeightingReport } from '../weighting/types.js';
import {
  type ChartOptions,
  chartConfig,
  fixed,
  formatNumber,
  labelColumnWidth,
  OKABE_ITO,
  percent,
  resolveLanguage,
  shareTicks,
  titleOf,
  withCaption,
} from './common.js';
import { variableTitle } from './labels.js';
import { phrase, word } from './words.js';

/** Height of a level's row in {@link weightingChart}, in pixels: three marker lanes. */
const ROW = 36;

/** Options of {@link weightingChart}. */
export interface WeightingChartOptions extends ChartOptions {
  /** The margins to show, in this order (default all of the report). */
  margins?: readonly string[];
}

/**
 * Weighting diagnostics by margin ({@link weightingReport}'s result): one panel per weighting
 * variable, one row per level, with the sample's unweighted share (triangle), its share with the
 * design weights (before raking, square) and with the raked weights (after, dot), each in a lane
 * of its own within the row, against the population share (a black line across the row, drawn
 * over the markers). After raking the dot sits on the line; the distance of the triangle and
 * square from it is what the weighting corrected.
 *
 * Colours (`colors`): unweighted, design weights, raked weights, population (default Okabe–Ito
 * vermillion, sky blue, blue, and black; shapes differ too).
 *
 * @param report - {@link weightingReport}'s result.
 * @param opts - The chart's options (see {@link WeightingChartOptions} and {@link ChartOptions}).
 * @example
 * ```ts
 * const data = fromColumns({ sex: ['F', 'M', 'M', 'M'] });
 * const before = svyDesign(data);
 * const margins = [{ variable: 'sex', population: { F: 50, M: 50 } }];
 * const spec = weightingChart(weightingReport(before, rake(before, margins), margins));
 * const rows = (spec as { vconcat: Array<{ data: { values: Array<{ level: string; series: string; share: number }> } }> }).vconcat[0]!.data.values;
 * console.log(rows.filter((r) => r.level === 'F').map((r) => `${r.series} ${r.share.toFixed(2)}`).join('; ')); // => Sample (unweighted) 0.25; Design weights 0.25; Raked weights 0.50; Population 0.50
 * ```
 */
export function weightingChart(
  report: WeightingReport,
  opts: WeightingChartOptions = {},
): TopLevelSpec {
  const { language, tr } = resolveLanguage(opts);
  const names = [
    word('sample', language),
    word('designWeighted', language),
    word('raked', language),
  ];
  const popName = word('population', language);
  const colours = [
    opts.colors?.[0] ?? OKABE_ITO[5],
    opts.colors?.[1] ?? OKABE_ITO[4],
    opts.colors?.[2] ?? OKABE_ITO[0],
    opts.colors?.[3] ?? '#000000',
  ];
  const margins = (
    opts.margins
      ? opts.margins.map((m) => report.margins.find((x) => x.variable === m)!).filter(Boolean)
      : report.margins
  ).map((m) => ({
    title: variableTitle(m.variable, language, opts.labels),
    rows: m.levels.flatMap((l) => {
      const level = tr(l.level, m.variable);
      const row = (series: string, share: number) => ({
        level,
        series,
        share,
        population: l.populationShare,
        shareText: percent(share, 1, language),
        populationText: percent(l.populationShare, 1, language),
        diffText: `${share >= l.populationShare ? '+' : ''}${fixed(100 * (share - l.populationShare), 1, language)}`,
        n: l.n,
      });
      return [
        row(names[0]!, l.sampleShare),
        row(names[1]!, l.weightedShareBefore),
        row(names[2]!, l.weightedShareAfter),
        row(popName, l.populationShare),
      ];
    }),
  }));
  const top = Math.max(...margins.flatMap((m) => m.rows.map((r) => r.share)));
  const domain: [number, number] = [0, Math.min(1, Math.ceil(top * 10 - 1e-9) / 10)];
  const width = opts.width ?? 380;
  const tooltip = [
    { field: 'level', title: word('level', language) },
    { field: 'series', title: word('series', language) },
    { field: 'shareText', title: word('share', language) },
    { field: 'populationText', title: popName },
    { field: 'diffText', title: word('diffFromPopulation', language) },
    { field: 'n', title: word('respondents', language) },
  ];
  // one label column for every panel, so that their headings and plots line up
  const labelWidth = labelColumnWidth(
    margins.flatMap((m) => m.rows.map((r) => r.level)),
    240,
  );
  const panel = (m: (typeof margins)[number], last: boolean) => {
    const x = {
      field: 'share',
      type: 'quantitative' as const,
      scale: { domain, nice: false },
      axis: last
        ? { values: shareTicks(domain), format: '.0%', grid: true }
        : { values: shareTicks(domain), grid: true, labels: false, ticks: false, domain: false },
      title: last ? word('share', language) : null,
    };
    const y = {
      field: 'level',
      type: 'nominal' as const,
      sort: null,
      title: null,
      scale: { type: 'band' as const, paddingInner: 0, paddingOuter: 0 },
      axis: {
        labelLimit: labelWidth,
        minExtent: labelWidth,
        maxExtent: labelWidth,
        ticks: false,
        domain: false,
        labelPadding: 6,
      },
    };
    return {
      title: {
        text: m.title,
        fontSize: 12,
        fontWeight: 'bold' as const,
        anchor: 'start' as const,
      },
      width,
      height: ROW * (m.rows.length / 4),
      data: { values: m.rows },
      layer: [
        {
          transform: [{ filter: { not: { field: 'series', equal: popName } } }],
          mark: { type: 'point' as const, filled: true, size: 38, opacity: 1 },
          encoding: {
            x,
            y,
            yOffset: {
              field: 'series',
              type: 'nominal' as const,
              sort: names,
              scale: { type: 'point' as const, range: [8, ROW - 8], padding: 0 },
            },
            color: {
              field: 'series',
              type: 'nominal' as const,
              scale: { domain: [...names, popName], range: colours },
              title: null,
            },
            shape: {
              field: 'series',
              type: 'nominal' as const,
              scale: {
                domain: [...names, popName],
                range: ['triangle-up', 'square', 'circle', 'M-0.2,-1H0.2V1H-0.2Z'],
              },
              title: null,
            },
            tooltip,
          },
        },
        {
          // the population share: a line across the row, over the markers so none hides it
          transform: [{ filter: { field: 'series', equal: popName } }],
          mark: {
            type: 'rect' as const,
            height: ROW - 4,
            yOffset: 2,
            color: colours[3],
            stroke: colours[3],
            strokeWidth: 1.5,
            opacity: 1,
          },
          encoding: { x, x2: { field: 'share' }, y, tooltip },
        },
      ],
    };
  };
  const subtitle =
    opts.subtitle ??
    phrase('weightingMarks', language, {
      before: fixed(report.before.kishDeff, 3, language),
      after: fixed(report.after.kishDeff, 3, language),
      effectiveN: formatNumber(report.after.effectiveN, 0, language),
      n: formatNumber(report.after.n, 0, language),
    });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(opts.title ?? word('weightingTitle', language), subtitle),
    config: {
      ...chartConfig(language),
      concat: { spacing: 10 },
      legend: { ...chartConfig(language).legend, direction: 'horizontal' },
    },
    vconcat: margins.map((m, i) => panel(m, i === margins.length - 1)),
    resolve: { scale: { x: 'shared', y: 'independent', yOffset: 'independent' } },
  } satisfies TopLevelSpec;
  return withCaption(spec, opts, language, [], Math.round((width + 140) / 6.4));
}

/** Options of {@link weightHistogram}. */
export interface WeightHistogramOptions extends ChartOptions {
  /** About how many bins (default 30; the bin width is rounded to 1, 2 or 5 × 10^k). */
  bins?: number;
}

/** A bin width near `span / bins`, rounded to 1, 2 or 5 × 10^k. */
function niceStep(span: number, bins: number): number {
  const raw = span / Math.max(1, bins);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/**
 * Histograms of survey weights: one panel per set of weights (e.g. design weights and raked
 * weights), on a common scale, each titled with its number of respondents, range, Kish design
 * effect n Σw² / (Σw)² and effective sample size.
 *
 * Colours (`colors`): one per panel (default Okabe–Ito sky blue, blue, ...).
 *
 * @param series - The weights: one array, or several named sets (`{ name, weights }`).
 * @param opts - The chart's options (see {@link WeightHistogramOptions} and {@link ChartOptions}).
 * @example
 * ```ts
 * const spec = weightHistogram([{ name: 'Weights', weights: [1, 1, 2, 4] }], { bins: 4 });
 * const panel = (spec as { vconcat: Array<{ title: { text: string }; data: { values: Array<{ count: number }> } }> }).vconcat[0]!;
 * console.log(panel.title.text, panel.data.values.map((b) => b.count)); // => Weights: n 4, range 1–4, Kish deff 1.375, effective n 2.9 [ 2, 1, 0, 1 ]
 * ```
 */
export function weightHistogram(
  series: ArrayLike<number> | ReadonlyArray<{ name: string; weights: ArrayLike<number> }>,
  opts: WeightHistogramOptions = {},
): TopLevelSpec {
  const { language, tr } = resolveLanguage(opts);
  const first = series[0];
  const sets =
    typeof first === 'object' && first !== null && 'weights' in first
      ? (series as ReadonlyArray<{ name: string; weights: ArrayLike<number> }>)
      : [{ name: word('weight', language), weights: series as ArrayLike<number> }];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of sets) {
    for (let i = 0; i < s.weights.length; i++) {
      min = Math.min(min, s.weights[i]!);
      max = Math.max(max, s.weights[i]!);
    }
  }
  const step = niceStep(max - min || 1, opts.bins ?? 30);
  const start = Math.floor(min / step) * step;
  const k = Math.floor((max - start) / step) + 1;
  const decimals = max >= 100 ? 0 : 2;
  const num = (x: number) => {
    const s = formatNumber(x, decimals, language);
    return decimals > 0 ? s.replace(/[.,]?0+$/, '') : s;
  };
  const colours = opts.colors ?? [OKABE_ITO[4], OKABE_ITO[0], OKABE_ITO[2], OKABE_ITO[3]];
  const panels = sets.map((s, j) => {
    const counts = new Array<number>(k).fill(0);
    let sum = 0;
    let sum2 = 0;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    const n = s.weights.length;
    for (let i = 0; i < n; i++) {
      const w = s.weights[i]!;
      counts[Math.min(k - 1, Math.floor((w - start) / step))]! += 1;
      sum += w;
      sum2 += w * w;
      lo = Math.min(lo, w);
      hi = Math.max(hi, w);
    }
    const kish = (n * sum2) / (sum * sum);
    const values = counts.map((count, b) => ({
      x0: start + b * step,
      x1: start + (b + 1) * step,
      count,
      range: `${num(start + b * step)}–${num(start + (b + 1) * step)}`,
    }));
    const last = j === sets.length - 1;
    return {
      title: {
        text: `${tr(s.name)}: n ${n}, ${word('range', language)} ${num(lo)}–${num(hi)}, ${word('kishShort', language)} ${fixed(kish, 3, language)}, ${word('effectiveN', language)} ${fixed(n / kish, n < 100 ? 1 : 0, language)}`,
        fontSize: 12,
        fontWeight: 'bold' as const,
        anchor: 'start' as const,
      },
      width: opts.width ?? 420,
      height: 120,
      data: { values },
      mark: {
        type: 'bar' as const,
        color: colours[j % colours.length]!,
        stroke: '#ffffff',
        strokeWidth: 0.5,
      },
      encoding: {
        x: {
          field: 'x0',
          type: 'quantitative' as const,
          scale: { domain: [start, start + k * step], nice: false, zero: false },
          axis: { format: ',d', labelFlush: true, grid: false },
          title: last ? word('weight', language) : null,
        },
        x2: { field: 'x1' },
        y: {
          field: 'count',
          type: 'quantitative' as const,
          // headroom above the tallest bar, so that no bar touches the top
          scale: { domainMax: Math.ceil(Math.max(1, ...counts) * 1.12), nice: true },
          axis: { tickMinStep: 1, format: 'd' },
          title: word('respondents', language),
        },
        y2: { datum: 0 },
        tooltip: [
          { field: 'range', title: word('weight', language) },
          { field: 'count', title: word('respondents', language) },
        ],
      },
    };
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(opts.title ?? word('weightsTitle', language), opts.subtitle),
    config: { ...chartConfig(language), concat: { spacing: 16 } },
    vconcat: panels,
    resolve: { scale: { x: 'shared' } },
  } satisfies TopLevelSpec;
  return withCaption(spec, opts, language, [], Math.round(((opts.width ?? 420) + 80) / 6.4));
}
