/**
 * Notebook 01: load the bundled poll with its codebook, read an SPSS file, build the sample
 * design, look at the weights, rake them to the population margins, and chart the weighting.
 *
 * Run: `npx tsx notebooks/01-load-and-weight.ts` (or `npm run notebooks` for all of them).
 * Cells are marked `// %%`; each starts with a note on what it does and why.
 * @module
 */
import { readFileSync } from 'node:fs';
import {
  chartLabels,
  degreesOfFreedom,
  parseCodebook,
  rake,
  readCsv,
  readMargins,
  readSav,
  type SurveyData,
  svyCiProp,
  svyDesign,
  svyMean,
  weightHistogram,
  weightingChart,
  weightingReport,
  weightSummary,
  writeSav,
} from '../src/index.js';
import { repo, saveChart, saveFile, shown } from './lib/files.js';
import {
  clip,
  heading,
  int,
  note,
  num,
  pct,
  pctCi,
  pctFlag,
  printTable,
  setSource,
} from './lib/print.js';

/** The levels of a categorical column. */
const levelsOf = (d: SurveyData, name: string): readonly string[] => {
  const c = d.columns[name];
  return c?.kind === 'categorical' ? c.levels : [];
};

// %% 1. Load the poll with its codebook
// The bundled poll is one row per respondent (1,500 synthetic respondents, see data/README.md).
// The codebook says what each column means: its type, question text, value labels in order, and
// which codes are missing (99 "refused"); "hard to say" (98) is a real answer and stays.
// Loading with the codebook checks every cell against it and reports what it did.
heading('1. Load the poll with its codebook');
const codebook = parseCodebook(JSON.parse(readFileSync(repo('data', 'codebook.json'), 'utf8')));
const data = await readCsv(repo('data', 'belarus-2021-12.csv'), { codebook });
note(
  `${shown(repo('data', 'belarus-2021-12.csv'))}: ${data.nrow} respondents, ${data.names.length} columns; ` +
    `rows rejected: ${data.load.rowsRejected.length}`,
);
// where the data comes from (the codebook says: it is synthetic): under every table and chart
const source = codebook.source ?? 'belarus-2021-12.csv';
setSource(source);
const shownVariables = [
  'region',
  'stratum',
  'psu',
  'design_weight',
  'sex',
  'agegroup',
  'att_kazakhstan',
  'eeu_membership',
];
printTable(
  'Some codebook entries',
  ['column', 'type', 'label', 'values (code=label)', 'missing'],
  shownVariables.map((name) => {
    const v = codebook.variables.find((x) => x.name === name)!;
    const values = v.values?.map((x) => `${x.code}=${x.label}`) ?? [];
    return [
      v.name,
      v.type,
      clip(v.label ?? '', 44),
      clip(
        values.length > 3
          ? `${values.slice(0, 2).join(', ')}, … (${values.length})`
          : values.join(', '),
        52,
      ),
      v.missing?.join(', '),
    ];
  }),
);
// per column: blank cells, codebook missing codes, and `na` texts such as NA (none in this file)
const missingCount = (m: (typeof data.load.missing)[number]) =>
  m.empty +
  [...Object.values(m.missingCodes), ...Object.values(m.na ?? {})].reduce((s, x) => s + x, 0);
const missing = [...data.load.missing].sort((a, b) => missingCount(b) - missingCount(a));
printTable(
  'Cells set to missing, by column (the load report; top 6)',
  ['column', 'empty cells', 'missing codes and na texts'],
  missing
    .slice(0, 6)
    .map((m) => [
      m.column,
      m.empty,
      [...Object.entries(m.missingCodes), ...Object.entries(m.na ?? {})]
        .map(([code, k]) => `${code}: ${k}`)
        .join(', '),
    ]),
);

