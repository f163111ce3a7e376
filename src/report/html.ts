/**
 * `out/report.html`: every chart of the run with its tables and a methodology section, as one
 * self-contained page (see src/charts/report.ts).
 * @module
 */
import { fixed, formatNumber, percent, percentInterval } from '../../src/charts/common.js';
import {
  estimateTable,
  type ReportSection,
  type ReportTable,
  renderReport,
} from '../../src/charts/report.js';
import type { HeadlineResult } from '../../src/poll/headline.js';
import type { SubgroupResult } from '../../src/poll/subgroups.js';
import { EDB_BAROMETER } from '../generate/published.js';
import type { ChartInputs, ReportChartFile } from './charts.js';
import type { Summary } from './summary.js';

const SECTIONS: Array<{ key: ReportChartFile['section']; title: string; intro: string }> = [
  {
    key: 'headlines',
    title: 'Headline statements',
    intro:
      'Each statement published about the poll, with the estimate from the data, its confidence interval and a verdict: "yes" when the whole interval is on the claimed side of the threshold (for a rank, when every option claimed above is significantly above and every other option significantly below), "no" when it is wholly on the other side, "uncertain" otherwise.',
  },
  {
    key: 'attitudes',
    title: 'Attitudes toward countries',
    intro:
      'Shares are of respondents with an answer: "hard to say" is a real answer and stays in the base; refusals are left out. The net score is positive minus negative.',
  },
  {
    key: 'partners',
    title: 'Reliable partners and shared interests',
    intro:
      'Multiple-response questions (up to three countries): the share of respondents naming each country. Shares add to more than 100% because one respondent can name several countries; "none" and "hard to say" are not ranked.',
  },
  {
    key: 'eeu',
    title: 'The Eurasian Economic Union',
    intro:
      'The two EEU items, overall and by subgroup. A subgroup is compared with the national share by a design-based test of the difference, whose standard error includes the covariance of the two estimates (the subgroup is part of the national sample).',
  },
  {
    key: 'trend',
    title: 'Published figures over time',
    intro: `${EDB_BAROMETER.note} They are shown as published, without confidence intervals, beside this poll's estimate.`,
  },
  {
    key: 'russian',
    title: 'Charts with Russian labels',
    intro:
      'Labels come from the questionnaire’s and codebook’s translations; the charts’ own words (axes, legends, tooltips) are translated by surveykit.',
  },
  {
    key: 'weighting',
    title: 'Weighting',
    intro:
      'The design weights (inverse inclusion probabilities) were raked to population margins; these diagnostics show what the raking corrected and what it cost in precision.',
  },
];

