/**
 * The tables of the report page (formatted for reading: percents, intervals, bases), one
 * function per table; the CSV files with full precision are tables.ts. Every table says where
 * its data comes from, and marks the shares that fail the NCHS standard for proportions with a
 * footnote saying why.
 * @module
 */
import {
  type ChartFlag,
  chartFlag,
  fixed,
  flagFootnotes,
  percent,
  percentInterval,
} from '../charts/common.js';
import type { ChartLabels } from '../charts/labels.js';
import { estimateTable, type ReportTable } from '../charts/report.js';
import type { BatteryResult } from '../poll/battery.js';
import type { HeadlineResult } from '../poll/headline.js';
import { textOf } from '../poll/questionnaire.js';
import type { SubgroupResult } from '../poll/subgroups.js';
import type { ReportQuestion, ReportTrend } from './estimates.js';
import type { ToplineVariable } from './topline.js';

const pctLevel = (level: number) => `${Math.round(level * 100)}% CI`;

/** What every table of a report shares: the level, the design df and the data's source. */
export interface TableContext {
  /** Confidence level of the intervals. */
  level: number;
  /** Design degrees of freedom (for the reliability flags). */
  df: number;
  /** Where the data comes from. */
  source: string;
}

/** Flags the shares of one table and writes their footnote. */
function flagger(c: TableContext) {
  const flags: ChartFlag[] = [];
  return {
    /** The share's mark (`*`, `†` or ''), remembered for the footnote. */
    mark(e: { estimate: number; se: number; n: number }, df = c.df): string {
      const f = chartFlag({ ...e, df }, {});
      flags.push(f);
      return f.mark;
    },
    /** The table's note: the given lines, then the reliability footnotes. */
    note(...lines: string[]): string | undefined {
      const all = [...lines.filter(Boolean), ...flagFootnotes(flags, 'en', true)];
      return all.length ? all.join('\n') : undefined;
    },
  };
}

/** `note` only when there is one. */
const withNote = (note: string | undefined) => (note === undefined ? {} : { note });

/** A p-value as printed: "< 0.001" below that, else three decimals. */
export function pValueText(p: number): string {
  return p < 0.001 ? '< 0.001' : fixed(p, 3);
}

/** The published statements with the data's estimate and verdict. */
export function headlineTable(headlines: readonly HeadlineResult[], c: TableContext): ReportTable {
  const f = flagger(c);
  const sources = [...new Set(headlines.map((h) => h.source))];
  const rows = headlines.map((h) => [
    h.statement,
    h.holds,
    `${percent(h.estimate)}${f.mark(h)}`,
    percentInterval(h.ci),
    h.threshold !== null
      ? `${h.comparison} ${percent(h.threshold, 0)}`
      : `rank ${h.rank} (plausible ${h.rankRange?.join('–')})`,
    h.n,
  ]);
  return {
    caption: 'Published statements and the data',
    columns: [
      'Statement',
      'Verdict',
      { label: 'Estimate', numeric: true },
      { label: pctLevel(c.level), numeric: true },
      { label: 'Threshold or rank', numeric: true },
      { label: 'Base (n)', numeric: true },
    ],
    rows,
    ...withNote(
      f.note(
        `Statements as published in: ${sources.join('; ')}. The estimates are from this data.`,
      ),
    ),
    source: c.source,
  };
}

/** The attitude battery: each item's shares, net score and base, by net score. */
export function batteryTable(result: BatteryResult, c: TableContext): ReportTable {
  const f = flagger(c);
  const ci = (e: { estimate: number; se: number; n: number; ci: readonly [number, number] }) =>
    `${percent(e.estimate)}${f.mark(e)} (${percentInterval(e.ci)})`;
  const rows = [...result.items]
    .sort((a, b) => b.net.estimate - a.net.estimate)
    .map((i) => [
      i.label,
      ci(i.positive),
      ci(i.neutral),
      ci(i.negative),
      ci(i.dk),
      `${fixed(100 * i.net.estimate, 1)} (${fixed(100 * i.net.ci[0], 1)} to ${fixed(100 * i.net.ci[1], 1)})`,
      i.n,
    ]);
  return {
    caption: `Attitudes by item: share with ${Math.round(c.level * 100)}% confidence interval`,
    columns: [
      'Item',
      { label: 'Positive', numeric: true },
      { label: 'Neutral', numeric: true },
      { label: 'Negative', numeric: true },
      { label: 'Hard to say', numeric: true },
      { label: 'Net (points)', numeric: true },
      { label: 'Base (n)', numeric: true },
    ],
    rows,
    ...withNote(f.note()),
    source: c.source,
  };
}

/**
 * A multiple-response question: every option — the ranked ones in rank order, then those not
 * ranked ("none", "hard to say") — with mentions per 100 respondents.
 */
