/**
 * `weightSummary`: how uneven the weights are, and what that costs in precision.
 * @module
 */
import * as ss from 'simple-statistics';
import type { SurveyDesign } from '../design/types.js';

/** Summary of a design's weights (respondents in the domain). */
export interface WeightSummary {
  /** Respondents. */
  n: number;
  /** Sum of weights (the estimated population size). */
  sum: number;
  /** Smallest weight. */
  min: number;
  /** Largest weight. */
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
 * @param design - The design whose weights are summarised (all respondents; a domain does not
 *   change them).
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
  const inDomain: number[] = [];
  for (let i = 0; i < w.length; i++) if (domain === null || domain[i]) inDomain.push(w[i]!);
  const n = inDomain.length;
  // simple-statistics' sum is compensated (Kahan–Babuška): the population total stays exact to
  // the last digit even with a million weights of very different sizes.
  const sum = ss.sum(inDomain);
  const [min, max] = n > 0 ? ss.extent(inDomain) : [Number.NaN, Number.NaN];
  // Two passes: equal weights give a cv of exactly 0 and a design effect of exactly 1.
  const mean = sum / n;
  const squares = inDomain.map((x) => (x - mean) * (x - mean));
  const cv = Math.sqrt(ss.sum(squares) / n) / mean;
  const kishDeff = 1 + cv * cv;
  return { n, sum, min, max, cv, kishDeff, effectiveN: n / kishDeff };
}
