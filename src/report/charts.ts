/**
 * The report's charts as Vega-Lite specs, one function per part of the report: the headline
 * statements, the attitude battery, a multiple-response question, a single item, a published
 * trend, a topline variable, the weighting. Every chart carries the data's source and the
 * report's note (base, weighting, margin of error) under it, and flags unreliable shares. Names
 * are made from ids by {@link fileStem}; the sections (sections.ts) place them and keep them
 * distinct.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { divergingChart } from '../charts/diverging.js';
import { estimateChart } from '../charts/estimates.js';
import type { ChartLabels, ChartLanguage } from '../charts/labels.js';
import { rankingChart } from '../charts/ranking.js';
import { subgroupChart } from '../charts/subgroups.js';
import { trendChart } from '../charts/trend.js';
import { weightHistogram, weightingChart } from '../charts/weighting.js';
import { type Questionnaire, textOf } from '../poll/questionnaire.js';
import type { WeightingReport } from '../weighting/types.js';
import type { PollEstimates, ReportItem, ReportQuestion, ReportTrend } from './estimates.js';
import { fileStem } from './names.js';
import type { ToplineVariable } from './topline.js';

/** A chart before the sections place it: its name (a file stem), spec and caption. */
export interface ChartDraft {
  /** File name without extension (`charts/<name>.{json,svg,png}`). */
  name: string;
  /** The Vega-Lite spec. */
  spec: TopLevelSpec;
  /** What the chart shows, for a caption. */
  caption: string;
}

/** What every chart builder needs: the translations, the level, and what to print under it. */
export interface ChartContext {
  /** Translations of the questionnaire's and codebook's labels. */
  labels: ChartLabels;
  /** Confidence level of the intervals. */
  level: number;
  /** Whether the design weights were raked. */
  weighted: boolean;
  /** The report's language (its charts' words and labels). */
  language: ChartLanguage;
  /** Where the data comes from (printed under every chart). */
  source: string;
  /** The lines under every chart after the source, in a language: base, weighting, margin of error. */
  note: (language: ChartLanguage) => string[];
  /** Design degrees of freedom (for the reliability flags). */
  df: number;
}

const options = (c: ChartContext, language: ChartLanguage = c.language) => ({
  labels: c.labels,
  language,
  level: c.level,
  source: c.source,
  note: c.note(language),
  df: c.df,
});
const percentLevel = (c: ChartContext) => `${Math.round(c.level * 100)}%`;

/** A language's English name ("Belarusian" for `be`), for captions and headings. */
export function languageName(language: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(language) ?? language;
  } catch {
    return language;
  }
}

/** The headline statements' shares against their thresholds. */
export function headlinesChart(
  x: PollEstimates,
  q: Questionnaire | undefined,
  c: ChartContext,
): ChartDraft {
  return {
    name: 'headlines',
    spec: estimateChart(
      x.headlines.map((h) => ({
        label: q?.headlines.find((y) => y.id === h.id)?.label ?? h.statement,
        estimate: h.estimate,
        ci: h.ci,
        n: h.n,
        se: h.se,
        threshold: h.threshold,
      })),
      {
        ...options(c),
        title: 'The published statements, checked against the data',
        sort: 'none',
        labelWidth: 44,
      },
    ),
    caption: `Each published statement's share with its ${percentLevel(c)} confidence interval (design-based${c.weighted ? ', after raking' : ''}); the vertical tick is the statement's threshold.`,
  };
}

/** The attitude battery: answers per item, and the items ranked by net score. */
export function batteryCharts(
  battery: NonNullable<PollEstimates['battery']>,
  c: ChartContext,
): ChartDraft[] {
  return [
    {
      name: 'attitudes',
      spec: divergingChart(battery.result, {
        ...options(c),
        title: textOf(battery.battery.question, c.language),
      }),
      caption:
        'Answers per item: negative answers left of zero, positive right; neutral and "hard to say" (a real answer, kept in the base) apart on the right, on the same scale. Rows ordered by net score.',
    },
    {
      name: 'ranking-attitudes-net',
      spec: rankingChart(battery.result, {
        ...options(c),
        ranking: battery.net,
        title: 'Net attitude (positive − negative)',
      }),
      caption:
        'Items ranked by net score with the ranks each could plausibly hold given the sampling uncertainty (pairwise design-based tests, no multiplicity correction). Brackets join items not significantly different from each other; ties are not transitive, so brackets overlap.',
    },
  ];
}

/** A multiple-response question's options in rank order. */
export function questionChart(
  x: ReportQuestion,
  c: ChartContext,
  language: ChartLanguage = c.language,
): ChartDraft {
  const { question, result, ranking } = x;
  const suffix = language === c.language ? '' : `-${language}`;
  return {
    name: `ranking-${fileStem(result.question)}${suffix}`,
    spec: rankingChart(result, {
      ...options(c, language),
      ranking,
      title: textOf(question.question, language),
    }),
    caption:
      language === c.language
        ? `Share of respondents naming each option (up to ${question.maxAnswers ?? 'several'} answers), in rank order, with ${percentLevel(c)} confidence intervals and plausible ranks; brackets join options not significantly different from each other.`
        : `The ranking of “${textOf(question.question, c.language)}” with the questionnaire’s ${languageName(language)} labels.`,
  };
}

