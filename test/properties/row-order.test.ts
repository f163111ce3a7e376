/**
 * Every estimator gives the same numbers whatever the row order of the file: a poll read from CSV
 * text (text strata and PSU ids, text categories, empty cells), once sorted by stratum and PSU
 * and once in a random order of the same rows (as exports sorted by respondent id are), agrees to
 * 1e-12 relative on every number of every result (weights compared row by row), on the design
 * itself, a domain of it, its replicate version and its weighted versions.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv/csv.js';
import type { SurveyData } from '../../src/data/types.js';
import { svyDesign } from '../../src/design/build.js';
import { degreesOfFreedom } from '../../src/design/df.js';
import { asRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import type { Margin } from '../../src/design/weighting-history.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyCiProp } from '../../src/estimate/ciprop.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyQuantile } from '../../src/estimate/quantile.js';
import { svyRatio } from '../../src/estimate/ratio.js';
import { svyChisq, svyTable } from '../../src/estimate/table.js';
import { svyTtest } from '../../src/estimate/ttest.js';
import { svyVar } from '../../src/estimate/var.js';
import { svyBattery } from '../../src/poll/battery.js';
import { svyMultipleResponse } from '../../src/poll/multiple-response.js';
import type { Answer, Battery } from '../../src/poll/questionnaire.js';
import { svySubgroups } from '../../src/poll/subgroups.js';
import { svyTabs } from '../../src/tabs/tabs.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';

const TOLERANCE = 1e-12;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const STRATA = ['Brest', 'Hrodna', 'Homel', 'Mahiliou', 'Minsk', 'Viciebsk'];
const REGIONS = ['East', 'Centre', 'North', 'South', 'West', 'Capital', 'Border'];
const ATTITUDES = ['Positive', 'Neutral', 'Negative', 'Hard to say'];
const SCALE = ['Good', 'So so', 'Bad', 'Hard to say', 'Refused'];

/** The poll as CSV lines (header first), sorted by stratum and PSU. */
function pollLines(): string[] {
  const r = rng(2024);
  const lines = ['id,stratum,psu,w,income,support,attitude,region,sex,agegroup,q1,q2,q3,o1,o2,o3'];
  const pick = (xs: readonly string[], missing: number) =>
    r() < missing ? '' : xs[Math.floor(r() * xs.length)]!;
  let id = 0;
  STRATA.forEach((stratum, h) => {
    // stratum 0 has one PSU (lonely: 'adjust'); the others 5 to 9 PSUs of 8 to 40 respondents
    const psus = h === 0 ? 1 : 5 + Math.floor(r() * 5);
    for (let k = 0; k < psus; k++) {
      const size = 8 + Math.floor(r() * 33);
      for (let j = 0; j < size; j++) {
        const income = r() < 0.05 ? '' : String(Math.round(200 + 3000 * r() ** 2));
        const support = r() < 0.04 ? '' : r() < 0.3 + 0.05 * h ? '1' : '0';
        const cells = [
          String(id++),
          stratum,
          `P${h}-${String.fromCharCode(97 + k)}`,
          (0.5 + 2.5 * r()).toFixed(4),
          income,
          support,
          pick(ATTITUDES, 0.03),
          pick(REGIONS, 0.02),
          pick(['f', 'm'], 0),
          pick(['18-34', '35-54', '55+'], 0),
          pick(SCALE.slice(0, 4), 0.04),
          pick(SCALE.slice(0, 4), 0),
          pick(SCALE, 0.02),
          ...[0.4, 0.25, 0.1].map((p) => (r() < 0.03 ? '' : r() < p ? '1' : '0')),
        ];
        lines.push(cells.join(','));
      }
    }
  });
  return lines;
}

