/**
 * The rank of jackknife replicate weights from their structure (design/jackknife-rank.ts) against
 * R's degf() (test/reference/jackknife-rank.json: JK1 and JKn; skewed, extremely unequal and zero
 * weights, clusters, strata, a fully sampled stratum, domains, 2,000 PSUs) and against the
 * general rank of the same matrix.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { knownJackknifeRank } from '../../src/design/jackknife-rank.js';
import {
  asRepDesign,
  replicateDegf,
  replicateWeightMatrixRank,
} from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import { loadReferenceJson } from '../helpers/reference.js';

interface RankCase {
  id: string;
  type: 'JK1' | 'JKn';
  weights: number[];
  psu: number[];
  strata: number[] | null;
  fpc: number[] | null;
  degf: number;
  domain?: number[];
  domainDegf?: number;
}

const ref = loadReferenceJson<{ cases: RankCase[] }>('jackknife-rank.json');

function jackknife(c: Pick<RankCase, 'weights' | 'psu' | 'strata' | 'fpc'>) {
  const data = fromColumns({
    w: c.weights,
    psu: c.psu,
    ...(c.strata ? { s: c.strata } : {}),
    ...(c.fpc ? { fpc: c.fpc } : {}),
  });
  const design = svyDesign(data, {
    ids: 'psu',
    weights: 'w',
    allowZeroWeights: true,
    ...(c.strata ? { strata: 's' } : {}),
    ...(c.fpc ? { fpc: 'fpc' } : {}),
  });
  return asRepDesign(design, { type: c.strata ? 'JKn' : 'JK1' });
}

describe('jackknife rank from the structure of the replicates', () => {
  for (const c of ref.cases) {
    it(`${c.id} (${c.type}): R's degf, in the whole design and a domain`, () => {
      const jk = jackknife(c);
      expect(jk.repType).toBe(c.type);
      expect(knownJackknifeRank(jk.replicates, null, 1e-5)).not.toBeNull();
      expect(jk.df).toBe(c.degf);
      // the general route (a copy of the set is not known as JK1) agrees; it takes seconds for
      // 2,000 PSUs, which is why the structure is used
      const small = jk.replicates.length <= 400;
      if (small) expect(replicateWeightMatrixRank([...jk.replicates]) - 1).toBe(c.degf);
      if (c.domain) {
        const keep = new Set(c.domain);
        const part = subset(jk, (_row, i) => keep.has(c.psu[i]!));
        expect(replicateDegf(part)).toBe(c.domainDegf);
        if (small) {
          const general = replicateWeightMatrixRank([...jk.replicates], part.domain);
          expect(general - 1).toBe(c.domainDegf);
        }
      }
    });
  }

  it('agrees with the general rank on random designs (skewed to extreme weights, zeros, domains)', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let t = 0; t < 120; t++) {
      const nPsu = 4 + Math.floor(random() * 60);
      const perPsu = 1 + Math.floor(random() * 3);
      const nStrata = t % 2 === 0 ? 0 : 1 + Math.floor(random() * Math.floor(nPsu / 2));
      const spread = [1, 4, 12, 20][t % 4]!; // up to weights 1e±8 apart
      const psu: number[] = [];
      const strata: number[] = [];
      const weights: number[] = [];
      for (let c = 0; c < nPsu; c++) {
        for (let k = 0; k < perPsu; k++) {
          psu.push(c + 1);
          strata.push(nStrata === 0 ? 0 : Math.min(Math.floor(c / 2), nStrata - 1));
          weights.push(t % 5 === 0 && random() < 0.1 ? 0 : Math.exp(spread * (random() - 0.5)));
        }
      }
      const jk = jackknife({ weights, psu, strata: nStrata === 0 ? null : strata, fpc: null });
      expect(jk.df, `case ${t}`).toBe(replicateWeightMatrixRank([...jk.replicates]) - 1);
      const rows = Uint8Array.from(psu, (p) => (p % 3 === 0 ? 1 : 0));
      expect(knownJackknifeRank(jk.replicates, rows, 1e-5), `case ${t} domain`).toBe(
        replicateWeightMatrixRank([...jk.replicates], rows),
      );
    }
  });

  it('knows only the jackknife replicate sets asRepDesign made', () => {
    const jk = jackknife({ weights: [1, 2, 3, 4], psu: [1, 2, 3, 4], strata: null, fpc: null });
    expect(knownJackknifeRank([...jk.replicates], null, 1e-5)).toBeNull();
    const data = fromColumns({ w: [1, 2, 3, 4, 5], s: ['a', 'a', 'b', 'b', 'c'] });
    const design = svyDesign(data, { strata: 's', weights: 'w', lonelyPsu: 'adjust' });
    const boot = asRepDesign(design, { type: 'bootstrap', replicates: 5 });
    expect(knownJackknifeRank(boot.replicates, null, 1e-5)).toBeNull();
    // a lonely stratum's 'adjust' replicate deletes the stratum: the general route, R's rank
    const adjust = asRepDesign(design, { type: 'JKn' });
    expect(knownJackknifeRank(adjust.replicates, null, 1e-5)).toBeNull();
    expect(adjust.df).toBe(replicateWeightMatrixRank([...adjust.replicates]) - 1);
  });
});
