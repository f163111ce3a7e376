/**
 * `svyTable(design, [a, b, c, ...])`: the weighted table of n variables, one row per cell, with
 * the cell's estimated count (R's `svytotal(~interaction(a, b, c))`), its share of the total
 * (`svymean` of the same) and, optionally, its share within the cells of a margin (`svyby(~c,
 * ~a + b, svymean)`), each with its design-based standard error.
 * @module
 */
import { getColumn } from '../data/frame.js';
import type { Column } from '../data/types.js';
import type { ReplicateDesign } from '../design/replicate-types.js';
import { ldexp, workingDesign } from '../design/scale.js';
import type { Stage, SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { limitOption, tooLargeMessage } from '../limits.js';
import { isCalibrated } from '../variance/calibration.js';
import { type ClusterSums, categoricalInfluence, type Influence } from '../variance/influence.js';
import { needsPresence } from '../variance/linearization.js';
import { replicateCovariance } from '../variance/replicate.js';
import { clusterCellSums, type TwoWayCells } from './cluster-cells.js';
import { type EstimateTable, toEstimateTable, uniqueLabels } from './estimate-table.js';
import { checkFinite, nonFiniteResult, rescaleTotals } from './finite.js';
import { attachInfluence } from './influence-rows.js';
import { type Coded, coded } from './levels.js';
import { checkCovariance, covarianceLimit } from './limits.js';
import { choice, confidenceLevel, optionDf, waldInterval } from './prepare.js';
import { type CellSums, replicateCellSums } from './replicate-groups.js';
import type { Estimate } from './types.js';
import { estimateVariance } from './variance.js';

/** Options of {@link svyTable}'s n-way form (`svyTable(design, variables, opts)`). */
export interface CellTableOptions {
  /**
   * Also give each cell's share within its margin: among the cells with the same levels of these
   * variables (some, not all, of the table's variables). E.g. `within: ['sex']` in a table of
   * sex × answer gives the answer shares of each sex (R's `svyby(~answer, ~sex, svymean)`).
   */
  within?: readonly string[];
  /** Missing values: `'omit'` (default: a respondent missing any variable is left out); `'fail'` throws. */
  na?: 'omit' | 'fail';
  /** Confidence level of the intervals, default 0.95. */
  level?: number;
  /**
   * Degrees of freedom of the intervals: `Infinity` (default, normal quantiles), `'design'`, or a
   * number (as {@link svyMean}).
   */
  df?: number | 'design';
  /**
   * Most cells (the product of the variables' level counts) whose standard errors the table
   * computes (default `DEFAULT_LIMITS.maxCovariance`, 1,000; `Infinity` lifts it): the cells'
   * variances take cells² memory and PSUs × cells time, as a covariance of that many estimates
   * does (3 variables of 20 levels: 8,000 cells, 5 s and 0.5 GB on 3,000 PSUs), so a larger table
   * is a `TOO_LARGE` error before the work.
   */
  maxCovariance?: number;
  /**
   * Most cells the table counts (default `DEFAULT_LIMITS.maxCells`, 2^24; `Infinity` lifts it),
   * checked before `maxCovariance`, as for the two-way form.
   */
  maxCells?: number;
}

/** One cell of an n-way table. */
export interface TableCell {
  /** The cell's level of each variable, in the order of the table's `variables`. */
  levels: string[];
  /** The levels joined by `'.'` (R's `interaction()` label), e.g. `'E.Yes'`. */
  label: string;
  /** Respondents in the cell (unweighted). */
  n: number;
  /** Estimated population count (R's `svytotal` of the cell indicator). */
  count: number;
  /** Its standard error. */
  countSe: number;
  /** Share of the table's total (R's `svymean` of the cell indicator). */
  share: number;
  /** Its standard error. */
  shareSe: number;
  /**
   * With `within`: the cell's share of its margin (the cells with the same levels of the
   * `within` variables); `NaN` when the margin has no respondent.
   */
  withinShare?: number;
  /** Its standard error (R's `svyby(..., svymean)` domain standard error). */
  withinShareSe?: number;
}

/** The n-way table of {@link svyTable} (`svyTable(design, variables)`). */
export interface CellTable {
  /** The table's variables. */
  variables: string[];
  /** Each variable's levels (a numeric variable's distinct values among the respondents). */
  levels: string[][];
  /** The `within` variables (empty without the option). */
  within: string[];
  /** Every combination of levels, the first variable varying fastest (R's `interaction()` order). */
  cells: TableCell[];
  /** Estimated population total of the table (Σ counts). */
  total: number;
  /** Respondents in the table (with every variable). */
  n: number;
  /** Respondents in the domain missing at least one of the variables (not in the table). */
  nMissing: number;
  /**
   * The cell counts as an {@link EstimateTable} (`statistic: 'total'`, `variable` the variables
   * joined by `':'`, `level` the cell's label): intervals, and the covariance of the cells for
   * {@link svyContrast} (labels: the cell labels).
   */
  counts: EstimateTable;
  /** The cell shares of the total, as an {@link EstimateTable} (`statistic: 'mean'`). */
  shares: EstimateTable;
  /**
   * With `within`: the shares within margins, as an {@link EstimateTable} whose rows carry their
   * margin in `group` (as {@link svyBy}'s) and the margin's respondents in `n`.
   */
  withinShares?: EstimateTable;
}

/**
 * The n-way form of {@link svyTable}; see there.
 * @example
 * ```ts
 * const data = fromColumns({ a: ['x', 'y', 'x', 'y'], b: ['u', 'u', 'v', 'v'], w: [1, 2, 3, 4] });
 * const t = cellTable(svyDesign(data, { weights: 'w' }), ['a', 'b']);
 * console.log(t.cells.map((c) => `${c.label}=${c.count}`).join(' ')); // => x.u=1 y.u=2 x.v=3 y.v=4
 * ```
 */
export function cellTable(
  design: SurveyDesign,
  variables: readonly string[],
  opts: CellTableOptions = {},
): CellTable {
  const work = workingDesign(design);
  const t = cellTableOn(work.design, variables, opts);
  const k = work.exponent;
  if (k !== 0) {
    // counts carry the weights' unit (shares do not)
    rescaleTotals(t.counts, k);
    for (const c of t.cells) {
      c.count = ldexp(c.count, k);
      c.countSe = ldexp(c.countSe, k);
    }
    t.total = ldexp(t.total, k);
  }
  checkFinite(t.counts, 'svyTable');
  checkFinite(t.shares, 'svyTable');
  if (t.withinShares) checkFinite(t.withinShares, 'svyTable');
  if (t.total === Number.POSITIVE_INFINITY)
    throw nonFiniteResult('svyTable', t.variables.join(' × '), undefined, 'total', t.total);
  return t;
}

function cellTableOn(
  design: SurveyDesign,
  variables: readonly string[],
  opts: CellTableOptions,
): CellTable {
  const names = checkVariables(variables);
  const level = confidenceLevel(opts);
  choice('na', opts.na, ['omit', 'fail'], 'omit');
  const within = checkWithin(opts.within, names);
  const df = optionDf(design, opts);
  const maxCovariance = covarianceLimit(opts.maxCovariance);
  const maxCells = limitOption(
    'maxCells',
    opts.maxCells,
    (message) =>
      new EstimationError('BAD_OPTION', message, { option: 'maxCells', value: opts.maxCells }),
  );
  const columns = names.map((v) => getColumn(design.data, v));

  // Respondents in the domain with every variable.
  const n = design.data.nrow;
  const domain = design.domain;
  const complete = new Uint8Array(n);
  const inDomain = markDomain(domain, complete);
  let firstMissing: { variable: string; row: number } | null = null;
  let nMissing = 0;
  columns.forEach((column, j) => {
    const [row, dropped] = dropMissing(column, complete);
    nMissing += dropped;
    if (row >= 0 && (firstMissing === null || row < firstMissing.row)) {
      firstMissing = { variable: names[j]!, row };
    }
  });
  const base = inDomain - nMissing;
  const first = firstMissing as { variable: string; row: number } | null;
  if (first !== null && opts.na === 'fail') {
    throw new EstimationError(
      'MISSING_VALUES',
      `${nMissing} respondent(s) in the domain miss one of ${names.join(', ')} (first: "${first.variable}" at row ${first.row + 1}); use na: 'omit' to exclude them`,
      { variable: first.variable, row: first.row + 1, count: nMissing },
    );
  }
  if (base === 0) {
    throw new EstimationError(
      'EMPTY_DOMAIN',
      nMissing > 0
        ? `no respondent in the domain has all of ${names.join(', ')} (${nMissing} miss one or more)`
        : `the domain has no respondents, so the table of ${names.join(', ')} cannot be made`,
      { variable: names.join('+'), nMissing },
    );
  }

  // Cells: every combination of levels, the first variable fastest.
  const coding = columns.map((c) => coded(c, (i) => complete[i] === 1));
  const strides: number[] = [];
  let K = 1;
  for (const c of coding) {
    strides.push(K);
    K *= Math.max(c.levels.length, 1);
  }
  const what = `svyTable of ${names.map((v, j) => `"${v}" (${coding[j]!.levels.length.toLocaleString('en-US')}${j === 0 ? ' levels' : ''})`).join(' × ')}`;
  if (K > maxCells) {
    throw new EstimationError(
      'TOO_LARGE',
      tooLargeMessage(`${what} has`, K, 'cells, which', 'maxCells', maxCells),
      { value: K, limit: maxCells, option: 'maxCells', variable: names.join('+') },
    );
  }
  // the cells' standard errors take cells² memory (their variances come with their covariance)
  checkCovariance(what, K, maxCovariance, names.join('+'));
  const w = design.weights;
  // On a linearization design that is not calibrated the pass also sums Σ w per (PSU, cell) and
  // per PSU, so the variances need no further pass over the rows (as svyMean's scan).
  const stage = design.type === 'linearization' && !isCalibrated(design) ? design.stages[0]! : null;
  const mark = stage !== null && design.type === 'linearization' && needsPresence(design);
  const { cell, cellN, cellW, sumW, clusters } = cellPass(
    coding.map((c) => c.codes),
    Int32Array.from(strides),
    complete,
    w,
    K,
    stage,
    mark,
  );
  if (!(sumW > 0)) {
    throw new EstimationError(
      'ZERO_WEIGHT_DOMAIN',
      `the respondents with ${names.join(', ')} in the domain have weight 0`,
      { variable: names.join('+') },
    );
  }
  const cellLevels = (c: number) =>
    coding.map((cv, v) => cv.levels[Math.floor(c / strides[v]!) % Math.max(cv.levels.length, 1)]!);
  const labels = uniqueLabels(Array.from({ length: K }, (_, c) => cellLevels(c).join('.')));

  // Margins: the whole table (shares), and the `within` variables' combinations.
  const all = { of: new Int32Array(K), count: 1 };
  const margins = within.length > 0 ? marginsOf(names, within, coding, strides, K) : null;
  const counts = Float64Array.from(cellW);
  const shares = ratios(cellW, all);
  const withinShares = margins ? ratios(cellW, margins) : null;

  // Variances (and, on first use, covariances) of the three kinds of estimates.
  const present = complete;
  const countInfluence = cellCountInfluence(cell, w, present, K, clusters);
  const shareInfluence = marginInfluence(
    countInfluence,
    all,
    shares,
    marginTotals(cellW, all),
    cell,
    w,
    present,
  );
  const withinInfluence =
    margins && withinShares
      ? marginInfluence(
          countInfluence,
          margins,
          withinShares,
          marginTotals(cellW, margins),
          cell,
          w,
          present,
        )
      : null;
  let sums: CellSums | null = null;
  const cellSums = (d: ReplicateDesign) => {
    sums ??= replicateCellSums(d, cell(), K);
    return sums;
  };
  const kinds = [
    { statistic: 'total', estimates: counts, influence: countInfluence, margin: null },
    { statistic: 'mean', estimates: shares, influence: shareInfluence, margin: all },
    ...(margins && withinShares && withinInfluence
      ? [
          {
            statistic: 'mean',
            estimates: withinShares,
            influence: withinInfluence,
            margin: margins,
          },
        ]
      : []),
  ];
  const tables = kinds.map(({ statistic, estimates, influence, margin }) => {
    const replicateEstimates = (d: ReplicateDesign) => {
      const s = cellSums(d);
      return {
        full: estimates,
        reps: s.reps.map((r) => (margin ? ratios(r, margin) : Float64Array.from(r))),
      };
    };
    let full: Float64Array | null = null;
    const covariance = () => {
      full ??= estimateVariance(design, influence, present, replicateEstimates);
      return full;
    };
    const variances = new Float64Array(K);
    if (design.type === 'replicate') {
      if (margin && margin.count > 1) {
        // Each margin's shares over the replicates that give them (R's svyby, group by group).
        const r = replicateEstimates(design);
        perMargin(design, margin, r.full, r.reps, variances);
      } else {
        const V = covariance();
        for (let c = 0; c < K; c++) variances[c] = V[c * K + c]!;
      }
    } else {
      const V = estimateVariance(design, influence, present, undefined, { diagonal: true });
      for (let c = 0; c < K; c++) variances[c] = V[c * K + c]!;
    }
    return { statistic, estimates, influence, margin, covariance, variances, replicateEstimates };
  });

  const variable = names.join(':');
  const rowsOf = (t: (typeof tables)[number]) => {
    const rows: Estimate[] = [];
    for (let c = 0; c < K; c++) {
      const estimate = t.estimates[c]!;
      // A cell of a margin without respondents: no share, no SE (R's svyby drops the group).
      const se = Number.isNaN(estimate) ? Number.NaN : Math.sqrt(t.variances[c]!);
      const row: Estimate = {
        variable,
        level: labels[c]!,
        statistic: t.statistic,
        estimate,
        se,
        ci: waldInterval(estimate, se, level, df),
        n: base,
        nMissing,
      };
      if (t.margin && t.margin.count > 1 && margins) {
        const m = t.margin.of[c]!;
        row.group = marginGroup(within, names, cellLevels(c));
        row.n = margins.n(cellN)[m]!;
      }
      rows.push(row);
    }
    const block = {
      p: K,
      get covariance() {
        return t.covariance();
      },
      design,
      influence: t.influence,
      present,
      get replicates() {
        return design.type === 'replicate' ? t.replicateEstimates(design) : null;
      },
    };
    attachInfluence(rows, block);
    return toEstimateTable(rows, { covariance: t.covariance, labels });
  };
  const [countTable, shareTable, withinTable] = tables.map(rowsOf);

  const cells: TableCell[] = [];
  for (let c = 0; c < K; c++) {
    const cellRow: TableCell = {
      levels: cellLevels(c),
      label: labels[c]!,
      n: cellN[c]!,
      count: counts[c]!,
      countSe: countTable![c]!.se,
      share: shares[c]!,
      shareSe: shareTable![c]!.se,
    };
    if (withinTable) {
      cellRow.withinShare = withinTable[c]!.estimate;
      cellRow.withinShareSe = withinTable[c]!.se;
    }
    cells.push(cellRow);
  }
  let total = 0;
  for (let c = 0; c < K; c++) total += counts[c]!;
  const table: CellTable = {
    variables: names,
    levels: coding.map((c) => c.levels),
    within,
    cells,
    total,
    n: base,
    nMissing,
    counts: countTable!,
    shares: shareTable!,
  };
  if (withinTable) table.withinShares = withinTable;
  return table;
}

/** The variables of an n-way table, checked. */
function checkVariables(variables: readonly string[]): string[] {
  if (!Array.isArray(variables) || variables.length === 0) {
    throw new EstimationError(
      'BAD_ARGUMENTS',
      'svyTable(design, variables) needs an array of one or more variable names',
      { value: variables },
    );
  }
  const seen = new Set<string>();
  for (const v of variables) {
    if (typeof v !== 'string') {
      throw new EstimationError(
        'BAD_ARGUMENTS',
        `svyTable: variable names must be strings; got ${JSON.stringify(v)}`,
        { value: v },
      );
    }
    if (seen.has(v)) {
      throw new EstimationError('BAD_ARGUMENTS', `svyTable: variable "${v}" is given twice`, {
        variable: v,
      });
    }
    seen.add(v);
  }
  return [...variables];
}

/** The `within` option, checked: some (not all) of the table's variables. */
function checkWithin(within: readonly string[] | undefined, names: readonly string[]): string[] {
  if (within === undefined) return [];
  if (!Array.isArray(within)) {
    throw new EstimationError('BAD_OPTION', `within must be an array of variable names`, {
      value: within,
    });
  }
  const seen = new Set<string>();
  for (const v of within) {
    if (!names.includes(v)) {
      throw new EstimationError(
        'BAD_OPTION',
        `within: "${String(v)}" is not one of the table's variables (${names.join(', ')})`,
        { variable: String(v), value: within },
      );
    }
    if (seen.has(v)) {
      throw new EstimationError('BAD_OPTION', `within: "${v}" is given twice`, { variable: v });
    }
    seen.add(v);
  }
  if (within.length >= names.length) {
    throw new EstimationError(
      'BAD_OPTION',
      'within must leave at least one of the table variables out (each share within all of them would be 1)',
      { value: within },
    );
  }
  return [...within];
}

/**
 * Sets `rows` to 1 in the domain (everywhere without one); returns how many. (A loop in a
 * function of its own: inside cellTableOn, which runs once per table, V8 ran it unoptimised for
 * most of its rows, ~10 ms on 1,000,000 rows.)
 */
function markDomain(domain: Uint8Array | null, rows: Uint8Array): number {
  if (domain === null) {
    rows.fill(1);
    return rows.length;
  }
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    if (domain[i] !== 0) {
      rows[i] = 1;
      count++;
    }
  }
  return count;
}

