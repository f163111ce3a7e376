/**
 * What every estimator does first: find the variable, the rows in the domain with a value, and
 * the weights of those rows; and what it does last: intervals and degrees of freedom.
 * @module
 */
import { getColumn } from '../data/frame.js';
import type { Column } from '../data/types.js';
import { degreesOfFreedom } from '../design/df.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { qt } from '../stats/distributions.js';
import { isCalibrated } from '../variance/calibration.js';
import type { ClusterSums } from '../variance/influence.js';
import { needsPresence } from '../variance/linearization.js';
import type { EstimateOptions } from './types.js';

/** The rows an estimate is computed on. */
export interface Analysis {
  readonly design: SurveyDesign;
  readonly variable: string;
  readonly column: Column;
  /** 1 for rows in the domain with a non-missing value. */
  readonly present: Uint8Array;
  /** The design's sampling weights (all rows; use with `present`). */
  readonly weights: Float64Array;
  /** Sampling weight of present rows, 0 elsewhere (materialised on first use). */
  readonly w: Float64Array;
  /** Unweighted base. */
  readonly n: number;
  /** Rows in the domain with a missing value. */
  readonly nMissing: number;
  /** Sum of weights of present rows. */
  readonly sumW: number;
  /** For a numeric variable, Σ w y over present rows, compensated (0 for a categorical one). */
  readonly sumWY: number;
  /**
   * For a numeric variable, the weighted mean of the present rows: `Σ w y / Σ w`, or exactly the
   * first present value `y₀` when `Σ w (y − y₀)` is 0 (every value the same). NaN for a
   * categorical variable or a zero total weight. For an analysis prepared for a total it is
   * computed when first read.
   */
  readonly meanY: number;
  /**
   * For a numeric variable, whether the sums the scan made are finite (`false`: a value is
   * ±Infinity, or a sum overflowed; see {@link nonFiniteValue}).
   */
  readonly finite: boolean;
  /** For a categorical variable, Σ w over present rows per level (`null` for a numeric one). */
  readonly levelSums: Float64Array | null;
  /**
   * Sums per PSU (stage-1 cluster) made in the same pass, when asked for (see {@link prepare}):
   * Σ w per (PSU, level) and per PSU for a categorical variable, Σ w·y per PSU for a numeric one.
   */
  readonly clusterSums?: ClusterSums | null;
}

/**
 * Resolves a variable in a design's domain.
 *
 * `clusterSums`: the influence the caller will make (`'total'`: w·y, or of a categorical
 * variable's levels; `'mean'`: the same for a categorical variable only, as a numeric mean's
 * influence is centred at the mean, not yet known). On a linearization design that is not
 * calibrated, the scan then also sums it per PSU (see {@link Analysis.clusterSums}), so the
 * stage-1 variance needs no further pass over the rows.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`; `MISSING_VALUES` with `na: 'fail'`;
 *   `EMPTY_DOMAIN` when no respondent in the domain has a value.
 */
export function prepare(
  design: SurveyDesign,
  variable: string,
  opts: EstimateOptions = {},
  clusterSums: 'mean' | 'total' | null = null,
): Analysis {
  const column = getColumn(design.data, variable);
  const n = design.data.nrow;
  const domain = design.domain;
  const present = new Uint8Array(n);
  const weights = design.weights;
  const sumClusters =
    clusterSums !== null &&
    (column.kind === 'categorical' || clusterSums === 'total') &&
    design.type === 'linearization' &&
    !isCalibrated(design);
  const stage = sumClusters && design.type === 'linearization' ? design.stages[0]! : null;
  // Which PSUs have a row, only when the variance depends on it (lonely PSUs).
  const mark = stage !== null && design.type === 'linearization' && needsPresence(design);
  const counts =
    column.kind === 'numeric'
      ? scanNumeric(
          column.values,
          weights,
          domain,
          present,
          stage?.rowCluster ?? null,
          stage?.nClusters ?? 0,
          mark,
          clusterSums === 'total',
        )
      : scanCodes(
          column.codes,
          column.levels.length,
          weights,
          domain,
          present,
          stage?.rowCluster ?? null,
          stage?.nClusters ?? 0,
          mark,
        );
  const { base, nMissing, sumW, firstMissing, levelSums } = counts;
  if (nMissing > 0 && opts.na === 'fail') {
    throw new EstimationError(
      'MISSING_VALUES',
      `variable "${variable}" is missing for ${nMissing} respondent(s) in the domain (first at row ${firstMissing + 1}); use na: 'omit' to exclude them`,
      { variable, row: firstMissing + 1, count: nMissing },
    );
  }
  if (base === 0) {
    throw new EstimationError(
      'EMPTY_DOMAIN',
      nMissing > 0
        ? `variable "${variable}" is missing for every respondent in the domain (${nMissing})`
        : `the domain has no respondents, so "${variable}" cannot be estimated`,
      { variable, nMissing },
    );
  }
  let w: Float64Array | null = null;
  // What the scan left out (Σ w y for a mean, the mean for a total) is summed on first read.
  // A scan for a total leaves out the mean: it is computed on first read.
  let meanY = counts.meanY;
  let partial = column.kind === 'numeric' && clusterSums === 'total';
  const mean = () => {
    if (partial) {
      partial = false;
      const y = (column as Extract<Column, { kind: 'numeric' }>).values;
      meanY = scanNumeric(y, weights, domain, new Uint8Array(n), null, 0, false, false).meanY;
    }
    return meanY;
  };
  return {
    design,
    variable,
    column,
    present,
    weights,
    get w() {
      if (w === null) {
        w = new Float64Array(n);
        for (let i = 0; i < n; i++) if (present[i]) w[i] = weights[i]!;
      }
      return w;
    },
    n: base,
    nMissing,
    sumW,
    sumWY: counts.sumWY,
    get meanY() {
      return mean();
    },
    finite: counts.finite,
    levelSums,
    clusterSums: counts.clusters,
  };
}

