/**
 * Two-way tables: weighted counts (R's `svytable`) and the design-based test of independence
 * (R's `svychisq`, Rao–Scott corrections).
 * @module
 */
import { getColumn } from '../data/frame.js';
import type { Column } from '../data/types.js';
import { degreesOfFreedom } from '../design/df.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { pchisqUpper, pfUpper } from '../stats/distributions.js';
import { categoricalInfluence } from '../variance/influence.js';
import { designDf as designDegreesOfFreedom } from '../variance/linearization.js';
import { replicateCellSums } from './replicate-groups.js';
import { estimateVariance } from './variance.js';

/** A weighted two-way table (see {@link svyTable}). */
export interface SurveyTable {
  /** The row variable. */
  rowVariable: string;
  /** The column variable. */
  colVariable: string;
  /** The row variable's levels (numeric: its distinct values). */
  rowLevels: string[];
  /** The column variable's levels. */
  colLevels: string[];
  /** Estimated population counts: `counts[i][j]` for row level i, column level j. */
  counts: number[][];
  /** With `share: true`: each cell's share of the grand total (R's `svytable(..., Ntotal = 1)`). */
  shares?: number[][];
  /** Unweighted counts of respondents. */
  n: number[][];
  /** Sum of `counts`. */
  total: number;
  /** Respondents in the domain missing either variable (not in the table). */
  nMissing: number;
}

/** Options of {@link svyTable}. */
export interface TableOptions {
  /** Also give each cell's share of the grand total. */
  share?: boolean;
}

/** A variable's levels and per-row codes (numeric: distinct values in the domain, sorted). */
interface Coded {
  codes: Int32Array;
  levels: string[];
}

