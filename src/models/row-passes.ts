/**
 * The GLM iterations' passes over the rows: at given coefficients, the deviance (R's
 * `sum(dev.resids(y, mu, weights))`) and, for the next step, each row's working weight
 * W = w μ'(η)²/V(μ) and working response z = η + (y − μ)/μ'(η), accumulated per cell (see
 * {@link accumulate}).
 *
 * A pass knows each row's η and e^η at the previous coefficients (a {@link RowTrack}) and adds up
 * the change of the deviance rather than the deviance: for the logit link a row changes it by
 * 2w (log((1 + e^η)/(1 + e^η₀)) − y (η − η₀)), and for the log link by 2w (μ − μ₀ − y (η − η₀)),
 * with no logarithm at all. The logarithm log(1 + ρ), ρ = (e^η − e^η₀)/(1 + e^η₀), is 2 atanh(t)
 * with t = ρ/(2 + ρ): for |t| < 0.5 (nearly every row) its series to t⁹
 * replaces `Math.log1p`, and what the series leaves out is summed as the pass's bound
 * ({@link PassBound}). R's convergence test is then decided for every deviance within the bounds,
 * or, when they leave it open, on deviances summed row by row as R sums them
 * ({@link trackDeviance}): the decisions, iterations and coefficients are those of the exact
 * sums. A row costs at most one `exp` (none once η moves by less than 0.001). Rows beyond R's
 * thresholds (|η| > 30 for the logit, μ at its floor for the log link) take R's formulas.
 * @module
 */

import { tableExp } from './exp.js';
import { devianceResidual, LOG, LOGIT, linkInverse, muEta, varianceOf } from './family.js';
import type { GlmData } from './irls.js';
import { accumulate, etaOf, momentWidth } from './moments.js';
import { type RowRole, rowFloat64 } from './shared-rows.js';

export const EPS = Number.EPSILON;
export const INVEPS = 1 / EPS;
/** Below this η the log link's μ = max(e^η, ε) may be at its floor. */
export const LOG_FLOOR = Math.log(EPS) + 1;

/**
 * Per row: e^η (the log link: μ) at some coefficients, and η: recomputed from the per-cell
 * coefficients `at` the rows are at (cheaper than storing and reading it back), or, for the rows
 * at R's `mustart` (which no coefficients give), stored in `eta`.
 */
export interface RowTrack {
  /** Per row η when `at` is null (length n), else unused (may be empty). */
  eta: Float64Array;
  e: Float64Array;
  /** The per-cell coefficients (see {@link coefficientsByCell}) the rows are at, or null. */
  at: Float64Array | null;
}

/**
 * A new track for n rows; `withEta` for one that will hold rows at R's `mustart`. With `roles`
 * (e^η's, then η's, used only `withEta`), a large model's track is in the helper thread's pool
 * (shared-rows.ts); without, ordinary arrays (two tracks of one fit must not share a role).
 */
export function rowTrack(
  n: number,
  withEta = false,
  roles: readonly [RowRole, RowRole] | null = null,
): RowTrack {
  const array = (r: 0 | 1) => (roles === null ? new Float64Array(n) : rowFloat64(roles[r], n));
  const eta = withEta ? array(1) : new Float64Array(0);
  return { eta, e: array(0), at: null };
}

/** Row k's η on a track. */
function etaOnTrack(track: RowTrack, mm: GlmData['mm'], k: number): number {
  const at = track.at;
  return at === null ? track.eta[k]! : etaOf(at, mm.cell[k]!, mm.U, k, mm.m);
}

/** Below this |δ|, e^δ − 1 is {@link expm1Tiny}'s polynomial rather than `Math.exp`. */
export const TINY = 1e-3;

/** e^δ − 1 for |δ| < 1e-3, to δ⁵ (what it leaves out is below 2e-21). */
export function expm1Tiny(d: number): number {
  return d * (1 + d * (0.5 + d * (1 / 6 + d * (1 / 24 + d * (1 / 120)))));
}

