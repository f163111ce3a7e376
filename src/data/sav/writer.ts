/**
 * Writing a frame as an SPSS system file (`.sav`, or `.zsav` with ZLIB compression), readable by
 * SPSS, PSPP, R's haven and {@link readSav}.
 *
 * What is written: numeric columns as numeric variables (`F8.0` when every value is an integer,
 * else `F10.4`; `NaN` as system-missing); categorical columns as numeric variables coded 1..k with
 * the levels as value labels (measurement level nominal; missing as system-missing), or, for the
 * columns listed in `strings`, as string variables holding the level text (missing as blank; any
 * width, very long strings in 255-byte segments); codebook `label`s as variable labels; the
 * codebook `title` (or `fileLabel`) as file label; long names; the encoding UTF-8. Codebook missing
 * codes are not written (the frame holds those cells as missing already).
 *
 * **Nothing is changed silently.** What the format cannot keep as it is is an error naming the
 * column and the text: a value label over 120 bytes (SPSS's limit; two long answers cut there could
 * become one level), a variable label over 255 bytes or a `fileLabel` over 64 (`LABEL_TOO_LONG`:
 * with `cutLabels: true` they are cut at a character boundary instead, unless cutting makes two
 * value labels of a column the same); a column name that would read back otherwise (empty, with
 * a tab or NUL, with white space around it: `UNWRITABLE_NAME`); levels that would not read back
 * as distinct levels (one that is blank once the trailing spaces SPSS pads texts with are dropped,
 * two that differ only in white space at their ends, or, written as a string, one over 32,767
 * bytes: `UNWRITABLE_VALUE`). The codebook `title` used as the file label is cut to 64 bytes at a
 * character boundary (pass `fileLabel` to choose it).
 * @module
 */
import { zlibSync } from 'fflate';
import { DataFormatError } from '../../errors.js';
import type { SurveyData } from '../types.js';

/** Options of {@link writeSav}. */
export interface SavWriteOptions {
  /** Default `'bytecode'` (what SPSS writes by default); `'zlib'` makes a `.zsav`. */
  compression?: 'none' | 'bytecode' | 'zlib';
  /**
   * Categorical columns to write as string variables rather than labelled numbers; default the
   * categorical columns that were string variables in the SPSS file the frame was read from
   * (`data.sav`), so that they go back as they came (and long texts keep whole), none otherwise.
   */
  strings?: readonly string[];
  /** The numeric column to declare as the weight variable (WEIGHT BY). */
  weight?: string;
  /** File label; default the codebook title. */
  fileLabel?: string;
  /** Creation time written in the header; default now. Fix it for reproducible files. */
  created?: Date;
  /** Default little-endian. */
  byteOrder?: 'little-endian' | 'big-endian';
  /**
   * Cut labels longer than SPSS keeps (value labels 120 bytes, variable labels 255, the file label
   * 64) at a character boundary instead of failing with `LABEL_TOO_LONG`; value labels of a
   * column that the cut would make the same still fail.
   */
  cutLabels?: boolean;
}

/** Bytes SPSS keeps of a value label. */
const VALUE_LABEL_BYTES = 120;
/** Bytes written of a variable label. */
const VARIABLE_LABEL_BYTES = 255;
/** Bytes of the file label in the header. */
const FILE_LABEL_BYTES = 64;
/** The widest string variable. */
const MAX_STRING_WIDTH = 32767;

