import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { degreesOfFreedom } from '../../src/design/df.js';
import { asRepDesign, svyRepDesign } from '../../src/design/replicate.js';
import type { ReplicateDesign } from '../../src/design/replicate-types.js';
import { subset } from '../../src/design/subset.js';
import type { LinearizationDesign, SurveyDesign } from '../../src/design/types.js';
import { EstimationError } from '../../src/errors.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { jointCovariance } from '../../src/estimate/influence-rows.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { replicateCellSums } from '../../src/estimate/replicate-groups.js';
import { svyChisq, svyTable } from '../../src/estimate/table.js';
import type { Estimate } from '../../src/estimate/types.js';
import { replicateWeightedSumsMany } from '../../src/variance/replicate.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceData, loadReferenceJson } from '../helpers/reference.js';

interface RepSpec {
  name: string;
  from: 'design' | 'columns';
  design: string | null;
  data: string | null;
  type: ReplicateDesign['repType'];
  rho: number | null;
  weights: string | null;
  repweights: string | null;
  rcall: string;
}

interface EstimateCase {
  id: string;
  repDesign: string;
  mse: boolean;
  subset: Condition[] | null;
  statistic: 'mean' | 'total';
  variable: string;
  type: 'numeric' | 'factor';
  levels: string[] | null;
  naRm: boolean;
  n: number;
  nMissing: number;
  estimate: number[];
  se: number[];
  vcov: number[][];
  /** "Inf" where R divides a positive variance by 0. */
  deff: Array<number | 'Inf' | null>;
  deffReplace: Array<number | 'Inf' | null>;
  degf: number;
  ci95: Array<[number, number]>;
  ci90: Array<[number, number]>;
  ci95_df: Array<[number, number]>;
  ci90_df: Array<[number, number]>;
}

interface ByCase {
  id: string;
  repDesign: string;
  mse: boolean;
  subset: Condition[] | null;
  statistic: 'mean' | 'total';
  variables: string[];
  by: string[];
  naRm: boolean;
  warnings: string[];
  groups: Array<Record<string, string>>;
  groupLabels: string[];
  estimateNames: string[];
  estimate: number[][];
  se: number[][];
  deff: number[][];
  flatNames: string[];
  vcov: number[][];
  ci95: Array<[number, number]>;
  ci95_df: Array<[number, number]>;
  degf: number;
  groupDegf: number[];
  nRows: number[];
  n: number[][];
  contrasts: Array<{
    name: string;
    weights: Record<string, number>;
    estimate: number;
    se: number;
    ci95: [number, number];
    ci95_df: [number, number];
  }>;
}

interface Table {
  rowLevels: string[];
  colLevels: string[];
  values: number[][];
}

interface TableCase {
  id: string;
  repDesign: string;
  mse: boolean;
  subset: Condition[] | null;
  row: string;
  col: string;
  nrow: number;
  n: number;
  nMissing: number;
  degf: number;
  sumWeights: number;
  svytable: Table;
  svytableProp: Table;
  unweighted: Table;
  svychisq: Array<{
    statisticType: 'F' | 'Chisq';
    method: string;
    statistic: number;
    parameter: { ndf?: number; ddf?: number; df?: number };
    'p.value': number;
    observed: Table;
  }>;
}

interface RefFile {
  designs: Record<string, ReferenceDesign>;
  repDesigns: Record<string, RepSpec>;
  estimates: EstimateCase[];
  by: ByCase[];
  tables: TableCase[];
  errors: { allReplicatesNA: { call: string; message: string } };
}

const ref = loadReferenceJson<RefFile>('replicate-estimates.json');

