/**
 * The methodology section of the report page: what the poll's description says about it, how
 * the estimates are made, the design, the weighting, the margins of error and the design
 * effects.
 * @module
 */
import { fixed, formatNumber, percent } from '../charts/common.js';
import type { ChartLabels } from '../charts/labels.js';
import type { ReportSection, ReportTable } from '../charts/report.js';
import type { Codebook } from '../data/codebook.js';
import type { Questionnaire } from '../poll/questionnaire.js';
import type { WeightingReport } from '../weighting/types.js';
import type { PollEstimates } from './estimates.js';
import type { PollReportSummary } from './summary.js';

/** What the methodology is written from. */
export interface MethodologyInputs {
  /** The report's summary. */
  summary: PollReportSummary;
  /** The estimates. */
  estimates: PollEstimates;
  /** The questionnaire description, if any. */
  questionnaire: Questionnaire | undefined;
  /** The codebook (variable labels). */
  codebook: Codebook;
  /** Translations (variable titles). */
  labels: ChartLabels;
  /** Margins before and after raking. */
  diagnostics: WeightingReport | null;
  /** The design's strata columns. */
  strata: readonly string[];
}

/** The labels of the strata columns (their names without a label), e.g. "Sampling stratum: region x settlement type". */
function strataLabel(m: MethodologyInputs): string | null {
  if (m.strata.length === 0) return null;
  return m.strata
    .map((name) => m.codebook.variables.find((v) => v.name === name)?.label || name)
    .join('; ');
}

/** What the reliability flags mean, and how many there are. */
function reliabilityText(r: PollReportSummary['reliability']): string {
  const counts =
    r.suppressed + r.review + r.footnote === 0
      ? `In this report all ${r.assessed} shares meet the standard.`
      : `In this report ${r.suppressed} of ${r.assessed} shares are below the standard and ${r.review + r.footnote} more are flagged †${
          r.flagged.length
            ? ` (${r.flagged
                .slice(0, 6)
                .map((f) => f.what)
                .join('; ')}${r.flagged.length > 6 ? '; …' : ''})`
            : ''
        }.`;
  return `Judged by the ${r.standard}: a share is marked * (and drawn hollow) when its effective sample size is under 30, its Korn–Graubard 95% interval (on the effective sample size adjusted for the degrees of freedom) is 30 points wide or more, or wider than 5 points and more than 130% of the share; it is marked † when it has fewer than 8 degrees of freedom (each subgroup is judged on its own PSUs and strata), is 0% or 100%, or its interval is more than 130% of its complement. ${counts}`;
}

/** The methodology section. */
export function methodology(m: MethodologyInputs): ReportSection {
  const strata = strataLabel(m);
  const { summary, estimates: x } = m;
  const d = summary.design;
  const w = summary.weighting;
  const moe = d.marginOfError50;
  const lvl = `${Math.round(d.level * 100)}%`;
  const raked = w.method === 'rake';
  const about = m.questionnaire?.about;
  const ranked = x.battery !== null || x.questions.length > 0;
  const facts: Array<readonly [string, string]> = [
    ['Source', summary.source],
    ['Design', d.call],
    [
      'Respondents',
      `${d.n} (${summary.load.rowsRejected} rows rejected; ${summary.load.missingCells} cells missing)`,
    ],
    ...(summary.input.codebook === null
      ? ([
          [
            'Variable types',
            'inferred from the data (no codebook): a column whose values are all numbers is numeric, any other is categorical with its values as levels',
          ],
        ] as const)
      : []),
    [
      'Strata and PSUs',
      `${d.strata} strata${strata ? ` (${strata})` : ''}, ${d.psus} sampling points; ${d.df} degrees of freedom`,
    ],
    [
      'Weighting',
      raked
        ? `${w.note}: ${w.margins.join(', ')}; converged in ${w.iterations} sweeps. Weights sum to ${formatNumber(d.sumWeights)}, range ${formatNumber(d.minWeight)}–${formatNumber(d.maxWeight)}.`
        : w.note,
    ],
    [
      'Kish design effect of the weights',
      raked
        ? `${fixed(w.kishDeffBefore, 3)} before raking, ${fixed(w.kishDeffAfter, 3)} after`
        : fixed(w.kishDeffAfter, 3),
    ],
    ['Effective sample size', `${fixed(d.effectiveN, 0)} (n / Kish design effect)`],
    [
      `Margin of error of a 50% share (${lvl})`,
      `±${fixed(100 * moe.srs, 1)} points under simple random sampling; ±${fixed(100 * moe.weighting, 1)} with the weighting effect${
        moe.design !== null && moe.meanDeff !== null
          ? `; ±${fixed(100 * moe.design, 1)} with the full design effect (mean design effect of the ${x.headlines.length ? 'headline' : "report's"} shares ${fixed(moe.meanDeff, 2)})`
          : ''
      }`,
    ],
    ['Confidence level', `${lvl} for every interval and test`],
    ['Reliability of shares', reliabilityText(summary.reliability)],
    ...(ranked
      ? ([
          [
            'Rankings',
            'Pairwise design-based t tests with the joint covariance of the two estimates; ties: difference not significant (no multiplicity correction)',
          ],
        ] as const)
      : []),
    ...x.trends.map(
      (t) =>
        [
          'Published figures',
          `${t.trend.series}: no microdata or intervals; shown as published.`,
        ] as const,
    ),
    ...(x.topline?.skipped.length
      ? ([
          [
            'Left out of the topline',
            x.topline.skipped.map((s) => `${s.variable}: ${s.reason}`).join('; '),
          ],
        ] as const)
      : []),
  ];
  const tables: ReportTable[] = [];
  if (summary.headlines.length) {
    tables.push({
      caption: 'Design effects of the headline shares',
      columns: [
        'Statement',
        { label: 'Design effect', numeric: true },
        { label: 'SE (points)', numeric: true },
        { label: 'Base (n)', numeric: true },
      ],
      rows: summary.headlines.map((h) => [
        h.statement,
        fixed(h.deff ?? Number.NaN, 2),
        fixed(100 * h.se, 2),
        h.n,
      ]),
      note: 'Design effect: the share’s variance over that of a simple random sample of the same size with replacement, se² (n − 1) / (p (1 − p)).',
      source: summary.source,
    });
  }
  if (m.diagnostics) {
    tables.push({
      caption: 'Raking margins: sample, weighted and population shares',
      columns: [
        'Level',
        'Margin',
        { label: 'Sample', numeric: true },
        { label: 'Design weights', numeric: true },
        { label: 'Raked', numeric: true },
        { label: 'Population', numeric: true },
        { label: 'Respondents', numeric: true },
      ],
      rows: m.diagnostics.margins.flatMap((margin) =>
        margin.levels.map((l) => [
          l.level,
          m.labels.variables[margin.variable]?.en ?? margin.variable,
          percent(l.sampleShare),
          percent(l.weightedShareBefore),
          percent(l.weightedShareAfter),
          percent(l.populationShare),
          l.n,
        ]),
      ),
      source: summary.source,
    });
  }
  return {
    title: 'Methodology',
    paragraphs: [
      ...(about?.methodology ?? []),
      `Estimates are design-based: shares are weighted means of 0/1 scores among respondents with an answer, with standard errors by Taylor linearization over strata and sampling points (PSUs) as R's survey package computes them (checked against R to 1e-8)${raked ? ', accounting for the raking' : ''}. Intervals are Wald intervals with the design's degrees of freedom (PSUs − strata = ${d.df}).`,
    ],
    facts,
    tables,
  };
}