/** Bytes of uncompressed data per ZLIB block (the block size SPSS and PSPP use). */
const ZBLOCK = 0x3ff000;
const BIAS = 100;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A growing byte buffer with typed writes in one byte order. */
class Out {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  pos = 0;
  constructor(readonly le: boolean) {}
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v, this.le);
    this.pos += 4;
  }
  i64(v: number): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, BigInt(v), this.le);
    this.pos += 8;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, this.le);
    this.pos += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** `b` cut or padded with spaces to exactly `n` bytes. */
  padded(b: Uint8Array, n: number): void {
    this.ensure(n);
    const k = Math.min(b.length, n);
    this.buf.set(b.subarray(0, k), this.pos);
    this.buf.fill(32, this.pos + k, this.pos + n);
    this.pos += n;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

const utf8 = new TextEncoder();

/** How one column is written. */
interface Plan {
  name: string;
  shortName: string;
  /** The variable label's bytes, fitted. */
  label: Uint8Array | undefined;
  /** 0 numeric, else string width in bytes. */
  width: number;
  /** 8-byte units per case. */
  units: number;
  /** Numeric: the values. */
  values?: Float64Array;
  /** Categorical written as numbers: codes (0-based, -1 missing) and labels. */
  codes?: Int32Array;
  levels?: readonly string[];
  /** Categorical written as numbers: each level's value label bytes, fitted. */
  valueLabels?: Uint8Array[];
  /** String: each level's case bytes (`units * 8`), and a blank one for missing. */
  levelBytes?: Uint8Array[];
  blank?: Uint8Array;
  format: number;
  measure: 1 | 2 | 3;
}

/** Segments of a very long string of width `w` (widths of its variable records). */
function segmentWidths(w: number): number[] {
  if (w <= 255) return [w];
  const n = Math.ceil(w / 252);
  return Array.from({ length: n }, (_, k) => (k < n - 1 ? 255 : w - (n - 1) * 252));
}

/** Lays a value out over the segments of a string variable: 255 bytes per segment, space-padded. */
function layoutString(text: Uint8Array, width: number, units: number): Uint8Array {
  const out = new Uint8Array(units * 8).fill(32);
  const segs = segmentWidths(width);
  let src = 0;
  let at = 0;
  for (const sw of segs) {
    const take = Math.min(sw, 255, text.length - src);
    if (take > 0) out.set(text.subarray(src, src + take), at);
    src += Math.max(take, 0);
    at += Math.ceil(sw / 8) * 8;
  }
  return out;
}

function shortNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name, i) => {
    let base = name
      .toUpperCase()
      .replace(/[^A-Z0-9_@#$.]/g, '')
      .slice(0, 8);
    if (!/^[A-Z@]/.test(base)) base = `V${i + 1}`.slice(0, 8);
    let s = base;
    for (let k = 1; used.has(s); k++) s = `${base.slice(0, 8 - String(k).length)}${k}`;
    used.add(s);
    return s;
  });
}

/**
 * Writes a frame as SPSS system file bytes (see the module notes for what is written).
 *
 * @param data - The frame to write.
 * @param opts - Compression, columns written as text, the weight variable, the file label and date,
 *   byte order: see {@link SavWriteOptions}.
 * @throws {DataFormatError} `INVALID_OPTION` (a `strings` or `weight` column that is missing or of
 * the wrong kind); `LABEL_TOO_LONG`, `UNWRITABLE_NAME`, `UNWRITABLE_VALUE` (what the format cannot
 * keep as it is: see the module notes).
 * @example
 * ```ts
 * const d = fromColumns({ age: [34, NaN, 51], region: ['North', 'South', null] });
 * const bytes = writeSav(d, { strings: ['region'], created: new Date(Date.UTC(2024, 0, 1)) });
 * console.log(new TextDecoder().decode(bytes.subarray(0, 4)), bytes.length > 400); // => $FL2 true
 * ```
 */
