/**
 * Notebook 03: support for the Eurasian Economic Union (EEU) by subgroup. Both EEU items
 * nationally, each subgroup against the national figure, a contrast between two regions with
 * svyBy and svyContrast, a Rao–Scott test of EEU support by age group, and subgroup charts.
 *
 * Run: `npx tsx notebooks/03-eeu-support.ts` (or `npm run notebooks` for all of them).
 * @module
 */
import { readFileSync } from 'node:fs';
import {
  chartLabels,
  degreesOfFreedom,
  estimateChart,
  parseCodebook,
  pt,
  readCsv,
  readMargins,
  readQuestionnaire,
  subgroupChart,
  subset,
  svyBy,
  svyChisq,
  svyContrast,
  svyDesign,
  svyItem,
  svyMean,
  svySubgroups,
  svyTable,
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

// %% 1. Load, design, weight
// The poll with its codebook, the stratified cluster design, raked to the population margins.
// The questionnaire lists the two EEU items with each answer's group: "Support" is positive,
// "Hard to say" is a real answer (it stays in the base), "Refused" is missing.
heading('1. Load, design, weight');
const codebook = parseCodebook(JSON.parse(readFileSync(repo('data', 'codebook.json'), 'utf8')));
const data = await readCsv(repo('data', 'belarus-2021-12.csv'), { codebook });
const q = await readQuestionnaire(repo('data', 'questionnaire.json'));
const design = weightToPopulation(
  svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'design_weight', nest: true }),
  await readMargins(repo('data', 'margins.json')),
);
const labels = chartLabels({ questionnaire: q, codebook });
const df = degreesOfFreedom(design);
// where the data comes from (the questionnaire says: it is synthetic): under every table and
// chart, with the base and the weighting under every chart
const source = q.about?.source ?? codebook.source ?? 'belarus-2021-12.csv';
setSource(source);
const caption = { source, note: `n = ${data.nrow} respondents; raked to population margins` };
note(
  `${data.nrow} respondents, design df ${df}; EEU items: ${q.eeu.map((i) => i.variable).join(', ')}`,
);

// %% 2. The EEU items nationally
// Each answer's share among respondents who answered, with its 95% interval (df = 113) and
// its design effect: how much the clustering and weighting inflate the variance over a simple
// random sample of the same size.
heading('2. The EEU items nationally');
for (const item of q.eeu) {
  const s = svyItem(design, { ...item, key: item.id, label: item.question.en });
  const deffs = svyMean(design, item.variable, { deff: 'replace' });
  printTable(
    `${item.question.en} (n ${s.n}, refused ${s.nMissing})`,
    ['answer', 'share', '95% CI', 'deff'],
    s.answers.map((a) => [
      a.level,
      pctFlag(a, df),
      pctCi(a.ci),
      num(deffs.find((d) => d.level === a.level)!.deff!, 2),
    ]),
  );
}

// %% 3. Each subgroup against the national figure
// svySubgroups gives the share supporting in every age group, region, settlement type and
// education level, and the difference from the national share with a design-based test. A
// subgroup is part of the national sample, so the two estimates are correlated: the SE of the
// difference uses their covariance, √(var_sub + var_nat − 2 cov).
heading('3. Each subgroup against the national figure');
const by = q.subgroups.map((s) => s.variable);
const subgroups = q.eeu.map((item) => svySubgroups(design, item, by));
for (const [k, result] of subgroups.entries()) {
  const item = q.eeu[k]!;
  printTable(
    `${item.question.en}: share supporting, national ${pct(result.national.estimate)} ${pctCi(result.national.ci)}`,
    ['by', 'subgroup', 'share', '95% CI', 'n', 'vs national', 'SE', 't', 'p', 'differs'],
    // each subgroup's reliability on its own degrees of freedom (its PSUs minus strata)
    result.rows.map((r) => [
      r.by,
      r.subgroup,
      pctFlag(r, r.domainDf),
      pctCi(r.ci),
      r.n,
      pts(r.vsNational.difference),
      num(100 * r.vsNational.se, 2),
      num(r.vsNational.t, 2),
      pValue(r.vsNational.pValue),
      r.vsNational.differs ? 'yes' : '',
    ]),
  );
}
const membership = subgroups[1]!;
const differing = membership.rows.filter((r) => r.vsNational.differs);
note(
  `Membership support differs significantly from the national share in ${differing.length} of ${membership.rows.length} subgroups: ` +
    differing.map((r) => `${r.subgroup} (${pts(r.vsNational.difference)})`).join(', '),
);