const lines = pollLines();
const n = lines.length - 1;
/** A seeded random order of the respondents. */
const order = (() => {
  const r = rng(7);
  const o = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [o[i], o[j]] = [o[j]!, o[i]!];
  }
  return o;
})();
const sortedData = parseCsv(`${lines.join('\n')}\n`);
const shuffledData = parseCsv(`${[lines[0], ...order.map((i) => lines[i + 1]!)].join('\n')}\n`);

const spec = { ids: 'psu', strata: 'stratum', weights: 'w', lonelyPsu: 'adjust' } as const;
const answersOf = (labels: readonly string[]): Answer[] =>
  labels.map((label, k) => ({
    code: k + 1,
    label: { en: label },
    group: (['positive', 'neutral', 'negative', 'dk', 'missing'] as const)[k]!,
  }));
const BATTERY: Battery = {
  id: 'q',
  question: { en: 'How is it?' },
  scale: answersOf(SCALE),
  items: ['q1', 'q2', 'q3'].map((v) => ({ variable: v, key: v, label: { en: v } })),
};
const MULTIPLE = {
  id: 'o',
  question: { en: 'Which?' },
  options: ['o1', 'o2', 'o3'].map((v) => ({ variable: v, key: v, label: { en: v } })),
};
const MARGINS: Margin[] = [
  { variable: 'sex', population: { f: 5400, m: 4600 } },
  { variable: 'agegroup', population: { '18-34': 3000, '35-54': 3500, '55+': 3500 } },
];

/** Every estimator on one design: named results (plain data, compared number by number). */
function results(d: SurveyDesign): Record<string, unknown> {
  const attitude = answersOf(ATTITUDES);
  const shares = svyMean(d, 'attitude');
  return {
    df: degreesOfFreedom(d),
    meanIncome: svyMean(d, 'income'),
    meanAttitude: shares,
    totalIncome: svyTotal(d, 'income'),
    totalAttitude: svyTotal(d, 'attitude'),
    contrast: svyContrast(shares, { Positive: 1, Negative: -1 }),
    byMean: svyBy(d, 'region', (g) => svyMean(g, 'income')),
    byShares: svyBy(d, ['region', 'sex'], (g) => svyMean(g, 'attitude')),
    byTotal: svyBy(d, 'agegroup', (g) => svyTotal(g, 'support')),
    chisq: svyChisq(d, 'region', 'attitude'),
    table: svyTable(d, ['region', 'attitude']),
    ciLogit: svyCiProp(d, 'support', { method: 'logit' }),
    ciBeta: svyCiProp(d, 'support', { method: 'beta' }),
    ciLikelihood: svyCiProp(d, 'support', { method: 'likelihood' }),
    ciLevel: svyCiProp(d, 'attitude', { success: 'Neutral', method: 'logit' }),
    quantiles: svyQuantile(d, 'income', [0.1, 0.5, 0.9]),
    ratio: svyRatio(d, 'income', 'support'),
    variance: svyVar(d, 'income'),
    ttest: svyTtest(d, 'income', 'sex'),
    multiple: svyMultipleResponse(d, MULTIPLE),
    subgroups: svySubgroups(d, { variable: 'attitude', answers: attitude }, ['region', 'sex']),
    battery: svyBattery(d, BATTERY),
    tabs: svyTabs(d, {
      rows: [
        'attitude',
        'q3',
        'income',
        { net: 'Good (net)', variable: 'q1', levels: ['Good', 'So so'] },
        { multipleResponse: MULTIPLE },
      ],
      banner: ['sex', 'region'],
      level: [0.95, 0.9],
    }),
  };
}

/**
 * Where two results differ beyond the tolerance (paths of the numbers). A difference of two
 * cells of a banner table (and its t) is compared relative to the cells it is the difference
 * of: two means of about 1,000 differing by 0.6 keep 1e-12 of the means, not of the 0.6.
 */
function differences(a: unknown, b: unknown): string[] {
  return compare(a, b, '', [], 0, 0);
}

