/**
 * `svyBy`: an estimate for every group, with the covariance between the groups' estimates
 * (R's `svyby(..., covmat = TRUE)`).
 * @module
 */
import { getColumn } from '../data/frame.js';
import type { Column, SurveyData } from '../data/types.js';
import { inheritExponent } from '../design/scale.js';
import type { LinearizationDesign, SurveyDesign } from '../design/types.js';
import { EstimationError, SurveyError } from '../errors.js';
import { limitOption, tooLargeMessage } from '../limits.js';
import { type EstimateTable, toEstimateTable, uniqueLabels } from './estimate-table.js';
import { registerByGroups } from './group-moments.js';
import {
  attachInfluence,
  type InfluenceBlock,
  type JointCovarianceOptions,
  jointCovariance,
  rowLink,
} from './influence-rows.js';
import { checkCovariance, covarianceLimit } from './limits.js';
import { registerReplicateGroups } from './replicate-groups.js';
import { longRuns, RUN } from './runs.js';
import type { Estimate } from './types.js';
import type { ReplicateEstimates } from './variance.js';

export type { EstimateTable } from './estimate-table.js';

/** Options of {@link svyBy}. */
export interface ByOptions {
  /**
   * `true` (default, R's `drop.empty.groups = TRUE`): empty combinations are not rows (they are
   * listed in `emptyGroups`). `false`: every combination is a row, empty ones with `NaN`
   * estimates and `n = 0`.
   */
  dropEmpty?: boolean;
  /**
   * Most rows whose joint covariance the table carries (default 1,000; `Infinity` lifts it).
   * A table with more rows is made (estimates and SEs), but its `covariance`, and contrasts
   * between its rows, are a `TOO_LARGE` error: the covariance has rows² entries, each a sum
   * over the PSUs.
   */
  maxCovariance?: number;
  /**
   * Most level combinations of the grouping variables (the product of their level counts;
   * default `DEFAULT_LIMITS.maxCells`, 2^24 = 16,777,216; `Infinity` lifts it): each takes a few
   * counters before any group is estimated, so more is a `TOO_LARGE` error before that memory is
   * taken.
   */
  maxCells?: number;
}

/** A grouping variable resolved to codes: one per row (-1: missing) indexing `levels`. */
export interface ByVariable {
  /** The variable. */
  readonly name: string;
  /** Per row: the index of its level, -1 for a missing value. */
  readonly codes: Int32Array;
  /** The levels (a numeric variable's distinct values, sorted, as text). */
  readonly levels: readonly string[];
}

