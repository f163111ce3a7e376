/**
 * The fused last pass (src/models/final-pass.ts) sums each cluster's scores per cell and feature
 * when that table is small, else per column: both give the clusters' Σ x s.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { LOGIT, linkInverse, muEta, varianceOf } from '../../src/models/family.js';
import { finalPass } from '../../src/models/final-pass.js';
import { glmState, svyGlm } from '../../src/models/glm.js';
import { coefficientsByCell, momentWidth } from '../../src/models/moments.js';
import { sharedStart } from '../../src/models/row-passes.js';

function clusteredPoll(n: number) {
  let s = 5;
  const rnd = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const cols = {
    psu: [] as number[],
    region: [] as string[],
    age: [] as string[],
    x: [] as number[],
    y: [] as number[],
    w: [] as number[],
  };
  for (let i = 0; i < n; i++) {
    cols.psu.push(Math.floor(rnd() * 60));
    cols.region.push(`r${Math.floor(rnd() * 4)}`);
    cols.age.push(`a${Math.floor(rnd() * 3)}`);
    const x = rnd() * 4;
    cols.x.push(x);
    cols.y.push(rnd() < 1 / (1 + Math.exp(0.5 - 0.3 * x)) ? 1 : 0);
    cols.w.push(0.5 + rnd() * 3);
  }
  return svyDesign(fromColumns(cols), { ids: 'psu', weights: 'w' });
}

describe('finalPass', () => {
  it('sums the clusters’ scores by cell or by column alike, and x·s adds up to the total score', () => {
    const design = clusteredPoll(3000);
    if (design.type !== 'linearization') throw new Error('a linearization design expected');
    const fit = svyGlm(design, 'y ~ region * x + age', { family: 'binomial' });
    const { data, beta } = glmState(fit)!;
    const { mm } = data;
    const w = Float64Array.from(mm.rows, (i) => design.weights[i]!);
    const B = coefficientsByCell(mm, beta);
    // the rows at slightly other coefficients stand for the last step's
    const used = sharedStart(
      data,
      coefficientsByCell(
        mm,
        beta.map((b) => b * 0.999),
      ),
    ).track;
    const stage = design.stages[0]!;
    const moments = () => new Float64Array(mm.nCells * momentWidth(mm.m));
    const a = moments();
    const b = moments();
    const byCell = finalPass(data, w, B, a, used, stage);
    const byColumn = finalPass(data, w, B, b, used, stage, { cellTableLimit: 0 });
    expect([...a]).toEqual([...b]);
    expect([...byCell.s]).toEqual([...byColumn.s]);
    const sums = byCell.clusterSums!;
    const other = byColumn.clusterSums!;
    expect(sums.length).toBe(stage.nClusters * mm.p);
    const scale = Math.max(...other.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < sums.length; i++) {
      expect(Math.abs(sums[i]! - other[i]!)).toBeLessThanOrEqual(1e-12 * scale);
    }
    // over all clusters, the intercept's column is Σ s
    const total = byCell.s.reduce((t, v) => t + v, 0);
    let col0 = 0;
    for (let q = 0; q < stage.nClusters; q++) col0 += sums[q * mm.p]!;
    expect(Math.abs(col0 - total)).toBeLessThanOrEqual(1e-12 * scale * stage.nClusters);
    // without clusters: the same scores, no sums
    const none = finalPass(data, w, B, moments(), used, null);
    expect(none.clusterSums).toBeNull();
    expect([...none.s]).toEqual([...byCell.s]);
  });

  it.each([
    ['y ~ region * x + age', 'x in interactions: per cluster and cell, s and s·x'],
    ['y ~ region + x + age', 'x in one column: per cluster and cell s, per cluster s·x'],
  ])(
    'gives the same sums on the logistic model with one numeric feature without per-row scores (its own loop): %s (%s)',
    (formula) => {
      const design = clusteredPoll(3000);
      if (design.type !== 'linearization') throw new Error('a linearization design expected');
      const fit = svyGlm(design, formula, { family: 'binomial' });
      const { data, beta } = glmState(fit)!;
      const { mm } = data;
      expect(mm.m).toBe(1);
      // every row of cluster 7 without weight: it must not count as seen
      const stage = design.stages[0]!;
      const w = Float64Array.from(mm.rows, (i) =>
        stage.rowCluster[i] === 7 ? 0 : design.weights[i]!,
      );
      const B = coefficientsByCell(mm, beta);
      const used = sharedStart(
        data,
        coefficientsByCell(
          mm,
          beta.map((b) => b * 0.999),
        ),
      ).track;
      expect(used.at).not.toBeNull();
      const moments = () => new Float64Array(mm.nCells * momentWidth(mm.m));
      const a = moments();
      const b = moments();
      const general = finalPass(data, w, B, a, used, stage);
      const own = finalPass(data, w, B, b, used, stage, { keepScores: false });
      expect(own.s.length).toBe(0);
      expect([...b]).toEqual([...a]);
      expect(own.pearson).toEqual(general.pearson);
      const scale = Math.max(...general.clusterSums!.map(Math.abs));
      own.clusterSums!.forEach((v, i) => {
        expect(Math.abs(v - general.clusterSums![i]!)).toBeLessThanOrEqual(1e-12 * scale);
      });
      expect([...own.clusterSeen!]).toEqual([...general.clusterSeen!]);
      const seen = new Uint8Array(stage.nClusters);
      mm.rows.forEach((i, k) => {
        if (w[k]! > 0) seen[stage.rowCluster[i]!] = 1;
      });
      expect([...own.clusterSeen!]).toEqual([...seen]);
      expect(seen[7]).toBe(0);
    },
  );

  it('takes rows beyond R’s thresholds (|η| > 30) with R’s formulas, in the general loop and its own', () => {
    const design = clusteredPoll(3000);
    if (design.type !== 'linearization') throw new Error('a linearization design expected');
    const fit = svyGlm(design, 'y ~ region + x + age', { family: 'binomial' });
    const { data, beta } = glmState(fit)!;
    const { mm } = data;
    const w = Float64Array.from(mm.rows, (i) => design.weights[i]!);
    // the cells of one region pushed beyond η = 30 (now), the others' last step beyond −30
    const B = coefficientsByCell(mm, beta);
    const pushed = (c: number) => mm.cellCodes[c * mm.factors.length]! === 0;
    for (let c = 0; c < mm.nCells; c++) B[2 * c] = B[2 * c]! + (pushed(c) ? 40 : 0);
    const before = B.map((b, i) => (i % 2 === 0 && !pushed(i / 2) ? b - 40 : b));
    const used = sharedStart(data, before).track;
    const stage = design.stages[0]!;
    const moments = () => new Float64Array(mm.nCells * momentWidth(mm.m));
    const general = finalPass(data, w, B, moments(), used, stage);
    // expected from R's linkinv, mu.eta and variance: s = W₀ (y − μ)/μ'(η)
    let sw = 0;
    let swr2 = 0;
    let extreme = 0;
    for (let k = 0; k < w.length; k++) {
      const c = mm.cell[k]!;
      const u = mm.U[k]!;
      const eta = B[2 * c]! + B[2 * c + 1]! * u;
      const eta0 = before[2 * c]! + before[2 * c + 1]! * u;
      if (Math.abs(eta) > 30 || Math.abs(eta0) > 30) extreme++;
      const mu = linkInverse(LOGIT, eta);
      const mu0 = linkInverse(LOGIT, eta0);
      const W0 = (w[k]! * muEta(LOGIT, eta0) ** 2) / varianceOf(LOGIT, mu0);
      const y = data.y[k]!;
      // relative: W₀ is of the order of ε at these rows
      const expected = W0 * ((y - mu) / muEta(LOGIT, eta));
      expect(expected).not.toBe(0);
      expect(Math.abs(general.s[k]! - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
      const pr = (y - mu) / Math.sqrt(varianceOf(LOGIT, mu));
      sw += w[k]!;
      swr2 += w[k]! * pr * pr;
    }
    expect(extreme).toBe(w.length);
    expect(general.pearson.sw).toBeCloseTo(sw, 8);
    expect(general.pearson.swr2 / swr2).toBeCloseTo(1, 10);
    // the written-out loop: the same moments and sums
    const a = moments();
    const own = finalPass(data, w, B, a, used, stage, { keepScores: false });
    const b = moments();
    finalPass(data, w, B, b, used, stage);
    expect([...a]).toEqual([...b]);
    expect(own.pearson).toEqual(general.pearson);
    const scale = Math.max(...general.clusterSums!.map(Math.abs));
    own.clusterSums!.forEach((v, i) => {
      expect(Math.abs(v - general.clusterSums![i]!)).toBeLessThanOrEqual(1e-12 * scale);
    });
  });
});
