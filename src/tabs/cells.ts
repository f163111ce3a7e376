/**
 * Cell estimation: every cell of a block's rows (estimate, bases) and, per row and banner
 * variable, the covariance of the Total and that variable's columns — the joint design-based
 * covariance of domain estimates (R's `svyby(..., covmat = TRUE)`) together with that of each
 * domain and the whole sample (a part and the whole, as `svySubgroups` tests).
 *
 * A cell is a ratio: Σ w·y / Σ w over the column's respondents in the base, so its influence
 * value is w·(y − cell)/Σw on those respondents and 0 elsewhere. On a linearization design the
 * influence values of the Total and of one banner variable's columns are stacked and their
 * linearization variance is computed at once (`estimateVariance`, which also adjusts for
 * post-stratification, raking and calibration); their stage-1 totals come from the per-PSU sums
 * of the block's one pass. On a replicate design each cell is recomputed with every replicate's
 * weights (one pass over the replicate weights per banner variable) and the covariance is R's
 * `svrVar` of the stacked replicate estimates (see `replicate-cells.ts`).
 * @module
 */
import type { LinearizationDesign, SurveyDesign } from '../design/types.js';
import { estimateVariance } from '../estimate/variance.js';
import { isCalibrated } from '../variance/calibration.js';
import type { Influence } from '../variance/influence.js';
import type { Block } from './blocks.js';
import { calibratedTotals, calibrationPlan } from './calibrated.js';
import { replicateBlock } from './replicate-cells.js';
import {
  type BlockCells,
  type BlockScan,
  cellEstimates,
  type PsuEntries,
  scanBlock,
} from './scan.js';
import { singletonCovariances } from './singleton.js';
import { type Banner, type ColumnGroup, columnGroups } from './spec.js';
import { fastVarianceDesign, type PsuTotals, stratifiedCovariances } from './variance.js';

/** Most per-PSU entries × levels kept at once (8 bytes each): above it, levels in chunks. */
const MAX_CELLS = 1 << 22;

const orders = new WeakMap<Int32Array, Int32Array>();

/**
 * The rows in PSU order (a stable counting sort of the row-to-PSU map, made once per design).
 * @example
 * ```ts
 * console.log(Array.from(psuOrder(Int32Array.of(1, 0, 1, 0), 2))); // => [ 1, 3, 0, 2 ]
 * ```
 */
export function psuOrder(rowCluster: Int32Array, nClusters: number): Int32Array {
  let order = orders.get(rowCluster);
  if (order) return order;
  const start = new Int32Array(nClusters + 1);
  for (let i = 0; i < rowCluster.length; i++) start[rowCluster[i]! + 1]! += 1;
  for (let c = 0; c < nClusters; c++) start[c + 1]! += start[c]!;
  order = new Int32Array(rowCluster.length);
  for (let i = 0; i < rowCluster.length; i++) order[start[rowCluster[i]!]!++] = i;
  orders.set(rowCluster, order);
  return order;
}

/**
 * The cells of one block for every column, with their covariances per column group
 * (`bannerCols`: the banner variables' row-to-column maps, see `bannerColumns`).
 */
export function estimateBlock(
  design: SurveyDesign,
  block: Block,
  banner: Banner,
  bannerCols: readonly Int32Array[],
): BlockCells {
  if (design.type === 'replicate') return replicateBlock(design, block, banner, bannerCols);
  const C = banner.columns;
  const groups = columnGroups(banner);
  const outputs = block.kind === 'codes' ? block.estimated : block.values.map((_, j) => j);
  const stage = design.stages[0]!;
  // Per-PSU entries where the variance reads them: uncalibrated designs, and designs with one
  // post-stratification or raking step (others adjust dense influence values). Levels in chunks
  // that keep the entries under MAX_CELLS.
  const plan = isCalibrated(design) ? calibrationPlan(design) : null;
  const fast = fastVarianceDesign(design) && (plan !== null || !isCalibrated(design));
  // One respondent per PSU (no clusters): the covariances in closed form from per-stratum sums.
  if (fast && plan === null && stage.nClusters === design.data.nrow) {
    const s = scanBlock(design, block, C, bannerCols, null, {
      rowStratum: stage.rowStratum,
      nStrata: stage.nStrata,
    });
    const estimate = outputs.map((j) => cellEstimates(s, block.kind, j, C));
    const covariance = singletonCovariances(
      design,
      banner,
      s.strata!,
      s,
      block.kind,
      outputs,
      estimate,
    );
    return { estimate, covariance, n: s.n, sumW: s.sumW, sumW2: s.sumW2 };
  }
  const perPsu = fast || !isCalibrated(design);
  const capacity = Math.min(design.data.nrow * (banner.variables.length + 1), stage.nClusters * C);
  const chunk = perPsu
    ? Math.max(1, Math.floor(MAX_CELLS / Math.max(1, capacity)))
    : outputs.length;
  const order = perPsu ? psuOrder(stage.rowCluster, stage.nClusters) : null;
  const estimate: Float64Array[] = [];
  const covariance: Float64Array[][] = [];
  let scan: BlockScan | null = null;
  for (let start = 0; start < outputs.length; start += chunk) {
    const these = outputs.slice(start, start + chunk);
    const from = these[0]!;
    const width = these[these.length - 1]! - from + 1;
    const s = scanBlock(
      design,
      block,
      C,
      bannerCols,
      order
        ? {
            order,
            rowCluster: stage.rowCluster,
            nClusters: stage.nClusters,
            from,
            width,
            capacity,
            calibration: plan,
          }
        : null,
    );
    scan = s;
    const ests = these.map((j) => cellEstimates(s, block.kind, j, C));
    estimate.push(...ests);
    if (fast) {
      const totals =
        plan !== null
          ? calibratedTotals(plan, s.psu!, s.calibration!, these, ests, s, block.kind)
          : psuTotals(s.psu!, these, ests, s, block.kind);
      covariance.push(...stratifiedCovariances(design, banner, totals));
      continue;
    }
    these.forEach((j, k) => {
      const est = ests[k]!;
      covariance.push(
        groups.map((group, g) =>
          estimateVariance(
            design,
            cellInfluence(design, block, j, group, bannerCols[g] ?? null, s, est),
            s.present,
          ),
        ),
      );
    });
  }
  return { estimate, covariance, n: scan!.n, sumW: scan!.sumW, sumW2: scan!.sumW2 };
}

