/**
 * `svyMean` and `svyTotal`.
 * @module
 */
import { findColumn, getColumn } from '../data/frame.js';
import { workingDesign } from '../design/scale.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { isCalibrated } from '../variance/calibration.js';
import type { Influence } from '../variance/influence.js';
import { needsPresence } from '../variance/linearization.js';
import { type EstimateTable, toEstimateTable, uniqueLabels } from './estimate-table.js';
import { checkFinite, rescaleTotals } from './finite.js';
import { groupColumn, groupMoments } from './group-moments.js';
import { attachInfluence, rowLink } from './influence-rows.js';
import { checkCovariance, covarianceLimit } from './limits.js';
import { designEffects, type MomentResult, meanMoments, totalMoments } from './moments.js';
import {
  type Analysis,
  choice,
  confidenceLevel,
  intervalDf,
  optionDf,
  prepare,
  waldInterval,
} from './prepare.js';
import { groupMomentReplicates } from './replicate-groups.js';
import type { Estimate, EstimateOptions } from './types.js';
import { estimateVariance, type ReplicateEstimates } from './variance.js';

/**
 * Weighted mean of one or more variables with design-based standard errors (R's `svymean`). A
 * numeric variable gives one row; a categorical one gives one row per level (the share of each
 * level). A 0/1 variable's mean is the share of 1s. The rows form an {@link EstimateTable}: an
 * array of {@link Estimate} that also carries their covariance and labels, for
 * {@link svyContrast} (and `svyNlContrast`).
 *
 * Several variables (R's `svymean(~a + b, design, na.rm = TRUE)`) give one table of all their
 * rows, in the order given, with their joint covariance, so that contrasts between variables
 * (`q1Yes − q2Yes`) have the right standard error. Its labels are R's coefficient names:
 * `'api00'` for a numeric variable, `'stypeE'` for the level E of `stype`.
 *
 * Missing values are excluded from the base and counted in `nMissing` (R's `na.rm = TRUE`,
 * computed as a domain so the SE is right). With several variables a respondent missing any of
 * them is left out for all of them, as R's `na.rm = TRUE` drops the row: every row's `n` is the
 * respondents with all the variables and `nMissing` those in the domain missing at least one;
 * `table.nMissingByVariable` says which variables they miss. (For per-variable bases, call
 * svyMean once per variable: rows of several calls on one design still combine in a contrast,
 * each estimate over its own respondents.)
 *
 * Speed: one pass over the rows per variable (plus one to find the respondents with every
 * variable); the variance adds up the influence values per PSU once for all variables.
 *
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param variables - A variable name, or several for one table with their joint covariance. A
 *   categorical variable gives one row per level (its shares).
 * @param opts - Missing values, design effect, confidence level and degrees of freedom: see
 *   {@link EstimateOptions}.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `MISSING_VALUES` (with `na: 'fail'`, naming the
 *   variable), `EMPTY_DOMAIN`, `ZERO_WEIGHT_DOMAIN`, `NON_FINITE_VALUE`, `BAD_OPTION`,
 *   `BAD_ARGUMENTS` (no variable, a variable given twice, or not a string), `TOO_LARGE` (more
 *   estimates — levels of the categorical variables plus the numeric ones — than
 *   `maxCovariance`, default 1,000).
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4, 5, 6], w: [1, 1, 1, 1, 2, 2] });
 * const [m] = svyMean(svyDesign(data, { weights: 'w' }), 'y');
 * console.log(m.estimate.toFixed(3), m.n); // => 4.000 6
 *
 * // Two variables at once: their joint covariance, and a contrast between them.
 * const poll = fromColumns({ q1: ['yes', 'no', 'yes', 'yes', 'no', 'yes'], q2: ['no', 'no', 'yes', 'no', 'no', 'yes'] });
 * const both = svyMean(svyDesign(poll), ['q1', 'q2']);
 * console.log(both.labels); // => [ 'q1yes', 'q1no', 'q2no', 'q2yes' ]
 * const gap = svyContrast(both, { q1yes: 1, q2yes: -1 });
 * console.log(gap.estimate.toFixed(4), gap.se.toFixed(4)); // => 0.3333 0.2108
 * ```
 */
