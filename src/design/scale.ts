/**
 * Weights of extreme magnitude (near 1e±300, or subnormal) overflow or underflow the sums and
 * squares the estimators form. Multiplying every weight by a power of two is exact (the
 * significands do not change), and every estimator is homogeneous in the weights: means, shares,
 * ratios, quantiles and tests do not change, totals and their standard errors scale by the same
 * factor. So the estimators compute on a copy of the design whose weights are scaled by 2^-k to
 * near 1 ({@link workingDesign}) and multiply back by 2^k only what carries the weights' unit
 * ({@link ldexp}). Ordinary weights (between 2^-256 and 2^256) are never copied: k = 0.
 * @module
 */
import type { ReplicateDesign } from './replicate-types.js';
import type { LinearizationDesign, SurveyDesign } from './types.js';
import type { WeightingStep } from './weighting-history.js';

/** Weights whose largest value lies outside [2^-LIMIT, 2^LIMIT] are scaled. */
const LIMIT = 256;

/** Per weights array: the exponent k its estimates are computed with (weights times 2^-k). */
const exponents = new WeakMap<Float64Array, number>();
/** Per weights array: its scaled copy (so designs sharing weights share the copy). */
const scaledArrays = new WeakMap<Float64Array, Float64Array>();
/** Per replicate set: its scaled copy (designs sharing replicates share the copy). */
const scaledSets = new WeakMap<readonly Float64Array[], readonly Float64Array[]>();
/** Per design: an exponent given by {@link inheritExponent} (its weights not read). */
const designExponents = new WeakMap<SurveyDesign, number>();
/** Per design: its working copy. */
const working = new WeakMap<SurveyDesign, SurveyDesign>();

/**
 * x · 2^e, exactly whenever the result is a normal number (in steps so that neither 2^e nor an
 * intermediate overflows or underflows on the way).
 * @example
 * ```ts
 * console.log(ldexp(3, -1060) > 0, ldexp(ldexp(3, -1060), 1060), ldexp(1, 1024)); // => true 3 Infinity
 * ```
 */
export function ldexp(x: number, e: number): number {
  let v = x;
  let rest = e;
  while (rest > 1000) {
    v *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    v *= 2 ** -1000;
    rest += 1000;
  }
  return v * 2 ** rest;
}

/** floor(log2(x)) of a positive finite x (within one; only a power of two is needed). */
function exponentOf(x: number): number {
  return Math.floor(Math.log2(x));
}

/**
 * The exponent k a design's estimates are computed with: its weights times 2^-k are near 1. 0
 * (the ordinary case) unless the largest weight is above 2^256 (≈ 1e77) or below 2^-256; the
 * shift down is capped so that no positive weight falls below the smallest normal double.
 * Computed once per weights array (one pass; cached).
 * @param weights - The design's weights (or a replicate's).
 * @example
 * ```ts
 * console.log(weightExponent(Float64Array.from([1, 2, 3])), weightExponent(Float64Array.from([1e300, 3e300]))); // => 0 998
 * ```
 */
export function weightExponent(weights: Float64Array): number {
  const known = exponents.get(weights);
  if (known !== undefined) return known;
  let max = 0;
  let minPositive = Number.POSITIVE_INFINITY;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w > max) max = w;
    if (w > 0 && w < minPositive) minPositive = w;
  }
  return rememberRange(weights, max, minPositive);
}

/**
 * Records the exponent of a weights array from its largest and smallest positive values, found
 * by a pass its maker made anyway (e.g. the design's weight validation), and returns it.
 * @param weights - The weights array.
 * @param max - Its largest value.
 * @param minPositive - Its smallest positive value (`Infinity` when none).
 * @example
 * ```ts
 * const w = Float64Array.from([2 ** 300, 2 ** 301]);
 * console.log(rememberRange(w, 2 ** 301, 2 ** 300), weightExponent(w)); // => 301 301
 * ```
 */
export function rememberRange(weights: Float64Array, max: number, minPositive: number): number {
  let k = 0;
  if (max > 0 && max < Number.POSITIVE_INFINITY) {
    const e = exponentOf(max);
    if (e > LIMIT) k = Math.max(0, Math.min(e, exponentOf(minPositive) + 1021));
    else if (e < -LIMIT) k = e;
  }
  exponents.set(weights, k);
  return k;
}

/**
 * Gives a part of a design (e.g. one svyBy group) the exponent of the design it was taken from,
 * so that the parts are scaled alike and the part's weights need not be read (or made) to know it.
 * @param part - A design on some of `whole`'s rows.
 * @param whole - The design it came from.
 * @example
 * ```ts
 * const whole = svyDesign(fromColumns({ w: [1e300, 2e300, 3e300] }), { weights: 'w' });
 * const part = { ...whole, weights: whole.weights.subarray(1) };
 * inheritExponent(part, whole);
 * console.log(workingDesign(part).exponent === weightExponent(whole.weights)); // => true
 * ```
 */
export function inheritExponent(part: SurveyDesign, whole: SurveyDesign): void {
  designExponents.set(part, weightExponent(whole.weights));
}

function scaledArray(w: Float64Array, k: number): Float64Array {
  let out = scaledArrays.get(w);
  if (out === undefined) {
    out = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) out[i] = ldexp(w[i]!, -k);
    scaledArrays.set(w, out);
    exponents.set(out, 0);
  }
  return out;
}

function scaledSet(set: readonly Float64Array[], k: number): readonly Float64Array[] {
  let out = scaledSets.get(set);
  if (out === undefined) {
    out = set.map((r) => scaledArray(r, k));
    scaledSets.set(set, out);
  }
  return out;
}

/** A weighting step with its weights in the scaled unit (factors and g-weights are unit-free). */
function scaledStep(step: WeightingStep, k: number): WeightingStep {
  return {
    ...step,
    oldWeights: scaledArray(step.oldWeights, k),
    weights: scaledArray(step.weights, k),
  };
}

/**
 * The design to compute on, and the exponent k to multiply back totals (and their standard
 * errors) with: `{ design, exponent: 0 }` for ordinary weights; otherwise a copy (made once per
 * design) whose weights, replicate weights and weighting steps' weights are the design's times
 * 2^-k, exactly.
 * @param design - The design an estimator was given.
 * @example
 * ```ts
 * const d = svyDesign(fromColumns({ w: [1e300, 3e300] }), { weights: 'w' });
 * const { design, exponent } = workingDesign(d);
 * console.log(exponent, ldexp(design.weights[1], exponent) === d.weights[1]); // => 998 true
 * ```
 */
export function workingDesign(design: SurveyDesign): { design: SurveyDesign; exponent: number } {
  const k = designExponents.get(design) ?? weightExponent(design.weights);
  if (k === 0) return { design, exponent: 0 };
  let copy = working.get(design);
  if (copy === undefined) {
    if (design.type === 'linearization') {
      const steps = design.calibration;
      const scaled: LinearizationDesign = {
        ...design,
        weights: scaledArray(design.weights, k),
        ...(steps ? { calibration: steps.map((s) => scaledStep(s, k)) } : {}),
      };
      copy = scaled;
    } else {
      const steps = design.weighting;
      const scaled: ReplicateDesign = {
        ...design,
        weights: scaledArray(design.weights, k),
        replicates: scaledSet(design.replicates, k),
        ...(steps ? { weighting: steps.map((s) => scaledStep(s, k)) } : {}),
      };
      copy = scaled;
    }
    working.set(design, copy);
  }
  return { design: copy, exponent: k };
}