export function writeSav(data: SurveyData, opts: SavWriteOptions = {}): Uint8Array {
  const compression = opts.compression ?? 'bytecode';
  const le = (opts.byteOrder ?? 'little-endian') === 'little-endian';
  const strings = new Set(opts.strings ?? stringsOfFile(data));
  for (const s of strings) {
    if (data.columns[s]?.kind !== 'categorical') {
      throw new DataFormatError('INVALID_OPTION', `strings: "${s}" is not a categorical column`, {
        option: 'strings',
        column: s,
      });
    }
  }
  if (opts.weight !== undefined && data.columns[opts.weight]?.kind !== 'numeric') {
    throw new DataFormatError(
      'INVALID_OPTION',
      `weight: "${opts.weight}" is not a numeric column`,
      {
        option: 'weight',
        column: opts.weight,
      },
    );
  }
  const cut = opts.cutLabels === true;
  const labels = new Map<string, Uint8Array>();
  for (const v of data.codebook.variables) {
    if (v.label === undefined || v.label === '' || !data.names.includes(v.name)) continue;
    labels.set(v.name, fitted(v.label, VARIABLE_LABEL_BYTES, cut, 'the variable label', v.name));
  }
  for (const name of data.names) {
    checkName(name);
    const col = data.columns[name]!;
    if (col.kind === 'categorical') checkLevels(name, col.levels, strings.has(name));
  }
  const fileLabel =
    opts.fileLabel !== undefined
      ? fitted(opts.fileLabel, FILE_LABEL_BYTES, cut, 'the file label', undefined)
      : cutUtf8(utf8.encode(data.codebook.title ?? ''), FILE_LABEL_BYTES);
  const shorts = shortNames(data.names);
  const usedShort = new Set(shorts);
  let nextShort = 1;
  /** A fresh short name for a segment of a very long string. */
  const segmentName = (base: string, k: number): string => {
    let s = `${base.slice(0, 5)}${k}`.slice(0, 8);
    while (usedShort.has(s)) s = `S${nextShort++}`;
    usedShort.add(s);
    return s;
  };
  const plans: Plan[] = data.names.map((name, i) => {
    const col = data.columns[name]!;
    const base = { name, shortName: shorts[i]!, label: labels.get(name) };
    if (col.kind === 'categorical' && !strings.has(name)) {
      const valueLabels = col.levels.map((l) =>
        fitted(l, VALUE_LABEL_BYTES, cut, 'a value label', name),
      );
      sameAfterCut(name, col.levels, valueLabels);
      return {
        ...base,
        width: 0,
        units: 1,
        codes: col.codes,
        levels: col.levels,
        valueLabels,
        format: 0x050800,
        measure: 1,
      };
    }
    if (col.kind === 'numeric') {
      let integers = true;
      for (const x of col.values) {
        if (!Number.isNaN(x) && !Number.isInteger(x)) {
          integers = false;
          break;
        }
      }
      return {
        ...base,
        width: 0,
        units: 1,
        values: col.values,
        format: integers ? 0x050800 : 0x050a04,
        measure: 3,
      };
    }
    const encoded = col.levels.map((l) => utf8.encode(l));
    const width = Math.max(1, ...encoded.map((b) => b.length));
    const units = segmentWidths(width).reduce((s, w) => s + Math.ceil(w / 8), 0);
    return {
      ...base,
      width,
      units,
      codes: col.codes,
      levelBytes: encoded.map((b) => layoutString(b, width, units)),
      blank: new Uint8Array(units * 8).fill(32),
      format: 0x010000 | (Math.min(width, 255) << 8),
      measure: 1,
    };
  });
  const caseUnits = plans.reduce((s, p) => s + p.units, 0);
  const firstUnit: number[] = [];
  plans.reduce((u, p) => {
    firstUnit.push(u);
    return u + p.units;
  }, 0);

  const out = new Out(le);
  // ---- file header
  const created = opts.created ?? new Date();
  const two = (n: number): string => String(n).padStart(2, '0');
  const date = `${two(created.getUTCDate())} ${MONTHS[created.getUTCMonth()]} ${two(created.getUTCFullYear() % 100)}`;
  const time = `${two(created.getUTCHours())}:${two(created.getUTCMinutes())}:${two(created.getUTCSeconds())}`;
  out.bytes(utf8.encode(compression === 'zlib' ? '$FL3' : '$FL2'));
  out.padded(utf8.encode('@(#) SPSS DATA FILE surveykit'), 60);
  out.i32(compression === 'zlib' ? 3 : 2);
  out.i32(caseUnits);
  out.i32(compression === 'none' ? 0 : compression === 'bytecode' ? 1 : 2);
  const weightAt = opts.weight === undefined ? -1 : data.names.indexOf(opts.weight);
  out.i32(weightAt < 0 ? 0 : firstUnit[weightAt]! + 1);
  out.i32(data.nrow);
  out.f64(BIAS);
  out.padded(utf8.encode(date), 9);
  out.padded(utf8.encode(time), 8);
  out.padded(fileLabel, FILE_LABEL_BYTES);
  out.padded(new Uint8Array(0), 3);

  // ---- variable records
  for (const p of plans) {
    const segs = p.width === 0 ? [0] : segmentWidths(p.width);
    segs.forEach((sw, k) => {
      out.i32(2);
      out.i32(sw);
      const label = k === 0 && p.label ? p.label : null;
      out.i32(label ? 1 : 0);
      out.i32(0);
      const fmt = sw === 0 ? p.format : 0x010000 | (sw << 8);
      out.i32(fmt);
      out.i32(fmt);
      const short = k === 0 ? p.shortName : segmentName(p.shortName, k);
      out.padded(utf8.encode(short), 8);
      if (label) {
        out.i32(label.length);
        out.padded(label, Math.ceil(label.length / 4) * 4);
      }
      for (let c = 1; c < Math.ceil(sw / 8); c++) {
        out.i32(2);
        out.i32(-1);
        out.i32(0);
        out.i32(0);
        out.i32(0);
        out.i32(0);
        out.padded(new Uint8Array(0), 8);
      }
    });
  }

  // ---- value labels of categorical columns written as numbers
  plans.forEach((p, i) => {
    if (!p.levels || p.levelBytes || p.levels.length === 0) return;
    out.i32(3);
    out.i32(p.levels.length);
    p.valueLabels!.forEach((b, k) => {
      out.f64(k + 1);
      out.bytes(new Uint8Array([b.length]));
      out.padded(b, Math.ceil((b.length + 1) / 8) * 8 - 1);
    });
    out.i32(4);
    out.i32(1);
    out.i32(firstUnit[i]! + 1);
  });

  // ---- extension records
  const ext = (subtype: number, size: number, body: Uint8Array | number[]): void => {
    out.i32(7);
    out.i32(subtype);
    out.i32(size);
    if (body instanceof Uint8Array) {
      out.i32(body.length);
      out.bytes(body);
    } else {
      out.i32(body.length);
      for (const v of body) size === 4 ? out.i32(v) : out.f64(v);
    }
  };
  ext(3, 4, [1, 0, 0, -1, 1, compression === 'none' ? 0 : 1, le ? 2 : 1, 65001]);
  ext(4, 8, [-Number.MAX_VALUE, Number.MAX_VALUE, -1.7976931348623155e308]);
  const display: number[] = [];
  for (const p of plans) {
    for (const sw of p.width === 0 ? [0] : segmentWidths(p.width)) {
      display.push(p.measure, Math.min(Math.max(8, sw), 40), p.width === 0 ? 1 : 0);
    }
  }
  ext(11, 4, display);
  ext(13, 1, utf8.encode(plans.map((p) => `${p.shortName}=${p.name}`).join('\t')));
  const vls = plans.filter((p) => p.width > 255);
  if (vls.length > 0) {
    ext(
      14,
      1,
      utf8.encode(
        vls.map((p) => `${p.shortName}=${String(p.width).padStart(5, '0')}\0\t`).join(''),
      ),
    );
  }
  ext(20, 1, utf8.encode('UTF-8'));
  out.i32(999);
  out.i32(0);

  // ---- data
  const rows = data.nrow;
  if (compression === 'none') {
    for (let r = 0; r < rows; r++) {
      for (const p of plans) {
        if (p.values) out.f64(p.values[r]!);
        else if (p.levelBytes) {
          const c = p.codes![r]!;
          out.bytes(c < 0 ? p.blank! : p.levelBytes[c]!);
        } else {
          const c = p.codes![r]!;
          out.f64(c < 0 ? Number.NaN : c + 1);
        }
      }
    }
    return out.result();
  }
  const body = compressCases(plans, rows, le);
  if (compression === 'bytecode') {
    out.bytes(body);
    return out.result();
  }
  // ZLIB: header, deflated blocks of the bytecode stream, trailer
  const zheader = out.pos;
  const blocks: Array<{ uofs: number; cofs: number; usize: number; csize: number }> = [];
  const deflated: Uint8Array[] = [];
  let cofs = zheader + 24;
  for (let u = 0; u < body.length; u += ZBLOCK) {
    const piece = body.subarray(u, Math.min(body.length, u + ZBLOCK));
    const z = zlibSync(piece);
    blocks.push({ uofs: zheader + u, cofs, usize: piece.length, csize: z.length });
    deflated.push(z);
    cofs += z.length;
  }
  out.i64(zheader);
  out.i64(cofs);
  out.i64(24 + 24 * blocks.length);
  for (const z of deflated) out.bytes(z);
  out.i64(-BIAS);
  out.i64(0);
  out.i32(ZBLOCK);
  out.i32(blocks.length);
  for (const b of blocks) {
    out.i64(b.uofs);
    out.i64(b.cofs);
    out.i32(b.usize);
    out.i32(b.csize);
  }
  return out.result();
}

