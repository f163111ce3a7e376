/**
 * Degrees of freedom of a design (R's `degf`), whatever its type.
 * @module
 */
import { designDf } from '../variance/linearization.js';
import { replicateDegf } from './replicate.js';
import type { SurveyDesign } from './types.js';

const replicateCache = new WeakMap<Uint8Array, number>();

/**
 * R's `degf(design)` for the design's domain: PSUs minus strata at stage 1 for a linearization
 * design (rows with weight and in the domain), the rank of the replicate weights minus 1 for a
 * replicate design (recomputed on the domain's rows, as R's `subset` does; cached per domain).
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
  if (design.type === 'linearization') return designDf(design, rows);
  if (rows === null) return design.df;
  let df = replicateCache.get(rows);
  if (df === undefined) {
    df = replicateDegf({ ...design, domain: rows });
    replicateCache.set(rows, df);
  }
  return df;
}
