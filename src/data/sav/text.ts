/**
 * Text in SPSS system files: which encoding the file uses and decoding with it.
 *
 * The encoding is taken from, in order: the `encoding` option; the character encoding record
 * (subtype 20, e.g. `UTF-8`, `windows-1251`, `CP1251`); the character code of the machine integer
 * info record (subtype 3, a Windows code page such as 1251 or 65001); otherwise it is guessed:
 * UTF-8 when all the file's text (names, labels, missing values, and the values of its string
 * variables) is valid UTF-8, else windows-1251 when most of its non-ASCII bytes run together as
 * the letters of Cyrillic words do, else windows-1252 (what SPSS wrote before version 16 in
 * Western locales); a guess of a single-byte encoding is said in `data.sav.warnings`. Character
 * codes 2 and 3 ("7-bit/8-bit ASCII", written by old SPSS whatever the locale) count as no
 * information.
 *
 * Bytes are always concatenated before decoding (strings span 8-byte units and 255-byte segments;
 * a multibyte character may straddle them). Decoding is strict: bytes that are not valid in the
 * encoding are a `BAD_ENCODING` error naming the text, the encoding and where it came from (never
 * U+FFFD, which would make distinct values one level). The one exception is a character cut off
 * at the end of a text, as SPSS cuts labels at a byte limit: it is dropped and counted in a
 * warning.
 * @module
 */
import { DataFormatError } from '../../errors.js';
import { firstInvalidUtf8 } from '../csv/decode.js';

/** Where the encoding came from. */
export type EncodingSource = 'option' | 'record' | 'character-code' | 'guess';

/** The encoding chosen for a file. */
export interface ResolvedEncoding {
  /** WHATWG name, e.g. `'utf-8'`, `'windows-1251'`. */
  readonly name: string;
  readonly from: EncodingSource;
  /** A fatal decoder of the encoding (see {@link decodeTrimmed}). */
  readonly decoder: InstanceType<typeof TextDecoder>;
  /** A guess made from text with no byte above 127 (any ASCII-based encoding reads it alike). */
  readonly ascii?: boolean;
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

/** The encodings whose characters may take several bytes (a label cut by SPSS may end inside one). */
const MULTIBYTE = new Set([
  'utf-8',
  'shift_jis',
  'euc-jp',
  'iso-2022-jp',
  'gbk',
  'gb18030',
  'big5',
  'euc-kr',
]);

/** Whether bytes are UTF-8, a character cut off at the end allowed. */
function isUtf8(bytes: Uint8Array): boolean {
  return firstInvalidUtf8(bytes, 0, false) === -1;
}

/**
 * The single-byte encoding text of unknown encoding most likely is: windows-1251 when at least
 * half of its bytes above 127 have such a byte next to them (Cyrillic words are runs of them;
 * the accented letters of Western languages mostly stand alone among ASCII letters), else
 * windows-1252.
 * @example
 * ```ts
 * const moscow = new Uint8Array([0xcc, 0xee, 0xf1, 0xea, 0xe2, 0xe0]); // Москва in windows-1251
 * const cafe = new Uint8Array([0x63, 0x61, 0x66, 0xe9]); // café in windows-1252
 * console.log(guessSingleByte([moscow]), guessSingleByte([cafe])); // => windows-1251 windows-1252
 * ```
 */
export function guessSingleByte(samples: readonly Uint8Array[]): 'windows-1251' | 'windows-1252' {
  let high = 0;
  let together = 0;
  for (const b of samples) {
    for (let i = 0; i < b.length; i++) {
      if (b[i]! < 0x80) continue;
      high++;
      if ((i > 0 && b[i - 1]! >= 0x80) || (i + 1 < b.length && b[i + 1]! >= 0x80)) together++;
    }
  }
  return high > 0 && together * 2 >= high ? 'windows-1251' : 'windows-1252';
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
  if (declared.option !== undefined) {
    const name = encodingOfName(declared.option);
    if (!name) {
      throw new DataFormatError(
        'UNKNOWN_ENCODING',
        `${source}: unknown encoding ${JSON.stringify(declared.option)} (use a WHATWG label such as 'utf-8' or 'windows-1251')`,
        { file: source, value: declared.option },
      );
    }
    return makeEncoding(name, 'option');
  }
  if (declared.record !== undefined) {
    const name = encodingOfName(declared.record);
    if (name) return makeEncoding(name, 'record');
    warn(
      `unknown encoding ${JSON.stringify(declared.record)} in the character encoding record; ignored`,
    );
  }
  const code = declared.characterCode;
  if (code !== undefined && code !== 2 && code !== 3) {
    const name = encodingOfCodePage(code);
    if (name) return makeEncoding(name, 'character-code');
    warn(`unknown character code ${code} in the machine integer info record; ignored`);
  }
  const ascii = sample.every((b) => b.every((c) => c < 0x80));
  if (sample.every(isUtf8)) return makeEncoding('utf-8', 'guess', ascii);
  const name = guessSingleByte(sample);
  warn(guessNote(name, 'its names and labels'));
  return makeEncoding(name, 'guess', false);
}

/** An encoding with its fatal decoder. */
export function makeEncoding(
  name: string,
  from: EncodingSource,
  ascii?: boolean,
): ResolvedEncoding {
  return {
    name,
    from,
    decoder: new TextDecoder(name, { fatal: true }),
    ...(ascii === undefined ? {} : { ascii }),
  };
}

/** The warning for a guessed single-byte encoding: what was guessed from what, and how to override. */
export function guessNote(name: string, what: string): string {
  const why =
    name === 'windows-1251'
      ? 'most of their non-ASCII bytes run together as the letters of Cyrillic words do'
      : 'their non-ASCII bytes mostly stand alone, as accented Latin letters do';
  return (
    `the file does not say its encoding and ${what} are not UTF-8: read as ${name}, a guess ` +
    `(${why}); if the text looks wrong, read it with { encoding: '...' }`
  );
}

/** How the encoding came to be chosen, for messages. */
function whence(e: ResolvedEncoding): string {
  switch (e.from) {
    case 'option':
      return 'the encoding option';
    case 'record':
      return "the file's character encoding record";
    case 'character-code':
      return "the file's character code";
    default:
      return 'a guess';
  }
}

/**
 * The `BAD_ENCODING` error for bytes of `what` that are not valid text in the file's encoding:
 * names the encoding and where it came from, shows the bytes, and how they read as the likely
 * single-byte encoding.
 * @example
 * ```ts
 * const e = badText('x.sav', 0, makeEncoding('utf-8', 'record'), new Uint8Array([0xcc, 0xee, 0xf1]), 'a value of "city"');
 * console.log(e.code, e.details.encoding); // => BAD_ENCODING utf-8
 * ```
 */
export function badText(
  source: string,
  offset: number,
  e: ResolvedEncoding,
  bytes: Uint8Array,
  what: string,
): DataFormatError {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 32 || bytes[end - 1] === 0)) end--;
  const text = bytes.subarray(0, end);
  const shown = Array.from(text.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const guess = guessSingleByte([text]);
  const reads = new TextDecoder(guess).decode(text.subarray(0, 40));
  return new DataFormatError(
    'BAD_ENCODING',
    `${source}, byte ${offset}: ${what} is not valid ${e.name} text (the encoding from ${whence(e)}): ` +
      `bytes ${shown}${text.length > 16 ? ' ...' : ''}, which read as ${guess} as ${JSON.stringify(reads)}; ` +
      `read the file with { encoding: '${guess}' } if that is its encoding (or name the right one)`,
    { file: source, offset, encoding: e.name, encodingFrom: e.from, value: shown },
  );
}

