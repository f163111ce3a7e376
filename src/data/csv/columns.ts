/**
 * Column builders of the CSV loader. Each column grows chunk by chunk in one of two compact forms:
 *
 * - **dictionary**: each distinct raw cell text once, plus one `Int32` code per row. Every column
 *   starts this way, so low-cardinality columns (codes, regions, ages) cost one map lookup per cell
 *   and each distinct text is parsed or matched against the codebook once.
 * - **numeric**: one `Float64` per row. A column that may be numeric (inferred, forced numeric, or a
 *   numeric codebook variable) switches to this form once it holds more than {@link DICT_CAP}
 *   distinct texts that are all numbers, so weights and incomes do not keep a string per row.
 *
 * An inferred column that has switched to numeric and then meets a text cell has lost the raw text
 * of its earlier numeric cells (`"1.0"` and `"1"` would both be `1`); it is marked for a second
 * read of the source, which rebuilds it as categorical from the exact texts (rare: it needs more
 * than {@link DICT_CAP} distinct numbers before the first text).
 * @module
 */
import { DataFormatError } from '../../errors.js';
import type { Column } from '../types.js';
import { ByteDictionary, decimalFromBytes, utf8Text } from './bytes.js';
import type { CellClass, VariableRules } from './codebook-check.js';
import { LANE_DICT, LANE_NUM, LANE_NUM_CHECKED, LANE_SKIP, type Lane } from './fused.js';
import { isBlank, type NaTexts, naTexts, numberProblem, parseNumber, sortLevels } from './infer.js';
import { DEFAULT_NA } from './options.js';

/** Distinct texts a numeric-capable column keeps before switching to the numeric form. */
export const DICT_CAP = 1024;

/** How a column is read. */
export type ColumnSpec =
  /** No codebook entry and no `types` override: numeric if every non-blank cell is a number. */
  | { kind: 'infer' }
  /** `types: { x: 'numeric' }`: every non-blank cell must be a number. */
  | { kind: 'numeric' }
  /**
   * `types: { x: 'categorical' }` (or a second read): levels in {@link sortLevels} order; or, with
   * `levels` (the `levels` option), exactly those levels, any other text a problem.
   */
  | { kind: 'categorical'; levels?: readonly string[] }
  /**
   * A codebook variable; `levels` (the `levels` option) only for a categorical variable without
   * `values`, whose level order it gives.
   */
  | { kind: 'codebook'; rules: VariableRules; levels?: readonly string[] }
  /** Not stored (used by the second read for the other columns). */
  | { kind: 'skip' };

/**
 * What a column's problem cells are reported as: a cell of a `types: numeric` column that is not
 * a number, a cell not among the `levels` option's levels, a cell its codebook variable rejects.
 */
export type ProblemCode = 'NOT_A_NUMBER' | 'UNKNOWN_LEVEL' | 'CODEBOOK_VIOLATION';

/** A cell that breaks the rules of its column; `row` is the 0-based data row. */
export interface CellProblem {
  row: number;
  value: string;
  reason: string;
}

/** A finished column and what was learned while building it. */
export interface BuiltColumn {
  /** `null` for skipped columns and columns that need a second read. */
  column: Column | null;
  /** Blank cells. */
  empty: number;
  /** Cells holding each missing code (keyed as the codebook writes the code). */
  missingCodes: Record<string, number>;
  /** Cells holding each `na` text (in the option's order; only those that occur). */
  na: Record<string, number>;
  /** The first `maxErrors` problem cells, in row order. */
  problems: CellProblem[];
  /** All problem cells. */
  problemTotal: number;
  /** An inferred column that must be read again as categorical (see the module notes). */
  needsReread: boolean;
}

const DICT = 0;
const NUM = 1;
const SKIP = 2;

/** Per distinct text: 0 value/level, 1 blank, 2 missing code, 3 problem, 4 an `na` text. */
const K_OK = 0;
const K_EMPTY = 1;
const K_MISSING = 2;
const K_PROBLEM = 3;
const K_NA = 4;

/** How a distinct text of the column reads: as its codebook variable says, or an `na` text. */
type KeyClass = CellClass | { kind: 'na'; text: string };

