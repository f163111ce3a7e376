/**
 * The dictionary records of an SPSS system file, read structurally (text stays as bytes until the
 * encoding is known): variable records (type 2), value labels (type 3, with their type 4 variable
 * list), documents (type 6), extension records (type 7, kept raw with their subtype) and the
 * dictionary termination (type 999), after which the case data starts.
 * @module
 */
import { ByteReader, savError, trimRight } from './bytes.js';
import { DEFAULT_SAV_LIMITS, type SavLimits, tooLarge } from './limits.js';

/** One variable record (type 2); `type` -1 continues the long string before it. */
export interface VariableRecord {
  /** Byte offset of the record. */
  readonly offset: number;
  /** 0 numeric, 1..255 string width, -1 continuation of a string. */
  readonly type: number;
  /** The 8-byte short name, trailing spaces removed. */
  readonly name: Uint8Array;
  readonly label: Uint8Array | null;
  /** 0..3 discrete missing values, -2 a range, -3 a range and one discrete value. */
  readonly nMissing: number;
  /** The missing values as numbers (numeric variables). */
  readonly missingNumbers: readonly number[];
  /** The missing values as 8 raw bytes each (string variables). */
  readonly missingBytes: readonly Uint8Array[];
  /** Print and write formats packed as `type << 16 | width << 8 | decimals`. */
  readonly print: number;
  readonly write: number;
}

/** A value labels record (type 3) with the variables of its type 4 record. */
export interface ValueLabelRecord {
  readonly offset: number;
  readonly labels: ReadonlyArray<{
    /** The 8 raw bytes of the value. */
    readonly raw: Uint8Array;
    /** The value as a number (numeric variables). */
    readonly number: number;
    readonly label: Uint8Array;
  }>;
  /** 1-based dictionary indexes. */
  readonly indexes: readonly number[];
  /** Offset of the type 4 record (for errors about its indexes). */
  readonly indexOffset: number;
}

/** An extension record (type 7), not yet interpreted. */
export interface ExtensionRecord {
  readonly offset: number;
  readonly subtype: number;
  readonly size: number;
  readonly count: number;
  /** Offset of the data (after the 16-byte record header). */
  readonly dataOffset: number;
  readonly data: Uint8Array;
}

/** Everything between the file header and the data. */
export interface RawDictionary {
  readonly variables: readonly VariableRecord[];
  readonly valueLabels: readonly ValueLabelRecord[];
  /** Lines of the documents record(s), 80 bytes each. */
  readonly documents: readonly Uint8Array[];
  readonly extensions: readonly ExtensionRecord[];
  /** Byte offset where the case data starts. */
  readonly dataOffset: number;
}

/**
 * Reads the dictionary records from `start` (just after the file header) up to and including the
 * termination record. Variables and value labels are counted against `limits` as their records
 * come, before anything is allocated for them.
 *
 * @throws {DataFormatError} `TRUNCATED` (the file ends inside the dictionary), `BAD_RECORD`
 * (unknown record type, or a type 3 record not followed by type 4), `BAD_DICTIONARY` (malformed
 * variable record).
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const dict = readRecords(readFileSync('test/fixtures/sav/empty.sav'), 176, true, 'empty.sav');
 * console.log(dict.variables.length, dict.valueLabels.length, dict.extensions.length > 0);
 * // => 2 1 true
 * ```
 */
export function readRecords(
  bytes: Uint8Array,
  start: number,
  littleEndian: boolean,
  source: string,
  limits: Pick<SavLimits, 'maxColumns' | 'maxValueLabels'> = DEFAULT_SAV_LIMITS,
): RawDictionary {
  const r = new ByteReader(bytes, littleEndian, source, start);
  let nvars = 0;
  const labels = { left: limits.maxValueLabels, limit: limits.maxValueLabels };
  const variables: VariableRecord[] = [];
  const valueLabels: ValueLabelRecord[] = [];
  const documents: Uint8Array[] = [];
  const extensions: ExtensionRecord[] = [];
  for (;;) {
    const offset = r.pos;
    if (r.remaining() === 0) {
      throw savError(
        'TRUNCATED',
        r.source,
        'the file ends inside the dictionary (no dictionary termination record, type 999)',
        offset,
      );
    }
    const type = r.int32('a record type');
    switch (type) {
      case 2: {
        const v = readVariable(r, offset);
        if (v.type !== -1 && ++nvars > limits.maxColumns) {
          throw tooLarge(
            source,
            offset,
            'variables or more',
            nvars,
            'maxColumns',
            limits.maxColumns,
          );
        }
        variables.push(v);
        break;
      }
      case 3:
        valueLabels.push(readValueLabels(r, offset, labels));
        break;
      case 4:
        throw savError(
          'BAD_RECORD',
          r.source,
          'a value label variables record (type 4) without the value labels record (type 3) before it',
          offset,
        );
      case 6: {
        const n = r.int32('the documents record');
        if (n < 0) throw savError('BAD_DICTIONARY', r.source, `${n} document lines`, offset + 4);
        r.need(n * 80, 'the documents record');
        for (let i = 0; i < n; i++) documents.push(r.take(80, 'a document line'));
        break;
      }
      case 7: {
        const subtype = r.int32('an extension record header');
        const size = r.int32('an extension record header');
        const count = r.int32('an extension record header');
        if (size < 0 || count < 0) {
          throw savError(
            'BAD_DICTIONARY',
            r.source,
            `extension record (subtype ${subtype}) declares ${count} elements of ${size} bytes`,
            offset,
          );
        }
        const dataOffset = r.pos;
        const data = r.take(size * count, `extension record subtype ${subtype}`);
        extensions.push({ offset, subtype, size, count, dataOffset, data });
        break;
      }
      case 999:
        r.int32('the dictionary termination record');
        return { variables, valueLabels, documents, extensions, dataOffset: r.pos };
      default:
        throw savError(
          'BAD_RECORD',
          r.source,
          `unknown record type ${type} (expected 2, 3, 6, 7 or 999): the dictionary is corrupt`,
          offset,
        );
    }
  }
}

