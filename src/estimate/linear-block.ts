/**
 * Linear combinations of a block's estimates as a block of their own: estimates M θ, covariance
 * M V Mᵀ, influence values M z (summed per cluster from the block's own per-cluster sums), and on
 * a replicate design the replicate estimates M θ_r. Rows made from them combine with other rows
 * in `jointCovariance` as the block's own would (e.g. an attitude item's answer-group shares,
 * made from the shares of its answers by one pass over the respondents).
 * @module
 */
import type { Influence } from '../variance/influence.js';
import type { InfluenceBlock } from './influence-rows.js';
import type { ReplicateEstimates } from './variance.js';

/**
 * The block of the q combinations M θ (M is q × p, row-major) of a block's p estimates.
 * @example
 * ```ts
 * // Two estimates with variances 4 and 9 and covariance 1: their sum and difference.
 * const block = { p: 2, covariance: Float64Array.of(4, 1, 1, 9), design: null, influence: null, present: null };
 * const both = linearBlock(block, Float64Array.of(1, 1, 1, -1), 2);
 * console.log(Array.from(both.covariance)); // => [ 15, -5, -5, 11 ]
 * ```
 */
export function linearBlock(block: InfluenceBlock, M: Float64Array, q: number): InfluenceBlock {
  const p = block.p;
  const V = block.covariance;
  // M V Mᵀ
  const VM = new Float64Array(p * q);
  for (let a = 0; a < p; a++) {
    for (let r = 0; r < q; r++) {
      let s = 0;
      for (let b = 0; b < p; b++) s += V[a * p + b]! * M[r * p + b]!;
      VM[a * q + r] = s;
    }
  }
  const covariance = new Float64Array(q * q);
  for (let r = 0; r < q; r++) {
    for (let t = 0; t < q; t++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += M[r * p + a]! * VM[a * q + t]!;
      covariance[r * q + t] = s;
    }
  }
  const replicates = block.replicates
    ? {
        full: apply(M, q, p, block.replicates.full),
        reps: block.replicates.reps.map((x) => apply(M, q, p, x)),
      }
    : block.replicates;
  return {
    p: q,
    covariance,
    design: block.design,
    influence: block.influence === null ? null : linearInfluence(block.influence, M, q),
    // (read when asked for: the block's rows may be a mask made on first read, which only a
    // covariance with rows of another block needs)
    get present() {
      return block.present;
    },
    ...(replicates !== undefined ? { replicates: replicates as ReplicateEstimates | null } : {}),
  };
}

/** M x for a p-vector x (M is q × p, row-major). */
function apply(M: Float64Array, q: number, p: number, x: Float64Array): Float64Array {
  const out = new Float64Array(q);
  for (let r = 0; r < q; r++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += M[r * p + j]! * x[j]!;
    out[r] = s;
  }
  return out;
}

/** The influence values M z of q combinations of an influence's p columns z. */
function linearInfluence(base: Influence, M: Float64Array, q: number): Influence {
  const p = base.p;
  const out: Influence = {
    p: q,
    sumByCluster(rowCluster, totals, mark) {
      const nClusters = totals.length / q;
      const own = new Float64Array(nClusters * p);
      const seen = base.sumByCluster(rowCluster, own, mark);
      for (let c = 0; c < nClusters; c++) {
        for (let r = 0; r < q; r++) {
          let s = 0;
          for (let j = 0; j < p; j++) s += M[r * p + j]! * own[c * p + j]!;
          totals[c * q + r]! += s;
        }
      }
      return seen;
    },
    dense() {
      const columns = base.dense();
      const n = columns[0]?.length ?? 0;
      return Array.from({ length: q }, (_, r) => {
        const z = new Float64Array(n);
        for (let j = 0; j < p; j++) {
          const m = M[r * p + j]!;
          if (m === 0) continue;
          const col = columns[j]!;
          for (let i = 0; i < n; i++) z[i]! += m * col[i]!;
        }
        return z;
      });
    },
  };
  // The rows, when the base has them, read when asked for (the same lazy mask as above).
  if ('present' in base) {
    return Object.defineProperty(out, 'present', { get: () => base.present, enumerable: true });
  }
  return out;
}
