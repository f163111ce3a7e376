/**
 * `svyGlm`: generalised linear models on survey designs, as R's `svyglm`.
 *
 * Point estimates are R's `glm` with the sampling weights (rescaled to mean 1, as `svyglm`
 * does) as prior weights, fitted by R's own iterations (see {@link irls}). The covariance is the
 * design-based sandwich: on a linearization design, the variance of the influence values
 * A⁻¹ xᵢ Wᵢ (yᵢ − μᵢ)/μ'(ηᵢ) through the design's linearization (R's `svy.varcoef` with
 * `svyrecvar`), adjusted for post-stratification, raking or calibration as R adjusts it; on a
 * replicate design, the spread of the coefficients refitted with each replicate's weights
 * (started from the full-sample fit, as R does), by the replicate formula (R's `svrVar`).
 * @module
 */
import { degreesOfFreedom } from '../design/df.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { choice, confidenceLevel } from '../estimate/prepare.js';
import { estimateVariance } from '../estimate/variance.js';
import { isCalibrated } from '../variance/calibration.js';
import type { Influence } from '../variance/influence.js';
import { clusterDf } from '../variance/linearization.js';
import { replicateCovariance } from '../variance/replicate.js';
import { aliasedError, expandCovariance, withAliased } from './aliased.js';
import { type DomainWeights, dispersion, type PearsonSums } from './dispersion.js';
import {
  FAMILIES,
  type FamilyName,
  IDENTITY,
  LOGIT,
  linkCode,
  linkOf,
  outcomeFits,
  varianceOf,
} from './family.js';
import type { FitClusters } from './final-pass.js';
import { parseFormula } from './formula.js';
import { glmCellInfluence, glmInfluence } from './influence.js';
import { type GlmData, type IrlsResult, irls } from './irls.js';
import { toRows } from './linalg.js';
import {
  countOnes,
  type ModelMatrix,
  modelMatrix,
  type Outcome,
  withoutColumns,
} from './model-matrix.js';
import { replicateFits } from './replicate-fits.js';
import { checkDivergence } from './separation.js';
import { isShared, POOLED_ROWS, rowFloat64 } from './shared-rows.js';
import { coefficientRows, fitDf } from './summary.js';
import type { GlmFit, GlmOptions } from './types.js';

/** What the functions that take a fit (predictions, margins, tests) need from it. */
export interface GlmState {
  readonly design: SurveyDesign;
  readonly options: GlmOptions;
  readonly family: FamilyName;
  /**
   * The model's layout and rows; for a large model whose per-row arrays (`mm.cell`, `mm.U`, `y`)
   * lived in the helper thread's pool (shared-rows.ts), those are empty.
   */
  readonly data: GlmData;
  readonly beta: Float64Array;
  /** p × p covariance, row-major. */
  readonly V: Float64Array;
}

const states = new WeakMap<GlmFit, GlmState>();

const NO_INTS = new Int32Array(0);
const NO_FLOATS = new Float64Array(0);

/** The state behind a fit made by {@link svyGlm}, or `undefined` for any other object. */
export function glmState(fit: GlmFit): GlmState | undefined {
  return states.get(fit);
}

/**
 * The state behind a fit made by {@link svyGlm}, for a function that needs it (`caller`).
 * @throws {EstimationError} `BAD_OPTION` for any other object (e.g. a copy or a parsed JSON).
 */
export function requireState(fit: GlmFit, caller: string): GlmState {
  const state = states.get(fit);
  if (state === undefined) {
    throw new EstimationError(
      'BAD_OPTION',
      `${caller} needs the fit object svyGlm returned (not a copy of it)`,
      { value: typeof fit },
    );
  }
  return state;
}