export function svyMean(
  design: SurveyDesign,
  variables: string | readonly string[],
  opts: EstimateOptions = {},
): EstimateTable {
  const table = momentTable(workingDesign(design).design, variables, opts, 'mean');
  checkFinite(table, 'svyMean');
  return table;
}

/**
 * Weighted total of one or more variables with design-based standard errors (R's `svytotal`);
 * one row per level for a categorical variable (the estimated number in the population with
 * that level). Several variables give one {@link EstimateTable} with their joint covariance, as
 * {@link svyMean} (R's `svytotal(~a + b, design, na.rm = TRUE)`; the same labels and the same
 * handling of missing values).
 *
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param variables - A variable name, or several for one table with their joint covariance. A
 *   categorical variable gives one row per level (its population counts).
 * @param opts - Missing values, design effect, confidence level and degrees of freedom: see
 *   {@link EstimateOptions}.
 * @throws {EstimationError} as {@link svyMean}.
 * @example
 * ```ts
 * const data = fromColumns({ g: ['a', 'b', 'a', 'a'], w: [10, 10, 20, 20] });
 * const rows = svyTotal(svyDesign(data, { weights: 'w' }), 'g');
 * console.log(rows.map((r) => `${r.level}=${r.estimate}`).join(' ')); // => a=50 b=10
 * ```
 */
export function svyTotal(
  design: SurveyDesign,
  variables: string | readonly string[],
  opts: EstimateOptions = {},
): EstimateTable {
  const work = workingDesign(design);
  const table = rescaleTotals(momentTable(work.design, variables, opts, 'total'), work.exponent);
  checkFinite(table, 'svyTotal');
  return table;
}

function momentTable(
  design: SurveyDesign,
  variables: string | readonly string[],
  opts: EstimateOptions,
  kind: 'mean' | 'total',
): EstimateTable {
  const names = variableList(variables, kind);
  const level = confidenceLevel(opts);
  // a misspelt option would otherwise be silently ignored
  choice('na', opts.na, ['omit', 'fail'], 'omit');
  const d = opts.deff;
  if (d !== undefined && d !== true && d !== false && d !== 'replace') {
    throw new EstimationError(
      'BAD_OPTION',
      `deff must be true, false or 'replace'; got ${JSON.stringify(d)}`,
      { value: d },
    );
  }
  // the estimates' joint covariance: capped before any work (a column of thousands of levels)
  const limit = covarianceLimit(opts.maxCovariance);
  let p = 0;
  for (const name of names) {
    // (on a svyBy group: the whole design's column, which the group design would split out)
    const col = groupColumn(design, name) ?? findColumn(design.data, name);
    p += col?.kind === 'categorical' ? col.levels.length : 1;
  }
  const fn = kind === 'mean' ? 'svyMean' : 'svyTotal';
  checkCovariance(`${fn} of ${names.map((v) => `"${v}"`).join(', ')}`, p, limit, names.join('+'));
  if (names.length > 1) return severalVariables(design, names, opts, kind, level);
  const variable = names[0]!;
  // On one of svyBy's groups: from the one pass over all groups, where it applies.
  const rows =
    groupMoments(design, variable, opts, kind) ?? oneVariable(design, variable, opts, kind, level);
  const covariance = rows.length > 0 ? rowLink(rows[0]!)!.block.covariance : new Float64Array(0);
  return toEstimateTable(rows, { covariance, labels: rows.map((r) => r.level ?? r.variable) });
}

/** The variable names of a call, checked. */
function variableList(variables: string | readonly string[], kind: 'mean' | 'total'): string[] {
  const fn = kind === 'mean' ? 'svyMean' : 'svyTotal';
  const list = typeof variables === 'string' ? [variables] : variables;
  if (!Array.isArray(list) || list.length === 0) {
    throw new EstimationError(
      'BAD_ARGUMENTS',
      `${fn} needs a variable name or an array of them; got ${Array.isArray(list) ? 'an empty array' : JSON.stringify(variables)}`,
      { value: variables },
    );
  }
  const seen = new Set<string>();
  for (const v of list) {
    if (typeof v !== 'string') {
      throw new EstimationError(
        'BAD_ARGUMENTS',
        `${fn}: variable names must be strings; got ${JSON.stringify(v)}`,
        { value: v },
      );
    }
    if (seen.has(v)) {
      throw new EstimationError('BAD_ARGUMENTS', `${fn}: variable "${v}" is given twice`, {
        variable: v,
      });
    }
    seen.add(v);
  }
  return [...list];
}