const built = new Map<string, ReplicateDesign>();
/** The replicate design of the reference, with R's mse setting (`r$mse <- mse`). */
function repDesign(name: string, mse = false): ReplicateDesign {
  const key = `${name}/${mse}`;
  let d = built.get(key);
  if (d) return d;
  const s = ref.repDesigns[name]!;
  if (!mse) {
    if (s.from === 'design') {
      const lin = buildReferenceDesign(ref.designs[s.design!]!) as LinearizationDesign;
      d = asRepDesign(lin, { type: s.type as 'JK1', ...(s.rho === null ? {} : { rho: s.rho }) });
    } else {
      d = svyRepDesign(loadReferenceData(s.data!), {
        weights: s.weights!,
        repweights: new RegExp(s.repweights!),
        type: s.type,
      });
    }
  } else d = { ...repDesign(name), mse: true };
  built.set(key, d);
  return d;
}

function domainOf(d: ReplicateDesign, conds: Condition[] | null): ReplicateDesign {
  return conds ? subset(d, conditionMask(d.data, conds)) : d;
}

/** Relative 1e-8; values R gives as rounding noise around 0 (|x| < 1e-10 · scale) absolutely. */
function close(got: number, want: number | null, scale: number, what: string): void {
  if (want !== null && Math.abs(want) < 1e-10 * scale) {
    expect(Math.abs(got), what).toBeLessThan(1e-10 * scale);
  } else expectClose(got, want, 1e-8, what);
}

function checkDeff(got: number, want: number | 'Inf' | null, what: string): void {
  if (want === 'Inf') expect(got, what).toBe(Number.POSITIVE_INFINITY);
  else expectClose(got, want, 1e-8, what);
}

describe('svyMean / svyTotal on replicate designs against R (replicate-estimates.json)', () => {
  for (const c of ref.estimates) {
    it(c.id, () => {
      const d = domainOf(repDesign(c.repDesign, c.mse), c.subset);
      const fn = c.statistic === 'mean' ? svyMean : svyTotal;
      const rows = fn(d, c.variable, { deff: true });
      const replace = fn(d, c.variable, { deff: 'replace' });
      const p = c.estimate.length;
      expect(rows).toHaveLength(p);
      expect(degreesOfFreedom(d)).toBe(c.degf);
      const V = jointCovariance(rows);
      const ci90 = fn(d, c.variable, { level: 0.9 });
      const ci95df = fn(d, c.variable, { df: 'design' });
      const ci90df = fn(d, c.variable, { df: 'design', level: 0.9 });
      for (let j = 0; j < p; j++) {
        const r = rows[j]!;
        const what = `${c.id}[${j}]`;
        if (c.levels) expect(r.level).toBe(c.levels[j]);
        expect(r.n, `${what} n`).toBe(c.n);
        expect(r.nMissing, `${what} nMissing`).toBe(c.nMissing);
        const scale = Math.abs(c.estimate[j]!) || 1;
        expectClose(r.estimate, c.estimate[j]!, 1e-8, `${what} estimate`);
        close(r.se, c.se[j]!, scale, `${what} se`);
        for (let b = 0; b < p; b++) {
          const s = Math.abs(c.estimate[j]! * c.estimate[b]!) || scale * scale;
          close(V[j * p + b]!, c.vcov[j]![b]!, s, `${what} vcov[${b}]`);
        }
        if (c.se[j]! > 1e-10 * scale) {
          checkDeff(r.deff!, c.deff[j]!, `${what} deff`);
          checkDeff(replace[j]!.deff!, c.deffReplace[j]!, `${what} deff replace`);
        }
        const ints: Array<[Estimate[], Array<[number, number]>, string]> = [
          [rows, c.ci95, 'ci95'],
          [ci90, c.ci90, 'ci90'],
          [ci95df, c.ci95_df, 'ci95_df'],
          [ci90df, c.ci90_df, 'ci90_df'],
        ];
        for (const [got, want, name] of ints) {
          close(got[j]!.ci[0], want[j]![0], scale, `${what} ${name} lo`);
          close(got[j]!.ci[1], want[j]![1], scale, `${what} ${name} hi`);
        }
      }
    });
  }
});