/**
 * Clears `rows` where the column is missing; returns the first such row of `rows` (−1: none)
 * and how many it cleared.
 */
function dropMissing(column: Column, rows: Uint8Array): [number, number] {
  let first = -1;
  let count = 0;
  const n = rows.length;
  if (column.kind === 'numeric') {
    const y = column.values;
    for (let i = 0; i < n; i++) {
      if (rows[i] === 0 || !Number.isNaN(y[i]!)) continue;
      rows[i] = 0;
      if (count++ === 0) first = i;
    }
  } else {
    const codes = column.codes;
    for (let i = 0; i < n; i++) {
      if (rows[i] === 0 || codes[i]! >= 0) continue;
      rows[i] = 0;
      if (count++ === 0) first = i;
    }
  }
  return [first, count];
}

/**
 * Per cell the respondents and Σ w, and each complete row's cell. With a stage, also Σ w per
 * (cluster, cell), each in row order (as `categoricalInfluence` adds them), and per cluster,
 * marking the clusters with a row when `mark`. A two-way table's Σ w per cell and in all are then
 * added cluster by cluster from those (see clusterCellSums); otherwise in row order.
 */
function cellPass(
  codes: readonly Int32Array[],
  strides: Int32Array,
  complete: Uint8Array,
  w: Float64Array,
  K: number,
  stage: Stage | null,
  mark: boolean,
): {
  /** Each row's cell (−1: not in the table), made when first asked for. */
  cell: () => Int32Array;
  cellN: Float64Array;
  cellW: Float64Array;
  sumW: number;
  clusters: ClusterSums | null;
} {
  const n = complete.length;
  if (stage !== null && codes.length === 2) {
    // The usual two-way table: its sums per (cluster, cell) in a pass of their own (see
    // clusterCellSums), the rows' cells made only if read.
    const { rowCluster, nClusters } = stage;
    const seen = mark ? new Uint8Array(nClusters) : null;
    const t: TwoWayCells = {
      a: codes[0]!,
      b: codes[1]!,
      strideA: strides[0]!,
      strideB: strides[1]!,
      levelsA: strides[1]!,
      levelsB: K / strides[1]!,
    };
    const s = clusterCellSums(t, complete, w, rowCluster, nClusters, seen);
    let cell: Int32Array | null = null;
    return {
      cell: () => {
        if (cell === null) {
          cell = new Int32Array(n);
          cellsOf(
            codes,
            strides,
            complete,
            w,
            cell,
            new Float64Array(K),
            new Float64Array(K),
            new Float64Array(1),
          );
        }
        return cell;
      },
      cellN: s.cellN(),
      cellW: s.cellW,
      sumW: s.sumW,
      clusters: { rowCluster, sums: s.sums, weights: s.clusterW, seen },
    };
  }
  // (−1 written by the loops for the rows left out)
  const cell = new Int32Array(n);
  const cellN = new Float64Array(K);
  const cellW = new Float64Array(K);
  const out = new Float64Array(1);
  cellsOf(codes, strides, complete, w, cell, cellN, cellW, out);
  if (stage === null) return { cell: () => cell, cellN, cellW, sumW: out[0]!, clusters: null };
  const { rowCluster, nClusters } = stage;
  const sums = new Float64Array(nClusters * K);
  const weights = new Float64Array(nClusters);
  const seen = mark ? new Uint8Array(nClusters) : null;
  cellsByCluster(cell, w, rowCluster, K, sums, weights, seen);
  return {
    cell: () => cell,
    cellN,
    cellW,
    sumW: out[0]!,
    clusters: { rowCluster, sums, weights, seen },
  };
}

