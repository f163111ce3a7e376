/**
 * Extension records (type 7) of an SPSS system file that this reader interprets, parsed from their
 * raw bytes: machine integer info (subtype 3), machine floating-point info (4), multiple response
 * sets (7 and 19), variable display parameters (11), long variable names (13), very long strings
 * (14), the extended case count (16), the character encoding (20), long string value labels (21)
 * and long string missing values (22). Other subtypes (variable sets, trends, attributes, XML...)
 * are skipped. Nested lengths are checked against the record's size.
 * @module
 */
import { ByteReader, savError } from './bytes.js';
import { tooLarge } from './limits.js';
import type { ExtensionRecord } from './records.js';

/** Subtype 3. */
export interface IntegerInfo {
  readonly version: readonly [number, number, number];
  readonly machineCode: number;
  /** 1 IEEE 754, 2 IBM 370, 3 DEC VAX E. */
  readonly floatingPoint: number;
  readonly compression: number;
  /** 1 big-endian, 2 little-endian. */
  readonly endianness: number;
  /** A Windows code page (1251, 65001...), or 1 EBCDIC, 2 7-bit ASCII, 3 8-bit ASCII, 4 DEC Kanji. */
  readonly characterCode: number;
}

/** Subtype 4. */
export interface FloatInfo {
  readonly sysmis: number;
  readonly highest: number;
  readonly lowest: number;
}

/** One long string's value labels (subtype 21), text still as bytes. */
export interface LongStringLabels {
  readonly offset: number;
  readonly name: Uint8Array;
  readonly width: number;
  readonly labels: ReadonlyArray<{ readonly value: Uint8Array; readonly label: Uint8Array }>;
}

/** One long string's missing values (subtype 22), as bytes. */
export interface LongStringMissing {
  readonly offset: number;
  readonly name: Uint8Array;
  readonly values: readonly Uint8Array[];
}

/** A multiple response set (subtypes 7 and 19), text still as bytes. */
export interface RawMrSet {
  readonly offset: number;
  readonly name: Uint8Array;
  /** `C` categories, `D` dichotomies with variable labels, `E` dichotomies with counted-value labels. */
  readonly kind: 'C' | 'D' | 'E';
  /** `E` sets: 11 when the set's label comes from its first variable's label (LABELSOURCE=VARLABEL). */
  readonly labelSource: number;
  readonly countedValue: Uint8Array | null;
  readonly label: Uint8Array;
  readonly variables: readonly Uint8Array[];
}

/** The interpreted extension records. */
export interface Extensions {
  integerInfo?: IntegerInfo;
  floatInfo?: FloatInfo;
  /** Subtype 11: three (measure, width, alignment) or two (no width) int32s per variable. */
  display?: { readonly offset: number; readonly values: Int32Array };
  longNames?: Uint8Array;
  veryLongStrings?: Uint8Array;
  /** Subtype 16. */
  ncases64?: number;
  encoding?: string;
  longStringLabels: LongStringLabels[];
  longStringMissing: LongStringMissing[];
  mrsets: RawMrSet[];
}

/**
 * Interprets the extension records; malformed optional records are skipped with a warning, except
 * structural overruns inside subtypes 21 and 22, which are `BAD_DICTIONARY` errors. Long string
 * value labels (subtype 21) count against `labels` (what the `maxValueLabels` limit leaves).
 *
 * @example
 * ```ts
 * const text = (s: string) => new TextEncoder().encode(s);
 * const record = (subtype: number, data: Uint8Array) =>
 *   ({ offset: 0, subtype, size: 1, count: data.length, dataOffset: 0, data });
 * const mr = text('$media=D1 1 7 Sources tv radio\n');
 * const ext = parseExtensions(mr, [record(20, text('UTF-8')), record(7, mr)], true, 'x.sav', () => {});
 * console.log(ext.encoding, ext.mrsets[0].kind, ext.mrsets[0].variables.length); // => UTF-8 D 2
 * ```
 */
export function parseExtensions(
  file: Uint8Array,
  records: readonly ExtensionRecord[],
  littleEndian: boolean,
  source: string,
  warn: (message: string) => void,
  labels: { left: number; limit: number } = { left: Infinity, limit: Infinity },
): Extensions {
  const out: Extensions = { longStringLabels: [], longStringMissing: [], mrsets: [] };
  for (const rec of records) {
    const r = new ByteReader(
      file,
      littleEndian,
      source,
      rec.dataOffset,
      rec.dataOffset + rec.data.length,
      'BAD_DICTIONARY',
      `extension record subtype ${rec.subtype}`,
    );
    const shape = (size: number, count?: number): boolean => {
      if (rec.size === size && (count === undefined || rec.count === count)) return true;
      warn(
        `extension record subtype ${rec.subtype} at byte ${rec.offset} has ${rec.count} elements of ` +
          `${rec.size} bytes, expected ${count ?? 'n'} of ${size}; ignored`,
      );
      return false;
    };
    switch (rec.subtype) {
      case 3:
        if (shape(4, 8)) {
          const v = Array.from({ length: 8 }, () => r.int32('machine integer info'));
          out.integerInfo = {
            version: [v[0]!, v[1]!, v[2]!],
            machineCode: v[3]!,
            floatingPoint: v[4]!,
            compression: v[5]!,
            endianness: v[6]!,
            characterCode: v[7]!,
          };
        }
        break;
      case 4:
        if (shape(8, 3)) {
          out.floatInfo = {
            sysmis: r.float64('machine floating-point info'),
            highest: r.float64('machine floating-point info'),
            lowest: r.float64('machine floating-point info'),
          };
        }
        break;
      case 7:
      case 19:
        if (shape(1)) parseMrSets(rec, out.mrsets, warn);
        break;
      case 11:
        if (shape(4)) {
          const values = new Int32Array(rec.count);
          for (let i = 0; i < rec.count; i++) values[i] = r.int32('variable display parameters');
          out.display = { offset: rec.offset, values };
        }
        break;
      case 13:
        if (shape(1)) out.longNames = rec.data;
        break;
      case 14:
        if (shape(1)) out.veryLongStrings = rec.data;
        break;
      case 16:
        if (shape(8, 2)) {
          r.int64('extended case count');
          out.ncases64 = r.int64('extended case count');
        }
        break;
      case 20:
        if (shape(1)) out.encoding = String.fromCharCode(...rec.data).replace(/\0+$/, '');
        break;
      case 21:
        if (shape(1)) parseLongStringLabels(r, out.longStringLabels, labels);
        break;
      case 22:
        if (shape(1)) parseLongStringMissing(r, out.longStringMissing);
        break;
      default:
        break;
    }
  }
  return out;
}

