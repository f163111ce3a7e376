import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { LinearizationDesign, SurveyDesign } from '../../src/design/types.js';
import { EstimationError } from '../../src/errors.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { jointCovariance } from '../../src/estimate/influence-rows.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import type { Estimate } from '../../src/estimate/types.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { type ReferenceDesign, referenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';

interface ByCase {
  id: string;
  design: string;
  subset: Array<Condition | { var: string; op: 'notNA'; value: null }> | null;
  statistic: 'mean' | 'total';
  variables: string[];
  by: string[];
  groups: Array<Record<string, string>>;
  groupLabels: string[];
  estimateNames: string[];
  estimate: Array<Array<number | null>>;
  se: Array<Array<number | null>>;
  flatNames: string[];
  vcov: Array<Array<number | null>>;
}
interface ByJsonCase extends ByCase {
  naRm: boolean;
  deff: number[][] | null;
  ci95: Array<[number, number]>;
  ci90: Array<[number, number]>;
  degf: number;
  n: number[][];
  contrasts: Array<{
    name: string;
    weights: Record<string, number> | null;
    estimate: number;
    se: number;
    ci95: [number, number];
    ci95_df: [number, number];
  }>;
}
interface ExtraCase extends ByCase {
  dropEmpty: boolean;
  nMissingGroup: number;
}
interface RefFile<C> {
  designs: Record<string, ReferenceDesign>;
  cases: C[];
}

const byRef = loadReferenceJson<RefFile<ByJsonCase>>('by.json');
const extraRef = loadReferenceJson<RefFile<ExtraCase>>('by-extra.json');

function design(ref: RefFile<unknown>, name: string): LinearizationDesign {
  return referenceDesign(ref, name);
}

/** Applies the reference subset conditions ('notNA' included) as a domain. */
function applySubset(d: SurveyDesign, conds: ByCase['subset']): SurveyDesign {
  if (!conds || conds.length === 0) return d;
  const plain = conds.filter((c): c is Condition => c.op !== 'notNA');
  const mask = conditionMask(d.data, plain);
  for (const c of conds) {
    if (c.op !== 'notNA') continue;
    const col = d.data.columns[c.var]!;
    for (let i = 0; i < d.data.nrow; i++) {
      const missing = col.kind === 'numeric' ? Number.isNaN(col.values[i]!) : col.codes[i]! < 0;
      if (missing) mask[i] = 0;
    }
  }
  return subset(d, mask);
}

function estimatorFor(c: ByCase, deff = false) {
  const fn = c.statistic === 'mean' ? svyMean : svyTotal;
  return (dom: SurveyDesign): Estimate[] => c.variables.flatMap((v) => fn(dom, v, { deff }));
}

/** Checks a table against R: rows group-major vs R's variable-major flat order. */
function checkTable(
  table: ReturnType<typeof svyBy>,
  c: ByCase,
  label: string,
  opts: { nullRows?: boolean } = {},
) {
  const ng = c.groupLabels.length;
  const nv = c.estimateNames.length;
  expect(table.length, label).toBe(ng * nv);
  const K = ng * nv;
  const flat = (a: number) => (a % nv) * ng + Math.floor(a / nv);
  for (let a = 0; a < K; a++) {
    const g = Math.floor(a / nv);
    const e = a % nv;
    const row = table[a]!;
    const where = `${label} ${table.labels[a]}`;
    expect(table.labels[a], where).toBe(c.flatNames[flat(a)]);
    if (c.groups?.[g]) expect(row.group, where).toEqual(c.groups[g]);
    const est = c.estimate[g]![e];
    if (est === null || est === undefined) {
      expect(opts.nullRows, where).toBe(true);
      expect(row.estimate, where).toBeNaN();
      expect(row.se, where).toBeNaN();
    } else {
      expectClose(row.estimate, est, 1e-8, `${where} estimate`);
      expectClose(row.se, c.se[g]![e]!, 1e-8, `${where} se`);
    }
    for (let b = 0; b < K; b++) {
      const v = c.vcov[flat(a)]![flat(b)];
      const got = table.covariance[a * K + b]!;
      if (v === null || v === undefined) {
        expect(got, `${where} cov[${b}]`).toBeNaN();
        continue;
      }
      // A structural zero (e.g. groups in different strata) is rounding noise in R and here.
      const scale = Math.sqrt(Math.abs(c.vcov[flat(a)]![flat(a)]! * c.vcov[flat(b)]![flat(b)]!));
      if (Math.abs(v) < 1e-12 * scale) expect(Math.abs(got)).toBeLessThan(1e-12 * scale);
      else expectClose(got, v, 1e-8, `${where} cov with ${table.labels[b]}`);
    }
  }
}

