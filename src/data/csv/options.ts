/**
 * The options of the CSV readers.
 * @module
 */
import type { Codebook } from '../codebook.js';

/** Options of {@link parseCsv} and {@link readCsv}. */
export interface CsvOptions {
  /** Validate and type every column it lists (see the module notes). */
  codebook?: Codebook;
  /** Force the type of columns instead of inferring it; must agree with the codebook. */
  types?: Record<string, 'numeric' | 'categorical'>;
  /**
   * Cell texts read as missing, in every column, matched after trimming the cell (exact text:
   * `'NA'` does not match `'na'`, `'-9'` does not match `'-9.0'`); default `['', 'NA']` (R's and
   * pandas' marker). Blank cells are missing whatever the list says. Such cells are counted per
   * text in `load.missing[].na`, and a column numeric but for them is numeric. A column's own rules
   * come first: a cell its codebook variable accepts (a value code, label, missing code or
   * number in range) or a level its `levels` entry lists is read as that, not as missing.
   */
  na?: readonly string[];
  /**
   * Level order of categorical columns, e.g. an answer scale
   * `{ trust: ['Fully', 'Rather yes', 'Rather no', 'Not at all'] }`: the column is categorical
   * with exactly these levels in this order (a level no cell holds is kept, with a count of 0);
   * a non-blank cell that is neither a level nor an `na` text is an `UNKNOWN_LEVEL` error
   * (all such cells are counted). Cells are matched after trimming. For a codebook variable the
   * codebook owns the levels: an entry must repeat its value labels in order (or the variable has
   * no `values`, and the entry gives them).
   */
  levels?: Readonly<Record<string, readonly string[]>>;
  /** Field delimiter; default: guessed among `,` `;` tab `|`. */
  delimiter?: string;
  /** {@link readCsv} only: a WHATWG encoding label; default `'utf-8'`. A UTF-8 BOM is dropped. */
  encoding?: 'utf-8' | 'windows-1251' | string;
  /** Name used in errors and `load.source`; default `'<text>'` for {@link parseCsv}, the path for {@link readCsv}. */
  source?: string;
  /** Cap on the cell errors listed in `details.violations` (default 100); all are counted in `details.total`. */
  maxErrors?: number;
  /**
   * Most columns a file may have (default 50,000): a wider header is a `TOO_LARGE` error, before
   * any column is made (each takes a few kilobytes whatever its rows).
   */
  maxColumns?: number;
  /**
   * Most characters one record (a row, with the line breaks inside its quoted fields) may have
   * (default 134,217,728 = 2^27; at most 268,435,456 = 2^28, as the loader may join a record with
   * the text after it in one JavaScript string): a longer one is a `TOO_LARGE` error, said as
   * soon as the record passes the limit, so that a file with an unclosed quote or no line breaks
   * cannot fill the memory.
   */
  maxRecordLength?: number;
}

/** The `maxColumns` used when the option is not given. */
export const DEFAULT_MAX_COLUMNS = 50_000;
/** The `maxRecordLength` used when the option is not given (2^27 characters). */
export const DEFAULT_MAX_RECORD_LENGTH = 2 ** 27;
/** The largest `maxRecordLength` allowed (2^28 characters). */
export const MAX_RECORD_LENGTH = 2 ** 28;

/** The `na` texts used when the option is not given. */
export const DEFAULT_NA: readonly string[] = ['', 'NA'];
