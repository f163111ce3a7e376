/**
 * asRepDesign of designs with extreme weights: replicate weights made from the weights scaled
 * near 1, so that subnormal weights keep their relative precision; means, shares and SEs as on
 * the ordinary design, totals times 2^k; and raking such a replicate design.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import type { Column, SurveyData } from '../../src/data/types.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign } from '../../src/design/replicate.js';
import { ldexp } from '../../src/design/scale.js';
import type { DesignSpec, SurveyDesign } from '../../src/design/types.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { rake } from '../../src/weighting/rake.js';
import { expectClose, loadReferenceData } from '../helpers/reference.js';

/** A reference data set with a column `wx`: whole-number weights round(8 pw), times 2^k. */
function withWeights(file: string, k: number): SurveyData {
  const data = loadReferenceData(file);
  const pw = data.columns.pw!;
  if (pw.kind !== 'numeric') throw new Error('pw is not numeric');
  const wx: Column = { ...pw, values: pw.values.map((w) => ldexp(Math.round(8 * w), k)) };
  return { ...data, names: [...data.names, 'wx'], columns: { ...data.columns, wx } };
}

type RepType = 'JK1' | 'JKn' | 'BRR' | 'Fay' | 'bootstrap';

const designs: Array<[string, string, Omit<DesignSpec, 'weights'>, RepType[]]> = [
  ['apiclus1', 'apiclus1.csv', { ids: 'dnum' }, ['JK1', 'bootstrap']],
  ['apistrat', 'apistrat.csv', { strata: 'stype' }, ['JKn', 'bootstrap']],
  ['apistrat pairs', 'apistrat_pairs.csv', { ids: 'psu20', strata: 'str20' }, ['BRR', 'Fay']],
];

function expectSameEstimates(got: SurveyDesign, want: SurveyDesign, k: number, what: string) {
  for (const [f, unit] of [
    [svyMean, 0],
    [svyTotal, k],
  ] as const) {
    for (const variable of ['api00', 'stype']) {
      const a = f(got, variable);
      const b = f(want, variable);
      a.forEach((r, j) => {
        const label = `${what} ${f.name}(${variable})[${j}]`;
        const [estimate, se] = [ldexp(r.estimate, -unit), ldexp(r.se, -unit)];
        if (b[j]!.se < 1e-9 * Math.abs(b[j]!.estimate)) {
          // raked on: 0 up to rounding
          expectClose(estimate, b[j]!.estimate, 1e-12, `${label} estimate`);
          expect(se, `${label} se`).toBeLessThan(1e-9 * Math.abs(b[j]!.estimate));
        } else if (ldexp(b[j]!.estimate, unit) >= 2 ** -1022) {
          expectClose(estimate, b[j]!.estimate, 1e-12, `${label} estimate`);
          expectClose(se, b[j]!.se, 1e-12, `${label} se`);
        } else {
          // a total that is itself subnormal: right to its last unit (2^-1074)
          expect(Math.abs(estimate - b[j]!.estimate), `${label} estimate`).toBeLessThanOrEqual(0.5);
          expect(Math.abs(se - b[j]!.se), `${label} se`).toBeLessThanOrEqual(0.5);
        }
      });
    }
  }
}

describe('asRepDesign of extreme weights', () => {
  // -1074: the weights are whole multiples of the smallest subnormal number, 8 to 11 bits
  for (const k of [960, -1000, -1074]) {
    for (const [name, file, spec, types] of designs) {
      for (const type of types) {
        it(`${name} ${type}, weights × 2^${k}: replicates × 2^k, the same df, means and SEs`, () => {
          const ordinary = asRepDesign(
            svyDesign(withWeights(file, 0), { ...spec, weights: 'wx' }),
            type === 'Fay' ? { type, rho: 0.3 } : { type },
          );
          const scaled = asRepDesign(
            svyDesign(withWeights(file, k), { ...spec, weights: 'wx' }),
            type === 'Fay' ? { type, rho: 0.3 } : { type },
          );
          expect(scaled.df).toBe(ordinary.df);
          expect(scaled.replicates.length).toBe(ordinary.replicates.length);
          if (k > -1000) {
            scaled.replicates.forEach((r, j) => {
              expect(Array.from(r, (x) => ldexp(x, -k))).toEqual(
                Array.from(ordinary.replicates[j]!),
              );
            });
          }
          expectSameEstimates(scaled, ordinary, k, `${name} ${type}`);
        });
      }
    }
  }

  it('raking a JK1 design of unequal subnormal weights (the step scales them by another power of two)', () => {
    // JK1 multiplies these by 15/14, which rounds them as subnormals; raking reads the replicates
    // as made, times 2^-k for its own k (halfway to the population's exponent)
    const n = 15;
    const g = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'a' : 'b'));
    const y = Array.from({ length: n }, (_, i) => (i * 7) % 5);
    const w = Array.from({ length: n }, (_, i) => 100 + ((i * 37) % 200));
    const make = (k: number) => {
      const data = fromColumns({ g, y, w: w.map((x) => ldexp(x, k)) });
      const jk = asRepDesign(svyDesign(data, { weights: 'w' }));
      return rake(jk, [{ variable: 'g', population: { a: ldexp(4000, k), b: ldexp(9000, k) } }]);
    };
    const [plain] = svyMean(make(0), 'y');
    const [tiny] = svyMean(make(-1074), 'y');
    expectClose(tiny!.estimate, plain!.estimate, 1e-12, 'mean');
    expectClose(tiny!.se, plain!.se, 1e-12, 'se');
  });

  it('raking a JK1 design of subnormal weights to populations times 2^-1074', () => {
    const margins = (k: number) => [
      {
        variable: 'stype',
        population: { E: ldexp(4421, k), H: ldexp(755, k), M: ldexp(1018, k) },
      },
    ];
    const make = (k: number) =>
      rake(
        asRepDesign(svyDesign(withWeights('apiclus1.csv', k), { ids: 'dnum', weights: 'wx' })),
        margins(k),
      );
    const ordinary = make(0);
    const scaled = make(-1074);
    expect(scaled.df).toBe(ordinary.df);
    expectSameEstimates(scaled, ordinary, -1074, 'raked JK1');
  });
});