/**
 * Builds one column from rows of text cells, chunk by chunk.
 *
 * @example
 * ```ts
 * const b = new ColumnBuilder('age', { kind: 'infer' }, 100);
 * b.push([['34'], [''], ['51']], 0);
 * const built = b.finish();
 * console.log(built.column?.kind, built.empty); // => numeric 1
 * ```
 */
export class ColumnBuilder {
  private mode: number;
  private n = 0;
  private map = new Map<string, number>();
  /**
   * Codes + 1 of the keys of one or two ASCII characters, by {@link shortSlot} (0: not a key):
   * none until the first short key, then the one-character slots, all slots once the column
   * holds {@link SHORT_TABLE_ROWS} rows (the whole table takes 64 KiB, too much for each column
   * of a wide file of few rows).
   */
  private short: Int32Array;
  private keys: string[] = [];
  /** The keys' UTF-8 bytes, for cells given as bytes (made on the first such cell). */
  private byteKeys: ByteDictionary | null = null;
  private codes: Int32Array = new Int32Array(0);
  private values: Float64Array = new Float64Array(0);
  /** Inferred column: a non-blank distinct text that is not a number was seen. */
  private nonNumeric = false;
  private empty = 0;
  private readonly missingCodes = new Map<string, number>();
  /** Cells per `na` text. */
  private readonly naCounts = new Map<string, number>();
  private readonly problems: CellProblem[] = [];
  private problemTotal = 0;
  private needsReread = false;
  private readonly rules: VariableRules | undefined;
  /**
   * Numeric form: every finite number is accepted as is (no missing numbers, no range, no `na`
   * text that reads as a number).
   */
  private readonly plainNumbers: boolean;
  /**
   * Numbers that may be `na` texts (a column without a codebook variable: the `na` texts come
   * first there); `null` when none.
   */
  private readonly naNumbers: ReadonlySet<number> | null;
  /** The `levels` option's levels of the column, with their indices; `null` when not given. */
  private readonly levelIndex: ReadonlyMap<string, number> | null;

  constructor(
    readonly name: string,
    readonly spec: ColumnSpec,
    private readonly maxErrors: number,
    private readonly na: NaTexts = naTexts(DEFAULT_NA),
  ) {
    this.mode = spec.kind === 'skip' ? SKIP : DICT;
    this.short = NO_SHORT_KEYS;
    this.rules = spec.kind === 'codebook' ? spec.rules : undefined;
    this.naNumbers = this.rules === undefined && na.numbers.size > 0 ? na.numbers : null;
    this.plainNumbers =
      this.naNumbers === null &&
      (this.rules === undefined ||
        (this.rules.missingNumbers.length === 0 && this.rules.range === undefined));
    const levels =
      spec.kind === 'categorical' || spec.kind === 'codebook' ? spec.levels : undefined;
    this.levelIndex = levels ? new Map(levels.map((l, i) => [l, i])) : null;
  }

  /** What the column's problem cells are reported as (`null`: it can have none). */
  get problemCode(): ProblemCode | null {
    if (this.levelIndex !== null) return 'UNKNOWN_LEVEL';
    if (this.spec.kind === 'codebook') return 'CODEBOOK_VIOLATION';
    return this.spec.kind === 'numeric' ? 'NOT_A_NUMBER' : null;
  }

  /** Makes room for `rows` rows in all (a hint: the column still grows if more come). */
  reserve(rows: number): void {
    if (this.mode === DICT && this.codes.length < rows) this.codes = this.growCodes(rows);
    if (this.mode === NUM && this.values.length < rows)
      this.values = growFloat64(this.values, rows);
  }

  /** Appends cell `j` of every row. */
  push(rows: ReadonlyArray<readonly string[]>, j: number): void {
    if (this.mode === SKIP) return;
    let k = 0;
    if (this.mode === DICT) k = this.pushDict(rows, j);
    if (this.mode === NUM && k < rows.length) this.pushNum(rows, j, k);
  }

  /**
   * Appends `nrows` cells given as spans of `text`: cell `r` is
   * `text.slice(spans[at + 2 * r], spans[at + 2 * r + 1])`. Same result as {@link push} with those
   * cells as strings.
   */
  pushSpans(text: string, spans: Int32Array, at: number, nrows: number): void {
    if (this.mode === SKIP) return;
    let k = 0;
    if (this.mode === DICT) k = this.pushDictSpans(text, spans, at, nrows);
    if (this.mode === NUM && k < nrows) this.pushNumSpans(text, spans, at, nrows, k);
  }

