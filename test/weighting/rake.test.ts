import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { Margin, RakeStep } from '../../src/design/weighting-history.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyCiProp } from '../../src/estimate/ciprop.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyQuantile } from '../../src/estimate/quantile.js';
import { rake } from '../../src/weighting/rake.js';
import { expectClose } from '../helpers/reference.js';
import {
  baseDesign,
  checkCase,
  checkEstimate,
  expectCode,
  expectTableClose,
  kaltonDesign,
  kaltonPopulation,
  kaltonRatios,
  ref,
  refCase,
  snapshot,
  weightCase,
} from './reference-cases.js';

const cases = ref.cases.filter(
  (c) => (c.method === 'rake' || c.method === 'chain') && !c.id.includes('defaultcontrol'),
);

describe('rake matches R survey 4.1.1 (weights, estimates, SEs to 1e-8)', () => {
  it('has the reference cases', () => expect(cases.length).toBeGreaterThanOrEqual(4));
  for (const c of cases) it(c.id, () => checkCase(c));
});

/** Weighted total of every level of every margin equals the population count. */
function expectMarginsMet(d: ReturnType<typeof rake>, margins: Margin[], tol = 1e-10) {
  for (const m of margins) {
    const rows = svyTotal(d, m.variable);
    for (const [level, count] of Object.entries(m.population)) {
      const row = rows.find((r) => r.level === level);
      expect(row, `${m.variable}=${level}`).toBeDefined();
      expectClose(row!.estimate, count, tol, `${m.variable}=${level}`);
    }
  }
}

describe('rake: published figures (R tests/rakecheck.R, tests/kalton.R)', () => {
  it('apiclus1 raked on stype and sch.wide: mean 641.23 (23.704), total 3,647,280 (400,603)', () => {
    const d = weightCase(refCase('dclus1-rake-stype-schwide'));
    const [m] = svyMean(d, 'api00');
    const [t] = svyTotal(d, 'enroll');
    expect(m!.estimate.toFixed(2)).toBe('641.23');
    expect(m!.se.toFixed(3)).toBe('23.704');
    expect(t!.estimate.toFixed(0)).toBe('3647280');
    expect(t!.se.toFixed(0)).toBe('400603');
  });

  it("R's default control (maxit 10, epsilon 1) stops early; to its printed digits we agree", () => {
    const c = refCase('dclus1-rake-stype-schwide-defaultcontrol');
    const d = weightCase(c);
    for (const e of c.estimates!) {
      const row = (e.statistic === 'mean' ? svyMean : svyTotal)(d, e.variable)[0]!;
      expectClose(row.estimate, e.estimate[0]!, 1e-5, `${e.call} estimate`);
      expectClose(row.se, e.se[0]!, 1e-5, `${e.call} se`);
    }
  });

  it('Kalton & Flores-Cervantes raking ratios: R to 1e-8 and the published table to 2 decimals', () => {
    const { margins } = kaltonPopulation();
    const d = rake(kaltonDesign(), margins);
    const got = kaltonRatios(d);
    expectTableClose(got, ref.kalton.results['rake_tight']!, 1e-8, 'rake_tight');
    expect(got.map((row) => row.map((x) => x.toFixed(2)))).toEqual(
      ref.kalton.publishedRake.map((row) => row.map((x) => x.toFixed(2))),
    );
    // R's looser stop in tests/kalton.R (epsilon 1e-4 of the total) is within 1e-3 of ours
    expectTableClose(got, ref.kalton.results['rake_kaltoncontrol']!, 1e-3, 'rake_kaltoncontrol');
  });
});