/** One variable: its rows, registered as one block (see influence-rows.ts). */
function oneVariable(
  design: SurveyDesign,
  variable: string,
  opts: EstimateOptions,
  kind: 'mean' | 'total',
  level: number,
): Estimate[] {
  // The scan also sums per PSU what the influence needs, where it can (see prepare).
  const a = prepare(design, variable, opts, kind);
  const m = kind === 'mean' ? meanMoments(a) : totalMoments(a);
  const p = m.estimates.length;
  // On a replicate design, the replicate estimates are kept for the block (and taken from the
  // one pass over all of svyBy's groups when this is one of them).
  let replicates: ReplicateEstimates | null = null;
  // The rows' mask only where the variance reads it: a linearization variance that is not
  // calibrated and depends on which PSUs have a row (lonely PSUs). Elsewhere it is not read (a
  // whole design's numeric mean then never makes it: see prepare).
  const rowsRead =
    design.type === 'linearization' && !isCalibrated(design) && needsPresence(design);
  const V = estimateVariance(design, m.influence, rowsRead ? a.present : null, (d) => {
    replicates = groupMomentReplicates(d, a, kind, m.estimates) ?? m.replicates(d);
    return replicates;
  });
  const rows = momentRows([{ a, m }], V, opts, kind, level, intervalDf(a, opts), a.n, a.nMissing);
  // Hidden: what svyBy / svyContrast need for covariances between rows (see influence-rows.ts).
  attachInfluence(rows, {
    p,
    covariance: V,
    design,
    influence: m.influence,
    get present() {
      return a.present;
    },
    replicates,
  });
  return rows;
}

/**
 * Several variables (R's `svymean(~a + b, design, na.rm = TRUE)`): the respondents in the domain
 * with every variable, each variable's moments over them, and the covariance of all the
 * estimates from their influence values side by side (or their replicate estimates).
 */
function severalVariables(
  design: SurveyDesign,
  names: readonly string[],
  opts: EstimateOptions,
  kind: 'mean' | 'total',
  level: number,
): EstimateTable {
  const columns = names.map((v) => getColumn(design.data, v));
  const n = design.data.nrow;
  const domain = design.domain;
  // The respondents in the domain with every variable: one pass per variable.
  const rows = new Uint8Array(n);
  let inDomain = 0;
  for (let i = 0; i < n; i++) {
    if (domain === null || domain[i] !== 0) {
      rows[i] = 1;
      inDomain++;
    }
  }
  const missing = new Map<string, number>();
  let first: { variable: string; row: number; count: number } | null = null;
  columns.forEach((column, j) => {
    const [count, firstRow] = dropMissing(column, rows, domain);
    missing.set(names[j]!, count);
    if (count > 0 && (first === null || firstRow < first.row)) {
      first = { variable: names[j]!, row: firstRow, count };
    }
  });
  let base = 0;
  for (let i = 0; i < n; i++) base += rows[i]!;
  const nMissing = inDomain - base;
  const missed = first as { variable: string; row: number; count: number } | null;
  if (missed !== null && opts.na === 'fail') {
    throw new EstimationError(
      'MISSING_VALUES',
      `${nMissing} respondent(s) in the domain miss one of ${names.join(', ')} (first: "${missed.variable}" at row ${missed.row + 1}); use na: 'omit' to exclude them`,
      { variable: missed.variable, row: missed.row + 1, count: nMissing },
    );
  }
  if (base === 0) {
    throw new EstimationError(
      'EMPTY_DOMAIN',
      nMissing > 0
        ? `no respondent in the domain has all of ${names.join(', ')} (${nMissing} miss one or more)`
        : `the domain has no respondents, so ${names.join(', ')} cannot be estimated`,
      { variable: names.join('+'), nMissing },
    );
  }
  // Each variable on those rows (as a domain: the scan also sums what the influence needs).
  const on = { ...design, domain: rows };
  const parts = names.map((v) => {
    const a = prepare(on, v, {}, kind);
    return { a, m: kind === 'mean' ? meanMoments(a) : totalMoments(a) };
  });
  const P = parts.reduce((s, x) => s + x.m.estimates.length, 0);
  const influence = stackedInfluence(
    parts.map((x) => x.m.influence),
    rows,
  );
  let replicates: ReplicateEstimates | null = null;
  const V = estimateVariance(design, influence, rows, (d) => {
    const each = parts.map((x) => x.m.replicates(d));
    const full = new Float64Array(P);
    const reps = d.replicates.map(() => new Float64Array(P));
    let offset = 0;
    for (const e of each) {
      full.set(e.full, offset);
      e.reps.forEach((r, k) => {
        reps[k]!.set(r, offset);
      });
      offset += e.full.length;
    }
    replicates = { full, reps };
    return replicates;
  });
  const out = momentRows(parts, V, opts, kind, level, optionDf(design, opts), base, nMissing);
  attachInfluence(out, { p: P, covariance: V, design, influence, present: rows, replicates });
  const labels = uniqueLabels(out.map((r) => `${r.variable}${r.level ?? ''}`));
  return toEstimateTable(out, { covariance: V, labels, nMissingByVariable: missing });
}