describe('svyBy against R svyby(covmat = TRUE) (by.json)', () => {
  for (const c of byRef.cases) {
    it(c.id, () => {
      const full = design(byRef, c.design);
      const d = applySubset(full, c.subset);
      const table = svyBy(d, c.by, estimatorFor(c, true));
      checkTable(table, c, c.id);
      const ng = c.groupLabels.length;
      const nv = c.estimateNames.length;
      const nPerVar = nv / c.variables.length;
      for (let a = 0; a < table.length; a++) {
        const g = Math.floor(a / nv);
        const e = a % nv;
        const k = e * ng + g;
        const row = table[a]!;
        expectClose(row.ci[0], c.ci95[k]![0], 1e-8, `${c.id} ci95 lo ${a}`);
        expectClose(row.ci[1], c.ci95[k]![1], 1e-8, `${c.id} ci95 hi ${a}`);
        if (c.deff) expectClose(row.deff!, c.deff[g]![e]!, 1e-8, `${c.id} deff ${a}`);
        expect(row.n, `${c.id} n ${a}`).toBe(c.n[g]![Math.floor(e / nPerVar)]);
      }
      expect(table.by).toEqual(c.by);
      expect(table.nMissingGroup).toBe(0);
      for (const ct of c.contrasts) {
        if (!ct.weights) continue; // nonlinear contrasts are not svyContrast's
        const r = svyContrast(table, ct.weights);
        expectClose(r.estimate, ct.estimate, 1e-8, `${c.id} ${ct.name} estimate`);
        expectClose(r.se, ct.se, 1e-8, `${c.id} ${ct.name} se`);
        expectClose(r.ci[0], ct.ci95[0], 1e-8, `${c.id} ${ct.name} ci lo`);
        expectClose(r.ci[1], ct.ci95[1], 1e-8, `${c.id} ${ct.name} ci hi`);
        const rdf = svyContrast(table, ct.weights, { df: c.degf });
        expectClose(rdf.ci[0], ct.ci95_df[0], 1e-8, `${c.id} ${ct.name} ci_df lo`);
        expectClose(rdf.ci[1], ct.ci95_df[1], 1e-8, `${c.id} ${ct.name} ci_df hi`);
      }
    });
    if (c.subset) {
      // R 4.1.1 cannot do covmat with na.rm; the missing values as a per-group domain of the
      // full design must give the same covariance as R on the subset without them.
      it(`${c.id}: missing values excluded per group on the full design`, () => {
        const table = svyBy(design(byRef, c.design), c.by, estimatorFor(c));
        checkTable(table, c, `${c.id} (full design)`);
        const missing = table.reduce((s, r) => s + r.nMissing, 0);
        expect(missing).toBeGreaterThan(0);
      });
    }
  }
});

