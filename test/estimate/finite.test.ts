/**
 * Weights of extreme size (1e300, 1e200, 1e-300, subnormal): every estimate equals the one on the
 * same design with ordinary weights (itself checked against R in the other tests): scale-free
 * estimates to 1e-12, totals times the factor; a result beyond the double range is the typed
 * error NON_FINITE_RESULT.
 */
import { describe, expect, it } from 'vitest';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign } from '../../src/design/replicate.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { EstimationError, SurveyError, WeightingError } from '../../src/errors.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyCiProp } from '../../src/estimate/ciprop.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { checkFinite, rescaleTotals } from '../../src/estimate/finite.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyQuantile } from '../../src/estimate/quantile.js';
import { svyRatio } from '../../src/estimate/ratio.js';
import { svyChisq, svyTable } from '../../src/estimate/table.js';
import { svyTtest } from '../../src/estimate/ttest.js';
import type { Estimate } from '../../src/estimate/types.js';
import { svyVar } from '../../src/estimate/var.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { expectClose } from '../helpers/reference.js';
import { scaledApistrat } from '../helpers/scaled.js';

const SPEC = { strata: 'stype', weights: 'pwx' } as const;
const POPULATION = [
  { stype: 'E', count: 4421 },
  { stype: 'H', count: 755 },
  { stype: 'M', count: 1018 },
];

/** The weights of apistrat rounded to integers: k · 5e-324 is then exact (and subnormal). */
const round = (w: number) => Math.round(w);

interface Case {
  name: string;
  /** The ordinary weights. */
  base: (w: number) => number;
  /** The extreme weights: base times `factor`. */
  scaled: (w: number) => number;
  factor: number;
  /** Relative tolerance of totals (subnormal totals keep few significant digits). */
  totalTol: number;
}

const CASES: Case[] = [
  { name: '1e300', base: (w) => w, scaled: (w) => w * 1e300, factor: 1e300, totalTol: 1e-12 },
  { name: '1e200', base: (w) => w, scaled: (w) => w * 1e200, factor: 1e200, totalTol: 1e-12 },
  { name: '1e-300', base: (w) => w, scaled: (w) => w * 1e-300, factor: 1e-300, totalTol: 1e-12 },
  {
    name: 'subnormal',
    base: round,
    scaled: (w) => 5e-324 * round(w),
    factor: 5e-324,
    totalTol: 1e-4,
  },
];

function same(a: readonly Estimate[], b: readonly Estimate[], what: string, f = 1, tol = 1e-12) {
  expect(a.length).toBe(b.length);
  a.forEach((r, j) => {
    expectClose(r.estimate, b[j]!.estimate * f, tol, `${what} estimate ${j}`);
    expectClose(r.se, b[j]!.se * f, tol, `${what} se ${j}`);
    expectClose(r.ci[0], b[j]!.ci[0] * f, tol, `${what} ci ${j}`);
    expectClose(r.ci[1], b[j]!.ci[1] * f, tol, `${what} ci ${j}`);
  });
}

