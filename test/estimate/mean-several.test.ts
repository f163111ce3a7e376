/**
 * svyMean / svyTotal of several variables at once (R's svymean(~a + b, design, na.rm = TRUE)):
 * estimates, SEs, the joint covariance, design effects and a contrast, against multi.json.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import type { ReferenceDesign } from '../helpers/designs.js';
import { type MultiSpec, multiDesign } from '../helpers/multi.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';

interface MeanCase {
  id: string;
  spec: MultiSpec;
  statistic: 'mean' | 'total';
  variables: string[];
  names: string[];
  n: number;
  nMissing: number;
  nMissingByVariable: Record<string, number>;
  estimate: number[];
  se: number[];
  vcov: number[][];
  deff: number[] | null;
  contrast: { coefficients: Record<string, number>; estimate: number; se: number };
}

const ref = loadReferenceJson<{ designs: Record<string, ReferenceDesign>; means: MeanCase[] }>(
  'multi.json',
);

/** Covariances near 0 (e.g. of a stratum variable's shares) are compared with an absolute floor. */
function closeOrTiny(actual: number, expected: number, scale: number, what: string) {
  if (Math.abs(expected) <= 1e-10 * scale)
    expect(Math.abs(actual), what).toBeLessThan(1e-9 * scale);
  else expectClose(actual, expected, 1e-8, what);
}

describe('svyMean / svyTotal of several variables match R (multi.json)', () => {
  for (const c of ref.means) {
    it(c.id, () => {
      const design = multiDesign(ref.designs, c.spec);
      const f = c.statistic === 'mean' ? svyMean : svyTotal;
      const deff = c.deff !== null;
      const table = f(design, c.variables, deff ? { deff: true } : {});
      expect([...table.labels]).toEqual(c.names);
      const k = c.names.length;
      expect(table).toHaveLength(k);
      const scale = Math.max(...c.vcov.map((r, a) => Math.abs(r[a]!)));
      table.forEach((row, a) => {
        expectClose(row.estimate, c.estimate[a]!, 1e-8, `${c.id} ${c.names[a]} estimate`);
        closeOrTiny(row.se ** 2, c.se[a]! ** 2, scale, `${c.id} ${c.names[a]} se`);
        expect(row.n).toBe(c.n);
        expect(row.nMissing).toBe(c.nMissing);
        if (deff && c.deff![a] !== null && Number.isFinite(c.deff![a]!) && c.se[a]! > 1e-9) {
          expectClose(row.deff!, c.deff![a]!, 1e-8, `${c.id} ${c.names[a]} deff`);
        }
      });
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          closeOrTiny(
            table.covariance[a * k + b]!,
            c.vcov[a]![b]!,
            scale,
            `${c.id} vcov[${a},${b}]`,
          );
        }
      }
      for (const v of c.variables) {
        expect(table.nMissingByVariable?.get(v)).toBe(c.nMissingByVariable[v]);
      }
      const contrast = svyContrast(table, c.contrast.coefficients);
      expectClose(contrast.estimate, c.contrast.estimate, 1e-8, `${c.id} contrast`);
      expectClose(contrast.se, c.contrast.se, 1e-8, `${c.id} contrast se`);
    });
  }
});

describe('svyMean / svyTotal of several variables: behaviour', () => {
  const data = fromColumns({
    y: [1, 2, null, 4, 5, 6, 7, 8],
    g: ['a', 'b', 'a', null, 'b', 'a', 'b', 'a'],
    z: [3, 1, 4, 1, 5, 9, 2, 6],
    psu: [1, 1, 2, 2, 3, 3, 4, 4],
    w: [1, 2, 1, 2, 1, 2, 1, 2],
  });
  const design = svyDesign(data, { ids: 'psu', weights: 'w' });

  it('a respondent missing any variable is left out for all (R na.rm = TRUE), and counted', () => {
    const table = svyMean(design, ['y', 'g']);
    expect(table.map((r) => r.n)).toEqual([6, 6, 6]);
    expect(table.map((r) => r.nMissing)).toEqual([2, 2, 2]);
    expect(table.nMissingByVariable).toEqual(
      new Map([
        ['y', 1],
        ['g', 1],
      ]),
    );
    // The same as each variable on the respondents with both.
    const both = subset(design, (r) => r.y !== null && r.g !== null);
    const y = svyMean(both, 'y')[0]!;
    expect(table[0]!.estimate).toBeCloseTo(y.estimate, 14);
    expect(table[0]!.se).toBeCloseTo(y.se, 14);
    expect(svyMean(both, 'g').map((r) => r.estimate)).toEqual(
      table.slice(1).map((r) => r.estimate),
    );
    expect(() => svyMean(design, ['y', 'g'], { na: 'fail' })).toThrow(
      expect.objectContaining({
        code: 'MISSING_VALUES',
        details: expect.objectContaining({ variable: 'y', row: 3 }),
      }),
    );
  });

  it('labels: R coefficient names for several variables, levels for one', () => {
    expect([...svyTotal(design, ['z', 'g']).labels]).toEqual(['z', 'ga', 'gb']);
    expect([...svyTotal(design, 'g').labels]).toEqual(['a', 'b']);
    expect([...svyTotal(design, ['g']).labels]).toEqual(['a', 'b']);
    expect([...svyTotal(design, 'z').labels]).toEqual(['z']);
  });

  it('one variable: the rows as before, now with their covariance', () => {
    const rows = svyMean(design, 'g');
    expect(rows.covariance).toHaveLength(4);
    expect(rows.covariance[1]).toBeCloseTo(-(rows[0]!.se ** 2), 14);
    expect(JSON.parse(JSON.stringify(rows))).toHaveLength(2);
  });

  it('a contrast between two variables uses their covariance', () => {
    const table = svyMean(design, ['y', 'z']);
    const diff = svyContrast(table, { y: 1, z: -1 });
    const V = table.covariance;
    expect(diff.se).toBeCloseTo(Math.sqrt(V[0]! + V[3]! - 2 * V[1]!), 14);
    // Not the sum of the variances: y and z covary here.
    expect(Math.abs(V[1]!)).toBeGreaterThan(0);
  });

  it('svyBy of several variables: a row per group and variable, with the joint covariance', () => {
    const table = svyBy(design, 'g', (d) => svyMean(d, ['y', 'z']));
    expect(table.map((r) => `${r.group?.g}:${r.variable}`)).toEqual(['a:y', 'a:z', 'b:y', 'b:z']);
    const own = svyMean(
      subset(design, (r) => r.g === 'a'),
      ['y', 'z'],
    );
    expect(table[0]!.estimate).toBeCloseTo(own[0]!.estimate, 14);
    expect(table[1]!.se).toBeCloseTo(own[1]!.se, 12);
    expect(table.covariance[1]).toBeCloseTo(own.covariance[1]!, 12);
  });

  it('typed errors for bad variable lists', () => {
    for (const bad of [[], ['y', 'y'], [1 as unknown as string]]) {
      expect(() => svyMean(design, bad)).toThrow(
        expect.objectContaining({ code: 'BAD_ARGUMENTS' }),
      );
    }
    expect(() => svyMean(design, ['y', 'nope'])).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_VARIABLE' }),
    );
    expect(() =>
      svyMean(
        subset(design, () => false),
        ['y', 'z'],
      ),
    ).toThrow(expect.objectContaining({ code: 'EMPTY_DOMAIN' }));
  });
});