/** A table against R's svyby: rows group-major here, R's flat order variable-major. */
function checkBy(table: ReturnType<typeof svyBy>, c: ByCase): void {
  const ng = c.groupLabels.length;
  const nv = c.estimateNames.length;
  const K = ng * nv;
  expect(table).toHaveLength(K);
  const flat = (a: number) => (a % nv) * ng + Math.floor(a / nv);
  for (let a = 0; a < K; a++) {
    const g = Math.floor(a / nv);
    const e = a % nv;
    const row = table[a]!;
    const where = `${c.id} ${table.labels[a]}`;
    expect(table.labels[a], where).toBe(c.flatNames[flat(a)]);
    expect(row.group, where).toEqual(c.groups[g]);
    const scale = Math.abs(c.estimate[g]![e]!) || 1;
    expectClose(row.estimate, c.estimate[g]![e]!, 1e-8, `${where} estimate`);
    close(row.se, c.se[g]![e]!, scale, `${where} se`);
    if (c.se[g]![e]! > 1e-10 * scale) expectClose(row.deff!, c.deff[g]![e]!, 1e-8, `${where} deff`);
    close(row.ci[0], c.ci95[flat(a)]![0], scale, `${where} ci95 lo`);
    close(row.ci[1], c.ci95[flat(a)]![1], scale, `${where} ci95 hi`);
    expect(row.n, `${where} n`).toBe(c.n[g]![0]);
    for (let b = 0; b < K; b++) {
      const v = c.vcov[flat(a)]![flat(b)]!;
      const got = table.covariance[a * K + b]!;
      const what = `${where} cov with ${table.labels[b]}`;
      // A group whose kept replicates all equal its estimate (e.g. a county whose district is
      // deleted by none of them) has a joint variance of rounding noise, and so do its
      // covariances: compared absolutely, on the scale of a 1e-10 relative sd.
      const sd = (k: number) => Math.sqrt(Math.abs(c.vcov[flat(k)]![flat(k)]!));
      const floor = (k: number) => 1e-10 * Math.abs(c.estimate[Math.floor(k / nv)]![k % nv]!);
      if (sd(a) < floor(a) || sd(b) < floor(b)) {
        expect(Math.abs(got), what).toBeLessThan((sd(a) + floor(a)) * (sd(b) + floor(b)));
      } else close(got, v, sd(a) * sd(b), what);
    }
  }
}

describe('svyBy + svyContrast on replicate designs against R svyby(covmat = TRUE) / svycontrast', () => {
  for (const c of ref.by) {
    it(c.id, () => {
      const d = domainOf(repDesign(c.repDesign, c.mse), c.subset);
      const fn = c.statistic === 'mean' ? svyMean : svyTotal;
      const groupDf: number[] = [];
      const table = svyBy(d, c.by, (g) => {
        groupDf.push(degreesOfFreedom(g));
        return c.variables.flatMap((v) => fn(g, v, { deff: true }));
      });
      checkBy(table, c);
      expect(groupDf, 'degf of each group (R: degf(design[group, ]))').toEqual(c.groupDegf);
      for (const ct of c.contrasts) {
        const r = svyContrast(table, ct.weights);
        const what = `${c.id} ${ct.name}`;
        // The size of the terms: an SE below 1e-10 of it is rounding noise (R's and ours).
        const scale = Object.entries(ct.weights).reduce(
          (t, [label, w]) => t + Math.abs(w * table[table.labels.indexOf(label)]!.estimate),
          0,
        );
        close(r.estimate, ct.estimate, scale, `${what} estimate`);
        close(r.se, ct.se, scale, `${what} se`);
        close(r.ci[0], ct.ci95[0], scale, `${what} ci lo`);
        close(r.ci[1], ct.ci95[1], scale, `${what} ci hi`);
        const rdf = svyContrast(table, ct.weights, { df: c.degf });
        close(rdf.ci[0], ct.ci95_df[0], scale, `${what} ci_df lo`);
        close(rdf.ci[1], ct.ci95_df[1], scale, `${what} ci_df hi`);
      }
    });
  }
});

