/**
 * Rankings with the ties the uncertainty allows: items ordered by an estimate, with pairwise
 * design-based tests (the items' estimates come from the same respondents, so their covariance
 * is part of each test).
 * @module
 */
import { EstimationError } from '../errors.js';
import { jointCovariance } from '../estimate/influence-rows.js';
import type { Estimate } from '../estimate/types.js';
import { type DifferenceTest, differenceTest } from './answers.js';
import type { BatteryResult, GroupStatistic } from './battery.js';
import type { MultipleResponseResult } from './multiple-response.js';

/** Options of {@link rankItems}. */
export interface RankOptions {
  /** For a battery: the statistic ranked (default `'net'`). Ignored for a multiple-response result. */
  by?: GroupStatistic;
  /** Level of the pairwise tests, default the result's level. */
  level?: number;
  /** Degrees of freedom of the tests, default the result's. */
  df?: number;
  /**
   * Keys of the items to rank, default all items of a battery, and the substantive options of a
   * multiple-response question (kinds other than `'none'` and `'dk'`).
   */
  keys?: readonly string[];
}

/** One item of a {@link Ranking}. */
export interface RankedItem {
  /** The item's (or option's) key. */
  key: string;
  /** Its label (as its result gives it). */
  label: string;
  /** The ranked estimate. */
  estimate: number;
  /** Standard error of the estimate. */
  se: number;
  /** Its confidence interval. */
  ci: [number, number];
  /** Position by estimate, 1 = highest (equal estimates keep input order). */
  rank: number;
  /**
   * Ranks the item could plausibly hold: [1 + items significantly above it, k − items
   * significantly below it].
   */
  rankRange: [number, number];
  /** Keys of the items whose difference from this one is not significant. */
  tiedWith: string[];
  /** Keys of the items significantly above this one. */
  significantlyAbove: string[];
  /** The test against the next item in rank order (`null` for the last one). */
  next:
    | (DifferenceTest & {
        /** Key of the next item. */
        key: string;
      })
    | null;
}

/** {@link rankItems}'s result. */
export interface Ranking {
  /** What was ranked: the battery statistic, or `'share'` for a multiple-response question. */
  by: string;
  /** Confidence level of the pairwise tests. */
  level: number;
  /** Degrees of freedom of the pairwise tests. */
  df: number;
  /** Items in rank order. */
  items: RankedItem[];
}

/**
 * Ranks the items of a battery by one of its statistics (`by`, default the net score), or the
 * options of a multiple-response question by their share, and says which ranks the sampling
 * uncertainty allows.
 *
 * The rule (no multiplicity correction): every pair of items is compared with a design-based
 * t test of the difference of their estimates, SE √(var_a + var_b − 2 cov_ab) from the joint
 * covariance of the estimates (`jointCovariance`: they are on the same respondents), at the
 * result's level and df. Two items are *tied* when the difference's interval includes 0. An
 * item's plausible ranks run from 1 + (number of items significantly above it) to k − (number
 * significantly below it). `next` is the test against the following item in rank order.
 *
 * @param source - A battery result ({@link svyBattery}: its items are ranked) or a
 *   multiple-response result ({@link svyMultipleResponse}: its options are ranked by share).
 * @param opts - The statistic to rank by, the items to rank, confidence level and degrees of
 *   freedom: see {@link RankOptions}.
 * @example
 * ```ts
 * const data = fromColumns({ a: [1, 1, 1, 1, 0, 1, 1, 1], b: [1, 0, 1, 0, 0, 1, 0, 1], c: [0, 0, 1, 0, 0, 1, 0, 1] });
 * const q = { id: 'q', question: { en: 'Which?' }, options: ['a', 'b', 'c'].map((k) => ({ variable: k, key: k, label: { en: k } })) };
 * const r = rankItems(svyMultipleResponse(svyDesign(data), q, { df: Infinity }));
 * console.log(r.items.map((i) => `${i.key}#${i.rank}[${i.rankRange.join('-')}]`).join(' ')); // => a#1[1-1] b#2[2-3] c#3[2-3]
 * ```
 */
export function rankItems(
  source: BatteryResult | MultipleResponseResult,
  opts: RankOptions = {},
): Ranking {
  let entries: Array<{ key: string; label: string; row: Estimate }>;
  let V: Float64Array;
  let by: string;
  if ('items' in source) {
    const stat = opts.by ?? 'net';
    by = stat;
    entries = source.items
      .filter((i) => opts.keys === undefined || opts.keys.includes(i.key))
      .map((i) => ({ key: i.key, label: i.label, row: i[stat] }));
    V = jointCovariance(entries.map((e) => e.row));
  } else {
    by = 'share';
    const k = source.options.length;
    const chosen = source.options
      .map((o, j) => ({ o, j }))
      .filter(({ o }) =>
        opts.keys === undefined ? o.kind !== 'none' && o.kind !== 'dk' : opts.keys.includes(o.key),
      );
    entries = chosen.map(({ o }) => ({ key: o.key, label: o.label, row: o }));
    V = new Float64Array(chosen.length * chosen.length);
    chosen.forEach(({ j: a }, x) => {
      chosen.forEach(({ j: b }, y) => {
        V[x * chosen.length + y] = source.covariance[a * k + b]!;
      });
    });
  }
  if (opts.keys) {
    const missing = opts.keys.filter((key) => !entries.some((e) => e.key === key));
    if (missing.length > 0) {
      throw new EstimationError('UNKNOWN_LEVEL', `no item with key ${missing.join(', ')}`, {
        level: missing[0],
      });
    }
  }
  const level = opts.level ?? source.level;
  const df = opts.df ?? source.df;
  return rankEstimates(entries, V, by, { level, df });
}

function rankEstimates(
  entries: ReadonlyArray<{ key: string; label: string; row: Estimate }>,
  V: Float64Array,
  by: string,
  opts: { level: number; df: number },
): Ranking {
  const k = entries.length;
  const order = entries
    .map((e, j) => ({ e, j }))
    .sort((x, y) => y.e.row.estimate - x.e.row.estimate || x.j - y.j);
  const test = (a: number, b: number) =>
    differenceTest(
      entries[a]!.row.estimate,
      entries[b]!.row.estimate,
      V[a * k + a]!,
      V[b * k + b]!,
      V[a * k + b]!,
      opts,
    );
  const items = order.map(({ e, j }, position): RankedItem => {
    const tiedWith: string[] = [];
    const above: string[] = [];
    let below = 0;
    for (const { e: other, j: m } of order) {
      if (m === j) continue;
      const t = test(m, j);
      if (!t.differs) tiedWith.push(other.key);
      else if (t.difference > 0) above.push(other.key);
      else below++;
    }
    const following = order[position + 1];
    return {
      key: e.key,
      label: e.label,
      estimate: e.row.estimate,
      se: e.row.se,
      ci: e.row.ci,
      rank: position + 1,
      rankRange: [1 + above.length, k - below],
      tiedWith,
      significantlyAbove: above,
      next: following ? { key: following.e.key, ...test(j, following.j) } : null,
    };
  });
  return { by, level: opts.level, df: opts.df, items };
}