describe.each(CASES)('weights of $name', (c) => {
  const base = svyDesign(scaledApistrat(c.base), SPEC);
  const extreme = svyDesign(scaledApistrat(c.scaled), SPEC);
  const designs: Array<[string, SurveyDesign, SurveyDesign]> = [['linearization', base, extreme]];
  // (Replicate weights made from subnormal weights are rounded as they are made: not compared.)
  if (c.name !== 'subnormal')
    designs.push(['replicate (JKn)', asRepDesign(base), asRepDesign(extreme)]);

  it.each(designs)(
    '%s: means, shares, ratios, variances, quantiles equal the ordinary ones',
    (_, b, e) => {
      same(
        svyMean(e, ['api00', 'awards', 'sch.wide']),
        svyMean(b, ['api00', 'awards', 'sch.wide']),
        'mean',
      );
      same([svyRatio(e, 'api00', 'api99')], [svyRatio(b, 'api00', 'api99')], 'ratio');
      same([svyVar(e, 'api00')], [svyVar(b, 'api00')], 'var');
      same(
        [svyCiProp(e, 'sch.wide', { success: 'Yes' })],
        [svyCiProp(b, 'sch.wide', { success: 'Yes' })],
        'ciprop',
      );
      same(svyQuantile(e, 'api00', [0.25, 0.5]), svyQuantile(b, 'api00', [0.25, 0.5]), 'quantile');
      same(
        svyBy(e, 'stype', (d) => svyMean(d, 'api00')),
        svyBy(b, 'stype', (d) => svyMean(d, 'api00')),
        'svyBy mean',
      );
    },
  );

  it.each(designs)('%s: totals and their SEs are the ordinary ones times the factor', (_, b, e) => {
    same(
      svyTotal(e, ['api00', 'awards']),
      svyTotal(b, ['api00', 'awards']),
      'total',
      c.factor,
      c.totalTol,
    );
    same(
      svyBy(e, 'stype', (d) => svyTotal(d, 'enroll')),
      svyBy(b, 'stype', (d) => svyTotal(d, 'enroll')),
      'svyBy total',
      c.factor,
      c.totalTol,
    );
  });

  it('tables: counts times the factor, shares and chi-squared unchanged', () => {
    const te = svyTable(extreme, 'stype', 'sch.wide', { share: true });
    const tb = svyTable(base, 'stype', 'sch.wide', { share: true });
    expectClose(te.total, tb.total * c.factor, c.totalTol, 'total');
    te.counts.forEach((r, i) => {
      r.forEach((v, j) => {
        expectClose(v, tb.counts[i]![j]! * c.factor, c.totalTol, 'count');
        expectClose(te.shares![i]![j]!, tb.shares![i]![j]!, 1e-12, 'share');
      });
    });
    const ce = svyTable(extreme, ['stype', 'sch.wide']);
    const cb = svyTable(base, ['stype', 'sch.wide']);
    same(ce.counts, cb.counts, 'cell counts', c.factor, c.totalTol);
    same(ce.shares, cb.shares, 'cell shares');
    ce.cells.forEach((cell, j) => {
      expectClose(cell.count, cb.cells[j]!.count * c.factor, c.totalTol, 'cell count');
      expectClose(cell.countSe, cb.cells[j]!.countSe * c.factor, c.totalTol, 'cell count se');
    });
    const xe = svyChisq(extreme, 'stype', 'sch.wide');
    const xb = svyChisq(base, 'stype', 'sch.wide');
    expectClose(xe.statistic, xb.statistic, 1e-12, 'chisq');
    expectClose(xe.pValue, xb.pValue, 1e-12, 'chisq p');
  });

  it('t-tests and contrasts of shares are unchanged', () => {
    const te = svyTtest(extreme, 'api00', 'sch.wide');
    const tb = svyTtest(base, 'api00', 'sch.wide');
    expectClose(te.difference, tb.difference, 1e-12, 'difference');
    expectClose(te.se, tb.se, 1e-12, 'se');
    const se = svyContrast(svyMean(extreme, 'stype'), { E: 1, H: -1 });
    const sb = svyContrast(svyMean(base, 'stype'), { E: 1, H: -1 });
    same([se], [sb], 'contrast');
  });
});

/** The error code a call throws. */
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof SurveyError) return e.code;
    throw e;
  }
  return undefined;
}

