/**
 * Reading files: by path on Node (through {@link nodeBuiltin}), and from a `Blob` (a browser's
 * `File`) anywhere. Every failure is a typed {@link DataFormatError} naming the file.
 * @module
 */
import { DataFormatError, SurveyError } from '../errors.js';
import { requireNodeBuiltin } from './node.js';

/** What a reader takes: a path (Node only) or a `Blob` / `File` (anywhere). */
export type FileSource = string | Blob;

/** The name a source goes by in errors and load reports. */
export function sourceName(source: FileSource): string {
  if (typeof source === 'string') return source;
  const name = (source as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : '<blob>';
}

/**
 * The typed error for a file that cannot be read: `FILE_NOT_FOUND` (ENOENT) or `READ_ERROR`
 * (anything else: a directory, no permission...), with the system's error code in `details.cause`.
 * @example
 * ```ts
 * const e = fileReadError(Object.assign(new Error('x'), { code: 'ENOENT' }), 'poll.csv');
 * console.log(e.code, e.message); // => FILE_NOT_FOUND poll.csv: no such file
 * ```
 */
export function fileReadError(e: unknown, source: string): DataFormatError {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') {
    return new DataFormatError('FILE_NOT_FOUND', `${source}: no such file`, {
      file: source,
      cause: code,
    });
  }
  if (code === 'ERR_FS_FILE_TOO_LARGE') {
    return new DataFormatError(
      'TOO_LARGE',
      `${source}: the file is larger than 2 GiB, the most Node reads into memory at once (a CSV file is streamed: readCsv reads any size)`,
      { file: source, cause: code, limit: 2 ** 31 - 1 },
    );
  }
  return new DataFormatError(
    'READ_ERROR',
    `${source}: cannot read the file: ${(e as Error | null)?.message ?? String(e)}`,
    { file: source, cause: typeof code === 'string' ? code : undefined },
  );
}

const BY_PATH_INSTEAD = 'in a browser pass a File or Blob instead of a path';

function fsPromises(what: string) {
  return requireNodeBuiltin('node:fs/promises', what, BY_PATH_INSTEAD);
}

/** The whole content of a file or Blob, as bytes; `what` names the caller in a `NEEDS_NODE` error. */
export async function readBytes(source: FileSource, what: string): Promise<Uint8Array> {
  const name = sourceName(source);
  try {
    if (typeof source !== 'string') return new Uint8Array(await source.arrayBuffer());
    const buf = await fsPromises(what).readFile(source);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw e instanceof SurveyError ? e : fileReadError(e, name);
  }
}

/** The size in bytes of a file or Blob; `undefined` when it is not a regular file or unknown. */
export async function sourceSize(source: FileSource, what: string): Promise<number | undefined> {
  if (typeof source !== 'string') return source.size;
  return fsPromises(what)
    .stat(source)
    .then(
      (st) => (st.isFile() ? st.size : undefined),
      () => undefined,
    );
}

/**
 * A file's or Blob's bytes, `size` at a time. For a path each piece is a view of one buffer read
 * into again for the next (valid until the next piece is asked for): reading a large file
 * allocates one buffer, not one per piece (fresh memory costs a page fault per 4 KiB).
 */
export async function* byteChunks(
  source: FileSource,
  size: number,
  what: string,
): AsyncGenerator<Uint8Array> {
  if (typeof source !== 'string') {
    for (let at = 0; at < source.size; at += size) {
      yield new Uint8Array(await source.slice(at, at + size).arrayBuffer());
    }
    return;
  }
  const file = await fsPromises(what).open(source, 'r');
  try {
    const buffer = new Uint8Array(size);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, size, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}
