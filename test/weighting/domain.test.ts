/**
 * Weighting a domain: postStratify, rake, calibrate and trimWeights of subset(design, ...) weight
 * only the domain's respondents, as R does (weighting-domain.json: R's subset() drops the other
 * rows), on linearization and replicate designs; and survey's own non-response example.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { degreesOfFreedom } from '../../src/design/df.js';
import { asRepDesign, svyRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import type {
  CalibrationFunction,
  Margin,
  NumericTotal,
  PopulationCell,
} from '../../src/design/weighting-history.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { weightingReport } from '../../src/weighting/report.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';

interface Params {
  variables?: string[];
  population?: PopulationCell[];
  margins?: Margin[];
  calfun?: CalibrationFunction;
  bounds?: [number, number] | null;
  totals?: NumericTotal[];
  lower?: number;
  upper?: number;
  strict?: boolean;
  steps?: Array<{
    method: 'postStratify' | 'rake';
    variables?: string[];
    population?: PopulationCell[];
    margins?: Margin[];
  }>;
}
interface EstimateRef {
  statistic: 'mean' | 'total';
  variable: string;
  subset: Condition[] | null;
  levels: string[] | null;
  estimate: number[];
  se: number[];
  seMse?: number[];
}
interface DomainCase {
  id: string;
  base: 'dclus1' | 'dpoll' | 'rclus1' | 'rpoll';
  domain: Condition[];
  method: 'postStratify' | 'rake' | 'calibrate' | 'trimWeights' | 'chain';
  params: Params;
  rows: number[];
  weights: number[];
  degf: number;
  replicateColSums: number[] | null;
  estimates: EstimateRef[];
}
interface Toy {
  data: { id: number[]; dummy: number[]; class: string[]; responded: number[]; weight: number[] };
  repweights: number[][];
  scale: number;
  population: PopulationCell[];
  weights: number[];
  replicateColSums: number[];
  fullSampleColSums: number[];
  byClass: { estimate: number[]; se: number[] };
  total: { estimate: number[]; se: number[] };
}

const ref = loadReferenceJson<{
  designs: Record<string, ReferenceDesign>;
  cases: DomainCase[];
  toy: Toy;
}>('weighting-domain.json');

const bases = new Map<string, SurveyDesign>();
function base(name: DomainCase['base']): SurveyDesign {
  let d = bases.get(name);
  if (!d) {
    if (name === 'rclus1')
      d = asRepDesign(buildReferenceDesign(ref.designs.dclus1!), { type: 'JK1' });
    else if (name === 'rpoll')
      d = asRepDesign(buildReferenceDesign(ref.designs.dpoll!), { type: 'JKn' });
    else d = buildReferenceDesign(ref.designs[name]!);
    bases.set(name, d);
  }
  return d;
}

function weigh(d: SurveyDesign, method: DomainCase['method'], p: Params): SurveyDesign {
  switch (method) {
    case 'postStratify':
      return postStratify(d, { variables: p.variables!, population: p.population! });
    case 'rake':
      return rake(d, p.margins!);
    case 'calibrate':
      return calibrate(d, {
        margins: p.margins!,
        calfun: p.calfun!,
        bounds: p.bounds ?? undefined,
        totals: p.totals,
        epsilon: 1e-13,
        maxIter: 100,
      });
    case 'trimWeights':
      return trimWeights(d, { lower: p.lower, upper: p.upper, strict: p.strict });
    case 'chain':
      return p.steps!.reduce((x, s) => weigh(x, s.method, s as Params), d);
  }
}

function check(d: SurveyDesign, e: EstimateRef, what: string): void {
  const dd = e.subset ? subset(d, conditionMask(d.data, e.subset)) : d;
  const estimator = e.statistic === 'mean' ? svyMean : svyTotal;
  const rows = estimator(dd, e.variable);
  const ordered = e.levels ? e.levels.map((l) => rows.find((r) => r.level === l)!) : [...rows];
  ordered.forEach((r, k) => {
    expectClose(r.estimate, e.estimate[k]!, 1e-8, `${what} estimate`);
    if (e.se[k]! < 1e-9 * Math.abs(e.estimate[k]!))
      expect(r.se).toBeLessThan(1e-8 * Math.abs(e.estimate[k]!) + 1e-12);
    else expectClose(r.se, e.se[k]!, 1e-8, `${what} se`);
  });
  if (e.seMse && d.type === 'replicate') {
    const mse = estimator(
      e.subset ? subset({ ...d, mse: true }, conditionMask(d.data, e.subset)) : { ...d, mse: true },
      e.variable,
    );
    const om = e.levels ? e.levels.map((l) => mse.find((r) => r.level === l)!) : [...mse];
    om.forEach((r, k) => {
      if (e.seMse![k]! < 1e-9 * Math.abs(e.estimate[k]!))
        expect(r.se).toBeLessThan(1e-8 * Math.abs(e.estimate[k]!) + 1e-12);
      else expectClose(r.se, e.seMse![k]!, 1e-8, `${what} se (mse)`);
    });
  }
}

describe('weighting a domain matches R (weighting-domain.json)', () => {
  for (const c of ref.cases) {
    it(c.id, () => {
      const b = base(c.base);
      const domain = conditionMask(b.data, c.domain);
      const d = weigh(subset(b, domain), c.method, c.params);
      expect(d.domain).toEqual(domain);
      // The domain's weights are R's; every other respondent has weight 0.
      const inR = new Set(c.rows.map((r) => r - 1));
      c.rows.forEach((row, k) => {
        expectClose(d.weights[row - 1]!, c.weights[k]!, 1e-8, `${c.id} weight of row ${row}`);
      });
      d.weights.forEach((w, i) => {
        if (!inR.has(i)) expect(w, `row ${i + 1}`).toBe(0);
      });
      expect(degreesOfFreedom(d)).toBe(c.degf);
      if (d.type === 'replicate' && c.replicateColSums) {
        d.replicates.forEach((w, r) => {
          let s = 0;
          for (const x of w) s += x;
          expectClose(s, c.replicateColSums![r]!, 1e-8, `${c.id} replicate ${r + 1} sum`);
        });
      }
      for (const e of c.estimates) check(d, e, `${c.id} ${e.statistic} ${e.variable}`);
    });
  }

  it("R's example: apiclus1 schools meeting the school-wide target, post-stratified by type", () => {
    const c = ref.cases.find((x) => x.id === 'dclus1[sch.wide==Yes]-poststratify-stype')!;
    const d = weigh(
      subset(base('dclus1'), (r) => r['sch.wide'] === 'Yes'),
      c.method,
      c.params,
    );
    const [m] = svyMean(d, 'api00');
    expect(m!.estimate.toFixed(3)).toBe('646.303');
    expect(m!.se.toFixed(3)).toBe('24.925');
    // The weighting report covers the domain's respondents.
    const r = weightingReport(base('dclus1'), d, [
      { variable: 'stype', population: { E: 4421, H: 755, M: 1018 } },
    ]);
    expect(r.after.n).toBe(160);
    expect(r.after.sum).toBeCloseTo(6194, 8);
    expect(r.margins[0]!.levels.map((l) => l.weightedShareAfter.toFixed(4))).toEqual([
      (4421 / 6194).toFixed(4),
      (755 / 6194).toFixed(4),
      (1018 / 6194).toFixed(4),
    ]);
  });
});

describe("survey's tests/toy_example_for_postStratify.R: non-response adjustment", () => {
  const t = ref.toy;
  const columns: Record<string, number[] | string[]> = {
    id: t.data.id,
    dummy: t.data.dummy,
    class: t.data.class,
    responded: t.data.responded,
    weight: t.data.weight,
  };
  t.repweights[0]!.forEach((_, r) => {
    columns[`r${r + 1}`] = t.repweights.map((row) => row[r]!);
  });
  const toy = svyRepDesign(fromColumns(columns), {
    weights: 'weight',
    repweights: /^r\d+$/,
    type: 'JK1',
    scale: t.scale,
  });

  it('the respondents carry the full sample: each class 500 (SE 0), 1000 in all', () => {
    const adjusted = postStratify(
      subset(toy, (r) => r.responded === 1),
      { variables: ['class'], population: t.population },
    );
    expect(t.population.map((p) => p.count)).toEqual([500, 500]);
    const by = svyBy(adjusted, 'class', (d) => svyTotal(d, 'dummy'));
    by.forEach((r, k) => {
      expectClose(r.estimate, t.byClass.estimate[k]!, 1e-12, `class ${k}`);
    });
    for (const r of by) expect(r.se).toBeLessThan(1e-9);
    const [total] = svyTotal(adjusted, 'dummy');
    expectClose(total!.estimate, 1000, 1e-12);
    expect(total!.se).toBeLessThan(1e-9);
    // The respondents' weights, and every replicate's sum (all 1000, as the full sample's).
    t.weights.forEach((w, k) => {
      expectClose(adjusted.weights[k]!, w, 1e-12, `weight ${k + 1}`);
    });
    expect(adjusted.weights[8]).toBe(0);
    expect(adjusted.weights[9]).toBe(0);
    adjusted.replicates.forEach((w, r) => {
      expectClose(
        w.reduce((a, b) => a + b, 0),
        t.replicateColSums[r]!,
        1e-12,
        `replicate ${r + 1}`,
      );
      expectClose(t.replicateColSums[r]!, t.fullSampleColSums[r]!, 1e-12, 'R: same as before');
    });
  });
});
