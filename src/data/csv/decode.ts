/**
 * Streaming a file as decoded text: its bytes (read by path on Node, or from a `Blob`) go through
 * one streaming, fatal `TextDecoder`, so invalid bytes fail loudly (`BAD_ENCODING`, with their
 * byte offset) instead of turning into U+FFFD.
 * @module
 */
import { DataFormatError, SurveyError } from '../../errors.js';
import { byteChunks, type FileSource, fileReadError, sourceName } from '../../platform/files.js';
import { nodeBuiltin } from '../../platform/node.js';
import { countByte, wholeCharacters } from './bytes.js';

/** Node's native UTF-8 validator where there is one; else the scan of {@link firstInvalidUtf8}. */
const isUtf8: (bytes: Uint8Array) => boolean =
  nodeBuiltin('node:buffer')?.isUtf8 ?? ((bytes) => firstInvalidUtf8(bytes, 0, true) === -1);

/** Where decoded text goes. */
export interface TextSink {
  push(text: string): void;
  /** 1-based line reached by the text pushed so far (to place an encoding error). */
  lineReached(): number;
  /**
   * When present, a UTF-8 file is handed over as bytes instead of text: valid UTF-8, cut at
   * character boundaries, without the byte order mark. The bytes are only valid during the
   * call (the sink copies what it keeps).
   */
  pushUtf8?(bytes: Uint8Array): void;
  /**
   * Called before an encoding error is thrown (UTF-8 files handed over as bytes): the sink
   * handles every complete record it was given, so that an error in one of them, earlier in the
   * file, is thrown instead.
   */
  flush?(): void;
}

/** Options of {@link streamFileText}. */
export interface StreamTextOptions {
  /** A WHATWG encoding label; default `'utf-8'`. */
  encoding?: string;
  /** Name used in errors; default the path. */
  source?: string;
  /**
   * Bytes read at a time; default 1 MiB (fewer reads: about 10 ms for 77 MB where 64 KiB pieces
   * take 70 ms).
   */
  chunkBytes?: number;
}

/**
 * Reads a file chunk by chunk, decodes it (a UTF-8 byte order mark is dropped) and pushes the text
 * to `sink`. Memory use is one chunk.
 *
 * @throws {DataFormatError} `UNKNOWN_ENCODING`, `BAD_ENCODING` (details `offset`: 0-based byte
 * offset of the first invalid byte sequence, exact for UTF-8; `line`), `FILE_NOT_FOUND`, `READ_ERROR`.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('/tmp/bom.csv', '\uFEFFa,b\n1,2\n');
 * let text = '';
 * await streamFileText('/tmp/bom.csv', { push: (t) => { text += t; }, lineReached: () => 1 });
 * console.log(JSON.stringify(text)); // => "a,b\n1,2\n"
 * ```
 */
export async function streamFileText(
  path: FileSource,
  sink: TextSink,
  opts: StreamTextOptions = {},
): Promise<void> {
  const encoding = opts.encoding ?? 'utf-8';
  const source = opts.source ?? sourceName(path);
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new DataFormatError(
      'UNKNOWN_ENCODING',
      `${source}: unknown encoding ${JSON.stringify(encoding)} (use a WHATWG label such as 'utf-8' or 'windows-1251')`,
      { file: source, value: encoding },
    );
  }
  const utf8 = decoder.encoding === 'utf-8';
  const chunkBytes = opts.chunkBytes ?? 1 << 20;
  const pushUtf8 = sink.pushUtf8?.bind(sink);
  if (utf8 && pushUtf8) {
    try {
      await streamUtf8(byteChunks(path, chunkBytes, 'readCsv'), sink, pushUtf8, source);
    } catch (e) {
      throw e instanceof SurveyError ? e : fileReadError(e, source);
    }
    return;
  }
  let offset = 0;
  let tail: Uint8Array = new Uint8Array(0);
  const fail = (chunk: Uint8Array, final: boolean): never => {
    const at = utf8
      ? locateUtf8(tail, chunk, offset, final)
      : locateGeneric(decoder.encoding, chunk, offset, final);
    const rel = Math.max(0, Math.min(chunk.length, at - offset));
    const line = sink.lineReached() + countByte(chunk.subarray(0, rel), 0x0a);
    const utf16 = at === 0 && chunk.length >= 2 && chunk[0] === 0xff && chunk[1] === 0xfe;
    throw badEncoding(source, decoder.encoding, at, line, utf16);
  };
  try {
    for await (const chunk of byteChunks(path, chunkBytes, 'readCsv')) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        fail(chunk, false);
      }
      sink.push(text!);
      offset += chunk.length;
      tail = lastBytes(tail, chunk, 3);
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      fail(new Uint8Array(0), true);
    }
    sink.push(rest!);
  } catch (e) {
    throw e instanceof SurveyError ? e : fileReadError(e, source);
  }
}

/** The UTF-8 byte order mark. */
const BOM = [0xef, 0xbb, 0xbf];

