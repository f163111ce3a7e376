/**
 * svyGlm, svyPredict, regTermTest and svyPredMeans against R's svyglm, predict, regTermTest and
 * svypredmeans (test/reference/models.json), to 1e-8.
 */
import { describe, expect, it } from 'vitest';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyNlContrast } from '../../src/estimate/nlcontrast.js';
import type { FamilyName } from '../../src/models/family.js';
import { svyGlm } from '../../src/models/glm.js';
import { olrCovariance, prepareOlr, svyOlr } from '../../src/models/olr.js';
import { evaluate } from '../../src/models/olr-fit.js';
import { svyPredict } from '../../src/models/predict.js';
import { svyPredMeans } from '../../src/models/predmeans.js';
import { regTermTest } from '../../src/models/term-test.js';
import { expectClose } from '../helpers/reference.js';
import { modelDesign, models } from './reference-designs.js';

interface FitRef {
  id: string;
  design: string;
  formula: string;
  /** The formula as surveykit writes it (R's may use I()), with the success level. */
  tsFormula: string;
  success: string | null;
  family: FamilyName;
  names: string[];
  aliased: string[];
  estimate: number[];
  se: number[];
  t: number[];
  p: number[];
  vcov: number[][];
  ci: [number, number][];
  ci90: [number, number][];
  df: number;
  degf: number;
  dispersion: number;
  iterations: number;
  n: number;
  nMissing: number;
}

const fits = models['fits'] as FitRef[];

describe('svyGlm matches R svyglm', () => {
  it('covers linearization, weighted and replicate designs and domains', () => {
    expect(fits.length).toBeGreaterThan(25);
    const kinds = new Set(fits.map((f) => modelDesign(f.design).type));
    expect(kinds).toEqual(new Set(['linearization', 'replicate']));
  });
  for (const ref of fits) {
    it(`${ref.id}: ${ref.formula} (${ref.family}) on ${ref.design}`, () => {
      const opts = {
        family: ref.family,
        aliased: ref.aliased.length > 0 ? ('drop' as const) : ('error' as const),
        ...(ref.success === null ? {} : { success: ref.success }),
      };
      const all = svyGlm(modelDesign(ref.design), ref.tsFormula, opts);
      expect(all.coefficients.filter((c) => c.aliased).map((c) => c.term)).toEqual(ref.aliased);
      const kept = all.coefficients.map((c, j) => (c.aliased ? -1 : j)).filter((j) => j >= 0);
      const fit = {
        ...all,
        coefficients: kept.map((j) => all.coefficients[j]!),
        vcov: kept.map((a) => kept.map((b) => all.vcov[a]![b]!)),
      };
      expect(fit.coefficients.map((c) => c.term)).toEqual(ref.names);
      expect(fit.df).toBe(ref.df);
      expect(fit.designDf).toBe(ref.degf);
      expect(fit.n).toBe(ref.n);
      expect(fit.nMissing).toBe(ref.nMissing);
      expect(fit.iterations).toBe(ref.iterations);
      fit.coefficients.forEach((c, j) => {
        expectClose(c.estimate, ref.estimate[j]!, 1e-8, `${c.term} estimate`);
        expectClose(c.se, ref.se[j]!, 1e-8, `${c.term} se`);
        expectClose(c.statistic, ref.t[j]!, 1e-8, `${c.term} t`);
        expectClose(c.pValue, ref.p[j]!, 1e-8, `${c.term} p`);
        expectClose(c.ci[0], ref.ci[j]![0], 1e-8, `${c.term} ci`);
        expectClose(c.ci[1], ref.ci[j]![1], 1e-8, `${c.term} ci`);
      });
      ref.vcov.forEach((row, a) => {
        row.forEach((v, b) => {
          expectClose(fit.vcov[a]![b]!, v, 1e-8, `vcov ${a},${b}`);
        });
      });
      expectClose(fit.dispersion, ref.dispersion, 1e-8, 'dispersion');
      const f90 = svyGlm(modelDesign(ref.design), ref.tsFormula, { ...opts, level: 0.9 });
      f90.coefficients
        .filter((c) => !c.aliased)
        .forEach((c, j) => {
          expectClose(c.ci[0], ref.ci90[j]![0], 1e-8, `${c.term} ci90`);
          expectClose(c.ci[1], ref.ci90[j]![1], 1e-8, `${c.term} ci90`);
        });
    });
  }
});

interface PredictionRef {
  fit: string;
  type: 'link' | 'response';
  newdata: Record<string, number | string>[];
  estimate: number[];
  se: number[];
}

describe('svyPredict matches R predict(fit, newdata, type, se.fit = TRUE)', () => {
  const refs = models['predictions'] as PredictionRef[];
  it('covers both scales', () => {
    expect(new Set(refs.map((r) => r.type))).toEqual(new Set(['link', 'response']));
  });
  for (const ref of refs) {
    it(`${ref.fit} ${ref.type}`, () => {
      const f = fits.find((x) => x.id === ref.fit)!;
      const fit = svyGlm(modelDesign(f.design), f.formula, { family: f.family });
      const out = svyPredict(fit, ref.newdata, { type: ref.type });
      out.forEach((p, i) => {
        expectClose(p.estimate, ref.estimate[i]!, 1e-8, `row ${i} estimate`);
        expectClose(p.se, ref.se[i]!, 1e-8, `row ${i} se`);
      });
    });
  }
});

interface TermTestRef {
  fit: string;
  terms: string[];
  F: number;
  df: number;
  ddf: number;
  p: number;
}

