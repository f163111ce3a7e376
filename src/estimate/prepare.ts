/**
 * What every estimator does first: find the variable, the rows in the domain with a value, and
 * the weights of those rows; and what it does last: intervals and degrees of freedom.
 * @module
 */
import { getColumn } from '../data/frame.js';
import type { Column } from '../data/types.js';
import { degreesOfFreedom } from '../design/df.js';
import type { RowReduction } from '../design/replicate.js';
import type { Stage, SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { qt } from '../stats/distributions.js';
import { isCalibrated } from '../variance/calibration.js';
import type { ClusterSums } from '../variance/influence.js';
import { needsPresence } from '../variance/linearization.js';
import { meanGrouping } from '../variance/replicate.js';
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
  /**
   * For a numeric variable, Σ w y over present rows, compensated (for a `'share'` scan a plain sum
   * in row order); 0 for a categorical one.
   */
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
   * A numeric mean on a whole replicate design whose replicates are the weights times per-group
   * directions ({@link meanGrouping}): Σ w y and Σ w per group (groups × 2), made by the scan in
   * the same pass, for the replicate means; else absent.
   */
  readonly replicateGroupSums?: { grouping: RowReduction; sums: Float64Array } | null;
  /**
   * Sums per PSU (stage-1 cluster) made in the same pass, when asked for (see {@link prepare}):
   * Σ w per (PSU, level) and per PSU for a categorical variable, Σ w·y per PSU for a numeric one
   * (and Σ w per PSU for a `'share'` scan).
   */
  readonly clusterSums?: ClusterSums | null;
  /**
   * For a `'share'` scan of a numeric variable: how many present values are neither 0 nor 1
   * (0 otherwise).
   */
  readonly nonBinary: number;
  /**
   * For a {@link prepareRows} scan on a linearization design: per stage-1 cluster, 1 when it has
   * a present row of non-zero weight (what R's `degf` counts, see `clusterDf`).
   */
  readonly weightedClusters?: Uint8Array | null;
}

/**
 * Resolves a variable in a design's domain.
 *
 * `clusterSums`: the influence the caller will make (`'total'`: w·y, or of a categorical
 * variable's levels; `'mean'`: the same for a categorical variable only, as a numeric mean's
 * influence is centred at the mean, not yet known). On a linearization design that is not
 * calibrated, the scan then also sums it per PSU (see {@link Analysis.clusterSums}), so the
 * stage-1 variance needs no further pass over the rows. `'share'`: the share of 1s of a numeric 0/1
 * variable (svyCiProp's): its scan, a loop of its own, also counts the values other than 0 and 1
 * ({@link Analysis.nonBinary}) and sums Σ w·y and Σ w per PSU, from which the influence of the
 * share centred anywhere follows (Σ w·y − centre · Σ w per PSU, as for a categorical variable's
 * shares); Σ w y is then a plain sum in row order. For a categorical variable it is `null`.
 * `rowsRead` (for `'share'`): false when the caller will not read the rows' mask
 * ({@link Analysis.present}): a whole linearization design's scan then makes none (it is made
 * on first read).
 * @throws {EstimationError} `UNKNOWN_VARIABLE`; `MISSING_VALUES` with `na: 'fail'`;
 *   `EMPTY_DOMAIN` when no respondent in the domain has a value.
 */
export function prepare(
  design: SurveyDesign,
  variable: string,
  opts: EstimateOptions = {},
  clusterSums: 'mean' | 'total' | 'share' | null = null,
  rowsRead = true,
): Analysis {
  return analyse(design, variable, opts, clusterSums, false, rowsRead);
}

/**
 * {@link prepare} for an estimator that needs the rows and their Σ w only (quantiles): the scan
 * of a numeric variable finds the rows and sums the weights, nothing else (about half the cost of
 * a mean's scan, whose compensated sums such an estimator never reads); Σ w y, the mean and
 * `finite` are summed on first read.
 * @throws {EstimationError} as {@link prepare}.
 */
export function prepareRows(
  design: SurveyDesign,
  variable: string,
  opts: EstimateOptions = {},
): Analysis {
  return analyse(design, variable, opts, null, true, true);
}

/**
 * `rowsRead`: for a 'share', whether the caller will read the rows' mask (`present`); when it
 * will not, a whole linearization design's scan makes none (it is still made on first read).
 */
