/**
 * Means and totals of every group of a {@link svyBy} in one pass over the rows.
 *
 * svyBy hands each group to its estimator as a design of the group's own rows. When the
 * estimator is `svyMean` or `svyTotal` on that very design, the first group's call scans the
 * whole design's rows once for all groups (per group: base, missing, Σw, Σw·y; per group and
 * PSU: the sums the variance needs) and keeps the sums for the other groups' calls, which then
 * cost a pass over the PSUs only. The group's rows, weights and columns are then never copied
 * out of the design.
 *
 * The sums are the same additions, in the same order, as the estimator makes on the group's own
 * rows (rows of one group keep their order; other groups' rows in between only interrupt a
 * running sum, which is stored and taken up again), so the answers are identical, bit for bit,
 * to those of the call on the group's design (`test/estimate/group-moments.test.ts` checks it),
 * with one exception: the standard errors of a numeric mean over groups that are not in long
 * runs (a file in random row order), on a design without a domain, come from per-PSU sums
 * centred after the pass rather than row by row (one pass over the rows instead of two; see
 * `recentre`), and agree with the group's design to 1e-12 relative.
 * Anything the one pass does not cover (design effects, `df: 'design'`, `na: 'fail'` with
 * missing values, a group with nothing to estimate, more than 256 groups) is left to the estimator's
 * own path, which gives its usual answer or error.
 * @module
 */
import { findColumn, getColumn } from '../data/frame.js';
import type { Column } from '../data/types.js';
import type { LinearizationDesign, SurveyDesign } from '../design/types.js';
import { categoricalInfluence, type Influence, numericInfluence } from '../variance/influence.js';
import { needsPresence } from '../variance/linearization.js';
import { attachInfluence } from './influence-rows.js';
import { waldInterval } from './prepare.js';
import { longRuns } from './runs.js';
import type { Estimate, EstimateOptions } from './types.js';
import { estimateVariance } from './variance.js';

/** Most groups computed in one pass. */
const MAX_GROUPS = 256;
/** Most per-(group, PSU, level) sums kept for one variable (8 bytes each). */
const MAX_CELLS = 1 << 23;

/** A svyBy's groups: which group each row of the whole design belongs to. */
export interface ByGrouping {
  /** The design svyBy was given (a linearization design, not calibrated). */
  readonly design: LinearizationDesign;
  /** Per row of the design: its combination code, or −1 (outside the domain, no group). */
  readonly rowGroup: Int32Array;
  /** Per combination code: the group number 0..count−1, or −1 (no respondent). */
  readonly groupIndex: Int32Array;
  /** Number of groups. */
  readonly count: number;
  /**
   * Per group: its rows (with a value of the variable or not), when the caller has counted them
   * (svyBy has), so that the passes over rows not in runs of one group need not count each row;
   * counted when the grouping is registered otherwise.
   */
  readonly rows?: Int32Array;
}

interface Grouping extends ByGrouping {
  readonly rows: Int32Array;
  /** Sums of a variable (per kind) for all groups; `null` when the one pass does not apply. */
  readonly cache: Map<string, GroupSums | null>;
}

/** What one pass gives for every group (arrays indexed by group, or group × PSU (× level)). */
interface GroupSums {
  readonly column: Column;
  readonly base: Float64Array;
  readonly nMissing: Float64Array;
  readonly sumW: Float64Array;
  /** Numeric: the mean (kind 'mean') or Σ w·y (kind 'total'); categorical: unused. */
  readonly estimate: Float64Array;
  /** Categorical: Σ w per group and level (group-major). */
  readonly levelSums: Float64Array | null;
  /** Per group × PSU (× level): the sums the variance starts from (see ClusterSums). */
  readonly clusterSums: Float64Array;
  /** Categorical: Σ w per group × PSU. */
  readonly clusterWeights: Float64Array | null;
  /**
   * Per group × PSU: 1 when the group has a row with a value in the PSU; `null` when the
   * variance does not depend on it (see `needsPresence`).
   */
  readonly seen: Uint8Array | null;
}

const groupOfDesign = new WeakMap<SurveyDesign, { grouping: Grouping; k: number }>();

/**
 * Registers svyBy's group designs: `designs[k]` is group k of `grouping`, so that svyMean /
 * svyTotal on it can use {@link groupMoments}. Returns a function registering group k's design.
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3], w: [1, 1, 1] });
 * const design = svyDesign(data, { weights: 'w' });
 * const register = registerByGroups({ design, rowGroup: Int32Array.of(0, 1, 0), groupIndex: Int32Array.of(0, 1), count: 2 });
 * const group = { ...design };
 * register(group, 0);
 * console.log(groupMoments(group, 'y', {}, 'mean')?.[0]?.estimate); // => 2
 * ```
 */
