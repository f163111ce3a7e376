/** svyPredict beyond the R reference: new rows from a frame, the delta method, errors. */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { EstimationError } from '../../src/errors.js';
import { svyGlm } from '../../src/models/glm.js';
import { svyPredict } from '../../src/models/predict.js';
import { qnorm } from '../../src/stats/distributions.js';
import { expectClose } from '../helpers/reference.js';
import { modelDesign } from './reference-designs.js';

const dclus1 = modelDesign('dclus1');
const fit = svyGlm(dclus1, 'sch.wide ~ ell + stype', { family: 'quasibinomial' });

describe('svyPredict', () => {
  it('a frame and row objects give the same predictions', () => {
    const rows = [
      { ell: 5, stype: 'E' },
      { ell: 30, stype: 'M' },
    ];
    const frame = fromColumns({
      ell: [5, 30],
      stype: { codes: Int32Array.of(0, 2), levels: ['E', 'H', 'M'] },
    });
    expect(svyPredict(fit, frame)).toEqual(svyPredict(fit, rows));
  });

  it('the response scale is the inverse link, its SE the link SE times the derivative', () => {
    const [link] = svyPredict(fit, [{ ell: 10, stype: 'H' }]);
    const [resp] = svyPredict(fit, [{ ell: 10, stype: 'H' }], { type: 'response', level: 0.9 });
    const mu = 1 / (1 + Math.exp(-link!.estimate));
    expectClose(resp!.estimate, mu, 1e-14, 'mu');
    expectClose(resp!.se, mu * (1 - mu) * link!.se, 1e-12, 'se');
    const q = qnorm(0.95);
    expectClose(resp!.ci[1], mu + q * resp!.se, 1e-12, 'ci');
    // the linear predictor itself
    const b = fit.coefficients.map((c) => c.estimate);
    expectClose(link!.estimate, b[0]! + 10 * b[1]! + b[2]!, 1e-12, 'eta');
  });

  it('missing values, unknown levels and text for numbers are typed errors', () => {
    const code = (rows: Record<string, number | string | null>[]) => {
      try {
        svyPredict(fit, rows);
      } catch (e) {
        return [(e as EstimationError).code, (e as EstimationError).details.variable];
      }
      return null;
    };
    expect(code([{ ell: 5 }])).toEqual(['MISSING_VALUES', 'stype']);
    expect(code([{ ell: 5, stype: 'X' }])).toEqual(['UNKNOWN_LEVEL', 'stype']);
    expect(code([{ ell: '5', stype: 'E' }])).toEqual(['NOT_NUMERIC', 'ell']);
    expect(code([{ ell: null, stype: 'E' }])).toEqual(['MISSING_VALUES', 'ell']);
    expect(() => svyPredict({ ...fit }, [{ ell: 5, stype: 'E' }])).toThrow(
      /needs the fit object svyGlm returned/,
    );
    expect(() => svyPredict(fit, [], { type: 'odds' as never })).toThrow(EstimationError);
  });
});
