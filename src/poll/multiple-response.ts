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
import type { Estimate } from '../estimate/types.js';
import { estimateVariance } from '../estimate/variance.js';
import { isCalibrated } from '../variance/calibration.js';
import type { Influence } from '../variance/influence.js';
import { needsPresence } from '../variance/linearization.js';
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
  if (design.type === 'linearization' && !isCalibrated(design) && question.options.length > 0) {
    // One pass over the rows for the base, the checks and every option's sums (see optionTable);
    // null when a value of the base is not 0/1 or a weight is negative: the passes below then
    // throw or take the derived columns.
    const columns = question.options.map((o) => getNumeric(design.data, o.variable).values);
    const sums = optionTable(design, columns, partial === 'notNamed');
    if (sums !== null) {
      const shares = columnShares(design, question, columns, sums, resolved);
      return finish(question, shares, jointCovariance(shares), resolved, partial, sums.nPartial);
    }
  }
  const { columns, base, nPartial } = responseBase(design, question, partial);

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

/** What {@link optionTable}'s pass over the rows gives. */
interface OptionTable {
  /**
   * 1 for the base's rows (the domain's respondents who answered, as `partial` says): made when
   * first asked for (the pass does not mark them; see {@link columnShares}).
   */
  readonly base: () => Uint8Array;
  /** partial: 'notNamed' (a respondent with some options missing is in the base). */
  readonly notNamed: boolean;
  /** The base's size, the domain's rows outside it, and those with some options missing. */
  readonly n: number;
  readonly nMissing: number;
  readonly nPartial: number;
  /** Σ w over the base, in row order; its first row (−1: none). */
  readonly sumW: number;
  readonly firstRow: number;
  /** Per option j: Σ w y (at 2j) and its compensation (2j + 1). */
  readonly sums: Float64Array;
  /**
   * Σ w y per PSU and option (PSU-major: `table[c·k + j]`), Σ w per PSU, PSUs with a base row
   * (`null`: not marked, as the variance does not ask: no lonely PSUs, see `needsPresence`).
   */
  readonly table: Float64Array;
  readonly psuW: Float64Array;
  readonly seen: Uint8Array | null;
}

/**
 * The base, the checks and the sums of every option of a multiple-response question on a
 * linearization design, in one pass over the rows ({@link optionRows}); `null` when a value of
 * the base is neither 0 nor 1 or a weight of the base is negative or NaN (the caller then takes
 * the passes that throw the error, or the derived columns).
 */
function optionTable(
  design: LinearizationDesign,
  columns: readonly Float64Array[],
  notNamed: boolean,
): OptionTable | null {
  const k = columns.length;
  const stage = design.stages[0]!;
  const nClusters = stage.nClusters;
  const sums = new Float64Array(2 * k);
  const table = new Float64Array(nClusters * k);
  const psuW = new Float64Array(nClusters);
  // (a scratch array when the marks are not kept: the pass stores them either way, without a test)
  const seen = new Uint8Array(nClusters);
  const out = new Float64Array(6);
  const args = { notNamed, sums, table, psuW, seen, out };
  optionRows(columns, design.domain, design.weights, stage.rowCluster, args);
  if (out[5] !== 0) return null;
  let base: Uint8Array | null = null;
  return {
    base: () => {
      base ??= answered(
        columns,
        design.domain,
        design.data.nrow,
        notNamed ? 'notNamed' : 'exclude',
      ).base;
      return base;
    },
    notNamed,
    n: out[0]!,
    nMissing: out[1]!,
    nPartial: out[2]!,
    sumW: out[3]!,
    firstRow: out[4]!,
    sums,
    table,
    psuW,
    seen: needsPresence(design) ? seen : null,
  };
}

/** Rows per block of {@link optionRows}: the block's k option values stay in the L1 cache. */
const BLOCK = 128;

