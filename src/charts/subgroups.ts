/**
 * Subgroups against the national figure: small multiples, one panel per grouping variable (age
 * group, region, settlement type), each subgroup a dot with its interval, the national share a
 * dashed reference line with its interval as a band.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SubgroupResult } from '../poll/subgroups.js';
import {
  type ChartFlag,
  type ChartOptions,
  chartConfig,
  chartFlag,
  fixed,
  flagFootnotes,
  formatNumber,
  labelColumnWidth,
  OKABE_ITO,
  percent,
  percentInterval,
  resolveLanguage,
  shareTicks,
  titleOf,
  withCaption,
} from './common.js';
import { variableTitle } from './labels.js';
import { phrase, word } from './words.js';

/** Options of {@link subgroupChart}. */
export interface SubgroupChartOptions extends ChartOptions {
  /** The grouping variables to show, in this order (default: all of the result, in its order). */
  by?: readonly string[];
  /** Rows within a panel: `'none'` (default: the variable's level order) or by share. */
  sort?: 'none' | 'descending' | 'ascending';
  /** The share axis' range, default from 0 to the next 10% above the highest interval. */
  domain?: [number, number];
  /**
   * What the share counts, for the subtitle ("Share answering Support, by subgroup"): the
   * answers' labels (translated with `labels`). Default: no such line.
   */
  counts?: readonly string[];
}

/**
 * Small multiples of an item by subgroup ({@link svySubgroups}'s result): one panel per grouping
 * variable, one row per subgroup with its share, confidence interval and unweighted base (n),
 * and the national share as a dashed reference line with its interval as a grey band. Panels
 * share one label column, so their headings and plots line up. A subgroup whose difference from
 * the national share is significant (the design-based test of subgroup − national, which
 * accounts for the subgroup being part of the national sample) has a coloured dot; the others
 * are grey. Shares failing the NCHS standard for proportions (each judged on its subgroup's own
 * degrees of freedom) are hollow with a dashed interval and `*`, explained in a footnote. The
 * tooltip gives the share, interval, base, and the difference with its p-value.
 *
 * Colours (`colors`): the subgroups that differ, then the national line, then those that do not.
 *
 * @param result - {@link svySubgroups}'s result.
 * @param opts - The chart's options (see {@link SubgroupChartOptions} and {@link ChartOptions}).
 * @example
 * ```ts
 * const data = fromColumns({
 *   coop: ['Yes', 'Yes', 'No', 'Yes', 'No', 'No', 'Yes', 'Yes'],
 *   age: ['young', 'young', 'young', 'old', 'old', 'old', 'old', 'young'],
 * });
 * const answers = [{ code: 1, label: { en: 'Yes' }, group: 'positive' as const }, { code: 2, label: { en: 'No' }, group: 'negative' as const }];
 * // (eight respondents are far below the reliability standard: not judged here)
 * const spec = subgroupChart(svySubgroups(svyDesign(data), { variable: 'coop', answers }, 'age'), { title: 'Support', reliability: false });
 * console.log((spec as { vconcat: Array<{ data: { values: Array<{ subgroup: string; nText: string }> } }> }).vconcat[0]!.data.values.map((r) => `${r.subgroup} ${r.nText}`)); // => [ 'young n = 4', 'old n = 4' ]
 * ```
 */
