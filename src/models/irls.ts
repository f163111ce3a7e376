/**
 * Iteratively reweighted least squares exactly as R's `glm.fit` runs it (same starting values,
 * same steps, same convergence rule |dev − dev_old| / (|dev| + 0.1) < 1e-8, at most 25
 * iterations, step halving when the deviance is not finite), so a fit stops at the same iterate
 * as R's and its working weights are R's.
 *
 * Each iteration is one pass over the rows (see {@link rowPass}), or over the cells when the
 * model has no numeric variable ({@link cellPass}): the deviance, and for the next step the
 * working-weight moments per cell, from which XᵀWX and XᵀWz are assembled (no n × p matrix).
 * @module
 */

import { type CellFactors, type CellSums, cellPass, cellSums } from './cell-passes.js';
import {
  aliasedColumns,
  type Cholesky,
  cholesky,
  choleskyInverse,
  choleskySolve,
} from './linalg.js';
import type { ModelMatrix } from './model-matrix.js';
import { assemble, coefficientsByCell, momentWidth } from './moments.js';
import {
  type RowStore,
  type RowTrack,
  rowPass,
  rowTrack,
  type SharedStart,
  sharedStart,
  startFromShared,
  startPass,
} from './row-passes.js';

/** R's `glm.control()` defaults. */
export const MAX_ITERATIONS = 25;
export const EPSILON = 1e-8;

/** The data a fit runs on: the model matrix, the outcome (aligned with its rows), the link. */
export interface GlmData {
  readonly mm: ModelMatrix;
  readonly y: Float64Array;
  readonly link: number;
  /** Whether every y is 0 or 1 (the binomial passes then need no branch on y). */
  readonly binary: boolean;
}

/** How to run {@link irls}. */
export interface IrlsOptions {
  /** Starting coefficients (R's `start`); default: the family's `mustart`. */
  start?: Float64Array | null;
  /** For a model without numeric variables: the cells' sums with these weights, if known. */
  sums?: CellSums;
  /** Also compute each row's score factor and Pearson residual (see {@link FitScores}). */
  scores?: boolean;
  /** With `start`: the rows at `start` (every replicate's refit starts at the same place). */
  shared?: SharedStart;
  /** Buffers of two row tracks to reuse (one fit after another). */
  tracks?: [RowTrack, RowTrack];
}

/**
 * Per row of a fit: `s` = W (y − μ)/μ'(η) with the working weight W of the last step and μ at
 * the fit (the row's estimating-function value is x·s: R's `svy.varcoef`), and the Pearson
 * residual (y − μ)/√V(μ).
 */
export interface FitScores {
  readonly s: Float64Array;
  readonly pearson: Float64Array;
}

/** A finished fit. */
export interface IrlsResult {
  /** The coefficients. */
  readonly beta: Float64Array;
  /** (XᵀWX)⁻¹ with the working weights of the last step (R's `summary(fit)$cov.unscaled`). */
  readonly xwxInverse: Float64Array;
  /** Iterations run. */
  readonly iterations: number;
  /** Whether the convergence rule was met. */
  readonly converged: boolean;
  /** The deviance at `beta` (with the prior weights given). */
  readonly deviance: number;
  /** Per cell and feature, Σ W u_a u_b, Σ W z u_a at `beta` (for a further step). */
  readonly moments: Float64Array;
  /** With `scores: true`. */
  readonly scores: FitScores | null;
}

/** Why a fit could not be made. */
export type IrlsFailure =
  | {
      readonly kind: 'aliased';
      /** Every column that is a linear combination of the columns before it. */
      readonly columns: readonly number[];
      /** The XᵀWX they were found in. */
      readonly xwx: Float64Array;
    }
  | { readonly kind: 'nonFinite' };

/** Working weights of a step: per row, or per cell (W = w · factor). */
type Weights = { rows: Float64Array } | { cells: CellFactors };

/**
 * R's `glm.fit` with prior weights `w` (aligned with the model's rows), from `opts.start` or the
 * family's `mustart`; or why it cannot be run (a column aliased, no finite deviance), for the
 * caller to turn into a typed error.
 */
