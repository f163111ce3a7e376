/**
 * Notebook 02: attitudes toward partner countries. The attitude battery (one five-point item
 * per country) as a diverging chart, countries ranked with their ties, and the "most reliable
 * partners" multiple-response question with design-based comparisons of two options.
 *
 * Run: `npx tsx notebooks/02-partner-attitudes.ts` (or `npm run notebooks` for all of them).
 * @module
 */
import { readFileSync } from 'node:fs';
import {
  chartLabels,
  compareOptions,
  degreesOfFreedom,
  divergingChart,
  parseCodebook,
  rankItems,
  rankingChart,
  readCsv,
  readMargins,
  readQuestionnaire,
  svyBattery,
  svyDesign,
  svyMultipleResponse,
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

/** Plausible ranks as text: `4–6`, or `2` when only one rank is plausible. */
const ranks = ([lo, hi]: readonly [number, number]) => (lo === hi ? String(lo) : `${lo}–${hi}`);
/** The labels of the items an item is tied with. */
const tiedLabels = (
  keys: readonly string[],
  items: ReadonlyArray<{ key: string; label: string }>,
) => keys.map((k) => items.find((i) => i.key === k)?.label ?? k).join(', ') || '–';

// %% 1. Load, design, weight
// As in notebook 01: the poll with its codebook, the stratified cluster design, and the design
// weights raked to the population margins (weightToPopulation is rake() on a margins file).
// The questionnaire description says which columns form the battery and which answer codes
// are positive, neutral, negative, "hard to say" (a real answer) or refused (not in the base).
heading('1. Load, design, weight');
const codebook = parseCodebook(JSON.parse(readFileSync(repo('data', 'codebook.json'), 'utf8')));
const data = await readCsv(repo('data', 'belarus-2021-12.csv'), { codebook });
const q = await readQuestionnaire(repo('data', 'questionnaire.json'));
const design = weightToPopulation(
  svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'design_weight', nest: true }),
  await readMargins(repo('data', 'margins.json')),
);
const labels = chartLabels({ questionnaire: q, codebook });
const battery = q.attitudes!;
// where the data comes from (the questionnaire says: it is synthetic), under every table and
// chart, with the base and the weighting under every chart
const source = q.about?.source ?? codebook.source ?? 'belarus-2021-12.csv';
setSource(source);
const caption = { source, note: `n = ${data.nrow} respondents; raked to population margins` };
const df = degreesOfFreedom(design); // for the reliability marks: * and † after a share
note(
  `${data.nrow} respondents; battery "${battery.question.en}" with ${battery.items.length} countries;`,
  `scale: ${battery.scale.map((s) => `${s.code} ${s.label.en} (${s.group})`).join(', ')}`,
);

// %% 2. The attitude battery
// For every country: the share of positive (very + rather), neutral, negative and "hard to
// say" answers among respondents who answered, and the net score (positive − negative), each
// with a design-based standard error. Intervals use the design's degrees of freedom (PSUs −
// strata = 113).
heading('2. The attitude battery');
const attitudes = svyBattery(design, battery);
const byNet = [...attitudes.items].sort((a, b) => b.net.estimate - a.net.estimate);
printTable(
  `Attitude toward each country (shares of respondents with an answer; net with its ${attitudes.level * 100}% CI, df ${attitudes.df})`,
  [
    'country',
    'positive',
    'neutral',
    'negative',
    'hard to say',
    'net',
    'net 95% CI',
    'n',
    'refused',
  ],
  byNet.map((i) => [
    i.label,
    pctFlag(i.positive, df),
    pctFlag(i.neutral, df),
    pctFlag(i.negative, df),
    pctFlag(i.dk, df),
    pts(i.net.estimate),
    pctCi(i.net.ci),
    i.n,
    i.nMissing,
  ]),
);
const kz = attitudes.items.find((i) => i.key === 'kazakhstan')!;
note(
  `Kazakhstan: positive or neutral ${pct(kz.positiveOrNeutral.estimate)} ${pctCi(kz.positiveOrNeutral.ci)}, ` +
    `SE ${num(100 * kz.positiveOrNeutral.se, 2)} pts (the published statement: "more than 90%").`,
);

// %% 3. Diverging chart
// Negative answers to the left of zero, positive to the right, one row per country ordered by
// net score. Neutral and "hard to say" get panels of their own on the same scale, so a bar's
// ends read as the negative and positive shares. The Russian version takes its labels from the
// questionnaire and codebook translations.
heading('3. Diverging chart');
await saveChart(
  '02-attitudes',
  divergingChart(attitudes, { labels, title: battery.question.en, ...caption }),
);
await saveChart(
  '02-attitudes-ru',
  divergingChart(attitudes, {
    labels,
    language: 'ru',
    title: battery.question.ru ?? battery.question.en,
    ...caption,
  }),
);
// and in Belarusian: the questionnaire's Belarusian labels, the charts' own Belarusian words
await saveChart(
  '02-attitudes-be',
  divergingChart(attitudes, {
    labels,
    language: 'be',
    title: battery.question.be ?? battery.question.en,
    ...caption,
  }),
);