interface Scan {
  base: number;
  nMissing: number;
  sumW: number;
  sumWY: number;
  /** NaN when not computed (or no weight). */
  meanY: number;
  finite: boolean;
  firstMissing: number;
  levelSums: Float64Array | null;
  clusters: ClusterSums | null;
}

/**
 * One pass over a numeric column: marks present rows, counts, sums weights and w·y. Σ w y is
 * compensated (Neumaier), so a total keeps small terms next to huge ones (weights of 1e12 and
 * 1e-12, values that cancel); when the compensated Σ w (y − y₀) around the first present value
 * y₀ is 0 the mean is y₀, so identical values have exactly their value as mean (for a total,
 * `totalOnly`, that sum and the mean are left out). Σ w is a plain sum in row order (weights are
 * never negative, so it is accurate), as the quantile code, which compares its own running sums
 * of weights with it, expects.
 *
 * With `rowCluster`, also Σ w·y per cluster, in row order (as `numericInfluence` adds them), and
 * with `mark` the clusters with a present row.
 */
function scanNumeric(
  y: Float64Array,
  weights: Float64Array,
  domain: Uint8Array | null,
  present: Uint8Array,
  rowCluster: Int32Array | null,
  nClusters: number,
  mark: boolean,
  totalOnly: boolean,
): Scan {
  let base = 0;
  let nMissing = 0;
  let sumW = 0;
  let sumWY = 0;
  let errWY = 0;
  let shift = Number.NaN;
  let sumWD = 0;
  let errWD = 0;
  let firstMissing = -1;
  const clusterWY = new Float64Array(nClusters);
  const seen = mark ? new Uint8Array(nClusters) : null;
  for (let i = 0; i < y.length; i++) {
    if (domain !== null && domain[i] === 0) continue;
    const v = y[i]!;
    if (Number.isNaN(v)) {
      if (nMissing++ === 0) firstMissing = i;
      continue;
    }
    present[i] = 1;
    if (base === 0) shift = v;
    base++;
    const w = weights[i]!;
    sumW += w;
    const wy = w * v;
    if (rowCluster !== null) {
      const c = rowCluster[i]!;
      clusterWY[c]! += wy;
      if (seen !== null) seen[c] = 1;
    }
    let t = sumWY + wy;
    errWY += Math.abs(sumWY) >= Math.abs(wy) ? sumWY - t + wy : wy - t + sumWY;
    sumWY = t;
    if (totalOnly) continue;
    const wd = w * (v - shift);
    t = sumWD + wd;
    errWD += Math.abs(sumWD) >= Math.abs(wd) ? sumWD - t + wd : wd - t + sumWD;
    sumWD = t;
  }
  const total = sumWY + errWY;
  return {
    base,
    nMissing,
    sumW,
    sumWY: total,
    meanY: !(sumW > 0) || totalOnly ? Number.NaN : sumWD + errWD === 0 ? shift : total / sumW,
    finite: Number.isFinite(total),
    firstMissing,
    levelSums: null,
    clusters: rowCluster === null ? null : { rowCluster, sums: clusterWY, weights: null, seen },
  };
}

/**
 * One pass over a categorical column: marks present rows, counts, sums weights (also per level).
 * With `rowCluster`, also Σ w per (cluster, level) and per cluster, in row order (as
 * `categoricalInfluence` adds them), and with `mark` the clusters with a present row.
 */
