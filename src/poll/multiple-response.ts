/**
 * Multiple-response questions ("name up to three countries"): the share of respondents naming
 * each option, mentions per 100 respondents, the covariance of the shares, and tests of whether
 * two options differ.
 * @module
 */
import { getNumeric } from '../data/frame.js';
import type { LinearizationDesign, SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { attachInfluence, jointCovariance } from '../estimate/influence-rows.js';
import { waldInterval } from '../estimate/prepare.js';
import { longRuns } from '../estimate/runs.js';
import type { Estimate } from '../estimate/types.js';
import { estimateVariance } from '../estimate/variance.js';
import { isCalibrated } from '../variance/calibration.js';
import type { Influence } from '../variance/influence.js';
import {
  type DifferenceTest,
  derivedMean,
  differenceTest,
  type PollOptions,
  type Resolved,
  resolveOptions,
  withColumns,
} from './answers.js';
import { type MultipleResponseQuestion, textOf } from './questionnaire.js';

/** Options of {@link svyMultipleResponse}. */
export interface MultipleResponseOptions extends PollOptions {
  /**
   * A respondent with some option columns missing and others present:
   * `'exclude'` (default) leaves them out of the base, as R's `svymean(~a+b+..., na.rm = TRUE)`
   * does, so every share has the same base; `'notNamed'` keeps them, counting a missing option
   * as not named (for files that leave unnamed options empty).
   */
  partial?: 'exclude' | 'notNamed';
}

/** The share of respondents naming one option (an {@link Estimate} with the option's names). */
export interface OptionShare extends Estimate {
  /** The option's key in the questionnaire. */
  key: string;
  /** Its label (English, else the questionnaire's language: `textOf`). */
  label: string;
  /** Its kind: `'none'` and `'dk'` are not substantive options. */
  kind: string;
}

/** Everything {@link svyMultipleResponse} estimates for one question. */
export interface MultipleResponseResult {
  /** The question's id. */
  question: string;
  /** One row per option, in questionnaire order: the share of the base naming it. */
  options: OptionShare[];
  /** k × k covariance of the k shares (row-major, options order). */
  covariance: Float64Array;
  /** Mentions per 100 respondents: 100 × the sum of the shares, SE from the covariance. */
  mentions: Estimate;
  /** The base: respondents in the domain who answered the question. */
  n: number;
  /** Respondents in the domain who did not answer (every option column missing). */
  nMissing: number;
  /** Of those answering, respondents with some option columns missing (see `partial`). */
  nPartial: number;
  /** Confidence level of the intervals. */
  level: number;
  /** Degrees of freedom of the intervals and tests. */
  df: number;
}

/**
 * The share of respondents naming each option of a multiple-response question, with
 * design-based SEs and CIs, mentions per 100 respondents, and the covariance of the shares (one
 * respondent can name several options, so shares are correlated).
 *
 * Each option is a numeric 0/1 column (1: named). The base is the respondents in the design's
 * domain who answered the question: those with every option column present; a respondent with
 * every column missing did not answer (`nMissing`), one with some missing is handled by
 * `partial` (default: excluded, counted in `nMissing` and `nPartial`). Shares, SEs and the
 * covariance equal R's `svymean(~opt1 + opt2 + ..., design, na.rm = TRUE)` and `vcov()`;
 * intervals are Wald intervals with `df` (default: the design's degrees of freedom).
 *
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param question - The question from the questionnaire: its options, each a 0/1 column (see
 *   {@link MultipleResponseQuestion}).
 * @param opts - Who is in the base, confidence level and degrees of freedom: see
 *   {@link MultipleResponseOptions}.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `NOT_NUMERIC`, `NOT_BINARY` (a value other
 *   than 0/1 in the base), `EMPTY_DOMAIN` (nobody answered).
 * @example
 * ```ts
 * const data = fromColumns({
 *   a: [1, 1, 0, 1, NaN, 0], b: [0, 1, 1, 0, NaN, 0], w: [1, 2, 1, 1, 1, 2],
 * });
 * const q = { id: 'q', question: { en: 'Which?' }, options: [
 *   { variable: 'a', key: 'a', label: { en: 'A' } }, { variable: 'b', key: 'b', label: { en: 'B' } }] };
 * const r = svyMultipleResponse(svyDesign(data, { weights: 'w' }), q, { df: Infinity });
 * console.log(r.options.map((o) => `${o.key}=${o.estimate.toFixed(3)}`).join(' '), r.n, r.nMissing); // => a=0.571 b=0.429 5 1
 * console.log(r.mentions.estimate.toFixed(1)); // => 100.0
 * ```
 */
export function svyMultipleResponse(
  design: SurveyDesign,
  question: MultipleResponseQuestion,
  opts: MultipleResponseOptions = {},
): MultipleResponseResult {
  const resolved = resolveOptions(design, opts);
  const partial = opts.partial ?? 'exclude';
  if (partial !== 'exclude' && partial !== 'notNamed') {
    throw new EstimationError('BAD_OPTION', `partial must be 'exclude' or 'notNamed'`, {
      value: partial,
    });
  }
  const nrow = design.data.nrow;
  const { columns, base, nPartial } = responseBase(design, question, partial);
  const k = columns.length;
  const shares =
    design.type === 'linearization' && !isCalibrated(design) && k > 0
      ? columnShares(design, question, columns, base, resolved)
      : null;
  if (shares !== null) {
    return finish(question, shares, jointCovariance(shares), resolved, partial, nPartial);
  }

  const derived: Record<string, Float64Array> = Object.create(null);
  const names = question.options.map((o) => `${o.variable}[${question.id}]`);
  question.options.forEach((o, j) => {
    const src = columns[j]!;
    const y = new Float64Array(nrow).fill(Number.NaN);
    for (let i = 0; i < nrow; i++) {
      if (!base[i]) continue;
      const v = Number.isNaN(src[i]!) ? 0 : src[i]!;
      if (v !== 0 && v !== 1) {
        throw new EstimationError(
          'NOT_BINARY',
          `option "${o.key}" of "${question.id}": "${o.variable}" is ${v} at row ${i + 1}; multiple-response columns must be 0/1`,
          { variable: o.variable, row: i + 1, value: v },
        );
      }
      y[i] = v;
    }
    derived[names[j]!] = y;
  });
  const d = withColumns(design, derived);
  const options: OptionShare[] = question.options.map((o, j) => {
    const row = derivedMean(d, names[j]!, resolved, {
      variable: o.variable,
      statistic: 'proportion',
    }) as OptionShare;
    row.key = o.key;
    row.label = textOf(o.label);
    row.kind = o.kind ?? 'option';
    return row;
  });
  return finish(question, options, jointCovariance(options), resolved, partial, nPartial);
}

/** The option columns of a multiple-response question and who answered it. */
export interface ResponseBase {
  /** Per option, its 0/1 column (`NaN`: missing). */
  readonly columns: readonly Float64Array[];
  /** 1 for respondents in the design's domain who answered (as `partial` says). */
  readonly base: Uint8Array;
  /** Respondents in the domain with some, not all, option columns missing. */
  readonly nPartial: number;
}

/**
 * The base of a multiple-response question on a design: the respondents in the domain who
 * answered it (every option column present; with `partial: 'notNamed'`, at least one), checked
 * to have only 0/1 values.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `NOT_NUMERIC`, `NOT_BINARY`.
 * @example
 * ```ts
 * const data = fromColumns({ a: [1, 0, NaN, 1], b: [0, 0, NaN, NaN] });
 * const q = { id: 'q', question: { en: 'Which?' }, options: [
 *   { variable: 'a', key: 'a', label: { en: 'A' } }, { variable: 'b', key: 'b', label: { en: 'B' } }] };
 * const r = responseBase(svyDesign(data), q, 'exclude');
 * console.log(Array.from(r.base), r.nPartial); // => [ 1, 1, 0, 0 ] 1
 * ```
 */
export function responseBase(
  design: SurveyDesign,
  question: MultipleResponseQuestion,
  partial: 'exclude' | 'notNamed',
): ResponseBase {
  const data = design.data;
  const columns = question.options.map((o) => getNumeric(data, o.variable).values);
  const { base, nPartial, other } = answered(columns, design.domain, data.nrow, partial);
  // A value other than 0/1 somewhere: the error, if that row is in the base.
  question.options.forEach((o, j) => {
    if (other[j]) notBinary(question, o, columns[j]!, base);
  });
  return { columns, base, nPartial };
}

function finish(
  question: MultipleResponseQuestion,
  options: OptionShare[],
  covariance: Float64Array,
  resolved: Resolved,
  partial: 'exclude' | 'notNamed',
  nPartial: number,
): MultipleResponseResult {
  const k = options.length;
  const first = options[0]!;

  let sum = 0;
  let variance = 0;
  for (let a = 0; a < k; a++) {
    sum += options[a]!.estimate;
    for (let b = 0; b < k; b++) variance += covariance[a * k + b]!;
  }
  const se = 100 * Math.sqrt(Math.max(variance, 0));
  const mentions: Estimate = {
    variable: question.id,
    statistic: 'mentions per 100',
    estimate: 100 * sum,
    se,
    ci: waldInterval(100 * sum, se, resolved.level, resolved.df),
    n: first.n,
    nMissing: first.nMissing,
  };
  return {
    question: question.id,
    options,
    covariance,
    mentions,
    n: first.n,
    nMissing: first.nMissing,
    nPartial: partial === 'exclude' ? nPartial : 0,
    level: resolved.level,
    df: resolved.df,
  };
}

/**
 * The base (1: a respondent in the domain who answered, as `partial` says) and the respondents
 * with some option columns missing, from the missing columns per row counted column by column
 * (a write only for a missing value).
 */
function answered(
  columns: readonly Float64Array[],
  domain: Uint8Array | null,
  nrow: number,
  partial: 'exclude' | 'notNamed',
): { base: Uint8Array; nPartial: number; other: Uint8Array } {
  const k = columns.length;
  const missing = new Int32Array(nrow);
  const other = new Uint8Array(k);
  columns.forEach((col, j) => {
    other[j] = nonBinaryCount(col, missing) === 0 ? 0 : 1;
  });
  const base = new Uint8Array(nrow);
  const nPartial = baseRows(missing, domain, k, partial === 'notNamed', base);
  return { base, nPartial, other };
}

/**
 * The pass of {@link answered} that marks the base from the missing columns per row; returns the
 * respondents in the domain with some, not all, columns missing. (Hot loops are functions of
 * typed arrays of their own, here and below: V8 optimises them once, whatever happens to the
 * functions around them; inside those, the same loops ran several times slower.)
 */
function baseRows(
  missing: Int32Array,
  domain: Uint8Array | null,
  k: number,
  notNamed: boolean,
  base: Uint8Array,
): number {
  let nPartial = 0;
  for (let i = 0; i < missing.length; i++) {
    if (domain !== null && domain[i] === 0) continue;
    const present = k - missing[i]!;
    if (present > 0 && present < k) nPartial++;
    base[i] = present === k || (present > 0 && notNamed) ? 1 : 0;
  }
  return nPartial;
}

/**
 * Counts the missing values of `y` per row into `missing`; returns how many values present are
 * neither 0 nor 1 (an integer count: a sum of floating-point terms would make each row wait for
 * the previous row's addition).
 */
function nonBinaryCount(y: Float64Array, missing: Int32Array): number {
  let other = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) missing[i]!++;
    else other += v * (v - 1) !== 0 ? 1 : 0; // 0 for v = 0 or 1 only; no branch on v itself
  }
  return other;
}