/**
 * Decodes bytes with the file's (fatal) decoder, after removing trailing spaces and NUL bytes.
 * A character cut off at the end (SPSS cuts labels at a byte limit) is dropped: `onCut` is told.
 * Returns `null` when the bytes are not valid text in the encoding (the caller makes the error).
 * @example
 * ```ts
 * const d = new TextDecoder('windows-1251', { fatal: true });
 * console.log(JSON.stringify(decodeTrimmed(d, new Uint8Array([0xcc, 0xee, 0xf1, 32, 32]))));
 * // => "Мос"
 * const u = new TextDecoder('utf-8', { fatal: true });
 * console.log(decodeTrimmed(u, new Uint8Array([0x61, 0xd0])), decodeTrimmed(u, new Uint8Array([0xd0, 0x61]))); // => a null
 * ```
 */
export function decodeTrimmed(
  decoder: InstanceType<typeof TextDecoder>,
  bytes: Uint8Array,
  onCut?: () => void,
): string | null {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 32 || bytes[end - 1] === 0)) end--;
  if (end === 0) return '';
  const text = bytes.subarray(0, end);
  try {
    return decoder.decode(text);
  } catch {
    // a multibyte character cut off at the end: its first 1 to 3 bytes
    const utf8 = decoder.encoding === 'utf-8';
    if (utf8 ? firstInvalidUtf8(text, 0, false) !== -1 : !MULTIBYTE.has(decoder.encoding)) {
      return null;
    }
    for (let k = 1; k <= 3 && k <= end; k++) {
      try {
        const head = decoder.decode(text.subarray(0, end - k));
        onCut?.();
        return head;
      } catch {
        // not a cut of k bytes
      }
    }
    return null;
  }
}
