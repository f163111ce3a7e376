/**
 * Bare typed-array loops: the practical floor for each operation, doing the same arithmetic as
 * surveykit with none of its checks, options or generality.
 */
import type { BenchColumns } from './generate.js';

/** Between-PSU variance within strata of per-PSU totals (PSUs numbered within sorted strata). */
function stratifiedVariance(totals: Float64Array, psuStratum: Int32Array, nStrata: number): number {
  const count = new Float64Array(nStrata);
  const sum = new Float64Array(nStrata);
  for (let c = 0; c < totals.length; c++) {
    count[psuStratum[c]!]! += 1;
    sum[psuStratum[c]!]! += totals[c]!;
  }
  let v = 0;
  for (let c = 0; c < totals.length; c++) {
    const s = psuStratum[c]!;
    const d = totals[c]! - sum[s]! / count[s]!;
    v += (d * d * count[s]!) / (count[s]! - 1);
  }
  return v;
}

/** Per PSU: its stratum. */
export function psuStrata(c: BenchColumns): {
  psuStratum: Int32Array;
  nPsu: number;
  nStrata: number;
} {
  let nPsu = 0;
  let nStrata = 0;
  for (let i = 0; i < c.n; i++) {
    nPsu = Math.max(nPsu, c.psu[i]! + 1);
    nStrata = Math.max(nStrata, c.stratum[i]! + 1);
  }
  const psuStratum = new Int32Array(nPsu);
  for (let i = 0; i < c.n; i++) psuStratum[c.psu[i]!] = c.stratum[i]!;
  return { psuStratum, nPsu, nStrata };
}

/** Weighted mean of a numeric column with missing values, and its linearized variance. */
export function bareMean(c: BenchColumns, y: Float64Array): number {
  const { psuStratum, nPsu, nStrata } = psuStrata(c);
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < c.n; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    sw += c.weight[i]!;
    swy += c.weight[i]! * v;
  }
  const mean = swy / sw;
  const totals = new Float64Array(nPsu);
  for (let i = 0; i < c.n; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    totals[c.psu[i]!]! += (c.weight[i]! * (v - mean)) / sw;
  }
  return stratifiedVariance(totals, psuStratum, nStrata);
}

/** Weighted shares of a categorical column (codes 0..L-1) and their variances. */
export function bareShares(c: BenchColumns, codes: Int32Array, L: number): number {
  const { psuStratum, nPsu, nStrata } = psuStrata(c);
  const sums = new Float64Array(L);
  let sw = 0;
  for (let i = 0; i < c.n; i++) {
    sums[codes[i]!]! += c.weight[i]!;
    sw += c.weight[i]!;
  }
  let v = 0;
  for (let j = 0; j < L; j++) {
    const p = sums[j]! / sw;
    const totals = new Float64Array(nPsu);
    for (let i = 0; i < c.n; i++)
      totals[c.psu[i]!]! += (c.weight[i]! * ((codes[i] === j ? 1 : 0) - p)) / sw;
    v += stratifiedVariance(totals, psuStratum, nStrata);
  }
  return v;
}

/** Dense PSU and stratum indices from raw id columns with a hash map, as a design build does. */
export function bareDesign(c: BenchColumns): number {
  const map = new Map<number, number>();
  const idx = new Int32Array(c.n);
  for (let i = 0; i < c.n; i++) {
    const key = c.stratum[i]! * 1_000_000 + c.psu[i]!;
    let d = map.get(key);
    if (d === undefined) {
      d = map.size;
      map.set(key, d);
    }
    idx[i] = d;
  }
  let bad = 0;
  for (let i = 0; i < c.n; i++) if (!(c.weight[i]! > 0)) bad++;
  return map.size + bad + idx[c.n - 1]!;
}

/** Splits CSV text into lines and cells and converts numeric cells (no quoting rules). */
export function bareCsv(text: string): number {
  let sum = 0;
  let start = text.indexOf('\n') + 1;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const cells = text.slice(start, end).split(',');
    sum += Number(cells[2]);
    start = end + 1;
  }
  return sum;
}

