/**
 * The loader fuzzer: seeded cases (random bytes, or real files with random damage) fed to
 * `parseCsv`, the streaming CSV file reader, `parseSav` (with its limits lowered at times, and
 * small ZLIB bombs among the seeds) and the JSON description files (codebook, questionnaire,
 * margins: read as files, then parsed), each outcome checked: a typed error (SurveyError, never a
 * defect code) or a frame that is internally consistent and no larger than its input allows (a
 * parsed description for JSON), and no prototype polluted. Everything here is a pure function of
 * the case seed, so a failure is reproduced by its seed alone (`npm run fuzz -- --replay <seed>`).
 *
 * Used in-process by `loaders.test.ts` (a few hundred cases) and, with a watchdog for hangs, by
 * `run.ts` (`npm run fuzz`, many more).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Codebook, parseCodebook } from '../../src/data/codebook.js';
import type { CsvOptions } from '../../src/data/csv/csv.js';
import { firstInvalidUtf8 } from '../../src/data/csv/decode.js';
import { loadFile, loadText } from '../../src/data/csv/run.js';
import { readJsonFile } from '../../src/data/json-file.js';
import { parseSav, type SavOptions } from '../../src/data/sav/sav.js';
import type { SurveyData } from '../../src/data/types.js';
import { CodebookError, DataFormatError, SurveyError, WeightingError } from '../../src/errors.js';
import { parseQuestionnaire } from '../../src/poll/questionnaire.js';
import { marginsFromJson } from '../../src/poll/weighting.js';
import { zsavBomb } from '../bad-input/hostile.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A small fast seeded generator (mulberry32) over a 32-bit seed mixed from any integer. */
export function rng(seed: number): () => number {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ (seed >>> 13)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The JSON description files, by the parser that reads them. */
export type JsonKind = 'codebook' | 'questionnaire' | 'margins';

/** One seed input. */
export interface Seed {
  name: string;
  kind: 'csv' | 'sav' | JsonKind;
  bytes: Uint8Array;
  codebook?: Codebook;
}

const JSON_KINDS: readonly string[] = ['codebook', 'questionnaire', 'margins'];
const isJson = (kind: string): kind is JsonKind => JSON_KINDS.includes(kind);

const enc = new TextEncoder();

/** Bytes of Russian text in windows-1251 (what Excel writes in Russia), for encoding damage. */
const CP1251 = Uint8Array.from([
  0xf0, 0xe5, 0xe3, 0xe8, 0xee, 0xed, 0x2c, 0xef, 0xee, 0xeb, 0x0d, 0x0a, 0xcc, 0xee, 0xf1, 0xea,
  0xe2, 0xe0, 0x2c, 0x31, 0x0d, 0x0a, 0xc3, 0xf0, 0xee, 0xe4, 0xed, 0xee, 0x2c, 0x32, 0x0d, 0x0a,
]);

let cachedSeeds: Seed[] | null = null;

/** The seed inputs: the CSV and SPSS fixtures, the head of the Belarus poll, small oddities. */
export function seeds(): Seed[] {
  if (cachedSeeds) return cachedSeeds;
  const file = (p: string) => new Uint8Array(readFileSync(join(ROOT, p)));
  const codebook = JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/csv/poll.codebook.json'), 'utf8'),
  ) as Codebook;
  const belarus = readFileSync(join(ROOT, 'data/belarus-2021-12.csv'), 'utf8')
    .split('\n')
    .slice(0, 40)
    .join('\n');
  const out: Seed[] = [
    { name: 'csv/poll.csv', kind: 'csv', bytes: file('test/fixtures/csv/poll.csv'), codebook },
    { name: 'sav/poll.csv', kind: 'csv', bytes: file('test/fixtures/sav/poll.csv') },
    { name: 'belarus head', kind: 'csv', bytes: enc.encode(`${belarus}\n`) },
    {
      name: 'quoted',
      kind: 'csv',
      bytes: enc.encode('a;b;c\r\n"x;y";"say ""hi""";3\r\n"two\r\nlines";;-1.5e3\r\n\r\n4;z;\r\n'),
    },
    { name: 'cp1251', kind: 'csv', bytes: CP1251 },
    {
      name: 'tabs',
      kind: 'csv',
      bytes: enc.encode('\uFEFFid\tw\tg\n1\t1.5\tа\n2\t0.5\tб\n3\t\t\n'),
    },
  ];
  for (const f of [
    'poll.sav',
    'poll-bytecode.sav',
    'poll.zsav',
    'empty.sav',
    'pspp-cp1251.sav',
    'pspp-cp1251-bytecode.sav',
    'pspp-cp1251.zsav',
    'written.sav',
  ]) {
    out.push({ name: `sav/${f}`, kind: 'sav', bytes: file(`test/fixtures/sav/${f}`) });
  }
  // small ZLIB bombs: a number per byte, no case count; padding; a long string of spaces
  const small = { blocks: 3, blockSize: 1 << 15 };
  out.push(
    { name: 'bomb numbers', kind: 'sav', bytes: zsavBomb({ ...small, ncases: -1, fill: 101 }) },
    { name: 'bomb padding', kind: 'sav', bytes: zsavBomb({ ...small, ncases: 50, fill: 0 }) },
    {
      name: 'bomb spaces',
      kind: 'sav',
      bytes: zsavBomb({
        ...small,
        columns: { s: ['x'.repeat(300)] },
        strings: ['s'],
        ncases: -1,
        fill: 254,
      }),
    },
  );
  // the JSON description files, and oddities of their own
  out.push(
    { name: 'data/codebook.json', kind: 'codebook', bytes: file('data/codebook.json') },
    {
      name: 'poll.codebook.json',
      kind: 'codebook',
      bytes: file('test/fixtures/csv/poll.codebook.json'),
    },
    {
      name: 'data/questionnaire.json',
      kind: 'questionnaire',
      bytes: file('data/questionnaire.json'),
    },
    { name: 'data/margins.json', kind: 'margins', bytes: file('data/margins.json') },
    {
      name: 'odd keys',
      kind: 'margins',
      bytes: enc.encode(
        '\uFEFF{"margins":[{"variable":"__proto__","population":{"__proto__":1,"constructor":2,"toString":3}}]}',
      ),
    },
    {
      name: 'odd codebook',
      kind: 'codebook',
      bytes: enc.encode(
        '{"variables":[{"name":"constructor","type":"categorical","translations":{"ru":"x"},"values":[{"code":"__proto__","label":"toString","translations":{"en":"y"}}]}]}',
      ),
    },
  );
  cachedSeeds = out;
  return out;
}

