/**
 * The case data of an SPSS system file: uncompressed, bytecode-compressed, or ZLIB-compressed
 * (.zsav: bytecode-compressed data cut into blocks, each deflated, located by a trailer).
 *
 * Numbers are decoded straight into growing `Float64Array` columns (read in the file's byte order,
 * so big-endian files cost nothing more; system-missing values as `NaN`, counted as they are met,
 * so building a column without user-missing values needs no pass of its own). Numeric variables
 * with value labels keep their values' bytecodes in `Int32Array` columns ({@link CODE_UNIT}),
 * which become level codes in place. The units of string variables go into one reusable case
 * buffer and are interned by their bytes ({@link WordDict}) when the case ends, so memory is the
 * columns plus one case, and one ZLIB block at a time.
 *
 * Bytecode: each 8-byte command block holds 8 codes, one per following unit: 0 padding (skipped),
 * 1..251 the number `code - bias`, 252 end of data, 253 an uncompressed unit follows the block,
 * 254 eight spaces, 255 system-missing.
 *
 * Declared sizes are checked before anything is allocated from them: a declared case count against
 * the bytes that could hold it, ZLIB block sizes against the block size and the file size, and
 * inflating stops at the declared size of each block.
 * @module
 */
import { ByteReader, HOST_LITTLE_ENDIAN, savError } from './bytes.js';
import { inflateBlock } from './inflate.js';
import { WordDict } from './strings.js';
import type { DictVariable } from './variable.js';

/** The columns as read, before missing values and labels are applied. */
export interface RawColumns {
  readonly nrow: number;
  /**
   * Per variable: its numbers (numeric: system-missing values are `NaN` already, `empty` of them,
   * or `null` when they are not counted and some may not be `NaN`),
   * its bytecodes (`coded`: numeric variables with value labels, see {@link CODE_UNIT}; with the
   * rows of each code when the decoder counted them), or
   * interned string ids with their dictionary (string).
   */
  readonly columns: ReadonlyArray<
    | { kind: 'numeric'; values: Float64Array; empty: number | null }
    | { kind: 'coded'; codes: Int32Array; bias: number; counts?: Float64Array }
    | { kind: 'string'; ids: Int32Array; dict: WordDict }
  >;
}

/** A unit of a string variable: its bytes go to the case buffer. */
export const STRING_UNIT = 0;
/** A numeric variable stored as numbers (`Float64Array`), system-missing values as `NaN`. */
export const NUMBER_UNIT = 1;
/**
 * A numeric variable with value labels, stored as the bytecodes of its values (`Int32Array`):
 * `k` in 1..251 is the number `k - bias`, 255 is system-missing. Such variables nearly always
 * hold a few small integer codes, which compressed data already gives as bytecodes: keeping them
 * saves the 8-byte column and the pass that would look each number up, and the codes become
 * level codes in place (`sav/columns.ts`). A value without a bytecode (not an integer within
 * the bias's 251 codes) turns the column into numbers ({@link CaseCollector.toNumbers}).
 */
export const CODE_UNIT = 2;

/** The bytecode of a number read as 8 bytes into a {@link CODE_UNIT} column, or -1 if it has none. */
export function codeOf(x: number, bias: number, sysmis: number): number {
  if (Number.isNaN(x) || x === sysmis) return 255;
  const k = x + bias;
  // integers only, and not -0 (its code would give back +0)
  return k >= 1 && k <= 251 && Number.isInteger(x) && (x !== 0 || 1 / x > 0) ? k : -1;
}

/**
 * Where the decoders put cases. Numbers go straight into their column (`numbers[unit][nrow]`),
 * bytecodes of {@link CODE_UNIT} variables into theirs (`codes[unit][nrow]`); the 8-byte units of
 * string variables go into the case buffer and are interned when the case ends
 * ({@link CaseCollector.endCase}).
 */
