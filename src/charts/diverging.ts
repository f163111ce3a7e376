/**
 * Diverging stacked bars for an attitude battery: one row per item (country), negative answers
 * to the left of zero, positive to the right, neutral and "hard to say" shown honestly beside
 * them, rows ordered by net score.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { AnswerGroup } from '../poll/questionnaire.js';
import {
  type ChartFlag,
  type ChartOptions,
  chartConfig,
  chartFlag,
  DIVERGING,
  fixed,
  flagFootnotes,
  percent,
  percentInterval,
  resolveLanguage,
  shareTicks,
  titleOf,
  withCaption,
  wrapLabel,
} from './common.js';
import { word } from './words.js';

/** The part of an item summary the chart reads (an {@link ItemSummary} has it). */
export interface DivergingItem {
  /** The item's key (e.g. the country). */
  key: string;
  /** English label (translated with the `labels` option). */
  label: string;
  /** Unweighted base: respondents with an answer. */
  n: number;
  /** Net score (positive − negative) and its interval: the default row order and the last column. */
  net: {
    /** The net score. */
    estimate: number;
    /** Its confidence interval. */
    ci: readonly [number, number];
  };
  /** Share of positive answers: the row order with `sort: 'positive'`. */
  positive: {
    /** The share. */
    estimate: number;
  };
  /** Each answer's share, in scale order. */
  answers: ReadonlyArray<{
    /** The answer's code. */
    code: number | string;
    /** The answer's English label. */
    level?: string;
    /** Which side or panel it is drawn in. */
    answerGroup: AnswerGroup;
    /** Its share (0–1). */
    estimate: number;
    /** Its confidence interval (shown in the tooltip). */
    ci: readonly [number, number];
    /** Its standard error (for the reliability flag; not assessed without). */
    se?: number;
  }>;
}

/** Options of {@link divergingChart}. */
export interface DivergingChartOptions extends ChartOptions {
  /**
   * Where neutral answers go: `'apart'` (default) in a panel of their own right of the diverging
   * bars, so the bars show only positive against negative; `'centre'`: split half and half
   * around zero (the classic Likert chart; the bars' ends then no longer read as shares).
   */
  neutral?: 'apart' | 'centre';
  /** Row order: `'net'` (default, highest net score on top), `'positive'`, or `'none'`. */
  sort?: 'net' | 'positive' | 'none';
  /** Confidence level of the intervals shown in the tooltip (default 0.95). */
  level?: number;
}

interface Segment {
  item: string;
  itemKey: string;
  answer: string;
  group: AnswerGroup;
  share: number;
  x: number;
  x2: number;
  mid: number;
  shareText: string;
  barText: string;
  ciText: string;
  n: number;
  labelColor: string;
  showLabel: boolean;
  colour: string;
  hollow: boolean;
}

/** Rounds a span up to the next 10% (at least 10%). */
const ceil10 = (x: number) => Math.max(0.1, Math.ceil(x * 10 - 1e-9) / 10);

