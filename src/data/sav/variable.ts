/**
 * A variable of an SPSS file's dictionary as the data decoder needs it: where its segments sit in
 * a case, its missing values and its value labels.
 * @module
 */
import type { SavMeasure } from './types.js';

/** Where one segment of a string variable sits in a case. */
export interface Segment {
  /** Byte offset from the variable's first byte in the case. */
  readonly offset: number;
  /** Bytes of the value held by this segment (255 for all but the last segment of a very long string). */
  readonly used: number;
}

/** A string value label, kept as bytes too (see the PSPP note in `sav/columns.ts`). */
export interface StringValueLabel {
  readonly bytes: Uint8Array;
  readonly value: string;
  readonly label: string;
}

/** A variable of the dictionary, ready for decoding data. */
export interface DictVariable {
  readonly name: string;
  readonly shortName: string;
  readonly type: 'numeric' | 'string';
  readonly width: number;
  /** 1-based dictionary index of its first variable record. */
  readonly index: number;
  /** First 8-byte unit of the case holding it (0-based). */
  readonly unit: number;
  /** 8-byte units it occupies (all segments). */
  readonly units: number;
  readonly segments: readonly Segment[];
  readonly label: string | undefined;
  readonly print: number;
  readonly write: number;
  measure: SavMeasure;
  /** Numeric user-missing values. */
  readonly missingNumbers: number[];
  missingRange: [number, number] | undefined;
  /** String user-missing values (decoded, trailing spaces removed). */
  readonly missingStrings: string[];
  /** Numeric value labels in file order. */
  readonly numberLabels: Array<{ value: number; label: string }>;
  /** String value labels in file order. */
  readonly stringLabels: StringValueLabel[];
}