  /**
   * Appends `nrows` cells given as spans of UTF-8 bytes: cell `r` is
   * `bytes[spans[at + 2 * r], spans[at + 2 * r + 1])`. Same result as {@link pushSpans} with the
   * text of those bytes; a string is made only for a text the column has not seen yet (or a cell
   * the fast number reader does not take).
   */
  pushByteSpans(bytes: Uint8Array, spans: Int32Array, at: number, nrows: number): void {
    if (this.mode === SKIP) return;
    let k = 0;
    if (this.mode === DICT) k = this.pushDictBytes(bytes, spans, at, nrows);
    if (this.mode === NUM && k < nrows) this.pushNumBytes(bytes, spans, at, nrows, k);
  }

  /**
   * The column as the fused row loop (`csv/fused.ts`) writes it, with room for `rows` more rows
   * after those it holds (as many as the loader has read): its codes or values, and how to read
   * its cells. The loop only writes cells the column would hold the same way, and leaves the
   * others (new texts, numbers to check the slow way) to {@link pushByteSpans}; {@link advance}
   * then counts its rows.
   */
  lane(rows: number): Lane {
    const none = NO_SHORT_KEYS;
    if (this.mode === DICT) {
      if (this.codes.length < this.n + rows) this.codes = this.growCodes(this.n + rows);
      if (this.byteKeys === null) this.byteKeys = new ByteDictionary();
      return {
        kind: LANE_DICT,
        codes: this.codes,
        values: NO_VALUES,
        short: this.short,
        dict: this.byteKeys,
        accepts: null,
      };
    }
    if (this.mode === NUM) {
      if (this.values.length < this.n + rows) {
        this.values = growFloat64(this.values, this.n + rows);
      }
      return {
        kind: this.plainNumbers ? LANE_NUM : LANE_NUM_CHECKED,
        codes: none,
        values: this.values,
        short: none,
        dict: null,
        accepts: this.plainNumbers ? null : (v) => this.acceptsNumber(v),
      };
    }
    return {
      kind: LANE_SKIP,
      codes: none,
      values: NO_VALUES,
      short: none,
      dict: null,
      accepts: null,
    };
  }

  /** Counts `rows` rows written by the fused loop into its {@link lane}, `empty` of them blank. */
  advance(rows: number, empty: number): void {
    if (this.mode === SKIP) return;
    this.n += rows;
    this.empty += empty;
  }

  private pushDictBytes(bytes: Uint8Array, spans: Int32Array, from: number, nrows: number): number {
    if (this.codes.length < this.n + nrows) this.codes = this.growCodes(this.n + nrows);
    const codes = this.codes;
    const short = this.short;
    if (this.byteKeys === null) this.byteKeys = new ByteDictionary();
    const byteKeys = this.byteKeys;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let n = this.n;
    let at = from;
    for (let k = 0; k < nrows; k++, at += 2) {
      const a = spans[at]!;
      const b = spans[at + 1]!;
      if (a === b) {
        codes[n++] = -1;
        continue;
      }
      // Keys of one or two ASCII bytes: straight from the short-key table.
      const c0 = bytes[a]!;
      if (c0 < 128) {
        if (b - a === 1) {
          const t = short[1 + c0]! - 1;
          if (t >= 0) {
            codes[n++] = t;
            continue;
          }
        } else if (b - a === 2) {
          const c1 = bytes[a + 1]!;
          const slot = SHORT_ONE + c0 * 128 + c1;
          const t = c1 < 128 && slot < short.length ? short[slot]! - 1 : -1;
          if (t >= 0) {
            codes[n++] = t;
            continue;
          }
        }
      }
      let c = byteKeys.find(bytes, view, a, b);
      if (c < 0) {
        const s = utf8Text(bytes, a, b);
        const known = this.map.get(s);
        if (known === undefined) {
          c = this.addKey(s);
          if (this.keys.length > DICT_CAP && this.canBeNumeric()) {
            codes[n++] = c;
            this.n = n;
            this.toNumeric();
            return k + 1;
          }
        } else c = known;
        byteKeys.add(bytes, a, b, c);
      }
      codes[n++] = c;
    }
    this.n = n;
    return nrows;
  }