// %% 2. The same kind of file from SPSS
// Pollsters often deliver SPSS system files. readSav reads .sav and .zsav files (any byte order,
// compression and text encoding) into the same frame and codebook as the CSV loader: value
// labels become levels, user-missing values become missing and are counted, and SPSS facts
// with no place in the codebook (weight variable, measurement levels, multiple response sets)
// are in `sav`. This small test file was written by GNU PSPP in the windows-1251 encoding.
heading('2. Reading an SPSS file');
const sav = await readSav(repo('test', 'fixtures', 'sav', 'pspp-cp1251.sav'));
setSource('pspp-cp1251.sav, a test file of ten made-up cases written by GNU PSPP');
note(
  `${sav.nrow} cases, ${sav.names.length} variables; written by "${sav.sav.product.replace('@(#) SPSS DATA FILE ', '')}";`,
  `encoding ${sav.sav.encoding} (found in: ${sav.sav.encodingFrom}); file label "${sav.sav.fileLabel}"; weight variable: ${sav.sav.weight}`,
);
printTable(
  'Its first variables, as surveykit reads them',
  ['variable', 'label', 'kind', 'SPSS measure', 'levels or missing values'],
  sav.sav.variables.slice(1, 6).map((v) => {
    const column = sav.columns[v.name]!;
    const missingCodes = sav.codebook.variables.find((x) => x.name === v.name)?.missing ?? [];
    return [
      v.name,
      v.label,
      column.kind,
      v.measure,
      column.kind === 'categorical'
        ? column.levels.join(' / ')
        : `missing: ${missingCodes.join(', ')}`,
    ];
  }),
);
printTable(
  'Multiple response sets defined in the file',
  ['set', 'label', 'type', 'variables'],
  sav.sav.multipleResponseSets.map((s) => [s.name, s.label, s.type, s.variables.join(', ')]),
);
// With ten cases a Wald interval would leave [0, 1]; svyCiProp's Korn–Graubard interval does not.
const savDesign = svyDesign(sav, { weights: sav.sav.weight! });
printTable(
  'Weighted shares of "пол" (sex) with the file’s weight variable, Korn–Graubard intervals',
  ['level', 'share', '95% CI', 'n', 'missing'],
  levelsOf(sav, 'пол').map((level) => {
    const p = svyCiProp(savDesign, 'пол', { success: level, method: 'beta' });
    return [level, pct(p.estimate), pctCi(p.ci), p.n, p.nMissing];
  }),
);
// And the other way: write the bundled poll as an SPSS file (categorical columns as numbers 1..k
// with their levels as value labels, `stratum` as a string variable, the codebook's question
// texts as variable labels, missing cells as system-missing) and read it back.
const savBytes = writeSav(data, {
  weight: 'design_weight',
  strings: ['stratum'],
  created: new Date(Date.UTC(2021, 11, 31)),
});
const savPath = saveFile('belarus-2021-12.sav', savBytes);
const back = await readSav(savPath);
note(
  `wrote ${shown(savPath)} (${int(savBytes.length)} bytes) and read it back: ${back.nrow} cases, ` +
    `weight ${back.sav.weight}, region levels ${levelsOf(back, 'region').join(', ')}`,
);

// %% 3. The sample design
// The poll is a stratified cluster sample: 18 strata (region × settlement type), sampling points
// (PSUs) numbered within their stratum (`nest: true`), and design weights equal to the adults
// each respondent represents. Standard errors come from the variation between sampling points
// within strata, so the design's degrees of freedom are PSUs minus strata.
heading('3. The sample design');
setSource(source);
const design = svyDesign(data, {
  ids: 'psu',
  strata: 'stratum',
  weights: 'design_weight',
  nest: true,
});
const stage = design.stages[0]!;
printTable(
  'Design',
  ['respondents', 'strata', 'PSUs', 'degrees of freedom', 'sum of weights'],
  [
    [
      data.nrow,
      stage.nStrata,
      stage.nClusters,
      degreesOfFreedom(design),
      int(weightSummary(design).sum),
    ],
  ],
);

// %% 4. Inspect the design weights
// Unequal weights cost precision: Kish's design effect n Σw² / (Σw)² says by how much, and the
// effective sample size is n divided by it. The design weights here are nearly equal (deff
// about 1.01), but the achieved sample has too many women and people aged 60+, as face-to-face
// polls usually do: compare the weighted shares with the population's.
heading('4. Inspect the design weights');
const before = weightSummary(design);
printTable(
  'Design weights',
  ['n', 'min', 'max', 'CV', 'Kish deff', 'effective n'],
  [
    [
      before.n,
      num(before.min, 0),
      num(before.max, 0),
      num(before.cv, 3),
      num(before.kishDeff, 3),
      num(before.effectiveN, 0),
    ],
  ],
);
const margins = await readMargins(repo('data', 'margins.json'));
const population = (variable: string, level: string) => {
  const m = margins.find((x) => x.variable === variable)!;
  const total = Object.values(m.population).reduce((s, x) => s + x, 0);
  return (m.population[level] ?? 0) / total;
};
printTable(
  'Sex and age with the design weights, against the population (data/margins.json)',
  ['variable', 'level', 'weighted share', '95% CI', 'population', 'difference'],
  ['sex', 'agegroup'].flatMap((variable) =>
    svyMean(design, variable).map((r) => [
      variable,
      r.level,
      pct(r.estimate),
      pctCi(r.ci),
      pct(population(variable, r.level!)),
      `${(100 * (r.estimate - population(variable, r.level!))).toFixed(1)} pts`,
    ]),
  ),
);