function parseLongStringLabels(
  r: ByteReader,
  out: LongStringLabels[],
  budget: { left: number; limit: number },
): void {
  while (r.remaining() > 0) {
    const offset = r.pos;
    const name = r.take(nonNegative(r, 'a variable name length'), 'a variable name');
    const width = r.int32('a variable width');
    const n = nonNegative(r, 'a label count');
    r.need(n * 8, 'the value labels');
    budget.left -= n;
    if (budget.left < 0) {
      const count = budget.limit - budget.left;
      throw tooLarge(
        r.source,
        offset,
        'value labels or more',
        count,
        'maxValueLabels',
        budget.limit,
      );
    }
    const labels: Array<{ value: Uint8Array; label: Uint8Array }> = [];
    for (let i = 0; i < n; i++) {
      const value = r.take(nonNegative(r, 'a value length'), 'a labelled value');
      const label = r.take(nonNegative(r, 'a label length'), 'a value label');
      labels.push({ value, label });
    }
    out.push({ offset, name, width, labels });
  }
}

function parseLongStringMissing(r: ByteReader, out: LongStringMissing[]): void {
  while (r.remaining() > 0) {
    const offset = r.pos;
    const name = r.take(nonNegative(r, 'a variable name length'), 'a variable name');
    const n = r.take(1, 'a missing value count')[0]!;
    const len = nonNegative(r, 'a missing value length');
    r.need(n * len, 'the missing values');
    const values: Uint8Array[] = [];
    for (let i = 0; i < n; i++) values.push(r.take(len, 'a missing value'));
    out.push({ offset, name, values });
  }
}

function nonNegative(r: ByteReader, what: string): number {
  const at = r.pos;
  const v = r.int32(what);
  if (v < 0) throw savError('BAD_DICTIONARY', r.source, `${what} is negative (${v})`, at);
  return v;
}

/** Parses the multiple response sets text; a malformed set ends the record with a warning. */
function parseMrSets(rec: ExtensionRecord, out: RawMrSet[], warn: (message: string) => void): void {
  const b = rec.data;
  let p = 0;
  const fail = (why: string): void => {
    warn(
      `multiple response sets record (subtype ${rec.subtype}) at byte ${rec.offset}: ${why} at byte ${rec.dataOffset + p}; the rest of the record is ignored`,
    );
  };
  const digits = (): number => {
    const start = p;
    while (p < b.length && b[p]! >= 48 && b[p]! <= 57) p++;
    if (p === start || p - start > 9) return -1;
    return Number(String.fromCharCode(...b.subarray(start, p)));
  };
  const expect = (c: number): boolean => {
    if (b[p] !== c) return false;
    p++;
    return true;
  };
  /** `<n> <n bytes>` */
  const counted = (): Uint8Array | null => {
    const n = digits();
    if (n < 0 || !expect(32) || p + n > b.length) return null;
    p += n;
    return b.subarray(p - n, p);
  };
  for (;;) {
    while (p < b.length && b[p] === 10) p++;
    if (p >= b.length) return;
    const offset = rec.dataOffset + p;
    const eq = b.indexOf(61 /* = */, p);
    if (eq < 0) {
      fail('a set name without "="');
      return;
    }
    const name = b.subarray(p, eq);
    p = eq + 1;
    const k = b[p++];
    if (k !== 67 && k !== 68 && k !== 69) {
      fail('a set type other than C, D or E');
      return;
    }
    const kind = k === 67 ? 'C' : k === 68 ? 'D' : 'E';
    let labelSource = 0;
    let countedValue: Uint8Array | null = null;
    if (kind === 'E') {
      if (!expect(32)) {
        fail('no space after "E"');
        return;
      }
      labelSource = digits();
      if (labelSource < 0 || !expect(32)) {
        fail('a bad label source');
        return;
      }
    }
    if (kind === 'C') {
      if (!expect(32)) {
        fail('no space after "C"');
        return;
      }
    } else {
      countedValue = counted();
      if (countedValue === null || !expect(32)) {
        fail('a bad counted value');
        return;
      }
    }
    const label = counted();
    if (label === null) {
      fail('a bad set label');
      return;
    }
    const variables: Uint8Array[] = [];
    // variable names, each preceded by a space, up to the end of the line
    while (p < b.length && b[p] !== 10) {
      if (b[p] === 32) {
        p++;
        continue;
      }
      const start = p;
      while (p < b.length && b[p] !== 32 && b[p] !== 10) p++;
      variables.push(b.subarray(start, p));
    }
    out.push({ offset, name, kind, labelSource, countedValue, label, variables });
  }
}
