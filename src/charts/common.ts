/**
 * What every chart builder shares: options, colour-blind-safe palettes, the font, percent
 * formats, and the Vega-Lite config.
 * @module
 */
import type { Config } from 'vega-lite';
import { type ChartLabels, type ChartLanguage, translate } from './labels.js';

/** Options every chart builder takes. */
export interface ChartOptions {
  /** The chart's title (default: one made from the data, in the chart's language). */
  title?: string;
  /** A line under the title (default: what the marks mean, e.g. "dots: estimate; lines: 95% CI"). */
  subtitle?: string | string[];
  /** Language of the labels, default `'en'`: `'ru'` takes labels from `labels`. */
  language?: ChartLanguage;
  /** Translations of the data's labels (from {@link chartLabels}); English is used without. */
  labels?: ChartLabels;
  /** Colours to use instead of the builder's palette (each builder says what they stand for). */
  colors?: readonly string[];
  /** Width of the plotting area in pixels (default per builder, about 420). */
  width?: number;
}

/**
 * The Okabe–Ito palette: eight colours that stay distinct with every common colour-vision
 * deficiency (Okabe & Ito 2008).
 */
export const OKABE_ITO = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#D55E00', // vermillion
  '#F0E442', // yellow
  '#000000', // black
] as const;

/**
 * A diverging blue–orange palette (ColorBrewer's PuOr/RdBu family, colour-blind safe): strong
 * negative, negative, positive, strong positive; and two greys for neutral and "hard to say".
 */
export const DIVERGING = {
  /** Negative answers: strong negative (very), negative (rather). */
  negative: ['#B35806', '#F1A340'],
  /** Positive answers: positive (rather), strong positive (very). */
  positive: ['#92C5DE', '#2166AC'],
  /** Neutral answers. */
  neutral: '#A6A6A6',
  /** "Hard to say" answers. */
  dk: '#D9D9D9',
} as const;

/** The font every chart uses (bundled with the renderer: DejaVu Sans, full Cyrillic). */
export const CHART_FONT = 'DejaVu Sans';

/** The font stack of the specs: the bundled font first, then common fallbacks in a browser. */
export const CHART_FONT_STACK = 'DejaVu Sans, Verdana, Arial, sans-serif';

/**
 * Vega-Lite config shared by all charts: font, sizes, a light grid, no view outline; Russian
 * number formats (decimal comma) for `'ru'`.
 * @example
 * ```ts
 * console.log(chartConfig().font, chartConfig('ru').locale?.number?.decimal); // => DejaVu Sans, Verdana, Arial, sans-serif ,
 * ```
 */
export function chartConfig(language = 'en'): Config {
  return {
    ...(language === 'ru'
      ? {
          locale: {
            number: {
              decimal: ',',
              thousands: '\u00a0',
              grouping: [3],
              currency: ['', '\u00a0₽'],
              minus: '\u2212',
            },
          },
        }
      : {}),
    font: CHART_FONT_STACK,
    background: '#ffffff',
    padding: 8,
    view: { stroke: null },
    title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555555', anchor: 'start' },
    axis: {
      labelFontSize: 12,
      titleFontSize: 12,
      titleFontWeight: 'normal',
      gridColor: '#e6e6e6',
      domainColor: '#888888',
      tickColor: '#888888',
      labelColor: '#222222',
      titleColor: '#222222',
    },
    legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', orient: 'bottom' },
    header: { labelFontSize: 12, titleFontSize: 12 },
  };
}

/**
 * A number with fixed decimals in a language's style: a minus sign (−) for negatives, and a
 * decimal comma in Russian.
 * @example
 * ```ts
 * console.log(fixed(-16.94, 1), fixed(2.5, 2, 'ru')); // => −16.9 2,50
 * ```
 */
export function fixed(x: number, digits: number, language = 'en'): string {
  const s = Math.abs(x).toFixed(digits);
  const sign = x < 0 && Number(s) !== 0 ? '\u2212' : '';
  return sign + (language === 'ru' ? s.replace('.', ',') : s);
}

