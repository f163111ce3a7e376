/**
 * mutate(): derived variables on the same design, against R's update() then svymean/svytotal
 * (test/reference/mutate.json: a linearization design, after post-stratification, raking and
 * linear calibration, JK1 replicates raw and raked, and domains) to 1e-8; and what it keeps,
 * checks and refuses.
 */
import { describe, expect, it } from 'vitest';
import { column, fromColumns } from '../../src/data/frame.js';
import type { SurveyData } from '../../src/data/types.js';
import { svyDesign } from '../../src/design/build.js';
import { type MutateDef, mutate } from '../../src/design/mutate.js';
import { asRepDesign, svyRepDesign } from '../../src/design/replicate.js';
import type { Row } from '../../src/design/row.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import type { Margin } from '../../src/design/weighting-history.js';
import { DesignError } from '../../src/errors.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { weightingReport } from '../../src/weighting/report.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { expectClose, loadReferenceData, loadReferenceJson } from '../helpers/reference.js';

interface MutateCase {
  design: string;
  variable: string;
  statistic: 'mean' | 'total';
  naRm: boolean;
  levels: string[] | null;
  estimate: number[];
  se: number[];
}

const ref = loadReferenceJson<{ margins: Margin[]; cases: MutateCase[] }>('mutate.json');

/** Runs `f`, expects a DesignError with `code`, and returns it. */
function designError(f: () => unknown, code: string): DesignError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DesignError);
    expect((e as DesignError).code).toBe(code);
    return e as DesignError;
  }
  throw new Error(`expected DesignError ${code}, nothing was thrown`);
}

describe('mutate against R (update() then svymean / svytotal)', () => {
  const data = loadReferenceData('apiclus1.csv');
  const dclus1 = svyDesign(data, { ids: 'dnum', weights: 'pw', fpc: 'fpc' });
  const margins = ref.margins;
  const raked = rake(dclus1, margins);
  const stypeMargin = margins.find((m) => m.variable === 'stype')!;
  const cells = Object.entries(stypeMargin.population).map(([stype, count]) => ({ stype, count }));
  const jk1 = asRepDesign(dclus1, { type: 'JK1' });
  const jk1Raked = rake(jk1, margins);
  const designs: Record<string, SurveyDesign> = {
    dclus1,
    raked,
    poststrat: postStratify(dclus1, { variables: ['stype'], population: cells }),
    calibrated: calibrate(dclus1, { margins, calfun: 'linear' }),
    jk1,
    jk1_raked: jk1Raked,
    dclus1_E: subset(dclus1, (r) => r.stype === 'E'),
    raked_E: subset(raked, (r) => r.stype === 'E'),
    jk1_raked_yes: subset(jk1Raked, (r) => r['sch.wide'] === 'Yes'),
  };

  // The same variables as test/reference/mutate.R's derive(), in every form mutate takes.
  const enroll = column(data, 'enroll') as Float64Array;
  const defs: Record<string, MutateDef> = {
    hi: (r) => (r.api00 as number) > 700,
    gain: (r) => (r.api00 as number) - (r.api99 as number),
    small: (r) => (r['acs.k3'] === null ? null : (r['acs.k3'] as number) <= 20 ? 1 : 0),
    band: {
      compute: (r) => {
        const a = r.api00 as number;
        return a >= 750 ? 'high' : a >= 650 ? 'mid' : 'low';
      },
      levels: ['high', 'mid', 'low', 'none'],
    },
    kenroll: { values: enroll.map((v) => v / 1000) },
    size: { values: Array.from(enroll, (v) => (v > 500 ? 'large' : 'small')) },
  };

  const derived = new Map<string, SurveyDesign>();
  for (const c of ref.cases) {
    it(`${c.design}: ${c.statistic} of ${c.variable}`, () => {
      let d = derived.get(c.design);
      if (!d) {
        d = mutate(designs[c.design]!, defs);
        derived.set(c.design, d);
      }
      const rows = (c.statistic === 'mean' ? svyMean : svyTotal)(d, c.variable);
      expect(rows.map((r) => r.level ?? null)).toEqual(c.levels ?? [null]);
      rows.forEach((r, k) => {
        const what = `${c.design} ${c.statistic}(${c.variable})[${k}]`;
        expectClose(r.estimate, c.estimate[k]!, 1e-8, `${what} estimate`);
        // a level no respondent has: R gives SE 0
        if (c.se[k] === 0) expect(Math.abs(r.se), `${what} se`).toBeLessThan(1e-12);
        else expectClose(r.se, c.se[k]!, 1e-8, `${what} se`);
      });
    });
  }

  it('covers every design of the R script, weighted and in domains', () => {
    expect(new Set(ref.cases.map((c) => c.design))).toEqual(new Set(Object.keys(designs)));
    expect(ref.cases.some((c) => c.naRm)).toBe(true);
  });
});

