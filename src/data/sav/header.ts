/**
 * The 176-byte file header of an SPSS system file: magic (`$FL2`, or `$FL3` for ZLIB-compressed
 * `.zsav`), product name, layout code (2 or 3, which also tells the byte order), case size in
 * 8-byte units, compression, weight index, case count, compression bias, creation date and time,
 * and file label. Text fields are kept as bytes and decoded once the file's encoding is known.
 * @module
 */
import { ByteReader, savError } from './bytes.js';

/** Size of the file header in bytes. */
export const HEADER_BYTES = 176;

/** The file header, as stored. */
export interface SavHeader {
  /** `$FL2` (bytecode or no compression) or `$FL3` (ZLIB). */
  readonly magic: '$FL2' | '$FL3';
  readonly littleEndian: boolean;
  /** 60 bytes, e.g. `@(#) SPSS DATA FILE MS Windows 25.0.0.0`. */
  readonly product: Uint8Array;
  readonly layoutCode: number;
  /** 8-byte units per case, or -1 when the writer did not say. */
  readonly nominalCaseSize: number;
  /** 0 none, 1 bytecode, 2 ZLIB. */
  readonly compression: 0 | 1 | 2;
  /** 1-based dictionary index of the weight variable, 0 when unweighted. */
  readonly weightIndex: number;
  /** Number of cases, or -1 when unknown. */
  readonly ncases: number;
  /** Compression bias (100 in every known file). */
  readonly bias: number;
  readonly creationDate: Uint8Array;
  readonly creationTime: Uint8Array;
  readonly fileLabel: Uint8Array;
}

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

/**
 * Reads the file header (the dictionary records follow at byte {@link HEADER_BYTES}).
 *
 * @throws {DataFormatError} `NOT_SAV` (bad magic; the EBCDIC magic of ancient files is recognised
 * and reported), `TRUNCATED`, `BAD_HEADER` (layout code, compression, counts).
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const header = readHeader(readFileSync('test/fixtures/sav/poll.zsav'), 'poll.zsav');
 * console.log(header.magic, header.compression, header.ncases, header.littleEndian); // => $FL3 2 24 true
 * ```
 */
export function readHeader(bytes: Uint8Array, source: string): SavHeader {
  if (bytes.length < 4) {
    throw savError(
      'NOT_SAV',
      source,
      `not an SPSS system file: ${bytes.length} bytes is too short for the "$FL2" magic`,
      0,
    );
  }
  const magic = ascii(bytes.subarray(0, 4));
  if (magic !== '$FL2' && magic !== '$FL3') {
    const ebcdic = bytes[0] === 0x5b && bytes[1] === 0xc6 && bytes[2] === 0xd3 && bytes[3] === 0xf2;
    throw savError(
      ebcdic ? 'UNSUPPORTED_SAV' : 'NOT_SAV',
      source,
      ebcdic
        ? 'an EBCDIC system file (from a mainframe); only ASCII-based system files are supported'
        : `not an SPSS system file: it starts with ${JSON.stringify(magic)}, not "$FL2" or "$FL3"`,
      0,
    );
  }
  if (bytes.length < HEADER_BYTES) {
    throw savError(
      'TRUNCATED',
      source,
      `the file ends inside the ${HEADER_BYTES}-byte file header (${bytes.length} bytes)`,
      bytes.length,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = view.getInt32(64, true);
  const be = view.getInt32(64, false);
  let littleEndian: boolean;
  if (le === 2 || le === 3) littleEndian = true;
  else if (be === 2 || be === 3) littleEndian = false;
  else {
    throw savError(
      'BAD_HEADER',
      source,
      `layout code ${le} is neither 2 nor 3 in either byte order: the header is corrupt`,
      64,
    );
  }
  const r = new ByteReader(bytes, littleEndian, source, 4);
  const product = r.take(60, 'the product name');
  const layoutCode = r.int32('the layout code');
  const nominalCaseSize = r.int32('the case size');
  const compressionAt = r.pos;
  const compression = r.int32('the compression code');
  const weightAt = r.pos;
  const weightIndex = r.int32('the weight index');
  const ncasesAt = r.pos;
  const ncases = r.int32('the case count');
  const bias = r.float64('the compression bias');
  const creationDate = r.take(9, 'the creation date');
  const creationTime = r.take(8, 'the creation time');
  const fileLabel = r.take(64, 'the file label');
  r.skip(3, 'the header padding');

  if (compression !== 0 && compression !== 1 && compression !== 2) {
    throw savError(
      'BAD_HEADER',
      source,
      `compression code ${compression} is not 0 (none), 1 (bytecode) or 2 (ZLIB)`,
      compressionAt,
    );
  }
  if ((magic === '$FL3') !== (compression === 2)) {
    throw savError(
      'BAD_HEADER',
      source,
      magic === '$FL3'
        ? `a "$FL3" (.zsav) file must be ZLIB-compressed, but its compression code is ${compression}`
        : 'ZLIB compression (code 2) needs the "$FL3" magic of .zsav files',
      compressionAt,
    );
  }
  if (weightIndex < 0) {
    throw savError('BAD_HEADER', source, `negative weight index ${weightIndex}`, weightAt);
  }
  if (ncases < -1) {
    throw savError('BAD_HEADER', source, `negative case count ${ncases}`, ncasesAt);
  }
  if (compression !== 0 && !(Number.isFinite(bias) && bias >= 0 && bias <= 251)) {
    throw savError(
      'BAD_HEADER',
      source,
      `compression bias ${bias} is outside 0..251`,
      ncasesAt + 4,
    );
  }
  return {
    magic,
    littleEndian,
    product,
    layoutCode,
    nominalCaseSize,
    compression,
    weightIndex,
    ncases,
    bias,
    creationDate,
    creationTime,
    fileLabel,
  };
}
