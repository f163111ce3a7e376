/**
 * The rank of JK1 replicate weights from their structure (design/jackknife-rank.ts) against R's
 * degf() (test/reference/jk1-rank.json: skewed, extremely unequal and zero weights, clusters,
 * domains, 2,000 PSUs) and against the general rank of the same matrix.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { knownJk1Rank } from '../../src/design/jackknife-rank.js';
import {
  asRepDesign,
  replicateDegf,
  replicateWeightMatrixRank,
} from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import { loadReferenceJson } from '../helpers/reference.js';

interface RankCase {
  id: string;
  weights: number[];
  psu: number[];
  degf: number;
  domain?: number[];
  domainDegf?: number;
}

const ref = loadReferenceJson<{ cases: RankCase[] }>('jk1-rank.json');

function jk1(weights: number[], psu: number[]) {
  const data = fromColumns({ w: weights, psu, y: weights.map((_, i) => i) });
  return asRepDesign(svyDesign(data, { ids: 'psu', weights: 'w', allowZeroWeights: true }), {
    type: 'JK1',
  });
}

describe('JK1 rank from the structure of the replicates', () => {
  for (const c of ref.cases) {
    it(`${c.id}: R's degf, in the whole design and a domain`, () => {
      const jk = jk1(c.weights, c.psu);
      expect(knownJk1Rank(jk.replicates, null, 1e-5)).not.toBeNull();
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
    for (let t = 0; t < 60; t++) {
      const nPsu = 2 + Math.floor(random() * 60);
      const perPsu = 1 + Math.floor(random() * 3);
      const spread = [1, 4, 12, 20][t % 4]!; // up to weights 1e±8 apart
      const psu: number[] = [];
      const weights: number[] = [];
      for (let c = 0; c < nPsu; c++) {
        for (let k = 0; k < perPsu; k++) {
          psu.push(c + 1);
          weights.push(t % 5 === 0 && random() < 0.1 ? 0 : Math.exp(spread * (random() - 0.5)));
        }
      }
      const jk = jk1(weights, psu);
      expect(jk.df, `case ${t}`).toBe(replicateWeightMatrixRank([...jk.replicates]) - 1);
      const rows = Uint8Array.from(psu, (p) => (p % 3 === 0 ? 1 : 0));
      expect(knownJk1Rank(jk.replicates, rows, 1e-5), `case ${t} domain`).toBe(
        replicateWeightMatrixRank([...jk.replicates], rows),
      );
    }
  });

  it('knows only the replicate sets asRepDesign made as JK1', () => {
    const jk = jk1([1, 2, 3, 4], [1, 2, 3, 4]);
    expect(knownJk1Rank([...jk.replicates], null, 1e-5)).toBeNull();
    const data = fromColumns({ w: [1, 2, 3, 4], s: ['a', 'a', 'b', 'b'] });
    const jkn = asRepDesign(svyDesign(data, { strata: 's', weights: 'w' }), { type: 'JKn' });
    expect(knownJk1Rank(jkn.replicates, null, 1e-5)).toBeNull();
  });
});
