/**
 * A categorical item by subgroup (age group, region, ...), each subgroup's share set against
 * the national figure with a design-based test of the difference.
 * @module
 */
import { getCategorical } from '../data/frame.js';
import { groupDegreesOfFreedom } from '../design/df.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { svyBy } from '../estimate/by.js';
import { jointCovariance, rowLink } from '../estimate/influence-rows.js';
import type { Estimate } from '../estimate/types.js';
import {
  answerScores,
  type DifferenceTest,
  derivedMean,
  differenceTest,
  type PollOptions,
  resolveOptions,
  withColumns,
} from './answers.js';
import type { Answer, AnswerGroup } from './questionnaire.js';

/** Options of {@link svySubgroups}. */
export interface SubgroupOptions extends PollOptions {
  /** The answer groups whose share is estimated, default `['positive']` (e.g. "support"). */
  groups?: readonly AnswerGroup[];
  /** Or the answer codes counted (instead of `groups`). */
  codes?: ReadonlyArray<number | string>;
}

/** One subgroup: its share (an {@link Estimate}) and its difference from the national share. */
export interface SubgroupRow extends Estimate {
  /** The grouping variable. */
  by: string;
  /** The subgroup (a level of `by`). */
  subgroup: string;
  /** The national share (all respondents of the design's domain with an answer). */
  national: number;
  /** Subgroup share − national share, with its design-based test. */
  vsNational: DifferenceTest;
  /**
   * Degrees of freedom of the subgroup's own sample: PSUs minus strata with respondents in it
   * (R's `degf(subset(design, ...))`), for judging its reliability (`reliability`'s `df`).
   */
  domainDf: number;
}

/** {@link svySubgroups}'s result. */
export interface SubgroupResult {
  /** The item estimated. */
  variable: string;
  /** What the share counts: the answer groups or codes. */
  counts: string[];
  /** The national share. */
  national: Estimate;
  /** One row per level (with respondents) of each grouping variable, in level order. */
  rows: SubgroupRow[];
  /** Confidence level of the intervals and tests. */
  level: number;
  /** Degrees of freedom of the intervals and tests. */
  df: number;
}

/**
 * The share of respondents giving some answers (by default the `positive` group, e.g.
 * "support") in each subgroup of one or more grouping variables, and for each subgroup the
 * difference subgroup − national with its design-based SE, interval, t test and whether it
 * differs at the chosen level.
 *
 * A subgroup is part of the national sample, so the two estimates are correlated: the SE of
 * the difference is √(var_sub + var_nat − 2 cov), the covariance from the stacked influence
 * values of the domain mean and the national mean (`jointCovariance`; in R, `svyratio` of
 * both as ratios with `covmat = TRUE`). Respondents without an answer are outside both bases;
 * respondents with a missing grouping value count in the national share only. Intervals and
 * tests use `df` (default: the design's degrees of freedom, for every subgroup).
 *
 * @param design - The weighted design of the poll (the national sample, or a domain of it).
 * @param item - The item: its `variable` and its `answers` (with their answer groups).
 * @param by - The grouping variable, or several (each gives its own subgroups).
 * @param opts - The answers counted (`groups` or `codes`; default the positive group), confidence
 *   level and degrees of freedom: see {@link SubgroupOptions}.
 * @throws {EstimationError} `NOT_CATEGORICAL` (a numeric grouping variable), `UNKNOWN_LEVEL`,
 *   `BAD_OPTION` (both or neither of groups and codes resolve to no answer).
 * @example
 * ```ts
 * const data = fromColumns({
 *   coop: ['Yes', 'Yes', 'No', 'Yes', 'No', 'No', 'Yes', 'Yes'],
 *   age: ['young', 'young', 'young', 'old', 'old', 'old', 'old', 'young'],
 * });
 * const answers = [
 *   { code: 1, label: { en: 'Yes' }, group: 'positive' as const },
 *   { code: 2, label: { en: 'No' }, group: 'negative' as const },
 * ];
 * const r = svySubgroups(svyDesign(data), { variable: 'coop', answers }, 'age');
 * console.log(r.national.estimate, r.rows.map((x) => `${x.subgroup} ${x.estimate} ${x.vsNational.difference}`)); // => 0.625 [ 'young 0.75 0.125', 'old 0.5 -0.125' ]
 * ```
 */