/** Inputs are kept small so a case is fast and its output bounded. */
export const MAX_INPUT = 1 << 18;

const CSV_TOKENS = [
  '"',
  ',',
  ';',
  '\t',
  '|',
  '\n',
  '\r',
  '\r\n',
  '""',
  '\uFEFF',
  ' ',
  '\0',
  '1e999',
  '-0',
  'NaN',
  'Infinity',
  '0x1A',
  '9',
  '99',
  '',
].map((t) => enc.encode(t));
const BYTES = [0, 0xff, 0x7f, 0x80, 0xc0, 0xd0, 0xe2, 0xef, 0xbb, 0xbf, 0x22, 0x2c, 0x0a, 0x0d];
const INT32 = [0, 1, -1, -2, -3, 2, 3, 4, 7, 8, 252, 253, 254, 255, 256, 0x7fffffff, -0x80000000];

const JSON_TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '"__proto__"',
  '"constructor"',
  '{"__proto__":{"polluted":1}}',
  'null',
  '1e999',
  '-0',
  '\uFEFF',
  '\\u0000',
  '\\ud800',
].map((t) => enc.encode(t));

/** A fuzz case: what to load and how. */
export interface FuzzCase {
  seed: number;
  target: 'csv-text' | 'csv-file' | 'sav' | JsonKind;
  from: string;
  bytes: Uint8Array;
  csv?: { opts: CsvOptions; slice: number; chunkBytes: number };
  sav?: SavOptions;
  mutations: string[];
}

