/**
 * The report's charts (`out/charts/`): every chart of the reference poll as a Vega-Lite spec,
 * written as JSON, SVG and PNG.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { divergingChart } from '../../src/charts/diverging.js';
import { estimateChart } from '../../src/charts/estimates.js';
import type { ChartLabels, ChartLanguage } from '../../src/charts/labels.js';
import { rankingChart } from '../../src/charts/ranking.js';
import { renderSvg, svgToPng } from '../../src/charts/render.js';
import { subgroupChart } from '../../src/charts/subgroups.js';
import { trendChart } from '../../src/charts/trend.js';
import { weightHistogram, weightingChart } from '../../src/charts/weighting.js';
import type { BatteryResult, ItemSummary } from '../../src/poll/battery.js';
import type { HeadlineResult } from '../../src/poll/headline.js';
import type { MultipleResponseResult } from '../../src/poll/multiple-response.js';
import type { Questionnaire } from '../../src/poll/questionnaire.js';
import type { Ranking } from '../../src/poll/rank.js';
import type { SubgroupResult } from '../../src/poll/subgroups.js';
import type { WeightingReport } from '../../src/weighting/types.js';
import { EDB_BAROMETER } from '../generate/published.js';

/** One chart of the report. */
export interface ReportChartFile {
  /** File name without extension (`out/charts/<name>.{json,svg,png}`). */
  name: string;
  /** Which report section it belongs to. */
  section: 'headlines' | 'attitudes' | 'partners' | 'eeu' | 'trend' | 'russian' | 'weighting';
  spec: TopLevelSpec;
  caption: string;
}

/** What the charts are made of: the estimates of the run. */
export interface ChartInputs {
  questionnaire: Questionnaire;
  labels: ChartLabels;
  level: number;
  /** The bundled synthetic reference poll (adds the published EDB figures and the notices). */
  bundled: boolean;
  /** The report's title. */
  title: string;
  headlines: readonly HeadlineResult[];
  attitudes: BatteryResult | null;
  netRanking: Ranking | null;
  mr: ReadonlyArray<{ result: MultipleResponseResult; ranking: Ranking }>;
  items: readonly ItemSummary[];
  subgroups: readonly SubgroupResult[];
  weighting: WeightingReport | null;
  weights: { design: Float64Array; final: Float64Array };
}

/** A short row label for a headline statement. */
function headlineLabel(h: HeadlineResult, q: Questionnaire): string {
  const check = q.headlines.find((x) => x.id === h.id)?.check;
  if (check?.type === 'rank') {
    const question = q.multipleResponse.find((m) => m.id === check.question);
    const option = question?.options.find((o) => o.key === check.option)?.label.en ?? check.option;
    return `${option} named as ${check.question === 'reliable' ? 'a most reliable partner' : 'sharing our interests'} (claimed rank ${check.rank})`;
  }
  return h.statement;
}