function analyse(
  design: SurveyDesign,
  variable: string,
  opts: EstimateOptions,
  clusterSums: 'mean' | 'total' | 'share' | null,
  rowsOnly: boolean,
  rowsRead: boolean,
): Analysis {
  const column = getColumn(design.data, variable);
  if (clusterSums === 'share' && column.kind === 'categorical') {
    return analyse(design, variable, opts, null, false, true);
  }
  const n = design.data.nrow;
  const domain = design.domain;
  // A numeric mean's scan on a whole design does not mark the rows it used: they are the rows
  // with a value, and their mask is made only if something reads it (the mean and its variance
  // do not, unless lonely PSUs make a linearization variance depend on the PSUs with a row: 1 MB
  // less to allocate and write per million rows).
  // Likewise on a whole linearization design whose variance is the first stage's sums per PSU
  // (`psuSumsOnly`), which the scan makes: a categorical variable's mean or total, a numeric
  // total, and a 0/1 share (svyCiProp) when the caller reads no mask (`rowsRead`).
  const psuSumsOnly =
    design.type === 'linearization' && !isCalibrated(design) && !needsPresence(design);
  const unmarked =
    domain === null &&
    !rowsOnly &&
    (column.kind === 'numeric'
      ? (clusterSums === 'mean' && (design.type === 'replicate' || psuSumsOnly)) ||
        (((clusterSums === 'share' && !rowsRead) || clusterSums === 'total') && psuSumsOnly)
      : (clusterSums === 'mean' || clusterSums === 'total') && psuSumsOnly);
  const marked = unmarked ? null : new Uint8Array(n);
  // A numeric mean on a whole replicate design summed by groups: the scan sums them too.
  const grouping =
    unmarked && column.kind === 'numeric' && clusterSums === 'mean' && design.type === 'replicate'
      ? meanGrouping(design)
      : null;
  const groupSums = grouping === null ? null : new Float64Array(2 * grouping.groups);
  const weights = design.weights;
  const sumClusters =
    clusterSums !== null &&
    (column.kind === 'categorical' || clusterSums === 'total' || clusterSums === 'share') &&
    design.type === 'linearization' &&
    !isCalibrated(design);
  const stage = sumClusters && design.type === 'linearization' ? design.stages[0]! : null;
  // Which PSUs have a row, only when the variance depends on it (lonely PSUs).
  const mark = stage !== null && design.type === 'linearization' && needsPresence(design);
  const counts =
    clusterSums === 'share' && column.kind === 'numeric'
      ? scanShare(
          column.values,
          weights,
          domain,
          marked,
          stage?.rowCluster ?? null,
          stage?.nClusters ?? 0,
          mark,
        )
      : column.kind === 'numeric'
        ? rowsOnly
          ? scanRows(
              column.values,
              weights,
              domain,
              marked!,
              design.type === 'linearization' ? design.stages[0]! : null,
            )
          : scanNumeric(
              column.values,
              weights,
              domain,
              marked,
              stage?.rowCluster ?? null,
              stage?.nClusters ?? 0,
              mark,
              clusterSums === 'total',
              grouping === null ? null : { group: grouping.group, sums: groupSums! },
            )
        : scanCodes(
            column.codes,
            column.levels.length,
            weights,
            domain,
            marked!,
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
  // A scan for a total leaves out the mean, a scan of the rows only (`rowsOnly`) Σ w y, the
  // mean and `finite` too: they are computed on first read.
  let meanY = counts.meanY;
  let sumWY = counts.sumWY;
  let finite = counts.finite;
  let partial = column.kind === 'numeric' && (clusterSums === 'total' || rowsOnly);
  const complete = () => {
    if (partial) {
      partial = false;
      const y = (column as Extract<Column, { kind: 'numeric' }>).values;
      const full = scanNumeric(y, weights, domain, new Uint8Array(n), null, 0, false, false);
      meanY = full.meanY;
      if (rowsOnly) {
        sumWY = full.sumWY;
        finite = full.finite;
      }
    }
  };
  let present = marked;
  const rows = () => {
    if (present === null) {
      present = new Uint8Array(n);
      if (column.kind === 'numeric') {
        const y = column.values;
        for (let i = 0; i < n; i++) present[i] = Number.isNaN(y[i]!) ? 0 : 1;
      } else {
        const codes = column.codes;
        for (let i = 0; i < n; i++) present[i] = codes[i]! < 0 ? 0 : 1;
      }
    }
    return present;
  };
  return {
    design,
    variable,
    column,
    get present() {
      return rows();
    },
    weights,
    get w() {
      if (w === null) {
        const mask = rows();
        w = new Float64Array(n);
        for (let i = 0; i < n; i++) if (mask[i]) w[i] = weights[i]!;
      }
      return w;
    },
    n: base,
    nMissing,
    sumW,
    get sumWY() {
      if (rowsOnly) complete();
      return sumWY;
    },
    get meanY() {
      complete();
      return meanY;
    },
    get finite() {
      if (rowsOnly) complete();
      return finite;
    },
    levelSums,
    replicateGroupSums: grouping === null ? null : { grouping, sums: groupSums! },
    clusterSums: counts.clusters,
    nonBinary: counts.nonBinary ?? 0,
    weightedClusters: counts.weightedClusters ?? null,
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
  /** Present values other than 0 and 1 (`'share'` scans only). */
  nonBinary?: number;
  /** Stage-1 clusters with a present row of non-zero weight ({@link scanRows} only). */
  weightedClusters?: Uint8Array | null;
}

/**
 * A numeric column's scan for {@link prepareRows}: marks present rows, counts, and sums the
 * weights (a plain sum in row order, as {@link scanNumeric}'s Σ w); with a stage, marks its
 * clusters with a present row of non-zero weight (the degrees of freedom then need no pass of
 * their own).
 */
function scanRows(
  y: Float64Array,
  weights: Float64Array,
  domain: Uint8Array | null,
  present: Uint8Array,
  stage: Stage | null,
): Scan {
  const out = new Float64Array(SUMS);
  const rowCluster = stage?.rowCluster ?? null;
  const seen = stage === null ? null : new Uint8Array(stage.nClusters);
  if (domain === null) rowSums(y, weights, present, rowCluster, seen, out);
  else domainRowSums(y, weights, domain, present, rowCluster, seen, out);
  return {
    weightedClusters: seen,
    base: out[BASE]!,
    nMissing: out[MISSING]!,
    sumW: out[SUM_W]!,
    sumWY: Number.NaN,
    meanY: Number.NaN,
    finite: true,
    firstMissing: out[FIRST_MISSING]!,
    levelSums: null,
    clusters: null,
  };
}

/** {@link scanRows}'s loop on a whole design (no domain to test). */
function rowSums(
  y: Float64Array,
  weights: Float64Array,
  present: Uint8Array,
  rowCluster: Int32Array | null,
  seen: Uint8Array | null,
  out: Float64Array,
) {
  let base = 0;
  let nMissing = 0;
  let firstMissing = -1;
  let sumW = 0;
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i]!)) {
      if (nMissing++ === 0) firstMissing = i;
      continue;
    }
    present[i] = 1;
    base++;
    const w = weights[i]!;
    sumW += w;
    if (seen !== null && w !== 0) seen[rowCluster![i]!] = 1;
  }
  out[BASE] = base;
  out[MISSING] = nMissing;
  out[FIRST_MISSING] = firstMissing;
  out[SUM_W] = sumW;
}

