import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import type { CalibrateStep, Margin } from '../../src/design/weighting-history.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { rake } from '../../src/weighting/rake.js';
import { expectClose } from '../helpers/reference.js';
import {
  baseDesign,
  checkCase,
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

const cases = ref.cases.filter((c) => c.method === 'calibrate' && c.error === null);
const failures = ref.cases.filter((c) => c.method === 'calibrate' && c.error !== null);

describe('calibrate matches R survey 4.1.1 (weights, estimates, SEs to 1e-8)', () => {
  it('has the reference cases', () => expect(cases.length).toBeGreaterThanOrEqual(14));
  for (const c of cases) it(c.id, () => checkCase(c));
});

describe('calibrate: where R fails, a typed error', () => {
  for (const c of failures) {
    it(`${c.id} (R: ${c.error})`, () => {
      const e = expectCode(() => weightCase(c), 'INFEASIBLE_BOUNDS');
      expect(e.details.bounds).toEqual(c.params.bounds);
    });
  }

  it('a level that needs a g-weight outside the bounds is named', () => {
    const e = expectCode(
      () => weightCase(refCase('dclus1-calibrate-linear-0.9-1.5')),
      'INFEASIBLE_BOUNDS',
    );
    expect(e.details).toMatchObject({ variable: 'stype', level: 'H', population: 755 });
    expect(e.details.value as number).toBeCloseTo(755 / (14 * 33.847), 3);
  });
});

describe('calibrate: published figures (R tests/rakecheck.R, tests/kalton.R)', () => {
  it('calibrate(calfun = "raking") gives the raked weights: mean 641.23 (23.704), total 3,647,280 (400,603)', () => {
    const c = refCase('dclus1-calibrate-raking-totals');
    const d = checkCase(c);
    const raked = weightCase(refCase('dclus1-rake-stype-schwide'));
    for (let i = 0; i < d.weights.length; i++)
      expectClose(d.weights[i]!, raked.weights[i]!, 1e-10, `w${i}`);
    const [m] = svyMean(d, 'api00');
    const [t] = svyTotal(d, 'enroll');
    expect(m!.estimate.toFixed(2)).toBe('641.23');
    expect(m!.se.toFixed(3)).toBe('23.704');
    expect(t!.estimate.toFixed(0)).toBe('3647280');
    expect(t!.se.toFixed(0)).toBe('400603');
  });

  it('Kalton & Flores-Cervantes: linear, bounded linear, raking and logit ratios as R', () => {
    const { margins } = kaltonPopulation();
    const design = kaltonDesign();
    const runs: Array<[string, Parameters<typeof calibrate>[1]]> = [
      ['calibrate_linear', { margins, calfun: 'linear' }],
      ['calibrate_linear_bounded', { margins, calfun: 'linear', bounds: [0.5, 2.2] }],
      ['calibrate_raking', { margins, calfun: 'raking' }],
      ['calibrate_logit', { margins, calfun: 'logit', bounds: [0.5, 2.2] }],
    ];
    for (const [key, opts] of runs) {
      const got = kaltonRatios(calibrate(design, opts));
      expectTableClose(got, ref.kalton.results[key]!, 1e-8, key);
    }
  });
});

describe('calibrate: the calibrated design', () => {
  const c = refCase('dpoll-calibrate-logit-0.86-1.27');
  const margins = c.params.margins as Margin[];

  it('meets every margin, keeps g within the bounds, leaves the input unchanged', () => {
    const design = baseDesign('dpoll');
    const before = snapshot(design);
    for (const calfun of ['linear', 'raking', 'logit'] as const) {
      const d = calibrate(design, { margins, calfun, bounds: [0.86, 1.27] });
      for (const m of margins) {
        const rows = svyTotal(d, m.variable);
        for (const [level, count] of Object.entries(m.population)) {
          expectClose(rows.find((r) => r.level === level)!.estimate, count, 1e-10, level);
        }
      }
      const step = d.calibration![0] as CalibrateStep;
      expect(step.method).toBe('calibrate');
      expect(step.calfun).toBe(calfun);
      expect(step.converged).toBe(true);
      expect(step.iterations).toBeGreaterThan(1);
      for (const g of step.g) {
        expect(g).toBeGreaterThanOrEqual(0.86 - 1e-12);
        expect(g).toBeLessThanOrEqual(1.27 + 1e-12);
      }
      expect(step.columns).toEqual([
        '(Intercept)',
        'sexMale',
        'agegroup30-39',
        'agegroup40-49',
        'agegroup50-59',
        'agegroup60+',
      ]);
    }
    expect(snapshot(design)).toEqual(before);
  });

  it('raking calibration = rake() weights; SEs differ with unequal weights, as in R', () => {
    const cal = weightCase(refCase('dpoll-calibrate-raking'));
    const rk = weightCase(refCase('dpoll-rake-sex-agegroup'));
    for (let i = 0; i < cal.weights.length; i++)
      expectClose(cal.weights[i]!, rk.weights[i]!, 1e-10, `w${i}`);
    const a = svyMean(cal, 'support')[0]!.se;
    const b = svyMean(rk, 'support')[0]!.se;
    expect(Math.abs(a - b) / b).toBeGreaterThan(1e-4);
  });

  it('a numeric total is met too (R: ~sex + agegroup + age)', () => {
    const cc = refCase('dpoll-calibrate-linear-age');
    const d = checkCase(cc);
    expectClose(svyTotal(d, 'age')[0]!.estimate, 23500000, 1e-10, 'age total');
    expect((d.calibration![0] as CalibrateStep).columns.at(-1)).toBe('age');
  });

  it('linear calibration without bounds is one step and can make weights negative (noted)', () => {
    const d0 = svyDesign(fromColumns({ g: ['a', 'a', 'b', 'b'], x: [0, 1, 2, 30] }));
    const d = calibrate(d0, {
      margins: [{ variable: 'g', population: { a: 2, b: 2 } }],
      totals: [{ variable: 'x', total: 3 }],
      calfun: 'linear',
    });
    expect(d.calibration![0]!.iterations).toBe(1);
    expect(Math.min(...d.weights)).toBeLessThan(0);
    expect(d.warnings.some((w) => w.includes('negative'))).toBe(true);
    expectClose(svyTotal(d, 'x')[0]!.estimate, 3, 1e-12, 'x total');
  });

  it("rescales weights far below the population first, as R's grake does", () => {
    const d0 = svyDesign(fromColumns({ g: ['a', 'a', 'b', 'b', 'b'] }));
    const d = calibrate(d0, {
      margins: [{ variable: 'g', population: { a: 400, b: 600 } }],
      calfun: 'raking',
    });
    expect(Array.from(d.weights)).toEqual([200, 200, 200, 200, 200]);
    expect(d.warnings.some((w) => w.includes('rescaled'))).toBe(true);
  });
});

describe('calibrate: typed errors', () => {
  const data = fromColumns({
    g: ['a', 'a', 'b', 'b'],
    h: ['x', 'y', 'x', null],
    num: [1, 2, 3, 4],
    numNA: [1, null, 3, 4],
  });
  const design = svyDesign(data);
  const g: Margin = { variable: 'g', population: { a: 5, b: 5 } };

  it('BAD_OPTION: calfun, bounds, logit without bounds, no margins', () => {
    expectCode(
      () => calibrate(design, { margins: [g], calfun: 'cubic' as 'linear' }),
      'BAD_OPTION',
    );
    expectCode(() => calibrate(design, { margins: [g], calfun: 'logit' }), 'BAD_OPTION');
    expectCode(
      () =>
        calibrate(design, {
          margins: [g],
          calfun: 'logit',
          bounds: [0.5, Number.POSITIVE_INFINITY],
        }),
      'BAD_OPTION',
    );
    expectCode(
      () => calibrate(design, { margins: [g], calfun: 'linear', bounds: [1.2, 2] }),
      'BAD_OPTION',
    );
    expectCode(() => calibrate(design, { margins: [], calfun: 'linear' }), 'BAD_OPTION');
    expectCode(
      () => calibrate(design, { margins: [g], calfun: 'raking', maxIter: 1.5 }),
      'BAD_OPTION',
    );
  });
  it('UNKNOWN_VARIABLE, NOT_CATEGORICAL, NOT_NUMERIC', () => {
    expectCode(
      () =>
        calibrate(design, {
          margins: [g, { variable: 'zz', population: { a: 10 } }],
          calfun: 'linear',
        }),
      'UNKNOWN_VARIABLE',
    );
    expectCode(
      () =>
        calibrate(design, {
          margins: [{ variable: 'num', population: { '1': 10 } }],
          calfun: 'linear',
        }),
      'NOT_CATEGORICAL',
    );
    expectCode(
      () =>
        calibrate(design, {
          margins: [g],
          totals: [{ variable: 'h', total: 3 }],
          calfun: 'linear',
        }),
      'NOT_NUMERIC',
    );
    expectCode(
      () =>
        calibrate(design, {
          margins: [g],
          totals: [{ variable: 'zz', total: 3 }],
          calfun: 'linear',
        }),
      'UNKNOWN_VARIABLE',
    );
  });
  it('MISSING_WEIGHTING_VALUE in a margin or a numeric variable', () => {
    const e = expectCode(
      () =>
        calibrate(design, {
          margins: [g, { variable: 'h', population: { x: 5, y: 5 } }],
          calfun: 'linear',
        }),
      'MISSING_WEIGHTING_VALUE',
    );
    expect(e.details).toMatchObject({ variable: 'h', count: 1, row: 4 });
    const e2 = expectCode(
      () =>
        calibrate(design, {
          margins: [g],
          totals: [{ variable: 'numNA', total: 3 }],
          calfun: 'linear',
        }),
      'MISSING_WEIGHTING_VALUE',
    );
    expect(e2.details).toMatchObject({ variable: 'numNA', count: 1, row: 2 });
  });
  it('EMPTY_CELL, MISSING_POPULATION_LEVEL, INCONSISTENT_MARGINS, BAD_POPULATION_COUNT', () => {
    expectCode(
      () =>
        calibrate(design, {
          margins: [{ variable: 'g', population: { a: 5, b: 5, c: 1 } }],
          calfun: 'raking',
        }),
      'EMPTY_CELL',
    );
    expectCode(
      () =>
        calibrate(design, { margins: [{ variable: 'g', population: { a: 5 } }], calfun: 'raking' }),
      'MISSING_POPULATION_LEVEL',
    );
    const d = svyDesign(fromColumns({ g: ['a', 'b'], k: ['u', 'v'] }));
    expectCode(
      () =>
        calibrate(d, {
          margins: [
            { variable: 'g', population: { a: 5, b: 5 } },
            { variable: 'k', population: { u: 5, v: 6 } },
          ],
          calfun: 'linear',
        }),
      'INCONSISTENT_MARGINS',
    );
    expectCode(
      () =>
        calibrate(design, {
          margins: [{ variable: 'g', population: { a: 5, b: -1 } }],
          calfun: 'linear',
        }),
      'BAD_POPULATION_COUNT',
    );
    expectCode(
      () =>
        calibrate(design, {
          margins: [g],
          totals: [{ variable: 'num', total: Number.NaN }],
          calfun: 'linear',
        }),
      'BAD_POPULATION_COUNT',
    );
  });
  it('NOT_CONVERGED when unbounded totals cannot be met (collinear in the sample)', () => {
    // x is 1 for every "a" and 0 for every "b": its total must equal the count of a.
    const d = svyDesign(fromColumns({ g: ['a', 'a', 'b', 'b'], x: [1, 1, 0, 0] }));
    const e = expectCode(
      () =>
        calibrate(d, {
          margins: [{ variable: 'g', population: { a: 5, b: 5 } }],
          totals: [{ variable: 'x', total: 7 }],
          calfun: 'linear',
        }),
      'NOT_CONVERGED',
    );
    expect(e.message).toContain('collinear');
  });
  it('INFEASIBLE_BOUNDS names the level', () => {
    const e = expectCode(
      () =>
        calibrate(design, {
          margins: [{ variable: 'g', population: { a: 1, b: 9 } }],
          calfun: 'raking',
          bounds: [0.5, 2],
        }),
      'INFEASIBLE_BOUNDS',
    );
    expect(e.details).toMatchObject({ variable: 'g', level: 'b', population: 9 });
  });
});

describe('calibrate vs rake on the same margins', () => {
  it('raking calibration and rake agree on the weights of a generated sample', () => {
    const n = 400;
    const sex = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'M' : 'F'));
    const age = Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][Math.floor(i / 7) % 3]!);
    const w = Array.from({ length: n }, (_, i) => 1 + (i % 5));
    const d0 = svyDesign(fromColumns({ sex, age, w }), { weights: 'w' });
    const margins: Margin[] = [
      { variable: 'sex', population: { M: 600, F: 600 } },
      { variable: 'age', population: { a: 300, b: 400, c: 500 } },
    ];
    const a = calibrate(d0, { margins, calfun: 'raking' });
    const b = rake(d0, margins);
    for (let i = 0; i < n; i++) expectClose(a.weights[i]!, b.weights[i]!, 1e-10, `w${i}`);
  });
});
