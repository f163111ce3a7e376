/**
 * The headline table: a poll's published statements checked against the estimates and their
 * confidence intervals.
 * @module
 */
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import {
  answerIndex,
  derivedMean,
  type PollOptions,
  resolveOptions,
  scoreColumn,
  withColumns,
} from './answers.js';
import { svyMultipleResponse } from './multiple-response.js';
import type { Headline, Questionnaire } from './questionnaire.js';
import { answerScale } from './questionnaire.js';
import { rankItems } from './rank.js';

/** Whether a statement holds given the sampling uncertainty. */
export type Holds = 'yes' | 'no' | 'uncertain';

/** One evaluated statement. */
export interface HeadlineResult {
  /** The statement's id in the questionnaire. */
  id: string;
  /** The statement as published. */
  statement: string;
  /** Where it was published. */
  source: string;
  /** `'share'`: a share against a threshold; `'rank'`: an option's rank in a question. */
  type: 'share' | 'rank';
  /** The share (for a rank statement: the option's share of respondents naming it). */
  estimate: number;
  /** Standard error of the estimate. */
  se: number;
  /** Its confidence interval. */
  ci: [number, number];
  /** Unweighted base: respondents with an answer. */
  n: number;
  /** Respondents without an answer. */
  nMissing: number;
  /** Share statements: the threshold (`null` for a rank statement). */
  threshold: number | null;
  /** Share statements: the direction claimed, `'>'` (more than) or `'<'` (less than). */
  comparison: '>' | '<' | null;
  /** Rank statements: the rank claimed (`null` for a share statement). */
  claimedRank: number | null;
  /** Rank statements: the option's rank by share. */
  rank: number | null;
  /** Rank statements: the ranks the option could plausibly hold (see {@link rankItems}). */
  rankRange: [number, number] | null;
  /** `'yes'`, `'no'` or `'uncertain'` (see {@link evaluateHeadlines}). */
  holds: Holds;
  /** One line saying why. */
  reason: string;
}