  private pushNumBytes(
    bytes: Uint8Array,
    spans: Int32Array,
    start: number,
    nrows: number,
    from: number,
  ): void {
    const need = this.n + nrows - from;
    if (this.values.length < need) this.values = growFloat64(this.values, need);
    const values = this.values;
    const plain = this.plainNumbers;
    let n = this.n;
    let at = start + 2 * from;
    for (let k = from; k < nrows; k++, at += 2) {
      const a = spans[at]!;
      const b = spans[at + 1]!;
      if (a === b) {
        values[n++] = Number.NaN;
        this.empty++;
        continue;
      }
      const v = decimalFromBytes(bytes, a, b);
      if (!Number.isNaN(v) && (plain || this.acceptsNumber(v))) {
        values[n++] = v;
        continue;
      }
      const w = this.textNumber(utf8Text(bytes, a, b), n);
      if (this.mode === SKIP) return;
      values[n++] = w;
    }
    this.n = n;
  }

  private pushDictSpans(text: string, spans: Int32Array, from: number, nrows: number): number {
    if (this.codes.length < this.n + nrows) this.codes = this.growCodes(this.n + nrows);
    const codes = this.codes;
    const short = this.short;
    const map = this.map;
    let n = this.n;
    let at = from;
    for (let k = 0; k < nrows; k++, at += 2) {
      const a = spans[at]!;
      const b = spans[at + 1]!;
      if (a === b) {
        codes[n++] = -1;
        continue;
      }
      if (b - a <= 2) {
        const slot = shortSlot(text, a, b);
        const t = slot < short.length ? short[slot]! - 1 : -1;
        if (t >= 0) {
          codes[n++] = t;
          continue;
        }
      }
      const s = text.slice(a, b);
      let c = map.get(s);
      if (c === undefined) {
        c = this.addKey(s);
        if (this.keys.length > DICT_CAP && this.canBeNumeric()) {
          codes[n++] = c;
          this.n = n;
          this.toNumeric();
          return k + 1;
        }
      }
      codes[n++] = c;
    }
    this.n = n;
    return nrows;
  }

  private pushNumSpans(
    text: string,
    spans: Int32Array,
    start: number,
    nrows: number,
    from: number,
  ): void {
    const need = this.n + nrows - from;
    if (this.values.length < need) this.values = growFloat64(this.values, need);
    const values = this.values;
    const plain = this.plainNumbers;
    let n = this.n;
    let at = start + 2 * from;
    for (let k = from; k < nrows; k++, at += 2) {
      const a = spans[at]!;
      const b = spans[at + 1]!;
      if (a === b) {
        values[n++] = Number.NaN;
        this.empty++;
        continue;
      }
      const v = simpleDecimal(text, a, b);
      if (!Number.isNaN(v) && (plain || this.acceptsNumber(v))) {
        values[n++] = v;
        continue;
      }
      const w = this.textNumber(text.slice(a, b), n);
      if (this.mode === SKIP) return;
      values[n++] = w;
    }
    this.n = n;
  }

  private pushDict(rows: ReadonlyArray<readonly string[]>, j: number): number {
    if (this.codes.length < this.n + rows.length) this.codes = this.growCodes(this.n + rows.length);
    const codes = this.codes;
    let n = this.n;
    for (let k = 0; k < rows.length; k++) {
      const s = rows[k]![j]!;
      if (s === '') {
        codes[n++] = -1;
        continue;
      }
      let c = this.map.get(s);
      if (c === undefined) {
        c = this.addKey(s);
        if (this.keys.length > DICT_CAP && this.canBeNumeric()) {
          codes[n++] = c;
          this.n = n;
          this.toNumeric();
          return k + 1;
        }
      }
      codes[n++] = c;
    }
    this.n = n;
    return rows.length;
  }

  private addKey(cell: string): number {
    const s = detach(cell);
    const c = this.keys.length;
    this.keys.push(s);
    this.map.set(s, c);
    if (s.length <= 2) {
      const slot = shortSlot(s, 0, s.length);
      if (slot > 0 && this.short === NO_SHORT_KEYS) this.short = new Int32Array(SHORT_ONE);
      if (slot > 0 && slot < this.short.length) this.short[slot] = c + 1;
    }
    if (
      this.spec.kind === 'infer' &&
      !this.nonNumeric &&
      Number.isNaN(parseNumber(s)) &&
      !isBlank(s) &&
      !this.na.has(s.trim())
    ) {
      this.nonNumeric = true;
    }
    return c;
  }