/**
 * The pass of {@link optionTable}, block by block of {@link BLOCK} rows (the block's values of
 * all k options stay in cache between the three steps):
 * 1. six (then four) options at a time, per row Σ |y (y − 1)| over its options: 0 when every
 *    value is 0 or 1 (nearly every row), else the row's values are looked at one by one
 *    (missing, other);
 * 2. row by row, the base (all present; with `notNamed`, at least one), the checks, Σ w, Σ w per
 *    PSU, and the block's base rows with their weight and PSU (a base row with options missing,
 *    under `notNamed`, is added on its own where it comes, see {@link partialRow}, so that step
 *    3 need not test every value for a missing one: measured, ~7% of its time);
 * 3. four options at a time over those rows: Σ w y (compensated, as prepare's scan of a numeric
 *    column) in locals (four independent chains of additions, which the processor overlaps; one
 *    option alone would wait for each addition), and w·y into the row's PSU's k sums, which sit
 *    side by side (the block's PSUs' sums stay in cache from one option to the next, where a
 *    pass per option scattered into k separate arrays).
 * Every sum takes the same additions in the same (row) order as a pass per option would, so the
 * results are those of svyMean of each derived column. Stops, with `out[5]` = 1, at a value of
 * the base other than 0/1 or a negative or NaN weight. Into `out`: the base's size, the domain's
 * rows outside it, the domain's rows with some options missing, Σ w, the base's first row. (Hot
 * loops are functions of typed arrays of their own, here and below: V8 optimises them once,
 * whatever happens to the functions around them.)
 */
function optionRows(
  columns: readonly Float64Array[],
  domain: Uint8Array | null,
  weights: Float64Array,
  rowCluster: Int32Array,
  a: {
    notNamed: boolean;
    sums: Float64Array;
    table: Float64Array;
    psuW: Float64Array;
    seen: Uint8Array;
    out: Float64Array;
  },
): void {
  const { notNamed, sums, table, psuW, seen, out } = a;
  const k = columns.length;
  const nrow = weights.length;
  // per row of a block: Σ |y (y − 1)| over its options, 0 when all are 0 or 1, NaN when one is
  // missing, > 0 when one is something else (then the row is looked at again, option by option)
  const check = new Float64Array(BLOCK);
  // per base row of a block: its row, weight and first sum in `table`
  const rows = new Int32Array(BLOCK);
  const rowW = new Float64Array(BLOCK);
  const at = new Int32Array(BLOCK);
  let n = 0;
  let nMissing = 0;
  let nPartial = 0;
  let sumW = 0;
  let firstRow = -1;
  let stop = 0;
  for (let start = 0; start < nrow && stop === 0; start += BLOCK) {
    const end = Math.min(nrow, start + BLOCK);
    let j = 0;
    for (; j + 6 <= k; j += 6) checkSix(columns, j, start, end, check);
    for (; j + 4 <= k; j += 4) {
      checkFour(columns[j]!, columns[j + 1]!, columns[j + 2]!, columns[j + 3]!, start, end, check);
    }
    for (; j < k; j++) {
      const y = columns[j]!;
      for (let i = start; i < end; i++) check[i - start]! += Math.abs(y[i]! * (y[i]! - 1));
    }
    let m = 0;
    for (let i = start; i < end; i++) {
      const x = check[i - start]!;
      check[i - start] = 0;
      if (domain !== null && domain[i] === 0) continue;
      let other = 0;
      let missing = 0;
      if (x !== 0) {
        // a value missing or other than 0/1 (rare): the row's options one by one
        for (let o = 0; o < k; o++) {
          const v = columns[o]![i]!;
          if (Number.isNaN(v)) missing++;
          else if (v !== 0 && v !== 1) other++;
        }
        if (missing > 0 && missing < k) nPartial++;
        if (!(missing === 0 || (missing < k && notNamed))) {
          nMissing++;
          continue;
        }
      }
      const w = weights[i]!;
      if (other !== 0 || !(w >= 0)) {
        stop = 1;
        break;
      }
      if (n++ === 0) firstRow = i;
      sumW += w;
      const c = rowCluster[i]!;
      psuW[c]! += w;
      seen[c] = 1;
      if (missing > 0) {
        // kept with options missing (partial: 'notNamed', rare): the block's rows before it, then
        // it alone (so the loops over the block need not test for a missing value)
        blockOptions(columns, m, rows, rowW, at, table, sums);
        m = 0;
        partialRow(columns, i, w, c * k, table, sums);
        continue;
      }
      rows[m] = i;
      rowW[m] = w;
      at[m++] = c * k;
    }
    if (stop !== 0) break;
    blockOptions(columns, m, rows, rowW, at, table, sums);
  }
  out[0] = n;
  out[1] = nMissing;
  out[2] = nPartial;
  out[3] = sumW;
  out[4] = firstRow;
  out[5] = stop;
}

