import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import type { SurveyData } from '../../src/data/types.js';
import { svyDesign } from '../../src/design/build.js';
import {
  asRepDesign,
  knownRowReduction,
  replicateDegf,
  replicateWeightMatrixRank,
  svyRepDesign,
} from '../../src/design/replicate.js';
import type { ReplicateDesign } from '../../src/design/replicate-types.js';
import { EstimationError } from '../../src/errors.js';
import {
  replicateCovariance,
  replicateWeightedSums,
  replicateWeightedSumsMany,
} from '../../src/variance/replicate.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import type { ReferenceDesign } from '../helpers/designs.js';
import { lcg } from '../helpers/random.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';
import { buildReplicateCase, type ReplicateCaseSpec } from '../helpers/replicate.js';

interface RefEstimate {
  variable: string;
  statistic: 'mean' | 'total';
  type: 'numeric' | 'factor';
  levels: string[] | null;
  naRm: boolean;
  n: number;
  estimate: number[];
  se: number[];
  vcov: number[][];
  seMse: number[];
  vcovMse: number[][];
  mseCensusKept: { se: number[]; vcov: number[][] } | null;
}

interface RefCase extends ReplicateCaseSpec {
  estimates: RefEstimate[];
  domains: Array<{ subset: Condition[]; degf: number; estimates: RefEstimate[] }>;
}

const ref = loadReferenceJson<{ designs: Record<string, ReferenceDesign>; cases: RefCase[] }>(
  'replicate.json',
);

const built = new Map<string, ReplicateDesign>();
/** The surveykit design for a reference case, built once. */
function build(c: RefCase): ReplicateDesign {
  let d = built.get(c.id);
  if (!d) {
    d = buildReplicateCase(ref.designs, c);
    built.set(c.id, d);
  }
  return d;
}

/**
 * svymean / svytotal of a variable with replicate weights, as R computes them: the estimate with
 * the full-sample weights, the same with each replicate's, and svrVar. Factor levels are
 * indicator columns; means are ratios of sums.
 */
function estimate(
  d: ReplicateDesign,
  data: SurveyData,
  variable: string,
  statistic: 'mean' | 'total',
  rows: Uint8Array | null,
): { estimate: Float64Array; V: Float64Array; n: number } {
  const col = data.columns[variable]!;
  const present = new Uint8Array(data.nrow);
  let values: Array<Float64Array | null>;
  if (col.kind === 'numeric') {
    for (let i = 0; i < data.nrow; i++) present[i] = Number.isNaN(col.values[i]!) ? 0 : 1;
    values = [col.values];
  } else {
    for (let i = 0; i < data.nrow; i++) present[i] = col.codes[i]! < 0 ? 0 : 1;
    values = col.levels.map((_, l) => Float64Array.from(col.codes, (x) => (x === l ? 1 : 0)));
  }
  if (rows) for (let i = 0; i < data.nrow; i++) present[i] = present[i]! & rows[i]!;
  const domain = d.domain;
  if (domain) for (let i = 0; i < data.nrow; i++) present[i] = present[i]! & domain[i]!;
  const p = values.length;
  if (statistic === 'mean') values.push(null);
  const s = replicateWeightedSumsMany(d, values, present);
  const finish = (a: Float64Array): Float64Array =>
    statistic === 'mean'
      ? Float64Array.from({ length: p }, (_, j) => a[j]! / a[p]!)
      : a.slice(0, p);
  const full = finish(s.full);
  const V = replicateCovariance(d, full, s.reps.map(finish));
  return { estimate: full, V, n: present.reduce((a, b) => a + b, 0) };
}