/**
 * The passes of two options at once (see `columnShares`; they share the loads of the weights and
 * PSUs): into `out` Σ w y, its compensation and Σ w (1 − y) of `y` then of `y2`; into `t` and
 * `t2` (zero on entry) their Σ w y per PSU. A missing value counts as 0.
 */
function optionSums(
  y: Float64Array,
  y2: Float64Array,
  baseW: Float64Array,
  rowCluster: Int32Array,
  t: Float64Array,
  t2: Float64Array,
  out: Float64Array,
  runs: boolean,
): void {
  let sumWY = 0;
  let errWY = 0;
  let sumWN = 0;
  let sumWY2 = 0;
  let errWY2 = 0;
  let sumWN2 = 0;
  // the PSU being summed (row 0's to start) and its two running sums
  let key = y.length > 0 ? rowCluster[0]! : 0;
  let acc = t.length > 0 ? t[key]! : 0;
  let acc2 = t2.length > 0 ? t2[key]! : 0;
  for (let i = 0; i < y.length; i++) {
    let v = y[i]!;
    if (Number.isNaN(v)) v = 0; // outside the base, or not named under partial: 'notNamed'
    let v2 = y2[i]!;
    if (Number.isNaN(v2)) v2 = 0;
    const w = baseW[i]!;
    const wy = w * v;
    const wy2 = w * v2;
    let s = sumWY + wy;
    errWY += Math.abs(sumWY) >= Math.abs(wy) ? sumWY - s + wy : wy - s + sumWY;
    sumWY = s;
    sumWN += w - wy;
    s = sumWY2 + wy2;
    errWY2 += Math.abs(sumWY2) >= Math.abs(wy2) ? sumWY2 - s + wy2 : wy2 - s + sumWY2;
    sumWY2 = s;
    sumWN2 += w - wy2;
    const c = rowCluster[i]!;
    if (!runs) {
      t[c]! += wy;
      t2[c]! += wy2;
      continue;
    }
    // Rows of one PSU in a row (a file sorted by PSU) are summed in registers, as each addition
    // to memory would wait for the previous one; the same additions in the same order.
    if (c !== key) {
      t[key] = acc;
      t2[key] = acc2;
      key = c;
      acc = t[c]!;
      acc2 = t2[c]!;
    }
    acc += wy;
    acc2 += wy2;
  }
  if (runs) {
    t[key] = acc;
    t2[key] = acc2;
  }
  out[0] = sumWY;
  out[1] = errWY;
  out[2] = sumWN;
  out[3] = sumWY2;
  out[4] = errWY2;
  out[5] = sumWN2;
}