/** The attitude chart in another language. */
export function batteryChartIn(
  battery: NonNullable<PollEstimates['battery']>,
  c: ChartContext,
  language: ChartLanguage,
): ChartDraft {
  return {
    name: `attitudes-${language}`,
    spec: divergingChart(battery.result, {
      ...options(c, language),
      title: textOf(battery.battery.question, language),
    }),
    caption: `The attitude chart with the questionnaire’s ${languageName(language)} labels.`,
  };
}

/** A single item: its answers, and its positive share by subgroup. */
export function itemCharts(x: ReportItem, c: ChartContext): ChartDraft[] {
  const stem = fileStem(x.item.variable);
  const question = textOf(x.item.question, c.language);
  const charts: ChartDraft[] = [
    {
      name: `${stem}-answers`,
      spec: estimateChart(x.summary.answers, {
        ...options(c),
        mark: 'bar',
        sort: 'none',
        title: question,
      }),
      caption: `Share of each answer among respondents who answered (refusals excluded, "hard to say" kept), with ${percentLevel(c)} confidence intervals; base n in the tooltip.`,
    },
  ];
  const s = x.subgroups;
  if (s) {
    const counted = x.item.answers
      .filter((a) => s.counts.includes(String(a.code)))
      .map((a) => textOf(a.label));
    charts.push({
      name: `${stem}-by-subgroup`,
      spec: subgroupChart(s, { ...options(c), title: question, counts: counted }),
      caption:
        'Share by subgroup with its confidence interval and unweighted base; the dashed line and grey band are the national share and its interval. Coloured dots: the subgroup differs significantly from the national share (design-based test of the difference, which accounts for the subgroup being part of the national sample); grey dots: it does not.',
    });
  }
  return charts;
}

const STATISTIC_WORDS = {
  positive: 'positive',
  positiveOrNeutral: 'positive or neutral',
  neutral: 'neutral',
  negative: 'negative',
  dk: '"hard to say"',
} as const;

/** What this poll's point of a trend is, in a sentence. */
export function trendPollNote(x: ReportTrend, q: Questionnaire): string {
  if (x.trend.poll.note) return x.trend.poll.note;
  const eeu = q.eeu.find((i) => i.variable === x.trend.variable);
  const battery = q.attitudes?.items.find((i) => i.variable === x.trend.variable);
  const item = eeu ? textOf(eeu.question) : battery ? textOf(battery.label) : x.trend.variable;
  return `This poll's figure is the share of ${STATISTIC_WORDS[x.trend.statistic ?? 'positive']} answers to “${item}”.`;
}

/** Published figures beside this poll's estimate. */
export function trendChartDraft(x: ReportTrend, q: Questionnaire, c: ChartContext): ChartDraft {
  const { trend, estimate } = x;
  return {
    name: fileStem(trend.id),
    spec: trendChart(
      [
        ...trend.figures.map((f) => ({
          x: f.x,
          estimate: f.share,
          series: trend.series,
          source: f.source,
        })),
        {
          x: trend.poll.x,
          estimate: estimate.estimate,
          ci: estimate.ci,
          se: estimate.se,
          series: trend.poll.series,
          source: trend.poll.source ?? 'surveykit estimate',
          n: estimate.n,
        },
      ],
      { ...options(c), title: trend.title },
    ),
    caption: [
      trend.note,
      trendPollNote(x, q),
      `Its interval is at the ${percentLevel(c)} confidence level; the published figures have none.`,
    ]
      .filter(Boolean)
      .join(' '),
  };
}

/** A categorical variable of the topline: the share of each level. */
export function toplineChart(v: ToplineVariable, c: ChartContext): ChartDraft {
  return {
    name: `topline-${fileStem(v.variable)}`,
    spec: estimateChart(v.rows, { ...options(c), mark: 'bar', sort: 'none', title: v.label }),
    caption: `Share of each value among respondents with a value (missing values excluded), with ${percentLevel(c)} confidence intervals; base n in the tooltip.`,
  };
}

/**
 * The weighting diagnostics: the margins before and after raking (with margins), and the
 * distribution of the weights (unless every weight is the same).
 */
export function weightingCharts(
  diagnostics: WeightingReport | null,
  weights: { design: Float64Array; final: Float64Array },
  c: ChartContext,
): ChartDraft[] {
  const charts: ChartDraft[] = [];
  if (diagnostics) {
    charts.push({
      name: 'weighting-margins',
      spec: weightingChart(diagnostics, options(c)),
      caption:
        'Per level of each raking margin: the unweighted sample share, the share with the design weights (before raking) and with the raked weights (after), each in its own lane, against the population share (the black line).',
    });
  }
  if (diagnostics || !allEqual(weights.design)) {
    charts.push({
      name: 'weights',
      spec: weightHistogram(
        diagnostics
          ? [
              { name: 'Design weights', weights: weights.design },
              { name: 'Raked weights', weights: weights.final },
            ]
          : [{ name: 'Design weights', weights: weights.design }],
        options(c),
      ),
      caption:
        'Distribution of the weights (what each respondent represents), with the Kish design effect of unequal weighting and the effective sample size.',
    });
  }
  return charts;
}

function allEqual(w: Float64Array): boolean {
  for (let i = 1; i < w.length; i++) if (w[i] !== w[0]) return false;
  return true;
}
