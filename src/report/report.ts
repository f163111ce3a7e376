/**
 * The main job (`npm run report`): load the poll with its codebook, build the design, weight it
 * to the population margins, estimate, and write `out/summary.json`, `out/tables/*.csv`, every
 * chart as PNG, SVG and Vega-Lite JSON in `out/charts/`, and `out/report.html`.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chartLabels } from '../../src/charts/labels.js';
import { parseCodebook } from '../../src/data/codebook.js';
import { readCsv } from '../../src/data/csv/csv.js';
import { readJsonFile } from '../../src/data/json-file.js';
import { svyDesign } from '../../src/design/build.js';
import type { LinearizationDesign } from '../../src/design/types.js';
import { CodebookError } from '../../src/errors.js';
import { type BatteryResult, svyBattery, svyItem } from '../../src/poll/battery.js';
import { evaluateHeadlines } from '../../src/poll/headline.js';
import { svyMultipleResponse } from '../../src/poll/multiple-response.js';
import { readQuestionnaire } from '../../src/poll/questionnaire.js';
import { type Ranking, rankItems } from '../../src/poll/rank.js';
import { svySubgroups } from '../../src/poll/subgroups.js';
import { readMargins, weightToPopulation } from '../../src/poll/weighting.js';
import { weightingReport } from '../../src/weighting/report.js';
import { weightSummary } from '../../src/weighting/summary.js';
import type { WeightingReport } from '../../src/weighting/types.js';
import { type ChartInputs, reportCharts, writeCharts } from './charts.js';
import { reportHtml } from './html.js';
import {
  designSummary,
  estimatesSummary,
  headlineSummary,
  loadSummary,
  type Summary,
} from './summary.js';
import {
  answersTable,
  headlineTable,
  itemsTable,
  multipleResponseTable,
  rankingTable,
  subgroupsTable,
} from './tables.js';

/** The repository root (data/ and out/ are relative to it by default). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Options of {@link runReport}; paths are relative to the current directory. */
export interface ReportOptions {
  /** The poll's CSV, default the bundled `data/belarus-2021-12.csv`. */
  data?: string;
  /** Its codebook, default `data/codebook.json`. */
  codebook?: string;
  /** Its questionnaire description, default `data/questionnaire.json`. */
  questionnaire?: string;
  /** Population margins for raking, default `data/margins.json`; `null`: design weights only. */
  margins?: string | null;
  /** Output directory, default `out/` of the repository. */
  out?: string;
  /** Confidence level, default 0.95. */
  level?: number;
  /** Write the charts (`out/charts/`) and `out/report.html`, default `true`. */
  charts?: boolean;
  /** Where progress lines go, default `console.log`. */
  log?: (line: string) => void;
}

/** What {@link runReport} wrote. */
export interface ReportResult {
  summary: Summary;
  /** Paths of the files written. */
  files: string[];
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** Runs the whole report; returns the summary and the files written. */
export async function runReport(opts: ReportOptions = {}): Promise<ReportResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const level = opts.level ?? 0.95;
  const paths = {
    data: resolve(opts.data ?? join(ROOT, 'data', 'belarus-2021-12.csv')),
    codebook: resolve(opts.codebook ?? join(ROOT, 'data', 'codebook.json')),
    questionnaire: resolve(opts.questionnaire ?? join(ROOT, 'data', 'questionnaire.json')),
    margins:
      opts.margins === null ? null : resolve(opts.margins ?? join(ROOT, 'data', 'margins.json')),
  };
  const out = resolve(opts.out ?? join(ROOT, 'out'));
  const show = (p: string) => relative(process.cwd(), p) || p;
  const t0 = performance.now();

  // 1. load
  const codebook = parseCodebook(
    await readJsonFile(
      paths.codebook,
      (message) => new CodebookError('INVALID_CODEBOOK', message, { file: paths.codebook }),
    ),
    paths.codebook,
  );
  const questionnaire = await readQuestionnaire(paths.questionnaire);
  const data = await readCsv(paths.data, { codebook });
  const load = loadSummary(data);
  log(
    `load: ${data.nrow} respondents, ${data.names.length} columns from ${show(paths.data)} (${load.missingCells} cells missing)`,
  );

  // 2. design
  const base = svyDesign(data, {
    ids: 'psu',
    strata: 'stratum',
    weights: 'design_weight',
    nest: true,
  });
  const stage = base.stages[0]!;
  const before = weightSummary(base);
  log(
    `design: ${stage.nStrata} strata, ${stage.nClusters} PSUs, Kish deff of the design weights ${before.kishDeff.toFixed(3)}`,
  );

  // 3. weighting
  let design: LinearizationDesign = base;
  let weighting: Summary['weighting'];
  let diagnostics: WeightingReport | null = null;
  if (paths.margins === null) {
    weighting = {
      method: 'none',
      note: 'design weights only (no margins given)',
      margins: [],
      iterations: null,
      converged: null,
      kishDeffBefore: before.kishDeff,
      kishDeffAfter: before.kishDeff,
    };
    log('weighting: design weights only (no margins given)');
  } else {
    const margins = await readMargins(paths.margins);
    design = weightToPopulation(base, margins);
    diagnostics = weightingReport(base, design, margins);
    const step = design.calibration?.at(-1);
    const after = weightSummary(design);
    weighting = {
      method: 'rake',
      note: `raked to ${margins.length} margins from ${show(paths.margins)}`,
      margins: margins.map((m) => m.variable),
      iterations: step?.iterations ?? null,
      converged: step?.converged ?? null,
      kishDeffBefore: before.kishDeff,
      kishDeffAfter: after.kishDeff,
    };
    log(
      `weighting: raked to ${weighting.margins.join(', ')} in ${weighting.iterations} sweeps; Kish deff ${after.kishDeff.toFixed(3)}, effective n ${after.effectiveN.toFixed(0)}`,
    );
  }

