/**
 * Loading CSV files into {@link SurveyData}, optionally checked against a codebook.
 *
 * **Reading.** Fields are split by RFC 4180 rules (quoting: `"a, b"`, `"say ""hi"""`, line
 * breaks inside quotes; a quote opens a quoted field only as its first character). The delimiter
 * is guessed among `,` `;` tab `|` from the first records (by papaparse) unless given. Every line
 * break outside quotes ends a record, whichever it is (`\n`, `\r\n` or `\r`, as R's `read.csv`
 * reads them), so a file with mixed line breaks loses no row; line breaks inside quotes stay in
 * the cell as written. A UTF-8 byte order mark is dropped. The first non-empty record is the
 * header: names are trimmed and must be non-empty and distinct. A file with a header and no data
 * rows gives a frame with 0 rows; a file without a header (empty, or only blank lines) is an
 * error.
 *
 * **Rows.** Every data row must have as many fields as the header. A blank line (nothing, or only
 * whitespace) between data rows is left out and listed in `load.rowsRejected` as
 * `{ row: <line number in the file>, reason: 'empty line' }`; blank lines before the header are
 * listed too; blank lines after the last data row (trailing line breaks) are ignored. In a
 * one-column file an unquoted blank cell cannot be told from a blank line and is treated as one;
 * a quoted empty cell (`""`) is a cell, read as missing and counted. `line` in
 * errors is the 1-based line of the file where the record starts (the header is line 1, so without
 * quoted line breaks or blank lines, data row `r` is on line `r + 1`); `row` is the 1-based data row.
 * `load.rowsRead` counts the data rows in the frame (blank lines are not rows).
 *
 * **Errors.** Structural errors (header, quotes, field counts, encoding) are thrown at the first
 * one, in file order (for bad bytes exactly so in a UTF-8 file; in another encoding they are
 * reported as soon as the piece of the file holding them is decoded). Cell errors are thrown
 * once the whole input is read, so all of them are counted: first `NOT_A_NUMBER` (a
 * `types: numeric` column), then `UNKNOWN_LEVEL` (a `levels` column), then `CODEBOOK_VIOLATION`.
 *
 * **Missing cells.** A blank cell is missing, and so is a cell whose trimmed text is one of the
 * `na` texts (default `['', 'NA']`, R's and pandas' marker; exact text, so `-9` does not match
 * `-9.0`). `load.missing` counts them per column: blank cells in `empty`, the others per text in
 * `na`. A column's own rules come first: a cell its codebook variable accepts, or a level its
 * `levels` entry lists, is read as that even if it is an `na` text.
 *
 * **Types without a codebook.** A column whose cells all read as numbers in plain decimal
 * notation (`12`, `-0.5`, `1e-3`, spaces around allowed; not `0x1A`, `1,5`, `Infinity`), apart
 * from blank cells and `na` texts, is numeric (`Float64Array`, `NaN` for missing). A cell that
 * would read as another kind of value is not a number, never silently changed: beyond the range
 * of a double (`1e999`), nonzero digits that would read as 0 (`1e-400`), an integer beyond
 * 2^53 − 1 written out in digits (long ids: `9007199254740993` and `…992` would be one double);
 * with `types: numeric` or a numeric codebook variable such a cell is an error saying why. Any
 * other column
 * is categorical with trimmed values as levels, sorted: numbers first in numeric order, then text
 * in English collation order (`Intl.Collator('en')`, ties by code units; `sortLevels` in
 * `csv/infer.ts`). A column with no such cell is numeric (all `NaN`). `types` forces a column's
 * type. `levels` makes a column categorical with exactly the levels given, in their order (a level
 * no cell holds is kept, with a count of 0); any other non-missing cell is an `UNKNOWN_LEVEL`
 * error.
 *
 * **With a codebook.** Every codebook variable must be a column of the file (`MISSING_COLUMN`), and
 * every cell of it is checked: a categorical cell must match a value `code` (as numbers when both
 * read as numbers, so `"1"`, `"1.0"` and `1` match; else exact text after trimming) or equal a value
 * `label`; its level is the label, and levels are the labels in codebook order. A numeric cell must
 * be a number within `range` (value labels of numeric variables are for display; the column stays
 * numeric). `missing` codes become missing (`NaN` / code `-1`) and are counted per code in
 * `load.missing`. All violations are collected and thrown as one `CODEBOOK_VIOLATION` (its message
 * shows the first 20; `details.violations` lists up to `maxErrors`, `details.total` counts all).
 * Columns absent from the codebook are read by inference (not an error). A `types` entry that
 * contradicts the codebook is a `TYPE_CONFLICT`, and so is a `levels` entry for a numeric
 * variable. The codebook owns the levels of its categorical variables: a `levels` entry must repeat
 * the value labels in order (`LEVELS_CONFLICT` otherwise), or, for a variable without `values`,
 * it gives the levels. A cell the codebook rejects that is an `na` text is missing, not a violation.
 *
 * **Memory and speed.** {@link readCsv} streams the file; columns grow as compact typed arrays or
 * per-column dictionaries of distinct texts, so memory is bounded by the columns plus one chunk
 * of text (and the record being read); time is linear in the input, however long a record.
 * {@link parseCsv} runs the same loader over slices of its string; both give identical frames for
 * the same content. A header wider than `maxColumns` (default 50,000) or a record longer than
 * `maxRecordLength` characters (default 2^27) is a `TOO_LARGE` error, said as soon as it is known.
 * @module
 */