/** Weighted mean of a 0/1 column in each of G groups with its linearized variance: one pass per group. */
export function bareByMean(c: BenchColumns, y: Float64Array, group: Int32Array, G: number): number {
  const { psuStratum, nPsu, nStrata } = psuStrata(c);
  let v = 0;
  for (let g = 0; g < G; g++) {
    let sw = 0;
    let swy = 0;
    for (let i = 0; i < c.n; i++) {
      if (group[i] !== g) continue;
      sw += c.weight[i]!;
      swy += c.weight[i]! * y[i]!;
    }
    const mean = swy / sw;
    const totals = new Float64Array(nPsu);
    for (let i = 0; i < c.n; i++) {
      if (group[i] !== g) continue;
      totals[c.psu[i]!]! += (c.weight[i]! * (y[i]! - mean)) / sw;
    }
    v += stratifiedVariance(totals, psuStratum, nStrata);
  }
  return v;
}

/** Weighted two-way table and the linearized covariance of its cell shares (R × C cells). */
export function bareTable(
  c: BenchColumns,
  a: Int32Array,
  A: number,
  b: Int32Array,
  B: number,
): number {
  const { psuStratum, nPsu, nStrata } = psuStrata(c);
  const K = A * B;
  const cells = new Float64Array(K);
  let sw = 0;
  for (let i = 0; i < c.n; i++) {
    cells[a[i]! * B + b[i]!]! += c.weight[i]!;
    sw += c.weight[i]!;
  }
  const totals = new Float64Array(nPsu * K);
  for (let i = 0; i < c.n; i++) {
    const k = a[i]! * B + b[i]!;
    const base = c.psu[i]! * K;
    const s = c.weight[i]! / sw;
    totals[base + k]! += s;
    for (let j = 0; j < K; j++) totals[base + j]! -= s * (cells[j]! / sw);
  }
  let v = 0;
  const column = new Float64Array(nPsu);
  for (let j = 0; j < K; j++) {
    for (let p = 0; p < nPsu; p++) column[p] = totals[p * K + j]!;
    v += stratifiedVariance(column, psuStratum, nStrata);
  }
  return v;
}

/** Raking by iterative proportional fitting on the cross-classified cell table, to `epsilon`. */
export function bareRake(
  c: BenchColumns,
  dims: Array<{ codes: Int32Array; levels: number; targets: Float64Array }>,
  epsilon: number,
): number {
  const strides: number[] = [];
  let cells = 1;
  for (const d of dims) {
    strides.push(cells);
    cells *= d.levels;
  }
  const cell = new Int32Array(c.n);
  const table = new Float64Array(cells);
  for (let i = 0; i < c.n; i++) {
    let k = 0;
    for (let j = 0; j < dims.length; j++) k += dims[j]!.codes[i]! * strides[j]!;
    cell[i] = k;
    table[k]! += c.weight[i]!;
  }
  const factor = new Float64Array(cells).fill(1);
  for (let iter = 0; iter < 100; iter++) {
    let worst = 0;
    for (let j = 0; j < dims.length; j++) {
      const d = dims[j]!;
      const sums = new Float64Array(d.levels);
      for (let k = 0; k < cells; k++)
        sums[Math.floor(k / strides[j]!) % d.levels]! += table[k]! * factor[k]!;
      for (let k = 0; k < cells; k++) {
        const l = Math.floor(k / strides[j]!) % d.levels;
        factor[k]! *= d.targets[l]! / sums[l]!;
      }
      for (let l = 0; l < d.levels; l++)
        worst = Math.max(worst, Math.abs(sums[l]! / d.targets[l]! - 1));
    }
    if (worst < epsilon) break;
  }
  const out = new Float64Array(c.n);
  for (let i = 0; i < c.n; i++) out[i] = c.weight[i]! * factor[cell[i]!]!;
  return out[0]!;
}

/** A weighted mean recomputed with each of R replicate weight vectors (JK1-style variance). */
export function bareReplicateMean(
  weights: Float64Array,
  replicates: Float64Array[],
  y: Float64Array,
): number {
  const reps = new Float64Array(replicates.length);
  for (let r = 0; r < replicates.length; r++) {
    const w = replicates[r]!;
    let sw = 0;
    let swy = 0;
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (Number.isNaN(v)) continue;
      sw += w[i]!;
      swy += w[i]! * v;
    }
    reps[r] = swy / sw;
  }
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    sw += weights[i]!;
    swy += weights[i]! * v;
  }
  let mean = 0;
  for (const v of reps) mean += v / reps.length;
  let ss = 0;
  for (const v of reps) ss += (v - mean) ** 2;
  return ss + swy / sw;
}
