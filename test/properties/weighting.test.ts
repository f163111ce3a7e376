/**
 * Properties of weighting on random samples: raked, post-stratified and calibrated weights
 * reproduce every population margin (also each replicate's weights on a replicate design), the
 * result does not depend on the order of the rows, and trimming keeps the total weight.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign } from '../../src/design/replicate.js';
import type { LinearizationDesign, SurveyDesign } from '../../src/design/types.js';
import type { Margin } from '../../src/design/weighting-history.js';
import { svyTotal } from '../../src/estimate/mean.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { close, RUNS } from './arbitraries.js';

interface Sample {
  a: string[];
  b: string[];
  x: number[];
  w: number[];
  margins: Margin[];
  total: number;
}

/**
 * A sample in which every combination of the levels of `a` and `b` occurs at least `minCell`
 * times (so that raking can always meet the margins), with random weights, a numeric `x`, and
 * random population margins with one total.
 */
const sample = (minCell: number) =>
  fc
    .record({
      la: fc.integer({ min: 2, max: 3 }),
      lb: fc.integer({ min: 2, max: 4 }),
      extra: fc.integer({ min: 0, max: 20 }),
      total: fc.double({ min: 10, max: 1e7, noNaN: true }),
    })
    .chain(({ la, lb, extra, total }) => {
      const cells = la * lb * minCell + extra;
      return fc
        .record({
          extraA: fc.array(fc.integer({ min: 0, max: la - 1 }), {
            minLength: extra,
            maxLength: extra,
          }),
          extraB: fc.array(fc.integer({ min: 0, max: lb - 1 }), {
            minLength: extra,
            maxLength: extra,
          }),
          w: fc.array(fc.double({ min: 0.05, max: 50, noNaN: true }), {
            minLength: cells,
            maxLength: cells,
          }),
          x: fc.array(fc.double({ min: 0, max: 100, noNaN: true }), {
            minLength: cells,
            maxLength: cells,
          }),
          pa: fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), {
            minLength: la,
            maxLength: la,
          }),
          pb: fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), {
            minLength: lb,
            maxLength: lb,
          }),
        })
        .map(({ extraA, extraB, w, x, pa, pb }): Sample => {
          const a: string[] = [];
          const b: string[] = [];
          for (let i = 0; i < la; i++)
            for (let j = 0; j < lb; j++)
              for (let k = 0; k < minCell; k++) {
                a.push(`a${i}`);
                b.push(`b${j}`);
              }
          extraA.forEach((i, k) => {
            a.push(`a${i}`);
            b.push(`b${extraB[k]}`);
          });
          const margin = (variable: string, shares: number[], prefix: string): Margin => {
            const sum = shares.reduce((s, v) => s + v, 0);
            return {
              variable,
              population: Object.fromEntries(
                shares.map((v, i) => [`${prefix}${i}`, (v / sum) * total]),
              ),
            };
          };
          return { a, b, x, w, margins: [margin('a', pa, 'a'), margin('b', pb, 'b')], total };
        });
    });

function designOf(s: Sample, order?: readonly number[]): LinearizationDesign {
  const pick = <T>(xs: readonly T[]) => (order ? order.map((i) => xs[i]!) : [...xs]);
  return svyDesign(fromColumns({ a: pick(s.a), b: pick(s.b), x: pick(s.x), w: pick(s.w) }), {
    weights: 'w',
  });
}

/** Every margin's levels are met by the design's weights (relative 1e-9). */
function marginsMet(d: SurveyDesign, margins: readonly Margin[]): string[] {
  const out: string[] = [];
  for (const m of margins) {
    for (const row of svyTotal(d, m.variable)) {
      const target = m.population[row.level!]!;
      if (!close(row.estimate, target, 1e-9))
        out.push(`${m.variable} = ${row.level}: ${row.estimate} vs ${target}`);
    }
  }
  return out;
}

/** The same for each replicate's weights. */
function replicateMarginsMet(d: SurveyDesign, margins: readonly Margin[]): string[] {
  if (d.type !== 'replicate') return [];
  const out: string[] = [];
  d.replicates.forEach((w, r) => {
    for (const m of margins) {
      const col = d.data.columns[m.variable]!;
      if (col.kind !== 'categorical') continue;
      const sums = new Float64Array(col.levels.length);
      for (let i = 0; i < w.length; i++) if (col.codes[i]! >= 0) sums[col.codes[i]!]! += w[i]!;
      col.levels.forEach((level, l) => {
        const target = m.population[level]!;
        if (!close(sums[l]!, target, 1e-8)) out.push(`replicate ${r + 1} ${m.variable} = ${level}`);
      });
    }
  });
  return out;
}