function compare(d: ReplicateDesign, e: RefEstimate, rows: Uint8Array | null, what: string): void {
  for (const mse of [false, true]) {
    const design = { ...d, mse };
    const got = estimate(design, d.data, e.variable, e.statistic, rows);
    const p = got.estimate.length;
    expect(p).toBe(e.estimate.length);
    expect(got.n).toBe(e.n);
    const expectedV = mse ? (e.mseCensusKept?.vcov ?? e.vcovMse) : e.vcov;
    const expectedSe = mse ? (e.mseCensusKept?.se ?? e.seMse) : e.se;
    const scale = Math.max(...expectedSe.map((x) => x * x));
    // SEs that are 0 up to rounding in R (shares of the stratum variable) are compared absolutely.
    const absSe = 1e-12 * Math.max(1, ...e.estimate.map(Math.abs));
    for (let a = 0; a < p; a++) {
      expectClose(got.estimate[a]!, e.estimate[a]!, 1e-12, `${what} estimate[${a}]`);
      const se = Math.sqrt(got.V[a * p + a]!);
      if (Math.abs(se - expectedSe[a]!) > absSe) {
        expectClose(se, expectedSe[a]!, 1e-10, `${what} se[${a}] mse=${mse}`);
      }
      for (let b = 0; b < p; b++) {
        const v = got.V[a * p + b]!;
        const x = expectedV[a]![b]!;
        expect(Math.abs(v - x), `${what} vcov[${a}][${b}] mse=${mse}`).toBeLessThanOrEqual(
          1e-10 * scale + absSe * absSe,
        );
      }
    }
  }
}

describe('replicate estimates match R (svymean / svytotal on svyrep designs)', () => {
  for (const c of ref.cases) {
    it(`${c.id}: ${c.rcall}`, () => {
      const d = build(c);
      for (const e of c.estimates) compare(d, e, null, `${e.statistic}(${e.variable})`);
    });
  }
});

describe('replicate estimates in domains (R subset(), which also recomputes degf)', () => {
  for (const c of ref.cases.filter((x) => x.domains.length > 0)) {
    it(`${c.id}`, () => {
      const d = build(c);
      for (const dom of c.domains) {
        const mask = conditionMask(d.data, dom.subset);
        expect(replicateDegf({ ...d, domain: mask }), 'degf').toBe(dom.degf);
        // The domain given as the design's domain or as rows: the same answers.
        for (const e of dom.estimates) {
          compare({ ...d, domain: mask }, e, null, `domain ${e.statistic}(${e.variable})`);
          compare(d, e, mask, `rows ${e.statistic}(${e.variable})`);
        }
      }
    });
  }
});

describe('figures published with R survey', () => {
  const byId = (id: string) => ref.cases.find((c) => c.id === id)!;
  const se = (id: string, variable: string, statistic: 'mean' | 'total', mse = false) => {
    const d = build(byId(id));
    const r = estimate({ ...d, mse }, d.data, variable, statistic, null);
    return Math.sqrt(r.V[0]!);
  };
  it('example(as.svrepdesign): apiclus1 as JK1, mean SE 26.329, total SE 932,235', () => {
    expect(se('dclus1-JK1', 'api00', 'mean').toFixed(3)).toBe('26.329');
    expect(se('dclus1-JK1', 'enroll', 'total').toFixed(0)).toBe('932235');
  });
  it('with mse = TRUE the mean SE is 26.335', () => {
    expect(se('dclus1-JK1', 'api00', 'mean', true).toFixed(3)).toBe('26.335');
  });
  it('tests/lonely.psu.Rout.save: JKn under each lonely-PSU rule', () => {
    expect(se('dlonely-JKn-remove', 'api00', 'mean').toFixed(4)).toBe('5.8058');
    expect(se('dlonely-JKn-certainty', 'api00', 'mean').toFixed(4)).toBe('5.8058');
    expect(se('dlonely-JKn-adjust', 'api00', 'mean').toFixed(4)).toBe('5.8267');
    expect(se('dlonely-JKn-average', 'api00', 'mean').toFixed(4)).toBe('5.8217');
    for (const rule of ['remove', 'certainty', 'adjust']) {
      expect(se(`dlonely_fpc-JKn-${rule}`, 'api00', 'mean').toFixed(4)).toBe('5.7344');
    }
    expect(se('dlonely_fpc-JKn-average', 'api00', 'mean').toFixed(4)).toBe('5.7501');
    expect(se('dlonely_fpc-JKn-average', 'api00', 'total').toFixed(0)).toBe('35616');
  });
});

