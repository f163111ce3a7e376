/**
 * Weighting of designs whose weights or population figures are of extreme magnitude (near
 * 1e±300, or subnormal): their sums would overflow or underflow. Every weighting step is
 * homogeneous: weights and population figures (and trimming bounds) times 2^-k give new weights
 * times 2^-k and the same factors. So a step computes on the design's weights, replicates and
 * figures scaled by one power of two to near 1 ({@link weighScaled}), which is exact, and its
 * result is multiplied back: the new weights, replicates and the step's record in the weights'
 * own unit, the scaled new weights kept for the estimators (see {@link rememberScaled}).
 * @module
 */
import type { ReplicateDesign } from '../design/replicate-types.js';
import { ldexp, positiveRange, scaledBy, unscaled, weightExponent } from '../design/scale.js';
import type { LinearizationDesign, SurveyDesign } from '../design/types.js';
import type { WeightingStep } from '../design/weighting-history.js';
import { checkFiniteWeights } from './common.js';

/** Figures within [2^-LIMIT, 2^LIMIT] need no scaling (as weights: see weightExponent). */
const LIMIT = 2 ** 256;

/**
 * The positive finite numbers among `values` (anything else is left for the step's own checks).
 * @param values - Candidate population figures, as given (possibly not numbers at all).
 */
export function figures(values: Iterable<unknown>): number[] {
  const out: number[] = [];
  for (const v of values) {
    if (typeof v !== 'number') continue;
    const a = Math.abs(v);
    if (a > 0 && a < Number.POSITIVE_INFINITY) out.push(a);
  }
  return out;
}

/**
 * The exponent a weighting step computes with: 0 when the design's weights and the figures are
 * all ordinary, else the power of two halfway between the weights' largest and the figures'
 * largest (so that weights of 1e306 and populations of 1000 both come near 1e±150, and weights
 * and figures times the same 2^k both near 1), kept so that neither largest value goes above
 * 2^1000 nor a smallest positive value below the normal range.
 */
function stepExponent(design: SurveyDesign, values: readonly number[]): number {
  let ordinary = weightExponent(design.weights) === 0;
  for (const v of values) if (v > LIMIT || v < 1 / LIMIT) ordinary = false;
  if (ordinary) return 0;
  const ranges = [positiveRange(design.weights), positiveRange(values)].filter((r) => r.max > 0);
  const top = ranges.map((r) => Math.floor(Math.log2(r.max)));
  if (top.length === 0) return 0;
  const middle = Math.floor(top.reduce((a, b) => a + b, 0) / top.length);
  const lowest = Math.max(...top.map((e) => e - 1000));
  const highest = Math.min(...ranges.map((r) => Math.floor(Math.log2(r.minPositive)) + 1021));
  return Math.min(Math.max(middle, lowest), highest);
}

/** A step's record in the weights' own unit (`oldWeights`: the input design's, as given). */
function unscaledStep(
  step: WeightingStep,
  oldWeights: Float64Array,
  weights: Float64Array,
  k: number,
): WeightingStep {
  const base = { oldWeights, weights };
  switch (step.method) {
    case 'postStratify':
    case 'calibrate':
      return { ...step, ...base, population: step.population.map((v) => ldexp(v, k)) };
    case 'rake':
      return { ...step, ...base }; // its margins are the caller's, `worst` in their unit already
    default:
      return { ...step, ...base, lower: ldexp(step.lower, k), upper: ldexp(step.upper, k) };
  }
}

/**
 * Runs a weighting step on the design's weights (and replicates) and the population figures
 * scaled by one power of two 2^-k to near 1, and returns its result in the weights' own unit:
 * new weights and replicates times 2^k, the step's weights, population figures and bounds too
 * (its factors and g-weights are unit-free), the design's earlier history as it was. With
 * ordinary weights and figures (k = 0) the step runs on the design itself.
 * @param design - The design to weight.
 * @param values - The step's population figures (or bounds) in the weights' unit, as given (see
 *   {@link figures}).
 * @param weigh - The step: given the design to compute on and k, it scales the figures it reads
 *   by 2^-k (after checking them) and shows numbers in messages times 2^k.
 * @example
 * ```ts
 * const d = svyDesign(fromColumns({ g: ['a', 'b', 'a'], w: [2 ** 1000, 2 ** 1001, 2 ** 1000] }), { weights: 'w' });
 * const ps = postStratify(d, { variables: ['g'], population: [{ g: 'a', count: 2 ** 1003 }, { g: 'b', count: 2 ** 1002 }] });
 * console.log(Array.from(ps.weights, (w) => Math.log2(w))); // => [ 1002, 1002, 1002 ]
 * ```
 */
export function weighScaled<D extends SurveyDesign>(
  design: D,
  values: readonly number[],
  weigh: (working: D, k: number) => D,
): D {
  const k = stepExponent(design, values);
  if (k === 0) return weigh(design, 0);
  let working: D;
  if (design.type === 'replicate') {
    const rep: ReplicateDesign = {
      ...design,
      weights: scaledBy(design.weights, k),
      replicates: design.replicates.map((r) => scaledBy(r, k)),
    };
    working = rep as D;
  } else {
    const lin: LinearizationDesign = { ...design, weights: scaledBy(design.weights, k) };
    working = lin as D;
  }
  const result = weigh(working, k);
  const history = (result.type === 'linearization' ? result.calibration : result.weighting) ?? [];
  const step = history[history.length - 1]!;
  const weights = unscaled(result.weights, k);
  checkFiniteWeights(weights, step.method, null);
  const done = unscaledStep(step, design.weights, weights, k);
  if (result.type === 'replicate') {
    const replicates = result.replicates.map((r) => unscaled(r, k));
    replicates.forEach((r, j) => {
      checkFiniteWeights(r, step.method, j + 1);
    });
    const out: ReplicateDesign = {
      ...result,
      weights,
      replicates,
      weighting: [...((design as ReplicateDesign).weighting ?? []), done],
    };
    return out as D;
  }
  const out: LinearizationDesign = {
    ...result,
    weights,
    calibration: [...((design as LinearizationDesign).calibration ?? []), done],
  };
  return out as D;
}