export function registerByGroups(grouping: ByGrouping): (design: SurveyDesign, k: number) => void {
  const g: Grouping = {
    ...grouping,
    rows: grouping.rows ?? rowsPerGroup(grouping),
    cache: new Map(),
  };
  return (design, k) => {
    groupOfDesign.set(design, { grouping: g, k });
  };
}

/** Rows per group of a grouping (one pass). */
function rowsPerGroup({ rowGroup, groupIndex, count }: ByGrouping): Int32Array {
  const rows = new Int32Array(count);
  for (let i = 0; i < rowGroup.length; i++) {
    const g = rowGroup[i]!;
    const k = g < 0 ? -1 : groupIndex[g]!;
    if (k >= 0) rows[k]! += 1;
  }
  return rows;
}

/**
 * On a registered svyBy group design: the whole design's column of that name (the same kind and
 * levels as the group's), so that a caller that only needs its kind or levels does not make the
 * group design split the column out of the whole design's rows; `undefined` otherwise (or when
 * there is no such column).
 * @example
 * ```ts
 * const data = fromColumns({ g: ['a', 'b', 'a'], w: [1, 1, 1] });
 * const design = svyDesign(data, { weights: 'w' });
 * const register = registerByGroups({ design, rowGroup: Int32Array.of(0, 1, 0), groupIndex: Int32Array.of(0, 1), count: 2 });
 * const group = { ...design };
 * register(group, 0);
 * console.log(groupColumn(group, 'g')?.kind, groupColumn(design, 'g')); // => categorical undefined
 * ```
 */
export function groupColumn(design: SurveyDesign, variable: string): Column | undefined {
  const link = groupOfDesign.get(design);
  return link ? findColumn(link.grouping.design.data, variable) : undefined;
}

/**
 * svyMean (`'mean'`) or svyTotal (`'total'`) of a variable on a registered svyBy group design,
 * from one pass over all groups; `null` when the design is not one, or when the estimator's
 * own path must answer (see the module's notes). The options must have been checked.
 */
export function groupMoments(
  design: SurveyDesign,
  variable: string,
  opts: EstimateOptions,
  kind: 'mean' | 'total',
): Estimate[] | null {
  const link = groupOfDesign.get(design);
  if (!link || opts.deff || opts.na === 'fail') return null;
  if (opts.df !== undefined && !(typeof opts.df === 'number' && opts.df > 0)) return null;
  const { grouping, k } = link;
  const key = `${kind}\u0000${variable}`;
  let sums = grouping.cache.get(key);
  if (sums === undefined) {
    sums = computeGroupSums(grouping, variable, kind);
    grouping.cache.set(key, sums);
  }
  if (sums === null || sums.base[k] === 0) return null;
  const whole = grouping.design;
  const stage = whole.stages[0]!;
  const nC = stage.nClusters;
  const column = sums.column;
  const sumW = sums.sumW[k]!;
  let estimates: Float64Array;
  let levels: readonly string[] | null = null;
  /** The group's influence over the given rows of the design (its rows with a value). */
  let make: (present: Uint8Array) => Influence;
  if (column.kind === 'numeric') {
    const value = sums.estimate[k]!;
    if (!Number.isFinite(value) || (kind === 'mean' && !(sumW > 0))) return null;
    estimates = Float64Array.of(value);
    const cached = {
      rowCluster: stage.rowCluster,
      sums: sums.clusterSums.subarray(k * nC, (k + 1) * nC),
      weights: null,
      seen: sums.seen?.subarray(k * nC, (k + 1) * nC) ?? null,
      centre: kind === 'mean' ? value : 0,
    };
    make = (present) =>
      kind === 'mean'
        ? numericInfluence(column.values, whole.weights, present, 1 / sumW, value, cached)
        : numericInfluence(column.values, whole.weights, present, 1, 0, cached);
  } else {
    if (kind === 'mean' && !(sumW > 0)) return null;
    levels = column.levels;
    const L = levels.length;
    const levelSums = sums.levelSums!.slice(k * L, (k + 1) * L);
    const cached = {
      rowCluster: stage.rowCluster,
      sums: sums.clusterSums.subarray(k * nC * L, (k + 1) * nC * L),
      weights: sums.clusterWeights!.subarray(k * nC, (k + 1) * nC),
      seen: sums.seen?.subarray(k * nC, (k + 1) * nC) ?? null,
    };
    const codes = column.codes;
    const factor = kind === 'mean' ? 1 / sumW : 1;
    const centre = kind === 'mean' ? levelSums.map((s) => s / sumW) : new Float64Array(L);
    estimates = kind === 'mean' ? centre : levelSums;
    make = (present) => categoricalInfluence(codes, whole.weights, present, factor, centre, cached);
  }
  const p = estimates.length;
  // The group's rows as a mask of the design's rows are made only if something reads them
  // (a later stage of a design with fpc, dense influence values, a joint covariance without its
  // own domain): the stage-1 totals come from the one pass, which also marked the group's PSUs.
  // Until then the influence and the variance are handed a stand-in of the mask, an empty array
  // that is never read: the variance only compares it with the influence's `present` to know
  // that the PSUs the influence marks are the domain's (see linearizationVariance).
  const standIn = new Uint8Array(0);
  const onePass = make(standIn); // asked for the stage-1 totals only: it reads the kept sums
  let mask: Uint8Array | null = null;
  let overRows: Influence | null = null;
  const rowsOfGroup = () => {
    if (mask === null) mask = groupMask(grouping, k, column);
    return mask;
  };
  const full = () => {
    if (overRows === null) overRows = make(rowsOfGroup());
    return overRows;
  };
  const stage1 = stage.rowCluster;
  const influence: Influence = {
    p,
    present: standIn,
    sumByCluster: (rowCluster, totals, mark) =>
      (rowCluster === stage1 ? onePass : full()).sumByCluster(rowCluster, totals, mark),
    dense: () => full().dense(),
  };
  // The group's variance over the whole design, its rows as the domain: the same as on the
  // group's own design (same PSUs, strata and population sizes; see svyBy).
  const V = estimateVariance(whole, influence, standIn);
  const level = opts.level ?? 0.95;
  const df = (opts.df as number | undefined) ?? Number.POSITIVE_INFINITY;
  const rows: Estimate[] = [];
  for (let j = 0; j < p; j++) {
    const se = Math.sqrt(V[j * p + j]!);
    const row: Estimate = {
      variable,
      statistic: kind,
      estimate: estimates[j]!,
      se,
      ci: waldInterval(estimates[j]!, se, level, df),
      n: sums.base[k]!,
      nMissing: sums.nMissing[k]!,
    };
    if (levels) row.level = levels[j]!;
    rows.push(row);
  }
  attachInfluence(rows, {
    p,
    covariance: V,
    design: whole,
    influence,
    get present() {
      return rowsOfGroup();
    },
    replicates: null,
  });
  return rows;
}