/**
 * An estimate per group of the design (R's `svyby`): `estimator` is called once per group with
 * that group as a design, and the rows it returns are tagged with `group` (the grouping
 * variables' level labels). As R's `design[group, ]`, the group's design holds the group's
 * respondents only (numbered 0..m−1: a mask or row index the estimator uses refers to them)
 * with the full design's clusters, strata and population sizes, so its standard errors are
 * domain standard errors over the whole design, the same as on `subset(design, group)`.
 * (A design with members svyBy does not know is handed over as `subset` domains instead.)
 * On a replicate-weight design each group is a `subset` domain of the whole design: R's
 * `design[group, ]` drops the other rows, which for replicate estimates is the same, and
 * `degreesOfFreedom` of the group is R's `degf` of its rows.
 *
 * Groups are the combinations of the `by` variables' levels that have respondents (with
 * non-zero weight) in the design's domain, in R's order: the first grouping variable varies
 * fastest (`E.No, H.No, M.No, E.Yes, ...`). Empty combinations are reported in `emptyGroups`;
 * respondents with a missing grouping value belong to no group and are counted in
 * `nMissingGroup`.
 *
 * The table's `covariance` is that of all its rows, as R's `covmat = TRUE`: the estimators'
 * influence values (zero outside their group) stacked, and their linearization variance
 * computed at once over the design; on a replicate design, R's `svrVar` of the replicate
 * estimates of all groups side by side (with `scale`, `rscales` and `mse` of the design; a
 * replicate whose estimate is missing in any group, e.g. one deleting the only PSU of a
 * group, is left out for all, as R does). It needs estimators that give influence values
 * (`svyMean`, `svyTotal`); for others the covariance between rows is `NaN` (see
 * {@link EstimateTable}).
 *
 * A numeric grouping variable is grouped by its distinct values (sorted, labelled with
 * `String(value)`).
 *
 * Cost: linear in the sample size, not in sample size × groups. When the estimator is
 * `svyMean` or `svyTotal` on the group's design (up to 256 groups), the first group's call sums
 * every group in one pass over the rows (two for a numeric mean over groups in long runs) and
 * the other groups' calls cost a pass over the PSUs (about 9 ms for 7 groups of 1,000,000
 * rows); see `group-moments.ts`. Other estimators read the group's own rows: its weights, clusters and
 * each column they use are split for all groups at once when first read (as block copies
 * when a group's rows come in long runs, as in a file sorted by region). On a replicate design
 * svyMean / svyTotal read the replicate weights once for all groups (about 0.1 s for 7 groups
 * of 1,000,000 rows with 80 replicates).
 *
 * @param design - The design (or a domain of it) to split into groups.
 * @param by - The grouping variable, or several (their combinations are the groups).
 * @param estimator - Called once per group with the group as a design; returns its estimate rows
 *   (e.g. `(d) => svyMean(d, 'api00')`).
 * @param opts - `dropEmpty`: whether groups without respondents are left out (see
 *   {@link ByOptions}).
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `BAD_OPTION` (no grouping variable, a bad
 *   limit), `TOO_LARGE` (more level combinations than `maxCells`), `EMPTY_DOMAIN` (no respondent in any group); on a replicate design
 *   `NO_REPLICATES` when every replicate has a missing estimate in some group (R: "All
 *   replicates contained NAs"); an error the estimator throws for a group is re-thrown with the
 *   group named in the message and in `details.group`.
 * @example
 * ```ts
 * const data = fromColumns({
 *   y: [1, 2, 3, 4, 5, 6, 7, 8],
 *   region: ['N', 'S', 'N', 'S', 'N', 'S', 'N', 'S'],
 *   w: [1, 1, 2, 2, 1, 1, 2, 2],
 * });
 * const table = svyBy(svyDesign(data, { weights: 'w' }), 'region', (d) => svyMean(d, 'y'));
 * console.log(table.map((r) => `${r.group?.region}=${r.estimate.toFixed(3)}`).join(' ')); // => N=4.333 S=5.333
 * console.log(table.labels, table.covariance.length); // => [ 'N', 'S' ] 4
 * ```
 */
