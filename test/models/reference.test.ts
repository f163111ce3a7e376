/**
 * svyGlm, svyPredict, regTermTest and svyPredMeans against R's svyglm, predict, regTermTest and
 * svypredmeans (test/reference/models.json), to 1e-8.
 */
import { describe, expect, it } from 'vitest';
import type { FamilyName } from '../../src/models/family.js';
import { svyGlm } from '../../src/models/glm.js';
import { expectClose } from '../helpers/reference.js';
import { modelDesign, models } from './reference-designs.js';

interface FitRef {
  id: string;
  design: string;
  formula: string;
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
        aliased: ref.aliased.length > 0 ? 'drop' : 'error',
      } as const;
      const all = svyGlm(modelDesign(ref.design), ref.formula, opts);
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
      const f90 = svyGlm(modelDesign(ref.design), ref.formula, { ...opts, level: 0.9 });
      f90.coefficients
        .filter((c) => !c.aliased)
        .forEach((c, j) => {
          expectClose(c.ci[0], ref.ci90[j]![0], 1e-8, `${c.term} ci90`);
          expectClose(c.ci[1], ref.ci90[j]![1], 1e-8, `${c.term} ci90`);
        });
    });
  }
});