/** Group k's rows with a value of the column, as a mask of the design's rows. */
function groupMask(grouping: Grouping, k: number, column: Column): Uint8Array {
  const mask = new Uint8Array(grouping.rowGroup.length);
  const has = (i: number) =>
    column.kind === 'numeric' ? !Number.isNaN(column.values[i]!) : column.codes[i]! >= 0;
  const runs = groupRuns(grouping);
  if (runs === null) {
    const { rowGroup, groupIndex } = grouping;
    for (let i = 0; i < rowGroup.length; i++) {
      const g = rowGroup[i]!;
      if (g >= 0 && groupIndex[g] === k && has(i)) mask[i] = 1;
    }
    return mask;
  }
  for (let r = 0; r < runs.count; r++) {
    if (runs.group[r] !== k) continue;
    for (let i = runs.from[r]!; i < runs.to[r]!; i++) if (has(i)) mask[i] = 1;
  }
  return mask;
}

/** The one pass over all groups, or `null` when it does not apply (unknown variable, too big). */
function computeGroupSums(
  grouping: Grouping,
  variable: string,
  kind: 'mean' | 'total',
): GroupSums | null {
  const { design, count } = grouping;
  let column: Column;
  try {
    column = getColumn(design.data, variable);
  } catch {
    return null; // the estimator's own path reports it
  }
  const nC = design.stages[0]!.nClusters;
  const p = column.kind === 'numeric' ? 1 : column.levels.length;
  if (count > MAX_GROUPS || count * nC * p > MAX_CELLS) return null;
  return column.kind === 'numeric'
    ? numericSums(grouping, column, kind)
    : categoricalSums(grouping, column);
}

/**
 * Numeric variable: per group the base, missing count, Σw, the compensated Σw·y and (means)
 * Σ w (y − y₀), as prepare's scan; per group × PSU Σ w·y (totals) or Σ w·(y − mean) (means).
 * For means over groups in long runs or in a domain, a second pass once the means are known
 * centres each row before it is added, as the influence does (the same numbers, bit for bit, as
 * the group's own design gives). Over interleaved groups without a domain the scan adds Σ w (y − y₀) and Σ w per group × PSU
 * and {@link recentre} makes the centred sums from them: one pass over the rows, not two, whose
 * sums differ from row-by-row centring by rounding only (relative 1e-15 or so; see recentre).
 */