describe('rake: the raked design', () => {
  it('raked weights reproduce every margin, and the input design is unchanged', () => {
    for (const id of [
      'dclus1-rake-stype-schwide',
      'dpoll-rake-sex-agegroup',
      'dpollatt-rake-sex-agegroup-attitude',
    ]) {
      const c = refCase(id);
      const design = baseDesign(c.design);
      const before = snapshot(design);
      const d = rake(design, c.params.margins);
      expect(snapshot(design)).toEqual(before);
      expect(d.calibration).toHaveLength(1);
      expectMarginsMet(d, c.params.margins);
      const step = d.calibration![0] as RakeStep;
      expect(step.method).toBe('rake');
      expect(step.converged).toBe(true);
      expect(step.maxRelativeError).toBeLessThanOrEqual(1e-12);
      expect(step.iterations).toBeGreaterThan(1);
      expect(step.oldWeights).toBe(design.weights);
      expect(step.weights).toBe(d.weights);
    }
  });

  it('raking on 3 margins of a generated poll meets all of them', () => {
    const n = 5000;
    let seed = 7;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const sex = Array.from({ length: n }, () => (rnd() < 0.45 ? 'M' : 'F'));
    const age = Array.from({ length: n }, () => ['a', 'b', 'c', 'd'][Math.floor(rnd() * 4)]!);
    const region = Array.from({ length: n }, () => ['r1', 'r2', 'r3'][Math.floor(rnd() * 3)]!);
    const w = Array.from({ length: n }, () => 0.5 + rnd());
    const d0 = svyDesign(fromColumns({ sex, age, region, w }), { weights: 'w' });
    const margins: Margin[] = [
      { variable: 'sex', population: { M: 4800, F: 5200 } },
      { variable: 'age', population: { a: 2000, b: 2500, c: 2500, d: 3000 } },
      { variable: 'region', population: { r1: 5000, r2: 3000, r3: 2000 } },
    ];
    const d = rake(d0, margins, { epsilon: 1e-12 });
    expectMarginsMet(d, margins);
  });

  it('a factor estimate after raking: shares of a raked variable have SE about 0', () => {
    const c = refCase('dclus1-rake-stype-schwide');
    const d = weightCase(c);
    const stype = svyMean(d, 'stype');
    expect(stype.map((r) => r.estimate.toFixed(6))).toEqual(
      [4421, 755, 1018].map((x) => (x / 6194).toFixed(6)),
    );
    for (const r of stype) expect(r.se).toBeLessThan(1e-6);
    const e = c.estimates!.find((x) => x.variable === 'comp.imp' && x.subset === null)!;
    checkEstimate(d, e, 'svymean(~comp.imp)');
  });

  it('a domain of a raked design keeps the raking (variance over the whole design)', () => {
    const c = refCase('dclus1-rake-stype-schwide');
    const d = weightCase(c);
    const dom = subset(d, (r) => r.stype === 'E');
    expect(dom.calibration).toBe(d.calibration);
    const e = c.estimates!.find((x) => x.subset !== null && x.variable === 'api00')!;
    checkEstimate(d, e, 'subset(stype == E) mean api00');
  });

  it('partial: true keeps the last iterate of a raking that does not converge', () => {
    // Margins that agree in total but cannot be met: the sample has no (M, young) or (F, old),
    // so sex and age are the same split and M = 30 cannot be reconciled with young = 70.
    const d0 = svyDesign(
      fromColumns({ sex: ['M', 'M', 'F', 'F'], age: ['old', 'old', 'young', 'young'] }),
    );
    const margins: Margin[] = [
      { variable: 'sex', population: { M: 30, F: 70 } },
      { variable: 'age', population: { young: 30, old: 70 } },
    ];
    // The sweeps reach a fixed point at once (M and F swap back each sweep): no need for 25.
    const err = expectCode(() => rake(d0, margins, { maxIter: 25 }), 'NOT_CONVERGED');
    expect(err.details).toMatchObject({ variable: 'sex', level: 'M', value: 70, population: 30 });
    expect(err.message).toMatch(/after \d+ sweeps/);
    const d = rake(d0, margins, { maxIter: 25, partial: true });
    const step = d.calibration![0] as RakeStep;
    expect(step.converged).toBe(false);
    expect(step.iterations).toBeLessThanOrEqual(25);
    expect(step.worst.variable).toBe('sex');
    expect(step.maxRelativeError).toBeGreaterThan(0.1);
    expect(d.warnings.some((w) => w.includes('did not converge'))).toBe(true);
  });

  it('convergence is checked on every margin, not only the last one matched', () => {
    const c = refCase('dpoll-rake-sex-agegroup');
    const d = rake(baseDesign(c.design), c.params.margins, { maxIter: 1, partial: true });
    const step = d.calibration![0] as RakeStep;
    // After one sweep the last margin (agegroup) is exact but sex is not.
    expect(step.converged).toBe(false);
    expect(step.worst.variable).toBe('sex');
    expectCode(() => rake(baseDesign(c.design), c.params.margins, { maxIter: 1 }), 'NOT_CONVERGED');
  });
});

