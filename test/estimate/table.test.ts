import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { LinearizationDesign } from '../../src/design/types.js';
import { EstimationError } from '../../src/errors.js';
import { svyChisq, svyTable } from '../../src/estimate/table.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { type ReferenceDesign, referenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';

interface Tab {
  rowLevels: string[];
  colLevels: string[];
  values: number[][];
}
interface HTest {
  statisticType?: string;
  statistic: number | null;
  parameter: Record<string, number> | null;
  'p.value': number | null;
  method: string;
}
interface TableCase {
  id: string;
  design: string;
  row: string;
  col: string;
  n: number;
  nMissing: number;
  svytable: Tab;
  svytableProp: Tab;
  unweighted: Tab;
  svychisq: HTest[];
}
interface ExtraCase {
  id: string;
  design: string;
  subset: Condition[] | null;
  row: string;
  col: string;
  n: number;
  nMissing: number;
  svytable: Tab;
  unweighted: Tab;
  droppedLevels: { row: string[]; col: string[] };
  raw: { F: HTest; Chisq: HTest };
  F: HTest;
  Chisq: HTest;
}
interface RefFile<C> {
  designs: Record<string, ReferenceDesign>;
  cases: C[];
}

const tableRef = loadReferenceJson<RefFile<TableCase>>('table.json');
const extraRef = loadReferenceJson<RefFile<ExtraCase>>('table-extra.json');

function design(ref: RefFile<unknown>, name: string): LinearizationDesign {
  return referenceDesign(ref, name);
}

function expectMatrix(actual: number[][], expected: number[][], what: string) {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((row, i) => {
    expect(actual[i]!.length, what).toBe(row.length);
    row.forEach((v, j) => {
      if (v === 0) expect(actual[i]![j], `${what}[${i}][${j}]`).toBe(0);
      else expectClose(actual[i]![j]!, v, 1e-8, `${what}[${i}][${j}]`);
    });
  });
}

function expectTest(
  got: ReturnType<typeof svyChisq>,
  ref: HTest,
  kind: 'F' | 'Chisq',
  what: string,
) {
  expect(got.test).toBe(kind);
  expect(got.method).toBe(ref.method);
  expectClose(got.statistic, ref.statistic!, 1e-8, `${what} statistic`);
  expectClose(got.pValue, ref['p.value']!, 1e-8, `${what} p`);
  if (kind === 'F') {
    expectClose(got.ndf, ref.parameter!.ndf!, 1e-8, `${what} ndf`);
    expectClose(got.ddf!, ref.parameter!.ddf!, 1e-8, `${what} ddf`);
  } else {
    expect(got.ndf, `${what} df`).toBe(ref.parameter!.df);
    expect(got.ddf).toBeUndefined();
  }
}

describe('svyTable against R svytable (table.json)', () => {
  for (const c of tableRef.cases) {
    it(c.id, () => {
      const t = svyTable(design(tableRef, c.design), c.row, c.col, { share: true });
      expect(t.rowLevels).toEqual(c.svytable.rowLevels);
      expect(t.colLevels).toEqual(c.svytable.colLevels);
      expectMatrix(t.counts, c.svytable.values, 'counts');
      expectMatrix(t.shares!, c.svytableProp.values, 'shares');
      expect(t.n).toEqual(c.unweighted.values);
      expect(t.nMissing).toBe(c.nMissing);
      expect(t.n.flat().reduce((s, v) => s + v, 0)).toBe(c.n);
    });
  }
});

describe('svyChisq against R svychisq (table.json)', () => {
  for (const c of tableRef.cases) {
    for (const kind of ['F', 'Chisq'] as const) {
      it(`${c.id} ${kind}`, () => {
        const ref = c.svychisq.find((h) => h.statisticType === kind)!;
        const got = svyChisq(design(tableRef, c.design), c.row, c.col, { statistic: kind });
        expectTest(got, ref, kind, `${c.id} ${kind}`);
        expect(got.nMissing).toBe(c.nMissing);
        expect(got.n).toBe(c.n);
      });
    }
  }
});

