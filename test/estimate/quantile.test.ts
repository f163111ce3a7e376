import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { EstimationError } from '../../src/errors.js';
import {
  type QuantileInterval,
  type QuantileRule,
  svyQuantile,
} from '../../src/estimate/quantile.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceData, loadReferenceJson } from '../helpers/reference.js';

interface QuantileCase {
  id: string;
  design: string;
  subset: Condition[] | null;
  variable: string;
  qrule: QuantileRule;
  intervalType: QuantileInterval;
  level: number;
  df: number | 'Inf';
  /** quantile-extra.json: the df passed to R (null: R's default). */
  dfArg?: number | null;
  n: number;
  nMissing: number;
  probs: number[];
  quantile: number[];
  ci: [number | null, number | null][];
  se: (number | null)[];
  /**
   * Rules math/school/hf1–hf3, where survey ≥ 4.4's fixed rule changes R 4.1.1's answer: the
   * answer under the fixed rule (computed in R with with_fixed_qrules, common.R), which surveykit
   * follows; absent or null when nothing changes.
   */
  fixed?: {
    quantile: number[];
    ci: [number | null, number | null][];
    se: (number | null)[];
  } | null;
}
interface QuantileFile {
  designs: Record<string, ReferenceDesign>;
  cases: QuantileCase[];
}

function check(c: QuantileCase, designs: Record<string, ReferenceDesign>): void {
  const full = buildReferenceDesign(designs[c.design]!);
  checkOn(c, c.subset ? subset(full, conditionMask(full.data, c.subset)) : full);
}

function checkOn(c: QuantileCase, design: SurveyDesign): void {
  const df = c.df === 'Inf' ? Number.POSITIVE_INFINITY : (c.dfArg ?? undefined);
  const rows = svyQuantile(design, c.variable, c.probs, {
    qrule: c.qrule,
    interval: c.intervalType,
    level: c.level,
    ...(df === undefined ? {} : { df }),
  });
  expect(rows).toHaveLength(c.probs.length);
  const r = c.fixed ?? c;
  rows.forEach((row, j) => {
    const what = `${c.id} p=${c.probs[j]}`;
    expect(row.prob).toBe(c.probs[j]);
    expect(row.statistic).toBe('quantile');
    expectClose(row.estimate, r.quantile[j]!, 1e-8, `${what} quantile`);
    expectClose(row.ci[0], r.ci[j]![0] ?? Number.NaN, 1e-8, `${what} lower`);
    expectClose(row.ci[1], r.ci[j]![1] ?? Number.NaN, 1e-8, `${what} upper`);
    expectClose(row.se, r.se[j] ?? Number.NaN, 1e-8, `${what} se`);
    expect(row.n).toBe(c.n);
    expect(row.nMissing).toBe(c.nMissing);
  });
}

const ref = loadReferenceJson<QuantileFile>('quantile.json');
describe('svyQuantile matches R svyquantile (quantile.json: survey 4.1.1, its fixed rules as survey ≥ 4.4)', () => {
  for (const c of ref.cases) it(c.id, () => check(c, ref.designs));
});

const extra = loadReferenceJson<
  QuantileFile & {
    published: PublishedCase;
    errors: Omit<QuantileCase, 'id'>[];
    zeroWeights: QuantileCase[];
  }
>('quantile-extra.json');
describe('svyQuantile: ties, levels, extreme probabilities (quantile-extra.json)', () => {
  for (const c of extra.cases) it(c.id, () => check(c, extra.designs));
});

describe('score intervals where R stops (uniroot: no sign change) give NaN limits', () => {
  extra.errors.forEach((c, k) => {
    it(`${k}: ${c.design} ${c.variable} ${c.qrule} ${c.intervalType} level ${c.level}`, () => {
      const design = buildReferenceDesign(extra.designs[c.design]!);
      const rows = svyQuantile(design, c.variable, c.probs, {
        qrule: c.qrule,
        interval: c.intervalType,
        level: c.level,
      });
      const nan = rows.filter((r) => Number.isNaN(r.ci[0]) || Number.isNaN(r.ci[1]));
      expect(nan.length).toBeGreaterThan(0);
      for (const r of nan) expect(r.se).toBeNaN();
    });
  });
});