export function questionTable(x: ReportQuestion, c: TableContext): ReportTable {
  const { question, result, ranking } = x;
  const f = flagger(c);
  const ranked = new Map(ranking.items.map((i) => [i.key, i]));
  const options = [
    ...ranking.items.map((i) => result.options.find((o) => o.key === i.key)!),
    ...result.options.filter((o) => !ranked.has(o.key)),
  ];
  const rows = options.map((o) => {
    const r = ranked.get(o.key);
    return [
      o.label,
      r ? r.rank : '—',
      r
        ? r.rankRange[0] === r.rankRange[1]
          ? String(r.rank)
          : r.rankRange.join('–')
        : 'not ranked',
      `${percent(o.estimate)}${f.mark(o)}`,
      percentInterval(o.ci),
      o.n,
    ];
  });
  return {
    caption: textOf(question.question),
    columns: [
      'Option',
      { label: 'Rank', numeric: true },
      { label: 'Plausible ranks', numeric: true },
      { label: 'Share', numeric: true },
      { label: pctLevel(c.level), numeric: true },
      { label: 'Base (n)', numeric: true },
    ],
    rows,
    ...withNote(
      f.note(
        `Mentions per 100 respondents: ${fixed(result.mentions.estimate, 1)} (${fixed(result.mentions.ci[0], 1)} to ${fixed(result.mentions.ci[1], 1)}). Respondents who answered: ${result.n}; without an answer: ${result.nMissing}. Answers that are not options ("none", "hard to say") are listed but not ranked.`,
      ),
    ),
    source: c.source,
  };
}

/** An item's share by subgroup against the national share. */
export function subgroupTable(
  s: SubgroupResult,
  question: string,
  labels: ChartLabels,
  c: TableContext,
): ReportTable {
  const f = flagger(c);
  const title = (v: string) => labels.variables[v]?.en ?? v;
  const rows = s.rows.map((r) => [
    r.subgroup,
    title(r.by),
    `${percent(r.estimate)}${f.mark(r, r.domainDf)}`,
    percentInterval(r.ci),
    `${r.vsNational.difference > 0 ? '+' : ''}${fixed(100 * r.vsNational.difference, 1)}${r.vsNational.differs ? ' ‡' : ''}`,
    pValueText(r.vsNational.pValue),
    r.n,
  ]);
  return {
    caption: `${question}: share by subgroup (national ${percent(s.national.estimate)}, ${percentInterval(s.national.ci)})`,
    columns: [
      'Subgroup',
      'Variable',
      { label: 'Share', numeric: true },
      { label: pctLevel(c.level), numeric: true },
      { label: 'Difference from national (points)', numeric: true },
      { label: 'p', numeric: true },
      { label: 'Base (n)', numeric: true },
    ],
    rows,
    ...withNote(
      f.note(
        '‡ The difference from the national share is significant at the chosen level. Each subgroup’s reliability is judged on its own degrees of freedom (its PSUs minus strata).',
      ),
    ),
    source: c.source,
  };
}

/** Published figures and this poll's estimate. */
export function trendTable(x: ReportTrend, c: TableContext): ReportTable {
  const { trend, estimate } = x;
  const f = flagger(c);
  const rows = [
    ...trend.figures.map((fig) => [
      String(fig.x),
      fig.source,
      percent(fig.share, 0),
      'not published',
      null,
    ]),
    [
      String(trend.poll.x),
      trend.poll.label ?? trend.poll.series,
      `${percent(estimate.estimate)}${f.mark(estimate)}`,
      percentInterval(estimate.ci),
      estimate.n,
    ],
  ];
  return {
    caption: `${trend.title}: published figures and this poll`,
    columns: [
      'Year',
      'Source',
      { label: 'Share', numeric: true },
      { label: pctLevel(c.level), numeric: true },
      { label: 'Base (n)', numeric: true },
    ],
    rows,
    ...withNote(f.note()),
    source: c.source,
  };
}

/** A single item's answers. */
export function answersTable(
  answers: Parameters<typeof estimateTable>[0],
  caption: string,
  c: TableContext,
): ReportTable {
  return estimateTable(answers, {
    caption,
    label: 'Answer',
    level: c.level,
    df: c.df,
    source: c.source,
  });
}

/** A categorical variable of the topline: each level's share. */
export function toplineTable(v: ToplineVariable, c: TableContext): ReportTable {
  return estimateTable(v.rows, {
    caption: v.label,
    label: 'Value',
    level: c.level,
    df: c.df,
    source: c.source,
  });
}

/** The numeric variables of the topline: each mean. */
export function meansTable(variables: readonly ToplineVariable[], c: TableContext): ReportTable {
  return estimateTable(
    variables.map((v) => ({ ...v.rows[0]!, label: v.label })),
    {
      caption: 'Weighted means',
      label: 'Variable',
      level: c.level,
      percent: false,
      source: c.source,
    },
  );
}