/**
 * ln(1 + ρ) is 2 atanh(t) with t = ρ/(2 + ρ): for |t| < 0.5 (nearly every row) the series
 * 2 (t + t³/3 + … + t⁹/9) is used, and what it leaves out, below 2|t|¹¹/(11 (1 − t²)), is added
 * to the pass's {@link PassBound}: a division and a few products instead of `Math.log1p`, the
 * costliest step of a pass.
 */
const ATANH_SERIES = 0.25;

/** 2 atanh(t) for t² < 0.25, to t⁹ (see {@link ATANH_SERIES}). */
function atanh2(t: number, t2: number): number {
  return 2 * t * (1 + t2 * (1 / 3 + t2 * (1 / 5 + t2 * (1 / 7 + t2 * (1 / 9)))));
}

/** 2/(11 (1 − 0.25)): what {@link atanh2} leaves out of 2 atanh(t) is below this × |t|¹¹. */
const ATANH_REST = 2 / (11 * (1 - ATANH_SERIES));

/**
 * How far a pass's deviance may be from the exact one: the sum of what the series of
 * {@link ATANH_SERIES} left out (0 when every row took exact formulas). Written by each pass.
 */
export interface PassBound {
  radius: number;
}

/**
 * A pass at the coefficients `B` (per cell, see {@link coefficientsByCell}) after one at which
 * the rows were `prev` (whose deviance was `devPrev`): returns the deviance, adds the
 * working-weight moments into `moments` (rows with prior weight 0 add nothing, as R leaves them
 * out of the step) and writes the rows' η and e^η to `next`. Where η moved by less than 0.001
 * since `prev`, e^η is e^η₀ · e^(η − η₀) with the short factor by its series: once the
 * iterations settle a pass needs no `exp` either. (Longer series reaching 0.1 cost more than
 * `Math.exp` and `Math.log1p` themselves: V8 does not inline them.) With `deviance: false` the
 * pass only adds the moments and writes the rows (for a step whose convergence test is decided
 * without the deviance: `deviationInterval` in converged.ts); it then returns NaN.
 */
export function rowPass(
  data: GlmData,
  w: Float64Array,
  B: Float64Array,
  moments: Float64Array | null,
  prev: RowTrack,
  next: RowTrack,
  devPrev: number,
  bound: PassBound,
  deviance = true,
): number {
  const { mm, y, link } = data;
  bound.radius = 0;
  next.at = B; // the rows' η: from B, not stored
  const { cell, U, m } = mm;
  let change: number;
  if (link === LOGIT) {
    change =
      m === 1
        ? logitPassOne(cell, U, y, w, B, moments, prev, next, bound, deviance)
        : logitPass(cell, U, m, y, w, B, moments, prev, next, bound, deviance);
  } else if (link === LOG) {
    change = logPass(cell, U, m, y, w, B, moments, prev, next, deviance);
  } else return identityPass(cell, U, m, y, w, B, moments);
  return deviance ? devPrev + change : Number.NaN;
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
  bound: PassBound,
  deviance: boolean,
): number {
  const width = momentWidth(m);
  const { eta: etaPrev, e: ePrev, at: atPrev } = prev;
  const eNext = next.e;
  let change = 0;
  let radius = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue; // adds 0 to the deviance and nothing to the step
    const c = cell[k]!;
    const eta = etaOf(B, c, U, k, m);
    const yk = y[k]!;
    const e0 = ePrev[k]!;
    const eta0 = atPrev === null ? etaPrev[k]! : etaOf(atPrev, c, U, k, m);
    if (eta < -30 || eta > 30 || eta0 < -30 || eta0 > 30) {
      // R's thresholds: its formulas as they are
      const e = eta < -30 ? EPS : eta > 30 ? INVEPS : Math.exp(eta);
      eNext[k] = e;
      if (deviance) change += wk * (logitDeviance(yk, eta) - logitDeviance(yk, eta0));
      if (moments === null) continue;
      const mu = e / (1 + e);
      const me = eta < -30 || eta > 30 ? EPS : e / ((1 + e) * (1 + e));
      const W = (wk * me * me) / (mu * (1 - mu));
      accumulate(moments, c * width, W, W * (eta + (yk - mu) / me), U, k, m);
      continue;
    }
    const d = eta - eta0;
    let e: number;
    let de: number;
    if (d > -TINY && d < TINY) {
      de = e0 * expm1Tiny(d);
      e = e0 + de;
    } else {
      e = tableExp(eta); // |η| ≤ 30 here
      de = e - e0;
    }
    eNext[k] = e;
    if (deviance) {
      // ln((1 + e)/(1 + e₀)) = ln(1 + ρ), ρ = (e − e₀)/(1 + e₀)
      const t = de / (2 + e + e0);
      const t2 = t * t;
      let lr: number;
      if (t2 < ATANH_SERIES) {
        lr = atanh2(t, t2);
        radius += wk * Math.abs(t) * t2 * t2 * t2 * t2 * t2;
      } else lr = Math.log1p(de / (1 + e0));
      change += 2 * wk * (lr - yk * d);
    }
    if (moments === null) continue;
    const inv = 1 / (1 + e);
    const mu = e * inv;
    // μ'(η) = μ(1 − μ) = V(μ): W = w μ'(η), and W z = W η + w (y − μ)
    const W = wk * mu * inv;
    accumulate(moments, c * width, W, W * eta + wk * (yk - mu), U, k, m);
  }
  bound.radius = 2 * ATANH_REST * radius;
  return change;
}