function numericSums(
  grouping: Grouping,
  column: Extract<Column, { kind: 'numeric' }>,
  kind: 'mean' | 'total',
): GroupSums {
  const { design, count: G } = grouping;
  const y = column.values;
  const w = design.weights;
  const stage = design.stages[0]!;
  const rowCluster = stage.rowCluster;
  const nC = stage.nClusters;
  const base = new Float64Array(G);
  const nMissing = new Float64Array(G);
  const sumW = new Float64Array(G);
  const sumWY = new Float64Array(G);
  const errWY = new Float64Array(G);
  const shift = new Float64Array(G).fill(Number.NaN);
  const sumWD = new Float64Array(G);
  const errWD = new Float64Array(G);
  const clusterSums = new Float64Array(G * nC);
  const seen = needsPresence(design) ? new Uint8Array(G * nC) : null;
  const totals = kind === 'total';
  const sums = {
    base,
    nMissing,
    sumW,
    sumWY,
    errWY,
    shift,
    sumWD,
    errWD,
    clusterSums,
    seen,
  };
  // A mean over rows not in runs of one group (a file in random order): the scan also adds
  // Σ w (y − y₀) and Σ w per group × PSU, y₀ the group's first value, and the centred sums are
  // made from them once the means are known (see recentre), rather than in a second pass. Not
  // in a domain: there a group can be the whole domain (svySubgroups by sex in a domain of
  // women), and its difference from the domain's own svyMean must stay exactly 0, which needs
  // the same row-by-row centring on both sides (a 1e-16 difference in the sums gives an SE of
  // the difference of 1e-9, not 0).
  const runs = groupRuns(grouping);
  const oneScan = !totals && runs === null && design.domain === null;
  const clusterW = oneScan ? new Float64Array(G * nC) : null;
  scanNumeric(grouping, y, w, totals || clusterW ? rowCluster : null, nC, sums, clusterW);
  const estimate = new Float64Array(G);
  for (let k = 0; k < G; k++) {
    // As prepare's scan: the compensated Σ w y; a mean Σ w y / Σ w, or y₀ when Σ w (y − y₀) = 0.
    const total = sumWY[k]! + errWY[k]!;
    if (totals) estimate[k] = total;
    else
      estimate[k] = !(sumW[k]! > 0)
        ? Number.NaN
        : sumWD[k]! + errWD[k]! === 0
          ? shift[k]!
          : total / sumW[k]!;
  }
  if (clusterW !== null) recentre(clusterSums, clusterW, estimate, shift, nC);
  else if (!totals) centredClusterSums(grouping, y, estimate, clusterSums, seen);
  return {
    column,
    base,
    nMissing,
    sumW,
    estimate,
    levelSums: null,
    clusterSums,
    seen,
    clusterWeights: null,
  };
}

/** Runs of consecutive rows of one group: run r is rows from[r]..to[r]−1 of group group[r]. */
interface Runs {
  readonly count: number;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly group: Int32Array;
}

const runsOf = new WeakMap<Grouping, Runs | null>();

/**
 * The grouping's runs of rows (found once, kept for the other passes), or `null` when groups
 * do not come in long runs (see {@link longRuns}): the passes then go row by row. Each pass over
 * runs takes a run's sums from its group's running sums into registers and stores them back
 * when the run ends, so a file sorted by region or stratum (long runs) is summed at register
 * speed; row by row, each row adds into its group's sums in memory. Either way, rows in any
 * order give the same additions as the group's rows on their own.
 */
function groupRuns(grouping: Grouping): Runs | null {
  let runs = runsOf.get(grouping);
  if (runs !== undefined) return runs;
  const { rowGroup, groupIndex } = grouping;
  if (!longRuns(rowGroup)) {
    runsOf.set(grouping, null);
    return null;
  }
  const n = rowGroup.length;
  let from = new Int32Array(1024);
  let to = new Int32Array(1024);
  let group = new Int32Array(1024);
  let count = 0;
  let i = 0;
  while (i < n) {
    const g = rowGroup[i]!;
    let j = i + 1;
    while (j < n && rowGroup[j] === g) j++;
    const k = g < 0 ? -1 : groupIndex[g]!;
    if (k >= 0) {
      if (count === from.length) {
        from = grow(from);
        to = grow(to);
        group = grow(group);
      }
      from[count] = i;
      to[count] = j;
      group[count++] = k;
    }
    i = j;
  }
  runs = { count, from, to, group };
  runsOf.set(grouping, runs);
  return runs;
}

/** The same values in an array twice as long. */
function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const out = new Int32Array(a.length * 2);
  out.set(a);
  return out;
}

/** Running sums of {@link numericSums} (arrays per group, or per group × PSU). */
interface NumericScan {
  base: Float64Array;
  nMissing: Float64Array;
  sumW: Float64Array;
  sumWY: Float64Array;
  errWY: Float64Array;
  shift: Float64Array;
  sumWD: Float64Array;
  errWD: Float64Array;
  clusterSums: Float64Array;
  seen: Uint8Array | null;
}

/**
 * The pass of {@link numericSums} (a function of its own, so that V8 optimises the loop once):
 * per group the base, missing count, Σw and the compensated Σ w·y; with `rowCluster` (a total)
 * also Σ w·y per group × PSU, without (a mean) the compensated Σ w (y − y₀) around the group's
 * first value y₀ (as prepare's scan); with `rowCluster` and `clusterW` (a mean over interleaved
 * groups) that and Σ w (y − y₀) and Σ w per group × PSU.
 */
