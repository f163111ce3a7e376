/**
 * `trimWeights`: weights limited to bounds, the trimmed amount shared by the others
 * (R's `trimWeights`).
 * @module
 */
import { replicateDegf } from '../design/replicate.js';
import { ldexp } from '../design/scale.js';
import type { SurveyDesign } from '../design/types.js';
import type { TrimStep } from '../design/weighting-history.js';
import { WeightingError } from '../errors.js';
import {
  checkDesign,
  domainNote,
  forEachReplicate,
  positiveOption,
  type ReweightedReplicates,
  weightingRows,
  withStep,
} from './common.js';
import { figures, weighScaled } from './scaled.js';

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
 * `strict: true` this is repeated until no weight is outside, each further pass sharing only
 * among the weights never trimmed (survey 4.2's rule: 4.1.1 also gives a share to weights
 * trimmed to a bound, which can push them out again, and recurses on weights stored as
 * 1/probability, so a weight trimmed to a bound can come back a rounding error above it and
 * 4.1.1's `strict` then never ends). A pass with no weight left to take the share is an error
 * (R warns and lets the total change).
 *
 * Trimming adds nothing to the variance: earlier post-stratification, raking or calibration
 * steps are kept with the weights they produced, as in R (so their totals may no longer be met
 * exactly after trimming). A design with a domain ({@link subset}) has only its domain's
 * respondents trimmed, as R's `trimWeights(subset(design, ...))`: the bounds apply to them, the
 * trimmed amount is shared among them, the others get weight 0 and the domain is kept (see
 * {@link postStratify}).
 *
 * On a replicate-weight design the full-sample weights are trimmed as above, and each
 * replicate's weights to the same bounds by the same rule among the rows it keeps: a replicate
 * weight of 0 (a row the replicate leaves out) stays 0 and takes no share; `strict` repeats
 * within each replicate. This is what R's `trimWeights.svyrep.design` sets out to do; R 4.1.1's
 * own code leaves the full-sample weights unchanged and scrambles the replicate weights (it
 * recycles the weights inside the bounds over the whole matrix), so surveykit does not follow it.
 * The degrees of freedom are kept.
 *
 * @param design - The design whose weights are trimmed.
 * @param opts - The lower and upper limits of the weights, and `strict` to repeat until none is
 *   outside them: see {@link TrimOptions}.
 * @throws {WeightingError} `BAD_OPTION` (no bound, or lower ≥ upper), `INFEASIBLE_BOUNDS`
 *   (the sum of weights cannot fit within the bounds, or every weight is outside them),
 *   `NOT_CONVERGED` (`strict` passes that have not settled after `maxIter`),
 *   `UNSUPPORTED_DESIGN`. On a replicate design, the same errors for a replicate, with
 *   `details.replicate` its number (1-based).
 * @example
 * ```ts
 * const data = fromColumns({ w: [1, 1, 1, 1, 6] });
 * const d = trimWeights(svyDesign(data, { weights: 'w' }), { upper: 4 });
 * console.log(Array.from(d.weights).join(' ')); // => 1.5 1.5 1.5 1.5 4
 *
 * // A replicate design: the replicate's 0 stays 0 and takes no share.
 * const rep = svyRepDesign(fromColumns({ w: [1, 1, 1, 1, 6], r1: [0, 1.2, 1.2, 1.2, 7.2], r2: [1.2, 0, 1.2, 1.2, 7.2] }), {
 *   weights: 'w', repweights: ['r1', 'r2'], type: 'JK1', scale: 0.5,
 * });
 * console.log(Array.from(trimWeights(rep, { upper: 4 }).replicates[0], (x) => +x.toFixed(4)).join(' ')); // => 0 2.2667 2.2667 2.2667 4
 * ```
 */
export function trimWeights<D extends SurveyDesign>(design: D, opts: TrimOptions = {}): D {
  checkDesign(design, 'trimWeights');
  const bounds = figures([opts?.lower, opts?.upper]);
  return weighScaled(design, bounds, (working, k) => trimOn(working, opts, k));
}

/** {@link trimWeights} on weights and bounds times 2^-k (see {@link weighScaled}). */
function trimOn<D extends SurveyDesign>(design: D, opts: TrimOptions, k: number): D {
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
  const rows = weightingRows(design, 'trimWeights');
  const bounds: Bounds = { lower: ldexp(lower, -k), upper: ldexp(upper, -k), k };
  const full = trimVector(oldWeights, bounds, strict, maxIter, false, rows);
  const w = full.weights;
  const { trimmed, passes, outsideAfter } = full;
  const notes = domainNote(design);
  if (outsideAfter > 0) {
    notes.push(
      `trimWeights: ${outsideAfter} weight(s) are outside [${lower}, ${upper}] after one pass (the shared amount pushed them out); strict: true repeats until none is`,
    );
  }

  // Replicate designs: every replicate's weights trimmed to the same bounds by the same rule,
  // among the rows it keeps (a replicate weight of 0 leaves the row out of that replicate: it
  // stays 0 and takes no share).
  let reweighted: ReweightedReplicates | undefined;
  let replicateRecord: TrimStep['replicates'];
  if (design.type === 'replicate') {
    const R = design.replicates.length;
    const iterations = new Int32Array(R);
    let repOutside = 0;
    const replicates = forEachReplicate(R, (r) => {
      const t = trimVector(design.replicates[r]!, bounds, strict, maxIter, true, rows);
      iterations[r] = t.passes;
      repOutside += t.outsideAfter;
      return t.weights;
    });
    reweighted = { replicates, df: replicateDegf(design) };
    replicateRecord = { count: R, iterations, notConverged: [] };
    if (repOutside > 0) {
      notes.push(
        `trimWeights: ${repOutside} replicate weight(s) are outside [${lower}, ${upper}] after one pass; strict: true repeats until none is`,
      );
    }
  }

  const step: TrimStep = {
    method: 'trim',
    lower: bounds.lower,
    upper: bounds.upper,
    strict,
    trimmed,
    outsideAfter,
    iterations: passes,
    converged: outsideAfter === 0,
    oldWeights,
    weights: w,
    notes,
    rows,
    ...(replicateRecord ? { replicates: replicateRecord } : {}),
  };
  return withStep(design, w, step, reweighted);
}

/** The bounds in the unit of the weights trimmed (times 2^-k); messages show them times 2^k. */
interface Bounds {
  lower: number;
  upper: number;
  k: number;
}

interface Trimmed {
  weights: Float64Array;
  passes: number;
  /** Weights outside the bounds in the first pass. */
  trimmed: number;
  /** Weights outside the bounds at the end. */
  outsideAfter: number;
}

/**
 * R's trimming rule on one set of weights: those outside [lower, upper] set to the bound, what
 * was cut shared equally by those inside; repeated with `strict`. With `skipZero`, weights of 0
 * are left as they are and take no share (rows a replicate leaves out). With `rows`, only those
 * rows are trimmed; the others get weight 0.
 */
function trimVector(
  weights: Float64Array,
  bounds: Bounds,
  strict: boolean,
  maxIter: number,
  skipZero: boolean,
  rows: Uint8Array | null,
): Trimmed {
  const { lower, upper, k } = bounds;
  const show = (x: number) => ldexp(x, k);
  const shown = [show(lower), show(upper)];
  const n = weights.length;
  // Rows that take no part: outside `rows`, and (with skipZero) a replicate's 0.
  const out = (i: number, x: number) => (rows !== null && rows[i] === 0) || (skipZero && x === 0);
  let total = 0;
  let used = 0;
  for (let i = 0; i < n; i++) {
    const x = weights[i]!;
    if (out(i, x)) continue;
    total += x;
    used++;
  }
  if (total < lower * used || total > upper * used) {
    throw new WeightingError(
      'INFEASIBLE_BOUNDS',
      `the ${used} ${skipZero ? 'positive ' : ''}weights sum to ${show(total)}, which cannot be kept within [${shown[0]}, ${shown[1]}] (that allows ${show(lower * used)} to ${show(upper * used)})`,
      { value: show(total), bounds: shown },
    );
  }
  let w = Float64Array.from(weights);
  if (rows !== null) for (let i = 0; i < n; i++) if (rows[i] === 0) w[i] = 0;
  let passes = 0;
  let trimmed = -1;
  const outside = new Uint8Array(n);
  // Weights trimmed in an earlier pass: they sit at a bound and take no further share (survey
  // 4.2's rule; 4.1.1 shared with them too, and could push them out again).
  const trimmedBefore = new Uint8Array(n);
  for (;;) {
    let nOutside = 0;
    let cut = 0;
    for (let i = 0; i < n; i++) {
      const x = w[i]!;
      if ((x < lower || x > upper) && !out(i, x)) {
        outside[i] = 1;
        nOutside++;
        const y = x < lower ? lower : upper;
        cut += x - y;
      } else outside[i] = 0;
    }
    if (trimmed < 0) trimmed = nOutside;
    if (nOutside === 0) break;
    if (nOutside === used) {
      throw new WeightingError(
        'INFEASIBLE_BOUNDS',
        `every ${skipZero ? 'positive ' : ''}weight is outside [${shown[0]}, ${shown[1]}], so there is no weight to share the trimmed amount with`,
        { bounds: shown },
      );
    }
    if (passes >= maxIter || !Number.isFinite(cut)) {
      throw new WeightingError(
        'NOT_CONVERGED',
        `strict trimming to [${shown[0]}, ${shown[1]}] did not settle after ${passes} passes (${nOutside} weight(s) still outside, ${show(Math.abs(cut))} to share); raise maxIter, widen the bounds or use strict: false`,
        { bounds: shown, iterations: passes, count: nOutside, value: show(cut) },
      );
    }
    let takers = 0;
    for (let i = 0; i < n; i++) if (!outside[i] && !trimmedBefore[i] && !out(i, w[i]!)) takers++;
    if (takers === 0) {
      throw new WeightingError(
        'NOT_CONVERGED',
        `strict trimming to [${shown[0]}, ${shown[1]}]: after ${passes} passes ${nOutside} weight(s) are outside and every other weight has been trimmed to a bound already, so there is none left to take the ${show(Math.abs(cut))} cut off (R warns "trimming failed" and lets the total change); widen the bounds or use strict: false`,
        { bounds: shown, iterations: passes, count: nOutside, value: show(cut) },
      );
    }
    passes++;
    const share = cut / takers;
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = w[i]!;
      if (out(i, x)) continue;
      if (outside[i]) {
        next[i] = x < lower ? lower : upper;
        trimmedBefore[i] = 1;
      } else next[i] = trimmedBefore[i] ? x : x + share;
    }
    w = next;
    if (!strict) break;
  }
  let outsideAfter = 0;
  for (let i = 0; i < n; i++) {
    const x = w[i]!;
    if ((x < lower || x > upper) && !out(i, x)) outsideAfter++;
  }
  return { weights: w, passes, trimmed, outsideAfter };
}
