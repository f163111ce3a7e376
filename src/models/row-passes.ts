/**
 * The GLM iterations' passes over the rows: at given coefficients, the deviance (R's
 * `sum(dev.resids(y, mu, weights))`) and, for the next step, each row's working weight
 * W = w μ'(η)²/V(μ) and working response z = η + (y − μ)/μ'(η), accumulated per cell (see
 * {@link accumulate}).
 *
 * A pass knows each row's η and e^η at the previous coefficients (a {@link RowTrack}) and adds up
 * the change of the deviance rather than the deviance: for the logit link a row changes it by
 * 2w (log((1 + e^η)/(1 + e^η₀)) − y (η − η₀)), whose logarithm is of 1 + ρ with
 * ρ = (e^η − e^η₀)/(1 + e^η₀) small once the iterations settle (a short series then replaces
 * `Math.log`), and for the log link by 2w (μ − μ₀ − y (η − η₀)), with no logarithm at all. R
 * subtracts two deviances of about the same size; this sum is at least as accurate, so the
 * convergence decisions are R's. A row costs one `exp`. Rows beyond R's thresholds (|η| > 30 for
 * the logit, μ at its floor for the log link) take R's formulas.
 * @module
 */
import { devianceResidual, LOG, LOGIT, linkInverse, muEta, varianceOf } from './family.js';
import type { GlmData } from './irls.js';
import { accumulate, etaOf, momentWidth } from './moments.js';

const EPS = Number.EPSILON;
const INVEPS = 1 / EPS;
/** Below this η the log link's μ = max(e^η, ε) may be at its floor. */
const LOG_FLOOR = Math.log(EPS) + 1;

/** Per row: η and e^η (the log link: μ) at some coefficients. */
export interface RowTrack {
  eta: Float64Array;
  e: Float64Array;
}

/** A new track for n rows. */
export function rowTrack(n: number): RowTrack {
  return { eta: new Float64Array(n), e: new Float64Array(n) };
}

/** ln(1 + ρ) by its series when |ρ| < 0.11 (to ρ⁵ below 1e-3, to ρ¹⁶ above; truncation below 1e-17), else `Math.log1p`. */
function log1pSmall(rho: number): number {
  if (rho > -1e-3 && rho < 1e-3)
    return rho * (1 - rho * (0.5 - rho * (1 / 3 - rho * (0.25 - rho * 0.2))));
  if (!(rho > -0.11 && rho < 0.11)) return Math.log1p(rho);
  let q = 1 / 15 - rho / 16;
  for (let j = 14; j >= 2; j--) q = 1 / j - rho * q;
  return rho * (1 - rho * q);
}

/** e^δ − 1 by its series for |δ| < 0.1 (to δ⁵ below 1e-3, to δ¹⁰ above; truncation below 1e-18). */
function expm1Small(d: number): number {
  if (d > -1e-3 && d < 1e-3) return d * (1 + d * (0.5 + d * (1 / 6 + d * (1 / 24 + d / 120))));
  let q = 1 + d / 10;
  for (let j = 9; j >= 2; j--) q = 1 + (d / j) * q;
  return d * q;
}

/**
 * A pass at the coefficients `B` (per cell, see {@link coefficientsByCell}) after one at which
 * the rows were `prev` (whose deviance was `devPrev`): returns the deviance, adds the
 * working-weight moments into `moments` (rows with prior weight 0 add nothing, as R leaves them
 * out of the step) and writes the rows' η and e^η to `next`. Where η moved by less than 0.1
 * since `prev`, e^η is e^η₀ · e^(η − η₀) with the short factor by its series: once the
 * iterations settle a pass needs no `exp` either.
 */
export function rowPass(
  data: GlmData,
  w: Float64Array,
  B: Float64Array,
  moments: Float64Array | null,
  prev: RowTrack,
  next: RowTrack,
  devPrev: number,
): number {
  const { mm, y, link } = data;
  if (link === LOGIT) return devPrev + logitPass(mm.cell, mm.U, mm.m, y, w, B, moments, prev, next);
  if (link === LOG) return devPrev + logPass(mm.cell, mm.U, mm.m, y, w, B, moments, prev, next);
  return identityPass(mm.cell, mm.U, mm.m, y, w, B, moments, next);
}

/** R's binomial deviance of a row per unit weight, with μ from R's thresholded e. */
function logitDeviance(y: number, eta: number): number {
  return devianceResidual(LOGIT, y, linkInverse(LOGIT, eta), 1);
}