function scanNumeric(
  grouping: Grouping,
  y: Float64Array,
  w: Float64Array,
  rowCluster: Int32Array | null,
  nC: number,
  out: NumericScan,
  clusterW: Float64Array | null,
): void {
  const runs = groupRuns(grouping);
  if (runs === null) {
    if (rowCluster !== null && clusterW !== null) {
      scanMeanRows(grouping.rowGroup, grouping.groupIndex, y, w, rowCluster, nC, out, clusterW);
    } else {
      scanNumericRows(grouping.rowGroup, grouping.groupIndex, y, w, rowCluster, nC, out);
    }
    // (the row-by-row passes count the rows without a value: the others have one)
    for (let k = 0; k < out.base.length; k++) out.base[k] = grouping.rows[k]! - out.nMissing[k]!;
    return;
  }
  for (let r = 0; r < runs.count; r++) {
    scanNumericRun(y, w, rowCluster, nC, out, runs.group[r]!, runs.from[r]!, runs.to[r]!);
  }
}

/**
 * Fields of a group's running sums in {@link scanNumericRows}' state (8 per group, one cache
 * line; field 0 is free: the rows with a value are the group's rows less those without).
 */
const MISSING = 1;
const SUM_W = 2;
const SUM_WY = 3;
const ERR_WY = 4;
const SHIFT = 5;
const SUM_WD = 6;
const ERR_WD = 7;

/** Running sums of G groups, 8 per group, every shift NaN (no value seen yet). */
function newGroupState(G: number): Float64Array {
  const state = new Float64Array(G * 8);
  for (let k = 0; k < G; k++) state[k * 8 + SHIFT] = Number.NaN;
  return state;
}

/** The groups' running sums into the scan's arrays. */
function storeGroupState(state: Float64Array, out: NumericScan): void {
  for (let k = 0; k < out.base.length; k++) {
    const o = k * 8;
    out.nMissing[k] = state[o + MISSING]!;
    out.sumW[k] = state[o + SUM_W]!;
    out.sumWY[k] = state[o + SUM_WY]!;
    out.errWY[k] = state[o + ERR_WY]!;
    out.shift[k] = state[o + SHIFT]!;
    out.sumWD[k] = state[o + SUM_WD]!;
    out.errWD[k] = state[o + ERR_WD]!;
  }
}

/**
 * {@link scanNumeric} row by row (groups not in long runs): each row adds into its group's
 * running sums, kept side by side (one cache line per group), the same additions in the same
 * order as {@link scanNumericRun} (a mean over such groups without a domain, which also sums per
 * group × PSU, goes through {@link scanMeanRows}).
 */
function scanNumericRows(
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  y: Float64Array,
  w: Float64Array,
  rowCluster: Int32Array | null,
  nC: number,
  out: NumericScan,
): void {
  const state = newGroupState(out.base.length);
  const { clusterSums, seen } = out;
  for (let i = 0; i < y.length; i++) {
    const g = rowGroup[i]!;
    if (g < 0) continue;
    const k = groupIndex[g]!;
    if (k < 0) continue;
    const o = k * 8;
    const v = y[i]!;
    if (Number.isNaN(v)) {
      state[o + MISSING]! += 1;
      continue;
    }
    // (the group's first value: its shift is NaN until then, and the test reads the shift the
    // row uses anyway, rather than the count)
    let shift = state[o + SHIFT]!;
    if (Number.isNaN(shift)) {
      shift = v;
      state[o + SHIFT] = v;
    }
    const wi = w[i]!;
    state[o + SUM_W]! += wi;
    const wy = wi * v;
    const sumWY = state[o + SUM_WY]!;
    const t = sumWY + wy;
    state[o + ERR_WY]! += Math.abs(sumWY) >= Math.abs(wy) ? sumWY - t + wy : wy - t + sumWY;
    state[o + SUM_WY] = t;
    if (rowCluster !== null) {
      const c = k * nC + rowCluster[i]!;
      clusterSums[c]! += wy;
      if (seen !== null) seen[c] = 1;
    } else {
      const sumWD = state[o + SUM_WD]!;
      const wd = wi * (v - shift);
      const t = sumWD + wd;
      state[o + ERR_WD]! += Math.abs(sumWD) >= Math.abs(wd) ? sumWD - t + wd : wd - t + sumWD;
      state[o + SUM_WD] = t;
    }
  }
  storeGroupState(state, out);
}

/**
 * {@link scanNumericRows} for a mean over groups not in long runs (a file in random row order,
 * no domain): the same sums, bit for bit, from loops that do only that. The compensation of
 * Σ w y and Σ w (y − y₀) is Knuth's two-sum (no branch), whose error term is the same exact
 * rounding error as the Neumaier step's. While every PSU has rows of one group only (a group
 * variable that the PSUs are nested in, such as a region in a design stratified by region), the
 * per-PSU sums go into a table of PSUs (16 bytes each, Σ w (y − y₀) beside Σ w) rather than of
 * groups × PSUs, which random rows reach within the processor's fast caches; they are moved into
 * the group × PSU tables when the pass ends or at the first row of a second group in a PSU, from
 * which the rest is added to the full tables. Each (group, PSU) sum gets its rows in row order
 * either way.
 */