export class CaseCollector {
  /** The current case's units (only the string units are used). */
  readonly caseBytes: Uint8Array;
  readonly caseF64: Float64Array;
  readonly caseI32: Int32Array;
  /** Per unit: {@link STRING_UNIT}, {@link NUMBER_UNIT} or {@link CODE_UNIT}. */
  readonly unitKinds: Uint8Array;
  /** Per unit: the column of a {@link NUMBER_UNIT}, else `null` (changed in place as it grows). */
  readonly numbers: Array<Float64Array | null>;
  /** Per unit: the column of a {@link CODE_UNIT}, else `null` (changed in place as it grows). */
  readonly codes: Array<Int32Array | null>;
  /** Per unit: system-missing values met in a {@link NUMBER_UNIT} (the decoders count them). */
  readonly empties: Float64Array;
  /**
   * Per {@link CODE_UNIT} `u` and bytecode `k`: its rows with that code, at `u * 256 + k` (the
   * decoders count them as they write the codes, which saves a pass over each column).
   */
  readonly counts: Float64Array;
  /** Cases read so far; also the row the current case is written to. */
  nrow = 0;
  /** The compression bias of {@link CODE_UNIT} columns. */
  readonly bias: number;
  /** The system-missing value (read as `NaN` into {@link NUMBER_UNIT} columns). */
  readonly sysmis: number;
  /** Whether {@link empties} counts every system-missing value (see the constructor). */
  readonly emptiesCounted: boolean;
  private capacity: number;
  private readonly strUnits: Int32Array;
  private readonly strWords: Int32Array;
  private strIds: Int32Array[];
  private readonly dicts: WordDict[];

  constructor(
    private readonly variables: readonly DictVariable[],
    readonly caseUnits: number,
    /** Cases to stop at (the declared count), or -1. */
    readonly maxCases: number,
    initialCapacity: number,
    /** Most cases the data can hold (the columns never grow past room for them). */
    private readonly maxRows = Number.POSITIVE_INFINITY,
    /**
     * The file's compression bias and system-missing value. With them, numeric variables with
     * value labels are kept as bytecodes ({@link CODE_UNIT}; when the bias is an integer);
     * without, every numeric variable is a {@link NUMBER_UNIT} and system-missing is SPSS's
     * usual `-Number.MAX_VALUE`.
     */
    file: { readonly bias: number; readonly sysmis: number } | null = null,
  ) {
    this.bias = file?.bias ?? 100;
    this.sysmis = file?.sysmis ?? -Number.MAX_VALUE;
    const coded = file !== null && Number.isInteger(file.bias);
    // a bytecode giving the system-missing value (never in real files) is not read as NaN by
    // the decoders: the numbers' empties are then counted by a scan (`empty: null`)
    let k = 1;
    while (k <= 251 && k - this.bias !== this.sysmis) k++;
    this.emptiesCounted = k > 251;
    this.caseBytes = new Uint8Array(Math.max(caseUnits, 1) * 8);
    this.caseF64 = new Float64Array(this.caseBytes.buffer);
    this.caseI32 = new Int32Array(this.caseBytes.buffer);
    this.capacity = Math.max(16, initialCapacity);
    const strs = variables.filter((v) => v.type === 'string');
    this.unitKinds = new Uint8Array(caseUnits);
    this.numbers = new Array<Float64Array | null>(caseUnits).fill(null);
    this.codes = new Array<Int32Array | null>(caseUnits).fill(null);
    this.empties = new Float64Array(caseUnits);
    this.counts = new Float64Array(caseUnits * 256);
    for (const v of variables) {
      if (v.type !== 'numeric') continue;
      if (coded && v.numberLabels.length > 0) {
        this.unitKinds[v.unit] = CODE_UNIT;
        this.codes[v.unit] = new Int32Array(this.capacity);
      } else {
        this.unitKinds[v.unit] = NUMBER_UNIT;
        this.numbers[v.unit] = new Float64Array(this.capacity);
      }
    }
    this.strUnits = Int32Array.from(strs, (v) => v.unit * 2);
    this.strWords = Int32Array.from(strs, (v) => v.units * 2);
    this.strIds = strs.map(() => new Int32Array(this.capacity));
    this.dicts = strs.map(() => new WordDict());
  }

  /** Whether there are string variables (whose values are interned as each case ends). */
  get hasStrings(): boolean {
    return this.strUnits.length > 0;
  }

