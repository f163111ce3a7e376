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
import type { ReplicateDesign } from '../design/replicate-types.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { choice, confidenceLevel } from '../estimate/prepare.js';
import { replicateCellSums } from '../estimate/replicate-groups.js';
import { estimateVariance } from '../estimate/variance.js';
import { isCalibrated } from '../variance/calibration.js';
import { replicateCovariance } from '../variance/replicate.js';
import { outcomeTerm } from './cell-passes.js';
import {
  FAMILIES,
  type FamilyName,
  IDENTITY,
  LOGIT,
  linkCode,
  linkOf,
  outcomeFits,
} from './family.js';
import { parseFormula } from './formula.js';
import { glmInfluence } from './influence.js';
import { type GlmData, type IrlsResult, irls, probeStep } from './irls.js';
import { dependence, toRows } from './linalg.js';
import { type ModelMatrix, modelMatrix, type Outcome, withoutColumns } from './model-matrix.js';
import { coefficientsByCell } from './moments.js';
import { type RowTrack, rowTrack, sharedStart } from './row-passes.js';
import { coefficientRows, fitDf } from './summary.js';
import type { Coefficient, GlmFit, GlmOptions } from './types.js';

/** What the functions that take a fit (predictions, margins, tests) need from it. */
export interface GlmState {
  readonly design: SurveyDesign;
  readonly options: GlmOptions;
  readonly family: FamilyName;
  readonly data: GlmData;
  readonly beta: Float64Array;
  /** p × p covariance, row-major. */
  readonly V: Float64Array;
}

const states = new WeakMap<GlmFit, GlmState>();

/** The state behind a fit made by {@link svyGlm}, or `undefined` for any other object. */
export function glmState(fit: GlmFit): GlmState | undefined {
  return states.get(fit);
}

/** A change of the linear predictor per step above this is a diverging fit (separation). */
const DIVERGING_STEP = 0.5;

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
  const { matrix: full, outcome } = modelMatrix(design, parsed, 'glm', opts.success);
  const linkName = linkOf(family);
  const link = linkCode(linkName);
  const y = checkOutcome(outcome, full, link, family, design);
  const prior = priorWeights(design, full);
  const aliasedOption = choice('aliased', opts.aliased, ['error', 'drop'], 'error');
  const warnings: string[] = [];
  let binary = true;
  for (let k = 0; k < y.length && binary; k++) binary = y[k] === 0 || y[k] === 1;
  const { fit, data, aliased } = fitFull(
    { mm: full, y, link, binary },
    prior,
    aliasedOption === 'drop',
  );
  const mm = data.mm;
  if (link !== IDENTITY) checkDivergence(data, fit, family);
  if (!fit.converged) {
    warnings.push(
      `the fit did not converge in ${fit.iterations} iterations (R: "glm.fit: algorithm did not converge")`,
    );
  }

  const { s, pearson } = fit.scores!;
  const n = mm.rows.length;

  const p = mm.p;
  let V: Float64Array;
  if (design.type === 'replicate') {
    V = replicateCovariance(design, fit.beta, replicateFits(design, data, fit.beta), { warnings });
  } else {
    V = estimateVariance(design, glmInfluence(mm, s, fit.xwxInverse, design.data.nrow), mm.present);
  }

  const designDf =
    design.type === 'replicate' ? degreesOfFreedom(design) : degreesOfFreedom(design, mm.present);
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
    dispersion: dispersion(design, mm, pearson),
    terms: [...parsed.labels],
    factorLevels: full.factors.map((f) => ({ variable: f.name, levels: [...f.levels] })),
    level,
    iterations: fit.iterations,
    warnings,
  };
  states.set(result, { design, options: { ...opts, family }, family, data, beta: fit.beta, V });
  return result;
}

/** The coefficient rows of the full model: aliased columns as NaN rows marked `aliased`. */
function withAliased(
  full: ModelMatrix,
  aliased: readonly number[],
  kept: readonly Coefficient[],
): Coefficient[] {
  if (aliased.length === 0) return [...kept];
  const out: Coefficient[] = [];
  let k = 0;
  for (let j = 0; j < full.p; j++) {
    if (!aliased.includes(j)) {
      out.push(kept[k++]!);
      continue;
    }
    const nan = Number.NaN;
    out.push({
      term: full.names[j]!,
      modelTerm: full.columnTerms[j]!,
      estimate: nan,
      se: nan,
      statistic: nan,
      pValue: nan,
      ci: [nan, nan],
      aliased: true,
    });
  }
  return out;
}

