import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { PopulationCell, PostStratifyStep } from '../../src/design/weighting-history.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { trimWeights } from '../../src/weighting/trim.js';
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
} from './reference-cases.js';

const cases = ref.cases.filter((c) => c.method === 'postStratify');

describe('postStratify matches R survey 4.1.1 (weights, estimates, SEs to 1e-8)', () => {
  it('has the reference cases', () => expect(cases.length).toBeGreaterThanOrEqual(4));
  for (const c of cases) it(c.id, () => checkCase(c));
});

describe('postStratify: published figures', () => {
  it('apiclus1 post-stratified on stype: mean 642.31 (23.921), total 3,680,893 (406,293)', () => {
    const d = checkCase(refCase('dclus1-poststratify-stype'));
    const [m] = svyMean(d, 'api00');
    const [t] = svyTotal(d, 'enroll');
    expect(m!.estimate.toFixed(2)).toBe('642.31');
    // survey 4.1.1 gives 23.92049 (as we do); the published 23.921 is 0.51 units of its last digit
    // away, so compare to within one unit.
    expect(Math.abs(m!.se - 23.921)).toBeLessThanOrEqual(0.001);
    expect(t!.estimate.toFixed(0)).toBe('3680893');
    expect(t!.se.toFixed(0)).toBe('406293');
  });

  it('Kalton & Flores-Cervantes: post-stratified weights are the cell ratios (R tests/kalton.R)', () => {
    const { cells } = kaltonPopulation();
    const d = postStratify(kaltonDesign(), { variables: ['a', 'b'], population: cells });
    const got = kaltonRatios(d);
    for (const key of ['poststratify', 'calibrate_joint']) {
      expectTableClose(got, ref.kalton.results[key]!, 1e-8, key);
    }
  });
});

describe('postStratify: the weighted design', () => {
  const population: PopulationCell[] = [
    { g: 'a', count: 60 },
    { g: 'b', count: 40 },
  ];
  const data = fromColumns({
    g: ['a', 'a', 'b', 'b', 'b'],
    y: [1, 2, 3, 4, 5],
    w: [1, 2, 1, 1, 2],
    x: [1, 2, 3, 4, 5],
  });
  const design = svyDesign(data, { weights: 'w' });

  it('meets every cell count and leaves the input design unchanged', () => {
    const before = snapshot(design);
    const d = postStratify(design, { variables: ['g'], population });
    expect(snapshot(design)).toEqual(before);
    expect(design.calibration).toBeUndefined();
    expect(d).not.toBe(design);
    expect(Array.from(d.weights)).toEqual([20, 40, 10, 10, 20]);
    const step = d.calibration![0] as PostStratifyStep;
    expect(step.method).toBe('postStratify');
    expect(step.iterations).toBe(1);
    expect(step.converged).toBe(true);
    expect(Array.from(step.factors)).toEqual([20, 10]);
    expect(step.oldWeights).toBe(design.weights);
    const totals = svyTotal(d, 'g');
    expect(totals.map((r) => r.estimate)).toEqual([60, 40]);
    expect(totals.map((r) => r.se)).toEqual([0, 0]);
  });

  it('post-strata of two variables, population given in any order', () => {
    const d2 = fromColumns({ s: ['F', 'M', 'F', 'M'], a: ['y', 'y', 'o', 'o'] });
    const d = postStratify(svyDesign(d2), {
      variables: ['s', 'a'],
      population: [
        { a: 'o', s: 'M', count: 4 },
        { s: 'F', a: 'y', count: 1 },
        { s: 'M', a: 'y', count: 2 },
        { s: 'F', a: 'o', count: 3 },
      ],
    });
    expect(Array.from(d.weights)).toEqual([1, 2, 3, 4]);
  });

  it('partial: true leaves out population cells without respondents, and says so', () => {
    const pop = [...population, { g: 'c', count: 5 }];
    const err = expectCode(
      () => postStratify(design, { variables: ['g'], population: pop }),
      'EMPTY_CELL',
    );
    expect(err.details).toMatchObject({ variable: 'g', level: 'c', value: 5 });
    expect(err.message).toContain('partial: true');
    const d = postStratify(design, { variables: ['g'], population: pop, partial: true });
    expect(Array.from(d.weights)).toEqual([20, 40, 10, 10, 20]);
    const step = d.calibration![0] as PostStratifyStep;
    expect(step.droppedCells).toEqual(['c']);
    expect(d.warnings.some((w) => w.includes('left out'))).toBe(true);
  });

  it('a domain of the post-stratified design keeps the calibration (R: weights set to zero)', () => {
    const d = postStratify(baseDesign('dclus1'), {
      variables: ['stype'],
      population: refCase('dclus1-poststratify-stype').params.population,
    });
    const dom = subset(d, (r) => r.stype === 'E');
    expect(dom.calibration).toBe(d.calibration);
    expect(svyMean(dom, 'api00')[0]!.se).toBeGreaterThan(0);
  });

  it("weighting a design with a domain weights the domain's respondents only (R's subset)", () => {
    // Row 3 is not in the domain: the other b rows (weights 1 and 2) carry b's 40.
    const dom = subset(design, (r) => r.x !== 3);
    const d = postStratify(dom, { variables: ['g'], population });
    expect(Array.from(d.weights)).toEqual([20, 40, 0, 40 / 3, 80 / 3]);
    expect(d.domain).toBe(dom.domain);
    const step = d.calibration![0] as PostStratifyStep;
    expect(step.rows).toBe(dom.domain);
    expect(Array.from(step.cells)).toEqual([0, 0, -1, 1, 1]);
    expect(d.warnings.some((w) => w.includes("the 4 respondents of the design's domain"))).toBe(
      true,
    );
    // The domain's totals are the population's, with no error left (R: SE 0).
    const totals = svyTotal(d, 'g');
    expect(totals.map((r) => r.estimate)).toEqual([60, 40]);
    for (const r of totals) expect(r.se).toBeLessThan(1e-12);
    // A population cell the domain has no respondent in is an error, even if the design has.
    expect(() =>
      postStratify(
        subset(design, (r) => r.g === 'a'),
        { variables: ['g'], population },
      ),
    ).toThrow(expect.objectContaining({ code: 'EMPTY_CELL' }));
    expect(() =>
      postStratify(
        subset(design, () => false),
        { variables: ['g'], population },
      ),
    ).toThrow(expect.objectContaining({ code: 'EMPTY_DOMAIN' }));
  });
});

