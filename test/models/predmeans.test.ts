/** svyPredMeans beyond the R reference: a variable already in the model, contrasts, errors. */
import { describe, expect, it } from 'vitest';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyGlm } from '../../src/models/glm.js';
import { svyPredMeans } from '../../src/models/predmeans.js';
import { thrown } from '../helpers/errors.js';
import { expectClose } from '../helpers/reference.js';
import { modelDesign } from './reference-designs.js';

const dclus1 = modelDesign('dclus1');

describe('svyPredMeans', () => {
  it('a variable already in the model gives the same margins as adding it (same model space)', () => {
    const without = svyGlm(dclus1, 'api00 ~ ell + meals');
    const withIt = svyGlm(dclus1, 'api00 ~ ell + meals + stype');
    const a = svyPredMeans(without, 'stype');
    const b = svyPredMeans(withIt, 'stype');
    a.forEach((r, l) => {
      expectClose(r.estimate, b[l]!.estimate, 1e-10, r.level!);
      expectClose(r.se, b[l]!.se, 1e-10, r.level!);
    });
    expect(a.map((r) => r.level)).toEqual(['E', 'H', 'M']);
    expect(a[0]).toMatchObject({ variable: 'stype', statistic: 'predictive margin', n: 183 });
  });

  it('a gaussian model without interactions: margins differ by the level coefficients', () => {
    const fit = svyGlm(dclus1, 'api00 ~ ell + stype');
    const m = svyPredMeans(fit, 'stype');
    const h = fit.coefficients.find((c) => c.term === 'stypeH')!;
    const d = svyContrast(m, { H: 1, E: -1 });
    expectClose(d.estimate, h.estimate, 1e-10, 'difference');
    // the difference of two margins is that coefficient, so its SE is the coefficient's
    expectClose(d.se, h.se, 1e-8, 'se');
  });

  it('numeric variables, the outcome and other objects are typed errors', () => {
    const fit = svyGlm(dclus1, 'api00 ~ ell');
    const code = (f: () => unknown) => thrown(f).code;
    expect(code(() => svyPredMeans(fit, 'meals'))).toBe('NOT_CATEGORICAL');
    expect(
      code(() =>
        svyPredMeans(svyGlm(dclus1, 'sch.wide ~ ell', { family: 'binomial' }), 'sch.wide'),
      ),
    ).toBe('BAD_OPTION');
    expect(code(() => svyPredMeans({ ...fit }, 'stype'))).toBe('BAD_OPTION');
    expect(code(() => svyPredMeans(fit, 'nothere'))).toBe('UNKNOWN_VARIABLE');
  });
});
