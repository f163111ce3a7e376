/**
 * The passes of the GLM iterations: at given coefficients, the deviance (R's
 * `sum(dev.resids(y, mu, weights))`) and, for the next step, each row's working weight
 * W = w μ'(η)²/V(μ) and working response z = η + (y − μ)/μ'(η), accumulated per cell.
 *
 * Row passes write the link's arithmetic out in one loop per link (R's formulas, the logit's
 * thresholds at ±30 included), so a row costs one `exp` and, for a 0/1 outcome, one `log`.
 * When the model has no numeric variable every row of a cell has the same linear predictor, so
 * a pass needs only per-cell sums of w, w·y and w·h(y) ({@link cellSums}), made once per set of
 * weights: {@link cellPass} is then a pass over the cells, not the rows.
 * @module
 */
import {
  devianceResidual,
  IDENTITY,
  LOG,
  LOGIT,
  linkFunction,
  linkInverse,
  muEta,
  muStart,
  varianceOf,
} from './family.js';
import type { GlmData } from './irls.js';
import { accumulate, etaOf, momentWidth } from './moments.js';

const EPS = Number.EPSILON;
const INVEPS = 1 / EPS;

/** Where a row pass writes each row's working weight W and working residual (y − μ)/μ'(η). */
export interface RowStore {
  W: Float64Array;
  r: Float64Array;
}

/**
 * A pass over the rows at the coefficients `B` (per cell, see {@link coefficientsByCell}):
 * returns the deviance, adds the working-weight moments into `moments` (rows with prior weight
 * 0 add nothing, as R leaves them out of the step) and fills `store` when given.
 */
export function rowPass(
  data: GlmData,
  w: Float64Array,
  B: Float64Array,
  moments: Float64Array | null,
  store: RowStore | null,
): number {
  const { mm, y, link } = data;
  if (link === LOGIT) return logitPass(mm.cell, mm.U, mm.m, y, w, B, moments, store);
  if (link === LOG) return logPass(mm.cell, mm.U, mm.m, y, w, B, moments, store);
  return identityPass(mm.cell, mm.U, mm.m, y, w, B, moments, store);
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
): number {
  const width = momentWidth(m);
  let dev = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) {
      if (store !== null) store.W[k] = 0;
      continue; // adds 0 to the deviance and nothing to the step
    }
    const c = cell[k]!;
    const eta = etaOf(B, c, U, k, m);
    const outside = eta < -30 || eta > 30;
    const e = outside ? (eta < 0 ? EPS : INVEPS) : Math.exp(eta);
    const ope = 1 + e;
    const mu = e / ope;
    const yk = y[k]!;
    let d: number;
    if (yk === 1) d = Math.log(1 / mu);
    else if (yk === 0) d = Math.log(1 / (1 - mu));
    else d = yk * Math.log(yk / mu) + (1 - yk) * Math.log((1 - yk) / (1 - mu));
    dev += 2 * wk * d;
    if (moments === null && store === null) continue;
    const me = outside ? EPS : e / (ope * ope);
    const W = (wk * me * me) / (mu * (1 - mu));
    const r = (yk - mu) / me;
    if (moments !== null) accumulate(moments, c * width, W, W * (eta + r), U, k, m);
    if (store !== null) {
      store.W[k] = W;
      store.r[k] = r;
    }
  }
  return dev;
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
    const mu = Math.max(Math.exp(eta), EPS);
    const yk = y[k]!;
    dev += yk > 0 ? 2 * (wk * (yk * Math.log(yk / mu) - (yk - mu))) : 2 * mu * wk;
    if (moments === null && store === null) continue;
    const W = (wk * mu * mu) / mu;
    const r = (yk - mu) / mu;
    if (moments !== null) accumulate(moments, c * width, W, W * (eta + r), U, k, m);
    if (store !== null) {
      store.W[k] = W;
      store.r[k] = r;
    }
  }
  return dev;
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

