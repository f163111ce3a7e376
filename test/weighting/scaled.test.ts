/**
 * Weighting designs whose weights (and population figures) are of extreme magnitude: weights and
 * figures times 2^k give the weights of R's result times 2^k, R's means and standard errors, and
 * totals times 2^k (every case of test/reference/weighting.json); weights times 2^k with the
 * population as it is (the variance adjustment reads the extreme old weights) give R's result.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { ldexp } from '../../src/design/scale.js';
import { subset } from '../../src/design/subset.js';
import type { LinearizationDesign } from '../../src/design/types.js';
import type { Margin } from '../../src/design/weighting-history.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { conditionMask } from '../helpers/conditions.js';
import { expectClose } from '../helpers/reference.js';
import {
  baseDesign,
  type EstimateRef,
  expectCode,
  ref,
  refCase,
  type WeightingCase,
  weightCase,
} from './reference-cases.js';

/** The design with its weights times 2^k. */
function scaledDesign(d: LinearizationDesign, k: number): LinearizationDesign {
  return { ...d, weights: d.weights.map((w) => ldexp(w, k)) };
}

/** Margins with every population count times 2^k. */
function scaledMargins(margins: Margin[], k: number): Margin[] {
  return margins.map((m) => ({
    variable: m.variable,
    population: Object.fromEntries(
      Object.entries(m.population).map(([level, n]) => [level, ldexp(n, k)]),
    ),
  }));
}

/**
 * A case weighted from its design's weights times 2^kw, with its population figures (counts,
 * totals, trimming bounds) times 2^kp.
 */
function weighScaledCase(c: WeightingCase, kw: number, kp: number): LinearizationDesign {
  const p = c.params;
  const design = scaledDesign(baseDesign(c.design), kw);
  const cells = (pop: Array<Record<string, unknown>>) =>
    pop.map((cell) => ({ ...cell, count: ldexp(cell.count as number, kp) }));
  switch (c.method) {
    case 'postStratify':
      return postStratify(design, {
        variables: p.variables,
        population: cells(p.population),
        partial: p.partial,
      });
    case 'rake':
      return rake(design, scaledMargins(p.margins, kp));
    case 'calibrate':
      return calibrate(design, {
        margins: scaledMargins(p.margins, kp),
        calfun: p.calfun,
        bounds: p.bounds ?? undefined,
        totals: p.totals?.map((t: { variable: string; total: number }) => ({
          variable: t.variable,
          total: ldexp(t.total, kp),
        })),
      });
    case 'trimWeights':
      return trimWeights(p.base ? weighScaledCase(refCase(p.base), kw, kp) : design, {
        lower: p.lower === null ? undefined : ldexp(p.lower, kp),
        upper: p.upper === null ? undefined : ldexp(p.upper, kp),
        strict: p.strict,
      });
    case 'chain': {
      let d = design;
      for (const s of p.steps) {
        d =
          s.method === 'postStratify'
            ? postStratify(d, { variables: s.variables, population: cells(s.population) })
            : rake(d, scaledMargins(s.margins, kp));
      }
      return d;
    }
  }
}

/** An R estimate on a design whose weights are R's times 2^k (totals and their SEs times 2^k). */
function checkScaledEstimate(d: LinearizationDesign, e: EstimateRef, k: number, what: string) {
  const dd = e.subset ? subset(d, conditionMask(d.data, e.subset)) : d;
  const rows = (e.statistic === 'mean' ? svyMean : svyTotal)(dd, e.variable);
  const unit = e.statistic === 'total' ? k : 0;
  const ordered = e.levels ? e.levels.map((l) => rows.find((r) => r.level === l)!) : rows;
  expect(ordered).toHaveLength(e.estimate.length);
  ordered.forEach((row, j) => {
    expectClose(ldexp(row.estimate, -unit), e.estimate[j]!, 1e-8, `${what}[${j}] estimate`);
    const scale = Math.abs(e.estimate[j]!);
    const se = ldexp(row.se, -unit);
    expect(Number.isFinite(row.se), `${what}[${j}] se finite`).toBe(true);
    if (e.se[j]! > 1e-6 * scale) expectClose(se, e.se[j]!, 1e-8, `${what}[${j}] se`);
    else expect(Math.abs(se - e.se[j]!), `${what}[${j}] se (about 0)`).toBeLessThan(1e-9 * scale);
  });
}

const cases = ref.cases.filter((c) => c.error === null && !c.id.includes('defaultcontrol'));

/**
 * How close to the ordinary result: exactly (up to the last bits) for everything but calibration
 * that iterates to bounds, whose stopping rule (R's |misfit| / (1 + |total|), the 1 not scaled
 * with the totals) stops it at an iterate up to about 1e-10 away in another unit.
 */
function ordinaryTolerance(c: WeightingCase): number {
  const iterated =
    c.method === 'calibrate' && (c.params.bounds !== null || c.params.calfun === 'logit');
  return iterated ? 1e-9 : 1e-12;
}