/** {@link scanRows}'s loop in a domain. */
function domainRowSums(
  y: Float64Array,
  weights: Float64Array,
  domain: Uint8Array,
  present: Uint8Array,
  rowCluster: Int32Array | null,
  seen: Uint8Array | null,
  out: Float64Array,
) {
  let base = 0;
  let nMissing = 0;
  let firstMissing = -1;
  let sumW = 0;
  for (let i = 0; i < y.length; i++) {
    if (domain[i] === 0) continue;
    if (Number.isNaN(y[i]!)) {
      if (nMissing++ === 0) firstMissing = i;
      continue;
    }
    present[i] = 1;
    base++;
    const w = weights[i]!;
    sumW += w;
    if (seen !== null && w !== 0) seen[rowCluster![i]!] = 1;
  }
  out[BASE] = base;
  out[MISSING] = nMissing;
  out[FIRST_MISSING] = firstMissing;
  out[SUM_W] = sumW;
}

/**
 * A numeric 0/1 column's scan for its share of 1s: marks present rows, counts, sums w and w·y
 * (plain sums in row order: every w·y is w or 0, so a share of all 1s is exactly 1), counts the
 * values other than 0 and 1 (the caller throws), and with `rowCluster` sums w·y and w per
 * cluster, in row order, marking the clusters seen with `mark`.
 */