export function svyBy(
  design: SurveyDesign,
  by: string | readonly string[],
  estimator: (domain: SurveyDesign) => Estimate | readonly Estimate[],
  opts: ByOptions = {},
): EstimateTable {
  const names = typeof by === 'string' ? [by] : [...by];
  if (names.length === 0) {
    throw new EstimationError('BAD_OPTION', 'svyBy needs at least one grouping variable', {});
  }
  const vars = names.map((name) => byVariable(design, name));
  const n = design.data.nrow;

  // Strides: the first grouping variable varies fastest, as in R's interaction().
  const strides: number[] = [];
  let combos = 1;
  for (const v of vars) {
    strides.push(combos);
    combos *= Math.max(v.levels.length, 1);
  }
  const maxCells = limitOption(
    'maxCells',
    opts.maxCells,
    (message) =>
      new EstimationError('BAD_OPTION', message, { option: 'maxCells', value: opts.maxCells }),
  );
  if (combos > maxCells) {
    throw new EstimationError(
      'TOO_LARGE',
      tooLargeMessage(
        `svyBy by ${vars.map((v) => `"${v.name}" (${v.levels.length.toLocaleString('en-US')} levels)`).join(' × ')} has`,
        combos,
        'level combinations, which',
        'maxCells',
        maxCells,
      ),
      { value: combos, limit: maxCells, option: 'maxCells', variable: names.join('+') },
    );
  }

  // One pass: group code per row (-1: outside the domain or a missing grouping value), rows
  // per combination and respondents (non-zero weight) per combination.
  const domain = design.domain;
  // (With one grouping variable and no domain, its codes are the group codes.)
  const direct = vars.length === 1 && domain === null;
  const rowGroup = direct ? vars[0]!.codes : new Int32Array(n);
  const sizes = new Int32Array(combos);
  const respondents = new Float64Array(combos);
  // [rows with a missing grouping value]
  const counted = new Float64Array(1);
  if (vars.length === 1)
    codeOne(
      vars[0]!.codes,
      domain,
      design.weights,
      direct ? null : rowGroup,
      sizes,
      respondents,
      counted,
    );
  else
    codeMany(
      vars.map((v) => v.codes),
      Int32Array.from(strides),
      domain,
      design.weights,
      rowGroup,
      sizes,
      respondents,
      counted,
    );
  const nMissingGroup = counted[0]!;

  const present: number[] = [];
  const groupIndex = new Int32Array(combos).fill(-1);
  for (let g = 0; g < combos; g++) {
    if (respondents[g]! > 0) {
      groupIndex[g] = present.length;
      present.push(g);
    }
  }
  // Own properties whatever the variables are called (a column named __proto__ included).
  const labelsOf = (g: number): Record<string, string> =>
    Object.fromEntries(
      vars.map((v, j) => [
        v.name,
        v.levels[Math.floor(g / strides[j]!) % Math.max(v.levels.length, 1)]!,
      ]),
    );
  // Listed on first access: with many sparse combinations the list can be long.
  let emptyGroups: Array<Record<string, string>> | null = null;
  const listEmpty = () => {
    if (emptyGroups === null) {
      emptyGroups = [];
      if (vars.every((v) => v.levels.length > 0)) {
        for (let g = 0; g < combos; g++) if (respondents[g] === 0) emptyGroups.push(labelsOf(g));
      }
    }
    return emptyGroups;
  };
  if (present.length === 0) {
    throw new EstimationError(
      'EMPTY_DOMAIN',
      `no respondent in the domain has a value of ${names.join(' and ')}${nMissingGroup > 0 ? ` (${nMissingGroup} have a missing grouping value)` : ''}`,
      { variable: names.join('+'), nMissing: nMissingGroup },
    );
  }

  // Each group as a design of its own rows (R's svyby does the same), or, for a design this
  // code does not know all of, as a domain mask of the whole design.
  const groups = compactable(design)
    ? compactGroups(design, rowGroup, groupIndex, present, sizes)
    : maskGroups(design, rowGroup, groupIndex, present.length);

  const perGroup: Estimate[][] = [];
  for (let k = 0; k < present.length; k++) {
    const group = labelsOf(present[k]!);
    let result: Estimate | readonly Estimate[];
    try {
      result = estimator(groups.design(k));
    } catch (e) {
      const { domain } = groups;
      throw inGroup(e, group, domain ? () => estimator(domain(k)) : null);
    }
    const rows = Array.isArray(result) ? (result as readonly Estimate[]) : [result as Estimate];
    perGroup.push([...rows]);
  }

  // Rows with their group, in table order; empty groups as NaN rows when kept.
  const dropEmpty = opts.dropEmpty ?? true;
  const template = perGroup[0]!;
  const source: Array<Estimate | null> = [];
  const tableRows: Estimate[] = [];
  const groupOfRow: string[] = [];
  const order = dropEmpty ? present : Array.from({ length: combos }, (_, g) => g);
  for (const g of order) {
    const group = labelsOf(g);
    const label = Object.values(group).join('.');
    const k = groupIndex[g]!;
    const rows = k >= 0 ? perGroup[k]! : template.map((t) => emptyRow(t, group));
    for (const row of rows) {
      tableRows.push(k >= 0 ? { ...row, group } : row);
      source.push(k >= 0 ? row : null);
      groupOfRow.push(label);
    }
  }

  // Covariance of all rows: the estimators' influence values stacked, over the whole design
  // (R: svyrecvar on the svyby design, i.e. `present` is the design's domain). Beyond
  // maxCovariance rows it is not computed (the rows and their SEs are): reading it, or a
  // contrast between the rows, is then the TOO_LARGE error.
  const K = tableRows.length;
  const limit = covarianceLimit(opts.maxCovariance);
  const V =
    K <= limit
      ? tableCovariance(source, {
          design,
          present: domain,
          rowsOf: groups.rowsOf,
          maxCovariance: limit,
        })
      : null;
  const covariance = () => {
    checkCovariance(`svyBy by ${names.join(', ')}`, K, limit);
    return V!;
  };
  const block = {
    p: K,
    get covariance() {
      return covariance();
    },
    design,
    influence: null,
    present: null,
    replicates:
      design.type === 'replicate' ? tableReplicates(source, design.replicates.length) : null,
  };
  attachInfluence(tableRows, block);

  return toEstimateTable(tableRows, {
    covariance: V ?? covariance,
    labels: rowLabels(tableRows, groupOfRow),
    by: names,
    emptyGroups: listEmpty,
    nMissingGroup,
  });
}