function readVariable(r: ByteReader, offset: number): VariableRecord {
  const type = r.int32('a variable record');
  const hasLabel = r.int32('a variable record');
  const nMissing = r.int32('a variable record');
  const print = r.int32('a variable record');
  const write = r.int32('a variable record');
  const name = trimRight(r.take(8, 'a variable name'));
  if (type < -1 || type > 255) {
    throw savError(
      'BAD_DICTIONARY',
      r.source,
      `variable record with type ${type} (expected 0 numeric, 1..255 string width, or -1)`,
      offset + 4,
    );
  }
  if (hasLabel !== 0 && hasLabel !== 1) {
    throw savError(
      'BAD_DICTIONARY',
      r.source,
      `variable record with label flag ${hasLabel} (expected 0 or 1)`,
      offset + 8,
    );
  }
  let label: Uint8Array | null = null;
  if (hasLabel === 1) {
    const len = r.int32('a variable label');
    if (len < 0) {
      throw savError('BAD_DICTIONARY', r.source, `variable label of length ${len}`, r.pos - 4);
    }
    label = r.take(len, 'a variable label');
    r.skip((4 - (len % 4)) % 4, 'a variable label');
  }
  const count = nMissing >= 0 ? nMissing : -nMissing;
  if (nMissing > 3 || nMissing < -3 || nMissing === -1 || (type !== 0 && nMissing < 0)) {
    throw savError(
      'BAD_DICTIONARY',
      r.source,
      `variable record with missing value code ${nMissing}` +
        (type !== 0 && nMissing < 0
          ? ' (a range on a string variable)'
          : ' (expected 0..3, -2 or -3)'),
      offset + 12,
    );
  }
  const missingNumbers: number[] = [];
  const missingBytes: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    missingBytes.push(r.take(8, 'a missing value'));
    missingNumbers.push(r.view.getFloat64(r.pos - 8, r.littleEndian));
  }
  return { offset, type, name, label, nMissing, missingNumbers, missingBytes, print, write };
}

function readValueLabels(
  r: ByteReader,
  offset: number,
  budget: { left: number; limit: number },
): ValueLabelRecord {
  const n = r.int32('a value labels record');
  if (n < 0) throw savError('BAD_DICTIONARY', r.source, `${n} value labels`, offset + 4);
  // each label takes at least 16 bytes: check before building the list
  r.need(n * 16, 'a value labels record');
  budget.left -= n;
  if (budget.left < 0) {
    const count = budget.limit - budget.left;
    throw tooLarge(r.source, offset, 'value labels or more', count, 'maxValueLabels', budget.limit);
  }
  const labels: Array<{ raw: Uint8Array; number: number; label: Uint8Array }> = [];
  for (let i = 0; i < n; i++) {
    const raw = r.take(8, 'a labelled value');
    const number = r.view.getFloat64(r.pos - 8, r.littleEndian);
    const len = r.take(1, 'a value label')[0]!;
    const label = r.take(len, 'a value label');
    r.skip((8 - ((len + 1) % 8)) % 8, 'a value label');
    labels.push({ raw, number, label });
  }
  const indexOffset = r.pos;
  const next = r.int32('a value label variables record');
  if (next !== 4) {
    throw savError(
      'BAD_RECORD',
      r.source,
      'a value labels record (type 3) must be followed by its variables record (type 4)',
      indexOffset,
    );
  }
  const m = r.int32('a value label variables record');
  if (m < 0) throw savError('BAD_DICTIONARY', r.source, `${m} labelled variables`, indexOffset + 4);
  r.need(m * 4, 'a value label variables record');
  const indexes: number[] = [];
  for (let i = 0; i < m; i++) indexes.push(r.int32('a labelled variable index'));
  return { offset, labels, indexes, indexOffset };
}
