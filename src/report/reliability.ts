/**
 * The reliability of every share a report shows, by the NCHS Data Presentation Standards for
 * Proportions (`reliability`): one place that lists the shares (headline, battery, multiple
 * response, single items, subgroups with their own degrees of freedom, trends, topline), so the
 * page, the tables, the summary and the command line flag the same estimates.
 * @module
 */
import type { Estimate } from '../estimate/types.js';
import { GROUP_STATISTICS } from '../poll/battery.js';
import { textOf } from '../poll/questionnaire.js';
import { type Reliability, reliability } from '../poll/reliability.js';
import type { PollEstimates } from './estimates.js';

/** The standard the report's flags follow, as cited on the page and in summary.json. */
export const RELIABILITY_STANDARD =
  'NCHS Data Presentation Standards for Proportions (Parker JD, Talih M, Malec DJ, et al. Vital Health Stat 2(175), 2017)';

/** A share's flag: `null` when it meets the standard. */
export type ShareFlag = Pick<Reliability, 'flag' | 'reasons' | 'reason'>;

/**
 * The flag of a share (0–1 with its SE and base) on `df` degrees of freedom; `null` when it
 * cannot be judged (no variance, or not a share).
 */
export function shareFlag(
  e: { estimate: number; se: number; n: number },
  df: number | undefined,
): ShareFlag | null {
  if (!(e.estimate >= 0 && e.estimate <= 1) || !(e.se >= 0) || !(e.n >= 1)) return null;
  const r = reliability(e, df === undefined ? {} : { df });
  return { flag: r.flag, reasons: r.reasons, reason: r.reason };
}

/** One flagged share of a report. */
export interface FlaggedShare {
  /** What the share is, e.g. "eeu_membership: Support, region = Grodno". */
  what: string;
  /** The share. */
  estimate: number;
  /** Its unweighted base. */
  n: number;
  /** The verdict and why. */
  flag: NonNullable<Reliability['flag']>;
  /** The rules that flag it. */
  reasons: Reliability['reasons'];
  /** The reasons as a sentence. */
  reason: string;
}

/** A share as a report holds it: its value, standard error and base. */
type Share = Pick<Estimate, 'estimate' | 'se' | 'n'>;

/** Every share a report shows, with what it is and the degrees of freedom it is judged on. */
export function reportShares(
  x: PollEstimates,
): Array<{ what: string; estimate: Share; df: number }> {
  const out: Array<{ what: string; estimate: Share; df: number }> = [];
  const add = (what: string, estimate: Share, df = x.df) => {
    out.push({ what, estimate, df });
  };
  for (const h of x.headlines) add(h.id, h);
  for (const i of x.battery?.result.items ?? []) {
    for (const a of i.answers) add(`${i.variable}: ${a.level ?? a.code}`, a);
    for (const s of GROUP_STATISTICS) if (s !== 'net') add(`${i.variable}: ${s}`, i[s]);
  }
  for (const q of x.questions) {
    for (const o of q.result.options) add(`${q.result.question}: ${o.key}`, o);
  }
  for (const item of x.items) {
    const v = item.item.variable;
    for (const a of item.summary.answers) add(`${v}: ${a.level ?? a.code}`, a);
    const counts = item.subgroups?.counts ?? [];
    const counted = item.item.answers
      .filter((a) => counts.includes(String(a.code)))
      .map((a) => textOf(a.label))
      .join(' or ');
    for (const r of item.subgroups?.rows ?? []) {
      add(`${v}: ${counted}, ${r.by} = ${r.subgroup}`, r, r.domainDf);
    }
  }
  for (const t of x.trends) add(`${t.trend.id}: this poll`, t.estimate);
  for (const v of x.topline?.variables ?? []) {
    if (v.kind === 'categorical') for (const e of v.rows) add(`${v.variable}: ${e.level}`, e);
  }
  return out;
}

/** The report's flagged shares, in report order. */
export function flaggedShares(x: PollEstimates): {
  assessed: number;
  flagged: FlaggedShare[];
} {
  const shares = reportShares(x);
  const flagged: FlaggedShare[] = [];
  for (const s of shares) {
    const f = shareFlag(s.estimate, s.df);
    if (f?.flag) {
      flagged.push({
        what: s.what,
        estimate: s.estimate.estimate,
        n: s.estimate.n,
        flag: f.flag,
        reasons: f.reasons,
        reason: f.reason,
      });
    }
  }
  return { assessed: shares.length, flagged };
}