/**
 * On a replicate design, the replicate estimates of the table's rows (from their estimators'
 * blocks), so that rows of this table combine with other rows of the design (e.g. of another
 * svyBy table) in a contrast; `null` when a row has none (an empty group, an estimator without
 * replicate estimates).
 */
function tableReplicates(
  source: ReadonlyArray<Estimate | null>,
  R: number,
): ReplicateEstimates | null {
  const K = source.length;
  const full = new Float64Array(K);
  const reps = Array.from({ length: R }, () => new Float64Array(K));
  for (let a = 0; a < K; a++) {
    const row = source[a];
    const link = row ? rowLink(row) : undefined;
    const r = link?.block.replicates;
    if (!link || !r || r.reps.length !== R) return null;
    full[a] = r.full[link.index]!;
    for (let j = 0; j < R; j++) reps[j]![a] = r.reps[j]![link.index]!;
  }
  return { full, reps };
}

/** How each group is handed to the estimator. */
interface Groups {
  /** The design the estimator gets for group k. */
  design(k: number): SurveyDesign;
  /** Group k as a domain of the whole design, when `design` gives something else. */
  domain?: (k: number) => SurveyDesign;
  /**
   * For a block estimated on a group's own design: the whole design's row of each of its rows
   * (made when called).
   */
  rowsOf?: (block: InfluenceBlock) => (() => Int32Array) | undefined;
}

/** The members of a design built by svyDesign (+ subset): those a group design can slice. */
const KNOWN_MEMBERS = new Set([
  'type',
  'data',
  'spec',
  'weights',
  'stages',
  'hasFpc',
  'lonelyPsu',
  'domain',
  'hasStrata',
  'warnings',
]);

/**
 * Whether groups can be handed over as designs of their own rows: only for a linearization
 * design with nothing but the known members (a design carrying more, e.g. calibration data
 * in some later version, falls back to domain masks, which are always right).
 */
function compactable(design: SurveyDesign): design is LinearizationDesign {
  return design.type === 'linearization' && Object.keys(design).every((k) => KNOWN_MEMBERS.has(k));
}

/**
 * Groups as domain masks of the whole design (n bytes per group). On a replicate design the
 * masks are registered as groups (see {@link registerReplicateGroups}), so that svyMean /
 * svyTotal compute the replicate sums of every group in one pass over the replicate weights.
 */
function maskGroups(
  design: SurveyDesign,
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  count: number,
): Groups {
  const n = rowGroup.length;
  const masks = Array.from({ length: count }, () => new Uint8Array(n));
  const rowIndex = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const g = rowGroup[i]!;
    if (g >= 0 && groupIndex[g]! >= 0) {
      const k = groupIndex[g]!;
      masks[k]![i] = 1;
      rowIndex[i] = k;
    }
  }
  if (design.type === 'replicate') registerReplicateGroups(design, masks, rowIndex);
  return { design: (k) => ({ ...design, domain: masks[k]! }) };
}

/**
 * Groups as designs of their own rows, as R's `design[group, ]` drops the other rows: the same
 * clusters, strata and population sizes (clusters without a row of the group count as zero
 * totals in the variance), so domain standard errors are unchanged, and each estimator call
 * costs the group's size rather than the whole sample's.
 */