// The loops of cellPass: functions of typed arrays and numbers only, which V8 optimises once.

/** Each complete row's cell; per cell the respondents and Σ w; Σ w into out[0]. */
function cellsOf(
  codes: readonly Int32Array[],
  strides: Int32Array,
  complete: Uint8Array,
  w: Float64Array,
  cell: Int32Array,
  cellN: Float64Array,
  cellW: Float64Array,
  out: Float64Array,
): void {
  const V = codes.length;
  let sumW = 0;
  for (let i = 0; i < complete.length; i++) {
    if (complete[i] === 0) {
      cell[i] = -1;
      continue;
    }
    let c = 0;
    for (let v = 0; v < V; v++) c += codes[v]![i]! * strides[v]!;
    cell[i] = c;
    cellN[c]! += 1;
    cellW[c]! += w[i]!;
    sumW += w[i]!;
  }
  out[0] = sumW;
}

/** Σ w per (cluster, cell) and per cluster of the rows with a cell, in row order. */
function cellsByCluster(
  cell: Int32Array,
  w: Float64Array,
  rowCluster: Int32Array,
  K: number,
  sums: Float64Array,
  weights: Float64Array,
  seen: Uint8Array | null,
): void {
  for (let i = 0; i < cell.length; i++) {
    const c = cell[i]!;
    if (c < 0) continue;
    const k = rowCluster[i]!;
    sums[k * K + c]! += w[i]!;
    weights[k]! += w[i]!;
    if (seen !== null) seen[k] = 1;
  }
}