describe('weighted designs reproduce their population margins', () => {
  it('rake: every level of every margin', () => {
    fc.assert(
      fc.property(sample(1), (s) => {
        const d = rake(designOf(s), s.margins);
        expect(marginsMet(d, s.margins)).toEqual([]);
        const total = d.weights.reduce((t, w) => t + w, 0);
        expect(close(total, s.total, 1e-9)).toBe(true);
      }),
      RUNS,
    );
  });

  it('rake on a jackknife design: the full sample and every replicate', () => {
    fc.assert(
      fc.property(sample(2), (s) => {
        const d = rake(asRepDesign(designOf(s), { type: 'JK1' }), s.margins);
        expect(marginsMet(d, s.margins)).toEqual([]);
        expect(replicateMarginsMet(d, s.margins)).toEqual([]);
      }),
      { ...RUNS, numRuns: 30 },
    );
  });

  it('postStratify: every cell of the population', () => {
    fc.assert(
      fc.property(sample(1), (s) => {
        // cells of a × b, with counts from the margins' product
        const [ma, mb] = s.margins as [Margin, Margin];
        const population = Object.entries(ma.population).flatMap(([la, na]) =>
          Object.entries(mb.population).map(([lb, nb]) => ({
            a: la,
            b: lb,
            count: (na * nb) / s.total,
          })),
        );
        const d = postStratify(designOf(s), { variables: ['a', 'b'], population });
        expect(marginsMet(d, s.margins)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('calibrate (linear and raking): margins and a numeric total', () => {
    fc.assert(
      fc.property(
        sample(1),
        fc.constantFrom('linear', 'raking') as fc.Arbitrary<'linear' | 'raking'>,
        (s, calfun) => {
          const base = designOf(s);
          // a reachable total of x: its current weighted total scaled to the population size
          const [current] = svyTotal(base, 'x');
          const sumW = s.w.reduce((t, w) => t + w, 0);
          const xTotal = (current!.estimate / sumW) * s.total * 1.05;
          let d: SurveyDesign;
          try {
            d = calibrate(base, {
              margins: s.margins,
              totals: [{ variable: 'x', total: xTotal }],
              calfun,
            });
          } catch (e) {
            // raking calibration may not reach a total far from the sample: a typed error
            expect((e as { code?: string }).code).toMatch(/NOT_CONVERGED|INFEASIBLE_BOUNDS/);
            return;
          }
          expect(marginsMet(d, s.margins)).toEqual([]);
          // calibration's own convergence measure: |misfit| / (1 + |total|)
          const [x] = svyTotal(d, 'x');
          expect(Math.abs(x!.estimate - xTotal) / (1 + Math.abs(xTotal))).toBeLessThan(1e-8);
        },
      ),
      RUNS,
    );
  });
});

describe('weighting does not depend on the order of the rows', () => {
  it('rake gives each respondent the same weight whatever the row order', () => {
    fc.assert(
      fc.property(
        sample(1).chain((s) =>
          fc
            .shuffledSubarray(
              s.a.map((_, i) => i),
              { minLength: s.a.length, maxLength: s.a.length },
            )
            .map((order) => ({ s, order })),
        ),
        ({ s, order }) => {
          const before = rake(designOf(s), s.margins).weights;
          const after = rake(designOf(s, order), s.margins).weights;
          order.forEach((i, k) => {
            expect(close(after[k]!, before[i]!, 1e-9)).toBe(true);
          });
        },
      ),
      RUNS,
    );
  });
});

describe('trimming', () => {
  it('keeps the total weight and, when strict, every weight within the bounds', () => {
    fc.assert(
      fc.property(sample(1), fc.double({ min: 1.1, max: 5, noNaN: true }), (s, ratio) => {
        const d = designOf(s);
        const sum = s.w.reduce((t, w) => t + w, 0);
        const mean = sum / s.w.length;
        const lower = mean / ratio;
        const upper = mean * ratio;
        // some weight strictly inside the bounds takes the trimmed amount
        fc.pre(s.w.some((w) => w > lower && w < upper));
        const once = trimWeights(d, { lower, upper });
        expect(
          close(
            once.weights.reduce((a, w) => a + w, 0),
            sum,
            1e-9,
          ),
        ).toBe(true);
        let strict: SurveyDesign;
        try {
          strict = trimWeights(d, { lower, upper, strict: true });
        } catch (e) {
          // R's rule can push every weight out, or fail to settle: a typed error
          expect((e as { code?: string }).code).toMatch(/NOT_CONVERGED|INFEASIBLE_BOUNDS/);
          return;
        }
        expect(
          close(
            strict.weights.reduce((a, w) => a + w, 0),
            sum,
            1e-9,
          ),
        ).toBe(true);
        for (const w of strict.weights) {
          expect(w >= lower * (1 - 1e-9) && w <= upper * (1 + 1e-9)).toBe(true);
        }
      }),
      RUNS,
    );
  });
});