/**
 * Diverging stacked bars of an attitude battery ({@link svyBattery}'s result): one row per item,
 * negative answers stacked left of zero (the strongest outermost), positive answers right of
 * zero, so a bar's right end is the positive share and its left end the negative share; rows
 * ordered by net score (positive − negative, printed in the last column).
 *
 * Neutral and "hard to say" are shown honestly, not hidden and not counted on either side: by
 * default (`neutral: 'apart'`) neutral answers get a panel of their own, and "hard to say"
 * (a real answer, in the base) always does, right of the diverging bars, on the same scale (a
 * percentage point has the same width in every panel). With `neutral: 'centre'`, neutral is
 * split around zero instead. Shares of 6% or more are printed on the bars; every share's
 * interval and the item's base are in the tooltip.
 *
 * Colours (`colors`): strong negative, negative, positive, strong positive, neutral, hard to say
 * (default a colour-blind-safe orange–blue scale and two greys); for scales with more or fewer
 * answers per side the outer colour is repeated.
 *
 * @param battery - {@link svyBattery}'s result (or items with the same fields).
 * @param opts - The chart's options (see {@link DivergingChartOptions} and {@link ChartOptions}).
 * @example
 * ```ts
 * const answer = (code: number, level: string, answerGroup: AnswerGroup, estimate: number) =>
 *   ({ code, level, answerGroup, estimate, ci: [estimate - 0.02, estimate + 0.02] as [number, number] });
 * const spec = divergingChart({ items: [{
 *   key: 'kz', label: 'Kazakhstan', n: 1480, positive: { estimate: 0.58 }, net: { estimate: 0.54, ci: [0.5, 0.58] },
 *   answers: [answer(1, 'Positive', 'positive', 0.58), answer(2, 'Neutral', 'neutral', 0.34),
 *     answer(3, 'Negative', 'negative', 0.04), answer(98, 'Hard to say', 'dk', 0.04)] }] });
 * console.log((spec as { hconcat: unknown[] }).hconcat.length); // => 4
 * ```
 */
