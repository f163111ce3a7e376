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
