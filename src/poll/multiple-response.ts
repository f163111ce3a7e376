/**
 * Multiple-response questions ("name up to three countries"): the share of respondents naming
 * each option, mentions per 100 respondents, the covariance of the shares, and tests of whether
 * two options differ.
 * @module
 */
import { getNumeric } from '../data/frame.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { jointCovariance } from '../estimate/influence-rows.js';
import { waldInterval } from '../estimate/prepare.js';
import type { Estimate } from '../estimate/types.js';
import {
  type DifferenceTest,
  derivedMean,
  differenceTest,
  type PollOptions,
  resolveOptions,
  withColumns,
} from './answers.js';
import type { MultipleResponseQuestion } from './questionnaire.js';

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
  /** Its English label. */
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
  const data = design.data;
  const nrow = data.nrow;
  const columns = question.options.map((o) => getNumeric(data, o.variable).values);
  const domain = design.domain;

  // Present option columns per row, and the base.
  const k = columns.length;
  const base = new Uint8Array(nrow);
  let nPartial = 0;
  for (let i = 0; i < nrow; i++) {
    if (domain !== null && !domain[i]) continue;
    let present = 0;
    for (const col of columns) if (!Number.isNaN(col[i]!)) present++;
    if (present > 0 && present < k) nPartial++;
    base[i] = present === k || (present > 0 && partial === 'notNamed') ? 1 : 0;
  }

  const derived: Record<string, Float64Array> = {};
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
    row.label = o.label.en;
    row.kind = o.kind ?? 'option';
    return row;
  });
  const covariance = jointCovariance(options);
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