function coded(column: Column, usable: (i: number) => boolean): Coded {
  if (column.kind === 'categorical') return { codes: column.codes, levels: [...column.levels] };
  const values = column.values;
  const distinct = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    if (usable(i) && !Number.isNaN(values[i]!)) distinct.add(values[i]!);
  }
  const sorted = [...distinct].sort((a, b) => a - b);
  const index = new Map(sorted.map((v, k) => [v, k]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = index.get(values[i]!) ?? -1;
  return { codes, levels: sorted.map(String) };
}

interface Cross {
  row: Coded;
  col: Coded;
  /** Domain rows with both values (1), else 0. */
  complete: Uint8Array;
  nDomain: number;
  nMissing: number;
}

function cross(design: SurveyDesign, rowVariable: string, colVariable: string): Cross {
  const rc = getColumn(design.data, rowVariable);
  const cc = getColumn(design.data, colVariable);
  const domain = design.domain;
  const inDomain = (i: number) => domain === null || domain[i] !== 0;
  const missing = (c: Column, i: number) =>
    c.kind === 'numeric' ? Number.isNaN(c.values[i]!) : c.codes[i]! < 0;
  const both = (i: number) => inDomain(i) && !missing(rc, i) && !missing(cc, i);
  const row = coded(rc, both);
  const col = coded(cc, both);
  const n = design.data.nrow;
  const complete = new Uint8Array(n);
  let nDomain = 0;
  let nMissing = 0;
  for (let i = 0; i < n; i++) {
    if (!inDomain(i)) continue;
    nDomain++;
    if (row.codes[i]! < 0 || col.codes[i]! < 0) nMissing++;
    else complete[i] = 1;
  }
  return { row, col, complete, nDomain, nMissing };
}

/**
 * Weighted two-way table of `row` by `col` (R's `svytable(~row + col, design)`): the estimated
 * number in the population in each cell, over the design's domain. Every level of a categorical
 * variable is a row/column, with zeros where it has no respondents (as R's table of a factor); a
 * numeric variable's levels are its distinct values in the domain. Respondents missing either
 * variable are left out and counted in `nMissing`.
 *
 * On a replicate-weight design, as R's `svytable` there (whose default `Ntotal` is the sum of the
 * design's weights), the counts of the respondents with both values are scaled up to the weight
 * total of all the domain's respondents when some miss a variable; the shares are the same.
 *
 * @throws {EstimationError} `UNKNOWN_VARIABLE`.
 * @example
 * ```ts
 * const data = fromColumns({
 *   vote: ['yes', 'no', 'yes', null, 'no'],
 *   sex: ['f', 'f', 'm', 'm', 'm'],
 *   w: [10, 20, 30, 40, 50],
 * });
 * const t = svyTable(svyDesign(data, { weights: 'w' }), 'vote', 'sex', { share: true });
 * console.log(t.rowLevels, t.colLevels, t.counts, t.nMissing); // => [ 'yes', 'no' ] [ 'f', 'm' ] [ [ 10, 30 ], [ 20, 50 ] ] 1
 * console.log(t.shares?.[0]); // => [ 0.09090909090909091, 0.2727272727272727 ]
 * ```
 */
export function svyTable(
  design: SurveyDesign,
  row: string,
  col: string,
  opts: TableOptions = {},
): SurveyTable {
  const x = cross(design, row, col);
  const R = x.row.levels.length;
  const C = x.col.levels.length;
  const counts = Array.from({ length: R }, () => new Array<number>(C).fill(0));
  const n = Array.from({ length: R }, () => new Array<number>(C).fill(0));
  const w = design.weights;
  let total = 0;
  for (let i = 0; i < x.complete.length; i++) {
    if (!x.complete[i]) continue;
    const r = x.row.codes[i]!;
    const c = x.col.codes[i]!;
    counts[r]![c]! += w[i]!;
    n[r]![c]! += 1;
    total += w[i]!;
  }
  if (design.type === 'replicate' && x.nMissing > 0 && total > 0) {
    // R's svytable on a replicate design scales the table to the weight total of the design's
    // rows (its default Ntotal), those missing a variable included.
    let all = 0;
    const domain = design.domain;
    for (let i = 0; i < w.length; i++) if (domain === null || domain[i] !== 0) all += w[i]!;
    const f = all / total;
    for (const r of counts) for (let c = 0; c < C; c++) r[c] = r[c]! * f;
    total = all;
  }
  const table: SurveyTable = {
    rowVariable: row,
    colVariable: col,
    rowLevels: x.row.levels,
    colLevels: x.col.levels,
    counts,
    n,
    total,
    nMissing: x.nMissing,
  };
  if (opts.share) table.shares = counts.map((r) => r.map((v) => v / total));
  return table;
}

/** Options of {@link svyChisq}. */
export interface ChisqOptions {
  /**
   * `'F'` (default): Rao–Scott second-order correction referred to an F distribution;
   * `'Chisq'`: first-order correction (Pearson X² divided by the mean generalized design
   * effect) referred to χ².
   */
  statistic?: 'F' | 'Chisq';
}

/** The result of {@link svyChisq}, named as R's `htest`. */
export interface ChisqTest {
  /** Which correction was used (the `statistic` option). */
  test: 'F' | 'Chisq';
  /**
   * What R reports as the statistic: for `'F'` the Rao–Scott F (= `pearson / Σδ`); for
   * `'Chisq'` the Pearson X² itself (R's `X-squared`), whose p-value is computed from
   * `adjusted` = X² / mean(δ).
   */
  statistic: number;
  /** `'F'`: numerator df (Σδ)² / Σδ²; `'Chisq'`: df (r − 1)(c − 1). */
  ndf: number;
  /** `'F'` only: denominator df, `ndf` × design df. */
  ddf?: number;
  /** The p-value of the corrected statistic. */
  pValue: number;
  /** R's `method`. */
  method: string;
  /** Pearson X² of the weighted table scaled to the number of respondents in the domain. */
  pearson: number;
  /** The corrected statistic the p-value is computed from (F, or X² / mean(δ)). */
  adjusted: number;
  /** Σδ: trace of the design-effect matrix Δ (δ its eigenvalues). */
  traceDelta: number;
  /** Σδ²: trace of Δ². */
  traceDelta2: number;
  /**
   * Design degrees of freedom: PSUs minus strata among the domain's respondents (replicate
   * designs: rank of the replicate weights on the domain's rows minus one, R's `degf`).
   */
  designDf: number;
  /** Levels of the row variable tested (levels with no respondent having both values are left out). */
  rowLevels: string[];
  /** Levels of the column variable tested. */
  colLevels: string[];
  /** Levels left out because no respondent in the domain has them with the other variable. */
  droppedLevels: {
    /** Of the row variable. */
    row: string[];
    /** Of the column variable. */
    col: string[];
  };
  /** Respondents in the table (with both values). */
  n: number;
  /** Respondents in the domain missing either variable. */
  nMissing: number;
}

/**
 * Design-based test of independence of two categorical variables (R's `svychisq`), with the
 * Rao–Scott corrections of the Pearson X²: `'F'` (default, second order: F = X² / Σδ on
 * (Σδ)²/Σδ² and that times the design df degrees of freedom) or `'Chisq'` (first order:
 * X² / mean(δ) on (r − 1)(c − 1) df), δ being the eigenvalues of the design-effect matrix
 * Δ = (C′ D⁻¹ C / N)⁻¹ (C′ D⁻¹ V D⁻¹ C) of the cell shares, V their design covariance.
 * Only traces of Δ and Δ² are needed, so no eigen-decomposition is done.
 *
 * As in R, X² is computed on the weighted table scaled to N = the respondents in the domain
 * (those missing a variable included), V on the respondents with both values, and the design
 * df counts PSUs and strata of the domain. On a replicate-weight design (R's
 * `svychisq.svyrep.design`) V is the replicate covariance of the cell shares (`scale`,
 * `rscales`, `mse` of the design) and the design df is R's `degf`: the rank of the replicate
 * weights over the domain's rows, minus one.
 *
 * A level with no respondent (having both values) in the domain is left out of the test and
 * listed in `droppedLevels`: R's `svychisq` returns `NaN` for a factor with such a level, and
 * this is its answer after `droplevels()`.
 *
 * @throws {EstimationError} `UNKNOWN_VARIABLE`; `TOO_FEW_LEVELS` when a variable has fewer than
 *   two levels with respondents; `ZERO_WEIGHT_DOMAIN` when they all have weight 0;
 *   `SINGULAR_TABLE` when empty cells leave the Rao–Scott matrix singular; `BAD_OPTION`.
 * @example
 * ```ts
 * const data = fromColumns({
 *   vote: ['yes', 'no', 'yes', 'yes', 'no', 'no', 'yes', 'no'],
 *   sex: ['f', 'f', 'f', 'f', 'm', 'm', 'm', 'm'],
 *   psu: [1, 1, 2, 2, 3, 3, 4, 4],
 * });
 * const t = svyChisq(svyDesign(data, { ids: 'psu' }), 'vote', 'sex');
 * console.log(t.statistic.toFixed(4), t.ndf.toFixed(4), t.ddf?.toFixed(4), t.pValue.toFixed(4)); // => 2.2500 1.0000 3.0000 0.2306
 * ```
 */
export function svyChisq(
  design: SurveyDesign,
  row: string,
  col: string,
  opts: ChisqOptions = {},
): ChisqTest {
  const test = opts.statistic ?? 'F';
  if (test !== 'F' && test !== 'Chisq') {
    throw new EstimationError('BAD_OPTION', `statistic must be 'F' or 'Chisq'; got "${test}"`, {
      value: test,
    });
  }
  const x = cross(design, row, col);
  const n = x.complete.length;
  const w = design.weights;

  // Levels with respondents (R tests the levels present in the data).
  const used = (c: Coded, variable: string) => {
    const seen = new Uint8Array(c.levels.length);
    for (let i = 0; i < n; i++) if (x.complete[i]) seen[c.codes[i]!] = 1;
    const keep = c.levels.filter((_, k) => seen[k]);
    if (keep.length < 2) {
      throw new EstimationError(
        'TOO_FEW_LEVELS',
        `"${variable}" has ${keep.length === 0 ? 'no level' : `only the level "${keep[0]}"`} among the respondents with both "${row}" and "${col}": independence cannot be tested`,
        { variable, value: keep },
      );
    }
    const index = new Int32Array(c.levels.length).fill(-1);
    let k = 0;
    for (let l = 0; l < c.levels.length; l++) if (seen[l]) index[l] = k++;
    return { keep, dropped: c.levels.filter((_, l) => !seen[l]), index };
  };
  const ru = used(x.row, row);
  const cu = used(x.col, col);
  const nr = ru.keep.length;
  const nc = cu.keep.length;
  const cells = nr * nc;

  // Cell of each respondent (row level fastest, as R's interaction()); weighted cell totals.
  const cell = new Int32Array(n).fill(-1);
  const sums = new Float64Array(cells);
  let sumW = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!x.complete[i]) continue;
    const k = ru.index[x.row.codes[i]!]! + nr * cu.index[x.col.codes[i]!]!;
    cell[i] = k;
    sums[k]! += w[i]!;
    sumW += w[i]!;
    count++;
  }
  if (!(sumW > 0)) {
    throw new EstimationError(
      'ZERO_WEIGHT_DOMAIN',
      `the respondents with "${row}" and "${col}" in the domain have weight 0`,
      { variable: `${row}+${col}` },
    );
  }
  const share = sums.map((s) => s / sumW);
  // Covariance of the cell shares: R's svymean(cells, design, na.rm = TRUE); on a replicate
  // design the shares recomputed with each replicate's weights, all cells in one pass.
  const V = estimateVariance(
    design,
    categoricalInfluence(cell, w, x.complete, 1 / sumW, share),
    x.complete,
    (d) => {
      const cellSums = replicateCellSums(d, cell, cells);
      const reps = cellSums.reps.map((r) => {
        let t = 0;
        for (let k = 0; k < cells; k++) t += r[k]!;
        return r.map((v) => v / t);
      });
      return { full: share, reps };
    },
  );

  // Pearson X² on the table scaled to N = respondents in the domain (R's Ntotal = nrow).
  const N = x.nDomain;
  const rowSum = new Float64Array(nr);
  const colSum = new Float64Array(nc);
  for (let r = 0; r < nr; r++) {
    for (let c = 0; c < nc; c++) {
      rowSum[r]! += share[r + nr * c]! * N;
      colSum[c]! += share[r + nr * c]! * N;
    }
  }
  let pearson = 0;
  for (let r = 0; r < nr; r++) {
    for (let c = 0; c < nc; c++) {
      const observed = share[r + nr * c]! * N;
      const expected = (rowSum[r]! * colSum[c]!) / N;
      pearson += ((observed - expected) * (observed - expected)) / expected;
    }
  }

  const { trace, trace2 } = deltaTraces(share, V, nr, nc, N);
  const q = (nr - 1) * (nc - 1);
  // R's `nu`: PSUs minus strata among the domain's rows, zero weights included.
  const designDf =
    design.type === 'linearization'
      ? designDegreesOfFreedom(design, design.domain, { zeroWeights: true })
      : degreesOfFreedom(design);
  const base = {
    pearson,
    traceDelta: trace,
    traceDelta2: trace2,
    designDf,
    rowLevels: ru.keep,
    colLevels: cu.keep,
    droppedLevels: { row: ru.dropped, col: cu.dropped },
    n: count,
    nMissing: x.nMissing,
    method: "Pearson's X^2: Rao & Scott adjustment",
  };
  if (test === 'F') {
    const F = pearson / trace;
    const ndf = (trace * trace) / trace2;
    const ddf = ndf * designDf;
    return {
      test,
      statistic: F,
      ndf,
      ddf,
      pValue: pfUpper(F, ndf, ddf),
      adjusted: F,
      ...base,
    };
  }
  const adjusted = pearson / (trace / q);
  return {
    test,
    statistic: pearson,
    ndf: q,
    pValue: pchisqUpper(adjusted, q),
    adjusted,
    ...base,
  };
}

