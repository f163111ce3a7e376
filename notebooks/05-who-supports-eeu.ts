/**
 * Notebook 05: who supports EEU membership, holding the other characteristics constant? A
 * survey-weighted logistic regression of support on age group, sex, settlement type and region
 * (with the design-based standard errors R's svyglm gives), Wald tests of each factor, regional
 * differences as predictive margins adjusted for age and sex, predicted probabilities for two
 * respondent profiles, and the odds ratios charted.
 *
 * Run: `npx tsx notebooks/05-who-supports-eeu.ts` (or `npm run notebooks` for all of them).
 * @module
 */
import { readFileSync } from 'node:fs';
import {
  chartLabels,
  coefficientChart,
  degreesOfFreedom,
  EstimationError,
  estimateChart,
  parseCodebook,
  readCsv,
  readMargins,
  readQuestionnaire,
  regTermTest,
  svyCiProp,
  svyContrast,
  svyDesign,
  svyGlm,
  svyPredict,
  svyPredMeans,
  svySubgroups,
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
// The poll with its codebook, the stratified cluster design (strata: region × settlement type,
// PSUs: sampling points), raked to the population margins, as in notebook 03. The outcome is
// the membership question: "Support" against every other answer ("Indifferent", "Oppose",
// "Hard to say"); "Refused" is missing, so those respondents are left out of the model (and
// counted), the design-based way: as a domain, not by dropping rows from the design.
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
const national = svyCiProp(design, 'eeu_membership', { success: 'Support' });
note(
  `${data.nrow} respondents; support for EEU membership ${pctFlag(national, df)} ${pctCi(national.ci)} (n ${national.n}, refused ${national.nMissing})`,
);

// %% 2. A first model, and what it cannot tell apart
// svyGlm with a quasibinomial family is R's svyglm(..., family = quasibinomial()): logistic
// regression weighted by the (raked) weights, with standard errors from the design. Factors
// enter as treatment contrasts against their first level. Settlement type "Capital" and region
// "Minsk city" are the same respondents, so with both factors one column of the model is a sum
// of others: svyGlm says which, as a RANK_DEFICIENT error, instead of silently dropping it.
heading('2. A first model, and what it cannot tell apart');
const opts = { family: 'quasibinomial' as const, success: 'Support' };
try {
  svyGlm(design, 'eeu_membership ~ agegroup + sex + region + settlement', opts);
} catch (e) {
  if (!(e instanceof EstimationError)) throw e;
  note(`${e.code}: ${e.message.split('. ')[0]}.`);
}
// Listing settlement before region makes region's "Minsk city" the column that depends on the
// others (Minsk city is the capital). With aliased: 'drop' svyGlm leaves it out as R does: the
// capital's difference from the regional cities is then settlement's "Capital" (the reference).
const fit = svyGlm(design, 'eeu_membership ~ agegroup + sex + settlement + region', {
  ...opts,
  aliased: 'drop',
});
note(
  `Fitted on ${fit.n} respondents (${fit.nMissing} refused), ${fit.coefficients.filter((c) => !c.aliased).length} coefficients, ${fit.df} residual degrees of freedom (design df ${fit.designDf} + 1 − coefficients), ${fit.iterations} iterations; left out as aliased: ${fit.coefficients
    .filter((c) => c.aliased)
    .map((c) => c.term)
    .join(', ')}`,
);

// %% 3. Odds ratios
// Each coefficient is a log odds ratio against the reference level (18-29, male, capital,
// Brest); e^β is the odds ratio. Intervals and p-values use t on the residual degrees of
// freedom, as R's summary() and confint() of an svyglm fit do.
heading('3. Odds ratios');
printTable(
  'Support for EEU membership: odds ratios (reference: 18-29, Male, Capital, Brest)',
  ['term', 'β', 'SE', 'odds ratio', '95% CI', 't', 'p'],
  fit.coefficients
    .filter((c) => c.term !== '(Intercept)' && !c.aliased)
    .map((c) => [
      c.term,
      num(c.estimate, 3),
      num(c.se, 3),
      num(Math.exp(c.estimate), 2),
      `[${num(Math.exp(c.ci[0]), 2)}, ${num(Math.exp(c.ci[1]), 2)}]`,
      num(c.statistic, 2),
      pValue(c.pValue),
    ]),
);

// %% 4. Which characteristics matter: Wald tests
// regTermTest tests all coefficients of a factor at once (R's regTermTest): a Wald F statistic
// on (number of coefficients, residual df) degrees of freedom, with the design-based
// covariance of the coefficients.
heading('4. Which characteristics matter: Wald tests');
printTable(
  'Wald tests of each factor, given the others',
  ['factor', 'F', 'ndf', 'ddf', 'p'],
  fit.terms.map((term) => {
    const t = regTermTest(fit, term);
    return [term, num(t.statistic, 2), t.ndf, t.ddf, pValue(t.pValue)];
  }),
);

// %% 5. Regions, adjusted for age and sex
// Raw regional shares mix region with its age and sex make-up. Predictive margins (R's
// svypredmeans) answer "what would support be in each region with the whole sample's age and
// sex composition?": the age-and-sex model is refitted with region, and every respondent's
// predicted probability with the region set to each level is averaged with the weights. The SE
// adds the design-based variance of that average and the variance from the coefficients.
heading('5. Regions, adjusted for age and sex');
const adjust = svyGlm(design, 'eeu_membership ~ agegroup + sex', opts);
const margins = svyPredMeans(adjust, 'region');
const raw = svySubgroups(design, q.eeu[1]!, 'region').rows;
printTable(
  'Support for EEU membership by region: raw share and predictive margin (age and sex held at the national mix)',
  ['region', 'raw share', '95% CI', 'adjusted', '95% CI', 'SE', 'n'],
  margins.map((m) => {
    const r = raw.find((x) => x.subgroup === m.level)!;
    // the raw share's reliability on the region's own degrees of freedom, the margin's on the
    // model's (it leans on the whole sample through the coefficients)
    return [
      m.level,
      pctFlag(r, r.domainDf),
      pctCi(r.ci),
      pctFlag(m, adjust.df),
      pctCi(m.ci),
      num(100 * m.se, 2),
      r.n,
    ];
  }),
);
// The margins carry their covariance, so two regions can be compared with svyContrast.
const gap = svyContrast(margins, { 'Minsk city': 1, Gomel: -1 });
note(
  `Minsk city − Gomel, adjusted for age and sex: ${pts(gap.estimate)} ${pctCi(gap.ci)} (SE ${num(100 * gap.se, 2)} pts)`,
);

// %% 6. Two respondents
// svyPredict gives the model's probability for any profile with its standard error (the delta
// method on the coefficients' design-based covariance: R's predict(fit, newdata, type =
// "response", se.fit = TRUE)); the interval here is made on the log-odds scale and transformed,
// so it stays within 0–100%.
heading('6. Two respondents');
const profiles = [
  { agegroup: '60+', sex: 'Female', settlement: 'Village', region: 'Gomel' },
  { agegroup: '18-29', sex: 'Male', settlement: 'Capital', region: 'Minsk city' },
];
const link = svyPredict(fit, profiles, { type: 'link' });
const prob = svyPredict(fit, profiles, { type: 'response' });
const expit = (x: number) => 1 / (1 + Math.exp(-x));
printTable(
  'Predicted probability of supporting EEU membership',
  ['profile', 'probability', 'SE', '95% CI'],
  profiles.map((p, i) => [
    `${p.sex}, ${p.agegroup}, ${p.settlement}, ${p.region}`,
    pct(prob[i]!.estimate),
    num(100 * prob[i]!.se, 2),
    pctCi([expit(link[i]!.ci[0]), expit(link[i]!.ci[1])]),
  ]),
);

// %% 7. Charts
// The odds ratios on a log axis (filled dots: the interval excludes 1), and the regional
// predictive margins.
heading('7. Charts');
const base = (m: { n: number; nMissing: number }) =>
  `n = ${m.n} respondents in the model (${m.nMissing} refused); raked to population margins`;
await saveChart(
  '05-eeu-membership-odds-ratios',
  coefficientChart(fit, {
    labels,
    title: 'Support for EEU membership: odds ratios',
    source,
    note: [base(fit), 'Survey-weighted logistic regression; design-based standard errors'],
  }),
);
await saveChart(
  '05-eeu-membership-margins-by-region',
  estimateChart(margins, {
    labels,
    title: 'Support for EEU membership by region, adjusted for age and sex',
    sort: 'descending',
    df: adjust.df,
    source,
    note: [base(adjust), 'Predictive margins: age and sex held at the national mix'],
  }),
);