describe('svyBy: empty groups, missing groups, domains (by-extra.json)', () => {
  for (const c of extraRef.cases) {
    it(c.id, () => {
      const d = applySubset(design(extraRef, c.design), c.subset);
      const table = svyBy(d, c.by, estimatorFor(c), { dropEmpty: c.dropEmpty });
      checkTable(table, c, c.id, { nullRows: !c.dropEmpty });
      expect(table.nMissingGroup, 'nMissingGroup').toBe(c.nMissingGroup);
    });
  }

  it('reports empty combinations and keeps them as NaN rows with dropEmpty: false', () => {
    const d = design(extraRef, 'dclus1');
    const dropped = svyBy(d, ['stype', 'yr.rnd'], (x) => svyMean(x, 'api00'));
    expect(dropped.labels).toEqual(['E.No', 'H.No', 'M.No', 'E.Yes']);
    expect(dropped.emptyGroups).toEqual([
      { stype: 'H', 'yr.rnd': 'Yes' },
      { stype: 'M', 'yr.rnd': 'Yes' },
    ]);
    const kept = svyBy(d, ['stype', 'yr.rnd'], (x) => svyMean(x, 'api00'), { dropEmpty: false });
    expect(kept.labels).toEqual(['E.No', 'H.No', 'M.No', 'E.Yes', 'H.Yes', 'M.Yes']);
    expect(kept.emptyGroups).toEqual(dropped.emptyGroups);
    expect(kept[4]).toMatchObject({ n: 0, group: { stype: 'H', 'yr.rnd': 'Yes' } });
    expect(kept[4]!.estimate).toBeNaN();
  });

  it('a level with no respondent in the domain is reported, not silently lost', () => {
    const d = subset(design(extraRef, 'dclus1'), (r) => r.stype !== 'H');
    const table = svyBy(d, 'stype', (x) => svyTotal(x, 'enroll'));
    expect(table.map((r) => r.group?.stype)).toEqual(['E', 'M']);
    expect(table.emptyGroups).toEqual([{ stype: 'H' }]);
  });

  it('counts respondents with a missing grouping value and leaves them out of every group', () => {
    const d = design(extraRef, 'dpoll');
    const table = svyBy(d, 'attitude', (x) => svyMean(x, 'age'));
    expect(table.nMissingGroup).toBe(11);
    const inGroups = table.reduce((s, r) => s + r.n, 0);
    expect(inGroups + table.nMissingGroup).toBe(d.data.nrow);
  });
});

