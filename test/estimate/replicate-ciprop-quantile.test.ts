import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import type { SurveyData } from '../../src/data/types.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign, svyRepDesign } from '../../src/design/replicate.js';
import type { ReplicateDesign, ReplicateType } from '../../src/design/replicate-types.js';
import { subset } from '../../src/design/subset.js';
import { EstimationError } from '../../src/errors.js';
import { type CiPropMethod, svyCiProp } from '../../src/estimate/ciprop.js';
import { svyMean } from '../../src/estimate/mean.js';
import {
  type QuantileInterval,
  type QuantileRule,
  svyQuantile,
} from '../../src/estimate/quantile.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceData, loadReferenceJson } from '../helpers/reference.js';

interface RepSpec {
  name: string;
  from: 'design' | 'columns';
  design: string | null;
  data: string | null;
  type: ReplicateType;
  weights: string | null;
  repweights: string | null;
  combinedWeights: boolean | null;
  rcall: string;
  nrow: number;
  degf: number;
  nReplicates: number;
}
interface Indicator {
  var: string;
  op: Condition['op'];
  value: string | number;
}
interface CipropTarget {
  key: string;
  rep: string;
  subset: Condition[] | null;
  indicator: Indicator;
  naRm: boolean;
  degf: number;
  nrow: number;
  n: number;
  nMissing: number;
}
interface CipropCase {
  id: string;
  target: string;
  rep: string;
  subset: Condition[] | null;
  indicator: Indicator;
  method: CiPropMethod;
  level: number;
  df: number | 'Inf';
  mse: boolean;
  error: string | null;
  estimate: number;
  se: number;
  ci: [number | null, number | null];
  /** 'likelihood': the result with survey 4.3's Pearson residuals (what surveykit follows). */
  fixed: CipropResult | null;
}
type CipropResult = Pick<CipropCase, 'error' | 'estimate' | 'se' | 'ci'>;
interface QuantileCase {
  id: string;
  rep: string;
  subset: Condition[] | null;
  variable: string;
  qrule: QuantileRule;
  intervalType: QuantileInterval;
  level: number;
  df: number | 'Inf';
  mse: boolean;
  n: number;
  nMissing: number;
  error: string | null;
  warnings: string[];
  probs: number[];
  quantile: number[];
  ci: [number | null, number | null][];
  se: (number | null)[];
  /** Under survey ≥ 4.4's fixed rules, where they change 4.1.1's answer (see quantile.test.ts). */
  fixed: { quantile: number[]; ci: [number | null, number | null][]; se: (number | null)[] } | null;
}
interface RefFile {
  designs: Record<string, ReferenceDesign>;
  repDesigns: Record<string, RepSpec>;
  ciprop: { targets: CipropTarget[]; cases: CipropCase[] };
  quantile: { probs: number[]; cases: QuantileCase[] };
  errors: Record<string, string>;
}

const ref = loadReferenceJson<RefFile>('replicate-ciprop-quantile.json');

const built = new Map<string, ReplicateDesign>();
/** The replicate design of a reference spec, built as R built it (mse FALSE). */
function repDesign(name: string): ReplicateDesign {
  const hit = built.get(name);
  if (hit) return hit;
  const s = ref.repDesigns[name]!;
  const d =
    s.from === 'design'
      ? asRepDesign(buildReferenceDesign(ref.designs[s.design!]!), { type: s.type as 'JK1' })
      : svyRepDesign(loadReferenceData(s.data!), {
          weights: s.weights!,
          repweights: new RegExp(s.repweights!),
          type: s.type,
          combinedWeights: s.combinedWeights ?? true,
        });
  expect(d.df, `${name} degf`).toBe(s.degf);
  expect(d.replicates).toHaveLength(s.nReplicates);
  built.set(name, d);
  return d;
}

/** The design with R's `~I(var op value)` as a 0/1 column `indicator` (missing stays missing). */
function withIndicator(design: ReplicateDesign, ind: Indicator): ReplicateDesign {
  const raw = design.data;
  const col = raw.columns[ind.var]!;
  const holds = conditionMask(raw, [ind]);
  const derived = new Float64Array(raw.nrow);
  for (let i = 0; i < raw.nrow; i++) {
    const missing = col.kind === 'numeric' ? Number.isNaN(col.values[i]!) : col.codes[i]! < 0;
    derived[i] = missing ? Number.NaN : holds[i]!;
  }
  const columns: Record<string, Float64Array | { codes: Int32Array; levels: readonly string[] }> =
    {};
  for (const name of raw.names) {
    const c = raw.columns[name]!;
    columns[name] = c.kind === 'numeric' ? c.values : { codes: c.codes, levels: c.levels };
  }
  columns.indicator = derived;
  const data: SurveyData = fromColumns(columns);
  return { ...design, data };
}