/** {@link differences}, a number compared to within 1e-12 of the larger of it and `floor`. */
function compare(
  a: unknown,
  b: unknown,
  path: string,
  out: string[],
  scale: number,
  floor: number,
): string[] {
  if (out.length > 20) return out;
  if (typeof a === 'number' && typeof b === 'number') {
    const same =
      Object.is(a, b) ||
      (Number.isNaN(a) && Number.isNaN(b)) ||
      Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b), floor);
    if (!same) out.push(`${path}: ${a} vs ${b}`);
    return out;
  }
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    return compare(Array.from(a as Float64Array), Array.from(b as Float64Array), path, out, 0, 0);
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    if (a !== b) out.push(`${path}: ${String(a)} vs ${String(b)}`);
    return out;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join() !== kb.join()) out.push(`${path}: keys ${ka.join()} vs ${kb.join()}`);
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  // a row of a banner table: its tests are differences of its cells
  const cells = x.cells;
  const inner = Array.isArray(cells)
    ? 2 * Math.max(...cells.map((c: { estimate: number }) => Math.abs(c.estimate)))
    : scale;
  for (const k of ka) {
    const at =
      k === 'difference' ? inner : k === 't' && typeof x.se === 'number' ? inner / x.se : 0;
    compare(x[k], y[k], `${path}.${k}`, out, inner, at);
  }
  return out;
}

/** Per respondent (in the sorted file's order) a weight of a design of the shuffled file. */
const unshuffle = (w: Float64Array) => {
  const out = new Float64Array(n);
  order.forEach((i, k) => {
    out[i] = w[k]!;
  });
  return out;
};

function both(make: (data: SurveyData) => SurveyDesign): [SurveyDesign, SurveyDesign] {
  return [make(sortedData), make(shuffledData)];
}

describe('results do not depend on the row order of the file', () => {
  it('the two files hold the same respondents, with text PSUs, categories and missing cells', () => {
    expect(sortedData.nrow).toBe(n);
    expect(n).toBeGreaterThan(700);
    expect(shuffledData.columns.psu!.kind).toBe('categorical');
    // the shuffled file's first rows are not in PSU order
    const psu = shuffledData.columns.psu!;
    const codes = psu.kind === 'categorical' ? psu.codes : new Int32Array(0);
    let runs = 1;
    for (let i = 1; i < 100; i++) if (codes[i] !== codes[i - 1]) runs++;
    expect(runs).toBeGreaterThan(80);
    const income = shuffledData.columns.income!;
    expect(income.kind === 'numeric' && income.values.some(Number.isNaN)).toBe(true);
  });

  const cases: Array<[string, (data: SurveyData) => SurveyDesign]> = [
    ['a stratified cluster design (a lonely PSU)', (x) => svyDesign(x, spec)],
    [
      'a domain of it',
      (x) => subset(svyDesign(x, spec), (row) => row.agegroup !== '18-34' && row.region !== null),
    ],
    ['its jackknife replicates', (x) => asRepDesign(svyDesign(x, spec))],
    ['raked to sex and age group', (x) => rake(svyDesign(x, spec), MARGINS, { epsilon: 1e-12 })],
    [
      'calibrated (linear) to the same margins',
      (x) => calibrate(svyDesign(x, spec), { margins: MARGINS, calfun: 'linear' }),
    ],
    [
      'post-stratified by sex',
      (x) =>
        postStratify(svyDesign(x, spec), {
          variables: ['sex'],
          population: [
            { sex: 'f', count: 5400 },
            { sex: 'm', count: 4600 },
          ],
        }),
    ],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const [sorted, shuffled] = both(make);
      const diff = differences(results(sorted), results(shuffled));
      expect(diff, diff.join('\n')).toEqual([]);
      const weights = differences(
        Array.from(sorted.weights),
        Array.from(unshuffle(shuffled.weights)),
      );
      expect(weights, weights.join('\n')).toEqual([]);
    });
  }
});