/**
 * A generalised linear model fitted to a survey design (R's `svyglm`): coefficients with
 * design-based standard errors, t tests and intervals on the design's degrees of freedom, and
 * their covariance.
 *
 * `formula` is an R model formula: `'y ~ a + b'`, interactions `a:b` and `a * b` (`a + b +
 * a:b`), `(a + b)^2`, `- 1` for no intercept. Categorical variables enter as treatment
 * contrasts (the first level the reference; levels no respondent of the model has are dropped,
 * as R does), named as R names them (`stypeH`, `stypeH:ell`). The outcome is numeric, or for the
 * binomial families 0/1 or a categorical variable with two levels (the second is 1).
 * Families: `'gaussian'` (identity link), `'binomial'` and `'quasibinomial'` (logit),
 * `'poisson'` and `'quasipoisson'` (log); as in R the quasi families give the same estimates
 * and standard errors.
 *
 * Respondents with a missing value in any model variable are left out as a domain (so the
 * standard errors stay design-based) and counted in `nMissing`. On a `subset` domain the model
 * is fitted to the domain (R: `svyglm(f, subset(design, ...))`).
 *
 * @param design - The design (linearization or replicate weights; a `subset` fits a domain; weighting steps are taken into the SEs).
 * @param formula - An R-style formula, `'y ~ a + b'`, `'y ~ a * b'`, `'y ~ a:b - 1'` (see {@link GlmOptions} for the outcome's coding).
 * @param opts - The family, confidence level, degrees of freedom, `success` levels of a categorical outcome, and what to do with aliased columns.
 * @throws {EstimationError} `FORMULA_SYNTAX` (with the position), `UNKNOWN_VARIABLE`,
 *   `BAD_OUTCOME` (an outcome the family cannot have, e.g. binomial outside [0, 1], poisson
 *   below 0), `RANK_DEFICIENT` (naming the column that depends on the others), `SEPARATION`
 *   (naming the term whose estimate diverges), `TOO_FEW_DF`, `TOO_FEW_LEVELS`, `EMPTY_DOMAIN`,
 *   `BAD_OPTION`.
 * @example
 * ```ts
 * const data = await readCsv('test/reference/data/apistrat.csv');
 * const design = svyDesign(data, { strata: 'stype', weights: 'pw', fpc: 'fpc' });
 * const fit = svyGlm(design, 'api00 ~ ell + meals + mobility');
 * console.log(fit.coefficients.map((c) => `${c.term} ${c.estimate.toFixed(3)} (${c.se.toFixed(3)})`).join(', '));
 * // => (Intercept) 820.887 (10.078), ell -0.481 (0.392), meals -3.142 (0.284), mobility 0.226 (0.393)
 * const logit = svyGlm(design, 'sch.wide ~ ell + meals + mobility', { family: 'quasibinomial' });
 * console.log(logit.coefficients[3].estimate.toFixed(5), logit.df); // => 0.06090 194
 * ```
 */
export function svyGlm(design: SurveyDesign, formula: string, opts: GlmOptions = {}): GlmFit {
  const family = choice('family', opts.family, FAMILIES, 'gaussian');
  const level = confidenceLevel(opts);
  const parsed = parseFormula(formula);
  // the fit's row arrays in the helper thread's pool (the fit keeps none of them: see below)
  const { matrix: full, outcome } = modelMatrix(design, parsed, 'glm', opts.success, POOLED_ROWS);
  const linkName = linkOf(family);
  const link = linkCode(linkName);
  const { y, binary } = checkOutcome(outcome, full, link, family, design);
  const { prior, mean: priorMean, domain, lost } = priorWeights(design, full);
  const aliasedOption = choice('aliased', opts.aliased, ['error', 'drop'], 'error');
  const warnings: string[] = [];
  // on a linearization design the fit's last pass also sums the scores of the first-stage
  // clusters, which the sandwich needs (a calibrated design adjusts the scores first)
  const clusters =
    design.type === 'linearization' && !isCalibrated(design) ? design.stages[0]! : null;
  // with one stage in the variance (no fpc, or one stage) its clusters' sums are all it needs
  const onlyClusters =
    clusters !== null &&
    design.type === 'linearization' &&
    (!design.hasFpc || design.stages.length === 1);
  const { fit, data, aliased } = fitFull(
    { mm: full, y, link, binary },
    prior,
    aliasedOption === 'drop',
    clusters,
    onlyClusters,
  );
  const mm = data.mm;
  if (link !== IDENTITY) checkDivergence(data, fit, family);
  if (!fit.converged) {
    warnings.push(
      `the fit did not converge in ${fit.iterations} iterations (R: "glm.fit: algorithm did not converge")`,
    );
  }

  const n = mm.rows.length;

  const p = mm.p;
  let V: Float64Array;
  if (design.type === 'replicate') {
    V = replicateCovariance(design, fit.beta, replicateFits(design, data, fit.beta), { warnings });
  } else {
    V = estimateVariance(design, influenceOf(data, prior, fit, clusters), mm.present);
  }

  // R's degf: PSUs less strata among the rows used with a weight other than 0; on a
  // linearization design the fit's last pass has marked the PSUs with a prior weight above 0,
  // the same ones unless a weight became 0 when divided by the mean (then a pass of its own)
  const designDf =
    design.type === 'replicate'
      ? degreesOfFreedom(design)
      : fit.clusterSeen !== null && !lost
        ? clusterDf(design.stages[0]!, fit.clusterSeen)
        : degreesOfFreedom(design, mm.present);
  const df = fitDf(opts.df, designDf + 1 - p, designDf, p, formula);
  const coefficients = coefficientRows(mm.names, mm.columnTerms, fit.beta, V, p, df, level);
  const result: GlmFit = {
    formula,
    family,
    link: linkName,
    coefficients: withAliased(full, aliased, coefficients),
    vcov: toRows(expandCovariance(V, full.p, aliased), full.p),
    df,
    designDf,
    n,
    nMissing: mm.nMissing,
    dispersion: dispersion(design, n, residualSums(data, fit), domain, priorMean),
    terms: [...parsed.labels],
    factorLevels: full.factors.map((f) => ({ variable: f.name, levels: [...f.levels] })),
    level,
    iterations: fit.iterations,
    warnings,
  };
  // a large fit keeps its model's layout and rows, not its per-row arrays in the pool (the next
  // large fit reuses them): predictions and margins work from the design's columns
  const kept: GlmData = isShared(mm.cell)
    ? { ...data, mm: { ...mm, cell: NO_INTS, U: NO_FLOATS }, y: NO_FLOATS }
    : data;
  states.set(result, {
    design,
    options: { ...opts, family },
    family,
    data: kept,
    beta: fit.beta,
    V,
  });
  return result;
}