describe('regTermTest matches R regTermTest (Wald)', () => {
  for (const ref of models['termTests'] as TermTestRef[]) {
    it(`${ref.fit}: ${ref.terms.join(' + ')}`, () => {
      const f = fits.find((x) => x.id === ref.fit)!;
      const fit = svyGlm(modelDesign(f.design), f.formula, { family: f.family });
      const t = regTermTest(fit, ref.terms);
      expect(t.ndf).toBe(ref.df);
      expect(t.ddf).toBe(ref.ddf);
      expectClose(t.statistic, ref.F, 1e-8, 'F');
      expectClose(t.pValue, ref.p, 1e-8, 'p');
    });
  }
});

interface PredMeansRef {
  id: string;
  design: string;
  formula: string;
  family: FamilyName;
  variable: string;
  levels: string[];
  estimate: number[];
  se: number[];
  vcov: number[][];
}

describe('svyPredMeans matches R svypredmeans', () => {
  for (const ref of models['predmeans'] as PredMeansRef[]) {
    it(`${ref.id}`, () => {
      const fit = svyGlm(modelDesign(ref.design), ref.formula, { family: ref.family });
      const rows = svyPredMeans(fit, ref.variable);
      // R lists the levels in order of appearance, surveykit in level order
      expect([...rows.map((r) => r.level)].sort()).toEqual([...ref.levels].sort());
      rows.forEach((r) => {
        const j = ref.levels.indexOf(r.level!);
        expectClose(r.estimate, ref.estimate[j]!, 1e-8, `${r.level} estimate`);
        expectClose(r.se, ref.se[j]!, 1e-8, `${r.level} se`);
      });
      const [a, b] = [rows[0]!, rows[1]!];
      const diff = svyContrast([a, b], { [a.level!]: 1, [b.level!]: -1 });
      const ia = ref.levels.indexOf(a.level!);
      const ib = ref.levels.indexOf(b.level!);
      const v = ref.vcov[ia]![ia]! + ref.vcov[ib]![ib]! - 2 * ref.vcov[ia]![ib]!;
      expectClose(diff.se, Math.sqrt(v), 1e-8, 'contrast se');
      // a ratio of two margins by the delta method on R's covariance: g = (1/b, −a/b²)
      const ratio = svyNlContrast([a, b], (e) => e[a.level!]! / e[b.level!]!);
      const [ea, eb] = [ref.estimate[ia]!, ref.estimate[ib]!];
      const [ga, gb] = [1 / eb, -ea / (eb * eb)];
      const vr =
        ga * ga * ref.vcov[ia]![ia]! +
        gb * gb * ref.vcov[ib]![ib]! +
        2 * ga * gb * ref.vcov[ia]![ib]!;
      expectClose(ratio.estimate, ea / eb, 1e-8, 'ratio');
      expectClose(ratio.se, Math.sqrt(vr), 1e-8, 'ratio se');
    });
  }
});

interface OlrRef {
  id: string;
  design: string;
  formula: string;
  names: string[];
  estimate: number[];
  cutpoints: string[];
  zeta: number[];
  vcov: number[][];
  se: number[];
  df: number;
  n: number;
  nMissing: number;
  default: { estimate: number[]; se: number[] };
}

// R's optimiser (BFGS) leaves the ordinal fits up to a few 1e-8 (replicate refits with polr's
// default control: 1e-7) from the maximum along flat directions: restarted from its own answer
// it moves by that much (see models.R). surveykit's Newton iterations find the maximum itself,
// so estimates are compared at 1e-6 (and surveykit's likelihood is at least R's); the
// covariance computed at R's coefficients must be R's to 1e-8 (linearization designs).
describe('svyOlr matches R svyolr', () => {
  for (const ref of models['olr'] as OlrRef[]) {
    it(`${ref.id}: ${ref.formula}`, () => {
      const design = modelDesign(ref.design);
      const fit = svyOlr(design, ref.formula);
      expect(fit.coefficients.map((c) => c.term)).toEqual(ref.names);
      expect(fit.cutpoints.map((c) => c.term)).toEqual(ref.cutpoints);
      expect(fit.df).toBe(ref.df);
      expect(fit.n).toBe(ref.n);
      expect(fit.nMissing).toBe(ref.nMissing);
      const all = [...fit.coefficients, ...fit.cutpoints];
      const est = [...ref.estimate, ...ref.zeta];
      const seTol = design.type === 'replicate' ? 1e-5 : 1e-6;
      all.forEach((c, j) => {
        expectClose(c.estimate, est[j]!, 1e-6, `${c.term} estimate`);
        expectClose(c.se, ref.se[j]!, seTol, `${c.term} se`);
        // (R's default control stops up to 6.2e-3 short: mobility on the raked domain)
        expectClose(c.estimate, ref.default.estimate[j]!, 1e-2, `${c.term} vs R's default control`);
      });
      const prep = prepareOlr(design, ref.formula);
      const mine = Float64Array.from(all.map((c) => c.estimate));
      const rs = Float64Array.from(est);
      const lr = logLikelihood(prep, rs);
      expect(logLikelihood(prep, mine)).toBeGreaterThanOrEqual(lr - 1e-13 * Math.abs(lr));
      if (design.type === 'replicate') return;
      const V = olrCovariance(design, prep, rs);
      const P = est.length;
      ref.vcov.forEach((row, a) => {
        row.forEach((v, b) => {
          expectClose(V[a * P + b]!, v, 1e-8, `vcov ${a},${b}`);
        });
      });
    });
  }
});

function logLikelihood(prep: ReturnType<typeof prepareOlr>, theta: Float64Array): number {
  return evaluate(prep.data, prep.w, theta, false).value;
}