function compactGroups(
  design: LinearizationDesign,
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  present: readonly number[],
  sizes: Int32Array,
): Groups {
  const n = rowGroup.length;
  const counts = Int32Array.from(present, (g) => sizes[g]!);
  // One pass splits each group's weights and stage-1 clusters; other columns, row maps and
  // the groups' row numbers are split for all groups at once when first needed. When a
  // group's rows come in long runs (a file sorted by the grouping variable, or by strata
  // nested in it) runs are copied as blocks; otherwise row by row (one read of the source,
  // rather than one per group).
  const blocks = longRuns(rowGroup);
  let rowNumbers: Int32Array[] | null = null;
  const rowsOfGroup = (k: number): Int32Array => {
    if (rowNumbers === null) {
      rowNumbers = Array.from(counts, (m) => new Int32Array(m));
      splitIndex(rowGroup, groupIndex, rowNumbers);
    }
    return rowNumbers[k]!;
  };
  // Each group's weights and stage-1 clusters: split together, when a group design first
  // reads either (svyMean / svyTotal on the group designs read neither: see group-moments.ts).
  const stage1 = design.stages[0]!.rowCluster;
  let weights: Float64Array[] | null = null;
  const memo = new Map<unknown, Array<Float64Array | Int32Array>>();
  const weightsOf = (k: number): Float64Array => {
    if (weights === null) {
      const w = Array.from(counts, (m) => new Float64Array(m));
      const clusters = Array.from(counts, (m) => new Int32Array(m));
      if (blocks) splitRows(rowGroup, groupIndex, design.weights, stage1, w, clusters);
      else scatterRows(rowGroup, groupIndex, design.weights, stage1, w, clusters);
      weights = w;
      memo.set(stage1, clusters);
    }
    return weights[k]!;
  };
  const splitOf = <T extends Float64Array | Int32Array>(a: T, make: (m: number) => T): T[] => {
    if (a === stage1 && !memo.has(a)) weightsOf(0);
    let out = memo.get(a) as T[] | undefined;
    if (out === undefined) {
      out = Array.from(counts, make);
      if (blocks) splitColumn(rowGroup, groupIndex, a, out);
      else scatterColumn(rowGroup, groupIndex, a, out);
      memo.set(a, out);
    }
    return out;
  };
  const split = {
    float: (a: Float64Array): Float64Array[] => splitOf(a, (m) => new Float64Array(m)),
    int: (a: Int32Array): Int32Array[] => splitOf(a, (m) => new Int32Array(m)),
  };
  const register = registerByGroups({
    design,
    rowGroup,
    groupIndex,
    count: counts.length,
    rows: counts,
  });
  const byStages = new Map<unknown, number>();
  return {
    design(k) {
      const d = sliceDesign(design, k, counts[k]!, () => weightsOf(k), split);
      inheritExponent(d, design);
      byStages.set(d.stages, k);
      register(d, k);
      return d;
    },
    domain: (k) => {
      const mask = new Uint8Array(n);
      for (const i of rowsOfGroup(k)) mask[i] = 1;
      return { ...design, domain: mask };
    },
    rowsOf: (block) => {
      const k =
        block.design?.type === 'linearization' ? byStages.get(block.design.stages) : undefined;
      return k === undefined ? undefined : () => rowsOfGroup(k);
    },
  };
}

/** Splits whole-design arrays into per-group arrays (each computed once for all groups). */
interface Splitter {
  float(a: Float64Array): Float64Array[];
  int(a: Int32Array): Int32Array[];
}

/**
 * Group k's design: its `m` rows (renumbered 0..m-1), with their weights; columns and the
 * stages' row maps are the group's parts of the design's, split when first read.
 */
function sliceDesign(
  design: LinearizationDesign,
  k: number,
  m: number,
  weights: () => Float64Array,
  split: Splitter,
): LinearizationDesign {
  const source = design.data;
  const columns: Record<string, Column> = Object.create(null);
  for (const name of Object.keys(source.columns)) {
    Object.defineProperty(columns, name, {
      enumerable: true,
      configurable: true,
      get() {
        const col = source.columns[name]!;
        const value: Column =
          col.kind === 'numeric'
            ? { kind: 'numeric', name: col.name, values: split.float(col.values)[k]! }
            : {
                kind: 'categorical',
                name: col.name,
                codes: split.int(col.codes)[k]!,
                levels: col.levels,
              };
        Object.defineProperty(columns, name, { value, enumerable: true });
        return value;
      },
    });
  }
  const data: SurveyData = { ...source, nrow: m, columns };
  const stages = design.stages.map((s) => {
    const stage = { ...s };
    for (const key of ['rowStratum', 'rowCluster'] as const) {
      Object.defineProperty(stage, key, {
        enumerable: true,
        configurable: true,
        get() {
          const value = split.int(s[key])[k]!;
          Object.defineProperty(stage, key, { value, enumerable: true });
          return value;
        },
      });
    }
    return stage;
  });
  const group = { ...design, data, stages, domain: null };
  Object.defineProperty(group, 'weights', {
    enumerable: true,
    configurable: true,
    get() {
      const value = weights();
      Object.defineProperty(group, 'weights', { value, enumerable: true });
      return value;
    },
  });
  return group;
}

