/**
 * The columnar data frame every stage of surveykit reads.
 * @module
 */
import type { Codebook } from './codebook.js';

/** A numeric column: one float per respondent, `NaN` for missing. */
export interface NumericColumn {
  /** Tells the column kinds apart. */
  readonly kind: 'numeric';
  /** The column name. */
  readonly name: string;
  /** One value per respondent, `NaN` for missing. */
  readonly values: Float64Array;
}

/**
 * A categorical column: one integer code per respondent indexing `levels`, `-1` for missing.
 * `levels` are in codebook order (value labels), or the order the CSV `levels` option gives;
 * otherwise in sorted order of the raw values (see the loaders).
 */
export interface CategoricalColumn {
  /** Tells the column kinds apart. */
  readonly kind: 'categorical';
  /** The column name. */
  readonly name: string;
  /** Per respondent: the index of its level in `levels`, `-1` for missing. */
  readonly codes: Int32Array;
  /** The levels (labels), in order. */
  readonly levels: readonly string[];
}

/** Any column. */
export type Column = NumericColumn | CategoricalColumn;

/** Why cells were set to missing while loading, counted per column. */
export interface MissingCount {
  /** The column. */
  column: string;
  /** Empty cells. */
  empty: number;
  /** Cells holding a codebook missing code (e.g. 99 refused), per code. */
  missingCodes: Record<string, number>;
  /**
   * Cells holding one of the CSV loader's `na` texts (e.g. `NA`), per text, in the order of the
   * option; present only when there is one (blank cells are counted in `empty`).
   */
  na?: Record<string, number>;
}

/** What loading learned: rows read and rejected, and cells set to missing with the reasons. */
export interface LoadReport {
  /** The file name, or `'<text>'` for in-memory input. */
  source: string;
  /** Data rows read (header excluded). */
  rowsRead: number;
  /** Rows left out, with the reason for each (empty lines only; anything else is an error). */
  rowsRejected: Array<{
    /** The 1-based line of the file. */
    row: number;
    /** Why, e.g. `'empty line'`. */
    reason: string;
  }>;
  /** Cells read as missing, per column (only columns with at least one). */
  missing: MissingCount[];
}

/** Respondent-level data: typed columns, their codebook, and how they were loaded. */
export interface SurveyData {
  /** Number of respondents (rows). */
  readonly nrow: number;
  /** Column names in file order. */
  readonly names: readonly string[];
  /** The columns by name. */
  readonly columns: Readonly<Record<string, Column>>;
  /** The codebook the data was read with (from an SPSS file: built from its dictionary); empty when none. */
  readonly codebook: Codebook;
  /** What loading did. */
  readonly load: LoadReport;
}
