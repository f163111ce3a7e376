/**
 * svyMean / svyTotal on svyBy's groups from one pass over all groups: the same numbers as the
 * estimator's own path on each group's design (a copy of the group design is not registered, so
 * it takes that path), with multistage designs, domains, lonely PSUs, missing values, groups in
 * runs and interleaved; and the estimator's own path wherever the one pass does not apply.
 *
 * Bit for bit, except the standard errors of a numeric mean over interleaved groups on a design
 * without a domain: there the pass adds Σ w (y − y₀) and Σ w per group × PSU (y₀ the group's
 * first value) and centres them at the mean afterwards, where the own path centres each row
 * before adding it (as R does): one pass over the rows rather than two, which made svyBy of a
 * mean on a file in random row order about 20% faster. Those agree to 1e-12 relative, also on
 * values of 1e9 + noise, where the naive Σ w y − mean · Σ w per PSU loses most digits (the last
 * test). (In a domain a group can be the whole domain, and its difference from the domain's own
 * mean must stay exactly 0: there the pass centres row by row, bit for bit.)
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { DesignSpec, SurveyDesign } from '../../src/design/types.js';
import { svyBy } from '../../src/estimate/by.js';
import { groupMoments, registerByGroups } from '../../src/estimate/group-moments.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import type { Estimate, EstimateOptions } from '../../src/estimate/types.js';

/**
 * n rows: 12 strata × 4 PSUs × 2 SSUs; groups in long runs for the first half, then interleaved
 * (so the passes go row by row), or with `runs`, in long runs throughout, missing values too
 * (the passes go run by run).
 * `lonely`: stratum 3 keeps only its PSU 12 (a lonely PSU at stage 1) and PSU 20 only its SSU 40
 * (a lonely SSU at stage 2). `nested`: the group is the PSU's (every PSU has one group; missing
 * too), and the rows are in random order (the pass sums per PSU while that holds).
 */
function data(n: number, lonely = false, runs = false, nested = false) {
  let seed = 11;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const cols = {
    g: [] as Array<string | null>,
    h: [] as string[],
    y: [] as Array<number | null>,
    c: [] as Array<string | null>,
    stratum: [] as number[],
    psu: [] as number[],
    ssu: [] as number[],
    fpc1: [] as number[],
    fpc2: [] as number[],
    w: [] as number[],
  };
  for (let i = 0; i < n; i++) {
    const run = runs || i < n / 2;
    const at = Math.floor((96 * i) / n);
    if (lonely && ((at >= 26 && at < 32) || at === 41)) continue;
    const missing = random() < 0.02;
    cols.g.push(
      (runs ? i % 500 < 10 : missing)
        ? null
        : ['a', 'b', 'c', 'd'][run ? Math.floor((8 * i) / n) % 4 : Math.floor(random() * 4)]!,
    );
    cols.h.push(random() < 0.5 ? 'x' : 'y');
    cols.y.push(random() < 0.06 ? null : Math.round(random() * 1000) / 10);
    cols.c.push(random() < 0.05 ? null : ['p', 'q', 'r'][Math.floor(random() * 3)]!);
    const cell = Math.floor((96 * i) / n);
    cols.stratum.push(Math.floor(cell / 8));
    cols.psu.push(Math.floor(cell / 2));
    cols.ssu.push(cell);
    cols.fpc1.push(10);
    cols.fpc2.push(5);
    cols.w.push(1 + Math.round(random() * 40) / 10);
  }
  if (nested) {
    cols.g = cols.psu.map((psu, i) => (cols.g[i] === null ? null : ['a', 'b', 'c', 'd'][psu % 4]!));
    const order = cols.w.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const key of Object.keys(cols) as Array<keyof typeof cols>) {
      const column = cols[key] as unknown[];
      (cols[key] as unknown[]) = order.map((i) => column[i]);
    }
  }
  return fromColumns(cols);
}