export function subgroupChart(
  result: SubgroupResult,
  opts: SubgroupChartOptions = {},
): TopLevelSpec {
  const { language, tr } = resolveLanguage(opts);
  const levelText = `${Math.round(result.level * 100)}%`;
  const byOrder = opts.by ?? [...new Set(result.rows.map((r) => r.by))];
  const picked = result.rows
    .filter((r) => byOrder.includes(r.by))
    .sort(
      (a, b) =>
        byOrder.indexOf(a.by) - byOrder.indexOf(b.by) ||
        (opts.sort === 'descending'
          ? b.estimate - a.estimate
          : opts.sort === 'ascending'
            ? a.estimate - b.estimate
            : 0),
    );
  const flags: ChartFlag[] = picked.map((r) => chartFlag({ ...r, df: r.domainDf }, opts));
  const rows = picked.map((r, i) => ({
    by: r.by,
    panel: variableTitle(r.by, language, opts.labels),
    subgroup: tr(r.subgroup, r.by),
    estimate: r.estimate,
    lo: r.ci[0],
    hi: r.ci[1],
    n: r.n,
    nText: `n = ${formatNumber(r.n, 0, language)}`,
    differs: r.vsNational.differs,
    hollow: flags[i]!.mark === '*',
    estimateText: `${percent(r.estimate, 1, language)}${flags[i]!.mark}`,
    ciText: percentInterval(r.ci, 1, language),
    diffText: `${r.vsNational.difference > 0 ? '+' : ''}${fixed(100 * r.vsNational.difference, 1, language)} (p ${pValueText(r.vsNational.pValue, language)})`,
    differsText: word(r.vsNational.differs ? 'yes' : 'no', language),
  }));
  const national = result.national;
  const domain = opts.domain ?? [
    0,
    Math.min(1, Math.ceil(Math.max(...rows.map((r) => r.hi), national.ci[1]) * 10 - 1e-9) / 10),
  ];
  const colour = opts.colors?.[0] ?? OKABE_ITO[0];
  const nationalColour = opts.colors?.[1] ?? '#444444';
  const sameColour = opts.colors?.[2] ?? '#9a9a9a';
  const x = {
    type: 'quantitative' as const,
    scale: { domain, nice: false },
    axis: { values: shareTicks(domain), format: '.0%', grid: true },
    title: word('share', language),
  };
  const tooltip = [
    { field: 'subgroup', title: word('subgroup', language) },
    { field: 'estimateText', title: word('share', language) },
    { field: 'ciText', title: `${levelText} ${word('ci', language)}` },
    { field: 'n', title: word('base', language), type: 'quantitative' as const },
    { field: 'diffText', title: word('difference', language) },
    { field: 'differsText', title: word('differs', language) },
  ];
  const nationalText = `${word('national', language)}: ${percent(national.estimate, 1, language)} (${levelText} ${word('ci', language).toLowerCase()} ${percentInterval(national.ci, 1, language)})`;
  const counts = opts.counts?.length
    ? [
        phrase('subgroupShare', language, {
          answers: opts.counts.map((c) => tr(c)).join(' / '),
        }),
      ]
    : [];
  const subtitle = opts.subtitle ?? [
    ...counts,
    phrase('subgroupLine', language, { national: nationalText }),
    word('subgroupDots', language),
  ];
  const panels = [...new Set(rows.map((r) => r.panel))];
  const width = opts.width ?? 380;
  // one label column for every panel, as wide as the longest label
  const labelWidth = labelColumnWidth(rows.map((r) => r.subgroup));
  const panel = (name: string, last: boolean) => {
    const px = last
      ? x
      : { ...x, axis: { ...x.axis, labels: false, ticks: false, domain: false }, title: null };
    const y = {
      field: 'subgroup',
      type: 'nominal' as const,
      sort: null,
      title: null,
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
        text: name,
        fontSize: 12,
        fontWeight: 'bold' as const,
        anchor: 'start' as const,
        offset: 4,
      },
      width,
      height: { step: 22 },
      data: { values: rows.filter((r) => r.panel === name) },
      layer: [
        {
          mark: { type: 'rect' as const, color: '#cccccc', opacity: 0.35 },
          encoding: { x: { ...px, datum: national.ci[0] }, x2: { datum: national.ci[1] } },
        },
        {
          mark: {
            type: 'rule' as const,
            color: nationalColour,
            strokeDash: [4, 3],
            strokeWidth: 1.5,
          },
          encoding: { x: { ...px, datum: national.estimate } },
        },
        {
          mark: { type: 'rule' as const, strokeWidth: 2 },
          encoding: {
            y,
            x: { ...px, field: 'lo' },
            x2: { field: 'hi' },
            color: { condition: { test: 'datum.differs', value: colour }, value: sameColour },
            strokeDash: { condition: { test: 'datum.hollow', value: [3, 2] }, value: [1, 0] },
            tooltip,
          },
        },
        {
          mark: { type: 'point' as const, filled: true, strokeWidth: 2, size: 64, opacity: 1 },
          encoding: {
            y,
            x: { ...px, field: 'estimate' },
            fill: {
              condition: [
                { test: 'datum.hollow', value: '#ffffff' },
                { test: 'datum.differs', value: colour },
              ],
              value: sameColour,
            },
            stroke: { condition: { test: 'datum.differs', value: colour }, value: sameColour },
            tooltip,
          },
        },
        {
          mark: {
            type: 'text' as const,
            align: 'right' as const,
            fontSize: 11,
            color: '#333333',
            x: width + 52,
          },
          encoding: { y, text: { field: 'estimateText' }, tooltip },
        },
        {
          mark: {
            type: 'text' as const,
            align: 'right' as const,
            fontSize: 10,
            color: '#666666',
            x: width + 118,
          },
          encoding: { y, text: { field: 'nText' }, tooltip },
        },
      ],
    };
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(opts.title ?? result.variable, subtitle),
    config: { ...chartConfig(language), concat: { spacing: 10 } },
    vconcat: panels.map((name, i) => panel(name, i === panels.length - 1)),
    resolve: { scale: { x: 'shared', y: 'independent' } },
  } satisfies TopLevelSpec;
  return withCaption(
    spec,
    opts,
    language,
    flagFootnotes(flags, language),
    Math.round((labelWidth + width + 130) / 6.4),
  );
}

/** A p-value as printed: "< 0.001" below that, else three decimals ("= 0.042"). */
function pValueText(p: number, language: string): string {
  return p < 0.001 ? `< ${fixed(0.001, 3, language)}` : `= ${fixed(p, 3, language)}`;
}
