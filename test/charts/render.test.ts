/**
 * Rendering on Node: SVG goldens (numbers rounded to one decimal), PNGs that are not blank and
 * have the expected size, text measured with the bundled font (Cyrillic included), and no
 * loading at run time.
 */
import { PNG } from 'pngjs';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chartFontFiles,
  compileChart,
  renderPng,
  renderSvg,
  svgToPng,
  textWidth,
} from '../../src/charts/render.js';
import { chartSpecs, golden, normalizeSvg, pollResults } from './fixtures.js';

let specs: Record<string, TopLevelSpec>;
beforeAll(async () => {
  specs = chartSpecs(await pollResults());
});

function svgSize(svg: string): [number, number] {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  expect(m).not.toBeNull();
  return [Number(m![1]), Number(m![2])];
}

/** Pixels of a PNG that are not (near) white, and those near a colour. */
function pixels(png: Uint8Array, colour?: [number, number, number]) {
  const img = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  let ink = 0;
  let near = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
    if (r < 240 || g < 240 || b < 240) ink++;
    if (colour && Math.abs(r - colour[0]) + Math.abs(g - colour[1]) + Math.abs(b - colour[2]) < 30)
      near++;
  }
  return { width: img.width, height: img.height, ink, near, total: img.width * img.height };
}

describe('renderSvg', () => {
  it('matches the golden SVG of every chart (numbers rounded to 1 decimal)', async () => {
    for (const [name, spec] of Object.entries(specs)) {
      const svg = await renderSvg(spec);
      expect(svg.startsWith('<svg'), name).toBe(true);
      const { expected, actual } = golden(`${name}.svg.golden`, `${normalizeSvg(svg)}\n`);
      expect(actual, name).toBe(expected);
    }
  });

  it('draws Cyrillic labels as text in the bundled font, laid out at their measured width', async () => {
    const svg = await renderSvg(specs['diverging-centre-ru']!);
    expect(svg).toContain('Казахстан');
    expect(svg).toContain('font-family="DejaVu Sans');
    // vega now measures text with the bundled font, not its estimate
    const tm = (
      vega as unknown as { textMetrics: { width: (item: object, text: string) => number } }
    ).textMetrics;
    expect(tm.width({ fontSize: 12 }, 'Казахстан')).toBeCloseTo(textWidth('Казахстан', 12), 10);
    // a longer label pushes the plot right by its measured width
    const bar = (label: string): TopLevelSpec => ({
      data: { values: [{ a: label, b: 1 }] },
      mark: 'bar',
      encoding: {
        y: { field: 'a', type: 'nominal', title: null },
        x: { field: 'b', type: 'quantitative' },
      },
    });
    const w1 = svgSize(await renderSvg(bar('Я')))[0];
    const w2 = svgSize(await renderSvg(bar('ЯЯЯЯЯЯЯЯЯЯ')))[0];
    // (axis labels are 10px by default; the SVG's width is rounded up to whole pixels)
    expect(Math.abs(w2 - w1 - textWidth('ЯЯЯЯЯЯЯЯЯ', 10))).toBeLessThan(1);
  });

  it('measures text with the bundled DejaVu Sans (kerned; bold is wider)', () => {
    expect(chartFontFiles()).toHaveLength(4);
    expect(textWidth('Казахстан', 12)).toBeCloseTo(65.496, 2);
    expect(textWidth('Kazakhstan', 12, 'bold')).toBeGreaterThan(textWidth('Kazakhstan', 12));
    expect(textWidth('AV', 12)).toBeLessThan(2 * textWidth('A', 12) + 0.001);
    expect(textWidth('', 12)).toBe(0);
  });

  it('loads nothing at run time: a spec with a URL is an error', async () => {
    await expect(
      renderSvg({
        data: { url: 'https://example.com/data.json' },
        mark: 'point',
        encoding: { x: { field: 'a', type: 'quantitative' } },
      }),
    ).rejects.toThrow(/load nothing at run time.*example\.com/);
  });

  it('collects Vega-Lite warnings instead of printing them', () => {
    const { warnings } = compileChart({
      data: { values: [{ a: 1 }] },
      mark: 'bar',
      encoding: { x: { field: 'a', type: 'quantitative' }, shape: { field: 'a', type: 'nominal' } },
    });
    expect(warnings.join(' ')).toMatch(/shape/);
  });
});