/**
 * Traces of Δ = (C′ D⁻¹ C / N)⁻¹ (C′ D⁻¹ V D⁻¹ C) and of Δ², as R's svychisq builds it: C the
 * interaction columns of the saturated model on the nr × nc grid made orthogonal to the main
 * effects (residuals of a least-squares fit: for an unweighted full grid, double centring),
 * D the cell shares (1/0 taken as 0).
 */
function deltaTraces(
  share: Float64Array,
  V: Float64Array,
  nr: number,
  nc: number,
  N: number,
): { trace: number; trace2: number } {
  const k = nr * nc;
  const q = (nr - 1) * (nc - 1);
  // C: k × q, column (i, j) for row level i + 1, column level j + 1 (i fastest, as R).
  const C = new Float64Array(k * q);
  for (let j = 0; j < nc - 1; j++) {
    for (let i = 0; i < nr - 1; i++) {
      const col = i + (nr - 1) * j;
      for (let c = 0; c < nc; c++) {
        for (let r = 0; r < nr; r++) {
          const value =
            (r === i + 1 && c === j + 1 ? 1 : 0) -
            (r === i + 1 ? 1 / nc : 0) -
            (c === j + 1 ? 1 / nr : 0) +
            1 / (nr * nc);
          C[(r + nr * c) * q + col] = value;
        }
      }
    }
  }
  const inv = share.map((p) => (p === 0 ? 0 : 1 / p));
  // A = D⁻¹ C; denom = C′ A / N; numr = A′ V A.
  const A = new Float64Array(k * q);
  for (let a = 0; a < k; a++) for (let j = 0; j < q; j++) A[a * q + j] = inv[a]! * C[a * q + j]!;
  const denom = new Float64Array(q * q);
  const VA = new Float64Array(k * q);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const v = V[a * k + b]!;
      if (v === 0) continue;
      for (let j = 0; j < q; j++) VA[a * q + j]! += v * A[b * q + j]!;
    }
  }
  const numr = new Float64Array(q * q);
  for (let a = 0; a < k; a++) {
    for (let i = 0; i < q; i++) {
      const ci = C[a * q + i]!;
      const ai = A[a * q + i]!;
      for (let j = 0; j < q; j++) {
        denom[i * q + j]! += (ci * A[a * q + j]!) / N;
        numr[i * q + j]! += ai * VA[a * q + j]!;
      }
    }
  }
  const delta = solve(denom, numr, q);
  let trace = 0;
  let trace2 = 0;
  for (let i = 0; i < q; i++) {
    trace += delta[i * q + i]!;
    for (let j = 0; j < q; j++) trace2 += delta[i * q + j]! * delta[j * q + i]!;
  }
  return { trace, trace2 };
}