/** Every chart of the report, built from the run's estimates. */
export function reportCharts(x: ChartInputs): ReportChartFile[] {
  const { questionnaire: q, labels, level } = x;
  const charts: ReportChartFile[] = [];
  const lang = (language: ChartLanguage) => ({ labels, language, level });
  const pctLevel = `${Math.round(level * 100)}%`;

  charts.push({
    name: 'headlines',
    section: 'headlines',
    spec: estimateChart(
      x.headlines.map((h) => ({
        label: headlineLabel(h, q),
        estimate: h.estimate,
        ci: h.ci,
        n: h.n,
        se: h.se,
        threshold: h.threshold,
      })),
      {
        ...lang('en'),
        title: 'The published statements, checked against the data',
        sort: 'none',
        labelWidth: 44,
      },
    ),
    caption: `Each published statement's share with its ${pctLevel} confidence interval (design-based, after raking); the red tick is the statement's threshold.`,
  });

  if (x.attitudes && q.attitudes) {
    charts.push({
      name: 'attitudes',
      section: 'attitudes',
      spec: divergingChart(x.attitudes, { ...lang('en'), title: q.attitudes.question.en }),
      caption:
        'Answers per country: negative answers left of zero, positive right; neutral and "hard to say" (a real answer, kept in the base) apart on the right, on the same scale. Rows ordered by net score.',
    });
    charts.push({
      name: 'ranking-attitudes-net',
      section: 'attitudes',
      spec: rankingChart(x.attitudes, {
        ...lang('en'),
        ...(x.netRanking ? { ranking: x.netRanking } : {}),
        title: 'Net attitude (positive − negative) by country',
      }),
      caption:
        'Countries ranked by net score with the ranks each could plausibly hold given the sampling uncertainty (pairwise design-based tests, no multiplicity correction).',
    });
    charts.push({
      name: 'attitudes-ru',
      section: 'russian',
      spec: divergingChart(x.attitudes, {
        ...lang('ru'),
        title: q.attitudes.question.ru ?? q.attitudes.question.en,
      }),
      caption: 'The attitude chart with the questionnaire’s Russian labels.',
    });
  }

  for (const { result, ranking } of x.mr) {
    const question = q.multipleResponse.find((m) => m.id === result.question);
    charts.push({
      name: `ranking-${result.question}`,
      section: 'partners',
      spec: rankingChart(result, {
        ...lang('en'),
        ranking,
        title: question?.question.en ?? result.question,
      }),
      caption: `Share of respondents naming each country (up to ${question?.maxAnswers ?? 'several'} answers), in rank order, with ${pctLevel} confidence intervals and plausible ranks; shaded runs of neighbours are not significantly different.`,
    });
    if (result.question === 'reliable') {
      charts.push({
        name: `ranking-${result.question}-ru`,
        section: 'russian',
        spec: rankingChart(result, {
          ...lang('ru'),
          ranking,
          title: question?.question.ru ?? question?.question.en ?? result.question,
        }),
        caption: 'The reliable-partner ranking with the questionnaire’s Russian labels.',
      });
    }
  }

  x.items.forEach((item) => {
    const def = q.eeu.find((e) => e.variable === item.variable);
    charts.push({
      name: `${item.variable.replace(/_/g, '-')}-answers`,
      section: 'eeu',
      spec: estimateChart(item.answers, {
        ...lang('en'),
        mark: 'bar',
        sort: 'none',
        title: def?.question.en ?? item.variable,
      }),
      caption: `Share of each answer among respondents who answered (refusals excluded, "hard to say" kept), with ${pctLevel} confidence intervals; base n in the tooltip.`,
    });
  });
  for (const s of x.subgroups) {
    const def = q.eeu.find((e) => e.variable === s.variable);
    const counted = def?.answers
      .filter((a) => s.counts.includes(String(a.code)))
      .map((a) => a.label.en)
      .join(' or ');
    charts.push({
      name: `${s.variable.replace(/_/g, '-')}-by-subgroup`,
      section: 'eeu',
      spec: subgroupChart(s, {
        ...lang('en'),
        title: `${def?.question.en ?? s.variable}: ${(counted ?? 'share').toLowerCase()}`,
      }),
      caption:
        'Share by subgroup with its confidence interval; the dashed line and grey band are the national share and its interval. Filled dots: the subgroup differs significantly from the national share (design-based test of the difference, which accounts for the subgroup being part of the national sample).',
    });
  }

  const membership = x.items.find((i) => i.variable === 'eeu_membership');
  if (membership && x.bundled) {
    charts.push({
      name: 'eeu-trend',
      section: 'trend',
      spec: trendChart(
        [
          ...EDB_BAROMETER.figures.map((f) => ({
            x: f.x,
            estimate: f.share,
            series: EDB_BAROMETER.series,
            source: f.source,
          })),
          {
            x: 2021,
            estimate: membership.positive.estimate,
            ci: membership.positive.ci,
            series: 'This poll, December 2021 (synthetic data)',
            source: 'surveykit estimate on the bundled synthetic sample',
            n: membership.positive.n,
          },
        ],
        { ...lang('en'), title: 'Support for Eurasian economic integration in Belarus' },
      ),
      caption: `${EDB_BAROMETER.note} This poll's figure is the share supporting Belarus's membership in the EEU, with its ${pctLevel} confidence interval; its data is synthetic.`,
    });
  }

  if (x.weighting) {
    charts.push({
      name: 'weighting-margins',
      section: 'weighting',
      spec: weightingChart(x.weighting, { ...lang('en') }),
      caption:
        'Per level of each raking margin: the unweighted sample share, the share with the design weights (before raking) and with the raked weights (after), against the population share.',
    });
  }
  charts.push({
    name: 'weights',
    section: 'weighting',
    spec: weightHistogram(
      x.weighting
        ? [
            { name: 'Design weights', weights: x.weights.design },
            { name: 'Raked weights', weights: x.weights.final },
          ]
        : [{ name: 'Design weights', weights: x.weights.design }],
      { ...lang('en') },
    ),
    caption:
      'Distribution of the weights (adults each respondent represents), with the Kish design effect of unequal weighting and the effective sample size.',
  });
  return charts;
}

/** Writes each chart as `<name>.json` (Vega-Lite), `.svg` and `.png` (2× scale) in `dir`. */
export async function writeCharts(
  charts: readonly ReportChartFile[],
  dir: string,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const c of charts) {
    const svg = await renderSvg(c.spec);
    const json = join(dir, `${c.name}.json`);
    const svgPath = join(dir, `${c.name}.svg`);
    const png = join(dir, `${c.name}.png`);
    await writeFile(json, `${JSON.stringify(c.spec, null, 2)}\n`);
    await writeFile(svgPath, svg);
    await writeFile(png, svgToPng(svg, { scale: 2 }));
    files.push(json, svgPath, png);
  }
  return files;
}