const frame = data(3000);
const lonelyFrame = data(3000, true);
const runsFrame = data(3000, false, true);
const nestedFrame = data(3000, false, false, true);
const spec: DesignSpec = { ids: 'psu', strata: 'stratum', weights: 'w' };
const designs: Array<[string, SurveyDesign]> = [
  ['stratified cluster design', svyDesign(frame, spec)],
  [
    'two-stage design with fpc',
    svyDesign(frame, { ids: ['psu', 'ssu'], strata: 'stratum', fpc: ['fpc1', 'fpc2'] }),
  ],
  ['a domain of it', subset(svyDesign(frame, spec), (r) => r.h === 'x')],
  ['groups in long runs', svyDesign(runsFrame, spec)],
  [
    'groups in long runs, two stages with fpc, in a domain',
    subset(
      svyDesign(runsFrame, { ids: ['psu', 'ssu'], strata: 'stratum', fpc: ['fpc1', 'fpc2'] }),
      (r) => r.h === 'y',
    ),
  ],
  ['groups the PSUs are nested in, rows in random order', svyDesign(nestedFrame, spec)],
  [
    'groups the PSUs are nested in, rows in random order, two stages with fpc',
    svyDesign(nestedFrame, { ids: ['psu', 'ssu'], strata: 'stratum', fpc: ['fpc1', 'fpc2'] }),
  ],
  ['no clusters', svyDesign(frame, { strata: 'stratum', weights: 'w' })],
  [
    'two-stage design with a lonely PSU and a lonely SSU, adjusted (grand-mean centring)',
    svyDesign(lonelyFrame, {
      ids: ['psu', 'ssu'],
      strata: 'stratum',
      fpc: ['fpc1', 'fpc2'],
      lonelyPsu: 'adjust',
    }),
  ],
  [
    'lonely PSUs in domains, adjusted',
    subset(
      svyDesign(frame, { ...spec, lonelyPsu: 'adjust', adjustDomainLonely: true }),
      (r) => (r.psu as number) % 4 === 0 || r.stratum === 3,
    ),
  ],
];

/** |a − b| within `tol` relative (0: identical). */
function expectClose(a: number, b: number, tol: number) {
  if (tol === 0) expect(a).toBe(b);
  else expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.abs(b));
}

/**
 * Every field of the rows identical; with `tol`, the standard errors and intervals within `tol`
 * relative (numeric means over interleaved groups, see the top).
 */
function expectSame(a: readonly Estimate[], b: readonly Estimate[], tol = 0) {
  expect(a.length).toBe(b.length);
  a.forEach((row, j) => {
    const other = b[j]!;
    expect(row.estimate).toBe(other.estimate);
    expectClose(row.se, other.se, tol);
    expectClose(row.ci[0], other.ci[0], tol);
    expectClose(row.ci[1], other.ci[1], tol);
    expect(row.n).toBe(other.n);
    expect(row.nMissing).toBe(other.nMissing);
    expect(row.level).toBe(other.level);
    expect(row.statistic).toBe(other.statistic);
  });
}

