/**
 * Attitude batteries and single categorical items: per item the share of each answer, and the
 * summaries made of answer groups (positive, positive or neutral, neutral, negative, hard to say,
 * net score), each with its design-based SE and CI.
 * @module
 */
import { findColumn } from '../data/frame.js';
import type { SurveyData } from '../data/types.js';
import type { SurveyDesign } from '../design/types.js';
import { attachInfluence, rowLink } from '../estimate/influence-rows.js';
import { linearBlock } from '../estimate/linear-block.js';
import { svyMean } from '../estimate/mean.js';
import { waldInterval } from '../estimate/prepare.js';
import type { Estimate } from '../estimate/types.js';
import {
  answerCodes,
  levelAnswers,
  type PollOptions,
  type Resolved,
  resolveOptions,
} from './answers.js';
import { type Answer, type AnswerGroup, type Battery, textOf } from './questionnaire.js';

/** The summaries of an item made of answer groups. */
export type GroupStatistic =
  | 'positive'
  | 'positiveOrNeutral'
  | 'neutral'
  | 'negative'
  | 'dk'
  | 'net';

/** The statistics of {@link GroupStatistic}, in report order. */
export const GROUP_STATISTICS: readonly GroupStatistic[] = [
  'positive',
  'positiveOrNeutral',
  'neutral',
  'negative',
  'dk',
  'net',
];

/** Score of each answer group in each statistic (the statistic is the mean score). */
const SCORES: Record<GroupStatistic, Partial<Record<AnswerGroup, number>>> = {
  positive: { positive: 1 },
  positiveOrNeutral: { positive: 1, neutral: 1 },
  neutral: { neutral: 1 },
  negative: { negative: 1 },
  dk: { dk: 1 },
  net: { positive: 1, negative: -1 },
};

/** The share of one answer (an {@link Estimate} with the answer's code and group). */
export interface AnswerShare extends Estimate {
  /** The answer's code. */
  code: number | string;
  /** The answer's group (positive, neutral, negative, dk). */
  answerGroup: AnswerGroup;
}

/**
 * One item's answers and group statistics: besides the members below, one {@link Estimate} per
 * {@link GroupStatistic} (`positive`, `positiveOrNeutral`, `neutral`, `negative`, `dk`, `net`).
 */
export interface ItemSummary extends Record<GroupStatistic, Estimate> {
  /** The item's key (e.g. the country). */
  key: string;
  /** The item's label (its English text, else its questionnaire language's: `textOf`). */
  label: string;
  /** The item's column. */
  variable: string;
  /** Respondents with an answer ("hard to say" included, refusals not). */
  n: number;
  /** Respondents in the domain without an answer (missing, or an answer of the missing group). */
  nMissing: number;
  /** Share of each answer of the scale except those of the missing group, in scale order. */
  answers: AnswerShare[];
}

/** {@link svyBattery}'s result. */
export interface BatteryResult {
  /** The battery's id. */
  battery: string;
  /** One summary per item, in battery order. */
  items: ItemSummary[];
  /** Confidence level of the intervals. */
  level: number;
  /** Degrees of freedom of the intervals. */
  df: number;
}

/**
 * Summaries of an attitude battery: for each item (a categorical column asked with the
 * battery's scale), the share of each answer, and the shares of positive (e.g. very + rather
 * positive), positive or neutral, neutral, negative and "hard to say" answers, and the net
 * score (positive − negative), each with design-based SE and CI. Which codes are positive,
 * neutral, negative, "hard to say" (a real answer, in the base) or missing (not in the base)
 * comes from the scale's `group`s.
 *
 * Each statistic is the mean of a score (0/1, or +1/−1/0 for the net score) among the
 * respondents with an answer, so it equals the contrast of the level shares (R:
 * `svycontrast(svymean(~item, design, na.rm = TRUE), c(...))`), and rows keep their influence
 * values: rows of different items combine in `jointCovariance` (needed by {@link rankItems}).
 *
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param battery - The battery from the questionnaire: its items and the answer scale they share
 *   (see {@link Battery}).
 * @param opts - Confidence level and degrees of freedom: see {@link PollOptions}.
 * @example
 * ```ts
 * const data = fromColumns({ att_a: ['1', '2', '3', '4', '98', '1'], att_b: ['4', '4', '1', '3', '3', null] });
 * const battery = { id: 'att', question: { en: 'Attitude?' }, items: [
 *   { variable: 'att_a', key: 'a', label: { en: 'A' } }, { variable: 'att_b', key: 'b', label: { en: 'B' } }],
 *   scale: [{ code: 1, group: 'positive' }, { code: 2, group: 'positive' }, { code: 3, group: 'neutral' },
 *     { code: 4, group: 'negative' }, { code: 98, group: 'dk' }].map((s) => ({ ...s, label: { en: String(s.code) } })) } as Battery;
 * const r = svyBattery(svyDesign(data), battery);
 * console.log(r.items.map((i) => `${i.key}: net ${i.net.estimate.toFixed(3)} n ${i.n}`).join(', ')); // => a: net 0.333 n 6, b: net -0.200 n 5
 * ```
 */
export function svyBattery(
  design: SurveyDesign,
  battery: Battery,
  opts: PollOptions = {},
): BatteryResult {
  const resolved = resolveOptions(design, opts);
  const items = battery.items.map((item) =>
    summarise(design, item.variable, battery.scale, resolved, item.key, textOf(item.label)),
  );
  return { battery: battery.id, items, level: resolved.level, df: resolved.df };
}