describe('mutate keeps the design', () => {
  const data = fromColumns({
    y: [1, 2, 3, 4, 5, 6],
    g: ['a', 'b', 'a', 'b', 'a', 'b'],
    s: ['s1', 's1', 's1', 's2', 's2', 's2'],
    w: [1, 2, 3, 1, 2, 3],
  });
  const base = svyDesign(data, { strata: 's', weights: 'w' });

  it('the same weights, stages, domain and weighting history; the input untouched', () => {
    const raked = rake(
      subset(base, (r) => r.y !== 6),
      [{ variable: 'g', population: { a: 10, b: 10 } }],
    );
    const d = mutate(raked, { z: (r) => (r.y as number) * 2 });
    expect(d.weights).toBe(raked.weights);
    expect(d.stages).toBe(raked.stages);
    expect(d.domain).toBe(raked.domain);
    expect(d.calibration).toBe(raked.calibration);
    expect(d.type).toBe('linearization');
    expect(raked.data.names).toEqual(['y', 'g', 's', 'w']);
    expect('z' in raked.data.columns).toBe(false);
    expect(d.data.names).toEqual(['y', 'g', 's', 'w', 'z']);
    // values for every row of the full design, in the domain or not
    expect(Array.from(column(d.data, 'z') as Float64Array)).toEqual([2, 4, 6, 8, 10, 12]);
    // and the estimate is the estimate of a column that was there from the start
    const again = rake(
      subset(
        svyDesign(fromColumns({ ...columnsOf(data), z: [2, 4, 6, 8, 10, 12] }), {
          strata: 's',
          weights: 'w',
        }),
        (r) => r.y !== 6,
      ),
      [{ variable: 'g', population: { a: 10, b: 10 } }],
    );
    expect(svyMean(d, 'z')).toEqual(svyMean(again, 'z'));
    expect(svyTotal(d, 'z')).toEqual(svyTotal(again, 'z'));
  });

  it('on a replicate design: the same replicates, scale and domain', () => {
    const rep = svyRepDesign(
      fromColumns({
        y: [1, 2, 3, 4],
        w: [2, 2, 2, 2],
        r1: [0, 4, 2, 2],
        r2: [4, 0, 2, 2],
        r3: [2, 2, 0, 4],
        r4: [2, 2, 4, 0],
      }),
      { weights: 'w', repweights: /^r\d$/, type: 'JKn', rscales: 0.5 },
    );
    const d = mutate(
      subset(rep, (r) => (r.y as number) > 1),
      { top: (r) => r.y === 4 },
    );
    expect(d.replicates).toBe(rep.replicates);
    expect([d.scale, d.rscales, d.df]).toEqual([rep.scale, rep.rscales, rep.df]);
    const [m] = svyMean(d, 'top');
    expect(m!.estimate).toBeCloseTo(1 / 3, 14);
    expect(m!.n).toBe(3);
  });

  it('calls a row function once per row, with the row and its index', () => {
    const seen: Array<[number, unknown, unknown]> = [];
    mutate(base, {
      z: (r, i) => {
        seen.push([i, r.y, r.g]);
        return 0;
      },
    });
    expect(seen).toEqual([
      [0, 1, 'a'],
      [1, 2, 'b'],
      [2, 3, 'a'],
      [3, 4, 'b'],
      [4, 5, 'a'],
      [5, 6, 'b'],
    ]);
  });

  it('weightingReport still compares the design before weighting with a mutated one after it', () => {
    const margins = [{ variable: 'g', population: { a: 10, b: 10 } }];
    const after = mutate(rake(base, margins), { z: (r) => r.y });
    const report = weightingReport(base, after, margins);
    expect(report.margins[0]!.levels.map((l) => l.weightedShareAfter)).toEqual([0.5, 0.5]);
  });
});

