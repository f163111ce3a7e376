/**
 * Reading SPSS system files (`.sav`, and ZLIB-compressed `.zsav`) into {@link SurveyData}, written
 * from the format as GNU PSPP documents it ("System File Format", PSPP developers guide).
 *
 * **Supported.** Both byte orders; uncompressed, bytecode-compressed and ZLIB-compressed data;
 * numeric and string variables of any width (long strings over several 8-byte units, very long
 * strings over 255-byte segments); long variable names; variable labels; print/write formats;
 * user-missing values (up to three discrete values, a range, a range plus a value; numeric and
 * string, including long string missing values); value labels of numeric, short and long string
 * variables; documents; the character encoding (encoding record, else character code, else a
 * guess: see `sav/text.ts`); measurement levels; multiple response sets; the weight variable; the
 * extended case count. Not supported: EBCDIC files and non-IEEE floating point (`UNSUPPORTED_SAV`),
 * SPSS/PC+ and portable (`.por`) files (`NOT_SAV`). Variable attributes, variable sets, trends and
 * data file attributes are skipped.
 *
 * **Text.** Strings are joined as bytes across 8-byte units and segments before decoding, then
 * trailing spaces are removed. Names, labels and values are decoded with the file's encoding,
 * strictly: bytes not valid in it are a `BAD_ENCODING` error (never U+FFFD, which would merge
 * distinct values into one level); a file that does not say its encoding is guessed from all its
 * text, the guess said in `data.sav.warnings` (see `sav/text.ts`).
 *
 * **Result.** The same frame and codebook as the CSV loader would give for the same data with
 * `codebook: data.codebook`: which numeric variables become categorical, level order, and how
 * user-missing values are counted are described in `sav/columns.ts`. In short: labelled numeric
 * variables whose valid values are all labelled (or that are nominal/ordinal) are categorical with
 * levels in code order; string variables are categorical; user-missing values are missing (`NaN`
 * / `-1`) and counted per value in `load.missing[].missingCodes`, system-missing values and blank
 * strings as `empty`. Variable labels become codebook `label`s, the file label the codebook
 * `title`. SPSS facts without a place in the codebook (weight variable, measurement levels, formats,
 * exact missing-value ranges, multiple response sets, documents, encoding) are in `data.sav`.
 * Dates stay numbers, as SPSS stores them: seconds since 14 October 1582 (`sav.variables[].isDate`
 * tells which; subtract 12219379200 for Unix seconds).
 *
 * **Errors.** Corrupt or truncated input gives a {@link DataFormatError} whose `details.offset` is
 * the byte offset of the problem (`NOT_SAV`, `UNSUPPORTED_SAV`, `BAD_HEADER`, `TRUNCATED`,
 * `BAD_RECORD`, `BAD_DICTIONARY`, `BAD_DATA`, `BAD_ZLIB`, `BAD_ENCODING`). Every size the file
 * declares is checked against the file's length, and against the limits of {@link SavOptions}
 * (`TOO_LARGE`), before memory is allocated for it; ZLIB data is inflated no further than the
 * declared cases need.
 *
 * **Memory and speed.** The file is read into memory whole (so up to 2 GiB); cases are decoded
 * straight into typed-array columns (numeric variables with value labels as their compression
 * codes, 4 bytes a case, which become level codes in place: `sav/data.ts`), string cells are
 * interned by their bytes and only distinct values are decoded, and ZLIB blocks are inflated one
 * at a time. A 1,000,000-case, 30-variable bytecode-compressed file (200 MB) reads in about a
 * second (`npx tsx bench/sav.ts`).
 * @module
 */
import { SurveyError } from '../../errors.js';
import { readBytes, sourceName } from '../../platform/files.js';
import type { Codebook } from '../codebook.js';
import type { Column, LoadReport, MissingCount } from '../types.js';
import { savError } from './bytes.js';
import { buildVariable, distinctValueBytes, stringTexts } from './columns.js';
import type { RawColumns } from './data.js';
import {
  BytecodeDecoder,
  CaseCollector,
  readUncompressed,
  readZlib,
  readZlibBlocks,
} from './data.js';
import { buildDictionary, type SavDictionary } from './dictionary.js';
import { HEADER_BYTES, readHeader } from './header.js';
import { savLimits, tooLarge } from './limits.js';
import { readRecords } from './records.js';
import {
  badText,
  guessNote,
  guessSingleByte,
  makeEncoding,
  type ResolvedEncoding,
} from './text.js';
import type { SavData, SavFileInfo } from './types.js';

