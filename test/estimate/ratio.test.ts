import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { degreesOfFreedom } from '../../src/design/df.js';
import { asRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyMean } from '../../src/estimate/mean.js';
import { svyRatio } from '../../src/estimate/ratio.js';
import { rake } from '../../src/weighting/rake.js';
import {
  caseDesign,
  type EstimatorCase,
  estimationError,
  estimatorsRef,
} from '../helpers/estimators.js';
import { expectClose } from '../helpers/reference.js';

interface RatioCase extends EstimatorCase {
  numerator: string;
  denominator: string;
  n: number;
  nMissing: number;
  estimate: number;
  se: number;
  degf: number;
  ci95: [number, number];
  ci90_df: [number, number];
}

/** svyby(..., svyratio, covmat = TRUE) tables recorded with the svycontrast cases. */
interface ByStat extends EstimatorCase {
  kind: 'by' | 'mean';
  variables: string[];
  by: string | null;
  statistic: 'mean' | 'ratio';
  denominator: string | null;
  labels: string[];
  coef: number[];
  vcov: number[][];
}

describe('svyRatio against R svyratio (estimators.json)', () => {
  for (const c of estimatorsRef.ratio as RatioCase[]) {
    it(`${c.id}: ${c.call}`, () => {
      const d = caseDesign(c);
      const r = svyRatio(d, c.numerator, c.denominator);
      expect(r.variable).toBe(`${c.numerator}/${c.denominator}`);
      expect(r.statistic).toBe('ratio');
      expect([r.n, r.nMissing]).toEqual([c.n, c.nMissing]);
      expectClose(r.estimate, c.estimate, 1e-10, 'estimate');
      expectClose(r.se, c.se, 1e-8, 'se');
      expectClose(r.ci[0], c.ci95[0], 1e-8, 'ci95 lower');
      expectClose(r.ci[1], c.ci95[1], 1e-8, 'ci95 upper');
      expect(degreesOfFreedom(d)).toBe(c.degf);
      const r90 = svyRatio(d, c.numerator, c.denominator, { level: 0.9, df: 'design' });
      expectClose(r90.ci[0], c.ci90_df[0], 1e-8, 'ci90 lower');
      expectClose(r90.ci[1], c.ci90_df[1], 1e-8, 'ci90 upper');
    });
  }
});

describe('svyBy of svyRatio: the covariance of the groups’ ratios as R svyby(covmat = TRUE)', () => {
  const stats = (estimatorsRef.nlcon as ByStat[]).filter(
    (c) => c.kind === 'by' && c.statistic === 'ratio',
  );
  const seen = new Set<string>();
  for (const c of stats) {
    const key = `${c.design}/${c.by}`;
    if (seen.has(key)) continue;
    seen.add(key);
    it(`${key}: ${c.call}`, () => {
      const table = svyBy(caseDesign(c), c.by!, (g) =>
        svyRatio(g, c.variables[0]!, c.denominator!),
      );
      expect(table.labels).toEqual(c.labels);
      const k = c.labels.length;
      for (let a = 0; a < k; a++) {
        expectClose(table[a]!.estimate, c.coef[a]!, 1e-10, `estimate ${a}`);
        for (let b = 0; b < k; b++) {
          expectClose(table.covariance[a * k + b]!, c.vcov[a]![b]!, 1e-8, `vcov ${a},${b}`);
        }
      }
    });
  }
});

