/**
 * Estimates with confidence intervals: one row per estimate, a dot (or a bar) and its interval,
 * the value printed beside it and the base in the tooltip; grouped rows (`svyBy`'s) as dodged,
 * coloured marks per row.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { SurveyError } from '../errors.js';
import {
  type ChartFlag,
  type ChartOptions,
  chartConfig,
  chartFlag,
  flagFootnotes,
  formatNumber,
  OKABE_ITO,
  percent,
  percentInterval,
  resolveLanguage,
  titleOf,
  withCaption,
  wrapLabel,
} from './common.js';
import { variableTitle } from './labels.js';
import { phrase, word } from './words.js';

/** One estimate to chart: its label, value, interval and unweighted base. */
export interface ChartEstimate {
  /** Row label (translated with the `labels` option). */
  label?: string;
  /** Used as the label when `label` is absent (an {@link Estimate}'s level or variable). */
  level?: string;
  /** Used as the label when `label` and `level` are absent. */
  variable?: string;
  /**
   * The group the estimate is of (`svyBy`'s rows): the grouping variables' levels. Rows with a
   * group are drawn side by side in the group's colour within their row; every row must then
   * have the same grouping variables.
   */
  group?: Readonly<Record<string, string>>;
  /** The estimate (a share 0–1 unless the chart has `percent: false`). */
  estimate: number;
  /** Its confidence interval, drawn as a line. */
  ci: readonly [number, number];
  /** Unweighted base. */
  n: number;
  /** Its standard error (shown in the tooltip; needed for the reliability flag). */
  se?: number;
  /** Degrees of freedom of its variance (for the reliability flag; default the chart's `df`). */
  df?: number;
  /** A threshold to mark on the row (e.g. the "more than 60%" of a published statement). */
  threshold?: number | null;
}

/** Options of {@link estimateChart}. */
export interface EstimateChartOptions extends ChartOptions {
  /** `'dot'` (default): a dot and its interval; `'bar'`: a bar from 0 with the interval on it. */
  mark?: 'dot' | 'bar';
  /**
   * Row order: `'descending'` or `'ascending'` by estimate (grouped rows: by the first group's
   * estimate), or `'none'`: as given. Default: `'none'` for the levels of one categorical
   * variable (their order, e.g. age groups or an answer scale, is kept), else `'descending'`.
   */
  sort?: 'descending' | 'ascending' | 'none';
  /** Estimates are shares 0–1 shown as percents (default `true`); `false`: plain numbers. */
  percent?: boolean;
  /** Confidence level of the intervals, for the legend and tooltip (default 0.95). */
  level?: number;
  /**
   * Title of the value axis (default "Share of respondents" for shares; otherwise the
   * variable's title, or "Value").
   */
  axisTitle?: string;
  /** Wrap row labels longer than this many characters (default 34). */
  labelWidth?: number;
}

/** Dot size (area, px²) and its diameter: intervals narrower than it get caps and printed bounds. */
const DOT = 50;
const DOT_DIAMETER = 2 * Math.sqrt(DOT / Math.PI);

/** Decimals for a plain number: about three significant digits, at most 3 decimals. */
function plainDigits(values: readonly number[]): number {
  const top = Math.max(...values.map((v) => Math.abs(v)).filter((v) => v > 0), 0);
  if (top === 0) return 2;
  return Math.min(3, Math.max(0, 2 - Math.floor(Math.log10(top))));
}

const groupKey = (g: Readonly<Record<string, string>> | undefined) =>
  g === undefined ? '' : Object.keys(g).sort().join('\u0000');