import type { SurveyData } from '../types.js';
import type { CsvOptions } from './options.js';
import { loadFile, loadText } from './run.js';

export type { CodebookViolation } from './loader.js';
export type { CsvOptions } from './options.js';

/**
 * Parses CSV text into a frame.
 *
 * @param text - The whole CSV file as text.
 * @param opts - Codebook, column types, level order, missing-value texts, delimiter, encoding and
 *   limits: see {@link CsvOptions}.
 * @throws {DataFormatError} `EMPTY_FILE`, `EMPTY_HEADER`, `DUPLICATE_HEADER`, `RAGGED_ROW`,
 * `MALFORMED_QUOTE`, `MISSING_COLUMN` (a `types` or `levels` entry), `NOT_A_NUMBER` (a
 * `types: numeric` cell), `UNKNOWN_LEVEL` (a cell outside its `levels` entry), `INVALID_OPTION`,
 * `TOO_LARGE` (`maxColumns`, `maxRecordLength`).
 * @throws {CodebookError} `INVALID_CODEBOOK`, `MISSING_COLUMN`, `TYPE_CONFLICT`, `LEVELS_CONFLICT`,
 * `CODEBOOK_VIOLATION` (details: `violations: Array<{ row, line, column, value, reason }>`, `total`).
 * @example
 * ```ts
 * const d = parseCsv('region;sex;age\nNorth;1;34\nSouth;2;\n', {
 *   codebook: { variables: [{ name: 'sex', type: 'categorical',
 *     values: [{ code: 1, label: 'Male' }, { code: 2, label: 'Female' }] }] },
 * });
 * console.log(d.nrow, column(d, 'sex'), column(d, 'age'), d.columns.region.kind);
 * // => 2 [ 'Male', 'Female' ] Float64Array(2) [ 34, NaN ] categorical
 *
 * // NA cells are missing (counted in load.missing); an answer scale in its own order
 * const p = parseCsv('income,trust\n1200,Rather yes\nNA,Fully\n950,\n', {
 *   levels: { trust: ['Fully', 'Rather yes', 'Rather no', 'Not at all'] },
 * });
 * console.log(p.columns.income.kind, column(p, 'trust'), p.load.missing[0].na); // => numeric [ 'Rather yes', 'Fully', null ] { NA: 1 }
 * ```
 */
export function parseCsv(text: string, opts: CsvOptions = {}): SurveyData {
  return loadText(text, opts);
}

/**
 * Reads a CSV file into a frame, streaming it (see the module notes for the rules): by path on
 * Node, or a `Blob` or `File` anywhere (a browser's file input gives a `File`). `NEEDS_NODE`
 * when given a path where there is no file system: pass a `File`, or the text to {@link parseCsv}.
 *
 * @param path - A file path (Node), or a `File` or `Blob` (any runtime, e.g. from a file input).
 * @param opts - As for {@link parseCsv}: see {@link CsvOptions}.
 * @throws {DataFormatError} as {@link parseCsv}, and `BAD_ENCODING` (details `offset`: byte offset of
 * the first invalid byte, `line`), `UNKNOWN_ENCODING`, `FILE_NOT_FOUND`, `READ_ERROR`.
 * @throws {SurveyError} `NEEDS_NODE` (a path outside Node).
 * @throws {CodebookError} as {@link parseCsv}.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('/tmp/poll.csv', 'sex;age\r\n1;34\r\n2;51\r\n');
 * const d = await readCsv('/tmp/poll.csv');
 * console.log(d.load.source, d.nrow, d.names); // => /tmp/poll.csv 2 [ 'sex', 'age' ]
 * // a file saved by Excel in Russian: await readCsv(path, { encoding: 'windows-1251' })
 * ```
 */
export async function readCsv(path: string | Blob, opts: CsvOptions = {}): Promise<SurveyData> {
  return loadFile(path, opts);
}