function scanShare(
  y: Float64Array,
  weights: Float64Array,
  domain: Uint8Array | null,
  present: Uint8Array | null,
  rowCluster: Int32Array | null,
  nClusters: number,
  mark: boolean,
): Scan {
  const clusterWY = new Float64Array(nClusters);
  const clusterW = new Float64Array(nClusters);
  const seen = mark ? new Uint8Array(nClusters) : null;
  const out = new Float64Array(SUMS);
  // (without sums per cluster the rows are always marked: see analyse)
  if (rowCluster === null) shareSums(y, weights, domain, present!, out);
  else if (present === null && domain === null && seen === null)
    shareClusterSumsWhole(y, weights, rowCluster, clusterWY, clusterW, out);
  else shareClusterSums(y, weights, domain, present, rowCluster, clusterWY, clusterW, seen, out);
  const sumW = out[SUM_W]!;
  const sumWY = out[SUM_WY]!;
  return {
    base: out[BASE]!,
    nMissing: out[MISSING]!,
    sumW,
    sumWY,
    meanY: sumW > 0 ? sumWY / sumW : Number.NaN,
    finite: Number.isFinite(sumWY),
    firstMissing: out[FIRST_MISSING]!,
    levelSums: null,
    clusters: rowCluster === null ? null : { rowCluster, sums: clusterWY, weights: clusterW, seen },
    nonBinary: out[NON_BINARY]!,
  };
}

/** {@link scanShare}'s loop without sums per cluster. */
function shareSums(
  y: Float64Array,
  weights: Float64Array,
  domain: Uint8Array | null,
  present: Uint8Array,
  out: Float64Array,
): void {
  let base = 0;
  let nMissing = 0;
  let firstMissing = -1;
  let sumW = 0;
  let sumWY = 0;
  let bad = 0;
  for (let i = 0; i < y.length; i++) {
    if (domain !== null && domain[i] === 0) continue;
    const v = y[i]!;
    if (Number.isNaN(v)) {
      if (nMissing++ === 0) firstMissing = i;
      continue;
    }
    present[i] = 1;
    base++;
    const w = weights[i]!;
    sumW += w;
    sumWY += w * v;
    // 0 for v = 0 or 1 only (no branch)
    bad += v * (v - 1) !== 0 ? 1 : 0;
  }
  out[BASE] = base;
  out[MISSING] = nMissing;
  out[FIRST_MISSING] = firstMissing;
  out[SUM_W] = sumW;
  out[SUM_WY] = sumWY;
  out[NON_BINARY] = bad;
}

/** {@link scanShare}'s loop with sums per cluster (`present`: null to mark no rows). */
function shareClusterSums(
  y: Float64Array,
  weights: Float64Array,
  domain: Uint8Array | null,
  present: Uint8Array | null,
  rowCluster: Int32Array,
  clusterWY: Float64Array,
  clusterW: Float64Array,
  seen: Uint8Array | null,
  out: Float64Array,
): void {
  let base = 0;
  let nMissing = 0;
  let firstMissing = -1;
  let sumW = 0;
  let sumWY = 0;
  let bad = 0;
  for (let i = 0; i < y.length; i++) {
    if (domain !== null && domain[i] === 0) continue;
    const v = y[i]!;
    if (Number.isNaN(v)) {
      if (nMissing++ === 0) firstMissing = i;
      continue;
    }
    if (present !== null) present[i] = 1;
    base++;
    const w = weights[i]!;
    const wy = w * v;
    sumW += w;
    sumWY += wy;
    // 0 for v = 0 or 1 only (no branch)
    bad += v * (v - 1) !== 0 ? 1 : 0;
    const c = rowCluster[i]!;
    clusterWY[c]! += wy;
    clusterW[c]! += w;
    if (seen !== null) seen[c] = 1;
  }
  out[BASE] = base;
  out[MISSING] = nMissing;
  out[FIRST_MISSING] = firstMissing;
  out[SUM_W] = sumW;
  out[SUM_WY] = sumWY;
  out[NON_BINARY] = bad;
}

