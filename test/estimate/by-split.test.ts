/**
 * svyBy's group split (runs of rows copied as blocks, short runs row by row, group codes taken
 * straight from the grouping variable or computed under a domain) and svyChisq's one-pass
 * tabulation: the same answers as the slow, obvious computations.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { svyBy } from '../../src/estimate/by.js';
import { jointCovariance } from '../../src/estimate/influence-rows.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyChisq, svyTable } from '../../src/estimate/table.js';

/** Rows in long runs of one group (sorted file) followed by rows in random group order. */
function data(n: number, allSorted = false) {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const g: Array<string | null> = [];
  const h: string[] = [];
  const y: Array<number | null> = [];
  const c: Array<string | null> = [];
  const psu: number[] = [];
  const stratum: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    const sorted = allSorted || i < n / 2;
    g.push(
      random() < (allSorted ? 0 : 0.03)
        ? null
        : ['a', 'b', 'c'][
            sorted ? Math.floor((3 * i) / (allSorted ? n : n / 2)) : Math.floor(random() * 3)
          ]!,
    );
    h.push(random() < 0.5 ? 'x' : 'y');
    y.push(random() < 0.05 ? null : Math.round(random() * 10));
    c.push(random() < 0.04 ? null : ['p', 'q', 'r'][Math.floor(random() * 3)]!);
    psu.push(Math.floor(i / 10));
    stratum.push(Math.floor(i / 100));
    w.push(random() < 0.02 ? 0 : 1 + Math.round(random() * 4));
  }
  return fromColumns({ g, h, y, c, psu, stratum, w });
}

const design = svyDesign(data(2000), {
  ids: 'psu',
  strata: 'stratum',
  weights: 'w',
  allowZeroWeights: true,
});

/** Every group in a few long runs of rows (copied as blocks). */
const sortedDesign = svyDesign(data(4000, true), {
  ids: 'psu',
  strata: 'stratum',
  weights: 'w',
  allowZeroWeights: true,
});

/** Each group's estimate on `subset(design, group)`, and the covariance from the stacked rows. */
function bySubsets(
  d: SurveyDesign,
  groups: Array<Record<string, string>>,
  kind: 'mean' | 'total',
  variable: string,
) {
  const f = kind === 'mean' ? svyMean : svyTotal;
  const rows = groups.flatMap((group) =>
    f(
      subset(d, (r) => Object.entries(group).every(([k, v]) => r[k] === v)),
      variable,
    ),
  );
  return { rows, V: jointCovariance(rows, { design: d }) };
}

describe('svyBy group split', () => {
  const cases: Array<[string, SurveyDesign, string[], 'mean' | 'total', string]> = [
    ['one variable, no domain', design, ['g'], 'mean', 'y'],
    ['one variable, sorted rows', sortedDesign, ['g'], 'mean', 'y'],
    ['one variable, sorted rows, categorical mean', sortedDesign, ['g'], 'mean', 'c'],
    [
      'one variable, sorted rows, in a domain',
      subset(sortedDesign, (r) => r.h === 'x'),
      ['g'],
      'total',
      'y',
    ],
    ['one variable, categorical total', design, ['g'], 'total', 'c'],
    ['two variables', design, ['g', 'h'], 'mean', 'y'],
    ['one variable in a domain', subset(design, (r) => r.h === 'x'), ['g'], 'mean', 'y'],
    ['two variables in a domain', subset(design, (r) => r.y !== 3), ['h', 'g'], 'total', 'y'],
  ];
  for (const [name, d, by, kind, variable] of cases) {
    it(name, () => {
      const f = kind === 'mean' ? svyMean : svyTotal;
      const table = svyBy(d, by, (g) => f(g, variable));
      const groups = table
        .filter((_, a) => a === 0 || table[a - 1]!.group !== table[a]!.group)
        .map((r) => r.group!);
      const expected = bySubsets(d, groups, kind, variable);
      expect(table.length).toBe(expected.rows.length);
      table.forEach((row, a) => {
        const e = expected.rows[a]!;
        expect(row.estimate).toBeCloseTo(e.estimate, 10);
        expect(row.se).toBeCloseTo(e.se, 10);
        expect(row.n).toBe(e.n);
      });
      table.covariance.forEach((v, a) => {
        expect(Math.abs(v - expected.V[a]!)).toBeLessThan(1e-10 * (1 + Math.abs(v)));
      });
    });
  }

  it('counts rows missing the grouping value', () => {
    const table = svyBy(design, 'g', (g) => svyMean(g, 'y'));
    let missing = 0;
    const col = design.data.columns.g!;
    if (col.kind === 'categorical') for (const c of col.codes) if (c < 0) missing++;
    expect(table.nMissingGroup).toBe(missing);
  });
});

describe('svyChisq one-pass tabulation', () => {
  it('tests the table svyTable gives, in a domain too', () => {
    for (const d of [design, subset(design, (r) => r.h === 'y')]) {
      const t = svyTable(d, 'g', 'c');
      const test = svyChisq(d, 'g', 'c');
      let n = 0;
      for (const row of t.n) for (const v of row) n += v;
      expect(test.n).toBe(n);
      expect(test.nMissing).toBe(t.nMissing);
      expect(Number.isFinite(test.statistic)).toBe(true);
      // The statistic is the same whatever the row order of the file.
      const order = Array.from({ length: d.data.nrow }, (_, i) => (i * 7919) % d.data.nrow);
      const cols = d.data.columns;
      const pick = <T>(get: (i: number) => T) => order.map(get);
      const shuffled = fromColumns({
        g: pick((i) =>
          cols.g!.kind === 'categorical' && cols.g!.codes[i]! >= 0
            ? cols.g!.levels[cols.g!.codes[i]!]!
            : null,
        ),
        c: pick((i) =>
          cols.c!.kind === 'categorical' && cols.c!.codes[i]! >= 0
            ? cols.c!.levels[cols.c!.codes[i]!]!
            : null,
        ),
        h: pick((i) => (cols.h!.kind === 'categorical' ? cols.h!.levels[cols.h!.codes[i]!]! : '')),
        psu: pick((i) => (cols.psu!.kind === 'numeric' ? cols.psu!.values[i]! : 0)),
        stratum: pick((i) => (cols.stratum!.kind === 'numeric' ? cols.stratum!.values[i]! : 0)),
        w: pick((i) => (cols.w!.kind === 'numeric' ? cols.w!.values[i]! : 0)),
      });
      let sd = svyDesign(shuffled, {
        ids: 'psu',
        strata: 'stratum',
        weights: 'w',
        allowZeroWeights: true,
      });
      if (d !== design) sd = subset(sd, (r) => r.h === 'y');
      const again = svyChisq(sd, 'g', 'c');
      expect(again.statistic).toBeCloseTo(test.statistic, 9);
      expect(again.ndf).toBeCloseTo(test.ndf, 9);
      expect(again.designDf).toBe(test.designDf);
    }
  });
});