describe('svyTable / svyChisq on replicate designs against R', () => {
  for (const c of ref.tables) {
    it(c.id, () => {
      const d = domainOf(repDesign(c.repDesign, c.mse), c.subset);
      const t = svyTable(d, c.row, c.col, { share: true });
      expect(t.rowLevels).toEqual(c.svytable.rowLevels);
      expect(t.colLevels).toEqual(c.svytable.colLevels);
      t.counts.forEach((r, i) => {
        r.forEach((v, j) => {
          expectClose(v, c.svytable.values[i]![j]!, 1e-10, `counts[${i}][${j}]`);
          expectClose(t.shares![i]![j]!, c.svytableProp.values[i]![j]!, 1e-10, `share[${i}][${j}]`);
        });
      });
      expectClose(t.total, c.sumWeights, 1e-12, 'total');
      expect(t.n).toEqual(c.unweighted.values);
      expect(t.nMissing).toBe(c.nMissing);
      for (const h of c.svychisq) {
        const got = svyChisq(d, c.row, c.col, { statistic: h.statisticType });
        const what = `${c.id} ${h.statisticType}`;
        expect(got.method).toBe(h.method);
        expect(got.designDf).toBe(c.degf);
        expect(got.n).toBe(c.n);
        expect(got.nMissing).toBe(c.nMissing);
        expectClose(got.statistic, h.statistic, 1e-8, `${what} statistic`);
        expectClose(got.pValue, h['p.value'], 1e-8, `${what} p`);
        if (h.statisticType === 'F') {
          expectClose(got.ndf, h.parameter.ndf!, 1e-8, `${what} ndf`);
          expectClose(got.ddf!, h.parameter.ddf!, 1e-8, `${what} ddf`);
        } else {
          expect(got.ndf).toBe(h.parameter.df);
          expect(got.ddf).toBeUndefined();
        }
      }
    });
  }
});