/**
 * {@link shareClusterSums} on a whole design, marking no rows and no clusters: the same sums in
 * the same order, in a loop without the per-row tests of the general one (V8 keeps those tests in
 * the loop: svyCiProp beta took 1.16–1.18× this loop's time through the general one with a null
 * mask, alternating in one process on 1,000,000 rows). Each cluster's Σ w y and Σ w are kept
 * side by side while summing (one cache line per row rather than two: 0.9× the time on 1,000,000
 * rows in either order), and copied out at the end.
 */
function shareClusterSumsWhole(
  y: Float64Array,
  weights: Float64Array,
  rowCluster: Int32Array,
  clusterWY: Float64Array,
  clusterW: Float64Array,
  out: Float64Array,
): void {
  const both = new Float64Array(2 * clusterW.length);
  let nMissing = 0;
  let firstMissing = -1;
  let sumW = 0;
  let sumWY = 0;
  let bad = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) {
      if (nMissing++ === 0) firstMissing = i;
      continue;
    }
    const w = weights[i]!;
    const wy = w * v;
    sumW += w;
    sumWY += wy;
    bad += v * (v - 1) !== 0 ? 1 : 0;
    const c = 2 * rowCluster[i]!;
    both[c]! += wy;
    both[c + 1]! += w;
  }
  for (let c = 0; c < clusterW.length; c++) {
    clusterWY[c] = both[2 * c]!;
    clusterW[c] = both[2 * c + 1]!;
  }
  out[BASE] = y.length - nMissing;
  out[MISSING] = nMissing;
  out[FIRST_MISSING] = firstMissing;
  out[SUM_W] = sumW;
  out[SUM_WY] = sumWY;
  out[NON_BINARY] = bad;
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
  present: Uint8Array | null,
  rowCluster: Int32Array | null,
  nClusters: number,
  mark: boolean,
  totalOnly: boolean,
  groups: { group: Int32Array; sums: Float64Array } | null = null,
): Scan {
  const clusterWY = new Float64Array(nClusters);
  const seen = mark ? new Uint8Array(nClusters) : null;
  const out = new Float64Array(SUMS);
  let meanY = Number.NaN;
  if (totalOnly) {
    // (`present` null: a whole linearization design's rows are not marked, see analyse)
    if (present === null) totalSumsWhole(y, weights, rowCluster!, clusterWY, out);
    else totalSums(y, weights, domain, present, rowCluster, clusterWY, seen, out);
  } else {
    // The mean's rule (see meanSums) needs Σ w (y − y₀) only when the mean is within rounding of
    // y₀: a first scan without it, and meanSums only then. (`present` null: a whole design's
    // rows are not marked, see prepare.)
    if (present === null) wholeMeanSums(y, weights, out, groups);
    else markedMeanSums(y, weights, domain, present, out);
    const sumW = out[SUM_W]!;
    const total = out[SUM_WY]! + out[ERR_WY]!;
    if (sumW > 0) {
      meanY = total / sumW;
      if (!clearOfFirstValue(meanY, out)) {
        meanSums(y, weights, domain, present ?? new Uint8Array(y.length), out);
        if (out[SUM_WD]! + out[ERR_WD]! === 0) meanY = out[SHIFT]!;
      }
    }
  }
  const sumW = out[SUM_W]!;
  const total = out[SUM_WY]! + out[ERR_WY]!;
  return {
    base: out[BASE]!,
    nMissing: out[MISSING]!,
    sumW,
    sumWY: total,
    meanY,
    finite: Number.isFinite(total),
    firstMissing: out[FIRST_MISSING]!,
    levelSums: null,
    clusters: rowCluster === null ? null : { rowCluster, sums: clusterWY, weights: null, seen },
  };
}

// What the loops of a numeric scan (and of a share's) leave in their `out` array. The loops are functions of typed
// arrays and numbers only, one for a mean and one for a total, every statement of each run on
// every call: V8 then optimises each once. (With one loop for both, and the Scan built after it,
// the code V8 made for whichever came first was thrown away, again and again, when the other
// came: svyMean then took 50 ms instead of 23 and svyTotal 31 instead of 15 on 1,000,000 rows,
// depending on which ran first.)
const BASE = 0;
const MISSING = 1;
const FIRST_MISSING = 2;
const SUM_W = 3;
const SUM_WY = 4;
const ERR_WY = 5;
const SHIFT = 6;
const SUM_WD = 7;
const ERR_WD = 8;
const NON_BINARY = 9;
const MAX_ABS_Y = 10;
const SUM_ABS_W = 11;
const SUMS = 12;