/** The case of a seed (deterministic). */
export function makeCase(seed: number): FuzzCase {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const all = seeds();
  const mutations: string[] = [];
  let from: Seed;
  let bytes: Uint8Array;
  if (r() < 0.1) {
    const kind =
      r() < 0.5
        ? 'csv'
        : r() < 0.7
          ? 'sav'
          : pick(['codebook', 'questionnaire', 'margins'] as const);
    const n = int(600);
    bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = int(256);
    // a plausible SPSS magic in front of random bytes, sometimes
    if (kind === 'sav' && r() < 0.5) bytes.set(enc.encode(pick(['$FL2', '$FL3'])).slice(0, n));
    from = { name: `random ${kind}`, kind, bytes };
    mutations.push(`random ${n} bytes`);
  } else {
    from = pick(all);
    bytes = from.bytes.slice();
    const k = 1 + Math.min(int(4), int(4));
    for (let m = 0; m < k; m++) bytes = mutate(bytes, from.kind, r, mutations, all);
  }
  if (bytes.length > MAX_INPUT) bytes = bytes.slice(0, MAX_INPUT);

  if (isJson(from.kind)) return { seed, target: from.kind, from: from.name, bytes, mutations };
  if (from.kind === 'sav') {
    const sav: SavOptions = { source: `fuzz-${seed}.sav` };
    const e = r();
    if (e < 0.1) sav.encoding = 'windows-1251';
    else if (e < 0.15) sav.encoding = 'utf-8';
    else if (e < 0.17) sav.encoding = 'no-such-encoding';
    // the limits, lowered at times (each is a TOO_LARGE path)
    if (r() < 0.1) sav.maxColumns = 1 + int(8);
    if (r() < 0.1) sav.maxValueLabels = 1 + int(20);
    if (r() < 0.1) sav.maxDataBytes = 1 + int(4000);
    if (r() < 0.1) sav.maxInflatedBytes = 1 + int(100_000);
    return { seed, target: 'sav', from: from.name, bytes, sav, mutations };
  }
  const opts: CsvOptions = { source: `fuzz-${seed}.csv` };
  const o = r();
  if (o < 0.15) opts.delimiter = pick([',', ';', '\t', '|']);
  if (from.codebook && r() < 0.5) opts.codebook = from.codebook;
  if (r() < 0.15) {
    // a column of the (possibly damaged) header, or one that is not there
    const header = new TextDecoder().decode(bytes.subarray(0, 400)).split(/\r?\n|\r/)[0] ?? '';
    const names = header.split(/[,;\t|]/).map((s) => s.replace(/^\uFEFF/, '').trim());
    const name = r() < 0.8 && names.length > 0 ? pick(names) : 'not-a-column';
    opts.types = { [name]: pick(['numeric', 'categorical'] as const) };
  }
  if (r() < 0.1) opts.maxErrors = 1 + int(3);
  const slice = r() < 0.5 ? 1 << 16 : 1 + int(97);
  const chunkBytes = r() < 0.5 ? 1 << 16 : 1 + int(61);
  return {
    seed,
    target: r() < 0.2 ? 'csv-file' : 'csv-text',
    from: from.name,
    bytes,
    csv: { opts, slice, chunkBytes },
    mutations,
  };
}