  /**
   * The codes with room for `need` rows (at least doubled). While the column may end numeric,
   * the codes sit in the first half of a buffer of 8 bytes per row, so that {@link finish} can
   * turn them into the Float64 values in place instead of allocating the values anew.
   */
  private growCodes(need: number): Int32Array {
    const a = this.codes;
    const cap = Math.max(need, a.length * 2, 64);
    if (cap >= SHORT_TABLE_ROWS && this.short.length < SHORT_SLOTS) this.widenShort();
    const b = this.canBeNumeric()
      ? new Int32Array(new ArrayBuffer(8 * cap), 0, cap)
      : new Int32Array(cap);
    b.set(a.subarray(0, this.n));
    return b;
  }

  /** The short-key table with its two-character slots, filled from the keys so far. */
  private widenShort(): void {
    const short = new Int32Array(SHORT_SLOTS);
    short.set(this.short);
    this.keys.forEach((s, c) => {
      if (s.length === 2) {
        const slot = shortSlot(s, 0, 2);
        if (slot > 0) short[slot] = c + 1;
      }
    });
    this.short = short;
  }

  private canBeNumeric(): boolean {
    const spec = this.spec;
    if (spec.kind === 'infer') return !this.nonNumeric;
    if (spec.kind === 'numeric') return true;
    return spec.kind === 'codebook' && spec.rules.type === 'numeric';
  }

  /** Dictionary form to numeric form (the column is numeric-capable and its keys allow it). */
  private toNumeric(): void {
    const { val, kind, info } = this.classifyKeys();
    const n = this.n;
    const codes = this.codes;
    const cap = Math.max(codes.length, 1024);
    // Problems and blanks in row order first; then the values, in place when the codes sit in
    // a buffer of 8 bytes per row (see growCodes and finish).
    if (!kind.every((k) => k === K_OK)) {
      for (const i of flaggedRows(codes, kind, n)) {
        const c = codes[i]!;
        this.tally(kind[c]!, info[c]!, i, this.keys[c]!);
      }
    }
    const values =
      codes.buffer.byteLength >= 8 * cap
        ? new Float64Array(codes.buffer, 0, cap)
        : new Float64Array(cap);
    this.empty += codesToValues(codes, val, values, n);
    this.values = values;
    this.mode = NUM;
    this.map = new Map();
    this.short = NO_SHORT_KEYS;
    this.byteKeys = null;
    this.keys = [];
    this.codes = new Int32Array(0);
  }

  private pushNum(rows: ReadonlyArray<readonly string[]>, j: number, from: number): void {
    const need = this.n + rows.length - from;
    if (this.values.length < need) this.values = growFloat64(this.values, need);
    const values = this.values;
    let n = this.n;
    for (let k = from; k < rows.length; k++) {
      const s = rows[k]![j]!;
      if (s === '') {
        values[n++] = Number.NaN;
        this.empty++;
        continue;
      }
      const w = this.textNumber(s, n);
      if (this.mode === SKIP) return;
      values[n++] = w;
    }
    this.n = n;
  }

  private acceptsNumber(v: number): boolean {
    if (this.naNumbers?.has(v)) return false;
    const rules = this.rules;
    if (rules === undefined) return true;
    if (rules.missingNumbers.length > 0 && rules.missingKeyOf(v) !== undefined) return false;
    const r = rules.range;
    return r === undefined || (v >= r[0] && v <= r[1]);
  }

  /**
   * The value of a non-blank cell of the numeric form that the fast reader did not take: a
   * number `Number()` reads (and the codebook accepts), else what {@link slowCell} makes of it.
   */
  private textNumber(s: string, row: number): number {
    const v = parseNumber(s);
    if (!Number.isNaN(v) && (this.plainNumbers || this.acceptsNumber(v))) return v;
    return this.slowCell(s, row);
  }

