import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import type { SurveyData } from '../../src/data/types.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { EstimationError } from '../../src/errors.js';
import { type CiPropMethod, svyCiProp } from '../../src/estimate/ciprop.js';
import { svyMean } from '../../src/estimate/mean.js';
import { qt } from '../../src/stats/distributions.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceData, loadReferenceJson } from '../helpers/reference.js';

interface Indicator {
  var: string;
  op: Condition['op'];
  value: string | number;
}
interface SubsetCondition {
  var: string;
  op: Condition['op'] | 'notNA';
  value: string | number | null;
}
interface CipropCase {
  id: string;
  target: string;
  design: string;
  subset: SubsetCondition[] | null;
  indicator: Indicator;
  method: CiPropMethod;
  level: number;
  df: number | 'Inf';
  naRm: boolean;
  estimate: number;
  se: number;
  ci: [number, number];
}
interface Target {
  key: string;
  n: number;
  nMissing: number;
}
interface CipropFile {
  designs: Record<string, ReferenceDesign>;
  targets: Target[];
  cases: CipropCase[];
}

const ref = loadReferenceJson<CipropFile>('ciprop.json');
const extra = loadReferenceJson<ExtraFile>('ciprop-extra.json');

/** Rows where every condition holds ('notNA': the variable is not missing). */
function subsetMask(data: SurveyData, conds: SubsetCondition[]): Uint8Array {
  const plain = conds.filter((c) => c.op !== 'notNA') as Condition[];
  const mask = conditionMask(data, plain);
  for (const c of conds) {
    if (c.op !== 'notNA') continue;
    const col = data.columns[c.var]!;
    for (let i = 0; i < data.nrow; i++) {
      const missing = col.kind === 'numeric' ? Number.isNaN(col.values[i]!) : col.codes[i]! < 0;
      if (missing) mask[i] = 0;
    }
  }
  return mask;
}

/**
 * The design and the variable/success to give svyCiProp for R's `~I(var == value)`: a categorical
 * variable with its level; a numeric one through a derived 0/1 column (missing stays missing).
 */
function setup(
  c: { design: string; subset: SubsetCondition[] | null; indicator: Indicator },
  designs: Record<string, ReferenceDesign>,
): { design: SurveyDesign; variable: string; success: string | number } {
  const spec = designs[c.design]!;
  const raw = loadReferenceData(spec.data);
  const { var: v, value } = c.indicator;
  const col = raw.columns[v]!;
  let data = raw;
  let variable = v;
  let success: string | number = col.kind === 'numeric' ? Number(value) : value;
  const plain = c.indicator.op === '==' && (col.kind !== 'numeric' || isBinary(col.values));
  if (!plain) {
    // R's I(var op value): NA where var is missing, else 1 where the condition holds.
    const holds = conditionMask(raw, [c.indicator]);
    const derived = new Float64Array(raw.nrow);
    for (let i = 0; i < raw.nrow; i++) {
      const missing = col.kind === 'numeric' ? Number.isNaN(col.values[i]!) : col.codes[i]! < 0;
      derived[i] = missing ? Number.NaN : holds[i]!;
    }
    const columns: Record<string, Float64Array | { codes: Int32Array; levels: readonly string[] }> =
      {};
    for (const name of raw.names) {
      const cc = raw.columns[name]!;
      columns[name] = cc.kind === 'numeric' ? cc.values : { codes: cc.codes, levels: cc.levels };
    }
    columns.indicator = derived;
    data = fromColumns(columns, { source: spec.data });
    variable = 'indicator';
    success = 1;
  }
  let full = buildReferenceDesign(spec);
  if (data !== raw) full = { ...full, data };
  const design = c.subset ? subset(full, subsetMask(full.data, c.subset)) : full;
  return { design, variable, success };
}

function isBinary(values: Float64Array): boolean {
  return values.every((x) => Number.isNaN(x) || x === 0 || x === 1);
}

