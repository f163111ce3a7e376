import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { LinearizationDesign } from '../../src/design/types.js';
import { EstimationError } from '../../src/errors.js';
import { svyBy } from '../../src/estimate/by.js';
import { contrastLabels, svyContrast } from '../../src/estimate/contrast.js';
import { jointCovariance } from '../../src/estimate/influence-rows.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { type ReferenceDesign, referenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';

interface ContrastCase {
  id: string;
  design: string;
  statistic: 'mean' | 'total';
  variable: string;
  coefficients: Record<string, number>;
  estimate: number;
  se: number;
  ci95: [number, number];
  ci90_df10: [number, number];
  vcov: number[][];
}
interface ByCase {
  id: string;
  design: string;
  statistic: 'mean' | 'total';
  variables: string[];
  by: string[];
  groupLabels: string[];
  flatNames: string[];
  estimate: number[][];
  contrasts: Array<{
    name: string;
    weights: Record<string, number> | null;
    estimate: number;
    se: number;
    ci95: [number, number];
  }>;
}
interface RefFile<C> {
  designs: Record<string, ReferenceDesign>;
  cases: C[];
  contrasts?: ContrastCase[];
}

const extraRef = loadReferenceJson<RefFile<unknown>>('by-extra.json');
const byRef = loadReferenceJson<RefFile<ByCase>>('by.json');

function design(ref: RefFile<unknown>, name: string): LinearizationDesign {
  return referenceDesign(ref, name);
}

describe('svyContrast on svyMean / svyTotal rows against R svycontrast (by-extra.json)', () => {
  for (const c of extraRef.contrasts!) {
    it(c.id, () => {
      const d = design(extraRef, c.design);
      const fn = c.statistic === 'mean' ? svyMean : svyTotal;
      const rows = c.variable.split('+').flatMap((v) => fn(d, v));
      // The rows' covariance (levels of one call, or several calls on one design) is R's vcov.
      const V = jointCovariance(rows);
      const k = rows.length;
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          expectClose(V[a * k + b]!, c.vcov[a]![b]!, 1e-8, `${c.id} vcov[${a}][${b}]`);
        }
      }
      const r = svyContrast(rows, c.coefficients);
      expect(r).toMatchObject({ variable: 'contrast', statistic: 'contrast' });
      expectClose(r.estimate, c.estimate, 1e-8, `${c.id} estimate`);
      expectClose(r.se, c.se, 1e-8, `${c.id} se`);
      expectClose(r.ci[0], c.ci95[0], 1e-8, `${c.id} ci lo`);
      expectClose(r.ci[1], c.ci95[1], 1e-8, `${c.id} ci hi`);
      const r90 = svyContrast(rows, c.coefficients, { level: 0.9, df: 10 });
      expectClose(r90.ci[0], c.ci90_df10[0], 1e-8, `${c.id} ci90 lo`);
      expectClose(r90.ci[1], c.ci90_df10[1], 1e-8, `${c.id} ci90 hi`);
      // Positional coefficients give the same.
      const labels = contrastLabels(rows);
      const positional = labels.map((l) => c.coefficients[l] ?? 0);
      expectClose(svyContrast(rows, positional).se, c.se, 1e-8, `${c.id} positional`);
    });
  }
});

