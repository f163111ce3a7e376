/**
 * svyMean of a numeric variable on a whole design takes a path of its own: its scan does not mark
 * the rows with a value, and the variance's sums (per PSU, or per replicate) test the values
 * instead. The same rows as a domain (every row kept) take the path that marks them: the two must
 * agree bit for bit, on linearization designs (with lonely PSUs, whose variance reads the rows'
 * mask, and calibrated) and replicate designs (replicates that are per-PSU factors, summed per
 * PSU — on a whole design by the mean's scan itself, in the same pass — and arbitrary ones,
 * summed row by row). A categorical variable's shares and counts on a
 * whole linearization design do not mark their rows either (the scan sums per PSU what the
 * variance needs); nor does a numeric total's there.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign, svyRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { calibrate } from '../../src/weighting/calibrate.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const r = rng(17);
const n = 400;
const columns = {
  y: Array.from({ length: n }, () => (r() < 0.08 ? null : Math.round(r() * 5000) / 7)),
  x: Array.from({ length: n }, () => r() * 10),
  sex: Array.from({ length: n }, () => (r() < 0.5 ? 'f' : 'm')),
  attitude: Array.from({ length: n }, () =>
    r() < 0.05 ? null : ['a', 'b', 'c'][Math.floor(3 * r())]!,
  ),
  // stratum 9 has one PSU (lonely)
  stratum: Array.from({ length: n }, (_, i) => (i < 10 ? 9 : Math.floor(i / 40) % 3)),
  // (10 PSUs of 40 rows: few enough that the jackknife's replicates are summed per PSU)
  psu: Array.from({ length: n }, (_, i) => (i < 10 ? 99 : Math.floor(i / 40))),
  w: Array.from({ length: n }, () => 0.5 + 3 * r()),
  rep1: Array.from({ length: n }, () => 2 * r()),
  rep2: Array.from({ length: n }, () => 2 * r()),
  rep3: Array.from({ length: n }, () => 2 * r()),
};
const data = fromColumns(columns);
const spec = { ids: 'psu', strata: 'stratum', weights: 'w' } as const;
const designs: Array<[string, SurveyDesign]> = [
  ['stratified clusters, lonely PSU removed', svyDesign(data, { ...spec, lonelyPsu: 'remove' })],
  ['stratified clusters, lonely PSU adjusted', svyDesign(data, { ...spec, lonelyPsu: 'adjust' })],
  [
    'calibrated',
    calibrate(svyDesign(data, { ...spec, lonelyPsu: 'remove' }), {
      margins: [{ variable: 'sex', population: { f: 500, m: 480 } }],
      calfun: 'linear',
    }),
  ],
  [
    'jackknife replicates (per-PSU factors)',
    asRepDesign(svyDesign(data, { ...spec, lonelyPsu: 'remove' })),
  ],
  [
    'arbitrary replicate weights',
    svyRepDesign(data, { weights: 'w', repweights: /^rep\d$/, type: 'bootstrap' }),
  ],
];

describe('svyMean / svyTotal of a numeric variable on a whole design and as a domain', () => {
  // (a numeric total's scan on a whole linearization design sums per PSU and marks no rows)
  for (const [name, design] of designs) {
    it(name, () => {
      for (const f of [svyMean, svyTotal]) {
        const whole = f(design, 'y');
        const domain = f(
          subset(design, () => true),
          'y',
        );
        expect(whole[0]!.estimate).toBe(domain[0]!.estimate);
        expect(whole[0]!.se).toBe(domain[0]!.se);
        expect(whole[0]!.n).toBe(domain[0]!.n);
        expect(whole[0]!.nMissing).toBe(domain[0]!.nMissing);
        // the rows' mask, made when a contrast with another estimate asks for it
        const both = svyContrast([...whole, ...f(design, 'x')], [1, -1]);
        const same = svyContrast(
          [
            ...domain,
            ...f(
              subset(design, () => true),
              'x',
            ),
          ],
          [1, -1],
        );
        expect(Math.abs(both.se - same.se)).toBeLessThanOrEqual(1e-12 * same.se);
      }
    });
  }
});

describe('svyMean / svyTotal of a categorical variable on a whole design and as a domain', () => {
  for (const [name, design] of designs) {
    it(name, () => {
      for (const f of [svyMean, svyTotal]) {
        const whole = f(design, 'attitude');
        const domain = f(
          subset(design, () => true),
          'attitude',
        );
        expect(whole.map((row) => [row.level, row.estimate, row.se, row.n, row.nMissing])).toEqual(
          domain.map((row) => [row.level, row.estimate, row.se, row.n, row.nMissing]),
        );
        // the rows' mask, made when a contrast with another variable asks for it
        const both = svyContrast([...whole, ...f(design, 'x')], [1, 0, 0, -1]);
        const same = svyContrast(
          [
            ...domain,
            ...f(
              subset(design, () => true),
              'x',
            ),
          ],
          [1, 0, 0, -1],
        );
        expect(both.se).toBeCloseTo(same.se, 12);
      }
    });
  }
});