  /** Rows the columns have room for (they grow when {@link endCase} fills them). */
  get rows(): number {
    return this.capacity;
  }

  /** Whether the declared number of cases has been read. */
  get full(): boolean {
    return this.maxCases >= 0 && this.nrow >= this.maxCases;
  }

  /** Ends the current case: interns its strings and makes room for the next one. */
  endCase(): void {
    const r = this.nrow;
    const strUnits = this.strUnits;
    if (strUnits.length > 0) {
      const i32 = this.caseI32;
      for (let k = 0; k < strUnits.length; k++) {
        this.strIds[k]![r] = this.dicts[k]!.intern(i32, strUnits[k]!, this.strWords[k]!);
      }
    }
    this.nrow = r + 1;
    if (this.nrow === this.capacity && !this.full) this.grow();
  }

  /**
   * Turns {@link CODE_UNIT} `unit` into a {@link NUMBER_UNIT}: its rows before the current one
   * become numbers (a value without a bytecode was met in the current row).
   */
  toNumbers(unit: number): void {
    const codes = this.codes[unit]!;
    const bias = this.bias;
    const values = new Float64Array(this.capacity);
    let empty = 0;
    for (let r = 0; r < this.nrow; r++) {
      const k = codes[r]!;
      if (k === 255) {
        values[r] = Number.NaN;
        empty++;
      } else values[r] = k - bias;
    }
    this.empties[unit] = empty;
    this.numbers[unit] = values;
    this.codes[unit] = null;
    this.unitKinds[unit] = NUMBER_UNIT;
  }

  private grow(): void {
    const cap = Math.max(this.capacity + 1, Math.min(this.capacity * 2, this.maxRows));
    const numbers = this.numbers;
    const codes = this.codes;
    for (let u = 0; u < this.caseUnits; u++) {
      const a = numbers[u];
      if (a) {
        numbers[u] = new Float64Array(cap);
        numbers[u]!.set(a);
      }
      const b = codes[u];
      if (b) {
        codes[u] = new Int32Array(cap);
        codes[u]!.set(b);
      }
    }
    this.strIds = this.strIds.map((a) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    });
    this.capacity = cap;
  }

  /** The columns, trimmed to the cases read. */
  finish(): RawColumns {
    const n = this.nrow;
    let j = 0;
    const trim = <T extends Float64Array | Int32Array>(a: T): T =>
      (a.length === n ? a : a.slice(0, n)) as T;
    const columns = this.variables.map((v): RawColumns['columns'][number] => {
      if (v.type === 'numeric') {
        const codes = this.codes[v.unit];
        if (codes) {
          const counts = this.counts.slice(v.unit * 256, v.unit * 256 + 256);
          return { kind: 'coded', codes: trim(codes), bias: this.bias, counts };
        }
        return {
          kind: 'numeric',
          values: trim(this.numbers[v.unit]!),
          empty: this.emptiesCounted ? this.empties[v.unit]! : null,
        };
      }
      const ids = this.strIds[j]!;
      return { kind: 'string', ids: trim(ids), dict: this.dicts[j++]! };
    });
    return { nrow: n, columns };
  }
}

/** Options shared by the data decoders. */
export interface DataLayout {
  readonly source: string;
  readonly littleEndian: boolean;
  readonly bias: number;
}

/**
 * Reads uncompressed cases from `start` to the end of the file (or the declared count). Returns
 * the number of whole cases after the declared count, which are not read (as SPSS reads them).
 *
 * @throws {DataFormatError} `TRUNCATED` when the data ends inside a case or before the declared count.
 * @example
 * ```ts
 * const v = { type: 'numeric', unit: 0, units: 1 } as never;
 * const c = new CaseCollector([v], 1, -1, 4);
 * const bytes = new Uint8Array(new Float64Array([1.5, -2]).buffer);
 * readUncompressed(bytes, 0, c, { source: 'x.sav', littleEndian: true, bias: 100 });
 * console.log(c.finish().columns[0]); // => { kind: 'numeric', values: Float64Array(2) [ 1.5, -2 ], empty: 0 }
 * ```
 */
