/**
 * The tab book of the banner-table benchmark: the seeded bench poll (bench/generate.ts: 13
 * strata, about n/200 PSUs, sex, age group, region, attitude, income, a 12-option
 * multiple-response question) plus 26 five-level questions q1..q26 (3% no answer), a settlement
 * type (3 levels) and an education level (4): 30 questions (q1..q26, attitude, a net of
 * attitude, income, the multiple-response question) by a banner of 20 columns (sex 2, age group
 * 4, region 7, settlement 3, education 4).
 */
import { fromColumns } from '../src/data/frame.js';
import type { SurveyData } from '../src/data/types.js';
import type { TabsSpec } from '../src/tabs/types.js';
import {
  AGEGROUPS,
  ATTITUDES,
  type BenchColumns,
  generateColumns,
  OPTION_NAMES,
  REGIONS,
  rng,
  SEXES,
} from './generate.js';

export const QUESTIONS = 26;
export const SCALE = [
  'Fully agree',
  'Rather agree',
  'Neither',
  'Rather disagree',
  'Fully disagree',
];
export const SETTLEMENTS = ['City', 'Town', 'Village'];
export const EDUCATION = ['Basic', 'Secondary', 'Vocational', 'Higher'];
export const BANNER = ['sex', 'agegroup', 'region', 'settlement', 'education'];

/** The bench poll's columns with the tab book's extra columns. */
export interface TabsColumns extends BenchColumns {
  questions: Int32Array[];
  settlement: Int32Array;
  education: Int32Array;
}

/** Seeded columns for n respondents. */
export function tabsColumns(n: number, seed = 20211202): TabsColumns {
  const base = generateColumns(n);
  const random = rng(seed);
  const settlement = new Int32Array(n);
  const education = new Int32Array(n);
  const questions = Array.from({ length: QUESTIONS }, () => new Int32Array(n));
  for (let i = 0; i < n; i++) {
    settlement[i] = base.region[i] === 4 ? 0 : random() < 0.5 ? 1 : 2;
    education[i] = Math.floor(random() * 4);
    for (let q = 0; q < QUESTIONS; q++) {
      // answers lean with age group and sex, so that some columns differ
      const u = random() + 0.04 * base.agegroup[i]! - 0.03 * base.sex[i]!;
      questions[q]![i] =
        random() < 0.03 ? -1 : u < 0.2 ? 0 : u < 0.45 ? 1 : u < 0.65 ? 2 : u < 0.85 ? 3 : 4;
    }
  }
  return { ...base, questions, settlement, education };
}

/** The columns as a frame. */
export function tabsFrame(c: TabsColumns): SurveyData {
  return fromColumns({
    stratum: Float64Array.from(c.stratum),
    psu: Float64Array.from(c.psu),
    weight: c.weight,
    income: c.income,
    attitude: { codes: c.attitude, levels: ATTITUDES },
    region: { codes: c.region, levels: REGIONS },
    sex: { codes: c.sex, levels: SEXES },
    agegroup: { codes: c.agegroup, levels: AGEGROUPS },
    settlement: { codes: c.settlement, levels: SETTLEMENTS },
    education: { codes: c.education, levels: EDUCATION },
    ...Object.fromEntries(OPTION_NAMES.map((name, k) => [name, c.options[k]!])),
    ...Object.fromEntries(c.questions.map((codes, q) => [`q${q + 1}`, { codes, levels: SCALE }])),
  });
}

/** The tab book's spec. */
export function tabsSpec(): TabsSpec {
  return {
    rows: [
      ...Array.from({ length: QUESTIONS }, (_, q) => `q${q + 1}`),
      'attitude',
      { net: 'Positive or neutral', variable: 'attitude', levels: ['Positive', 'Neutral'] },
      'income',
      {
        multipleResponse: {
          id: 'partners',
          question: { en: 'Which partners?' },
          options: OPTION_NAMES.map((v) => ({ variable: v, key: v, label: { en: v } })),
        },
      },
    ],
    banner: BANNER,
    level: [0.95, 0.9],
  };
}

/** CSV text of the columns (for R). */
export function tabsCsv(c: TabsColumns): string {
  const header = [
    'stratum',
    'psu',
    'weight',
    'income',
    'attitude',
    'region',
    'sex',
    'agegroup',
    'settlement',
    'education',
    ...OPTION_NAMES,
    ...c.questions.map((_, q) => `q${q + 1}`),
  ];
  const lines = [header.join(',')];
  const cat = (levels: readonly string[], code: number) => (code < 0 ? '' : levels[code]!);
  for (let i = 0; i < c.n; i++) {
    const cells = [
      c.stratum[i],
      c.psu[i],
      c.weight[i]!.toFixed(3),
      Number.isNaN(c.income[i]!) ? '' : c.income[i]!.toFixed(2),
      ATTITUDES[c.attitude[i]!],
      REGIONS[c.region[i]!],
      SEXES[c.sex[i]!],
      AGEGROUPS[c.agegroup[i]!],
      SETTLEMENTS[c.settlement[i]!],
      EDUCATION[c.education[i]!],
      ...c.options.map((o) => (Number.isNaN(o[i]!) ? '' : String(o[i]))),
      ...c.questions.map((q) => cat(SCALE, q[i]!)),
    ];
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}