describe('replicateCovariance (R svrVar)', () => {
  const design = { scale: 0.25, rscales: Float64Array.of(1, 1, 2, 0), mse: false };
  const reps = [
    Float64Array.of(1, 10),
    Float64Array.of(2, 20),
    Float64Array.of(4, 40),
    Float64Array.of(100, 100),
  ];
  it('centres on the mean of the replicates with positive rscales, or on the estimate with mse', () => {
    // Mean of replicates 1..3: (7/3, 70/3); the 4th has rscale 0 and is ignored.
    const c = [7 / 3, 70 / 3];
    const expected = (centre: number[]) => {
      const V = [0, 0, 0, 0];
      [0, 1, 2].forEach((r) => {
        const d = [reps[r]![0]! - centre[0]!, reps[r]![1]! - centre[1]!];
        for (let a = 0; a < 2; a++)
          for (let b = 0; b < 2; b++) V[a * 2 + b]! += 0.25 * design.rscales[r]! * d[a]! * d[b]!;
      });
      return V;
    };
    const V = replicateCovariance(design, Float64Array.of(3, 30), reps);
    expected(c).forEach((x, k) => {
      expectClose(V[k]!, x, 1e-14, `V[${k}]`);
    });
    const M = replicateCovariance({ ...design, mse: true }, Float64Array.of(3, 30), reps);
    expected([3, 30]).forEach((x, k) => {
      expectClose(M[k]!, x, 1e-14, `M[${k}]`);
    });
  });
  it('drops replicates with a missing estimate, with a warning, as na.omit does', () => {
    const warnings: string[] = [];
    const withNa = [...reps.slice(0, 3), Float64Array.of(Number.NaN, 1)];
    const V = replicateCovariance(
      { ...design, rscales: Float64Array.of(1, 1, 2, 5) },
      Float64Array.of(3, 30),
      withNa,
      { warnings },
    );
    expect(Array.from(V)).toEqual(
      Array.from(replicateCovariance(design, Float64Array.of(3, 30), reps)),
    );
    expect(warnings).toEqual(['1 replicates gave NA results and were discarded.']);
    expect(() => replicateCovariance(design, Float64Array.of(3, 30), withNa)).not.toThrow();
    const allNa = reps.map(() => Float64Array.of(Number.NaN, 0));
    expect(() => replicateCovariance(design, Float64Array.of(3, 30), allNa)).toThrow(
      EstimationError,
    );
  });
  it('checks the number of replicates and of estimates', () => {
    const fail = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as EstimationError).code;
      }
      return null;
    };
    expect(fail(() => replicateCovariance(design, Float64Array.of(1, 2), reps.slice(0, 3)))).toBe(
      'REPLICATE_COUNT',
    );
    expect(fail(() => replicateCovariance(design, Float64Array.of(1), reps))).toBe(
      'REPLICATE_COUNT',
    );
    expect(
      fail(() =>
        replicateCovariance(
          design,
          Float64Array.of(1, 2),
          reps.map(() => Float64Array.of(Number.NaN, 1)),
        ),
      ),
    ).toBe('NO_REPLICATES');
  });
});