export function readUncompressed(
  bytes: Uint8Array,
  start: number,
  c: CaseCollector,
  layout: DataLayout,
): number {
  const size = c.caseUnits * 8;
  if (size === 0) return 0;
  const le = layout.littleEndian;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kinds = c.unitKinds;
  const numbers = c.numbers;
  const codes = c.codes;
  const empties = c.empties;
  const counts = c.counts;
  const bias = c.bias;
  const sysmis = c.sysmis;
  const i32 = c.caseI32;
  const units = c.caseUnits;
  let p = start;
  while (!c.full && p + size <= bytes.length) {
    const row = c.nrow;
    for (let u = 0; u < units; u++) {
      const at = p + u * 8;
      const kind = kinds[u];
      if (kind === STRING_UNIT) {
        i32[u * 2] = dv.getInt32(at, HOST_LITTLE_ENDIAN);
        i32[u * 2 + 1] = dv.getInt32(at + 4, HOST_LITTLE_ENDIAN);
        continue;
      }
      let x = dv.getFloat64(at, le);
      if (kind === CODE_UNIT) {
        const k = codeOf(x, bias, sysmis);
        if (k >= 0) {
          codes[u]![row] = k;
          counts[(u << 8) | k]!++;
          continue;
        }
        c.toNumbers(u);
      }
      if (Number.isNaN(x) || x === sysmis) {
        x = Number.NaN;
        empties[u]!++;
      }
      numbers[u]![row] = x;
    }
    c.endCase();
    p += size;
  }
  // the header's case count is reached: whole cases after it are not read (as SPSS does), counted
  if (c.full) return Math.floor((bytes.length - p) / size);
  if (p < bytes.length) {
    throw savError(
      'TRUNCATED',
      layout.source,
      `the file ends inside case ${c.nrow + 1} (${bytes.length - p} of its ${size} bytes)`,
      p,
    );
  }
  checkCount(c, layout.source, p);
  return 0;
}

function checkCount(c: CaseCollector, source: string, at: number): void {
  if (c.maxCases >= 0 && c.nrow < c.maxCases) {
    throw savError(
      'TRUNCATED',
      source,
      `the file header declares ${c.maxCases} cases but the data ends after ${c.nrow}`,
      at,
    );
  }
}

/** The 8 bytes of a unit of spaces, as a number (how code 254 is stored in the case buffer). */
const SPACES = new Float64Array(new Uint8Array(8).fill(32).buffer)[0]!;

/**
 * Decodes bytecode-compressed data fed in pieces (the whole rest of the file, or inflated ZLIB
 * blocks). Pieces may end anywhere; an incomplete 8-byte group is carried to the next piece.
 *
 * @example
 * ```ts
 * const v = { type: 'numeric', unit: 0, units: 1 } as never;
 * const c = new CaseCollector([v], 1, -1, 4);
 * const d = new BytecodeDecoder(c, { source: 'x.sav', littleEndian: true, bias: 100 });
 * d.feed(new Uint8Array([101, 255, 253, 252, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f]), 0);
 * d.end(16);
 * console.log(c.finish().columns[0]); // => { kind: 'numeric', values: Float64Array(3) [ 1, NaN, 0.5 ], empty: 1 }
 * ```
 */
export class BytecodeDecoder {
  private readonly cmd = new Uint8Array(8);
  private ci = 8;
  private unit = 0;
  private carry = new Uint8Array(0);
  /** Code 252 was met, or the declared count was reached. */
  done = false;
  /** The declared count was reached with more case data after it (not read, as SPSS does). */
  moreData = false;
  /** Padding codes (0) met so far. */
  private padding = 0;
  /**
   * The declared count was reached at the end of a piece with padding after it: the next piece's
   * first bytes tell whether data follows ({@link moreData}).
   */
  peek = false;
  constructor(
    private readonly c: CaseCollector,
    private readonly layout: DataLayout,
  ) {
    if (c.caseUnits === 0) this.done = true;
  }