/**
 * Influence of the cell counts: `categoricalInfluence` of the rows' cells (factor 1, centred at
 * 0), made when first needed. For the design's stage-1 clusters, whose sums the pass over the
 * rows made, its totals are those sums (what categoricalInfluence gives from them: centred at 0,
 * Σ w per cluster drops out), so the rows' cells are not made.
 */
function cellCountInfluence(
  cell: () => Int32Array,
  w: Float64Array,
  present: Uint8Array,
  K: number,
  clusters: ClusterSums | null,
): Influence {
  let rows: Influence | null = null;
  const byRow = () => {
    rows ??= categoricalInfluence(cell(), w, present, 1, new Float64Array(K), clusters);
    return rows;
  };
  if (clusters === null) return byRow();
  return {
    p: K,
    present,
    dense: () => byRow().dense(),
    sumByCluster(rowCluster, totals, mark) {
      if (rowCluster !== clusters.rowCluster) return byRow().sumByCluster(rowCluster, totals, mark);
      const sums = clusters.sums;
      for (let e = 0; e < totals.length; e++) totals[e]! += sums[e]!;
      return clusters.seen ?? undefined;
    },
  };
}

/** Margins of a table: per cell its margin, how many margins, and respondents per margin. */
interface Margins {
  /** Per cell: its margin. */
  of: Int32Array;
  /** Number of margins. */
  count: number;
  /** Respondents per margin, from the cells' (made when asked). */
  n(cellN: Float64Array): Float64Array;
}