describe('replicateWeightedSums', () => {
  const design = {
    weights: Float64Array.of(1, 2, 3, 4),
    replicates: [
      Float64Array.of(0, 4, 3, 4),
      Float64Array.of(2, 0, 6, 0),
      Float64Array.of(1, 2, 3, 4),
    ],
    domain: null,
  };
  const y = Float64Array.of(10, 20, 30, Number.NaN);
  const present = Uint8Array.of(1, 1, 1, 0);
  it('sums w·y over present rows, for the full sample and each replicate', () => {
    const s = replicateWeightedSums(design, y, present);
    expect(s.full).toBe(10 + 40 + 90);
    expect(Array.from(s.reps)).toEqual([0 + 80 + 90, 20 + 0 + 180, 140]);
  });
  it('respects the design domain, and null present means every row', () => {
    const ones = Float64Array.of(1, 1, 1, 1);
    expect(replicateWeightedSums(design, ones, null).full).toBe(10);
    const inDomain = { ...design, domain: Uint8Array.of(0, 1, 1, 1) };
    expect(replicateWeightedSums(inDomain, ones, null).full).toBe(9);
    expect(replicateWeightedSums(inDomain, y, present).full).toBe(130);
  });
  it('gives the same sums for many variables at once, with null for y = 1', () => {
    const many = replicateWeightedSumsMany(design, [y, null, Float64Array.of(1, 1, 1, 1)], present);
    expect(Array.from(many.full)).toEqual([140, 6, 6]);
    expect(many.reps.map((r) => Array.from(r))).toEqual([
      [170, 7, 7],
      [200, 8, 8],
      [140, 6, 6],
    ]);
  });
  it('checks lengths', () => {
    expect(() => replicateWeightedSums(design, Float64Array.of(1), null)).toThrow(EstimationError);
    expect(() => replicateWeightedSums(design, y, Uint8Array.of(1))).toThrow(EstimationError);
  });
  it('matches a plain loop on blocks that do not divide evenly, with up to 7 weight sets', () => {
    let seed = 9;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    const n = 10_007;
    const w = Float64Array.from({ length: n }, () => rnd());
    for (const R of [1, 2, 3, 4, 6]) {
      const reps = Array.from({ length: R }, () => Float64Array.from({ length: n }, () => rnd()));
      const vals = [
        Float64Array.from({ length: n }, () => rnd()),
        null,
        Float64Array.from({ length: n }, () => rnd()),
      ];
      const present = Uint8Array.from({ length: n }, () => (rnd() < 0.8 ? 1 : 0));
      const s = replicateWeightedSumsMany(
        { weights: w, replicates: reps, domain: null },
        vals,
        present,
      );
      [w, ...reps].forEach((ws, k) => {
        const got = k === 0 ? s.full : s.reps[k - 1]!;
        vals.forEach((v, c) => {
          let plain = 0;
          for (let i = 0; i < n; i++) if (present[i]) plain += ws[i]! * (v === null ? 1 : v[i]!);
          expectClose(got[c]!, plain, 1e-12, `set ${k} value ${c}`);
        });
      });
    }
  });
  it('blocked sums over 80 replicates equal plain per-replicate sums (n not a multiple of the block)', () => {
    // Speed on 1,000,000 rows is measured by npm run bench, not asserted here.
    const n = 10_007;
    const R = 80;
    let seed = 3;
    const rnd = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    const weights = new Float64Array(n);
    const y = new Float64Array(n);
    const present = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      weights[i] = 50 + 100 * rnd();
      y[i] = rnd() * 10;
      present[i] = i % 10 === 0 ? 0 : 1;
    }
    const replicates: Float64Array[] = [];
    for (let r = 0; r < R; r++) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = weights[i]! * (i % 80 === r ? 0 : 80 / 79);
      replicates.push(out);
    }
    const design = { weights, replicates, domain: null };
    const s = replicateWeightedSumsMany(design, [y, null], present);
    [weights, ...replicates].forEach((w, k) => {
      let sy = 0;
      let sw = 0;
      for (let i = 0; i < n; i++) {
        if (!present[i]) continue;
        sy += w[i]! * y[i]!;
        sw += w[i]!;
      }
      const got = k === 0 ? s.full : s.reps[k - 1]!;
      expect(Math.abs(got[0]! - sy) / sy).toBeLessThan(1e-12);
      expect(Math.abs(got[1]! - sw) / sw).toBeLessThan(1e-12);
    });
  });
});

