/**
 * Means and totals of numeric and categorical variables: the estimates, their influence values,
 * and design effects. `svyMean` and `svyTotal` are thin wrappers around these.
 * @module
 */

import type { ReplicateDesign } from '../design/replicate-types.js';
import { EstimationError } from '../errors.js';
import { categoricalInfluence, type Influence, numericInfluence } from '../variance/influence.js';
import { replicatesFromGroups, replicateWeightedSumsMany } from '../variance/replicate.js';
import { type Analysis, nonFiniteValue } from './prepare.js';
import { replicateCellSums } from './replicate-groups.js';
import type { ReplicateEstimates } from './variance.js';

/** Point estimates of a mean or total, with what their variance needs. */
export interface MomentResult {
  /** One estimate per column (1 for numeric; one per level for categorical). */
  estimates: Float64Array;
  /** Level names for a categorical variable. */
  levels: readonly string[] | null;
  influence: Influence;
  /** The estimates recomputed with each replicate's weights (replicate designs). */
  replicates: (design: ReplicateDesign) => ReplicateEstimates;
  /** Weighted variance of the variable per column (R's `svyvar`), for design effects. */
  populationVariance: () => Float64Array;
}

/** Weighted mean of each column and its influence values w_i (y_i − ȳ) / Σw. */
export function meanMoments(a: Analysis): MomentResult {
  return moments(a, 'mean');
}

/** Weighted total of each column and its influence values w_i y_i. */
export function totalMoments(a: Analysis): MomentResult {
  return moments(a, 'total');
}

function moments(a: Analysis, kind: 'mean' | 'total'): MomentResult {
  const { column, weights, sumW } = a;
  if (kind === 'mean' && !(sumW > 0)) {
    throw new EstimationError(
      'ZERO_WEIGHT_DOMAIN',
      `the respondents with "${a.variable}" in the domain have weight 0`,
      {
        variable: a.variable,
      },
    );
  }
  if (column.kind === 'numeric') {
    const infinite = nonFiniteValue(a);
    if (infinite) throw infinite;
    const y = column.values;
    // (A total's analysis computes the mean only if asked: for design effects.)
    const estimates = Float64Array.of(kind === 'mean' ? a.meanY : a.sumWY);
    return {
      estimates,
      levels: null,
      replicates: (design) => {
        // The scan summed the groups the replicates are made of (see Analysis.replicateGroupSums)
        const groups = kind === 'mean' && design === a.design ? a.replicateGroupSums : null;
        if (groups) {
          const reps = replicatesFromGroups(
            groups.grouping,
            groups.sums,
            2,
            design.replicates.length,
          );
          return { full: estimates, reps: reps.map((r) => Float64Array.of(r[0]! / r[1]!)) };
        }
        // (on a whole design a mean's rows are those with a value: the sums test the values)
        return kind === 'mean' && a.design.domain === null
          ? replicateMoments(design, [y], null, kind, estimates, true)
          : replicateMoments(design, [y], a.present, kind, estimates);
      },
      influence:
        kind === 'mean'
          ? // (the rows' mask made only if read: on a whole design the sums test the values)
            numericInfluence(
              y,
              weights,
              () => a.present,
              1 / sumW,
              a.meanY,
              null,
              a.design.domain === null,
            )
          : // (a whole linearization design's scan summed per PSU and marked no rows: the
            // mask is made only if read)
            numericInfluence(
              y,
              weights,
              () => a.present,
              1,
              0,
              a.clusterSums ?? null,
              a.design.domain === null,
            ),
      populationVariance: () => {
        const mean = a.meanY;
        return Float64Array.of(weightedVariance(a, (i) => y[i]! - mean));
      },
    };
  }
  const { codes, levels } = column;
  const L = levels.length;
  // Σ w per level over present rows, summed in row order by prepare's scan.
  let sums = a.levelSums;
  if (sums === null || sums.length !== L) {
    const present = a.present;
    sums = new Float64Array(L);
    for (let i = 0; i < codes.length; i++) if (present[i]) sums[codes[i]!]! += weights[i]!;
  }
  const shares = sums.map((s) => s / sumW);
  const populationVariance = () =>
    shares.map((_, j) => weightedVariance(a, (i) => (codes[i] === j ? 1 : 0) - shares[j]!));
  const replicates = (design: ReplicateDesign) =>
    replicateLevelMoments(design, codes, L, a.present, kind, kind === 'mean' ? shares : sums);
  // (the rows' mask made only if read: sums made by the scan do not read it)
  const rows = () => a.present;
  if (kind === 'mean') {
    return {
      estimates: shares,
      levels,
      replicates,
      influence: categoricalInfluence(
        codes,
        weights,
        rows,
        1 / sumW,
        shares,
        a.clusterSums ?? null,
      ),
      populationVariance,
    };
  }
  return {
    estimates: sums,
    levels,
    replicates,
    influence: categoricalInfluence(
      codes,
      weights,
      rows,
      1,
      new Float64Array(L),
      a.clusterSums ?? null,
    ),
    populationVariance,
  };
}