describe('svyRatio', () => {
  const data = fromColumns({
    y: [4, 7, 1, 9, 3, 8, 2, 6, null, 5],
    x: [2, 3, 1, 4, 2, 5, 1, 3, 2, null],
    g: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'],
    psu: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
    w: [1, 2, 1, 2, 1, 2, 1, 2, 1, 2],
  });
  const d = svyDesign(data, { ids: 'psu', weights: 'w' });

  it('with a denominator of 1 is the mean, with its standard error', () => {
    const ones = fromColumns({
      y: [4, 7, 1, 9, 3, 8],
      one: [1, 1, 1, 1, 1, 1],
      psu: [1, 1, 2, 2, 3, 3],
    });
    const dd = svyDesign(ones, { ids: 'psu' });
    const r = svyRatio(dd, 'y', 'one');
    const [m] = svyMean(dd, 'y');
    expectClose(r.estimate, m!.estimate, 1e-14, 'estimate');
    expectClose(r.se, m!.se, 1e-12, 'se');
  });

  it('leaves out respondents missing either variable, and counts them', () => {
    const r = svyRatio(d, 'y', 'x');
    expect([r.n, r.nMissing]).toEqual([8, 2]);
    // Σ w y / Σ w x over the 8 complete rows
    expectClose(r.estimate, (4 + 14 + 1 + 18 + 3 + 16 + 2 + 12) / (2 + 6 + 1 + 8 + 2 + 10 + 1 + 6));
    const err = estimationError(() => svyRatio(d, 'y', 'x', { na: 'fail' }));
    expect(err.code).toBe('MISSING_VALUES');
    expect(err.details).toMatchObject({ variable: 'y', row: 9, count: 2 });
  });

  it('registers its influence: svyContrast between groups uses their covariance', () => {
    const table = svyBy(d, 'g', (gd) => svyRatio(gd, 'y', 'x'));
    const diff = svyContrast(table, { a: 1, b: -1 });
    const k = table.covariance;
    expectClose(diff.se, Math.sqrt(k[0]! + k[3]! - 2 * k[1]!), 1e-12, 'se');
    // both groups share PSUs, so the covariance is not 0
    expect(Math.abs(k[1]!)).toBeGreaterThan(0);
    // the same ratios on subset domains combine the same way
    const a = svyRatio(
      subset(d, (r) => r.g === 'a'),
      'y',
      'x',
    );
    const b = svyRatio(
      subset(d, (r) => r.g === 'b'),
      'y',
      'x',
    );
    expectClose(svyContrast([a, b], [1, -1]).se, diff.se, 1e-12, 'se from domains');
  });

  it('works on replicate designs and after raking', () => {
    const jk = asRepDesign(d, { type: 'JK1' });
    const r = svyRatio(jk, 'y', 'x');
    expectClose(r.estimate, svyRatio(d, 'y', 'x').estimate, 1e-14);
    expect(r.se).toBeGreaterThan(0);
    const raked = rake(d, [{ variable: 'g', population: { a: 60, b: 40 } }]);
    const rr = svyRatio(raked, 'y', 'x');
    expect(rr.se).not.toBeCloseTo(svyRatio(d, 'y', 'x').se, 6);
  });

  it('gives typed errors for bad input', () => {
    expect(estimationError(() => svyRatio(d, 'y', 'nope')).code).toBe('UNKNOWN_VARIABLE');
    expect(estimationError(() => svyRatio(d, 'g', 'x')).code).toBe('NOT_NUMERIC');
    expect(estimationError(() => svyRatio(d, 'y', 'x', { level: 2 })).code).toBe('BAD_OPTION');
    expect(estimationError(() => svyRatio(d, 'y', 'x', { na: 'drop' as 'omit' })).code).toBe(
      'BAD_OPTION',
    );
    const zero = fromColumns({ y: [1, 2, 3], x: [0, 0, 0] });
    const z = estimationError(() => svyRatio(svyDesign(zero), 'y', 'x'));
    expect(z.code).toBe('ZERO_DENOMINATOR');
    expect(z.message).toContain('"x"');
    const inf = fromColumns({ y: [1, Number.POSITIVE_INFINITY, 3], x: [1, 1, 1] });
    const e = estimationError(() => svyRatio(svyDesign(inf), 'y', 'x'));
    expect(e.code).toBe('NON_FINITE_VALUE');
    expect(e.details).toMatchObject({ variable: 'y', row: 2 });
    expect(
      estimationError(() =>
        svyRatio(
          subset(d, () => false),
          'y',
          'x',
        ),
      ).code,
    ).toBe('EMPTY_DOMAIN');
  });
});
