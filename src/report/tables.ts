/**
 * The report's tables (`tables/*.csv`), one function per table, from the poll estimates.
 * Shares are proportions (0–1), at full precision; intervals are `*_lo` / `*_hi`; each share's
 * reliability flag by the NCHS standard for proportions is in `flag` (`suppress`, `review`,
 * `footnote`, or empty) with `flag_reason`. Every row ends with `source`, where the data comes
 * from, so the source travels with any row copied out of the file.
 * @module
 */

import { type CsvCell as Cell, formatCsvTable } from '../data/csv/format.js';
import type { Estimate } from '../estimate/types.js';
import { GROUP_STATISTICS, type ItemSummary } from '../poll/battery.js';
import type { HeadlineResult } from '../poll/headline.js';
import type { MultipleResponseResult } from '../poll/multiple-response.js';
import type { Ranking } from '../poll/rank.js';
import type { SubgroupResult } from '../poll/subgroups.js';
import type { PollEstimates } from './estimates.js';
import { fileStem, UniqueNames } from './names.js';
import { shareFlag } from './reliability.js';
import type { Topline } from './topline.js';

const est = (e: Estimate): Cell[] => [e.estimate, e.se, e.ci[0], e.ci[1]];
const estHeader = (p: string): string[] => [p, `${p}_se`, `${p}_lo`, `${p}_hi`];

/** A share's flag and its reason (both empty when it meets the standard). */
const flagCells = (e: { estimate: number; se: number; n: number }, df: number): Cell[] => {
  const f = shareFlag(e, df);
  return [f?.flag ?? '', f?.reason ?? ''];
};
const FLAG_HEADER = ['flag', 'flag_reason'];

/** A report table before it is written as CSV: its header and rows. */
export interface Table {
  header: readonly string[];
  rows: ReadonlyArray<readonly Cell[]>;
}

/** A table with a last column `source` on every row. */
function sourced(
  header: readonly string[],
  rows: ReadonlyArray<readonly Cell[]>,
  source: string,
): Table {
  return { header: [...header, 'source'], rows: rows.map((r) => [...r, source]) };
}

/**
 * Group statistics of each item of a battery or list of items: one row per item; each share
 * statistic with its `<statistic>_flag` (the net score is not a share: no flag).
 */
export function itemsTable(items: readonly ItemSummary[], df: number, source: string): Table {
  const header = [
    'key',
    'label',
    'variable',
    'n',
    'n_missing',
    ...GROUP_STATISTICS.flatMap((s) => [...estHeader(s), ...(s === 'net' ? [] : [`${s}_flag`])]),
  ];
  const rows = items.map((i) => [
    i.key,
    i.label,
    i.variable,
    i.n,
    i.nMissing,
    ...GROUP_STATISTICS.flatMap((s) => [
      ...est(i[s]),
      ...(s === 'net' ? [] : [shareFlag(i[s], df)?.flag ?? '']),
    ]),
  ]);
  return sourced(header, rows, source);
}

/** The share of every answer of every item: one row per item × answer. */
export function answersTable(items: readonly ItemSummary[], df: number, source: string): Table {
  const header = [
    'key',
    'variable',
    'code',
    'answer',
    'group',
    'n',
    ...estHeader('share'),
    ...FLAG_HEADER,
  ];
  const rows = items.flatMap((i) =>
    i.answers.map((a) => [
      i.key,
      i.variable,
      a.code,
      a.level ?? '',
      a.answerGroup,
      a.n,
      ...est(a),
      ...flagCells(a, df),
    ]),
  );
  return sourced(header, rows, source);
}

/**
 * A ranking with its plausible ranks, ties and the test against the next item (`bases`: each
 * item's unweighted base, for the reliability flag of a ranking of shares).
 */
export function rankingTable(
  ranking: Ranking,
  bases: ReadonlyMap<string, number>,
  source: string,
): Table {
  const isShare = ranking.by !== 'net';
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
    ...FLAG_HEADER,
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
    ...(isShare && bases.has(i.key)
      ? flagCells({ ...i, n: bases.get(i.key)! }, ranking.df)
      : ['', '']),
  ]);
  return sourced(header, rows, source);
}