/**
 * One pass: each group's weights and clusters, in row order. Rows of a group often come
 * in runs (files sorted by stratum or region); a long run is copied as a block.
 */
function splitRows(
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  w: Float64Array,
  cluster: Int32Array,
  weights: Float64Array[],
  clusters: Int32Array[],
): void {
  const fill = new Int32Array(weights.length);
  const n = rowGroup.length;
  let i = 0;
  while (i < n) {
    const g = rowGroup[i]!;
    let j = i + 1;
    while (j < n && rowGroup[j] === g) j++;
    const k = g < 0 ? -1 : groupIndex[g]!;
    if (k >= 0) {
      const at = fill[k]!;
      const wk = weights[k]!;
      const ck = clusters[k]!;
      if (j - i >= RUN) {
        wk.set(w.subarray(i, j), at);
        ck.set(cluster.subarray(i, j), at);
      } else {
        for (let t = i; t < j; t++) {
          wk[at + t - i] = w[t]!;
          ck[at + t - i] = cluster[t]!;
        }
      }
      fill[k] = at + j - i;
    }
    i = j;
  }
}

/** {@link splitRows} row by row (groups in short runs). */
function scatterRows(
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  w: Float64Array,
  cluster: Int32Array,
  weights: Float64Array[],
  clusters: Int32Array[],
): void {
  const fill = new Int32Array(weights.length);
  for (let i = 0; i < rowGroup.length; i++) {
    const g = rowGroup[i]!;
    if (g < 0) continue;
    const k = groupIndex[g]!;
    if (k < 0) continue;
    const at = fill[k]!;
    fill[k] = at + 1;
    weights[k]![at] = w[i]!;
    clusters[k]![at] = cluster[i]!;
  }
}

/** {@link splitColumn} row by row (for groups whose rows are interleaved). */
function scatterColumn<T extends Float64Array | Int32Array>(
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  a: T,
  out: T[],
): void {
  const fill = new Int32Array(out.length);
  for (let i = 0; i < rowGroup.length; i++) {
    const g = rowGroup[i]!;
    if (g < 0) continue;
    const k = groupIndex[g]!;
    if (k >= 0) out[k]![fill[k]!++] = a[i]!;
  }
}

/** Each group's row numbers (in the whole design), in order. */
function splitIndex(rowGroup: Int32Array, groupIndex: Int32Array, out: Int32Array[]): void {
  const fill = new Int32Array(out.length);
  for (let i = 0; i < rowGroup.length; i++) {
    const g = rowGroup[i]!;
    if (g < 0) continue;
    const k = groupIndex[g]!;
    if (k >= 0) out[k]![fill[k]!++] = i;
  }
}

/** Copies a column's values into one array per group, runs of one group's rows as blocks. */
function splitColumn<T extends Float64Array | Int32Array>(
  rowGroup: Int32Array,
  groupIndex: Int32Array,
  a: T,
  out: T[],
): void {
  const fill = new Int32Array(out.length);
  const n = rowGroup.length;
  let i = 0;
  while (i < n) {
    const g = rowGroup[i]!;
    let j = i + 1;
    while (j < n && rowGroup[j] === g) j++;
    const k = g < 0 ? -1 : groupIndex[g]!;
    if (k >= 0) {
      const at = fill[k]!;
      const o = out[k]!;
      if (j - i >= RUN) o.set(a.subarray(i, j), at);
      else for (let t = i; t < j; t++) o[at + t - i] = a[t]!;
      fill[k] = at + j - i;
    }
    i = j;
  }
}

/**
 * The group pass of {@link svyBy} for one grouping variable (a function of typed arrays, so
 * that V8 optimises it once): fills `rowGroup` (unless `null`), `sizes` (rows per code) and
 * `respondents` (rows with non-zero weight per code); returns the domain's rows with a missing
 * code.
 */
