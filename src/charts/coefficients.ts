/**
 * The coefficients of a model with their confidence intervals: for a logistic (or ordinal) model
 * as odds ratios on a log axis, for a log-link model as rate ratios, otherwise on the scale of
 * the outcome; a reference line at "no effect".
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Coefficient, FactorLevels, GlmFit, OlrFit } from '../models/types.js';
import {
  type ChartOptions,
  chartConfig,
  fixed,
  OKABE_ITO,
  resolveLanguage,
  titleOf,
  withCaption,
} from './common.js';
import { variableTitle } from './labels.js';
import { phrase, word } from './words.js';

/** Options of {@link coefficientChart}. */
export interface CoefficientChartOptions extends ChartOptions {
  /**
   * Show e^β (odds ratios for logistic and ordinal models, rate ratios for log-link models) on a
   * log axis with the reference line at 1; default `true` for those models, `false` (the
   * coefficients themselves, reference line at 0) for gaussian ones.
   */
  exponentiate?: boolean;
  /** The model terms to show (as in the formula, e.g. `['agegroup', 'region']`); default all. */
  terms?: readonly string[];
  /** Also show the intercept (default `false`; never for an exponentiated chart). */
  intercept?: boolean;
  /** Row order: `'none'` (default: the model's order) or by estimate. */
  sort?: 'none' | 'descending' | 'ascending';
}

/** A chart row: one coefficient. */
interface Row {
  label: string;
  term: string;
  estimate: number;
  lo: number;
  hi: number;
  significant: boolean;
  estimateText: string;
  ciText: string;
  pText: string;
  seText: string;
}

/**
 * A dot-and-interval chart of a model's coefficients ({@link svyGlm} or {@link svyOlr}): one row
 * per coefficient with its confidence interval (the fit's level and degrees of freedom), in the
 * model's order, labelled "variable: level" for the levels of a categorical predictor (each
 * against its reference level, named in the subtitle) and by the variable for a numeric one. For
 * a logistic or ordinal model the estimates are odds ratios e^β on a log axis (a log-link model:
 * rate ratios), with the reference line at 1; otherwise coefficients with the line at 0. Rows
 * whose interval excludes the reference have a filled dot. The tooltip gives the estimate, the
 * interval, the p-value and the SE of β. `source` and `note` are printed under the chart.
 *
 * Colours (`colors`): the estimates, then the reference line.
 *
 * @param fit - A fitted model ({@link svyGlm} or {@link svyOlr}; an ordinal model's cutpoints
 *   are not drawn).
 * @param opts - The chart's options (see {@link CoefficientChartOptions} and {@link ChartOptions}).
 * @example
 * ```ts
 * const data = await readCsv('test/reference/data/apistrat.csv');
 * const design = svyDesign(data, { strata: 'stype', weights: 'pw', fpc: 'fpc' });
 * const fit = svyGlm(design, 'sch.wide ~ stype + mobility', { family: 'quasibinomial' });
 * const spec = coefficientChart(fit, { title: 'School-wide target met' });
 * const rows = (spec as { data: { values: Array<{ label: string; estimate: number }> } }).data.values;
 * console.log(rows.map((r) => `${r.label} ${r.estimate.toFixed(2)}`).join(', '));
 * // => stype: H 0.12, stype: M 0.25, mobility 1.02
 * const captioned = coefficientChart(fit, { source: 'California API 2000', note: 'n = 200 schools' });
 * console.log((captioned as { vconcat: Array<{ title: { text: string[] } }> }).vconcat[0]!.title.text); // => [ 'Source: California API 2000', 'n = 200 schools' ]
 * ```
 */