/** Every option of the multiple-response questions, and mentions per 100 respondents. */
export function multipleResponseTable(
  results: readonly MultipleResponseResult[],
  df: number,
  source: string,
): Table {
  const header = [
    'question',
    'key',
    'label',
    'kind',
    'n',
    'n_missing',
    ...estHeader('estimate'),
    ...FLAG_HEADER,
  ];
  const rows = results.flatMap((r) => [
    ...r.options.map((o) => [
      r.question,
      o.key,
      o.label,
      o.kind,
      o.n,
      o.nMissing,
      ...est(o),
      ...flagCells(o, df),
    ]),
    [
      r.question,
      'mentions_per_100',
      'Mentions per 100 respondents',
      '',
      r.n,
      r.nMissing,
      ...est(r.mentions),
      '',
      '',
    ],
  ]);
  return sourced(header, rows, source);
}

/**
 * Items by subgroup against the national share; `subgroup_df` is the subgroup's own degrees of
 * freedom (its PSUs minus strata), on which its reliability is judged.
 */
export function subgroupsTable(results: readonly SubgroupResult[], source: string): Table {
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
    'subgroup_df',
    ...FLAG_HEADER,
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
      x.domainDf,
      ...flagCells(x, x.domainDf),
    ]),
  );
  return sourced(header, rows, source);
}

/**
 * The headline table: each published statement, the estimate, its interval and the verdict
 * (`source` is where the statement was published; `data_source` where the data comes from).
 */
export function headlineTable(
  results: readonly HeadlineResult[],
  df: number,
  source: string,
): Table {
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
    ...FLAG_HEADER,
    'data_source',
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
    ...flagCells(h, df),
    source,
  ]);
  return { header, rows };
}

/** The topline: every level's share of each categorical variable, and each numeric mean. */
export function toplineTable(topline: Topline, df: number, source: string): Table {
  const header = [
    'variable',
    'label',
    'type',
    'level',
    'n',
    'n_missing',
    ...estHeader('estimate'),
    ...FLAG_HEADER,
  ];
  const rows = topline.variables.flatMap((v) =>
    v.rows.map((e) => [
      v.variable,
      v.label,
      v.kind,
      e.level ?? null,
      e.n,
      e.nMissing,
      ...est(e),
      ...(v.kind === 'categorical' ? flagCells(e, df) : ['', '']),
    ]),
  );
  return sourced(header, rows, source);
}

/**
 * Every table of a report as CSV text, by name (the file name without `.csv`), in the order
 * they are written: a table is made when the report has its content. `source` ends every row.
 * Text a spreadsheet would run as a formula is escaped unless `escapeFormulas` is `false`
 * ({@link formatCsvTable}).
 */
export function reportTables(
  x: PollEstimates,
  source: string,
  escapeFormulas = true,
): Map<string, string> {
  const names = new UniqueNames();
  const tables = new Map<string, string>();
  const add = (name: string, t: Table) =>
    tables.set(names.take(name), formatCsvTable(t.header, t.rows, { escapeFormulas }));
  const items = x.items.map((i) => i.summary);
  const subgroups = x.items.flatMap((i) => (i.subgroups ? [i.subgroups] : []));
  const { df } = x;
  if (x.headlines.length) add('headlines', headlineTable(x.headlines, df, source));
  if (x.questions.length) {
    add(
      'multiple-response',
      multipleResponseTable(
        x.questions.map((q) => q.result),
        df,
        source,
      ),
    );
  }
  if (items.length) {
    add('items', itemsTable(items, df, source));
    add('items-answers', answersTable(items, df, source));
  }
  if (subgroups.length) add('items-by-subgroup', subgroupsTable(subgroups, source));
  if (x.battery) {
    const bases = new Map(x.battery.result.items.map((i) => [i.key, i.n]));
    add('attitudes', itemsTable(x.battery.result.items, df, source));
    add('attitudes-answers', answersTable(x.battery.result.items, df, source));
    add('ranking-attitudes-net', rankingTable(x.battery.net, bases, source));
    add('ranking-attitudes-positive', rankingTable(x.battery.positive, bases, source));
  }
  for (const q of x.questions) {
    const bases = new Map(q.result.options.map((o) => [o.key, o.n]));
    add(`ranking-${fileStem(q.result.question)}`, rankingTable(q.ranking, bases, source));
  }
  if (x.topline) add('topline', toplineTable(x.topline, df, source));
  return tables;
}