describe('svyCiProp matches R survey 4.1.1 svyciprop (ciprop.json)', () => {
  for (const c of ref.cases) {
    it(c.id, () => {
      const { design, variable, success } = setup(c, ref.designs);
      const df = c.df === 'Inf' ? Number.POSITIVE_INFINITY : undefined;
      const r = svyCiProp(design, variable, {
        success,
        method: c.method,
        level: c.level,
        ...(df === undefined ? {} : { df }),
      });
      expectClose(r.estimate, c.estimate, 1e-8, `${c.id} estimate`);
      expectClose(r.se, c.se, 1e-8, `${c.id} se`);
      expectClose(r.ci[0], c.ci[0], 1e-8, `${c.id} lower`);
      expectClose(r.ci[1], c.ci[1], 1e-8, `${c.id} upper`);
      const target = ref.targets.find((t) => t.key === c.target)!;
      expect(r.n).toBe(target.n);
      expect(r.nMissing).toBe(target.nMissing);
      expect(r.statistic).toBe('proportion');
    });
  }
});

interface ExtraCase {
  id: string;
  design: string;
  subset: SubsetCondition[] | null;
  indicator: Indicator;
  method: CiPropMethod;
  level: number;
  df: number | 'Inf' | null;
  estimate: number;
  se: number;
  ci: [number | null, number | null];
}
interface ExtraFile {
  designs: Record<string, ReferenceDesign>;
  cases: ExtraCase[];
  zeroWeights: Array<{
    id: string;
    subset: SubsetCondition[] | null;
    indicator: Indicator;
    method: CiPropMethod;
    level: number;
    estimate: number;
    se: number;
    ci: [number, number];
  }>;
  zeroProportion: Array<{
    method: CiPropMethod;
    error: string | null;
    estimate: number | null;
    ci: [number | null, number | null] | null;
  }>;
}

describe('svyCiProp: more levels, df and small domains (ciprop-extra.json)', () => {
  for (const c of extra.cases) {
    it(c.id, () => {
      const { design, variable, success } = setup(c, extra.designs);
      const opts: Parameters<typeof svyCiProp>[2] = { success, method: c.method, level: c.level };
      if (c.df === 'Inf') opts.df = Number.POSITIVE_INFINITY;
      else if (typeof c.df === 'number') opts.df = c.df;
      const r = svyCiProp(design, variable, opts);
      expectClose(r.estimate, c.estimate, 1e-8, `${c.id} estimate`);
      expectClose(r.se, c.se, 1e-8, `${c.id} se`);
      expectClose(r.ci[0], c.ci[0] ?? Number.NaN, 1e-8, `${c.id} lower`);
      expectClose(r.ci[1], c.ci[1] ?? Number.NaN, 1e-8, `${c.id} upper`);
    });
  }
});

describe('svyCiProp: a proportion of 0 (svyciprop(~I(api00 > 950), dclus1))', () => {
  const c = {
    design: 'dclus1',
    subset: null,
    indicator: { var: 'api00', op: '>' as const, value: 950 },
  };
  for (const z of extra.zeroProportion) {
    it(z.method, () => {
      const { design, variable, success } = setup(c, ref.designs);
      if (z.error !== null) {
        // R: "profiling has found a better solution, so original fit had not converged"
        expect(
          catchError(() => svyCiProp(design, variable, { success, method: z.method })).code,
        ).toBe('PROFILE_FAILED');
        return;
      }
      const r = svyCiProp(design, variable, { success, method: z.method });
      expect(r.estimate).toBe(0); // R's logit reports expit of the unconverged intercept, ~3e-12
      expectClose(r.ci[0], z.ci![0] ?? Number.NaN, 1e-8, `${z.method} lower`);
      expectClose(r.ci[1], z.ci![1] ?? Number.NaN, 1e-8, `${z.method} upper`);
    });
  }
});

/** apiclus1 with pw0 = pw but 0 on every 10th row, as ciprop-extra.R builds it. */
function zeroWeightDesign(): SurveyDesign {
  const raw = loadReferenceData('apiclus1.csv');
  const columns: Record<string, Float64Array | { codes: Int32Array; levels: readonly string[] }> =
    {};
  for (const name of raw.names) {
    const cc = raw.columns[name]!;
    columns[name] = cc.kind === 'numeric' ? cc.values : { codes: cc.codes, levels: cc.levels };
  }
  const pw = (raw.columns.pw as { values: Float64Array }).values;
  columns.pw0 = pw.map((w, i) => ((i + 1) % 10 === 0 ? 0 : w));
  return svyDesign(fromColumns(columns, { source: 'apiclus1.csv' }), {
    ids: 'dnum',
    weights: 'pw0',
    fpc: 'fpc',
    allowZeroWeights: true,
  });
}

