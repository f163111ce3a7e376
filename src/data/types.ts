/**
 * The columnar data frame every stage of surveykit reads.
 * @module
 */
import type { Codebook } from './codebook.js';

/** A numeric column: one float per respondent, `NaN` for missing. */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
}

/**
 * A categorical column: one integer code per respondent indexing `levels`, `-1` for missing.
 * `levels` are in codebook order (value labels); without a codebook, in sorted order of the raw values
 * (see the loaders).
 */
export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly name: string;
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

/** Any column. */
export type Column = NumericColumn | CategoricalColumn;

/** Why cells were set to missing while loading, counted per column. */
export interface MissingCount {
  column: string;
  /** Empty cells. */
  empty: number;
  /** Cells holding a codebook missing code (e.g. 99 refused), per code. */
  missingCodes: Record<string, number>;
}

/** What loading learned: rows read and rejected, and cells set to missing with the reasons. */
export interface LoadReport {
  /** The file name, or `'<text>'` for in-memory input. */
  source: string;
  /** Data rows read (header excluded). */
  rowsRead: number;
  /** Rows left out, with the reason for each (empty lines only; anything else is an error). */
  rowsRejected: Array<{ row: number; reason: string }>;
  /** Cells read as missing, per column (only columns with at least one). */
  missing: MissingCount[];
}

/** Respondent-level data: typed columns, their codebook, and how they were loaded. */
export interface SurveyData {
  readonly nrow: number;
  /** Column names in file order. */
  readonly names: readonly string[];
  readonly columns: Readonly<Record<string, Column>>;
  readonly codebook: Codebook;
  readonly load: LoadReport;
}
