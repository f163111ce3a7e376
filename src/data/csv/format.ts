/**
 * Writing a {@link SurveyData} frame as CSV text (RFC 4180), so that the CSV readers give the same
 * frame back.
 *
 * **Cells.** A numeric cell is the shortest decimal text that reads back as the same double
 * (`String(x)`, so at full precision: `0.1`, `1e-7`, `1.7976931348623157e+308`), `-0` as `-0`,
 * a whole number beyond 2^53 − 1 in exponent notation (`1.2345678901234568e+20`: the readers keep
 * such integers written out in digits as text, the way long ids are), and a missing value (`NaN`)
 * as an empty cell. A categorical cell is its level (the label a user
 * sees); a missing one (code `-1`) is empty. A cell holding the delimiter, a double quote or a
 * line break is quoted, its quotes doubled; nothing else is quoted.
 *
 * **Spreadsheet formulas.** A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
 * return can be run as a formula when the file is opened in a spreadsheet (CSV injection, OWASP).
 * By default such cells are written as they are, because the file is data: prefixing them would
 * change the values that surveykit, R or SPSS read back. With `escapeFormulas: true` they are
 * written as OWASP advises, prefixed with a single quote and quoted (`"'=1+2"`): safe to open in a
 * spreadsheet, but the quote is then part of the value for every other reader. Cells that read as
 * numbers (`-5`, `+1.5`) are never prefixed: spreadsheets take them as numbers, not formulas.
 * {@link isFormulaLike} tells which texts would be prefixed.
 *
 * **What does not come back.** The readers trim cells and take a column of numbers as numeric,
 * and without a codebook they sort levels; so a categorical column whose levels all look like
 * numbers comes back numeric, levels come back sorted, and spaces around a level are lost.
 * Reading with the frame's codebook (`draftCodebook(data)` makes one) gives the column types and
 * level order back. In a one-column frame, a missing cell makes an empty line, which the readers
 * skip as a blank line (counted in `load.rowsRejected`). Infinite numbers are written as
 * `Infinity` / `-Infinity`, which the readers take as text.
 * @module
 */
import { DataFormatError } from '../../errors.js';
import type { Column, SurveyData } from '../types.js';
import { looseNumber } from './infer.js';

/** Options of {@link formatCsv}. */
export interface CsvFormatOptions {
  /** Field delimiter: `','` (default), `';'`, tab or `'|'` (the delimiters the readers detect). */
  delimiter?: ',' | ';' | '\t' | '|';
  /** Line break after every record: `'\r\n'` (default, as RFC 4180) or `'\n'`. */
  newline?: '\r\n' | '\n';
  /**
   * Prefix text cells that a spreadsheet could run as formulas with `'` (see the module notes);
   * default `false`, so that the data reads back unchanged.
   */
  escapeFormulas?: boolean;
  /** Start with a UTF-8 byte order mark, so that Excel reads the file as UTF-8; default `false`. */
  bom?: boolean;
}

const DELIMITERS: readonly string[] = [',', ';', '\t', '|'];

/**
 * The frame as CSV text: a header of the column names, then one record per respondent, every
 * value as a user sees it (see the module notes for the exact rules). The readers give the same
 * frame back: `parseCsv(formatCsv(d), { codebook: draftCodebook(d) })` has the columns of `d`.
 *
 * @param data - The frame to write.
 * @param opts - Delimiter, line break, byte order mark, and whether text a spreadsheet would run as
 *   a formula is escaped: see {@link CsvFormatOptions}.
 * @throws {DataFormatError} `INVALID_OPTION` (a delimiter or newline not listed above).
 * @example
 * ```ts
 * const d = fromColumns({ party: ['Green', null, 'Left, centre'], w: [0.1, 1 / 3, Number.NaN] });
 * console.log(JSON.stringify(formatCsv(d)));
 * // => "party,w\r\nGreen,0.1\r\n,0.3333333333333333\r\n\"Left, centre\",\r\n"
 * console.log(column(parseCsv(formatCsv(d)), 'w')[1] === 1 / 3); // => true
 *
 * // a text a spreadsheet would run as a formula, written for opening in a spreadsheet
 * const f = fromColumns({ answer: ['=1+2', '-5'] });
 * console.log(JSON.stringify(formatCsv(f, { escapeFormulas: true, newline: '\n' })));
 * // => "answer\n\"'=1+2\"\n-5\n"
 * ```
 */