function scanMeanRows(
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  y: Float64Array,
  w: Float64Array,
  rowCluster: Int32Array,
  nC: number,
  out: NumericScan,
  clusterW: Float64Array,
): void {
  const state = newGroupState(out.base.length);
  const psuGroup = new Int32Array(nC).fill(-1);
  const nested = new Float64Array(2 * nC);
  const stop = meanRowsNested(rowGroup, groupIndex, y, w, rowCluster, state, psuGroup, nested);
  const { clusterSums, seen } = out;
  for (let c = 0; c < nC; c++) {
    const k = psuGroup[c]!;
    if (k < 0) continue;
    const at = k * nC + c;
    clusterSums[at] = nested[2 * c]!;
    clusterW[at] = nested[2 * c + 1]!;
    if (seen !== null) seen[at] = 1;
  }
  if (stop < y.length) {
    meanRowsFull(
      rowGroup,
      groupIndex,
      y,
      w,
      rowCluster,
      nC,
      state,
      stop,
      clusterSums,
      clusterW,
      seen,
    );
  }
  storeGroupState(state, out);
}

/**
 * {@link scanMeanRows}' pass while every PSU has one group: per PSU Σ w (y − y₀) and Σ w in
 * `nested`, its group in `psuGroup`. Returns the first row whose PSU already has another group
 * (not added), or the number of rows.
 */
function meanRowsNested(
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  y: Float64Array,
  w: Float64Array,
  rowCluster: Int32Array,
  state: Float64Array,
  psuGroup: Int32Array,
  nested: Float64Array,
): number {
  for (let i = 0; i < y.length; i++) {
    const g = rowGroup[i]!;
    if (g < 0) continue;
    const k = groupIndex[g]!;
    if (k < 0) continue;
    const o = k * 8;
    const v = y[i]!;
    if (Number.isNaN(v)) {
      state[o + MISSING]! += 1;
      continue;
    }
    const c = rowCluster[i]!;
    const owner = psuGroup[c]!;
    if (owner !== k) {
      if (owner >= 0) return i;
      psuGroup[c] = k;
    }
    const wi = w[i]!;
    const wd = addMeanRow(state, o, v, wi);
    nested[2 * c]! += wd;
    nested[2 * c + 1]! += wi;
  }
  return y.length;
}

/**
 * A row of value v and weight w into its group's running sums at `o` in {@link scanMeanRows}'
 * state (the group's first value becomes its y₀); returns w (v − y₀). (Small enough for V8 to
 * inline it into both loops.)
 */
function addMeanRow(state: Float64Array, o: number, v: number, w: number): number {
  let shift = state[o + SHIFT]!;
  if (Number.isNaN(shift)) {
    shift = v;
    state[o + SHIFT] = v;
  }
  state[o + SUM_W]! += w;
  const wy = w * v;
  const a = state[o + SUM_WY]!;
  const t = a + wy;
  const b = t - a;
  state[o + ERR_WY]! += a - (t - b) + (wy - b);
  state[o + SUM_WY] = t;
  const wd = w * (v - shift);
  const a2 = state[o + SUM_WD]!;
  const t2 = a2 + wd;
  const b2 = t2 - a2;
  state[o + ERR_WD]! += a2 - (t2 - b2) + (wd - b2);
  state[o + SUM_WD] = t2;
  return wd;
}

/** {@link scanMeanRows}' pass from row `from` on, into the group × PSU tables. */
function meanRowsFull(
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  y: Float64Array,
  w: Float64Array,
  rowCluster: Int32Array,
  nC: number,
  state: Float64Array,
  from: number,
  clusterSums: Float64Array,
  clusterW: Float64Array,
  seen: Uint8Array | null,
): void {
  for (let i = from; i < y.length; i++) {
    const g = rowGroup[i]!;
    if (g < 0) continue;
    const k = groupIndex[g]!;
    if (k < 0) continue;
    const o = k * 8;
    const v = y[i]!;
    if (Number.isNaN(v)) {
      state[o + MISSING]! += 1;
      continue;
    }
    const wi = w[i]!;
    const wd = addMeanRow(state, o, v, wi);
    const c = k * nC + rowCluster[i]!;
    clusterSums[c]! += wd;
    clusterW[c]! += wi;
    if (seen !== null) seen[c] = 1;
  }
}

