import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyMean } from '../../src/estimate/mean.js';
import { svyTtest } from '../../src/estimate/ttest.js';
import {
  caseDesign,
  type EstimatorCase,
  estimationError,
  estimatorsRef,
} from '../helpers/estimators.js';
import { expectClose } from '../helpers/reference.js';

interface TtestCase extends EstimatorCase {
  variable: string;
  group: string | null;
  n: number;
  nMissing: number;
  difference: number;
  se: number;
  statistic: number;
  df: number;
  pValue: number;
  ci: [number, number];
}

describe('svyTtest against R svyttest (estimators.json)', () => {
  for (const c of estimatorsRef.ttest as TtestCase[]) {
    it(`${c.id}: ${c.call}`, () => {
      const t = svyTtest(caseDesign(c), c.variable, c.group);
      expect([t.n, t.nMissing]).toEqual([c.n, c.nMissing]);
      expect(t.df).toBe(c.df);
      expectClose(t.difference, c.difference, 1e-10, 'difference');
      expectClose(t.se, c.se, 1e-8, 'se');
      expectClose(t.statistic, c.statistic, 1e-8, 'statistic');
      expectClose(t.pValue, c.pValue, 1e-8, 'p-value');
      expectClose(t.ci[0], c.ci[0], 1e-8, 'ci lower');
      expectClose(t.ci[1], c.ci[1], 1e-8, 'ci upper');
      expect(t.groups === null).toBe(c.group === null);
    });
  }
});

describe('svyTtest', () => {
  const data = fromColumns({
    y: [3, 8, 1, 9, 4, null, 7, 2, 6, 5, 4, 7],
    g: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', null, 'c'],
    z: [0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0],
    psu: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
    w: [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1],
  });
  const d = svyDesign(data, { ids: 'psu', weights: 'w' });
  const ab = subset(d, (r) => r.g !== 'c');

  it('is the difference of the two domain means with svyContrast’s standard error', () => {
    const t = svyTtest(ab, 'y', 'g');
    const byG = svyBy(ab, 'g', (gd) => svyMean(gd, 'y'));
    const diff = svyContrast(byG, { b: 1, a: -1 });
    expect(t.groups).toEqual(['a', 'b']);
    expectClose(t.difference, diff.estimate, 1e-13, 'difference');
    expectClose(t.se, diff.se, 1e-12, 'se');
    expectClose(t.means[0]!, byG[0]!.estimate, 1e-13, 'mean a');
    // the respondents with y and g: 9 of the domain's 11 (one has no y, one no g)
    expect([t.n, t.nMissing]).toEqual([9, 2]);
    // R's df: PSUs with a complete respondent (5) minus strata (1), minus 1
    expect(t.df).toBe(3);
  });

  it('groups on a numeric 0/1 variable (the second group is the larger value)', () => {
    const t = svyTtest(d, 'y', 'z');
    expect(t.groups).toEqual(['0', '1']);
    const ones = svyMean(
      subset(d, (r) => r.z === 1),
      'y',
    )[0]!.estimate;
    const zeros = svyMean(
      subset(d, (r) => r.z === 0),
      'y',
    )[0]!.estimate;
    expectClose(t.difference, ones - zeros, 1e-13);
  });

  it('without a group tests the mean against 0', () => {
    const t = svyTtest(d, 'y');
    const [m] = svyMean(d, 'y');
    expect(t.groups).toBeNull();
    expectClose(t.difference, m!.estimate, 1e-13);
    expectClose(t.se, m!.se, 1e-12);
    expectClose(t.statistic, m!.estimate / m!.se, 1e-12);
    expect(t.df).toBe(4); // 6 PSUs − 1 stratum − 1
  });

  it('ignores levels the domain does not have (R would stop on a factor with unused levels)', () => {
    const t = svyTtest(ab, 'y', 'g');
    expect(t.groups).toEqual(['a', 'b']);
  });

  it('takes the level and the df from the options, and works on replicate designs', () => {
    const t95 = svyTtest(ab, 'y', 'g', { df: 10 });
    const t90 = svyTtest(ab, 'y', 'g', { level: 0.9, df: 10 });
    expect(t90.df).toBe(10);
    expect(t90.ci[1] - t90.ci[0]).toBeLessThan(t95.ci[1] - t95.ci[0]);
    expectClose(
      t95.ci[1],
      t95.difference + 2.2281388519862739 * t95.se,
      1e-12,
      'qt(0.975, 10) in R',
    );
    const jk = svyTtest(asRepDesign(d, { type: 'JK1' }), 'y', 'z');
    expectClose(jk.difference, svyTtest(d, 'y', 'z').difference, 1e-13);
    expect(jk.se).toBeGreaterThan(0);
  });

  it('names the group and its levels when it does not have exactly two', () => {
    const err = estimationError(() => svyTtest(d, 'y', 'g'));
    expect(err.code).toBe('NOT_TWO_GROUPS');
    expect(err.message).toContain('"g"');
    expect(err.message).toContain('a, b, c');
    expect(err.details).toMatchObject({ variable: 'g', levels: ['a', 'b', 'c'] });
    const one = estimationError(() =>
      svyTtest(
        subset(d, (r) => r.g === 'a'),
        'y',
        'g',
      ),
    );
    expect(one.code).toBe('NOT_TWO_GROUPS');
    expect(one.details.levels).toEqual(['a']);
    const numeric = estimationError(() => svyTtest(d, 'z', 'y'));
    expect(numeric.code).toBe('NOT_TWO_GROUPS');
  });

  it('gives typed errors for other bad input', () => {
    expect(estimationError(() => svyTtest(d, 'g', 'z')).code).toBe('NOT_NUMERIC');
    expect(estimationError(() => svyTtest(d, 'y', 'nope')).code).toBe('UNKNOWN_VARIABLE');
    const miss = estimationError(() => svyTtest(ab, 'y', 'g', { na: 'fail' }));
    expect(miss.code).toBe('MISSING_VALUES');
    expect(miss.details).toMatchObject({ variable: 'y', row: 6 });
    expect(estimationError(() => svyTtest(d, 'y', 'z', { df: 0 })).code).toBe('BAD_OPTION');
    expect(estimationError(() => svyTtest(d, 'y', 'z', { level: 1 })).code).toBe('BAD_OPTION');
  });
});