/**
 * Each PSU entry's influence totals for the levels (values) `these` (consecutive, from the
 * chunk's first): Σ w (y − est)/Σw of the column = (Σ w (y − shift) − (est − shift) Σ w) / Σw.
 */
function psuTotals(
  entries: PsuEntries,
  these: readonly number[],
  ests: readonly Float64Array[],
  scan: BlockScan,
  kind: Block['kind'],
): PsuTotals {
  const { col, weights, cells, width: J, ptr } = entries;
  const K = these.length;
  const E = ptr[entries.nClusters]!;
  const total = new Float64Array(E * K);
  const shifts = these.map((j) => (kind === 'codes' ? 0 : scan.shift[j]!));
  const offsets = these.map((j) => j - entries.from);
  for (let e = 0; e < E; e++) {
    const a = col[e]!;
    const W = scan.sumW[a]!;
    if (!(W > 0)) continue;
    for (let k = 0; k < K; k++) {
      total[e * K + k] =
        (cells[e * J + offsets[k]!]! - (ests[k]![a]! - shifts[k]!) * weights[e]!) / W;
    }
  }
  return { ptr, col, total, width: K };
}

/**
 * The influence values of one level (value) of a block for a column group: column a's are
 * w·(y − est_a)/Σw_a on its respondents in the base. Stage-1 totals come from the scan's per-PSU
 * sums when it has them; otherwise (later stages, calibrated designs) from the rows.
 */
function cellInfluence(
  design: LinearizationDesign,
  block: Block,
  j: number,
  group: ColumnGroup,
  colOf: Int32Array | null,
  scan: BlockScan & { psu: PsuEntries | null },
  est: Float64Array,
): Influence {
  const p = group.length;
  const present = scan.present;
  const entries = scan.psu;
  const w = design.weights;
  const nrow = present.length;
  const first = p > 1 ? group[1]! : 0;
  const factor = new Float64Array(p);
  const centre = new Float64Array(p);
  const shift = block.kind === 'codes' ? 0 : scan.shift[j]!;
  for (let a = 0; a < p; a++) {
    const col = group[a]!;
    const W = scan.sumW[col]!;
    factor[a] = W > 0 ? 1 / W : 0;
    centre[a] = W > 0 ? est[col]! : 0;
  }
  const y = block.kind === 'codes' ? null : block.values[j]!;
  const codes = block.kind === 'codes' ? block.codes : null;
  /** Adds row i's p influence values into out[at], …, out[at + p − 1]. */
  const addRow = (i: number, out: Float64Array, at: number) => {
    const wi = w[i]!;
    const yi = codes !== null ? (codes[i] === j ? 1 : 0) : y![i]!;
    out[at] = out[at]! + factor[0]! * wi * (yi - centre[0]!);
    if (colOf !== null) {
      const col = colOf[i]!;
      if (col >= 0) {
        const a = at + col - first + 1;
        out[a] = out[a]! + factor[col - first + 1]! * wi * (yi - centre[col - first + 1]!);
      }
    }
  };
  return {
    p,
    present,
    sumByCluster(rowCluster, totals) {
      const nC = totals.length / p;
      if (
        entries !== null &&
        rowCluster === entries.rowCluster &&
        j >= entries.from &&
        j < entries.from + entries.width
      ) {
        // Stage 1 from the per-PSU entries: Σ w (y − est) = Σ w (y − shift) − (est − shift) Σ w
        const { ptr, col, cells, weights, width: J } = entries;
        const jj = j - entries.from;
        const seen = new Uint8Array(nC);
        for (let c = 0; c < nC; c++) {
          for (let e = ptr[c]!; e < ptr[c + 1]!; e++) {
            seen[c] = 1;
            const k = col[e]!;
            const a =
              k === 0 ? 0 : colOf !== null && k >= first && k < first + p - 1 ? k - first + 1 : -1;
            if (a < 0) continue;
            totals[c * p + a]! +=
              factor[a]! * (cells[e * J + jj]! - (centre[a]! - shift) * weights[e]!);
          }
        }
        return seen;
      }
      const seen = new Uint8Array(nC);
      for (let i = 0; i < nrow; i++) {
        if (!present[i]) continue;
        const c = rowCluster[i]!;
        seen[c] = 1;
        addRow(i, totals, c * p);
      }
      return seen;
    },
    dense() {
      const out = Array.from({ length: p }, () => new Float64Array(nrow));
      const one = new Float64Array(p);
      for (let i = 0; i < nrow; i++) {
        if (!present[i]) continue;
        one.fill(0);
        addRow(i, one, 0);
        for (let a = 0; a < p; a++) out[a]![i] = one[a]!;
      }
      return out;
    },
  };
}
