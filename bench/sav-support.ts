/**
 * surveykit's SPSS reader and writer, when the library has them (loaded dynamically, so the bench
 * runs without them): writes a frame as a bytecode-compressed .sav and reads it back.
 */
import { writeFileSync } from 'node:fs';
import type { SurveyData } from '../src/data/types.js';

export interface SavSupport {
  /** Writes `data` to `path`; returns the file offset where the data starts. */
  write(data: SurveyData, path: string): number;
  read(path: string): Promise<SurveyData>;
}

/** The reader and writer, or null when src/data/sav/sav.ts or its writer is missing. */
export async function savSupport(): Promise<SavSupport | null> {
  const load = async (m: string) => {
    try {
      return (await import(m)) as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  const reader = await load('../src/data/sav/sav.js');
  const writer = await load('../src/data/sav/writer.js');
  const header = await load('../src/data/sav/header.js');
  const records = await load('../src/data/sav/records.js');
  if (!reader?.readSav || !writer?.writeSav || !header?.readHeader || !records?.readRecords) {
    return null;
  }
  const readSav = reader.readSav as (
    path: string,
    opts: { maxDataBytes: number },
  ) => Promise<SurveyData>;
  const writeSav = writer.writeSav as (
    data: SurveyData,
    opts: { compression: 'bytecode'; weight: string; created: Date },
  ) => Uint8Array;
  const readHeader = header.readHeader as (
    bytes: Uint8Array,
    source: string,
  ) => { littleEndian: boolean };
  const readRecords = records.readRecords as (
    bytes: Uint8Array,
    offset: number,
    littleEndian: boolean,
    source: string,
  ) => { dataOffset: number };
  const HEADER_BYTES = header.HEADER_BYTES as number;
  return {
    write(data, path) {
      const bytes = writeSav(data, {
        compression: 'bytecode',
        weight: 'weight',
        created: new Date(0),
      });
      writeFileSync(path, bytes);
      const h = readHeader(bytes, path);
      return readRecords(bytes, HEADER_BYTES, h.littleEndian, path).dataOffset;
    },
    // the bench's own files are trusted: 10,000,000 rows take more than the default 2 GiB limit
    read: (path) => readSav(path, { maxDataBytes: Number.POSITIVE_INFINITY }),
  };
}