/**
 * Adds |y (y − 1)| of options j..j+5 to `check`, per row of `start..end` (see optionRows; six
 * at a time for the reasons of {@link blockOptions}: measured, 0.91x the time of passes of four,
 * as fast as the bare loop's plain sums of four).
 */
function checkSix(
  columns: readonly Float64Array[],
  j: number,
  start: number,
  end: number,
  check: Float64Array,
): void {
  const y0 = columns[j]!;
  const y1 = columns[j + 1]!;
  const y2 = columns[j + 2]!;
  const y3 = columns[j + 3]!;
  const y4 = columns[j + 4]!;
  const y5 = columns[j + 5]!;
  for (let i = start; i < end; i++) {
    const a = y0[i]!;
    const b = y1[i]!;
    const c = y2[i]!;
    const d = y3[i]!;
    const e = y4[i]!;
    const f = y5[i]!;
    check[i - start]! +=
      Math.abs(a * (a - 1)) +
      Math.abs(b * (b - 1)) +
      Math.abs(c * (c - 1)) +
      Math.abs(d * (d - 1)) +
      Math.abs(e * (e - 1)) +
      Math.abs(f * (f - 1));
  }
}

/** Adds |y (y − 1)| of four options to `check`, per row of `start..end` (see optionRows). */
function checkFour(
  y0: Float64Array,
  y1: Float64Array,
  y2: Float64Array,
  y3: Float64Array,
  start: number,
  end: number,
  check: Float64Array,
): void {
  for (let i = start; i < end; i++) {
    const a = y0[i]!;
    const b = y1[i]!;
    const c = y2[i]!;
    const d = y3[i]!;
    check[i - start]! +=
      Math.abs(a * (a - 1)) + Math.abs(b * (b - 1)) + Math.abs(c * (c - 1)) + Math.abs(d * (d - 1));
  }
}

/**
 * Step 3 of {@link optionRows}: every option over a block's `m` base rows (none missing a value),
 * six at a time, then four, then one. (Six: each row's index, weight and PSU are read once for
 * more options, and the chains of additions of six options overlap; measured on the bench's 1M
 * rows, 12 options, 0.91x the time of three passes of four. Eight spilled out of the registers.)
 */
function blockOptions(
  columns: readonly Float64Array[],
  m: number,
  rows: Int32Array,
  rowW: Float64Array,
  at: Int32Array,
  table: Float64Array,
  sums: Float64Array,
): void {
  const k = columns.length;
  let j = 0;
  for (; j + 6 <= k; j += 6) sixOptions(columns, j, m, rows, rowW, at, table, sums);
  for (; j + 4 <= k; j += 4) fourOptions(columns, j, m, rows, rowW, at, table, sums);
  for (; j < k; j++) oneOption(columns[j]!, j, m, rows, rowW, at, table, sums);
}