describe('svyTable / svyChisq on domains and empty levels (table-extra.json)', () => {
  for (const c of extraRef.cases) {
    it(c.id, () => {
      const full = design(extraRef, c.design);
      const d = c.subset ? subset(full, conditionMask(full.data, c.subset)) : full;
      const t = svyTable(d, c.row, c.col);
      expect(t.rowLevels).toEqual(c.svytable.rowLevels);
      expect(t.colLevels).toEqual(c.svytable.colLevels);
      expectMatrix(t.counts, c.svytable.values, 'counts');
      expect(t.n).toEqual(c.unweighted.values);
      expect(t.nMissing).toBe(c.nMissing);
      for (const kind of ['F', 'Chisq'] as const) {
        const got = svyChisq(d, c.row, c.col, { statistic: kind });
        expectTest(got, c[kind], kind, `${c.id} ${kind}`);
        expect(got.droppedLevels).toEqual(c.droppedLevels);
        // Without a dropped level, R's own answer (no droplevels) is the same.
        if (c.droppedLevels.row.length + c.droppedLevels.col.length === 0) {
          expectTest(got, c.raw[kind], kind, `${c.id} ${kind} raw`);
        } else {
          expect(c.raw[kind].statistic).toBeNull(); // R: NaN
        }
      }
    });
  }
});

describe('published figures: svychisq(~sch.wide + stype, dclus1)', () => {
  const d = design(tableRef, 'dclus1');
  it('weighted table', () => {
    const t = svyTable(d, 'sch.wide', 'stype');
    const published = [
      [406.164, 101.541, 270.776],
      [4467.8035, 372.317, 575.3989],
    ];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        expect(Math.abs(t.counts[i]![j]! - published[i]![j]!)).toBeLessThan(5e-4);
      }
    }
  });
  it('F = 5.1934, ndf = 1.4946, ddf = 20.925, p = 0.02175', () => {
    const f = svyChisq(d, 'sch.wide', 'stype');
    expect(f.statistic.toFixed(4)).toBe('5.1934');
    expect(f.ndf.toFixed(3)).toBe('1.495');
    expect(f.ddf!.toFixed(3)).toBe('20.925');
    expect(f.pValue.toFixed(5)).toBe('0.02175');
    expect(f.designDf).toBe(14);
  });
  it('Chisq: X-squared = 11.9409, df = 2, p = 0.005553', () => {
    const x = svyChisq(d, 'sch.wide', 'stype', { statistic: 'Chisq' });
    expect(x.statistic.toFixed(4)).toBe('11.9409');
    expect(x.ndf).toBe(2);
    expect(x.pValue.toFixed(6)).toBe('0.005553');
    expect(x.pearson).toBe(x.statistic);
    expectClose(x.adjusted, x.pearson / (x.traceDelta / 2), 1e-14, 'adjusted');
  });
});

describe('svyTable / svyChisq: behaviour and errors', () => {
  const data = fromColumns({
    a: ['x', 'y', 'x', 'y', 'x', 'y', 'x', 'y', null, 'x'],
    b: ['p', 'p', 'q', 'q', 'p', 'q', 'p', 'q', 'p', null],
    k: [1, 2, 1, 2, 1, 2, 10, 2, 1, 1],
    one: ['z', 'z', 'z', 'z', 'z', 'z', 'z', 'z', 'z', 'z'],
    psu: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
    w: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  });
  const d = svyDesign(data, { ids: 'psu', weights: 'w' });

  it('counts missing values and leaves them out', () => {
    const t = svyTable(d, 'a', 'b');
    expect(t.nMissing).toBe(2);
    expect(t.counts).toEqual([
      [1 + 5 + 7, 3],
      [2, 4 + 6 + 8],
    ]);
    expect(t.total).toBe(36);
    expect(t.shares).toBeUndefined();
  });

  it('a numeric variable is tabulated by its distinct values in the domain', () => {
    const t = svyTable(
      subset(d, (r) => r.k !== 10),
      'k',
      'a',
    );
    expect(t.rowLevels).toEqual(['1', '2']);
  });

  it('keeps a level without respondents in the table, and drops it from the test', () => {
    const dom = subset(d, (r) => r.a === 'x' || r.b === 'p');
    const t = svyTable(dom, 'a', 'b');
    expect(t.rowLevels).toEqual(['x', 'y']);
    const withExtra = fromColumns(
      {
        a: ['x', 'y', 'x', 'y', 'x', 'y'],
        b: ['p', 'q', 'q', 'p', 'p', 'q'],
        psu: [1, 1, 2, 2, 3, 3],
      },
      { levels: { a: ['x', 'y', 'never'] } },
    );
    const de = svyDesign(withExtra, { ids: 'psu' });
    expect(svyTable(de, 'a', 'b').counts[2]).toEqual([0, 0]);
    const test = svyChisq(de, 'a', 'b');
    expect(test.droppedLevels).toEqual({ row: ['never'], col: [] });
    expect(test.rowLevels).toEqual(['x', 'y']);
  });

  it('typed errors', () => {
    expect(() => svyTable(d, 'nope', 'b')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_VARIABLE' }),
    );
    expect(() => svyChisq(d, 'a', 'one')).toThrow(EstimationError);
    expect(() => svyChisq(d, 'a', 'one')).toThrow(
      expect.objectContaining({
        code: 'TOO_FEW_LEVELS',
        details: expect.objectContaining({ variable: 'one' }),
      }),
    );
    expect(() =>
      svyChisq(
        subset(d, (r) => r.a === 'x'),
        'a',
        'b',
      ),
    ).toThrow(expect.objectContaining({ code: 'TOO_FEW_LEVELS' }));
    expect(() => svyChisq(d, 'a', 'b', { statistic: 'Wald' as 'F' })).toThrow(
      expect.objectContaining({ code: 'BAD_OPTION' }),
    );
  });
});

