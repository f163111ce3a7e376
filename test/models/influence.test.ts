/**
 * The GLM influence (src/models/influence.ts): per-cluster score totals, summed per run of a
 * cluster (rows grouped by cluster) or row by row (rows in random cluster order), must equal the
 * dense per-row influence columns summed per cluster.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { glmState, svyGlm } from '../../src/models/glm.js';
import { glmCellInfluence, glmInfluence } from '../../src/models/influence.js';
import type { Influence } from '../../src/variance/influence.js';
import { lcg as rng } from '../helpers/random.js';

/** A poll of n rows in 40 clusters: grouped by cluster, or in random cluster order. */
function poll(n: number, grouped: boolean) {
  const rnd = rng(11);
  const cols = {
    psu: [] as number[],
    region: [] as string[],
    age: [] as string[],
    x: [] as number[],
    y: [] as number[],
    w: [] as number[],
  };
  for (let i = 0; i < n; i++) {
    cols.psu.push(grouped ? Math.floor((i * 40) / n) : Math.floor(rnd() * 40));
    // uneven levels, the first (the reference) the most common
    const u = rnd();
    cols.region.push(u < 0.5 ? 'north' : u < 0.8 ? 'south' : 'east');
    cols.age.push(rnd() < 0.55 ? 'young' : 'old');
    const x = rnd() * 4;
    cols.x.push(x);
    cols.y.push(rnd() < 1 / (1 + Math.exp(0.5 - 0.3 * x)) ? 1 : 0);
    cols.w.push(0.5 + rnd() * 3);
  }
  const design = svyDesign(fromColumns(cols), { ids: 'psu', weights: 'w' });
  if (design.type !== 'linearization') throw new Error('a linearization design expected');
  return design;
}

/** A p × p matrix with entries in (−1, 1). */
function matrix(p: number, rnd: () => number) {
  return Float64Array.from({ length: p * p }, () => 2 * rnd() - 1);
}

/** sumByCluster's totals against the dense columns summed per cluster. */
function expectTotalsOfDense(
  influence: Influence,
  rowCluster: Int32Array,
  nClusters: number,
): number {
  const p = influence.p;
  const totals = new Float64Array(nClusters * p);
  influence.sumByCluster(rowCluster, totals);
  const expected = new Float64Array(nClusters * p);
  influence.dense().forEach((column, a) => {
    column.forEach((v, i) => {
      expected[rowCluster[i]! * p + a]! += v;
    });
  });
  const scale = Math.max(...expected.map(Math.abs));
  expect(scale).toBeGreaterThan(0);
  totals.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-12 * scale);
  });
  return scale;
}

describe('glmInfluence and glmCellInfluence', () => {
  for (const grouped of [true, false]) {
    const order = grouped ? 'rows grouped by cluster' : 'rows in random cluster order';

    it.each(['y ~ region + age + x', 'y ~ region * x + age'])(
      `sums the clusters' scores as the dense influence does (%s, ${order})`,
      (formula) => {
        const design = poll(2000, grouped);
        const fit = svyGlm(design, formula, { family: 'quasibinomial' });
        const { mm } = glmState(fit)!.data;
        const rnd = rng(3);
        const s = Float64Array.from(mm.rows, () => 2 * rnd() - 1);
        const influence = glmInfluence(mm, s, matrix(mm.p, rnd), design.weights.length);
        const stage = design.stages[0]!;
        expectTotalsOfDense(influence, stage.rowCluster, stage.nClusters);
      },
    );

    it(`sums a model on cells as its dense influence does (${order})`, () => {
      const design = poll(2000, grouped);
      const fit = svyGlm(design, 'y ~ region + age', { family: 'quasibinomial' });
      const { mm } = glmState(fit)!.data;
      expect(mm.m).toBe(0);
      const rnd = rng(5);
      const y = Float64Array.from(mm.rows, () => (rnd() < 0.4 ? 1 : 0));
      const w = Float64Array.from(mm.rows, () => 0.5 + rnd());
      const mu = Float64Array.from({ length: mm.nCells }, () => 0.2 + 0.6 * rnd());
      const A = Float64Array.from({ length: mm.nCells }, () => 0.5 + rnd());
      const influence = glmCellInfluence(mm, y, w, mu, A, matrix(mm.p, rnd), design.weights.length);
      const stage = design.stages[0]!;
      expectTotalsOfDense(influence, stage.rowCluster, stage.nClusters);
    });
  }
});
