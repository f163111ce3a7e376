/**
 * A GLM refitted with each replicate's weights, for the replicate variance of its coefficients.
 * @module
 */
import type { ReplicateDesign } from '../design/replicate-types.js';
import { replicateCellSums } from '../estimate/replicate-groups.js';
import { outcomeTerm } from './cell-passes.js';
import { type GlmData, irls, sharedData } from './irls.js';
import { coefficientsByCell } from './moments.js';
import { type RowTrack, rowTrack, sharedStart } from './row-passes.js';
import { rowFloat64 } from './shared-rows.js';

/**
 * The coefficients refitted with each replicate's weights (R: `glm.fit` with weights w/Σw,
 * started at the full-sample estimate), NaN where they cannot be (R's NA, which the replicate
 * variance leaves out with a warning). Without numeric variables the cells' sums of every
 * replicate come from one pass over the replicate weights, and each refit runs on the cells.
 */
export function replicateFits(
  design: ReplicateDesign,
  data: GlmData,
  start: Float64Array,
): Float64Array[] {
  const { mm, y, link } = data;
  const rows = mm.rows;
  const failed = () => new Float64Array(start.length).fill(Number.NaN);
  const betaOf = (r: ReturnType<typeof irls>) => ('failure' in r ? failed() : r.beta);
  if (mm.m === 0) {
    const nrow = design.weights.length;
    const cellOfRow = new Int32Array(nrow).fill(-1);
    const yRow = new Float64Array(nrow);
    const hRow = new Float64Array(nrow);
    let needH = false;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      cellOfRow[i] = mm.cell[k]!;
      yRow[i] = y[k]!;
      const h = outcomeTerm(link, y[k]!);
      hRow[i] = h;
      if (h !== 0) needH = true;
    }
    const K = mm.nCells;
    const ys = replicateCellSums(design, cellOfRow, K, yRow);
    const hs = needH ? replicateCellSums(design, cellOfRow, K, hRow) : null;
    return ys.reps.map((sums, r) => {
      let total = 0;
      for (let c = 0; c < K; c++) total += sums[2 * c + 1]!;
      const sw = new Float64Array(K);
      const swy = new Float64Array(K);
      const swh = new Float64Array(K);
      for (let c = 0; c < K; c++) {
        sw[c] = sums[2 * c + 1]! / total;
        swy[c] = sums[2 * c]! / total;
        if (hs !== null) swh[c] = hs.reps[r]![2 * c]! / total;
      }
      return betaOf(irls(data, new Float64Array(0), { start, sums: { sw, swy, swh } }));
    });
  }
  // every refit starts at the same coefficients: the rows there are worked out once (a large
  // model's rows where the passes' helper thread reads them, once for all the refits)
  const rowsData = sharedData(data);
  const shared = sharedStart(rowsData, coefficientsByCell(mm, start));
  const tracks: [RowTrack, RowTrack] = [
    rowTrack(rows.length, false, ['track0', 'track0eta']),
    rowTrack(rows.length, false, ['track1', 'track0eta']),
  ];
  const w = rowFloat64('replicateWeights', rows.length);
  return design.replicates.map((wr) => {
    let sum = 0;
    for (let k = 0; k < rows.length; k++) {
      const v = wr[rows[k]!]!;
      w[k] = v;
      sum += v;
    }
    for (let k = 0; k < w.length; k++) w[k] = w[k]! / sum;
    return betaOf(irls(rowsData, w, { start, shared, tracks, betaOnly: true }));
  });
}
