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
const scaledArrays = new WeakMap<Float64Array, { k: number; values: Float64Array }>();
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
  const { max, minPositive } = positiveRange(weights);
  return rememberRange(weights, max, minPositive);
}

/**
 * The largest value (0 when none is positive) and the smallest positive value (`Infinity` when
 * none) of some numbers, in one pass.
 * @param values - The numbers (weights, population figures).
 * @example
 * ```ts
 * console.log(positiveRange([0, 3, 0.5, -2])); // => { max: 3, minPositive: 0.5 }
 * ```
 */
export function positiveRange(values: ArrayLike<number>): { max: number; minPositive: number } {
  let max = 0;
  let minPositive = Number.POSITIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x > max) max = x;
    if (x > 0 && x < minPositive) minPositive = x;
  }
  return { max, minPositive };
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
  const k = rangeExponent(max, minPositive);
  exponents.set(weights, k);
  return k;
}

/**
 * The exponent k that brings numbers whose largest value is `max` (and smallest positive value
 * `minPositive`) near 1 by a factor 2^-k: 0 unless `max` is above 2^256 or below 2^-256; the
 * shift down is capped so that `minPositive` stays a normal number.
 * @param max - The largest value.
 * @param minPositive - The smallest positive value (`Infinity` when none).
 * @example
 * ```ts
 * console.log(rangeExponent(1000, 0.5), rangeExponent(2 ** 300, 2 ** 299), rangeExponent(2 ** 1000, 1)); // => 0 300 1000
 * ```
 */
export function rangeExponent(max: number, minPositive: number): number {
  if (!(max > 0 && max < Number.POSITIVE_INFINITY)) return 0;
  const e = exponentOf(max);
  if (e > LIMIT) return Math.max(0, Math.min(e, exponentOf(minPositive) + 1021));
  if (e < -LIMIT) return e;
  return 0;
}

/**
 * An array times 2^-k: the array itself for k = 0, else the copy {@link workingDesign} keeps for
 * it (made once), or one made from that copy for another k, so that an array multiplied back from
 * exact scaled values ({@link rememberScaled}) is read as those values, not as rounded.
 * @param values - Weights (or population figures) in their own unit.
 * @param k - The exponent.
 * @example
 * ```ts
 * console.log(Array.from(scaledBy(Float64Array.of(2 ** 600, 2 ** 601), 600))); // => [ 1, 2 ]
 * ```
 */
export function scaledBy(values: Float64Array, k: number): Float64Array {
  return k === 0 ? values : scaledArray(values, k);
}

/**
 * An array scaled by its own power of two to near 1 (see {@link weightExponent}): the array itself
 * when it is ordinary, else a copy (made once per array) times 2^-k. For computations that do
 * not change when the array is multiplied by a constant (e.g. the variance adjustment of a
 * weighting step reads the weights before and after it and the factors only through ratios).
 * @param values - Weights or factors (their positive values decide the exponent).
 * @example
 * ```ts
 * const w = Float64Array.from([3e-310, 1e-310]);
 * const s = ownScaled(w);
 * console.log(s[0] / s[1] === 3, ownScaled(Float64Array.of(1, 2))[1]); // => true 2
 * ```
 */
export function ownScaled(values: Float64Array): Float64Array {
  const k = weightExponent(values);
  return k === 0 ? values : scaledArray(values, k);
}

/**
 * Records that `scaled` is `original` times 2^-k computed without rounding (e.g. weights made
 * from scaled weights and only then multiplied back to a subnormal or huge unit, which rounds), so
 * that {@link workingDesign} computes on `scaled` instead of rescaling the rounded `original`.
 * @param original - The array in its own unit.
 * @param scaled - The same values times 2^-k, as computed.
 * @param k - The exponent.
 * @example
 * ```ts
 * const scaled = Float64Array.of(1 + 2 ** -40, 3);
 * const original = scaled.map((v) => ldexp(v, -1070)); // subnormal: rounded to 1 and 3 × 2^-1070
 * rememberScaled(original, scaled, -1070);
 * const d = { ...svyDesign(fromColumns({ w: [1, 1] }), { weights: 'w' }), weights: original };
 * console.log(original[0] === ldexp(1, -1070), workingDesign(d).design.weights === scaled); // => true true
 * ```
 */
export function rememberScaled(original: Float64Array, scaled: Float64Array, k: number): void {
  exponents.set(original, k);
  if (k === 0) return;
  scaledArrays.set(original, { k, values: scaled });
  exponents.set(scaled, 0);
}

/**
 * Values computed on weights times 2^-k, multiplied back by 2^k into a new array. When the result
 * is not ordinary (beyond 2^±256, where multiplying back may round subnormal values), the scaled
 * values are kept for {@link workingDesign} (see {@link rememberScaled}).
 * @param scaled - The values in the scaled unit.
 * @param k - The exponent.
 * @example
 * ```ts
 * const w = unscaled(Float64Array.of(1.5, 3), -1070);
 * console.log(w[0] === ldexp(1.5, -1070), workingDesign({ ...svyDesign(fromColumns({ w: [1, 1] }), { weights: 'w' }), weights: w }).design.weights[0]); // => true 1.5
 * ```
 */
export function unscaled(scaled: Float64Array, k: number): Float64Array {
  const out = new Float64Array(scaled.length);
  let max = 0;
  let minPositive = Number.POSITIVE_INFINITY;
  for (let i = 0; i < scaled.length; i++) {
    const x = ldexp(scaled[i]!, k);
    out[i] = x;
    if (x > max) max = x;
    if (x > 0 && x < minPositive) minPositive = x;
  }
  if (rangeExponent(max, minPositive) !== 0) rememberScaled(out, scaled, k);
  return out;
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

/**
 * w times 2^-k: the copy kept for w when it has that exponent; else made from the kept copy (exact
 * where w itself was rounded, see rememberScaled) or from w, and kept when w had none.
 */
function scaledArray(w: Float64Array, k: number): Float64Array {
  const kept = scaledArrays.get(w);
  if (kept !== undefined && kept.k === k) return kept.values;
  const out = new Float64Array(w.length);
  if (kept !== undefined) {
    for (let i = 0; i < w.length; i++) out[i] = ldexp(kept.values[i]!, kept.k - k);
  } else {
    for (let i = 0; i < w.length; i++) out[i] = ldexp(w[i]!, -k);
    scaledArrays.set(w, { k, values: out });
  }
  exponents.set(out, 0);
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