/**
 * R's post-stratification variance gives rows whose weight is 0 before and after a stand-in
 * weight of 1 (in the unit of the weights), so it changes with their unit: such a case keeps R's
 * SEs at the ordinary unit only.
 */
const unitDependentSe = (c: WeightingCase) => c.id.startsWith('dpollzero');

describe('weighting with weights and population figures times 2^k', () => {
  // 2^960: totals of income (about 1e11) still within the double range
  for (const k of [960, -1000]) {
    for (const c of cases) {
      it(`${c.id}, k = ${k}: weights × 2^k of R's and of the ordinary result; R's means and SEs`, () => {
        const d = weighScaledCase(c, k, k);
        const ordinary = weightCase(c);
        const w = c.weights!;
        for (let i = 0; i < w.length; i++) {
          const back = ldexp(d.weights[i]!, -k);
          expectClose(back, w[i]!, 1e-8, `${c.id} weight ${i + 1}`);
          const what = `${c.id} weight ${i + 1} (ordinary)`;
          expectClose(back, ordinary.weights[i]!, ordinaryTolerance(c), what);
        }
        if (unitDependentSe(c)) return;
        for (const e of c.estimates ?? []) checkScaledEstimate(d, e, k, `${c.id} ${e.call}`);
      });
    }
  }

  it('post-stratification and raking give exactly the ordinary weights × 2^k', () => {
    for (const id of ['dclus1-poststratify-stype-schwide', 'dpoll-rake-sex-agegroup']) {
      const c = refCase(id);
      const ordinary = weightCase(c);
      const d = weighScaledCase(c, 990, 990);
      expect(Array.from(d.weights, (x) => ldexp(x, -990))).toEqual(Array.from(ordinary.weights));
    }
  });

  it('records the step in the weights’ own unit: old and new weights, population, bounds; factors as ordinary', () => {
    const k = 960;
    const ps = weighScaledCase(refCase('dclus1-poststratify-stype'), k, k);
    const ordinaryPs = weightCase(refCase('dclus1-poststratify-stype'));
    const step = ps.calibration!.at(-1)!;
    const plain = ordinaryPs.calibration!.at(-1)!;
    if (step.method !== 'postStratify' || plain.method !== 'postStratify') throw new Error();
    expect(step.weights).toBe(ps.weights);
    expect(Array.from(step.oldWeights, (x) => ldexp(x, -k))).toEqual(Array.from(plain.oldWeights));
    expect(Array.from(step.population, (x) => ldexp(x, -k))).toEqual(Array.from(plain.population));
    expect(Array.from(step.factors)).toEqual(Array.from(plain.factors));

    const rk = weighScaledCase(refCase('dpoll-rake-sex-agegroup'), k, k).calibration!.at(-1)!;
    const rkPlain = weightCase(refCase('dpoll-rake-sex-agegroup')).calibration!.at(-1)!;
    if (rk.method !== 'rake' || rkPlain.method !== 'rake') throw new Error();
    expect(rk.sweepFactors.map((f) => Array.from(f))).toEqual(
      rkPlain.sweepFactors.map((f) => Array.from(f)),
    );
    expect(ldexp(rk.worst.population, -k)).toBe(rkPlain.worst.population);
    expect(rk.margins[0]!.population).toEqual(
      scaledMargins(rkPlain.margins as Margin[], k)[0]!.population,
    );

    const cal = weighScaledCase(refCase('dpoll-calibrate-raking-age'), k, k).calibration!.at(-1)!;
    const calPlain = weightCase(refCase('dpoll-calibrate-raking-age')).calibration!.at(-1)!;
    if (cal.method !== 'calibrate' || calPlain.method !== 'calibrate') throw new Error();
    Array.from(cal.population).forEach((x, j) => {
      expectClose(ldexp(x, -k), calPlain.population[j]!, 1e-15, `population ${j}`);
    });
    cal.g.forEach((g, u) => {
      expectClose(g, calPlain.g[u]!, 1e-12, `g ${u}`);
    });

    const tr = weighScaledCase(refCase('dpoll-trim-400-2000'), k, k).calibration!.at(-1)!;
    if (tr.method !== 'trim') throw new Error();
    expect([tr.lower, tr.upper]).toEqual([ldexp(400, k), ldexp(2000, k)]);
  });

  it('populations of 1e300 with ordinary weights', () => {
    const c = refCase('dpoll-rake-sex-agegroup');
    const ordinary = weightCase(c);
    const d = weighScaledCase(c, 0, 990);
    for (let i = 0; i < d.weights.length; i++)
      expectClose(ldexp(d.weights[i]!, -990), ordinary.weights[i]!, 1e-12, `weight ${i + 1}`);
    for (const e of c.estimates ?? []) checkScaledEstimate(d, e, 990, `${c.id} ${e.call}`);
  });

  it('messages show population figures in their own unit', () => {
    const c = refCase('dpoll-rake-sex-agegroup');
    const margins = scaledMargins(c.params.margins as Margin[], 960);
    const design = scaledDesign(baseDesign(c.design), 960);
    const err = expectCode(
      () => rake(design, margins, { maxIter: 1, epsilon: 1e-15 }),
      'NOT_CONVERGED',
    );
    expect(err.details.population as number).toBeGreaterThan(2 ** 960);
    expect(err.message).toContain(String(err.details.population));
    const [first, second] = margins;
    const unequal = [
      first!,
      {
        ...second!,
        population: Object.fromEntries(
          Object.entries(second!.population).map(([l, n]) => [l, 2 * n]),
        ),
      },
    ];
    const inconsistent = expectCode(() => rake(design, unequal), 'INCONSISTENT_MARGINS');
    expect(inconsistent.details.value as number).toBeGreaterThan(2 ** 960);
    expect(inconsistent.message).toContain(String(inconsistent.details.value));
  });
});