/**
 * {@link logitPass} for one numeric feature (m = 1, the usual model with a numeric variable), with
 * the linear predictor and the moments written out: V8 then keeps the row in registers (about
 * twice as fast as the general loop on 1,000,000 rows).
 */
function logitPassOne(
  cell: Int32Array,
  U: Float64Array,
  y: Float64Array,
  w: Float64Array,
  B: Float64Array,
  moments: Float64Array | null,
  prev: RowTrack,
  next: RowTrack,
  bound: PassBound,
  deviance: boolean,
): number {
  const m = 1;
  const width = momentWidth(m);
  const { eta: etaPrev, e: ePrev, at: atPrev } = prev;
  const eNext = next.e;
  let change = 0;
  let radius = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue; // adds 0 to the deviance and nothing to the step
    const c = cell[k]!;
    const u = U[k]!;
    const eta = B[2 * c]! + B[2 * c + 1]! * u;
    const yk = y[k]!;
    const e0 = ePrev[k]!;
    const eta0 = atPrev === null ? etaPrev[k]! : atPrev[2 * c]! + atPrev[2 * c + 1]! * u;
    if (eta < -30 || eta > 30 || eta0 < -30 || eta0 > 30) {
      // R's thresholds: its formulas as they are
      const e = eta < -30 ? EPS : eta > 30 ? INVEPS : Math.exp(eta);
      eNext[k] = e;
      if (deviance) change += wk * (logitDeviance(yk, eta) - logitDeviance(yk, eta0));
      if (moments === null) continue;
      const mu = e / (1 + e);
      const me = eta < -30 || eta > 30 ? EPS : e / ((1 + e) * (1 + e));
      const W = (wk * me * me) / (mu * (1 - mu));
      accumulate(moments, c * width, W, W * (eta + (yk - mu) / me), U, k, m);
      continue;
    }
    const d = eta - eta0;
    let e: number;
    let de: number;
    if (d > -TINY && d < TINY) {
      de = e0 * expm1Tiny(d);
      e = e0 + de;
    } else {
      e = tableExp(eta); // |η| ≤ 30 here
      de = e - e0;
    }
    eNext[k] = e;
    if (deviance) {
      // ln((1 + e)/(1 + e₀)) = ln(1 + ρ), ρ = (e − e₀)/(1 + e₀)
      const t = de / (2 + e + e0);
      const t2 = t * t;
      let lr: number;
      if (t2 < ATANH_SERIES) {
        lr = atanh2(t, t2);
        radius += wk * Math.abs(t) * t2 * t2 * t2 * t2 * t2;
      } else lr = Math.log1p(de / (1 + e0));
      change += 2 * wk * (lr - yk * d);
    }
    if (moments === null) continue;
    const inv = 1 / (1 + e);
    const mu = e * inv;
    // μ'(η) = μ(1 − μ) = V(μ): W = w μ'(η), and W z = W η + w (y − μ)
    const W = wk * mu * inv;
    const Wz = W * eta + wk * (yk - mu);
    const o = c * 5;
    const Wu = W * u;
    moments[o]! += W;
    moments[o + 1]! += Wu;
    moments[o + 2]! += Wu * u;
    moments[o + 3]! += Wz;
    moments[o + 4]! += Wz * u;
  }
  bound.radius = 2 * ATANH_REST * radius;
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
  deviance: boolean,
): number {
  const width = momentWidth(m);
  const { eta: etaPrev, e: muPrev, at: atPrev } = prev;
  const muNext = next.e;
  let change = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue;
    const c = cell[k]!;
    const eta = etaOf(B, c, U, k, m);
    const yk = y[k]!;
    const mu0 = muPrev[k]!;
    const eta0 = atPrev === null ? etaPrev[k]! : etaOf(atPrev, c, U, k, m);
    let mu: number;
    if (eta < LOG_FLOOR || eta0 < LOG_FLOOR) {
      mu = Math.max(Math.exp(eta), EPS);
      if (deviance) {
        change += devianceResidual(LOG, yk, mu, wk) - devianceResidual(LOG, yk, mu0, wk);
      }
    } else {
      const d = eta - eta0;
      const dmu = d > -TINY && d < TINY ? mu0 * expm1Tiny(d) : Math.exp(eta) - mu0;
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
): number {
  const width = momentWidth(m);
  let dev = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue;
    const c = cell[k]!;
    const eta = etaOf(B, c, U, k, m);
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
  next: RowTrack | null,
  bound: PassBound,
): number {
  const { mm, y, link, binary } = data;
  const { cell, U, m } = mm;
  const width = momentWidth(m);
  if (next !== null) next.at = null; // η at `mustart` is stored: no coefficients give it
  if (link === LOGIT && binary) return binaryStart(data, w, moments, next, bound);
  // without a track (a fit on cells needs none) the values go to a scratch slot
  const etaNext = next?.eta ?? new Float64Array(1);
  const eNext = next?.e ?? new Float64Array(1);
  const at = next === null ? () => 0 : (k: number) => k;
  let dev = 0;
  let radius = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    const yk = y[k]!;
    // W z = W η + W (y − μ)/μ'(η) = W η + w (y − μ) for these canonical links
    let eta: number;
    let W: number;
    let resid: number;
    if (link === LOGIT) {
      const mu = (wk * yk + 0.5) / (wk + 1);
      const e = mu / (1 - mu);
      eNext[at(k)] = e;
      if (binary) {
        // mustart = (w y + ½)/(w + 1): η = ±log(2w + 1), and either outcome's deviance term
        // is log((w + 1)/(w + ½)) = 2 atanh(1/(4w + 3))
        eta = (2 * yk - 1) * Math.log(2 * wk + 1);
        const t = 1 / (4 * wk + 3);
        const t2 = t * t;
        if (t2 < ATANH_SERIES) {
          dev += 2 * wk * atanh2(t, t2);
          radius += wk * Math.abs(t) * t2 * t2 * t2 * t2 * t2;
        } else dev += 2 * wk * Math.log((wk + 1) / (wk + 0.5));
      } else {
        eta = Math.log(e);
        dev += devianceResidual(LOGIT, yk, mu, wk);
      }
      W = wk * mu * (1 - mu);
      resid = yk - mu;
    } else if (link === LOG) {
      const mu = yk + 0.1;
      eta = Math.log(mu);
      eNext[at(k)] = mu;
      dev += devianceResidual(LOG, yk, mu, wk);
      W = wk * mu;
      resid = yk - mu;
    } else {
      eta = yk;
      eNext[at(k)] = yk;
      W = wk;
      resid = 0;
    }
    etaNext[at(k)] = eta;
    if (!(wk > 0)) continue;
    accumulate(moments, cell[k]! * width, W, W * eta + wk * resid, U, k, m);
  }
  bound.radius = 2 * ATANH_REST * radius;
  return dev;
}