  /**
   * Decodes `piece`; `offset` is the file offset of its first byte, for errors (for inflated data,
   * the offset of its compressed block).
   */
  feed(piece: Uint8Array, offset: number, exactOffsets = true): void {
    if (this.done) {
      if (this.peek) this.peekAt(piece);
      return;
    }
    let src = piece;
    let p = 0;
    // where the current command block is in `src` (its codes are read there, not copied: copying
    // each block's 8 bytes cost ~0.3 of the decoding, measured on the bench's 1M-case file)
    let cmdAt = 0;
    if (this.ci < 8) {
      // the previous piece ended inside a value after its command block: the block goes first
      src = new Uint8Array(8 + this.carry.length + piece.length);
      src.set(this.cmd);
      src.set(this.carry, 8);
      src.set(piece, 8 + this.carry.length);
      p = 8;
      offset -= exactOffsets ? 8 + this.carry.length : 0;
    } else if (this.carry.length > 0) {
      src = concatBytes(this.carry, piece);
      offset -= exactOffsets ? this.carry.length : 0;
    }
    const end = src.length;
    const c = this.c;
    const f64 = c.caseF64;
    const i32 = c.caseI32;
    const units = c.caseUnits;
    const bias = this.layout.bias;
    const le = this.layout.littleEndian;
    const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
    // the column arrays are changed in place when they grow (and a code column turns into numbers)
    const kinds = c.unitKinds;
    const numbers = c.numbers;
    const codes = c.codes;
    const empties = c.empties;
    const counts = c.counts;
    const sysmis = c.sysmis;
    let padding = this.padding;
    // the case being read, kept here and given back to the collector (`nrow`) before any call;
    // cases end here while the columns have room for the next one and there are no strings to
    // intern (calling endCase for each case took ~0.25 of the decoding)
    let row = c.nrow;
    // the declared count (`c.full` once a case ends at or past it)
    const stop = c.maxCases >= 0 ? c.maxCases : Number.POSITIVE_INFINITY;
    let room = c.hasStrings ? 0 : c.rows;
    let ci = this.ci;
    let unit = this.unit;
    for (;;) {
      if (ci === 8) {
        if (p + 8 > end) break;
        cmdAt = p;
        p += 8;
        ci = 0;
        if (padding > 8 * row + 64) {
          this.padding = padding;
          c.nrow = row;
          this.tooMuchPadding(exactOffsets ? offset + p - 8 : offset);
        }
      }
      const code = src[cmdAt + ci]!;
      if (code === 0) {
        padding++;
        ci++;
        continue;
      }
      const kind = kinds[unit];
      if (code <= 251) {
        if (kind === NUMBER_UNIT) numbers[unit]![row] = code - bias;
        else if (kind === CODE_UNIT) {
          codes[unit]![row] = code;
          counts[(unit << 8) | code]!++;
        } else f64[unit] = code - bias;
      } else if (code === 253) {
        if (p + 8 > end) break;
        if (kind === STRING_UNIT) {
          i32[unit * 2] = dv.getInt32(p, HOST_LITTLE_ENDIAN);
          i32[unit * 2 + 1] = dv.getInt32(p + 4, HOST_LITTLE_ENDIAN);
        } else {
          let x = dv.getFloat64(p, le);
          const k = kind === CODE_UNIT ? codeOf(x, bias, sysmis) : -1;
          if (k >= 0) {
            codes[unit]![row] = k;
            counts[(unit << 8) | k]!++;
          } else {
            if (kind === CODE_UNIT) {
              c.nrow = row;
              c.toNumbers(unit);
            }
            if (Number.isNaN(x) || x === sysmis) {
              x = Number.NaN;
              empties[unit]!++;
            }
            numbers[unit]![row] = x;
          }
        }
        p += 8;
      } else if (code === 254) {
        if (kind !== STRING_UNIT) {
          this.padding = padding;
          throw savError(
            'BAD_DATA',
            this.layout.source,
            `compressed data gives a string of spaces (code 254) to a numeric variable in case ${row + 1}`,
            exactOffsets ? offset + p - 8 : offset,
          );
        }
        f64[unit] = SPACES;
      } else if (code === 255) {
        if (kind === NUMBER_UNIT) {
          numbers[unit]![row] = Number.NaN;
          empties[unit]!++;
        } else if (kind === CODE_UNIT) {
          codes[unit]![row] = 255;
          counts[(unit << 8) | 255]!++;
        } else f64[unit] = SPACES;
      } else {
        // 252: end of data
        this.done = true;
        ci++;
        break;
      }
      ci++;
      if (++unit === units) {
        unit = 0;
        if (row + 1 < room) row++;
        else {
          c.nrow = row;
          c.endCase();
          row = c.nrow;
          room = c.hasStrings ? 0 : c.rows;
        }
        if (row >= stop) {
          c.nrow = row;
          this.done = true;
          const follows = dataFollows(src.subarray(cmdAt, cmdAt + 8), ci, src, p, end);
          if (follows === null) this.peekAt(src.subarray(p));
          else this.moreData = follows;
          break;
        }
      }
    }
    c.nrow = row;
    this.padding = padding;
    this.ci = ci;
    this.unit = unit;
    // a value cut off after its command block: the block is kept for the next piece
    if (ci < 8 && !this.done) this.cmd.set(src.subarray(cmdAt, cmdAt + 8));
    if (!this.peek) this.carry = this.done || p >= end ? new Uint8Array(0) : src.slice(p);
  }