export function coefficientChart(
  fit: GlmFit | OlrFit,
  opts: CoefficientChartOptions = {},
): TopLevelSpec {
  const { language, tr } = resolveLanguage(opts);
  const ordinal = 'cutpoints' in fit;
  const link = ordinal ? 'logit' : fit.link;
  const exponentiate = opts.exponentiate ?? link !== 'identity';
  const reference = exponentiate ? 1 : 0;
  const levelText = `${Math.round(fit.level * 100)}%`;
  const factors = new Map<string, FactorLevels>(fit.factorLevels.map((f) => [f.variable, f]));
  const labelOf = (c: Coefficient): string => {
    const f = factors.get(c.modelTerm);
    if (f !== undefined && c.term.startsWith(c.modelTerm)) {
      const level = c.term.slice(c.modelTerm.length);
      return `${variableTitle(c.modelTerm, language, opts.labels)}: ${tr(level, c.modelTerm)}`;
    }
    if (c.term === c.modelTerm) return variableTitle(c.term, language, opts.labels);
    return c.term;
  };
  const shown = fit.coefficients.filter(
    (c) =>
      !c.aliased &&
      (c.term !== '(Intercept)' || (opts.intercept === true && !exponentiate)) &&
      (opts.terms === undefined || opts.terms.includes(c.modelTerm)),
  );
  const t = (x: number) => (exponentiate ? Math.exp(x) : x);
  const digits = 2;
  const rows: Row[] = shown.map((c) => {
    const lo = t(c.ci[0]);
    const hi = t(c.ci[1]);
    return {
      label: labelOf(c),
      term: c.term,
      estimate: t(c.estimate),
      lo,
      hi,
      significant: lo > reference || hi < reference,
      estimateText: fixed(t(c.estimate), digits, language),
      ciText: `${fixed(lo, digits, language)} … ${fixed(hi, digits, language)}`,
      pText: c.pValue < 0.001 ? '< 0.001' : fixed(c.pValue, 3, language),
      seText: fixed(c.se, 3, language),
    };
  });
  const sort = opts.sort ?? 'none';
  const ordered =
    sort === 'none'
      ? rows
      : [...rows].sort((a, b) =>
          sort === 'descending' ? b.estimate - a.estimate : a.estimate - b.estimate,
        );
  const colour = opts.colors?.[0] ?? OKABE_ITO[0];
  const refColour = opts.colors?.[1] ?? '#444444';
  const what = exponentiate
    ? link === 'log'
      ? word('rateRatio', language)
      : word('oddsRatio', language)
    : word('coefficient', language);
  const lows = rows.map((r) => r.lo);
  const highs = rows.map((r) => r.hi);
  const lowest = Math.min(reference, ...lows);
  const highest = Math.max(reference, ...highs);
  const x = exponentiate
    ? {
        type: 'quantitative' as const,
        title: `${what} (${word('logScale', language)})`,
        scale: { type: 'log' as const, domain: [lowest / 1.15, highest * 1.15], nice: false },
        axis: { values: logTicks(lowest / 1.15, highest * 1.15), format: '~g', grid: true },
      }
    : {
        type: 'quantitative' as const,
        title: what,
        scale: { zero: true, nice: true },
        axis: { grid: true },
      };
  const tooltip = [
    { field: 'label', title: word('term', language) },
    { field: 'estimateText', title: what },
    { field: 'ciText', title: `${levelText} ${word('ci', language)}` },
    { field: 'pText', title: 'p' },
    { field: 'seText', title: `${word('se', language)} (β)` },
  ];
  const references = fit.factorLevels
    .filter((f) => shown.some((c) => c.modelTerm === f.variable))
    .map(
      (f) => `${variableTitle(f.variable, language, opts.labels)} ${tr(f.levels[0]!, f.variable)}`,
    );
  const subtitle = opts.subtitle ?? [
    phrase('coefficientMarks', language, { what: what.toLowerCase(), level: levelText }),
    ...(references.length > 0
      ? [phrase('comparedWith', language, { references: references.join(', ') })]
      : []),
  ];
  const y = {
    field: 'label',
    type: 'nominal' as const,
    sort: ordered.map((r) => r.label),
    title: null,
    axis: { labelLimit: 320, ticks: false, domain: false, labelPadding: 6 },
  };
  const width = opts.width ?? 380;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(opts.title ?? what, subtitle),
    config: chartConfig(language),
    width,
    height: { step: 22 },
    data: { values: rows },
    layer: [
      {
        mark: { type: 'rule', color: refColour, strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x: { ...x, datum: reference } },
      },
      {
        mark: { type: 'rule', color: colour, strokeWidth: 2 },
        encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' }, tooltip },
      },
      {
        mark: { type: 'point', filled: true, stroke: colour, strokeWidth: 2, size: 64, opacity: 1 },
        encoding: {
          y,
          x: { ...x, field: 'estimate' },
          fill: { condition: { test: 'datum.significant', value: colour }, value: '#ffffff' },
          tooltip,
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 5, fontSize: 11, color: '#333333' },
        encoding: {
          y,
          x: { ...x, field: 'hi' },
          text: { field: 'estimateText' },
          tooltip,
        },
      },
    ],
  } satisfies TopLevelSpec;
  return withCaption(spec, opts, language, [], Math.round((width + 240) / 6.4));
}

/** Ticks of a log axis: powers of 2 (and their halves' neighbours 1.5, 0.75 when few). */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let k = Math.ceil(Math.log2(lo)); 2 ** k <= hi; k++) out.push(2 ** k);
  if (out.length < 4) {
    for (const v of [0.75, 1.5, 0.25, 3, 0.1, 10])
      if (v >= lo && v <= hi && !out.includes(v)) out.push(v);
    out.sort((a, b) => a - b);
  }
  return out;
}
