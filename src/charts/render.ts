/**
 * Rendering charts: Vega-Lite → Vega → SVG (vega's headless `View`) anywhere, and → PNG (resvg)
 * on Node. On Node the bundled DejaVu Sans font is used both for measuring text (so labels,
 * Cyrillic included, are laid out at their real width) and for drawing it; in a browser vega
 * measures text with the page's canvas, in the fonts the browser will draw it with. Nothing is
 * downloaded: the font ships in the `dejavu-fonts-ttf` package, resvg's binary in its npm
 * package, and vega's loader is replaced by one that refuses every URL.
 * @module
 */
import type { ResvgRenderOptions } from '@resvg/resvg-js';
import type * as Vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { SurveyError } from '../errors.js';
import { limitOption, tooLargeMessage } from '../limits.js';
import { nodeBuiltin, nodeRequire } from '../platform/node.js';
import { CHART_FONT } from './common.js';
import { vegaSafeSpec } from './vega-text.js';
import { xmlText } from './xml.js';

// vega loads on first use; resvg (a native binding), fontkit and the font files only on Node,
// found at run time, so that a browser bundle of surveykit holds none of them.
let vegaModule: typeof Vega | null = null;
async function loadVega(): Promise<typeof Vega> {
  vegaModule ??= await import('vega');
  return vegaModule;
}
const PNG_INSTEAD =
  'in a browser render the chart with renderSvg and draw the SVG on a canvas, or use vega-embed';
type ResvgClass = new (
  svg: string,
  opts: ResvgRenderOptions,
) => { readonly width: number; readonly height: number; render(): { asPng(): Uint8Array } };
const loadResvg = (): ResvgClass =>
  (nodeRequire('renderPng', PNG_INSTEAD)('@resvg/resvg-js') as { Resvg: ResvgClass }).Resvg;
const loadFontkit = () =>
  nodeRequire('measuring text with the chart font', PNG_INSTEAD)('fontkit') as {
    openSync(path: string): unknown;
  };

type Face = 'regular' | 'bold' | 'italic' | 'boldItalic';
const FACE_FILES: Record<Face, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  italic: 'DejaVuSans-Oblique.ttf',
  boldItalic: 'DejaVuSans-BoldOblique.ttf',
};

/**
 * Paths of the bundled font files (DejaVu Sans: regular, bold, oblique, bold oblique) from the
 * `dejavu-fonts-ttf` package (Node only: `NEEDS_NODE` elsewhere).
 * @example
 * ```ts
 * console.log(chartFontFiles().map((f) => f.split('/').at(-1)).join(' ')); // => DejaVuSans.ttf DejaVuSans-Bold.ttf DejaVuSans-Oblique.ttf DejaVuSans-BoldOblique.ttf
 * ```
 */
export function chartFontFiles(): string[] {
  const what = 'chartFontFiles';
  const pkg = nodeRequire(what, PNG_INSTEAD).resolve('dejavu-fonts-ttf/package.json');
  const dir = pkg.slice(0, pkg.length - 'package.json'.length);
  return Object.values(FACE_FILES).map((f) => `${dir}ttf/${f}`);
}

interface Metrics {
  faces: Record<Face, { unitsPerEm: number; layout(text: string): { advanceWidth: number } }>;
  cache: Map<string, number>;
}
let metrics: Metrics | null = null;

function faceOf(item: { fontWeight?: string | number; fontStyle?: string }): Face {
  const w = item.fontWeight;
  const bold = w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600);
  const italic = item.fontStyle === 'italic' || item.fontStyle === 'oblique';
  return bold ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular';
}

/**
 * Width in pixels of a text in the chart font (DejaVu Sans, kerned, as resvg draws it). Node
 * only (`NEEDS_NODE` elsewhere: a browser measures with its canvas).
 * @param text - The text to measure.
 * @param fontSize - The font size in pixels.
 * @param weight - `'bold'` to measure bold text; default `'normal'`.
 * @example
 * ```ts
 * console.log(textWidth('Казахстан', 12).toFixed(1), textWidth('Kazakhstan', 12, 'bold').toFixed(1)); // => 65.5 78.5
 * ```
 */
export function textWidth(
  text: string,
  fontSize: number,
  weight: 'normal' | 'bold' = 'normal',
): number {
  return measure({ fontSize, fontWeight: weight }, text);
}

function measure(
  item: { fontSize?: number; fontWeight?: string | number; fontStyle?: string },
  text: string,
): number {
  if (metrics === null) {
    const files = chartFontFiles();
    const faces = {} as Metrics['faces'];
    const fontkit = loadFontkit();
    (Object.keys(FACE_FILES) as Face[]).forEach((face, i) => {
      faces[face] = fontkit.openSync(files[i]!) as Metrics['faces'][Face];
    });
    metrics = { faces, cache: new Map() };
  }
  const face = faceOf(item);
  const key = `${face}\u0000${text}`;
  let em = metrics.cache.get(key);
  if (em === undefined) {
    const f = metrics.faces[face];
    em = f.layout(text).advanceWidth / f.unitsPerEm;
    metrics.cache.set(key, em);
  }
  return em * (item.fontSize ?? 11);
}