/** The first pass of a fit without starting coefficients: from R's `mustart`, row by row. */
export function startPass(
  data: GlmData,
  w: Float64Array,
  moments: Float64Array,
  store: RowStore | null,
): number {
  const { mm, y, link } = data;
  const { cell, U, m } = mm;
  const width = momentWidth(m);
  let dev = 0;
  for (let k = 0; k < cell.length; k++) {
    const wk = w[k]!;
    const yk = y[k]!;
    const eta = linkFunction(link, muStart(link, yk, wk));
    const mu = linkInverse(link, eta);
    dev += devianceResidual(link, yk, mu, wk);
    if (!(wk > 0)) {
      if (store !== null) store.W[k] = 0;
      continue;
    }
    const me = muEta(link, eta);
    const W = (wk * me * me) / varianceOf(link, mu);
    const r = (yk - mu) / me;
    accumulate(moments, cell[k]! * width, W, W * (eta + r), U, k, m);
    if (store !== null) {
      store.W[k] = W;
      store.r[k] = r;
    }
  }
  return dev;
}

/**
 * Per cell: Σ w, Σ w·y and Σ w·h(y), with h(y) the part of a row's deviance that does not
 * depend on μ (binomial y log y + (1 − y) log(1 − y), poisson y log y, gaussian y²).
 */
export interface CellSums {
  readonly sw: Float64Array;
  readonly swy: Float64Array;
  readonly swh: Float64Array;
}

/** The deviance's μ-free part of an outcome value (see {@link CellSums}). */
export function outcomeTerm(link: number, y: number): number {
  if (link === IDENTITY) return y * y;
  if (link === LOG) return y > 0 ? y * Math.log(y) : 0;
  return (y > 0 ? y * Math.log(y) : 0) + (y < 1 ? (1 - y) * Math.log(1 - y) : 0);
}

/** {@link CellSums} of the model's rows with weights `w` (rows with weight 0 left out). */
export function cellSums(data: GlmData, w: Float64Array): CellSums {
  const { mm, y, link } = data;
  const sw = new Float64Array(mm.nCells);
  const swy = new Float64Array(mm.nCells);
  const swh = new Float64Array(mm.nCells);
  for (let k = 0; k < y.length; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue;
    const c = mm.cell[k]!;
    const yk = y[k]!;
    sw[c]! += wk;
    swy[c]! += wk * yk;
    swh[c]! += wk * outcomeTerm(link, yk);
  }
  return { sw, swy, swh };
}

/**
 * A pass over the cells of a model without numeric variables: the same deviance and moments as
 * {@link rowPass} (each row of a cell has the cell's μ), from the cells' sums. Fills `perCell`
 * (μ'(η)²/V(μ) and (the cell's) μ, μ'(η) per cell) when given.
 */
export function cellPass(
  data: GlmData,
  sums: CellSums,
  B: Float64Array,
  moments: Float64Array | null,
  perCell: CellFactors | null,
): number {
  const link = data.link;
  const { sw, swy, swh } = sums;
  let dev = 0;
  for (let c = 0; c < sw.length; c++) {
    const n = sw[c]!;
    if (!(n > 0)) continue;
    const eta = B[c]!;
    const mu = linkInverse(link, eta);
    const sy = swy[c]!;
    if (link === LOGIT) dev += 2 * (swh[c]! - sy * Math.log(mu) - (n - sy) * Math.log(1 - mu));
    else if (link === LOG) dev += 2 * (swh[c]! - sy * Math.log(mu) - sy + mu * n);
    else dev += swh[c]! - 2 * mu * sy + mu * mu * n;
    const me = muEta(link, eta);
    const f = (me * me) / varianceOf(link, mu);
    if (moments !== null) {
      moments[2 * c]! += n * f;
      moments[2 * c + 1]! += f * (eta * n + (sy - mu * n) / me);
    }
    if (perCell !== null) {
      perCell.factor[c] = f;
      perCell.mu[c] = mu;
      perCell.muEta[c] = me;
    }
  }
  return dev;
}

/** Per cell of a model without numeric variables: W/w = μ'(η)²/V(μ), μ and μ'(η). */
export interface CellFactors {
  readonly factor: Float64Array;
  readonly mu: Float64Array;
  readonly muEta: Float64Array;
}
