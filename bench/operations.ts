/**
 * The operations `npm run bench` times: for each, what surveykit runs, the bare loop it is timed
 * beside (bench/baselines.ts), a number from the result that R must reproduce, and its targets.
 * To bench something new: add an entry here (and its bare loop to baselines.ts), and the same
 * computation under the same `id` in bench/r-bench.R (optional: without it the R columns are
 * empty). Everything else (timing in both row orders, tables, targets, out/bench.json) follows.
 * @module
 */
import { getCategorical, getNumeric } from '../src/data/frame.js';
import type { CategoricalColumn, SurveyData } from '../src/data/types.js';
import type { ReplicateDesign } from '../src/design/replicate-types.js';
import type { LinearizationDesign } from '../src/design/types.js';
import {
  calibrate,
  degreesOfFreedom,
  type Margin,
  rake,
  svyBattery,
  svyBy,
  svyChisq,
  svyCiProp,
  svyDesign,
  svyGlm,
  svyMean,
  svyMultipleResponse,
  svyQuantile,
  svySubgroups,
  svyTable,
  svyTotal,
} from '../src/index.js';
import type { Battery } from '../src/poll/questionnaire.js';
import {
  type BareDesign,
  bareBattery,
  bareByMean,
  bareByShares,
  bareCalibrateLinear,
  bareCellTable,
  bareCiPropBeta,
  bareCiPropLogit,
  bareDesign,
  bareGroupedReplicateMean,
  bareLogistic,
  bareMean,
  bareMedian,
  bareMultipleResponse,
  bareRake,
  bareReplicateRake,
  bareShares,
  bareSubgroups,
  bareTable,
  bareTotal,
  psuReplicateFactors,
  type RakeDim,
} from './baselines.js';
import { ATTITUDES, ITEM_LEVELS, ITEM_NAMES, ITEM_SCALE, OPTION_NAMES } from './generate.js';

/** Row order of a bench file. */
export type Order = 'sorted' | 'shuffled';
export const ORDERS: readonly Order[] = ['sorted', 'shuffled'];

/** Replicate weight columns of the replicate-design cases. */
export const REPLICATES = 80;

/** One loaded file and what the operations need from it. */
export interface Setup {
  order: Order;
  n: number;
  data: SurveyData;
  design: LinearizationDesign;
  /** What the bare loops know of the design (dense PSUs and their strata). */
  bare: BareDesign;
  num(name: string): Float64Array;
  cat(name: string): CategoricalColumn;
  /** Population margins of sex, agegroup, region (10% away from the sample's). */
  margins: Margin[];
  /** The same margins for the bare loops, in the frame's level codes. */
  dims: RakeDim[];
  /** The replicate design and its weights (built for the replicate operations only). */
  replicate: { design: ReplicateDesign; weights: Float64Array[] } | null;
}

/** An operation of the bench. */
export interface Operation {
  id: string;
  label: string;
  kind: 'load' | 'design' | 'mean' | 'estimator' | 'weighting' | 'model';
  /** At most this many times its bare loop, at 1,000,000 rows, in both orders. */
  maxRatio?: number;
  /** Under this many ms at 1,000,000 rows. */
  targetMs?: number;
  /** R / surveykit at least this at 1,000,000 rows (default 20; `null`: no R target). */
  minR?: number | null;
  /** Needs the replicate design. */
  replicate?: boolean;
  /** surveykit's call; returns a number of the result that R must reproduce. */
  run?: (s: Setup) => number;
  /** The bare loop. */
  bare?: (s: Setup) => unknown;
}

const spec = { ids: 'psu', strata: 'stratum', weights: 'weight' } as const;

/** The battery of the bench files (10 items, answers matched by their labels). */
export const BATTERY: Battery = {
  id: 'q',
  question: { en: 'How do you feel about it?' },
  scale: ITEM_SCALE.map((s, k) => ({ ...s, label: { en: ITEM_LEVELS[k]! } })),
  items: ITEM_NAMES.map((variable, k) => ({ variable, key: variable, label: { en: `Item ${k}` } })),
};
const ATTITUDE_ANSWERS = ATTITUDES.map((label, k) => ({
  code: k + 1,
  label: { en: label },
  group: (['positive', 'neutral', 'negative', 'dk'] as const)[k]!,
}));
const MULTIPLE_RESPONSE = {
  id: 'mr',
  question: { en: 'Which of these?' },
  options: OPTION_NAMES.map((name, k) => ({
    variable: name,
    key: name,
    label: { en: `Option ${k + 1}` },
  })),
};
/**
 * The bench's logistic models: on four factors (1 + 1 + 5 + 4 + 3 = 14 coefficients), and on three
 * factors and a numeric variable (12 coefficients; income is missing for 3%), which cannot be
 * fitted on cells of factor levels alone.
 */
const GLM_FORMULA = 'support ~ sex + agegroup + region + attitude';
const GLM_NUM_FORMULA = 'support ~ sex + agegroup + region + income';
const bareFactors = (s: Setup, names: string[]) =>
  names.map((v) => {
    const c = s.cat(v);
    return { codes: c.codes, levels: c.levels.length };
  });