/**
 * Whether the mean's rule (y₀ when the compensated Σ w (y − y₀) is 0, else Σ w y / Σ w) certainly
 * gives `mean` = Σ w y / Σ w, from the sums of {@link wholeMeanSums}: when the mean is farther
 * from y₀ than rounding could take it were Σ w (y − y₀) 0. With n rows, u = 2⁻⁵³, M = max |y|,
 * A = Σ |w| and W = Σ w: each term of Σ w (y − y₀) is within 2u of w (y − y₀), and a compensated
 * sum that is 0 is within 2γₙ² Σ |terms| of their exact sum (γₙ = nu / (1 − nu)), so then
 * |Σ w y / Σ w − y₀| ≤ (4.1u + 2.1γₙ²) M A / |W|; the compensated Σ w y is within
 * (2.1u + 1.1γₙ²) A M of its exact value and the plain Σ w within γₙ A, so the computed mean is
 * within about (n + 7) u M (A / W)² + u |mean| of the exact one. The test allows 4 (n + 8) u M
 * (A / W)², u |mean| and n times the smallest subnormal (an underflowed product) over W.
 * Otherwise (a mean within about 1e-9 relative of y₀, e.g. every value the same) the caller sums
 * Σ w (y − y₀) to decide, as before: the same answer either way, one pass fewer.
 */
function clearOfFirstValue(mean: number, out: Float64Array): boolean {
  const n = out[BASE]!;
  const W = out[SUM_W]!;
  const ratio = out[SUM_ABS_W]! / W;
  const u = Number.EPSILON / 2;
  if (!(n * u < 1e-3)) return false;
  const tolerance =
    4 * (n + 8) * u * out[MAX_ABS_Y]! * ratio * ratio +
    u * Math.abs(mean) +
    ((n + 1) * Number.MIN_VALUE) / W;
  // (false for NaN and infinite sums: the caller then decides the slow way)
  return Math.abs(mean - out[SHIFT]!) > tolerance;
}

/**
 * A mean's first scan on a whole design: counts, Σ w, Σ |w|, the compensated Σ w y (as
 * {@link meanSums}), the first value y₀ and max |y|; the rows with a value are not marked.
 * With `groups` (a replicate design whose replicates are the weights times per-group
 * directions), also w y and w per group (`sums[2g]`, `sums[2g + 1]`; rows of group −1 left
 * out), in row order as `replicateWeightedSumsMany` sums them in a pass of its own, so the
 * mean's replicates need no second pass. (Its test per row costs linearization designs nothing
 * measurable: svyMean on the bench's 1M rows 1.008× / 0.999× against a copy of the loop
 * without it.)
 */
function wholeMeanSums(
  y: Float64Array,
  weights: Float64Array,
  out: Float64Array,
  groups: { group: Int32Array; sums: Float64Array } | null,
): void {
  const group = groups?.group ?? null;
  const sums = groups?.sums ?? null;
  let base = 0;
  let nMissing = 0;
  let firstMissing = -1;
  let sumW = 0;
  let sumAbsW = 0;
  let sumWY = 0;
  let errWY = 0;
  let shift = 0;
  let maxAbs = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) {
      if (nMissing++ === 0) firstMissing = i;
      continue;
    }
    if (base === 0) shift = v;
    base++;
    const w = weights[i]!;
    sumW += w;
    sumAbsW += Math.abs(w);
    maxAbs = Math.max(maxAbs, Math.abs(v));
    const wy = w * v;
    const t = sumWY + wy;
    errWY += Math.abs(sumWY) >= Math.abs(wy) ? sumWY - t + wy : wy - t + sumWY;
    sumWY = t;
    if (group === null) continue;
    const g = group[i]!;
    if (g < 0) continue;
    sums![2 * g]! += wy;
    sums![2 * g + 1]! += w;
  }
  out[BASE] = base;
  out[MISSING] = nMissing;
  out[FIRST_MISSING] = firstMissing;
  out[SUM_W] = sumW;
  out[SUM_WY] = sumWY;
  out[ERR_WY] = errWY;
  out[SHIFT] = shift;
  out[MAX_ABS_Y] = maxAbs;
  out[SUM_ABS_W] = sumAbsW;
}