/**
 * The base pass of `columnShares`: the weights of the base's rows into `baseW` (0 elsewhere),
 * Σ w per PSU into `psuW`, the PSUs with a base row into `seen`; into `out` the base's size, the
 * domain's rows outside it, Σ w in row order (NaN when a weight is negative or NaN) and the
 * base's first row (−1: none).
 */
function baseWeights(
  domain: Uint8Array | null,
  base: Uint8Array,
  weights: Float64Array,
  rowCluster: Int32Array,
  baseW: Float64Array,
  psuW: Float64Array,
  seen: Uint8Array,
  out: Float64Array,
): void {
  let n = 0;
  let nMissing = 0;
  let sumW = 0;
  let firstRow = -1;
  for (let i = 0; i < base.length; i++) {
    if (domain !== null && domain[i] === 0) continue;
    if (base[i] === 0) {
      nMissing++;
      continue;
    }
    const w = weights[i]!;
    if (!(w >= 0)) {
      sumW = Number.NaN;
      break;
    }
    if (n++ === 0) firstRow = i;
    baseW[i] = w;
    sumW += w;
    const c = rowCluster[i]!;
    psuW[c]! += w;
    seen[c] = 1;
  }
  out[0] = n;
  out[1] = nMissing;
  out[2] = sumW;
  out[3] = firstRow;
}