describe('replicate designs: behaviour', () => {
  const rclus1 = repDesign('rclus1');

  it('svyBy gives each group the estimates of a domain of the whole design', () => {
    const table = svyBy(rclus1, 'stype', (g) => svyMean(g, 'sch.wide'));
    for (const level of ['E', 'H', 'M']) {
      const alone = svyMean(
        subset(rclus1, (r) => r.stype === level),
        'sch.wide',
      );
      const rows = table.filter((r) => r.group!.stype === level);
      rows.forEach((r, j) => {
        expectClose(r.estimate, alone[j]!.estimate, 1e-14, `${level} estimate`);
        expectClose(r.se, alone[j]!.se, 1e-12, `${level} se`);
      });
    }
  });

  it('an estimator subsetting its group further is computed on its own rows', () => {
    const table = svyBy(rclus1, 'stype', (g) =>
      svyMean(
        subset(g, (r) => r['sch.wide'] === 'Yes'),
        'api00',
      ),
    );
    const rows = svyBy(
      subset(rclus1, (r) => r['sch.wide'] === 'Yes'),
      'stype',
      (g) => svyMean(g, 'api00'),
    );
    table.forEach((r, k) => {
      expectClose(r.estimate, rows[k]!.estimate, 1e-14, 'estimate');
      expectClose(r.se, rows[k]!.se, 1e-12, 'se');
    });
    for (let e = 0; e < table.covariance.length; e++) {
      expectClose(table.covariance[e]!, rows.covariance[e]!, 1e-12, `cov ${e}`);
    }
  });

  it('rows of svyMean calls on domains of one replicate design combine as svyBy does', () => {
    const table = svyBy(rclus1, 'stype', (g) => svyMean(g, 'api00'));
    const e = svyMean(
      subset(rclus1, (r) => r.stype === 'E'),
      'api00',
    );
    const h = svyMean(
      subset(rclus1, (r) => r.stype === 'H'),
      'api00',
    );
    const V = jointCovariance([e[0]!, h[0]!]);
    expectClose(V[1]!, table.covariance[1]!, 1e-12, 'cross covariance');
    const diff = svyContrast([e[0]!, h[0]!], [1, -1]);
    expectClose(diff.se, svyContrast(table, { E: 1, H: -1 }).se, 1e-12, 'contrast se');
  });

  it('rows of two svyBy tables on one replicate design combine through their replicates', () => {
    const byType = svyBy(rclus1, 'stype', (g) => svyMean(g, 'api00'));
    const bySchool = svyBy(rclus1, 'sch.wide', (g) => svyMean(g, 'api00'));
    const e = svyMean(
      subset(rclus1, (r) => r.stype === 'E'),
      'api00',
    )[0]!;
    const yes = svyMean(
      subset(rclus1, (r) => r['sch.wide'] === 'Yes'),
      'api00',
    )[0]!;
    const across = svyContrast([byType[0]!, bySchool[1]!], [1, -1]);
    const direct = svyContrast([e, yes], [1, -1]);
    expectClose(across.estimate, direct.estimate, 1e-14, 'estimate');
    expectClose(across.se, direct.se, 1e-12, 'se');
    // Linearization tables keep only their covariance: rows of two tables have none.
    const lin = buildReferenceDesign(ref.designs.dclus1!);
    const a = svyBy(lin, 'stype', (g) => svyMean(g, 'api00'));
    const b = svyBy(lin, 'sch.wide', (g) => svyMean(g, 'api00'));
    expect(() => svyContrast([a[0]!, b[1]!], [1, -1])).toThrow(
      expect.objectContaining({ code: 'NO_COVARIANCE' }),
    );
  });

  it('rows of different designs cannot be contrasted: DIFFERENT_DESIGNS', () => {
    const other = repDesign('rboot');
    const lin = buildReferenceDesign(ref.designs.dclus1!);
    const a = svyMean(rclus1, 'api00')[0]!;
    const pairs: Array<[Estimate, Estimate]> = [
      [a, svyMean(other, 'api00')[0]!],
      [a, svyMean(lin, 'api00')[0]!],
      [a, svyMean({ ...rclus1, mse: true }, 'api00')[0]!],
    ];
    for (const [x, y] of pairs) {
      expect(Number.isNaN(jointCovariance([x, y])[1]!)).toBe(true);
      try {
        svyContrast([x, y], [1, -1]);
        expect.fail('should throw');
      } catch (err) {
        expect(err).toBeInstanceOf(EstimationError);
        expect((err as EstimationError).code).toBe('DIFFERENT_DESIGNS');
      }
    }
    // One row alone needs no covariance.
    expect(svyContrast([a], [2]).se).toBeCloseTo(2 * a.se, 10);
  });

  it('a replicate missing in a group is dropped for all groups; with none left, NO_REPLICATES as R', () => {
    // Every JK1 replicate deletes one district, leaving that district's group without rows.
    try {
      svyBy(rclus1, 'dnum', (g) => svyMean(g, 'api00'));
      expect.fail('should throw');
    } catch (err) {
      expect(err).toBeInstanceOf(EstimationError);
      expect((err as EstimationError).code).toBe('NO_REPLICATES');
      expect((err as EstimationError).message).toContain(ref.errors.allReplicatesNA.message);
    }
  });

  it('svyBy uses the one-pass group sums and gets what the per-domain passes get', () => {
    // A design the grouping cannot reuse (another weights array): the ordinary path.
    const copy: ReplicateDesign = { ...rclus1, weights: Float64Array.from(rclus1.weights) };
    for (const [v, fn] of [
      ['api00', svyMean],
      ['enroll', svyTotal],
      ['sch.wide', svyTotal],
      ['stype', svyMean],
    ] as const) {
      const fast = svyBy(rclus1, ['sch.wide', 'stype'], (g) => fn(g, v));
      const slow = svyBy(copy, ['sch.wide', 'stype'], (g) => fn(g, v));
      fast.forEach((r, k) => {
        expectClose(r.estimate, slow[k]!.estimate, 1e-13, `${v} estimate`);
        if (slow[k]!.se > 1e-9 * Math.abs(slow[k]!.estimate))
          expectClose(r.se, slow[k]!.se, 1e-10, `${v} se`);
      });
    }
  });

  it('missing values are left out per group, as R with na.rm = TRUE', () => {
    const rpoll = repDesign('rpoll');
    const table = svyBy(rpoll, 'region', (g) => svyMean(g, 'income'));
    const c = ref.by.find((x) => x.id === 'rpoll-mean-income-by-region')!;
    expect(c.naRm).toBe(true);
    expect(table.reduce((s, r) => s + r.nMissing, 0)).toBeGreaterThan(0);
    table.forEach((r, g) => {
      expectClose(r.se, c.se[g]![0]!, 1e-8, `se ${g}`);
    });
  });

  it('svyTable on a linearization design keeps the complete-case counts', () => {
    const dpoll = svyDesign(loadReferenceData('poll.csv'), {
      ids: 'psu',
      strata: 'region',
      weights: 'pw',
      nest: true,
    });
    const rpoll = repDesign('rpoll');
    const lin = svyTable(dpoll, 'attitude', 'sex');
    const rep = svyTable(rpoll, 'attitude', 'sex');
    const c = ref.tables.find((x) => x.id === 'rpoll-attitude-x-sex')!;
    expect(lin.total).toBeLessThan(c.sumWeights);
    expectClose(rep.total, c.sumWeights, 1e-12, 'replicate total');
    expectClose(rep.counts[0]![0]! / lin.counts[0]![0]!, c.sumWeights / lin.total, 1e-12, 'f');
  });

  it('replicateCellSums: per-cell sums equal per-domain weighted sums, with many cells too', () => {
    const d = rclus1;
    const n = d.data.nrow;
    const y = Float64Array.from({ length: n }, (_, i) => (i % 7) + 0.5);
    // (row by row up to 1,024 cells, blocks ordered by cell up to 4,096, blocks added in place)
    for (const K of [3, 2000, 5000]) {
      const cell = Int32Array.from({ length: n }, (_, i) => (i % 4 === 3 ? -1 : (i * 7) % K));
      const got = replicateCellSums(d, cell, K, y);
      const counts = replicateCellSums(d, cell, K);
      for (const c of [0, 1, 2]) {
        const mask = Uint8Array.from(cell, (x) => (x === c ? 1 : 0));
        const want = replicateWeightedSumsMany({ ...d, domain: mask }, [y, null], null);
        expectClose(got.full[2 * c]!, want.full[0]!, 1e-13, `K ${K} full Σwy`);
        expectClose(got.full[2 * c + 1]!, want.full[1]!, 1e-13, `K ${K} full Σw`);
        expectClose(counts.full[c]!, want.full[1]!, 1e-13, `K ${K} counts`);
        want.reps.forEach((r, k) => {
          expectClose(got.reps[k]![2 * c]!, r[0]!, 1e-13, `K ${K} rep ${k} Σwy`);
          expectClose(counts.reps[k]![c]!, r[1]!, 1e-13, `K ${K} rep ${k} Σw`);
        });
      }
    }
    expect(() => replicateCellSums(d, new Int32Array(3), 1)).toThrow(
      expect.objectContaining({ code: 'LENGTH_MISMATCH' }),
    );
  });

  it('svyChisq on a replicate design uses the replicate degf of the domain', () => {
    const data = fromColumns({
      a: ['x', 'y', 'x', 'y', 'x', 'y', 'x', 'y'],
      b: ['u', 'u', 'v', 'v', 'u', 'v', 'v', 'u'],
      psu: [1, 1, 2, 2, 3, 3, 4, 4],
    });
    const d: SurveyDesign = asRepDesign(svyDesign(data, { ids: 'psu' }));
    const t = svyChisq(d, 'a', 'b');
    expect(t.designDf).toBe(3);
    expect(t.ddf).toBeCloseTo(3 * t.ndf, 12);
  });
});
