/**
 * A GLM pass over a range of the rows: what split-passes.ts runs on each half of a large
 * model, on this thread or on a helper thread (pass-worker.ts). A job names the pass and holds
 * every array it reads or writes whole (row-aligned arrays are sliced to the range here, so a
 * helper thread given the same job and range computes exactly what this thread would); the
 * outcome holds what the pass summed over its rows, for {@link mergeHalves} to add up.
 * @module
 */

import { type CellScores, cellScoreSums } from './cell-scores.js';
import type { PearsonSums } from './dispersion.js';
import { finalPass } from './final-pass.js';
import type { GlmData } from './irls.js';
import type { ModelMatrix } from './model-matrix.js';
import { momentWidth } from './moments.js';
import {
  type PassBound,
  type RowTrack,
  rowPass,
  startFromShared,
  startPass,
} from './row-passes.js';

/** The row-aligned data a pass reads, and the model's small per-cell layout. */
export interface PassRows {
  readonly cell: Int32Array;
  readonly U: Float64Array;
  readonly rows: Int32Array;
  readonly y: Float64Array;
  readonly w: Float64Array;
  readonly m: number;
  readonly p: number;
  readonly nCells: number;
  readonly slots: number;
  readonly slotFeature: Int32Array;
  readonly cellCols: Int32Array;
  readonly link: number;
  readonly binary: boolean;
}

/** A row track's arrays (see {@link RowTrack}). */
export interface TrackArrays {
  readonly eta: Float64Array;
  readonly e: Float64Array;
  readonly at: Float64Array | null;
}

/** A pass, with everything it reads and writes. */
export type PassJob =
  | { readonly kind: 'start'; readonly rows: PassRows; readonly next: TrackArrays | null }
  | {
      readonly kind: 'row';
      readonly rows: PassRows;
      readonly B: Float64Array;
      readonly prev: TrackArrays;
      readonly next: TrackArrays;
      readonly deviance: boolean;
    }
  | {
      readonly kind: 'shared';
      readonly rows: PassRows;
      readonly unitW: Float64Array;
      readonly z: Float64Array;
      readonly unitDev: Float64Array;
    }
  | {
      readonly kind: 'final';
      readonly rows: PassRows;
      readonly B: Float64Array;
      readonly used: TrackArrays;
      readonly rowCluster: Int32Array | null;
      readonly nClusters: number;
      /** Where the rows' scores go (null: not kept). */
      readonly scores: Float64Array | null;
    }
  | {
      /** A fit on cells: the clusters' score totals (cell-scores.ts). */
      readonly kind: 'cellScores';
      readonly rows: PassRows;
      /** Per cell: the fitted mean and the score factor (see `CellScores`). */
      readonly mu: Float64Array;
      readonly A: Float64Array;
      /** Per design row: its cluster. */
      readonly rowCluster: Int32Array;
      readonly nClusters: number;
      readonly cols: Int32Array;
      readonly byRun: boolean;
    };

/** What a pass summed over its rows. */
export interface HalfOutcome {
  /** The working-weight moments (nCells × width). */
  readonly moments: Float64Array;
  /** The deviance (start, shared) or its change (row); NaN for a row pass without deviance. */
  readonly value: number;
  /** The pass's {@link PassBound} radius. */
  readonly radius: number;
  /** final: the Pearson sums, the clusters' score totals and the clusters seen (cellScores: the totals). */
  readonly pearson: PearsonSums | null;
  readonly clusterSums: Float64Array | null;
  readonly clusterSeen: Uint8Array | null;
}

/** The rows of a fit as a job holds them. */
export function passRows(data: GlmData, w: Float64Array): PassRows {
  const { mm, y, link, binary } = data;
  return {
    cell: mm.cell,
    U: mm.U,
    rows: mm.rows,
    y,
    w,
    m: mm.m,
    p: mm.p,
    nCells: mm.nCells,
    slots: mm.slots,
    slotFeature: mm.slotFeature,
    cellCols: mm.cellCols,
    link,
    binary,
  };
}

/** A track's arrays as a job holds them. */
export function trackArrays(track: RowTrack): TrackArrays {
  return { eta: track.eta, e: track.e, at: track.at };
}