function mutate(
  b: Uint8Array,
  kind: Seed['kind'],
  r: () => number,
  log: string[],
  all: readonly Seed[],
): Uint8Array {
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const n = b.length;
  const at = int(n + 1);
  const op = int(9);
  switch (op) {
    case 0: {
      if (n === 0) return b;
      const i = int(n);
      b[i] = b[i]! ^ (1 << int(8));
      log.push(`flip bit at ${i}`);
      return b;
    }
    case 1: {
      if (n === 0) return b;
      const i = int(n);
      b[i] = pick(BYTES);
      log.push(`set byte ${i} to ${b[i]}`);
      return b;
    }
    case 2: {
      const tokens = kind === 'csv' ? CSV_TOKENS : kind === 'sav' ? null : JSON_TOKENS;
      const ins = tokens && r() < 0.7 ? pick(tokens) : randomBytes(1 + int(8), r);
      log.push(`insert ${ins.length} bytes at ${at}`);
      return concat(b.subarray(0, at), ins, b.subarray(at));
    }
    case 3: {
      const len = 1 + int(Math.min(64, Math.max(1, n - at)));
      log.push(`delete ${len} bytes at ${at}`);
      return concat(b.subarray(0, at), b.subarray(Math.min(n, at + len)));
    }
    case 4: {
      const start = int(n + 1);
      const len = int(Math.min(256, n - start + 1));
      log.push(`copy ${len} bytes from ${start} to ${at}`);
      return concat(b.subarray(0, at), b.slice(start, start + len), b.subarray(at));
    }
    case 5: {
      log.push(`truncate at ${at}`);
      return b.slice(0, at);
    }
    case 6: {
      if (n < 4) return b;
      const i = kind === 'sav' ? int(n >> 2) * 4 : int(n - 3);
      const v = pick(INT32);
      new DataView(b.buffer, b.byteOffset, b.byteLength).setInt32(i, v, r() < 0.8);
      log.push(`int32 ${v} at ${i}`);
      return b;
    }
    case 7: {
      const other = pick(all.filter((s) => s.kind === kind));
      const cut = int(other.bytes.length + 1);
      log.push(`splice ${other.name} from ${cut} at ${at}`);
      return concat(b.subarray(0, at), other.bytes.subarray(cut));
    }
    default: {
      // repeat a run many times (a long line, many rows, a huge field)
      const start = int(n + 1);
      const len = 1 + int(Math.min(40, Math.max(1, n - start)));
      const piece = b.slice(start, start + len);
      const times = 1 + int(Math.floor(20000 / Math.max(1, piece.length)));
      log.push(`repeat ${piece.length} bytes from ${start} ${times} times`);
      const parts: Uint8Array[] = [b.subarray(0, at)];
      for (let k = 0; k < times; k++) parts.push(piece);
      parts.push(b.subarray(at));
      return concat(...parts);
    }
  }
}

