/**
 * Cell estimation on a replicate-weight design: every cell recomputed with each replicate's
 * weights, and per row and banner variable the covariance of the Total and the variable's
 * columns as R's `svrVar` of their replicate estimates side by side (R's `svyby(...,
 * covmat = TRUE)` on an `svyrep.design`; the Total joins as one more domain). The replicate
 * sums of all of a banner variable's columns come from one read of the replicate weights
 * (`replicateCellSums`).
 * @module
 */
import type { ReplicateDesign } from '../design/replicate-types.js';
import { replicateCellSums } from '../estimate/replicate-groups.js';
import { replicateCovariance } from '../variance/replicate.js';
import type { Block } from './blocks.js';
import { type BlockCells, cellEstimates, scanBlock } from './scan.js';
import type { Banner } from './spec.js';

/** Per column of a group (Total first): the full-sample and per-replicate estimates of a level. */
interface GroupReplicates {
  full: Float64Array;
  reps: Float64Array[];
}

/**
 * The cells of one block on a replicate design (see `estimateBlock`).
 */
export function replicateBlock(
  design: ReplicateDesign,
  block: Block,
  banner: Banner,
  bannerCols: readonly Int32Array[],
): BlockCells {
  const C = banner.columns;
  const scan = scanBlock(design, block, C, bannerCols, null);
  const present = scan.present;
  const nrow = present.length;
  // Per group: each row's cell (the Total: one cell; a banner variable: its level), −1 outside.
  const cellMaps: Array<{ cells: Int32Array; K: number; columns: number[] }> = [];
  const total = new Int32Array(nrow).fill(-1);
  for (let i = 0; i < nrow; i++) if (present[i]) total[i] = 0;
  const groupsOf = banner.variables.length === 0 ? [null] : banner.variables;
  for (const v of groupsOf) {
    if (v === null) {
      cellMaps.push({ cells: total, K: 1, columns: [0] });
      continue;
    }
    const cells = new Int32Array(nrow).fill(-1);
    for (let i = 0; i < nrow; i++) {
      if (present[i] && v.codes[i]! >= 0) cells[i] = v.codes[i]!;
    }
    cellMaps.push({ cells, K: v.levels.length, columns: v.levels.map((_, k) => v.offset + k) });
  }
  const outputs = block.kind === 'codes' ? block.estimated : block.values.map((_, j) => j);
  const R = design.replicates.length;
  /** Per group (Total first): replicate estimates of every output for the Total and the group's columns. */
  const perGroup: GroupReplicates[][] = cellMaps.map(() =>
    outputs.map(() => ({ full: new Float64Array(0), reps: [] })),
  );
  const totalReps = replicateEstimates(design, block, total, 1, outputs);
  cellMaps.forEach((map, g) => {
    const own =
      map.K === 1 && map.cells === total
        ? null
        : replicateEstimates(design, block, map.cells, map.K, outputs);
    outputs.forEach((_, o) => {
      const t = totalReps[o]!;
      const full = new Float64Array(1 + (own ? map.K : 0));
      full[0] = t.full[0]!;
      if (own) full.set(own[o]!.full, 1);
      const reps = Array.from({ length: R }, (_, r) => {
        const x = new Float64Array(full.length);
        x[0] = t.reps[r]![0]!;
        if (own) x.set(own[o]!.reps[r]!, 1);
        return x;
      });
      perGroup[g]![o] = { full, reps };
    });
  });
  const estimate = outputs.map((j) => cellEstimates(scan, block.kind, j, C));
  const covariance = outputs.map((_, o) =>
    perGroup.map((byOutput) => groupCovariance(design, byOutput[o]!)),
  );
  return { estimate, covariance, n: scan.n, sumW: scan.sumW, sumW2: scan.sumW2 };
}

/**
 * The covariance of a group's estimates from their replicates: columns without an estimate (no
 * respondent) are left out, and get `NaN`.
 */
function groupCovariance(design: ReplicateDesign, g: GroupReplicates): Float64Array {
  const p = g.full.length;
  const keep: number[] = [];
  for (let a = 0; a < p; a++) if (!Number.isNaN(g.full[a]!)) keep.push(a);
  const V = new Float64Array(p * p).fill(Number.NaN);
  if (keep.length === 0) return V;
  const pick = (x: Float64Array) => Float64Array.from(keep, (a) => x[a]!);
  const W = replicateCovariance(design, pick(g.full), g.reps.map(pick));
  const q = keep.length;
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) V[keep[a]! * p + keep[b]!] = W[a * q + b]!;
  }
  return V;
}

/**
 * Per output: each of K cells' estimate with the full-sample weights and with each
 * replicate's (`NaN` where a cell has no weight).
 */
function replicateEstimates(
  design: ReplicateDesign,
  block: Block,
  cells: Int32Array,
  K: number,
  outputs: readonly number[],
): GroupReplicates[] {
  const R = design.replicates.length;
  if (block.kind === 'codes') {
    const L = block.levels;
    const nrow = cells.length;
    const combined = new Int32Array(nrow);
    for (let i = 0; i < nrow; i++) {
      const k = cells[i]!;
      const code = block.codes[i]!;
      combined[i] = k < 0 || code < 0 ? -1 : k * L + code;
    }
    const sums = replicateCellSums(design, combined, K * L);
    const ratio = (s: Float64Array, l: number) => {
      const out = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        let W = 0;
        for (let m = 0; m < L; m++) W += s[k * L + m]!;
        out[k] = W > 0 ? s[k * L + l]! / W : Number.NaN;
      }
      return out;
    };
    return outputs.map((l) => ({
      full: ratio(sums.full, l),
      reps: Array.from({ length: R }, (_, r) => ratio(sums.reps[r]!, l)),
    }));
  }
  return outputs.map((j) => {
    const sums = replicateCellSums(design, cells, K, block.values[j]!);
    const ratio = (s: Float64Array) => {
      const out = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        const W = s[2 * k + 1]!;
        out[k] = W > 0 ? s[2 * k]! / W : Number.NaN;
      }
      return out;
    };
    return { full: ratio(sums.full), reps: sums.reps.map(ratio) };
  });
}
