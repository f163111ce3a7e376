/**
 * The main job as a function, in Node or a browser: a loaded poll, its design, questionnaire
 * description and margins in; its summary, tables, charts and page out, in memory.
 * @module
 */
import { formatNumber } from '../charts/common.js';
import { type ChartLanguage, chartLabels, variableTitle } from '../charts/labels.js';
import { phrase, word } from '../charts/words.js';
import type { Codebook } from '../data/codebook.js';
import { checkAnswerLabels } from '../poll/questionnaire.js';
import { tabsToCsv } from '../tabs/csv.js';
import { pollEstimates } from './estimates.js';
import { reportHtml } from './html.js';
import { methodology } from './methodology.js';
import { fileName } from './names.js';
import { reportSections } from './sections.js';
import {
  designSummary,
  estimatesSummary,
  headlineSummary,
  loadSummary,
  meanShareDeff,
  type PollReportSummary,
  reliabilitySummary,
} from './summary.js';
import { reportTables } from './tables.js';
import { bannerTables } from './tabs.js';
import type { ChartFileFormat, PollReport, PollReportInput } from './types.js';
import { weightingStage } from './weighting.js';

const ALL_FILES: readonly ChartFileFormat[] = ['png', 'svg', 'json'];

/**
 * Builds a poll's report: the design (raked to the margins, if any), the estimates of everything
 * the questionnaire describes — the attitude battery with its rankings, the multiple-response
 * questions with theirs, the single items overall and by subgroup, the published statements
 * checked against the data, published trends — or without a questionnaire the weighted topline
 * of every variable; then the summary (`summary.json`), the tables (CSV text), the charts
 * (Vega-Lite specs) and one self-contained HTML page. Runs in Node and in browsers (outside
 * Node pass `scripts` for the page, or `charts: false`); `writePollReport` writes it to a folder
 * on Node.
 *
 * Nothing about a particular poll is built in: titles come from the questionnaire's question
 * texts, and what the page must say about the poll (a notice that the data is synthetic, its
 * source, methodology notes, published figures to set beside it) from its `about` and `trends`.
 *
 * @param input - The poll: its data, codebook, questionnaire, margins and design, and what to build
 *   (see {@link PollReportInput}).
 * @throws {DesignError} from `svyDesign`; {@link WeightingError} from raking;
 *   {@link EstimationError} from the estimators (e.g. `UNKNOWN_LEVEL` for an answer the
 *   questionnaire does not list, `BAD_OPTION` for a level outside (0, 1));
 *   {@link CodebookError} `INVALID_QUESTIONNAIRE` for a trend of no item, or for two answers of
 *   a question with the same label (naming the question, the label and both codes: checked
 *   before any work, also for a questionnaire not read by `parseQuestionnaire`).
 * @example
 * ```ts
 * const data = fromColumns({
 *   region: ['North', 'North', 'South', 'South', 'South', 'North'],
 *   vote: ['Yes', 'No', 'Yes', 'Yes', 'No', 'Yes'],
 *   age: [34, 51, 29, 62, 45, 38],
 *   w: [1, 1, 2, 2, 2, 1],
 * });
 * const report = pollReport({ data, design: { weights: 'w' }, charts: false });
 * console.log([...report.tables.keys()], report.html); // => [ 'topline' ] null
 * const vote = report.summary.estimates.topline?.find((v) => v.variable === 'vote');
 * console.log(vote?.estimates.map((e) => `${e.level} ${e.estimate.toFixed(3)}`)); // => [ 'Yes 0.667', 'No 0.333' ]
 * ```
 */