function randomBytes(n: number, r: () => number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** What a case gave. */
export type Outcome =
  | { ok: true; result: 'frame'; nrow: number; ncol: number }
  | { ok: true; result: 'error'; code: string }
  | { ok: false; problem: string };

/** Error codes that mean a defect of surveykit, not of the input. */
const DEFECTS = new Set(['INTERNAL_ERROR']);

/** Checks a thrown value: a SurveyError of the loader's classes with a stable code. */
export function checkError(
  e: unknown,
  allowed: ReadonlyArray<typeof SurveyError>,
  context: string,
): Outcome {
  if (!(e instanceof SurveyError)) {
    const err = e as Error;
    return {
      ok: false,
      problem: `${context}: untyped ${err?.name}: ${err?.message}\n${err?.stack}`,
    };
  }
  if (!allowed.some((C) => e instanceof C)) {
    return { ok: false, problem: `${context}: ${e.name} ${e.code} is not a loader error` };
  }
  if (!/^[A-Z][A-Z0-9_]*$/.test(e.code) || typeof e.details !== 'object' || e.message === '') {
    return { ok: false, problem: `${context}: malformed error ${e.code}: ${e.message}` };
  }
  if (DEFECTS.has(e.code) || /unexpected failure/.test(e.message)) {
    return { ok: false, problem: `${context}: a defect surfaced as ${e.code}: ${e.message}` };
  }
  return { ok: true, result: 'error', code: e.code };
}

/**
 * Checks a frame: columns match names and `nrow`, codes index levels, levels are distinct,
 * `load` counts agree with the cells, and the frame is no larger than `maxCells` cells.
 * Returns the problems found (empty when sound).
 */
export function frameProblems(d: SurveyData, maxCells: number): string[] {
  const problems: string[] = [];
  const p = (s: string) => problems.push(s);
  if (!Number.isInteger(d.nrow) || d.nrow < 0) p(`nrow ${d.nrow}`);
  if (new Set(d.names).size !== d.names.length) p('duplicate column names');
  const keys = Object.keys(d.columns);
  if (keys.length !== d.names.length || d.names.some((n) => !d.columns[n])) {
    p(`names ${JSON.stringify(d.names)} vs columns ${JSON.stringify(keys)}`);
  }
  if (d.nrow * Math.max(1, d.names.length) > maxCells) {
    p(`${d.nrow} rows × ${d.names.length} columns from a small input (bound ${maxCells} cells)`);
  }
  const missingCells = new Map<string, number>();
  for (const name of d.names) {
    const c = d.columns[name];
    if (!c) continue;
    if (c.name !== name) p(`column "${name}" calls itself "${c.name}"`);
    let missing = 0;
    if (c.kind === 'numeric') {
      if (!(c.values instanceof Float64Array) || c.values.length !== d.nrow) {
        p(`numeric "${name}" has ${c.values.length} values for ${d.nrow} rows`);
      }
      for (const v of c.values) if (Number.isNaN(v)) missing++;
    } else {
      if (!(c.codes instanceof Int32Array) || c.codes.length !== d.nrow) {
        p(`categorical "${name}" has ${c.codes.length} codes for ${d.nrow} rows`);
      }
      if (new Set(c.levels).size !== c.levels.length) {
        p(`categorical "${name}" repeats a level: ${JSON.stringify(c.levels).slice(0, 200)}`);
      }
      if (c.levels.some((l) => typeof l !== 'string'))
        p(`categorical "${name}" has a non-text level`);
      for (const code of c.codes) {
        if (code < -1 || code >= c.levels.length || !Number.isInteger(code)) {
          p(`categorical "${name}" has code ${code} for ${c.levels.length} levels`);
          break;
        }
        if (code === -1) missing++;
      }
    }
    missingCells.set(name, missing);
  }
  const load = d.load;
  if (load.rowsRead !== d.nrow) p(`load.rowsRead ${load.rowsRead} but nrow ${d.nrow}`);
  const reported = new Map<string, number>();
  for (const m of load.missing) {
    const codes = Object.values(m.missingCodes).reduce((s, k) => s + k, 0);
    const na = Object.values(m.na ?? {}).reduce((s, k) => s + k, 0);
    reported.set(m.column, (reported.get(m.column) ?? 0) + m.empty + codes + na);
  }
  for (const [name, count] of missingCells) {
    if ((reported.get(name) ?? 0) !== count) {
      p(
        `column "${name}": ${count} missing cells, load.missing reports ${reported.get(name) ?? 0}`,
      );
    }
  }
  for (const name of reported.keys())
    if (!missingCells.has(name)) p(`load.missing lists "${name}"`);
  for (const r of load.rowsRejected) {
    if (!Number.isInteger(r.row) || r.row < 1 || typeof r.reason !== 'string') {
      p(`rowsRejected entry ${JSON.stringify(r)}`);
    }
  }
  return problems;
}

const CSV_ERRORS = [DataFormatError, CodebookError] as const;

/** A frame or a thrown error, in a form two runs can be compared by. */
function signature(run: () => SurveyData): { frame?: SurveyData; error?: unknown } {
  try {
    return { frame: run() };
  } catch (e) {
    return { error: e };
  }
}

function sameFrame(a: SurveyData, b: SurveyData): string | null {
  if (a.nrow !== b.nrow) return `nrow ${a.nrow} vs ${b.nrow}`;
  if (JSON.stringify(a.names) !== JSON.stringify(b.names)) return 'names differ';
  for (const name of a.names) {
    const x = a.columns[name]!;
    const y = b.columns[name]!;
    if (x.kind !== y.kind) return `column "${name}": ${x.kind} vs ${y.kind}`;
    if (x.kind === 'numeric' && y.kind === 'numeric') {
      for (let i = 0; i < x.values.length; i++) {
        if (!Object.is(x.values[i], y.values[i])) return `column "${name}" row ${i + 1} differs`;
      }
    } else if (x.kind === 'categorical' && y.kind === 'categorical') {
      if (JSON.stringify(x.levels) !== JSON.stringify(y.levels))
        return `levels of "${name}" differ`;
      for (let i = 0; i < x.codes.length; i++) {
        if (x.codes[i] !== y.codes[i]) return `column "${name}" row ${i + 1} differs`;
      }
    }
  }
  const la = { ...a.load, source: '' };
  const lb = { ...b.load, source: '' };
  if (JSON.stringify(la) !== JSON.stringify(lb)) return 'load reports differ';
  return null;
}

function sameError(a: unknown, b: unknown): boolean {
  return (
    a instanceof SurveyError &&
    b instanceof SurveyError &&
    a.code === b.code &&
    a.constructor === b.constructor &&
    a.message === b.message
  );
}

let tmp: string | null = null;
/** Set: the directory belongs to the caller (a watchdog that may stop this thread), not removed. */
let given = false;
function tempDir(): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'surveykit-fuzz-'));
  return tmp;
}

/** Writes the temporary files of `csv-file` cases to `dir` (which the caller removes). */
export function useTempDir(dir: string): void {
  tmp = dir;
  given = true;
}