// %% 4. Two regions compared: svyBy and svyContrast
// svyBy estimates the answer shares in every region and keeps the covariance between all its
// rows (R's svyby(..., covmat = TRUE)); svyContrast then gives any linear combination with its
// SE. Minsk city and Gomel are separate strata, so with design weights their estimates would be
// independent; raking to national margins (sex, age) ties the regions together a little (the
// table's covariance accounts for it; here it is tiny, as the two SE columns show). Inside svyBy, `df: 'design'` would be each region's own PSUs
// minus strata (R's degf of the group), so the whole design's df is passed as a number to
// match svySubgroups' intervals.
heading('4. Two regions compared: svyBy and svyContrast');
const byRegion = svyBy(design, 'region', (d) => svyMean(d, 'eeu_membership', { df }));
const support = byRegion.filter((r) => r.level === 'Support'); // one row per region, labelled by region
// each region's own degrees of freedom (its PSUs minus strata), for its reliability mark
const regionDf = new Map(
  support.map((r) => {
    const region = r.group!['region']!;
    return [region, degreesOfFreedom(subset(design, (x) => x.region === region))];
  }),
);
printTable(
  'Support for EEU membership by region (svyBy)',
  ['region', 'share', '95% CI', 'n'],
  support.map((r) => [
    r.group!['region'],
    pctFlag(r, regionDf.get(r.group!['region']!)),
    pctCi(r.ci),
    r.n,
  ]),
);
const contrast = svyContrast(support, { 'Minsk city': 1, Gomel: -1 }, { df });
const t = contrast.estimate / contrast.se;
const [minsk, gomel] = ['Minsk city', 'Gomel'].map(
  (r) => support.find((x) => x.group!['region'] === r)!,
);
printTable(
  'Minsk city − Gomel (svyContrast; SEs in percentage points)',
  ['difference', 'SE', 'SE if independent', '95% CI', 't', 'df', 'p'],
  [
    [
      pts(contrast.estimate),
      num(100 * contrast.se, 2),
      num(100 * Math.hypot(minsk!.se, gomel!.se), 2),
      pctCi(contrast.ci),
      num(t, 2),
      df,
      pValue(2 * pt(-Math.abs(t), df)),
    ],
  ],
);
// The same contrast works against the average of the other six regions.
const others = support
  .filter((r) => r.group!['region'] !== 'Minsk city')
  .map((r) => r.group!['region']!);
const vsRest = svyContrast(
  support,
  Object.fromEntries([['Minsk city', 1], ...others.map((r) => [r, -1 / others.length])]),
  { df },
);
note(
  `Minsk city − mean of the other six regions: ${pts(vsRest.estimate)} ${pctCi(vsRest.ci)} (SE ${num(100 * vsRest.se, 2)} pts)`,
);

// %% 5. EEU support by age group: a Rao–Scott test
// Is the answer to the membership question independent of age? The weighted table gives each
// age group's answers (row percentages); svyChisq tests independence with the Rao–Scott
// second-order correction (an F test on design-corrected degrees of freedom), since the plain
// Pearson X² would take the clustered, weighted sample for a simple random one.
heading('5. EEU support by age group: a Rao–Scott test');
const table = svyTable(design, 'agegroup', 'eeu_membership');
printTable(
  'Answers to the membership question by age group (weighted row percentages)',
  ['age group', ...table.colLevels, 'n'],
  table.rowLevels.map((age, i) => {
    const row = table.counts[i]!;
    const total = row.reduce((s, x) => s + x, 0);
    return [age, ...row.map((x) => pct(x / total)), table.n[i]!.reduce((s, x) => s + x, 0)];
  }),
);
const tests = q.eeu.map((item) => ({ item, test: svyChisq(design, item.variable, 'agegroup') }));
printTable(
  'Rao–Scott tests of independence from age group',
  ['item', 'Pearson X²', 'F', 'ndf', 'ddf', 'p', 'n'],
  tests.map(({ item, test }) => [
    item.variable,
    num(test.pearson, 2),
    num(test.statistic, 3),
    num(test.ndf, 2),
    num(test.ddf!, 1),
    pValue(test.pValue),
    test.n,
  ]),
);

// %% 6. Charts
// Small multiples, one panel per grouping variable: each subgroup's share with its interval
// and base against the national share (dashed line, its interval as a grey band); coloured
// dots differ significantly from it, grey ones do not, hollow ones fail the NCHS reliability
// standard. Then the regional shares from svyBy as an estimate chart, and every answer by sex
// (svyBy's grouped rows: one colour per sex, side by side in each answer's row).
heading('6. Charts');
for (const [k, result] of subgroups.entries()) {
  const item = q.eeu[k]!;
  await saveChart(
    `03-${item.variable.replace(/_/g, '-')}-by-subgroup`,
    subgroupChart(result, {
      labels,
      title: item.question.en,
      counts: item.answers.filter((a) => a.group === 'positive').map((a) => a.label.en!),
      ...caption,
    }),
  );
}
await saveChart(
  '03-eeu-membership-by-region',
  estimateChart(
    // one row per region, labelled by it (not grouped: each region is a row of its own)
    support.map((r) => ({
      label: r.group!['region']!,
      estimate: r.estimate,
      ci: r.ci,
      se: r.se,
      n: r.n,
      df: regionDf.get(r.group!['region']!)!,
    })),
    { labels, title: 'Support for EEU membership by region', sort: 'descending', ...caption },
  ),
);
await saveChart(
  '03-eeu-membership-by-sex',
  estimateChart(
    svyBy(design, 'sex', (d) => svyMean(d, 'eeu_membership', { df })),
    { labels, title: 'Attitude toward EEU membership, by sex', ...caption },
  ),
);
