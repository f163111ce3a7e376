/**
 * svyTable of n variables (cells as rows): counts and shares with SEs and covariances (R's
 * svytotal / svymean of ~interaction(...)), shares within margins (svyby(..., svymean)), against
 * multi.json; and the two-way form's wrong calls.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyChisq, svyTable } from '../../src/estimate/table.js';
import type { ReferenceDesign } from '../helpers/designs.js';
import { thrown } from '../helpers/errors.js';
import { type MultiSpec, multiDesign } from '../helpers/multi.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';

interface TableCase {
  id: string;
  spec: MultiSpec;
  variables: string[];
  within: string[];
  cells: string[];
  n: number;
  nMissing: number;
  cellN: number[];
  count: number[];
  countSe: number[];
  countVcov: number[][];
  share: number[];
  shareSe: number[];
  shareVcov: number[][];
  svytable: number[];
  withinShare: Array<number | null>;
  withinShareSe: Array<number | null>;
  contrast: { first: string; last: string; estimate: number; se: number };
}

const ref = loadReferenceJson<{ designs: Record<string, ReferenceDesign>; tables: TableCase[] }>(
  'multi.json',
);

/** Relative to the largest entry of the kind (zero cells have SE 0 in R too). */
function close(actual: number, expected: number, scale: number, what: string) {
  if (Math.abs(expected) <= 1e-12 * scale)
    expect(Math.abs(actual), what).toBeLessThan(1e-10 * scale);
  else expectClose(actual, expected, 1e-8, what);
}

describe('svyTable of n variables matches R (multi.json)', () => {
  for (const c of ref.tables) {
    it(c.id, () => {
      const design = multiDesign(ref.designs, c.spec);
      const t = svyTable(design, c.variables, { within: c.within });
      expect(t.cells.map((x) => x.label)).toEqual(c.cells);
      expect(t.n).toBe(c.n);
      expect(t.nMissing).toBe(c.nMissing);
      const K = c.cells.length;
      const countScale = Math.max(...c.count);
      const shareScale = Math.max(...c.share);
      t.cells.forEach((cell, k) => {
        const what = `${c.id} ${cell.label}`;
        expect(cell.n).toBe(c.cellN[k]);
        expect(cell.levels.join('.')).toBe(cell.label);
        close(cell.count, c.count[k]!, countScale, `${what} count`);
        close(cell.countSe, c.countSe[k]!, countScale, `${what} count se`);
        close(cell.share, c.share[k]!, shareScale, `${what} share`);
        close(cell.shareSe, c.shareSe[k]!, shareScale, `${what} share se`);
        const ws = c.withinShare[k];
        if (ws === null) {
          expect(cell.withinShare).toBeNaN();
          expect(cell.withinShareSe).toBeNaN();
        } else {
          close(cell.withinShare!, ws!, 1, `${what} within share`);
          close(cell.withinShareSe!, c.withinShareSe[k]!, 1, `${what} within share se`);
        }
        // svytable's counts: the same unless a replicate design rescales them (missing values).
        if (!(c.spec.rep && c.nMissing > 0))
          close(cell.count, c.svytable[k]!, countScale, `${what} svytable`);
      });
      const cs = countScale * countScale;
      const ss = shareScale * shareScale;
      for (let a = 0; a < K; a++) {
        for (let b = 0; b < K; b++) {
          close(t.counts.covariance[a * K + b]!, c.countVcov[a]![b]!, cs, `${c.id} count vcov`);
          close(t.shares.covariance[a * K + b]!, c.shareVcov[a]![b]!, ss, `${c.id} share vcov`);
        }
      }
      const k = svyContrast(t.shares, { [c.contrast.first]: 1, [c.contrast.last]: -1 });
      expectClose(k.estimate, c.contrast.estimate, 1e-8, `${c.id} contrast`);
      expectClose(k.se, c.contrast.se, 1e-8, `${c.id} contrast se`);
    });
  }
});

