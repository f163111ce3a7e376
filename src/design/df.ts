/**
 * Degrees of freedom of a design (R's `degf`), whatever its type.
 * @module
 */
import { designDf } from '../variance/linearization.js';
import { replicateDegf, weightedOn } from './replicate.js';
import type { SurveyDesign } from './types.js';

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
  if (design.type === 'linearization') return designDf(design, rows);
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
