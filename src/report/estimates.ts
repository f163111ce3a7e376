/**
 * The estimates of a report: what the questionnaire describes (the attitude battery with its
 * rankings, the multiple-response questions with theirs, the single items overall and by
 * subgroup, the published statements, the published trends) or, without a questionnaire, the
 * topline of every variable.
 * @module
 */
import type { Codebook } from '../data/codebook.js';
import type { LinearizationDesign } from '../design/types.js';
import { CodebookError } from '../errors.js';
import type { Estimate } from '../estimate/types.js';
import type { PublishedTrend } from '../poll/about.js';
import { resolveOptions } from '../poll/answers.js';
import { type BatteryResult, type ItemSummary, svyBattery, svyItem } from '../poll/battery.js';
import { evaluateHeadlines, type HeadlineResult } from '../poll/headline.js';
import { type MultipleResponseResult, svyMultipleResponse } from '../poll/multiple-response.js';
import type { Battery, CategoricalItem, Questionnaire } from '../poll/questionnaire.js';
import { type Ranking, rankItems } from '../poll/rank.js';
import { type SubgroupResult, svySubgroups } from '../poll/subgroups.js';
import { type Topline, toplineEstimates } from './topline.js';

/** A multiple-response question of the questionnaire, estimated and ranked. */
export interface ReportQuestion {
  /** The question. */
  question: Questionnaire['multipleResponse'][number];
  /** Every option's share and mentions per respondent. */
  result: MultipleResponseResult;
  /** The substantive options ranked by share. */
  ranking: Ranking;
}

/** A single item of the questionnaire, overall and by subgroup. */
export interface ReportItem {
  /** The item. */
  item: CategoricalItem;
  /** Its answers and group statistics. */
  summary: ItemSummary;
  /** Its positive share by subgroup (`null` without subgroup variables). */
  subgroups: SubgroupResult | null;
}

/** Published figures with this poll's estimate of the item they go with. */
export interface ReportTrend {
  /** The figures and how to show them. */
  trend: PublishedTrend;
  /** This poll's estimate of the item's statistic. */
  estimate: Estimate;
}

/** Everything a report estimates. */
export interface PollEstimates {
  /** Confidence level of every interval. */
  level: number;
  /** Degrees of freedom of every interval and test. */
  df: number;
  /** The published statements, checked. */
  headlines: HeadlineResult[];
  /** The attitude battery with its rankings by net score and by positive share. */
  battery: { battery: Battery; result: BatteryResult; net: Ranking; positive: Ranking } | null;
  /** The multiple-response questions. */
  questions: ReportQuestion[];
  /** The single items. */
  items: ReportItem[];
  /** The subgroup variables. */
  subgroupVariables: string[];
  /** The published trends. */
  trends: ReportTrend[];
  /** The topline (`null` when not asked for). */
  topline: Topline | null;
}

/**
 * Estimates what the questionnaire describes (if any) and the topline (if asked), on `design`,
 * logging one line for the estimates and one per headline.
 *
 * @throws {CodebookError} `INVALID_QUESTIONNAIRE` for a trend whose variable is not an item of
 *   the questionnaire; the estimators' errors (e.g. `UNKNOWN_LEVEL` for an answer the
 *   questionnaire does not list).
 */
export function pollEstimates(
  design: LinearizationDesign,
  opts: {
    questionnaire: Questionnaire | undefined;
    topline: boolean;
    level: number;
    codebook: Codebook;
    log: (line: string, kind: 'progress' | 'headline') => void;
  },
): PollEstimates {
  const { questionnaire: q, level, log } = opts;
  const poll = resolveOptions(design, { level });
  const battery = q?.attitudes !== undefined ? batteryEstimates(design, q.attitudes, poll) : null;
  const questions = (q?.multipleResponse ?? []).map((question) => {
    const result = svyMultipleResponse(design, question, poll);
    return { question, result, ranking: rankItems(result) };
  });
  const subgroupVariables = (q?.subgroups ?? []).map((s) => s.variable);
  const items = (q?.eeu ?? []).map((item) => ({
    item,
    summary: svyItem(design, { ...item, key: item.id, label: item.question.en }, poll),
    subgroups: subgroupVariables.length
      ? svySubgroups(design, item, subgroupVariables, poll)
      : null,
  }));
  const topline = opts.topline
    ? toplineEstimates(design, { level, codebook: opts.codebook })
    : null;
  const parts = [
    ...(battery ? [`${battery.result.items.length} attitude items`] : []),
    ...(q ? [`${questions.length} multiple-response questions`] : []),
    ...(q ? [`${items.length} items by ${subgroupVariables.length} subgroup variables`] : []),
    ...(topline
      ? [
          `a topline of ${topline.variables.length} variables (${topline.variables.filter((v) => v.kind === 'categorical').length} categorical, ${topline.variables.filter((v) => v.kind === 'numeric').length} numeric)${topline.skipped.length ? `; left out: ${topline.skipped.map((s) => `${s.variable} (${s.reason})`).join(', ')}` : ''}`,
        ]
      : []),
  ];
  log(`estimates: ${parts.join(', ') || 'none'} (df ${poll.df})`, 'progress');

  const headlines = q ? evaluateHeadlines(design, q, poll) : [];
  for (const h of headlines) log(headlineLine(h), 'headline');
  const trends = (q?.trends ?? []).map((trend, k) => ({
    trend,
    estimate: trendEstimate(trend, k, battery?.result ?? null, items),
  }));
  return {
    level: poll.level,
    df: poll.df,
    headlines,
    battery,
    questions,
    items,
    subgroupVariables,
    trends,
    topline,
  };
}

function batteryEstimates(
  design: LinearizationDesign,
  battery: Battery,
  poll: { level: number; df: number },
): NonNullable<PollEstimates['battery']> {
  const result = svyBattery(design, battery, poll);
  return {
    battery,
    result,
    net: rankItems(result, { by: 'net' }),
    positive: rankItems(result, { by: 'positive' }),
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** A headline's line: its verdict, statement, share, interval and rank. */
export function headlineLine(h: HeadlineResult): string {
  const ci = `${pct(h.ci[0])} to ${pct(h.ci[1])}`;
  const rank = h.rank !== null ? `, rank ${h.rank} (plausible ${h.rankRange!.join('-')})` : '';
  return `headline: ${h.holds.padEnd(9)} ${h.statement}: ${pct(h.estimate)} [${ci}]${rank}`;
}

/** This poll's estimate a trend shows: its statistic of its item (a single or battery item). */
function trendEstimate(
  trend: PublishedTrend,
  k: number,
  battery: BatteryResult | null,
  items: readonly ReportItem[],
): Estimate {
  const summary =
    items.find((i) => i.item.variable === trend.variable)?.summary ??
    battery?.items.find((i) => i.variable === trend.variable);
  if (!summary) {
    throw new CodebookError(
      'INVALID_QUESTIONNAIRE',
      `trends.${k}.variable: ${JSON.stringify(trend.variable)} is not an item of the questionnaire (a battery item or a single item)`,
      { variable: trend.variable, value: trend.id },
    );
  }
  return summary[trend.statistic ?? 'positive'];
}
