/**
 * vegaSafeSpec: texts vega's expression parser would misread (names of Object.prototype members)
 * reach the chart as texts; the data is untouched; other specs are returned as they are.
 */
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/render.js';
import { vegaSafeSpec, vegaSafeText } from '../../src/charts/vega-text.js';

const NAMES = Object.getOwnPropertyNames(Object.prototype);

describe('vegaSafeSpec', () => {
  it('marks every Object.prototype name, and nothing else', () => {
    for (const name of NAMES) expect(vegaSafeText(name)).toBe(`${name}\u2060`);
    for (const text of ['Yes', 'Constructor', 'to String', '', 'proto']) {
      expect(vegaSafeText(text)).toBe(text);
    }
  });

  it('returns a spec without such texts itself, and never changes the data', () => {
    const plain: TopLevelSpec = { title: 'Poll', data: { values: [{ a: 'x' }] }, mark: 'bar' };
    expect(vegaSafeSpec(plain)).toBe(plain);
    const odd = {
      title: { text: 'constructor', subtitle: ['toString', 'ok'] },
      data: { values: [{ a: 'constructor' }, { a: 'toString' }] },
      mark: 'bar',
      encoding: {
        y: { field: 'a', type: 'nominal', sort: ['toString', 'constructor'], title: 'valueOf' },
        text: { value: '__proto__' },
      },
    };
    const copy = JSON.parse(JSON.stringify(odd));
    const safe = vegaSafeSpec(odd) as typeof odd & { encoding: { y: { scale: unknown } } };
    expect(odd).toEqual(copy); // the input is not changed
    expect(safe.data).toBe(odd.data);
    expect(safe.title).toEqual({ text: 'constructor\u2060', subtitle: ['toString\u2060', 'ok'] });
    expect(safe.encoding.y).toEqual({
      field: 'a',
      type: 'nominal',
      sort: null,
      scale: { domain: ['toString', 'constructor'] },
      title: 'valueOf\u2060',
    });
    expect(safe.encoding.text).toEqual({ value: '__proto__\u2060' });
  });

  it('such titles, labels and orders draw (vega alone fails: "Operator not defined")', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__']) {
      const svg = await renderSvg({
        title: name,
        data: {
          values: [
            { a: name, b: 1 },
            { a: 'other', b: 2 },
          ],
        },
        mark: 'bar',
        encoding: {
          y: { field: 'a', type: 'nominal', sort: ['other', name], title: name },
          x: { field: 'b', type: 'quantitative', title: name },
        },
      });
      const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
      expect(texts.filter((t) => t.startsWith(name)).length, name).toBe(4); // title, 2 axis titles, label
      expect(texts.indexOf('other')).toBeLessThan(texts.indexOf(name));
    }
  });

  it('line and paragraph separators (U+2028, U+2029) in a sorted label or a title draw', async () => {
    const odd = 'one\u2028two\u2029three';
    const spec = vegaSafeSpec({
      title: odd,
      data: {
        values: [
          { a: odd, b: 1 },
          { a: 'plain', b: 2 },
        ],
      },
      mark: 'bar',
      encoding: {
        y: { field: 'a', type: 'nominal', sort: ['plain', odd] },
        x: { field: 'b', type: 'quantitative' },
      },
    } as TopLevelSpec) as { title: string; encoding: { y: { sort: unknown } } };
    expect(spec.title).toBe('one two three');
    expect(spec.encoding.y.sort).toBeNull();
    const svg = await renderSvg(spec as unknown as TopLevelSpec);
    expect(svg).toContain('one two three');
  });
});
