/**
 * What every poll estimator shares: options (confidence level, degrees of freedom), mapping the
 * questionnaire's answer codes to the rows of a column, and the share of respondents giving some
 * answers as the design-based mean of a derived 0/1 (or score) column.
 *
 * Every poll statistic is the mean of a derived column among the respondents with an answer
 * (`NaN` elsewhere), estimated by {@link svyMean}: its rows carry influence values, so the
 * covariance of any two poll estimates on one design (two countries, a subgroup and the whole
 * sample) is the joint linearization variance of their stacked influence values
 * (`jointCovariance`), as R's `svyratio(..., covmat = TRUE)` computes it.
 * @module
 */

import { findColumn, getCategorical } from '../data/frame.js';
import type { SurveyData } from '../data/types.js';
import { degreesOfFreedom } from '../design/df.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { svyMean } from '../estimate/mean.js';
import { confidenceLevel } from '../estimate/prepare.js';
import type { Estimate } from '../estimate/types.js';
import { pt, qt } from '../stats/distributions.js';
import type { Answer } from './questionnaire.js';

/** Options of the poll estimators. */
export interface PollOptions {
  /** Confidence level of intervals and tests, default 0.95. */
  level?: number;
  /**
   * Degrees of freedom of intervals and t tests: `'design'` (default: PSUs minus strata of the
   * design passed in, R's `degf(design)`, used for every estimate including subgroup ones),
   * `Infinity` (normal quantiles) or a number.
   */
  df?: number | 'design';
}

/** Resolved options: a level and a numeric df. */
export interface Resolved {
  level: number;
  df: number;
}

/**
 * The confidence level and the numeric degrees of freedom for a design.
 * @throws {EstimationError} `BAD_OPTION` for a level outside (0, 1) or a df that is not positive.
 * @example
 * ```ts
 * const data = fromColumns({ psu: [1, 2, 3, 4], s: ['a', 'a', 'b', 'b'] });
 * console.log(resolveOptions(svyDesign(data, { ids: 'psu', strata: 's' }))); // => { level: 0.95, df: 2 }
 * ```
 */
export function resolveOptions(design: SurveyDesign, opts: PollOptions = {}): Resolved {
  const level = confidenceLevel(opts);
  const df = opts.df ?? 'design';
  if (df === 'design') return { level, df: degreesOfFreedom(design) };
  if (typeof df !== 'number' || !(df > 0)) {
    throw new EstimationError(
      'BAD_OPTION',
      `df must be a positive number or 'design'; got ${String(df)}`,
      { value: df },
    );
  }
  return { level, df };
}

/**
 * Per row of the data, the index in `answers` of the answer given, or -1 (missing in the data).
 * A categorical column's levels are matched to answers by the codebook's value label of the
 * answer's code, else by the code itself (`'98'`), else by one of the answer's labels (any language); a
 * numeric column's values are the codes.
 *
 * @throws {EstimationError} `UNKNOWN_LEVEL` when a level or value in the data has no answer in
 *   the questionnaire (named, with the answers' codes).
 * @example
 * ```ts
 * const data = fromColumns({ q: ['Yes', 'No', null, 'Yes'] });
 * const answers = [
 *   { code: 1, label: { en: 'Yes' }, group: 'positive' as const },
 *   { code: 2, label: { en: 'No' }, group: 'negative' as const },
 * ];
 * console.log(Array.from(answerIndex(data, 'q', answers))); // => [ 0, 1, -1, 0 ]
 * ```
 */
export function answerIndex(
  data: SurveyData,
  variable: string,
  answers: readonly Answer[],
): Int32Array {
  return answerCodes(
    data,
    variable,
    answers,
    Int32Array.from(answers, (_, j) => j),
  );
}

/**
 * Per row of the data, `slots[j]` for the answer j given (as {@link answerIndex} finds it), or
 * -1 (missing in the data): e.g. the answer's position among those kept, -1 for the others. One
 * pass over the rows, through a table per level (or per code) rather than a test per row.
 * @throws {EstimationError} `UNKNOWN_LEVEL` as {@link answerIndex}.
 * @example
 * ```ts
 * const data = fromColumns({ q: ['Yes', 'No', 'Refused', 'Yes'] });
 * const answers = [
 *   { code: 1, label: { en: 'Yes' }, group: 'positive' as const },
 *   { code: 2, label: { en: 'No' }, group: 'negative' as const },
 *   { code: 9, label: { en: 'Refused' }, group: 'missing' as const },
 * ];
 * console.log(Array.from(answerCodes(data, 'q', answers, Int32Array.of(0, 1, -1)))); // => [ 0, 1, -1, 0 ]
 * ```
 */