  /** Whether the next command block (its first bytes, maybe after `carry`) holds a data code. */
  private peekAt(piece: Uint8Array): void {
    const bytes = this.peek ? concatBytes(this.carry, piece) : piece;
    if (bytes.length < 8) {
      this.peek = true;
      this.carry = bytes.slice();
      return;
    }
    this.peek = false;
    this.carry = new Uint8Array(0);
    this.moreData = dataFollows(new Uint8Array(8), 8, bytes, 0, 8) === true;
  }

  /**
   * Padding codes (0) are written at most to fill the last command block of a case (7 per case)
   * or of the data: a stream of them is a corrupt or hostile file that would inflate for long
   * without giving a case.
   */
  private tooMuchPadding(offset: number): never {
    throw savError(
      'BAD_DATA',
      this.layout.source,
      `the compressed data holds ${this.padding} padding codes after ${this.c.nrow} cases (writers put at most 7 per case): a corrupt or hostile file`,
      offset,
    );
  }

  /** Ends the data; `offset` is the file offset of the end, for errors. */
  end(offset: number): void {
    if (this.unit !== 0) {
      throw savError(
        'TRUNCATED',
        this.layout.source,
        `the compressed data ends inside case ${this.c.nrow + 1} (after ${this.unit} of its ${this.c.caseUnits} values)`,
        offset,
      );
    }
    checkCount(this.c, this.layout.source, offset);
  }
}

/**
 * Whether a data code follows in the compressed stream: the first non-padding code after
 * command byte `from` (or in the next command block at `p`) is not 252 (end of data); `null`
 * when the command block ends in padding and the next one is not in `src[p, end)`.
 */