describe('postStratify: typed errors', () => {
  const data = fromColumns({
    g: ['a', 'a', 'b', null, 'b', null],
    h: ['x', 'y', 'x', 'y', 'x', 'y'],
    num: [1, 2, 3, 4, 5, 6],
  });
  const design = svyDesign(data);
  const pop = (cells: Array<[string, number]>, v = 'h') =>
    cells.map(([level, count]) => ({ [v]: level, count }));

  it('UNKNOWN_VARIABLE', () => {
    const e = expectCode(
      () => postStratify(design, { variables: ['nope'], population: pop([['x', 1]], 'nope') }),
      'UNKNOWN_VARIABLE',
    );
    expect(e.details.variable).toBe('nope');
  });
  it('NOT_CATEGORICAL', () => {
    const e = expectCode(
      () => postStratify(design, { variables: ['num'], population: pop([['1', 1]], 'num') }),
      'NOT_CATEGORICAL',
    );
    expect(e.details.variable).toBe('num');
  });
  it('MISSING_WEIGHTING_VALUE with the count and first row', () => {
    const e = expectCode(
      () =>
        postStratify(design, {
          variables: ['g'],
          population: pop(
            [
              ['a', 1],
              ['b', 1],
            ],
            'g',
          ),
        }),
      'MISSING_WEIGHTING_VALUE',
    );
    expect(e.details).toMatchObject({ variable: 'g', count: 2, row: 4 });
  });
  it('MISSING_POPULATION_LEVEL for a respondent level the population lacks', () => {
    const e = expectCode(
      () => postStratify(design, { variables: ['h'], population: pop([['x', 10]]) }),
      'MISSING_POPULATION_LEVEL',
    );
    expect(e.details).toMatchObject({ variable: 'h', level: 'y', count: 3, row: 2 });
  });
  it('MISSING_POPULATION_LEVEL for a respondent cell the population lacks', () => {
    const d = svyDesign(fromColumns({ s: ['F', 'M', 'F'], a: ['y', 'y', 'o'] }));
    const e = expectCode(
      () =>
        postStratify(d, {
          variables: ['s', 'a'],
          population: [
            { s: 'F', a: 'y', count: 1 },
            { s: 'M', a: 'o', count: 1 },
          ],
        }),
      'MISSING_POPULATION_LEVEL',
    );
    expect(e.details).toMatchObject({ level: 'M.y', count: 1, row: 2 });
  });
  it('EMPTY_CELL for a population level no respondent has', () => {
    const e = expectCode(
      () =>
        postStratify(design, {
          variables: ['h'],
          population: pop([
            ['x', 10],
            ['y', 10],
            ['z', 3],
          ]),
        }),
      'EMPTY_CELL',
    );
    expect(e.details).toMatchObject({ variable: 'h', level: 'z' });
  });
  it('BAD_POPULATION_COUNT for zero, negative or missing counts', () => {
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const e = expectCode(
        () =>
          postStratify(design, {
            variables: ['h'],
            population: pop([
              ['x', 10],
              ['y', bad],
            ]),
          }),
        'BAD_POPULATION_COUNT',
      );
      expect(e.details.level).toContain('y');
    }
  });
  it('DUPLICATE_LEVEL for a cell listed twice', () => {
    expectCode(
      () =>
        postStratify(design, {
          variables: ['h'],
          population: pop([
            ['x', 10],
            ['y', 10],
            ['x', 3],
          ]),
        }),
      'DUPLICATE_LEVEL',
    );
  });
  it('UNSUPPORTED_DESIGN for a design of neither known type (all four functions)', () => {
    const other = { ...design, type: 'twophase' } as unknown as typeof design;
    const population = pop([
      ['x', 1],
      ['y', 1],
    ]);
    const margins = [{ variable: 'h', population: { x: 1, y: 1 } }];
    expectCode(() => postStratify(other, { variables: ['h'], population }), 'UNSUPPORTED_DESIGN');
    expectCode(() => rake(other, margins), 'UNSUPPORTED_DESIGN');
    expectCode(() => calibrate(other, { margins, calfun: 'linear' }), 'UNSUPPORTED_DESIGN');
    expectCode(() => trimWeights(other, { upper: 2 }), 'UNSUPPORTED_DESIGN');
  });
  it('BAD_OPTION for no variables or a cell without a level', () => {
    expectCode(
      () => postStratify(design, { variables: [], population: pop([['x', 1]]) }),
      'BAD_OPTION',
    );
    expectCode(
      () =>
        postStratify(design, {
          variables: ['h'],
          population: [{ count: 3 }],
        }),
      'BAD_OPTION',
    );
  });
});
