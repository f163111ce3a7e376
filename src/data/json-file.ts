/**
 * Reading a JSON description file (codebook, questionnaire, margins) with typed errors: by path on
 * Node or from a `Blob` anywhere; UTF-8 with or without a byte order mark.
 * @module
 */
import { DataFormatError, type SurveyError } from '../errors.js';
import { type FileSource, readBytes, sourceName, sourceSize } from '../platform/files.js';
import { countByte } from './csv/bytes.js';
import { firstInvalidUtf8 } from './csv/decode.js';

/**
 * Bytes a JSON description file may have (64 MiB): codebooks, questionnaires and margins take
 * kilobytes; a larger file is the wrong file, or one made to fill the memory.
 */
export const MAX_JSON_BYTES = 64 * 2 ** 20;

/**
 * The parsed contents of a JSON file. A missing or unreadable file is a `DataFormatError`
 * (`FILE_NOT_FOUND`, `READ_ERROR`), and so are bytes that are not UTF-8 (`BAD_ENCODING`, with
 * their offset and line: JSON is UTF-8, RFC 8259) and a file over `maxBytes` (`TOO_LARGE`,
 * checked before reading it); a UTF-8 byte order mark is dropped. Text that is not JSON is the
 * error `notJson` makes from the parser's message (each kind of file has its own error class and
 * code).
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
  maxBytes = MAX_JSON_BYTES,
): Promise<unknown> {
  const source = sourceName(path);
  const size = await sourceSize(path, what);
  if (size !== undefined && size > maxBytes) {
    throw new DataFormatError(
      'TOO_LARGE',
      `${source}: ${size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} a JSON description file ` +
        '(codebook, questionnaire, margins) may have: is it the right file? If so, parse it yourself and pass the object ' +
        '(parseCodebook, parseQuestionnaire, marginsFromJson)',
      { file: source, value: size, limit: maxBytes },
    );
  }
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