export function formatCsv(data: SurveyData, opts: CsvFormatOptions = {}): string {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const parts: string[] = [];
  for (const chunk of csvChunks(data, opts)) parts.push(decoder.decode(chunk));
  return parts.join('');
}

/**
 * The UTF-8 bytes of {@link formatCsv}'s text in pieces of `rowsPerChunk` records each (the
 * first piece is the byte order mark if asked, and the header; every piece ends with a record),
 * to write a large frame to a file or stream without building one string of it all.
 *
 * The records are written as bytes straight into a buffer: levels are encoded once per column,
 * whole numbers below 10^15 are written digit by digit, other numbers through `String(x)`. (Built
 * as strings, one cell at a time, a million rows of 21 columns took five times longer.)
 */
export function* csvChunks(
  data: SurveyData,
  opts: CsvFormatOptions = {},
  rowsPerChunk = 4096,
): Generator<Uint8Array> {
  const delimiter = opts.delimiter ?? ',';
  const newline = opts.newline ?? '\r\n';
  if (!DELIMITERS.includes(delimiter)) {
    throw new DataFormatError(
      'INVALID_OPTION',
      `delimiter must be one of ${DELIMITERS.map((d) => JSON.stringify(d)).join(', ')}, got ${JSON.stringify(delimiter)}`,
      { option: 'delimiter', value: delimiter },
    );
  }
  if (newline !== '\r\n' && newline !== '\n') {
    throw new DataFormatError(
      'INVALID_OPTION',
      `newline must be "\\r\\n" or "\\n", got ${JSON.stringify(newline)}`,
      { option: 'newline', value: newline },
    );
  }
  const encoder = new TextEncoder();
  const text = (s: string) => csvText(s, delimiter, opts.escapeFormulas ?? false);
  yield encoder.encode((opts.bom ? '\uFEFF' : '') + data.names.map(text).join(delimiter) + newline);
  const cols: Column[] = data.names.map((name) => data.columns[name]!);
  const levels = cols.map((c) =>
    c.kind === 'categorical' ? c.levels.map((l) => encoder.encode(text(l))) : [],
  );
  const sep = delimiter.charCodeAt(0);
  const crlf = newline === '\r\n';
  const out = new ByteBuffer();
  for (let start = 0; start < data.nrow; start += rowsPerChunk) {
    const end = Math.min(data.nrow, start + rowsPerChunk);
    out.n = 0;
    for (let i = start; i < end; i++) {
      for (let j = 0; j < cols.length; j++) {
        out.room(MAX_NUMBER_BYTES + 3);
        if (j > 0) out.buf[out.n++] = sep;
        const col = cols[j]!;
        if (col.kind === 'numeric') {
          out.n = writeNumber(out.buf, out.n, col.values[i]!);
          continue;
        }
        const c = col.codes[i]!;
        if (c < 0) continue;
        const bytes = levels[j]![c]!;
        out.room(bytes.length);
        out.buf.set(bytes, out.n);
        out.n += bytes.length;
      }
      out.room(2);
      if (crlf) out.buf[out.n++] = 13;
      out.buf[out.n++] = 10;
    }
    yield out.buf.slice(0, out.n);
  }
}

/** Longest `String(x)` of a double (`-2.2250738585072014e-308`) and then some. */
const MAX_NUMBER_BYTES = 25;

/** A growing byte buffer. */
class ByteBuffer {
  buf = new Uint8Array(1 << 16);
  n = 0;
  /** Makes room for `k` more bytes. */
  room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(2 * this.buf.length, this.n + k));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
}

/**
 * Writes a number's CSV text at `n` (with room for {@link MAX_NUMBER_BYTES} bytes): nothing for
 * `NaN`, `-0` for negative zero, else the text of `String(x)`; returns the new end.
 */
