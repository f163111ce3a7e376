/**
 * The fused row loop of the CSV loader's byte route: quote-free UTF-8 records read in one pass
 * over their bytes, each cell converted as soon as its field is scanned (a number parsed digit
 * by digit while looking for its end, a text looked up in its column's dictionary while its bytes
 * are still in the first-level cache), written straight into the columns.
 *
 * It takes only the common case and gives up on a record (leaving it, and the columns, as they
 * were before it) at anything else: a text its column has not seen yet, a number the fast reader
 * does not take or its column does not accept as is, a field count other than the header's, a
 * blank line, a long record. The loader then reads that record the general way (split into field
 * offsets first, each column handed its cells: `CsvLoader.parsePlainBytes`), which knows every
 * rule, and comes back here. Both ways give the same frame.
 * @module
 */
import { ByteDictionary, GUESS_CODE, GUESS_ENTRY, GUESS_LENGTH, guessSlot } from './bytes.js';

/** What the fused loop does with a column's cells. */
export const LANE_SKIP = 0;
/** A dictionary column: the cell's code from the short-key table or the byte dictionary. */
export const LANE_DICT = 1;
/** A numeric column that takes every number as is. */
export const LANE_NUM = 2;
/** A numeric column whose numbers must pass its `accepts` check (a range, missing codes). */
export const LANE_NUM_CHECKED = 3;

/** One column as the fused loop sees it (`ColumnBuilder.lane`). */
export interface Lane {
  kind: number;
  /** Dictionary column: its codes, with room for the rows asked for. */
  codes: Int32Array;
  /** Numeric column: its values, with room for the rows asked for. */
  values: Float64Array;
  /** Dictionary column: codes + 1 of keys of one or two ASCII bytes (see `shortSlot`). */
  short: Int32Array;
  dict: ByteDictionary | null;
  /** {@link LANE_NUM_CHECKED}: whether the column takes a number as is. */
  accepts: ((v: number) => boolean) | null;
}

/** The columns of a file as the fused loop sees them, and what it reports back. */
export interface Lanes {
  kind: Uint8Array;
  codes: Int32Array[];
  values: Float64Array[];
  short: Int32Array[];
  dict: ByteDictionary[];
  accepts: Array<(v: number) => boolean>;
  /** Out: blank cells written per numeric column. */
  empty: Int32Array;
  /** Out: records read. */
  rows: number;
}

const LF = 10;
const CR = 13;
const DOT = 46;
const MINUS = 45;
/** Slots of the one-character keys in a short-key table (and slot 0). */
const SHORT_ONE = 129;
/** Exact powers of ten (10^0 to 10^22 are all exactly representable as doubles). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const NEVER = (): boolean => false;
/** The dictionary of the lanes without one (never looked in). */
const NO_DICT = new ByteDictionary();

/**
 * The lanes of columns, ready for {@link readRows}.
 * @example
 * ```ts
 * const lanes = makeLanes([{ kind: LANE_SKIP, codes: new Int32Array(0), values: new Float64Array(0),
 *   short: new Int32Array(0), dict: null, accepts: null }]);
 * console.log(lanes.kind); // => Uint8Array(1) [ 0 ]
 * ```
 */
export function makeLanes(list: readonly Lane[]): Lanes {
  return {
    kind: Uint8Array.from(list, (l) => l.kind),
    codes: list.map((l) => l.codes),
    values: list.map((l) => l.values),
    short: list.map((l) => l.short),
    dict: list.map((l) => l.dict ?? NO_DICT),
    accepts: list.map((l) => l.accepts ?? NEVER),
    empty: new Int32Array(list.length),
    rows: 0,
  };
}

/**
 * Reads up to `maxRows` records of `bytes[start, stop)` (`stop`: where the last whole record
 * ends; `dc` the delimiter byte) into the lanes at rows `n0`, `n0 + 1`, ...; sets `lanes.rows`
 * and `lanes.empty`. Returns where the next record starts, or −1 when the record ending at `stop`
 * was read. A record it gives up on is not counted and leaves nothing behind: the caller reads
 * it from the returned offset.
 *
 * One loop over the fields of a record, its branch on the column's lane: the lanes repeat with
 * every record, so the branch predictor learns them, and each field's bytes are read once.
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode('1.5,x\n-2,y\n1e3,z\n');
 * const values = new Float64Array(3);
 * const none = new Int32Array(0);
 * const lanes = makeLanes([
 *   { kind: LANE_NUM, codes: none, values, short: none, dict: null, accepts: null },
 *   { kind: LANE_SKIP, codes: none, values, short: none, dict: null, accepts: null },
 * ]);
 * // the third record's number is not one the fast reader takes: it is left to the caller
 * const next = readRows(bytes, 0, bytes.length - 1, 44, lanes, 0, 10, 1000);
 * console.log(lanes.rows, next, values.subarray(0, lanes.rows)); // => 2 11 Float64Array(2) [ 1.5, -2 ]
 * ```
 */