describe('svyChisq on a whole design and as a domain of every row', () => {
  // A whole design's pass per (PSU, cell) marks neither the rows with both values nor the PSUs
  // with one when the variance does not read them (a loop of its own in cluster-cells.ts); the
  // same rows as a domain take the path that marks both. The two must agree bit for bit, with
  // lonely PSUs (whose variance reads the marks) and on a calibrated design (row by row).
  let s = 5;
  const r = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const n = 600;
  const stratum = Array.from({ length: n }, (_, i) => (i < 12 ? 9 : Math.floor(i / 60) % 4));
  const cols = {
    attitude: Array.from({ length: n }, () =>
      r() < 0.04 ? null : ['a', 'b', 'c', 'd'][Math.floor(4 * r())]!,
    ),
    sex: Array.from({ length: n }, () => (r() < 0.02 ? null : r() < 0.5 ? 'f' : 'm')),
    // one level per stratum (so per PSU): the pass's table of PSUs × the other variable's levels
    region: stratum.map((h) => ['N', 'S', 'E', 'W', 'C'][h % 5]!),
    g: Array.from({ length: n }, () => (r() < 0.5 ? 'f' : 'm')),
    stratum,
    psu: Array.from({ length: n }, (_, i) => (i < 12 ? 99 : Math.floor(i / 30))),
    w: Array.from({ length: n }, () => 0.5 + 3 * r()),
  };
  const data = fromColumns(cols);
  const spec = { ids: 'psu', strata: 'stratum', weights: 'w' } as const;
  const designs: Array<[string, LinearizationDesign]> = [
    ['lonely PSU removed', svyDesign(data, { ...spec, lonelyPsu: 'remove' })],
    ['lonely PSU adjusted', svyDesign(data, { ...spec, lonelyPsu: 'adjust' })],
    ['lonely PSU averaged', svyDesign(data, { ...spec, lonelyPsu: 'average' })],
    [
      'calibrated',
      calibrate(svyDesign(data, { ...spec, lonelyPsu: 'remove' }), {
        margins: [{ variable: 'g', population: { f: 900, m: 880 } }],
        calfun: 'linear',
      }) as LinearizationDesign,
    ],
  ];
  it('a level whose only respondents have weight 0 is tested, as R keeps it', () => {
    // (a whole design's pass counts the rows per cell only when a cell's Σ w is 0)
    const w = Float64Array.from({ length: n }, (_, i) => 0.5 + (i % 5));
    const attitude = Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][i % 3]!);
    for (let i = 0; i < n; i += 50) {
      attitude[i] = 'z';
      w[i] = 0;
    }
    const zeros = fromColumns({ ...cols, attitude, w });
    const design = svyDesign(zeros, { ...spec, lonelyPsu: 'remove', allowZeroWeights: true });
    const whole = svyChisq(design, 'attitude', 'sex');
    expect(whole.rowLevels).toContain('z');
    expect(whole).toEqual(
      svyChisq(
        subset(design, () => true),
        'attitude',
        'sex',
      ),
    );
  });
  for (const [name, design] of designs) {
    it(name, () => {
      for (const [a, b] of [
        ['attitude', 'sex'],
        ['region', 'attitude'],
      ] as const) {
        for (const statistic of ['F', 'Chisq'] as const) {
          const whole = svyChisq(design, a, b, { statistic });
          const domain = svyChisq(
            subset(design, () => true),
            a,
            b,
            { statistic },
          );
          expect(whole).toEqual(domain);
          expect(whole.nMissing).toBeGreaterThan(0);
        }
      }
    });
  }
});
