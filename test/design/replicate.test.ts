import { describe, expect, it } from 'vitest';
import { column, fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import {
  asRepDesign,
  replicateDegf,
  replicateWeightMatrixRank,
  svyRepDesign,
} from '../../src/design/replicate.js';
import type { ReplicateDesign } from '../../src/design/replicate-types.js';
import type { LinearizationDesign, LonelyPsu } from '../../src/design/types.js';
import { DesignError } from '../../src/errors.js';
import { svyMean } from '../../src/estimate/mean.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceData, loadReferenceJson } from '../helpers/reference.js';
import { buildReplicateCase, type ReplicateCaseSpec } from '../helpers/replicate.js';

interface RefCase extends ReplicateCaseSpec {
  result: {
    type: string;
    nReplicates: number;
    scale: number;
    rscales: number[];
    rho: number | null;
    degf: number;
    warnings: string[];
  };
  weights: {
    colSums: number[];
    colSumsSq: number[];
    colSumsRow: number[];
    factors: number[][] | null;
    index: number[] | null;
  };
}

interface RefFile {
  designs: Record<string, ReferenceDesign>;
  cases: RefCase[];
  bootstrap: { scale: number; degf: number; api00: { se: number[] }; linearizationSE: number[] };
  errors: Record<string, string>;
}

const ref = loadReferenceJson<RefFile>('replicate.json');

function linearization(name: string, lonelyPsu?: LonelyPsu): LinearizationDesign {
  return buildReferenceDesign(ref.designs[name]!, lonelyPsu) as LinearizationDesign;
}

/** The surveykit design for a reference case, built as R built it. */
function build(c: RefCase): ReplicateDesign {
  return buildReplicateCase(ref.designs, c);
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DesignError);
    return (e as DesignError).code;
  }
  throw new Error('expected a DesignError');
}

