/**
 * Typed errors. Every failure surveykit raises on purpose is a {@link SurveyError} with a stable
 * `code` a program can switch on, a message a person can act on, and structured `details`
 * (file, row, column, value, variable, level...).
 *
 * @example
 * ```ts
 * import { parseCsv, SurveyError } from 'surveykit';
 * try {
 *   parseCsv('a,a\n1,2\n');
 * } catch (e) {
 *   if (e instanceof SurveyError) console.log(e.code); // => DUPLICATE_HEADER
 * }
 * ```
 * @module
 */

/** Structured facts about an error, for programs (all optional). */
export interface ErrorDetails {
  /** The file (or `source`) being read. */
  file?: string;
  /** The 1-based data row or file line. */
  row?: number;
  /** The column. */
  column?: string;
  /** The offending value. */
  value?: unknown;
  /** The variable (of a design, margin or estimate). */
  variable?: string;
  /** The level of a categorical variable. */
  level?: string;
  [key: string]: unknown;
}

/** Base class of every error surveykit throws on purpose. */
export class SurveyError extends Error {
  /** Stable machine-readable code, e.g. `'RAGGED_ROW'`. */
  readonly code: string;
  /** Structured facts about the error. */
  readonly details: ErrorDetails;

  /**
   * @param code - The stable code (UPPER_SNAKE), listed in docs/errors.md.
   * @param message - What went wrong and what to do, naming the variable, level or value.
   * @param details - The same facts for programs.
   */
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** The input file or text cannot be read as data (CSV structure, encoding, SPSS layout). */
export class DataFormatError extends SurveyError {}

/** The data disagrees with its codebook, or the codebook itself is invalid. */
export class CodebookError extends SurveyError {}

/** A survey design cannot be built from the given columns and options. */
export class DesignError extends SurveyError {}

/** Weighting (post-stratification, raking, calibration, trimming) cannot be done. */
export class WeightingError extends SurveyError {}

/** An estimate cannot be computed (unknown variable, empty domain, invalid option). */
export class EstimationError extends SurveyError {}
