/** svyOlr beyond the R reference: the likelihood's derivatives, the cutpoints, errors. */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { prepareOlr, svyOlr } from '../../src/models/olr.js';
import {
  cutpointJacobian,
  cutpointParameters,
  cutpointsOf,
  evaluate,
} from '../../src/models/olr-fit.js';
import { thrown } from '../helpers/errors.js';
import { expectClose } from '../helpers/reference.js';
import { modelDesign } from './reference-designs.js';

const design = modelDesign('dclus1_meal');
const formula = 'mealcat ~ avg.ed + mobility + stype';

describe('the ordinal likelihood', () => {
  const prep = prepareOlr(design, formula);
  const theta = Float64Array.of(-2.5, 0.03, -1.5, -0.5, -8.5, -6.5, -5);
  const { value, gradient, hessian } = evaluate(prep.data, prep.w, theta, true);

  it('its gradient and Hessian are the derivatives of its value (central differences)', () => {
    const P = theta.length;
    for (let j = 0; j < P; j++) {
      const h = 1e-5 * Math.max(1, Math.abs(theta[j]!));
      const up = Float64Array.from(theta);
      up[j]! += h;
      const down = Float64Array.from(theta);
      down[j]! -= h;
      const a = evaluate(prep.data, prep.w, up, false);
      const b = evaluate(prep.data, prep.w, down, false);
      expectClose(gradient[j]!, (a.value - b.value) / (2 * h), 1e-5, `gradient ${j}`);
      for (let i = 0; i < P; i++) {
        expectClose(
          hessian![i * P + j]!,
          (a.gradient[i]! - b.gradient[i]!) / (2 * h),
          1e-5,
          `H ${i},${j}`,
        );
      }
    }
    expect(value).toBeLessThan(0);
  });

  it('R parameterises the cutpoints by their first value and the logs of their gaps', () => {
    const zeta = Float64Array.of(-8.5, -6.5, -5);
    const t = cutpointParameters(zeta);
    expect(Array.from(cutpointsOf(t)).map((z) => Number(z.toFixed(12)))).toEqual([-8.5, -6.5, -5]);
    expect(Array.from(cutpointJacobian(t))).toEqual(
      [1, 0, 0, 1, 2, 0, 1, 2, 1.5].map((v, k) =>
        k === 4 || k === 7 ? Math.exp(t[1]!) : k === 8 ? Math.exp(t[2]!) : v,
      ),
    );
  });
});

describe('svyOlr', () => {
  it('the fit is at the maximum: the gradient is zero', () => {
    const fit = svyOlr(design, formula);
    const prep = prepareOlr(design, formula);
    const theta = Float64Array.from([...fit.coefficients, ...fit.cutpoints].map((c) => c.estimate));
    const g = evaluate(prep.data, prep.w, theta, false).gradient;
    for (const x of g) expect(Math.abs(x)).toBeLessThan(1e-6);
    expect(fit.levels).toEqual(['(0,25]', '(25,50]', '(50,75]', '(75,100]']);
    expect(fit.vcov.length).toBe(7);
    expect(fit.cutpoints.map((c) => c.modelTerm)).toEqual(fit.cutpoints.map((c) => c.term));
  });

  it('an unused level of the outcome is left out, with a warning', () => {
    const data = fromColumns({
      y: {
        codes: Int32Array.of(0, 1, 3, 0, 1, 3, 1, 0, 3, 3, 0, 1),
        levels: ['lo', 'mid', 'unused', 'hi'],
      },
      x: [1, 2, 3, 2, 1, 3, 2, 1, 2, 3, 1, 1],
    });
    const fit = svyOlr(svyDesign(data), 'y ~ x', { df: Number.POSITIVE_INFINITY });
    expect(fit.cutpoints.map((c) => c.term)).toEqual(['lo|mid', 'mid|hi']);
    expect(fit.warnings[0]).toMatch(/left out: unused/);
  });

  it('typed errors', () => {
    const code = (f: () => unknown) => thrown(f).code;
    expect(code(() => svyOlr(design, 'mealcat ~ avg.ed - 1'))).toBe('BAD_OPTION');
    expect(code(() => svyOlr(design, 'api00 ~ avg.ed'))).toBe('NOT_CATEGORICAL');
    expect(code(() => svyOlr(design, 'sch.wide ~ avg.ed'))).toBe('TOO_FEW_LEVELS');
    // meals determines mealcat: the likelihood has no maximum
    expect(code(() => svyOlr(design, 'mealcat ~ meals'))).toBe('SEPARATION');
    const dup = fromColumns({
      y: { codes: Int32Array.of(0, 1, 2, 0, 1, 2, 2, 1), levels: ['a', 'b', 'c'] },
      x: [1, 2, 3, 4, 5, 6, 7, 8],
      z: [2, 4, 6, 8, 10, 12, 14, 16],
    });
    expect(code(() => svyOlr(svyDesign(dup), 'y ~ x + z'))).toBe('RANK_DEFICIENT');
    const dropped = svyOlr(svyDesign(dup), 'y ~ x + z', {
      aliased: 'drop',
      df: Number.POSITIVE_INFINITY,
    });
    expect(dropped.coefficients.map((c) => c.term)).toEqual(['x']);
    expect(dropped.warnings).toEqual(['aliased columns left out: z']);
  });
});