/** Options j..j+5 of {@link optionRows}, as {@link fourOptions}. */
function sixOptions(
  columns: readonly Float64Array[],
  j: number,
  m: number,
  rows: Int32Array,
  rowW: Float64Array,
  at: Int32Array,
  table: Float64Array,
  sums: Float64Array,
): void {
  const y0 = columns[j]!;
  const y1 = columns[j + 1]!;
  const y2 = columns[j + 2]!;
  const y3 = columns[j + 3]!;
  const y4 = columns[j + 4]!;
  const y5 = columns[j + 5]!;
  let s0 = sums[2 * j]!;
  let e0 = sums[2 * j + 1]!;
  let s1 = sums[2 * j + 2]!;
  let e1 = sums[2 * j + 3]!;
  let s2 = sums[2 * j + 4]!;
  let e2 = sums[2 * j + 5]!;
  let s3 = sums[2 * j + 6]!;
  let e3 = sums[2 * j + 7]!;
  let s4 = sums[2 * j + 8]!;
  let e4 = sums[2 * j + 9]!;
  let s5 = sums[2 * j + 10]!;
  let e5 = sums[2 * j + 11]!;
  for (let r = 0; r < m; r++) {
    const i = rows[r]!;
    const w = rowW[r]!;
    const t = at[r]! + j;
    let wy = w * y0[i]!;
    let s = s0 + wy;
    e0 += s0 >= wy ? s0 - s + wy : wy - s + s0;
    s0 = s;
    table[t]! += wy;
    wy = w * y1[i]!;
    s = s1 + wy;
    e1 += s1 >= wy ? s1 - s + wy : wy - s + s1;
    s1 = s;
    table[t + 1]! += wy;
    wy = w * y2[i]!;
    s = s2 + wy;
    e2 += s2 >= wy ? s2 - s + wy : wy - s + s2;
    s2 = s;
    table[t + 2]! += wy;
    wy = w * y3[i]!;
    s = s3 + wy;
    e3 += s3 >= wy ? s3 - s + wy : wy - s + s3;
    s3 = s;
    table[t + 3]! += wy;
    wy = w * y4[i]!;
    s = s4 + wy;
    e4 += s4 >= wy ? s4 - s + wy : wy - s + s4;
    s4 = s;
    table[t + 4]! += wy;
    wy = w * y5[i]!;
    s = s5 + wy;
    e5 += s5 >= wy ? s5 - s + wy : wy - s + s5;
    s5 = s;
    table[t + 5]! += wy;
  }
  sums[2 * j] = s0;
  sums[2 * j + 1] = e0;
  sums[2 * j + 2] = s1;
  sums[2 * j + 3] = e1;
  sums[2 * j + 4] = s2;
  sums[2 * j + 5] = e2;
  sums[2 * j + 6] = s3;
  sums[2 * j + 7] = e3;
  sums[2 * j + 8] = s4;
  sums[2 * j + 9] = e4;
  sums[2 * j + 10] = s5;
  sums[2 * j + 11] = e5;
}

/**
 * Options j..j+3 of {@link optionRows} over a block's `m` base rows: per option the compensated
 * Σ w y (`sums[2j], sums[2j + 1]`, kept in locals along the block), and w·y into the PSU × option
 * table. The compensation is Neumaier's (as prepare's scan), whose test |s| ≥ |w y| is s ≥ w y
 * here: both are sums of terms w·y ≥ 0 (weights are not negative here, y is 0 or 1), or NaN,
 * which both forms compare alike. (Measured on the bench's 1M rows, 12 options: the two `abs`
 * per term and a Σ w (1 − y) beside Σ w y, read only to tell a share of exactly 1, cost this
 * loop ~15%; that test now scans the rows, see {@link allNamed}.)
 */