describe('renderPng', () => {
  it('is not blank, has the expected size, and shows the marks in their colours', async () => {
    const spec = specs['estimates-bar']!;
    const svg = await renderSvg(spec);
    const [w, h] = svgSize(svg);
    const png = await renderPng(spec, { scale: 2 });
    const p = pixels(png, [0x00, 0x72, 0xb2]);
    expect([p.width, p.height]).toEqual([Math.round(2 * w), Math.round(2 * h)]);
    expect(p.ink / p.total).toBeGreaterThan(0.03);
    expect(p.ink / p.total).toBeLessThan(0.6);
    expect(p.near).toBeGreaterThan(200); // the blue dots and interval lines
  });

  it('renders every chart, the Russian ones included, at scale 1 and 2', async () => {
    for (const name of ['diverging-centre-ru', 'ranking-net-ru', 'weights-histogram']) {
      const svg = await renderSvg(specs[name]!);
      const [w, h] = svgSize(svg);
      for (const scale of [1, 2]) {
        const p = pixels(svgToPng(svg, { scale }));
        expect([p.width, p.height], name).toEqual([Math.round(scale * w), Math.round(scale * h)]);
        expect(p.ink / p.total, name).toBeGreaterThan(0.03);
      }
    }
  });

  it('draws text with the bundled font only (no system fonts)', () => {
    const text = (s: string) =>
      pixels(
        svgToPng(
          `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="22" font-size="18" font-family="No Such Font">${s}</text></svg>`,
          { scale: 1 },
        ),
      ).ink;
    expect(text('Привет')).toBeGreaterThan(100);
    expect(text('')).toBe(0);
  });

  it('bounds the pixels before drawing: TOO_LARGE beyond maxPixels, BAD_OPTION for a bad scale', async () => {
    const spec: TopLevelSpec = {
      width: 400,
      height: 300,
      data: { values: [{ a: 1 }] },
      mark: 'point',
      encoding: { x: { field: 'a', type: 'quantitative' } },
    };
    const code = async (f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (e) {
        return [
          (e as { code?: string }).code,
          (e as { details?: Record<string, unknown> }).details,
        ];
      }
      return ['none', {}];
    };
    const [big, details] = await code(() => renderPng(spec, { scale: 300 }));
    expect(big).toBe('TOO_LARGE');
    expect(details).toMatchObject({ option: 'maxPixels', limit: 2 ** 26 });
    expect((details as { value: number }).value).toBeGreaterThan(1e10);
    expect((await code(() => renderPng(spec, { scale: 2, maxPixels: 1000 })))[0]).toBe('TOO_LARGE');
    expect((await code(() => renderPng(spec, { scale: 2, maxPixels: 0 })))[0]).toBe('BAD_OPTION');
    for (const scale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '2' as never]) {
      expect((await code(() => renderPng(spec, { scale })))[0], String(scale)).toBe('BAD_OPTION');
    }
    // raised, the same chart draws
    const png = await renderPng(spec, { scale: 0.5, maxPixels: Number.POSITIVE_INFINITY });
    expect(pixels(png).width).toBeLessThan(300);
  });

  it('SVG it cannot read is INVALID_SVG, not a bare resvg error', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><text>\u0001</text></svg>';
    let e: unknown;
    try {
      svgToPng(svg);
    } catch (x) {
      e = x;
    }
    expect((e as { code?: string }).code).toBe('INVALID_SVG');
    expect((e as Error).message).toContain('non-XML character');
  });
});

describe('labels with characters XML cannot hold', () => {
  it('renderSvg gives valid XML (they are removed) that resvg draws', async () => {
    const labels = [
      'Sup\u0001port',
      'Nul\u0000l',
      'Esc\u001b[31m',
      'Lone\uD800surrogate',
      'Tab\tok',
    ];
    const svg = await renderSvg({
      data: { values: labels.map((a, i) => ({ a, b: i + 1 })) },
      mark: 'bar',
      encoding: {
        y: { field: 'a', type: 'nominal' },
        x: { field: 'b', type: 'quantitative' },
        tooltip: { field: 'a' },
      },
      description: 'De\u0002scription',
    });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters looked for
    expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]/);
    expect(svg).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    for (const text of ['Support', 'Null', 'Esc[31m', 'Lonesurrogate']) expect(svg).toContain(text);
    expect(pixels(svgToPng(svg, { scale: 1 })).ink).toBeGreaterThan(100);
  });
});