describe('svyCiProp with zero weights (R keeps those rows: nrow, the glm model frame)', () => {
  const full = zeroWeightDesign();
  for (const c of extra.zeroWeights) {
    it(c.id, () => {
      const design = c.subset ? subset(full, subsetMask(full.data, c.subset)) : full;
      const r = svyCiProp(design, c.indicator.var, {
        success: c.indicator.value,
        method: c.method,
        level: c.level,
      });
      expectClose(r.estimate, c.estimate, 1e-8, `${c.id} estimate`);
      expectClose(r.se, c.se, 1e-8, `${c.id} se`);
      expectClose(r.ci[0], c.ci[0], 1e-8, `${c.id} lower`);
      expectClose(r.ci[1], c.ci[1], 1e-8, `${c.id} upper`);
    });
  }
});

describe('svyCiProp behaviour', () => {
  const data = fromColumns({
    vote: ['yes', 'no', 'yes', null, 'no', 'yes', 'maybe', 'yes'],
    won: [1, 0, 1, Number.NaN, 0, 1, 0, 2],
    psu: [1, 1, 2, 2, 3, 3, 4, 4],
    w: [1, 2, 1, 2, 1, 2, 1, 2],
  });
  const design = svyDesign(data, { ids: 'psu', weights: 'w' });

  it('the estimate and se are those of svyMean of the indicator', () => {
    const sub = subset(design, (r) => r.won !== 2);
    const r = svyCiProp(sub, 'won', { method: 'mean' });
    const m = svyMean(sub, 'won')[0]!;
    expectClose(r.estimate, m.estimate, 1e-14, 'estimate');
    expectClose(r.se, m.se, 1e-12, 'se');
    expect(r.n).toBe(6);
    expect(r.nMissing).toBe(1);
    expect(r.level).toBeUndefined();
    const zero = svyCiProp(sub, 'won', { method: 'mean', success: 0 });
    expectClose(zero.estimate, 1 - r.estimate, 1e-14, 'success 0');
  });

  it('on a whole design (no row mask made) equals the same design as a domain of every row', () => {
    // the whole design's scan marks no rows (a loop of its own); a domain's marks them
    const rows = 400;
    const psu = Float64Array.from({ length: rows }, (_, i) => (i * 13) % 40);
    const columns = (won: Float64Array) =>
      fromColumns({
        won,
        psu,
        stratum: Float64Array.from(psu, (p) => p % 4),
        w: Float64Array.from({ length: rows }, (_, i) => 1 + ((i * 31) % 17) / 4),
      });
    const won = Float64Array.from({ length: rows }, (_, i) =>
      i % 37 === 5 ? Number.NaN : (i * 7) % 3 === 0 ? 1 : 0,
    );
    const spec = { ids: 'psu', strata: 'stratum', weights: 'w' };
    const whole = svyDesign(columns(won), spec);
    const all = subset(whole, () => true);
    for (const method of ['beta', 'mean', 'asin', 'xlogit', 'wilson', 'logit'] as const) {
      const a = svyCiProp(whole, 'won', { method });
      const b = svyCiProp(all, 'won', { method });
      expect([a.estimate, a.se, ...a.ci], method).toEqual([b.estimate, b.se, ...b.ci]);
      expect([a.n, a.nMissing], method).toEqual([b.n, b.nMissing]);
    }
    expect(svyCiProp(whole, 'won', { method: 'beta' }).nMissing).toBe(11);
    // a value other than 0 and 1 is still named by its row (the mask made to find it)
    const half = svyDesign(columns(Float64Array.from(won, (x, i) => (i === 123 ? 0.5 : x))), spec);
    expect(() => svyCiProp(half, 'won', { method: 'beta' })).toThrow(/row 124/);
  });

  it('a categorical variable needs success, reports the level and counts missing values', () => {
    const r = svyCiProp(design, 'vote', { success: 'yes', method: 'xlogit' });
    expect(r.level).toBe('yes');
    expect(r.n).toBe(7);
    expect(r.nMissing).toBe(1);
    expectClose(r.estimate, 6 / 10, 1e-14, 'share of yes');
    expect(r.ci[0]).toBeLessThan(r.estimate);
    expect(r.ci[1]).toBeGreaterThan(r.estimate);
  });

  it('NOT_BINARY names the variable, the value and the row', () => {
    const err = catchError(() => svyCiProp(design, 'won'));
    expect(err.code).toBe('NOT_BINARY');
    expect(err.details).toMatchObject({ variable: 'won', value: 2, row: 8 });
    expect(err.message).toMatch(/"won".*row 8 has 2/);
  });

  it('UNKNOWN_LEVEL lists the levels; SUCCESS_REQUIRED when success is missing', () => {
    const unknown = catchError(() => svyCiProp(design, 'vote', { success: 'Yes' }));
    expect(unknown.code).toBe('UNKNOWN_LEVEL');
    expect(unknown.message).toContain('"yes", "no", "maybe"');
    expect(unknown.details).toMatchObject({ variable: 'vote', level: 'Yes' });
    const required = catchError(() => svyCiProp(design, 'vote'));
    expect(required.code).toBe('SUCCESS_REQUIRED');
    expect(required.message).toContain('"yes", "no", "maybe"');
    const two = fromColumns({ g: ['a', 'b', 'a'], psu: [1, 2, 3] });
    expect(catchError(() => svyCiProp(svyDesign(two, { ids: 'psu' }), 'g')).code).toBe(
      'SUCCESS_REQUIRED',
    );
  });

  it("'wilson': the score interval with the effective sample size, by hand", () => {
    // Simple random sampling of 10 (each its own PSU, no weights): 3 successes, p = 0.3. svymean's
    // variance of p is Σ (y − p)² / (n (n − 1)) = (3 · 0.49 + 7 · 0.09) / 90 = 2.1 / 90, so the
    // effective sample size p(1 − p)/var is 0.21 · 90 / 2.1 = 9. With t = qt(0.975, df = 9):
    // (p + t²/18 ∓ t/18 · √(36 · 0.21 + t²)) / (1 + t²/9).
    const srs = svyDesign(fromColumns({ y: [1, 0, 0, 1, 0, 0, 0, 1, 0, 0] }));
    const r = svyCiProp(srs, 'y', { method: 'wilson' });
    const t = qt(0.975, 9);
    const centre = 0.3 + (t * t) / 18;
    const half = (t / 18) * Math.sqrt(36 * 0.21 + t * t);
    const denominator = 1 + (t * t) / 9;
    expectClose(r.estimate, 0.3, 1e-14);
    expectClose(r.se ** 2, 2.1 / 90, 1e-12);
    expectClose(r.ci[0], (centre - half) / denominator, 1e-12);
    expectClose(r.ci[1], (centre + half) / denominator, 1e-12);
    // Asymmetric around p and inside [0, 1]; df: Infinity gives the normal-quantile version.
    expect(r.ci[1] - 0.3).toBeGreaterThan(0.3 - r.ci[0]);
    const z = svyCiProp(srs, 'y', { method: 'wilson', df: Number.POSITIVE_INFINITY });
    const zq = 1.959963984540054;
    expectClose(
      z.ci[0],
      (0.3 + zq ** 2 / 18 - (zq / 18) * Math.sqrt(7.56 + zq ** 2)) / (1 + zq ** 2 / 9),
      1e-12,
    );
    // A share of 1 with variance 0: no effective sample size, NaN limits (R too).
    const all = svyCiProp(svyDesign(fromColumns({ y: [1, 1, 1] })), 'y', { method: 'wilson' });
    expect(all.ci.every(Number.isNaN)).toBe(true);
  });

  it('rejects bad options', () => {
    const sub = subset(design, (r) => r.won !== 2);
    expect(catchError(() => svyCiProp(sub, 'won', { success: 2 })).code).toBe('BAD_OPTION');
    expect(catchError(() => svyCiProp(sub, 'won', { method: 'wald' as CiPropMethod })).code).toBe(
      'BAD_OPTION',
    );
    expect(catchError(() => svyCiProp(sub, 'won', { level: 1 })).code).toBe('BAD_OPTION');
    expect(catchError(() => svyCiProp(sub, 'won', { df: 0 })).code).toBe('BAD_OPTION');
    expect(catchError(() => svyCiProp(sub, 'nope')).code).toBe('UNKNOWN_VARIABLE');
    const empty = subset(design, () => false);
    expect(catchError(() => svyCiProp(empty, 'won')).code).toBe('EMPTY_DOMAIN');
  });
});

function catchError(f: () => unknown): EstimationError {
  try {
    f();
  } catch (e) {
    if (e instanceof EstimationError) return e;
    throw e;
  }
  throw new Error('expected an EstimationError');
}
