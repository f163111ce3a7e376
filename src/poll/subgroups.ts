/**
 * A categorical item by subgroup (age group, region, ...), each subgroup's share set against
 * the national figure with a design-based test of the difference.
 * @module
 */
import { getCategorical } from '../data/frame.js';
import { degreesOfFreedom } from '../design/df.js';
import { subset } from '../design/subset.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { jointCovariance } from '../estimate/influence-rows.js';
import type { Estimate } from '../estimate/types.js';
import {
  answerIndex,
  type DifferenceTest,
  derivedMean,
  differenceTest,
  type PollOptions,
  resolveOptions,
  scoreColumn,
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
  const index = answerIndex(design.data, variable, answers);
  const column = `${variable}[share]`;
  const y = scoreColumn(
    index,
    answers,
    answers.map((_, j) => (counted.includes(j) ? 1 : 0)),
  );
  const d = withColumns(design, { [column]: y });
  const statistic = 'proportion';
  const national = derivedMean(d, column, resolved, { variable, statistic });
  const rows: SubgroupRow[] = [];
  for (const name of typeof by === 'string' ? [by] : by) {
    const g = getCategorical(design.data, name);
    g.levels.forEach((level, code) => {
      const inGroup = new Uint8Array(design.data.nrow);
      let any = false;
      for (let i = 0; i < inGroup.length; i++) {
        if (g.codes[i] !== code) continue;
        inGroup[i] = 1;
        if (!Number.isNaN(y[i]!) && (design.domain === null || design.domain[i])) any = true;
      }
      if (!any) return; // no respondent with an answer in this subgroup
      const domain = subset(d, inGroup);
      const sub = derivedMean(domain, column, resolved, {
        variable,
        level,
        statistic,
      });
      const V = jointCovariance([sub, national]);
      const row = sub as SubgroupRow;
      row.by = name;
      row.subgroup = level;
      row.national = national.estimate;
      row.vsNational = differenceTest(
        sub.estimate,
        national.estimate,
        V[0]!,
        V[3]!,
        V[1]!,
        resolved,
      );
      row.domainDf = degreesOfFreedom(domain);
      rows.push(row);
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
