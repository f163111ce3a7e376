/**
 * linearBlock: combinations M θ of a block's estimates get the covariance M V Mᵀ, influence
 * values whose linearization variance is that covariance, and replicate estimates M θ_r.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign } from '../../src/design/replicate.js';
import { rowLink } from '../../src/estimate/influence-rows.js';
import { linearBlock } from '../../src/estimate/linear-block.js';
import { svyMean } from '../../src/estimate/mean.js';
import { estimateVariance } from '../../src/estimate/variance.js';
import { replicateCovariance } from '../../src/variance/replicate.js';

const data = fromColumns({
  g: ['a', 'b', 'c', 'a', 'b', 'a', 'c', 'c', 'a', 'b', 'a', 'a'],
  psu: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
  stratum: [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2],
  w: [1, 2, 1, 3, 2, 2, 1, 1, 4, 1, 2, 3],
});
const design = svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'w' });
// a + b, a − c, 2 b
const M = Float64Array.of(1, 1, 0, 1, 0, -1, 0, 2, 0);

describe('linearBlock', () => {
  it('gives M V Mᵀ, and influence values with that variance', () => {
    const shares = svyMean(design, 'g');
    const block = rowLink(shares[0]!)!.block;
    const lb = linearBlock(block, M, 3);
    const V = block.covariance;
    for (let r = 0; r < 3; r++) {
      for (let t = 0; t < 3; t++) {
        let s = 0;
        for (let a = 0; a < 3; a++)
          for (let b = 0; b < 3; b++) s += M[r * 3 + a]! * V[a * 3 + b]! * M[t * 3 + b]!;
        expect(lb.covariance[r * 3 + t]).toBeCloseTo(s, 15);
      }
    }
    const fromInfluence = estimateVariance(design, lb.influence!, lb.present);
    fromInfluence.forEach((v, e) => {
      expect(v).toBeCloseTo(lb.covariance[e]!, 15);
    });
    // 2 b has four times b's variance
    expect(lb.covariance[8]).toBeCloseTo(4 * V[4]!, 15);
    // and the dense influence values are the same combinations
    const dense = lb.influence!.dense();
    const base = block.influence!.dense();
    dense[1]!.forEach((z, i) => {
      expect(z).toBeCloseTo(base[0]![i]! - base[2]![i]!, 15);
    });
  });

  it("hands on the base block's rows (its lazy mask), in the block and in the influence", () => {
    const withMissing = fromColumns({
      g: ['a', null, 'b', 'a', null, 'b'],
      psu: [1, 1, 2, 2, 3, 3],
    });
    const d = svyDesign(withMissing, { ids: 'psu' });
    const block = rowLink(svyMean(d, 'g')[0]!)!.block;
    const lb = linearBlock(block, Float64Array.of(1, -1), 1);
    expect(Array.from(lb.present!)).toEqual([1, 0, 1, 1, 0, 1]);
    expect(lb.present).toBe(block.present);
    expect(lb.influence!.present).toBe(block.influence!.present);
    expect(Object.keys(lb)).toContain('present');
  });

  it('combines replicate estimates on a replicate design', () => {
    const rep = asRepDesign(design);
    const shares = svyMean(rep, 'g');
    const block = rowLink(shares[0]!)!.block;
    const lb = linearBlock(block, M, 3);
    const again = replicateCovariance(rep, lb.replicates!.full, lb.replicates!.reps);
    again.forEach((v, e) => {
      expect(v).toBeCloseTo(lb.covariance[e]!, 15);
    });
    expect(lb.replicates!.full[1]).toBeCloseTo(shares[0]!.estimate - shares[2]!.estimate, 15);
  });
});
