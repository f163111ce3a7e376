/**
 * The cells' PSU influence totals on a post-stratified, raked or calibrated design, without
 * dense influence values.
 *
 * R's `svyrecvar` adjusts each influence vector z for the weighting step (see
 * `variance/calibration.ts`): post-stratification subtracts `w' · D[h]` with
 * `D[h] = Σ_h z·o/w' / Σ_h o`, raking subtracts `w0 · D[cell]` with D from 10 sweeps over the
 * margins of `S0[cell] = Σ_cell z / w0`, calibration subtracts `w0 · fitted[unit]` with fitted
 * the model's fit to `Σ_unit z` (units: rows sharing a model row). Each D depends on z only
 * through per-cell sums; for a
 * cell's z = w (y − est)/Σw on the column's respondents those are
 * `(Σ r y − est Σ r) / Σw` per cell and column, with r = w/w0 (raking), w·o/w' (post-
 * stratification) or w (calibration), which the block's one pass adds up. The adjusted PSU totals are then the
 * unadjusted ones minus `Σ_cell M[c, cell] · D[cell]`, M the PSU × cell sums of w0 (or w') over
 * every row. This serves designs with one such step (and any trimming, which the variance
 * ignores, as R does); others adjust dense influence values (`calibratedInfluence`).
 * @module
 */
import type { LinearizationDesign } from '../design/types.js';
import type { CalibrateStep, PostStratifyStep, RakeStep } from '../design/weighting-history.js';
import {
  calibrationCorrection,
  rakingCellCounts,
  rakingCorrection,
} from '../variance/calibration.js';
import type { BlockScan, CalibrationSums, PsuEntries } from './scan.js';
import type { PsuTotals } from './variance.js';

/** What the adjustment of one design needs (made once per design). */
export interface CalibrationPlan {
  /** Per row: its cell. */
  readonly cell: Int32Array;
  /** Per row: r (see the module notes). */
  readonly ratio: Float64Array;
  /** Number of cells. */
  readonly nCells: number;
  /** Per PSU: its first (cell, Σ mult) pair (length PSUs + 1). */
  readonly ptr: Int32Array;
  /** Per pair: the cell. */
  readonly pairCell: Int32Array;
  /** Per pair: Σ w0 (raking) or Σ w' (post-stratification) of the PSU's rows in the cell. */
  readonly pairSum: Float64Array;
  /** D from per-cell sums of z·r. */
  readonly correction: (sums: Float64Array) => Float64Array;
}

const plans = new WeakMap<LinearizationDesign, CalibrationPlan | null>();

/**
 * The plan for a design with one post-stratification, raking or calibration step of the whole
 * sample (and perhaps trimming); `null` for several such steps or a step that weighted a domain.
 */
export function calibrationPlan(design: LinearizationDesign): CalibrationPlan | null {
  if (plans.has(design)) return plans.get(design)!;
  const steps = (design.calibration ?? []).filter((s) => s.method !== 'trim');
  // a step that weighted a domain (step.rows) adjusts and sums over that domain's rows only:
  // the dense route (calibratedInfluence) handles it
  const step = steps.length === 1 && steps[0]!.rows === null ? steps[0]! : null;
  const plan =
    step?.method === 'rake'
      ? rakePlan(design, step)
      : step?.method === 'postStratify'
        ? postStratifyPlan(design, step)
        : step?.method === 'calibrate'
          ? calibratePlan(design, step)
          : null;
  plans.set(design, plan);
  return plan;
}

function rakePlan(design: LinearizationDesign, step: RakeStep): CalibrationPlan {
  const w = design.weights;
  const w0 = step.oldWeights;
  const n = w.length;
  const ratio = new Float64Array(n);
  const mult = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (w0[i] === 0) continue;
    ratio[i] = w[i]! / w0[i]!;
    mult[i] = w0[i]!;
  }
  const nCells = step.sweepFactors[0]!.length;
  const count = rakingCellCounts(step);
  return {
    cell: step.cells,
    ratio,
    nCells,
    ...psuCellSums(design, step.cells, mult),
    correction: (sums) => rakingCorrection(step, sums, count),
  };
}

function calibratePlan(design: LinearizationDesign, step: CalibrateStep): CalibrationPlan {
  const w = design.weights;
  const w0 = step.oldWeights;
  const n = w.length;
  const ratio = new Float64Array(n);
  const mult = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (w0[i] === 0) continue;
    ratio[i] = w[i]!;
    mult[i] = w0[i]!;
  }
  return {
    cell: step.units,
    ratio,
    nCells: step.g.length,
    ...psuCellSums(design, step.units, mult),
    correction: calibrationCorrection(step),
  };
}