/** A covariance over the kept columns as one over all columns, NaN for the aliased. */
function expandCovariance(V: Float64Array, p: number, aliased: readonly number[]): Float64Array {
  if (aliased.length === 0) return V;
  const kept: number[] = [];
  for (let j = 0; j < p; j++) if (!aliased.includes(j)) kept.push(j);
  const q = kept.length;
  const out = new Float64Array(p * p).fill(Number.NaN);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) out[kept[a]! * p + kept[b]!] = V[a * q + b]!;
  }
  return out;
}

/** The outcome as numbers the family accepts. */
function checkOutcome(
  outcome: Outcome,
  mm: ModelMatrix,
  link: number,
  family: FamilyName,
  design: SurveyDesign,
): Float64Array {
  const y = outcome.y!;
  const name = mm.formula.response!;
  if (outcome.levels !== null && link !== LOGIT) {
    throw new EstimationError(
      'BAD_OUTCOME',
      `the outcome "${name}" is categorical (${outcome.levels.join(', ')}); the ${family} family needs a numeric one (a two-level outcome fits the binomial families)`,
      { variable: name, family },
    );
  }
  for (let k = 0; k < y.length; k++) {
    if (outcomeFits(link, y[k]!)) continue;
    const row = mm.rows[k]! + 1;
    throw new EstimationError(
      'BAD_OUTCOME',
      link === LOGIT
        ? `the outcome "${name}" is ${y[k]} at row ${row}; the ${family} family needs values between 0 and 1 (R: "y values must be 0 <= y <= 1")`
        : `the outcome "${name}" is ${y[k]} at row ${row}; the ${family} family needs values of 0 or more (R: "negative values not allowed for the 'Poisson' family")`,
      { variable: name, family, row, value: y[k], file: design.data.load.source },
    );
  }
  return y;
}

/**
 * The prior weights `svyglm` gives `glm`: the sampling weights over their mean in the design it
 * fits (the domain's rows; on a calibrated design R keeps the other rows with weight 0).
 */
function priorWeights(design: SurveyDesign, mm: ModelMatrix): Float64Array {
  const w = design.weights;
  const domain = design.domain;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < w.length; i++) {
    if (domain !== null && !domain[i]) continue;
    sum += w[i]!;
    count++;
  }
  if (design.type === 'linearization' && isCalibrated(design)) count = w.length;
  const mean = sum / count;
  const out = new Float64Array(mm.rows.length);
  for (let k = 0; k < out.length; k++) out[k] = w[mm.rows[k]!]! / mean;
  return out;
}

/**
 * {@link irls} from R's starting values, its failures as typed errors; with `aliased: 'drop'`,
 * columns that depend on earlier ones are left out (R's NA coefficients) and the rest refitted.
 */
function fitFull(
  data: GlmData,
  w: Float64Array,
  dropAliased: boolean,
): { fit: IrlsResult; data: GlmData; aliased: readonly number[] } {
  const result = irls(data, w, { scores: true });
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
  return { ...fitFull(reduced, w, false), aliased: failure.columns };
}

/** The error for aliased columns: the first one, written as the combination it is. */
function aliasedError(
  mm: ModelMatrix,
  columns: readonly number[],
  xwx: Float64Array,
): EstimationError {
  const j = columns[0]!;
  const name = mm.names[j]!;
  const term = mm.columnTerms[j]!;
  const on: number[] = [];
  for (let k = 0; k < j; k++) if (!columns.includes(k)) on.push(k);
  const b = xwx[j * mm.p + j]! > 0 ? dependence(xwx, mm.p, on, j) : null;
  let how = `it has no weight among the ${mm.rows.length} respondents used`;
  if (b !== null) {
    const parts: string[] = [];
    on.forEach((k, a) => {
      const v = b[a]!;
      if (!(Math.abs(v) > 1e-7)) return;
      const size = Math.abs(v);
      const coef = Math.abs(size - 1) < 1e-9 ? '' : `${Number(size.toPrecision(6))}·`;
      parts.push(
        `${parts.length === 0 ? (v < 0 ? '−' : '') : v < 0 ? ' − ' : ' + '}${coef}${mm.names[k]}`,
      );
    });
    how = `on the ${mm.rows.length} respondents used, ${name} = ${parts.join('') || '0'}`;
  }
  const others =
    columns.length > 1
      ? ` (also aliased: ${columns
          .slice(1)
          .map((c) => mm.names[c])
          .join(', ')})`
      : '';
  return new EstimationError(
    'RANK_DEFICIENT',
    `the column ${name} (term ${term}) of "${mm.formula.text}" is a linear combination of the columns before it: ${how}${others}. Drop or recode a term, or pass aliased: 'drop' to leave such columns out as R does (their coefficients are reported as NaN)`,
    {
      term,
      column: name,
      formula: mm.formula.text,
      aliased: columns.map((c) => mm.names[c]!),
    },
  );
}

