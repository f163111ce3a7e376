/**
 * The GLM's passes over a large model's rows (at least `SPLIT_ROWS`, shared-rows.ts) split in
 * two halves, each summed on its own and the two sums then added, first half first. The second
 * half runs on the helper thread when it is there (pass-helper.ts) and its rows are in shared
 * memory, and on this thread otherwise: the same sums in the same order either way, so a fit's
 * numbers do not depend on threads. Below the split a pass runs as one.
 * @module
 */

import { type CellScores, cellScoreSums } from './cell-scores.js';
import type { FinalPassResult, FitClusters } from './final-pass.js';
import { finalPass } from './final-pass.js';
import type { GlmData } from './irls.js';
import type { ModelMatrix } from './model-matrix.js';
import { answerPatience, awaitAnswer, postJob, readyHelper } from './pass-helper.js';
import {
  type HalfOutcome,
  mergeHalves,
  type PassJob,
  passRows,
  runPassOnRows,
  trackArrays,
} from './pass-jobs.js';
import {
  type PassBound,
  type RowTrack,
  rowPass,
  type SharedStart,
  startFromShared,
  startPass,
} from './row-passes.js';
import { isShared, pooledCopy, splitThreshold } from './shared-rows.js';

/** Whether a fit on `n` rows splits its passes. */
export function splits(n: number): boolean {
  return n >= splitThreshold();
}

/** Runs `job` on both halves of its rows and adds the halves' sums into `moments`. */
function runSplit(job: PassJob, n: number, moments: Float64Array): HalfOutcome {
  const mid = n >> 1;
  const helper = everyArrayShared(job) ? readyHelper() : null;
  if (helper === null) {
    const first = runPassOnRows(job, 0, mid);
    return mergeHalves(first, runPassOnRows(job, mid, n), moments);
  }
  postJob(helper, job, mid, n);
  const started = performance.now();
  const first = runPassOnRows(job, 0, mid);
  const patience = answerPatience(performance.now() - started);
  const second = awaitAnswer(helper, patience) ?? runPassOnRows(job, mid, n);
  return mergeHalves(first, second, moments);
}

/** Whether every row-sized array of `job` is one the helper shares. */
function everyArrayShared(job: PassJob): boolean {
  const r = job.rows;
  const rows = [r.cell, r.U, r.rows, r.y, r.w];
  switch (job.kind) {
    case 'start':
      if (job.next !== null) rows.push(job.next.e, job.next.eta);
      break;
    case 'row':
      rows.push(job.prev.e, job.prev.eta, job.next.e, job.next.eta);
      break;
    case 'shared':
      rows.push(job.unitW, job.z, job.unitDev);
      break;
    case 'cellScores':
      rows.push(job.rowCluster);
      break;
    case 'final':
      rows.push(job.used.e, job.used.eta);
      if (job.rowCluster !== null) rows.push(job.rowCluster);
      if (job.scores !== null) rows.push(job.scores);
      break;
  }
  return rows.every((a) => a.length === 0 || isShared(a));
}

/** {@link startPass}, split. */
export function startPassSplit(
  data: GlmData,
  w: Float64Array,
  moments: Float64Array,
  next: RowTrack | null,
  bound: PassBound,
): number {
  const n = w.length;
  if (!splits(n)) return startPass(data, w, moments, next, bound);
  const job: PassJob = {
    kind: 'start',
    rows: passRows(data, w),
    next: next === null ? null : trackArrays(next),
  };
  const sum = runSplit(job, n, moments);
  if (next !== null) next.at = null;
  bound.radius = sum.radius;
  return sum.value;
}

/** {@link rowPass}, split. */
export function rowPassSplit(
  data: GlmData,
  w: Float64Array,
  B: Float64Array,
  moments: Float64Array,
  prev: RowTrack,
  next: RowTrack,
  devPrev: number,
  bound: PassBound,
  deviance: boolean,
): number {
  const n = w.length;
  if (!splits(n)) return rowPass(data, w, B, moments, prev, next, devPrev, bound, deviance);
  const job: PassJob = {
    kind: 'row',
    rows: passRows(data, w),
    B,
    prev: trackArrays(prev),
    next: trackArrays(next),
    deviance,
  };
  const sum = runSplit(job, n, moments);
  next.at = B;
  bound.radius = sum.radius;
  return deviance ? devPrev + sum.value : Number.NaN;
}

/** {@link startFromShared}, split. */
export function startFromSharedSplit(
  data: GlmData,
  shared: SharedStart,
  w: Float64Array,
  moments: Float64Array,
): number {
  const n = w.length;
  if (!splits(n)) return startFromShared(data, shared, w, moments);
  const { unitW, z, unitDev } = shared;
  const job: PassJob = { kind: 'shared', rows: passRows(data, w), unitW, z, unitDev };
  return runSplit(job, n, moments).value;
}

/** {@link finalPass}, split (the scores, when kept, in a new array of the rows' length). */
export function finalPassSplit(
  data: GlmData,
  w: Float64Array,
  B: Float64Array,
  moments: Float64Array,
  used: RowTrack,
  clusters: FitClusters | null,
  keepScores: boolean,
  scores: () => Float64Array,
): FinalPassResult {
  const n = w.length;
  if (!splits(n)) return finalPass(data, w, B, moments, used, clusters, { keepScores });
  const s = keepScores ? scores() : null;
  const job: PassJob = {
    kind: 'final',
    rows: passRows(data, w),
    B,
    used: trackArrays(used),
    rowCluster: clusters?.rowCluster ?? null,
    nClusters: clusters?.nClusters ?? 0,
    scores: s,
  };
  const sum = runSplit(job, n, moments);
  return {
    // the scores outlive the fit's passes: a copy out of the pool
    s: s === null ? new Float64Array(0) : s.slice(),
    pearson: sum.pearson!,
    clusterSums: sum.clusterSums,
    clusterSeen: sum.clusterSeen,
  };
}

/**
 * {@link cellScoreSums}, split: the clusters' score totals of a fit on cells, each half's table
 * summed on its own and the second added to the first.
 */
export function cellScoreSumsSplit(
  mm: ModelMatrix,
  scores: CellScores,
  rowCluster: Int32Array,
  nClusters: number,
  cols: Int32Array,
  byRun: boolean,
): Float64Array {
  const n = mm.rows.length;
  if (!splits(n)) return cellScoreSums(mm, scores, rowCluster, nClusters, cols, byRun);
  // (the fit's rows and the clusters' row map copied where the helper thread can read them)
  const shared = { ...mm, rows: pooledCopy('rows', mm.rows) };
  const job: PassJob = {
    kind: 'cellScores',
    // (the link does not enter the scores: they come from μ and A per cell)
    rows: passRows({ mm: shared, y: scores.y, link: 0, binary: false }, scores.w),
    mu: scores.mu,
    A: scores.A,
    rowCluster: pooledCopy('clusters', rowCluster),
    nClusters,
    cols,
    byRun,
  };
  // (the job sums no moments: the halves' empty ones are added into an empty array)
  return runSplit(job, n, new Float64Array(0)).clusterSums!;
}
