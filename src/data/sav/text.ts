/**
 * Text in SPSS system files: which encoding the file uses and decoding with it.
 *
 * The encoding is taken from, in order: the `encoding` option; the character encoding record
 * (subtype 20, e.g. `UTF-8`, `windows-1251`, `CP1251`); the character code of the machine integer
 * info record (subtype 3, a Windows code page such as 1251 or 65001); otherwise it is guessed:
 * UTF-8 when every name, label and short string of the dictionary is valid UTF-8, else
 * windows-1252 (what SPSS wrote before version 16 in Western locales). Character codes 2 and 3
 * ("7-bit/8-bit ASCII", written by old SPSS whatever the locale) count as no information.
 *
 * Bytes are always concatenated before decoding (strings span 8-byte units and 255-byte segments;
 * a multibyte character may straddle them). Invalid byte sequences become U+FFFD rather than
 * errors, because SPSS itself cuts labels at a byte limit, sometimes inside a character.
 * @module
 */
import { DataFormatError } from '../../errors.js';

/** Where the encoding came from. */
export type EncodingSource = 'option' | 'record' | 'character-code' | 'guess';

/** The encoding chosen for a file. */
export interface ResolvedEncoding {
  /** WHATWG name, e.g. `'utf-8'`, `'windows-1251'`. */
  readonly name: string;
  readonly from: EncodingSource;
  readonly decoder: InstanceType<typeof TextDecoder>;
}

/** Windows code pages (SPSS character codes) and their WHATWG encodings. */
const CODE_PAGES: Record<number, string> = {
  866: 'ibm866',
  874: 'windows-874',
  932: 'shift_jis',
  936: 'gbk',
  949: 'euc-kr',
  950: 'big5',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
  10000: 'macintosh',
  10007: 'x-mac-cyrillic',
  20127: 'windows-1252',
  20866: 'koi8-r',
  20932: 'euc-jp',
  21866: 'koi8-u',
  28591: 'windows-1252',
  28592: 'iso-8859-2',
  28593: 'iso-8859-3',
  28594: 'iso-8859-4',
  28595: 'iso-8859-5',
  28596: 'iso-8859-6',
  28597: 'iso-8859-7',
  28598: 'iso-8859-8',
  28603: 'iso-8859-13',
  28605: 'iso-8859-15',
  50220: 'iso-2022-jp',
  51932: 'euc-jp',
  51949: 'euc-kr',
  54936: 'gb18030',
  65001: 'utf-8',
};

/**
 * The WHATWG encoding of an SPSS character code (a Windows code page number), if known.
 * @example
 * ```ts
 * console.log(encodingOfCodePage(1251), encodingOfCodePage(65001), encodingOfCodePage(2));
 * // => windows-1251 utf-8 undefined
 * ```
 */
export function encodingOfCodePage(code: number): string | undefined {
  return CODE_PAGES[code];
}

/**
 * The WHATWG encoding named by an encoding record or option: any WHATWG label (`UTF-8`,
 * `windows-1251`, `CP1251`, `ISO-8859-1`, `koi8-r`...), or `CPnnn`/`WINDOWS-nnn`/`MSnnn` with a known
 * code page (`CP932` → shift_jis, `CP936` → gbk). `undefined` if unknown.
 * @example
 * ```ts
 * console.log(encodingOfName('CP1251'), encodingOfName('WINDOWS-1251'), encodingOfName('CP936'), encodingOfName('EBCDIC-US'));
 * // => windows-1251 windows-1251 gbk undefined
 * ```
 */
export function encodingOfName(name: string): string | undefined {
  const label = name.trim();
  if (label === '') return undefined;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    const m = /^(?:cp|windows-?|ms|ibm)-?(\d+)$/i.exec(label);
    return m ? encodingOfCodePage(Number(m[1])) : undefined;
  }
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Chooses the file's encoding (see the module notes for the order).
 *
 * @param sample dictionary text (names, labels, short strings) used by the guess.
 * @param warn receives a note when a declared encoding is unknown and a later source is used.
 * @throws {DataFormatError} `UNKNOWN_ENCODING` when the `encoding` option is not an encoding.
 * @example
 * ```ts
 * const e = resolveEncoding({ record: 'CP1251', characterCode: 1251 }, [], () => {}, 'x.sav');
 * console.log(e.name, e.from); // => windows-1251 record
 * const g = resolveEncoding({ characterCode: 2 }, [new Uint8Array([0xd0, 0x94])], () => {}, 'x.sav');
 * console.log(g.name, g.from); // => utf-8 guess
 * ```
 */
export function resolveEncoding(
  declared: { option?: string | undefined; record?: string | undefined; characterCode?: number },
  sample: readonly Uint8Array[],
  warn: (message: string) => void,
  source: string,
): ResolvedEncoding {
  const make = (name: string, from: EncodingSource): ResolvedEncoding => ({
    name,
    from,
    decoder: new TextDecoder(name),
  });
  if (declared.option !== undefined) {
    const name = encodingOfName(declared.option);
    if (!name) {
      throw new DataFormatError(
        'UNKNOWN_ENCODING',
        `${source}: unknown encoding ${JSON.stringify(declared.option)} (use a WHATWG label such as 'utf-8' or 'windows-1251')`,
        { file: source, value: declared.option },
      );
    }
    return make(name, 'option');
  }
  if (declared.record !== undefined) {
    const name = encodingOfName(declared.record);
    if (name) return make(name, 'record');
    warn(
      `unknown encoding ${JSON.stringify(declared.record)} in the character encoding record; ignored`,
    );
  }
  const code = declared.characterCode;
  if (code !== undefined && code !== 2 && code !== 3) {
    const name = encodingOfCodePage(code);
    if (name) return make(name, 'character-code');
    warn(`unknown character code ${code} in the machine integer info record; ignored`);
  }
  return make(sample.every(isUtf8) ? 'utf-8' : 'windows-1252', 'guess');
}

/**
 * Decodes bytes with the file's decoder, after removing trailing spaces and NUL bytes.
 * @example
 * ```ts
 * const d = new TextDecoder('windows-1251');
 * console.log(JSON.stringify(decodeTrimmed(d, new Uint8Array([0xcc, 0xee, 0xf1, 32, 32]))));
 * // => "Мос"
 * ```
 */
export function decodeTrimmed(
  decoder: InstanceType<typeof TextDecoder>,
  bytes: Uint8Array,
): string {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 32 || bytes[end - 1] === 0)) end--;
  return end === 0 ? '' : decoder.decode(bytes.subarray(0, end));
}
