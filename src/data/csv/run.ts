/**
 * Running the CSV loader over a string or a file, including the rare second read (see
 * `csv/columns.ts`). {@link parseCsv} and {@link readCsv} are thin wrappers; the chunk sizes are
 * parameters here so tests can cut the input anywhere.
 * @module
 */
import { type FileSource, sourceName, sourceSize } from '../../platform/files.js';
import type { Column, SurveyData } from '../types.js';
import { streamFileText } from './decode.js';
import { CsvLoader, type LoadPass, type PassOptions } from './loader.js';
import type { CsvOptions } from './options.js';

/**
 * Loads CSV text, handing it to the loader `sliceChars` characters at a time.
 * @example
 * ```ts
 * const d = loadText('a,b\n1,x\n', {}, 3);
 * console.log(d.columns.a.kind, d.columns.b.kind); // => numeric categorical
 * ```
 */
export function loadText(
  text: string,
  opts: CsvOptions = {},
  sliceChars = 1 << 16,
  pass: Pick<PassOptions, 'sampleChars'> = {},
): SurveyData {
  const run = (only?: ReadonlySet<string>): LoadPass => {
    const loader = new CsvLoader(
      { ...opts, source: opts.source ?? '<text>' },
      { ...pass, ...(only ? { only } : {}) },
    );
    for (let i = 0; i < text.length; i += sliceChars) loader.push(text.slice(i, i + sliceChars));
    return loader.end();
  };
  const first = run();
  return first.reread.length === 0
    ? first.data
    : merge(first.data, run(new Set(first.reread)).data);
}

/**
 * Loads a CSV file, streaming it `chunkBytes` bytes at a time.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('/tmp/poll.csv', 'город,n\nМосква,1\n');
 * const d = await loadFile('/tmp/poll.csv', {}, 3); // 3 bytes at a time, splitting characters
 * console.log(column(d, 'город')); // => [ 'Москва' ]
 * ```
 */
export async function loadFile(
  path: FileSource,
  opts: CsvOptions = {},
  chunkBytes = 1 << 20,
  pass: Pick<PassOptions, 'sampleChars'> = {},
): Promise<SurveyData> {
  const source = opts.source ?? sourceName(path);
  // The file's size sizes the columns (see PassOptions); a missing file is reported by the read.
  const expectedBytes = await sourceSize(path, 'readCsv');
  const run = async (only?: ReadonlySet<string>): Promise<LoadPass> => {
    const loader = new CsvLoader(
      { ...opts, source },
      { ...pass, ...(only ? { only } : {}), expectedBytes },
    );
    await streamFileText(path, loader, { encoding: opts.encoding ?? 'utf-8', source, chunkBytes });
    return loader.end();
  };
  const first = await run();
  if (first.reread.length === 0) return first.data;
  return merge(first.data, (await run(new Set(first.reread))).data);
}

/** Puts the columns of a second read into the first frame, keeping the file's column order. */
function merge(first: SurveyData, second: SurveyData): SurveyData {
  const again = new Set(second.names);
  const columns: Record<string, Column> = Object.create(null);
  for (const name of first.names) {
    const col = again.has(name) ? second.columns[name] : first.columns[name];
    if (col) columns[name] = col;
  }
  const missing = first.names.flatMap((name) => {
    const from = again.has(name) ? second : first;
    const m = from.load.missing.find((x) => x.column === name);
    return m ? [m] : [];
  });
  return { ...first, columns, load: { ...first.load, missing } };
}