/**
 * Clears `rows` where the column is missing; returns how many rows of the domain miss it and
 * the first of them (−1: none).
 */
function dropMissing(
  column: ReturnType<typeof getColumn>,
  rows: Uint8Array,
  domain: Uint8Array | null,
): [number, number] {
  let count = 0;
  let first = -1;
  const n = rows.length;
  if (column.kind === 'numeric') {
    const y = column.values;
    for (let i = 0; i < n; i++) {
      if (!Number.isNaN(y[i]!) || (domain !== null && domain[i] === 0)) continue;
      rows[i] = 0;
      if (count++ === 0) first = i;
    }
  } else {
    const codes = column.codes;
    for (let i = 0; i < n; i++) {
      if (codes[i]! >= 0 || (domain !== null && domain[i] === 0)) continue;
      rows[i] = 0;
      if (count++ === 0) first = i;
    }
  }
  return [count, first];
}

/**
 * Influence values of several estimators side by side (their columns in order), over the same
 * rows: their cluster totals are summed by each and interleaved.
 */
function stackedInfluence(parts: readonly Influence[], present: Uint8Array): Influence {
  const P = parts.reduce((s, x) => s + x.p, 0);
  return {
    p: P,
    present,
    dense: () => parts.flatMap((x) => [...x.dense()]),
    sumByCluster(rowCluster, totals, mark) {
      const nClusters = totals.length / P;
      let offset = 0;
      let seen: Uint8Array | undefined;
      for (const part of parts) {
        const p = part.p;
        const own = new Float64Array(nClusters * p);
        const marked = part.sumByCluster(rowCluster, own, mark);
        // Every part is over the same rows, so any part's clusters are all parts' clusters.
        if (marked !== undefined && part.present !== undefined) seen ??= marked;
        for (let c = 0; c < nClusters; c++) {
          for (let j = 0; j < p; j++) totals[c * P + offset + j] = own[c * p + j]!;
        }
        offset += p;
      }
      return seen;
    },
  };
}

/** The rows of a call: each part's estimates with their SEs from the covariance V. */
function momentRows(
  parts: ReadonlyArray<{ a: Analysis; m: MomentResult }>,
  V: Float64Array,
  opts: EstimateOptions,
  kind: 'mean' | 'total',
  level: number,
  df: number,
  n: number,
  nMissing: number,
): Estimate[] {
  const P = V.length === 0 ? 0 : Math.round(Math.sqrt(V.length));
  const rows: Estimate[] = [];
  let offset = 0;
  for (const { a, m } of parts) {
    const p = m.estimates.length;
    const variances = new Float64Array(p);
    for (let j = 0; j < p; j++) variances[j] = V[(offset + j) * P + offset + j]!;
    const deff = opts.deff
      ? designEffects(a, kind, variances, m.populationVariance(), opts.deff)
      : null;
    for (let j = 0; j < p; j++) {
      const se = Math.sqrt(variances[j]!);
      const row: Estimate = {
        variable: a.variable,
        statistic: kind,
        estimate: m.estimates[j]!,
        se,
        ci: waldInterval(m.estimates[j]!, se, level, df),
        n,
        nMissing,
      };
      if (m.levels) row.level = m.levels[j]!;
      if (deff) row.deff = deff[j]!;
      rows.push(row);
    }
    offset += p;
  }
  return rows;
}