function fourOptions(
  columns: readonly Float64Array[],
  j: number,
  m: number,
  rows: Int32Array,
  rowW: Float64Array,
  at: Int32Array,
  table: Float64Array,
  sums: Float64Array,
): void {
  const y0 = columns[j]!;
  const y1 = columns[j + 1]!;
  const y2 = columns[j + 2]!;
  const y3 = columns[j + 3]!;
  let s0 = sums[2 * j]!;
  let e0 = sums[2 * j + 1]!;
  let s1 = sums[2 * j + 2]!;
  let e1 = sums[2 * j + 3]!;
  let s2 = sums[2 * j + 4]!;
  let e2 = sums[2 * j + 5]!;
  let s3 = sums[2 * j + 6]!;
  let e3 = sums[2 * j + 7]!;
  for (let r = 0; r < m; r++) {
    const i = rows[r]!;
    const w = rowW[r]!;
    const t = at[r]! + j;
    let wy = w * y0[i]!;
    let s = s0 + wy;
    e0 += s0 >= wy ? s0 - s + wy : wy - s + s0;
    s0 = s;
    table[t]! += wy;
    wy = w * y1[i]!;
    s = s1 + wy;
    e1 += s1 >= wy ? s1 - s + wy : wy - s + s1;
    s1 = s;
    table[t + 1]! += wy;
    wy = w * y2[i]!;
    s = s2 + wy;
    e2 += s2 >= wy ? s2 - s + wy : wy - s + s2;
    s2 = s;
    table[t + 2]! += wy;
    wy = w * y3[i]!;
    s = s3 + wy;
    e3 += s3 >= wy ? s3 - s + wy : wy - s + s3;
    s3 = s;
    table[t + 3]! += wy;
  }
  sums[2 * j] = s0;
  sums[2 * j + 1] = e0;
  sums[2 * j + 2] = s1;
  sums[2 * j + 3] = e1;
  sums[2 * j + 4] = s2;
  sums[2 * j + 5] = e2;
  sums[2 * j + 6] = s3;
  sums[2 * j + 7] = e3;
}

/** Option j of {@link optionRows} alone, as in {@link fourOptions}. */
function oneOption(
  y: Float64Array,
  j: number,
  m: number,
  rows: Int32Array,
  rowW: Float64Array,
  at: Int32Array,
  table: Float64Array,
  sums: Float64Array,
): void {
  let sumWY = sums[2 * j]!;
  let err = sums[2 * j + 1]!;
  for (let r = 0; r < m; r++) {
    const wy = rowW[r]! * y[rows[r]!]!;
    const s = sumWY + wy;
    err += sumWY >= wy ? sumWY - s + wy : wy - s + sumWY;
    sumWY = s;
    table[at[r]! + j]! += wy;
  }
  sums[2 * j] = sumWY;
  sums[2 * j + 1] = err;
}

/**
 * A base row with options missing (not named, under partial: 'notNamed') into the sums of
 * {@link fourOptions}, option by option.
 */
function partialRow(
  columns: readonly Float64Array[],
  i: number,
  w: number,
  at: number,
  table: Float64Array,
  sums: Float64Array,
): void {
  for (let j = 0; j < columns.length; j++) {
    const v = columns[j]![i]!;
    const wy = w * (Number.isNaN(v) ? 0 : v);
    const sumWY = sums[2 * j]!;
    const s = sumWY + wy;
    sums[2 * j + 1]! += sumWY >= wy ? sumWY - s + wy : wy - s + sumWY;
    sums[2 * j] = s;
    table[at + j]! += wy;
  }
}

/**
 * Whether Σ w (1 − y) over the base is exactly 0, as svyMean's scan tells a share of exactly 1: a
 * sum of terms that are not negative (or NaN) is 0 when each term is, so the first base row
 * whose term is not 0 (one not naming the option, with a weight) answers, usually within a few
 * rows of the base's first, `from`. (Only rows with such a term are asked whether they are in
 * the base: the base's mask is not made for this.)
 */
