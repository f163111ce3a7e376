/**
 * Subgroups against the national figure: small multiples, one panel per grouping variable (age
 * group, region, settlement type), each subgroup a dot with its interval, the national share a
 * dashed reference line with its interval as a band.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SubgroupResult } from '../poll/subgroups.js';
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
import { variableTitle, word } from './labels.js';

/** Options of {@link subgroupChart}. */
export interface SubgroupChartOptions extends ChartOptions {
  /** The grouping variables to show, in this order (default: all of the result, in its order). */
  by?: readonly string[];
  /** Rows within a panel: `'none'` (default: the variable's level order) or by share. */
  sort?: 'none' | 'descending' | 'ascending';
  /** The share axis' range, default from 0 to the next 10% above the highest interval. */
  domain?: [number, number];
}

/**
 * Small multiples of an item by subgroup ({@link svySubgroups}'s result): one panel per grouping
 * variable, one row per subgroup with its share and confidence interval, and the national share
 * as a dashed reference line with its interval as a grey band. A subgroup whose difference from
 * the national share is significant (the design-based test of subgroup − national, which
 * accounts for the subgroup being part of the national sample) has a filled dot; the others are
 * hollow. The tooltip gives the share, interval, base, and the difference with its p-value.
 *
 * Colours (`colors`): the subgroups, then the national line.
 *
 * @example
 * ```ts
 * const data = fromColumns({
 *   coop: ['Yes', 'Yes', 'No', 'Yes', 'No', 'No', 'Yes', 'Yes'],
 *   age: ['young', 'young', 'young', 'old', 'old', 'old', 'old', 'young'],
 * });
 * const answers = [{ code: 1, label: { en: 'Yes' }, group: 'positive' as const }, { code: 2, label: { en: 'No' }, group: 'negative' as const }];
 * const spec = subgroupChart(svySubgroups(svyDesign(data), { variable: 'coop', answers }, 'age'), { title: 'Support' });
 * console.log((spec as { vconcat: Array<{ data: { values: Array<{ subgroup: string }> } }> }).vconcat[0]!.data.values.map((r) => r.subgroup)); // => [ 'young', 'old' ]
 * ```
 */
export function subgroupChart(
  result: SubgroupResult,
  opts: SubgroupChartOptions = {},
): TopLevelSpec {
  const { language, tr } = resolveLanguage(opts);
  const levelText = `${Math.round(result.level * 100)}%`;
  const byOrder = opts.by ?? [...new Set(result.rows.map((r) => r.by))];
  const rows = result.rows
    .filter((r) => byOrder.includes(r.by))
    .sort(
      (a, b) =>
        byOrder.indexOf(a.by) - byOrder.indexOf(b.by) ||
        (opts.sort === 'descending'
          ? b.estimate - a.estimate
          : opts.sort === 'ascending'
            ? a.estimate - b.estimate
            : 0),
    )
    .map((r) => ({
      by: r.by,
      panel: variableTitle(r.by, language, opts.labels),
      subgroup: tr(r.subgroup, r.by),
      estimate: r.estimate,
      lo: r.ci[0],
      hi: r.ci[1],
      n: r.n,
      differs: r.vsNational.differs,
      estimateText: percent(r.estimate, 1, language),
      ciText: percentInterval(r.ci, 1, language),
      diffText: `${r.vsNational.difference > 0 ? '+' : ''}${fixed(100 * r.vsNational.difference, 1, language)} (p = ${fixed(r.vsNational.pValue, 3, language)})`,
      differsText: word(r.vsNational.differs ? 'yes' : 'no', language),
    }));
  const national = result.national;
  const domain = opts.domain ?? [
    0,
    Math.min(1, Math.ceil(Math.max(...rows.map((r) => r.hi), national.ci[1]) * 10 - 1e-9) / 10),
  ];
  const colour = opts.colors?.[0] ?? OKABE_ITO[0];
  const nationalColour = opts.colors?.[1] ?? '#444444';
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
  const subtitle =
    opts.subtitle ??
    (language === 'ru'
      ? [
          `Пунктир и серая полоса — ${nationalText}`,
          'Закрашенные точки: значимое отличие от выборки в целом; линии: доверительный интервал',
        ]
      : [
          `Dashed line and grey band — ${nationalText}`,
          'Filled dots: significantly different from the national share; lines: confidence interval',
        ]);
  const panels = [...new Set(rows.map((r) => r.panel))];
  const width = opts.width ?? 380;
  const panel = (name: string, last: boolean) => {
    const px = last
      ? x
      : { ...x, axis: { ...x.axis, labels: false, ticks: false, domain: false }, title: null };
    const y = {
      field: 'subgroup',
      type: 'nominal' as const,
      sort: null,
      title: null,
      axis: { labelLimit: 320, ticks: false, domain: false, labelPadding: 6 },
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
          mark: { type: 'rule' as const, color: colour, strokeWidth: 2 },
          encoding: { y, x: { ...px, field: 'lo' }, x2: { field: 'hi' }, tooltip },
        },
        {
          mark: {
            type: 'point' as const,
            filled: true,
            stroke: colour,
            strokeWidth: 2,
            size: 64,
            opacity: 1,
          },
          encoding: {
            y,
            x: { ...px, field: 'estimate' },
            fill: { condition: { test: 'datum.differs', value: colour }, value: '#ffffff' },
            tooltip,
          },
        },
        {
          mark: {
            type: 'text' as const,
            align: 'right' as const,
            fontSize: 11,
            color: '#333333',
            x: width + 50,
          },
          encoding: { y, text: { field: 'estimateText' }, tooltip },
        },
      ],
    };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(opts.title ?? result.variable, subtitle),
    config: { ...chartConfig(language), concat: { spacing: 10 } },
    vconcat: panels.map((name, i) => panel(name, i === panels.length - 1)),
    resolve: { scale: { x: 'shared', y: 'independent' } },
  } satisfies TopLevelSpec;
}
