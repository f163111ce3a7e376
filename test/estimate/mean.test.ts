import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import type { Estimate } from '../../src/estimate/types.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';

interface DesignCase {
  id: string;
  design: string;
  subset?: Condition[] | null;
  statistic: 'mean' | 'total';
  variable: string;
  levels: string[] | null;
  n: number;
  nMissing: number;
  estimate: number[];
  se: number[];
  vcov: number[][];
  deff: number[];
  deffReplace: number[];
  degf: number;
  ci95: [number, number][];
  ci90: [number, number][];
  ci95_df: [number, number][];
  ci90_df: [number, number][];
}

type ReferenceFile = { designs: Record<string, ReferenceDesign>; cases: DesignCase[] };
const ref = loadReferenceJson<ReferenceFile>('designs.json');
const domains = loadReferenceJson<ReferenceFile>('domain.json');

/** Our rows in R's order (R lists factor levels in its own level order). */
function inROrder(rows: Estimate[], c: DesignCase): Estimate[] {
  if (!c.levels) return rows;
  return c.levels.map((level) => {
    const row = rows.find((r) => r.level === level);
    if (!row) throw new Error(`${c.id}: no row for level ${level}`);
    return row;
  });
}

function checkCase(c: DesignCase, designs: Record<string, ReferenceDesign>): void {
  const full = buildReferenceDesign(designs[c.design]!);
  const design = c.subset ? subset(full, conditionMask(full.data, c.subset)) : full;
  const estimator = c.statistic === 'mean' ? svyMean : svyTotal;
  const rows = inROrder(estimator(design, c.variable, { deff: true }), c);
  const replace = inROrder(estimator(design, c.variable, { deff: 'replace' }), c);
  const ci90 = inROrder(estimator(design, c.variable, { level: 0.9 }), c);
  const ci95df = inROrder(estimator(design, c.variable, { df: 'design' }), c);
  const ci90df = inROrder(estimator(design, c.variable, { df: 'design', level: 0.9 }), c);
  expect(rows).toHaveLength(c.estimate.length);
  rows.forEach((row, j) => {
    const what = `${c.id}[${j}]`;
    expectClose(row.estimate, c.estimate[j]!, 1e-8, `${what} estimate`);
    expectClose(row.se, c.se[j]!, 1e-8, `${what} se`);
    expectClose(row.deff!, c.deff[j]!, 1e-8, `${what} deff`);
    expectClose(replace[j]!.deff!, c.deffReplace[j]!, 1e-8, `${what} deff replace`);
    expectClose(row.ci[0], c.ci95[j]![0], 1e-8, `${what} ci95 lower`);
    expectClose(row.ci[1], c.ci95[j]![1], 1e-8, `${what} ci95 upper`);
    expectClose(ci90[j]!.ci[0], c.ci90[j]![0], 1e-8, `${what} ci90 lower`);
    expectClose(ci95df[j]!.ci[1], c.ci95_df[j]![1], 1e-8, `${what} ci95 df upper`);
    expectClose(ci90df[j]!.ci[0], c.ci90_df[j]![0], 1e-8, `${what} ci90 df lower`);
    expect(row.n, `${what} n`).toBe(c.n);
    expect(row.nMissing, `${what} nMissing`).toBe(c.nMissing);
  });
}

describe('svyMean / svyTotal match R survey 4.1.1 (designs.json)', () => {
  for (const c of ref.cases) it(c.id, () => checkCase(c, ref.designs));
});

describe('domains (subset) match R survey 4.1.1 (domain.json)', () => {
  for (const c of domains.cases) it(c.id, () => checkCase(c, domains.designs));
});

describe('published figures of R survey', () => {
  it('apistrat mean api00 662.29 (SE 9.4089); apiclus1 total enroll 3,404,940 (SE 932,235); apiclus2 mean 670.81 (SE 30.099)', () => {
    const [strat] = svyMean(buildReferenceDesign(ref.designs.dstrat!), 'api00');
    expect(strat!.estimate.toFixed(2)).toBe('662.29');
    expect(strat!.se.toFixed(4)).toBe('9.4089');
    const [clus1] = svyTotal(buildReferenceDesign(ref.designs.dclus1!), 'enroll');
    expect(Math.round(clus1!.estimate)).toBe(3404940);
    expect(Math.round(clus1!.se)).toBe(932235);
    const [clus2] = svyMean(buildReferenceDesign(ref.designs.dclus2!), 'api00');
    expect(clus2!.estimate.toFixed(2)).toBe('670.81');
    expect(clus2!.se.toFixed(3)).toBe('30.099');
  });
});

describe('svyMean behaviour', () => {
  const data = fromColumns({
    y: [1, 2, 3, 4, 5, Number.NaN, 7, 8],
    g: ['a', 'b', 'a', 'b', null, 'a', 'b', 'a'],
    s: ['s1', 's1', 's1', 's1', 's2', 's2', 's2', 's2'],
    w: [1, 2, 1, 2, 1, 2, 1, 2],
  });
  const design = svyDesign(data, { strata: 's', weights: 'w' });

  it('excludes missing values from the base and counts them', () => {
    const [m] = svyMean(design, 'y');
    expect(m!.n).toBe(7);
    expect(m!.nMissing).toBe(1);
    expect(m!.estimate).toBeCloseTo((1 + 4 + 3 + 8 + 5 + 7 + 16) / 10, 12);
  });

  it("fails on missing values with na: 'fail', naming the row", () => {
    expect(() => svyMean(design, 'y', { na: 'fail' })).toThrow(/row 6/);
  });

  it('gives one row per level for a categorical variable, shares summing to 1', () => {
    const rows = svyMean(design, 'g');
    expect(rows.map((r) => r.level)).toEqual(['a', 'b']);
    expect(rows[0]!.estimate + rows[1]!.estimate).toBeCloseTo(1, 14);
    expect(rows[0]!.se).toBeCloseTo(rows[1]!.se, 14);
    expect(rows[0]!.nMissing).toBe(1);
  });

  it('the mean of a 0/1 variable is the share of ones', () => {
    const d = svyDesign(fromColumns({ x: [0, 1, 1, 0], w: [1, 1, 2, 4] }), { weights: 'w' });
    expect(svyMean(d, 'x')[0]!.estimate).toBeCloseTo(3 / 8, 14);
  });

  it('a domain keeps the design: its SE differs from dropping rows', () => {
    const domain = subset(design, (r) => r.g === 'a');
    const [m] = svyMean(domain, 'y');
    expect(m!.n).toBe(3);
    expect(m!.nMissing).toBe(1);
    expect(m!.se).toBeGreaterThan(0);
  });

  it('names unknown variables and empty domains', () => {
    expect(() => svyMean(design, 'nope')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_VARIABLE' }),
    );
    expect(() =>
      svyMean(
        subset(design, () => false),
        'y',
      ),
    ).toThrow(expect.objectContaining({ code: 'EMPTY_DOMAIN' }));
    expect(() => svyMean(design, 'y', { level: 1.5 })).toThrow(
      expect.objectContaining({ code: 'BAD_OPTION' }),
    );
  });
});