export function answerCodes(
  data: SurveyData,
  variable: string,
  answers: readonly Answer[],
  slots: Int32Array,
): Int32Array {
  const col = findColumn(data, variable);
  if (!col) {
    throw new EstimationError('UNKNOWN_VARIABLE', `no variable "${variable}" in the data`, {
      variable,
    });
  }
  const out = new Int32Array(data.nrow);
  const codes = answers.map((a) => String(a.code));
  if (col.kind === 'numeric') {
    const byCode = new Map<number, number>();
    answers.forEach((a, j) => {
      const n = Number(a.code);
      if (!Number.isNaN(n) && !byCode.has(n)) byCode.set(n, j);
    });
    let last = Number.NaN;
    let slot = -1;
    for (let i = 0; i < data.nrow; i++) {
      const v = col.values[i]!;
      if (Number.isNaN(v)) {
        out[i] = -1;
        continue;
      }
      if (v !== last) {
        const j = byCode.get(v);
        if (j === undefined) {
          throw new EstimationError(
            'UNKNOWN_LEVEL',
            `"${variable}" has the value ${v} (row ${i + 1}), which is not an answer code of the questionnaire (${codes.join(', ')})`,
            { variable, row: i + 1, value: v, level: String(v) },
          );
        }
        last = v;
        slot = slots[j]!;
      }
      out[i] = slot;
    }
    return out;
  }
  const answerOf = levelAnswers(data, variable, answers);
  // Per level: its slot; one more entry (index 0) for a missing code (−1).
  const levelSlot = new Int32Array(answerOf.length + 1);
  levelSlot[0] = -1;
  answerOf.forEach((j, c) => {
    levelSlot[c + 1] = slots[j]!;
  });
  const columnCodes = col.codes;
  for (let i = 0; i < data.nrow; i++) out[i] = levelSlot[columnCodes[i]! + 1]!;
  return out;
}

/**
 * Per level of a categorical column, the index in `answers` of the answer it is: matched by the
 * codebook's value label of the answer's code, else by the code itself (`'98'`), else by one of
 * the answer's labels (any language).
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `NOT_CATEGORICAL`, `UNKNOWN_LEVEL` (a level
 *   with no answer).
 * @example
 * ```ts
 * const data = fromColumns({ q: ['No', 'Yes', 'No'] });
 * const answers = [
 *   { code: 1, label: { en: 'Yes' }, group: 'positive' as const },
 *   { code: 2, label: { en: 'No' }, group: 'negative' as const },
 * ];
 * console.log(levelAnswers(data, 'q', answers)); // => [ 1, 0 ]
 * ```
 */
export function levelAnswers(
  data: SurveyData,
  variable: string,
  answers: readonly Answer[],
): number[] {
  const col = getCategorical(data, variable);
  const codes = answers.map((a) => String(a.code));
  const cbValues = data.codebook.variables.find((v) => v.name === variable)?.values ?? [];
  const codebookLabel = (code: number | string): string | undefined =>
    cbValues.find((v) => String(v.code) === String(code) || Number(v.code) === Number(code))?.label;
  return col.levels.map((level) => {
    let j = answers.findIndex((a) => codebookLabel(a.code) === level);
    if (j < 0) j = answers.findIndex((a) => String(a.code) === level);
    if (j < 0) j = answers.findIndex((a) => Object.values(a.label).includes(level));
    if (j < 0) {
      throw new EstimationError(
        'UNKNOWN_LEVEL',
        `level "${level}" of "${variable}" is not an answer of the questionnaire (codes ${codes.join(', ')})`,
        { variable, level, valid: codes },
      );
    }
    return j;
  });
}

/**
 * The design with derived numeric columns added (the sampling structure is shared, so estimates
 * on it and on the original design combine in `jointCovariance`).
 * @example
 * ```ts
 * const d = withColumns(svyDesign(fromColumns({ y: [1, 2] })), { z: Float64Array.of(3, 5) });
 * console.log(svyMean(d, 'z')[0].estimate); // => 4
 * ```
 */
export function withColumns(
  design: SurveyDesign,
  columns: Readonly<Record<string, Float64Array>>,
): SurveyDesign {
  const data = design.data;
  const all: Record<string, SurveyData['columns'][string]> = Object.assign(
    Object.create(null),
    data.columns,
  );
  const names = [...data.names];
  for (const [name, values] of Object.entries(columns)) {
    if (!Object.hasOwn(all, name)) names.push(name);
    all[name] = { kind: 'numeric', name, values };
  }
  return { ...design, data: { ...data, names, columns: all } };
}

/**
 * Per row, the score of the answer given (`scores[j]` for answer j; `NaN` for a missing answer,
 * an answer in the `missing` group or a `NaN` score): the derived column whose mean is a share
 * (0/1 scores) or a net score (+1 / −1 / 0).
 * @example
 * ```ts
 * const answers = [
 *   { code: 1, label: { en: 'Yes' }, group: 'positive' as const },
 *   { code: 9, label: { en: 'Refused' }, group: 'missing' as const },
 * ];
 * console.log(Array.from(scoreColumn(Int32Array.of(0, 1, -1), answers, [1, 1]))); // => [ 1, NaN, NaN ]
 * ```
 */