export function pollReport(input: PollReportInput): PollReport {
  const { data, questionnaire: q } = input;
  const log = input.log ?? (() => {});
  const progress = (line: string) => log(line, 'progress');
  const codebook: Codebook = input.codebook ?? data.codebook;
  const names = {
    data: input.names?.data ?? data.load.source,
    codebook:
      input.names?.codebook !== undefined
        ? input.names.codebook
        : input.codebook || data.codebook.variables.length
          ? 'codebook'
          : null,
    questionnaire: input.names?.questionnaire ?? (q ? 'questionnaire' : null),
    margins: input.margins ? (input.names?.margins ?? 'margins') : null,
  };

  // a questionnaire built by hand has not been through parseQuestionnaire: its answers' labels
  // are checked here, before any work (two answers with one label: no table or chart of them)
  if (q) checkAnswerLabels(q, names.questionnaire ?? 'questionnaire');

  // 1. load (done by the caller: what it learned)
  const load = loadSummary(data);
  progress(
    `load: ${data.nrow} respondents, ${data.names.length} columns from ${names.data} (${load.missingCells} cells missing)`,
  );

  // 2. design and weighting
  const stage = weightingStage(data, input.design ?? {}, input.margins, names.margins, progress);
  const { design } = stage;

  // 3. estimates and headlines
  const estimates = pollEstimates(design, {
    questionnaire: q,
    topline: input.topline ?? q === undefined,
    level: input.level ?? 0.95,
    codebook,
    log,
  });

  // what travels with every output: the source (and the notice)
  const source = input.source ?? q?.about?.source ?? codebook.source ?? fileName(names.data);
  const notice = input.notice ?? q?.about?.notice ?? null;

  // 4. summary and tables
  const summary: PollReportSummary = {
    generatedBy: input.generatedBy ?? 'surveykit pollReport',
    source,
    notice,
    input: names,
    load,
    design: designSummary(
      design,
      estimates.level,
      meanShareDeff(estimates),
      stage.diagnostics !== null,
    ),
    weighting: stage.summary,
    reliability: reliabilitySummary(estimates),
    headlines: headlineSummary(estimates.headlines, estimates.df),
    estimates: estimatesSummary(estimates),
  };
  const escapeFormulas = input.escapeFormulas ?? true;
  const tables = reportTables(estimates, source, escapeFormulas);
  const tabs = q ? bannerTables(design, q, input.banner, estimates.level, progress) : null;
  if (tabs) tables.set('tabs', tabsToCsv(tabs, { source, escapeFormulas }));
  const chartFiles = input.chartFiles ?? ALL_FILES;
  if (input.charts === false) {
    return { summary, tables, charts: [], html: null, chartFiles, design, tabs, notice };
  }

  // 5. charts and the page
  const labels = chartLabels({ codebook, ...(q ? { questionnaire: q } : {}) });
  const d = summary.design;
  const margins = stage.summary.margins;
  const note = (language: ChartLanguage) => [
    phrase('noteBase', language, {
      n: formatNumber(d.n, 0, language),
      weighting: margins.length
        ? phrase('noteRaked', language, {
            margins: margins.map((m) => variableTitle(m, language, labels)).join(', '),
          })
        : word('noteDesignWeights', language),
    }),
    phrase('noteMoe', language, {
      moe: formatNumber(
        100 * (d.marginOfError50.design ?? d.marginOfError50.weighting),
        1,
        language,
      ),
      level: `${Math.round(d.level * 100)}%`,
    }),
  ];
  const sections = reportSections({
    estimates,
    questionnaire: q,
    labels,
    diagnostics: stage.diagnostics,
    weights: { design: stage.base.weights, final: design.weights },
    language: input.language ?? 'en',
    source,
    note,
    tabs,
    notice,
  });
  const strata = design.spec.strata;
  const html = reportHtml(sections, {
    title: input.title ?? q?.about?.title ?? codebook.title ?? `Poll report: ${names.data}`,
    notice: notice ?? undefined,
    source,
    summary,
    methodology: methodology({
      summary,
      estimates,
      questionnaire: q,
      codebook,
      labels,
      diagnostics: stage.diagnostics,
      strata: strata === undefined ? [] : Array.isArray(strata) ? strata : [strata],
    }),
    chartFiles,
    scripts: input.scripts,
  });
  const charts = sections.flatMap((s) => s.charts);
  return { summary, tables, charts, html, chartFiles, design, tabs, notice };
}