/** apiclus1 with pw0 = pw but 0 on every 10th row, as quantile-extra.R builds it. */
function zeroWeightDesign(): SurveyDesign {
  const raw = loadReferenceData('apiclus1.csv');
  const columns: Record<string, Float64Array | { codes: Int32Array; levels: readonly string[] }> =
    {};
  for (const name of raw.names) {
    const cc = raw.columns[name]!;
    columns[name] = cc.kind === 'numeric' ? cc.values : { codes: cc.codes, levels: cc.levels };
  }
  const pw = (raw.columns.pw as { values: Float64Array }).values;
  columns.pw0 = pw.map((w, i) => ((i + 1) % 10 === 0 ? 0 : w));
  return svyDesign(fromColumns(columns, { source: 'apiclus1.csv' }), {
    ids: 'dnum',
    weights: 'pw0',
    fpc: 'fpc',
    allowZeroWeights: true,
  });
}

describe('svyQuantile with zero weights (quantile-extra.json zeroWeights)', () => {
  const design = zeroWeightDesign();
  for (const c of extra.zeroWeights) it(c.id, () => checkOn(c, design));
});

interface PublishedCase {
  quantile: number[];
  ci: [number, number][];
  fixed: { quantile: number[]; ci: [number, number][] } | null;
}

describe('published check: quartiles of api00 on dclus1', () => {
  it('552, 652, 719 with CIs [492, 627], [561, 714], [696, 777] (survey vignette)', () => {
    const design = svyDesign(loadReferenceData('apiclus1.csv'), {
      ids: 'dnum',
      weights: 'pw',
      fpc: 'fpc',
    });
    const rows = svyQuantile(design, 'api00', [0.25, 0.5, 0.75]);
    expect(rows.map((r) => r.estimate)).toEqual([552, 652, 719]);
    expect(rows.map((r) => r.ci)).toEqual([
      [492, 627],
      [561, 714],
      [696, 777],
    ]);
    expect(extra.published.fixed).toBeNull(); // the fix changes none of these
    expect(rows.map((r) => r.estimate)).toEqual(extra.published.quantile);
    expect(rows.map((r) => r.ci)).toEqual(extra.published.ci);
  });
});

