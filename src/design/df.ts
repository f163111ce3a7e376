/**
 * Degrees of freedom of a design (R's `degf`), whatever its type.
 * @module
 */
import { designDf } from '../variance/linearization.js';
import { replicateDegf, weightedOn } from './replicate.js';
import type { SurveyDesign } from './types.js';

/**
 * Per weights and domain rows of a linearization design: its df (a pass over the rows, asked for
 * by several estimators of one call), with the stage-1 clusters it was counted on.
 */
const linearizationCache = new WeakMap<
  Float64Array,
  WeakMap<object, { clusters: Int32Array; df: number }>
>();
/** The key of "no domain" in {@link linearizationCache}. */
const WHOLE = {};

/** Per domain rows and replicate weights: the rank-based df (replicates differ after weighting). */
const replicateCache = new WeakMap<Uint8Array, WeakMap<readonly Float64Array[], number>>();

/**
 * R's `degf(design)` for the design's domain: PSUs minus strata at stage 1 for a linearization
 * design (rows with weight and in the domain), the rank of the replicate weights minus 1 for a
 * replicate design (recomputed on the domain's rows, as R's `subset` does; cached per domain; a
 * design weighted on its domain keeps the df its weighting step set, as R's weighted subset).
 * `rows` overrides the domain (e.g. the rows left after dropping missing values).
 *
 * @param design - A design, or a domain of one.
 * @param rows - The rows to count (one flag per respondent); default the design's domain, `null`
 *   for every row.
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4], psu: [1, 1, 2, 3], w: [1, 1, 1, 1] });
 * console.log(degreesOfFreedom(svyDesign(data, { ids: 'psu', weights: 'w' }))); // => 2
 * ```
 */
export function degreesOfFreedom(
  design: SurveyDesign,
  rows: Uint8Array | null = design.domain,
): number {
  if (design.type === 'linearization') {
    let byRows = linearizationCache.get(design.weights);
    if (byRows === undefined) {
      byRows = new WeakMap();
      linearizationCache.set(design.weights, byRows);
    }
    const clusters = design.stages[0]!.rowCluster;
    const hit = byRows.get(rows ?? WHOLE);
    if (hit !== undefined && hit.clusters === clusters) return hit.df;
    const df = designDf(design, rows);
    byRows.set(rows ?? WHOLE, { clusters, df });
    return df;
  }
  if (rows === null || weightedOn(design, rows)) return design.df;
  let byReplicates = replicateCache.get(rows);
  if (byReplicates === undefined) {
    byReplicates = new WeakMap();
    replicateCache.set(rows, byReplicates);
  }
  let df = byReplicates.get(design.replicates);
  if (df === undefined) {
    df = replicateDegf({ ...design, domain: rows });
    byReplicates.set(design.replicates, df);
  }
  return df;
}

/**
 * Per group (code 0..nGroups−1 of `codes`; −1 is no group): R's `degf` of the group's rows
 * within `rows` (default the design's domain), as {@link degreesOfFreedom} of
 * `subset(design, codes === g)`. For a linearization design one pass over the rows for all
 * groups (each group's stage-1 clusters and strata marked in a table of groups × clusters; at
 * most about 8 bytes per row at a time, so many groups of a design with many clusters take a
 * few passes); a replicate design's df is a rank per group.
 * @example
 * ```ts
 * const data = fromColumns({ psu: [1, 2, 3, 4, 5], s: ['a', 'a', 'b', 'b', 'b'] });
 * const d = svyDesign(data, { ids: 'psu', strata: 's' });
 * console.log(Array.from(groupDegreesOfFreedom(d, Int32Array.of(0, 1, 0, 0, 1), 2))); // => [ 1, 0 ]
 * ```
 */
export function groupDegreesOfFreedom(
  design: SurveyDesign,
  codes: Int32Array,
  nGroups: number,
  rows: Uint8Array | null = design.domain,
): Float64Array {
  const out = new Float64Array(nGroups);
  const n = codes.length;
  if (design.type !== 'linearization') {
    for (let g = 0; g < nGroups; g++) {
      const mask = new Uint8Array(n);
      for (let i = 0; i < n; i++) mask[i] = codes[i] === g && (rows === null || rows[i]) ? 1 : 0;
      out[g] = degreesOfFreedom(design, mask);
    }
    return out;
  }
  const stage = design.stages[0]!;
  const { rowCluster, rowStratum, nClusters, nStrata } = stage;
  const w = design.weights;
  const chunk = Math.max(1, Math.floor((8 * n) / (nClusters + nStrata)));
  for (let first = 0; first < nGroups; first += chunk) {
    const count = Math.min(chunk, nGroups - first);
    const clusterSeen = new Uint8Array(count * nClusters);
    const stratumSeen = new Uint8Array(count * nStrata);
    for (let i = 0; i < n; i++) {
      const g = codes[i]! - first;
      if (g < 0 || g >= count || w[i] === 0 || (rows !== null && !rows[i])) continue;
      const c = g * nClusters + rowCluster[i]!;
      if (!clusterSeen[c]) {
        clusterSeen[c] = 1;
        out[first + g]! += 1;
      }
      const s = g * nStrata + rowStratum[i]!;
      if (!stratumSeen[s]) {
        stratumSeen[s] = 1;
        out[first + g]! -= 1;
      }
    }
  }
  return out;
}