describe('svyBy: behaviour', () => {
  const data = fromColumns({
    y: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    z: [1, null, 3, null, 5, null, 7, null, 9, null],
    g: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'],
    h: ['x', 'x', 'y', 'y', 'x', 'x', 'y', 'y', 'x', null],
    k: [1, 2, 1, 2, 1, 2, 1, 2, 10, 2],
    w: [1, 2, 1, 2, 1, 2, 1, 2, 1, 2],
  });
  const d = svyDesign(data, { weights: 'w' });

  it('rows are plain estimates: the table is an array whose extras do not serialise', () => {
    const table = svyBy(d, 'g', (x) => svyMean(x, 'y'));
    expect(Array.isArray(table)).toBe(true);
    expect(JSON.parse(JSON.stringify(table))).toHaveLength(2);
    expect(Object.keys(table)).toEqual(['0', '1']);
    expect([...table.keys()]).toEqual([0, 1]);
    const filtered = table.filter((r) => r.group?.g === 'a');
    expect(filtered).not.toHaveProperty('covariance');
    expect(table[0]).toMatchObject({ variable: 'y', statistic: 'mean', group: { g: 'a' }, n: 5 });
  });

  it('accepts an estimator returning a single Estimate', () => {
    const table = svyBy(d, 'g', (x) => svyMean(x, 'y')[0]!);
    expect(table.map((r) => r.estimate)).toEqual([5, 6]);
  });

  it('groups a numeric variable by its sorted values', () => {
    const table = svyBy(d, 'k', (x) => svyTotal(x, 'y'));
    expect(table.labels).toEqual(['1', '2', '10']);
    expect(table.map((r) => r.estimate)).toEqual([1 + 3 + 5 + 7, 2 * (2 + 4 + 6 + 8 + 10), 9]);
  });

  it('covariance between groups matches the stacked linearization, with SEs from the estimator', () => {
    const table = svyBy(d, 'h', (x) => svyMean(x, 'y'));
    expect(table.nMissingGroup).toBe(1);
    const rows = ['x', 'y'].map((lev) =>
      svyMean(
        subset(d, (r) => r.h === lev),
        'y',
      ),
    );
    for (let a = 0; a < 2; a++) expectClose(table[a]!.se, rows[a]![0]!.se, 1e-12, 'se');
    // Same as combining the two svyMean calls directly.
    const V = jointCovariance([rows[0]![0]!, rows[1]![0]!]);
    for (let e = 0; e < 4; e++) expectClose(table.covariance[e]!, V[e]!, 1e-12, `cov ${e}`);
    expect(table.covariance[1]).not.toBe(0);
  });

  it('rows of an estimator without influence values: NaN covariance, se² on the diagonal', () => {
    const table = svyBy(d, 'g', (x) => {
      const [m] = svyMean(x, 'y');
      return { ...m!, statistic: 'custom' }; // a copy carries no influence values
    });
    expect(table.covariance[0]).toBeCloseTo(table[0]!.se ** 2, 14);
    expect(table.covariance[1]).toBeNaN();
    expect(svyContrast(table, { a: 2 }).se).toBeCloseTo(2 * table[0]!.se, 14);
    expect(() => svyContrast(table, { a: 1, b: -1 })).toThrow(
      expect.objectContaining({ code: 'NO_COVARIANCE' }),
    );
  });

  it('names the group when the estimator fails for it', () => {
    const dz = subset(d, (r) => r.g === 'b' || r.z !== null);
    let error: unknown;
    try {
      svyBy(dz, 'g', (x) => svyMean(x, 'z'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EstimationError);
    expect(error).toMatchObject({ code: 'EMPTY_DOMAIN', details: { group: { g: 'b' } } });
    expect((error as Error).message).toMatch(/^group g = b: /);
  });

  it('a design with members svyBy does not know is grouped by domain masks, with the same result', () => {
    const dclus1 = design(byRef, 'dclus1');
    const est = (x: SurveyDesign) => [...svyMean(x, 'api00'), ...svyTotal(x, 'sch.wide')];
    const fast = svyBy(dclus1, 'stype', est);
    const masked = svyBy({ ...dclus1, extra: true } as LinearizationDesign, 'stype', est);
    expect(masked.labels).toEqual(fast.labels);
    for (let a = 0; a < fast.length; a++) {
      expectClose(masked[a]!.estimate, fast[a]!.estimate, 1e-12, `estimate ${a}`);
      expectClose(masked[a]!.se, fast[a]!.se, 1e-12, `se ${a}`);
    }
    for (let e = 0; e < fast.covariance.length; e++) {
      const v = fast.covariance[e]!;
      if (Math.abs(v) < 1e-9) expect(Math.abs(masked.covariance[e]!)).toBeLessThan(1e-9);
      else expectClose(masked.covariance[e]!, v, 1e-10, `cov ${e}`);
    }
  });

  it('the estimator may subset its group further', () => {
    const dclus1 = design(byRef, 'dclus1');
    const table = svyBy(dclus1, 'stype', (x) =>
      svyMean(
        subset(x, (r) => r['sch.wide'] === 'Yes'),
        'api00',
      ),
    );
    const direct = svyMean(
      subset(dclus1, (r) => r['sch.wide'] === 'Yes' && r.stype === 'H'),
      'api00',
    )[0]!;
    expectClose(table[1]!.estimate, direct.estimate, 1e-12, 'estimate');
    expectClose(table[1]!.se, direct.se, 1e-12, 'se');
  });

  it("an estimator's error names the data's row, not the row within the group", () => {
    let error: unknown;
    try {
      svyBy(d, 'g', (x) => svyMean(x, 'z', { na: 'fail' }));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'MISSING_VALUES', details: { row: 2, group: { g: 'b' } } });
    expect((error as Error).message).toContain('first at row 2');
  });

  it('typed errors for bad grouping variables', () => {
    expect(() => svyBy(d, 'nope', (x) => svyMean(x, 'y'))).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_VARIABLE' }),
    );
    expect(() => svyBy(d, [], (x) => svyMean(x, 'y'))).toThrow(
      expect.objectContaining({ code: 'BAD_OPTION' }),
    );
    const none = subset(d, () => false);
    expect(() => svyBy(none, 'g', (x) => svyMean(x, 'y'))).toThrow(
      expect.objectContaining({ code: 'EMPTY_DOMAIN' }),
    );
  });
});
