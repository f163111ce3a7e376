/**
 * Notebook 04: comparing polls. A second wave of the poll (simulated with the data generator
 * and another seed) against the first, with tests of the change between independent samples;
 * and the poll's estimate against the published figures of the EDB Integration Barometer, on a
 * trend chart.
 *
 * Run: `npx tsx notebooks/04-compare-waves.ts` (or `npm run notebooks` for all of them).
 * @module
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_SEED, generatePoll } from '../scripts/generate/poll.js';
import {
  column,
  degreesOfFreedom,
  type Estimate,
  fromColumns,
  type LinearizationDesign,
  parseCodebook,
  parseCsv,
  pnorm,
  pt,
  qt,
  readCsv,
  readMargins,
  readQuestionnaire,
  type SurveyData,
  svyBy,
  svyContrast,
  svyDesign,
  svyItem,
  svyMean,
  svyMultipleResponse,
  trendChart,
  weightToPopulation,
} from '../src/index.js';
import { repo, saveChart } from './lib/files.js';
import {
  heading,
  note,
  num,
  pct,
  pctCi,
  pctFlag,
  printTable,
  pts,
  pValue,
  setSource,
} from './lib/print.js';

// %% 1. Two waves
// Wave 1 is the bundled poll (generated with seed 20211204). Wave 2 is a new sample drawn by
// the same generator with another seed: the same population and the same model, new sampling
// points and new respondents. It stands for a repeat of the poll a year later in which nothing
// changed, so every difference between the waves is sampling noise, and a good test should
// mostly say "no significant change". Both waves are read with their codebooks (wave 2's
// comes from the generator), get the same design, and are raked to the same margins.
heading('1. Two waves');
const WAVE2_SEED = 20221204;
const q = await readQuestionnaire(repo('data', 'questionnaire.json'));
// the published figures the questionnaire sets beside the EEU membership item (its `trends`)
const barometer = q.trends!.find((t) => t.id === 'eeu-trend')!;
const margins = await readMargins(repo('data', 'margins.json'));
const design = (data: SurveyData) =>
  svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'design_weight', nest: true });
const wave1Data = await readCsv(repo('data', 'belarus-2021-12.csv'), {
  codebook: parseCodebook(JSON.parse(readFileSync(repo('data', 'codebook.json'), 'utf8'))),
});
const poll2 = generatePoll(WAVE2_SEED);
const wave2Data = parseCsv(poll2.csv, {
  codebook: poll2.codebook,
  source: `generatePoll(${WAVE2_SEED})`,
});
// where the data comes from: both waves are synthetic (the questionnaire's source says so for
// wave 1; wave 2 is a new draw of the same generator), under every table and chart
const source = `${q.about?.source ?? 'belarus-2021-12.csv'}; wave 2 simulated by the same generator (seed ${WAVE2_SEED})`;
setSource(source);
const waves = [
  { name: 'wave 1', seed: DEFAULT_SEED, year: 2021, data: wave1Data },
  { name: 'wave 2', seed: WAVE2_SEED, year: 2022, data: wave2Data },
].map((w) => {
  const base = design(w.data);
  return { ...w, base, raked: weightToPopulation(base, margins) };
});
printTable(
  'The two samples',
  ['wave', 'seed', 'respondents', 'strata', 'PSUs', 'df'],
  waves.map((w) => [
    w.name,
    w.seed,
    w.data.nrow,
    w.base.stages[0]!.nStrata,
    w.base.stages[0]!.nClusters,
    degreesOfFreedom(w.base),
  ]),
);

// %% 2. The key figures in each wave
// Each figure is a share among respondents with an answer ("hard to say" in the base), on the
// raked design, with its design-based SE.
heading('2. The key figures in each wave');
const reliable = q.multipleResponse.find((m) => m.id === 'reliable')!;
const kzAttitude = q.attitudes!.items.find((i) => i.key === 'kazakhstan')!;
const [coop, membership] = q.eeu;
const figures: Array<{ label: string; estimate: (d: LinearizationDesign) => Estimate }> = [
  {
    label: 'Positive or neutral toward Kazakhstan',
    estimate: (d) =>
      svyItem(d, { variable: kzAttitude.variable, answers: q.attitudes!.scale }).positiveOrNeutral,
  },
  {
    label: 'Support cooperation with Kazakhstan in the EEU',
    estimate: (d) => svyItem(d, coop!).positive,
  },
  { label: 'Support EEU membership', estimate: (d) => svyItem(d, membership!).positive },
  {
    label: 'Kazakhstan a most reliable partner',
    estimate: (d) => svyMultipleResponse(d, reliable).options.find((o) => o.key === 'kazakhstan')!,
  },
  {
    label: 'China a most reliable partner',
    estimate: (d) => svyMultipleResponse(d, reliable).options.find((o) => o.key === 'china')!,
  },
];
const results = figures.map((f) => ({ ...f, rows: waves.map((w) => f.estimate(w.raked)) }));
printTable(
  "Estimates by wave (raked; 95% intervals with each wave's design df)",
  ['figure', 'wave 1', '95% CI', 'wave 2', '95% CI'],
  results.map((r) => [
    r.label,
    pctFlag(r.rows[0]!, degreesOfFreedom(waves[0]!.raked)),
    pctCi(r.rows[0]!.ci),
    pctFlag(r.rows[1]!, degreesOfFreedom(waves[1]!.raked)),
    pctCi(r.rows[1]!.ci),
  ]),
);

// %% 3. Testing the change between independent samples
// The waves are independent samples: drawn separately, with no respondent or sampling point in
// common, so the covariance of their estimates is zero and the SE of the change is
// √(se₁² + se₂²). (This is not true of two estimates from the same sample, such as two
// subgroups or two options of one question: those need the covariance, see notebooks 02 and
// 03.) Stacking the waves as one design with the strata of both would give df = df₁ + df₂, so
// the t test uses that.
heading('3. Testing the change between independent samples');
const dfChange = waves.reduce((s, w) => s + degreesOfFreedom(w.raked), 0);
const changes = results.map((r) => {
  const [a, b] = r.rows as [Estimate, Estimate];
  const difference = b.estimate - a.estimate;
  const se = Math.sqrt(a.se ** 2 + b.se ** 2);
  const t = difference / se;
  const half = qt(0.975, dfChange) * se;
  return {
    label: r.label,
    difference,
    se,
    ci: [difference - half, difference + half] as const,
    t,
    p: 2 * pt(-Math.abs(t), dfChange),
  };
});
printTable(
  `Change from wave 1 to wave 2 (SE in percentage points; t test with df ${dfChange})`,
  ['figure', 'change', 'SE', '95% CI', 't', 'p', 'significant'],
  changes.map((c) => [
    c.label,
    pts(c.difference),
    num(100 * c.se, 2),
    pctCi(c.ci),
    num(c.t, 2),
    pValue(c.p),
    c.p < 0.05 ? 'yes' : 'no',
  ]),
);
const significant = changes.filter((c) => c.p < 0.05).length;
note(
  `${significant} of ${changes.length} changes are significant at 5%. Nothing changed between the waves (same model), ` +
    'so each test has a 5% chance of a false alarm; with several figures, expect one now and then.',
);

// %% 4. Check: the same test from one stacked design
// To see why √(se₁² + se₂²) is right, stack the two samples into one data set, with strata and
// sampling points kept apart by wave, and let svyBy + svyContrast estimate the change with the
// covariance it computes itself. With design weights (raking each wave separately would need
// margins by wave) the linearization SE of the stacked contrast equals the independent-samples
// formula: the waves share no stratum, so their covariance is exactly zero.
heading('4. Check: the same test from one stacked design');
// (`column` gives a categorical column's labels, null where missing.)
const stacked = fromColumns({
  wave: waves.flatMap((w) => Array<string>(w.data.nrow).fill(w.name)),
  stratum: waves.flatMap((w) =>
    (column(w.data, 'stratum') as (string | null)[]).map((s) => `${w.name}/${s}`),
  ),
  psu: waves.flatMap((w) => [...(column(w.data, 'psu') as Float64Array)]),
  design_weight: waves.flatMap((w) => [...(column(w.data, 'design_weight') as Float64Array)]),
  eeu_membership: waves.flatMap((w) => column(w.data, 'eeu_membership') as (string | null)[]),
});
const stackedDesign = svyDesign(stacked, {
  ids: 'psu',
  strata: 'stratum',
  weights: 'design_weight',
  nest: true,
});
const byWave = svyBy(stackedDesign, 'wave', (d) => svyMean(d, 'eeu_membership')).filter(
  (r) => r.level === 'Support',
);
const stackedChange = svyContrast(byWave, { 'wave 2': 1, 'wave 1': -1 });
const separate = waves.map((w) => svyMean(w.base, 'eeu_membership')[0]!);
printTable(
  'Support for EEU membership, design weights: change wave 1 → wave 2',
  ['method', 'change', 'SE (pts)', 'df'],
  [
    [
      'stacked design, svyBy + svyContrast',
      pts(stackedChange.estimate),
      num(100 * stackedChange.se, 4),
      degreesOfFreedom(stackedDesign),
    ],
    [
      'separate designs, √(se₁² + se₂²)',
      pts(separate[1]!.estimate - separate[0]!.estimate),
      num(100 * Math.hypot(separate[0]!.se, separate[1]!.se), 4),
      dfChange,
    ],
  ],
);

// %% 5. The poll against published figures
// The EDB Integration Barometer published the share of adults in Belarus supporting Eurasian
// economic integration for 2012–2017 (samples of about 1,000, published without intervals or
// microdata). Its question differs from this poll's (membership of Belarus in the EEU), so the
// comparison is context, not a like-for-like trend. A published figure has sampling error too:
// treating its ~1,000 interviews as a simple random sample gives it an SE of √(p(1 − p)/1000),
// probably too small (its design effect was not published); the two surveys are independent.
heading('5. The poll against published figures');
const ours = results.find((r) => r.label === 'Support EEU membership')!.rows[0]!;
printTable(
  `This poll (wave 1): support EEU membership ${pct(ours.estimate)} ${pctCi(ours.ci)} against each published figure`,
  ['year', 'published', 'source', 'difference', 'SE (pts)', 'p (normal)'],
  barometer.figures.map((f) => {
    const difference = ours.estimate - f.share;
    const se = Math.sqrt(ours.se ** 2 + (f.share * (1 - f.share)) / 1000);
    const z = difference / se;
    return [
      f.x,
      pct(f.share, 0),
      f.source,
      pts(difference),
      num(100 * se, 2),
      pValue(2 * pnorm(-Math.abs(z))),
    ];
  }),
);

// %% 6. Trend chart
// Published figures are hollow dots on a dashed line (no interval: nobody should read them as
// more certain than they are); this poll's estimates are filled dots with their intervals and
// a band. Wave 2 is drawn at 2022, where a repeat of the poll would be, and labelled simulated.
heading('6. Trend chart');
const membershipRows = results.find((r) => r.label === 'Support EEU membership')!.rows;
await saveChart(
  '04-eeu-trend',
  trendChart(
    [
      ...barometer.figures.map((f) => ({
        x: f.x,
        estimate: f.share,
        series: barometer.series,
        source: f.source,
      })),
      ...waves.map((w, k) => ({
        x: w.year,
        estimate: membershipRows[k]!.estimate,
        ci: membershipRows[k]!.ci,
        n: membershipRows[k]!.n,
        se: membershipRows[k]!.se,
        df: degreesOfFreedom(w.raked),
        series: 'This poll (synthetic data; 2022: simulated repeat)',
        source: `surveykit estimate, ${w.name} (generator seed ${w.seed})`,
      })),
    ],
    {
      title: 'Support for Eurasian economic integration in Belarus',
      source,
      note: `EDB Integration Barometer: ${barometer.figures.map((f) => f.x).join(', ')}, as published; this poll: n = ${waves.map((w) => w.data.nrow).join(' and ')} respondents, raked to population margins`,
    },
  ),
);
