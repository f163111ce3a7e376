/**
 * Properties of the estimators on random small designs (strata, clusters, weights, missing
 * values): invariance to the order of the rows and to the scale of the weights, domain estimates
 * equal to estimates on the domain's own rows, shares that add up to 1, and standard errors that
 * are never negative or NaN.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { svyDesign } from '../../src/design/build.js';
import { degreesOfFreedom } from '../../src/design/df.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyCiProp } from '../../src/estimate/ciprop.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyQuantile } from '../../src/estimate/quantile.js';
import { svyTable } from '../../src/estimate/table.js';
import type { Estimate } from '../../src/estimate/types.js';
import {
  close,
  type DesignCase,
  designCase,
  designOf,
  frameOf,
  permutedCase,
  type Row,
  RUNS,
} from './arbitraries.js';

const PROBS = [0.1, 0.37, 0.5, 0.9];

/** Everything the properties compare, keyed so that two runs can be matched row by row. */
function estimates(d: SurveyDesign, by = true): Map<string, Estimate> {
  const out = new Map<string, Estimate>();
  const add = (what: string, rows: readonly Estimate[]) => {
    for (const r of rows) {
      const group = r.group ? Object.values(r.group).join('.') : '';
      out.set(`${what}|${group}|${r.level ?? ''}|${r.prob ?? ''}`, r);
    }
  };
  add('mean y', svyMean(d, 'y'));
  add('total y', svyTotal(d, 'y'));
  add('mean g', svyMean(d, 'g'));
  add('total g', svyTotal(d, 'g'));
  add('quantile y', svyQuantile(d, 'y', PROBS));
  add('ciprop b', [svyCiProp(d, 'b', { method: 'logit' })]);
  add('ciprop g', [svyCiProp(d, 'g', { success: 'a', method: 'beta' })]);
  if (by) {
    add(
      'by r mean y',
      svyBy(d, 'r', (x) => svyMean(x, 'y')),
    );
    add(
      'by r mean g',
      svyBy(d, 'r', (x) => svyMean(x, 'g')),
    );
  }
  return out;
}

/** What differs between two sets of estimates (`scale` multiplies the second's totals). */
function differences(
  a: Map<string, Estimate>,
  b: Map<string, Estimate>,
  opts: { pointOnly?: (key: string) => boolean; totalScale?: number } = {},
): string[] {
  const out: string[] = [];
  if ([...a.keys()].join() !== [...b.keys()].join()) out.push('different rows');
  for (const [key, x] of a) {
    const y = b.get(key);
    if (!y) continue;
    const f = key.startsWith('total') ? (opts.totalScale ?? 1) : 1;
    const scaled = (ci: readonly number[]) => ci.map((v) => v * f);
    const check = (what: string, u: number, v: number) => {
      if (!close(u * f, v)) out.push(`${key} ${what}: ${u * f} vs ${v}`);
    };
    check('estimate', x.estimate, y.estimate);
    if (x.n !== y.n || x.nMissing !== y.nMissing) out.push(`${key}: base differs`);
    if (opts.pointOnly?.(key)) continue;
    check('se', x.se, y.se);
    // a proportion of 0 or 1: R's logit interval comes from an IRLS fit that has not converged
    // (~1e-12 wide, as the reference tests show), so only its place is compared
    const degenerate = key.startsWith('ciprop') && (x.estimate === 0 || x.estimate === 1);
    const ciClose = (u: number, v: number) => (degenerate ? close(u, v, 1e-6, 1e-9) : close(u, v));
    const [lo, hi] = scaled(x.ci);
    if (!ciClose(lo!, y.ci[0]) || !ciClose(hi!, y.ci[1])) {
      out.push(`${key} ci: [${lo}, ${hi}] vs [${y.ci}]`);
    }
  }
  return out;
}

