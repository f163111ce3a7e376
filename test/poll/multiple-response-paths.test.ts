/**
 * svyMultipleResponse computes its shares column by column on linearization designs (a PSU ×
 * option table, no derived columns): the same estimates and covariance as svyMean of each
 * derived 0/1 column and jointCovariance of the rows (what it did before, and still does on
 * replicate, calibrated and negative-weight designs), on designs sorted or not by PSU, with
 * domains, fpc at two stages, partial answers and odd numbers of options.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import type { SurveyData } from '../../src/data/types.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { DesignSpec, SurveyDesign } from '../../src/design/types.js';
import { jointCovariance } from '../../src/estimate/influence-rows.js';
import { derivedMean, withColumns } from '../../src/poll/answers.js';
import { svyMultipleResponse } from '../../src/poll/multiple-response.js';
import { postStratify } from '../../src/weighting/poststratify.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** 600 rows, 6 strata of 5 PSUs of 4 SSUs, k options with some missing values. */
function poll(k: number, shuffle: boolean, seed = 7): SurveyData {
  const r = rng(seed);
  const n = 600;
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffle) order.sort(() => r() - 0.5);
  const cols: Record<string, Float64Array | string[]> = {
    stratum: [],
    psu: new Float64Array(n),
    // the PSUs with stratum s0 as one (a lonely PSU)
    psu1: new Float64Array(n),
    ssu: new Float64Array(n),
    fpc1: new Float64Array(n),
    fpc2: new Float64Array(n),
    w: new Float64Array(n),
  };
  for (let j = 0; j < k; j++) cols[`o${j}`] = new Float64Array(n);
  order.forEach((row, i) => {
    const h = Math.floor(row / 100);
    (cols.stratum as string[])[i] = `s${h}`;
    (cols.psu as Float64Array)[i] = Math.floor(row / 20);
    (cols.psu1 as Float64Array)[i] = h === 0 ? 0 : Math.floor(row / 20);
    (cols.ssu as Float64Array)[i] = Math.floor(row / 5);
    (cols.fpc1 as Float64Array)[i] = 12 + h;
    (cols.fpc2 as Float64Array)[i] = 9;
    (cols.w as Float64Array)[i] = 0.5 + 3 * r();
    for (let j = 0; j < k; j++) {
      const u = r();
      (cols[`o${j}`] as Float64Array)[i] = u < 0.04 ? Number.NaN : u < 0.3 + 0.05 * j ? 1 : 0;
    }
  });
  return fromColumns(cols);
}

function question(k: number) {
  return {
    id: 'q',
    question: { en: 'Which?' },
    options: Array.from({ length: k }, (_, j) => ({
      variable: `o${j}`,
      key: `k${j}`,
      label: { en: `Option ${j}` },
    })),
  };
}

/** What svyMultipleResponse computed before: svyMean of each derived column, jointCovariance. */
function reference(design: SurveyDesign, k: number, partial: 'exclude' | 'notNamed') {
  const data = design.data;
  const cols = Array.from({ length: k }, (_, j) => {
    const c = data.columns[`o${j}`]!;
    if (c.kind !== 'numeric') throw new Error('numeric');
    return c.values;
  });
  const derived: Record<string, Float64Array> = {};
  cols.forEach((y, j) => {
    const out = new Float64Array(data.nrow).fill(Number.NaN);
    for (let i = 0; i < data.nrow; i++) {
      if (design.domain !== null && !design.domain[i]) continue;
      let present = 0;
      for (const col of cols) if (!Number.isNaN(col[i]!)) present++;
      if (present === k || (present > 0 && partial === 'notNamed'))
        out[i] = Number.isNaN(y[i]!) ? 0 : y[i]!;
    }
    derived[`d${j}`] = out;
  });
  const d = withColumns(design, derived);
  const rows = cols.map((_, j) =>
    derivedMean(
      d,
      `d${j}`,
      { level: 0.95, df: Number.POSITIVE_INFINITY },
      { variable: 'x', statistic: 'proportion' },
    ),
  );
  return { rows, covariance: jointCovariance(rows) };
}

function expectSame(design: SurveyDesign, k: number, partial: 'exclude' | 'notNamed' = 'exclude') {
  const r = svyMultipleResponse(design, question(k), { df: Number.POSITIVE_INFINITY, partial });
  const ref = reference(design, k, partial);
  r.options.forEach((o, j) => {
    const e = ref.rows[j]!;
    expect(o.estimate).toBe(e.estimate);
    expect(Math.abs(o.se - e.se)).toBeLessThanOrEqual(1e-13 * e.se);
    expect([o.n, o.nMissing]).toEqual([e.n, e.nMissing]);
  });
  for (let e = 0; e < k * k; e++) {
    const a = r.covariance[e]!;
    const b = ref.covariance[e]!;
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-13 * Math.abs(ref.covariance[0]!) + 1e-300);
  }
  // the options combine with other estimates on the design as before
  const both = jointCovariance([r.options[0]!, ref.rows[k - 1]!]);
  expect(Math.abs(both[1]! - ref.covariance[k - 1]!)).toBeLessThanOrEqual(
    1e-12 * Math.abs(ref.covariance[0]!),
  );
  return r;
}