/** The categorical columns that were string variables of the SPSS file the frame was read from. */
function stringsOfFile(data: SurveyData): string[] {
  const variables = (
    data as { sav?: { variables?: ReadonlyArray<{ name: string; type: string }> } }
  ).sav?.variables;
  if (!Array.isArray(variables)) return [];
  return variables
    .filter((v) => v.type === 'string' && data.columns[v.name]?.kind === 'categorical')
    .map((v) => v.name);
}

/**
 * The UTF-8 bytes of a label, at most `max`: longer ones are cut at a character boundary with
 * `cut`, else `LABEL_TOO_LONG`.
 */
function fitted(
  text: string,
  max: number,
  cut: boolean,
  what: string,
  column: string | undefined,
): Uint8Array {
  const b = utf8.encode(text);
  if (b.length <= max || cut) return cutUtf8(b, max);
  throw new DataFormatError(
    'LABEL_TOO_LONG',
    `${what}${column === undefined ? '' : ` of column "${column}"`}, ${JSON.stringify(shorten(text))}, ` +
      `takes ${b.length} bytes in UTF-8; an SPSS file keeps ${max}. Shorten it, ` +
      `or pass { cutLabels: true } to cut it at ${max} bytes` +
      (max === VALUE_LABEL_BYTES
        ? ", or write the column's levels as text ({ strings: [...] })"
        : ''),
    { ...(column === undefined ? {} : { column }), value: text, bytes: b.length, limit: max },
  );
}