describe('svyContrast on svyBy tables', () => {
  const dclus1 = design(byRef, 'dclus1');

  it('a filtered table keeps its covariance (same contrast as on the whole table)', () => {
    const c = byRef.cases.find((x) => x.id === 'dclus1-mean-sch.wide-by-stype')!;
    const table = svyBy(dclus1, 'stype', (d) => svyMean(d, 'sch.wide'));
    const ref = c.contrasts[0]!;
    const whole = svyContrast(table, ref.weights!);
    expectClose(whole.se, ref.se, 1e-8, 'whole');
    const yes = table.filter((r) => r.level === 'Yes');
    expect(contrastLabels(yes)).toEqual(['E', 'H', 'M']);
    const part = svyContrast(yes, { E: 1, H: -1 });
    expectClose(part.estimate, ref.estimate, 1e-8, 'filtered estimate');
    expectClose(part.se, ref.se, 1e-8, 'filtered se');
  });

  it('difference between two groups, and the base of the groups involved', () => {
    const c = byRef.cases.find((x) => x.id === 'dclus1-mean-api00-by-stype')!;
    const table = svyBy(dclus1, 'stype', (d) => svyMean(d, 'api00'));
    const ref = c.contrasts.find((x) => x.name === 'E-H')!;
    const diff = svyContrast(table, { E: 1, H: -1 });
    expectClose(diff.estimate, ref.estimate, 1e-8, 'estimate');
    expectClose(diff.se, ref.se, 1e-8, 'se');
    expect(diff.n).toBe(table[0]!.n + table[1]!.n);
    expect(svyContrast(table, { E: 1, H: -1 }, { variable: 'E - H' }).variable).toBe('E - H');
  });

  it('two svyMean calls on domains of one design combine as svyBy does', () => {
    const table = svyBy(dclus1, 'stype', (d) => svyMean(d, 'api00'));
    const e = svyMean(
      subset(dclus1, (r) => r.stype === 'E'),
      'api00',
    );
    const h = svyMean(
      subset(dclus1, (r) => r.stype === 'H'),
      'api00',
    );
    const rows = [{ ...e[0]!, level: 'E' }, ...h.map((r) => ({ ...r, level: 'H' }))];
    // Copies lose their link: only se² on the diagonal, so the difference needs the originals.
    expect(() => svyContrast(rows, { E: 1, H: -1 })).toThrow(
      expect.objectContaining({ code: 'NO_COVARIANCE' }),
    );
    const V = jointCovariance([e[0]!, h[0]!]);
    expectClose(V[1]!, table.covariance[1]!, 1e-10, 'cross covariance');
    const se = Math.sqrt(V[0]! + V[3]! - 2 * V[1]!);
    expectClose(svyContrast(table, { E: 1, H: -1 }).se, se, 1e-10, 'se');
  });

  it('an empty group (dropEmpty: false) makes a contrast using it NaN, as R gives NA', () => {
    const table = svyBy(dclus1, ['stype', 'yr.rnd'], (d) => svyMean(d, 'api00'), {
      dropEmpty: false,
    });
    const r = svyContrast(table, { 'E.No': 1, 'H.Yes': -1 });
    expect(r.estimate).toBeNaN();
    expect(r.se).toBeNaN();
    expect(svyContrast(table, { 'E.No': 1, 'E.Yes': -1 }).se).toBeGreaterThan(0);
  });
});

describe('svyContrast: labels and errors', () => {
  const data = fromColumns({
    vote: ['yes', 'no', 'yes', 'yes', 'no', 'maybe', 'no', 'yes'],
    sex: ['f', 'f', 'f', 'm', 'm', 'm', 'f', 'm'],
    y: [1, 2, 3, 4, 5, 6, 7, 8],
    w: [1, 2, 1, 1, 1, 2, 3, 1],
  });
  const d = svyDesign(data, { weights: 'w' });

  it('labels: levels, variables, R coefficient names when levels repeat', () => {
    expect(contrastLabels(svyMean(d, 'vote'))).toEqual(['yes', 'no', 'maybe']);
    expect(contrastLabels([...svyMean(d, 'y'), ...svyTotal(d, 'w')])).toEqual(['y', 'w']);
    const twice = [...svyMean(d, 'sex'), ...svyMean(d, 'vote'), ...svyTotal(d, 'sex')];
    expect(contrastLabels(twice)).toEqual([
      'sexf[1]',
      'sexm[2]',
      'voteyes',
      'voteno',
      'votemaybe',
      'sexf[6]',
      'sexm[7]',
    ]);
  });

  it('unknown label: UNKNOWN_LEVEL listing the valid ones', () => {
    const rows = svyMean(d, 'vote');
    let error: unknown;
    try {
      svyContrast(rows, { yes: 1, Yes: -1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EstimationError);
    expect(error).toMatchObject({
      code: 'UNKNOWN_LEVEL',
      details: { level: 'Yes', valid: ['yes', 'no', 'maybe'] },
    });
    expect((error as Error).message).toContain('yes, no, maybe');
  });

  it('bad coefficients and options: BAD_OPTION', () => {
    const rows = svyMean(d, 'vote');
    for (const bad of [
      () => svyContrast(rows, [1, -1]),
      () => svyContrast(rows, { yes: Number.NaN }),
      () => svyContrast(rows, { yes: 1 }, { level: 1.5 }),
      () => svyContrast(rows, { yes: 1 }, { df: 0 }),
    ]) {
      expect(bad).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    }
  });

  it('a single row: estimate c·θ, se |c|·se; shares of one variable sum to 1 with se 0', () => {
    const rows = svyMean(d, 'vote');
    const r = svyContrast(rows, { no: 2 });
    expect(r.estimate).toBeCloseTo(2 * rows[1]!.estimate, 14);
    expect(r.se).toBeCloseTo(2 * rows[1]!.se, 14);
    expect(r.n).toBe(8);
    const sum = svyContrast(rows, [1, 1, 1]);
    expect(sum.estimate).toBeCloseTo(1, 14);
    expect(sum.se).toBeLessThan(1e-12);
  });
});