  /** A cell the numeric fast path did not accept. */
  private slowCell(s: string, row: number): number {
    if (this.rules) {
      const cls = this.rules.classify(s);
      switch (cls.kind) {
        case 'value':
          return cls.value;
        case 'empty':
          this.empty++;
          return Number.NaN;
        case 'missing':
          this.tally(K_MISSING, cls.code, row, s);
          return Number.NaN;
        case 'invalid': {
          const t = s.trim();
          if (this.na.has(t)) this.tally(K_NA, t, row, s);
          else this.tally(K_PROBLEM, cls.reason, row, s);
          return Number.NaN;
        }
        default:
          throw new DataFormatError(
            'INTERNAL_ERROR',
            `unexpected ${cls.kind} in numeric column "${this.name}" (a defect of surveykit)`,
            { column: this.name, value: s },
          );
      }
    }
    if (isBlank(s)) {
      this.empty++;
      return Number.NaN;
    }
    const t = s.trim();
    if (this.na.has(t)) {
      this.tally(K_NA, t, row, s);
      return Number.NaN;
    }
    // A number whose value is that of an `na` text but whose text is not (`-9.0` for `-9`).
    const v = parseNumber(s);
    if (!Number.isNaN(v)) return v;
    if (this.spec.kind === 'infer') {
      // Text after the column went numeric: the raw text of earlier cells is gone; read again.
      this.needsReread = true;
      this.mode = SKIP;
      this.values = new Float64Array(0);
      return Number.NaN;
    }
    this.tally(K_PROBLEM, numberProblem(s) ?? 'not a number', row, s);
    return Number.NaN;
  }

  private tally(kind: number, info: string, row: number, value: string): void {
    if (kind === K_EMPTY) this.empty++;
    else if (kind === K_NA) this.naCounts.set(info, (this.naCounts.get(info) ?? 0) + 1);
    else if (kind === K_MISSING)
      this.missingCodes.set(info, (this.missingCodes.get(info) ?? 0) + 1);
    else if (kind === K_PROBLEM) {
      this.problemTotal++;
      if (this.problems.length < this.maxErrors) this.problems.push({ row, value, reason: info });
    }
  }

  /** Classifies every distinct text once. */
  private classifyKeys(): {
    val: Float64Array;
    level: Int32Array;
    kind: Uint8Array;
    info: Array<string | undefined>;
    levels: string[];
  } {
    const keys = this.keys;
    const K = keys.length;
    const val = new Float64Array(K).fill(Number.NaN);
    const level = new Int32Array(K).fill(-1);
    const kind = new Uint8Array(K);
    const info = new Array<string | undefined>(K);
    const raw = new Map<string, number[]>();
    const classify = this.keyClassifier();
    for (let c = 0; c < K; c++) {
      const cls = classify(keys[c]!);
      switch (cls.kind) {
        case 'value':
          val[c] = cls.value;
          break;
        case 'level':
          level[c] = cls.level;
          break;
        case 'raw': {
          const given = this.levelIndex?.get(cls.text);
          if (given !== undefined) level[c] = given;
          else if (this.na.has(cls.text)) {
            kind[c] = K_NA;
            info[c] = cls.text;
          } else if (this.levelIndex !== null) {
            kind[c] = K_PROBLEM;
            info[c] = this.notALevel();
          } else {
            const group = raw.get(cls.text);
            if (group) group.push(c);
            else raw.set(cls.text, [c]);
          }
          break;
        }
        case 'na':
          kind[c] = K_NA;
          info[c] = cls.text;
          break;
        case 'empty':
          kind[c] = K_EMPTY;
          break;
        case 'missing':
          kind[c] = K_MISSING;
          info[c] = cls.code;
          break;
        case 'invalid':
          kind[c] = K_PROBLEM;
          info[c] = cls.reason;
          break;
      }
    }
    const spec = this.spec;
    const given = spec.kind === 'categorical' || spec.kind === 'codebook' ? spec.levels : undefined;
    const levels = [...(given ?? this.rules?.levels ?? [])];
    for (const text of sortLevels([...raw.keys()])) {
      const l = levels.length;
      levels.push(text);
      for (const c of raw.get(text)!) level[c] = l;
    }
    return { val, level, kind, info, levels };
  }