/** Removes the temporary files of `csv-file` cases. */
export function cleanup(): void {
  if (tmp && !given) rmSync(tmp, { recursive: true, force: true });
  if (!given) tmp = null;
}

/**
 * Runs a case and checks its outcome. CSV text is also loaded in one piece and compared: cutting
 * the input into chunks must not change the result. A CSV file is compared with `parseCsv` of its
 * decoded text (or must fail with `BAD_ENCODING` when it is not UTF-8).
 */
export async function runCase(c: FuzzCase): Promise<Outcome> {
  const outcome = await runLoader(c);
  // nothing a file holds may reach Object.prototype (a `__proto__` key, a column named so)
  const polluted = Object.keys(Object.prototype);
  if (polluted.length > 0 || ({} as Record<string, unknown>).polluted !== undefined) {
    for (const k of polluted) delete (Object.prototype as Record<string, unknown>)[k];
    return { ok: false, problem: `Object.prototype polluted: ${JSON.stringify(polluted)}` };
  }
  return outcome;
}

/** The parser of each kind of JSON description file, and the error its file gives when not JSON. */
const JSON_READERS: Record<
  JsonKind,
  { parse: (json: unknown, source: string) => unknown; notJson: (m: string) => SurveyError }
> = {
  codebook: {
    parse: parseCodebook,
    notJson: (m) => new CodebookError('INVALID_CODEBOOK', m),
  },
  questionnaire: {
    parse: parseQuestionnaire,
    notJson: (m) => new CodebookError('INVALID_QUESTIONNAIRE', m),
  },
  margins: { parse: marginsFromJson, notJson: (m) => new WeightingError('INVALID_MARGINS', m) },
};

async function runLoader(c: FuzzCase): Promise<Outcome> {
  if (isJson(c.target)) {
    const reader = JSON_READERS[c.target];
    const path = join(tempDir(), `case-${c.seed}.json`);
    writeFileSync(path, c.bytes);
    try {
      reader.parse(await readJsonFile(path, reader.notJson), path);
    } catch (e) {
      return checkError(e, [DataFormatError, CodebookError, WeightingError], `${c.target} file`);
    } finally {
      rmSync(path, { force: true });
    }
    return { ok: true, result: 'frame', nrow: 0, ncol: 0 };
  }
  if (c.target === 'sav') {
    let d: SurveyData;
    try {
      d = parseSav(c.bytes, c.sav);
    } catch (e) {
      return checkError(e, [DataFormatError], 'parseSav');
    }
    // a case takes at least one byte when compressed (8 per 8-byte unit uncompressed); a ZLIB
    // block inflates at most ~1032 times
    const problems = frameProblems(d, 1100 * c.bytes.length + 64);
    if (problems.length > 0)
      return { ok: false, problem: `parseSav frame: ${problems.join('; ')}` };
    return { ok: true, result: 'frame', nrow: d.nrow, ncol: d.names.length };
  }

  const { opts, slice, chunkBytes } = c.csv!;
  const text = new TextDecoder().decode(c.bytes);
  const lines = (text.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
  // Half the files guess their format from their first 32 characters (the same for the text
  // they are compared with), so that small cases reach the loader's byte route too.
  const pass = c.target === 'csv-file' && c.seed % 2 === 1 ? { sampleChars: 32 } : {};
  const whole = signature(() => loadText(text, opts, 1 << 16, pass));
  let got = whole;
  let what = 'parseCsv';
  if (c.target === 'csv-text') {
    if (slice !== 1 << 16) {
      got = signature(() => loadText(text, opts, slice));
      what = `parseCsv in slices of ${slice}`;
    }
  } else {
    const path = join(tempDir(), `case-${c.seed}.csv`);
    writeFileSync(path, c.bytes);
    try {
      got = { frame: await loadFile(path, opts, chunkBytes, pass) };
    } catch (e) {
      got = { error: e };
    }
    what = `readCsv in chunks of ${chunkBytes} bytes`;
    rmSync(path, { force: true });
    let valid = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(c.bytes);
    } catch {
      valid = false;
    }
    if (!valid) {
      if (got.error instanceof DataFormatError && got.error.code === 'BAD_ENCODING') {
        return { ok: true, result: 'error', code: 'BAD_ENCODING' };
      }
      // Or the structural error of a record before the bad bytes (errors come in file order):
      // the one the text up to the last line break before them gives; or a closing quote
      // followed by other text in the record the bad bytes are in, before them (known as soon
      // as it is read), the one the text up to the bad bytes gives.
      const at = firstInvalidUtf8(c.bytes);
      const before = new TextDecoder().decode(c.bytes.subarray(0, at));
      const cut = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
      const prefix = signature(() => loadText(before.slice(0, cut), opts, 1 << 16, pass));
      if (got.error instanceof SurveyError && sameError(got.error, prefix.error)) {
        return { ok: true, result: 'error', code: got.error.code };
      }
      const invalidQuote =
        got.error instanceof SurveyError && got.error.details.papaparse === 'InvalidQuotes';
      if (invalidQuote && sameError(got.error, signature(() => loadText(before, opts)).error)) {
        return { ok: true, result: 'error', code: 'MALFORMED_QUOTE' };
      }
      return {
        ok: false,
        problem: `${what}: invalid UTF-8 gave ${got.error instanceof SurveyError ? got.error.code : got.frame ? 'a frame' : String(got.error)}`,
      };
    }
  }
  if (got.error !== undefined) {
    const checked = checkError(got.error, CSV_ERRORS, what);
    if (!checked.ok) return checked;
    if (!sameError(got.error, whole.error)) {
      const w = whole.error instanceof SurveyError ? whole.error.code : 'a frame';
      return {
        ok: false,
        problem: `${what} gave ${checked.ok && checked.result === 'error' ? checked.code : '?'} but the whole text gave ${w}`,
      };
    }
    return checked;
  }
  const d = got.frame!;
  if (!whole.frame) {
    const w = whole.error instanceof SurveyError ? whole.error.code : String(whole.error);
    return { ok: false, problem: `${what} gave a frame but the whole text gave ${w}` };
  }
  const diff = sameFrame(d, whole.frame);
  if (diff) return { ok: false, problem: `${what} and the whole text differ: ${diff}` };
  const problems = frameProblems(d, lines * Math.max(1, d.names.length));
  if (d.nrow > lines) problems.push(`${d.nrow} rows from ${lines} lines`);
  if (problems.length > 0) return { ok: false, problem: `${what} frame: ${problems.join('; ')}` };
  return { ok: true, result: 'frame', nrow: d.nrow, ncol: d.names.length };
}