/**
 * Separation: the binomial (or poisson) likelihood has no maximum when a combination of the
 * predictors separates the 0s from the 1s (or isolates zero counts). R's iterations then stop
 * on a tiny change of deviance while some coefficients still grow by about 1 per step: one more
 * step shows which.
 */
function checkDivergence(data: GlmData, fit: IrlsResult, family: FamilyName): void {
  const step = probeStep(data, fit);
  if (step === null) return;
  const mm = data.mm;
  const scale = columnScales(mm);
  // the column whose contribution to the linear predictor moves most; the intercept only when
  // nothing else diverges (it moves with any diverging term)
  let worst = -1;
  for (let j = 0; j < mm.p; j++) {
    const size = Math.abs(step[j]!) * scale[j]!;
    if (!(size > DIVERGING_STEP)) continue;
    const intercept = mm.intercept && j === 0;
    const best = worst < 0 ? 0 : Math.abs(step[worst]!) * scale[worst]!;
    if (worst < 0 || (worst === 0 && mm.intercept && !intercept) || (!intercept && size > best)) {
      worst = j;
    }
  }
  if (worst < 0) return;
  const name = mm.names[worst]!;
  const term = mm.columnTerms[worst]!;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of data.y) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const what =
    lo === hi
      ? `the outcome is ${lo} for every one of the ${data.y.length} respondents used`
      : data.link === LOGIT
        ? `it separates the outcome's 0s from its 1s (complete or quasi-complete separation: fitted probabilities of 0 or 1)`
        : 'the outcome is 0 wherever it applies (fitted rates of 0)';
  throw new EstimationError(
    'SEPARATION',
    `the ${family} model "${mm.formula.text}" has no finite estimate for ${name} (term ${term}): ${what}. Drop or recode the term, or combine levels`,
    { term, column: name, formula: mm.formula.text, family, value: fit.beta[worst] },
  );
}

/** Per column, the largest |value| it takes (1 for the intercept and indicator columns). */
function columnScales(mm: ModelMatrix): Float64Array {
  const maxU = new Float64Array(mm.m + 1);
  maxU[0] = 1;
  for (let k = 0; k < mm.rows.length; k++) {
    for (let a = 0; a < mm.m; a++) {
      const u = Math.abs(mm.U[k * mm.m + a]!);
      if (u > maxU[a + 1]!) maxU[a + 1] = u;
    }
  }
  const scale = new Float64Array(mm.p);
  const map = mm.columnMap;
  if (mm.intercept && (map === null || map[0]! >= 0)) scale[0] = 1;
  for (const t of mm.terms) {
    for (let j = t.start; j < t.start + t.width; j++) {
      const col = map === null ? j : map[j]!;
      if (col >= 0) scale[col] = maxU[t.feature]!;
    }
  }
  return scale;
}

/**
 * The coefficients refitted with each replicate's weights (R: `glm.fit` with weights w/Σw,
 * started at the full-sample estimate), NaN where they cannot be (R's NA, which the replicate
 * variance leaves out with a warning). Without numeric variables the cells' sums of every
 * replicate come from one pass over the replicate weights, and each refit runs on the cells.
 */