/** Solves A X = B (q × q, row-major) by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array, B: Float64Array, q: number): Float64Array {
  const a = A.slice();
  const x = B.slice();
  for (let c = 0; c < q; c++) {
    let pivot = c;
    for (let r = c + 1; r < q; r++)
      if (Math.abs(a[r * q + c]!) > Math.abs(a[pivot * q + c]!)) pivot = r;
    if (a[pivot * q + c] === 0) {
      throw new EstimationError(
        'SINGULAR_TABLE',
        'the table has too many empty cells for the Rao–Scott correction (singular matrix)',
        {},
      );
    }
    if (pivot !== c) {
      for (let j = 0; j < q; j++) {
        [a[c * q + j], a[pivot * q + j]] = [a[pivot * q + j]!, a[c * q + j]!];
        [x[c * q + j], x[pivot * q + j]] = [x[pivot * q + j]!, x[c * q + j]!];
      }
    }
    const d = a[c * q + c]!;
    for (let r = c + 1; r < q; r++) {
      const f = a[r * q + c]! / d;
      if (f === 0) continue;
      for (let j = c; j < q; j++) a[r * q + j]! -= f * a[c * q + j]!;
      for (let j = 0; j < q; j++) x[r * q + j]! -= f * x[c * q + j]!;
    }
  }
  for (let c = q - 1; c >= 0; c--) {
    const d = a[c * q + c]!;
    for (let j = 0; j < q; j++) {
      let s = x[c * q + j]!;
      for (let k = c + 1; k < q; k++) s -= a[c * q + k]! * x[k * q + j]!;
      x[c * q + j] = s / d;
    }
  }
  return x;
}