export function readRows(
  bytes: Uint8Array,
  start: number,
  stop: number,
  dc: number,
  lanes: Lanes,
  n0: number,
  maxRows: number,
  maxRecord: number,
): number {
  const { kind, codes, values, short, dict, accepts, empty } = lanes;
  empty.fill(0);
  lanes.rows = 0;
  const ncol = kind.length;
  const last = ncol - 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Bytes above this are neither the delimiter nor a line break: one comparison skips them.
  const plainAbove = Math.max(dc, CR);
  let p = start;
  let row = 0;
  let failed = -1;
  while (row < maxRows && p < stop) {
    const n = n0 + row;
    const rowStart = p;
    let j = 0;
    for (; j < ncol; j++) {
      const a = p;
      const lane = kind[j]!;
      if (lane === LANE_NUM || lane === LANE_NUM_CHECKED) {
        // -?\d+(\.\d+)? with at most 15 digits, as decimalFromBytes reads it (Clinger's fast
        // path: one correctly rounded division), parsed while looking for the field's end.
        let i = a;
        let neg = false;
        if (i < stop && bytes[i] === MINUS) {
          neg = true;
          i++;
        }
        let m = 0;
        let digits = 0;
        let c = 0;
        for (; i < stop; i++) {
          c = bytes[i]!;
          if (c < 48 || c > 57) break;
          m = m * 10 + (c - 48);
          digits++;
        }
        let scale = 0;
        if (digits > 0 && i < stop && c === DOT) {
          const from = ++i;
          for (; i < stop; i++) {
            c = bytes[i]!;
            if (c < 48 || c > 57) break;
            m = m * 10 + (c - 48);
          }
          scale = i - from;
          if (scale === 0) break;
          digits += scale;
        }
        p = i;
        if (
          j < last ? i >= stop || bytes[i] !== dc : i < stop && bytes[i] !== LF && bytes[i] !== CR
        )
          break;
        if (digits === 0) {
          if (i !== a) break;
          values[j]![n] = Number.NaN;
          empty[j]!++;
        } else {
          if (digits > 15) break;
          const u = scale === 0 ? m : m / POW10[scale]!;
          const v = neg ? -u : u;
          if (lane === LANE_NUM_CHECKED && !accepts[j]!(v)) break;
          values[j]![n] = v;
        }
      } else if (lane === LANE_DICT) {
        // The field's end is found from its first bytes when they are a key of the column: one
        // byte, two, or a key of the dictionary that starts there (its guesses); only the other
        // fields are scanned byte by byte. A text answer is most of a poll's bytes.
        let i: number;
        let t = -1;
        const c0 = a < stop ? bytes[a]! : LF;
        const c1 = a + 1 < stop ? bytes[a + 1]! : LF;
        if (c0 <= plainAbove && (c0 === dc || c0 === LF || c0 === CR)) i = a;
        else if (c1 <= plainAbove && (c1 === dc || c1 === LF || c1 === CR)) {
          i = a + 1;
          const sh = short[j]!;
          if (c0 < 128 && 1 + c0 < sh.length) t = sh[1 + c0]! - 1;
        } else {
          // The two keys of the slot of the field's first four bytes (ByteDictionary.guesses),
          // each compared four words at a time, all four always (one branch per key whatever
          // its length), then the byte after it. Written out here: as a function called from
          // this loop it took 10% more time.
          const g = dict[j]!.guesses;
          i = a;
          if (g.length !== 0 && a + 16 <= bytes.length) {
            const w0 = view.getInt32(a, true);
            let e = guessSlot(w0) * 2 * GUESS_ENTRY;
            for (let way = 0; way < 2; way++, e += GUESS_ENTRY) {
              const len = g[e + GUESS_LENGTH]!;
              if (len === 0) break;
              const diff =
                (w0 ^ g[e]!) |
                (view.getInt32(a + g[e + 4]!, true) ^ g[e + 1]!) |
                (view.getInt32(a + g[e + 5]!, true) ^ g[e + 2]!) |
                (view.getInt32(a + g[e + 6]!, true) ^ g[e + 3]!);
              const end = a + len;
              if (diff !== 0 || end > stop) continue;
              if (end < stop) {
                const c = bytes[end]!;
                if (c !== dc && c !== LF && c !== CR) continue;
              }
              t = g[e + GUESS_CODE]!;
              i = end;
              break;
            }
          }
          if (t < 0) {
            for (i = a + 2; i < stop; i++) {
              const c = bytes[i]!;
              if (c <= plainAbove && (c === dc || c === LF || c === CR)) break;
            }
            if (i - a === 2 && c0 < 128 && c1 < 128) {
              const sh = short[j]!;
              const slot = SHORT_ONE + c0 * 128 + c1;
              if (slot < sh.length) t = sh[slot]! - 1;
            }
          }
        }
        p = i;
        if (j < last ? i >= stop || bytes[i] !== dc : i < stop && bytes[i] === dc) break;
        if (i !== a && t < 0) {
          t = dict[j]!.find(bytes, view, a, i);
          if (t < 0) break;
        }
        codes[j]![n] = t;
      } else {
        let i = a;
        for (; i < stop; i++) {
          const c = bytes[i]!;
          if (c <= plainAbove && (c === dc || c === LF || c === CR)) break;
        }
        p = i;
        if (j < last ? i >= stop || bytes[i] !== dc : i < stop && bytes[i] === dc) break;
      }
      p++; // past the delimiter (or the line break, corrected below)
    }
    if (j < ncol || p - 1 - rowStart > maxRecord) {
      failed = j;
      p = rowStart;
      // the blank numeric cells of the record given up on: not counted
      for (let k = 0; k < failed && k < ncol; k++) {
        const lane = kind[k]!;
        if ((lane === LANE_NUM || lane === LANE_NUM_CHECKED) && Number.isNaN(values[k]![n]!)) {
          empty[k]!--;
        }
      }
      break;
    }
    row++;
    const e = p - 1;
    if (e >= stop) {
      lanes.rows = row;
      return -1;
    }
    p = e + (bytes[e] === CR && bytes[e + 1] === LF ? 2 : 1);
  }
  lanes.rows = row;
  return p;
}