/** The margins of the `within` variables' level combinations. */
function marginsOf(
  names: readonly string[],
  within: readonly string[],
  coding: readonly Coded[],
  strides: readonly number[],
  K: number,
): Margins {
  const vars = within.map((v) => names.indexOf(v));
  const of = new Int32Array(K);
  let count = 1;
  const mStrides = vars.map((v) => {
    const s = count;
    count *= Math.max(coding[v]!.levels.length, 1);
    return s;
  });
  for (let c = 0; c < K; c++) {
    let m = 0;
    vars.forEach((v, j) => {
      const L = Math.max(coding[v]!.levels.length, 1);
      m += (Math.floor(c / strides[v]!) % L) * mStrides[j]!;
    });
    of[c] = m;
  }
  let memo: Float64Array | null = null;
  return {
    of,
    count,
    n(cellN) {
      if (memo === null) {
        memo = new Float64Array(count);
        for (let c = 0; c < K; c++) memo[of[c]!]! += cellN[c]!;
      }
      return memo;
    },
  };
}

/** Σ of the cells' values per margin. */
function marginTotals(
  cellW: ArrayLike<number>,
  margins: Pick<Margins, 'of' | 'count'>,
): Float64Array {
  const totals = new Float64Array(margins.count);
  for (let c = 0; c < margins.of.length; c++) totals[margins.of[c]!]! += cellW[c]!;
  return totals;
}