describe('estimates do not depend on the order of the rows', () => {
  it('mean, total, shares, quantiles, ciprop and svyBy of a permuted design', () => {
    fc.assert(
      fc.property(permutedCase, ({ c, order }) => {
        const before = estimates(designOf(c));
        const after = estimates(
          designOf(
            c,
            order.map((i) => c.rows[i]!),
          ),
        );
        const diff = differences(before, after);
        expect(diff, diff.join('\n')).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('estimates and the scale of the weights', () => {
  it('means, shares, quantiles and their SEs do not change; totals scale', () => {
    fc.assert(
      fc.property(
        designCase,
        // powers of two keep the weights' sums exact, so quantile thresholds cannot flip
        fc.constantFrom(1 / 1024, 0.25, 2, 4096, 2 ** 40),
        (c, scale) => {
          const before = estimates(designOf(c));
          const after = estimates(designOf(c, c.rows, scale));
          const diff = differences(before, after, { totalScale: scale });
          expect(diff, diff.join('\n')).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it('any positive factor: means and shares keep their estimates and SEs', () => {
    fc.assert(
      fc.property(designCase, fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (c, scale) => {
        const a = designOf(c);
        const b = designOf(c, c.rows, scale);
        for (const v of ['y', 'g']) {
          const x = svyMean(a, v);
          const y = svyMean(b, v);
          x.forEach((r, j) => {
            expect(close(r.estimate, y[j]!.estimate, 1e-9)).toBe(true);
            expect(close(r.se, y[j]!.se, 1e-8)).toBe(true);
          });
          const t = svyTotal(a, v);
          const u = svyTotal(b, v);
          t.forEach((r, j) => {
            expect(close(r.estimate * scale, u[j]!.estimate, 1e-9, 1e-9)).toBe(true);
            expect(close(r.se * scale, u[j]!.se, 1e-8, 1e-9)).toBe(true);
          });
        }
      }),
      RUNS,
    );
  });
});

describe("a domain's point estimate is the estimate on the domain's own rows", () => {
  it('subset(design, mask) and a design of the kept rows agree on every point estimate', () => {
    fc.assert(
      fc.property(
        designCase.chain((c) =>
          fc
            .array(fc.boolean(), { minLength: c.rows.length, maxLength: c.rows.length })
            .map((mask) => ({ c, mask })),
        ),
        ({ c, mask }) => {
          const kept: Row[] = c.rows.filter((_, i) => mask[i]);
          // (a design of one row is a single PSU, an error)
          fc.pre(
            kept.length >= 2 && kept.some((r) => r.y !== null) && kept.some((r) => r.g !== null),
          );
          fc.pre(kept.some((r) => r.b !== null));
          const domain = subset(designOf(c), mask);
          // the kept rows' own design: point estimates do not depend on strata or clusters
          const own = svyDesign(frameOf(kept), { weights: 'w' });
          // svyBy too when every group of the kept rows has values of y and g
          const groups = new Set(kept.map((r) => r.r));
          const by = [...groups].every(
            (g) =>
              kept.some((r) => r.r === g && r.y !== null) &&
              kept.some((r) => r.r === g && r.g !== null),
          );
          const a = estimates(domain, by);
          const b = estimates(own, by);
          const diff = differences(a, b, { pointOnly: () => true });
          expect(diff, diff.join('\n')).toEqual([]);
        },
      ),
      RUNS,
    );
  });
});

describe('shares over the levels add up to 1', () => {
  it('svyMean of a categorical variable, per svyBy group, and svyTable shares', () => {
    fc.assert(
      fc.property(designCase, (c: DesignCase) => {
        const d = designOf(c);
        const sum = (rows: readonly Estimate[]) => rows.reduce((s, r) => s + r.estimate, 0);
        expect(sum(svyMean(d, 'g'))).toBeCloseTo(1, 12);
        const by = svyBy(d, 'r', (x) => svyMean(x, 'g'));
        const groups = new Map<string, Estimate[]>();
        for (const r of by) {
          const k = r.group!.r!;
          groups.set(k, [...(groups.get(k) ?? []), r]);
        }
        for (const rows of groups.values()) expect(sum(rows)).toBeCloseTo(1, 12);
        const table = svyTable(d, 'g', 'r', { share: true });
        const all = table.shares!.flat().reduce((s, x) => s + x, 0);
        expect(all).toBeCloseTo(1, 12);
        // totals of the levels add up to the total weight of the respondents with a level
        const totals = sum(svyTotal(d, 'g'));
        const weight = c.rows.filter((r) => r.g !== null).reduce((s, r) => s + r.w, 0);
        expect(close(totals, weight, 1e-12)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('standard errors are never negative or NaN on valid input', () => {
  it('means, totals, shares, proportions and svyBy rows, in the design and in domains', () => {
    fc.assert(
      fc.property(designCase, fc.constantFrom('N', 'S', 'E'), (c, group) => {
        const d = designOf(c);
        const inGroup = c.rows.map((r) => r.r === group);
        const designs: SurveyDesign[] = [d];
        if (c.rows.some((r, i) => inGroup[i] && r.y !== null && r.g !== null && r.b !== null)) {
          designs.push(subset(d, inGroup));
        }
        for (const x of designs) {
          const rows = [
            ...svyMean(x, 'y'),
            ...svyTotal(x, 'y'),
            ...svyMean(x, 'g'),
            ...svyTotal(x, 'g'),
            svyCiProp(x, 'b'),
            ...svyBy(x, 'r', (z) => svyMean(z, 'y')),
          ];
          for (const r of rows) {
            expect(Number.isFinite(r.estimate), `${r.variable} estimate`).toBe(true);
            expect(r.se >= 0 && Number.isFinite(r.se), `${r.variable} se ${r.se}`).toBe(true);
            // a proportion of exactly 0 or 1 has R's degenerate intervals (see ciprop.test.ts),
            // and its t interval needs design degrees of freedom (R: NaN with 0)
            if (r.statistic === 'proportion') {
              if (r.estimate === 0 || r.estimate === 1 || degreesOfFreedom(x) <= 0) continue;
            }
            expect(r.ci[0] <= r.estimate && r.estimate <= r.ci[1], `${r.variable} ci`).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });
});
