/**
 * Shared by the chart tests: the bundled poll's estimates (raked, as the report computes them),
 * one spec per chart builder and option worth covering, golden-file helpers, and a Vega-Lite
 * JSON-schema validator compiled once.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import type { TopLevelSpec } from 'vega-lite';
import { divergingChart } from '../../src/charts/diverging.js';
import { estimateChart } from '../../src/charts/estimates.js';
import { type ChartLabels, chartLabels } from '../../src/charts/labels.js';
import { rankingChart } from '../../src/charts/ranking.js';
import { subgroupChart } from '../../src/charts/subgroups.js';
import { trendChart } from '../../src/charts/trend.js';
import { weightHistogram, weightingChart } from '../../src/charts/weighting.js';
import { type Codebook, parseCodebook } from '../../src/data/codebook.js';
import { readCsv } from '../../src/data/csv/csv.js';
import { svyDesign } from '../../src/design/build.js';
import type { LinearizationDesign } from '../../src/design/types.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyMean } from '../../src/estimate/mean.js';
import {
  type BatteryResult,
  type ItemSummary,
  svyBattery,
  svyItem,
} from '../../src/poll/battery.js';
import { evaluateHeadlines, type HeadlineResult } from '../../src/poll/headline.js';
import {
  type MultipleResponseResult,
  svyMultipleResponse,
} from '../../src/poll/multiple-response.js';
import { type Questionnaire, readQuestionnaire } from '../../src/poll/questionnaire.js';
import { type SubgroupResult, svySubgroups } from '../../src/poll/subgroups.js';
import { readMargins, weightToPopulation } from '../../src/poll/weighting.js';
import { weightingReport } from '../../src/weighting/report.js';
import type { WeightingReport } from '../../src/weighting/types.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const goldenDir = join(root, 'test', 'charts', '__golden__');

/** The bundled poll's results, as the report computes them. */
export interface PollResults {
  codebook: Codebook;
  questionnaire: Questionnaire;
  labels: ChartLabels;
  base: LinearizationDesign;
  design: LinearizationDesign;
  attitudes: BatteryResult;
  reliable: MultipleResponseResult;
  items: ItemSummary[];
  membershipBySubgroup: SubgroupResult;
  headlines: HeadlineResult[];
  weighting: WeightingReport;
}

let cached: Promise<PollResults> | null = null;

/** Loads and estimates the bundled poll once per test file. */
export function pollResults(): Promise<PollResults> {
  cached ??= (async () => {
    const codebook = parseCodebook(
      JSON.parse(readFileSync(join(root, 'data', 'codebook.json'), 'utf8')),
    );
    const questionnaire = await readQuestionnaire(join(root, 'data', 'questionnaire.json'));
    const data = await readCsv(join(root, 'data', 'belarus-2021-12.csv'), { codebook });
    const base = svyDesign(data, {
      ids: 'psu',
      strata: 'stratum',
      weights: 'design_weight',
      nest: true,
    });
    const margins = await readMargins(join(root, 'data', 'margins.json'));
    const design = weightToPopulation(base, margins);
    return {
      codebook,
      questionnaire,
      labels: chartLabels({ questionnaire, codebook }),
      base,
      design,
      attitudes: svyBattery(design, questionnaire.attitudes!),
      reliable: svyMultipleResponse(design, questionnaire.multipleResponse[0]!),
      items: questionnaire.eeu.map((i) =>
        svyItem(design, { ...i, key: i.id, label: i.question.en }),
      ),
      membershipBySubgroup: svySubgroups(design, questionnaire.eeu[1]!, [
        'agegroup',
        'region',
        'settlement',
      ]),
      headlines: evaluateHeadlines(design, questionnaire),
      weighting: weightingReport(base, design, margins),
    };
  })();
  return cached;
}

/** EDB Integration Barometer figures as published (no intervals). */
export const EDB = [
  [2012, 0.6],
  [2014, 0.68],
  [2015, 0.6],
  [2016, 0.63],
  [2017, 0.56],
] as const;

