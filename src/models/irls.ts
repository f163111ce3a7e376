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
import { deviationInterval, provenConverged } from './converged.js';
import { addPearson, type PearsonSums } from './dispersion.js';
import type { FinalPassResult, FitClusters } from './final-pass.js';
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
  type PassBound,
  type RowTrack,
  rowTrack,
  type SharedStart,
  sharedStart,
  startWorkingWeight,
  trackDeviance,
} from './row-passes.js';
import { pooledCopy, rowFloat64 } from './shared-rows.js';
import {
  finalPassSplit,
  rowPassSplit,
  startFromSharedSplit,
  startPassSplit,
} from './split-passes.js';

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
  /**
   * Only `beta` is wanted (a replicate's refit): a row pass whose only use would be R's
   * convergence test is skipped when the test provably passes ({@link provenConverged}); the
   * result's `deviance` is then NaN and its `moments` are those the last step was solved with.
   */
  betaOnly?: boolean;
  /**
   * With `scores`: the design's first-stage clusters, whose score totals the fit then also gives
   * (`clusterSums`) when its last pass is the fused one (see `fuseLastPass`).
   */
  clusters?: FitClusters | null;
  /**
   * With `clusters`: false when the variance needs only those clusters' sums, so a fused last
   * pass keeps no per-row scores (`scores.s` is then empty). Default true.
   */
  keepScores?: boolean;
  /**
   * With `scores` (default true): when R's test is proven before the last pass
   * ({@link provenConverged}), that pass gives the moments, the scores and the clusters' totals
   * at once and no deviance ({@link finalPass}). False runs R's last pass and the scores as
   * separate passes (for tests: the two must agree).
   */
  fuseLastPass?: boolean;
  /**
   * Decide every convergence test on deviances summed row by row (as R), never on the passes'
   * bounded sums (for tests: the two must agree).
   */
  exactDeviance?: boolean;
}

/**
 * Per row of a fit: `s` = W (y − μ)/μ'(η) with the working weight W of the last step and μ at
 * the fit (the row's estimating-function value is x·s: R's `svy.varcoef`); and the sums of the
 * Pearson residuals (y − μ)/√V(μ) the dispersion needs.
 */
