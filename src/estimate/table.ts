/**
 * Two-way tables: weighted counts (R's `svytable`) and the design-based test of independence
 * (R's `svychisq`, Rao–Scott corrections).
 * @module
 */
import { getColumn } from '../data/frame.js';
import type { Column } from '../data/types.js';
import { degreesOfFreedom } from '../design/df.js';
import { ldexp, workingDesign } from '../design/scale.js';
import type { LinearizationDesign, SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { limitOption, tooLargeMessage } from '../limits.js';
import { pchisqUpper, pfUpper } from '../stats/distributions.js';
import { isCalibrated } from '../variance/calibration.js';
import { categoricalInfluence, type Influence } from '../variance/influence.js';
import { designDf as designDegreesOfFreedom, needsPresence } from '../variance/linearization.js';
import { type CellTable, type CellTableOptions, cellTable } from './cell-table.js';
import { type ClusterCellSums, clusterCellSums } from './cluster-cells.js';
import { nonFiniteResult } from './finite.js';
import { type Coded, coded } from './levels.js';
import { checkCovariance, covarianceLimit } from './limits.js';
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
  /**
   * Most cells (row levels × column levels) the table may have (default 2^24 = 16,777,216;
   * `Infinity` lifts it): a larger one is a `TOO_LARGE` error before its memory is taken.
   */
  maxCells?: number;
}

interface Cross {
  row: Coded;
  col: Coded;
  /**
   * Domain rows with both values (1), else 0: made when first asked for (a whole linearization
   * design's pass per cluster and cell does not mark them; see {@link chisqOn}).
   */
  complete: () => Uint8Array;
  nDomain: number;
  nMissing: number;
  /**
   * Per raw cell (row level + R0 · column level): Σw of complete rows, in row order (with
   * cluster sums: added cluster by cluster from those).
   */
  cellW: Float64Array;
  /**
   * Per raw cell: complete rows (counted when first asked for, after a whole design's pass per
   * cluster and cell: see clusterCellSums).
   */
  cellN: () => Float64Array;
  /** Complete rows in all. */
  rows: number;
  /** Σw of complete rows, in the order of `cellW`. */
  sumW: number;
  /** Stage-1 cluster sums of a linearization design, when asked for (see {@link ClusterCells}). */
  clusters: ClusterCells | null;
}

/**
 * Per stage-1 cluster of a linearization design: Σw of the complete rows per raw cell (each in
 * row order, as categoricalInfluence adds them) and in all (from those), which clusters have a
 * complete row, and what R's `degf` (zero weights counted) needs.
 */
interface ClusterCells {
  rowCluster: Int32Array;
  /** nClusters × K0, row-major. */
  cellW: Float64Array;
  clusterW: Float64Array;
  /** The clusters with a complete row; `null`: not marked (the variance does not ask). */
  seen: Uint8Array | null;
  designDf: number;
}

/** Most cluster × raw-cell sums kept from the pass over the rows (8 bytes each). */
const MAX_CLUSTER_CELLS = 1 << 23;

function isMissing(c: Column, i: number): boolean {
  return c.kind === 'numeric' ? Number.isNaN(c.values[i]!) : c.codes[i]! < 0;
}

