/**
 * The GLM iterations' passes over the cells of a model without numeric variables: every row of
 * a cell has the same linear predictor, so a pass needs only per-cell sums of w, w·y and w·h(y)
 * ({@link cellSums}), made once per set of weights, and gives the same deviance and moments as
 * a pass over the rows.
 * @module
 */
import { IDENTITY, LOG, LOGIT, linkInverse, muEta, varianceOf } from './family.js';
import type { GlmData } from './irls.js';

/**
 * Per cell: Σ w, Σ w·y and Σ w·h(y), with h(y) the part of a row's deviance that does not
 * depend on μ (binomial y log y + (1 − y) log(1 − y), poisson y log y, gaussian y²).
 */
export interface CellSums {
  readonly sw: Float64Array;
  readonly swy: Float64Array;
  readonly swh: Float64Array;
  /** Σ w·y² per cell (for the Pearson residuals); absent for sums made elsewhere. */
  readonly swyy?: Float64Array;
  /** Rows with a weight above 0. */
  readonly nonzero?: number;
}

/** The deviance's μ-free part of an outcome value (see {@link CellSums}). */
export function outcomeTerm(link: number, y: number): number {
  if (link === IDENTITY) return y * y;
  if (link === LOG) return y > 0 ? y * Math.log(y) : 0;
  return (y > 0 ? y * Math.log(y) : 0) + (y < 1 ? (1 - y) * Math.log(1 - y) : 0);
}

/**
 * {@link CellSums} of the model's rows with weights `w` (rows with weight 0 left out). For a 0/1
 * outcome h(y) is 0 and y² is y: only Σ w and Σ w·y are summed (no logarithm, and no branch on
 * y, which in a file's order is as good as random).
 */
export function cellSums(data: GlmData, w: Float64Array): CellSums {
  const { mm, y, link } = data;
  const sw = new Float64Array(mm.nCells);
  const swy = new Float64Array(mm.nCells);
  const swh = new Float64Array(mm.nCells);
  let nonzero = 0;
  if (data.binary) {
    for (let k = 0; k < y.length; k++) {
      const wk = w[k]!;
      if (!(wk > 0)) continue;
      nonzero++;
      const c = mm.cell[k]!;
      sw[c]! += wk;
      swy[c]! += wk * y[k]!;
    }
    return { sw, swy, swh, swyy: swy.slice(), nonzero };
  }
  const swyy = new Float64Array(mm.nCells);
  for (let k = 0; k < y.length; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue;
    nonzero++;
    const c = mm.cell[k]!;
    const yk = y[k]!;
    sw[c]! += wk;
    swy[c]! += wk * yk;
    swyy[c]! += wk * yk * yk;
    swh[c]! += wk * outcomeTerm(link, yk);
  }
  return { sw, swy, swh, swyy, nonzero };
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