function dataFollows(
  cmd: Uint8Array,
  from: number,
  src: Uint8Array,
  p: number,
  end: number,
): boolean | null {
  for (let k = from; k < 8; k++) if (cmd[k] !== 0) return cmd[k] !== 252;
  if (p + 8 > end) return null;
  for (let k = 0; k < 8; k++) if (src[p + k] !== 0) return src[p + k] !== 252;
  return false;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Upper bound on the inflated size of a deflate stream of `n` bytes (deflate's best ratio is ~1032:1). */
const maxInflated = (n: number): number => n * 1032 + 1024;

/** The blocks of a `.zsav`'s ZLIB data, as its header and trailer describe them. */
export interface ZlibBlocks {
  /** Byte offset of the trailer (the data ends there). */
  readonly trailer: number;
  readonly blocks: ReadonlyArray<{
    /** Byte offset of the block's descriptor in the trailer. */
    readonly at: number;
    /** Byte offset and size of the compressed block. */
    readonly cofs: number;
    readonly csize: number;
    /** Size the block inflates to. */
    readonly usize: number;
  }>;
  /** What all blocks inflate to. */
  readonly inflated: number;
}

/**
 * Reads the ZLIB data header, trailer and block descriptors of a `.zsav` (the ZLIB header starts
 * at `start`), checked against each other and the file, without inflating anything.
 *
 * @throws {DataFormatError} `BAD_ZLIB` (header, trailer or a descriptor inconsistent), `TRUNCATED`.
 * @example
 * ```ts
 * import { zlibSync } from 'fflate';
 * const block = zlibSync(new Uint8Array([102, 252, 0, 0, 0, 0, 0, 0]));
 * const z = new Uint8Array(24 + block.length + 48);
 * const dv = new DataView(z.buffer);
 * const trailer = 24 + block.length;
 * dv.setBigInt64(0, 0n, true); dv.setBigInt64(8, BigInt(trailer), true); dv.setBigInt64(16, 48n, true);
 * z.set(block, 24);
 * dv.setBigInt64(trailer, -100n, true); dv.setInt32(trailer + 16, 0x3ff000, true); dv.setInt32(trailer + 20, 1, true);
 * dv.setBigInt64(trailer + 24, 0n, true); dv.setBigInt64(trailer + 32, 24n, true);
 * dv.setInt32(trailer + 40, 8, true); dv.setInt32(trailer + 44, block.length, true);
 * const blocks = readZlibBlocks(z, 0, true, 'x.zsav');
 * console.log(blocks.blocks.length, blocks.inflated, blocks.trailer === trailer); // => 1 8 true
 * ```
 */
export function readZlibBlocks(
  bytes: Uint8Array,
  start: number,
  littleEndian: boolean,
  source: string,
  bias = 100,
): ZlibBlocks {
  const r = new ByteReader(bytes, littleEndian, source, start);
  const zheaderOfs = r.int64('the ZLIB data header');
  const ztrailerOfs = r.int64('the ZLIB data header');
  const ztrailerLen = r.int64('the ZLIB data header');
  if (zheaderOfs !== start) {
    throw savError(
      'BAD_ZLIB',
      source,
      `the ZLIB header says it is at byte ${zheaderOfs}, but it is at byte ${start}`,
      start,
    );
  }
  if (
    ztrailerOfs < start + 24 ||
    ztrailerLen < 24 ||
    (ztrailerLen - 24) % 24 !== 0 ||
    ztrailerOfs + ztrailerLen > bytes.length
  ) {
    throw savError(
      ztrailerOfs + ztrailerLen > bytes.length && ztrailerOfs >= start + 24 && ztrailerLen >= 24
        ? 'TRUNCATED'
        : 'BAD_ZLIB',
      source,
      `the ZLIB trailer (${ztrailerLen} bytes at byte ${ztrailerOfs}) does not fit the file (${bytes.length} bytes)`,
      start + 8,
    );
  }
  const t = new ByteReader(bytes, littleEndian, source, ztrailerOfs, ztrailerOfs + ztrailerLen);
  const zbias = t.int64('the ZLIB trailer');
  t.int64('the ZLIB trailer');
  const blockSize = t.int32('the ZLIB trailer');
  const nBlocks = t.int32('the ZLIB trailer');
  if (zbias !== -bias || blockSize <= 0 || nBlocks !== (ztrailerLen - 24) / 24) {
    throw savError(
      'BAD_ZLIB',
      source,
      `the ZLIB trailer is inconsistent (bias ${zbias}, block size ${blockSize}, ${nBlocks} blocks in ${ztrailerLen} bytes)`,
      ztrailerOfs,
    );
  }
  const blocks: Array<ZlibBlocks['blocks'][number]> = [];
  let expectUncompressed = zheaderOfs;
  let expectCompressed = start + 24;
  for (let b = 0; b < nBlocks; b++) {
    const at = t.pos;
    const uofs = t.int64('a ZLIB block descriptor');
    const cofs = t.int64('a ZLIB block descriptor');
    const usize = t.int32('a ZLIB block descriptor');
    const csize = t.int32('a ZLIB block descriptor');
    if (
      uofs !== expectUncompressed ||
      cofs !== expectCompressed ||
      usize <= 0 ||
      usize > blockSize ||
      csize <= 0 ||
      cofs + csize > ztrailerOfs ||
      usize > maxInflated(csize)
    ) {
      throw savError(
        'BAD_ZLIB',
        source,
        `ZLIB block ${b + 1} of ${nBlocks} is inconsistent (${csize} bytes at byte ${cofs} inflating to ${usize}; block size ${blockSize})`,
        at,
      );
    }
    blocks.push({ at, cofs, csize, usize });
    expectUncompressed += usize;
    expectCompressed += csize;
  }
  return { trailer: ztrailerOfs, blocks, inflated: expectUncompressed - zheaderOfs };
}

/**
 * Reads ZLIB-compressed data (.zsav) starting at the ZLIB header, block by block, each inflated
 * straight into the case decoder. Inflating stops once the declared cases are read, and when the
 * output passes `budget` bytes (what the declared cases can take: see `parseSav`) before they
 * are. Returns whether case data follows the declared case count (not read, as SPSS reads it).
 *
 * @throws {DataFormatError} `BAD_ZLIB` (header or trailer inconsistent with the file, corrupt
 * block, block inflating to another size), `TRUNCATED`, `BAD_DATA` (also: more data than the
 * budget).
 * @example
 * ```ts
 * import { zlibSync } from 'fflate';
 * const block = zlibSync(new Uint8Array([102, 252, 0, 0, 0, 0, 0, 0]));
 * const z = new Uint8Array(24 + block.length + 48);
 * const dv = new DataView(z.buffer);
 * const trailer = 24 + block.length;
 * dv.setBigInt64(0, 0n, true); dv.setBigInt64(8, BigInt(trailer), true); dv.setBigInt64(16, 48n, true);
 * z.set(block, 24);
 * dv.setBigInt64(trailer, -100n, true); dv.setInt32(trailer + 16, 0x3ff000, true); dv.setInt32(trailer + 20, 1, true);
 * dv.setBigInt64(trailer + 24, 0n, true); dv.setBigInt64(trailer + 32, 24n, true);
 * dv.setInt32(trailer + 40, 8, true); dv.setInt32(trailer + 44, block.length, true);
 * const c = new CaseCollector([{ type: 'numeric', unit: 0, units: 1 } as never], 1, -1, 4);
 * readZlib(z, 0, c, { source: 'x.zsav', littleEndian: true, bias: 100 });
 * console.log(c.finish().columns[0]); // => { kind: 'numeric', values: Float64Array(1) [ 2 ], empty: 0 }
 * ```
 */
export function readZlib(
  bytes: Uint8Array,
  start: number,
  c: CaseCollector,
  layout: DataLayout,
  budget = Number.POSITIVE_INFINITY,
): boolean {
  const source = layout.source;
  const z = readZlibBlocks(bytes, start, layout.littleEndian, source, layout.bias);
  const decoder = new BytecodeDecoder(c, layout);
  const nBlocks = z.blocks.length;
  let out = 0;
  let b = 0;
  for (; b < nBlocks && (!decoder.done || decoder.peek); b++) {
    const { cofs, csize, usize } = z.blocks[b]!;
    let over = false;
    const inflated = inflateBlock(bytes.subarray(cofs, cofs + csize), usize, (piece) => {
      decoder.feed(piece, cofs, false);
      out += piece.length;
      // the declared cases are read: the rest is not needed (nor checked); the end code met:
      // the block is inflated to its end, so that its size is checked
      if (decoder.done) return decoder.peek || !c.full;
      over = out > budget;
      return !over;
    });
    if (typeof inflated === 'string') {
      throw savError(
        'BAD_ZLIB',
        source,
        `ZLIB block ${b + 1} of ${nBlocks} cannot be inflated: ${inflated}`,
        cofs,
      );
    }
    if (over) {
      throw savError(
        'BAD_DATA',
        source,
        `the compressed data goes on past the ${budget} bytes that its ${c.maxCases} declared cases can take, without ending them (a corrupt or hostile file)`,
        cofs,
      );
    }
  }
  decoder.end(z.trailer);
  // the declared case count was reached with data after it (in the block, or blocks left)
  return decoder.moreData || (c.full && b < nBlocks);
}
