/**
 * Weighting of replicate-weight designs against R's postStratify.svyrep.design, rake,
 * calibrate.svyrep.design and the rule trimWeights.svyrep.design means
 * (test/reference/weighting-replicate.json): full-sample weights, every replicate's weights,
 * degrees of freedom, estimates and SEs (mse FALSE and TRUE) to 1e-8.
 */
import { describe, expect, it } from 'vitest';
import { column, fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign, svyRepDesign } from '../../src/design/replicate.js';
import type { ReplicateDesign } from '../../src/design/replicate-types.js';
import { subset } from '../../src/design/subset.js';
import type { Margin } from '../../src/design/weighting-history.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { isCalibrated } from '../../src/variance/calibration.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { weightingReport } from '../../src/weighting/report.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceData, loadReferenceJson } from '../helpers/reference.js';
import { expectCode } from './reference-cases.js';

interface EstimateRef {
  statistic: 'mean' | 'total';
  variable: string;
  subset: Condition[] | null;
  call: string;
  levels: string[] | null;
  estimate: number[];
  se: number[];
  seMse: number[];
}

interface RepCase {
  id: string;
  design: 'rclus1' | 'rpoll' | 'bclus1';
  method: 'postStratify' | 'rake' | 'calibrate' | 'trimWeights' | 'chain';
  call: string;
  // biome-ignore lint/suspicious/noExplicitAny: parameters differ per method
  params: any;
  weights: number[];
  nReplicates: number;
  degf: number;
  replicateDigest: { colSums: number[]; colSumsSq: number[]; colSumsRow: number[] };
  replicateWeights: { replicates: number[]; values: number[][] };
  estimates: EstimateRef[];
  fullPasses?: number;
  replicatePasses?: number[];
  rOwn?: { fullSampleUnchanged: boolean; warnings: string[] };
}

interface RepError {
  id: string;
  design: 'rclus1';
  method: 'postStratify' | 'rake' | 'calibrate';
  call: string;
  // biome-ignore lint/suspicious/noExplicitAny: parameters differ per method
  params: any;
  emptyLevels?: Array<{ replicate: number; levels: string[] }>;
  nonFiniteReplicates?: number[];
  rError?: string;
  unfittedReplicates?: number[];
  fullSampleFitted?: boolean;
}

interface Published {
  printed: { mean: [number, number]; total: [number, number] };
  mean: { estimate: number; se: number };
  total: { estimate: number; se: number };
}

interface RefFile {
  designs: Record<string, ReferenceDesign>;
  cases: RepCase[];
  errors: RepError[];
  published: Record<'postStratifyMse' | 'calibrateRaking' | 'rakeDefaultControl', Published>;
}

const ref = loadReferenceJson<RefFile>('weighting-replicate.json');

const designCache = new Map<string, ReplicateDesign>();

/** The replicate designs of the reference, built as R built them. */
function repDesign(name: RepCase['design']): ReplicateDesign {
  const hit = designCache.get(name);
  if (hit) return hit;
  let d: ReplicateDesign;
  if (name === 'rclus1')
    d = asRepDesign(buildReferenceDesign(ref.designs.dclus1!), { type: 'JK1' });
  else if (name === 'rpoll')
    d = asRepDesign(buildReferenceDesign(ref.designs.dpoll!), { type: 'JKn' });
  else {
    d = svyRepDesign(loadReferenceData('apiclus1_rep.csv'), {
      weights: 'pw',
      repweights: /^boot_[0-9]+$/,
      type: 'bootstrap',
    });
  }
  designCache.set(name, d);
  return d;
}