/**
 * Means (Σ w y / Σ w) or totals (Σ w y) of the columns for every replicate's weights, in one
 * blocked pass over the rows.
 */
function replicateMoments(
  design: ReplicateDesign,
  columns: Float64Array[],
  present: Uint8Array | null,
  kind: 'mean' | 'total',
  full: Float64Array,
  valued = false,
): ReplicateEstimates {
  const p = columns.length;
  const sums = replicateWeightedSumsMany(
    design,
    kind === 'mean' ? [...columns, null] : columns,
    present,
    valued,
  );
  const reps = sums.reps.map((r) => {
    if (kind === 'total') return r.slice(0, p);
    const out = new Float64Array(p);
    for (let j = 0; j < p; j++) out[j] = r[j]! / r[p]!;
    return out;
  });
  return { full, reps };
}

/**
 * Level shares or counts for every replicate's weights, in one pass over the rows: each present
 * row adds its weights to its level's cell (R's svymean/svytotal of a factor).
 */
function replicateLevelMoments(
  design: ReplicateDesign,
  codes: Int32Array,
  L: number,
  present: Uint8Array,
  kind: 'mean' | 'total',
  full: Float64Array,
): ReplicateEstimates {
  const cell = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) cell[i] = present[i] ? codes[i]! : -1;
  const sums = replicateCellSums(design, cell, L);
  const reps = sums.reps.map((r) => {
    if (kind === 'total') return r.slice(0, L);
    let total = 0;
    for (let j = 0; j < L; j++) total += r[j]!;
    return r.map((x) => x / total);
  });
  return { full, reps };
}

/**
 * R's `svyvar` of a centred value: Σ w d² / Σ w · m/(m − 1), m = rows with non-zero weight.
 */
function weightedVariance(a: Analysis, centred: (i: number) => number): number {
  const { weights, present } = a;
  let ss = 0;
  let m = 0;
  for (let i = 0; i < weights.length; i++) {
    const wi = weights[i]!;
    if (!present[i] || wi === 0) continue;
    const d = centred(i);
    ss += wi * d * d;
    m++;
  }
  return ((ss / a.sumW) * m) / (m - 1);
}

/**
 * Design effects as R computes them: the design variance over the variance under simple random
 * sampling of the same number of respondents, without replacement (`true`) or with (`'replace'`).
 */
export function designEffects(
  a: Analysis,
  kind: 'mean' | 'total',
  variances: Float64Array,
  populationVariance: Float64Array,
  mode: true | 'replace',
): Float64Array {
  // R counts respondents with a non-zero weight on linearization designs, and every row of the
  // (subsetted) design on replicate designs.
  let m = 0;
  if (a.design.type === 'replicate') m = a.n;
  else for (let i = 0; i < a.weights.length; i++) if (a.present[i] && a.weights[i] !== 0) m++;
  const N = a.sumW;
  return variances.map((v, j) => {
    const s2 = populationVariance[j]!;
    let vsrs: number;
    if (kind === 'mean')
      vsrs = mode === 'replace' ? s2 / m : N < m ? Number.NaN : (s2 * (N - m)) / (N * m);
    else vsrs = mode === 'replace' ? (s2 * N * N) / m : (s2 * N * N * (N - m)) / (N * m);
    return v / vsrs;
  });
}