function scanCodes(
  codes: Int32Array,
  nLevels: number,
  weights: Float64Array,
  domain: Uint8Array | null,
  present: Uint8Array,
  rowCluster: Int32Array | null,
  nClusters: number,
  mark: boolean,
): Scan {
  let base = 0;
  let nMissing = 0;
  let sumW = 0;
  let firstMissing = -1;
  const levelSums = new Float64Array(nLevels);
  if (rowCluster === null) {
    for (let i = 0; i < codes.length; i++) {
      if (domain !== null && domain[i] === 0) continue;
      const code = codes[i]!;
      if (code < 0) {
        if (nMissing++ === 0) firstMissing = i;
        continue;
      }
      present[i] = 1;
      const w = weights[i]!;
      sumW += w;
      levelSums[code]! += w;
      base++;
    }
    const clusters = null;
    const finite = true;
    return {
      base,
      nMissing,
      sumW,
      sumWY: 0,
      meanY: Number.NaN,
      finite,
      firstMissing,
      levelSums,
      clusters,
    };
  }
  const cells = new Float64Array(nClusters * nLevels);
  const clusterW = new Float64Array(nClusters);
  const seen = mark ? new Uint8Array(nClusters) : null;
  for (let i = 0; i < codes.length; i++) {
    if (domain !== null && domain[i] === 0) continue;
    const code = codes[i]!;
    if (code < 0) {
      if (nMissing++ === 0) firstMissing = i;
      continue;
    }
    present[i] = 1;
    base++;
    const w = weights[i]!;
    const c = rowCluster[i]!;
    clusterW[c]! += w;
    cells[c * nLevels + code]! += w;
    if (seen !== null) seen[c] = 1;
  }
  // Σ w per level and in all from the cells, cluster by cluster (so a level that every row has
  // gets a share of exactly 1: its sum and the total are the same additions).
  for (let c = 0; c < nClusters; c++) {
    for (let j = 0; j < nLevels; j++) {
      const x = cells[c * nLevels + j]!;
      levelSums[j]! += x;
      sumW += x;
    }
  }
  const clusters = { rowCluster, sums: cells, weights: clusterW, seen };
  const finite = true;
  return {
    base,
    nMissing,
    sumW,
    sumWY: 0,
    meanY: Number.NaN,
    finite,
    firstMissing,
    levelSums,
    clusters,
  };
}

/**
 * Degrees of freedom for an interval, from the options (default `Infinity`); `'design'` is the
 * degrees of freedom of the analysis' design (its domain).
 */
export function intervalDf(
  analysis: { readonly design: SurveyDesign },
  opts: Pick<EstimateOptions, 'df'>,
): number {
  return optionDf(analysis.design, opts);
}

/**
 * Degrees of freedom for an interval on a design, from the options (default `Infinity`;
 * `'design'`: R's `degf` of the design's domain).
 */
export function optionDf(design: SurveyDesign, opts: Pick<EstimateOptions, 'df'>): number {
  const df = opts.df ?? Number.POSITIVE_INFINITY;
  // R's degf(design) of the domain (rows missing this variable still count).
  if (df === 'design') return degreesOfFreedom(design);
  if (typeof df !== 'number' || !(df > 0)) {
    throw new EstimationError(
      'BAD_OPTION',
      `df must be a positive number, Infinity or 'design'; got ${String(df)}`,
      {
        value: df,
      },
    );
  }
  return df;
}

/**
 * An option that must take one of a fixed set of values: the value, or `fallback` when it is not
 * given.
 * @throws {EstimationError} `BAD_OPTION` listing the allowed values.
 */
export function choice<T extends string>(
  name: string,
  value: T | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  const v = value ?? fallback;
  if (!allowed.includes(v)) {
    throw new EstimationError(
      'BAD_OPTION',
      `${name} must be one of ${allowed.join(', ')}; got "${String(v)}"`,
      {
        value: v,
      },
    );
  }
  return v;
}

/** The confidence level from the options, checked. */
export function confidenceLevel(opts: { level?: number }): number {
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) {
    throw new EstimationError('BAD_OPTION', `level must be between 0 and 1; got ${level}`, {
      value: level,
    });
  }
  return level;
}

/** A symmetric interval estimate ± t(df) · se, as R's `confint`. */
export function waldInterval(
  estimate: number,
  se: number,
  level: number,
  df: number,
): [number, number] {
  const q = qt(1 - (1 - level) / 2, df);
  return [estimate - q * se, estimate + q * se];
}

/**
 * For a numeric variable whose weighted sum is not finite: the error naming the first present row
 * with ±Infinity (means, totals and their variances need finite values), or `null` when every
 * value is finite (the sum overflowed).
 */
export function nonFiniteValue(a: Analysis): EstimationError | null {
  if (a.column.kind !== 'numeric' || a.finite) return null;
  const y = a.column.values;
  for (let i = 0; i < y.length; i++) {
    if (!a.present[i]) continue;
    const v = y[i]!;
    if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
      return new EstimationError(
        'NON_FINITE_VALUE',
        `variable "${a.variable}" is ${v} at row ${i + 1}; means and totals need finite values (recode it, or set it to missing)`,
        { variable: a.variable, row: i + 1, value: v },
      );
    }
  }
  return null;
}
