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
  /** Field delimiter; default: guessed among `,` `;` tab `|`. */
  delimiter?: string;
  /** {@link readCsv} only: a WHATWG encoding label; default `'utf-8'`. A UTF-8 BOM is dropped. */
  encoding?: 'utf-8' | 'windows-1251' | string;
  /** Name used in errors and `load.source`; default `'<text>'` for {@link parseCsv}, the path for {@link readCsv}. */
  source?: string;
  /** Cap on the cell errors listed in `details.violations` (default 100); all are counted in `details.total`. */
  maxErrors?: number;
}
