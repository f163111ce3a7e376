/**
 * The report's tables (`out/tables/*.csv`), one function per table, from the poll estimates.
 * Shares are proportions (0–1), at full precision; intervals are `*_lo` / `*_hi`.
 * @module
 */
import type { Estimate } from '../../src/estimate/types.js';
import { GROUP_STATISTICS, type ItemSummary } from '../../src/poll/battery.js';
import type { HeadlineResult } from '../../src/poll/headline.js';
import type { MultipleResponseResult } from '../../src/poll/multiple-response.js';
import type { Ranking } from '../../src/poll/rank.js';
import type { SubgroupResult } from '../../src/poll/subgroups.js';
import { type Cell, toCsv } from './csv.js';

const est = (e: Estimate): Cell[] => [e.estimate, e.se, e.ci[0], e.ci[1]];
const estHeader = (p: string): string[] => [p, `${p}_se`, `${p}_lo`, `${p}_hi`];

/** Group statistics of each item of a battery or list of items: one row per item. */
export function itemsTable(items: readonly ItemSummary[]): string {
  const header = [
    'key',
    'label',
    'variable',
    'n',
    'n_missing',
    ...GROUP_STATISTICS.flatMap(estHeader),
  ];
  const rows = items.map((i) => [
    i.key,
    i.label,
    i.variable,
    i.n,
    i.nMissing,
    ...GROUP_STATISTICS.flatMap((s) => est(i[s])),
  ]);
  return toCsv(header, rows);
}

/** The share of every answer of every item: one row per item × answer. */
export function answersTable(items: readonly ItemSummary[]): string {
  const header = ['key', 'variable', 'code', 'answer', 'group', 'n', ...estHeader('share')];
  const rows = items.flatMap((i) =>
    i.answers.map((a) => [i.key, i.variable, a.code, a.level ?? '', a.answerGroup, a.n, ...est(a)]),
  );
  return toCsv(header, rows);
}

/** A ranking with its plausible ranks, ties and the test against the next item. */
export function rankingTable(ranking: Ranking): string {
  const header = [
    'rank',
    'rank_low',
    'rank_high',
    'key',
    'label',
    ...estHeader(ranking.by),
    'tied_with',
    'next',
    'diff_next',
    'diff_next_se',
    'diff_next_p',
    'differs_from_next',
  ];
  const rows = ranking.items.map((i) => [
    i.rank,
    i.rankRange[0],
    i.rankRange[1],
    i.key,
    i.label,
    i.estimate,
    i.se,
    i.ci[0],
    i.ci[1],
    i.tiedWith.join(' '),
    i.next?.key ?? null,
    i.next?.difference ?? null,
    i.next?.se ?? null,
    i.next?.pValue ?? null,
    i.next?.differs ?? null,
  ]);
  return toCsv(header, rows);
}

/** Every option of the multiple-response questions, and mentions per 100 respondents. */
export function multipleResponseTable(results: readonly MultipleResponseResult[]): string {
  const header = ['question', 'key', 'label', 'kind', 'n', 'n_missing', ...estHeader('estimate')];
  const rows = results.flatMap((r) => [
    ...r.options.map((o) => [r.question, o.key, o.label, o.kind, o.n, o.nMissing, ...est(o)]),
    [
      r.question,
      'mentions_per_100',
      'Mentions per 100 respondents',
      '',
      r.n,
      r.nMissing,
      ...est(r.mentions),
    ],
  ]);
  return toCsv(header, rows);
}

/** Items by subgroup against the national share. */
export function subgroupsTable(results: readonly SubgroupResult[]): string {
  const header = [
    'variable',
    'counts',
    'by',
    'subgroup',
    'n',
    ...estHeader('share'),
    'national',
    'national_se',
    ...estHeader('difference'),
    't',
    'df',
    'p',
    'differs',
  ];
  const rows = results.flatMap((r) =>
    r.rows.map((x) => [
      r.variable,
      r.counts.join(' '),
      x.by,
      x.subgroup,
      x.n,
      ...est(x),
      r.national.estimate,
      r.national.se,
      x.vsNational.difference,
      x.vsNational.se,
      x.vsNational.ci[0],
      x.vsNational.ci[1],
      x.vsNational.t,
      x.vsNational.df,
      x.vsNational.pValue,
      x.vsNational.differs,
    ]),
  );
  return toCsv(header, rows);
}

/** The headline table: each published statement, the estimate, its interval and the verdict. */
export function headlineTable(results: readonly HeadlineResult[]): string {
  const header = [
    'id',
    'statement',
    'holds',
    ...estHeader('estimate'),
    'n',
    'n_missing',
    'comparison',
    'threshold',
    'claimed_rank',
    'rank',
    'rank_low',
    'rank_high',
    'reason',
    'source',
  ];
  const rows = results.map((h) => [
    h.id,
    h.statement,
    h.holds,
    h.estimate,
    h.se,
    h.ci[0],
    h.ci[1],
    h.n,
    h.nMissing,
    h.comparison,
    h.threshold,
    h.claimedRank,
    h.rank,
    h.rankRange?.[0] ?? null,
    h.rankRange?.[1] ?? null,
    h.reason,
    h.source,
  ]);
  return toCsv(header, rows);
}
