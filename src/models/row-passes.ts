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

/** Where a pass writes each row's working weight W and working residual (y − μ)/μ'(η). */
export interface RowStore {
  W: Float64Array;
  r: Float64Array;
}

/** Per row: η and e^η (the log link: μ) at some coefficients. */
export interface RowTrack {
  eta: Float64Array;
  e: Float64Array;
}

/** A new track for n rows. */
export function rowTrack(n: number): RowTrack {
  return { eta: new Float64Array(n), e: new Float64Array(n) };
}

/** ln(1 + ρ) for |ρ| < 0.05 by its series to ρ¹² (truncation below 1e-18), else `Math.log1p`. */
function log1pSmall(rho: number): number {
  if (!(rho > -0.05 && rho < 0.05)) return Math.log1p(rho);
  let q = 1 / 11 - rho / 12;
  q = 1 / 10 - rho * q;
  q = 1 / 9 - rho * q;
  q = 1 / 8 - rho * q;
  q = 1 / 7 - rho * q;
  q = 1 / 6 - rho * q;
  q = 1 / 5 - rho * q;
  q = 1 / 4 - rho * q;
  q = 1 / 3 - rho * q;
  q = 1 / 2 - rho * q;
  return rho * (1 - rho * q);
}

/**
 * A pass at the coefficients `B` (per cell, see {@link coefficientsByCell}) after one at which
 * the rows were `prev` (whose deviance was `devPrev`): returns the deviance, adds the
 * working-weight moments into `moments` (rows with prior weight 0 add nothing, as R leaves them
 * out of the step), writes the rows' η and e^η to `next` and fills `store` when given.
 */
export function rowPass(
  data: GlmData,
  w: Float64Array,
  B: Float64Array,
  moments: Float64Array | null,
  store: RowStore | null,
  prev: RowTrack,
  next: RowTrack,
  devPrev: number,
): number {
  const { mm, y, link } = data;
  if (link === LOGIT)
    return devPrev + logitPass(mm.cell, mm.U, mm.m, y, w, B, moments, store, prev, next);
  if (link === LOG)
    return devPrev + logPass(mm.cell, mm.U, mm.m, y, w, B, moments, store, prev, next);
  return identityPass(mm.cell, mm.U, mm.m, y, w, B, moments, store);
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
  store: RowStore | null,
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
    if (!(wk > 0)) {
      if (store !== null) store.W[k] = 0;
      continue; // adds 0 to the deviance and nothing to the step
    }
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
      e = Math.exp(eta);
      const ope = 1 + e;
      me = e / (ope * ope);
      change += 2 * wk * (log1pSmall((e - e0) / (1 + e0)) - yk * (eta - eta0));
    }
    eNext[k] = e;
    if (moments === null && store === null) continue;
    const mu = e / (1 + e);
    const W = wk * me;
    const r = (yk - mu) / me;
    if (moments !== null) accumulate(moments, c * width, W, W * (eta + r), U, k, m);
    if (store !== null) {
      store.W[k] = W;
      store.r[k] = r;
    }
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
  store: RowStore | null,
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
    if (!(wk > 0)) {
      if (store !== null) store.W[k] = 0;
      continue;
    }
    const mu = Math.max(Math.exp(eta), EPS);
    muNext[k] = mu;
    const yk = y[k]!;
    const mu0 = muPrev[k]!;
    const eta0 = etaPrev[k]!;
    if (eta < LOG_FLOOR || eta0 < LOG_FLOOR) {
      change += devianceResidual(LOG, yk, mu, wk) - devianceResidual(LOG, yk, mu0, wk);
    } else change += 2 * wk * (mu - mu0 - yk * (eta - eta0));
    if (moments === null && store === null) continue;
    const W = (wk * mu * mu) / mu;
    const r = (yk - mu) / mu;
    if (moments !== null) accumulate(moments, c * width, W, W * (eta + r), U, k, m);
    if (store !== null) {
      store.W[k] = W;
      store.r[k] = r;
    }
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
  store: RowStore | null,
): number {
  const width = momentWidth(m);
  let dev = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) {
      if (store !== null) store.W[k] = 0;
      continue;
    }
    const c = cell[k]!;
    const eta = etaOf(B, c, U, k, m);
    const r = y[k]! - eta;
    dev += wk * r * r;
    if (moments !== null) accumulate(moments, c * width, wk, wk * (eta + r), U, k, m);
    if (store !== null) {
      store.W[k] = wk;
      store.r[k] = r;
    }
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
  store: RowStore | null,
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
      W = wk;
      r = 0;
    }
    etaNext[k] = eta;
    if (!(wk > 0)) {
      if (store !== null) store.W[k] = 0;
      continue;
    }
    accumulate(moments, cell[k]! * width, W, W * (eta + r), U, k, m);
    if (store !== null) {
      store.W[k] = W;
      store.r[k] = r;
    }
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