/** One case's result with its timing. */
export interface CaseReport {
  seed: number;
  outcome: Outcome;
  ms: number;
}

/**
 * Runs cases `first .. first + runs - 1` one after the other in this thread, timing each; a case
 * slower than `deadlineMs` is a failure (a hang or a blow-up on that input).
 */
export async function runCases(
  first: number,
  runs: number,
  deadlineMs: number,
  onCase?: (seed: number, phase: 'start' | 'end', report?: CaseReport) => void,
): Promise<CaseReport[]> {
  const reports: CaseReport[] = [];
  try {
    for (let k = 0; k < runs; k++) {
      const seed = first + k;
      onCase?.(seed, 'start');
      const c = makeCase(seed);
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = await runCase(c);
      } catch (e) {
        outcome = { ok: false, problem: `the harness failed: ${(e as Error).stack}` };
      }
      const ms = performance.now() - t0;
      if (outcome.ok && ms > deadlineMs) {
        outcome = { ok: false, problem: `took ${ms.toFixed(0)} ms (deadline ${deadlineMs} ms)` };
      }
      const report = { seed, outcome, ms };
      reports.push(report);
      onCase?.(seed, 'end', report);
    }
  } finally {
    cleanup();
  }
  return reports;
}

/** A one-line description of a case, for failure reports. */
export function describeCase(c: FuzzCase): string {
  const opts = c.csv
    ? JSON.stringify({
        ...c.csv.opts,
        codebook: c.csv.opts.codebook ? '<poll codebook>' : undefined,
        slice: c.csv.slice,
        chunkBytes: c.csv.chunkBytes,
      })
    : JSON.stringify(c.sav);
  return `${c.target} from ${c.from} (${c.bytes.length} bytes; ${c.mutations.join(', ') || 'unchanged'}) ${opts}`;
}