const stratified: DesignSpec = { ids: 'psu', strata: 'stratum', weights: 'w' };
const twoStage: DesignSpec = {
  ids: ['psu', 'ssu'],
  strata: 'stratum',
  weights: 'w',
  fpc: ['fpc1', 'fpc2'],
};

describe('svyMultipleResponse column by column equals svyMean of derived columns', () => {
  for (const shuffle of [false, true]) {
    for (const k of [1, 3, 4, 6, 7, 11]) {
      it(`k = ${k}, rows ${shuffle ? 'shuffled' : 'sorted by PSU'}`, () => {
        const data = poll(k, shuffle);
        expectSame(svyDesign(data, stratified), k);
        expectSame(svyDesign(data, stratified), k, 'notNamed');
        expectSame(svyDesign(data, { weights: 'w' }), k);
        expectSame(svyDesign(data, twoStage), k);
        expectSame(
          subset(svyDesign(data, stratified), (row) => row.stratum !== 's2' && row.ssu !== 7),
          k,
        );
        expectSame(
          subset(svyDesign(data, twoStage), (row) => (row.ssu as number) % 3 !== 0),
          k,
          'notNamed',
        );
        // a lonely PSU: the variance then asks which PSUs have a base row (marked by the pass)
        // and reads the base's mask
        const lonely = svyDesign(data, { ...stratified, ids: 'psu1', lonelyPsu: 'adjust' });
        expectSame(lonely, k);
        expectSame(
          subset(lonely, (row) => row.stratum !== 's3'),
          k,
          'notNamed',
        );
      });
    }
  }

  it('calibrated and negative-weight designs (the derived-column path) agree too', () => {
    const data = poll(3, true);
    const d = svyDesign(data, stratified);
    expectSame(
      postStratify(d, {
        variables: ['stratum'],
        population: [50, 60, 70, 80, 90, 100].map((count, h) => ({ stratum: `s${h}`, count })),
      }),
      3,
    );
    // svyDesign refuses negative weights; a design given them directly takes the other path
    const w = d.weights.slice();
    w[5] = -0.5;
    expectSame({ ...d, weights: w }, 3);
  });

  it('an option every respondent names has share exactly 1 and SE 0; nobody: 0 and 0', () => {
    const n = 200;
    const data = fromColumns({
      a: new Float64Array(n).fill(1),
      b: new Float64Array(n),
      psu: Float64Array.from({ length: n }, (_, i) => Math.floor(i / 10)),
      w: Float64Array.from({ length: n }, (_, i) => 0.1 + (i % 7) * 0.37),
    });
    const q = {
      id: 'q',
      question: { en: 'Which?' },
      options: [
        { variable: 'a', key: 'a', label: { en: 'A' } },
        { variable: 'b', key: 'b', label: { en: 'B' } },
      ],
    };
    const r = svyMultipleResponse(svyDesign(data, { ids: 'psu', weights: 'w' }), q);
    expect(r.options.map((o) => [o.estimate, o.se])).toEqual([
      [1, 0],
      [0, 0],
    ]);
    expect(Array.from(r.covariance)).toEqual([0, 0, 0, 0]);
  });

  it('NOT_BINARY names a value other than 0/1 whichever pass of options checks it', () => {
    // 11 options: checked six, four and one at a time
    for (const [option, value] of [
      [2, 2],
      [5, 0.5],
      [8, Number.POSITIVE_INFINITY],
      [10, -1],
    ] as const) {
      const data = poll(11, false);
      (data.columns[`o${option}`] as { values: Float64Array }).values[37] = value;
      for (let j = 0; j < 11; j++)
        (data.columns[`o${j}`] as { values: Float64Array }).values[37] ||= 0;
      expect(() => svyMultipleResponse(svyDesign(data, stratified), question(11))).toThrow(
        new RegExp(`"o${option}" is ${value} at row 38`),
      );
    }
  });

  it('a value other than 0/1 outside the base is no error; inside it is NOT_BINARY at its row', () => {
    const data = fromColumns({ a: [1, 7, 0, 1], b: [0, NaN, 1, 2], g: ['x', 'x', 'x', 'y'] });
    const q = {
      id: 'q',
      question: { en: 'Which?' },
      options: [
        { variable: 'a', key: 'a', label: { en: 'A' } },
        { variable: 'b', key: 'b', label: { en: 'B' } },
      ],
    };
    const r = svyMultipleResponse(
      subset(svyDesign(data), (row) => row.g === 'x'),
      q,
    );
    expect(r.n).toBe(2);
    expect(() => svyMultipleResponse(svyDesign(data), q)).toThrow(/"b" is 2 at row 4/);
    expect(() => svyMultipleResponse(svyDesign(data), q, { partial: 'notNamed' })).toThrow(
      /"a" is 7 at row 2/,
    );
  });
});