/**
 * A number with `digits` decimals and thousands grouped ("7,490,000"; Russian "7 490 000" with
 * no-break spaces and a decimal comma).
 * @example
 * ```ts
 * console.log(formatNumber(7490000), formatNumber(1234.5, 1, 'ru').replace(/\u00a0/g, '_')); // => 7,490,000 1_234,5
 * ```
 */
export function formatNumber(x: number, digits = 0, language = 'en'): string {
  const [int, frac] = fixed(x, digits, 'en').split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, language === 'ru' ? '\u00a0' : ',');
  return frac === undefined ? grouped : `${grouped}${language === 'ru' ? ',' : '.'}${frac}`;
}

/**
 * A share 0–1 as a percent with one decimal ("57.8%"; Russian "57,8%").
 * @example
 * ```ts
 * console.log(percent(0.5784), percent(0.5784, 0), percent(0.5784, 1, 'ru')); // => 57.8% 58% 57,8%
 * ```
 */
export function percent(x: number, digits = 1, language = 'en'): string {
  return `${fixed(100 * x, digits, language)}%`;
}

/**
 * An interval of shares as text ("54.6–61.0%").
 * @example
 * ```ts
 * console.log(percentInterval([0.546, 0.61])); // => 54.6–61.0%
 * ```
 */
export function percentInterval(
  ci: readonly [number, number],
  digits = 1,
  language = 'en',
): string {
  return `${fixed(100 * ci[0], digits, language)}–${fixed(100 * ci[1], digits, language)}%`;
}

/**
 * Splits a long label into lines of at most `width` characters (at spaces; a longer word gets
 * a line of its own).
 * @example
 * ```ts
 * console.log(wrapLabel('Support for cooperation with Kazakhstan', 16).join(' | ')); // => Support for | cooperation with | Kazakhstan
 * ```
 */
export function wrapLabel(text: string, width = 28): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/**
 * The language and a translator of data labels, resolved from the options.
 * @example
 * ```ts
 * const labels = { text: { China: { ru: 'Китай' } }, variables: {}, levels: {} };
 * const { language, tr } = resolveLanguage({ language: 'ru', labels });
 * console.log(language, tr('China'), tr('Nowhere')); // => ru Китай Nowhere
 * ```
 */
export function resolveLanguage(opts: ChartOptions): {
  language: ChartLanguage;
  tr: (text: string, variable?: string) => string;
} {
  const language = opts.language ?? 'en';
  return { language, tr: (text, variable) => translate(text, language, opts.labels, variable) };
}

/**
 * The title of a spec: the text (wrapped past 70 characters) and an optional subtitle (lines
 * wrapped past 96).
 * @example
 * ```ts
 * console.log(JSON.stringify(titleOf('Attitudes', 'Dots: estimates'))); // => {"text":"Attitudes","subtitle":"Dots: estimates"}
 * ```
 */
export function titleOf(
  text: string,
  subtitle: string | string[] | undefined,
): { text: string | string[]; subtitle?: string | string[] } {
  const lines = text.length > 70 ? wrapLabel(text, 70) : text;
  if (subtitle === undefined || subtitle.length === 0) return { text: lines };
  const sub = (typeof subtitle === 'string' ? [subtitle] : subtitle).flatMap((s) =>
    s.length > 96 ? wrapLabel(s, 90) : [s],
  );
  return { text: lines, subtitle: sub.length === 1 ? sub[0]! : sub };
}

/**
 * Tick values of a share axis: every `step`, by default 10% for a span up to 60% and 20% above,
 * always including 0 when the domain spans it.
 * @example
 * ```ts
 * console.log(shareTicks([-0.3, 0.7]).join(' '), '|', shareTicks([0, 0.3]).join(' ')); // => -0.2 0 0.2 0.4 0.6 | 0 0.1 0.2 0.3
 * ```
 */
export function shareTicks(domain: readonly [number, number], step?: number): number[] {
  step ??= domain[1] - domain[0] > 0.6 + 1e-9 ? 0.2 : 0.1;
  const out: number[] = [];
  for (let k = Math.ceil(domain[0] / step - 1e-9); k * step <= domain[1] + 1e-9; k++) {
    out.push(Math.round(k * step * 100) / 100 || 0);
  }
  return out;
}