let installed = false;
/**
 * On Node, makes vega measure text with the chart font (once per process). Elsewhere vega keeps
 * its own measure (a canvas where there is one), which matches the fonts the page draws with.
 */
function useChartFontMetrics(vega: typeof Vega): void {
  if (installed || nodeBuiltin('node:module') === undefined) return;
  const tm = (vega as unknown as { textMetrics: { width: unknown } }).textMetrics;
  tm.width = (item: { fontSize?: number; fontWeight?: string | number }, text: unknown) =>
    measure(item, text == null ? '' : String(text));
  installed = true;
}

/** A vega loader that loads nothing (every chart carries its data inline); records refusals. */
function offlineLoader(vega: typeof Vega, refused: string[]): Vega.Loader {
  const refuse = async (uri: unknown) => {
    refused.push(String(uri));
    throw new SurveyError(
      'CHART_DATA_NOT_INLINE',
      `charts load nothing at run time; refused ${String(uri)}`,
      { value: String(uri) },
    );
  };
  return {
    ...vega.loader(),
    load: refuse,
    sanitize: refuse,
    http: refuse,
    file: refuse,
  } as unknown as Vega.Loader;
}

/**
 * Compiles a Vega-Lite spec to a Vega spec, collecting Vega-Lite's warnings instead of printing
 * them.
 * @param spec - A Vega-Lite spec, e.g. from one of the chart builders.
 * @throws {SurveyError} `INVALID_CHART_SPEC` when Vega-Lite cannot compile the spec.
 * @example
 * ```ts
 * const { spec, warnings } = compileChart({ data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } });
 * console.log(spec.marks?.length, warnings); // => 1 []
 * ```
 */