  // 4. estimates
  const poll = { level };
  const attitudes: BatteryResult | null = questionnaire.attitudes
    ? svyBattery(design, questionnaire.attitudes, poll)
    : null;
  const netRanking: Ranking | null = attitudes ? rankItems(attitudes, { by: 'net' }) : null;
  const positiveRanking: Ranking | null = attitudes
    ? rankItems(attitudes, { by: 'positive' })
    : null;
  const mr = questionnaire.multipleResponse.map((q) => {
    const result = svyMultipleResponse(design, q, poll);
    return { result, ranking: rankItems(result) };
  });
  const items = questionnaire.eeu.map((i) =>
    svyItem(design, { ...i, key: i.id, label: i.question.en }, poll),
  );
  const subgroupVars = questionnaire.subgroups.map((s) => s.variable);
  const subgroups = subgroupVars.length
    ? questionnaire.eeu.map((i) => svySubgroups(design, i, subgroupVars, poll))
    : [];
  log(
    `estimates: ${attitudes?.items.length ?? 0} attitude items, ${mr.length} multiple-response questions, ${items.length} items by ${subgroupVars.length} subgroup variables (df ${attitudes?.df ?? mr[0]?.result.df ?? ''})`,
  );

  // 5. headlines
  const headlines = evaluateHeadlines(design, questionnaire, poll);
  for (const h of headlines) {
    const ci = `${pct(h.ci[0])} to ${pct(h.ci[1])}`;
    const rank = h.rank !== null ? `, rank ${h.rank} (plausible ${h.rankRange!.join('-')})` : '';
    log(`headline: ${h.holds.padEnd(9)} ${h.statement}: ${pct(h.estimate)} [${ci}]${rank}`);
  }

  // 6. write
  const summary: Summary = {
    generatedBy: 'npm run report (scripts/report.ts)',
    input: {
      data: show(paths.data),
      codebook: show(paths.codebook),
      questionnaire: show(paths.questionnaire),
      margins: paths.margins === null ? null : show(paths.margins),
    },
    load,
    design: designSummary(design, level, headlines, paths.margins !== null),
    weighting,
    headlines: headlineSummary(headlines),
    estimates: estimatesSummary(attitudes, netRanking, mr, items),
  };
  const tables: Record<string, string> = {
    'headlines.csv': headlineTable(headlines),
    'multiple-response.csv': multipleResponseTable(mr.map((m) => m.result)),
    'items.csv': itemsTable(items),
    'items-answers.csv': answersTable(items),
    'items-by-subgroup.csv': subgroupsTable(subgroups),
  };
  if (attitudes && netRanking && positiveRanking) {
    tables['attitudes.csv'] = itemsTable(attitudes.items);
    tables['attitudes-answers.csv'] = answersTable(attitudes.items);
    tables['ranking-attitudes-net.csv'] = rankingTable(netRanking);
    tables['ranking-attitudes-positive.csv'] = rankingTable(positiveRanking);
  }
  for (const { result, ranking } of mr)
    tables[`ranking-${result.question}.csv`] = rankingTable(ranking);
  await mkdir(join(out, 'tables'), { recursive: true });
  const files = [join(out, 'summary.json')];
  await writeFile(files[0]!, `${JSON.stringify(summary, null, 2)}\n`);
  for (const [name, text] of Object.entries(tables)) {
    const path = join(out, 'tables', name);
    await writeFile(path, text);
    files.push(path);
  }
  const nTables = files.length - 1;

  // 7. charts and the HTML report
  if (opts.charts !== false) {
    const inputs: ChartInputs = {
      questionnaire,
      labels: chartLabels({ questionnaire, codebook }),
      level,
      bundled: paths.data === resolve(join(ROOT, 'data', 'belarus-2021-12.csv')),
      title: codebook.title ?? `Poll report: ${show(paths.data)}`,
      headlines,
      attitudes,
      netRanking,
      mr,
      items,
      subgroups,
      weighting: diagnostics,
      weights: { design: base.weights, final: design.weights },
    };
    const charts = reportCharts(inputs);
    files.push(...(await writeCharts(charts, join(out, 'charts'))));
    const html = join(out, 'report.html');
    await writeFile(html, reportHtml(summary, inputs, charts));
    files.push(html);
    log(
      `charts: ${charts.length} charts as PNG, SVG and Vega-Lite JSON in ${show(join(out, 'charts'))}; report ${show(html)}`,
    );
  }
  const ms = performance.now() - t0;
  log(
    `wrote ${show(files[0]!)}, ${nTables} tables in ${show(join(out, 'tables'))}${opts.charts !== false ? `, ${files.length - 2 - nTables} chart files and report.html` : ''} (${(ms / 1000).toFixed(2)} s)`,
  );
  return { summary, files };
}
