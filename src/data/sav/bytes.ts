/**
 * Bounds-checked reading of an SPSS system file's bytes: a cursor that reads 32- and 64-bit
 * integers, doubles and byte runs in the file's byte order, and throws a typed
 * {@link DataFormatError} carrying the byte offset (`details.offset`) instead of reading past the
 * end. Every size a file declares is checked against the bytes that remain before anything is
 * allocated from it.
 * @module
 */
import { DataFormatError } from '../../errors.js';

/** Error codes of the SPSS reader (all thrown as {@link DataFormatError}). */
export type SavErrorCode =
  /** The input is not an SPSS system file (bad magic). */
  | 'NOT_SAV'
  /** A valid system file using a feature this reader does not support (EBCDIC, VAX floats). */
  | 'UNSUPPORTED_SAV'
  /** The file header is inconsistent. */
  | 'BAD_HEADER'
  /** The file ends inside the header, the dictionary or the data. */
  | 'TRUNCATED'
  /** A record type that the format does not define. */
  | 'BAD_RECORD'
  /** The dictionary contradicts itself (counts, indexes, widths, names). */
  | 'BAD_DICTIONARY'
  /** The case data cannot be decoded. */
  | 'BAD_DATA'
  /** The ZLIB-compressed data (.zsav) is corrupt. */
  | 'BAD_ZLIB'
  /** The file declares (or would make) more than a limit of the reader allows. */
  | 'TOO_LARGE'
  | 'FILE_NOT_FOUND'
  | 'READ_ERROR';

/**
 * A typed error at a byte offset of the file.
 * @example
 * ```ts
 * const e = savError('TRUNCATED', 'poll.sav', 'the file ends inside a variable record', 180);
 * console.log(e.message, e.details.offset); // => poll.sav, byte 180: the file ends inside a variable record 180
 * ```
 */
export function savError(
  code: SavErrorCode,
  source: string,
  message: string,
  offset: number,
  details: Record<string, unknown> = {},
): DataFormatError {
  return new DataFormatError(code, `${source}, byte ${offset}: ${message}`, {
    file: source,
    offset,
    ...details,
  });
}

/**
 * A cursor over the file's bytes in its byte order, limited to `[pos, end)` (the whole file, or one
 * record for {@link ByteReader.sub}). Reads never go past `end`: they throw `TRUNCATED` (or the
 * sub-reader's code) with the absolute offset where the missing bytes were expected.
 *
 * @example
 * ```ts
 * const r = new ByteReader(new Uint8Array([2, 0, 0, 0, 7]), true, 'x.sav');
 * console.log(r.int32('layout code'), r.pos, r.remaining()); // => 2 4 1
 * ```
 */
export class ByteReader {
  readonly view: DataView;
  pos: number;
  readonly end: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    readonly source: string,
    start = 0,
    end = bytes.length,
    private readonly overrunCode: SavErrorCode = 'TRUNCATED',
    private readonly container = 'the file',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
  }

  /** A reader over the next `n` bytes (which must exist), for parsing inside one record. */
  sub(n: number, what: string): ByteReader {
    this.need(n, what);
    const r = new ByteReader(
      this.bytes,
      this.littleEndian,
      this.source,
      this.pos,
      this.pos + n,
      'BAD_DICTIONARY',
      what,
    );
    this.pos += n;
    return r;
  }

  /** Bytes left before the end. */
  remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `n` more bytes exist; `what` names what was being read. */
  need(n: number, what: string): void {
    if (!(n >= 0) || n > this.end - this.pos) {
      throw savError(
        this.overrunCode,
        this.source,
        `${this.container} ends inside ${what} (${n} bytes needed, ${this.remaining()} left)`,
        this.pos,
      );
    }
  }

  int32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }

  /** A 64-bit integer as a number (exact up to 2^53; larger magnitudes are rounded). */
  int64(what: string): number {
    this.need(8, what);
    const v = Number(this.view.getBigInt64(this.pos, this.littleEndian));
    this.pos += 8;
    return v;
  }

  float64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }

  /** `n` bytes as a view into the file (not a copy). */
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }
}

/**
 * The bytes without trailing spaces and NUL bytes (SPSS pads strings with spaces; some writers
 * pad with NULs).
 * @example
 * ```ts
 * console.log(trimRight(new Uint8Array([97, 32, 98, 32, 32, 0])).length); // => 3
 * ```
 */
export function trimRight(b: Uint8Array): Uint8Array {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 32 || b[end - 1] === 0)) end--;
  return end === b.length ? b : b.subarray(0, end);
}

/** Whether this machine stores numbers little-endian (as the case buffer's Float64Array does). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
