/**
 * svyMean and svyTotal sum what the stage-1 variance needs per PSU in the scan that finds the
 * rows (prepare's `clusterSums`), and the influence reports the PSUs it saw: the same estimates
 * and SEs as the scan without those sums (the influence then passes over the rows itself), on
 * designs sorted or not by PSU, with domains, missing values, fpc at two stages and lonely PSUs.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { DesignSpec, SurveyDesign } from '../../src/design/types.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { meanMoments, totalMoments } from '../../src/estimate/moments.js';
import { prepare } from '../../src/estimate/prepare.js';
import { estimateVariance } from '../../src/estimate/variance.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function data(shuffle: boolean) {
  const r = rng(11);
  const n = 500;
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffle) order.sort(() => r() - 0.5);
  const stratum: string[] = [];
  const g: (string | null)[] = [];
  const psu = new Float64Array(n);
  const ssu = new Float64Array(n);
  const fpc1 = new Float64Array(n);
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  // rows 0-19 (PSU 0) are a stratum with a single PSU
  order.forEach((row, i) => {
    const h = Math.floor(row / 100);
    stratum[i] = row < 20 ? 'lonely' : `s${h}`;
    psu[i] = Math.floor(row / 20);
    ssu[i] = Math.floor(row / 4);
    fpc1[i] = 10 + h;
    const u = r();
    y[i] = u < 0.05 ? Number.NaN : 1e6 + 100 * r();
    g[i] = u > 0.95 ? null : ['a', 'b', 'c'][Math.floor(3 * r())]!;
    w[i] = 0.5 + 2 * r();
  });
  return fromColumns({ stratum, g, psu, ssu, fpc1, fpc2: new Float64Array(n).fill(8), y, w });
}

/** svyMean / svyTotal without the sums made in the scan. */
function unfused(design: SurveyDesign, variable: string, kind: 'mean' | 'total') {
  const a = prepare(design, variable);
  const m = kind === 'mean' ? meanMoments(a) : totalMoments(a);
  const V = estimateVariance(design, m.influence, a.present);
  return Array.from(m.estimates, (e, j) => ({
    estimate: e,
    se: Math.sqrt(V[j * m.estimates.length + j]!),
  }));
}

const specs: Record<string, DesignSpec> = {
  stratified: { ids: 'psu', strata: 'stratum', weights: 'w', lonelyPsu: 'adjust' },
  twoStage: {
    ids: ['psu', 'ssu'],
    strata: 'stratum',
    weights: 'w',
    fpc: ['fpc1', 'fpc2'],
    lonelyPsu: 'average',
  },
  unclustered: { weights: 'w' },
};

describe('sums per PSU made in the scan', () => {
  for (const shuffle of [false, true]) {
    for (const [name, spec] of Object.entries(specs)) {
      it(`${name}, rows ${shuffle ? 'shuffled' : 'sorted by PSU'}`, () => {
        const full = svyDesign(data(shuffle), spec);
        const designs = [full, subset(full, (row) => row.stratum !== 's1' && row.g !== 'c')];
        for (const d of designs) {
          for (const [variable, kind] of [
            ['y', 'total'],
            ['y', 'mean'],
            ['g', 'mean'],
            ['g', 'total'],
          ] as const) {
            const got = (kind === 'mean' ? svyMean : svyTotal)(d, variable);
            const want = unfused(d, variable, kind);
            got.forEach((row, j) => {
              const e = want[j]!;
              expect(Math.abs(row.estimate - e.estimate)).toBeLessThanOrEqual(
                1e-14 * Math.abs(e.estimate),
              );
              expect(Math.abs(row.se - e.se), `${variable} ${kind}`).toBeLessThanOrEqual(
                1e-12 * e.se,
              );
            });
          }
        }
      });
    }
  }
});