/** Runs `job` on rows lo ≤ k < hi. */
export function runPassOnRows(job: PassJob, lo: number, hi: number): HalfOutcome {
  const { data, w } = sliceRows(job.rows, lo, hi);
  const width = job.kind === 'cellScores' ? 0 : momentWidth(job.rows.m);
  const moments = new Float64Array(job.rows.nCells * width);
  const bound: PassBound = { radius: 0 };
  const none = { pearson: null, clusterSums: null, clusterSeen: null };
  switch (job.kind) {
    case 'start': {
      const next = job.next === null ? null : sliceTrack(job.next, lo, hi);
      const value = startPass(data, w, moments, next, bound);
      return { moments, value, radius: bound.radius, ...none };
    }
    case 'row': {
      const prev = sliceTrack(job.prev, lo, hi);
      const next = sliceTrack(job.next, lo, hi);
      const value = rowPass(data, w, job.B, moments, prev, next, 0, bound, job.deviance);
      return { moments, value, radius: bound.radius, ...none };
    }
    case 'shared': {
      const shared = {
        track: { eta: new Float64Array(0), e: new Float64Array(0), at: null },
        unitW: job.unitW.subarray(lo, hi),
        z: job.z.subarray(lo, hi),
        unitDev: job.unitDev.subarray(lo, hi),
      };
      const value = startFromShared(data, shared, w, moments);
      return { moments, value, radius: 0, ...none };
    }
    case 'cellScores': {
      const scores: CellScores = { w, y: data.y, mu: job.mu, A: job.A };
      const { rowCluster, nClusters, cols, byRun } = job;
      const sums = cellScoreSums(data.mm, scores, rowCluster, nClusters, cols, byRun);
      return { moments, value: 0, radius: 0, ...none, clusterSums: sums };
    }
    case 'final': {
      const used = sliceTrack(job.used, lo, hi);
      const clusters =
        job.rowCluster === null ? null : { rowCluster: job.rowCluster, nClusters: job.nClusters };
      const r = finalPass(data, w, job.B, moments, used, clusters, {
        keepScores: job.scores !== null,
        ...(job.scores === null ? {} : { scoresInto: job.scores.subarray(lo, hi) }),
      });
      return {
        moments,
        value: 0,
        radius: 0,
        pearson: r.pearson,
        clusterSums: r.clusterSums,
        clusterSeen: r.clusterSeen,
      };
    }
  }
}

/**
 * The two halves' sums, first half first: the moments into `moments` (added to what it holds),
 * the value and radius added, the Pearson sums and clusters' totals added, the clusters seen
 * joined. The same whichever thread ran which half.
 */
export function mergeHalves(a: HalfOutcome, b: HalfOutcome, moments: Float64Array): HalfOutcome {
  for (let i = 0; i < moments.length; i++) moments[i]! += a.moments[i]! + b.moments[i]!;
  const pearson =
    a.pearson === null || b.pearson === null
      ? null
      : {
          sw: a.pearson.sw + b.pearson.sw,
          swr: a.pearson.swr + b.pearson.swr,
          swr2: a.pearson.swr2 + b.pearson.swr2,
          nonzero: a.pearson.nonzero + b.pearson.nonzero,
        };
  let clusterSums: Float64Array | null = null;
  if (a.clusterSums !== null && b.clusterSums !== null) {
    clusterSums = a.clusterSums;
    for (let i = 0; i < clusterSums.length; i++) clusterSums[i]! += b.clusterSums[i]!;
  }
  let clusterSeen: Uint8Array | null = null;
  if (a.clusterSeen !== null && b.clusterSeen !== null) {
    clusterSeen = a.clusterSeen;
    for (let i = 0; i < clusterSeen.length; i++) clusterSeen[i]! |= b.clusterSeen[i]!;
  }
  return {
    moments,
    value: a.value + b.value,
    radius: a.radius + b.radius,
    pearson,
    clusterSums,
    clusterSeen,
  };
}

/** A job's rows lo ≤ k < hi as the passes take them. */
function sliceRows(rows: PassRows, lo: number, hi: number): { data: GlmData; w: Float64Array } {
  const { m } = rows;
  const mm = {
    cell: rows.cell.subarray(lo, hi),
    U: rows.U.subarray(lo * m, hi * m),
    rows: rows.rows.subarray(lo, hi),
    m,
    p: rows.p,
    nCells: rows.nCells,
    slots: rows.slots,
    slotFeature: rows.slotFeature,
    cellCols: rows.cellCols,
  } as unknown as ModelMatrix; // the passes read only these fields
  return {
    data: { mm, y: rows.y.subarray(lo, hi), link: rows.link, binary: rows.binary },
    w: rows.w.subarray(lo, hi),
  };
}

/** A track's rows lo ≤ k < hi (η only where it is stored). */
function sliceTrack(track: TrackArrays, lo: number, hi: number): RowTrack {
  return {
    eta: track.eta.length === 0 ? track.eta : track.eta.subarray(lo, hi),
    e: track.e.subarray(lo, hi),
    at: track.at,
  };
}