// %% 4. Ranking by net score, with ties
// Is China really ahead of Kazakhstan? rankItems compares every pair of countries with a
// design-based t test of the difference of their net scores; the SE uses the covariance of the
// two estimates, since the same respondents rated both. Two countries are tied when the
// interval of their difference includes 0 (no multiplicity correction); a country's plausible
// ranks run from 1 + (countries significantly above) to k − (countries significantly below).
heading('4. Ranking by net score, with ties');
const netRanking = rankItems(attitudes, { by: 'net' });
printTable(
  'Countries ranked by net attitude',
  ['rank', 'country', 'net', 'plausible ranks', 'tied with', 'vs next: difference', 'p'],
  netRanking.items.map((i) => [
    i.rank,
    i.label,
    pts(i.estimate),
    ranks(i.rankRange),
    tiedLabels(i.tiedWith, attitudes.items),
    i.next ? pts(i.next.difference) : '',
    i.next ? pValue(i.next.pValue) : '',
  ]),
);
await saveChart(
  '02-ranking-net',
  rankingChart(attitudes, {
    labels,
    ranking: netRanking,
    title: 'Net attitude (positive − negative) by country',
    ...caption,
  }),
);

// %% 5. The most reliable partners (multiple response)
// "Which countries are the most reliable partners of Belarus?" Up to three answers, one 0/1
// column per option. Each share is the share of respondents naming the option (so shares add
// up to more than 100%: the mentions per 100 respondents). The base is the respondents who
// answered; those who refused the whole question are left out.
heading('5. The most reliable partners (multiple response)');
const question = q.multipleResponse.find((m) => m.id === 'reliable')!;
const reliable = svyMultipleResponse(design, question);
const ranking = rankItems(reliable);
printTable(
  `${question.question.en} (up to ${question.maxAnswers} answers; base ${reliable.n}, ${reliable.nMissing} did not answer)`,
  ['rank', 'option', 'share', '95% CI', 'plausible ranks', 'tied with'],
  [
    ...ranking.items.map((r) => {
      const o = reliable.options.find((x) => x.key === r.key)!;
      return [
        r.rank,
        o.label,
        pctFlag(o, df),
        pctCi(o.ci),
        ranks(r.rankRange),
        tiedLabels(r.tiedWith, reliable.options),
      ];
    }),
    // "none" and "hard to say" are answers too, but not ranked among the countries
    ...reliable.options
      .filter((o) => !ranking.items.some((r) => r.key === o.key))
      .map((o) => ['', o.label, pctFlag(o, df), pctCi(o.ci), '(not ranked)', '']),
  ],
);
note(
  `mentions per 100 respondents: ${num(reliable.mentions.estimate, 1)} (95% CI ${num(reliable.mentions.ci[0], 1)} to ${num(reliable.mentions.ci[1], 1)})`,
);

// %% 6. Comparing two options
// compareOptions tests the difference of two shares. One respondent can name both options, so
// the shares are correlated: the SE of the difference is √(var_a + var_b − 2 cov_ab). Ignoring
// the covariance (treating the shares as independent) gets the SE wrong. Here the covariances
// are positive and the naive SE too large: respondents who name Kazakhstan name Russia and China
// more often than chance would have it (one orientation drives all three: 24.7% of the sample
// name both Russia and Kazakhstan, against 22.2% if the answers were independent).
heading('6. Comparing two options');
const tied = ranking.items.find((i) => i.tiedWith.length > 0 && i.rank > 3);
const pairs: Array<[string, string]> = [
  ['russia', 'kazakhstan'],
  ['kazakhstan', 'china'],
  ...(tied ? [[tied.key, tied.tiedWith[0]!] as [string, string]] : []),
];
printTable(
  'Differences between options (design-based t tests)',
  ['a − b', 'difference', 'SE', 'SE if independent', '95% CI', 't', 'df', 'p', 'differs'],
  pairs.map(([a, b]) => {
    const c = compareOptions(reliable, a, b);
    const oa = reliable.options.find((o) => o.key === a)!;
    const ob = reliable.options.find((o) => o.key === b)!;
    return [
      `${oa.label} − ${ob.label}`,
      pts(c.difference),
      num(100 * c.se, 2),
      num(100 * Math.sqrt(oa.se ** 2 + ob.se ** 2), 2),
      pctCi(c.ci),
      num(c.t, 2),
      c.df,
      pValue(c.pValue),
      c.differs ? 'yes' : 'no',
    ];
  }),
);
note('(SE columns in percentage points.)');

// %% 7. Ranking chart
// The reliable-partner shares in rank order with their intervals and plausible ranks; runs of
// neighbours not significantly different are shaded together.
heading('7. Ranking chart');
await saveChart(
  '02-ranking-reliable',
  rankingChart(reliable, { labels, ranking, title: question.question.en, ...caption }),
);