/** Throws `NOT_BINARY` for the first row of the base whose value of `y` is not 0 or 1, if any. */
function notBinary(
  question: MultipleResponseQuestion,
  o: MultipleResponseQuestion['options'][number],
  y: Float64Array,
  base: Uint8Array,
): void {
  for (let i = 0; i < y.length; i++) {
    if (!base[i]) continue;
    const v = y[i]!;
    if (!Number.isNaN(v) && v !== 0 && v !== 1) {
      throw new EstimationError(
        'NOT_BINARY',
        `option "${o.key}" of "${question.id}": "${o.variable}" is ${v} at row ${i + 1}; multiple-response columns must be 0/1`,
        { variable: o.variable, row: i + 1, value: v },
      );
    }
  }
}

/**
 * The option shares on a linearization design without calibration, column by column: one pass
 * for the base's weight per PSU, then per option one pass for its weighted sum (compensated, as
 * svyMean's) and its weighted sum per PSU. The influence of share p_k is w (y_k − p_k) / Σw, so
 * its PSU totals are (Σ w y_k − p_k Σ w) / Σw from that PSU × option table; the covariance of
 * the shares is the linearization variance of those totals (stage 1; later stages of a design
 * with fpc sum the rows again). The same estimates and covariance as svyMean of each derived
 * column and `jointCovariance` of the rows, without the derived columns.
 */
