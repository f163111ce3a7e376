/**
 * Hostile inputs made on the fly (small files that would make a careless reader allocate or
 * inflate gigabytes), for the bad-input catalogue and the loader tests. Built from files
 * surveykit writes, then re-assembled with a crafted ZLIB section or patched counts.
 */
import { zlibSync } from 'fflate';
import { fromColumns } from '../../src/data/frame.js';
import { readRecords } from '../../src/data/sav/records.js';
import { writeSav } from '../../src/data/sav/writer.js';

const CREATED = new Date(Date.UTC(2024, 0, 1));

/** Header and dictionary of a `.zsav` with the given columns (everything before the ZLIB data). */
function zsavDictionary(columns: Parameters<typeof fromColumns>[0], strings: string[] = []) {
  const bytes = writeSav(fromColumns(columns), { compression: 'zlib', strings, created: CREATED });
  const { dataOffset } = readRecords(bytes, 176, true, 'bomb.zsav');
  return bytes.slice(0, dataOffset);
}

export interface ZsavBomb {
  /** The columns of the dictionary (default one numeric variable). */
  columns?: Parameters<typeof fromColumns>[0];
  /** Columns written as strings. */
  strings?: string[];
  /** The case count in the header (-1: not declared). */
  ncases: number;
  /** The byte every inflated byte is (101 = the number 1 with bias 100; 0 = padding). */
  fill: number;
  /** Uncompressed bytes per block (default 0x3ff000, SPSS's) and blocks. */
  blockSize?: number;
  blocks: number;
}

/**
 * A `.zsav` whose ZLIB blocks inflate to `blocks × blockSize` bytes of `fill` from a few kilobytes
 * per block (deflate's best ratio, ~1,000:1): 250 blocks of 4 MiB are about 1 MB of file and 1 GiB
 * of bytecode, 8 GB of Float64 columns.
 */
export function zsavBomb(b: ZsavBomb): Uint8Array {
  const dict = zsavDictionary(b.columns ?? { x: [1] }, b.strings);
  new DataView(dict.buffer).setInt32(80, b.ncases, true);
  const usize = b.blockSize ?? 0x3ff000;
  const block = zlibSync(new Uint8Array(usize).fill(b.fill), { level: 9 });
  const zheader = dict.length;
  const trailer = zheader + 24 + block.length * b.blocks;
  const trailerLen = 24 + 24 * b.blocks;
  const out = new Uint8Array(trailer + trailerLen);
  out.set(dict);
  const dv = new DataView(out.buffer);
  dv.setBigInt64(zheader, BigInt(zheader), true);
  dv.setBigInt64(zheader + 8, BigInt(trailer), true);
  dv.setBigInt64(zheader + 16, BigInt(trailerLen), true);
  for (let k = 0; k < b.blocks; k++) out.set(block, zheader + 24 + k * block.length);
  dv.setBigInt64(trailer, -100n, true);
  dv.setBigInt64(trailer + 8, 0n, true);
  dv.setInt32(trailer + 16, usize, true);
  dv.setInt32(trailer + 20, b.blocks, true);
  for (let k = 0; k < b.blocks; k++) {
    const at = trailer + 24 + 24 * k;
    dv.setBigInt64(at, BigInt(zheader + k * usize), true);
    dv.setBigInt64(at + 8, BigInt(zheader + 24 + k * block.length), true);
    dv.setInt32(at + 16, usize, true);
    dv.setInt32(at + 20, block.length, true);
  }
  return out;
}

/** Text in windows-1251 (ASCII, А–я, Ёё), as Excel and SPSS write it in Russia. */
export function cp1251(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => {
    const c = ch.charCodeAt(0);
    if (c < 0x80) return c;
    if (c >= 0x410 && c <= 0x44f) return c - 0x410 + 0xc0;
    if (c === 0x401) return 0xa8;
    if (c === 0x451) return 0xb8;
    throw new Error(`cp1251: no byte for ${ch}`);
  });
}

/**
 * An uncompressed `.sav` whose names and labels are ASCII and whose texts (a string variable's
 * values and a numeric variable's value labels) are windows-1251 bytes, declaring its encoding
 * as `declare` says: UTF-8 (as surveykit's writer does: record and character code), or nothing
 * (no encoding record, character code 2, "7-bit ASCII", as old SPSS wrote whatever the locale).
 * Read as UTF-8 with U+FFFD for bad bytes, the cities and the answers would each be one level.
 */
export function cp1251Sav(
  declare: 'utf-8' | 'nothing',
  texts: 'values' | 'labels' = 'values',
): Uint8Array {
  const cities = ['Минск', 'Брест', 'Гомель'];
  const answers = ['Да, конечно', 'Нет, никогда'];
  const placeholder = (k: number, n: number) => `${'Q'.repeat(n - 2)}${String(k).padStart(2, '0')}`;
  const ph = [...cities, ...answers].map((t, k) => placeholder(k, cp1251(t).length));
  const frame = fromColumns(
    texts === 'values'
      ? { id: [1, 2, 3, 4], city: [ph[0]!, ph[1]!, ph[0]!, ph[2]!] }
      : { id: [1, 2, 3, 4], answer: [ph[3]!, ph[4]!, ph[4]!, ph[3]!] },
  );
  const bytes = writeSav(frame, {
    compression: 'none',
    strings: texts === 'values' ? ['city'] : [],
    created: CREATED,
  });
  const enc = new TextEncoder();
  [...cities, ...answers].forEach((t, k) => {
    const from = enc.encode(ph[k]!);
    const to = cp1251(t);
    for (let i = 0; i + from.length <= bytes.length; i++) {
      if (from.every((b, j) => bytes[i + j] === b)) bytes.set(to, i);
    }
  });
  if (declare === 'utf-8') return bytes;
  // drop the encoding record (subtype 20); character code 2 in the integer info (subtype 3)
  const raw = readRecords(bytes, 176, true, 'x.sav');
  const info = raw.extensions.find((e) => e.subtype === 3)!;
  new DataView(bytes.buffer).setInt32(info.dataOffset + 28, 2, true);
  const rec = raw.extensions.find((e) => e.subtype === 20)!;
  const out = new Uint8Array(bytes.length - (rec.dataOffset + rec.data.length - rec.offset));
  out.set(bytes.subarray(0, rec.offset));
  out.set(bytes.subarray(rec.dataOffset + rec.data.length), rec.offset);
  return out;
}
