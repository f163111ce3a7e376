import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset, weights } from '../../src/design/subset.js';
import { svyMean } from '../../src/estimate/mean.js';
import { loadReferenceData } from '../helpers/reference.js';

const base = {
  y: [1, 2, 3, 4, 5, 6],
  psu: [1, 1, 2, 2, 1, 2],
  st: ['a', 'a', 'a', 'a', 'b', 'b'],
  w: [1, 1, 2, 2, 3, 3],
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('svyDesign builds stages', () => {
  it('each respondent is a PSU when ids are omitted', () => {
    const d = svyDesign(fromColumns(base), { weights: 'w' });
    expect(d.stages).toHaveLength(1);
    expect(d.stages[0]!.nClusters).toBe(6);
    expect(d.stages[0]!.nStrata).toBe(1);
  });

  it('nest: true makes PSU ids unique within strata', () => {
    const d = svyDesign(fromColumns(base), { ids: 'psu', strata: 'st', weights: 'w', nest: true });
    expect(d.stages[0]!.nClusters).toBe(4);
    expect(Array.from(d.stages[0]!.stratumSampled)).toEqual([2, 2]);
  });

  it('later stages nest in earlier ones', () => {
    const data = loadReferenceData('apiclus2.csv');
    const d = svyDesign(data, { ids: ['dnum', 'snum'], fpc: ['fpc1', 'fpc2'] });
    expect(d.stages[0]!.nClusters).toBe(40);
    expect(d.stages[1]!.nClusters).toBe(126);
    expect(d.stages[1]!.nStrata).toBe(40);
  });

  it('derives weights from fpc population sizes as R does', () => {
    const data = loadReferenceData('apiclus2.csv');
    const d = svyDesign(data, { ids: ['dnum', 'snum'], fpc: ['fpc1', 'fpc2'] });
    const pw = data.columns.pw!;
    if (pw.kind !== 'numeric') throw new Error('pw');
    for (const [i, w] of weights(d).entries()) expect(w).toBeCloseTo(pw.values[i]!, 6);
  });

  it('probs are inverted into weights', () => {
    const d = svyDesign(fromColumns({ p: [0.5, 0.25], y: [1, 2] }), { probs: 'p' });
    expect(Array.from(d.weights)).toEqual([2, 4]);
  });

  it('records what R would warn about', () => {
    const d = svyDesign(fromColumns({ y: [1, 2] }));
    expect(d.warnings[0]).toMatch(/weight 1/);
  });
});

describe('svyDesign errors name the column, row and value', () => {
  it('unknown column', () => {
    expect(() => svyDesign(fromColumns(base), { weights: 'wt' })).toThrow(
      /weights column "wt" is not in the data/,
    );
    expect(code(() => svyDesign(fromColumns(base), { ids: 'cluster' }))).toBe('UNKNOWN_COLUMN');
  });

  it('missing, non-finite, negative and zero weights', () => {
    const bad = (w: number[]) => () => svyDesign(fromColumns({ ...base, w }), { weights: 'w' });
    expect(code(bad([1, Number.NaN, 1, 1, 1, 1]))).toBe('MISSING_WEIGHT');
    expect(bad([1, Number.NaN, 1, 1, 1, 1])).toThrow(/row 2/);
    expect(code(bad([1, 1, Number.POSITIVE_INFINITY, 1, 1, 1]))).toBe('NON_FINITE_WEIGHT');
    expect(code(bad([1, 1, 1, -2, 1, 1]))).toBe('NEGATIVE_WEIGHT');
    expect(bad([1, 1, 1, -2, 1, 1])).toThrow(/-2 at row 4/);
    expect(code(bad([1, 1, 1, 1, 0, 1]))).toBe('ZERO_WEIGHT');
    const kept = svyDesign(fromColumns({ ...base, w: [1, 1, 1, 1, 0, 1] }), {
      weights: 'w',
      allowZeroWeights: true,
    });
    expect(kept.weights[4]).toBe(0);
  });

  it('non-numeric weights', () => {
    const data = fromColumns({ ...base, w: ['1', '2', 'two', '1', '1', '1'] });
    expect(() => svyDesign(data, { weights: 'w' })).toThrow(/row 3 has "two"/);
  });

  it('missing cluster or stratum', () => {
    const data = fromColumns({ ...base, psu: [1, 1, Number.NaN, 2, 1, 2] });
    expect(code(() => svyDesign(data, { ids: 'psu', weights: 'w' }))).toBe('MISSING_DESIGN_VALUE');
    expect(() => svyDesign(data, { ids: 'psu', weights: 'w' })).toThrow(/row 3/);
  });

  it('clusters not nested in strata, unless nest: true', () => {
    expect(() => svyDesign(fromColumns(base), { ids: 'psu', strata: 'st', weights: 'w' })).toThrow(
      /use nest: true/,
    );
  });

  it('a single PSU', () => {
    const data = fromColumns({ ...base, psu: [1, 1, 1, 1, 1, 1] });
    expect(code(() => svyDesign(data, { ids: 'psu', weights: 'w' }))).toBe('SINGLE_PSU');
  });

  it('bad fpc: mixed kinds, varying in a stratum, below the sample size', () => {
    const d = (fpc: number[]) => () =>
      svyDesign(fromColumns({ ...base, fpc }), { strata: 'st', fpc: 'fpc' });
    expect(code(d([10, 10, 10, 10, 0.5, 0.5]))).toBe('BAD_FPC');
    expect(code(d([10, 10, 11, 10, 5, 5]))).toBe('FPC_VARIES');
    expect(d([10, 10, 10, 10, 1, 1])).toThrow(/fewer than the 2 sampled units/);
  });

  it('lonely PSU under the default rule names the stratum', () => {
    const data = fromColumns({ ...base, st: ['a', 'a', 'a', 'a', 'a', 'b'] });
    expect(() => svyDesign(data, { strata: 'st', weights: 'w' })).toThrow(
      /stratum "b" has only one PSU/,
    );
    const ok = svyDesign(data, { strata: 'st', weights: 'w', lonelyPsu: 'remove' });
    expect(svyMean(ok, 'y')[0]!.se).toBeGreaterThan(0);
  });

  it('bad options', () => {
    expect(code(() => svyDesign(fromColumns(base), { weights: 'w', probs: 'w' }))).toBe(
      'BAD_OPTION',
    );
    expect(code(() => svyDesign(fromColumns(base), { lonelyPsu: 'drop' as never }))).toBe(
      'BAD_OPTION',
    );
  });
});

describe('subset', () => {
  const design = svyDesign(fromColumns(base), { weights: 'w' });
  it('nests and keeps every row of the design', () => {
    const a = subset(design, (r) => (r.y as number) > 2);
    const b = subset(a, (r) => r.st === 'a');
    expect(Array.from(b.domain!)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(b.weights).toBe(design.weights);
    expect(design.domain).toBeNull();
  });
  it('accepts a mask of the right length only', () => {
    expect(Array.from(subset(design, [1, 0, 1, 0, 1, 0]).domain!)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(() => subset(design, [true, false])).toThrow(/2 entries for 6 respondents/);
  });
});