/** Value labels of one column that the cut made the same: an error (they would be one level). */
function sameAfterCut(column: string, levels: readonly string[], labels: Uint8Array[]): void {
  const seen = new Map<string, number>();
  labels.forEach((b, k) => {
    // as a reader sees it: without the trailing spaces (and NULs) SPSS pads texts with
    let end = b.length;
    while (end > 0 && (b[end - 1] === 32 || b[end - 1] === 0)) end--;
    const key = Array.from(b.subarray(0, end)).join(',');
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, k);
      return;
    }
    throw new DataFormatError(
      'LABEL_TOO_LONG',
      `column "${column}": the levels ${JSON.stringify(shorten(levels[first]!))} and ` +
        `${JSON.stringify(shorten(levels[k]!))} are the same in their first ${VALUE_LABEL_BYTES} bytes, ` +
        `all an SPSS value label keeps: cut, they would be one level. Shorten one, or write the ` +
        `column's levels as text ({ strings: ["${column}"] })`,
      { column, level: levels[k], value: levels[first], limit: VALUE_LABEL_BYTES },
    );
  });
}

/** A column name the long names record keeps as it is, or `UNWRITABLE_NAME`. */
function checkName(name: string): void {
  const why =
    name === ''
      ? 'it is empty'
      : /[\t\0]/.test(name)
        ? 'it holds a tab or NUL character, which the long variable names record cannot hold'
        : name.trim() !== name
          ? 'it has white space around it, which would be lost'
          : null;
  if (why === null) return;
  throw new DataFormatError(
    'UNWRITABLE_NAME',
    `cannot write column ${JSON.stringify(name)} to an SPSS file: ${why}; rename it first`,
    { column: name, value: name },
  );
}

