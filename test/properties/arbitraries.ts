/**
 * Random small survey designs for the property tests: 1–3 strata of 1–3 PSUs (a stratum with one
 * PSU is handled by a lonely-PSU rule that gives a number), 1–4 respondents per PSU, positive
 * weights, a numeric variable, a categorical one and a 0/1 one with missing values, and a grouping
 * variable. Rows are plain objects, so a test can permute them or scale the weights and build the
 * same design again.
 */
import fc from 'fast-check';
import { fromColumns } from '../../src/data/frame.js';
import type { SurveyData } from '../../src/data/types.js';
import { svyDesign } from '../../src/design/build.js';
import type { LinearizationDesign, LonelyPsu } from '../../src/design/types.js';

/** One respondent. */
export interface Row {
  s: string;
  psu: number;
  w: number;
  y: number | null;
  g: string | null;
  b: number | null;
  r: string;
}

/** A random design's rows and how to build it. */
export interface DesignCase {
  rows: Row[];
  lonelyPsu: LonelyPsu;
  clustered: boolean;
}

const LEVELS = ['a', 'b', 'c'] as const;
const GROUPS = ['N', 'S', 'E'] as const;

/**
 * Weights that are multiples of 1/8 from 1/8 to 16: their sums are exact in any order, so that
 * quantiles (which compare running sums of weights with p) do not flip on rounding.
 */
const weight = fc.integer({ min: 1, max: 128 }).map((k) => k / 8);
/** Values on a grid, with some spread and ties. */
const value = fc.oneof(
  fc.integer({ min: -50, max: 50 }),
  fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }),
);

const row = (s: string, psu: number) =>
  fc.record({
    s: fc.constant(s),
    psu: fc.constant(psu),
    w: weight,
    y: fc.option(value, { freq: 6 }),
    g: fc.option(fc.constantFrom(...LEVELS), { freq: 6 }),
    b: fc.option(fc.constantFrom(0, 1), { freq: 6 }),
    r: fc.constantFrom(...GROUPS),
  });

/** PSU sizes per stratum (the first stratum has at least 2 PSUs, so the design has 2 or more). */
const layout = fc
  .array(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), {
    minLength: 1,
    maxLength: 3,
  })
  .filter((strata) => strata[0]!.length >= 2);

/** A random design (see the module notes). */
export const designCase: fc.Arbitrary<DesignCase> = fc
  .tuple(layout, fc.constantFrom<LonelyPsu>('remove', 'adjust', 'certainty'), fc.boolean())
  .chain(([strata, lonelyPsu, clustered]) => {
    const rows: fc.Arbitrary<Row>[] = [];
    let psu = 0;
    strata.forEach((sizes, s) => {
      for (const size of sizes) {
        psu++;
        for (let k = 0; k < size; k++) rows.push(row(`s${s + 1}`, psu));
      }
    });
    return fc.tuple(...rows).map((list) => {
      // every variable has a value in the first row of each group (r), so no estimate, in the
      // design or in a group, has an empty base
      const seen = new Set<string>();
      const out = list.map((x) => {
        if (seen.has(x.r)) return x;
        seen.add(x.r);
        return { ...x, y: x.y ?? 1, g: x.g ?? 'a', b: x.b ?? 1 };
      });
      return { rows: out, lonelyPsu, clustered };
    });
  });

/** The frame of some rows (in the given order). */
export function frameOf(rows: readonly Row[], scale = 1): SurveyData {
  return fromColumns(
    {
      s: rows.map((x) => x.s),
      psu: rows.map((x) => x.psu),
      w: rows.map((x) => x.w * scale),
      y: rows.map((x) => x.y),
      g: {
        codes: rows.map((x) => (x.g === null ? -1 : LEVELS.indexOf(x.g as 'a'))),
        levels: LEVELS,
      },
      b: rows.map((x) => x.b),
      r: { codes: rows.map((x) => GROUPS.indexOf(x.r as 'N')), levels: GROUPS },
    },
    { source: 'random.csv' },
  );
}

/** The design of a case: stratified, clustered by PSU (or not), weighted. */
export function designOf(
  c: DesignCase,
  rows: readonly Row[] = c.rows,
  scale = 1,
): LinearizationDesign {
  return svyDesign(frameOf(rows, scale), {
    strata: 's',
    weights: 'w',
    lonelyPsu: c.lonelyPsu,
    ...(c.clustered ? { ids: 'psu' } : {}),
  });
}

/** A random permutation of 0..n-1 for each case (as an arbitrary of case and order). */
export const permutedCase = designCase.chain((c) =>
  fc
    .shuffledSubarray(
      c.rows.map((_, i) => i),
      { minLength: c.rows.length, maxLength: c.rows.length },
    )
    .map((order) => ({ c, order })),
);

/**
 * Whether two numbers agree to a relative tolerance (both NaN, or both the same infinity, agree).
 */
export function close(a: number, b: number, rel = 1e-9, abs = 1e-12): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b));
}

/** Property-run settings: seeded, bounded, so `npm test` stays fast and failures reproduce. */
export const RUNS = { numRuns: 100, seed: 20_241_129 } as const;