function allNamed(
  columns: readonly Float64Array[],
  j: number,
  weights: Float64Array,
  domain: Uint8Array | null,
  notNamed: boolean,
  from: number,
): boolean {
  const y = columns[j]!;
  for (let i = from; i < y.length; i++) {
    const w = weights[i]!;
    const v = Number.isNaN(y[i]!) ? 0 : y[i]!;
    if (w - w * v === 0 || (domain !== null && domain[i] === 0)) continue;
    let missing = 0;
    for (const c of columns) if (Number.isNaN(c[i]!)) missing++;
    if (missing === 0 || (missing < columns.length && notNamed)) return false;
  }
  return true;
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
 * The option shares on a linearization design without calibration, from {@link optionTable}'s
 * sums. The influence of share p_k is w (y_k − p_k) / Σw, so its PSU totals are
 * (Σ w y_k − p_k Σ w) / Σw from the PSU × option table; the covariance of the shares is the
 * linearization variance of those totals (stage 1; later stages of a design with fpc sum the
 * rows again). The same estimates and covariance as svyMean of each derived column and
 * `jointCovariance` of the rows, without the derived columns.
 */
function columnShares(
  design: LinearizationDesign,
  question: MultipleResponseQuestion,
  columns: readonly Float64Array[],
  sums: OptionTable,
  resolved: Resolved,
): OptionShare[] {
  const k = columns.length;
  const { base, n, nMissing, sumW, firstRow, table, psuW, seen } = sums;
  const weights = design.weights;
  const nrow = weights.length;
  const stage = design.stages[0]!;
  const rowCluster = stage.rowCluster;
  const nClusters = stage.nClusters;

  // The share is Σ w y / Σ w, or exactly the first value y₀ when Σ w (y − y₀) is 0, as
  // svyMean's: for y₀ = 0 that is Σ w y = 0 (the same share), for y₀ = 1 Σ w (1 − y) = 0 (a sum
  // of terms that are not negative, as weights are not here: see allNamed).
  const shares = new Float64Array(k);
  for (let j = 0; j < k && n > 0; j++) {
    const y = columns[j]!;
    const sumWY = sums.sums[2 * j]! + sums.sums[2 * j + 1]!;
    const first = Number.isNaN(y[firstRow]!) ? 0 : y[firstRow]!;
    const zero =
      first === 0
        ? sumWY === 0
        : allNamed(columns, j, weights, design.domain, sums.notNamed, firstRow);
    shares[j] = zero ? first : sumWY / sumW;
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
    get present() {
      return base();
    },
    sumByCluster(clusters, totals) {
      if (clusters === rowCluster && totals.length === nClusters * k) {
        for (let c = 0; c < nClusters; c++) {
          const s = psuW[c]!;
          for (let j = 0; j < k; j++)
            totals[c * k + j]! += (table[c * k + j]! - s * shares[j]!) * inv;
        }
        return seen ?? undefined;
      }
      const marked = new Uint8Array(totals.length / k);
      const rows = base();
      for (let j = 0; j < k; j++) {
        const y = columns[j]!;
        const p = shares[j]!;
        for (let i = 0; i < nrow; i++) {
          if (!rows[i]) continue;
          const v = y[i]!;
          const c = clusters[i]!;
          marked[c] = 1;
          totals[c * k + j]! += weights[i]! * ((Number.isNaN(v) ? 0 : v) - p) * inv;
        }
      }
      return marked;
    },
    dense() {
      const rows = base();
      return columns.map((y, j) => {
        const z = new Float64Array(nrow);
        const p = shares[j]!;
        for (let i = 0; i < nrow; i++) {
          if (!rows[i]) continue;
          const v = y[i]!;
          z[i] = weights[i]! * ((Number.isNaN(v) ? 0 : v) - p) * inv;
        }
        return z;
      });
    },
  };
  // The base's mask only where the variance reads it (lonely PSUs; the design is not calibrated
  // here), as svyMean.
  const V = estimateVariance(design, influence, seen !== null ? base() : null);
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
    get present() {
      return base();
    },
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