function writeNumber(buf: Uint8Array, n: number, x: number): number {
  if (Number.isNaN(x)) return n; // missing
  if (x === 0) {
    if (1 / x < 0) buf[n++] = 45; // -0
    buf[n++] = 48;
    return n;
  }
  if (Number.isInteger(x) && x < 1e15 && x > -1e15) {
    let v = x;
    if (v < 0) {
      buf[n++] = 45;
      v = -v;
    }
    let digits = 1;
    for (let p = 10; p <= v; p *= 10) digits++;
    for (let k = n + digits - 1; k >= n; k--) {
      buf[k] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    return n + digits;
  }
  // ASCII: digits, '.', 'e', '+', '-', or Infinity; whole numbers past 2^53 - 1 as 1.2e+20
  const s =
    Number.isInteger(x) && Math.abs(x) > Number.MAX_SAFE_INTEGER ? x.toExponential() : String(x);
  for (let k = 0; k < s.length; k++) buf[n++] = s.charCodeAt(k);
  return n;
}

/**
 * Whether a spreadsheet could run a text cell as a formula: it starts with `=`, `+`, `-`, `@`, a
 * tab or a carriage return, and does not read as a number (OWASP's CSV injection advice).
 *
 * @param s - A cell text.
 * @example
 * ```ts
 * console.log(isFormulaLike('=SUM(A1:A9)'), isFormulaLike('@me'), isFormulaLike('-5'), isFormulaLike('a=b'));
 * // => true true false false
 * ```
 */
export function isFormulaLike(s: string): boolean {
  if (s === '') return false;
  const c = s.charCodeAt(0);
  const risky =
    c === 61 /* = */ ||
    c === 43 /* + */ ||
    c === 45 /* - */ ||
    c === 64 /* @ */ ||
    c === 9 ||
    c === 13;
  return risky && Number.isNaN(looseNumber(s));
}

/** A cell of {@link formatCsvTable}: text, a number, a boolean, or `null` (empty). */
export type CsvCell = string | number | boolean | null;

/** Options of {@link formatCsvTable}. */
export interface CsvTableOptions {
  /**
   * Prefix text cells that a spreadsheet could run as formulas with `'` (OWASP's advice; see
   * {@link isFormulaLike}); default `true`: such a table is read by people, in spreadsheets.
   * `false` writes them as they are, for a program that reads the values back.
   */
  escapeFormulas?: boolean;
}

/**
 * A table for people and spreadsheets as CSV text (RFC 4180, comma-separated, `\n` line ends):
 * the header, then the rows (each as long as the header). A number is written at full precision
 * (`String(x)`), `NaN` and `null` as an empty cell, a boolean as `true` / `false`; a text cell
 * is quoted when it holds a comma, a double quote or a line break, and by default a text cell a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first, and not a
 * number) is prefixed with `'` (CSV injection: text from the data never runs where it is
 * shown). Numbers are never prefixed: `-0.5` stays `-0.5`. The same quoting as
 * {@link formatCsv}'s (one function does both).
 *
 * @param header - The column names.
 * @param rows - The rows.
 * @param opts - Whether formula-like text is escaped: see {@link CsvTableOptions}.
 * @example
 * ```ts
 * console.log(JSON.stringify(formatCsvTable(['key', 'share'], [['a, b', 0.25], ['c', null]]))); // => "key,share\n\"a, b\",0.25\nc,\n"
 * console.log(JSON.stringify(formatCsvTable(['label', 'x'], [['=1+2', -0.5]]))); // => "label,x\n\"'=1+2\",-0.5\n"
 * console.log(JSON.stringify(formatCsvTable(['label'], [['=1+2']], { escapeFormulas: false }))); // => "label\n=1+2\n"
 * ```
 */
export function formatCsvTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly CsvCell[]>,
  opts: CsvTableOptions = {},
): string {
  const escapeText = opts.escapeFormulas ?? true;
  const cell = (v: CsvCell): string => {
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) return '';
    return typeof v === 'string' ? csvText(v, ',', escapeText) : String(v);
  };
  const lines = [header.map(cell).join(',')];
  for (const row of rows) lines.push(row.map(cell).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * A text cell: prefixed with `'` if asked and formula-like, quoted if needed (the one place CSV
 * text is quoted).
 */
function csvText(s: string, delimiter: string, escapeFormulas: boolean): string {
  if (escapeFormulas && isFormulaLike(s)) return `"'${s.replaceAll('"', '""')}"`;
  if (s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')) {
    return `"${s.replaceAll('"', '""')}"`;
  }
  return s;
}