/** Per setup: each PSU's replicate factors for the bare replicate mean (made once, not timed). */
const psuFactorsOf = new WeakMap<Setup, Float64Array>();
const psuFactors = (s: Setup): Float64Array => {
  let a = psuFactorsOf.get(s);
  if (a === undefined) {
    a = psuReplicateFactors(s.bare, s.replicate!.weights);
    psuFactorsOf.set(s, a);
  }
  return a;
};

/** The operations, in table order. */
export const OPERATIONS: readonly Operation[] = [
  { id: 'loadCsv', label: 'readCsv (31 columns)', kind: 'load', maxRatio: 2, minR: 1 },
  { id: 'loadSav', label: 'readSav (bytecode .sav)', kind: 'load', maxRatio: 2, minR: null },
  {
    id: 'design',
    label: 'svyDesign (13 strata, n/200 PSUs)',
    kind: 'design',
    targetMs: 300,
    maxRatio: 2,
    run: (s) => degreesOfFreedom(svyDesign(s.data, spec)),
    bare: (s) => bareDesign(s.num('stratum'), s.num('psu'), s.num('weight')),
  },
  {
    id: 'mean',
    label: 'svyMean numeric (3% missing)',
    kind: 'mean',
    maxRatio: 1.5,
    run: (s) => svyMean(s.design, 'income')[0]!.se,
    bare: (s) => bareMean(s.bare, s.num('income')),
  },
  {
    id: 'meanCat',
    label: 'svyMean categorical (4 levels)',
    kind: 'mean',
    maxRatio: 1.5,
    run: (s) => svyMean(s.design, 'attitude').find((r) => r.level === 'Positive')!.se,
    bare: (s) => bareShares(s.bare, s.cat('attitude').codes, 4),
  },
  {
    id: 'total',
    label: 'svyTotal numeric',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) => svyTotal(s.design, 'income')[0]!.se,
    bare: (s) => bareTotal(s.bare, s.num('income')),
  },
  {
    id: 'by',
    label: 'svyBy 7 regions, mean of 0/1',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) =>
      svyBy(s.design, 'region', (d) => svyMean(d, 'support')).find(
        (r) => r.group!.region === 'Brest',
      )!.se,
    bare: (s) => bareByMean(s.bare, s.num('support'), s.cat('region').codes, 7),
  },
  {
    id: 'byCat',
    label: 'svyBy 7 regions, mean of 4 levels',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) =>
      svyBy(s.design, 'region', (d) => svyMean(d, 'attitude')).find(
        (r) => r.group!.region === 'Brest' && r.level === 'Positive',
      )!.se,
    bare: (s) => bareByShares(s.bare, s.cat('region').codes, 7, s.cat('attitude').codes, 4),
  },
  {
    id: 'chisq',
    label: 'svyChisq attitude x sex (4 x 2)',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) => svyChisq(s.design, 'attitude', 'sex').statistic,
    bare: (s) => bareTable(s.bare, s.cat('attitude').codes, 4, s.cat('sex').codes, 2),
  },
  {
    id: 'chisq74',
    label: 'svyChisq region x attitude (7 x 4)',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) => svyChisq(s.design, 'region', 'attitude').statistic,
    bare: (s) => bareTable(s.bare, s.cat('region').codes, 7, s.cat('attitude').codes, 4),
  },
  {
    id: 'table',
    label: 'svyTable region x attitude (28 cells)',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) =>
      svyTable(s.design, ['region', 'attitude']).cells.find((c) => c.label === 'Brest.Positive')!
        .countSe,
    bare: (s) => bareCellTable(s.bare, s.cat('region').codes, 7, s.cat('attitude').codes, 4),
  },
  {
    id: 'ciPropLogit',
    label: 'svyCiProp logit (0/1 item)',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) => svyCiProp(s.design, 'support', { method: 'logit' }).ci[0],
    bare: (s) => bareCiPropLogit(s.bare, s.num('support')),
  },
  {
    id: 'ciPropBeta',
    label: 'svyCiProp beta (Korn-Graubard)',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) => svyCiProp(s.design, 'support', { method: 'beta' }).ci[0],
    bare: (s) => bareCiPropBeta(s.bare, s.num('support')),
  },
  {
    id: 'quantile',
    label: 'svyQuantile median (Woodruff)',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) => svyQuantile(s.design, 'income', [0.5])[0]!.ci[0],
    bare: (s) => bareMedian(s.bare, s.num('income'), 1.96),
  },
  {
    id: 'multiResponse',
    label: 'svyMultipleResponse 12 options',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) => svyMultipleResponse(s.design, MULTIPLE_RESPONSE).options[0]!.se,
    bare: (s) => bareMultipleResponse(s.bare, OPTION_NAMES.map(s.num)),
  },
  {
    id: 'subgroups',
    label: 'svySubgroups region+agegroup+sex',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) =>
      svySubgroups(s.design, { variable: 'attitude', answers: ATTITUDE_ANSWERS }, [
        'region',
        'agegroup',
        'sex',
      ]).rows.find((r) => r.subgroup === 'Brest')!.vsNational.se,
    bare: (s) => {
      const attitude = s.cat('attitude');
      const positive = attitude.levels.indexOf('Positive');
      return bareSubgroups(
        s.bare,
        attitude.codes,
        positive,
        ['region', 'agegroup', 'sex'].map((v) => s.cat(v)),
      );
    },
  },
  {
    id: 'battery',
    label: 'svyBattery 10 items x 5 answers',
    kind: 'estimator',
    maxRatio: 2,
    run: (s) => svyBattery(s.design, BATTERY).items[0]!.net.se,
    bare: (s) =>
      bareBattery(
        s.bare,
        ITEM_NAMES.map((name) => {
          const c = s.cat(name);
          // per level code: +1 positive, -1 negative, 0 otherwise (the net score)
          const score = Float64Array.from(c.levels, (l) => {
            const k = ITEM_LEVELS.indexOf(l);
            return k < 2 ? 1 : k === 3 ? -1 : 0;
          });
          return { codes: c.codes, levels: c.levels.length, score };
        }),
      ),
  },
  {
    id: 'rake',
    label: 'rake sex+agegroup+region',
    kind: 'weighting',
    targetMs: 150,
    maxRatio: 2,
    run: (s) => rake(s.design, s.margins, { epsilon: 1e-8 }).weights[0]!,
    bare: (s) => bareRake(s.num('weight'), s.dims, 1e-8),
  },
  {
    id: 'calibrate',
    label: 'calibrate linear, same margins',
    kind: 'weighting',
    maxRatio: 2,
    run: (s) => calibrate(s.design, { margins: s.margins, calfun: 'linear' }).weights[0]!,
    bare: (s) => bareCalibrateLinear(s.num('weight'), s.dims),
  },
  {
    id: 'glm',
    label: 'svyGlm logistic, 4 factors (14 coef.)',
    kind: 'model',
    run: (s) => svyGlm(s.design, GLM_FORMULA, { family: 'quasibinomial' }).coefficients[0]!.se,
    bare: (s) =>
      bareLogistic(
        s.bare,
        s.num('support'),
        bareFactors(s, ['sex', 'agegroup', 'region', 'attitude']),
        null,
        4,
      ),
  },
  {
    id: 'glmNum',
    label: 'svyGlm logistic, 3 factors + income (12 coef.)',
    kind: 'model',
    run: (s) => svyGlm(s.design, GLM_NUM_FORMULA, { family: 'quasibinomial' }).coefficients[0]!.se,
    bare: (s) =>
      bareLogistic(
        s.bare,
        s.num('support'),
        bareFactors(s, ['sex', 'agegroup', 'region']),
        s.num('income'),
        4,
      ),
  },
  {
    id: 'repMean',
    label: `svyMean, ${REPLICATES} replicate weights`,
    kind: 'mean',
    maxRatio: 1.5,
    targetMs: 200,
    replicate: true,
    run: (s) => svyMean(s.replicate!.design, 'income')[0]!.se,
    // The library sums per group of rows when the replicate weights are the weights times
    // per-PSU factors (they are here), so its floor does the same.
    bare: (s) => bareGroupedReplicateMean(s.bare, psuFactors(s), REPLICATES, s.num('income')),
  },
  {
    id: 'repRake',
    label: `rake, ${REPLICATES} replicate weights`,
    kind: 'weighting',
    maxRatio: 2,
    replicate: true,
    run: (s) => rake(s.replicate!.design, s.margins, { epsilon: 1e-8 }).replicates[0]![0]!,
    bare: (s) => bareReplicateRake(s.bare, s.replicate!.weights, psuFactors(s), s.dims, 1e-8),
  },
  {
    id: 'repGlm',
    label: `svyGlm logistic (14 coef.), ${REPLICATES} replicate weights`,
    kind: 'model',
    replicate: true,
    run: (s) =>
      svyGlm(s.replicate!.design, GLM_FORMULA, { family: 'quasibinomial' }).coefficients[0]!.se,
  },
  {
    id: 'repGlmNum',
    label: `svyGlm logistic (12 coef.), ${REPLICATES} replicate weights`,
    kind: 'model',
    replicate: true,
    run: (s) =>
      svyGlm(s.replicate!.design, GLM_NUM_FORMULA, { family: 'quasibinomial' }).coefficients[0]!.se,
  },
];

/** The design, the bare design and the margins of a loaded file. */
export function makeSetup(
  order: Order,
  data: SurveyData,
  margins: Margin[],
): Omit<Setup, 'replicate'> {
  const num = (name: string) => getNumeric(data, name).values;
  const cat = (name: string) => getCategorical(data, name);
  const dims: RakeDim[] = margins.map((m) => {
    const c = cat(m.variable);
    return {
      codes: c.codes,
      levels: c.levels.length,
      targets: Float64Array.from(c.levels, (l) => m.population[l]!),
    };
  });
  return {
    order,
    n: data.nrow,
    data,
    design: svyDesign(data, spec),
    bare: bareDesign(num('stratum'), num('psu'), num('weight')),
    num,
    cat,
    margins,
    dims,
  };
}