/** One spec per builder and notable option, named as their golden files. */
export function chartSpecs(r: PollResults): Record<string, TopLevelSpec> {
  const { labels } = r;
  const membership = r.items[1]!;
  return {
    'estimates-bar': estimateChart(membership.answers, {
      labels,
      mark: 'bar',
      sort: 'none',
      title: r.questionnaire.eeu[1]!.question.en,
      source: 'Synthetic data (test fixture)',
      note: ['n = 1,500 respondents', 'Weighted to population margins'],
    }),
    'estimates-by-sex': estimateChart(
      svyBy(r.design, 'sex', (d) => svyMean(d, 'eeu_membership')),
      { labels, source: 'Synthetic data (test fixture)' },
    ),
    'estimates-dot-threshold': estimateChart(
      r.headlines.map((h) => ({
        label: h.statement,
        estimate: h.estimate,
        ci: h.ci,
        n: h.n,
        se: h.se,
        threshold: h.threshold,
      })),
      { title: 'Headlines', labelWidth: 40 },
    ),
    'diverging-apart': divergingChart(r.attitudes, {
      labels,
      title: r.questionnaire.attitudes!.question.en,
    }),
    'diverging-centre-ru': divergingChart(r.attitudes, {
      labels,
      language: 'ru',
      neutral: 'centre',
      title: r.questionnaire.attitudes!.question.ru!,
    }),
    'ranking-reliable': rankingChart(r.reliable, {
      labels,
      title: r.questionnaire.multipleResponse[0]!.question.en,
      source: 'Synthetic data (test fixture)',
    }),
    'ranking-net-ru': rankingChart(r.attitudes, { labels, language: 'ru', title: 'Баланс' }),
    subgroups: subgroupChart(r.membershipBySubgroup, { labels, title: 'Support EEU membership' }),
    trend: trendChart(
      [
        ...EDB.map(([x, estimate]) => ({
          x,
          estimate,
          series: 'EDB Integration Barometer',
          source: 'EDB',
        })),
        {
          x: 2021,
          estimate: membership.positive.estimate,
          ci: membership.positive.ci,
          series: 'This poll (synthetic)',
          n: membership.positive.n,
        },
      ],
      { title: 'Support for Eurasian integration' },
    ),
    'weighting-margins': weightingChart(r.weighting, { labels }),
    'weights-histogram': weightHistogram([
      { name: 'Design weights', weights: r.base.weights },
      { name: 'Raked weights', weights: r.design.weights },
    ]),
  };
}

let validator: ValidateFunction | null = null;

/** The Vega-Lite JSON schema (shipped in the vega-lite package), compiled once with Ajv. */
export function vegaLiteValidator(): ValidateFunction {
  if (validator) return validator;
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(
    readFileSync(require.resolve('vega-lite/vega-lite-schema.json'), 'utf8'),
  ) as object;
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const compiled = ajv.compile(schema);
  validator = compiled;
  return compiled;
}

/** Rounds every number in a JSON value to `digits` significant digits (golden specs). */
export function roundJson(value: unknown, digits = 6): unknown {
  if (typeof value === 'number')
    return Number.isFinite(value) ? Number(value.toPrecision(digits)) : value;
  if (Array.isArray(value)) return value.map((v) => roundJson(v, digits));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundJson(v, digits)]));
  }
  return value;
}

/**
 * An SVG with every number rounded to one decimal (as Observable Plot's tests normalise
 * theirs), so goldens do not change with the last bits of floating point.
 */
export function normalizeSvg(svg: string): string {
  return svg.replace(/-?\d*\.\d+(?:e-?\d+)?/g, (m) => {
    const x = Number(m);
    const r = Math.round(x * 10) / 10;
    return String(Object.is(r, -0) ? 0 : r);
  });
}

/**
 * Compares text with a golden file in test/charts/__golden__/; writes the file when it is
 * missing or when UPDATE_GOLDEN=1 (then review the diff before committing). Golden files end in
 * `.golden` so that the linter and formatter leave them byte for byte as written.
 */
export function golden(name: string, actual: string): { expected: string; actual: string } {
  const path = join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.CI && !existsSync(path)) {
      throw new Error(`golden file ${name} is missing (run the tests once locally to write it)`);
    }
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(path, actual);
  }
  return { expected: readFileSync(path, 'utf8'), actual };
}
