/**
 * The report's tables (`tables/*.csv`), one function per table, from the poll estimates.
 * Shares are proportions (0–1), at full precision; intervals are `*_lo` / `*_hi`.
 * @module
 */
import type { Estimate } from '../estimate/types.js';
import { GROUP_STATISTICS, type ItemSummary } from '../poll/battery.js';
import type { HeadlineResult } from '../poll/headline.js';
import type { MultipleResponseResult } from '../poll/multiple-response.js';
import type { Ranking } from '../poll/rank.js';
import type { SubgroupResult } from '../poll/subgroups.js';
import { type Cell, toCsv } from './csv.js';
import type { PollEstimates } from './estimates.js';
import { fileStem, UniqueNames } from './names.js';
import type { Topline } from './topline.js';

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

/** The topline: every level's share of each categorical variable, and each numeric mean. */
export function toplineTable(topline: Topline): string {
  const header = ['variable', 'label', 'type', 'level', 'n', 'n_missing', ...estHeader('estimate')];
  const rows = topline.variables.flatMap((v) =>
    v.rows.map((e) => [v.variable, v.label, v.kind, e.level ?? null, e.n, e.nMissing, ...est(e)]),
  );
  return toCsv(header, rows);
}

/**
 * Every table of a report, by name (the file name without `.csv`), in the order they are
 * written: a table is made when the report has its content.
 */
export function reportTables(x: PollEstimates): Map<string, string> {
  const names = new UniqueNames();
  const tables = new Map<string, string>();
  const add = (name: string, csv: string) => tables.set(names.take(name), csv);
  const items = x.items.map((i) => i.summary);
  const subgroups = x.items.flatMap((i) => (i.subgroups ? [i.subgroups] : []));
  if (x.headlines.length) add('headlines', headlineTable(x.headlines));
  if (x.questions.length)
    add('multiple-response', multipleResponseTable(x.questions.map((q) => q.result)));
  if (items.length) {
    add('items', itemsTable(items));
    add('items-answers', answersTable(items));
  }
  if (subgroups.length) add('items-by-subgroup', subgroupsTable(subgroups));
  if (x.battery) {
    add('attitudes', itemsTable(x.battery.result.items));
    add('attitudes-answers', answersTable(x.battery.result.items));
    add('ranking-attitudes-net', rankingTable(x.battery.net));
    add('ranking-attitudes-positive', rankingTable(x.battery.positive));
  }
  for (const q of x.questions)
    add(`ranking-${fileStem(q.result.question)}`, rankingTable(q.ranking));
  if (x.topline) add('topline', toplineTable(x.topline));
  return tables;
}