describe('svyQuantile behaviour', () => {
  const data = fromColumns({
    y: [5, 1, 4, 2, 3, Number.NaN, 8, 7],
    g: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'],
    psu: [1, 1, 2, 2, 3, 3, 4, 4],
  });
  const design = svyDesign(data, { ids: 'psu' });

  it('one row per probability, missing values counted', () => {
    const rows = svyQuantile(design, 'y', [0, 0.5, 1]);
    expect(rows.map((r) => r.prob)).toEqual([0, 0.5, 1]);
    // qrule "math" at p = 0: the smallest value (survey ≥ 4.4; 4.1.1's qs() quirk gave 2).
    expect(rows.map((r) => r.estimate)).toEqual([1, 4, 8]);
    expect(rows.every((r) => r.n === 7 && r.nMissing === 1)).toBe(true);
    expect(svyQuantile(design, 'y', [])).toEqual([]);
  });

  it('p below the first weight share: the smallest value, as survey ≥ 4.4 fixed it', () => {
    // x = 1..10, equal weights: each value has a weight share of 0.1. R's qs() finds the last
    // position whose cumulative share is ≤ p, or the first position when there is none (p < 0.1),
    // and wlow = p − (that share): negative then. survey 4.1.1 took the smallest value only for
    // wlow == 0, so p = 0.01 and 0.05 gave 2 while p = 0.1 gave 1; survey ≥ 4.4 tests wlow ≤ 0.
    const ten = svyDesign(fromColumns({ x: [3, 1, 4, 10, 5, 9, 2, 6, 8, 7] }));
    const at = (qrule: QuantileRule, p: number) =>
      svyQuantile(ten, 'x', [p], { qrule })[0]!.estimate;
    for (const qrule of ['math', 'hf1'] as const) {
      expect([0, 0.01, 0.05, 0.1, 0.15, 0.2].map((p) => at(qrule, p))).toEqual([1, 1, 1, 1, 2, 2]);
    }
    // 'school': at or below a position's share, the mean of it and the next value: (1 + 2) / 2
    // for every p ≤ 0.1 (4.1.1: 2 below 0.1), then 2 up to 0.2, where it is (2 + 3) / 2.
    for (const qrule of ['school', 'hf2'] as const) {
      expect([0.01, 0.05, 0.1, 0.15, 0.2].map((p) => at(qrule, p))).toEqual([
        1.5, 1.5, 1.5, 2, 2.5,
      ]);
    }
    // 'hf3' takes the position only when it is even (1-based): the first position is odd, so
    // below 0.1 it stays the second value in both versions; at p = 0.2 (position 2) the value 2.
    expect([0.01, 0.1, 0.2].map((p) => at('hf3', p))).toEqual([2, 2, 2]);
    // Unequal weights: the first value's share is 0.4 here, so every p < 0.4 gives it.
    const w = svyDesign(fromColumns({ x: [1, 2, 3], w: [4, 3, 3] }), { weights: 'w' });
    expect(svyQuantile(w, 'x', [0.05, 0.39, 0.4, 0.41]).map((r) => r.estimate)).toEqual([
      1, 1, 1, 2,
    ]);
  });

  it('typed errors', () => {
    expect(catchError(() => svyQuantile(design, 'g', [0.5])).code).toBe('NOT_NUMERIC');
    expect(catchError(() => svyQuantile(design, 'y', [1.5])).code).toBe('BAD_OPTION');
    expect(catchError(() => svyQuantile(design, 'y', [Number.NaN])).code).toBe('BAD_OPTION');
    expect(
      catchError(() => svyQuantile(design, 'y', [0.5], { qrule: 'hf10' as QuantileRule })).code,
    ).toBe('BAD_OPTION');
    expect(
      catchError(() =>
        svyQuantile(design, 'y', [0.5], { interval: 'quantile' as QuantileInterval }),
      ).code,
    ).toBe('BAD_OPTION');
    expect(catchError(() => svyQuantile(design, 'nope', [0.5])).code).toBe('UNKNOWN_VARIABLE');
    expect(
      catchError(() =>
        svyQuantile(
          subset(design, () => false),
          'y',
          [0.5],
        ),
      ).code,
    ).toBe('EMPTY_DOMAIN');
  });

  it('handles 200,000 respondents and five quantiles (speed: npm run bench)', () => {
    const n = 200_000;
    const y = new Float64Array(n);
    const psu = new Float64Array(n);
    const w = new Float64Array(n);
    let seed = 1;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < n; i++) {
      y[i] = Math.floor(rand() * 1000);
      psu[i] = Math.floor(i / 100);
      w[i] = 1 + rand();
    }
    const big = svyDesign(fromColumns({ y, psu, w }), { ids: 'psu', weights: 'w' });
    const rows = svyQuantile(big, 'y', [0.1, 0.25, 0.5, 0.75, 0.9]);
    expect(rows).toHaveLength(5);
    expect(rows[2]!.estimate).toBeGreaterThan(450);
    expect(rows[2]!.estimate).toBeLessThan(550);
  });
});

function catchError(f: () => unknown): EstimationError {
  try {
    f();
  } catch (e) {
    if (e instanceof EstimationError) return e;
    throw e;
  }
  throw new Error('expected an EstimationError');
}