describe('mutate makes numeric and categorical variables', () => {
  const data = fromColumns({
    age: [23, 67, null, 45, 71],
    q: ['Agree', 'Disagree', 'Neutral', null, 'Agree'],
  });
  const d = svyDesign(data);

  it('numbers, booleans (1 / 0), null and NaN (missing)', () => {
    const m = mutate(d, {
      older: (r) => (r.age === null ? null : (r.age as number) >= 60),
      half: (r) => (r.age === null ? Number.NaN : (r.age as number) / 2),
    });
    expect(Array.from(column(m.data, 'older') as Float64Array)).toEqual([0, 1, NaN, 0, 1]);
    expect(Array.from(column(m.data, 'half') as Float64Array)).toEqual([
      11.5,
      33.5,
      NaN,
      22.5,
      35.5,
    ]);
    const [share] = svyMean(m, 'older');
    expect([share!.estimate, share!.n, share!.nMissing]).toEqual([0.5, 4, 1]);
  });

  it('texts: sorted levels by default (as the CSV loader and R factor()), or the levels given', () => {
    const m = mutate(d, {
      sorted: (r) => r.q,
      scale: { compute: (r) => r.q, levels: ['Agree', 'Neutral', 'Disagree', 'Not asked'] },
      blankIsMissing: (r) => (r.q === 'Neutral' ? '' : r.q),
      codes: (r) => (r.age === null ? null : String(Math.floor((r.age as number) / 10) * 10)),
    });
    const col = (name: string) => m.data.columns[name]!;
    expect(col('sorted')).toMatchObject({
      kind: 'categorical',
      levels: ['Agree', 'Disagree', 'Neutral'],
    });
    expect(column(m.data, 'sorted')).toEqual(['Agree', 'Disagree', 'Neutral', null, 'Agree']);
    expect(col('scale')).toMatchObject({
      levels: ['Agree', 'Neutral', 'Disagree', 'Not asked'],
      codes: Int32Array.of(0, 2, 1, -1, 0),
    });
    expect(column(m.data, 'blankIsMissing')).toEqual(['Agree', 'Disagree', null, null, 'Agree']);
    // numbers as texts sort numerically
    expect(col('codes')).toMatchObject({ levels: ['20', '40', '60', '70'] });
    const shares = svyMean(m, 'scale');
    expect(shares.map((r) => [r.level, r.estimate])).toEqual([
      ['Agree', 0.5],
      ['Neutral', 0.25],
      ['Disagree', 0.25],
      ['Not asked', 0],
    ]);
  });

  it('whole columns: typed arrays and arrays of numbers or texts, copied', () => {
    const z = Float64Array.of(1, 2, 3, 4, 5);
    const m = mutate(d, {
      z: { values: z },
      i: { values: Int32Array.of(5, 4, 3, 2, 1) },
      n: { values: [1, null, 3, Number.NaN, 5] },
      t: { values: ['x', null, 'y', '', 'x'], levels: ['y', 'x'] },
    });
    z[0] = 99;
    expect(Array.from(column(m.data, 'z') as Float64Array)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(column(m.data, 'i') as Float64Array)).toEqual([5, 4, 3, 2, 1]);
    expect(Array.from(column(m.data, 'n') as Float64Array)).toEqual([1, NaN, 3, NaN, 5]);
    expect(m.data.columns.t).toMatchObject({
      codes: Int32Array.of(1, -1, 0, -1, 1),
      levels: ['y', 'x'],
    });
  });

  it('names like Object properties are variables like any other', () => {
    const m = mutate(d, { toString: () => 1, constructor: (r: Row) => r.q });
    expect(m.data.names).toEqual(['age', 'q', 'toString', 'constructor']);
    expect(m.data.columns.constructor).toMatchObject({ kind: 'categorical' });
  });

  it('all missing: numeric NaN, or categorical with the levels given', () => {
    const m = mutate(d, { none: () => null, scale: { compute: () => null, levels: ['a', 'b'] } });
    expect(m.data.columns.none).toMatchObject({ kind: 'numeric' });
    expect(m.data.columns.scale).toMatchObject({ kind: 'categorical', levels: ['a', 'b'] });
    expect(column(m.data, 'scale')).toEqual([null, null, null, null, null]);
  });

  it('definitions see the variables made before them; a replaced column loses its codebook entry', () => {
    const withBook: SurveyData = {
      ...data,
      codebook: {
        variables: [
          { name: 'q', type: 'categorical', label: 'Do you agree?' },
          { name: 'age', type: 'numeric', label: 'Age' },
        ],
      },
    };
    const m = mutate(svyDesign(withBook), {
      decade: (r) => (r.age === null ? null : Math.floor((r.age as number) / 10)),
      old: (r) => (r.decade === null ? null : (r.decade as number) >= 6),
      q: (r) => (r.q === null ? null : r.q === 'Agree' ? 'yes' : 'no'),
    });
    expect(Array.from(column(m.data, 'old') as Float64Array)).toEqual([0, 1, NaN, 0, 1]);
    expect(m.data.names).toEqual(['age', 'q', 'decade', 'old']);
    expect(column(m.data, 'q')).toEqual(['yes', 'no', 'no', null, 'yes']);
    expect(m.data.codebook.variables.map((v) => v.name)).toEqual(['age']);
    expect(withBook.codebook.variables).toHaveLength(2);
  });
});

