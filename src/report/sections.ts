/**
 * The sections of a report page, from what the questionnaire has: the headline statements, the
 * attitude battery, one section per multiple-response question and per single item (titled by
 * its question), the published trends, the charts in other languages, the topline (without a
 * questionnaire) and the weighting. Each section holds its charts (named here, distinct) and
 * its tables.
 * @module
 */
import type { ChartLabels, ChartLanguage } from '../charts/labels.js';
import type { ReportTable } from '../charts/report.js';
import { tabsReportTables } from '../charts/tabs.js';
import { type Questionnaire, textOf } from '../poll/questionnaire.js';
import { tabsNotes } from '../tabs/notes.js';
import type { Tabs } from '../tabs/types.js';
import type { WeightingReport } from '../weighting/types.js';
import {
  batteryChartIn,
  batteryCharts,
  type ChartContext,
  type ChartDraft,
  headlinesChart,
  itemCharts,
  languageName,
  questionChart,
  toplineChart,
  trendChartDraft,
  weightingCharts,
} from './charts.js';
import type { PollEstimates } from './estimates.js';
import {
  answersTable,
  batteryTable,
  headlineTable,
  meansTable,
  questionTable,
  subgroupTable,
  type TableContext,
  toplineTable,
  trendTable,
} from './html-tables.js';
import { fileStem, UniqueNames } from './names.js';
import type { PollReportChart } from './types.js';

/** A section of the page. */
export interface PollSection {
  /** Its anchor id (distinct). */
  id: string;
  /** Its heading. */
  title: string;
  /** Its paragraphs. */
  paragraphs: string[];
  /** Its charts (named, distinct across the report). */
  charts: PollReportChart[];
  /** Its tables. */
  tables: ReportTable[];
}

/** What the sections are made of. */
export interface SectionInputs {
  /** The estimates. */
  estimates: PollEstimates;
  /** The questionnaire description, if any. */
  questionnaire: Questionnaire | undefined;
  /** Translations. */
  labels: ChartLabels;
  /** Margins before and after raking (`null` without margins). */
  diagnostics: WeightingReport | null;
  /** The design weights and the final weights. */
  weights: { design: Float64Array; final: Float64Array };
  /** The report's language (its charts' words and labels). */
  language: ChartLanguage;
  /** Where the data comes from (under every chart and table). */
  source: string;
  /** The lines under every chart after the source, in a language: base, weighting, margin of error. */
  note: (language: ChartLanguage) => string[];
  /** The banner tables (`null`: none). */
  tabs: Tabs | null;
  /** The notice every output carries (`null`: none). */
  notice: string | null;
}

const INTRO = {
  headlines:
    'Each statement published about the poll, with the estimate from the data, its confidence interval and a verdict: "yes" when the whole interval is on the claimed side of the threshold (for a rank, when every option claimed above is significantly above and every other option significantly below), "no" when it is wholly on the other side, "uncertain" otherwise.',
  battery:
    'Shares are of respondents with an answer: "hard to say" is a real answer and stays in the base; refusals are left out. The net score is positive minus negative.',
  item: 'Shares of each answer among respondents with an answer: "hard to say" is a real answer and stays in the base; refusals are left out.',
  subgroups:
    'Each subgroup is compared with the national share by a design-based test of the difference, whose standard error includes the covariance of the two estimates (the subgroup is part of the national sample).',
  trend: "They are shown as published, without confidence intervals, beside this poll's estimate.",
  language:
    'Labels come from the questionnaire’s and codebook’s translations; the charts’ own words (axes, legends, tooltips) are translated by surveykit.',
  tables:
    'Every item by the banner, as a tab book prints it: column percentages (means for numbers), the unweighted and effective bases of each column, and letters naming the columns of the same banner variable a cell is significantly higher than.',
  topline:
    'Share of each value among respondents with a value, with its confidence interval (design-based; missing values excluded).',
  raked:
    'The design weights (inverse inclusion probabilities) were raked to population margins; these diagnostics show what the raking corrected and what it cost in precision.',
  unraked:
    'The design weights (inverse inclusion probabilities); no population margins were given, so they were not raked.',
};

/**
 * The languages other than the report's that the questionnaire's battery question or first
 * multiple-response question is written in, in the order they appear.
 */
function otherLanguages(q: Questionnaire, language: ChartLanguage): ChartLanguage[] {
  const texts = [q.attitudes?.question, q.multipleResponse[0]?.question];
  const found = texts.flatMap((t) => (t ? Object.keys(t) : []));
  return [...new Set(found)].filter((lang) => lang !== language);
}

