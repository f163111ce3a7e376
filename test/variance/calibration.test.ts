import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { estimateVariance } from '../../src/estimate/variance.js';
import { calibratedInfluence, isCalibrated } from '../../src/variance/calibration.js';
import { denseInfluence } from '../../src/variance/influence.js';
import { linearizationVariance } from '../../src/variance/linearization.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { expectClose } from '../helpers/reference.js';
import {
  baseDesign,
  expectTableClose,
  ref,
  refCase,
  weightCase,
} from '../weighting/reference-cases.js';

/** Influence columns of the means of numeric variables (R's svymean(~a+b), na.rm as a domain). */
function meanInfluence(d: SurveyDesign, variables: string[]) {
  const n = d.data.nrow;
  const values = variables.map((v) => {
    const col = d.data.columns[v]!;
    if (col.kind !== 'numeric') throw new Error(v);
    return col.values;
  });
  const present = new Uint8Array(n);
  let sumW = 0;
  for (let i = 0; i < n; i++) {
    if (values.every((y) => !Number.isNaN(y[i]!))) {
      present[i] = 1;
      sumW += d.weights[i]!;
    }
  }
  const means = values.map((y) => {
    let s = 0;
    for (let i = 0; i < n; i++) if (present[i]) s += d.weights[i]! * y[i]!;
    return s / sumW;
  });
  const columns = values.map((y, j) => {
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) if (present[i]) z[i] = (d.weights[i]! * (y[i]! - means[j]!)) / sumW;
    return z;
  });
  return { columns, present, means };
}

const multi = ref.cases.filter((c) => c.error === null && c.multi);

describe('calibratedInfluence: covariance of several estimates at once matches R (vcov to 1e-8)', () => {
  it('has the cases', () => expect(multi.length).toBeGreaterThanOrEqual(10));
  for (const c of multi) {
    it(`${c.id}: vcov(svymean(~${c.multi!.variables.join('+')}))`, () => {
      const d = weightCase(c);
      const { columns, present, means } = meanInfluence(d, c.multi!.variables);
      for (const [j, m] of means.entries())
        expectClose(m, c.multi!.estimate[j]!, 1e-8, `mean ${j}`);
      const V = estimateVariance(d, denseInfluence(columns), present);
      const p = columns.length;
      const got = Array.from({ length: p }, (_, a) => Array.from(V.subarray(a * p, (a + 1) * p)));
      expectTableClose(got, c.multi!.vcov, 1e-8, `${c.id} vcov`);
      // the same as adjusting and taking the variance over the whole design
      const adjusted = calibratedInfluence(d, denseInfluence(columns), present);
      const W = linearizationVariance(d, adjusted, null);
      for (let k = 0; k < p * p; k++) expectClose(W[k]!, V[k]!, 1e-14, `W[${k}]`);
    });
  }
});

describe('calibratedInfluence: which designs and steps', () => {
  it('isCalibrated: not for the plain design nor for trimming alone', () => {
    const plain = baseDesign('dpoll');
    expect(isCalibrated(plain)).toBe(false);
    expect(isCalibrated(trimWeights(plain, { upper: 2000 }))).toBe(false);
    expect(isCalibrated(weightCase(refCase('dpoll-rake-sex-agegroup')))).toBe(true);
    expect(isCalibrated(weightCase(refCase('dpoll-calibrate-logit-0.5-2')))).toBe(true);
    expect(isCalibrated(weightCase(refCase('dpoll-poststratify-sex-agegroup')))).toBe(true);
  });

  it('returns the influence itself when nothing is to adjust, and never modifies its input', () => {
    const plain = baseDesign('dclus1');
    const z = Float64Array.from({ length: plain.data.nrow }, (_, i) => i % 7);
    const inf = denseInfluence([z]);
    expect(calibratedInfluence(plain, inf, null)).toBe(inf);
    const d = weightCase(refCase('dclus1-poststratify-stype'));
    const copy = Float64Array.from(z);
    const adjusted = calibratedInfluence(d, inf, null);
    expect(Array.from(z)).toEqual(Array.from(copy));
    expect(adjusted.dense()[0]).not.toBe(z);
  });

  it('post-stratification removes the post-stratum means (the docs example)', () => {
    const data = fromColumns({ g: ['a', 'a', 'b', 'b'], y: [1, 3, 5, 9] });
    const d = postStratify(svyDesign(data), {
      variables: ['g'],
      population: [
        { g: 'a', count: 10 },
        { g: 'b', count: 30 },
      ],
    });
    const z = Float64Array.from([1, 3, 5, 9], (y, i) => d.weights[i]! * y);
    expect(Array.from(calibratedInfluence(d, denseInfluence([z]), null).dense()[0]!)).toEqual([
      -5, 5, -30, 30,
    ]);
    // the total of the post-stratification variable itself has no variance
    expect(svyTotal(d, 'g').map((r) => r.se)).toEqual([0, 0]);
  });

  it('trimming alone keeps the domain semantics of an uncalibrated design', () => {
    const plain = baseDesign('dpoll');
    const trimmed = trimWeights(plain, { upper: 2000 });
    const same = { ...plain, weights: trimmed.weights };
    const dom = (d: SurveyDesign) => subset(d, (r) => r.region === 'Capital');
    expect(svyMean(dom(trimmed), 'income')[0]!.se).toBe(svyMean(dom(same), 'income')[0]!.se);
  });

  it('a domain of a calibrated design: variance over the whole design (R sets weights to 0)', () => {
    const d = weightCase(refCase('dpoll-rake-sex-agegroup'));
    const dom = subset(d, (r) => r.region === 'Capital');
    const e = refCase('dpoll-rake-sex-agegroup').estimates!.find(
      (x) => x.subset !== null && x.variable === 'support',
    )!;
    const [m] = svyMean(dom, 'support');
    expectClose(m!.se, e.se[0]!, 1e-8, 'domain SE');
  });

  it('a large raked design: every adjustment runs on cells (smoke test, 200k rows)', () => {
    const n = 200_000;
    const sex = Array.from({ length: n }, (_, i) => (i % 2 ? 'M' : 'F'));
    const age = Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][(i >> 3) % 3]!);
    const y = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 101);
    const ids = Float64Array.from({ length: n }, (_, i) => i >> 6);
    const d0 = svyDesign(fromColumns({ sex, age, y, ids }), { ids: 'ids' });
    const raked = rake(d0, [
      { variable: 'sex', population: { F: 3e5, M: 3e5 } },
      { variable: 'age', population: { a: 1e5, b: 2e5, c: 3e5 } },
    ]);
    const [m] = svyMean(raked, 'y');
    const [plain] = svyMean(d0, 'y');
    expect(m!.se).toBeGreaterThan(0);
    expect(m!.se).toBeLessThan(2 * plain!.se);
  });
});