export function irls(
  data: GlmData,
  w: Float64Array,
  opts: IrlsOptions = {},
): IrlsResult | { readonly failure: IrlsFailure } {
  const { mm } = data;
  const p = mm.p;
  const start = opts.start ?? null;
  const wantScores = opts.scores ?? false;
  const byCells = mm.m === 0;
  const sums = byCells ? (opts.sums ?? cellSums(data, w)) : null;
  const n = w.length;
  const width = momentWidth(mm.m);
  let moments = new Float64Array(mm.nCells * width);
  let next = new Float64Array(mm.nCells * width);
  // working weights and residuals per row (row passes) or factors per cell (cell passes)
  const rowW = wantScores && !byCells ? [new Float64Array(n), new Float64Array(n)] : null;
  const rowR = wantScores && !byCells ? new Float64Array(n) : null;
  const cellF = byCells
    ? [0, 1].map(() => ({
        factor: new Float64Array(mm.nCells),
        mu: new Float64Array(mm.nCells),
        muEta: new Float64Array(mm.nCells),
      }))
    : null;
  // row passes: the rows' η and e^η at the last pass (prevTrack); the next one writes tracks[t]
  const tracks: RowTrack[] | null = byCells ? null : (opts.tracks ?? [rowTrack(n), rowTrack(n)]);
  let t = 0;
  let prevTrack: RowTrack | null = null;
  let slot = 0;
  let current: Weights;
  let devOld: number;
  if (start === null) {
    const W = wantScores ? (rowW?.[0] ?? new Float64Array(n)) : null;
    const store = W === null ? null : { W, r: rowR ?? new Float64Array(n) };
    const track = tracks?.[0] ?? rowTrack(n);
    devOld = startPass(data, w, moments, store, track);
    prevTrack = track;
    t = 1;
    current = { rows: W ?? new Float64Array(0) };
  } else if (sums !== null) {
    devOld = cellPass(data, sums, coefficientsByCell(mm, start), moments, cellF![0]!);
    current = { cells: cellF![0]! };
  } else {
    const shared = opts.shared ?? sharedStart(data, coefficientsByCell(mm, start));
    devOld = startFromShared(data, shared, w, moments);
    prevTrack = shared.track;
    if (wantScores) {
      const W = rowW![0]!;
      for (let k = 0; k < n; k++) W[k] = w[k]! > 0 ? w[k]! * shared.unitW[k]! : 0;
    }
    current = { rows: rowW?.[0] ?? new Float64Array(0) };
  }
  let coefOld: Float64Array | null = start;
  let beta = start ?? new Float64Array(p);
  let lastFactor: Cholesky | null = null;
  let used: Weights = current;
  let converged = false;
  let iterations = 0;
  let dev = devOld;
  const runPass = (b: Float64Array, into: Float64Array, s: number): [number, Weights] => {
    const B = coefficientsByCell(mm, b);
    if (sums !== null) return [cellPass(data, sums, B, into, cellF![s]!), { cells: cellF![s]! }];
    const target = tracks![t]!;
    return [
      rowPass(data, w, B, into, rowStore(rowW, rowR, s), prevTrack!, target, devOld),
      { rows: rowW?.[s] ?? new Float64Array(0) },
    ];
  };
  for (let iter = 1; iter <= MAX_ITERATIONS; iter++) {
    iterations = iter;
    const { xwx, xwz } = assemble(mm, moments);
    const f = cholesky(xwx, p);
    if (!f.ok) {
      const columns = aliasedColumns(xwx, p);
      return { failure: { kind: 'aliased', columns: columns.length ? columns : [f.column], xwx } };
    }
    lastFactor = f.factor;
    used = current;
    slot = 1 - slot;
    beta = choleskySolve(f.factor, xwz);
    next.fill(0);
    [dev, current] = runPass(beta, next, slot);
    if (!Number.isFinite(dev)) {
      if (coefOld === null) return { failure: { kind: 'nonFinite' } };
      for (let ii = 1; !Number.isFinite(dev); ii++) {
        if (ii > MAX_ITERATIONS) return { failure: { kind: 'nonFinite' } };
        for (let j = 0; j < p; j++) beta[j] = (beta[j]! + coefOld[j]!) / 2;
        next.fill(0);
        [dev, current] = runPass(beta, next, slot);
      }
    }
    // `next` holds the moments at beta, tracks[t] its rows
    [moments, next] = [next, moments];
    if (tracks !== null) {
      prevTrack = tracks[t]!;
      t = 1 - t;
    }
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < EPSILON) {
      converged = true;
      break;
    }
    devOld = dev;
    coefOld = beta;
  }
  return {
    beta,
    xwxInverse: choleskyInverse(lastFactor!),
    iterations,
    converged,
    deviance: dev,
    moments,
    scores: wantScores ? fitScores(data, w, used, current, rowR) : null,
  };
}

function rowStore(W: Float64Array[] | null, r: Float64Array | null, s: number): RowStore | null {
  return W === null || r === null ? null : { W: W[s]!, r };
}

/** {@link FitScores} from the working weights of the last step and of the fit. */
function fitScores(
  data: GlmData,
  w: Float64Array,
  used: Weights,
  final: Weights,
  r: Float64Array | null,
): FitScores {
  const { mm, y } = data;
  const n = w.length;
  const s = new Float64Array(n);
  const pearson = new Float64Array(n);
  const cell = mm.cell;
  if ('cells' in final) {
    const { mu, muEta, factor } = final.cells;
    for (let k = 0; k < n; k++) {
      const c = cell[k]!;
      const rk = (y[k]! - mu[c]!) / muEta[c]!;
      pearson[k] = rk * Math.sqrt(factor[c]!);
      s[k] = rk;
    }
  } else {
    const Wf = final.rows;
    for (let k = 0; k < n; k++) {
      const wk = w[k]!;
      const rk = r![k]!;
      pearson[k] = wk > 0 ? rk * Math.sqrt(Wf[k]! / wk) : 0;
      s[k] = rk;
    }
  }
  // × the working weight of the last step
  if ('cells' in used) {
    const factor = used.cells.factor;
    for (let k = 0; k < n; k++) s[k] = s[k]! * w[k]! * factor[cell[k]!]!;
  } else {
    const Wu = used.rows;
    for (let k = 0; k < n; k++) s[k] = s[k]! * Wu[k]!;
  }
  return { s, pearson };
}

/**
 * One more Newton step from a finished fit: the change in each coefficient. After R's rule is
 * met this is tiny unless the likelihood has no maximum (separation), where some coefficients
 * keep moving by about 1 per step.
 */
export function probeStep(data: GlmData, fit: IrlsResult): Float64Array | null {
  const { xwx, xwz } = assemble(data.mm, fit.moments);
  const f = cholesky(xwx, data.mm.p);
  if (!f.ok) return null;
  const b = choleskySolve(f.factor, xwz);
  for (let j = 0; j < b.length; j++) b[j] = b[j]! - fit.beta[j]!;
  return b;
}