describe('weighting from extreme weights to an ordinary population (variance adjustment)', () => {
  // Post-stratification and raking give the same new weights whatever the old weights' unit, and
  // the variance adjustment does not depend on it either: old weights near 1e306 or 1e-297 give
  // R's weights, means and SEs.
  const mixed = cases.filter(
    (c) => c.method === 'postStratify' || c.method === 'rake' || c.method === 'chain',
  );
  for (const k of [1010, -996]) {
    for (const c of mixed) {
      it(`${c.id}, old weights × 2^${k}`, () => {
        const d = weighScaledCase(c, k, 0);
        const w = c.weights!;
        for (let i = 0; i < w.length; i++)
          expectClose(d.weights[i]!, w[i]!, 1e-8, `${c.id} weight ${i + 1}`);
        for (const e of c.estimates ?? []) checkScaledEstimate(d, e, 0, `${c.id} ${e.call}`);
      });
    }
  }

  // A step on extreme weights (and populations), then post-stratification to an ordinary
  // population: the first step's adjustment reads weights near 1e303 while the estimate's are
  // ordinary. The same SEs as the chain at the ordinary unit.
  for (const id of [
    'dpoll-calibrate-linear',
    'dpoll-calibrate-raking',
    'dpoll-calibrate-logit-0.5-2',
    'dpoll-rake-sex-agegroup',
    'dpoll-poststratify-sex-agegroup',
  ]) {
    it(`${id} on weights × 2^1000, then post-stratification to an ordinary population`, () => {
      const c = refCase(id);
      const population = refCase('dpoll-poststratify-sex-agegroup').params.population;
      const then = (d: LinearizationDesign) =>
        postStratify(d, { variables: ['sex', 'agegroup'], population });
      const ordinary = then(weightCase(c));
      const extreme = then(weighScaledCase(c, 1000, 1000));
      ordinary.weights.forEach((w, i) => {
        expectClose(extreme.weights[i]!, w, 1e-12, `weight ${i + 1}`);
      });
      for (const variable of ['support', 'income', 'agegroup']) {
        for (const f of [svyMean, svyTotal]) {
          const want = f(ordinary, variable);
          const got = f(extreme, variable);
          got.forEach((r, j) => {
            expectClose(r.estimate, want[j]!.estimate, 1e-9, `${variable} estimate`);
            expect(Number.isFinite(r.se)).toBe(true);
            const scale = Math.abs(want[j]!.estimate);
            if (want[j]!.se > 1e-9 * scale) expectClose(r.se, want[j]!.se, 1e-9, `${variable} se`);
            else expect(r.se).toBeLessThan(1e-9 * scale); // post-stratified on: 0 up to rounding
          });
        }
      }
    });
  }

  it('calibration from weights near 1e306 to populations of thousands: a typed error with real figures', () => {
    // g-weights near 1e-300 are out of reach of Newton steps from g = 1 (R's calibrate fails too)
    const c = refCase('dpoll-calibrate-raking');
    const err = expectCode(() => weighScaledCase(c, 1010, 0), 'NOT_CONVERGED');
    expect(Number.isFinite(err.details.value as number)).toBe(true);
    expect(err.details.population as number).toBeGreaterThan(1000);
  });

  it('a factor beyond the double range is a typed error, not NaN', () => {
    const d = svyDesign(
      fromColumns({ g: ['a', 'b', 'a', 'b'], w: [1e-300, 1e-300, 2e-300, 1e-300] }),
      {
        weights: 'w',
      },
    );
    const err = expectCode(
      () =>
        postStratify(d, {
          variables: ['g'],
          population: [
            { g: 'a', count: 1e300 },
            { g: 'b', count: 1e300 },
          ],
        }),
      'NON_FINITE_RESULT',
    );
    expect(err.details.method).toBe('postStratify');
  });
});