function columnShares(
  design: LinearizationDesign,
  question: MultipleResponseQuestion,
  columns: readonly Float64Array[],
  base: Uint8Array,
  resolved: Resolved,
): OptionShare[] | null {
  const k = columns.length;
  const nrow = base.length;
  const domain = design.domain;
  const weights = design.weights;
  const stage = design.stages[0]!;
  const rowCluster = stage.rowCluster;
  const nClusters = stage.nClusters;

  // The base: its size, the rows left out, Σ w in row order and per PSU, and the weights of its
  // rows (0 for other rows, so the passes below need not test each row).
  const baseW = new Float64Array(nrow);
  const psuW = new Float64Array(nClusters);
  const seen = new Uint8Array(nClusters);
  const sums = new Float64Array(4);
  baseWeights(domain, base, weights, rowCluster, baseW, psuW, seen, sums);
  const n = sums[0]!;
  const nMissing = sums[1]!;
  const sumW = sums[2]!;
  const firstRow = sums[3]!;
  // a negative weight: Σ w (y − y₀) could cancel, so the zero test below would not do
  if (Number.isNaN(sumW)) return null;

  // Per option, one pass (two options at a time) without tests of the base: Σ w y (compensated,
  // as prepare's scan of a numeric column), Σ w (1 − y) and Σ w y per PSU (in row order). The share is Σ w y / Σ w, or exactly the first value y₀ when
  // Σ w (y − y₀) is 0, as svyMean's: for y₀ = 0 that is Σ w y = 0 (the same share), for y₀ = 1
  // Σ w (1 − y) = 0 (a sum of terms that are not negative, as weights are not here).
  const shares = new Float64Array(k);
  const table = new Float64Array(nClusters * k);
  const t = new Float64Array(nClusters);
  const t2 = new Float64Array(nClusters);
  const out = new Float64Array(6);
  // PSUs in long runs (a file sorted by PSU): their sums are kept in registers along a run
  const runs = longRuns(rowCluster);
  for (let j = 0; j < k; j += 2) {
    const pair = j + 1 < k;
    t.fill(0);
    t2.fill(0);
    // an odd last option is paired with itself
    optionSums(columns[j]!, columns[pair ? j + 1 : j]!, baseW, rowCluster, t, t2, out, runs);
    for (let m = 0; m < (pair ? 2 : 1); m++) {
      const tm = m === 0 ? t : t2;
      for (let c = 0; c < nClusters; c++) table[c * k + j + m] = tm[c]!;
      if (n === 0) continue;
      const y = columns[j + m]!;
      const sumWY = out[3 * m]! + out[3 * m + 1]!;
      const first = Number.isNaN(y[firstRow]!) ? 0 : y[firstRow]!;
      const zero = first === 0 ? sumWY === 0 : out[3 * m + 2] === 0;
      shares[j + m] = zero ? first : sumWY / sumW;
    }
  }

  const first = `${question.options[0]!.variable}[${question.id}]`;
  if (n === 0) {
    throw new EstimationError(
      'EMPTY_DOMAIN',
      nMissing > 0
        ? `variable "${first}" is missing for every respondent in the domain (${nMissing})`
        : `the domain has no respondents, so "${first}" cannot be estimated`,
      { variable: first, nMissing },
    );
  }
  if (!(sumW > 0)) {
    throw new EstimationError(
      'ZERO_WEIGHT_DOMAIN',
      `the respondents with "${first}" in the domain have weight 0`,
      { variable: first },
    );
  }

  const inv = 1 / sumW;
  const influence: Influence = {
    p: k,
    present: base,
    sumByCluster(clusters, totals) {
      if (clusters === rowCluster && totals.length === nClusters * k) {
        for (let c = 0; c < nClusters; c++) {
          const s = psuW[c]!;
          for (let j = 0; j < k; j++)
            totals[c * k + j]! += (table[c * k + j]! - s * shares[j]!) * inv;
        }
        return seen;
      }
      const marked = new Uint8Array(totals.length / k);
      for (let j = 0; j < k; j++) {
        const y = columns[j]!;
        const p = shares[j]!;
        for (let i = 0; i < nrow; i++) {
          if (!base[i]) continue;
          const v = y[i]!;
          const c = clusters[i]!;
          marked[c] = 1;
          totals[c * k + j]! += weights[i]! * ((Number.isNaN(v) ? 0 : v) - p) * inv;
        }
      }
      return marked;
    },
    dense() {
      return columns.map((y, j) => {
        const z = new Float64Array(nrow);
        const p = shares[j]!;
        for (let i = 0; i < nrow; i++) {
          if (!base[i]) continue;
          const v = y[i]!;
          z[i] = weights[i]! * ((Number.isNaN(v) ? 0 : v) - p) * inv;
        }
        return z;
      });
    },
  };
  const V = estimateVariance(design, influence, base);
  const rows = question.options.map((o, j): OptionShare => {
    const estimate = shares[j]!;
    const se = Math.sqrt(V[j * k + j]!);
    return {
      variable: o.variable,
      statistic: 'proportion',
      estimate,
      se,
      ci: waldInterval(estimate, se, resolved.level, resolved.df),
      n,
      nMissing,
      key: o.key,
      label: textOf(o.label),
      kind: o.kind ?? 'option',
    };
  });
  attachInfluence(rows, {
    p: k,
    covariance: V,
    design,
    influence,
    present: base,
    replicates: null,
  });
  return rows;
}

