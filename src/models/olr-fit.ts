/**
 * The proportional-odds (cumulative logit) likelihood and its maximisation: P(y ≤ k) =
 * F(ζ_k − xβ) with F the logistic distribution, the outer cutpoints at ∓100 as R's `svyolr`
 * has them. One pass over the rows gives the weighted log-likelihood, its gradient and its
 * Hessian in (β, ζ); the β part is accumulated per cell and feature (see {@link ModelMatrix}),
 * like the GLM's working weights.
 * @module
 */

import { cholesky, choleskySolve } from './linalg.js';
import type { ModelMatrix } from './model-matrix.js';
import { assemble, coefficientsByCell, momentWidth } from './moments.js';

/** R's outer cutpoints (`c(-100, zeta, 100)`). */
const OUTER = 100;

/** Newton iterations before the fit is declared divergent. */
export const MAX_NEWTON = 100;

/** The data of an ordinal fit. */
export interface OlrData {
  /** The predictors' model matrix (no intercept column). */
  readonly mm: ModelMatrix;
  /** Per used row, its level index (0-based). */
  readonly y: Int32Array;
  /** Number of cutpoints (levels − 1). */
  readonly q: number;
}

/** Log-likelihood, gradient and (optionally) Hessian at (β, ζ), all in (β, ζ) order. */
export interface OlrEvaluation {
  readonly value: number;
  readonly gradient: Float64Array;
  readonly hessian: Float64Array | null;
}

function plogis(t: number): number {
  return 1 / (1 + Math.exp(-t));
}

/** The log-likelihood Σ w log P(yᵢ) and its derivatives; `value` is −∞ where a P(yᵢ) ≤ 0. */
export function evaluate(
  data: OlrData,
  w: Float64Array,
  theta: Float64Array,
  withHessian: boolean,
): OlrEvaluation {
  const { mm, y, q } = data;
  const pc = mm.p;
  const P = pc + q;
  const { cell, U, m } = mm;
  const m1 = m + 1;
  const width = momentWidth(m);
  const B = coefficientsByCell(mm, theta.subarray(0, pc));
  const zeta = theta.subarray(pc);
  // per cell: Σ w h_ηη u uᵀ (packed), Σ w g_η u, and per cutpoint Σ w h_ηζ u
  const moments = new Float64Array(mm.nCells * width);
  const cross = withHessian ? new Float64Array(mm.nCells * q * m1) : null;
  const gz = new Float64Array(q);
  const hzz = withHessian ? new Float64Array(q * q) : null;
  let value = 0;
  const nxx = (m1 * (m1 + 1)) / 2;
  for (let k = 0; k < y.length; k++) {
    const wk = w[k]!;
    const c = cell[k]!;
    let eta = B[c * m1]!;
    for (let a = 0; a < m; a++) eta += B[c * m1 + 1 + a]! * U[k * m + a]!;
    const yk = y[k]!;
    const Fa = plogis((yk < q ? zeta[yk]! : OUTER) - eta);
    const Fb = plogis((yk > 0 ? zeta[yk - 1]! : -OUTER) - eta);
    const pr = Fa - Fb;
    if (!(pr > 0))
      return { value: Number.NEGATIVE_INFINITY, gradient: new Float64Array(P), hessian: null };
    if (wk === 0) continue;
    value += wk * Math.log(pr);
    const d1 = Fa * (1 - Fa);
    const d2 = Fb * (1 - Fb);
    const dd = d1 - d2;
    const ge = (-wk * dd) / pr;
    if (yk < q) gz[yk]! += (wk * d1) / pr;
    if (yk > 0) gz[yk - 1]! -= (wk * d2) / pr;
    const o = c * width;
    // gradient of η's coefficients in the Σ W z u slots of the moments
    for (let a = 0; a <= m; a++) moments[o + nxx + a]! += ge * (a === 0 ? 1 : U[k * m + a - 1]!);
    if (!withHessian) continue;
    const e1 = d1 * (1 - 2 * Fa);
    const e2 = d2 * (1 - 2 * Fb);
    const pr2 = pr * pr;
    const hee = wk * ((e1 - e2) / pr - (dd * dd) / pr2);
    let qq = o;
    for (let a = 0; a <= m; a++) {
      const ua = a === 0 ? 1 : U[k * m + a - 1]!;
      for (let b = a; b <= m; b++) moments[qq++]! += hee * ua * (b === 0 ? 1 : U[k * m + b - 1]!);
    }
    const cr = cross!;
    if (yk < q) {
      const h = wk * (-e1 / pr + (d1 * dd) / pr2);
      for (let a = 0; a <= m; a++)
        cr[(c * q + yk) * m1 + a]! += h * (a === 0 ? 1 : U[k * m + a - 1]!);
      hzz![yk * q + yk]! += wk * (e1 / pr - (d1 * d1) / pr2);
    }
    if (yk > 0) {
      const h = wk * (e2 / pr - (d2 * dd) / pr2);
      for (let a = 0; a <= m; a++) {
        cr[(c * q + yk - 1) * m1 + a]! += h * (a === 0 ? 1 : U[k * m + a - 1]!);
      }
      hzz![(yk - 1) * q + yk - 1]! += wk * (-e2 / pr - (d2 * d2) / pr2);
    }
    if (yk > 0 && yk < q) {
      const h = (wk * d1 * d2) / pr2;
      hzz![yk * q + yk - 1]! += h;
      hzz![(yk - 1) * q + yk]! += h;
    }
  }
  const { xwx, xwz } = assemble(mm, moments);
  const gradient = new Float64Array(P);
  gradient.set(xwz, 0);
  gradient.set(gz, pc);
  if (!withHessian) return { value, gradient, hessian: null };
  const H = new Float64Array(P * P);
  for (let i = 0; i < pc; i++) for (let j = 0; j < pc; j++) H[i * P + j] = xwx[i * pc + j]!;
  const S = mm.slots;
  for (let c = 0; c < mm.nCells; c++) {
    for (let s = 0; s < S; s++) {
      const col = mm.cellCols[c * S + s]!;
      if (col < 0) continue;
      const f = mm.slotFeature[s]!;
      for (let z = 0; z < q; z++) {
        const v = cross![(c * q + z) * m1 + f]!;
        H[col * P + pc + z]! += v;
        H[(pc + z) * P + col]! += v;
      }
    }
  }
  for (let a = 0; a < q; a++)
    for (let b = 0; b < q; b++) H[(pc + a) * P + pc + b] = hzz![a * q + b]!;
  return { value, gradient, hessian: H };
}