export function svySubgroups(
  design: SurveyDesign,
  item: { variable: string; answers: readonly Answer[] },
  by: string | readonly string[],
  opts: SubgroupOptions = {},
): SubgroupResult {
  const resolved = resolveOptions(design, opts);
  const { variable, answers } = item;
  const counted = countedAnswers(answers, opts);
  const column = `${variable}[share]`;
  const y = answerScores(
    design.data,
    variable,
    answers,
    answers.map((_, j) => (counted.includes(j) ? 1 : 0)),
  );
  const d = withColumns(design, { [column]: y });
  const statistic = 'proportion';
  const national = derivedMean(d, column, resolved, { variable, statistic });
  // The subgroups' shares by svyBy over the respondents with an answer (one pass over them for
  // all subgroups of a variable), each row's covariance with the national share from their
  // influence values over those respondents (the sums per PSU are kept from those passes).
  const answered = rowLink(national)!.block.present!;
  const onAnswered: SurveyDesign = { ...d, domain: answered };
  const domain = design.domain;
  const rows: SubgroupRow[] = [];
  for (const name of typeof by === 'string' ? [by] : by) {
    const g = getCategorical(design.data, name);
    // Per subgroup: respondents of the domain with and without an answer.
    const withAnswer = new Float64Array(g.levels.length);
    const without = new Float64Array(g.levels.length);
    const codes = g.codes;
    countAnswers(codes, domain, answered, withAnswer, without);
    if (!withAnswer.some((x) => x > 0)) continue;
    const groupDf = groupDegreesOfFreedom(design, codes, g.levels.length);
    const shares: Estimate[] = [];
    const table = svyBy(onAnswered, name, (group) => {
      const row = derivedMean(group, column, resolved, { variable, statistic });
      shares.push(row);
      return row;
    });
    const levels = table.map((t) => t.group![name]!);
    // The covariance of every subgroup's share and the national share at once (one pass of the
    // national influence values, not one per subgroup).
    const V = jointCovariance([...shares, national], { present: answered });
    const K = shares.length + 1;
    const nat = K - 1;
    const found = new Set<number>();
    levels.forEach((level, k) => {
      const code = g.levels.indexOf(level);
      found.add(code);
      const row = shares[k]! as SubgroupRow;
      row.level = level;
      row.nMissing = without[code]!;
      row.by = name;
      row.subgroup = level;
      row.national = national.estimate;
      row.vsNational = differenceTest(
        row.estimate,
        national.estimate,
        V[k * K + k]!,
        V[nat * K + nat]!,
        V[k * K + nat]!,
        resolved,
      );
      row.domainDf = groupDf[code]!;
      rows.push(row);
    });
    g.levels.forEach((level, code) => {
      if (withAnswer[code]! > 0 && !found.has(code)) {
        // Respondents with an answer, all of weight 0 (svyBy leaves such a group out).
        throw new EstimationError(
          'ZERO_WEIGHT_DOMAIN',
          `the respondents with "${column}" in subgroup ${name} = ${level} have weight 0`,
          { variable: column, group: { [name]: level } },
        );
      }
    });
  }
  return {
    variable,
    counts: counted.map((j) => String(answers[j]!.code)),
    national,
    rows,
    level: resolved.level,
    df: resolved.df,
  };
}

/**
 * Per subgroup (level code): the domain's respondents with an answer (`answered`: 1 for those)
 * into `withAnswer`, those without into `without`. (A function of typed arrays of its own, which
 * V8 optimises once, whatever happens to svySubgroups around it.)
 */
function countAnswers(
  codes: Int32Array,
  domain: Uint8Array | null,
  answered: Uint8Array,
  withAnswer: Float64Array,
  without: Float64Array,
): void {
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code < 0 || (domain !== null && domain[i] === 0)) continue;
    const a = answered[i]!;
    withAnswer[code]! += a;
    without[code]! += 1 - a;
  }
}

/** Indices of the answers counted by the options (groups or codes). */
function countedAnswers(answers: readonly Answer[], opts: SubgroupOptions): number[] {
  if (opts.groups !== undefined && opts.codes !== undefined) {
    throw new EstimationError('BAD_OPTION', 'give either groups or codes, not both', {});
  }
  const codes = opts.codes?.map(String);
  const groups = opts.groups ?? ['positive'];
  const counted = answers
    .map((a, j) => ({ a, j }))
    .filter(({ a }) =>
      codes ? codes.includes(String(a.code)) : groups.includes(a.group) && a.group !== 'missing',
    )
    .map(({ j }) => j);
  if (counted.length === 0) {
    throw new EstimationError(
      'BAD_OPTION',
      `no answer of the item is in ${codes ? `codes ${codes.join(', ')}` : `groups ${groups.join(', ')}`}`,
      { value: codes ?? groups },
    );
  }
  return counted;
}
