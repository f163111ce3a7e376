/**
 * svyGlm beyond the R reference (test/models/reference.test.ts): its typed errors, the options,
 * and properties every fit must have.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import { svyMean } from '../../src/estimate/mean.js';
import { svyGlm } from '../../src/models/glm.js';
import { thrown } from '../helpers/errors.js';
import { expectClose, loadReferenceData } from '../helpers/reference.js';
import { modelDesign } from './reference-designs.js';

const dclus1 = modelDesign('dclus1');
const dpoll = modelDesign('dpoll');

describe('svyGlm errors', () => {
  it('separation names the term whose estimate diverges (R only warns and reports ~20)', () => {
    // awards are given only to schools that met their school-wide target
    const e = thrown(() =>
      svyGlm(dclus1, 'awards ~ stype * sch.wide + api99', { family: 'quasibinomial' }),
    );
    expect(e.code).toBe('SEPARATION');
    expect(e.details).toMatchObject({ term: 'sch.wide', column: 'sch.wideYes' });
    expect(e.message).toMatch(/separates the outcome's 0s from its 1s/);
  });

  it('a level with only zero counts is separation for poisson too', () => {
    const data = fromColumns({
      y: [0, 0, 0, 2, 3, 1, 4, 0],
      g: ['a', 'a', 'a', 'b', 'b', 'c', 'c', 'b'],
    });
    const e = thrown(() => svyGlm(svyDesign(data), 'y ~ g', { family: 'poisson' }));
    expect(e.code).toBe('SEPARATION');
    // the reference level a has only zeros: the intercept diverges, b and c with it
    expect(['(Intercept)', 'gb', 'gc']).toContain(e.details.column);
  });

  it('rank deficiency names the aliased column and the combination it is', () => {
    const e = thrown(() => svyGlm(dpoll, 'income ~ age + sex:agegroup'));
    expect(e.code).toBe('RANK_DEFICIENT');
    expect(e.details).toMatchObject({ column: 'sexMale:agegroup60+', term: 'sex:agegroup' });
    expect(e.message).toContain('sexMale:agegroup60+ = (Intercept) − sexFemale:agegroup18-29');
    // aliased: 'drop' fits the rest, as R does, and marks the column
    const fit = svyGlm(dpoll, 'income ~ age + sex:agegroup', { aliased: 'drop' });
    const dropped = fit.coefficients.filter((c) => c.aliased);
    expect(dropped.map((c) => c.term)).toEqual(['sexMale:agegroup60+']);
    expect(dropped[0]!.estimate).toBeNaN();
    expect(fit.vcov[11]!.every(Number.isNaN)).toBe(true);
    expect(fit.df).toBe(fit.designDf + 1 - 11);
  });

  it('a duplicated variable is aliased with a coefficient of 1', () => {
    const data = fromColumns({
      y: [1, 3, 2, 5, 4, 6],
      x: [1, 2, 3, 4, 5, 6],
      z: [2, 4, 6, 8, 10, 12],
    });
    const e = thrown(() => svyGlm(svyDesign(data), 'y ~ x + z'));
    expect(e.message).toContain('z = 2·x');
  });

  it('an outcome the family cannot take', () => {
    expect(thrown(() => svyGlm(dclus1, 'api00 ~ ell', { family: 'binomial' }))).toMatchObject({
      code: 'BAD_OUTCOME',
      details: { variable: 'api00', family: 'binomial', row: 1 },
    });
    const neg = svyDesign(fromColumns({ y: [1, -2, 3, 4], x: [1, 2, 3, 4] }));
    expect(thrown(() => svyGlm(neg, 'y ~ x', { family: 'quasipoisson' }))).toMatchObject({
      code: 'BAD_OUTCOME',
      details: { row: 2, value: -2 },
    });
    expect(thrown(() => svyGlm(dclus1, 'sch.wide ~ ell')).code).toBe('BAD_OUTCOME');
    expect(thrown(() => svyGlm(dclus1, 'stype ~ ell', { family: 'binomial' })).message).toMatch(
      /success option/,
    );
  });

  it('too few degrees of freedom, unless df is given', () => {
    // 3 PSUs: 2 design degrees of freedom; 3 coefficients leave 0 for the tests
    const data = fromColumns({
      y: [1, 3, 2, 5, 4, 7, 6, 8, 9],
      x: [1, 2, 3, 4, 5, 6, 7, 8, 9],
      z: [3, 1, 2, 2, 5, 1, 4, 2, 1],
      psu: [1, 1, 1, 2, 2, 2, 3, 3, 3],
    });
    const d = svyDesign(data, { ids: 'psu' });
    const e = thrown(() => svyGlm(d, 'y ~ x + z'));
    expect(e.code).toBe('TOO_FEW_DF');
    expect(e.details).toMatchObject({ value: 0, designDf: 2, coefficients: 3 });
    const fit = svyGlm(d, 'y ~ x + z', { df: Number.POSITIVE_INFINITY });
    expect(fit.df).toBe(Number.POSITIVE_INFINITY);
    expect(fit.designDf).toBe(2);
    expect(fit.coefficients[1]!.pValue).toBeGreaterThan(0);
    expect(svyGlm(d, 'y ~ x').df).toBe(1);
  });

  it('bad options', () => {
    expect(thrown(() => svyGlm(dclus1, 'api00 ~ ell', { family: 'gamma' as never })).code).toBe(
      'BAD_OPTION',
    );
    expect(thrown(() => svyGlm(dclus1, 'api00 ~ ell', { level: 2 })).code).toBe('BAD_OPTION');
    expect(thrown(() => svyGlm(dclus1, 'api00 ~ ell', { df: -1 })).code).toBe('BAD_OPTION');
    expect(thrown(() => svyGlm(dclus1, 'api00 ~ ell', { aliased: 'keep' as never })).code).toBe(
      'BAD_OPTION',
    );
  });
});

describe('svyGlm properties', () => {
  it('designDf counts the PSUs with a respondent used and a weight above 0, less their strata (R degf)', () => {
    // 3 strata × 3 PSUs × 8 respondents; a logistic model with a numeric variable (the fused
    // last pass marks the PSUs), whatever the rows' order
    const rows = 72;
    const stratum: number[] = [];
    const psu: number[] = [];
    const w: number[] = [];
    const x: (number | null)[] = [];
    const y: number[] = [];
    for (let i = 0; i < rows; i++) {
      const p = Math.floor(i / 8);
      stratum.push(Math.floor(p / 3));
      psu.push(p);
      // PSU 1: every x missing; PSU 4: every weight 0; PSU 7: one respondent with weight 0
      w.push(p === 4 || (p === 7 && i % 8 > 0) ? 0 : 1 + (i % 5));
      x.push(p === 1 ? null : (i * 7) % 11);
      y.push((i * 5) % 3 === 0 ? 1 : 0);
    }
    const order = Array.from({ length: rows }, (_, i) => (i * 29) % rows);
    const pick = <T>(v: T[]) => order.map((i) => v[i]!);
    const data = fromColumns({
      s: pick(stratum),
      c: pick(psu),
      w: pick(w),
      x: pick(x),
      y: pick(y),
    });
    const d = svyDesign(data, { strata: 's', ids: 'c', weights: 'w', allowZeroWeights: true });
    const fit = svyGlm(d, 'y ~ x', { family: 'quasibinomial' });
    // PSUs 1 and 4 drop out: 7 PSUs in 3 strata
    expect(fit.designDf).toBe(4);
    // on a domain without stratum 0: 3 + 2 PSUs... minus PSUs 4 (weight 0): 5 PSUs in 2 strata
    const dom = subset(d, (r) => (r.s as number) > 0);
    expect(svyGlm(dom, 'y ~ x', { family: 'quasibinomial' }).designDf).toBe(3);
  });

  it('success: a categorical outcome with chosen levels as 1 is the model of the 0/1 column', () => {
    const data = loadReferenceData('poll.csv');
    const d = svyDesign(data, { ids: 'psu', strata: 'region', weights: 'pw', nest: true });
    const a = svyGlm(d, 'attitude ~ sex + age', {
      family: 'quasibinomial',
      success: ['Positive', 'Neutral'],
    });
    const att = data.columns['attitude'] as { codes: Int32Array };
    const y = Array.from(att.codes, (c) => (c < 0 ? null : c <= 1 ? 1 : 0));
    const names = data.names.filter((n) => n !== 'attitude');
    const cols = Object.fromEntries(names.map((n) => [n, data.columns[n]!]));
    const withY = fromColumns({
      ...Object.fromEntries(
        names.map((n) => {
          const c = cols[n]!;
          return [n, c.kind === 'numeric' ? c.values : { codes: c.codes, levels: c.levels }];
        }),
      ),
      pos: y,
    });
    const d2 = svyDesign(withY, { ids: 'psu', strata: 'region', weights: 'pw', nest: true });
    const b = svyGlm(d2, 'pos ~ sex + age', { family: 'quasibinomial' });
    a.coefficients.forEach((c, j) => {
      expectClose(c.estimate, b.coefficients[j]!.estimate, 1e-12, c.term);
      expectClose(c.se, b.coefficients[j]!.se, 1e-12, c.term);
    });
    expect(a.nMissing).toBe(b.nMissing);
  });

  it('an intercept-only gaussian model is the weighted mean, with its SE', () => {
    const fit = svyGlm(dclus1, 'api00 ~ 1');
    const [m] = svyMean(dclus1, 'api00');
    expectClose(fit.coefficients[0]!.estimate, m!.estimate, 1e-12, 'mean');
    expectClose(fit.coefficients[0]!.se, m!.se, 1e-10, 'se');
  });

  it('does not depend on the scale of the weights', () => {
    const data = loadReferenceData('apistrat.csv');
    const pw = (data.columns['pw'] as { values: Float64Array }).values;
    const scaled = {
      ...data,
      columns: {
        ...data.columns,
        pw: { kind: 'numeric' as const, name: 'pw', values: pw.map((w) => w * 1000) },
      },
    };
    const a = svyGlm(
      svyDesign(data, { strata: 'stype', weights: 'pw' }),
      'sch.wide ~ ell + meals',
      { family: 'binomial' },
    );
    const b = svyGlm(
      svyDesign(scaled, { strata: 'stype', weights: 'pw' }),
      'sch.wide ~ ell + meals',
      { family: 'binomial' },
    );
    a.coefficients.forEach((c, j) => {
      expectClose(b.coefficients[j]!.estimate, c.estimate, 1e-10, c.term);
      expectClose(b.coefficients[j]!.se, c.se, 1e-10, c.term);
    });
  });

  it('binomial and quasibinomial (poisson and quasipoisson) give the same numbers, as in svyglm', () => {
    const a = svyGlm(dclus1, 'sch.wide ~ ell', { family: 'binomial' });
    const b = svyGlm(dclus1, 'sch.wide ~ ell', { family: 'quasibinomial' });
    expect(a.coefficients).toEqual(b.coefficients);
    expect(a.link).toBe('logit');
    expect(svyGlm(dclus1, 'enroll ~ ell', { family: 'poisson' }).coefficients).toEqual(
      svyGlm(dclus1, 'enroll ~ ell', { family: 'quasipoisson' }).coefficients,
    );
  });

  it('n + nMissing is the domain size; the fit is JSON-safe plain data', () => {
    const d = subset(dclus1, (r) => r.stype !== 'H');
    const fit = svyGlm(d, 'api00 ~ avg.ed');
    const inDomain = Array.from(d.domain!).filter(Boolean).length;
    expect(fit.n + fit.nMissing).toBe(inDomain);
    expect(fit.nMissing).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(fit)).coefficients[1].term).toBe('avg.ed');
    expect(fit.terms).toEqual(['avg.ed']);
  });

  it('a replicate whose refit fails is left out with a warning, as R', () => {
    // JK1 on 4 PSUs; dropping PSU 4 leaves no row with g = c, so that replicate cannot be fitted
    const data = fromColumns({
      y: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      g: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'c', 'c'],
      psu: [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
    });
    const jk = asRepDesign(svyDesign(data, { ids: 'psu' }), { type: 'JK1' });
    const fit = svyGlm(jk, 'y ~ g', { df: Number.POSITIVE_INFINITY });
    expect(fit.warnings).toEqual(['1 replicates gave NA results and were discarded.']);
    expect(Number.isFinite(fit.coefficients[2]!.se)).toBe(true);
  });
});