// %% 5. Rake to the population margins
// Raking (iterative proportional fitting) adjusts the weights until the weighted sample matches
// every margin at once: region, sex, age group and urban/rural. rake() returns a new design
// whose standard errors account for the raking (influence values are replaced by their
// residuals from the raking model, as R's survey package does).
heading('5. Rake to the population margins');
const raked = rake(design, margins);
const step = raked.calibration?.at(-1);
const after = weightSummary(raked);
note(
  `raked to ${margins.map((m) => m.variable).join(', ')} (${margins.reduce((s, m) => s + Object.keys(m.population).length, 0)} levels): ` +
    `converged ${step?.converged} after ${step?.iterations} sweeps; sum of weights ${int(after.sum)}`,
);

// %% 6. The weighting report
// weightingReport sets the margins side by side: the sample's unweighted share, the share with
// the design weights (before) and with the raked weights (after), and the population's. After
// raking every margin matches; the price is a slightly higher design effect of the weights.
heading('6. The weighting report');
const report = weightingReport(design, raked, margins);
printTable(
  'Margins before and after raking',
  ['margin', 'level', 'sample', 'before', 'after', 'population'],
  report.margins.flatMap((m) =>
    m.levels.map((l) => [
      m.variable,
      l.level,
      pct(l.sampleShare),
      pct(l.weightedShareBefore),
      pct(l.weightedShareAfter),
      pct(l.populationShare),
    ]),
  ),
);
printTable(
  'What the weighting cost',
  ['weights', 'min', 'max', 'Kish deff', 'effective n'],
  [
    [
      'design',
      num(report.before.min, 0),
      num(report.before.max, 0),
      num(report.before.kishDeff, 3),
      num(report.before.effectiveN, 0),
    ],
    [
      'raked',
      num(report.after.min, 0),
      num(report.after.max, 0),
      num(report.after.kishDeff, 3),
      num(report.after.effectiveN, 0),
    ],
  ],
);
note(
  `raked / design weight ranges from ${num(report.ratio.min, 3)} to ${num(report.ratio.max, 3)}`,
);

// %% 7. What raking does to an estimate
// Support for EEU membership with the design weights and with the raked weights. The share
// moves a little (the sample's excess of older respondents, who support it more, is removed),
// and its standard error accounts for the raking. `deff: 'replace'` gives the design effect:
// the variance against that of a simple random sample of the same size.
heading('7. What raking does to an estimate');
printTable(
  "Support for Belarus's membership in the EEU",
  ['weights', 'share', 'SE (pts)', '95% CI', 'deff', 'n', 'no answer'],
  [
    { name: 'design', d: design },
    { name: 'raked', d: raked },
  ].map(({ name, d }) => {
    // the first row of a categorical variable is its first level, "Support"
    const r = svyMean(d, 'eeu_membership', { deff: 'replace', df: 'design' })[0]!;
    return [
      name,
      pctFlag(r, degreesOfFreedom(d)),
      num(100 * r.se, 2),
      pctCi(r.ci),
      num(r.deff!, 2),
      r.n,
      r.nMissing,
    ];
  }),
);

// %% 8. Charts
// The weighting chart shows, per margin level, the sample's share unweighted, with the design
// weights and raked, against the population; the histogram shows both sets of weights with
// their Kish design effect and effective sample size.
heading('8. Charts');
const labels = chartLabels({ codebook }); // variable titles ("Age group") from the codebook
// under every chart: where the data comes from, its base and its weighting
const caption = {
  source,
  note: `n = ${int(data.nrow)} respondents; raked to ${margins.map((m) => m.variable).join(', ')}`,
};
await saveChart(
  '01-weighting-margins',
  weightingChart(report, {
    labels,
    title: 'Raking the poll to the population margins',
    ...caption,
  }),
);
await saveChart(
  '01-weights',
  weightHistogram(
    [
      { name: 'Design weights', weights: design.weights },
      { name: 'Raked weights', weights: raked.weights },
    ],
    { labels, title: 'Design and raked weights', ...caption },
  ),
);