function headlineTable(headlines: readonly HeadlineResult[], level: number): ReportTable {
  return {
    caption: 'Published statements and the data',
    columns: [
      'Statement',
      'Verdict',
      { label: 'Estimate', numeric: true },
      { label: `${Math.round(level * 100)}% CI`, numeric: true },
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
    note: 'Sources of the statements are listed in data/questionnaire.json and out/tables/headlines.csv.',
  };
}

function attitudesTable(x: ChartInputs): ReportTable | null {
  if (!x.attitudes) return null;
  const ci = (e: { estimate: number; ci: readonly [number, number] }) =>
    `${percent(e.estimate)} (${percentInterval(e.ci)})`;
  return {
    caption: `Attitudes by country: share with ${Math.round(x.level * 100)}% confidence interval`,
    columns: [
      'Country',
      { label: 'Positive', numeric: true },
      { label: 'Neutral', numeric: true },
      { label: 'Negative', numeric: true },
      { label: 'Hard to say', numeric: true },
      { label: 'Net (points)', numeric: true },
      { label: 'Base (n)', numeric: true },
    ],
    rows: [...x.attitudes.items]
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

function rankingTables(x: ChartInputs): ReportTable[] {
  return x.mr.map(({ result, ranking }) => {
    const question = x.questionnaire.multipleResponse.find((m) => m.id === result.question);
    const n = new Map(result.options.map((o) => [o.key, o.n]));
    return {
      caption: question?.question.en ?? result.question,
      columns: [
        'Country',
        { label: 'Rank', numeric: true },
        { label: 'Plausible ranks', numeric: true },
        { label: 'Share', numeric: true },
        { label: `${Math.round(x.level * 100)}% CI`, numeric: true },
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
  });
}

function subgroupTable(s: SubgroupResult, x: ChartInputs): ReportTable {
  const def = x.questionnaire.eeu.find((e) => e.variable === s.variable);
  const title = (v: string) => x.labels.variables[v]?.en ?? v;
  return {
    caption: `${def?.question.en ?? s.variable}: share by subgroup (national ${percent(s.national.estimate)}, ${percentInterval(s.national.ci)})`,
    columns: [
      'Subgroup',
      'Variable',
      { label: 'Share', numeric: true },
      { label: `${Math.round(x.level * 100)}% CI`, numeric: true },
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

const SYNTHETIC =
  'THE DATA IS SYNTHETIC. No respondent in data/belarus-2021-12.csv exists: the file was simulated by scripts/generate-data.ts to resemble a Belarusian national face-to-face poll of December 2021 (Belarusian Institute of Strategic Research). Only three findings of that poll were ever published, and the simulation was calibrated so that they hold; every other figure in this report is an output of the simulation model, not a measurement of Belarusian opinion. See data/README.md.';

function methodology(summary: Summary, x: ChartInputs): ReportSection {
  const d = summary.design;
  const w = summary.weighting;
  const moe = d.marginOfError50;
  const lvl = `${Math.round(d.level * 100)}%`;
  return {
    title: 'Methodology',
    paragraphs: [
      ...(x.bundled ? [SYNTHETIC] : []),
      `Estimates are design-based: shares are weighted means of 0/1 scores among respondents with an answer, with standard errors by Taylor linearization over strata and sampling points (PSUs) as R's survey package computes them (checked against R to 1e-8), accounting for the raking. Intervals are Wald intervals with the design's degrees of freedom (PSUs − strata = ${d.df}).`,
    ],
    facts: [
      ['Design', `${summary.design.call}`],
      [
        'Respondents',
        `${d.n} (${summary.load.rowsRejected} rows rejected; ${summary.load.missingCells} cells missing)`,
      ],
      [
        'Strata and PSUs',
        `${d.strata} strata (region × settlement type), ${d.psus} sampling points; ${d.df} degrees of freedom`,
      ],
      [
        'Weighting',
        w.method === 'rake'
          ? `${w.note}: ${w.margins.join(', ')}; converged in ${w.iterations} sweeps. Weights sum to ${formatNumber(d.sumWeights)} adults, range ${formatNumber(d.minWeight)}–${formatNumber(d.maxWeight)}.`
          : w.note,
      ],
      [
        'Kish design effect of the weights',
        `${fixed(w.kishDeffBefore, 3)} before raking, ${fixed(w.kishDeffAfter, 3)} after`,
      ],
      ['Effective sample size', `${fixed(d.effectiveN, 0)} (n / Kish design effect)`],
      [
        `Margin of error of a 50% share (${lvl})`,
        `±${fixed(100 * moe.srs, 1)} points under simple random sampling; ±${fixed(100 * moe.weighting, 1)} with the weighting effect; ±${fixed(100 * moe.design, 1)} with the full design effect (mean design effect of the headline shares ${fixed(moe.meanDeff, 2)})`,
      ],
      ['Confidence level', `${lvl} for every interval and test`],
      [
        'Rankings',
        'Pairwise design-based t tests with the joint covariance of the two estimates; ties: difference not significant (no multiplicity correction)',
      ],
      ...(x.bundled
        ? ([
            [
              'Published figures',
              `${EDB_BAROMETER.series}: no microdata or intervals; shown as published.`,
            ],
          ] as const)
        : []),
    ],
    tables: [
      {
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
      },
      ...(x.weighting
        ? [
            {
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
              rows: x.weighting.margins.flatMap((m) =>
                m.levels.map((l) => [
                  l.level,
                  x.labels.variables[m.variable]?.en ?? m.variable,
                  percent(l.sampleShare),
                  percent(l.weightedShareBefore),
                  percent(l.weightedShareAfter),
                  percent(l.populationShare),
                  l.n,
                ]),
              ),
            } satisfies ReportTable,
          ]
        : []),
    ],
  };
}

/** The report page of a run. */
export function reportHtml(
  summary: Summary,
  x: ChartInputs,
  charts: readonly ReportChartFile[],
): string {
  const sections: ReportSection[] = SECTIONS.map((s) => {
    const mine = charts.filter((c) => c.section === s.key);
    const tables: ReportTable[] = [];
    if (s.key === 'headlines') tables.push(headlineTable(x.headlines, x.level));
    if (s.key === 'attitudes') {
      const t = attitudesTable(x);
      if (t) tables.push(t);
    }
    if (s.key === 'partners') tables.push(...rankingTables(x));
    if (s.key === 'eeu') {
      for (const item of x.items) {
        const def = x.questionnaire.eeu.find((e) => e.variable === item.variable);
        tables.push(
          estimateTable(item.answers, {
            caption: def?.question.en ?? item.variable,
            label: 'Answer',
            level: x.level,
          }),
        );
      }
      for (const s2 of x.subgroups) tables.push(subgroupTable(s2, x));
    }
    if (s.key === 'trend' && mine.length > 0) {
      const membership = x.items.find((i) => i.variable === 'eeu_membership');
      tables.push({
        caption: 'Published figures and this poll',
        columns: [
          'Year',
          'Source',
          { label: 'Share', numeric: true },
          { label: `${Math.round(x.level * 100)}% CI`, numeric: true },
          { label: 'Base (n)', numeric: true },
        ],
        rows: [
          ...EDB_BAROMETER.figures.map((f) => [
            String(f.x),
            f.source,
            percent(f.share, 0),
            'not published',
            null,
          ]),
          ...(membership
            ? [
                [
                  '2021',
                  'This poll (synthetic data): support EEU membership',
                  percent(membership.positive.estimate),
                  percentInterval(membership.positive.ci),
                  membership.positive.n,
                ],
              ]
            : []),
        ],
      });
    }
    return {
      id: s.key,
      title: s.title,
      paragraphs: [s.intro],
      charts: mine.map((c) => ({
        spec: c.spec,
        caption: c.caption,
        links: [
          { label: 'PNG', href: `charts/${c.name}.png` },
          { label: 'SVG', href: `charts/${c.name}.svg` },
          { label: 'Vega-Lite JSON', href: `charts/${c.name}.json` },
        ],
      })),
      tables,
    };
  }).filter((s) => (s.charts?.length ?? 0) > 0 || (s.tables?.length ?? 0) > 0);
  sections.push(methodology(summary, x));
  return renderReport({
    title: x.title,
    subtitle: `${summary.design.n} respondents, ${summary.design.weights === 'raked' ? 'raked' : 'design'} weights, ${Math.round(summary.design.level * 100)}% confidence intervals.`,
    ...(x.bundled
      ? {
          notice:
            'Synthetic data: every respondent in this sample was simulated. The figures illustrate the method and must not be cited as Belarusian opinion (see Methodology).',
        }
      : {}),
    sections,
    footer: `${summary.generatedBy}; inputs: ${summary.input.data}, ${summary.input.codebook}, ${summary.input.questionnaire}, ${summary.input.margins ?? 'no margins'}.`,
  });
}
