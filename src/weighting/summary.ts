/**
 * `weightSummary`: how uneven the weights are, and what that costs in precision.
 * @module
 */
import type { SurveyDesign } from '../design/types.js';

/** Summary of a design's weights (respondents in the domain). */
export interface WeightSummary {
  /** Respondents. */
  n: number;
  /** Sum of weights (the estimated population size). */
  sum: number;
  min: number;
  max: number;
  /** Coefficient of variation of the weights: population SD (divisor n) over the mean. */
  cv: number;
  /** Kish's design effect from unequal weighting: n Σw² / (Σw)² = 1 + cv². */
  kishDeff: number;
  /** Kish's effective sample size: (Σw)² / Σw² = n / kishDeff. */
  effectiveN: number;
}

/**
 * Kish's design effect and effective sample size of the weights, with their range and spread.
 *
 * @example
 * ```ts
 * const d = svyDesign(fromColumns({ w: [1, 1, 2, 4] }), { weights: 'w' });
 * const s = weightSummary(d);
 * console.log(s.sum, s.kishDeff.toFixed(4), s.effectiveN.toFixed(3)); // => 8 1.3750 2.909
 * ```
 */
export function weightSummary(design: SurveyDesign): WeightSummary {
  const w = design.weights;
  const domain = design.domain;
  let n = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < w.length; i++) {
    if (domain !== null && !domain[i]) continue;
    const x = w[i]!;
    n++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  // Two passes: equal weights give a cv of exactly 0 and a design effect of exactly 1.
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < w.length; i++) {
    if (domain !== null && !domain[i]) continue;
    const d = w[i]! - mean;
    ss += d * d;
  }
  const cv = Math.sqrt(ss / n) / mean;
  const kishDeff = 1 + cv * cv;
  return { n, sum, min, max, cv, kishDeff, effectiveN: n / kishDeff };
}
