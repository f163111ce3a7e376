/**
 * Reading a JSON description file (codebook, questionnaire, margins) with typed errors.
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { SurveyError } from '../errors.js';
import { fileReadError } from './csv/decode.js';

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
  path: string,
  notJson: (message: string) => SurveyError,
): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw fileReadError(e, path);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw notJson(`${path}: not JSON (${String(e)})`);
  }
}