const EMPTY = new Float64Array(0);

/**
 * {@link startPass} for a 0/1 outcome and the logit link. With a = 2w + 1, R's `mustart`
 * (w y + ½)/(w + 1) gives e^η = a for y = 1 and 1/a for y = 0, η = ±log a, the working weight
 * w a/(1 + a)², the residual y − μ = ±1/(1 + a) and the deviance term 2 w atanh(1/(2a + 1)): the
 * three reciprocals from one division (a division costs about as much as the rest of the row).
 * Without a track (a fit on cells) the rows' η and e^η are not kept.
 */
function binaryStart(
  data: GlmData,
  w: Float64Array,
  moments: Float64Array,
  next: RowTrack | null,
  bound: PassBound,
): number {
  const { mm, y } = data;
  const { cell, U, m } = mm;
  const width = momentWidth(m);
  const keep = next !== null;
  const etaNext = next?.eta ?? EMPTY;
  const eNext = next?.e ?? EMPTY;
  let dev = 0;
  let radius = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    const yk = y[k]!;
    const a = 2 * wk + 1;
    const b = 1 + a;
    const c = 2 * a + 1;
    const q = 1 / (a * b * c);
    const r = q * a * c; // 1/(1 + a)
    const sign = 2 * yk - 1;
    const eta = sign * Math.log(a);
    if (keep) {
      eNext[k] = yk * a + (1 - yk) * (q * b * c); // a or 1/a
      etaNext[k] = eta;
    }
    // log((w + 1)/(w + ½)) = 2 atanh(t), t = 1/(2a + 1)
    const t = q * a * b;
    const t2 = t * t;
    if (t2 < ATANH_SERIES) {
      dev += 2 * wk * atanh2(t, t2);
      radius += wk * t * t2 * t2 * t2 * t2 * t2;
    } else dev += 2 * wk * Math.log((wk + 1) / (wk + 0.5));
    if (!(wk > 0)) continue;
    const W = wk * a * r * r;
    accumulate(moments, cell[k]! * width, W, W * eta + wk * sign * r, U, k, m);
  }
  bound.radius = 2 * ATANH_REST * radius;
  return dev;
}