function setup(
  rep: string,
  conds: Condition[] | null,
  mse: boolean,
  ind?: Indicator,
): ReplicateDesign {
  let d = repDesign(rep);
  if (ind) d = withIndicator(d, ind);
  if (mse) d = { ...d, mse: true };
  return conds ? subset(d, conditionMask(d.data, conds)) : d;
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EstimationError);
    return (e as EstimationError).code;
  }
  throw new Error('expected an EstimationError');
}

describe('svyCiProp on replicate designs matches R survey 4.1.1 (svyciprop on svyrep.design; survey 4.3 residuals)', () => {
  for (const c of ref.ciprop.cases) {
    it(c.id, () => {
      const design = setup(c.rep, c.subset, c.mse, c.indicator);
      const run = () =>
        svyCiProp(design, 'indicator', {
          success: 1,
          method: c.method,
          level: c.level,
          ...(c.df === 'Inf' ? { df: Number.POSITIVE_INFINITY } : {}),
        });
      // 'likelihood': survey 4.3's dispersion (survey 4.1.1's is n times too large, its
      // interval NA); every case of that method has the fixed result.
      expect(c.fixed === null).toBe(c.method !== 'likelihood');
      const want: CipropResult = c.fixed ?? c;
      if (want.error !== null) {
        // Only the likelihood profile of a zero variance, where R stops in approx().
        expect(want.error).toBe('need at least two non-NA values to interpolate');
        expect(code(run)).toBe('PROFILE_FAILED');
        return;
      }
      if (c.target === 'rscd-arrests150' && c.method === 'likelihood') {
        // With mse = TRUE R's variance is the round-off between the IRLS fits (~1e-26) and its
        // "interval" is round-off too (its upper limit is below the estimate): surveykit stops.
        expect(c.mse).toBe(true);
        expect(want.ci[1]!).toBeLessThan(want.estimate);
        expect(code(run)).toBe('PROFILE_FAILED');
        return;
      }
      const r = run();
      expectClose(r.estimate, want.estimate, 1e-8, `${c.id} estimate`);
      // A variance that is 0 in R (every half-sample gives the same share) is 0 up to rounding.
      if (want.se === 0) expect(r.se).toBeLessThan(1e-15);
      else expectClose(r.se, want.se, 1e-8, `${c.id} se`);
      expectClose(r.ci[0], want.ci[0], 1e-8, `${c.id} lower`);
      expectClose(r.ci[1], want.ci[1], 1e-8, `${c.id} upper`);
      const target = ref.ciprop.targets.find((t) => t.key === c.target)!;
      expect(r.n).toBe(target.n);
      expect(r.nMissing).toBe(target.nMissing);
    });
  }

  it('the default df is degf of the (domain of the) replicate design', () => {
    for (const t of ref.ciprop.targets) {
      const design = setup(t.rep, t.subset, false, t.indicator);
      const byDefault = svyCiProp(design, 'indicator', { success: 1, method: 'mean' });
      const explicit = svyCiProp(design, 'indicator', { success: 1, method: 'mean', df: t.degf });
      expect(byDefault.ci, t.key).toEqual(explicit.ci);
    }
  });

  it('se is svyMean of the indicator on the replicate design', () => {
    const design = setup('rclus1', null, false);
    const p = svyCiProp(design, 'sch.wide', { success: 'Yes', method: 'mean' });
    const m = svyMean(design, 'sch.wide').find((r) => r.level === 'Yes')!;
    expectClose(p.se, m.se, 1e-14, 'se');
    expectClose(p.estimate, m.estimate, 1e-14, 'estimate');
  });

  it('a replicate with no weight in the domain: R stops in svyglm, surveykit throws', () => {
    expect(ref.errors.glmEmptyReplicate).toBe('NAs in V(mu)');
    const design = subset(repDesign('rclus1'), (r) => r.dnum === 637);
    for (const method of ['logit', 'likelihood'] as const) {
      expect(code(() => svyCiProp(design, 'sch.wide', { success: 'Yes', method }))).toBe(
        'EMPTY_REPLICATE',
      );
    }
    // svymean drops the replicate (R warns), and degf is 0: a NaN interval, as R.
    const mean = svyCiProp(design, 'sch.wide', { success: 'Yes', method: 'mean' });
    expect(mean.ci.every(Number.isNaN)).toBe(true);
  });
});

