/**
 * `draftCodebook`: a codebook written from what a frame holds, to edit into the real one.
 * @module
 */
import {
  type Codebook,
  type CodebookVariable,
  parseCodebook,
  type ValueLabel,
} from './codebook.js';
import { parseNumber } from './csv/infer.js';
import type { SurveyData } from './types.js';

/**
 * A codebook for the frame, valid against the codebook schema, that reads the same file back
 * (`readCsv(file, { codebook: draftCodebook(data) })`, or `parseSav`'s data written with
 * `formatCsv`):
 *
 * - a variable the frame's codebook lists (given when loading, or built from an SPSS file's
 *   dictionary: labels, value labels, missing codes) keeps its entry;
 * - any other variable gets its type as read; a categorical one its levels as `values`, each
 *   level's code as found in the file (a JSON number when the text is a number written the way
 *   JavaScript writes it, `"01"` and other texts as strings) and the level as its label;
 * - a numeric variable without a `range` gets the range of its finite values.
 *
 * Edit the draft: labels, value labels (replacing the codes shown as labels), missing codes,
 * ranges that allow more than this file holds. Two levels that are the same number (`"1"` and
 * `"1.0"`) are one code in a codebook: the first is kept, and the file's cells of the second
 * read as it.
 *
 * @param data - A loaded frame (from {@link readCsv}, {@link parseSav}, {@link fromColumns}...).
 * @throws {CodebookError} `INVALID_CODEBOOK` only for a frame no codebook can describe (an empty
 *   level text).
 * @example
 * ```ts
 * const d = parseCsv('sex,age,region\n1,34,North\n2,,South\n1,51,North\n', { types: { sex: 'categorical' } });
 * const cb = draftCodebook(d);
 * console.log(cb.variables.map((v) => `${v.name} ${v.type}`).join(', ')); // => sex categorical, age numeric, region categorical
 * console.log(cb.variables[0].values, cb.variables[1].range); // => [ { code: 1, label: '1' }, { code: 2, label: '2' } ] [ 34, 51 ]
 * ```
 */
export function draftCodebook(data: SurveyData): Codebook {
  const known = new Map<string, CodebookVariable>();
  for (const v of data.codebook.variables) known.set(v.name, v);
  const variables = data.names.map((name): CodebookVariable => {
    const col = data.columns[name]!;
    const entry = known.get(name);
    if (col.kind === 'numeric') {
      const base: CodebookVariable = entry ?? { name, type: 'numeric' };
      if (base.range !== undefined) return base;
      const range = finiteRange(col.values);
      return range ? { ...base, range } : base;
    }
    if (entry?.values !== undefined) return entry;
    return { ...(entry ?? { name, type: 'categorical' }), values: levelValues(col.levels) };
  });
  const draft: Codebook = {
    ...(data.codebook.title !== undefined ? { title: data.codebook.title } : {}),
    ...(data.codebook.language !== undefined ? { language: data.codebook.language } : {}),
    variables,
  };
  return parseCodebook(draft, 'draft codebook');
}

/** Levels as codebook values: code as found, label the level; one value per code. */
function levelValues(levels: readonly string[]): ValueLabel[] {
  const seen = new Set<string>();
  const out: ValueLabel[] = [];
  for (const level of levels) {
    const n = parseNumber(level);
    const key = Number.isNaN(n) ? `text:${level.trim()}` : `number:${n}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ code: !Number.isNaN(n) && String(n) === level ? n : level, label: level });
  }
  return out;
}

/** `[min, max]` of the finite values, or `undefined` when there is none. */
function finiteRange(values: Float64Array): [number, number] | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x < min && x > Number.NEGATIVE_INFINITY) min = x;
    if (x > max && x < Number.POSITIVE_INFINITY) max = x;
  }
  return min <= max ? [min, max] : undefined;
}