/**
 * The deviance at the rows of `track`, summed row by row as R sums it: what decides R's
 * convergence test when the deviances the passes carry, with their {@link PassBound}s, leave it
 * open.
 */
export function trackDeviance(data: GlmData, w: Float64Array, track: RowTrack): number {
  const { y, link, mm } = data;
  const e = track.e;
  let dev = 0;
  for (let k = 0; k < w.length; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue;
    const eta = etaOnTrack(track, mm, k);
    const mu =
      link === LOGIT
        ? eta < -30 || eta > 30
          ? linkInverse(LOGIT, eta)
          : e[k]! / (1 + e[k]!)
        : link === LOG
          ? e[k]!
          : eta;
    dev += devianceResidual(link, y[k]!, mu, wk);
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
  const track = rowTrack(n, false, ['startTrack', 'startTrack']);
  track.at = B;
  const unitW = rowFloat64('startW', n);
  const z = rowFloat64('startZ', n);
  const unitDev = rowFloat64('startDev', n);
  for (let k = 0; k < n; k++) {
    const eta = etaOf(B, cell[k]!, U, k, m);
    const yk = y[k]!;
    const mu = linkInverse(link, eta);
    const me = muEta(link, eta);
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

/** Row k's working weight at R's `mustart` (the first step's). */
export function startWorkingWeight(link: number, y: number, w: number): number {
  if (link === LOGIT) {
    const mu = (w * y + 0.5) / (w + 1);
    return w * mu * (1 - mu);
  }
  if (link === LOG) return w * (y + 0.1);
  return w;
}

/** Row k's working weight W = w μ'(η)²/V(μ) at the rows of `track`. */
export function workingWeight(
  link: number,
  w: number,
  track: RowTrack,
  eta: number,
  k: number,
): number {
  if (link === LOGIT) {
    const e = track.e[k]!;
    const me = eta < -30 || eta > 30 ? EPS : e / ((1 + e) * (1 + e));
    const mu = e / (1 + e);
    return (w * me * me) / (mu * (1 - mu));
  }
  if (link === LOG) return w * track.e[k]!;
  return w;
}