/** Rows i..j−1, all of group k, of {@link scanNumeric}. */
function scanNumericRun(
  y: Float64Array,
  w: Float64Array,
  rowCluster: Int32Array | null,
  nC: number,
  out: NumericScan,
  k: number,
  from: number,
  to: number,
): void {
  const clusterSums = out.clusterSums;
  const seen = out.seen;
  let base = out.base[k]!;
  let nMissing = out.nMissing[k]!;
  let sumW = out.sumW[k]!;
  let sumWY = out.sumWY[k]!;
  let errWY = out.errWY[k]!;
  let shift = out.shift[k]!;
  let sumWD = out.sumWD[k]!;
  let errWD = out.errWD[k]!;
  const offset = k * nC;
  let key = -1;
  let acc = 0;
  for (let i = from; i < to; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) {
      nMissing++;
      continue;
    }
    if (base === 0) shift = v;
    base++;
    const wi = w[i]!;
    sumW += wi;
    const wy = wi * v;
    const t = sumWY + wy;
    errWY += Math.abs(sumWY) >= Math.abs(wy) ? sumWY - t + wy : wy - t + sumWY;
    sumWY = t;
    if (rowCluster !== null) {
      const c = offset + rowCluster[i]!;
      if (c !== key) {
        if (key >= 0) clusterSums[key] = acc;
        key = c;
        acc = clusterSums[c]!;
        if (seen !== null) seen[c] = 1;
      }
      acc += wy;
    } else {
      const wd = wi * (v - shift);
      const t = sumWD + wd;
      errWD += Math.abs(sumWD) >= Math.abs(wd) ? sumWD - t + wd : wd - t + sumWD;
      sumWD = t;
    }
  }
  if (key >= 0) clusterSums[key] = acc;
  out.base[k] = base;
  out.nMissing[k] = nMissing;
  out.sumW[k] = sumW;
  out.sumWY[k] = sumWY;
  out.errWY[k] = errWY;
  out.shift[k] = shift;
  out.sumWD[k] = sumWD;
  out.errWD[k] = errWD;
}

/**
 * Per group × PSU, from D = Σ w (y − y₀) and W = Σ w (y₀ the group's first value): the centred
 * sum Σ w (y − mean) = D − (mean − y₀)·W, in place of D. Centring at y₀ first keeps the digits:
 * y₀ is one of the group's values, so y − y₀ and mean − y₀ are of the size of the spread, not of
 * the values (1e9 + noise loses nothing); the naive Σ w y − mean·Σ w would cancel down to the
 * noise. The result then differs from centring each row (R's way, and the group's own design's)
 * by rounding only (`test/estimate/group-moments.test.ts` checks 1e-12 on such values). When a
 * group's values are all equal, y − y₀ and mean − y₀ are 0: the variance is exactly 0, as with
 * row-by-row centring.
 */
function recentre(
  clusterSums: Float64Array,
  clusterW: Float64Array,
  mean: Float64Array,
  shift: Float64Array,
  nC: number,
): void {
  for (let k = 0; k < mean.length; k++) {
    const d = mean[k]! - shift[k]!;
    if (!Number.isFinite(d)) continue; // (a group without a value: its sums are all 0)
    for (let c = k * nC; c < (k + 1) * nC; c++) clusterSums[c]! -= d * clusterW[c]!;
  }
}

/** Per group × PSU: Σ w·(y − mean of the group) over the group's rows with a value. */
function centredClusterSums(
  grouping: Grouping,
  y: Float64Array,
  mean: Float64Array,
  clusterSums: Float64Array,
  seen: Uint8Array | null,
): void {
  const w = grouping.design.weights;
  const stage = grouping.design.stages[0]!;
  const rowCluster = stage.rowCluster;
  const nC = stage.nClusters;
  const runs = groupRuns(grouping);
  if (runs === null) {
    const { rowGroup, groupIndex } = grouping;
    centredRows(rowGroup, groupIndex, y, w, rowCluster, nC, mean, clusterSums, seen);
    return;
  }
  for (let r = 0; r < runs.count; r++) {
    const k = runs.group[r]!;
    centredRun(y, w, rowCluster, k * nC, mean[k]!, clusterSums, seen, runs.from[r]!, runs.to[r]!);
  }
}

/** Rows i..j−1 of one group (PSU sums at `offset`) of {@link centredClusterSums}. */
function centredRun(
  y: Float64Array,
  w: Float64Array,
  rowCluster: Int32Array,
  offset: number,
  centre: number,
  clusterSums: Float64Array,
  seen: Uint8Array | null,
  from: number,
  to: number,
): void {
  let key = -1;
  let acc = 0;
  for (let i = from; i < to; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    const c = offset + rowCluster[i]!;
    if (c !== key) {
      if (key >= 0) clusterSums[key] = acc;
      key = c;
      acc = clusterSums[c]!;
      if (seen !== null) seen[c] = 1;
    }
    acc += w[i]! * (v - centre);
  }
  if (key >= 0) clusterSums[key] = acc;
}