export type {
  SavData,
  SavFileInfo,
  SavMeasure,
  SavMissing,
  SavMultipleResponseSet,
  SavVariable,
} from './types.js';

/**
 * Options of {@link readSav} and {@link parseSav}. The limits (`max...`) bound what a file can
 * make the reader allocate or inflate; each is checked against the sizes the file declares
 * before anything is allocated from them, and a file beyond one is a `TOO_LARGE` error naming
 * it. Raise one (or pass `Infinity`) for a trusted file larger than the default allows.
 */
export interface SavOptions {
  /** Name used in errors and `load.source`; default the path, or `'<bytes>'`. */
  source?: string;
  /**
   * Decode text with this encoding (a WHATWG label such as `'windows-1251'`) whatever the file
   * declares; for files whose declared encoding is wrong.
   */
  encoding?: string;
  /** Most variable records (default 50,000; a very long string counts once per 252-byte segment). */
  maxColumns?: number;
  /** Most value labels, counted once per variable they label (default 5,000,000). */
  maxValueLabels?: number;
  /**
   * Most bytes the columns may take while cases are read (default 2 GiB; 12 bytes per number and
   * 8 per string value per case): the declared case count, or as many cases as the data can hold
   * when the header does not say.
   */
  maxDataBytes?: number;
  /**
   * Most bytes the ZLIB blocks of a `.zsav` may inflate to (default 512 MiB, a few seconds of
   * work); with a declared case count, no more is inflated than those cases can take.
   */
  maxInflatedBytes?: number;
}

/**
 * Reads an SPSS system file (`.sav` or `.zsav`) from a path (Node), a `Blob` or `File` (anywhere)
 * or its bytes.
 *
 * @param pathOrBytes - A file path (Node), the file's bytes, or a `File` or `Blob` (any runtime).
 * @param opts - As for {@link parseSav}: see {@link SavOptions}.
 * @throws {DataFormatError} `FILE_NOT_FOUND`, `READ_ERROR`, `UNKNOWN_ENCODING` (the `encoding`
 * option), `INVALID_OPTION` (a limit), and for corrupt or hostile files `NOT_SAV`,
 * `UNSUPPORTED_SAV`, `BAD_HEADER`, `TRUNCATED`, `BAD_RECORD`, `BAD_DICTIONARY`, `BAD_DATA`,
 * `BAD_ZLIB`, `BAD_ENCODING`, `TOO_LARGE` with `details.offset`.
 * @example
 * ```ts
 * const d = await readSav('test/fixtures/sav/pspp-cp1251.sav');
 * console.log(d.nrow, d.sav.encoding, d.sav.weight, d.columns['пол'].levels);
 * // => 10 windows-1251 w [ 'Мужской', 'Женский' ]
 * const sex = d.codebook.variables[1];
 * console.log(sex.label, sex.values.map((v) => `${v.code}=${v.label}`), sex.missing);
 * // => Пол респондента [ '1=Мужской', '2=Женский', '9=Отказ' ] [ 9 ]
 * console.log(d.load.missing[0]); // => { column: 'пол', empty: 1, missingCodes: { '9': 1 } }
 * ```
 */
export async function readSav(
  pathOrBytes: string | Uint8Array | Blob,
  opts: SavOptions = {},
): Promise<SavData> {
  if (pathOrBytes instanceof Uint8Array) return parseSav(pathOrBytes, opts);
  const bytes = await readBytes(pathOrBytes, 'readSav');
  return parseSav(bytes, { ...opts, source: opts.source ?? sourceName(pathOrBytes) });
}

/**
 * Reads an SPSS system file from its bytes (synchronous {@link readSav}).
 *
 * @param bytes - The bytes of a `.sav` or `.zsav` file.
 * @param opts - Source name for messages, the text encoding of old files, and size limits: see
 *   {@link SavOptions}.
 * @throws {DataFormatError} as {@link readSav}.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const d = parseSav(readFileSync('test/fixtures/sav/poll.zsav'), { source: 'poll.zsav' });
 * console.log(d.nrow, d.sav.compression, d.columns.sex.levels, d.columns.age.kind);
 * // => 24 zlib [ 'Мужчина', 'Женщина' ] numeric
 * ```
 */