/**
 * The first outcome value the family cannot take (its index, or -1), for an outcome that is not
 * all 0 or 1 (`readOutcome` counted those as it read them, without a branch on each value).
 */
function misfitOf(link: number, y: Float64Array): number {
  for (let k = 0; k < y.length; k++) {
    const v = y[k]!;
    if (v === 0 || v === 1) continue;
    if (link !== IDENTITY && !outcomeFits(link, v)) return k;
  }
  return -1;
}

/** The outcome as numbers the family accepts, and whether they are all 0 or 1 (logit only). */
function checkOutcome(
  outcome: Outcome,
  mm: ModelMatrix,
  link: number,
  family: FamilyName,
  design: SurveyDesign,
): { y: Float64Array; binary: boolean } {
  const y = outcome.y!;
  const name = mm.formula.response!;
  if (outcome.levels !== null && link !== LOGIT) {
    throw new EstimationError(
      'BAD_OUTCOME',
      `the outcome "${name}" is categorical (${outcome.levels.join(', ')}); the ${family} family needs a numeric one (a two-level outcome fits the binomial families)`,
      { variable: name, family },
    );
  }
  // an outcome read as all 0 or 1 needs no search
  const binary = outcome.binary === true;
  const bad = binary ? -1 : misfitOf(link, y);
  if (bad >= 0) {
    const k = bad;
    const row = mm.rows[k]! + 1;
    throw new EstimationError(
      'BAD_OUTCOME',
      link === LOGIT
        ? `the outcome "${name}" is ${y[k]} at row ${row}; the ${family} family needs values between 0 and 1 (R: "y values must be 0 <= y <= 1")`
        : `the outcome "${name}" is ${y[k]} at row ${row}; the ${family} family needs values of 0 or more (R: "negative values not allowed for the 'Poisson' family")`,
      { variable: name, family, row, value: y[k], file: design.data.load.source },
    );
  }
  return { y, binary: link === LOGIT && binary };
}

/**
 * The prior weights `svyglm` gives `glm`: the sampling weights over their mean in the design it
 * fits (the domain's rows; on a calibrated design R keeps the other rows with weight 0); with
 * that mean, the domain's weights, and whether a weight other than 0 became 0 in the division
 * (`lost`: weights more than about 2^1074 apart).
 */
