/**
 * `trimWeights`: weights limited to bounds, the trimmed amount shared by the others
 * (R's `trimWeights`).
 * @module
 */
import type { SurveyDesign } from '../design/types.js';
import { WeightingError } from '../errors.js';
import { checkDesign, domainNote, positiveOption, withStep } from './common.js';
import type { TrimStep } from './types.js';

/** Options of {@link trimWeights}. */
export interface TrimOptions {
  /** Smallest weight allowed (default none). */
  lower?: number;
  /** Largest weight allowed (default none). */
  upper?: number;
  /**
   * R's `strict`: repeat until no weight is outside the bounds (the shared amount can push
   * weights past a bound). Default `false`: one pass, as R.
   */
  strict?: boolean;
  /** Most passes with `strict` (default 1000). */
  maxIter?: number;
}

/**
 * Trims weights to `[lower, upper]` as R's `trimWeights` does: weights outside are set to the
 * bound, and the total cut off (minus what was added at the lower bound) is shared **equally**
 * (not proportionally) by the weights that were inside, so the sum of weights is unchanged. With
 * `strict: true` this is repeated until no weight is outside. (R stores weights as 1/probability,
 * so a weight trimmed to a bound can come back a rounding error above it, and R's `strict` then
 * recurses without end; here weights are kept as they are, and such cases settle.)
 *
 * Trimming adds nothing to the variance: earlier post-stratification, raking or calibration
 * steps are kept with the weights they produced, as in R (so their totals may no longer be met
 * exactly after trimming). All respondents of the design are trimmed, also when it has a domain.
 *
 * @throws {WeightingError} `BAD_OPTION` (no bound, or lower ≥ upper), `INFEASIBLE_BOUNDS`
 *   (the sum of weights cannot fit within the bounds, or every weight is outside them),
 *   `NOT_CONVERGED` (`strict` passes that have not settled after `maxIter`).
 * @example
 * ```ts
 * const data = fromColumns({ w: [1, 1, 1, 1, 6] });
 * const d = trimWeights(svyDesign(data, { weights: 'w' }), { upper: 4 });
 * console.log(Array.from(d.weights).join(' ')); // => 1.5 1.5 1.5 1.5 4
 * ```
 */
export function trimWeights<D extends SurveyDesign>(design: D, opts: TrimOptions = {}): D {
  checkDesign(design, 'trimWeights');
  const lower = opts.lower ?? Number.NEGATIVE_INFINITY;
  const upper = opts.upper ?? Number.POSITIVE_INFINITY;
  const strict = opts.strict ?? false;
  const maxIter = positiveOption('maxIter', opts.maxIter, 1000, true);
  if (
    typeof lower !== 'number' ||
    typeof upper !== 'number' ||
    Number.isNaN(lower) ||
    Number.isNaN(upper)
  ) {
    throw new WeightingError('BAD_OPTION', 'lower and upper must be numbers', {
      value: [opts.lower, opts.upper],
    });
  }
  if (opts.lower === undefined && opts.upper === undefined) {
    throw new WeightingError('BAD_OPTION', 'trimWeights needs a lower or an upper bound', {});
  }
  if (!(lower < upper)) {
    throw new WeightingError('BAD_OPTION', `lower (${lower}) must be below upper (${upper})`, {
      value: [lower, upper],
    });
  }
  const oldWeights = design.weights;
  const n = oldWeights.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += oldWeights[i]!;
  if (total < lower * n || total > upper * n) {
    throw new WeightingError(
      'INFEASIBLE_BOUNDS',
      `the ${n} weights sum to ${total}, which cannot be kept within [${lower}, ${upper}] (that allows ${lower * n} to ${upper * n})`,
      { value: total, bounds: [lower, upper] },
    );
  }

  let w = Float64Array.from(oldWeights);
  let passes = 0;
  let trimmed = -1;
  const outside = new Uint8Array(n);
  for (;;) {
    let nOutside = 0;
    let cut = 0;
    for (let i = 0; i < n; i++) {
      const x = w[i]!;
      if (x < lower || x > upper) {
        outside[i] = 1;
        nOutside++;
        const y = x < lower ? lower : upper;
        cut += x - y;
      } else outside[i] = 0;
    }
    if (trimmed < 0) trimmed = nOutside;
    if (nOutside === 0) break;
    if (nOutside === n) {
      throw new WeightingError(
        'INFEASIBLE_BOUNDS',
        `every weight is outside [${lower}, ${upper}], so there is no weight to share the trimmed amount with`,
        { bounds: [lower, upper] },
      );
    }
    if (passes >= maxIter || !Number.isFinite(cut)) {
      throw new WeightingError(
        'NOT_CONVERGED',
        `strict trimming to [${lower}, ${upper}] did not settle after ${passes} passes (${nOutside} weight(s) still outside, ${Math.abs(cut)} to share): R's rule shares the trimmed amount equally with every weight inside the bounds, including those sitting at a bound, which can take many passes; raise maxIter, widen the bounds or use strict: false`,
        { bounds: [lower, upper], iterations: passes, count: nOutside, value: cut },
      );
    }
    passes++;
    const share = cut / (n - nOutside);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = w[i]!;
      next[i] = outside[i] ? (x < lower ? lower : upper) : x + share;
    }
    w = next;
    if (!strict) break;
  }
  let outsideAfter = 0;
  for (let i = 0; i < n; i++) if (w[i]! < lower || w[i]! > upper) outsideAfter++;
  const notes = domainNote(design);
  if (outsideAfter > 0) {
    notes.push(
      `trimWeights: ${outsideAfter} weight(s) are outside [${lower}, ${upper}] after one pass (the shared amount pushed them out); strict: true repeats until none is`,
    );
  }
  const step: TrimStep = {
    method: 'trim',
    lower,
    upper,
    strict,
    trimmed,
    outsideAfter,
    iterations: passes,
    converged: outsideAfter === 0,
    oldWeights,
    weights: w,
    notes,
  };
  return withStep(design, w, step);
}