function codeOne(
  codes: Int32Array,
  domain: Uint8Array | null,
  w: Float64Array,
  rowGroup: Int32Array | null,
  sizes: Int32Array,
  respondents: Float64Array,
  counted: Float64Array,
): void {
  let missing = 0;
  const n = codes.length;
  if (domain === null && rowGroup === null && longRuns(codes)) {
    // Runs of rows with one code (files sorted by stratum or region) are counted at once.
    let i = 0;
    while (i < n) {
      const g = codes[i]!;
      let j = i + 1;
      while (j < n && codes[j] === g) j++;
      if (g < 0) missing += j - i;
      else {
        let nonZero = 0;
        for (let t = i; t < j; t++) if (w[t] !== 0) nonZero++;
        sizes[g]! += j - i;
        respondents[g]! += nonZero;
      }
      i = j;
    }
    counted[0] = missing;
    return;
  }
  // Rows of zero weight are few: they are counted (a branch rarely taken) and taken off the rows
  // per code at the end, rather than every row adding to a second (floating-point) count.
  const zero = new Int32Array(sizes.length);
  if (domain === null && rowGroup === null) {
    // One variable, no domain (the codes are the groups): the loop without their tests.
    counted[0] = countCodes(codes, w, sizes, zero);
    for (let g = 0; g < sizes.length; g++) respondents[g]! += sizes[g]! - zero[g]!;
    return;
  }
  for (let i = 0; i < n; i++) {
    const code = codes[i]!;
    const g = domain !== null && domain[i] === 0 ? -1 : code;
    if (rowGroup !== null) rowGroup[i] = g;
    if (g < 0) {
      if (code < 0 && (domain === null || domain[i] !== 0)) missing++;
      continue;
    }
    sizes[g]! += 1;
    if (w[i] === 0) zero[g]! += 1;
  }
  for (let g = 0; g < sizes.length; g++) respondents[g]! += sizes[g]! - zero[g]!;
  counted[0] = missing;
}

/**
 * {@link codeOne}'s pass for the codes of one variable without a domain: rows per code into
 * `sizes`, rows of zero weight per code into `zero`; returns the rows with a missing code.
 */
function countCodes(
  codes: Int32Array,
  w: Float64Array,
  sizes: Int32Array,
  zero: Int32Array,
): number {
  let missing = 0;
  for (let i = 0; i < codes.length; i++) {
    const g = codes[i]!;
    if (g < 0) {
      missing++;
      continue;
    }
    sizes[g]! += 1;
    if (w[i] === 0) zero[g]! += 1;
  }
  return missing;
}

/** {@link codeOne} for several grouping variables (the first varies fastest). */
function codeMany(
  codes: readonly Int32Array[],
  strides: Int32Array,
  domain: Uint8Array | null,
  w: Float64Array,
  rowGroup: Int32Array,
  sizes: Int32Array,
  respondents: Float64Array,
  counted: Float64Array,
): void {
  if (codes.length === 2) {
    codeTwo(codes[0]!, codes[1]!, strides[1]!, domain, w, rowGroup, sizes, respondents, counted);
    return;
  }
  const V = codes.length;
  let missing = 0;
  for (let i = 0; i < w.length; i++) {
    let g = 0;
    if (domain !== null && domain[i] === 0) g = -1;
    else {
      for (let v = 0; v < V; v++) {
        const c = codes[v]![i]!;
        if (c < 0) {
          g = -1;
          missing++;
          break;
        }
        g += c * strides[v]!;
      }
    }
    rowGroup[i] = g;
    if (g < 0) continue;
    sizes[g]! += 1;
    if (w[i] !== 0) respondents[g]! += 1;
  }
  counted[0] = missing;
}

/** {@link codeMany} for two grouping variables. */
function codeTwo(
  a: Int32Array,
  b: Int32Array,
  stride: number,
  domain: Uint8Array | null,
  w: Float64Array,
  rowGroup: Int32Array,
  sizes: Int32Array,
  respondents: Float64Array,
  counted: Float64Array,
): void {
  let missing = 0;
  for (let i = 0; i < w.length; i++) {
    let g = -1;
    if (domain === null || domain[i] !== 0) {
      const ca = a[i]!;
      const cb = b[i]!;
      if (ca < 0 || cb < 0) missing++;
      else g = ca + cb * stride;
    }
    rowGroup[i] = g;
    if (g < 0) continue;
    sizes[g]! += 1;
    if (w[i] !== 0) respondents[g]! += 1;
  }
  counted[0] = missing;
}