describe('results beyond the double range', () => {
  // Weights up to 1e308: every sum of weights overflows unscaled.
  const data = scaledApistrat((w) => (w / 45) * 1e308);
  const d = svyDesign(data, SPEC);
  const base = svyDesign(
    scaledApistrat((w) => w),
    SPEC,
  );

  it('means and shares are still right; a total that exceeds 1.8e308 is NON_FINITE_RESULT', () => {
    same(svyMean(d, ['api00', 'awards']), svyMean(base, ['api00', 'awards']), 'mean');
    expect(codeOf(() => svyTotal(d, 'api00'))).toBe('NON_FINITE_RESULT');
    expect(codeOf(() => svyTable(d, 'stype', 'sch.wide'))).toBe('NON_FINITE_RESULT');
    expect(codeOf(() => svyTable(d, ['stype', 'sch.wide']))).toBe('NON_FINITE_RESULT');
    try {
      svyTotal(d, 'api00');
    } catch (e) {
      expect(e).toBeInstanceOf(EstimationError);
      const err = e as EstimationError;
      expect(err.message).toContain('svyTotal');
      expect(err.message).toContain('"api00"');
      expect(err.details).toMatchObject({
        estimator: 'svyTotal',
        variable: 'api00',
        what: 'estimate',
      });
    }
  });

  it('a contrast of totals whose variance exceeds the range is NON_FINITE_RESULT', () => {
    const e = svyDesign(
      scaledApistrat((w) => w * 1e200),
      SPEC,
    );
    const totals = svyTotal(e, 'sch.wide');
    expect(totals[0]!.se).toBeGreaterThan(1e200);
    expect(Number.isFinite(totals[0]!.se)).toBe(true);
    expect(codeOf(() => svyContrast(totals, { Yes: 1, No: -1 }))).toBe('NON_FINITE_RESULT');
  });

  it('weighting that overflows is NON_FINITE_RESULT, not a design of infinite weights', () => {
    const tiny = svyDesign(
      scaledApistrat((w) => 5e-324 * round(w)),
      SPEC,
    );
    expect(codeOf(() => postStratify(tiny, { variables: ['stype'], population: POPULATION }))).toBe(
      'NON_FINITE_RESULT',
    );
    try {
      postStratify(tiny, { variables: ['stype'], population: POPULATION });
    } catch (e) {
      expect(e).toBeInstanceOf(WeightingError);
      expect((e as WeightingError).details).toMatchObject({ method: 'postStratify' });
    }
  });

  it('post-stratifying 1e300 weights to ordinary counts gives the ordinary design', () => {
    const e = postStratify(
      svyDesign(
        scaledApistrat((w) => w * 1e300),
        SPEC,
      ),
      {
        variables: ['stype'],
        population: POPULATION,
      },
    );
    const b = postStratify(base, { variables: ['stype'], population: POPULATION });
    same(svyTotal(e, 'api00'), svyTotal(b, 'api00'), 'total', 1, 1e-12);
    same(svyMean(e, 'api00'), svyMean(b, 'api00'), 'mean');
  });
});

describe('checkFinite / rescaleTotals', () => {
  const row = (estimate: number, se: number): Estimate => ({
    variable: 'y',
    estimate,
    se,
    ci: [estimate - se, estimate + se],
    n: 2,
    nMissing: 0,
  });

  it('passes finite rows and a NaN standard error (as R leaves some); refuses infinities and a NaN estimate', () => {
    expect(() => checkFinite([row(1, 2), row(3, Number.NaN)], 'svyMean')).not.toThrow();
    expect(codeOf(() => checkFinite([row(Number.POSITIVE_INFINITY, 1)], 'svyTotal'))).toBe(
      'NON_FINITE_RESULT',
    );
    expect(codeOf(() => checkFinite([row(1, Number.POSITIVE_INFINITY)], 'svyTotal'))).toBe(
      'NON_FINITE_RESULT',
    );
    expect(codeOf(() => checkFinite([row(Number.NaN, 1)], 'svyMean'))).toBe('NON_FINITE_RESULT');
  });

  it('rescales a table exactly by 2^k (k = 0: untouched)', () => {
    const t = svyTotal(
      svyDesign(
        scaledApistrat((w) => w),
        SPEC,
      ),
      'stype',
    );
    const before = t.map((r) => r.estimate);
    expect(rescaleTotals(t, 0).map((r) => r.estimate)).toEqual(before);
    const cov = t.covariance[0]!;
    rescaleTotals(t, 3);
    expect(t.map((r) => r.estimate)).toEqual(before.map((x) => x * 8));
    expect(t.covariance[0]).toBe(cov * 64);
  });
});