export interface FitScores {
  readonly s: Float64Array;
  readonly pearson: PearsonSums;
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
  /** With `betaOnly`: the last pass was not run, R's rule being proven to hold without it. */
  readonly lastPassSkipped: boolean;
  /**
   * The deviance at `beta` (with the prior weights given), as the passes carry it (within their
   * bounds; exact with `exactDeviance`); NaN when the last pass was skipped or fused (R's test
   * proven without it).
   */
  readonly deviance: number;
  /** Per cell and feature, Σ W u_a u_b, Σ W z u_a at `beta` (for a further step). */
  readonly moments: Float64Array;
  /**
   * With `scores: true`: per row (a fit on cells gives them only when its last step started
   * from R's `mustart`; otherwise see `cells`).
   */
  readonly scores: FitScores | null;
  /**
   * With `scores` and `clusters`, when the last pass was the fused one: per cluster, the rows'
   * score totals Σ xᵢ sᵢ (nClusters × p, row-major); else null.
   */
  readonly clusterSums: Float64Array | null;
  /**
   * With `clusters`, when the last pass was the fused one: per cluster, 1 when a row of it has
   * a prior weight above 0; else null.
   */
  readonly clusterSeen: Uint8Array | null;
  /** A fit on cells: the cells' sums, and their factors at the last step and at the fit. */
  readonly cells: {
    readonly sums: CellSums;
    readonly used: CellFactors;
    readonly final: CellFactors;
  } | null;
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

/**
 * R's `glm.fit` with prior weights `w` (aligned with the model's rows), from `opts.start` or the
 * family's `mustart`; or why it cannot be run (a column aliased, no finite deviance), for the
 * caller to turn into a typed error.
 */
export function irls(
  given: GlmData,
  givenW: Float64Array,
  opts: IrlsOptions = {},
): IrlsResult | { readonly failure: IrlsFailure } {
  // a large model's rows where a helper thread can read them (see split-passes.ts)
  const data = given.mm.m === 0 && opts.sums !== undefined ? given : sharedData(given);
  const w = pooledCopy('weights', givenW);
  const { mm } = data;
  const p = mm.p;
  const start = opts.start ?? null;
  const byCells = mm.m === 0;
  const sums = byCells ? (opts.sums ?? cellSums(data, w)) : null;
  const n = w.length;
  const width = momentWidth(mm.m);
  let moments = new Float64Array(mm.nCells * width);
  let next = new Float64Array(mm.nCells * width);
  // Row passes: the rows at the last pass (prevTrack); the next pass writes tracks[t]. Cell
  // passes: the cells' factors, the next pass's in cellF[slot].
  const tracks: RowTrack[] | null = byCells
    ? null
    : (opts.tracks ?? [
        rowTrack(n, start === null, ['track0', 'track0eta']),
        rowTrack(n, false, ['track1', 'track0eta']),
      ]);
  const cellF: CellFactors[] | null = byCells
    ? [0, 1].map(() => ({
        factor: new Float64Array(mm.nCells),
        mu: new Float64Array(mm.nCells),
        muEta: new Float64Array(mm.nCells),
      }))
    : null;
  let t = 0;
  let slot = 0;
  let prevTrack: RowTrack | null = null;
  let prevCells: CellFactors | null = null;
  let devOld: number;
  // the deviances carried from pass to pass are within devRadius of the exact ones
  const bound: PassBound = { radius: 0 };
  let devRadius = 0;
  if (start === null) {
    const track = tracks?.[0] ?? null;
    devOld = startPassSplit(data, w, moments, track, bound);
    devRadius = bound.radius;
    prevTrack = track;
    t = 1;
  } else if (sums !== null) {
    devOld = cellPass(data, sums, coefficientsByCell(mm, start), moments, cellF![0]!);
    prevCells = cellF![0]!;
  } else {
    const shared = opts.shared ?? sharedStart(data, coefficientsByCell(mm, start));
    devOld = startFromSharedSplit(data, shared, w, moments);
    prevTrack = shared.track;
  }
  // what the last solve's working weights came from (for the scores)
  let usedTrack = prevTrack;
  let usedCells = prevCells;
  let coefOld: Float64Array | null = start;
  let beta = start ?? new Float64Array(p);
  let lastFactor: Cholesky | null = null;
  let converged = false;
  let lastPassSkipped = false;
  let iterations = 0;
  // the last pass fused with the scores (see IrlsOptions.fuseLastPass)
  const fuse = opts.scores === true && opts.fuseLastPass !== false && sums === null;
  const proveConvergence = (opts.betaOnly === true || fuse) && sums === null;
  let fused: FinalPassResult | null = null;
  let dev = devOld;
  const runPass = (b: Float64Array, into: Float64Array, deviance = true): number => {
    const B = coefficientsByCell(mm, b);
    if (sums !== null) return cellPass(data, sums, B, into, cellF![slot]!);
    return rowPassSplit(data, w, B, into, prevTrack!, tracks![t]!, devOld, bound, deviance);
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
    usedTrack = prevTrack;
    usedCells = prevCells;
    if (cellF !== null) slot = prevCells === cellF[0] ? 1 : 0;
    beta = choleskySolve(f.factor, xwz);
    if (
      proveConvergence &&
      coefOld !== null &&
      provenConverged(mm, data.link, xwx, xwz, coefOld, beta, devOld - devRadius, EPSILON)
    ) {
      converged = true;
      dev = Number.NaN;
      if (fuse) {
        next.fill(0);
        const B = coefficientsByCell(mm, beta);
        const clusters = sharedClusters(opts.clusters ?? null, n);
        const keepScores = clusters === null || opts.keepScores !== false;
        fused = finalPassSplit(data, w, B, next, prevTrack!, clusters, keepScores, () =>
          rowFloat64('scores', n),
        );
        [moments, next] = [next, moments];
      } else lastPassSkipped = true;
      break;
    }
    // R's test certainly fails when the deviance's change, bounded from the step alone, is
    // too large: the pass then needs no deviance (a row pass; `exactDeviance` sums it always)
    const change =
      sums === null && coefOld !== null && opts.exactDeviance !== true
        ? deviationInterval(mm, data.link, xwx, xwz, coefOld, beta)
        : null;
    const decided =
      change !== null &&
      convergenceTest(change.mid, change.radius, devOld + change.mid, devRadius + change.radius) ===
        'not met';
    next.fill(0);
    bound.radius = 0;
    let test: 'met' | 'not met' | 'open';
    if (decided) {
      runPass(beta, next, false);
      dev = devOld + change.mid;
      devRadius += change.radius;
      test = 'not met';
    } else {
      dev = runPass(beta, next);
      if (!Number.isFinite(dev)) {
        if (coefOld === null) return { failure: { kind: 'nonFinite' } };
        for (let ii = 1; !Number.isFinite(dev); ii++) {
          if (ii > MAX_ITERATIONS) return { failure: { kind: 'nonFinite' } };
          for (let j = 0; j < p; j++) beta[j] = (beta[j]! + coefOld[j]!) / 2;
          next.fill(0);
          dev = runPass(beta, next);
        }
      }
      test = convergenceTest(dev - devOld, bound.radius, dev, devRadius + bound.radius);
      if (tracks !== null && (test === 'open' || opts.exactDeviance === true)) {
        // R's test on R's sums: the deviances at both iterates, row by row
        const before = trackDeviance(data, w, prevTrack!);
        dev = trackDeviance(data, w, tracks[t]!);
        devRadius = 0;
        test = Math.abs(dev - before) / (Math.abs(dev) + 0.1) < EPSILON ? 'met' : 'not met';
      } else devRadius += bound.radius;
    }
    // `next` holds the moments at beta; tracks[t] (cellF[slot]) its rows (cells)
    [moments, next] = [next, moments];
    if (tracks !== null) {
      prevTrack = tracks[t]!;
      t = 1 - t;
    } else prevCells = cellF![slot]!;
    if (test === 'met') {
      converged = true;
      break;
    }
    devOld = dev;
    coefOld = beta;
  }
  let scores: FitScores | null = null;
  if (fused !== null) scores = { s: fused.s, pearson: fused.pearson };
  else if (opts.scores) {
    if (sums === null) {
      // the last pass ran for R's test: the scores from the same rows, in a pass of their own
      const B = coefficientsByCell(mm, beta);
      const scratch = new Float64Array(moments.length);
      const { s, pearson } = finalPassSplit(data, w, B, scratch, usedTrack!, null, true, () =>
        rowFloat64('scores', n),
      );
      scores = { s, pearson };
    } else if (usedCells === null) scores = cellScores(data, w, null, prevCells!);
  }
  return {
    beta,
    xwxInverse: choleskyInverse(lastFactor!),
    iterations,
    converged,
    lastPassSkipped,
    deviance: dev,
    moments,
    scores,
    clusterSums: fused?.clusterSums ?? null,
    clusterSeen: fused?.clusterSeen ?? null,
    cells:
      sums !== null && usedCells !== null ? { sums, used: usedCells, final: prevCells! } : null,
  };
}

/**
 * R's convergence test |dev − dev_old| / (|dev| + 0.1) < ε decided from a deviance `dev` known
 * to within `devRadius` and its change `change` known to within `changeRadius`: `'met'` or
 * `'not met'` when that holds for every value within the bounds, else `'open'` (the caller
 * then sums the deviances exactly).
 */
export function convergenceTest(
  change: number,
  changeRadius: number,
  dev: number,
  devRadius: number,
): 'met' | 'not met' | 'open' {
  const size = Math.abs(change);
  const top = Math.abs(dev) + devRadius + 0.1;
  const bottom = Math.max(Math.abs(dev) - devRadius, 0) + 0.1;
  if (size + changeRadius < EPSILON * bottom) return 'met';
  if (size - changeRadius >= EPSILON * top) return 'not met';
  if (!Number.isFinite(size)) return 'not met';
  return 'open';
}

/**
 * {@link FitScores} of a fit made on cells: μ and μ'(η) per cell at the fit; the last step's
 * working weight per cell (w · factor), or per row when that step started from R's `mustart`.
 */
function cellScores(
  data: GlmData,
  w: Float64Array,
  used: CellFactors | null,
  final: CellFactors,
): FitScores {
  const { mm, y, link } = data;
  const n = w.length;
  const s = new Float64Array(n);
  const pearson = { sw: 0, swr: 0, swr2: 0, nonzero: 0 };
  const cell = mm.cell;
  const { mu, muEta, factor } = final;
  for (let k = 0; k < n; k++) {
    const wk = w[k]!;
    if (!(wk > 0)) continue;
    const c = cell[k]!;
    const r = (y[k]! - mu[c]!) / muEta[c]!;
    addPearson(pearson, wk, r * Math.sqrt(factor[c]!));
    const W = used === null ? startWorkingWeight(link, y[k]!, wk) : wk * used.factor[c]!;
    s[k] = W * r;
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

/** The fit's row arrays where a helper thread can read them (the same arrays when they are). */
export function sharedData(data: GlmData): GlmData {
  const { mm, y } = data;
  const n = y.length;
  const cell = pooledCopy('cell', mm.cell);
  const U = pooledCopy('values', mm.U, n);
  const rows = pooledCopy('rows', mm.rows);
  const ys = pooledCopy('outcome', y);
  if (cell === mm.cell && U === mm.U && rows === mm.rows && ys === y) return data;
  return { ...data, mm: { ...mm, cell, U, rows }, y: ys };
}

/** The clusters' row map where a helper thread can read it (a copy made at each fit). */
function sharedClusters(clusters: FitClusters | null, rowCount: number): FitClusters | null {
  if (clusters === null) return null;
  const rowCluster = pooledCopy('clusters', clusters.rowCluster, rowCount);
  return rowCluster === clusters.rowCluster
    ? clusters
    : { rowCluster, nClusters: clusters.nClusters };
}
