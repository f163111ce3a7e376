/**
 * Reading a JSON description file (codebook, questionnaire, margins) with typed errors: by path on
 * Node or from a `Blob` anywhere; UTF-8 with or without a byte order mark.
 * @module
 */
import { DataFormatError, type SurveyError } from '../errors.js';
import { type FileSource, readBytes, sourceName } from '../platform/files.js';
import { countByte } from './csv/bytes.js';
import { firstInvalidUtf8 } from './csv/decode.js';

/**
 * The parsed contents of a JSON file. A missing or unreadable file is a `DataFormatError`
 * (`FILE_NOT_FOUND`, `READ_ERROR`); text that is not JSON is the error `notJson` makes from
 * the parser's message (each kind of file has its own error class and code).
 *
 * @example
 * ```ts
 * const json = await readJsonFile('data/margins.json', (m) => new WeightingError('INVALID_MARGINS', m));
 * console.log(typeof json); // => object
 * ```
 */
export async function readJsonFile(
  path: FileSource,
  notJson: (message: string) => SurveyError,
  what = 'reading a JSON file by path',
): Promise<unknown> {
  const source = sourceName(path);
  const text = decodeUtf8(await readBytes(path, what), source);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw notJson(`${source}: not JSON (${String(e)})`);
  }
}

/**
 * UTF-8 bytes as text, a byte order mark dropped; bytes that are not UTF-8 are a `BAD_ENCODING`
 * error with their offset and line (JSON files are UTF-8 by definition: RFC 8259).
 */
function decodeUtf8(bytes: Uint8Array, source: string): string {
  const at = firstInvalidUtf8(bytes);
  if (at !== -1) {
    const line = 1 + countByte(bytes.subarray(0, at), 0x0a);
    throw new DataFormatError(
      'BAD_ENCODING',
      `${source}: bytes not valid utf-8 at byte offset ${at} (line ${line}); JSON files must be UTF-8: save it again as UTF-8`,
      { file: source, offset: at, line, encoding: 'utf-8' },
    );
  }
  return new TextDecoder('utf-8').decode(bytes);
}