describe('svyMean / svyTotal on svyBy groups, from one pass', () => {
  for (const [name, design] of designs) {
    for (const variable of ['y', 'c']) {
      for (const kind of ['mean', 'total'] as const) {
        it(`${name}: ${kind} of ${variable === 'y' ? 'a numeric' : 'a categorical'} variable`, () => {
          const f = kind === 'mean' ? svyMean : svyTotal;
          const opts: EstimateOptions = { level: 0.9, df: 20 };
          // bit for bit but for a numeric mean over interleaved groups without a domain
          const interleaved = !name.startsWith('groups in') && design.domain === null;
          const tol = kind === 'mean' && variable === 'y' && interleaved ? 1e-12 : 0;
          let fused = 0;
          const table = svyBy(design, ['g'], (d) => {
            const rows = f(d, variable, opts);
            // The same call on an unregistered copy of the group design: the estimator's own path.
            expectSame(rows, f({ ...d }, variable, opts), tol);
            if (groupMoments(d, variable, opts, kind) !== null) fused++;
            return rows;
          });
          expect(fused).toBe(4);
          const own = svyBy(design, ['g'], (d) => f({ ...d }, variable, opts));
          expectSame(table, own, tol);
          table.covariance.forEach((v, e) => {
            const u = own.covariance[e]!;
            expect(Math.abs(v - u)).toBeLessThanOrEqual(1e-12 * Math.abs(u));
          });
        });
      }
    }
  }

  it('two grouping variables, and a second call on a group reusing the pass', () => {
    const design = designs[0]![1];
    const table = svyBy(design, ['g', 'h'], (d) => [...svyMean(d, 'y'), ...svyMean(d, 'y')]);
    const own = svyBy(design, ['g', 'h'], (d) => [
      ...svyMean({ ...d }, 'y'),
      ...svyMean({ ...d }, 'y'),
    ]);
    expectSame(table, own, 1e-12);
    expect(table.length).toBe(16);
  });

  it("leaves design effects, df: 'design' and na: 'fail' to the estimator's own path", () => {
    const design = designs[0]![1];
    for (const opts of [{ deff: true }, { df: 'design' as const }, { na: 'fail' as const }]) {
      svyBy(design, 'g', (d) => {
        expect(groupMoments(d, 'y', opts, 'mean')).toBeNull();
        return svyMean(d, 'c', { deff: !!(opts as { deff?: boolean }).deff });
      });
    }
    // and their answers are those of the group designs
    const withDeff = svyBy(design, 'g', (d) => svyMean(d, 'y', { deff: true }));
    const own = svyBy(design, 'g', (d) => svyMean({ ...d }, 'y', { deff: true }));
    expectSame(withDeff, own);
    expect(withDeff.map((r) => r.deff)).toEqual(own.map((r) => r.deff));
    expect(() => svyBy(design, 'g', (d) => svyMean(d, 'y', { na: 'fail' }))).toThrow(
      /group g = a: variable "y" is missing/,
    );
  });

  it("an unknown variable or a group whose values are all missing get the estimator's errors", () => {
    const design = designs[0]![1];
    expect(() => svyBy(design, 'g', (d) => svyMean(d, 'nope'))).toThrow(/nope/);
    const some = fromColumns({
      g: ['a', 'a', 'b', 'b'],
      y: [1, 2, null, null],
      w: [1, 1, 1, 1],
    });
    expect(() => svyBy(svyDesign(some, { weights: 'w' }), 'g', (d) => svyMean(d, 'y'))).toThrow(
      /group g = b: variable "y" is missing for every respondent/,
    );
  });

  it('is not used for designs it was not registered for', () => {
    const design = svyDesign(fromColumns({ y: [1, 2, 3], w: [1, 1, 1] }), { weights: 'w' });
    expect(groupMoments(design, 'y', {}, 'mean')).toBeNull();
    const register = registerByGroups({
      design,
      rowGroup: Int32Array.of(0, 1, 0),
      groupIndex: Int32Array.of(0, 1),
      count: 2,
    });
    const group = { ...design };
    register(group, 1);
    const [row] = groupMoments(group, 'y', {}, 'total')!;
    expect(row!.estimate).toBe(2);
    expect(row!.n).toBe(1);
    expect(groupMoments({ ...group }, 'y', {}, 'total')).toBeNull();
  });

  it('keeps 1e-12 agreement with row-by-row centring on values of 1e9 + noise (interleaved groups)', () => {
    let seed = 5;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const n = 4000;
    const cols = {
      g: [] as string[],
      y: [] as number[],
      stratum: [] as number[],
      psu: [] as number[],
      w: [] as number[],
    };
    for (let i = 0; i < n; i++) {
      cols.g.push(['a', 'b', 'c'][Math.floor(random() * 3)]!);
      cols.y.push(1e9 + Math.round(random() * 1000) / 1000);
      cols.psu.push(Math.floor(random() * 40));
      cols.stratum.push(cols.psu[i]! % 4);
      cols.w.push(1 + Math.round(random() * 30) / 10);
    }
    const design = svyDesign(fromColumns(cols), spec);
    const onePass = svyBy(design, 'g', (d) => svyMean(d, 'y'));
    const byRow = svyBy(design, 'g', (d) => svyMean({ ...d }, 'y'));
    expectSame(onePass, byRow, 1e-12);
    // The naive per-PSU Σ w y − mean · Σ w (no shift): its SE of group a is off far beyond 1e-12.
    const mean = onePass[0]!.estimate;
    const sy = new Float64Array(40);
    const sw = new Float64Array(40);
    let W = 0;
    for (let i = 0; i < n; i++) {
      if (cols.g[i] !== 'a') continue;
      sy[cols.psu[i]!]! += cols.w[i]! * cols.y[i]!;
      sw[cols.psu[i]!]! += cols.w[i]!;
      W += cols.w[i]!;
    }
    let variance = 0;
    for (let h = 0; h < 4; h++) {
      const t = Array.from({ length: 10 }, (_, j) => (sy[h + 4 * j]! - mean * sw[h + 4 * j]!) / W);
      const m = t.reduce((a, b) => a + b, 0) / 10;
      variance += (10 / 9) * t.reduce((a, b) => a + (b - m) ** 2, 0);
    }
    const naive = Math.sqrt(variance);
    expect(Math.abs(naive - byRow[0]!.se)).toBeGreaterThan(1e-6 * byRow[0]!.se);
  });
});
