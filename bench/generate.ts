/**
 * Seeded synthetic poll data for the benchmarks: n respondents in 13 strata, about n/200 PSUs,
 * a numeric and a 4-level categorical variable, 7 regions, sex, age group, a 0/1 item, a
 * multiple-response question of 12 options (0/1 columns, all missing for the 2% who did not
 * answer it) and an attitude battery of 10 items on a 5-answer scale (1% missing each): 31
 * columns. The rows are written sorted by stratum and PSU (as sample files often are) and in a
 * seeded random order (as files sorted by respondent id are, for the design).
 */
import { createWriteStream } from 'node:fs';
import { fromColumns } from '../src/data/frame.js';
import type { SurveyData } from '../src/data/types.js';

/** A small, fast, seeded generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BenchColumns {
  n: number;
  stratum: Int32Array;
  psu: Int32Array;
  weight: Float64Array;
  income: Float64Array;
  attitude: Int32Array;
  region: Int32Array;
  sex: Int32Array;
  agegroup: Int32Array;
  support: Float64Array;
  /** The multiple-response options opt1..opt12: 0/1, NaN for respondents who did not answer. */
  options: Float64Array[];
  /** The battery items q1..q10: codes into {@link ITEM_LEVELS}, −1 for a missing answer. */
  items: Int32Array[];
}

export const STRATA = 13;
/** Options of the multiple-response question. */
export const OPTIONS = 12;
export const REGIONS = [
  'Brest',
  'Vitebsk',
  'Gomel',
  'Grodno',
  'Minsk city',
  'Minsk region',
  'Mogilev',
];
export const ATTITUDES = ['Positive', 'Neutral', 'Negative', 'Hard to say'];
export const SEXES = ['Male', 'Female'];
export const AGEGROUPS = ['18-29', '30-44', '45-59', '60+'];
export const OPTION_NAMES = Array.from({ length: OPTIONS }, (_, k) => `opt${k + 1}`);
/** Items of the attitude battery. */
export const ITEMS = 10;
export const ITEM_NAMES = Array.from({ length: ITEMS }, (_, k) => `q${k + 1}`);
/** The battery's answers, as written in the file. */
export const ITEM_LEVELS = ['Agree', 'Rather agree', 'Neutral', 'Disagree', 'Hard to say'];
/** The battery's scale: each answer's code and group (as a questionnaire gives them). */
export const ITEM_SCALE = [
  { code: 1, group: 'positive' },
  { code: 2, group: 'positive' },
  { code: 3, group: 'neutral' },
  { code: 4, group: 'negative' },
  { code: 98, group: 'dk' },
] as const;

/** Raw typed columns (respondents sorted by stratum and PSU, as a sample file usually is). */
export function generateColumns(n: number, seed = 20211201): BenchColumns {
  const random = rng(seed);
  const nPsu = Math.max(Math.round(n / 200), STRATA * 2);
  const stratum = new Int32Array(n);
  const psu = new Int32Array(n);
  const weight = new Float64Array(n);
  const income = new Float64Array(n);
  const attitude = new Int32Array(n);
  const region = new Int32Array(n);
  const sex = new Int32Array(n);
  const agegroup = new Int32Array(n);
  const support = new Float64Array(n);
  const options = OPTION_NAMES.map(() => new Float64Array(n));
  const items = ITEM_NAMES.map(() => new Int32Array(n));
  for (let i = 0; i < n; i++) {
    const p = Math.floor((i * nPsu) / n);
    psu[i] = p;
    stratum[i] = Math.floor((p * STRATA) / nPsu);
    region[i] = stratum[i]! % 7;
    // Three decimals, as written to the CSV, so that every reader sees the same numbers.
    weight[i] = Math.round((500 + 1000 * random() + 50 * stratum[i]!) * 1000) / 1000;
    income[i] =
      random() < 0.03
        ? Number.NaN
        : Math.round(Math.exp(6 + 0.5 * random() + 0.02 * stratum[i]!) * 100) / 100;
    const u = random();
    attitude[i] = u < 0.55 ? 0 : u < 0.8 ? 1 : u < 0.93 ? 2 : 3;
    sex[i] = random() < 0.46 ? 0 : 1;
    agegroup[i] = Math.floor(random() * 4);
    support[i] = random() < 0.6 + 0.02 * region[i]! ? 1 : 0;
    const answered = random() >= 0.02;
    for (let k = 0; k < OPTIONS; k++) {
      options[k]![i] = answered ? (random() < 0.5 / (1 + 0.3 * k) ? 1 : 0) : Number.NaN;
    }
    for (let k = 0; k < ITEMS; k++) {
      const v = random();
      const tilt = 0.02 * k;
      items[k]![i] =
        v < 0.01 ? -1 : v < 0.3 + tilt ? 0 : v < 0.55 ? 1 : v < 0.75 ? 2 : v < 0.92 ? 3 : 4;
    }
  }
  return {
    n,
    stratum,
    psu,
    weight,
    income,
    attitude,
    region,
    sex,
    agegroup,
    support,
    options,
    items,
  };
}