/** Each cell's share of its margin (`NaN` in a margin of weight 0). */
function ratios(cellW: ArrayLike<number>, margins: Pick<Margins, 'of' | 'count'>): Float64Array {
  const K = margins.of.length;
  const totals = marginTotals(cellW, margins);
  const out = new Float64Array(K);
  for (let c = 0; c < K; c++) {
    const t = totals[margins.of[c]!]!;
    out[c] = t > 0 ? cellW[c]! / t : Number.NaN;
  }
  return out;
}

/**
 * Influence of the shares r_c = T_c / T_m(c) of the cells within their margins, from that of
 * the cell counts T: (z_c − r_c · Σ_{c' in m(c)} z_c') / T_m(c) — linear in the counts' values,
 * so per cluster it is made from the counts' cluster totals (one pass over the rows for every
 * kind of estimate). Cells of a margin without weight get 0.
 */
function marginInfluence(
  counts: Influence,
  margins: Pick<Margins, 'of' | 'count'>,
  r: Float64Array,
  T: Float64Array,
  cellOf: () => Int32Array,
  w: Float64Array,
  present: Uint8Array,
): Influence {
  const K = r.length;
  const { of, count } = margins;
  return {
    p: K,
    present,
    sumByCluster(rowCluster, totals, mark) {
      const seen = counts.sumByCluster(rowCluster, totals, mark);
      const nClusters = totals.length / K;
      const M = new Float64Array(count);
      for (let cl = 0; cl < nClusters; cl++) {
        M.fill(0);
        const o = cl * K;
        for (let c = 0; c < K; c++) M[of[c]!]! += totals[o + c]!;
        for (let c = 0; c < K; c++) {
          const t = T[of[c]!]!;
          totals[o + c] = t > 0 ? (totals[o + c]! - r[c]! * M[of[c]!]!) / t : 0;
        }
      }
      return seen;
    },
    dense() {
      const cell = cellOf();
      const columns = Array.from({ length: K }, () => new Float64Array(cell.length));
      const members: number[][] = Array.from({ length: count }, () => []);
      for (let c = 0; c < K; c++) members[of[c]!]!.push(c);
      for (let i = 0; i < cell.length; i++) {
        if (!present[i]) continue;
        const c0 = cell[i]!;
        const m = of[c0]!;
        const t = T[m]!;
        if (!(t > 0)) continue;
        const s = w[i]! / t;
        for (const c of members[m]!) columns[c]![i] = -r[c]! * s;
        columns[c0]![i]! += s;
      }
      return columns;
    },
  };
}

