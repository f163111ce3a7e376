/**
 * Seeded synthetic poll data for the benchmarks: n respondents in 13 strata, about n/200 PSUs,
 * a numeric and a 4-level categorical variable, 7 regions, sex and age group.
 */
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
}

export const STRATA = 13;
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
  for (let i = 0; i < n; i++) {
    const p = Math.floor((i * nPsu) / n);
    psu[i] = p;
    stratum[i] = Math.floor((p * STRATA) / nPsu);
    region[i] = stratum[i]! % 7;
    weight[i] = 500 + 1000 * random() + 50 * stratum[i]!;
    income[i] = random() < 0.03 ? Number.NaN : Math.exp(6 + 0.5 * random() + 0.02 * stratum[i]!);
    const u = random();
    attitude[i] = u < 0.55 ? 0 : u < 0.8 ? 1 : u < 0.93 ? 2 : 3;
    sex[i] = random() < 0.46 ? 0 : 1;
    agegroup[i] = Math.floor(random() * 4);
    support[i] = random() < 0.6 + 0.02 * region[i]! ? 1 : 0;
  }
  return { n, stratum, psu, weight, income, attitude, region, sex, agegroup, support };
}

/** The same columns as a SurveyData frame. */
export function generateData(n: number, seed?: number): SurveyData {
  const c = generateColumns(n, seed);
  return fromColumns({
    stratum: Float64Array.from(c.stratum),
    psu: Float64Array.from(c.psu),
    weight: c.weight,
    income: c.income,
    support: c.support,
    attitude: { codes: c.attitude, levels: ATTITUDES },
    region: { codes: c.region, levels: REGIONS },
    sex: { codes: c.sex, levels: ['Male', 'Female'] },
    agegroup: { codes: c.agegroup, levels: ['18-29', '30-44', '45-59', '60+'] },
  });
}

/** The columns as CSV text. */
export function toCsv(c: BenchColumns): string {
  const parts: string[] = ['stratum,psu,weight,income,support,attitude,region,sex,agegroup\n'];
  for (let i = 0; i < c.n; i++) {
    const inc = Number.isNaN(c.income[i]!) ? '' : c.income[i]!.toFixed(2);
    parts.push(
      `${c.stratum[i]},${c.psu[i]},${c.weight[i]!.toFixed(3)},${inc},${c.support[i]},${ATTITUDES[c.attitude[i]!]},${REGIONS[c.region[i]!]},${c.sex[i] === 0 ? 'Male' : 'Female'},${c.agegroup[i]}\n`,
    );
  }
  return parts.join('');
}
