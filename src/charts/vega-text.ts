/**
 * Texts vega reads as they are, whatever the data says. Vega-Lite turns titles, fixed text values
 * and explicit sort orders into string literals of vega expressions, and vega's expression parser
 * (vega-expression 6) misreads two kinds of them: it looks every token up in a plain object of
 * keywords, so a literal whose text is the name of an Object.prototype member — `"constructor"`,
 * `"toString"`, `"valueOf"`, `"__proto__"` … — is read as a variable (the chart fails to draw,
 * "Operator not defined", or silently loses the text); and a literal holding U+2028 or U+2029
 * (which JSON.stringify leaves as they are) is cut as if at a line break ("Unexpected token
 * ILLEGAL"). {@link vegaSafeSpec} is applied to every spec a chart builder returns (through
 * `withCaption`), so that the specs, and the report's `charts/*.json`, draw with plain vega and
 * vega-embed defaults; and again wherever surveykit hands a spec to vega (rendering on Node, the
 * report page), for specs made elsewhere. It is idempotent.
 * @module
 */

/** Whether vega's expression parser would read `text` as a name rather than as the text. */
function misread(text: string): boolean {
  return text in Object.prototype;
}

/** Line and paragraph separators: a line break to vega's expression lexer, inside a string too. */
const SEPARATORS = /[\u2028\u2029]/g;

/** Whether a text cannot be a string literal of a vega expression as it is. */
function unsafe(text: string): boolean {
  return misread(text) || /[\u2028\u2029]/.test(text);
}

/** U+2060 WORD JOINER: invisible, zero-width in the chart font and in browsers. */
const JOINER = '\u2060';

/** Keys whose string values vega-lite compiles into expression literals (text shown as it is). */
const TEXT_KEYS = new Set(['title', 'subtitle', 'text', 'description', 'value', 'datum']);
/** Subtrees that are data, never expressions: left as they are. */
const DATA_KEYS = new Set(['data', 'datasets', 'values']);

/**
 * `text` as vega will show it: unchanged, or with U+2028 and U+2029 as spaces, and an invisible
 * U+2060 after it when vega's expression parser would read it as a name (see above).
 * @example
 * ```ts
 * console.log(vegaSafeText('Yes').length, vegaSafeText('constructor').length); // => 3 12
 * ```
 */
export function vegaSafeText(text: string): string {
  const spaced = text.replace(SEPARATORS, ' ');
  return misread(spaced) ? `${spaced}${JOINER}` : spaced;
}

function safeTexts(value: unknown): unknown {
  if (typeof value === 'string') return vegaSafeText(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return value.map((v: string) => vegaSafeText(v));
  }
  return undefined;
}

/**
 * A copy of a Vega-Lite spec that vega draws as written even when its texts are names of
 * Object.prototype members or hold U+2028/U+2029: in titles, subtitles, descriptions and fixed
 * text values those separators become spaces and such names get an invisible U+2060 after them,
 * and an explicit `sort` order holding such a value becomes the scale's domain (the same order,
 * given as data rather than compiled into an expression). The
 * data (`data`, `datasets`, `values`) is left as it is; a spec with no such text is returned
 * itself.
 * @example
 * ```ts
 * const spec = vegaSafeSpec({ title: 'toString', data: { values: [{ a: 'toString' }] }, mark: 'bar',
 *   encoding: { y: { field: 'a', type: 'nominal', sort: ['toString', 'b'] } } });
 * console.log(spec.title === 'toString\u2060', JSON.stringify(spec.encoding.y)); // => true {"field":"a","type":"nominal","sort":null,"scale":{"domain":["toString","b"]}}
 * ```
 */
export function vegaSafeSpec<T>(spec: T): T {
  const walk = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) {
      let copy: unknown[] | null = null;
      node.forEach((v, i) => {
        const w = walk(v);
        if (w !== v) (copy ??= [...node])[i] = w;
      });
      return copy ?? node;
    }
    const record = node as Record<string, unknown>;
    let copy: Record<string, unknown> | null = null;
    const set = (key: string, value: unknown) => {
      copy ??= { ...record };
      copy[key] = value;
    };
    for (const [key, value] of Object.entries(record)) {
      if (DATA_KEYS.has(key)) continue;
      const safe = TEXT_KEYS.has(key) ? safeTexts(value) : undefined;
      if (safe !== undefined) {
        if (JSON.stringify(safe) !== JSON.stringify(value)) set(key, safe);
        continue;
      }
      const w = walk(value);
      if (w !== value) set(key, w);
    }
    const sort = record.sort;
    if (Array.isArray(sort) && sort.some((v) => typeof v === 'string' && unsafe(v))) {
      const scale = ((copy ?? record).scale ?? {}) as Record<string, unknown>;
      set('sort', null);
      set('scale', { ...scale, domain: scale.domain ?? sort });
    }
    return copy ?? node;
  };
  return walk(spec) as T;
}
