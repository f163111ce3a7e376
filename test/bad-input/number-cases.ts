/**
 * Catalogue entries for weights near the limits of double precision (issue 13, numbers): results
 * that exceed the double range are the typed error `NON_FINITE_RESULT` naming the estimator, the
 * variable and what overflowed (weights near 1e±300 that fit are estimated exactly: see
 * `numbers.test.ts` and test/estimate/finite.test.ts). `catalogue.test.ts` runs them.
 */
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign } from '../../src/design/replicate.js';
import { EstimationError, WeightingError } from '../../src/errors.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyTable } from '../../src/estimate/table.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import type { DataCase } from './data-cases.js';

/** A poll whose weights are `scale` times 1..4 (strata N and S, PSUs of two). */
export function scaledPoll(scale: number) {
  return svyDesign(
    fromColumns(
      {
        y: [1, 2, 3, 4, 5, 6, 7, 8],
        vote: ['yes', 'no', 'yes', 'yes', 'no', 'no', 'yes', 'no'],
        region: ['N', 'N', 'N', 'N', 'S', 'S', 'S', 'S'],
        psu: [1, 1, 2, 2, 3, 3, 4, 4],
        w: [1, 2, 3, 4, 4, 3, 2, 1].map((k) => k * scale),
      },
      { source: 'extreme.csv' },
    ),
    { ids: 'psu', strata: 'region', weights: 'w' },
  );
}

const POPULATION = [
  { region: 'N', count: 500 },
  { region: 'S', count: 500 },
];

/** The entries (see the module description). */
export function numberCases(): DataCase[] {
  return [
    {
      name: 'a total of weights near 1e308 (beyond the double range)',
      run: () => svyTotal(scaledPoll(4e307), 'y'),
      error: EstimationError,
      code: 'NON_FINITE_RESULT',
      mentions: ['svyTotal', '"y"', 'estimate', 'Infinity'],
      details: { estimator: 'svyTotal', variable: 'y', what: 'estimate' },
    },
    {
      name: 'counts of a categorical total beyond the double range',
      run: () => svyTotal(scaledPoll(4e307), 'vote'),
      error: EstimationError,
      code: 'NON_FINITE_RESULT',
      mentions: ['svyTotal', '"vote" = "yes"'],
      details: { variable: 'vote', level: 'yes' },
    },
    {
      name: 'a two-way table whose weighted total exceeds the double range',
      run: () => svyTable(scaledPoll(4e307), 'vote', 'region'),
      error: EstimationError,
      code: 'NON_FINITE_RESULT',
      mentions: ['svyTable', 'vote × region'],
    },
    {
      name: 'an n-way table whose counts exceed the double range',
      run: () => svyTable(scaledPoll(4e307), ['vote', 'region']),
      error: EstimationError,
      code: 'NON_FINITE_RESULT',
      mentions: ['svyTable'],
    },
    {
      name: 'svyBy totals beyond the double range',
      run: () => svyBy(scaledPoll(4e307), 'region', (d) => svyTotal(d, 'y')),
      error: EstimationError,
      code: 'NON_FINITE_RESULT',
      mentions: ['svyTotal', '"y"'],
    },
    {
      name: 'replicate totals beyond the double range',
      run: () => svyTotal(asRepDesign(scaledPoll(4e307)), 'y'),
      error: EstimationError,
      code: 'NON_FINITE_RESULT',
      mentions: ['svyTotal'],
    },
    {
      name: 'a contrast of totals whose variance exceeds the double range (1e200 weights)',
      run: () => svyContrast(svyTotal(scaledPoll(1e200), 'vote'), { yes: 1, no: -1 }),
      error: EstimationError,
      code: 'NON_FINITE_RESULT',
      mentions: ['svyContrast', 'standard error'],
      details: { estimator: 'svyContrast', what: 'standard error' },
    },
    {
      name: 'post-stratifying subnormal weights to ordinary counts (factors overflow)',
      run: () =>
        postStratify(scaledPoll(5e-324), { variables: ['region'], population: POPULATION }),
      error: WeightingError,
      code: 'NON_FINITE_RESULT',
      mentions: ['postStratify', 'row 1', 'Infinity'],
      details: { method: 'postStratify', row: 1 },
    },
    {
      name: 'post-stratifying weights whose cell sums exceed the double range works; a total beyond it does not',
      run: () => {
        // weights near 1e308 are post-stratified on weights scaled near 1 (weighting/scaled.ts)
        const ps = postStratify(scaledPoll(4e307), {
          variables: ['region'],
          population: POPULATION,
        });
        const ordinary = postStratify(scaledPoll(1), {
          variables: ['region'],
          population: POPULATION,
        });
        const [m] = svyMean(ps, 'y');
        const [o] = svyMean(ordinary, 'y');
        if (Math.abs(m!.se - o!.se) > 1e-12 * o!.se) throw new Error(`SE ${m!.se} is not ${o!.se}`);
        // the catalogue wants an error: populations of 1e308 per region give a total beyond range
        const huge = [
          { region: 'N', count: 1e308 },
          { region: 'S', count: 1e308 },
        ];
        return svyTotal(
          postStratify(scaledPoll(4e307), { variables: ['region'], population: huge }),
          'y',
        );
      },
      error: EstimationError,
      code: 'NON_FINITE_RESULT',
      mentions: ['svyTotal', 'Infinity'],
      details: { estimator: 'svyTotal', what: 'estimate' },
    },
    {
      name: 'a mean is never NaN from weights near 1e308: it is estimated (no error)',
      run: () => {
        const m = svyMean(scaledPoll(4e307), 'y')[0]!;
        const ordinary = svyMean(scaledPoll(1), 'y')[0]!;
        if (Math.abs(m.estimate - ordinary.estimate) > 1e-12 * ordinary.estimate)
          throw new Error(`mean ${m.estimate} is not ${ordinary.estimate}`);
        // the catalogue wants an error: the total of the same design gives it
        return svyTotal(scaledPoll(4e307), 'y');
      },
      error: EstimationError,
      code: 'NON_FINITE_RESULT',
    },
  ];
}