function cross(
  design: SurveyDesign,
  rowVariable: string,
  colVariable: string,
  maxCellsOption: unknown,
  withClusters = false,
): Cross {
  const maxCells = limitOption(
    'maxCells',
    maxCellsOption,
    (message) =>
      new EstimationError('BAD_OPTION', message, { option: 'maxCells', value: maxCellsOption }),
  );
  const rc = getColumn(design.data, rowVariable);
  const cc = getColumn(design.data, colVariable);
  const domain = design.domain;
  const both = (i: number) =>
    (domain === null || domain[i] !== 0) && !isMissing(rc, i) && !isMissing(cc, i);
  const row = coded(rc, both);
  const col = coded(cc, both);
  const n = design.data.nrow;
  const R0 = Math.max(row.levels.length, 1);
  const K0 = R0 * Math.max(col.levels.length, 1);
  if (K0 > maxCells) {
    throw new EstimationError(
      'TOO_LARGE',
      tooLargeMessage(
        `a table of "${rowVariable}" (${row.levels.length.toLocaleString('en-US')} levels) by "${colVariable}" (${col.levels.length.toLocaleString('en-US')}) has`,
        K0,
        'cells, which',
        'maxCells',
        maxCells,
      ),
      { value: K0, limit: maxCells, option: 'maxCells', variable: `${rowVariable}+${colVariable}` },
    );
  }
  const rcodes = row.codes;
  const ccodes = col.codes;
  const w = design.weights;
  const linear: LinearizationDesign | null =
    withClusters && design.type === 'linearization' ? design : null;
  const stage = linear?.stages[0];
  if (stage === undefined || stage.nClusters * K0 > MAX_CLUSTER_CELLS) {
    const complete = new Uint8Array(n);
    const cellW = new Float64Array(K0);
    const cellN = new Float64Array(K0);
    let nDomain = 0;
    let nMissing = 0;
    let sumW = 0;
    let rows = 0;
    for (let i = 0; i < n; i++) {
      if (domain !== null && domain[i] === 0) continue;
      nDomain++;
      const r = rcodes[i]!;
      const c = ccodes[i]!;
      if (r < 0 || c < 0) {
        nMissing++;
        continue;
      }
      complete[i] = 1;
      const k = r + R0 * c;
      const wi = w[i]!;
      cellW[k]! += wi;
      cellN[k]! += 1;
      sumW += wi;
      rows++;
    }
    return {
      row,
      col,
      complete: () => complete,
      nDomain,
      nMissing,
      cellW,
      cellN: () => cellN,
      rows,
      sumW,
      clusters: null,
    };
  }
  // The sums per stage-1 cluster and cell (clusterCellSums: each in row order, as
  // categoricalInfluence adds them; the cells' and clusters' Σ w from those). Without a domain the
  // same pass finds the rows with both variables (their mask is made only if read); in one, a
  // sequential pass first finds them and the clusters with a row in the domain. The clusters with
  // a complete row are marked only where the variance asks for them (lonely PSUs).
  const rowCluster = stage.rowCluster;
  const inDomain = new Uint8Array(stage.nClusters);
  const seen = needsPresence(linear!) ? new Uint8Array(stage.nClusters) : null;
  const t = { a: rcodes, b: ccodes, strideA: 1, strideB: R0, levelsA: R0, levelsB: K0 / R0 };
  let sums: ClusterCellSums;
  let nDomain: number;
  let nMissing: number;
  let complete: () => Uint8Array;
  if (domain === null) {
    sums = clusterCellSums(t, null, w, rowCluster, stage.nClusters, seen);
    let mask: Uint8Array | null = null;
    complete = () => {
      mask ??= bothCoded(rcodes, ccodes);
      return mask;
    };
    nDomain = n;
    nMissing = n - sums.rows;
    // (every cluster of the design has rows: without a domain, all of them are in it)
    inDomain.fill(1);
  } else {
    const mask = new Uint8Array(n);
    const counts = completeRows(domain, rcodes, ccodes, rowCluster, mask, inDomain);
    nDomain = counts[0]!;
    nMissing = counts[1]!;
    sums = clusterCellSums(t, mask, w, rowCluster, stage.nClusters, seen);
    complete = () => mask;
  }
  // R's svychisq `nu`: PSUs minus strata among the domain's rows, zero weights included
  // (clusters are nested in strata).
  const stratumSeen = new Uint8Array(stage.nStrata);
  let psus = 0;
  let strata = 0;
  for (let cl = 0; cl < stage.nClusters; cl++) {
    if (inDomain[cl] === 0) continue;
    psus++;
    const s = stage.clusterStratum[cl]!;
    if (stratumSeen[s] === 0) {
      stratumSeen[s] = 1;
      strata++;
    }
  }
  const clusters = {
    rowCluster,
    cellW: sums.sums,
    clusterW: sums.clusterW,
    seen,
    designDf: psus - strata,
  };
  return {
    row,
    col,
    complete,
    nDomain,
    nMissing,
    cellW: sums.cellW,
    cellN: sums.cellN,
    rows: sums.rows,
    sumW: sums.sumW,
    clusters,
  };
}