describe('mutate refuses bad definitions with typed errors', () => {
  const data = fromColumns({
    y: [1, 2, 3, 4],
    g: ['a', 'b', 'a', 'b'],
    s: ['s1', 's1', 's2', 's2'],
    w: [1, 2, 1, 2],
    x: [1, 2, 3, 5],
  });
  const d = svyDesign(data, { strata: 's', weights: 'w' });

  it('MIXED_COLUMN names the variable and the row, and the first row of the other kind', () => {
    const e = designError(
      () => mutate(d, { z: (r) => ((r.y as number) < 3 ? (r.y as number) : 'many') }),
      'MIXED_COLUMN',
    );
    expect(e.details).toMatchObject({ variable: 'z', row: 3, value: 'many', firstRow: 1 });
    expect(e.message).toContain('"z", row 3');
    designError(() => mutate(d, { z: { values: ['a', 1, 'b', 'c'] as string[] } }), 'MIXED_COLUMN');
  });

  it('BAD_VALUE for undefined, objects, and numbers where levels are given', () => {
    const e = designError(
      () => mutate(d, { z: (r) => (r.y === 2 ? (undefined as unknown as null) : 1) }),
      'BAD_VALUE',
    );
    expect(e.details).toMatchObject({ variable: 'z', row: 2, value: 'undefined' });
    designError(() => mutate(d, { z: () => ({}) as unknown as null }), 'BAD_VALUE');
    designError(() => mutate(d, { z: { compute: (r) => r.y, levels: ['1'] } }), 'BAD_VALUE');
  });

  it('UNKNOWN_LEVEL for a text outside the levels given', () => {
    const e = designError(
      () => mutate(d, { z: { compute: (r) => r.g, levels: ['a'] } }),
      'UNKNOWN_LEVEL',
    );
    expect(e.details).toMatchObject({ variable: 'z', row: 2, value: 'b', levels: ['a'] });
    designError(
      () => mutate(d, { z: { values: ['a', 'b', 'c', 'a'], levels: ['a', 'b'] } }),
      'UNKNOWN_LEVEL',
    );
  });

  it('LENGTH_MISMATCH for values not one per row (a domain still has every row)', () => {
    const e = designError(
      () =>
        mutate(
          subset(d, (r) => r.g === 'a'),
          { z: { values: [1, 2] } },
        ),
      'LENGTH_MISMATCH',
    );
    expect(e.details).toMatchObject({ variable: 'z', value: 2, expected: 4 });
  });

  it('BAD_OPTION for definitions of no known form and bad levels', () => {
    for (const def of [
      42,
      null,
      {},
      { values: [1, 2, 3, 4], compute: () => 1 },
      { values: 'abcd' },
      { values: Float64Array.of(1, 2, 3, 4), levels: ['a'] },
      { compute: (r: { g: unknown }) => r.g, levels: ['a', 'a', 'b'] },
      { compute: (r: { g: unknown }) => r.g, levels: ['a', '', 'b'] },
      { compute: (r: { g: unknown }) => r.g, levels: 'ab' },
    ]) {
      designError(() => mutate(d, { z: def as unknown as MutateDef }), 'BAD_OPTION');
    }
    designError(() => mutate(d, { '': () => 1 }), 'BAD_OPTION');
    designError(() => mutate(d, null as unknown as Record<string, MutateDef>), 'BAD_OPTION');
  });

  it('DESIGN_VARIABLE for a column the design is built or weighted on', () => {
    for (const name of ['s', 'w']) {
      const e = designError(() => mutate(d, { [name]: () => 1 }), 'DESIGN_VARIABLE');
      expect(e.details.variable).toBe(name);
    }
    const clustered = svyDesign(data, { ids: 's', probs: 'x' });
    designError(() => mutate(clustered, { s: () => 1 }), 'DESIGN_VARIABLE');
    designError(() => mutate(clustered, { x: () => 1 }), 'DESIGN_VARIABLE');
    const margins = [{ variable: 'g', population: { a: 10, b: 10 } }];
    const byVariable = {
      rake: rake(d, margins),
      postStratify: postStratify(d, {
        variables: ['g'],
        population: [
          { g: 'a', count: 10 },
          { g: 'b', count: 10 },
        ],
      }),
      calibrate: calibrate(d, {
        margins,
        totals: [{ variable: 'x', total: 50 }],
        calfun: 'linear',
      }),
      trimmedAfterRake: trimWeights(rake(d, margins), { upper: 100 }),
    };
    for (const [how, w] of Object.entries(byVariable)) {
      const e = designError(() => mutate(w, { g: () => 'a' }), 'DESIGN_VARIABLE');
      expect(e.details.role, how).toMatch(/post-stratification|raking|calibration/);
    }
    designError(() => mutate(byVariable.calibrate, { x: () => 1 }), 'DESIGN_VARIABLE');
    // the other columns can be replaced
    const y2 = mutate(byVariable.rake, { y: (r) => (r.y as number) * 2 });
    expect(Array.from(column(y2.data, 'y') as Float64Array)).toEqual([2, 4, 6, 8]);
  });
});