/** {@link compareOptions}: the test of option `a` against option `b`. */
export interface OptionComparison extends DifferenceTest {
  /** Key of the first option. */
  a: string;
  /** Key of the second option (the difference is a − b). */
  b: string;
}

/**
 * A design-based test of whether two options of a multiple-response question are named by
 * different shares of respondents: the difference of shares, its SE √(var_a + var_b − 2 cov_ab)
 * (the covariance matters: one respondent can name both), the t statistic with the result's
 * degrees of freedom, its two-sided p-value, and the interval at the result's level (R:
 * `svycontrast(m, c(a = 1, b = -1))`).
 *
 * @param result - A result of {@link svyMultipleResponse}.
 * @param a - The key of the first option.
 * @param b - The key of the second option (the difference is a − b).
 * @throws {EstimationError} `UNKNOWN_LEVEL` for an option key the question does not have.
 * @example
 * ```ts
 * const data = fromColumns({ a: [1, 1, 0, 1, 0, 1], b: [0, 1, 1, 0, 0, 0] });
 * const q = { id: 'q', question: { en: 'Which?' }, options: [
 *   { variable: 'a', key: 'a', label: { en: 'A' } }, { variable: 'b', key: 'b', label: { en: 'B' } }] };
 * const c = compareOptions(svyMultipleResponse(svyDesign(data), q), 'a', 'b');
 * console.log(c.difference.toFixed(4), c.se.toFixed(4), c.df); // => 0.3333 0.3333 5
 * ```
 */
export function compareOptions(
  result: MultipleResponseResult,
  a: string,
  b: string,
): OptionComparison {
  const k = result.options.length;
  const ia = optionIndex(result, a);
  const ib = optionIndex(result, b);
  const V = result.covariance;
  const test = differenceTest(
    result.options[ia]!.estimate,
    result.options[ib]!.estimate,
    V[ia * k + ia]!,
    V[ib * k + ib]!,
    V[ia * k + ib]!,
    { level: result.level, df: result.df },
  );
  return { a, b, ...test };
}

function optionIndex(result: MultipleResponseResult, key: string): number {
  const i = result.options.findIndex((o) => o.key === key);
  if (i < 0) {
    const valid = result.options.map((o) => o.key);
    throw new EstimationError(
      'UNKNOWN_LEVEL',
      `question "${result.question}" has no option "${key}"; its options are: ${valid.join(', ')}`,
      { level: key, valid },
    );
  }
  return i;
}