/**
 * The bytes route of {@link streamFileText}: each chunk (with the few bytes of a character cut by
 * the previous one) is checked to be valid UTF-8 by Node's native validator and handed over up to
 * its last whole character.
 */
async function streamUtf8(
  chunks: AsyncIterable<Uint8Array>,
  sink: TextSink,
  pushUtf8: (bytes: Uint8Array) => void,
  source: string,
): Promise<void> {
  /** File offset of `carry[0]`. */
  let offset = 0;
  let carry: Uint8Array = new Uint8Array(0);
  let start = true;
  const hand = (bytes: Uint8Array, final: boolean): void => {
    let buf = bytes;
    if (start) {
      // The byte order mark, once whole (or the file ends); chunks may be a byte long.
      let k = 0;
      while (k < buf.length && k < 3 && buf[k] === BOM[k]) k++;
      if (k < 3 && k === buf.length && !final) {
        carry = buf.slice();
        return;
      }
      start = false;
      if (k === 3) {
        buf = buf.subarray(3);
        offset += 3;
      }
    }
    const cut = final ? buf.length : wholeCharacters(buf);
    const part = buf.subarray(0, cut);
    if (!isUtf8(part)) {
      const at = firstInvalidUtf8(part, 0, true);
      const line = sink.lineReached() + countByte(part.subarray(0, at), 0x0a);
      // The text before the bad bytes first: an error in an earlier record is the file's first.
      if (at > 0) pushUtf8(part.subarray(0, at));
      sink.flush?.();
      const utf16 = offset + at === 0 && part[0] === 0xff && part[1] === 0xfe;
      throw badEncoding(source, 'utf-8', offset + at, line, utf16);
    }
    if (cut > 0) pushUtf8(part);
    offset += cut;
    carry = buf.slice(cut);
  };
  for await (const chunk of chunks) {
    if (carry.length === 0) hand(chunk, false);
    else {
      const buf = new Uint8Array(carry.length + chunk.length);
      buf.set(carry);
      buf.set(chunk, carry.length);
      hand(buf, false);
    }
  }
  hand(carry, true);
}

/**
 * The `BAD_ENCODING` error: bytes not valid in `encoding` at file offset `at`, on `line`; for
 * UTF-8 with a hint at the likely encoding (UTF-16 when the file starts like it).
 */
function badEncoding(
  source: string,
  encoding: string,
  at: number,
  line: number,
  startsLikeUtf16: boolean,
): DataFormatError {
  const hint =
    encoding !== 'utf-8'
      ? ''
      : startsLikeUtf16
        ? "; the file starts like UTF-16LE text, try { encoding: 'utf-16le' }"
        : "; if the file was saved by Excel in Russian, try { encoding: 'windows-1251' }";
  return new DataFormatError(
    'BAD_ENCODING',
    `${source}: bytes not valid ${encoding} at byte offset ${at} (line ${line})${hint}`,
    { file: source, offset: at, line, encoding },
  );
}

/**
 * The index of the first invalid UTF-8 sequence in `b` from `start`, or -1. A sequence cut off by
 * the end of `b` is invalid when `atEnd`, else awaited.
 *
 * @example
 * ```ts
 * console.log(firstInvalidUtf8(new Uint8Array([0x61, 0xd0, 0xb0, 0xc0, 0x61]))); // => 3
 * ```
 */
export function firstInvalidUtf8(b: Uint8Array, start = 0, atEnd = true): number {
  const n = b.length;
  let i = start;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return atEnd ? i : -1;
      const d = b[i + k]!;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Exact offset: the decoder may hold an unfinished sequence from the end of the previous chunk. */
function locateUtf8(tail: Uint8Array, chunk: Uint8Array, offset: number, final: boolean): number {
  const buf = new Uint8Array(tail.length + chunk.length);
  buf.set(tail);
  buf.set(chunk, tail.length);
  // The previous chunks decoded, so a sequence still open starts at a lead byte within the tail.
  let start = 0;
  while (start < tail.length && (tail[start]! & 0xc0) === 0x80) start++;
  const i = firstInvalidUtf8(buf, start, final);
  return i === -1 ? offset : offset - tail.length + i;
}

/** Other encodings: the shortest failing prefix of the chunk (approximate if a character spans chunks). */
function locateGeneric(
  encoding: string,
  chunk: Uint8Array,
  offset: number,
  final: boolean,
): number {
  if (final || chunk.length === 0) return Math.max(0, offset - 1);
  const fails = (p: number): boolean => {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(chunk.subarray(0, p), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  if (!fails(chunk.length)) return offset;
  let lo = 1;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return offset + lo - 1;
}

function lastBytes(tail: Uint8Array, chunk: Uint8Array, k: number): Uint8Array {
  if (chunk.length >= k) return chunk.slice(chunk.length - k);
  const buf = new Uint8Array(tail.length + chunk.length);
  buf.set(tail);
  buf.set(chunk, tail.length);
  return buf.slice(Math.max(0, buf.length - k));
}