/** A maximised likelihood. */
export interface OlrResult {
  /** (β, ζ). */
  readonly theta: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** The last Newton step (for naming a diverging coefficient). */
  readonly lastStep: Float64Array;
}

/**
 * Newton's method with step halving from `start` (or β = 0 and the cutpoints of the weighted
 * cumulative shares), keeping the cutpoints increasing, until the step is below 1e-11 relative.
 */
export function maximise(data: OlrData, w: Float64Array, start: Float64Array | null): OlrResult {
  const pc = data.mm.p;
  const q = data.q;
  const P = pc + q;
  let theta: Float64Array = start === null ? startingValues(data, w) : Float64Array.from(start);
  let current = evaluate(data, w, theta, true);
  let step: Float64Array = new Float64Array(P);
  for (let iter = 1; iter <= MAX_NEWTON; iter++) {
    const negH = current.hessian!.map((v) => -v);
    const f = cholesky(negH, P);
    if (!f.ok) return { theta, iterations: iter, converged: false, lastStep: step };
    step = choleskySolve(f.factor, current.gradient);
    let size = 0;
    let scale = 1;
    for (let j = 0; j < P; j++) {
      size = Math.max(size, Math.abs(step[j]!));
      scale = Math.max(scale, Math.abs(theta[j]!));
    }
    let t = 1;
    let next: OlrEvaluation | null = null;
    let candidate: Float64Array = theta;
    for (let halving = 0; halving < 60; halving++) {
      candidate = theta.map((v, j) => v + t * step[j]!);
      if (ordered(candidate, pc)) {
        next = evaluate(data, w, candidate, true);
        if (next.value >= current.value - 1e-12 * Math.abs(current.value)) break;
      }
      next = null;
      t /= 2;
    }
    if (next === null)
      return { theta, iterations: iter, converged: size <= 1e-8 * scale, lastStep: step };
    theta = candidate;
    current = next;
    if (size <= 1e-11 * scale) return { theta, iterations: iter, converged: true, lastStep: step };
  }
  return { theta, iterations: MAX_NEWTON, converged: false, lastStep: step };
}

