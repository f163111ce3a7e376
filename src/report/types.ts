/**
 * What {@link pollReport} takes and returns.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportScripts } from '../charts/report.js';
import type { Codebook } from '../data/codebook.js';
import type { SurveyData } from '../data/types.js';
import type { DesignSpec, LinearizationDesign } from '../design/types.js';
import type { Margin } from '../design/weighting-history.js';
import type { Questionnaire } from '../poll/questionnaire.js';
import type { MarginsFile } from '../poll/weighting.js';
import type { Tabs } from '../tabs/types.js';
import type { PollReportSummary } from './summary.js';

/** What a progress line is: a stage's `progress`, or a `headline` statement's result. */
export type ReportLogKind = 'progress' | 'headline';

/** The chart files a report links to and {@link writePollReport} writes. */
export type ChartFileFormat = 'png' | 'svg' | 'json';

/** What {@link pollReport} reports on. */
export interface PollReportInput {
  /** The poll, loaded (e.g. by `readCsv` with its codebook, or `readSav`). */
  data: SurveyData;
  /** How the sample was drawn (`svyDesign`'s options); default: each respondent its own PSU, weight 1. */
  design?: DesignSpec;
  /**
   * The questionnaire description (`parseQuestionnaire`): its battery, multiple-response
   * questions, single items, subgroups and published statements make the report's sections, and
   * its `about` and `trends` what the report says about the poll. Without one, the report is the
   * weighted topline of every variable.
   */
  questionnaire?: Questionnaire;
  /** Population margins to rake the design weights to (parsed, or a margins file's content); none: design weights only. */
  margins?: readonly Margin[] | MarginsFile;
  /** Variable labels and translations for titles and charts; default the data's own codebook. */
  codebook?: Codebook;
  /** Confidence level of every interval and test, default 0.95. */
  level?: number;
  /** Build the charts and the HTML page, default `true`. */
  charts?: boolean;
  /**
   * The tables' CSV text (`tables/*.csv`): a text cell a spreadsheet would run as a formula (a
   * label starting with `=`, `+`, `-`, `@`, a tab or a carriage return, not a number) is written
   * with a `'` before it, as OWASP advises, so that text from the data never runs where the table
   * is opened (default `true`); `false` writes such text as it is, for a program that reads the
   * tables back. Numbers are never prefixed.
   */
  escapeFormulas?: boolean;
  /** The chart files the page links to (and `writePollReport` writes), default all three; `[]`: no links. */
  chartFiles?: readonly ChartFileFormat[];
  /**
   * The banner of the report's banner tables ("tab book": every item of the questionnaire by
   * these variables, with significance letters; `svyTabs`): default the questionnaire's
   * `banner`, else its subgroup variables; `false` or `[]`: no banner tables. Needs a
   * questionnaire.
   */
  banner?: readonly string[] | false;
  /** Add the topline of every variable; default: only without a questionnaire. */
  topline?: boolean;
  /** The report's title; default the questionnaire's `about.title`, the codebook's title, or one made from the data's name. */
  title?: string;
  /** A notice at the top of the page (e.g. "synthetic data"); default the questionnaire's `about.notice`. */
  notice?: string;
  /**
   * Where the data comes from, printed under every chart and table and written to summary.json
   * and the CSV files; default the questionnaire's `about.source`, else the codebook's `source`,
   * else the data file's name.
   */
  source?: string;
  /**
   * Language of the charts' words and labels (default `'en'`): any language the questionnaire
   * and codebook carry (the charts' own words in English, Russian or Belarusian). The page's
   * prose stays English.
   */
  language?: string;
  /** The chart libraries' text, to inline in the page outside Node (see `renderReport`). */
  scripts?: ReportScripts;
  /**
   * How the inputs are named in the summary and the page (file names, say); defaults: the data's
   * load source, and `'codebook'`, `'questionnaire'`, `'margins'` for those given. A `codebook`
   * name of `null` says the variable types were inferred from the data.
   */
  names?: {
    /** The data. */
    data?: string;
    /** The codebook (`null`: none, types inferred). */
    codebook?: string | null;
    /** The questionnaire. */
    questionnaire?: string | null;
    /** The margins. */
    margins?: string | null;
  };
  /** What wrote the report (the summary's `generatedBy`), default `'surveykit pollReport'`. */
  generatedBy?: string;
  /**
   * Receives a line per stage (`progress`) and per published statement (`headline`).
   * @param line - The line, for a person.
   * @param kind - What the line is about: `'progress'` or `'headline'`.
   */
  log?: (line: string, kind: ReportLogKind) => void;
}

/** One chart of a report. */
export interface PollReportChart {
  /** Its file name without extension (`charts/<name>.png`, `.svg`, `.json`); letters, digits and `-` only. */
  name: string;
  /** The id of the page's section it is in. */
  section: string;
  /** The Vega-Lite spec. */
  spec: TopLevelSpec;
  /** Its caption. */
  caption: string;
}

/** A report: its summary, tables, charts and page, in memory (`writePollReport` writes them). */
export interface PollReport {
  /** The summary (`summary.json`). */
  summary: PollReportSummary;
  /** The tables as CSV text, by name (`tables/<name>.csv`), in order. */
  tables: Map<string, string>;
  /** The charts, in page order (empty without charts). */
  charts: PollReportChart[];
  /** The self-contained HTML page (`report.html`); `null` without charts. */
  html: string | null;
  /** The chart files the page links to. */
  chartFiles: readonly ChartFileFormat[];
  /** The design the estimates used (raked when there were margins), for further analysis. */
  design: LinearizationDesign;
  /**
   * The banner tables (`svyTabs` of the questionnaire's items by the banner; `null`: none), which
   * {@link writePollReport} also writes as `tabs.xlsx`.
   */
  tabs: Tabs | null;
  /** The notice every output carries (e.g. that the data is synthetic); `null`: none. */
  notice: string | null;
}
