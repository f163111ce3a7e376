/**
 * R's convergence rule proven without the pass that would check it. A refit of which only the
 * coefficients are wanted (each replicate's, for the replicate variance) ends with a pass over
 * every row whose only use is R's test |dev − dev_old| / (|dev| + 0.1) < 1e-8 on the new
 * deviance. When the step was small that test can be decided from what the step was solved
 * with: the change of the deviance along a Newton step s from β₀ is
 *
 *   dev(β₀ + s) − dev(β₀) = −sᵀHs + 2 sᵀr + R,
 *
 * H = XᵀWX at β₀ (the working weights W are the deviance's curvature for these canonical links),
 * r = Hβ₁ − XᵀWz the solve's residual, and R the Taylor remainder: each row's third derivative is
 * at most its second (logit: D‴ = D″(1 − 2μ); log: D‴ = D″), and the second changes by at most
 * e^δ along a move of δ in η, so |R| ≤ (M e^M / 6) Σ D″ Δη² = (M e^M / 3) sᵀHs with M the
 * largest |Δη| of any row (bounded by the per-cell step and the features' largest values). When
 * that bound is a hundredth of what R's rule allows, the pass would find the fit converged, so
 * it is not run: the coefficients are the same to the last bit.
 *
 * The same interval decides the other way too: when even its smallest change is more than R's
 * rule allows, the fit certainly goes on, and the pass at `after` only needs the moments for the
 * next step, not the deviance (the costliest part of a row pass).
 * @module
 */
import { IDENTITY } from './family.js';
import type { ModelMatrix } from './model-matrix.js';
import { coefficientsByCell } from './moments.js';

/** R's logit thresholds: beyond |η| = 30 its μ is clamped (and the log link's is floored). */
const SMOOTH_ETA = 30;
/** The share of R's tolerance the proven change must stay under. */
const MARGIN = 0.01;

/**
 * The change dev(`after`) − dev(`before`) for the step `after` solved from `xwx` β = `xwz` with
 * the working weights at `before` (see the module's notes): within `radius` of `mid` = −sᵀHs,
 * the radius holding the solve's residual, the Taylor remainder and the rounding of these sums;
 * null where it cannot be bounded this way (rows near R's thresholds, or a move of η by 1 or
 * more).
 */
export function deviationInterval(
  mm: ModelMatrix,
  link: number,
  xwx: Float64Array,
  xwz: Float64Array,
  before: Float64Array,
  after: Float64Array,
): { mid: number; radius: number } | null {
  const p = mm.p;
  const gamma = 4 * (p + 2) * Number.EPSILON;
  let quadratic = 0; // sᵀHs
  let residual = 0; // |sᵀr| with r = Hβ₁ − XᵀWz, and its rounding
  for (let i = 0; i < p; i++) {
    const si = after[i]! - before[i]!;
    let hs = 0;
    let hb = 0;
    let scale = Math.abs(xwz[i]!);
    for (let j = 0; j < p; j++) {
      const h = xwx[i * p + j]!;
      hs += h * (after[j]! - before[j]!);
      hb += h * after[j]!;
      scale += Math.abs(h * after[j]!);
    }
    quadratic += si * hs;
    residual += Math.abs(si) * (Math.abs(hb - xwz[i]!) + gamma * scale);
  }
  if (!(quadratic >= 0) || !Number.isFinite(residual)) return null;
  const radius = 2 * residual + gamma * quadratic;
  if (link === IDENTITY) return { mid: -quadratic, radius };
  const M = largestEta(mm, coefficientsByCell(mm, diff(after, before)));
  const reach = Math.max(
    largestEta(mm, coefficientsByCell(mm, before)),
    largestEta(mm, coefficientsByCell(mm, after)),
  );
  if (!(reach <= SMOOTH_ETA) || !(M < 1)) return null;
  return { mid: -quadratic, radius: radius + ((M * Math.exp(M)) / 3) * quadratic * (1 + gamma) };
}

/**
 * An upper bound of |dev(`after`) − dev(`before`)| (see {@link deviationInterval});
 * `Infinity` where it cannot be bounded.
 */
export function deviationBound(
  mm: ModelMatrix,
  link: number,
  xwx: Float64Array,
  xwz: Float64Array,
  before: Float64Array,
  after: Float64Array,
): number {
  const interval = deviationInterval(mm, link, xwx, xwz, before, after);
  return interval === null ? Number.POSITIVE_INFINITY : Math.abs(interval.mid) + interval.radius;
}

/**
 * Whether R's rule `|dev − devBefore| / (|dev| + 0.1) < epsilon` certainly holds at `after`
 * (with a hundredfold margin), by {@link deviationBound}: `false` when it cannot be proven, and
 * the caller then runs the pass.
 */
export function provenConverged(
  mm: ModelMatrix,
  link: number,
  xwx: Float64Array,
  xwz: Float64Array,
  before: Float64Array,
  after: Float64Array,
  devBefore: number,
  epsilon: number,
): boolean {
  const bound = deviationBound(mm, link, xwx, xwz, before, after);
  const devAfter = Math.max(Math.abs(devBefore) - bound, 0);
  return bound / (devAfter + 0.1) < MARGIN * epsilon;
}

function diff(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) out[j] = a[j]! - b[j]!;
  return out;
}

/** An upper bound of |η| over the rows, from per-cell coefficients and the features' largest values. */
function largestEta(mm: ModelMatrix, B: Float64Array): number {
  const m1 = mm.m + 1;
  let top = 0;
  for (let c = 0; c < mm.nCells; c++) {
    let eta = 0;
    for (let a = 0; a < m1; a++) eta += Math.abs(B[c * m1 + a]!) * mm.featureMax[a]!;
    if (eta > top) top = eta;
  }
  return top;
}