/** Options of {@link evaluateHeadlines}. */
export interface HeadlineOptions extends PollOptions {
  /** The statements to check, default the questionnaire's `headlines`. */
  headlines?: readonly Headline[];
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/**
 * Checks each published statement against the data, generically from its description:
 *
 * - `share`: "the share of <answer groups or codes> of <variable> is > (or <) threshold". The
 *   share is among respondents with an answer ("hard to say" in the base, refusals not), with a
 *   Wald interval at the level and df (default: the design's). It holds `'yes'` if the whole
 *   interval is on the claimed side of the threshold, `'no'` if the whole interval is on the
 *   other side, `'uncertain'` otherwise.
 * - `rank`: "<option> is ranked <rank>, after <above>, in <multiple-response question>". Options
 *   are ranked by share with pairwise design-based tests ({@link rankItems}, substantive options
 *   only, no multiplicity correction). It holds `'yes'` if every option in `above` is
 *   significantly above the option and every other option significantly below it; `'no'` if an
 *   option in `above` is significantly below it or an option not in `above` is significantly
 *   above it; `'uncertain'` otherwise.
 *
 * @param design - The weighted design of the poll.
 * @param questionnaire - The questionnaire, whose `headlines` are the statements checked (and whose
 *   items and questions they refer to).
 * @param opts - Statements to check instead of the questionnaire's (`headlines`), confidence level
 *   and degrees of freedom: see {@link HeadlineOptions}.
 * @throws {EstimationError} `UNKNOWN_VARIABLE` (a share statement about a variable the
 *   questionnaire does not describe), `UNKNOWN_LEVEL` (an unknown question or option).
 * @example
 * ```ts
 * const data = fromColumns({ coop: Array.from({ length: 20 }, (_, i) => (i < 18 ? 'Yes' : 'No')) });
 * const q = parseQuestionnaire({
 *   eeu: [{ id: 'coop', variable: 'coop', question: { en: 'Cooperate?' }, answers: [
 *     { code: 1, label: { en: 'Yes' }, group: 'positive' }, { code: 2, label: { en: 'No' }, group: 'negative' }] }],
 *   headlines: [
 *     { id: 'h1', statement: 'More than half support', source: 'a paper', check: { type: 'share', variable: 'coop', groups: ['positive'], comparison: '>', threshold: 0.5 } },
 *     { id: 'h2', statement: 'Less than half support', source: 'a paper', check: { type: 'share', variable: 'coop', codes: [1], comparison: '<', threshold: 0.5 } },
 *     { id: 'h3', statement: 'More than 95% support', source: 'a paper', check: { type: 'share', variable: 'coop', groups: ['positive'], comparison: '>', threshold: 0.95 } }],
 * });
 * const table = evaluateHeadlines(svyDesign(data), q, { df: Infinity });
 * console.log(table.map((h) => `${h.id}: ${h.estimate} ${h.holds}`)); // => [ 'h1: 0.9 yes', 'h2: 0.9 no', 'h3: 0.9 uncertain' ]
 * ```
 */
export function evaluateHeadlines(
  design: SurveyDesign,
  questionnaire: Questionnaire,
  opts: HeadlineOptions = {},
): HeadlineResult[] {
  const resolved = resolveOptions(design, opts);
  const poll = { level: resolved.level, df: resolved.df };
  return (opts.headlines ?? questionnaire.headlines).map((h): HeadlineResult => {
    const common = { id: h.id, statement: h.statement, source: h.source };
    const check = h.check;
    if (check.type === 'share') {
      const answers = answerScale(questionnaire, check.variable);
      if (!answers) {
        throw new EstimationError(
          'UNKNOWN_VARIABLE',
          `statement "${h.id}": the questionnaire does not describe "${check.variable}"`,
          { variable: check.variable },
        );
      }
      const counted = (a: (typeof answers)[number]) =>
        check.codes
          ? check.codes.map(String).includes(String(a.code))
          : (check.groups ?? []).includes(a.group);
      const index = answerIndex(design.data, check.variable, answers);
      const column = `${check.variable}[${h.id}]`;
      const y = scoreColumn(
        index,
        answers,
        answers.map((a) => (counted(a) ? 1 : 0)),
      );
      const row = derivedMean(withColumns(design, { [column]: y }), column, resolved, {
        variable: check.variable,
        statistic: 'proportion',
      });
      const [lo, hi] = row.ci;
      const t = check.threshold;
      const above = lo > t;
      const below = hi < t;
      const holds: Holds =
        check.comparison === '>'
          ? above
            ? 'yes'
            : below
              ? 'no'
              : 'uncertain'
          : below
            ? 'yes'
            : above
              ? 'no'
              : 'uncertain';
      const side = above ? 'above' : below ? 'below' : 'includes';
      return {
        ...common,
        type: 'share',
        estimate: row.estimate,
        se: row.se,
        ci: row.ci,
        n: row.n,
        nMissing: row.nMissing,
        threshold: t,
        comparison: check.comparison,
        claimedRank: null,
        rank: null,
        rankRange: null,
        holds,
        reason: `${pct(row.estimate)}, ${Math.round(resolved.level * 100)}% CI ${pct(lo)} to ${pct(hi)} ${side === 'includes' ? 'includes' : `is ${side}`} ${pct(t)}`,
      };
    }
    const question = questionnaire.multipleResponse.find((m) => m.id === check.question);
    if (!question) {
      throw new EstimationError(
        'UNKNOWN_LEVEL',
        `statement "${h.id}": no multiple-response question "${check.question}"`,
        { level: check.question, valid: questionnaire.multipleResponse.map((m) => m.id) },
      );
    }
    const result = svyMultipleResponse(design, question, poll);
    const ranking = rankItems(result);
    const known = new Set(ranking.items.map((i) => i.key));
    for (const key of [check.option, ...check.above]) {
      if (!known.has(key)) {
        throw new EstimationError(
          'UNKNOWN_LEVEL',
          `statement "${h.id}": "${key}" is not a ranked option of "${check.question}"`,
          { level: key, valid: [...known] },
        );
      }
    }
    const item = ranking.items.find((i) => i.key === check.option)!;
    const sigAbove = new Set(item.significantlyAbove);
    const tied = new Set(item.tiedWith);
    const sigBelow = ranking.items
      .map((i) => i.key)
      .filter((k) => k !== item.key && !sigAbove.has(k) && !tied.has(k));
    const claimedAbove = new Set(check.above);
    const contradicted =
      check.above.some((k) => sigBelow.includes(k)) ||
      [...sigAbove].some((k) => !claimedAbove.has(k));
    const confirmed =
      check.above.every((k) => sigAbove.has(k)) &&
      sigAbove.size === claimedAbove.size &&
      tied.size === 0;
    const holds: Holds = contradicted ? 'no' : confirmed ? 'yes' : 'uncertain';
    const share = result.options.find((o) => o.key === check.option)!;
    const range = item.rankRange;
    return {
      ...common,
      type: 'rank',
      estimate: share.estimate,
      se: share.se,
      ci: share.ci,
      n: share.n,
      nMissing: share.nMissing,
      threshold: null,
      comparison: null,
      claimedRank: check.rank,
      rank: item.rank,
      rankRange: range,
      holds,
      reason:
        `${item.label} ${pct(share.estimate)}, rank ${item.rank} (plausible ${range[0]}-${range[1]})` +
        `; significantly above it: ${[...sigAbove].join(', ') || 'none'}` +
        `; tied with: ${[...tied].join(', ') || 'none'}`,
    };
  });
}
