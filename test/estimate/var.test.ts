import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { degreesOfFreedom } from '../../src/design/df.js';
import { asRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyMean } from '../../src/estimate/mean.js';
import { svyVar } from '../../src/estimate/var.js';
import {
  analysisDesign,
  caseDesign,
  type EstimatorCase,
  estimationError,
  estimatorsRef,
} from '../helpers/estimators.js';
import { expectClose } from '../helpers/reference.js';

interface VarCase extends EstimatorCase {
  variable: string;
  n: number;
  nMissing: number;
  estimate: number;
  se: number;
  degf: number;
  ci95: [number, number];
  ci90_df: [number, number];
}

interface VarByCase {
  id: string;
  design: string;
  variable: string;
  by: string;
  call: string;
  groups: string[];
  estimate: number[];
  se: number[];
  vcov: number[][] | null;
}

describe('svyVar against R svyvar (estimators.json)', () => {
  for (const c of estimatorsRef.var as VarCase[]) {
    it(`${c.id}: ${c.call}`, () => {
      const d = caseDesign(c);
      const v = svyVar(d, c.variable);
      expect(v.statistic).toBe('variance');
      expect([v.n, v.nMissing]).toEqual([c.n, c.nMissing]);
      expectClose(v.estimate, c.estimate, 1e-10, 'estimate');
      expectClose(v.se, c.se, 1e-8, 'se');
      expectClose(v.ci[0], c.ci95[0], 1e-8, 'ci95 lower');
      expectClose(v.ci[1], c.ci95[1], 1e-8, 'ci95 upper');
      expect(degreesOfFreedom(d)).toBe(c.degf);
      const v90 = svyVar(d, c.variable, { level: 0.9, df: 'design' });
      expectClose(v90.ci[0], c.ci90_df[0], 1e-8, 'ci90 lower');
      expectClose(v90.ci[1], c.ci90_df[1], 1e-8, 'ci90 upper');
    });
  }
});

describe('svyBy of svyVar against R svyby(..., svyvar)', () => {
  for (const c of estimatorsRef.varBy as VarByCase[]) {
    it(`${c.id}: ${c.call}`, () => {
      const table = svyBy(analysisDesign(c.design), c.by, (g) => svyVar(g, c.variable));
      expect(table.labels).toEqual(c.groups);
      const k = c.groups.length;
      for (let a = 0; a < k; a++) {
        expectClose(table[a]!.estimate, c.estimate[a]!, 1e-10, `estimate ${a}`);
        expectClose(table[a]!.se, c.se[a]!, 1e-8, `se ${a}`);
        if (c.vcov) {
          for (let b = 0; b < k; b++) {
            expectClose(table.covariance[a * k + b]!, c.vcov[a]![b]!, 1e-8, `vcov ${a},${b}`);
          }
        }
      }
    });
  }
});

describe('svyVar', () => {
  const data = fromColumns({
    y: [3, 8, 1, 9, 4, null, 7, 2, 6, 5],
    g: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'],
    psu: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
    w: [1, 2, 1, 2, 1, 2, 1, 2, 1, 2],
  });
  const d = svyDesign(data, { ids: 'psu', weights: 'w' });

  it('is the weighted variance times n/(n − 1), n counting the rows used (survey ≥ 4.2)', () => {
    const v = svyVar(d, 'y');
    const ys = [3, 8, 1, 9, 4, 7, 2, 6, 5];
    const ws = [1, 2, 1, 2, 1, 1, 2, 1, 2];
    const W = ws.reduce((s, x) => s + x, 0);
    const mean = ys.reduce((s, y, i) => s + ws[i]! * y, 0) / W;
    const ss = ys.reduce((s, y, i) => s + ws[i]! * (y - mean) ** 2, 0) / W;
    // linearization: survey 4.2's n is the 9 rows with a weight and a value (4.1.1 counted the
    // missing one too: 10)
    expectClose(v.estimate, (ss * 9) / 8, 1e-13);
    expect([v.n, v.nMissing]).toEqual([9, 1]);
    // replicate design: R's n is the 9 rows used
    const jk = svyVar(asRepDesign(d, { type: 'JK1' }), 'y');
    expectClose(jk.estimate, (ss * 9) / 8, 1e-13);
  });

  it('is the mean of the squared deviations, with that mean’s standard error', () => {
    const full = fromColumns({ y: [3, 8, 1, 9, 4, 7, 2, 6], psu: [1, 1, 2, 2, 3, 3, 4, 4] });
    const dd = svyDesign(full, { ids: 'psu' });
    const v = svyVar(dd, 'y');
    const mean = 5;
    const u = fromColumns({
      u: [3, 8, 1, 9, 4, 7, 2, 6].map((y) => ((y - mean) ** 2 * 8) / 7),
      psu: [1, 1, 2, 2, 3, 3, 4, 4],
    });
    const [m] = svyMean(svyDesign(u, { ids: 'psu' }), 'u');
    expectClose(v.estimate, m!.estimate, 1e-14);
    expectClose(v.se, m!.se, 1e-12);
  });

  it('gives the covariance of groups’ variances in svyBy', () => {
    const table = svyBy(d, 'g', (gd) => svyVar(gd, 'y'));
    const a = svyVar(
      subset(d, (r) => r.g === 'a'),
      'y',
    );
    expectClose(table[0]!.estimate, a.estimate, 1e-13);
    expectClose(table[0]!.se, a.se, 1e-12);
    expect(Number.isFinite(table.covariance[1]!)).toBe(true);
  });

  it('gives typed errors for bad input', () => {
    expect(estimationError(() => svyVar(d, 'g')).code).toBe('NOT_NUMERIC');
    expect(estimationError(() => svyVar(d, 'nope')).code).toBe('UNKNOWN_VARIABLE');
    const miss = estimationError(() => svyVar(d, 'y', { na: 'fail' }));
    expect(miss.code).toBe('MISSING_VALUES');
    const one = estimationError(() =>
      svyVar(
        subset(d, (r) => r.y === 3),
        'y',
      ),
    );
    expect(one.code).toBe('TOO_FEW_RESPONDENTS');
    expect(one.details).toMatchObject({ variable: 'y', count: 1 });
    expect(estimationError(() => svyVar(d, 'y', { df: -1 })).code).toBe('BAD_OPTION');
  });
});