/** {@link wholeMeanSums} marking the rows used in `present`, in a domain (or all: `null`). */
function markedMeanSums(
  y: Float64Array,
  weights: Float64Array,
  domain: Uint8Array | null,
  present: Uint8Array,
  out: Float64Array,
): void {
  let base = 0;
  let nMissing = 0;
  let firstMissing = -1;
  let sumW = 0;
  let sumAbsW = 0;
  let sumWY = 0;
  let errWY = 0;
  let shift = 0;
  let maxAbs = 0;
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
    sumAbsW += Math.abs(w);
    maxAbs = Math.max(maxAbs, Math.abs(v));
    const wy = w * v;
    const t = sumWY + wy;
    errWY += Math.abs(sumWY) >= Math.abs(wy) ? sumWY - t + wy : wy - t + sumWY;
    sumWY = t;
  }
  out[BASE] = base;
  out[MISSING] = nMissing;
  out[FIRST_MISSING] = firstMissing;
  out[SUM_W] = sumW;
  out[SUM_WY] = sumWY;
  out[ERR_WY] = errWY;
  out[SHIFT] = shift;
  out[MAX_ABS_Y] = maxAbs;
  out[SUM_ABS_W] = sumAbsW;
}

/** A mean's scan (no sums per cluster): Σ w, the compensated Σ w y and Σ w (y − y₀). */
function meanSums(
  y: Float64Array,
  weights: Float64Array,
  domain: Uint8Array | null,
  present: Uint8Array,
  out: Float64Array,
): void {
  let base = 0;
  let nMissing = 0;
  let firstMissing = -1;
  let sumW = 0;
  let sumWY = 0;
  let errWY = 0;
  let shift = 0;
  let sumWD = 0;
  let errWD = 0;
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
    let t = sumWY + wy;
    errWY += Math.abs(sumWY) >= Math.abs(wy) ? sumWY - t + wy : wy - t + sumWY;
    sumWY = t;
    const wd = w * (v - shift);
    t = sumWD + wd;
    errWD += Math.abs(sumWD) >= Math.abs(wd) ? sumWD - t + wd : wd - t + sumWD;
    sumWD = t;
  }
  out[BASE] = base;
  out[MISSING] = nMissing;
  out[FIRST_MISSING] = firstMissing;
  out[SUM_W] = sumW;
  out[SUM_WY] = sumWY;
  out[ERR_WY] = errWY;
  out[SHIFT] = shift;
  out[SUM_WD] = sumWD;
  out[ERR_WD] = errWD;
}

/**
 * A total's scan: Σ w and the compensated Σ w y, and with `rowCluster` Σ w·y per cluster into
 * `clusterWY` (marking the clusters in `seen`, when given).
 */
function totalSums(
  y: Float64Array,
  weights: Float64Array,
  domain: Uint8Array | null,
  present: Uint8Array,
  rowCluster: Int32Array | null,
  clusterWY: Float64Array,
  seen: Uint8Array | null,
  out: Float64Array,
): void {
  let base = 0;
  let nMissing = 0;
  let firstMissing = -1;
  let sumW = 0;
  let sumWY = 0;
  let errWY = 0;
  for (let i = 0; i < y.length; i++) {
    if (domain !== null && domain[i] === 0) continue;
    const v = y[i]!;
    if (Number.isNaN(v)) {
      if (nMissing++ === 0) firstMissing = i;
      continue;
    }
    present[i] = 1;
    base++;
    const w = weights[i]!;
    sumW += w;
    const wy = w * v;
    if (rowCluster !== null) {
      const c = rowCluster[i]!;
      clusterWY[c]! += wy;
      if (seen !== null) seen[c] = 1;
    }
    const t = sumWY + wy;
    errWY += Math.abs(sumWY) >= Math.abs(wy) ? sumWY - t + wy : wy - t + sumWY;
    sumWY = t;
  }
  out[BASE] = base;
  out[MISSING] = nMissing;
  out[FIRST_MISSING] = firstMissing;
  out[SUM_W] = sumW;
  out[SUM_WY] = sumWY;
  out[ERR_WY] = errWY;
}

/**
 * {@link totalSums} on a whole linearization design, marking no rows and no clusters: the same
 * sums in the same order, without the per-row domain, mask and PSU-mark tests (through the
 * general loop with a null mask svyTotal took 1.22–1.23× the time of this one, alternating in one
 * process on 1,000,000 rows).
 */