function logitPass(
  cell: Int32Array,
  U: Float64Array,
  m: number,
  y: Float64Array,
  w: Float64Array,
  B: Float64Array,
  moments: Float64Array | null,
  prev: RowTrack,
  next: RowTrack,
): number {
  const width = momentWidth(m);
  const { eta: etaPrev, e: ePrev } = prev;
  const { eta: etaNext, e: eNext } = next;
  let change = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    const c = cell[k]!;
    const eta = etaOf(B, c, U, k, m);
    etaNext[k] = eta;
    if (!(wk > 0)) continue; // adds 0 to the deviance and nothing to the step
    const yk = y[k]!;
    const e0 = ePrev[k]!;
    const eta0 = etaPrev[k]!;
    let e: number;
    let me: number;
    if (eta < -30 || eta > 30 || eta0 < -30 || eta0 > 30) {
      e = eta < -30 ? EPS : eta > 30 ? INVEPS : Math.exp(eta);
      me = eta < -30 || eta > 30 ? EPS : e / ((1 + e) * (1 + e));
      change += wk * (logitDeviance(yk, eta) - logitDeviance(yk, eta0));
    } else {
      const d = eta - eta0;
      let rho: number;
      if (d > -0.1 && d < 0.1) {
        const em1 = expm1Small(d);
        e = e0 + e0 * em1;
        rho = (em1 * e0) / (1 + e0);
      } else {
        e = Math.exp(eta);
        rho = (e - e0) / (1 + e0);
      }
      const ope = 1 + e;
      me = e / (ope * ope);
      change += 2 * wk * (log1pSmall(rho) - yk * d);
    }
    eNext[k] = e;
    if (moments === null) continue;
    const mu = e / (1 + e);
    const W = wk * me;
    accumulate(moments, c * width, W, W * (eta + (yk - mu) / me), U, k, m);
  }
  return change;
}

function logPass(
  cell: Int32Array,
  U: Float64Array,
  m: number,
  y: Float64Array,
  w: Float64Array,
  B: Float64Array,
  moments: Float64Array | null,
  prev: RowTrack,
  next: RowTrack,
): number {
  const width = momentWidth(m);
  const { eta: etaPrev, e: muPrev } = prev;
  const { eta: etaNext, e: muNext } = next;
  let change = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    const c = cell[k]!;
    const eta = etaOf(B, c, U, k, m);
    etaNext[k] = eta;
    if (!(wk > 0)) continue;
    const yk = y[k]!;
    const mu0 = muPrev[k]!;
    const eta0 = etaPrev[k]!;
    let mu: number;
    if (eta < LOG_FLOOR || eta0 < LOG_FLOOR) {
      mu = Math.max(Math.exp(eta), EPS);
      change += devianceResidual(LOG, yk, mu, wk) - devianceResidual(LOG, yk, mu0, wk);
    } else {
      const d = eta - eta0;
      const dmu = d > -0.1 && d < 0.1 ? mu0 * expm1Small(d) : Math.exp(eta) - mu0;
      mu = mu0 + dmu;
      change += 2 * wk * (dmu - yk * d);
    }
    muNext[k] = mu;
    if (moments === null) continue;
    const W = (wk * mu * mu) / mu;
    accumulate(moments, c * width, W, W * (eta + (yk - mu) / mu), U, k, m);
  }
  return change;
}

function identityPass(
  cell: Int32Array,
  U: Float64Array,
  m: number,
  y: Float64Array,
  w: Float64Array,
  B: Float64Array,
  moments: Float64Array | null,
  next: RowTrack,
): number {
  const width = momentWidth(m);
  const etaNext = next.eta;
  let dev = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    const c = cell[k]!;
    const eta = etaOf(B, c, U, k, m);
    etaNext[k] = eta;
    if (!(wk > 0)) continue;
    const r = y[k]! - eta;
    dev += wk * r * r;
    if (moments !== null) accumulate(moments, c * width, wk, wk * (eta + r), U, k, m);
  }
  return dev;
}

/**
 * The first pass of a fit without starting coefficients: from R's `mustart`, row by row (binomial
 * (w·y + ½)/(w + 1), poisson y + 0.1, gaussian y), with η = g(mustart) and μ = g⁻¹(η), which is
 * mustart again (taken as is: the same to the last bit or two). Writes the rows' η and e^η to
 * `next`.
 */