/** A seeded random permutation of 0..n−1 (Fisher–Yates): the shuffled files' row order. */
export function shuffledOrder(n: number, seed = 20211202): Int32Array {
  const random = rng(seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** The same rows in another order: row i of the result is row `order[i]` of `c`. */
export function reorderColumns(c: BenchColumns, order: Int32Array): BenchColumns {
  const pick = <T extends Int32Array | Float64Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(order.length);
    for (let i = 0; i < order.length; i++) out[i] = a[order[i]!]!;
    return out;
  };
  return {
    n: c.n,
    stratum: pick(c.stratum),
    psu: pick(c.psu),
    weight: pick(c.weight),
    income: pick(c.income),
    attitude: pick(c.attitude),
    region: pick(c.region),
    sex: pick(c.sex),
    agegroup: pick(c.agegroup),
    support: pick(c.support),
    options: c.options.map(pick),
    items: c.items.map(pick),
  };
}

/** The columns as a SurveyData frame (levels in the order of the constants above). */
export function toFrame(c: BenchColumns): SurveyData {
  return fromColumns({
    stratum: Float64Array.from(c.stratum),
    psu: Float64Array.from(c.psu),
    weight: c.weight,
    income: c.income,
    support: c.support,
    attitude: { codes: c.attitude, levels: ATTITUDES },
    region: { codes: c.region, levels: REGIONS },
    sex: { codes: c.sex, levels: SEXES },
    agegroup: { codes: c.agegroup, levels: AGEGROUPS },
    ...Object.fromEntries(OPTION_NAMES.map((name, k) => [name, c.options[k]!])),
    ...Object.fromEntries(
      ITEM_NAMES.map((name, k) => [name, { codes: c.items[k]!, levels: ITEM_LEVELS }]),
    ),
  });
}

/** The same columns as a SurveyData frame. */
export function generateData(n: number, seed?: number): SurveyData {
  return toFrame(generateColumns(n, seed));
}

const HEADER = `stratum,psu,weight,income,support,attitude,region,sex,agegroup,${OPTION_NAMES.join(',')},${ITEM_NAMES.join(',')}\n`;

function csvLine(c: BenchColumns, i: number): string {
  const inc = Number.isNaN(c.income[i]!) ? '' : c.income[i]!.toFixed(2);
  let opts = '';
  for (let k = 0; k < OPTIONS; k++) {
    const v = c.options[k]![i]!;
    opts += Number.isNaN(v) ? ',' : v === 1 ? ',1' : ',0';
  }
  for (let k = 0; k < ITEMS; k++) {
    const code = c.items[k]![i]!;
    opts += code < 0 ? ',' : `,${ITEM_LEVELS[code]}`;
  }
  return `${c.stratum[i]},${c.psu[i]},${c.weight[i]!.toFixed(3)},${inc},${c.support[i]},${ATTITUDES[c.attitude[i]!]},${REGIONS[c.region[i]!]},${SEXES[c.sex[i]!]},${AGEGROUPS[c.agegroup[i]!]}${opts}\n`;
}

/** The columns as CSV text. */
export function toCsv(c: BenchColumns): string {
  const parts: string[] = [HEADER];
  for (let i = 0; i < c.n; i++) parts.push(csvLine(c, i));
  return parts.join('');
}

/** Writes the columns as a CSV file in chunks (no whole-file string). */
export async function writeCsv(c: BenchColumns, path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => out.write(s, (e) => (e ? reject(e) : resolve())));
  await write(HEADER);
  const chunk = 20_000;
  for (let start = 0; start < c.n; start += chunk) {
    const parts: string[] = [];
    for (let i = start; i < Math.min(c.n, start + chunk); i++) parts.push(csvLine(c, i));
    await write(parts.join(''));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error | null) => (e ? reject(e) : resolve())),
  );
}