export function parseSav(bytes: Uint8Array, opts: SavOptions = {}): SavData {
  const source = opts.source ?? '<bytes>';
  const limits = savLimits(opts);
  let stage = 0;
  try {
    const header = readHeader(bytes, source);
    stage = HEADER_BYTES;
    const raw = readRecords(bytes, HEADER_BYTES, header.littleEndian, source, limits);
    const dict = buildDictionary(bytes, header, raw, opts.encoding, source, limits);
    stage = raw.dataOffset;

    const units = dict.caseUnits;
    const remaining = bytes.length - raw.dataOffset;
    const zlib =
      header.compression === 2 && units > 0
        ? readZlibBlocks(bytes, raw.dataOffset, header.littleEndian, source, header.bias)
        : null;
    // The most cases the data can hold: a unit takes 8 bytes uncompressed, at least 1 byte
    // compressed (in the file, or inflated from its ZLIB blocks); the declared count if fewer.
    const bound =
      units === 0
        ? 0
        : header.compression === 0
          ? Math.floor(remaining / (units * 8))
          : Math.floor((zlib ? zlib.inflated : remaining) / units);
    const cases = dict.ncases >= 0 ? Math.min(dict.ncases, bound) : bound;
    // while a case is read: 8 bytes per number, then 4 for its level code; 4 + 4 per string
    const perCase = dict.variables.reduce((s, v) => s + (v.type === 'numeric' ? 12 : 8), 0);
    if (cases * perCase > limits.maxDataBytes) {
      throw tooLarge(
        source,
        raw.dataOffset,
        `bytes for its columns (${cases.toLocaleString('en-US')} cases of ${perCase} bytes${dict.ncases >= 0 ? '' : ', as many as its data can hold: the header does not say'})`,
        cases * perCase,
        'maxDataBytes',
        limits.maxDataBytes,
      );
    }
    // ZLIB: inflate no more than the declared cases can take (a command byte and 8 data bytes
    // per value, a command block per case at most, the end code)
    const budget = dict.ncases >= 0 ? dict.ncases * (9 * units + 8) + 16 : Infinity;
    if (zlib && Math.min(zlib.inflated, budget) > limits.maxInflatedBytes) {
      throw tooLarge(
        source,
        raw.dataOffset,
        'bytes of inflated ZLIB data',
        Math.min(zlib.inflated, budget),
        'maxInflatedBytes',
        limits.maxInflatedBytes,
      );
    }
    // the first allocation: the declared case count, never more than the file's bytes can hold;
    // ZLIB data, whose bound is loose (up to ~1,000 times the file), starts small and grows
    const initial = Math.min(
      dict.ncases >= 0 && header.compression !== 2 ? dict.ncases : 1 << 16,
      cases,
    );
    const collector = new CaseCollector(dict.variables, units, dict.ncases, initial, cases, {
      bias: header.bias,
      sysmis: dict.sysmis,
    });
    const layout = { source, littleEndian: header.littleEndian, bias: header.bias };
    // cases after the count the header declares are not read (as SPSS does), but said so
    let unread: number | boolean = 0;
    if (units > 0) {
      if (header.compression === 0) {
        unread = readUncompressed(bytes, raw.dataOffset, collector, layout);
      } else if (header.compression === 1) {
        const decoder = new BytecodeDecoder(collector, layout);
        decoder.feed(bytes.subarray(raw.dataOffset), raw.dataOffset);
        decoder.end(bytes.length);
        unread = decoder.moreData;
      } else unread = readZlib(bytes, raw.dataOffset, collector, layout, budget);
    }
    const rawColumns = collector.finish();

    const warnings = [...dict.warnings];
    if (unread !== 0 && unread !== false) {
      warnings.push(
        `the file header declares ${dict.ncases} cases and only those were read, but ${unread === true ? 'more case data follows' : `${unread} more whole case(s) follow`} (a wrong case count in the header?)`,
      );
    }
    const warn = (m: string): void => {
      if (warnings.length < 100) warnings.push(m);
    };
    const { encoding, texts } = decodeStrings(dict, rawColumns, warn, source, raw.dataOffset);
    const columns: Record<string, Column> = Object.create(null);
    const missing: MissingCount[] = [];
    const codebook: Codebook = {
      ...(dict.fileLabel !== '' ? { title: dict.fileLabel } : {}),
      variables: [],
    };
    const variables: SavFileInfo['variables'][number][] = [];
    dict.variables.forEach((v, i) => {
      const built = buildVariable(
        v,
        rawColumns.columns[i]!,
        { sysmis: dict.sysmis, encoding },
        warn,
        texts[i],
      );
      columns[v.name] = built.column;
      codebook.variables.push(built.codebook);
      variables.push(built.info);
      if (built.missing) missing.push(built.missing);
    });
    const load: LoadReport = {
      source,
      rowsRead: rawColumns.nrow,
      rowsRejected: [],
      missing,
    };
    return {
      nrow: rawColumns.nrow,
      names: dict.variables.map((v) => v.name),
      columns,
      codebook,
      load,
      sav: {
        product: dict.product,
        created: dict.created,
        fileLabel: dict.fileLabel,
        encoding: encoding.name,
        encodingFrom: encoding.from,
        compression: (['none', 'bytecode', 'zlib'] as const)[header.compression],
        byteOrder: header.littleEndian ? 'little-endian' : 'big-endian',
        weight: dict.weight,
        documents: dict.documents,
        variables,
        multipleResponseSets: dict.mrsets,
        warnings,
      },
    };
  } catch (e) {
    if (e instanceof SurveyError) throw e;
    // a defect of this reader rather than of the file: still a typed error, with where it happened
    throw savError(
      'BAD_DATA',
      source,
      `unexpected failure while reading the ${stage === 0 ? 'header' : stage === HEADER_BYTES ? 'dictionary' : 'data'}: ${(e as Error).message}`,
      stage,
      { cause: e },
    );
  }
}

