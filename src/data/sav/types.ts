/**
 * What {@link readSav} returns beyond {@link SurveyData}: the SPSS-specific facts of the file
 * (`data.sav`), which the codebook schema has no place for.
 * @module
 */
import type { SurveyData } from '../types.js';

/** SPSS measurement level (variable display record); `'unknown'` when the file does not say. */
export type SavMeasure = 'unknown' | 'nominal' | 'ordinal' | 'scale';

/** User-missing values of a variable, as declared in the file. */
export interface SavMissing {
  /** Discrete missing values (numbers, or strings without trailing spaces). */
  readonly values: ReadonlyArray<number | string>;
  /**
   * A numeric range `[low, high]`, inclusive; `LO THRU x` has `low = -Infinity` and
   * `x THRU HI` has `high = Infinity`.
   */
  readonly range?: readonly [number, number];
}

/** One variable as the file describes it. */
export interface SavVariable {
  /** The (long) variable name, the column name. */
  readonly name: string;
  /** The 8-byte short name of the variable record. */
  readonly shortName: string;
  /** Numeric or string (of `width` bytes). */
  readonly type: 'numeric' | 'string';
  /** String width in bytes; 0 for numeric variables. */
  readonly width: number;
  /** The variable label (VARIABLE LABELS), absent when none. */
  readonly label?: string;
  /** Print format, e.g. `F8.2`, `A20`, `DATE11`. */
  readonly format: string;
  /** Write format, in the same notation. */
  readonly writeFormat: string;
  /** Whether the print format shows a date or a date-time (the value is seconds since 14 Oct 1582). */
  readonly isDate: boolean;
  /** Measurement level (VARIABLE LEVEL). */
  readonly measure: SavMeasure;
  /** Value labels in code order (numbers ascending; strings as the CSV loader sorts them). */
  readonly valueLabels: ReadonlyArray<{
    /** The value (a number, or a string for string variables). */
    readonly value: number | string;
    /** Its label. */
    readonly label: string;
  }>;
  /** User-missing values (MISSING VALUES), absent when none. */
  readonly missing?: SavMissing;
}

/** A multiple response set (MRSETS). */
export interface SavMultipleResponseSet {
  /** The set name, with its `$`. */
  readonly name: string;
  /** The set's label. */
  readonly label: string;
  /** `categories` (MCGROUP) or `dichotomies` (MDGROUP). */
  readonly type: 'categories' | 'dichotomies';
  /** Dichotomies: the counted value (a number for numeric variables). */
  readonly countedValue?: number | string;
  /** Dichotomies: where category labels come from (`CATEGORYLABELS`). */
  readonly categoryLabels?: 'varlabels' | 'countedvalues';
  /** Dichotomies with counted-value labels: the set label is the first variable's label. */
  readonly labelFromVariable?: boolean;
  /** Member variables (column names). */
  readonly variables: readonly string[];
}

/** SPSS-specific facts of a system file. */
export interface SavFileInfo {
  /** The product that wrote the file, e.g. `@(#) SPSS DATA FILE MS Windows 29.0.0.0`. */
  readonly product: string;
  /** Creation date and time as written, e.g. `29 Nov 24 06:36:45`. */
  readonly created: string;
  /** The file label (FILE LABEL), `''` when none. */
  readonly fileLabel: string;
  /** WHATWG name of the encoding used to decode text. */
  readonly encoding: string;
  /** Where the encoding came from (see the module notes of `sav/text.ts`). */
  readonly encodingFrom: 'option' | 'record' | 'character-code' | 'guess';
  /** How the data is stored: uncompressed, bytecode-compressed (`.sav`) or ZLIB-compressed (`.zsav`). */
  readonly compression: 'none' | 'bytecode' | 'zlib';
  /** Byte order of the numbers in the file. */
  readonly byteOrder: 'little-endian' | 'big-endian';
  /** The weight variable (WEIGHT BY), or `null`. */
  readonly weight: string | null;
  /** Document lines (DOCUMENT), trailing spaces removed. */
  readonly documents: readonly string[];
  /** One entry per column, in column order. */
  readonly variables: readonly SavVariable[];
  /** Multiple response sets (MRSETS), in file order. */
  readonly multipleResponseSets: readonly SavMultipleResponseSet[];
  /** Oddities that did not stop reading (ignored records, unknown encodings, repaired labels). */
  readonly warnings: readonly string[];
}

/** A frame read from an SPSS system file: {@link SurveyData} plus the file's SPSS facts. */
export interface SavData extends SurveyData {
  /** The file's SPSS-specific facts. */
  readonly sav: SavFileInfo;
}