/**
 * A grouping variable's codes and levels: a categorical variable's own, or for a numeric one its
 * distinct values, sorted (labelled with `String(value)`).
 * @throws {EstimationError} `UNKNOWN_VARIABLE`.
 * @example
 * ```ts
 * const d = svyDesign(fromColumns({ g: [3, 1, NaN, 3] }));
 * const v = byVariable(d, 'g');
 * console.log(Array.from(v.codes), v.levels); // => [ 1, 0, -1, 1 ] [ '1', '3' ]
 * ```
 */
export function byVariable(design: SurveyDesign, name: string): ByVariable {
  const col = getColumn(design.data, name);
  if (col.kind === 'categorical') return { name, codes: col.codes, levels: col.levels };
  const values = col.values;
  const distinct = [...new Set(Array.from(values).filter((v) => !Number.isNaN(v)))].sort(
    (a, b) => a - b,
  );
  const index = new Map(distinct.map((v, k) => [v, k]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    codes[i] = Number.isNaN(v) ? -1 : index.get(v)!;
  }
  return { name, codes, levels: distinct.map(String) };
}

/**
 * The covariance of a table's rows (`null`: an empty group's row, `NaN` throughout) from the
 * estimators' rows.
 */
function tableCovariance(
  source: ReadonlyArray<Estimate | null>,
  opts: JointCovarianceOptions,
): Float64Array {
  const filled = source.filter((r): r is Estimate => r !== null);
  const Vfilled = jointCovariance(filled, opts);
  const K = source.length;
  const V = new Float64Array(K * K).fill(Number.NaN);
  const at: number[] = [];
  let f = 0;
  for (const r of source) at.push(r === null ? -1 : f++);
  for (let a = 0; a < K; a++) {
    const fa = at[a]!;
    if (fa < 0) continue;
    for (let b = 0; b < K; b++) {
      const fb = at[b]!;
      if (fb >= 0) V[a * K + b] = Vfilled[fa * f + fb]!;
    }
  }
  return V;
}

/** Row of an empty group (kept with `dropEmpty: false`): like the template row, with NaNs. */
function emptyRow(template: Estimate, group: Record<string, string>): Estimate {
  const row: Estimate = {
    variable: template.variable,
    estimate: Number.NaN,
    se: Number.NaN,
    ci: [Number.NaN, Number.NaN],
    n: 0,
    nMissing: 0,
    group,
  };
  if (template.level !== undefined) row.level = template.level;
  if (template.statistic !== undefined) row.statistic = template.statistic;
  if (template.deff !== undefined) row.deff = Number.NaN;
  return row;
}

/**
 * Labels of table rows: the group label (R's row name) when every group has one row, else
 * `<group>:<variable><level>` (R's coefficient names); repeats get `[j]` (the row's 1-based
 * position within its group).
 * @example
 * ```ts
 * const row = (level: string) => ({ variable: 'v', level, estimate: 0, se: 0, ci: [0, 0] as [number, number], n: 1, nMissing: 0 });
 * console.log(rowLabels([row('a'), row('b'), row('a'), row('b')], ['E', 'E', 'H', 'H'])); // => [ 'E:va', 'E:vb', 'H:va', 'H:vb' ]
 * ```
 */
export function rowLabels(rows: readonly Estimate[], groupLabels: readonly string[]): string[] {
  const perGroup = new Map<string, number>();
  for (const g of groupLabels) perGroup.set(g, (perGroup.get(g) ?? 0) + 1);
  const single = [...perGroup.values()].every((c) => c === 1);
  const keys = rows.map((r, a) =>
    single ? groupLabels[a]! : `${groupLabels[a]}:${r.variable}${r.level ?? ''}`,
  );
  return uniqueLabels(keys, groupLabels);
}

/**
 * An estimator's error with the group it failed for. The error of a call on the group's own
 * design is replaced by that of the same call on the group as a domain of the whole design, so
 * that row numbers in it are the data's.
 */
function inGroup(
  e: unknown,
  group: Record<string, string>,
  retry: (() => unknown) | null,
): unknown {
  if (e instanceof SurveyError && retry) {
    try {
      retry();
    } catch (again) {
      if (again instanceof SurveyError && again.code === e.code) e = again;
    }
  }
  const where = Object.entries(group)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ');
  if (e instanceof SurveyError) {
    const Ctor = e.constructor as new (
      code: string,
      message: string,
      details: SurveyError['details'],
    ) => SurveyError;
    return new Ctor(e.code, `group ${where}: ${e.message}`, { ...e.details, group });
  }
  return e;
}