function ordered(theta: Float64Array, pc: number): boolean {
  for (let j = pc + 1; j < theta.length; j++) if (!(theta[j]! > theta[j - 1]!)) return false;
  return true;
}

/** β = 0 and ζ_k = logit of the weighted share at or below level k. */
function startingValues(data: OlrData, w: Float64Array): Float64Array {
  const { q, y } = data;
  const totals = new Float64Array(q + 1);
  let sum = 0;
  for (let k = 0; k < y.length; k++) {
    totals[y[k]!]! += w[k]!;
    sum += w[k]!;
  }
  const theta = new Float64Array(data.mm.p + q);
  let cum = 0;
  for (let z = 0; z < q; z++) {
    cum += totals[z]!;
    const share = Math.min(Math.max(cum / sum, 1e-6), 1 - 1e-6);
    theta[data.mm.p + z] = Math.log(share / (1 - share)) + z * 1e-6;
  }
  return theta;
}

/** R's parameters of the cutpoints: θ₁ = ζ₁, θ_k = log(ζ_k − ζ_{k−1}). */
export function cutpointParameters(zeta: ArrayLike<number>): Float64Array {
  const q = zeta.length;
  const theta = new Float64Array(q);
  theta[0] = zeta[0]!;
  for (let k = 1; k < q; k++) theta[k] = Math.log(zeta[k]! - zeta[k - 1]!);
  return theta;
}

/** The cutpoints of R's parameters: ζ_k = θ₁ + Σ_{i≤k} exp(θ_i). */
export function cutpointsOf(theta: ArrayLike<number>): Float64Array {
  const q = theta.length;
  const zeta = new Float64Array(q);
  zeta[0] = theta[0]!;
  for (let k = 1; k < q; k++) zeta[k] = zeta[k - 1]! + Math.exp(theta[k]!);
  return zeta;
}

/** dζ/dθ (q × q, row-major): 1 in the first column, exp(θ_i) below the diagonal from column i. */
export function cutpointJacobian(theta: ArrayLike<number>): Float64Array {
  const q = theta.length;
  const J = new Float64Array(q * q);
  for (let k = 0; k < q; k++) J[k * q] = 1;
  for (let i = 1; i < q; i++) {
    const e = Math.exp(theta[i]!);
    for (let k = i; k < q; k++) J[k * q + i] = e;
  }
  return J;
}

/**
 * R's `optim(..., hessian = TRUE)` Hessian of −log-likelihood in (β, θ): central differences
 * (step 1e-3) of the analytic gradient, symmetrised. `svyolr` inverts this to get the
 * coefficients' information, so its standard errors carry the differencing error (about 1e-6
 * relative); surveykit computes the same matrix to give R's numbers.
 */
export function numericHessian(
  data: OlrData,
  w: Float64Array,
  beta: Float64Array,
  theta: Float64Array,
): Float64Array {
  const pc = beta.length;
  const q = theta.length;
  const P = pc + q;
  const h = 1e-3;
  const par = new Float64Array(P);
  par.set(beta, 0);
  par.set(theta, pc);
  const gradientAt = (x: Float64Array): Float64Array => {
    const t = x.subarray(pc);
    const full = new Float64Array(P);
    full.set(x.subarray(0, pc), 0);
    full.set(cutpointsOf(t), pc);
    const g = evaluate(data, w, full, false).gradient;
    const J = cutpointJacobian(t);
    const out = new Float64Array(P);
    for (let j = 0; j < pc; j++) out[j] = -g[j]!;
    for (let i = 0; i < q; i++) {
      let s = 0;
      for (let k = 0; k < q; k++) s += g[pc + k]! * J[k * q + i]!;
      out[pc + i] = -s;
    }
    return out;
  };
  const H = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    // as R's optimhess: up, then down from there
    const up = Float64Array.from(par);
    up[i]! += h;
    const down = Float64Array.from(up);
    down[i]! -= 2 * h;
    const g1 = gradientAt(up);
    const g2 = gradientAt(down);
    for (let j = 0; j < P; j++) H[i * P + j] = (g1[j]! - g2[j]!) / (2 * h);
  }
  for (let i = 0; i < P; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (H[i * P + j]! + H[j * P + i]!);
      H[i * P + j] = v;
      H[j * P + i] = v;
    }
  }
  return H;
}