/**
 * The values of the string variables, decoded (strictly: see `sav/text.ts`). A guess of UTF-8
 * made from dictionary text that was all ASCII (which every encoding reads alike) gives way to a
 * single-byte guess when the values are not UTF-8, with a warning saying so; any other value that
 * is not valid text in the encoding is a `BAD_ENCODING` error.
 */
function decodeStrings(
  dict: SavDictionary,
  raw: RawColumns,
  warn: (m: string) => void,
  source: string,
  dataOffset: number,
): { encoding: ResolvedEncoding; texts: Array<string[] | undefined> } {
  type Attempt =
    | { bad: Uint8Array; variable: string }
    | { texts: Array<string[] | undefined>; cuts: number };
  const attempt = (encoding: ResolvedEncoding): Attempt => {
    const texts: Array<string[] | undefined> = [];
    let cuts = 0;
    for (let i = 0; i < dict.variables.length; i++) {
      const col = raw.columns[i]!;
      if (col.kind !== 'string') {
        texts.push(undefined);
        continue;
      }
      const r = stringTexts(dict.variables[i]!, col.dict, encoding);
      if ('bad' in r) return { bad: r.bad, variable: dict.variables[i]!.name };
      cuts += r.cuts;
      texts.push(r.texts);
    }
    return { texts, cuts };
  };
  let encoding = dict.encoding;
  let got = attempt(encoding);
  if ('bad' in got && encoding.from === 'guess' && encoding.name === 'utf-8' && encoding.ascii) {
    const values: Uint8Array[] = [];
    dict.variables.forEach((v, i) => {
      const col = raw.columns[i]!;
      if (col.kind === 'string') values.push(...distinctValueBytes(v, col.dict));
    });
    const name = guessSingleByte(values);
    encoding = makeEncoding(name, 'guess', false);
    warn(guessNote(name, 'the values of its string variables'));
    got = attempt(encoding);
  }
  if ('bad' in got) {
    throw badText(
      source,
      dataOffset,
      encoding,
      got.bad,
      `a value of string variable "${got.variable}"`,
    );
  }
  if (got.cuts > 0) {
    warn(
      `${got.cuts} string ${got.cuts === 1 ? 'value ends' : 'values end'} in a character cut off after its first bytes; the incomplete character is left out`,
    );
  }
  return { encoding, texts: got.texts };
}