/** {@link centredClusterSums} row by row (groups not in long runs). */
function centredRows(
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  y: Float64Array,
  w: Float64Array,
  rowCluster: Int32Array,
  nC: number,
  mean: Float64Array,
  clusterSums: Float64Array,
  seen: Uint8Array | null,
): void {
  for (let i = 0; i < y.length; i++) {
    const g = rowGroup[i]!;
    if (g < 0) continue;
    const k = groupIndex[g]!;
    if (k < 0) continue;
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    const c = k * nC + rowCluster[i]!;
    clusterSums[c]! += w[i]! * (v - mean[k]!);
    if (seen !== null) seen[c] = 1;
  }
}

/**
 * Categorical variable: per group the base and missing count; per group × PSU × level Σ w, from
 * which each group × PSU's Σ w and each group's Σ w per level and in all are added PSU by PSU
 * (as prepare's scan: one write per row, and the same sums).
 */
function categoricalSums(
  grouping: Grouping,
  column: Extract<Column, { kind: 'categorical' }>,
): GroupSums {
  const { design, count: G } = grouping;
  const codes = column.codes;
  const L = column.levels.length;
  const w = design.weights;
  const stage = design.stages[0]!;
  const rowCluster = stage.rowCluster;
  const nC = stage.nClusters;
  const base = new Float64Array(G);
  const nMissing = new Float64Array(G);
  const cells = new Float64Array(G * nC * L);
  const clusterWeights = new Float64Array(G * nC);
  const seen = needsPresence(design) ? new Uint8Array(G * nC) : null;
  const out = { base, nMissing, cells, seen };
  const runs = groupRuns(grouping);
  if (runs === null) {
    const { rowGroup, groupIndex } = grouping;
    scanCategoricalRows(rowGroup, groupIndex, codes, L, w, rowCluster, nC, out);
    // (the row-by-row pass counts the rows without a value: the others have one)
    for (let k = 0; k < G; k++) base[k] = grouping.rows[k]! - nMissing[k]!;
  } else {
    for (let r = 0; r < runs.count; r++) {
      const k = runs.group[r]!;
      scanCategoricalRun(codes, L, w, rowCluster, k, k * nC, out, runs.from[r]!, runs.to[r]!);
    }
  }
  const sumW = new Float64Array(G);
  const levelSums = new Float64Array(G * L);
  for (let k = 0; k < G; k++) {
    let total = 0;
    for (let c = 0; c < nC; c++) {
      const at = (k * nC + c) * L;
      let inCluster = 0;
      for (let j = 0; j < L; j++) {
        const x = cells[at + j]!;
        levelSums[k * L + j]! += x;
        total += x;
        inCluster += x;
      }
      clusterWeights[k * nC + c] = inCluster;
    }
    sumW[k] = total;
  }
  return {
    column,
    base,
    nMissing,
    sumW,
    estimate: new Float64Array(G),
    levelSums,
    clusterSums: cells,
    clusterWeights,
    seen,
  };
}

/** What {@link categoricalSums} adds up (per group, group × PSU, group × PSU × level). */
interface CategoricalScan {
  base: Float64Array;
  nMissing: Float64Array;
  cells: Float64Array;
  seen: Uint8Array | null;
}

/**
 * Rows i..j−1, all of group k (its PSUs from `offset`), of {@link categoricalSums} (a PSU marked
 * once per run of its rows).
 */
function scanCategoricalRun(
  codes: Int32Array,
  L: number,
  w: Float64Array,
  rowCluster: Int32Array,
  k: number,
  offset: number,
  out: CategoricalScan,
  from: number,
  to: number,
): void {
  const { cells, seen } = out;
  let base = 0;
  let nMissing = 0;
  let key = -1;
  for (let i = from; i < to; i++) {
    const code = codes[i]!;
    if (code < 0) {
      nMissing++;
      continue;
    }
    base++;
    const c = offset + rowCluster[i]!;
    if (c !== key) {
      key = c;
      if (seen !== null) seen[c] = 1;
    }
    cells[c * L + code]! += w[i]!;
  }
  out.base[k]! += base;
  out.nMissing[k]! += nMissing;
}

/** {@link categoricalSums}' pass row by row (groups not in long runs). */
function scanCategoricalRows(
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  codes: Int32Array,
  L: number,
  w: Float64Array,
  rowCluster: Int32Array,
  nC: number,
  out: CategoricalScan,
): void {
  const { nMissing, cells, seen } = out;
  for (let i = 0; i < codes.length; i++) {
    const g = rowGroup[i]!;
    if (g < 0) continue;
    const k = groupIndex[g]!;
    if (k < 0) continue;
    const code = codes[i]!;
    if (code < 0) {
      nMissing[k]! += 1;
      continue;
    }
    const c = k * nC + rowCluster[i]!;
    cells[c * L + code]! += w[i]!;
    if (seen !== null) seen[c] = 1;
  }
}