describe('svyQuantile on replicate designs matches R (svyquantile.svyrep.design; survey ≥ 4.4 rules)', () => {
  for (const c of ref.quantile.cases) {
    it(c.id, () => {
      expect(c.error).toBeNull();
      const design = setup(c.rep, c.subset, c.mse);
      const rows = svyQuantile(design, c.variable, c.probs, {
        qrule: c.qrule,
        interval: c.intervalType,
        level: c.level,
        ...(c.df === 'Inf' ? { df: Number.POSITIVE_INFINITY } : {}),
      });
      expect(rows).toHaveLength(c.probs.length);
      const r = c.fixed ?? c;
      rows.forEach((row, j) => {
        const what = `${c.id} p=${c.probs[j]}`;
        expect(row.prob).toBe(c.probs[j]);
        expectClose(row.estimate, r.quantile[j]!, 1e-8, `${what} quantile`);
        expectClose(row.ci[0], r.ci[j]![0], 1e-8, `${what} lower`);
        expectClose(row.ci[1], r.ci[j]![1], 1e-8, `${what} upper`);
        expectClose(row.se, r.se[j]!, 1e-8, `${what} se`);
        expect(row.n).toBe(c.n);
        expect(row.nMissing).toBe(c.nMissing);
      });
    });
  }

  it("'beta', 'xlogit' and 'asin' use their own method (survey 4.2's fix; 4.1.1 gave the Wald interval)", () => {
    // The reference has the fixed answer of every such case, and 4.1.1's beside it.
    const methodCases = ref.quantile.cases.filter((c) =>
      ['beta', 'xlogit', 'asin'].includes(c.intervalType),
    );
    expect(methodCases.length).toBeGreaterThan(0);
    expect(methodCases.some((c) => c.fixed !== null)).toBe(true);
    const design = repDesign('rclus1');
    const mean = svyQuantile(design, 'api00', [0.25, 0.5], { interval: 'mean' });
    const cis = new Set([JSON.stringify(mean.map((r) => r.ci))]);
    for (const interval of ['beta', 'xlogit', 'asin'] as const) {
      const rows = svyQuantile(design, 'api00', [0.25, 0.5], { interval });
      expect(rows.map((r) => r.estimate)).toEqual(mean.map((r) => r.estimate));
      cis.add(JSON.stringify(rows.map((r) => r.ci)));
    }
    // four methods, four different intervals
    expect(cis.size).toBe(4);
  });

  it('typed errors where R stops', () => {
    const design = repDesign('rclus1');
    expect(ref.errors.quantileScore).toContain("'arg' should be one of");
    expect(code(() => svyQuantile(design, 'api00', [0.5], { interval: 'score' }))).toBe(
      'BAD_OPTION',
    );
    const lin = svyDesign(fromColumns({ y: [1, 2, 3, 4] }));
    expect(code(() => svyQuantile(lin, 'y', [0.5], { interval: 'quantile' }))).toBe('BAD_OPTION');
    // A domain inside one PSU: the replicate that drops it has no weights there.
    expect(ref.errors.quantileEmptyReplicate).not.toBeNull();
    const one = subset(design, (r) => r.dnum === 637);
    expect(code(() => svyQuantile(one, 'api00', [0.5], { interval: 'quantile' }))).toBe(
      'EMPTY_REPLICATE',
    );
    // Woodruff there: the replicate's share is NaN and dropped, degf is 0, so NaN limits (R too).
    const [w] = svyQuantile(one, 'api00', [0.5]);
    expect(Number.isNaN(w!.ci[0]) && Number.isNaN(w!.ci[1])).toBe(true);
  });

  it('sorts negative, signed-zero and infinite values as R order() does', () => {
    const y = [2, -0, -1.5, Number.POSITIVE_INFINITY, 0, -3, Number.NEGATIVE_INFINITY, 2];
    const psu = [1, 1, 2, 2, 3, 3, 4, 4];
    const sorted = [...y].sort((a, b) => a - b);
    const lin = svyDesign(fromColumns({ y, psu }), { ids: 'psu' });
    const jk = asRepDesign(lin);
    // qrule 'math' with equal weights: the (k+1)-th smallest value at p = (k + 0.5)/n (at k = 0
    // too: survey ≥ 4.4's rule; 4.1.1's qs() quirk gave the second smallest); -0 before 0, as
    // they come in the data.
    const probs = sorted.map((_, k) => (k + 0.5) / sorted.length);
    for (const d of [lin, jk]) {
      const rows = svyQuantile(d, 'y', probs, { df: Number.POSITIVE_INFINITY });
      expect(rows.map((r) => r.estimate)).toEqual(sorted);
    }
  });

  it('missing values are left out, and the default df is counted without them (R na.rm)', () => {
    const c = ref.quantile.cases.find((x) => x.rep === 'rpoll')!;
    expect(c.nMissing).toBeGreaterThan(0);
    const design = repDesign('rpoll');
    const [row] = svyQuantile(design, 'income', [0.5], { interval: 'quantile' });
    expect(row!.nMissing).toBe(c.nMissing);
  });
});
