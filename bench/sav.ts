/**
 * `npx tsx bench/sav.ts [--rows 1000000] [--keep path.sav]`: writes a seeded synthetic poll of
 * 1,000,000 cases × 30 variables as a bytecode-compressed .sav with surveykit's own writer (numeric,
 * labelled categorical and Cyrillic string columns, missing values), then times readSav on it
 * (median of several runs, after a warm-up). Also times the same data uncompressed and as .zsav.
 * Target: under 2 s for the bytecode-compressed file.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromColumns } from '../src/data/frame.js';
import { parseSav, readSav } from '../src/data/sav/sav.js';
import { writeSav } from '../src/data/sav/writer.js';
import type { SurveyData } from '../src/data/types.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg('--rows') ?? 1_000_000);

/** mulberry32 */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 30 columns: 8 numeric, 17 labelled categorical (written as labelled numbers), 5 strings. */
export function syntheticPoll(n: number): { data: SurveyData; strings: string[] } {
  const random = rng(20240601);
  const numeric = (f: (i: number) => number): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => f(i));
  const categorical = (levels: string[], missing = 0.03) => ({
    codes: Int32Array.from({ length: n }, () =>
      random() < missing ? -1 : Math.floor(random() * levels.length),
    ),
    levels,
  });
  const likert = [
    'Полностью не согласен',
    'Скорее не согласен',
    'Затрудняюсь',
    'Скорее согласен',
    'Полностью согласен',
  ];
  const cities = Array.from(
    { length: 60 },
    (_, k) => `Город номер ${k + 1} (${['Центр', 'Север', 'Юг', 'Урал', 'Сибирь'][k % 5]})`,
  );
  const regions = [
    'Центральный',
    'Северо-Западный',
    'Южный',
    'Приволжский',
    'Уральский',
    'Сибирский',
    'Дальневосточный',
    'Северо-Кавказский',
  ];
  const parties = [
    'Единая Россия',
    'КПРФ',
    'ЛДПР',
    'Справедливая Россия',
    'Новые люди',
    'Другая',
    'Не пошёл бы',
  ];
  const answers = Array.from({ length: 1500 }, (_, k) => `ответ ${k}: ${'да'.repeat(k % 7)}`);
  const codes = Array.from({ length: 200 }, (_, k) => `Q${String(k).padStart(4, '0')}`);
  const columns: Record<string, Float64Array | { codes: Int32Array; levels: string[] }> = {
    id: numeric((i) => i + 1),
    weight: numeric(() => 0.3 + random() * 2.4),
    age: numeric(() => (random() < 0.01 ? Number.NaN : 18 + Math.floor(random() * 72))),
    income: numeric(() => (random() < 0.05 ? Number.NaN : Math.round(15000 + random() * 250000))),
    score1: numeric(() => random() * 100),
    score2: numeric(() => Math.round(random() * 1000) / 10),
    children: numeric(() => Math.floor(random() * 5)),
    interview_date: numeric((i) => 13_928_630_400 + (i % 30) * 86_400),
    sex: categorical(['Мужчина', 'Женщина'], 0.01),
    education: categorical(['Неполное среднее', 'Среднее', 'Среднее специальное', 'Высшее']),
  };
  for (let q = 1; q <= 12; q++) columns[`q${q}`] = categorical(likert);
  columns.trust = categorical(['Не доверяю', 'Скорее не доверяю', 'Скорее доверяю', 'Доверяю']);
  columns.vote = categorical(parties.concat(['Затрудняюсь']));
  columns.ses = categorical(Array.from({ length: 11 }, (_, k) => `Уровень ${k}`));
  columns.region = categorical(regions, 0);
  columns.city = categorical(cities, 0.02);
  columns.party = categorical(parties, 0.1);
  columns.answer = categorical(answers, 0.3);
  columns.code = categorical(codes, 0);
  const data = fromColumns(columns as never);
  return { data, strings: ['region', 'city', 'party', 'answer', 'code'] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'surveykit-sav-bench-'));
  try {
    let t = performance.now();
    const { data, strings } = syntheticPoll(N);
    console.log(
      `generated ${N.toLocaleString('en-US')} × ${data.names.length} in ${(performance.now() - t).toFixed(0)} ms`,
    );
    for (const compression of ['bytecode', 'none', 'zlib'] as const) {
      t = performance.now();
      const bytes = writeSav(data, {
        compression,
        strings,
        weight: 'weight',
        created: new Date(0),
      });
      const path = join(tmp, `poll-${compression}.${compression === 'zlib' ? 'zsav' : 'sav'}`);
      writeFileSync(path, bytes);
      const writeMs = performance.now() - t;
      const keep = arg('--keep');
      if (keep && compression === 'bytecode') writeFileSync(keep, bytes);
      const runs: number[] = [];
      let d = await readSav(path); // warm-up
      for (let k = 0; k < 5; k++) {
        t = performance.now();
        d = await readSav(path);
        runs.push(performance.now() - t);
      }
      const inMemory: number[] = [];
      const buf = readFileSync(path);
      for (let k = 0; k < 3; k++) {
        t = performance.now();
        parseSav(buf);
        inMemory.push(performance.now() - t);
      }
      if (d.nrow !== N) throw new Error(`read ${d.nrow} cases, expected ${N}`);
      console.log(
        `${compression.padEnd(8)} ${(statSync(path).size / 1e6).toFixed(1).padStart(6)} MB  ` +
          `write ${writeMs.toFixed(0).padStart(5)} ms  readSav ${median(runs).toFixed(0).padStart(5)} ms ` +
          `(runs ${runs.map((x) => x.toFixed(0)).join(', ')}; from bytes ${median(inMemory).toFixed(0)} ms)` +
          (compression === 'bytecode'
            ? `  target < 2000 ms: ${median(runs) < 2000 ? 'met' : 'MISSED'}`
            : ''),
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('sav.ts')) await main();
