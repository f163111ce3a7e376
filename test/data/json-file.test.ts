/**
 * JSON description files (codebook, questionnaire, margins): UTF-8 only, read strictly (a
 * windows-1251 file is BAD_ENCODING with its offset and line, never U+FFFD in a label), a byte
 * order mark dropped, a file too large for one refused before it is read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonFile } from '../../src/data/json-file.js';
import { CodebookError, DataFormatError, WeightingError } from '../../src/errors.js';
import { readQuestionnaire } from '../../src/poll/questionnaire.js';
import { readMargins } from '../../src/poll/weighting.js';
import { cp1251 } from '../bad-input/hostile.js';

const dir = mkdtempSync(join(tmpdir(), 'surveykit-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const notJson = (m: string) => new CodebookError('INVALID_CODEBOOK', m);

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('readJsonFile', () => {
  it('windows-1251 text is BAD_ENCODING with the offset and line of the first bad byte', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{\n  "title": "'),
      ...cp1251('Опрос'),
      34,
      125,
    ]);
    const e = await rejection(readJsonFile(file('cp1251.json', bytes), notJson));
    expect(e).toBeInstanceOf(DataFormatError);
    expect(e).toMatchObject({
      code: 'BAD_ENCODING',
      details: { offset: 14, line: 2, encoding: 'utf-8' },
    });
    expect(e.message).toMatch(
      /cp1251\.json: bytes not valid utf-8 at byte offset 14 \(line 2\); JSON files must be UTF-8/,
    );
  });

  it('drops a UTF-8 byte order mark', async () => {
    const path = file('bom.json', '\uFEFF{"title": "Опрос", "variables": []}');
    expect(await readJsonFile(path, notJson)).toEqual({ title: 'Опрос', variables: [] });
  });

  it('a file larger than the limit is TOO_LARGE before it is read', async () => {
    const path = file('big.json', `[${'1,'.repeat(500)}1]`);
    const e = await rejection(readJsonFile(path, notJson, 'x', 1000));
    expect(e).toMatchObject({ code: 'TOO_LARGE', details: { value: 1003, limit: 1000 } });
    expect(await readJsonFile(path, notJson, 'x', 1003)).toHaveLength(501);
  });

  it('text that is not JSON is the error of the kind of file', async () => {
    const e = await rejection(readJsonFile(file('bad.json', '{"a": '), notJson));
    expect(e).toBeInstanceOf(CodebookError);
    expect(e.message).toMatch(/bad\.json: not JSON/);
  });
});

describe('questionnaire and margins files', () => {
  it('with a byte order mark: read', async () => {
    const margins = file(
      'margins.json',
      `\uFEFF${JSON.stringify({ margins: [{ variable: 'пол', population: { м: 45, ж: 55 } }] })}`,
    );
    expect(await readMargins(margins)).toEqual([{ variable: 'пол', population: { м: 45, ж: 55 } }]);
  });

  it('in windows-1251: BAD_ENCODING, not labels of U+FFFD', async () => {
    const text = (s: string) => new TextEncoder().encode(s);
    const margins = new Uint8Array([
      ...text('{"margins": [{"variable": "sex", "population": {"'),
      ...cp1251('муж'),
      ...text('": 45, "'),
      ...cp1251('жен'),
      ...text('": 55}}]}'),
    ]);
    const e = await rejection(readMargins(file('cp-margins.json', margins)));
    expect(e).toMatchObject({ code: 'BAD_ENCODING' });
    expect(e).not.toBeInstanceOf(WeightingError);
    const q = new Uint8Array([...text('{"title": "'), ...cp1251('Опрос'), ...text('"}')]);
    expect(await rejection(readQuestionnaire(file('cp-q.json', q)))).toMatchObject({
      code: 'BAD_ENCODING',
    });
  });
});
