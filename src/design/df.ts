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