describe('other estimators on a raked design use the same adjusted variance (R to 1e-8)', () => {
  const o = ref.others;
  const d = weightCase(refCase(o.design));
  it(o.svyby.call, () => {
    const table = svyBy(d, 'comp.imp', (x) => svyMean(x, 'api00'));
    expect(table.map((r) => r.group?.['comp.imp'])).toEqual(o.svyby.groups);
    table.forEach((r, k) => {
      expectClose(r.estimate, o.svyby.estimate[k]!, 1e-8, `estimate ${k}`);
      expectClose(r.se, o.svyby.se[k]!, 1e-8, `se ${k}`);
    });
  });
  it(o.svyciprop.call, () => {
    const p = svyCiProp(d, 'comp.imp', { success: 'Yes', method: 'logit' });
    expectClose(p.estimate, o.svyciprop.estimate, 1e-8, 'estimate');
    expectClose(p.se, o.svyciprop.se, 1e-8, 'se');
    expectClose(p.ci[0], o.svyciprop.ci[0]!, 1e-8, 'ci lower');
    expectClose(p.ci[1], o.svyciprop.ci[1]!, 1e-8, 'ci upper');
  });
  it(o.svyquantile.call, () => {
    const [q] = svyQuantile(d, 'api00', [0.5]);
    expect(q!.estimate).toBe(o.svyquantile.estimate);
    expect(q!.ci).toEqual(o.svyquantile.ci);
    expectClose(q!.se, o.svyquantile.se, 1e-8, 'se');
  });
});

describe('rake: typed errors', () => {
  const data = fromColumns({
    sex: ['M', 'F', 'F', 'M', null],
    age: ['y', 'o', 'y', 'o', 'y'],
    num: [1, 2, 3, 4, 5],
  });
  const design = svyDesign(data);
  const age: Margin = { variable: 'age', population: { y: 60, o: 40 } };

  it('UNKNOWN_VARIABLE and NOT_CATEGORICAL', () => {
    expectCode(
      () => rake(design, [age, { variable: 'nope', population: { a: 100 } }]),
      'UNKNOWN_VARIABLE',
    );
    const e = expectCode(
      () => rake(design, [age, { variable: 'num', population: { '1': 100 } }]),
      'NOT_CATEGORICAL',
    );
    expect(e.details.variable).toBe('num');
  });
  it('MISSING_WEIGHTING_VALUE', () => {
    const e = expectCode(
      () => rake(design, [age, { variable: 'sex', population: { M: 50, F: 50 } }]),
      'MISSING_WEIGHTING_VALUE',
    );
    expect(e.details).toMatchObject({ variable: 'sex', count: 1, row: 5 });
  });
  it('MISSING_POPULATION_LEVEL', () => {
    const e = expectCode(
      () => rake(design, [{ variable: 'age', population: { y: 100 } }]),
      'MISSING_POPULATION_LEVEL',
    );
    expect(e.details).toMatchObject({ variable: 'age', level: 'o', count: 2, row: 2 });
  });
  it('EMPTY_CELL', () => {
    const e = expectCode(
      () => rake(design, [{ variable: 'age', population: { y: 50, o: 40, mid: 10 } }]),
      'EMPTY_CELL',
    );
    expect(e.details).toMatchObject({ variable: 'age', level: 'mid', value: 10 });
  });
  it('INCONSISTENT_MARGINS with the totals (relative tolerance 1e-6)', () => {
    const d = svyDesign(fromColumns({ a: ['x', 'x', 'y', 'y'], b: ['u', 'v', 'u', 'v'] }));
    const e = expectCode(
      () =>
        rake(d, [
          { variable: 'a', population: { x: 50, y: 50 } },
          { variable: 'b', population: { u: 50, v: 51 } },
        ]),
      'INCONSISTENT_MARGINS',
    );
    expect(e.details.totals).toEqual({ a: 100, b: 101 });
    // within 1e-6: accepted, the second margin scaled to the first one's total (and noted)
    const ok = rake(d, [
      { variable: 'a', population: { x: 50, y: 50 } },
      { variable: 'b', population: { u: 50, v: 50.00001 } },
    ]);
    expect(ok.calibration).toHaveLength(1);
    expect(ok.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 10);
    expect(ok.warnings.some((w) => w.includes('was scaled by'))).toBe(true);
  });
  it('BAD_POPULATION_COUNT, DUPLICATE_LEVEL, BAD_OPTION', () => {
    expectCode(
      () => rake(design, [{ variable: 'age', population: { y: 100, o: 0 } }]),
      'BAD_POPULATION_COUNT',
    );
    expectCode(() => rake(design, [age, age]), 'DUPLICATE_LEVEL');
    expectCode(() => rake(design, []), 'BAD_OPTION');
    expectCode(() => rake(design, [age], { maxIter: 0 }), 'BAD_OPTION');
    expectCode(() => rake(design, [age], { epsilon: -1 }), 'BAD_OPTION');
  });
});
