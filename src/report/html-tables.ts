/**
 * The tables of the report page (formatted for reading: percents, intervals, bases), one
 * function per table; the CSV files with full precision are tables.ts.
 * @module
 */
import { fixed, percent, percentInterval } from '../charts/common.js';
import type { ChartLabels } from '../charts/labels.js';
import { estimateTable, type ReportTable } from '../charts/report.js';
import type { BatteryResult } from '../poll/battery.js';
import type { HeadlineResult } from '../poll/headline.js';
import type { SubgroupResult } from '../poll/subgroups.js';
import type { ReportQuestion, ReportTrend } from './estimates.js';
import type { ToplineVariable } from './topline.js';

const pctLevel = (level: number) => `${Math.round(level * 100)}% CI`;

/** The published statements with the data's estimate and verdict. */
export function headlineTable(
  headlines: readonly HeadlineResult[],
  level: number,
  questionnaire: string | null,
): ReportTable {
  return {
    caption: 'Published statements and the data',
    columns: [
      'Statement',
      'Verdict',
      { label: 'Estimate', numeric: true },
      { label: pctLevel(level), numeric: true },
      { label: 'Threshold or rank', numeric: true },
      { label: 'Base (n)', numeric: true },
    ],
    rows: headlines.map((h) => [
      h.statement,
      h.holds,
      percent(h.estimate),
      percentInterval(h.ci),
      h.threshold !== null
        ? `${h.comparison} ${percent(h.threshold, 0)}`
        : `rank ${h.rank} (plausible ${h.rankRange?.join('–')})`,
      h.n,
    ]),
    note: `Sources of the statements are listed in ${questionnaire ?? 'the questionnaire'} and tables/headlines.csv.`,
  };
}

/** The attitude battery: each item's shares, net score and base, by net score. */
export function batteryTable(result: BatteryResult, level: number): ReportTable {
  const ci = (e: { estimate: number; ci: readonly [number, number] }) =>
    `${percent(e.estimate)} (${percentInterval(e.ci)})`;
  return {
    caption: `Attitudes by item: share with ${Math.round(level * 100)}% confidence interval`,
    columns: [
      'Item',
      { label: 'Positive', numeric: true },
      { label: 'Neutral', numeric: true },
      { label: 'Negative', numeric: true },
      { label: 'Hard to say', numeric: true },
      { label: 'Net (points)', numeric: true },
      { label: 'Base (n)', numeric: true },
    ],
    rows: [...result.items]
      .sort((a, b) => b.net.estimate - a.net.estimate)
      .map((i) => [
        i.label,
        ci(i.positive),
        ci(i.neutral),
        ci(i.negative),
        ci(i.dk),
        `${fixed(100 * i.net.estimate, 1)} (${fixed(100 * i.net.ci[0], 1)} to ${fixed(100 * i.net.ci[1], 1)})`,
        i.n,
      ]),
  };
}

/** A multiple-response question's ranking, with mentions per 100 respondents. */
export function questionTable(x: ReportQuestion, level: number): ReportTable {
  const { question, result, ranking } = x;
  const n = new Map(result.options.map((o) => [o.key, o.n]));
  return {
    caption: question.question.en,
    columns: [
      'Option',
      { label: 'Rank', numeric: true },
      { label: 'Plausible ranks', numeric: true },
      { label: 'Share', numeric: true },
      { label: pctLevel(level), numeric: true },
      { label: 'Base (n)', numeric: true },
    ],
    rows: ranking.items.map((i) => [
      i.label,
      i.rank,
      i.rankRange[0] === i.rankRange[1] ? String(i.rank) : i.rankRange.join('–'),
      percent(i.estimate),
      percentInterval(i.ci),
      n.get(i.key) ?? null,
    ]),
    note: `Mentions per 100 respondents: ${fixed(result.mentions.estimate, 1)} (${fixed(result.mentions.ci[0], 1)} to ${fixed(result.mentions.ci[1], 1)}). Respondents who answered: ${result.n}; without an answer: ${result.nMissing}.`,
  };
}

/** An item's share by subgroup against the national share. */
export function subgroupTable(
  s: SubgroupResult,
  question: string,
  labels: ChartLabels,
  level: number,
): ReportTable {
  const title = (v: string) => labels.variables[v]?.en ?? v;
  return {
    caption: `${question}: share by subgroup (national ${percent(s.national.estimate)}, ${percentInterval(s.national.ci)})`,
    columns: [
      'Subgroup',
      'Variable',
      { label: 'Share', numeric: true },
      { label: pctLevel(level), numeric: true },
      { label: 'Difference from national (points)', numeric: true },
      { label: 'p', numeric: true },
      { label: 'Base (n)', numeric: true },
    ],
    rows: s.rows.map((r) => [
      r.subgroup,
      title(r.by),
      percent(r.estimate),
      percentInterval(r.ci),
      `${r.vsNational.difference > 0 ? '+' : ''}${fixed(100 * r.vsNational.difference, 1)}${r.vsNational.differs ? ' *' : ''}`,
      fixed(r.vsNational.pValue, 3),
      r.n,
    ]),
    note: '* the difference from the national share is significant at the chosen level.',
  };
}

/** Published figures and this poll's estimate. */
export function trendTable(x: ReportTrend, level: number): ReportTable {
  const { trend, estimate } = x;
  return {
    caption: `${trend.title}: published figures and this poll`,
    columns: [
      'Year',
      'Source',
      { label: 'Share', numeric: true },
      { label: pctLevel(level), numeric: true },
      { label: 'Base (n)', numeric: true },
    ],
    rows: [
      ...trend.figures.map((f) => [
        String(f.x),
        f.source,
        percent(f.share, 0),
        'not published',
        null,
      ]),
      [
        String(trend.poll.x),
        trend.poll.label ?? trend.poll.series,
        percent(estimate.estimate),
        percentInterval(estimate.ci),
        estimate.n,
      ],
    ],
  };
}

/** A categorical variable of the topline: each level's share. */
export function toplineTable(v: ToplineVariable, level: number): ReportTable {
  return estimateTable(v.rows, { caption: v.label, label: 'Value', level });
}

/** The numeric variables of the topline: each mean. */
export function meansTable(variables: readonly ToplineVariable[], level: number): ReportTable {
  return estimateTable(
    variables.map((v) => ({ ...v.rows[0]!, label: v.label })),
    { caption: 'Weighted means', label: 'Variable', level, percent: false },
  );
}