export function startPass(
  data: GlmData,
  w: Float64Array,
  moments: Float64Array,
  next: RowTrack,
): number {
  const { mm, y, link, binary } = data;
  const { cell, U, m } = mm;
  const width = momentWidth(m);
  const { eta: etaNext, e: eNext } = next;
  let dev = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    const yk = y[k]!;
    let eta: number;
    let W: number;
    let r: number;
    if (link === LOGIT) {
      const mu = (wk * yk + 0.5) / (wk + 1);
      const e = mu / (1 - mu);
      eNext[k] = e;
      if (binary) {
        // mustart = (w y + ½)/(w + 1): η = ±log(2w + 1), and either outcome's deviance term
        // is log((w + 1)/(w + ½))
        eta = (2 * yk - 1) * Math.log(2 * wk + 1);
        dev += 2 * wk * Math.log((wk + 1) / (wk + 0.5));
      } else {
        eta = Math.log(e);
        dev += devianceResidual(LOGIT, yk, mu, wk);
      }
      const me = mu * (1 - mu);
      W = wk * me;
      r = (yk - mu) / me;
    } else if (link === LOG) {
      const mu = yk + 0.1;
      eta = Math.log(mu);
      eNext[k] = mu;
      dev += devianceResidual(LOG, yk, mu, wk);
      W = (wk * mu * mu) / mu;
      r = (yk - mu) / mu;
    } else {
      eta = yk;
      eNext[k] = yk;
      W = wk;
      r = 0;
    }
    etaNext[k] = eta;
    if (!(wk > 0)) continue;
    accumulate(moments, cell[k]! * width, W, W * (eta + r), U, k, m);
  }
  return dev;
}

/**
 * What every replicate's first pass shares when all start at the same coefficients (R starts
 * each replicate's refit at the full-sample estimate): per row η, e^η, the working weight per
 * unit prior weight, the working response and the deviance per unit weight. A replicate's first
 * pass is then {@link startFromShared}: sums with its weights, no `exp` or `log`.
 */
export interface SharedStart {
  readonly track: RowTrack;
  readonly unitW: Float64Array;
  readonly z: Float64Array;
  readonly unitDev: Float64Array;
}

/** {@link SharedStart} at the coefficients `B` (per cell). */
export function sharedStart(data: GlmData, B: Float64Array): SharedStart {
  const { mm, y, link } = data;
  const { cell, U, m } = mm;
  const n = cell.length;
  const track = rowTrack(n);
  const unitW = new Float64Array(n);
  const z = new Float64Array(n);
  const unitDev = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const eta = etaOf(B, cell[k]!, U, k, m);
    const yk = y[k]!;
    const mu = linkInverse(link, eta);
    const me = muEta(link, eta);
    track.eta[k] = eta;
    track.e[k] = link === LOGIT ? (eta < -30 ? EPS : eta > 30 ? INVEPS : Math.exp(eta)) : mu;
    unitW[k] = (me * me) / varianceOf(link, mu);
    z[k] = eta + (yk - mu) / me;
    unitDev[k] = devianceResidual(link, yk, mu, 1);
  }
  return { track, unitW, z, unitDev };
}

/** A replicate's first pass from the {@link SharedStart}: its deviance, and its moments added. */
export function startFromShared(
  data: GlmData,
  shared: SharedStart,
  w: Float64Array,
  moments: Float64Array,
): number {
  const { cell, U, m } = data.mm;
  const width = momentWidth(m);
  const { unitW, z, unitDev } = shared;
  let dev = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue;
    dev += wk * unitDev[k]!;
    const W = wk * unitW[k]!;
    accumulate(moments, cell[k]! * width, W, W * z[k]!, U, k, m);
  }
  return dev;
}

/** Row k's working weight W = w μ'(η)²/V(μ) at the rows of `track`. */
export function workingWeight(link: number, w: number, track: RowTrack, k: number): number {
  if (link === LOGIT) {
    const e = track.e[k]!;
    const eta = track.eta[k]!;
    const me = eta < -30 || eta > 30 ? EPS : e / ((1 + e) * (1 + e));
    const mu = e / (1 + e);
    return (w * me * me) / (mu * (1 - mu));
  }
  if (link === LOG) return w * track.e[k]!;
  return w;
}

/**
 * Each row's score factor s = W (y − μ)/μ'(η), with W the working weight at `used` (the rows
 * the last step was solved at) and μ at `final` (the fit), and its Pearson residual
 * (y − μ)/√V(μ): what the linearization variance and the dispersion need (R's `svy.varcoef`).
 */
export function rowScores(
  data: GlmData,
  w: Float64Array,
  used: RowTrack,
  final: RowTrack,
): { s: Float64Array; pearson: Float64Array } {
  const { y, link } = data;
  const n = w.length;
  const s = new Float64Array(n);
  const pearson = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue;
    const yk = y[k]!;
    let r: number;
    let p: number;
    if (link === LOGIT) {
      const eta = final.eta[k]!;
      const e = final.e[k]!;
      const mu = e / (1 + e);
      const me = eta < -30 || eta > 30 ? EPS : e / ((1 + e) * (1 + e));
      r = (yk - mu) / me;
      p = (yk - mu) / Math.sqrt(mu * (1 - mu));
    } else if (link === LOG) {
      const mu = final.e[k]!;
      r = (yk - mu) / mu;
      p = (yk - mu) / Math.sqrt(mu);
    } else {
      r = yk - final.eta[k]!;
      p = r;
    }
    s[k] = workingWeight(link, wk, used, k) * r;
    pearson[k] = p;
  }
  return { s, pearson };
}