/**
 * The page's sections in order, each with its charts and tables; sections with neither are left
 * out. Chart names are distinct (ignoring case), section ids too.
 */
export function reportSections(s: SectionInputs): PollSection[] {
  const { estimates: x, questionnaire: q, labels } = s;
  const c: ChartContext = {
    labels,
    level: x.level,
    weighted: s.diagnostics !== null,
    language: s.language,
    source: s.source,
    note: s.note,
    df: x.df,
  };
  const t: TableContext = { level: x.level, df: x.df, source: s.source };
  const text = (v: Readonly<Record<string, string>>) => textOf(v, s.language);
  const chartNames = new UniqueNames();
  const ids = new UniqueNames();
  const sections: PollSection[] = [];
  const add = (
    id: string,
    title: string,
    paragraphs: string[],
    charts: ChartDraft[],
    tables: ReportTable[],
  ) => {
    if (charts.length === 0 && tables.length === 0) return;
    const section = ids.take(id);
    sections.push({
      id: section,
      title,
      paragraphs,
      charts: charts.map((d) => ({ ...d, name: chartNames.take(d.name), section })),
      tables,
    });
  };

  if (x.headlines.length) {
    add(
      'headlines',
      'Headline statements',
      [INTRO.headlines],
      [headlinesChart(x, q, c)],
      [headlineTable(x.headlines, t)],
    );
  }
  if (x.battery) {
    add(
      'attitudes',
      text(x.battery.battery.question),
      [INTRO.battery],
      batteryCharts(x.battery, c),
      [batteryTable(x.battery.result, t)],
    );
  }
  for (const question of x.questions) {
    const max = question.question.maxAnswers;
    add(
      `question-${fileStem(question.result.question)}`,
      text(question.question.question),
      [
        `A multiple-response question${max ? ` (up to ${max} answers)` : ''}: the share of respondents naming each option. Shares add to more than 100% because one respondent can name several options; "none" and "hard to say" are not ranked.`,
      ],
      [questionChart(question, c)],
      [questionTable(question, t)],
    );
  }
  for (const item of x.items) {
    const question = text(item.item.question);
    add(
      `item-${fileStem(item.item.variable)}`,
      question,
      item.subgroups ? [INTRO.item, INTRO.subgroups] : [INTRO.item],
      itemCharts(item, c),
      [
        answersTable(item.summary.answers, question, t),
        ...(item.subgroups ? [subgroupTable(item.subgroups, question, labels, t)] : []),
      ],
    );
  }
  if (q && x.trends.length) {
    add(
      'trend',
      'Published figures over time',
      [[...x.trends.flatMap((t) => (t.trend.note ? [t.trend.note] : [])), INTRO.trend].join(' ')],
      x.trends.map((t) => trendChartDraft(t, q, c)),
      x.trends.map((trend) => trendTable(trend, t)),
    );
  }
  for (const lang of q ? otherLanguages(q, s.language) : []) {
    const first = x.questions[0];
    add(
      `labels-${lang}`,
      `Charts with ${languageName(lang)} labels`,
      [INTRO.language],
      [
        ...(x.battery ? [batteryChartIn(x.battery, c, lang)] : []),
        ...(first ? [questionChart(first, c, lang)] : []),
      ],
      [],
    );
  }
  if (x.topline) {
    const numeric = x.topline.variables.filter((v) => v.kind === 'numeric');
    for (const v of x.topline.variables) {
      if (v.kind !== 'categorical') continue;
      add(
        `topline-${fileStem(v.variable)}`,
        v.label === v.variable ? v.variable : `${v.label} (${v.variable})`,
        [INTRO.topline],
        [toplineChart(v, c)],
        [toplineTable(v, t)],
      );
    }
    if (numeric.length) {
      add('means', 'Numeric variables', [], [], [meansTable(numeric, t)]);
    }
  }
  if (s.tabs) {
    add(
      'tables',
      'Tables',
      [INTRO.tables, ...tabsNotes(s.tabs, { source: s.source, notes: s.notice ? [s.notice] : [] })],
      [],
      tabsReportTables(s.tabs, { notesUnderEach: false, language: s.language, labels }).map(
        (table) => ({ ...table, source: s.source }),
      ),
    );
  }
  add(
    'weighting',
    'Weighting',
    [s.diagnostics ? INTRO.raked : INTRO.unraked],
    weightingCharts(s.diagnostics, s.weights, c),
    [],
  );
  return sections;
}