/**
 * Variances of within-margin shares on a replicate design, margin by margin: each margin's
 * cells over the replicates that give them (a replicate without weight in one margin is left out
 * of that margin only, as R's svyby computes each group on its own).
 */
function perMargin(
  design: ReplicateDesign,
  margins: Pick<Margins, 'of' | 'count'>,
  full: Float64Array,
  reps: readonly Float64Array[],
  out: Float64Array,
): void {
  const K = full.length;
  const members: number[][] = Array.from({ length: margins.count }, () => []);
  for (let c = 0; c < K; c++) members[margins.of[c]!]!.push(c);
  for (const cells of members) {
    if (cells.length === 0) continue;
    const f = Float64Array.from(cells, (c) => full[c]!);
    if (f.some(Number.isNaN)) {
      for (const c of cells) out[c] = Number.NaN;
      continue;
    }
    const rs = reps.map((r) => Float64Array.from(cells, (c) => r[c]!));
    const kept = rs.filter((r) => !r.some(Number.isNaN)).length;
    if (kept === 0) {
      for (const c of cells) out[c] = Number.NaN;
      continue;
    }
    const V = replicateCovariance(design, f, rs);
    cells.forEach((c, j) => {
      out[c] = V[j * cells.length + j]!;
    });
  }
}

/** A within-margin row's `group`: the `within` variables' levels of the cell. */
function marginGroup(
  within: readonly string[],
  names: readonly string[],
  levels: readonly string[],
): Record<string, string> {
  const group: Record<string, string> = Object.create(null);
  for (const v of within) group[v] = levels[names.indexOf(v)]!;
  return group;
}