describe('replicateWeightedSumsMany per group of rows (replicates = weights × per-PSU factors)', () => {
  const n = 6000;
  const R = 24;
  const rnd = lcg(7);
  const weights = Float64Array.from({ length: n }, () => 1 + 20 * rnd());
  const psu = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 30)); // 200 PSUs
  const factor = Array.from({ length: 200 * R }, () => Math.floor(rnd() * 3) * 0.75);
  const replicates = Array.from({ length: R }, (_, r) =>
    Float64Array.from(weights, (w, i) => w * factor[psu[i]! * R + r]!),
  );
  const y = Float64Array.from({ length: n }, () => rnd() * 100 - 30);
  const present = Uint8Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : 1));
  const domain = Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 1));

  /** The sums row by row, plainly. */
  function direct(
    reps: readonly Float64Array[],
    dom: Uint8Array | null,
    vars: (Float64Array | null)[] = [y, null],
  ) {
    const use = (i: number) => present[i] === 1 && (dom === null || dom[i] === 1);
    const sum = (w: Float64Array, v: Float64Array | null) => {
      let s = 0;
      for (let i = 0; i < n; i++) if (use(i)) s += w[i]! * (v === null ? 1 : v[i]!);
      return s;
    };
    return {
      full: vars.map((v) => sum(weights, v)),
      reps: reps.map((w) => vars.map((v) => sum(w, v))),
    };
  }

  function close(
    got: { full: Float64Array; reps: Float64Array[] },
    want: ReturnType<typeof direct>,
  ) {
    const all = [[...got.full], ...got.reps.map((r) => [...r])].flat();
    const exp = [want.full, ...want.reps].flat();
    for (let k = 0; k < exp.length; k++)
      expect(Math.abs(all[k]! - exp[k]!)).toBeLessThan(1e-12 * Math.abs(exp[k]!));
  }

  it('gives the sums of every replicate, with a domain and missing rows', () => {
    // the rank of the set groups its rows by direction (one per PSU pattern) and keeps it
    replicateWeightMatrixRank(replicates);
    const grouping = knownRowReduction(replicates)!;
    expect(grouping.exact).toBe(true);
    expect(grouping.groups * R).toBeLessThan(n);
    for (const dom of [null, domain]) {
      const got = replicateWeightedSumsMany(
        { weights, replicates, domain: dom },
        [y, null],
        present,
      );
      close(got, direct(replicates, dom));
    }
  });

  it('reads the weights row by row when they are not the PSU directions to rounding', () => {
    // 1e-12 relative apart within a PSU: the same direction to 2^-30, but not to rounding
    const blurred = replicates.map((w, r) => w.map((x, i) => x * (1 + ((i + r) % 3) * 1e-12)));
    replicateWeightMatrixRank(blurred);
    const grouping = knownRowReduction(blurred)!;
    expect(grouping.groups).toBe(knownRowReduction(replicates)!.groups);
    expect(grouping.exact).toBe(false);
    const got = replicateWeightedSumsMany(
      { weights, replicates: blurred, domain },
      [y, null],
      present,
    );
    close(got, direct(blurred, domain));
  });

  it('takes the sums per PSU for jackknife replicates of asRepDesign (JK1, JKn), whose rank grouped no rows', () => {
    const psuOf = Array.from({ length: n }, (_, i) => Math.floor(i / 120)); // 50 PSUs
    const data = fromColumns({
      w: Array.from(weights),
      psu: psuOf,
      s: psuOf.map((c) => c % 4),
    });
    for (const spec of [
      { ids: 'psu', weights: 'w' },
      { ids: 'psu', weights: 'w', strata: 's' },
    ]) {
      const jk = asRepDesign(svyDesign(data, spec));
      const grouping = knownRowReduction(jk.replicates)!;
      expect(grouping.exact).toBe(true);
      expect(grouping.groups).toBe(50);
      const got = replicateWeightedSumsMany({ ...jk, domain }, [y, null], present);
      close(got, direct(jk.replicates, domain));
    }
  });

  it('sums per group on the weights themselves for svyRepDesign (the mean reads w once)', () => {
    const cols: Record<string, number[]> = { w: Array.from(weights) };
    replicates.forEach((x, r) => {
      cols[`r${r + 1}`] = Array.from(x);
    });
    const rep = svyRepDesign(fromColumns(cols), {
      weights: 'w',
      repweights: /^r\d+$/,
      type: 'bootstrap',
    });
    const grouping = knownRowReduction(rep.replicates)!;
    expect(grouping.exact).toBe(true);
    expect(grouping.scale).toBe(rep.weights);
    for (const dom of [null, domain]) {
      for (const vars of [[y, null], [y, y], [null, y], [y]] as const) {
        const got = replicateWeightedSumsMany({ ...rep, domain: dom }, [...vars], present);
        const want = direct(rep.replicates, dom, [...vars]);
        close(got, want);
      }
    }
  });
});
