/**
 * Text of SPSS files is decoded strictly: bytes that are not valid in the file's encoding are a
 * BAD_ENCODING error, never U+FFFD (which made distinct answers one level); a file that does not
 * say its encoding is guessed from all its text, the guess said in a warning; a character cut
 * off at the end of a label is dropped and counted.
 */
import { describe, expect, it } from 'vitest';
import { column } from '../../../src/data/frame.js';
import { parseSav } from '../../../src/data/sav/sav.js';
import {
  badText,
  decodeTrimmed,
  guessSingleByte,
  makeEncoding,
  resolveEncoding,
} from '../../../src/data/sav/text.js';
import { DataFormatError } from '../../../src/errors.js';
import { cp1251, cp1251Sav } from '../../bad-input/hostile.js';

describe('windows-1251 text in a file that says UTF-8', () => {
  it('string values: BAD_ENCODING naming the variable, the encoding and where it came from', () => {
    const bytes = cp1251Sav('utf-8', 'values');
    let e: unknown;
    try {
      parseSav(bytes, { source: 'cp.sav' });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(DataFormatError);
    expect(e).toMatchObject({
      code: 'BAD_ENCODING',
      details: {
        file: 'cp.sav',
        encoding: 'utf-8',
        encodingFrom: 'record',
        value: 'cc e8 ed f1 ea',
      },
    });
    expect((e as Error).message).toMatch(
      /a value of string variable "city" is not valid utf-8 .* as windows-1251 as "Минск"; read the file with \{ encoding: 'windows-1251' \}/,
    );
    const d = parseSav(bytes, { encoding: 'windows-1251' });
    expect(column(d, 'city')).toEqual(['Минск', 'Брест', 'Минск', 'Гомель']);
    expect(d.sav.encodingFrom).toBe('option');
  });

  it('value labels: BAD_ENCODING at the label, and the option reads them', () => {
    const bytes = cp1251Sav('utf-8', 'labels');
    expect(() => parseSav(bytes)).toThrow(expect.objectContaining({ code: 'BAD_ENCODING' }));
    const d = parseSav(bytes, { encoding: 'windows-1251' });
    expect(d.columns.answer).toMatchObject({ levels: ['Да, конечно', 'Нет, никогда'] });
  });

  it('the option is strict too: a UTF-8 option on windows-1251 bytes fails', () => {
    expect(() => parseSav(cp1251Sav('nothing'), { encoding: 'utf-8' })).toThrow(
      expect.objectContaining({
        code: 'BAD_ENCODING',
        details: expect.objectContaining({ encodingFrom: 'option' }),
      }),
    );
  });
});

describe('a file that does not say its encoding', () => {
  it('ASCII names with windows-1251 values: guessed from the values, distinct levels, and said', () => {
    const d = parseSav(cp1251Sav('nothing', 'values'));
    expect(d.sav).toMatchObject({ encoding: 'windows-1251', encodingFrom: 'guess' });
    expect(d.columns.city).toMatchObject({ levels: ['Брест', 'Гомель', 'Минск'] });
    expect(d.sav.warnings.join('\n')).toMatch(
      /does not say its encoding and the values of its string variables are not UTF-8: read as windows-1251, a guess/,
    );
  });

  it('windows-1251 labels: guessed from the dictionary', () => {
    const d = parseSav(cp1251Sav('nothing', 'labels'));
    expect(d.sav).toMatchObject({ encoding: 'windows-1251', encodingFrom: 'guess' });
    expect(column(d, 'answer')).toEqual([
      'Да, конечно',
      'Нет, никогда',
      'Нет, никогда',
      'Да, конечно',
    ]);
  });

  it('guesses UTF-8 from UTF-8 text, and says nothing', () => {
    const e = resolveEncoding(
      {},
      [new TextEncoder().encode('Минск')],
      () => {
        throw new Error('no warning expected');
      },
      'x',
    );
    expect(e).toMatchObject({ name: 'utf-8', from: 'guess', ascii: false });
  });
});

describe('the pieces', () => {
  it('guessSingleByte: Cyrillic runs against lone accented letters', () => {
    expect(guessSingleByte([cp1251('в Минске и Бресте, у реки')])).toBe('windows-1251');
    const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    expect(guessSingleByte([latin1('café, déjà vu, naïve, Größe und Straße')])).toBe(
      'windows-1252',
    );
    expect(guessSingleByte([latin1('plain')])).toBe('windows-1252');
  });

  it('decodeTrimmed: a character cut at the end is dropped and counted; a bad byte elsewhere is null', () => {
    const utf8 = makeEncoding('utf-8', 'record').decoder;
    let cuts = 0;
    const count = () => {
      cuts++;
    };
    expect(decodeTrimmed(utf8, new Uint8Array([0xd0, 0x9c, 0xd0]), count)).toBe('М');
    expect(decodeTrimmed(utf8, new Uint8Array([0xe2, 0x82]), count)).toBe('');
    expect(cuts).toBe(2);
    expect(decodeTrimmed(utf8, new Uint8Array([0xcc, 0x41]), count)).toBeNull();
    expect(decodeTrimmed(utf8, new Uint8Array([0x41, 0xff]), count)).toBeNull();
    // single-byte encodings have no cut characters: an unmapped byte at the end is bad
    const greek = makeEncoding('windows-1253', 'record').decoder;
    expect(decodeTrimmed(greek, new Uint8Array([0x41, 0xd2]), count)).toBeNull();
    expect(cuts).toBe(2);
  });

  it('badText names the text, the encoding and its source, the bytes, and a reading', () => {
    const e = badText(
      'f.sav',
      12,
      makeEncoding('utf-8', 'character-code'),
      cp1251('Да  '),
      'a label',
    );
    expect(e.message).toBe(
      `f.sav, byte 12: a label is not valid utf-8 text (the encoding from the file's character code): bytes c4 e0, which read as windows-1251 as "Да"; read the file with { encoding: 'windows-1251' } if that is its encoding (or name the right one)`,
    );
  });
});