function postStratifyPlan(design: LinearizationDesign, step: PostStratifyStep): CalibrationPlan {
  const w = design.weights;
  const { oldWeights: o, weights: psw, cells } = step;
  const n = w.length;
  const nCells = step.factors.length;
  const ratio = new Float64Array(n);
  const mult = new Float64Array(n);
  const oldSum = new Float64Array(nCells);
  for (let i = 0; i < n; i++) {
    let wp = psw[i]!;
    if (wp === 0 && o[i] === 0) wp = 1;
    ratio[i] = (w[i]! * o[i]!) / wp;
    mult[i] = wp;
    oldSum[cells[i]!]! += o[i]!;
  }
  return {
    cell: cells,
    ratio,
    nCells,
    ...psuCellSums(design, cells, mult),
    correction: (sums) => sums.map((x, h) => x / oldSum[h]!),
  };
}

/** Per PSU, the (cell, Σ mult) pairs of its rows. */
function psuCellSums(
  design: LinearizationDesign,
  cell: Int32Array,
  mult: Float64Array,
): Pick<CalibrationPlan, 'ptr' | 'pairCell' | 'pairSum'> {
  const stage = design.stages[0]!;
  const nC = stage.nClusters;
  const rowCluster = stage.rowCluster;
  const byPsu = new Map<number, Map<number, number>>();
  for (let i = 0; i < cell.length; i++) {
    const m = mult[i]!;
    if (m === 0) continue;
    const c = rowCluster[i]!;
    let row = byPsu.get(c);
    if (!row) {
      row = new Map();
      byPsu.set(c, row);
    }
    row.set(cell[i]!, (row.get(cell[i]!) ?? 0) + m);
  }
  const ptr = new Int32Array(nC + 1);
  let E = 0;
  for (let c = 0; c < nC; c++) {
    ptr[c] = E;
    E += byPsu.get(c)?.size ?? 0;
  }
  ptr[nC] = E;
  const pairCell = new Int32Array(E);
  const pairSum = new Float64Array(E);
  for (let c = 0; c < nC; c++) {
    let e = ptr[c]!;
    for (const [h, x] of [...(byPsu.get(c) ?? [])].sort((a, b) => a[0] - b[0])) {
      pairCell[e] = h;
      pairSum[e++] = x;
    }
  }
  return { ptr, pairCell, pairSum };
}

/**
 * Every PSU's adjusted influence totals of every column (with respondents) for the levels
 * (values) `these` (consecutive, from the chunk's first): dense, as the adjustment reaches every
 * row.
 */
export function calibratedTotals(
  plan: CalibrationPlan,
  entries: PsuEntries,
  sums: CalibrationSums,
  these: readonly number[],
  ests: readonly Float64Array[],
  scan: BlockScan,
  kind: 'codes' | 'values',
): PsuTotals {
  const C = scan.n.length;
  const K = these.length;
  const nC = entries.nClusters;
  const J = entries.width;
  const total = new Float64Array(nC * C * K);
  // the unadjusted totals
  for (let c = 0; c < nC; c++) {
    for (let e = entries.ptr[c]!; e < entries.ptr[c + 1]!; e++) {
      const a = entries.col[e]!;
      const W = scan.sumW[a]!;
      if (!(W > 0)) continue;
      these.forEach((j, k) => {
        const shift = kind === 'codes' ? 0 : scan.shift[j]!;
        total[(c * C + a) * K + k] =
          (entries.cells[e * J + j - entries.from]! -
            (ests[k]![a]! - shift) * entries.weights[e]!) /
          W;
      });
    }
  }
  // minus Σ_cell M[c, cell] D[cell], D from the per-cell sums of each column's z·r
  const H = plan.nCells;
  const S0 = new Float64Array(H);
  for (let a = 0; a < C; a++) {
    const W = scan.sumW[a]!;
    if (!(W > 0)) continue;
    these.forEach((j, k) => {
      const shift = kind === 'codes' ? 0 : scan.shift[j]!;
      const centre = ests[k]![a]! - shift;
      for (let h = 0; h < H; h++) {
        const cc = h * C + a;
        S0[h] = (sums.ry[cc * J + j - entries.from]! - centre * sums.r[cc]!) / W;
      }
      const D = plan.correction(S0);
      for (let c = 0; c < nC; c++) {
        let x = 0;
        for (let e = plan.ptr[c]!; e < plan.ptr[c + 1]!; e++)
          x += plan.pairSum[e]! * D[plan.pairCell[e]!]!;
        total[(c * C + a) * K + k]! -= x;
      }
    });
  }
  const ptr = new Int32Array(nC + 1);
  const col = new Int32Array(nC * C);
  for (let c = 0; c <= nC; c++) ptr[c] = c * C;
  for (let e = 0; e < nC * C; e++) col[e] = e % C;
  return { ptr, col, total, width: K };
}