export function compileChart(spec: TopLevelSpec): {
  /** The Vega spec vega-lite compiled. */
  spec: Vega.Spec;
  /** vega-lite's warnings (the charts surveykit builds compile without any). */
  warnings: string[];
} {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...a: unknown[]) => {
      const message = a.map(String).join(' ');
      throw new SurveyError(
        'INVALID_CHART_SPEC',
        `Vega-Lite cannot compile the chart: ${message}`,
        {
          value: message,
        },
      );
    },
    warn: (...a: unknown[]) => {
      warnings.push(a.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  let out: ReturnType<typeof compile>;
  try {
    // texts vega would misread (a title "constructor") are made safe first: see vega-text.ts
    out = compile(vegaSafeSpec(spec), { logger: logger as never });
  } catch (e) {
    if (e instanceof SurveyError) throw e;
    // Vega-Lite fails on some invalid specs without logging (an unknown mark, a missing type)
    const message = e instanceof Error ? e.message : String(e);
    throw new SurveyError('INVALID_CHART_SPEC', `Vega-Lite cannot compile the chart: ${message}`, {
      value: message,
    });
  }
  return { spec: out.spec as Vega.Spec, warnings };
}

async function headlessView(spec: TopLevelSpec): Promise<Vega.View> {
  const vega = await loadVega();
  useChartFontMetrics(vega);
  const runtime = vega.parse(compileChart(spec).spec);
  const refused: string[] = [];
  const view = new vega.View(runtime, {
    renderer: 'none',
    loader: offlineLoader(vega, refused),
    logLevel: vega.None,
  });
  await view.runAsync();
  if (refused.length > 0) {
    view.finalize();
    throw new SurveyError(
      'CHART_DATA_NOT_INLINE',
      `charts load nothing at run time; the spec asked for ${refused.join(', ')}`,
      { value: refused },
    );
  }
  return view;
}

/**
 * Renders a Vega-Lite spec to an SVG document (text measured with the bundled DejaVu Sans).
 * Data must be inline: a spec that asks for a URL or file is an error (nothing is loaded). The
 * document is valid XML whatever the labels hold: characters XML cannot hold (control
 * characters other than tab and line breaks, lone surrogates) are removed (see `xmlText`).
 * @param spec - A Vega-Lite spec with its data inline, e.g. from one of the chart builders.
 * @throws {SurveyError} `CHART_DATA_NOT_INLINE` (a URL or file in the spec), `INVALID_CHART_SPEC`.
 * @example
 * ```ts
 * const svg = await renderSvg({ data: { values: [{ a: 'Да', b: 0.6 }] }, mark: 'bar',
 *   encoding: { y: { field: 'a', type: 'nominal' }, x: { field: 'b', type: 'quantitative' } } });
 * console.log(svg.startsWith('<svg'), svg.includes('Да')); // => true true
 * ```
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = await headlessView(spec);
  try {
    const svg = await view.toSVG();
    // Name the bundled font first, whatever the spec says, so the SVG draws as measured; drop
    // what XML cannot hold (a control character in a label would make the document invalid).
    return xmlText(
      svg.replace(/font-family="([^"]*)"/g, (_m, f: string) =>
        f.includes(CHART_FONT) ? `font-family="${f}"` : `font-family="${CHART_FONT}, ${f}"`,
      ),
    );
  } finally {
    view.finalize();
  }
}

/** Options of {@link renderPng}. */
export interface PngOptions {
  /** Pixels per SVG pixel, default 2 (a positive number). */
  scale?: number;
  /** Background colour, default white. */
  background?: string;
  /**
   * Most pixels the PNG may have (default 2^26 = 67,108,864, e.g. 8,192 × 8,192; each takes 4
   * bytes while it is drawn): a larger one is a `TOO_LARGE` error before anything is drawn.
   */
  maxPixels?: number;
}

/**
 * Renders SVG text to PNG bytes with resvg and the bundled DejaVu Sans (no system fonts). Node
 * only (`NEEDS_NODE` elsewhere).
 * @param svg - An SVG document, e.g. from {@link renderSvg}.
 * @param opts - Scale and background colour: see {@link PngOptions}.
 * @throws {SurveyError} `BAD_OPTION` (a scale that is not a positive number), `INVALID_SVG` (text
 *   resvg cannot read, e.g. not valid XML), `TOO_LARGE` (more than `maxPixels` pixels: the SVG's
 *   size times the scale, squared).
 * @example
 * ```ts
 * const png = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><text y="9">Я</text></svg>', { scale: 3 });
 * const view = new DataView(png.buffer, png.byteOffset);
 * console.log(String.fromCharCode(...png.subarray(1, 4)), view.getUint32(16), view.getUint32(20)); // => PNG 60 30
 * ```
 */
export function svgToPng(svg: string, opts: PngOptions = {}): Uint8Array {
  const scale = opts.scale ?? 2;
  if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale)) {
    throw new SurveyError('BAD_OPTION', `scale must be a positive number; got ${String(scale)}`, {
      option: 'scale',
      value: scale,
    });
  }
  const maxPixels = limitOption(
    'maxPixels',
    opts.maxPixels,
    (message) =>
      new SurveyError('BAD_OPTION', message, { option: 'maxPixels', value: opts.maxPixels }),
  );
  const Resvg = loadResvg();
  let resvg: InstanceType<ResvgClass>;
  try {
    resvg = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: opts.background ?? '#ffffff',
      font: {
        fontFiles: chartFontFiles(),
        loadSystemFonts: false,
        defaultFontFamily: CHART_FONT,
        sansSerifFamily: CHART_FONT,
      },
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new SurveyError('INVALID_SVG', `resvg cannot read the SVG: ${message}`, {
      value: message,
    });
  }
  const width = Math.ceil(resvg.width * scale);
  const height = Math.ceil(resvg.height * scale);
  const pixels = width * height;
  if (!(pixels <= maxPixels)) {
    throw new SurveyError(
      'TOO_LARGE',
      tooLargeMessage(
        `a PNG of ${width.toLocaleString('en-US')} × ${height.toLocaleString('en-US')} pixels (the SVG's ${resvg.width} × ${resvg.height} at scale ${scale}) has`,
        pixels,
        'pixels, which',
        'maxPixels',
        maxPixels,
      ),
      { value: pixels, limit: maxPixels, option: 'maxPixels' },
    );
  }
  return resvg.render().asPng();
}

/**
 * Renders a Vega-Lite spec to PNG bytes: {@link renderSvg}, then resvg at `scale` (default 2).
 * Node only (`NEEDS_NODE` elsewhere).
 * @param spec - A Vega-Lite spec with its data inline, e.g. from one of the chart builders.
 * @param opts - Scale (default 2, sharp on high-resolution screens) and background colour: see
 *   {@link PngOptions}.
 * @throws {SurveyError} as {@link renderSvg} and {@link svgToPng} (`TOO_LARGE` beyond `maxPixels`).
 * @example
 * ```ts
 * const png = await renderPng({ width: 100, height: 50, data: { values: [{ b: 1 }] }, mark: 'point',
 *   encoding: { x: { field: 'b', type: 'quantitative' } } }, { scale: 1 });
 * console.log(String.fromCharCode(...png.subarray(1, 4)), new DataView(png.buffer, png.byteOffset).getUint32(16) > 100); // => PNG true
 * ```
 */
export async function renderPng(spec: TopLevelSpec, opts: PngOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderSvg(spec), opts);
}
