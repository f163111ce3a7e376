/**
 * Writing a {@link SurveyData} frame as CSV text (RFC 4180), so that the CSV readers give the same
 * frame back.
 *
 * **Cells.** A numeric cell is the shortest decimal text that reads back as the same double
 * (`String(x)`, so at full precision: `0.1`, `1e-7`, `1.7976931348623157e+308`), `-0` as `-0`,
 * and a missing value (`NaN`) as an empty cell. A categorical cell is its level (the label a user
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
import { parseNumber } from './infer.js';

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
  return [...csvChunks(data, opts)].join('');
}

/**
 * The CSV text of {@link formatCsv} in pieces of about `rowsPerChunk` records each (the first
 * piece is the byte order mark if asked, and the header), to write a large frame to a stream
 * without building one string of it all.
 */
export function* csvChunks(
  data: SurveyData,
  opts: CsvFormatOptions = {},
  rowsPerChunk = 4096,
): Generator<string> {
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
  const text = (s: string) => csvText(s, delimiter, opts.escapeFormulas ?? false);
  const header = data.names.map(text).join(delimiter) + newline;
  yield (opts.bom ? '\uFEFF' : '') + header;
  const cells = data.names.map((name) => cellWriter(data.columns[name]!, text));
  const last = cells.length - 1;
  for (let start = 0; start < data.nrow; start += rowsPerChunk) {
    const end = Math.min(data.nrow, start + rowsPerChunk);
    let chunk = '';
    for (let i = start; i < end; i++) {
      for (let j = 0; j < last; j++) chunk += cells[j]!(i) + delimiter;
      chunk += (last >= 0 ? cells[last]!(i) : '') + newline;
    }
    yield chunk;
  }
}

/** The text of row `i` of a column, quoted as needed. */
function cellWriter(col: Column, text: (s: string) => string): (i: number) => string {
  if (col.kind === 'numeric') {
    const values = col.values;
    return (i) => formatNumber(values[i]!);
  }
  const levels = col.levels.map(text);
  const codes = col.codes;
  return (i) => {
    const c = codes[i]!;
    return c < 0 ? '' : levels[c]!;
  };
}

/**
 * A number as CSV text: the shortest decimal that reads back as the same double, `-0` for
 * negative zero, empty for `NaN`.
 */
function formatNumber(x: number): string {
  if (Number.isNaN(x)) return '';
  if (x === 0 && 1 / x < 0) return '-0';
  return String(x);
}

/**
 * Whether a spreadsheet could run a text cell as a formula: it starts with `=`, `+`, `-`, `@`, a
 * tab or a carriage return, and does not read as a number (OWASP's CSV injection advice).
 *
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
  return risky && Number.isNaN(parseNumber(s));
}

/** A text cell: prefixed with `'` if asked and formula-like, quoted if needed. */
function csvText(s: string, delimiter: string, escapeFormulas: boolean): string {
  if (escapeFormulas && isFormulaLike(s)) return `"'${s.replaceAll('"', '""')}"`;
  if (s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r')) {
    return `"${s.replaceAll('"', '""')}"`;
  }
  return s;
}