describe('svyTable of n variables: behaviour', () => {
  const data = fromColumns({
    a: ['x', 'y', 'x', 'y', 'x', 'y', 'x', null],
    b: ['u', 'u', 'v', 'v', 'u', 'v', 'v', 'u'],
    c: [1, 2, 1, 2, 2, 1, 1, 2],
    psu: [1, 1, 2, 2, 3, 3, 4, 4],
    w: [1, 2, 3, 4, 5, 6, 7, 8],
  });
  const design = svyDesign(data, { ids: 'psu', weights: 'w' });

  it('the estimates are those of svyTotal / svyMean / svyBy on the same respondents', () => {
    const t = svyTable(design, ['a', 'b'], { within: ['b'] });
    expect(t.counts.map((r) => r.level)).toEqual(['x.u', 'y.u', 'x.v', 'y.v']);
    expect(t.counts.map((r) => r.estimate)).toEqual([6, 2, 10, 10]);
    expect(t.total).toBe(28);
    // shares within b: svyBy of a by b, on the respondents with both
    const both = subset(design, (r) => r.a !== null);
    const by = svyBy(both, 'b', (d) => svyMean(d, 'a'));
    const within = t.withinShares!;
    expect(within.map((r) => r.estimate)).toEqual([0.75, 0.25, 0.5, 0.5]);
    expect(within.map((r) => r.group?.b)).toEqual(['u', 'u', 'v', 'v']);
    expect(within.map((r) => r.n)).toEqual([3, 3, 4, 4]);
    for (let k = 0; k < 4; k++) {
      expect(within[k]!.se).toBeCloseTo(by[k]!.se, 14);
    }
    // counts' SEs: svyTotal of the cell's indicator
    const tot = svyTotal(both, 'a');
    expect(t.cells[0]!.countSe).toBeGreaterThan(0);
    expect(tot[0]!.estimate).toBe(t.cells[0]!.count + t.cells[2]!.count);
  });

  it('a numeric variable: its distinct values as levels; empty combinations are cells with 0', () => {
    const t = svyTable(design, ['c', 'a', 'b']);
    expect(t.levels).toEqual([
      ['1', '2'],
      ['x', 'y'],
      ['u', 'v'],
    ]);
    expect(t.cells).toHaveLength(8);
    const empty = t.cells.filter((x) => x.n === 0);
    expect(empty.map((x) => x.label)).toEqual(['1.y.u', '2.x.v']);
    for (const x of empty) expect([x.count, x.countSe, x.share, x.shareSe]).toEqual([0, 0, 0, 0]);
    expect(t.nMissing).toBe(1);
  });

  it('one-variable table: the shares are svyMean of it', () => {
    const t = svyTable(design, ['b']);
    const m = svyMean(design, 'b');
    expect(t.shares.map((r) => r.estimate)).toEqual(m.map((r) => r.estimate));
    t.shares.forEach((r, k) => {
      expect(r.se).toBeCloseTo(m[k]!.se, 14);
    });
  });

  it('typed errors', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return 'none';
    };
    const any = svyTable as unknown as (...args: unknown[]) => unknown;
    expect(code(() => any(design, 'a', 'b', 'c'))).toBe('BAD_ARGUMENTS');
    expect(code(() => any(design, 'a'))).toBe('BAD_ARGUMENTS');
    expect(code(() => any(design, 'a', 'b', {}, {}))).toBe('BAD_ARGUMENTS');
    expect(code(() => any(design, ['a', 'b'], 'c'))).toBe('BAD_ARGUMENTS');
    expect(code(() => any(design, []))).toBe('BAD_ARGUMENTS');
    expect(code(() => any(design, ['a', 'a']))).toBe('BAD_ARGUMENTS');
    expect(code(() => svyTable(design, ['a', 'b'], { within: ['a', 'b'] }))).toBe('BAD_OPTION');
    expect(code(() => svyTable(design, ['a', 'b'], { within: ['c'] }))).toBe('BAD_OPTION');
    expect(code(() => svyTable(design, ['a', 'b'], { na: 'fail' }))).toBe('MISSING_VALUES');
    expect(code(() => svyTable(design, ['a', 'nope']))).toBe('UNKNOWN_VARIABLE');
    expect(
      code(() => (svyChisq as unknown as (...a: unknown[]) => unknown)(design, 'a', 'b', 'c')),
    ).toBe('BAD_ARGUMENTS');
    // the two-way form and svyChisq are unchanged
    expect(svyTable(design, 'a', 'b').counts).toEqual([
      [6, 10],
      [2, 10],
    ]);
  });

  it('holds the cells to maxCovariance (their SEs take cells² memory); the option raises it', () => {
    const n = 400;
    const design = svyDesign(
      fromColumns({
        a: Array.from({ length: n }, (_, i) => `a${i % 11}`),
        b: Array.from({ length: n }, (_, i) => `b${(i * 7) % 11}`),
        c: Array.from({ length: n }, (_, i) => `c${(i * 13) % 11}`),
      }),
    );
    // 11³ = 1,331 cells: over the default 1,000
    expect(thrown(() => svyTable(design, ['a', 'b', 'c'])).code).toBe('TOO_LARGE');
    const t = svyTable(design, ['a', 'b', 'c'], { maxCovariance: 2000 });
    expect(t.cells.length).toBe(1331);
    expect(t.cells.reduce((s, c) => s + c.n, 0)).toBe(n);
    expect(thrown(() => svyTable(design, ['a', 'b'], { maxCells: 100 })).details).toMatchObject({
      option: 'maxCells',
      value: 121,
    });
    expect(svyTable(design, ['a', 'b'], { maxCells: 121 }).cells.length).toBe(121);
  });
});