/**
 * The same summaries for one categorical item (e.g. an EEU item) with its own answers.
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param item - The item: its `variable`, its `answers` (codes, labels and answer groups, as in the
 *   questionnaire), and an optional `key` and `label` for the result.
 * @param opts - Confidence level and degrees of freedom: see {@link PollOptions}.
 * @example
 * ```ts
 * const data = fromColumns({ coop: ['Support', 'Support', 'Do not support', 'Hard to say', null] });
 * const answers = [
 *   { code: 1, label: { en: 'Support' }, group: 'positive' as const },
 *   { code: 2, label: { en: 'Do not support' }, group: 'negative' as const },
 *   { code: 98, label: { en: 'Hard to say' }, group: 'dk' as const },
 * ];
 * const s = svyItem(svyDesign(data), { variable: 'coop', answers }, { df: Infinity });
 * console.log(s.positive.estimate, s.n, s.nMissing, s.answers.map((a) => a.level)); // => 0.5 4 1 [ 'Support', 'Do not support', 'Hard to say' ]
 * ```
 */
export function svyItem(
  design: SurveyDesign,
  item: { variable: string; answers: readonly Answer[]; key?: string; label?: string },
  opts: PollOptions = {},
): ItemSummary {
  const resolved = resolveOptions(design, opts);
  return summarise(
    design,
    item.variable,
    item.answers,
    resolved,
    item.key ?? item.variable,
    item.label ?? item.variable,
  );
}

/**
 * One item: the shares of its answers (but those of the missing group) by svyMean of the answer
 * given (one pass over the respondents, which also sums per PSU what the variance needs: of the
 * column itself when its levels are those answers, else of the answers recoded), and
 * each group statistic as the same linear combination of those shares as its mean score is, with
 * the covariance M V Mᵀ and influence values M z of all of them (so rows of different items
 * still combine in `jointCovariance`).
 */
function summarise(
  design: SurveyDesign,
  variable: string,
  answers: readonly Answer[],
  opts: Resolved,
  key: string,
  label: string,
): ItemSummary {
  const kept = answers.map((a, j) => ({ a, j })).filter(({ a }) => a.group !== 'missing');
  const L = kept.length;
  const slots = new Int32Array(answers.length).fill(-1);
  kept.forEach(({ j }, k) => {
    slots[j] = k;
  });
  // The shares of the column's own levels when none of them is an answer of the missing group
  // (then its base is the item's); else of the answers kept, recoded.
  const answerOf =
    findColumn(design.data, variable)?.kind === 'categorical'
      ? levelAnswers(design.data, variable, answers)
      : null;
  let shares: readonly Estimate[];
  /** Per share: the kept answer it is the share of. */
  let answerOfShare: Int32Array;
  if (answerOf?.every((j) => slots[j]! >= 0)) {
    shares = svyMean(design, variable, { level: opts.level, df: opts.df });
    answerOfShare = Int32Array.from(answerOf, (j) => slots[j]!);
  } else {
    const column = `${variable}[answer]`;
    const codes = answerCodes(design.data, variable, answers, slots);
    shares = svyMean(withAnswer(design, column, codes, L), column, opts);
    answerOfShare = Int32Array.from({ length: L }, (_, k) => k);
  }
  const S = shares.length;
  // Rows: the answers' shares, then one per statistic (the scores of the answers).
  const q = L + GROUP_STATISTICS.length;
  const M = new Float64Array(q * S);
  for (let k = 0; k < S; k++) {
    const answer = answerOfShare[k]!;
    M[answer * S + k] = 1;
    GROUP_STATISTICS.forEach((s, r) => {
      M[(L + r) * S + k] = SCORES[s][kept[answer]!.a.group] ?? 0;
    });
  }
  const block = linearBlock(rowLink(shares[0]!)!.block, M, q);
  const { n, nMissing } = shares[0]!;
  const rows: Estimate[] = [];
  for (let r = 0; r < q; r++) {
    let estimate = 0;
    for (let k = 0; k < S; k++) estimate += M[r * S + k]! * shares[k]!.estimate;
    const se = Math.sqrt(block.covariance[r * q + r]!);
    const ci = waldInterval(estimate, se, opts.level, opts.df);
    if (r < L) {
      const { a } = kept[r]!;
      const row: AnswerShare = {
        variable,
        statistic: 'proportion',
        estimate,
        se,
        ci,
        n,
        nMissing,
        level: textOf(a.label),
        code: a.code,
        answerGroup: a.group,
      };
      rows.push(row);
    } else {
      const s = GROUP_STATISTICS[r - L]!;
      const statistic = s === 'net' ? 'net score' : 'proportion';
      rows.push({ variable, statistic, estimate, se, ci, n, nMissing, level: s });
    }
  }
  attachInfluence(rows, block);
  const stats = {} as Record<GroupStatistic, Estimate>;
  GROUP_STATISTICS.forEach((s, r) => {
    stats[s] = rows[L + r]!;
  });
  return {
    key,
    label,
    variable,
    n,
    nMissing,
    answers: rows.slice(0, L) as AnswerShare[],
    ...stats,
  };
}

/** The design with a categorical column of the answer given (codes 0..L−1, −1 for none). */
function withAnswer(
  design: SurveyDesign,
  name: string,
  codes: Int32Array,
  L: number,
): SurveyDesign {
  const data = design.data;
  const levels = Array.from({ length: L }, (_, k) => String(k));
  // (a dictionary without a prototype: the data's column names may be any text)
  const columns: SurveyData['columns'] = Object.assign(Object.create(null), data.columns, {
    [name]: { kind: 'categorical' as const, name, codes, levels },
  });
  return { ...design, data: { ...data, names: [...data.names, name], columns } };
}