export function divergingChart(
  battery: { items: readonly DivergingItem[] },
  opts: DivergingChartOptions = {},
): TopLevelSpec {
  const { language, tr } = resolveLanguage(opts);
  const centre = opts.neutral === 'centre';
  const levelText = `${Math.round((opts.level ?? 0.95) * 100)}%`;
  const items = battery.items;
  const sort = opts.sort ?? 'net';
  const ordered =
    sort === 'none'
      ? [...items]
      : [...items].sort((a, b) =>
          sort === 'net'
            ? b.net.estimate - a.net.estimate
            : b.positive.estimate - a.positive.estimate,
        );
  const rowOrder = ordered.map((i) => tr(i.label));

  // Answers of the scale (from the first item), in stacking order per side.
  const scale = items[0]?.answers ?? [];
  const label = (a: { level?: string; code: number | string }) => tr(a.level ?? String(a.code));
  const positives = scale.filter((a) => a.answerGroup === 'positive');
  const negatives = scale.filter((a) => a.answerGroup === 'negative');
  const neutrals = scale.filter((a) => a.answerGroup === 'neutral');
  const dks = scale.filter((a) => a.answerGroup === 'dk');
  const posFirst = scale.indexOf(positives[0]!) < scale.indexOf(negatives[0]!);
  // inner (next to zero) to outer
  const posInOut = (posFirst ? [...positives].reverse() : positives).map((a) => a.code);
  const negInOut = (posFirst ? negatives : [...negatives].reverse()).map((a) => a.code);

  const c = opts.colors ?? [
    DIVERGING.negative[0],
    DIVERGING.negative[1],
    DIVERGING.positive[0],
    DIVERGING.positive[1],
    DIVERGING.neutral,
    DIVERGING.dk,
  ];
  const ramp = (inner: string, outer: string, k: number) =>
    Array.from({ length: k }, (_, i) => (i === 0 ? inner : outer));
  const negColours = ramp(c[1]!, c[0]!, negInOut.length);
  const posColours = ramp(c[2]!, c[3]!, posInOut.length);
  const darkText = new Set([c[0], c[3]]);
  const colourOf = new Map<string | number, string>();
  negInOut.forEach((code, i) => {
    colourOf.set(code, negColours[i]!);
  });
  posInOut.forEach((code, i) => {
    colourOf.set(code, posColours[i]!);
  });
  for (const a of neutrals) colourOf.set(a.code, c[4]!);
  for (const a of dks) colourOf.set(a.code, c[5]!);
  // legend / colour domain: negative outer → inner, neutral, positive inner → outer, hard to say
  const legendCodes = [
    ...[...negInOut].reverse(),
    ...neutrals.map((a) => a.code),
    ...posInOut,
    ...dks.map((a) => a.code),
  ];
  const byCode = new Map(scale.map((a) => [a.code, a]));
  const domain = legendCodes.map((code) => label(byCode.get(code)!));
  const range = legendCodes.map((code) => colourOf.get(code)!);

  const main: Segment[] = [];
  const apart: Segment[] = [];
  const dk: Segment[] = [];
  const flags: ChartFlag[] = [];
  const nets: Array<{ item: string; net: string; netValue: number; ciText: string; n: number }> =
    [];
  let maxNeg = 0;
  let maxPos = 0;
  let maxNeutral = 0;
  let maxDk = 0;
  for (const item of items) {
    const name = tr(item.label);
    const share = new Map(item.answers.map((a) => [a.code, a]));
    const seg = (code: number | string, x: number, x2: number): Segment => {
      const a = share.get(code)!;
      const colour = colourOf.get(code) ?? c[4]!;
      const f = chartFlag({ estimate: a.estimate, se: a.se ?? null, n: item.n }, opts);
      flags.push(f);
      return {
        item: name,
        itemKey: item.key,
        answer: label(a),
        group: a.answerGroup,
        share: a.estimate,
        x,
        x2,
        mid: (x + x2) / 2,
        shareText: percent(a.estimate, 1, language),
        barText: `${fixed(100 * a.estimate, 0, language)}${f.mark}`,
        ciText: percentInterval(a.ci, 1, language),
        n: item.n,
        labelColor: darkText.has(colour) && f.mark !== '*' ? '#ffffff' : '#222222',
        showLabel: a.estimate >= 0.06,
        colour,
        hollow: f.mark === '*',
      };
    };
    const neutralShare = neutrals.reduce((s, a) => s + (share.get(a.code)?.estimate ?? 0), 0);
    let left = centre ? -neutralShare / 2 : 0;
    let right = centre ? neutralShare / 2 : 0;
    if (centre) {
      let x = -neutralShare / 2;
      for (const a of neutrals) {
        const s = share.get(a.code)?.estimate ?? 0;
        main.push(seg(a.code, x, x + s));
        x += s;
      }
    } else {
      for (const a of neutrals) {
        const s = share.get(a.code)?.estimate ?? 0;
        apart.push(seg(a.code, 0, s));
      }
    }
    for (const code of negInOut) {
      const s = share.get(code)?.estimate ?? 0;
      main.push(seg(code, left - s, left));
      left -= s;
    }
    for (const code of posInOut) {
      const s = share.get(code)?.estimate ?? 0;
      main.push(seg(code, right, right + s));
      right += s;
    }
    let dkShare = 0;
    for (const a of dks) {
      const s = share.get(a.code)?.estimate ?? 0;
      dk.push(seg(a.code, dkShare, dkShare + s));
      dkShare += s;
    }
    maxNeg = Math.max(maxNeg, -left);
    maxPos = Math.max(maxPos, right);
    maxNeutral = Math.max(maxNeutral, neutralShare);
    maxDk = Math.max(maxDk, dkShare);
    const netValue = item.net.estimate;
    nets.push({
      item: name,
      netValue,
      net: `${netValue > 0 ? '+' : ''}${fixed(100 * netValue, 0, language)}`,
      ciText: `${fixed(100 * item.net.ci[0], 1, language)} … ${fixed(100 * item.net.ci[1], 1, language)}`,
      n: item.n,
    });
  }

  const mainDomain: [number, number] = [-ceil10(maxNeg), ceil10(maxPos)];
  const pxPerUnit = (opts.width ?? 420) / (mainDomain[1] - mainDomain[0]);
  const apartDomain: [number, number] = [0, ceil10(maxNeutral)];
  const dkDomain: [number, number] = [0, ceil10(maxDk)];
  const step = 24;
  const y = {
    field: 'item',
    type: 'nominal' as const,
    sort: rowOrder,
    title: null,
  };
  const yHidden = { ...y, axis: null };
  const tooltip = [
    { field: 'item', title: word('item', language) },
    { field: 'answer', title: word('answer', language) },
    { field: 'shareText', title: word('share', language) },
    { field: 'ciText', title: `${levelText} ${word('ci', language)}` },
    { field: 'n', title: word('base', language), type: 'quantitative' as const },
  ];
  const color = {
    field: 'answer',
    type: 'nominal' as const,
    scale: { domain, range },
    sort: domain,
    title: null,
    legend: {
      orient: 'top' as const,
      direction: 'horizontal' as const,
      columns: Math.min(domain.length, 6),
      symbolType: 'square',
    },
  };
  const bars = (
    values: Segment[],
    xDomain: [number, number],
    title: string | null,
    withAxis: boolean,
  ) => ({
    width: Math.round(pxPerUnit * (xDomain[1] - xDomain[0])),
    height: { step },
    title:
      title === null
        ? undefined
        : {
            text: wrapLabel(title, 14),
            fontSize: 12,
            fontWeight: 'normal' as const,
            anchor: 'middle' as const,
          },
    data: { values },
    encoding: {
      y: withAxis
        ? { ...y, axis: { labelLimit: 240, ticks: false, domain: false, labelPadding: 6 } }
        : yHidden,
    },
    layer: [
      {
        mark: { type: 'bar' as const, height: { band: 0.75 }, stroke: '#ffffff', strokeWidth: 0.5 },
        encoding: {
          x: {
            field: 'x',
            type: 'quantitative' as const,
            scale: { domain: xDomain, nice: false },
            axis: {
              format: '.0%',
              labelExpr: "format(abs(datum.value), '.0%')",
              values: shareTicks(xDomain),
              grid: true,
            },
            title: withAxis ? word('negativePositive', language) : null,
          },
          x2: { field: 'x2' },
          // a share failing the reliability standard: hollow, outlined in its colour
          fill: { condition: { test: 'datum.hollow', value: '#ffffff' }, ...color },
          stroke: {
            condition: {
              test: 'datum.hollow',
              field: 'colour',
              type: 'nominal' as const,
              scale: null,
            },
            value: '#ffffff',
          },
          tooltip,
        },
      },
      {
        transform: [{ filter: 'datum.showLabel' }],
        mark: { type: 'text' as const, fontSize: 10 },
        encoding: {
          x: { field: 'mid', type: 'quantitative' as const },
          text: { field: 'barText' },
          color: { field: 'labelColor', type: 'nominal' as const, scale: null },
          tooltip,
        },
      },
      ...(withAxis
        ? [{ mark: { type: 'rule' as const, color: '#333333' }, encoding: { x: { datum: 0 } } }]
        : []),
    ],
  });
  const panels = [
    bars(main, mainDomain, null, true),
    ...(centre ? [] : [bars(apart, apartDomain, neutrals.map(label).join(', '), false)]),
    bars(dk, dkDomain, dks.map(label).join(', '), false),
    {
      width: 40,
      height: { step },
      title: {
        text: word('net', language),
        fontSize: 12,
        fontWeight: 'normal' as const,
        anchor: 'middle' as const,
      },
      data: { values: nets },
      mark: { type: 'text' as const, fontSize: 12, align: 'right' as const, x: 36 },
      encoding: {
        y: yHidden,
        text: { field: 'net' },
        tooltip: [
          { field: 'item', title: word('item', language) },
          { field: 'net', title: word('netScore', language) },
          { field: 'ciText', title: `${levelText} ${word('ci', language)}` },
          { field: 'n', title: word('base', language), type: 'quantitative' as const },
        ],
      },
    },
  ];
  const subtitle = opts.subtitle ?? word(centre ? 'divergingCentre' : 'divergingApart', language);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: titleOf(opts.title ?? word('attitudes', language), subtitle),
    config: { ...chartConfig(language), concat: { spacing: 14 } },
    hconcat: panels,
    resolve: { scale: { y: 'shared', x: 'independent', color: 'shared' } },
  } satisfies TopLevelSpec;
  const total = panels.reduce((sum, p) => sum + p.width, 0) + 120;
  return withCaption(spec, opts, language, flagFootnotes(flags, language), Math.round(total / 6.4));
}