function replicateFits(
  design: ReplicateDesign,
  data: GlmData,
  start: Float64Array,
): Float64Array[] {
  const { mm, y, link } = data;
  const rows = mm.rows;
  const failed = () => new Float64Array(start.length).fill(Number.NaN);
  const betaOf = (r: ReturnType<typeof irls>) => ('failure' in r ? failed() : r.beta);
  if (mm.m === 0) {
    const nrow = design.weights.length;
    const cellOfRow = new Int32Array(nrow).fill(-1);
    const yRow = new Float64Array(nrow);
    const hRow = new Float64Array(nrow);
    let needH = false;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      cellOfRow[i] = mm.cell[k]!;
      yRow[i] = y[k]!;
      const h = outcomeTerm(link, y[k]!);
      hRow[i] = h;
      if (h !== 0) needH = true;
    }
    const K = mm.nCells;
    const ys = replicateCellSums(design, cellOfRow, K, yRow);
    const hs = needH ? replicateCellSums(design, cellOfRow, K, hRow) : null;
    return ys.reps.map((sums, r) => {
      let total = 0;
      for (let c = 0; c < K; c++) total += sums[2 * c + 1]!;
      const sw = new Float64Array(K);
      const swy = new Float64Array(K);
      const swh = new Float64Array(K);
      for (let c = 0; c < K; c++) {
        sw[c] = sums[2 * c + 1]! / total;
        swy[c] = sums[2 * c]! / total;
        if (hs !== null) swh[c] = hs.reps[r]![2 * c]! / total;
      }
      return betaOf(irls(data, new Float64Array(0), { start, sums: { sw, swy, swh } }));
    });
  }
  // every refit starts at the same coefficients: the rows there are worked out once
  const shared = sharedStart(data, coefficientsByCell(mm, start));
  const tracks: [RowTrack, RowTrack] = [rowTrack(rows.length), rowTrack(rows.length)];
  const w = new Float64Array(rows.length);
  return design.replicates.map((wr) => {
    let sum = 0;
    for (let k = 0; k < rows.length; k++) {
      const v = wr[rows[k]!]!;
      w[k] = v;
      sum += v;
    }
    for (let k = 0; k < w.length; k++) w[k] = w[k]! / sum;
    return betaOf(irls(data, w, { start, shared, tracks }));
  });
}

/**
 * R's `summary(fit)$dispersion`. survey's Pearson residuals are (y − μ)/√V(μ) times a constant:
 * √(prior weight / the weight rescaled on the fitted rows), so on a linearization design
 * √(mean weight on the model's rows / mean weight in the design fitted) (R's
 * `residuals.svyglm`), on a replicate design √(Σ weights on the model's rows / that mean) (R's
 * `residuals.svrepglm`). The dispersion is then `svyvar` of them (a weighted variance with the
 * n/(n − 1) factor, n the rows with a non-zero weight) on a linearization design, Σ w r² / Σ w
 * on a replicate design.
 */
function dispersion(design: SurveyDesign, mm: ModelMatrix, r: Float64Array): number {
  const w = design.weights;
  const rows = mm.rows;
  const domain = design.domain;
  let domainSum = 0;
  let domainCount = 0;
  for (let i = 0; i < w.length; i++) {
    if (domain !== null && !domain[i]) continue;
    domainSum += w[i]!;
    domainCount++;
  }
  let sw = 0;
  let nonzero = 0;
  for (let k = 0; k < rows.length; k++) {
    const wk = w[rows[k]!]!;
    sw += wk;
    if (wk !== 0) nonzero++;
  }
  const calibrated = design.type === 'linearization' && isCalibrated(design);
  const fittedMean = domainSum / (calibrated ? w.length : domainCount);
  const factor =
    design.type === 'replicate'
      ? sw / fittedMean
      : (calibrated ? sw / w.length : sw / rows.length) / fittedMean;
  let swr = 0;
  let swr2 = 0;
  for (let k = 0; k < rows.length; k++) {
    const wk = w[rows[k]!]!;
    swr += wk * r[k]!;
    swr2 += wk * r[k]! * r[k]!;
  }
  if (design.type === 'replicate') return (factor * swr2) / sw;
  const mean = swr / sw;
  let ss = 0;
  for (let k = 0; k < rows.length; k++) {
    const d = r[k]! - mean;
    ss += w[rows[k]!]! * ((d * d * nonzero) / (nonzero - 1));
  }
  return (factor * ss) / sw;
}
