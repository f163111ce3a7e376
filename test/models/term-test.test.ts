/** regTermTest beyond the R reference: the χ² form, term matching, errors. */
import { describe, expect, it } from 'vitest';
import { EstimationError } from '../../src/errors.js';
import { svyGlm } from '../../src/models/glm.js';
import { svyOlr } from '../../src/models/olr.js';
import { regTermTest } from '../../src/models/term-test.js';
import { pchisqUpper } from '../../src/stats/distributions.js';
import { expectClose } from '../helpers/reference.js';
import { modelDesign } from './reference-designs.js';

const fit = svyGlm(modelDesign('dclus1'), 'api00 ~ ell * stype + meals');

describe('regTermTest', () => {
  it('one coefficient: F is t², with the same p-value as the t test', () => {
    const t = regTermTest(fit, 'meals');
    const c = fit.coefficients.find((x) => x.term === 'meals')!;
    expectClose(t.statistic, c.statistic ** 2, 1e-10, 'F');
    expectClose(t.pValue, c.pValue, 1e-10, 'p');
    expect(t.ndf).toBe(1);
    expect(t.ddf).toBe(fit.df);
  });

  it('df Infinity gives the χ² test; terms match in any order of their variables', () => {
    const t = regTermTest(fit, ['stype:ell', 'stype'], { df: Number.POSITIVE_INFINITY });
    expect(t.terms).toEqual(['ell:stype', 'stype']);
    expect(t.ndf).toBe(4);
    expect(t.statistic).toBe(t.chisq);
    expectClose(t.pValue, pchisqUpper(t.chisq, 4), 1e-14, 'p');
  });

  it('works on ordinal fits (coefficients only, not the cutpoints)', () => {
    const olr = svyOlr(modelDesign('dclus1_meal'), 'mealcat ~ avg.ed + mobility + stype');
    const t = regTermTest(olr, 'stype');
    expect(t.ndf).toBe(2);
    expect(t.ddf).toBe(olr.df);
  });

  it('unknown terms and bad options are typed errors', () => {
    expect(() => regTermTest(fit, 'api99')).toThrow(
      /no term "api99" \(its terms: ell, stype, meals, ell:stype\)/,
    );
    try {
      regTermTest(fit, 'api99');
    } catch (e) {
      expect((e as EstimationError).code).toBe('UNKNOWN_TERM');
    }
    expect(() => regTermTest(fit, [])).toThrow(EstimationError);
    expect(() => regTermTest(fit, 'ell', { df: 0 })).toThrow(EstimationError);
  });
});