/** The rows with both codes (≥ 0) as a mask (a whole design's rows of {@link cross}). */
function bothCoded(rcodes: Int32Array, ccodes: Int32Array): Uint8Array {
  const mask = new Uint8Array(rcodes.length);
  for (let i = 0; i < mask.length; i++) if ((rcodes[i]! | ccodes[i]!) >= 0) mask[i] = 1;
  return mask;
}

/**
 * The rows of {@link cross} in the domain with both variables (`complete`), marking the clusters
 * with a row in the domain (a function of typed arrays only, so that V8 optimises it once).
 * Returns [rows in the domain, missing].
 */
function completeRows(
  domain: Uint8Array,
  rcodes: Int32Array,
  ccodes: Int32Array,
  rowCluster: Int32Array,
  complete: Uint8Array,
  inDomain: Uint8Array,
): Int32Array {
  let nDomain = 0;
  let nMissing = 0;
  for (let i = 0; i < complete.length; i++) {
    if (domain[i] === 0) continue;
    inDomain[rowCluster[i]!] = 1;
    nDomain++;
    if (rcodes[i]! < 0 || ccodes[i]! < 0) {
      nMissing++;
      continue;
    }
    complete[i] = 1;
  }
  return Int32Array.of(nDomain, nMissing);
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
 * For a table of any number of variables with standard errors, pass them as an array (the
 * n-way form below). A call that fits neither form (a third variable name, a missing column
 * variable, options that are not an object) is a `BAD_ARGUMENTS` error rather than being
 * ignored.
 *
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param row - The variable down the side.
 * @param col - The variable across the top.
 * @param opts - `share: true` to give each cell's share of the grand total too: see
 *   {@link TableOptions}.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `BAD_ARGUMENTS`.
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
 *
 * // The n-way form: one row per cell, with counts, shares and their standard errors.
 * const cells = svyTable(svyDesign(data, { weights: 'w' }), ['vote', 'sex'], { within: ['sex'] });
 * console.log(cells.cells.map((c) => `${c.label} ${c.count} ${c.withinShare?.toFixed(3)}`).join(', '));
 * // => yes.f 10 0.333, no.f 20 0.667, yes.m 30 0.375, no.m 50 0.625
 * ```
 */
export function svyTable(
  design: SurveyDesign,
  row: string,
  col: string,
  opts?: TableOptions,
): SurveyTable;
/**
 * The weighted table of one or more variables, cell by cell (R's `svytable(~a + b + c, design)`
 * with R's `svytotal` and `svymean` of `~interaction(a, b, c)` for the standard errors): every
 * combination of the variables' levels is a cell (the first variable varying fastest, as R's
 * `interaction()`), with its respondents, its estimated population count and its share of the
 * total, each with a design-based standard error; with `within`, also its share among the cells
 * with the same levels of the `within` variables (R's `svyby(~c, ~a + b, design, svymean)`).
 * `counts`, `shares` and `withinShares` are the same estimates as {@link EstimateTable}s, with
 * intervals and the covariance of all cells, for {@link svyContrast} (labels: the cell labels,
 * e.g. `'E.Yes'`).
 *
 * Respondents missing any of the variables are left out (R's `na.rm = TRUE`) and counted in
 * `nMissing`. On a replicate-weight design the counts are those of `svytotal` (not scaled to the
 * design's weight total as the two-way form's `svytable` counts are when values are missing).
 * Costs a pass over the rows per variable and one for the cells; the standard errors need one
 * more pass, and the cells' covariance is computed when first read (PSUs × cells² operations).
 *
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param variables - The variables to cross (one or more); the first varies fastest in the cell
 *   order.
 * @param opts - `within` (shares within groups of cells), missing values, confidence level and
 *   degrees of freedom: see {@link CellTableOptions}.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `BAD_ARGUMENTS` (no variable, a variable twice),
 *   `BAD_OPTION` (`within` not a proper subset of the variables, `level`, `df`, `na`, a limit),
 *   `TOO_LARGE` (more cells than `maxCovariance`, default 1,000, or `maxCells`), `MISSING_VALUES` (with `na: 'fail'`), `EMPTY_DOMAIN`, `ZERO_WEIGHT_DOMAIN`.
 */
export function svyTable(
  design: SurveyDesign,
  variables: readonly string[],
  opts?: CellTableOptions,
): CellTable;
export function svyTable(
  design: SurveyDesign,
  rowOrVariables: string | readonly string[],
  colOrOpts?: string | CellTableOptions,
  opts?: TableOptions,
  ...rest: unknown[]
): SurveyTable | CellTable {
  const usage =
    'use svyTable(design, row, col, opts?) for a two-way table or svyTable(design, [variables...], opts?) for cells with standard errors';
  if (rest.length > 0) {
    throw new EstimationError('BAD_ARGUMENTS', `svyTable was given too many arguments; ${usage}`, {
      value: rest,
    });
  }
  if (Array.isArray(rowOrVariables)) {
    if (opts !== undefined || (colOrOpts !== undefined && !isOptions(colOrOpts))) {
      throw new EstimationError(
        'BAD_ARGUMENTS',
        `svyTable(design, [${rowOrVariables.map((v) => JSON.stringify(v)).join(', ')}], ...): after the variables only an options object may follow; ${usage}`,
        { value: colOrOpts },
      );
    }
    return cellTable(design, rowOrVariables, (colOrOpts ?? {}) as CellTableOptions);
  }
  if (typeof rowOrVariables !== 'string' || typeof colOrOpts !== 'string') {
    throw new EstimationError(
      'BAD_ARGUMENTS',
      `svyTable needs a row and a column variable (or an array of variables); got ${JSON.stringify(rowOrVariables)} and ${JSON.stringify(colOrOpts)}; ${usage}`,
      { value: [rowOrVariables, colOrOpts] },
    );
  }
  if (opts !== undefined && !isOptions(opts)) {
    throw new EstimationError(
      'BAD_ARGUMENTS',
      typeof opts === 'string'
        ? `svyTable(design, "${rowOrVariables}", "${colOrOpts}", "${opts}"): the two-way form takes two variables; for a table of three or more, pass them as an array: svyTable(design, ["${rowOrVariables}", "${colOrOpts}", "${opts}"])`
        : `svyTable: options must be an object; got ${JSON.stringify(opts)}`,
      { value: opts },
    );
  }
  const work = workingDesign(design);
  return rescaleCounts(
    twoWayTable(work.design, rowOrVariables, colOrOpts, opts ?? {}),
    work.exponent,
  );
}

/**
 * A two-way table computed on weights times 2^-k in the weights' unit (counts and total times
 * 2^k; shares are unit-free); `NON_FINITE_RESULT` when a count exceeds the double range.
 */
function rescaleCounts(table: SurveyTable, k: number): SurveyTable {
  if (k !== 0) {
    for (const r of table.counts) for (let c = 0; c < r.length; c++) r[c] = ldexp(r[c]!, k);
    table.total = ldexp(table.total, k);
  }
  if (table.total === Number.POSITIVE_INFINITY) {
    throw nonFiniteResult(
      'svyTable',
      `${table.rowVariable} × ${table.colVariable}`,
      undefined,
      'total',
      table.total,
    );
  }
  return table;
}

/** Whether a value can be an options object. */
function isOptions(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** svyTable's two-way form. */
function twoWayTable(
  design: SurveyDesign,
  row: string,
  col: string,
  opts: TableOptions,
): SurveyTable {
  const x = cross(design, row, col, opts.maxCells);
  const R = x.row.levels.length;
  const C = x.col.levels.length;
  const counts = Array.from({ length: R }, () => new Array<number>(C).fill(0));
  const n = Array.from({ length: R }, () => new Array<number>(C).fill(0));
  const w = design.weights;
  const cellN = x.cellN();
  let total = x.sumW;
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      counts[r]![c] = x.cellW[r + R * c]!;
      n[r]![c] = cellN[r + R * c]!;
    }
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
  /** As {@link TableOptions}' `maxCells`. */
  maxCells?: number;
  /**
   * Most cells (with respondents) whose joint covariance the test computes (default 1,000;
   * `Infinity` lifts it): a larger table is a `TOO_LARGE` error (the covariance has cells²
   * entries, each a sum over the PSUs).
   */
  maxCovariance?: number;
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
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param row - The first variable of the table.
 * @param col - The second variable of the table.
 * @param opts - Which Rao–Scott statistic (`F`, the default, or `Chisq`): see {@link ChisqOptions}.
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
  // scale-free: computed on the weights scaled to near 1 when they are extreme
  const t = chisqOn(workingDesign(design).design, row, col, opts);
  for (const [what, v] of [
    ['Pearson statistic', t.pearson],
    ['trace of the design effects', t.traceDelta],
  ] as const) {
    if (v === Number.POSITIVE_INFINITY)
      throw nonFiniteResult('svyChisq', `${row} × ${col}`, undefined, what, v);
  }
  return t;
}

function chisqOn(design: SurveyDesign, row: string, col: string, opts: ChisqOptions): ChisqTest {
  if (!isOptions(opts) || typeof row !== 'string' || typeof col !== 'string') {
    throw new EstimationError(
      'BAD_ARGUMENTS',
      `svyChisq(design, row, col, opts?) tests two variables; got ${JSON.stringify(row)}, ${JSON.stringify(col)} and ${JSON.stringify(opts)}`,
      { value: [row, col, opts] },
    );
  }
  const test = opts.statistic ?? 'F';
  if (test !== 'F' && test !== 'Chisq') {
    throw new EstimationError('BAD_OPTION', `statistic must be 'F' or 'Chisq'; got "${test}"`, {
      value: test,
    });
  }
  const limit = covarianceLimit(opts.maxCovariance);
  const x = cross(design, row, col, opts.maxCells, true);
  const n = design.data.nrow;
  const w = design.weights;
  const R0 = Math.max(x.row.levels.length, 1);
  const C0 = Math.max(x.col.levels.length, 1);

  // Levels with respondents (R tests the levels present in the data).
  const used = (c: Coded, variable: string, seenOf: (l: number) => boolean) => {
    const seen = c.levels.map((_, l) => seenOf(l));
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
  // (a cell with Σ w ≠ 0 has rows; the rows per cell are counted only if a cell's Σ w is 0)
  const hasRows = (raw: number) => x.cellW[raw] !== 0 || x.cellN()[raw]! > 0;
  const ru = used(x.row, row, (l) => {
    for (let c = 0; c < C0; c++) if (hasRows(l + R0 * c)) return true;
    return false;
  });
  const cu = used(x.col, col, (l) => {
    for (let r = 0; r < R0; r++) if (hasRows(r + R0 * l)) return true;
    return false;
  });
  const nr = ru.keep.length;
  const nc = cu.keep.length;
  const cells = nr * nc;
  checkCovariance(
    `svyChisq of "${row}" by "${col}" (${nr} × ${nc} cells)`,
    cells,
    limit,
    `${row}+${col}`,
  );

  // Weighted cell totals (row level fastest, as R's interaction()), from the pass over the rows;
  // `rawOf[k]`: the raw cell of tested cell k.
  const K0 = R0 * C0;
  const rawOf = new Int32Array(cells);
  const sums = new Float64Array(cells);
  const count = x.rows;
  for (let r = 0; r < x.row.levels.length; r++) {
    for (let c = 0; c < x.col.levels.length; c++) {
      const raw = r + R0 * c;
      const kr = ru.index[r]!;
      const kc = cu.index[c]!;
      if (kr < 0 || kc < 0) continue;
      const k = kr + nr * kc;
      rawOf[k] = raw;
      sums[k] = x.cellW[raw]!;
    }
  }
  const sumW = x.sumW;
  if (!(sumW > 0)) {
    throw new EstimationError(
      'ZERO_WEIGHT_DOMAIN',
      `the respondents with "${row}" and "${col}" in the domain have weight 0`,
      { variable: `${row}+${col}` },
    );
  }
  const share = sums.map((s) => s / sumW);
  // Cell of each respondent (-1: none), made when a variance needs it row by row.
  let cellCodes: Int32Array | null = null;
  const cell = () => {
    if (cellCodes === null) {
      const rawToCell = new Int32Array(K0).fill(-1);
      for (let k = 0; k < cells; k++) rawToCell[rawOf[k]!] = k;
      const rc = x.row.codes;
      const cc = x.col.codes;
      const complete = x.complete();
      cellCodes = new Int32Array(n).fill(-1);
      for (let i = 0; i < n; i++) if (complete[i]) cellCodes[i] = rawToCell[rc[i]! + R0 * cc[i]!]!;
    }
    return cellCodes;
  };
  // Covariance of the cell shares: R's svymean(cells, design, na.rm = TRUE); on a replicate
  // design the shares recomputed with each replicate's weights, all cells in one pass. The rows'
  // mask is given only where the variance reads it (as svyMean: a linearization design, not
  // calibrated, with lonely PSUs); elsewhere a whole design's mask is never made.
  const rowsRead =
    design.type === 'linearization' && !isCalibrated(design) && needsPresence(design);
  const V = estimateVariance(
    design,
    cellInfluence(x, w, rawOf, share, sumW, cell),
    rowsRead ? x.complete() : null,
    (d) => {
      const cellSums = replicateCellSums(d, cell(), cells);
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
    design.type !== 'linearization'
      ? degreesOfFreedom(design)
      : x.clusters !== null
        ? x.clusters.designDf
        : designDegreesOfFreedom(design, design.domain, { zeroWeights: true });
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
 * Influence of the cell shares (categoricalInfluence of the cells, factor 1/Σw, centred at the
 * shares). For the design's stage-1 clusters its cluster totals come from the sums of the pass
 * over the rows (the same additions in the same order), and it tells which clusters have a
 * respondent, so the variance needs no pass over the rows.
 */
function cellInfluence(
  x: Cross,
  weights: Float64Array,
  rawOf: Int32Array,
  share: Float64Array,
  sumW: number,
  cell: () => Int32Array,
): Influence {
  const p = share.length;
  let rows: Influence | null = null;
  const byRow = () => {
    if (rows === null) rows = categoricalInfluence(cell(), weights, x.complete, 1 / sumW, share);
    return rows;
  };
  return {
    p,
    get present() {
      return x.complete();
    },
    dense: () => byRow().dense(),
    sumByCluster(rowCluster, totals, mark) {
      const cl = x.clusters;
      if (cl === null || cl.rowCluster !== rowCluster)
        return byRow().sumByCluster(rowCluster, totals, mark);
      const K0 = cl.cellW.length / cl.clusterW.length;
      const factor = 1 / sumW;
      for (let c = 0; c < cl.clusterW.length; c++) {
        const s = cl.clusterW[c]!;
        for (let j = 0; j < p; j++)
          totals[c * p + j] = factor * (cl.cellW[c * K0 + rawOf[j]!]! - s * share[j]!);
      }
      return cl.seen ?? undefined;
    },
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