function totalSumsWhole(
  y: Float64Array,
  weights: Float64Array,
  rowCluster: Int32Array,
  clusterWY: Float64Array,
  out: Float64Array,
): void {
  let nMissing = 0;
  let firstMissing = -1;
  let sumW = 0;
  let sumWY = 0;
  let errWY = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) {
      if (nMissing++ === 0) firstMissing = i;
      continue;
    }
    const w = weights[i]!;
    sumW += w;
    const wy = w * v;
    clusterWY[rowCluster[i]!]! += wy;
    const t = sumWY + wy;
    errWY += Math.abs(sumWY) >= Math.abs(wy) ? sumWY - t + wy : wy - t + sumWY;
    sumWY = t;
  }
  out[BASE] = y.length - nMissing;
  out[MISSING] = nMissing;
  out[FIRST_MISSING] = firstMissing;
  out[SUM_W] = sumW;
  out[SUM_WY] = sumWY;
  out[ERR_WY] = errWY;
}

/**
 * {@link scanCodes}' pass with sums per cluster on a whole design, not marking the rows: Σ w per
 * (cluster, level); returns the rows without a level. One read-modify-write per row, of the
 * row's cell: its cluster's Σ w is summed from the cells afterwards (on a shuffled file each such
 * write is a cache miss), and the rows with a level are the others.
 */
function wholeCodeCells(
  codes: Int32Array,
  nLevels: number,
  weights: Float64Array,
  rowCluster: Int32Array,
  cells: Float64Array,
): number {
  let nMissing = 0;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code < 0) {
      nMissing++;
      continue;
    }
    cells[rowCluster[i]! * nLevels + code]! += weights[i]!;
  }
  return nMissing;
}

/** {@link wholeCodeCells} in a domain (or all rows: `null`), marking present rows and clusters. */
function markedCodeCells(
  codes: Int32Array,
  nLevels: number,
  weights: Float64Array,
  domain: Uint8Array | null,
  present: Uint8Array,
  rowCluster: Int32Array,
  cells: Float64Array,
  seen: Uint8Array | null,
): [number, number, number] {
  let base = 0;
  let nMissing = 0;
  let firstMissing = -1;
  for (let i = 0; i < codes.length; i++) {
    if (domain !== null && domain[i] === 0) continue;
    const code = codes[i]!;
    if (code < 0) {
      if (nMissing++ === 0) firstMissing = i;
      continue;
    }
    present[i] = 1;
    base++;
    const c = rowCluster[i]!;
    cells[c * nLevels + code]! += weights[i]!;
    if (seen !== null) seen[c] = 1;
  }
  return [base, nMissing, firstMissing];
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
  present: Uint8Array | null,
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
      present![i] = 1;
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
  if (present === null) {
    // a whole design, its rows not marked (see prepare)
    nMissing = wholeCodeCells(codes, nLevels, weights, rowCluster, cells);
    base = codes.length - nMissing;
    if (nMissing > 0) {
      firstMissing = 0;
      while (codes[firstMissing]! >= 0) firstMissing++;
    }
  } else {
    const counts = markedCodeCells(
      codes,
      nLevels,
      weights,
      domain,
      present,
      rowCluster,
      cells,
      seen,
    );
    base = counts[0];
    nMissing = counts[1];
    firstMissing = counts[2];
  }
  // Σ w per cluster, per level and in all from the cells, cluster by cluster (so a level that
  // every row has gets a share of exactly 1 and influence values of exactly 0: each sum is then
  // the same additions as the level's own).
  for (let c = 0; c < nClusters; c++) {
    let w = 0;
    for (let j = 0; j < nLevels; j++) {
      const x = cells[c * nLevels + j]!;
      w += x;
      levelSums[j]! += x;
      sumW += x;
    }
    clusterW[c] = w;
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

// The last quantile waldInterval computed, and its level and df: the rows of an estimator share
// them (a 10-item battery makes 160 intervals at one level and df), and one t quantile costs
// about 0.1 ms (an incomplete beta inverse), more than a row's other work.
let lastLevel = Number.NaN;
let lastDf = Number.NaN;
let lastQ = Number.NaN;

/** A symmetric interval estimate ± t(df) · se, as R's `confint`. */
export function waldInterval(
  estimate: number,
  se: number,
  level: number,
  df: number,
): [number, number] {
  if (level !== lastLevel || df !== lastDf) {
    lastQ = qt(1 - (1 - level) / 2, df);
    lastLevel = level;
    lastDf = df;
  }
  const q = lastQ;
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