/**
 * A dot plot (or bar chart) of estimates with their confidence intervals: one row per estimate,
 * the value printed at the end of the interval (with its bounds when the interval is narrower
 * than the dot), caps at the interval's ends, a threshold (when a row has one) as a vermilion
 * tick, and the estimate, interval, SE and unweighted base in the tooltip. Shares are on a
 * percent axis that starts at 0; plain numbers (`percent: false`) get about three significant
 * digits and the axis' own format.
 *
 * Grouped rows (from `svyBy`: each row's `group`) are drawn side by side within their row, one
 * colour per group with a legend (e.g. one row per answer, men and women in two colours). The
 * levels of one categorical variable keep their order unless `sort` asks otherwise.
 *
 * Shares failing the NCHS standard for proportions are hollow with `*` after the value (`†`
 * for review), explained in a footnote; `source` and `note` are printed under the chart.
 *
 * Colours (`colors`): the estimate (or one per group), then the threshold (default Okabe–Ito
 * blue, orange, green... and vermilion).
 *
 * @param rows - The estimates: `Estimate` rows (`svyMean`, `svyBy`, ...) or rows made by hand.
 * @param opts - The chart's options (see {@link EstimateChartOptions} and {@link ChartOptions}).
 * @throws {SurveyError} `CHART_MIXED_GROUPS` when some rows have a group and others not, or
 *   their groups are of different grouping variables; `CHART_DUPLICATE_ROWS` when two rows
 *   have the same label (and group): they would be drawn on top of each other.
 * @example
 * ```ts
 * const spec = estimateChart([
 *   { label: 'Support', estimate: 0.578, ci: [0.546, 0.61], n: 1482 },
 *   { label: 'Oppose', estimate: 0.091, ci: [0.074, 0.108], n: 1482 },
 * ], { title: 'EEU membership', source: 'Synthetic data' });
 * console.log(JSON.stringify((spec as { title: unknown }).title)); // => {"text":"EEU membership","subtitle":"Dots: estimate; lines: 95% confidence interval"}
 * console.log((spec as { vconcat: Array<{ title: { text: string[] } }> }).vconcat[0]!.title.text); // => [ 'Source: Synthetic data' ]
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

  // groups: all rows or none, of the same grouping variables
  const keys = new Set(rows.map((r) => groupKey(r.group)));
  if (keys.size > 1) {
    const found = [...keys].map((k) => (k === '' ? '(none)' : k.split('\u0000').join(' × ')));
    throw new SurveyError(
      'CHART_MIXED_GROUPS',
      `estimateChart: rows of different groupings cannot be drawn in one chart (found ${found.join(', ')}); chart each svyBy result on its own`,
      { value: found },
    );
  }
  const byVars = rows[0]?.group ? Object.keys(rows[0].group) : [];
  const grouped = byVars.length > 0;
  const variables = [...new Set(rows.map((r) => r.variable).filter((v) => v !== undefined))];
  const severalVariables = variables.length > 1;
  const categoryOf = (r: ChartEstimate, i: number) => {
    if (r.label !== undefined) return tr(r.label);
    if (r.level !== undefined) {
      const lvl = tr(r.level, r.variable);
      return severalVariables && r.variable !== undefined
        ? `${variableTitle(r.variable, language, opts.labels)}: ${lvl}`
        : lvl;
    }
    return r.variable !== undefined
      ? variableTitle(r.variable, language, opts.labels)
      : `#${i + 1}`;
  };
  const groupOf = (r: ChartEstimate) => byVars.map((v) => tr(r.group![v]!, v)).join(' · ');

  const seen = new Set<string>();
  for (const [i, r] of rows.entries()) {
    const id = `${categoryOf(r, i)}\u0000${grouped ? groupOf(r) : ''}`;
    if (seen.has(id)) {
      const where = grouped ? ` in group ${groupOf(r)}` : '';
      throw new SurveyError(
        'CHART_DUPLICATE_ROWS',
        `estimateChart: two rows are labelled "${categoryOf(r, i)}"${where}; they would be drawn on top of each other (give distinct labels, or chart them separately)`,
        { value: categoryOf(r, i), ...(grouped ? { group: r.group } : {}) },
      );
    }
    seen.add(id);
  }

  const digits = isPercent ? 1 : plainDigits(rows.flatMap((r) => [r.estimate, r.ci[0], r.ci[1]]));
  const fmt = (x: number) =>
    isPercent ? percent(x, 1, language) : formatNumber(x, digits, language);
  const fmtCi = (ci: readonly [number, number]) =>
    isPercent ? percentInterval(ci, 1, language) : `${fmt(ci[0])} … ${fmt(ci[1])}`;
  const width = opts.width ?? 420;
  const allLevels =
    rows.length > 0 && rows.every((r) => r.label === undefined && r.level !== undefined);
  const sort = opts.sort ?? (allLevels && !severalVariables ? 'none' : 'descending');
  const palette = opts.colors?.length ? opts.colors : OKABE_ITO;
  const colour = palette[0]!;
  const flags: ChartFlag[] = rows.map((r) => chartFlag(r, opts, isPercent));

  // the value axis: shares from 0; plain numbers from 0 when all are positive
  const lo = Math.min(0, ...rows.map((r) => r.ci[0]));
  const hi = Math.max(0, ...rows.map((r) => r.ci[1]), ...rows.map((r) => r.threshold ?? 0));
  const span = hi - lo || 1;
  const narrow = (r: ChartEstimate) => ((r.ci[1] - r.ci[0]) / span) * width < DOT_DIAMETER + 2;

  const data = rows.map((r, i) => {
    const category = categoryOf(r, i);
    const f = flags[i]!;
    return {
      key: i,
      label: wrapLabel(category, opts.labelWidth ?? 34).join('\n'),
      labelText: category,
      group: grouped ? groupOf(r) : null,
      estimate: r.estimate,
      lo: r.ci[0],
      hi: r.ci[1],
      n: r.n,
      se: r.se ?? null,
      threshold: r.threshold ?? null,
      hollow: f.mark === '*',
      estimateText: `${fmt(r.estimate)}${f.mark}${narrow(r) && r.ci[1] > r.ci[0] ? ` (${fmtCi(r.ci)})` : ''}`,
      ciText: fmtCi(r.ci),
      seText:
        r.se === undefined
          ? ''
          : isPercent
            ? percent(r.se, 2, language)
            : formatNumber(r.se, digits + 1, language),
      thresholdText: r.threshold == null ? '' : fmt(r.threshold),
      reliabilityText: f.flag === null ? word('reliable', language) : f.mark,
    };
  });
  const groups = grouped ? [...new Set(data.map((d) => d.group!))] : [];
  const groupColours = groups.map((_, i) => palette[i % palette.length]!);
  const thresholdColour = opts.colors?.[grouped ? groups.length : 1] ?? OKABE_ITO[5];
  const categories = [...new Set(data.map((d) => d.label))];
  const sortValue = (label: string) => {
    const first = data.find((d) => d.label === label && (!grouped || d.group === groups[0]));
    return first?.estimate ?? Number.NEGATIVE_INFINITY;
  };
  const order =
    sort === 'none'
      ? categories
      : [...categories].sort((a, b) =>
          sort === 'descending' ? sortValue(b) - sortValue(a) : sortValue(a) - sortValue(b),
        );
  const lines = Math.max(1, ...data.map((d) => d.label.split('\n').length));
  const rowStep = grouped ? Math.max(12 + 14 * lines, 10 + 18 * groups.length) : 12 + 14 * lines;
  const singleVariable = variables.length === 1 ? variables[0]! : undefined;
  const axisTitle =
    opts.axisTitle ??
    (isPercent
      ? word('share', language)
      : singleVariable !== undefined
        ? variableTitle(singleVariable, language, opts.labels)
        : word('value', language));
  const x = {
    field: 'estimate',
    type: 'quantitative' as const,
    title: axisTitle,
    scale: { zero: true, nice: true },
    axis: { ...(isPercent ? { format: '.0%' } : {}), grid: true },
  };
  const groupTitle = byVars.map((v) => variableTitle(v, language, opts.labels)).join(' × ');
  const tooltip = [
    { field: 'labelText', title: word('item', language) },
    ...(grouped ? [{ field: 'group', title: groupTitle }] : []),
    { field: 'estimateText', title: word('estimate', language) },
    { field: 'ciText', title: `${levelText} ${word('ci', language)}` },
    { field: 'seText', title: word('se', language) },
    { field: 'n', title: word('base', language), type: 'quantitative' as const },
    ...(flags.some((f) => f.mark !== '')
      ? [{ field: 'reliabilityText', title: word('reliability', language) }]
      : []),
  ];
  const hasThreshold = data.some((d) => d.threshold !== null);
  const markText = grouped
    ? phrase('marksGroups', language, { level: levelText, group: groupTitle })
    : phrase(opts.mark === 'bar' ? 'marksBar' : 'marksDot', language, { level: levelText });
  const subtitle =
    opts.subtitle ?? (hasThreshold ? [markText, word('thresholdTick', language)] : markText);
  const colourEnc = grouped
    ? {
        color: {
          field: 'group',
          type: 'nominal' as const,
          scale: { domain: groups, range: groupColours },
          sort: groups,
          title: groupTitle,
          legend: {
            orient: 'top' as const,
            direction: 'horizontal' as const,
            symbolType: 'circle',
          },
        },
        yOffset: {
          field: 'group',
          type: 'nominal' as const,
          sort: groups,
          scale: { paddingOuter: 0.3 },
        },
      }
    : {};
  const fixedColour = <T extends object>(props: T): T =>
    grouped ? props : { ...props, color: colour };
  const title =
    opts.title ??
    (singleVariable !== undefined
      ? variableTitle(singleVariable, language, opts.labels)
      : word('estimate', language));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(title, subtitle),
    config: chartConfig(language),
    width,
    height: rowStep * order.length,
    data: { values: data },
    encoding: {
      y: {
        field: 'label',
        type: 'nominal',
        sort: order,
        title: null,
        axis: {
          labelExpr: "split(datum.label, '\\n')",
          labelLimit: 320,
          ticks: false,
          domain: false,
          labelPadding: 6,
        },
      },
      ...colourEnc,
      tooltip,
    },
    layer: [
      ...(opts.mark === 'bar'
        ? [
            {
              mark: fixedColour({
                type: 'bar' as const,
                opacity: 0.35,
                height: { band: grouped ? 0.9 : 0.7 },
              }),
              encoding: { x },
            },
          ]
        : []),
      {
        mark: fixedColour({ type: 'rule' as const, strokeWidth: 2 }),
        encoding: {
          x: { ...x, field: 'lo' },
          x2: { field: 'hi' },
          strokeDash: {
            condition: { test: 'datum.hollow', value: [3, 2] },
            value: [1, 0],
          },
        },
      },
      // filled and hollow dots, each layer only when it has rows (an empty layer has no extent)
      ...[false, true]
        .filter((hollow) => data.some((d) => d.hollow === hollow))
        .map((hollow) => ({
          transform: [{ filter: hollow ? 'datum.hollow' : '!datum.hollow' }],
          mark: fixedColour({
            type: 'point' as const,
            filled: !hollow,
            ...(hollow ? { fill: '#ffffff' } : {}),
            size: DOT,
            opacity: 1,
            strokeWidth: 1.5,
          }),
          encoding: { x },
        })),
      {
        mark: fixedColour({ type: 'tick' as const, thickness: 1.5, size: 9, opacity: 1 }),
        encoding: { x: { ...x, field: 'lo' } },
      },
      {
        mark: fixedColour({ type: 'tick' as const, thickness: 1.5, size: 9, opacity: 1 }),
        encoding: { x: { ...x, field: 'hi' } },
      },
      {
        mark: {
          type: 'text' as const,
          align: 'left' as const,
          dx: 5,
          fontSize: 11,
          color: '#333333',
        },
        encoding: {
          x: { field: 'hi', type: 'quantitative' as const },
          text: { field: 'estimateText' },
          ...(grouped ? { color: { value: '#333333' } } : {}),
        },
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
                ...(grouped ? { color: { value: thresholdColour } } : {}),
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
  return withCaption(
    spec,
    opts,
    language,
    flagFootnotes(flags, language),
    Math.round((width + 240) / 6.4),
  );
}