function refCase(id: string): RepCase {
  const c = ref.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id} in weighting-replicate.json`);
  return c;
}

/** Reproduces a case's weighting with surveykit. */
function weightCase(c: RepCase): ReplicateDesign {
  const p = c.params;
  const design = repDesign(c.design);
  switch (c.method) {
    case 'postStratify':
      return postStratify(design, { variables: p.variables, population: p.population });
    case 'rake':
      return rake(design, p.margins as Margin[]);
    case 'calibrate':
      return calibrate(design, {
        margins: p.margins,
        calfun: p.calfun,
        bounds: p.bounds ?? undefined,
        totals: p.totals,
      });
    case 'trimWeights':
      return trimWeights(weightCase(refCase(p.base)), {
        lower: p.lower ?? undefined,
        upper: p.upper ?? undefined,
        strict: p.strict,
      });
    case 'chain': {
      let d = design;
      for (const s of p.steps) {
        d =
          s.method === 'postStratify'
            ? postStratify(d, { variables: s.variables, population: s.population })
            : rake(d, s.margins);
      }
      return d;
    }
  }
}

function checkEstimate(d: ReplicateDesign, e: EstimateRef, what: string, tol = 1e-8): void {
  const dd = e.subset ? subset(d, conditionMask(d.data, e.subset)) : d;
  const estimator = e.statistic === 'mean' ? svyMean : svyTotal;
  const order = (rows: ReturnType<typeof svyMean>) =>
    e.levels
      ? e.levels.map((level) => {
          const row = rows.find((r) => r.level === level);
          if (!row) throw new Error(`${what}: no row for level ${level}`);
          return row;
        })
      : rows;
  const rows = order(estimator(dd, e.variable));
  const rowsMse = order(estimator({ ...dd, mse: true }, e.variable));
  expect(rows).toHaveLength(e.estimate.length);
  rows.forEach((row, j) => {
    expectClose(row.estimate, e.estimate[j]!, tol, `${what}[${j}] estimate`);
    // SEs of calibrated margins are zero up to rounding: compared absolutely
    const scale = Math.abs(e.estimate[j]!);
    const se = (got: number, want: number, label: string) => {
      if (want > 1e-6 * scale) expectClose(got, want, tol, label);
      else expect(Math.abs(got - want), `${label} (about 0)`).toBeLessThan(1e-9 * scale);
    };
    se(row.se, e.se[j]!, `${what}[${j}] se`);
    se(rowsMse[j]!.se, e.seMse[j]!, `${what}[${j}] se (mse)`);
  });
}

/** Compares weights (full sample and replicates), degf and estimates with R's. */
function checkCase(c: RepCase, tol = 1e-8): ReplicateDesign {
  const d = weightCase(c);
  expect(d.type).toBe('replicate');
  expect(d.weights).toHaveLength(c.weights.length);
  c.weights.forEach((w, i) => {
    expectClose(d.weights[i]!, w, tol, `${c.id} weight ${i + 1}`);
  });
  expect(d.replicates).toHaveLength(c.nReplicates);
  d.replicates.forEach((w, r) => {
    let s = 0;
    let sq = 0;
    let row = 0;
    for (let i = 0; i < w.length; i++) {
      s += w[i]!;
      sq += w[i]! * w[i]!;
      row += (i + 1) * w[i]!;
    }
    expectClose(s, c.replicateDigest.colSums[r]!, tol, `${c.id} replicate ${r + 1} sum`);
    expectClose(sq, c.replicateDigest.colSumsSq[r]!, tol, `${c.id} replicate ${r + 1} sum sq`);
    expectClose(row, c.replicateDigest.colSumsRow[r]!, tol, `${c.id} replicate ${r + 1} row sum`);
  });
  c.replicateWeights.replicates.forEach((r, k) => {
    const w = d.replicates[r - 1]!;
    c.replicateWeights.values[k]!.forEach((x, i) => {
      if (x === 0) expect(w[i], `${c.id} replicate ${r} row ${i + 1}`).toBe(0);
      else expectClose(w[i]!, x, tol, `${c.id} replicate ${r} row ${i + 1}`);
    });
  });
  expect(d.df, `${c.id} degf`).toBe(c.degf);
  for (const e of c.estimates) checkEstimate(d, e, `${c.id} ${e.call}`, tol);
  return d;
}

describe('weighting replicate designs matches R survey 4.1.1 (every replicate, degf, SEs to 1e-8)', () => {
  it('has the reference cases', () => expect(ref.cases.length).toBeGreaterThanOrEqual(25));
  for (const c of ref.cases) it(`${c.id}: ${c.call}`, () => checkCase(c));
});

describe('published figures (R tests/testoutput/api.Rout.saved, tests/rakecheck.Rout.save)', () => {
  const printed = (d: ReplicateDesign, p: Published) => {
    const [m] = svyMean(d, 'api00');
    const [t] = svyTotal(d, 'enroll');
    expect([m!.estimate.toFixed(2), m!.se.toFixed(3)]).toEqual([
      p.printed.mean[0].toFixed(2),
      p.printed.mean[1].toFixed(3),
    ]);
    expect([t!.estimate.toFixed(0), t!.se.toFixed(0)]).toEqual([
      p.printed.total[0].toFixed(0),
      p.printed.total[1].toFixed(0),
    ]);
    return { m: m!, t: t! };
  };

  it('apiclus1 JK1 post-stratified on stype, mse: api00 642.31 (26.936), enroll 3,680,893 (473,434)', () => {
    const p = ref.published.postStratifyMse;
    const d = weightCase(refCase('rclus1-poststratify-stype'));
    const { m, t } = printed({ ...d, mse: true }, p);
    expect(p.printed).toEqual({ mean: [642.31, 26.936], total: [3680893, 473434] });
    expectClose(m.se, p.mean.se, 1e-8, 'mean se');
    expectClose(t.se, p.total.se, 1e-8, 'total se');
  });

  it('apiclus1 JK1 raked on stype and sch.wide: api00 641.23 (26.874), enroll 3,647,280 (463,582)', () => {
    const p = ref.published.calibrateRaking;
    expect(p.printed).toEqual({ mean: [641.23, 26.874], total: [3647280, 463582] });
    // rake to convergence and calibrate(calfun = 'raking') give R's converged figures
    const raked = printed(weightCase(refCase('rclus1-rake-stype-schwide')), p);
    const calibrated = printed(weightCase(refCase('rclus1-calibrate-raking-totals')), p);
    // R's own run of the published call stops at its default epsilon 1e-7
    expectClose(raked.m.se, p.mean.se, 1e-7, 'rake mean se');
    expectClose(calibrated.t.se, p.total.se, 1e-7, 'calibrate total se');
  });

  it("R's rake with its default control (maxit 10, epsilon 1) stops early: 26.873 and 463,511", () => {
    const p = ref.published.rakeDefaultControl;
    expect(p.printed).toEqual({ mean: [641.23, 26.873], total: [3647300, 463511] });
    const d = weightCase(refCase('rclus1-rake-stype-schwide'));
    // converged raking is within 2e-5 (mean) and 2e-4 (total) of R's early stop
    expectClose(svyMean(d, 'api00')[0]!.se, p.mean.se, 2e-5, 'mean se');
    expectClose(svyTotal(d, 'enroll')[0]!.se, p.total.se, 2e-4, 'total se');
  });
});

describe('a replicate that cannot be weighted is a WeightingError naming it', () => {
  const errorCase = (id: string) => ref.errors.find((e) => e.id === id)!;

  it('postStratify: a cell empty in a replicate (R stops in degf on NaN weights)', () => {
    const e = errorCase('rclus1-poststratify-cname');
    expect(e.rError).toMatch(/NA\/NaN\/Inf/);
    const first = e.emptyLevels![0]!;
    expect(e.nonFiniteReplicates![0]).toBe(first.replicate);
    const err = expectCode(
      () =>
        postStratify(repDesign('rclus1'), {
          variables: e.params.variables,
          population: e.params.population,
        }),
      'EMPTY_CELL',
    );
    expect(err.details.replicate).toBe(first.replicate);
    expect(err.details.level).toBe(first.levels[0]);
    expect(err.details.variable).toBe('cname');
    expect(err.message).toContain(`replicate ${first.replicate} of 15`);
    expect(err.message).toContain(`cname = "${first.levels[0]}"`);
  });

  it('rake: a level empty in a replicate', () => {
    const e = errorCase('rclus1-rake-stype-cname');
    const first = e.emptyLevels![0]!;
    const err = expectCode(() => rake(repDesign('rclus1'), e.params.margins), 'EMPTY_CELL');
    expect(err.details).toMatchObject({
      replicate: first.replicate,
      variable: 'cname',
      level: first.levels[0],
    });
  });

  for (const id of [
    'rclus1-calibrate-linear-0.88-1.8',
    'rclus1-calibrate-raking-0.88-1.8',
    'rclus1-calibrate-logit-0.8-1.9',
  ]) {
    it(`calibrate: bounds a replicate cannot meet (${id}; R only warns)`, () => {
      const e = errorCase(id);
      expect(e.fullSampleFitted).toBe(true);
      const err = expectCode(
        () =>
          calibrate(repDesign('rclus1'), {
            margins: e.params.margins,
            calfun: e.params.calfun,
            bounds: e.params.bounds,
          }),
        'INFEASIBLE_BOUNDS',
      );
      expect(err.details.replicate).toBe(e.unfittedReplicates![0]);
      expect(err.message).toMatch(/^replicate \d+ of 15 cannot be weighted/);
      // the full sample alone is fine with these bounds
      const full = calibrate(buildReferenceDesign(ref.designs.dclus1!), {
        margins: e.params.margins,
        calfun: e.params.calfun,
        bounds: e.params.bounds,
      });
      expect(full.weights).toHaveLength(183);
    });
  }

  // A replicate that leaves out row 5 splits the sample by `a` exactly as by `b`.
  const data = fromColumns({
    a: ['x', 'x', 'y', 'y', 'x', 'y'],
    b: ['p', 'p', 'q', 'q', 'q', 'q'],
    w: [10, 10, 10, 10, 10, 10],
    r1: [12, 12, 12, 12, 0, 12],
    r2: [0, 12, 12, 12, 12, 12],
  });
  const d = svyRepDesign(data, { weights: 'w', repweights: ['r1', 'r2'], type: 'JK1', scale: 0.5 });
  const margins: Margin[] = [
    { variable: 'a', population: { x: 50, y: 50 } },
    { variable: 'b', population: { p: 40, q: 60 } },
  ];

  it('rake: margins a replicate cannot meet together', () => {
    const err = expectCode(() => rake(d, margins), 'NOT_CONVERGED');
    expect(err.details.replicate).toBe(1);
    expect(err.message).toContain('replicate 1 of 2');
  });

  it('rake with partial: true keeps such a replicate and records it', () => {
    const r = rake(d, margins, { partial: true });
    const step = r.weighting![0]!;
    expect(step.replicates!.notConverged).toEqual([1]);
    expect(step.converged).toBe(true);
    expect(r.warnings.some((w) => w.includes('did not converge for 1 replicate(s) (1)'))).toBe(
      true,
    );
  });

  it('trimWeights: a replicate whose weights cannot fit within the bounds', () => {
    const t = fromColumns({ w: [1, 1, 1, 1], r1: [1, 1, 1, 1], r2: [0, 4, 4, 4] });
    const rd = svyRepDesign(t, { weights: 'w', repweights: ['r1', 'r2'], type: 'JK1', scale: 0.5 });
    const err = expectCode(() => trimWeights(rd, { upper: 3 }), 'INFEASIBLE_BOUNDS');
    expect(err.details.replicate).toBe(2);
    expect(err.message).toContain('the 3 positive weights sum to 12');
  });
});

describe('replicate designs after weighting', () => {
  it('leave the input untouched and return new replicate weights', () => {
    const base = repDesign('rclus1');
    const before = {
      weights: Array.from(base.weights),
      replicates: base.replicates.map((w) => Array.from(w)),
      df: base.df,
      warnings: base.warnings.length,
    };
    const all = [
      weightCase(refCase('rclus1-poststratify-stype')),
      weightCase(refCase('rclus1-rake-stype-schwide')),
      weightCase(refCase('rclus1-calibrate-logit-0.7-2.5')),
      weightCase(refCase('rclus1-calibrate-linear-api99')),
      weightCase(refCase('rclus1-rake-stype-schwide-trim-30-60-strict')),
    ];
    expect(Array.from(base.weights)).toEqual(before.weights);
    base.replicates.forEach((w, r) => {
      expect(Array.from(w)).toEqual(before.replicates[r]);
    });
    expect(base.df).toBe(before.df);
    expect(base.warnings).toHaveLength(before.warnings);
    expect(base.weighting).toBeUndefined();
    for (const d of all) {
      d.replicates.forEach((w, r) => {
        expect(w).not.toBe(base.replicates[r]);
      });
    }
  });

  it('do not touch replicate weights that are data columns', () => {
    const data = loadReferenceData('apiclus1_rep.csv');
    const jk = svyRepDesign(data, {
      weights: 'pw',
      repweights: /^jk1_[0-9]+$/,
      type: 'JK1',
      scale: 14 / 15,
    });
    expect(jk.replicates[0]).toBe(column(data, 'jk1_1'));
    const copy = Array.from(jk.replicates[0]!);
    const c = refCase('rclus1-poststratify-stype');
    const ps = postStratify(jk, { variables: c.params.variables, population: c.params.population });
    expect(Array.from(column(data, 'jk1_1') as Float64Array)).toEqual(copy);
    // the same replicates as as.svrepdesign(dclus1): R's weights
    const ref1 = c.replicateWeights.values[0]!;
    ref1.forEach((x, i) => {
      expectClose(ps.replicates[0]![i]!, x, 1e-8, `row ${i + 1}`);
    });
  });

  it('replicate factors (combinedWeights: false) weight as the combined weights do', () => {
    const data = loadReferenceData('apiclus1_rep.csv');
    const spec = { weights: 'pw', type: 'JK1', scale: 14 / 15 } as const;
    const combined = svyRepDesign(data, { ...spec, repweights: /^jk1_[0-9]+$/ });
    const factors = svyRepDesign(data, {
      ...spec,
      repweights: /^jk1f_[0-9]+$/,
      combinedWeights: false,
    });
    const margins = refCase('rclus1-rake-stype-schwide').params.margins;
    const a = rake(combined, margins);
    const b = rake(factors, margins);
    a.replicates.forEach((w, r) => {
      for (let i = 0; i < w.length; i++) {
        if (w[i] === 0) expect(b.replicates[r]![i]).toBe(0);
        else expectClose(b.replicates[r]![i]!, w[i]!, 1e-12, `replicate ${r + 1} row ${i + 1}`);
      }
    });
  });

  it('record the steps in `weighting` (no calibration: the variance is the replicates)', () => {
    const c = refCase('rpoll-chain-poststratify-rake');
    const d = weightCase(c);
    expect(d.weighting!.map((s) => s.method)).toEqual(['postStratify', 'rake']);
    expect((d as unknown as { calibration?: unknown }).calibration).toBeUndefined();
    expect(isCalibrated(d)).toBe(false);
    const rk = d.weighting![1]!;
    expect(rk.replicates!.count).toBe(44);
    expect(rk.replicates!.iterations).toHaveLength(44);
    expect(Math.min(...rk.replicates!.iterations)).toBeGreaterThan(0);
    expect(d.weighting![0]!.replicates!.iterations.every((k) => k === 1)).toBe(true);
    // scale, rscales, type and mse are the input's
    const base = repDesign('rpoll');
    expect([d.repType, d.scale, d.mse]).toEqual([base.repType, base.scale, base.mse]);
    expect(d.rscales).toBe(base.rscales);
  });

  it('trimming passes per replicate are R rule passes', () => {
    const c = refCase('bclus1-rake-stype-schwide-trim-NA-120-strict');
    const d = weightCase(c);
    const step = d.weighting!.at(-1)!;
    expect(step.method).toBe('trim');
    expect(step.iterations).toBe(c.fullPasses);
    expect(Array.from(step.replicates!.iterations)).toEqual(c.replicatePasses);
    expect(c.rOwn!.fullSampleUnchanged).toBe(true); // R 4.1.1's own trimWeights (see notes)
  });

  it("weight the domain's rows only when the design has a domain, and keep the domain", () => {
    const base = repDesign('rclus1');
    const inE = conditionMask(base.data, [{ var: 'stype', op: '==', value: 'E' }]);
    const d = rake(subset(base, inE), [
      { variable: 'sch.wide', population: { No: 1000, Yes: 3421 } },
    ]);
    expect(d.domain).toEqual(inE);
    expect(d.weighting![0]!.rows).toEqual(inE);
    // Outside the domain every weight, full-sample and replicate, is 0.
    inE.forEach((inside, i) => {
      if (inside) return;
      expect(d.weights[i]).toBe(0);
      for (const r of d.replicates) expect(r[i]).toBe(0);
    });
    // Every replicate's domain total is the population's.
    const total = svyTotal(d, 'sch.wide');
    expectClose(total[0]!.estimate, 1000, 1e-12, 'No');
    expect(total[0]!.se).toBeLessThan(1e-9);
  });

  it('weightingReport works on replicate designs', () => {
    const base = repDesign('rclus1');
    const c = refCase('rclus1-rake-stype-schwide');
    const d = weightCase(c);
    const r = weightingReport(base, d, c.params.margins);
    expect(r.method).toBe('rake');
    expect(r.converged).toBe(true);
    expect(r.iterations).toBe(d.weighting![0]!.iterations);
    const e = r.margins[0]!.levels.find((l) => l.level === 'E')!;
    expectClose(e.weightedShareAfter, 4421 / 6194, 1e-10, 'E share');
    expect(weightingReport(base, base, c.params.margins).method).toBeNull();
  });

  it('linearization designs are weighted as before (no replicate record)', () => {
    const lin = svyDesign(fromColumns({ g: ['a', 'b', 'b'], w: [1, 2, 3] }), { weights: 'w' });
    const d = postStratify(lin, {
      variables: ['g'],
      population: [
        { g: 'a', count: 2 },
        { g: 'b', count: 10 },
      ],
    });
    expect(d.calibration![0]!.replicates).toBeUndefined();
    expect(Array.from(d.weights)).toEqual([2, 4, 6]);
  });
});