describe('mutate on many respondents', () => {
  it('a row function and whole columns over 200,000 rows give the values of a plain loop', () => {
    const n = 200_000;
    const age = new Float64Array(n);
    const region: string[] = [];
    for (let i = 0; i < n; i++) {
      age[i] = 18 + ((i * 7919) % 70);
      region.push(['North', 'South', 'East', 'West'][i % 4]!);
    }
    const d = svyDesign(fromColumns({ age, region }));
    let calls = 0;
    const m = mutate(d, {
      band: {
        compute: (r) => {
          calls++;
          return (r.age as number) >= 60 ? '60+' : (r.age as number) >= 40 ? '40-59' : '18-39';
        },
        levels: ['18-39', '40-59', '60+'],
      },
      old: { values: age.map((a) => (a >= 60 ? 1 : 0)) },
    });
    expect(calls).toBe(n);
    const band = m.data.columns.band!;
    expect(band.kind).toBe('categorical');
    let mismatches = 0;
    for (let i = 0; i < n; i++) {
      const want = age[i]! >= 60 ? 2 : age[i]! >= 40 ? 1 : 0;
      if (band.kind === 'categorical' && band.codes[i] !== want) mismatches++;
    }
    expect(mismatches).toBe(0);
    const [share60] = svyMean(m, 'old');
    expect(svyMean(m, 'band')[2]!.estimate).toBeCloseTo(share60!.estimate, 12);
  });
});

/** The columns of a frame as fromColumns input. */
function columnsOf(data: SurveyData): Record<string, Float64Array | (string | null)[]> {
  return Object.fromEntries(data.names.map((n) => [n, column(data, n)]));
}