  /** The reason of a cell outside the `levels` option's levels. */
  private notALevel(): string {
    const levels = [...this.levelIndex!.keys()];
    const shown = levels.slice(0, 12).join(', ');
    return `not one of the levels given for "${this.name}" (${levels.length > 12 ? `${shown}, ...` : shown})`;
  }

  /**
   * How each distinct text reads. The column's own rules come first (its codebook variable, its
   * `levels` entry: see {@link classifyKeys}), then the `na` texts; without a codebook variable a
   * numeric column checks the `na` texts before reading a number (`-9` may be one).
   */
  private keyClassifier(): (s: string) => KeyClass {
    const spec = this.spec;
    const na = this.na;
    if (spec.kind === 'codebook') {
      const classify = spec.rules.classify;
      return (s) => {
        const cls = classify(s);
        if (cls.kind !== 'invalid') return cls;
        const t = s.trim();
        return na.has(t) ? { kind: 'na', text: t } : cls;
      };
    }
    const numeric = spec.kind === 'numeric' || (spec.kind === 'infer' && !this.nonNumeric);
    if (numeric) {
      return (s) => {
        if (isBlank(s)) return { kind: 'empty' };
        const t = s.trim();
        if (na.has(t)) return { kind: 'na', text: t };
        const v = parseNumber(s);
        return Number.isNaN(v)
          ? { kind: 'invalid', reason: numberProblem(s) ?? 'not a number' }
          : { kind: 'value', value: v };
      };
    }
    return (s) => {
      const t = s.trim();
      return t === '' ? { kind: 'empty' } : { kind: 'raw', text: t };
    };
  }

  private isNumericColumn(): boolean {
    const spec = this.spec;
    if (spec.kind === 'codebook') return spec.rules.type === 'numeric';
    return spec.kind === 'numeric' || (spec.kind === 'infer' && !this.nonNumeric);
  }

  /** Finishes the column. */
  finish(): BuiltColumn {
    let column: Column | null = null;
    if (this.mode === NUM) {
      column = { kind: 'numeric', name: this.name, values: trimTo(this.values, this.n) };
    } else if (this.mode === DICT) {
      const { val, level, kind, info, levels } = this.classifyKeys();
      const n = this.n;
      const codes = this.codes;
      const keys = this.keys;
      // Cells whose text is blank, a missing code or a problem: tallied first, in row order.
      if (!kind.every((k) => k === K_OK)) {
        for (const i of flaggedRows(codes, kind, n)) {
          const c = codes[i]!;
          this.tally(kind[c]!, info[c]!, i, keys[c]!);
        }
      }
      if (this.isNumericColumn()) {
        // In place when the codes sit in a buffer of 8 bytes per row (see growCodes).
        const values =
          codes.buffer.byteLength >= 8 * n
            ? new Float64Array(codes.buffer, 0, n)
            : new Float64Array(n);
        this.empty += codesToValues(codes, val, values, n);
        column = { kind: 'numeric', name: this.name, values: trimTo(values, n) };
      } else {
        this.empty += codesToLevels(codes, level, n);
        column = { kind: 'categorical', name: this.name, codes: trimTo(codes, n), levels };
      }
      this.map = new Map();
      this.short = NO_SHORT_KEYS;
      this.byteKeys = null;
      this.keys = [];
      this.codes = new Int32Array(0);
    }
    return this.built(column);
  }

  private built(column: Column | null): BuiltColumn {
    // keys from the data (`__proto__` too) as own properties: fromEntries defines, never sets
    const na: Record<string, number> = Object.fromEntries(
      this.na.texts.flatMap((t) => {
        const n = this.naCounts.get(t);
        return n === undefined ? [] : [[t, n] as const];
      }),
    );
    return {
      column,
      empty: this.empty,
      missingCodes: Object.fromEntries(this.missingCodes),
      na,
      problems: this.problems,
      problemTotal: this.problemTotal,
      needsReread: this.needsReread,
    };
  }
}

/**
 * The values of the first `n` codes (`val[code]`, NaN for −1) into `values`, from the last row
 * down, so that `values` may share the codes' buffer (value i takes the bytes of codes 2i and
 * 2i + 1, read already). Returns the number of −1 codes (blank cells). A function of typed
 * arrays on its own, so that V8 optimises its loop once.
 * @example
 * ```ts
 * const values = new Float64Array(3);
 * console.log(codesToValues(Int32Array.of(1, -1, 0), Float64Array.of(2.5, 7), values, 3), values); // => 1 Float64Array(3) [ 7, NaN, 2.5 ]
 * ```
 */