function priorWeights(
  design: SurveyDesign,
  mm: ModelMatrix,
): { prior: Float64Array; mean: number; domain: DomainWeights; lost: boolean } {
  const w = design.weights;
  const domain = design.domain;
  const sum = domain === null ? sumAll(w) : sumDomain(w, domain);
  const count = domain === null ? w.length : countOnes(domain);
  const mean = sum / (design.type === 'linearization' && isCalibrated(design) ? w.length : count);
  const prior = rowFloat64('weights', mm.rows.length);
  const lost = divideRows(w, mm.rows, mean, prior);
  return { prior, mean, domain: { sum, count }, lost };
}

/** Σ w, in row order. */
function sumAll(w: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += w[i]!;
  return sum;
}

/** Σ w over the domain's rows, in row order. */
function sumDomain(w: Float64Array, domain: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < w.length; i++) if (domain[i]) sum += w[i]!;
  return sum;
}

/**
 * prior[k] = w[rows[k]] / mean; returns whether a weight other than 0 became 0 there (weights
 * more than about 2^1074 apart).
 */
function divideRows(w: Float64Array, rows: Int32Array, mean: number, prior: Float64Array): boolean {
  let lost = 0;
  for (let k = 0; k < rows.length; k++) {
    const wk = w[rows[k]!]!;
    const pk = wk / mean;
    prior[k] = pk;
    lost += pk === 0 && wk !== 0 ? 1 : 0;
  }
  return lost > 0;
}

/** The coefficients' influence: from the cells of a fit made on them, else from each row's score. */
function influenceOf(
  data: GlmData,
  w: Float64Array,
  fit: IrlsResult,
  clusters: FitClusters | null,
): Influence {
  const { mm } = data;
  const nrow = mm.present.length;
  if (fit.cells !== null) {
    const { used, final } = fit.cells;
    const A = used.factor.map((f, c) => f / final.muEta[c]!);
    return glmCellInfluence(mm, data.y, w, final.mu, A, fit.xwxInverse, nrow);
  }
  const summed =
    fit.clusterSums === null || clusters === null
      ? null
      : { rowCluster: clusters.rowCluster, sums: fit.clusterSums };
  return glmInfluence(mm, fit.scores!.s, fit.xwxInverse, nrow, summed);
}

/** The Pearson residuals' sums, from the cells of a fit made on them, else row by row. */
function residualSums(data: GlmData, fit: IrlsResult): PearsonSums {
  if (fit.cells === null) return fit.scores!.pearson;
  const { sums, final } = fit.cells;
  let sw = 0;
  let swr = 0;
  let swr2 = 0;
  for (let c = 0; c < sums.sw.length; c++) {
    const n = sums.sw[c]!;
    if (!(n > 0)) continue;
    const mu = final.mu[c]!;
    const v = varianceOf(data.link, mu);
    const sy = sums.swy[c]!;
    sw += n;
    swr += (sy - mu * n) / Math.sqrt(v);
    swr2 += (sums.swyy![c]! - 2 * mu * sy + mu * mu * n) / v;
  }
  return { sw, swr, swr2, nonzero: sums.nonzero! };
}

/**
 * {@link irls} from R's starting values, its failures as typed errors; with `aliased: 'drop'`,
 * columns that depend on earlier ones are left out (R's NA coefficients) and the rest refitted.
 */
function fitFull(
  data: GlmData,
  w: Float64Array,
  dropAliased: boolean,
  clusters: FitClusters | null,
  onlyClusters: boolean,
): { fit: IrlsResult; data: GlmData; aliased: readonly number[] } {
  const result = irls(data, w, { scores: true, clusters, keepScores: !onlyClusters });
  if (!('failure' in result)) return { fit: result, data, aliased: [] };
  const failure = result.failure;
  const mm = data.mm;
  if (failure.kind === 'nonFinite') {
    throw new EstimationError(
      'NOT_CONVERGED',
      `the model "${mm.formula.text}" has no finite deviance near its starting values (R: "no valid set of coefficients has been found")`,
      { formula: mm.formula.text },
    );
  }
  if (!dropAliased) throw aliasedError(mm, failure.columns, failure.xwx);
  const reduced: GlmData = { ...data, mm: withoutColumns(mm, failure.columns) };
  return { ...fitFull(reduced, w, false, clusters, onlyClusters), aliased: failure.columns };
}