describe('replicate designs are built as R builds them', () => {
  for (const c of ref.cases) {
    it(`${c.id}: ${c.rcall}`, () => {
      const d = build(c);
      const r = c.result;
      expect(d.type).toBe('replicate');
      expect(d.repType).toBe(r.type);
      expect(d.replicates).toHaveLength(r.nReplicates);
      expectClose(d.scale, r.scale, 1e-13, 'scale');
      expect(d.rscales).toHaveLength(r.nReplicates);
      r.rscales.forEach((x, k) => {
        expectClose(d.rscales[k]!, x, 1e-13, `rscales[${k}]`);
      });
      if (r.type === 'Fay') expect(d.rho).toBe(r.rho);
      else expect(d.rho).toBeUndefined();
      expect(d.df, 'degf').toBe(r.degf);
      expect(d.warnings).toEqual(r.warnings);
      expect(d.mse).toBe(false);

      // Combined weights: per-replicate sums, sums of squares and row-weighted sums.
      d.replicates.forEach((w, k) => {
        let s = 0;
        let sq = 0;
        let row = 0;
        for (let i = 0; i < w.length; i++) {
          s += w[i]!;
          sq += w[i]! * w[i]!;
          row += (i + 1) * w[i]!;
        }
        expectClose(s, c.weights.colSums[k]!, 1e-12, `colSums[${k}]`);
        expectClose(sq, c.weights.colSumsSq[k]!, 1e-12, `colSumsSq[${k}]`);
        expectClose(row, c.weights.colSumsRow[k]!, 1e-12, `colSumsRow[${k}]`);
      });
      // And, for the small designs, every weight: pweight × R's factor of the row's PSU.
      const { factors, index } = c.weights;
      if (factors && index) {
        for (let k = 0; k < d.replicates.length; k++) {
          const w = d.replicates[k]!;
          for (let i = 0; i < w.length; i++) {
            const expected = d.weights[i]! * factors[index[i]! - 1]![k]!;
            if (expected === 0) expect(w[i]).toBe(0);
            else expectClose(w[i]!, expected, 1e-13, `replicate ${k + 1} row ${i + 1}`);
          }
        }
      }
    });
  }

  it('keeps the domain of a linearization design and counts degf on it', () => {
    const lin = linearization('dclus1');
    const inE = Uint8Array.from(column(lin.data, 'stype') as string[], (v) => (v === 'E' ? 1 : 0));
    const d = asRepDesign({ ...lin, domain: inE });
    expect(d.domain).toBe(inE);
    expect(d.df).toBe(replicateDegf({ ...asRepDesign(lin), domain: inE }));
  });

  it('records mse and reads regular expressions without their global flag', () => {
    const c = ref.cases.find((x) => x.id === 'cols-JK1')!;
    const data = loadReferenceData(c.data!);
    const d = svyRepDesign(data, {
      weights: 'pw',
      repweights: /jk1_[0-9]+/g,
      type: 'JK1',
      scale: c.args.scale!,
      mse: true,
    });
    expect(d.mse).toBe(true);
    expect(d.replicates).toHaveLength(15);
    const named = svyRepDesign(data, {
      weights: 'pw',
      repweights: ['jk1_1', 'jk1_2', 'jk1_3'],
      type: 'JK1',
      scale: 1,
    });
    expect(named.replicates).toHaveLength(3);
    expect(named.replicates[1]).toBe(column(data, 'jk1_2'));
  });

  it('without weights uses weight 1 and warns as R does', () => {
    const data = fromColumns({ r1: [0, 2, 1, 1], r2: [2, 0, 1, 1], r3: [1, 1, 0, 2] });
    const d = svyRepDesign(data, { repweights: /^r/, type: 'bootstrap' });
    expect(Array.from(d.weights)).toEqual([1, 1, 1, 1]);
    expect(d.warnings).toEqual(['No sampling weights provided: equal probability assumed']);
    expect(d.scale).toBe(0.5);
  });

  it('applies R defaults and warnings for scale, rscales and rho', () => {
    const data = fromColumns({
      w: [10, 10, 10, 10],
      r1: [0, 20, 10, 10],
      r2: [20, 0, 10, 10],
      r3: [10, 10, 0, 20],
      r4: [10, 10, 20, 0],
      f1: [0, 2, 1, 1],
      f2: [2, 0, 1, 1],
      f3: [1, 1, 0, 2],
      f4: [1, 1, 2, 0],
    });
    const reps = /^r\d$/;
    const base = { weights: 'w', repweights: reps };
    const brr = svyRepDesign(data, { ...base, type: 'BRR', scale: 3, rho: 0.5 });
    expect(brr.scale).toBe(1 / 4);
    expect(brr.warnings).toEqual([
      "type='BRR' does not use 'rho=' argument, you may want type='Fay'",
      "type='BRR' does not use 'scale=' argument",
    ]);
    const fay = svyRepDesign(data, { ...base, type: 'Fay', rho: 0.5 });
    expect(fay.scale).toBe(1);
    expect(fay.rho).toBe(0.5);
    expect(svyRepDesign(data, { ...base, type: 'Fay', rho: 0.5, scale: 2 }).warnings).toHaveLength(
      1,
    );
    const sdr = svyRepDesign(data, { ...base, type: 'successive-difference', scale: 9, rho: 0.1 });
    expect(sdr.scale).toBe(1);
    expect(sdr.warnings).toEqual([
      'rho not relevant to JK1 design: ignored.',
      'with type successive-difference scale= and rscales= are not needed and will be ignored',
    ]);
    expect(svyRepDesign(data, { ...base, type: 'ACS' }).scale).toBe(1);
    const other = svyRepDesign(data, { ...base, type: 'other', scale: 2 });
    expect(other.scale).toBe(2);
    expect(Array.from(other.rscales)).toEqual([1, 1, 1, 1]);
    expect(other.warnings).toEqual(['scale or rscales not specified, set to 1']);
    expect(svyRepDesign(data, { ...base, type: 'other', scale: 2, rscales: 0.5 }).warnings).toEqual(
      [],
    );
    const boot = svyRepDesign(data, { ...base, type: 'bootstrap' });
    expect(boot.scale).toBeCloseTo(1 / 3, 15);
    const jk1 = svyRepDesign(data, { ...base, type: 'JK1' });
    expect(jk1.scale).toBe(3 / 4);
    // Factors instead of combined weights: multiplied by the weights; R guesses from the factors.
    const factors = { weights: 'w', repweights: /^f\d$/, combinedWeights: false };
    const jk1f = svyRepDesign(data, { ...factors, type: 'JK1' });
    expect(jk1f.scale).toBe(1 / 2);
    expect(jk1f.warnings).toEqual(['scale (n-1)/n not provided: guessing from weights']);
    expect(Array.from(jk1f.replicates[0]!)).toEqual([0, 20, 10, 10]);
    const jknf = svyRepDesign(data, { ...factors, type: 'JKn' });
    expect(Array.from(jknf.rscales)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(jknf.warnings).toEqual(['rscales (n-1)/n not provided:guessing from weights']);
    // R's plausibility checks on combined weights.
    expect(
      svyRepDesign(data, { ...factors, combinedWeights: true, type: 'JK1', scale: 1 }).warnings[0],
    ).toMatch(/^Data do not look like combined weights/);
    expect(
      svyRepDesign(data, { ...base, combinedWeights: false, type: 'JK1', scale: 1 }).warnings[0],
    ).toMatch(/^Data look like combined weights/);
  });
});

describe('svyRepDesign errors', () => {
  const data = fromColumns({
    w: [1, 2, 3],
    z: [1, 0, 3],
    r1: [1, 2, 3],
    r2: [2, 2, 2],
    g: ['a', 'b', 'a'],
    na: [1, Number.NaN, 2],
    inf: [1, Number.POSITIVE_INFINITY, 2],
    neg: [1, -1, 2],
  });
  const ok = { weights: 'w', repweights: ['r1', 'r2'], type: 'JK1' as const, scale: 0.5 };
  it('names unknown columns, missing replicates and bad counts', () => {
    expect(code(() => svyRepDesign(fromColumns({}), ok))).toBe('EMPTY_DATA');
    expect(code(() => svyRepDesign(data, { ...ok, type: 'JK3' as 'JK1' }))).toBe('BAD_OPTION');
    expect(code(() => svyRepDesign(data, { ...ok, weights: 'nope' }))).toBe('UNKNOWN_COLUMN');
    expect(code(() => svyRepDesign(data, { ...ok, repweights: ['r1', 'nope'] }))).toBe(
      'UNKNOWN_COLUMN',
    );
    expect(code(() => svyRepDesign(data, { ...ok, repweights: /^rep/ }))).toBe('NO_REPLICATES');
    expect(code(() => svyRepDesign(data, { ...ok, repweights: [] }))).toBe('NO_REPLICATES');
    expect(code(() => svyRepDesign(data, { ...ok, repweights: ['r1'] }))).toBe('REPLICATE_COUNT');
    expect(code(() => svyRepDesign(data, { ...ok, type: 'JKn', rscales: [1, 2, 3] }))).toBe(
      'REPLICATE_COUNT',
    );
    expect(code(() => svyRepDesign(data, { ...ok, type: 'JKn' }))).toBe('MISSING_RSCALES');
    expect(code(() => svyRepDesign(data, { ...ok, type: 'JKn', rscales: [1, -1] }))).toBe(
      'BAD_OPTION',
    );
    expect(code(() => svyRepDesign(data, { ...ok, scale: 0 }))).toBe('BAD_OPTION');
    expect(code(() => svyRepDesign(data, { ...ok, scale: Number.NaN }))).toBe('BAD_OPTION');
  });
  it("checks Fay's rho", () => {
    expect(code(() => svyRepDesign(data, { ...ok, type: 'Fay' }))).toBe('BAD_RHO');
    expect(code(() => svyRepDesign(data, { ...ok, type: 'Fay', rho: 0 }))).toBe('BAD_RHO');
    expect(code(() => svyRepDesign(data, { ...ok, type: 'Fay', rho: 1 }))).toBe('BAD_RHO');
    expect(code(() => svyRepDesign(data, { ...ok, type: 'Fay', rho: Number.NaN }))).toBe('BAD_RHO');
  });
  it('checks every weight, naming the column, row and value', () => {
    const cases: Array<[string, string, number, unknown]> = [
      ['g', 'NON_NUMERIC_WEIGHT', 1, 'a'],
      ['na', 'MISSING_WEIGHT', 2, Number.NaN],
      ['inf', 'NON_FINITE_WEIGHT', 2, Number.POSITIVE_INFINITY],
      ['neg', 'NEGATIVE_WEIGHT', 2, -1],
    ];
    for (const [column, expected, row, value] of cases) {
      for (const spec of [
        { ...ok, repweights: ['r1', column] },
        { ...ok, weights: column },
      ]) {
        try {
          svyRepDesign(data, spec);
          expect.fail(`${column} should fail`);
        } catch (e) {
          expect(e).toBeInstanceOf(DesignError);
          const err = e as DesignError;
          expect(err.code).toBe(expected);
          expect(err.details.column).toBe(column);
          expect(err.details.row).toBe(row);
          expect(err.details.value).toEqual(value);
          expect(err.message).toContain(`"${column}"`);
        }
      }
    }
    // Zero: fine in replicate weights, an error in full-sample weights unless allowed.
    expect(svyRepDesign(data, { ...ok, repweights: ['r1', 'z'] }).replicates).toHaveLength(2);
    expect(code(() => svyRepDesign(data, { ...ok, weights: 'z' }))).toBe('ZERO_WEIGHT');
    expect(svyRepDesign(data, { ...ok, weights: 'z', allowZeroWeights: true }).weights[1]).toBe(0);
  });
});

describe('asRepDesign errors', () => {
  it('refuses replicate types that do not fit the design', () => {
    expect(code(() => asRepDesign(linearization('dstrat'), { type: 'JK1' }))).toBe(
      'BAD_REPLICATE_TYPE',
    );
    expect(ref.errors.jk1Stratified).toBe("Can't use JK1 for a stratified design");
    expect(ref.errors.jknUnstratified).toBe('Must use JK1 or bootstrap for an unstratified design');
    for (const type of ['JKn', 'BRR', 'Fay'] as const) {
      expect(code(() => asRepDesign(linearization('dclus1'), { type }))).toBe('BAD_REPLICATE_TYPE');
    }
    expect(code(() => asRepDesign(linearization('dstrat'), { type: 'JKn', rho: 0.5 }))).toBe(
      'BAD_OPTION',
    );
    expect(code(() => asRepDesign(linearization('dclus1'), { type: 'MRB' as 'JK1' }))).toBe(
      'BAD_OPTION',
    );
    expect(code(() => asRepDesign(linearization('dclus1'), { replicates: 10 }))).toBe('BAD_OPTION');
  });
  it("checks Fay's rho and the bootstrap's options", () => {
    const d = linearization('dscd');
    expect(code(() => asRepDesign(d, { type: 'Fay' }))).toBe('BAD_RHO');
    expect(code(() => asRepDesign(d, { type: 'Fay', rho: 1 }))).toBe('BAD_RHO');
    expect(code(() => asRepDesign(d, { type: 'BRR', rho: 0.3 }))).toBe('BAD_OPTION');
    expect(code(() => asRepDesign(d, { type: 'bootstrap', replicates: 1 }))).toBe('BAD_OPTION');
    expect(code(() => asRepDesign(d, { type: 'bootstrap', replicates: 2.5 }))).toBe('BAD_OPTION');
    expect(code(() => asRepDesign(d, { type: 'bootstrap', seed: Number.NaN }))).toBe('BAD_OPTION');
  });
  it('names a BRR stratum that is not a pair (or an even number of PSUs)', () => {
    // dlonely_no413: the first stratum in R's (name) order without an even number of PSUs.
    try {
      asRepDesign(linearization('dlonely_no413'), { type: 'BRR' });
      expect.fail('BRR should fail');
    } catch (e) {
      const err = e as DesignError;
      expect(err.code).toBe('BRR_STRATUM_SIZE');
      const stage = linearization('dlonely_no413').stages[0]!;
      const bad = stage.stratumNames
        .map((name, s) => ({ name, size: stage.stratumSampled[s]! }))
        .filter((x) => x.size % 2 === 1)
        .sort((a, b) => (a.name < b.name ? -1 : 1))[0]!;
      expect(err.details.stratum).toBe(bad.name);
      expect(err.message).toContain(`stratum "${bad.name}" has ${bad.size} PSUs`);
      expect(err.message).toContain(ref.errors.brrOdd!);
    }
    const data = fromColumns({ y: [1, 2, 3], psu: [1, 2, 3], s: ['b', 'b', 'a'] });
    try {
      asRepDesign(svyDesign(data, { ids: 'psu', strata: 's', lonelyPsu: 'remove' }), {
        type: 'Fay',
        rho: 0.5,
      });
      expect.fail('Fay should fail');
    } catch (e) {
      const err = e as DesignError;
      expect(err.code).toBe('BRR_STRATUM_SIZE');
      expect(err.details.stratum).toBe('a');
      expect(err.message).toContain('Some strata have fewer than 2 PSUs');
    }
  });
  it('fails on a lonely PSU under lonelyPsu "fail", as R', () => {
    const d = linearization('dlonely', 'remove');
    try {
      asRepDesign({ ...d, lonelyPsu: 'fail' }, { type: 'JKn' });
      expect.fail('should fail');
    } catch (e) {
      const err = e as DesignError;
      expect(err.code).toBe('LONELY_PSU');
      expect(err.details.stratum).toBe('413');
      expect(err.message).toContain(ref.errors.lonelyFail!);
    }
  });
  it('refuses a census (every PSU sampled) and a bootstrap with one PSU per stratum', () => {
    const data = fromColumns({
      y: [1, 2, 3, 4],
      psu: [1, 1, 2, 2],
      s: ['a', 'a', 'b', 'b'],
      N: [2, 2, 2, 2],
    });
    expect(
      code(() => asRepDesign(svyDesign(data, { ids: 'psu', fpc: 'N' }), { type: 'JK1' })),
    ).toBe('CENSUS');
    const census = fromColumns({ y: [1, 2, 3, 4], s: ['a', 'a', 'b', 'b'], N: [2, 2, 2, 2] });
    expect(
      code(() => asRepDesign(svyDesign(census, { strata: 's', fpc: 'N' }), { type: 'JKn' })),
    ).toBe('CENSUS');
    const single = svyDesign(data, { ids: 'psu', strata: 's', lonelyPsu: 'remove' });
    expect(code(() => asRepDesign(single, { type: 'bootstrap' }))).toBe('NO_VARIANCE');
  });
});

describe('asRepDesign bootstrap (own random numbers: properties, not R replicates)', () => {
  const dclus1 = linearization('dclus1');
  it('is reproducible with a seed, different with another seed', () => {
    const a = asRepDesign(dclus1, { type: 'bootstrap', seed: 7 });
    const b = asRepDesign(dclus1, { type: 'bootstrap', seed: 7 });
    const c = asRepDesign(dclus1, { type: 'bootstrap', seed: 8 });
    const dflt = asRepDesign(dclus1, { type: 'bootstrap' });
    expect(a.replicates).toEqual(b.replicates);
    expect(a.replicates).not.toEqual(c.replicates);
    expect(dflt.replicates).toEqual(asRepDesign(dclus1, { type: 'bootstrap' }).replicates);
    expect(a.replicates).toHaveLength(50);
    expect(asRepDesign(dclus1, { type: 'bootstrap', replicates: 20 }).replicates).toHaveLength(20);
  });

  it("has R's scale, rscales and degf", () => {
    const d = asRepDesign(dclus1, { type: 'bootstrap' });
    expectClose(d.scale, ref.bootstrap.scale, 1e-13, 'scale'); // 15 / (14 · 49)
    expect(Array.from(d.rscales)).toEqual(new Array(50).fill(1));
    expect(d.df).toBe(ref.bootstrap.degf);
  });

  it('resamples PSUs: weights are the full weights times draw counts, summing near the total', () => {
    for (const name of ['dclus1', 'dclus1_nofpc', 'dstrat', 'dpoll']) {
      const lin = linearization(name);
      const d = asRepDesign(lin, { type: 'bootstrap', replicates: 200, seed: 3 });
      const stage = lin.stages[0]!;
      const total = lin.weights.reduce((s, w) => s + w, 0);
      let mean = 0;
      for (const w of d.replicates) {
        const perPsu = new Float64Array(stage.nClusters).fill(Number.NaN);
        let sum = 0;
        let bad = 0;
        for (let i = 0; i < w.length; i++) {
          const k = Math.round(w[i]! / lin.weights[i]!);
          // Non-negative, the weight times a whole number, the same number for all rows of a PSU.
          if (!(w[i]! >= 0) || Math.abs(w[i]! - k * lin.weights[i]!) > 1e-9 * lin.weights[i]!)
            bad++;
          const c = stage.rowCluster[i]!;
          if (Number.isNaN(perPsu[c]!)) perPsu[c] = k;
          else if (perPsu[c] !== k) bad++;
          sum += w[i]!;
        }
        expect(bad).toBe(0);
        // Each stratum draws as many PSUs as it has.
        const drawn = new Float64Array(stage.nStrata);
        for (let c = 0; c < stage.nClusters; c++) drawn[stage.clusterStratum[c]!]! += perPsu[c]!;
        expect(Array.from(drawn)).toEqual(Array.from(stage.stratumSampled));
        mean += sum / d.replicates.length;
      }
      expect(Math.abs(mean / total - 1), name).toBeLessThan(0.05);
    }
  });

  it('gives an SE close to the linearization SE', () => {
    const lin = svyMean(dclus1, 'api00')[0]!.se;
    expectClose(lin, ref.bootstrap.linearizationSE[0]!, 1e-10, 'linearization SE');
    const d = asRepDesign(dclus1, { type: 'bootstrap', replicates: 500, seed: 11 });
    const y = column(dclus1.data, 'api00') as Float64Array;
    const means = d.replicates.map((w) => {
      let a = 0;
      let b = 0;
      for (let i = 0; i < w.length; i++) {
        a += w[i]! * y[i]!;
        b += w[i]!;
      }
      return a / b;
    });
    const centre = means.reduce((s, m) => s + m, 0) / means.length;
    const se = Math.sqrt(d.scale * means.reduce((s, m) => s + (m - centre) ** 2, 0));
    expect(se / lin).toBeGreaterThan(0.75);
    expect(se / lin).toBeLessThan(1.33);
  });

  it('samples without replacement from the pseudo-population when there is an fpc', () => {
    // 2 PSUs of a population of 2 in each stratum: every replicate is the sample itself.
    const data = fromColumns({
      y: [1, 2, 3, 4],
      psu: [1, 2, 3, 4],
      s: ['a', 'a', 'b', 'b'],
      N: [2, 2, 3, 3],
    });
    const d = asRepDesign(svyDesign(data, { ids: 'psu', strata: 's', fpc: 'N' }), {
      type: 'bootstrap',
      replicates: 30,
    });
    for (const w of d.replicates) expect(Array.from(w.subarray(0, 2))).toEqual([1, 1]);
    // Small sampling fractions: R warns (and still samples from the pseudo-population).
    const big = fromColumns({ y: [1, 2, 3, 4], psu: [1, 2, 3, 4], N: [1000, 1000, 1000, 1000] });
    const b = asRepDesign(svyDesign(big, { ids: 'psu', fpc: 'N' }), { type: 'bootstrap' });
    expect(b.warnings).toEqual(['Sampling fraction <1% in stratum1 treated as zero.']);
  });
});

describe('replicateWeightMatrixRank: R qr(X, tol = 1e-5)$rank', () => {
  const col = (...v: number[]) => Float64Array.from(v);
  it('counts columns greedily, dropping those within tol of the span of earlier ones', () => {
    const a = col(1, 2, 3, 4);
    const b = col(4, 3, 2, 1);
    expect(replicateWeightMatrixRank([a, b, col(5, 5, 5, 5)])).toBe(2);
    expect(replicateWeightMatrixRank([a, b, col(5, 5, 5, 5 + 1e-7)])).toBe(2);
    expect(replicateWeightMatrixRank([a, b, col(5, 5, 5, 5 + 1e-2)])).toBe(3);
    expect(replicateWeightMatrixRank([col(0, 0, 0, 0), a])).toBe(1);
    expect(replicateWeightMatrixRank([])).toBe(0);
    // More columns than rows: at most the number of rows.
    const wide = Array.from({ length: 6 }, (_, k) => col(1, k, k * k));
    expect(replicateWeightMatrixRank(wide)).toBe(3);
    expect(replicateWeightMatrixRank(wide, Uint8Array.of(1, 1, 0))).toBe(2);
    expect(replicateWeightMatrixRank(wide, Uint8Array.of(0, 0, 0))).toBe(0);
  });

  it('is unchanged by duplicated or rescaled rows, and handles many distinct rows', () => {
    const p = 12;
    const base = Array.from({ length: 30 }, (_, i) =>
      Array.from({ length: p }, (_, j) => ((i * 7 + j * 3) % 5) + (j === 0 ? i : 0)),
    );
    const n = 80_000;
    // Rows: rescaled copies of the 30 base rows (grouping path)...
    const grouped = Array.from({ length: p }, (_, j) =>
      Float64Array.from({ length: n }, (_, i) => base[i % 30]![j]! * (1 + (i % 97))),
    );
    const small = Array.from({ length: p }, (_, j) => Float64Array.from(base, (r) => r[j]!));
    const expected = replicateWeightMatrixRank(small);
    expect(replicateWeightMatrixRank(grouped)).toBe(expected);
    // ... and all distinct (Gram path): the same columns plus tiny independent noise is full rank,
    // while exact linear combinations stay dependent.
    let seed = 1;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    const distinct = Array.from({ length: 8 }, () =>
      Float64Array.from({ length: n }, () => 1 + rnd()),
    );
    distinct.push(Float64Array.from(distinct[0]!, (x, i) => 2 * x - distinct[3]![i]!));
    distinct.push(Float64Array.from(distinct[1]!, (x, i) => x + distinct[2]![i]! * (1 + 1e-9)));
    distinct.push(
      Float64Array.from(distinct[1]!, (x, i) => x + 1e-3 * distinct[5]![i]! + 1e-3 * rnd()),
    );
    expect(replicateWeightMatrixRank(distinct)).toBe(9);
    // Distinct rows spanning a 5-dimensional space: rank 5 from the Gram matrix too.
    const basis = Array.from({ length: 5 }, () => Array.from({ length: p }, () => rnd()));
    const mixed = Array.from({ length: p }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const a = basis.map(() => 0.1 + rnd());
      for (let j = 0; j < p; j++)
        mixed[j]![i] = a.reduce((sum, x, k) => sum + x * basis[k]![j]!, 0);
    }
    expect(replicateWeightMatrixRank(mixed)).toBe(5);
  });

  it('finds the full rank of 80 replicates of PSU-structured weights (rows merged per PSU)', () => {
    // Speed on 1,000,000 rows is measured by npm run bench, not asserted here.
    const n = 100_000;
    const R = 80;
    let seed = 5;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = 50 + 100 * rnd();
    const reps: Float64Array[] = [];
    for (let r = 0; r < R; r++) {
      const f = new Float64Array(200);
      for (let c = 0; c < 200; c++) f[c] = Math.floor(rnd() * 3);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = w[i]! * f[Math.floor(i / 500)]!; // PSUs of 500 rows
      reps.push(out);
    }
    expect(replicateWeightMatrixRank(reps)).toBe(R);
  });
});