export function codesToValues(
  codes: Int32Array,
  val: Float64Array,
  values: Float64Array,
  n: number,
): number {
  let blank = 0;
  for (let i = n - 1; i >= 0; i--) {
    const c = codes[i]!;
    if (c < 0) {
      values[i] = Number.NaN;
      blank++;
    } else values[i] = val[c]!;
  }
  return blank;
}

/** The first `n` codes replaced by `level[code]` in place (−1 stays); returns the −1 count. */
function codesToLevels(codes: Int32Array, level: Int32Array, n: number): number {
  let blank = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c < 0) blank++;
    else codes[i] = level[c]!;
  }
  return blank;
}

/** Rows (ascending) of the first `n` whose code's kind is not {@link K_OK}. */
function flaggedRows(codes: Int32Array, kind: Uint8Array, n: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c >= 0 && kind[c] !== K_OK) rows.push(i);
  }
  return rows;
}

/**
 * A copy of `s` that does not point into the chunk it was cut from. V8 keeps substrings of 13 or
 * more characters as views of their parent string, so one kept cell would pin its whole chunk of
 * text; the dictionary keeps each distinct text for the life of the column.
 */
function detach(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

/** Slots of {@link shortSlot}: 0 (not short), one ASCII character, two ASCII characters. */
const SHORT_SLOTS = 1 + 128 + 128 * 128;
/** Slots of the keys of one character (and slot 0). */
const SHORT_ONE = 1 + 128;
/** Rows a column holds before it makes the two-character slots of its short-key table. */
const SHORT_TABLE_ROWS = 8192;
/** The short-key table of a column without short keys (shared, never written). */
const NO_SHORT_KEYS = new Int32Array(0);
/** The values of a lane without values (shared, never written). */
const NO_VALUES = new Float64Array(0);

/** The slot of `text[a, b)` (one or two characters) in the short-key table; 0 unless all ASCII. */
function shortSlot(text: string, a: number, b: number): number {
  const c0 = text.charCodeAt(a);
  if (c0 >= 128) return 0;
  if (b - a === 1) return 1 + c0;
  const c1 = text.charCodeAt(a + 1);
  return c1 >= 128 ? 0 : 129 + c0 * 128 + c1;
}

/** Exact powers of ten (10^0 to 10^22 are all exactly representable as doubles). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `text[a, b)` read as a number when it has the form `-?\d+(\.\d+)?` with at most 15 digits,
 * else `NaN` (the caller falls back to `Number()`). Then the digits form an integer below 2^53
 * and the value is that integer divided by an exact power of ten: one correctly rounded
 * division, so exactly the double `Number()` gives (Clinger's fast path).
 */
function simpleDecimal(text: string, a: number, b: number): number {
  let i = a;
  let neg = false;
  if (text.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let c = 0;
  for (; i < b; i++) {
    c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    m = m * 10 + c;
    digits++;
  }
  if (digits === 0) return Number.NaN;
  let scale = 0;
  if (i < b) {
    if (c !== -2) return Number.NaN; // '.'
    i++;
    const from = i;
    for (; i < b; i++) {
      c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Number.NaN;
      m = m * 10 + c;
    }
    scale = i - from;
    if (scale === 0) return Number.NaN;
    digits += scale;
  }
  if (digits > 15) return Number.NaN;
  const v = scale === 0 ? m : m / POW10[scale]!;
  return neg ? -v : v;
}

function growFloat64(a: Float64Array, need: number): Float64Array {
  const b = new Float64Array(Math.max(need, a.length * 2, 1024));
  b.set(a);
  return b;
}

/**
 * The first `n` values: the array itself when at most 1/8 of it is spare room, else a copy. A
 * column is sized from an estimate of the file's rows made on its first megabyte, which is a few
 * percent high when rows grow longer down the file (ids sorted by size); copying every column
 * again to save that would cost more time than the room is worth.
 */
function trimTo<T extends Int32Array | Float64Array>(a: T, n: number): T {
  if (a.length === n) return a;
  return (8 * (a.length - n) <= a.length ? a.subarray(0, n) : a.slice(0, n)) as T;
}