export function scoreColumn(
  index: Int32Array,
  answers: readonly Answer[],
  scores: readonly number[],
): Float64Array {
  const s = answers.map((a, j) => (a.group === 'missing' ? Number.NaN : scores[j]!));
  const out = new Float64Array(index.length);
  for (let i = 0; i < index.length; i++) {
    const j = index[i]!;
    out[i] = j < 0 ? Number.NaN : s[j]!;
  }
  return out;
}

/**
 * {@link scoreColumn} of {@link answerIndex}: per row, the score of the answer given (`NaN`
 * for a missing answer or one of the `missing` group). For a categorical column one pass over
 * its codes through a score per level, without the per-row answer indices.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `UNKNOWN_LEVEL` as {@link answerIndex}.
 * @example
 * ```ts
 * const data = fromColumns({ q: ['Yes', 'No', null, 'Refused'] });
 * const answers = [
 *   { code: 1, label: { en: 'Yes' }, group: 'positive' as const },
 *   { code: 2, label: { en: 'No' }, group: 'negative' as const },
 *   { code: 9, label: { en: 'Refused' }, group: 'missing' as const },
 * ];
 * console.log(Array.from(answerScores(data, 'q', answers, [1, 0, 1]))); // => [ 1, 0, NaN, NaN ]
 * ```
 */
export function answerScores(
  data: SurveyData,
  variable: string,
  answers: readonly Answer[],
  scores: readonly number[],
): Float64Array {
  const col = findColumn(data, variable);
  if (col?.kind !== 'categorical') {
    return scoreColumn(answerIndex(data, variable, answers), answers, scores);
  }
  // Per level its score; one more entry (index 0) for a missing code (−1).
  const byLevel = new Float64Array(col.levels.length + 1);
  byLevel[0] = Number.NaN;
  levelAnswers(data, variable, answers).forEach((j, c) => {
    byLevel[c + 1] = answers[j]!.group === 'missing' ? Number.NaN : scores[j]!;
  });
  return levelScores(col.codes, byLevel);
}

/** Per row `byLevel[code + 1]` (a function of typed arrays of its own, which V8 optimises once). */
function levelScores(codes: Int32Array, byLevel: Float64Array): Float64Array {
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = byLevel[codes[i]! + 1]!;
  return out;
}

/**
 * The design-based mean of a derived column of `design` (respondents with a non-`NaN` value),
 * with the interval at the resolved level and df, relabelled as `variable` / `level` /
 * `statistic`. The row keeps its influence values (its covariance with other such rows is
 * known to `jointCovariance`).
 * @example
 * ```ts
 * const d = withColumns(svyDesign(fromColumns({ y: [1, 2, 3] })), { pos: Float64Array.of(1, 0, NaN) });
 * const row = derivedMean(d, 'pos', { level: 0.95, df: Infinity }, { variable: 'q', level: 'Yes', statistic: 'proportion' });
 * console.log(row.variable, row.level, row.estimate, row.n, row.nMissing); // => q Yes 0.5 2 1
 * ```
 */
export function derivedMean(
  design: SurveyDesign,
  column: string,
  opts: Resolved,
  label: { variable: string; level?: string; statistic: string },
): Estimate {
  const [row] = svyMean(design, column, { level: opts.level, df: opts.df });
  const r = row!;
  r.variable = label.variable;
  if (label.level !== undefined) r.level = label.level;
  r.statistic = label.statistic;
  return r;
}

/** A design-based test of the difference of two estimates. */
export interface DifferenceTest {
  /** First minus second estimate. */
  difference: number;
  /** √(var₁ + var₂ − 2 cov₁₂). */
  se: number;
  /** Confidence interval of the difference (Student t with `df`). */
  ci: [number, number];
  /** difference / se. */
  t: number;
  /** Degrees of freedom of the test and interval. */
  df: number;
  /** Two-sided p-value from Student's t with `df` degrees of freedom. */
  pValue: number;
  /** Whether the interval excludes 0 (p < 1 − level). */
  differs: boolean;
}

/**
 * The t test of a difference of two estimates from their variances and covariance.
 * @example
 * ```ts
 * const t = differenceTest(0.3, 0.2, 0.0004, 0.0004, 0.0002, { level: 0.95, df: Infinity });
 * console.log(t.se.toFixed(4), t.t.toFixed(3), t.pValue.toFixed(4), t.differs); // => 0.0200 5.000 0.0000 true
 * ```
 */
export function differenceTest(
  a: number,
  b: number,
  varA: number,
  varB: number,
  cov: number,
  opts: Resolved,
): DifferenceTest {
  const difference = a - b;
  const se = Math.sqrt(Math.max(varA + varB - 2 * cov, 0));
  const q = qt(1 - (1 - opts.level) / 2, opts.df);
  const t = se > 0 ? difference / se : difference === 0 ? 0 : Math.sign(difference) * Infinity;
  const pValue = Number.isFinite(t) ? 2 * pt(-Math.abs(t), opts.df) : 0;
  const ci: [number, number] = [difference - q * se, difference + q * se];
  return {
    difference,
    se,
    ci,
    t,
    df: opts.df,
    pValue,
    differs: ci[0] > 0 || ci[1] < 0,
  };
}
