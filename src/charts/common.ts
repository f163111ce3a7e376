/**
 * What every chart builder shares: options, colour-blind-safe palettes, the font, percent
 * formats, and the Vega-Lite config.
 * @module
 */
import type { Config, TopLevelSpec } from 'vega-lite';
import { type Reliability, type ReliabilityReason, reliability } from '../poll/reliability.js';
import { type ChartLabels, type ChartLanguage, translate } from './labels.js';
import { vegaSafeSpec } from './vega-text.js';
import { type ChartWord, phrase, word } from './words.js';

/** Options every chart builder takes. */
export interface ChartOptions {
  /** The chart's title (default: one made from the data, in the chart's language). */
  title?: string;
  /** A line under the title (default: what the marks mean, e.g. "dots: estimate; lines: 95% CI"). */
  subtitle?: string | string[];
  /**
   * Language of the chart (default `'en'`): data labels from `labels` in that language, the
   * charts' own words in English, Russian or Belarusian (English for others), numbers in its
   * style (decimal comma where the language uses one).
   */
  language?: ChartLanguage;
  /** Translations of the data's labels (from {@link chartLabels}); the labels as given without. */
  labels?: ChartLabels;
  /** Colours to use instead of the builder's palette (each builder says what they stand for). */
  colors?: readonly string[];
  /** Width of the plotting area in pixels (default per builder, about 420). */
  width?: number;
  /**
   * Where the data comes from, printed under the chart as "Source: …" (in the chart's language),
   * as published polls do: e.g. the pollster, the poll and its dates, or "synthetic data".
   */
  source?: string;
  /**
   * Further lines under the chart, after the source: the base (n), the weighting, the margin of
   * error — whatever a reader needs to weigh the figures.
   */
  note?: string | readonly string[];
  /**
   * Flag shares that fail the NCHS standard for proportions ({@link reliability}): hollow marks
   * and a footnote saying why (default `true`; shares without a standard error are not assessed).
   */
  reliability?: boolean;
  /**
   * Degrees of freedom of the estimates' variance, for the reliability flags (the interval's
   * effective sample size and the review below 8); a row's own `df` comes first. Default none.
   */
  df?: number;
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

/** The separators a language writes numbers with. */
export interface NumberSeparators {
  /** The decimal separator (`.` in English, `,` in Russian). */
  decimal: string;
  /** The thousands separator (`,` in English, a no-break space in Russian). */
  group: string;
}

const separators = new Map<string, NumberSeparators>();

/**
 * The decimal and thousands separators of a language, from the runtime's `Intl` (English's for
 * a language it does not know): `.` and `,` in English, `,` and a no-break space in Russian and
 * Belarusian, `,` and `.` in German.
 * @param language - A language code; one `Intl` does not know writes numbers as English does.
 * @example
 * ```ts
 * const be = numberSeparators('be');
 * console.log(numberSeparators('en').decimal, be.decimal, be.group === '\u00a0', numberSeparators('de').group); // => . , true .
 * ```
 */
export function numberSeparators(language = 'en'): NumberSeparators {
  let found = separators.get(language);
  if (!found) {
    let parts: Intl.NumberFormatPart[] = [];
    try {
      const known = Intl.NumberFormat.supportedLocalesOf([language]).length > 0;
      parts = new Intl.NumberFormat(known ? language : 'en').formatToParts(12345.6);
    } catch {
      parts = new Intl.NumberFormat('en').formatToParts(12345.6);
    }
    found = {
      decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
      group: parts.find((p) => p.type === 'group')?.value ?? ',',
    };
    separators.set(language, found);
  }
  return found;
}

/**
 * Vega-Lite config shared by all charts: font, sizes, a light grid, no view outline; number
 * formats of the chart's language (decimal comma where the language uses one).
 * @example
 * ```ts
 * console.log(chartConfig().font, chartConfig('ru').locale?.number?.decimal, chartConfig('be').locale?.number?.decimal); // => DejaVu Sans, Verdana, Arial, sans-serif , ,
 * ```
 */
export function chartConfig(language = 'en'): Config {
  const { decimal, group } = numberSeparators(language);
  return {
    ...(decimal !== '.' || group !== ','
      ? {
          locale: {
            number: {
              decimal,
              thousands: group,
              grouping: [3],
              currency: ['', ''],
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
    legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', orient: 'top' },
    header: { labelFontSize: 12, titleFontSize: 12 },
  };
}

/**
 * A number with fixed decimals in a language's style: a minus sign (−) for negatives, and the
 * language's decimal separator (a comma in Russian, Belarusian, German...).
 * @example
 * ```ts
 * console.log(fixed(-16.94, 1), fixed(2.5, 2, 'ru'), fixed(0.25, 2, 'be')); // => −16.9 2,50 0,25
 * ```
 */
export function fixed(x: number, digits: number, language = 'en'): string {
  const s = Math.abs(x).toFixed(digits);
  const sign = x < 0 && Number(s) !== 0 ? '\u2212' : '';
  const { decimal } = numberSeparators(language);
  return sign + (decimal === '.' ? s : s.replace('.', decimal));
}

/**
 * A number with `digits` decimals and thousands grouped in a language's style ("7,490,000";
 * Russian "7 490 000" with no-break spaces and a decimal comma).
 * @example
 * ```ts
 * console.log(formatNumber(7490000), formatNumber(1234.5, 1, 'ru').replace(/\u00a0/g, '_')); // => 7,490,000 1_234,5
 * ```
 */
export function formatNumber(x: number, digits = 0, language = 'en'): string {
  const [int, frac] = fixed(x, digits, 'en').split('.');
  const { decimal, group } = numberSeparators(language);
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return frac === undefined ? grouped : `${grouped}${decimal}${frac}`;
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

/**
 * A width in pixels for a column of 12 px labels (an estimate from their length, so that the
 * panels of a chart can share one label column and line up; at most `max`).
 * @example
 * ```ts
 * console.log(labelColumnWidth(['Brest', 'Minsk region'])); // => 97
 * ```
 */
export function labelColumnWidth(labels: readonly string[], max = 320): number {
  return Math.min(max, Math.max(0, ...labels.map((l) => Math.ceil(l.length * 7.4) + 8)));
}

/** A chart row's reliability flag ({@link chartFlag}). */
export interface ChartFlag {
  /** The verdict of the NCHS standard (`null`: reliable, or not assessed). */
  flag: Reliability['flag'];
  /** Why. */
  reasons: readonly ReliabilityReason[];
  /** What follows the row's value: `*` (suppress: drawn hollow), `†` (review or footnote), or `''`. */
  mark: '' | '*' | '†';
}

const NO_FLAG: ChartFlag = { flag: null, reasons: [], mark: '' };

/**
 * The reliability flag of a share drawn in a chart, by the NCHS standard for proportions
 * ({@link reliability}, with the row's `df`, else the chart's): none when the chart's
 * `reliability` is `false`, the value is not a share, or the row has no standard error.
 * @example
 * ```ts
 * console.log(chartFlag({ estimate: 0.04, se: 0.04, n: 60 }, {}).mark, chartFlag({ estimate: 0.5, se: 0.02, n: 900 }, {}).mark === ''); // => * true
 * ```
 */
export function chartFlag(
  row: { estimate: number; se?: number | null; n?: number | null; df?: number | null },
  opts: Pick<ChartOptions, 'reliability' | 'df'>,
  isShare = true,
): ChartFlag {
  const { estimate, se, n } = row;
  if (opts.reliability === false || !isShare || se == null || n == null) return NO_FLAG;
  if (!(estimate >= 0 && estimate <= 1) || !(se >= 0) || !(n >= 1)) return NO_FLAG;
  const df = row.df ?? opts.df;
  const r = reliability({ estimate, se, n }, df === undefined ? {} : { df });
  return {
    flag: r.flag,
    reasons: r.reasons,
    mark: r.flag === null ? '' : r.flag === 'suppress' ? '*' : '†',
  };
}

/**
 * The footnotes of a chart's (or, `forTable`, a table's) flagged rows, in its language: one for
 * hollow marks (`*`, the suppress rules met), one for `†` (review and footnote rules met); none
 * when nothing is flagged.
 * @example
 * ```ts
 * const [note] = flagFootnotes([chartFlag({ estimate: 0.04, se: 0.04, n: 60 }, {})], 'en');
 * console.log(note); // => * Hollow marks: below the NCHS standard for proportions (Parker et al. 2017): effective sample size under 30; not reliable
 * ```
 */
export function flagFootnotes(
  flags: readonly ChartFlag[],
  language: string,
  forTable = false,
): string[] {
  const out: string[] = [];
  const reasonsOf = (mark: ChartFlag['mark']) =>
    [...new Set(flags.filter((f) => f.mark === mark).flatMap((f) => f.reasons))]
      .map((r) => word(`reason:${r}` as ChartWord, language))
      .join('; ');
  if (flags.some((f) => f.mark === '*')) {
    out.push(
      phrase(forTable ? 'flagSuppressTable' : 'flagSuppress', language, {
        reasons: reasonsOf('*'),
      }),
    );
  }
  if (flags.some((f) => f.mark === '†')) {
    out.push(phrase('flagReview', language, { reasons: reasonsOf('†') }));
  }
  return out;
}

/**
 * The caption lines of a chart: "Source: …" (in its language), the note's lines, then the
 * footnotes, each wrapped at `wrapAt` characters.
 * @example
 * ```ts
 * console.log(captionLines({ source: 'BISR poll, synthetic data', note: 'n = 1,500' }, 'ru')); // => [ 'Источник: BISR poll, synthetic data', 'n = 1,500' ]
 * ```
 */
export function captionLines(
  opts: Pick<ChartOptions, 'source' | 'note'>,
  language: string,
  footnotes: readonly string[] = [],
  wrapAt = 100,
): string[] {
  const notes =
    opts.note === undefined ? [] : typeof opts.note === 'string' ? [opts.note] : opts.note;
  const lines = [
    ...(opts.source ? [`${word('source', language)}: ${opts.source}`] : []),
    ...notes,
    ...footnotes,
  ];
  return lines.flatMap((l) => (l.length > wrapAt ? wrapLabel(l, wrapAt) : [l]));
}

/**
 * A built chart with its caption under it ("Source: …" in the chart's language, the note's lines,
 * then the footnotes, each wrapped at `wrapAt` characters): the chart becomes the one
 * view of a `vconcat` whose bottom title, flush left with the chart's labels, is the caption;
 * the main title, config and named datasets stay at the top level. Without caption lines the
 * spec is returned as it is. Either way it is then made safe for vega's expression parser
 * (`vegaSafeSpec`: every builder returns through here), so that the spec draws with
 * plain vega / vega-embed whatever its labels are, saved to a file too.
 * @param spec - A chart built by one of the builders (or any Vega-Lite spec).
 * @param opts - `source` (printed as "Source: …") and `note` (further lines).
 * @param language - The language of the word "Source" (default words: English).
 * @param footnotes - Lines after the note (e.g. {@link ChartOptions.reliability}'s footnotes).
 * @param wrapAt - Wrap lines longer than this many characters.
 * @example
 * ```ts
 * const spec = withCaption({ title: 'T', mark: 'point', data: { values: [{}] } }, { source: 'S' }, 'en');
 * console.log(JSON.stringify((spec as { vconcat: Array<{ title: { text: string[] } }> }).vconcat[0]!.title.text)); // => ["Source: S"]
 * ```
 */
export function withCaption(
  spec: TopLevelSpec,
  opts: Pick<ChartOptions, 'source' | 'note'>,
  language: string,
  footnotes: readonly string[] = [],
  wrapAt = 100,
): TopLevelSpec {
  const lines = captionLines(opts, language, footnotes, wrapAt);
  if (lines.length === 0) return vegaSafeSpec(spec);
  const { $schema, title, config, datasets, ...body } = spec as unknown as Record<string, unknown>;
  return vegaSafeSpec({
    ...($schema === undefined ? {} : { $schema }),
    ...(title === undefined ? {} : { title }),
    ...(config === undefined ? {} : { config }),
    ...(datasets === undefined ? {} : { datasets }),
    vconcat: [
      {
        ...body,
        title: {
          text: lines,
          orient: 'bottom',
          anchor: 'start',
          fontSize: 11,
          fontWeight: 'normal',
          color: '#555555',
          lineHeight: 15,
          offset: 14,
        },
      },
    ],
  } as unknown as TopLevelSpec);
}