/**
 * Levels that read back as distinct levels, or `UNWRITABLE_VALUE` naming the first that would not:
 * SPSS pads texts with spaces, so a reader drops trailing spaces (and NULs), and string values are
 * trimmed too; a level that is then empty would read as missing (or as its code), and two levels
 * that are then the same would be one.
 */
function checkLevels(column: string, levels: readonly string[], asStrings: boolean): void {
  const seen = new Map<string, string>();
  for (const level of levels) {
    let back = level.replace(/[ \0]+$/, '');
    if (asStrings) back = back.trim();
    const twin = seen.get(back);
    const why =
      back === ''
        ? `it is blank (it would read back as ${asStrings ? 'missing' : 'its code'})`
        : twin !== undefined
          ? `it differs from level ${JSON.stringify(twin)} only in white space or NULs at its ends, which SPSS files do not keep (they would be one level)`
          : asStrings && utf8.encode(level).length > MAX_STRING_WIDTH
            ? `it takes more than ${MAX_STRING_WIDTH} bytes, the widest SPSS string`
            : null;
    if (why !== null) {
      throw new DataFormatError(
        'UNWRITABLE_VALUE',
        `cannot write level ${JSON.stringify(shorten(level))} of column "${column}" to an SPSS file: ${why}`,
        { column, level, value: level },
      );
    }
    seen.set(back, level);
  }
}

/** A text cut for a message. */
function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** UTF-8 bytes cut to at most `n` bytes without splitting a character. */
function cutUtf8(b: Uint8Array, n: number): Uint8Array {
  if (b.length <= n) return b;
  let end = n;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}

/** The bytecode-compressed case data (ending with code 252). */
function compressCases(plans: readonly Plan[], rows: number, le: boolean): Uint8Array {
  const out = new Out(le);
  // the open command block is at out.buf[block .. block + 8); its raw units follow it in `out`
  let block = 0;
  let n = 8;
  const code = (c: number): void => {
    if (n === 8) {
      out.ensure(8);
      block = out.pos;
      out.buf.fill(0, block, block + 8);
      out.pos += 8;
      n = 0;
    }
    out.buf[block + n++] = c;
  };
  const number = (x: number): void => {
    if (Number.isNaN(x)) code(255);
    else if (Number.isInteger(x) && x >= 1 - BIAS && x <= 251 - BIAS && !Object.is(x, -0)) {
      code(x + BIAS);
    } else {
      code(253);
      out.f64(x);
    }
  };
  // per string level, per unit: 254 when all spaces
  const spaces = plans.map((p) =>
    p.levelBytes
      ? p.levelBytes.map((b) => {
          const flags = new Uint8Array(p.units);
          for (let u = 0; u < p.units; u++) {
            let all = true;
            for (let k = u * 8; k < u * 8 + 8; k++) if (b[k] !== 32) all = false;
            flags[u] = all ? 1 : 0;
          }
          return flags;
        })
      : [],
  );
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < plans.length; i++) {
      const p = plans[i]!;
      if (p.values) number(p.values[r]!);
      else if (p.levelBytes) {
        const c = p.codes![r]!;
        const bytes = c < 0 ? p.blank! : p.levelBytes[c]!;
        const flags = c < 0 ? null : spaces[i]![c]!;
        for (let u = 0; u < p.units; u++) {
          if (flags === null || flags[u] === 1) code(254);
          else {
            code(253);
            out.ensure(8);
            const buf = out.buf;
            const at = out.pos;
            for (let k = 0; k < 8; k++) buf[at + k] = bytes[u * 8 + k]!;
            out.pos += 8;
          }
        }
      } else {
        const c = p.codes![r]!;
        number(c < 0 ? Number.NaN : c + 1);
      }
    }
  }
  code(252);
  return out.result();
}
