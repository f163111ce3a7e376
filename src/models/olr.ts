/**
 * `svyOlr`: proportional-odds logistic regression on survey designs, as R's `svyolr`.
 * @module
 */
import { degreesOfFreedom } from '../design/df.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { choice, confidenceLevel } from '../estimate/prepare.js';
import { estimateVariance } from '../estimate/variance.js';
import { replicateCovariance } from '../variance/replicate.js';
import { parseFormula } from './formula.js';
import { scoreInfluence } from './influence.js';
import { aliasedColumns, inverseSymmetric, sandwich, toRows } from './linalg.js';
import { type ModelMatrix, modelMatrix, withoutColumns } from './model-matrix.js';
import { assemble, coefficientsByCell, etaOf, momentWidth } from './moments.js';
import {
  cutpointJacobian,
  cutpointParameters,
  maximise,
  numericHessian,
  type OlrData,
} from './olr-fit.js';
import { coefficientRows, fitDf } from './summary.js';
import type { OlrFit } from './types.js';

/** Options of {@link svyOlr}. */
export interface OlrOptions {
  /** Confidence level of the intervals, default 0.95. */
  level?: number;
  /**
   * Degrees of freedom of the tests and intervals: `'design'` (default, R's `df.residual`: the
   * design's degrees of freedom − the number of coefficients), a number or `Infinity`.
   */
  df?: number | 'design';
  /** Columns that depend on earlier ones: `'error'` (default) or `'drop'` (as R, with a warning). */
  aliased?: 'error' | 'drop';
}

/**
 * A proportional-odds (cumulative logit) model for an ordered categorical outcome on a survey
 * design (R's `svyolr`): P(y ≤ k) = 1 / (1 + exp(−(ζ_k − xβ))), with one cutpoint ζ_k between
 * each pair of adjacent levels (named `'low|high'` as R names them) in place of an intercept.
 * The outcome's levels are taken in their order in the data (levels no respondent of the model
 * has are left out, with a warning). The coefficients maximise the weighted likelihood (Newton's
 * method to full convergence); their covariance is the design-based sandwich as R's (the
 * inverse information is R's finite-difference Hessian, which makes R's standard errors), or on
 * a replicate design the spread of the replicate refits (R refits each replicate with `polr`).
 * Missing values and domains as {@link svyGlm}.
 *
 * @param design - The design (linearization or replicate weights; a `subset` fits a domain).
 * @param formula - An R-style formula whose outcome is a categorical variable with ordered levels (`'education ~ agegroup + sex'`); the intercept is the cutpoints'.
 * @param opts - Confidence level, degrees of freedom and what to do with aliased columns.
 * @throws {EstimationError} `NOT_CATEGORICAL` (a numeric outcome), `TOO_FEW_LEVELS` (fewer than
 *   3 used), `RANK_DEFICIENT`, `SEPARATION` (the likelihood has no maximum), `TOO_FEW_DF`,
 *   `BAD_OPTION` (a formula without intercept), and the formula errors of {@link svyGlm}.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const codebook = parseCodebook(JSON.parse(readFileSync('data/codebook.json', 'utf8')));
 * // "hard to say" is not a point of the scale: read it as missing for this model
 * codebook.variables.find((v) => v.name === 'att_russia').missing.push(98);
 * const data = await readCsv('data/belarus-2021-12.csv', { codebook });
 * const design = svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'design_weight', nest: true });
 * const fit = svyOlr(design, 'att_russia ~ agegroup + sex');
 * console.log(fit.cutpoints.map((c) => c.term).join(', '));
 * // => Very positive|Rather positive, Rather positive|Neutral, Neutral|Rather negative, Rather negative|Very negative
 * console.log(fit.coefficients.map((c) => `${c.term} ${c.estimate.toFixed(2)}`).join(', '));
 * // => agegroup30-39 -0.28, agegroup40-49 -0.62, agegroup50-59 -1.03, agegroup60+ -1.43, sexFemale 0.03
 * ```
 */
export function svyOlr(design: SurveyDesign, formula: string, opts: OlrOptions = {}): OlrFit {
  const level = confidenceLevel(opts);
  const prep = prepareOlr(design, formula, opts);
  const { data, w, full, levels, warnings } = prep;
  const pc = data.mm.p;
  const P = pc + data.q;
  const fit = maximise(data, w, null);
  if (!fit.converged) throw divergence(data.mm, fit.lastStep, formula);
  const theta = fit.theta;
  const leaning = leansOnBounds(data, theta);
  if (leaning !== null) throw divergence(data.mm, leaning, formula);
  const V = olrCovariance(design, prep, theta);
  const designDf =
    design.type === 'replicate' ? degreesOfFreedom(design) : degreesOfFreedom(design, full.present);
  const df = fitDf(opts.df, designDf - pc, designDf, pc, formula);
  const cutNames = levels.slice(0, -1).map((l, k) => `${l}|${levels[k + 1]}`);
  const mm = data.mm;
  return {
    formula,
    levels: [...levels],
    coefficients: coefficientRows(mm.names, mm.columnTerms, theta.subarray(0, pc), V, P, df, level),
    cutpoints: coefficientRows(cutNames, cutNames, theta.subarray(pc), V, P, df, level, pc),
    vcov: toRows(V, P),
    df,
    designDf,
    n: full.rows.length,
    nMissing: full.nMissing,
    terms: [...prep.terms],
    factorLevels: full.factors.map((f) => ({ variable: f.name, levels: [...f.levels] })),
    level,
    iterations: fit.iterations,
    warnings,
  };
}

/** An ordinal model's data on a design, before fitting. */
export interface OlrPrepared {
  readonly data: OlrData;
  /** Sampling weights of the model's rows. */
  readonly w: Float64Array;
  /** The model matrix with its intercept (rows, present, missing counts). */
  readonly full: ModelMatrix;
  readonly levels: readonly string[];
  readonly terms: readonly string[];
  readonly warnings: string[];
}

/** The model matrix, outcome and weights of an ordinal model (aliased columns checked). */
export function prepareOlr(
  design: SurveyDesign,
  formula: string,
  opts: OlrOptions = {},
): OlrPrepared {
  const aliasedOption = choice('aliased', opts.aliased, ['error', 'drop'], 'error');
  const parsed = parseFormula(formula);
  if (!parsed.intercept) {
    throw new EstimationError(
      'BAD_OPTION',
      `an ordinal model has cutpoints in place of an intercept: remove '- 1' (or '+ 0') from "${formula}"`,
      { formula, value: formula },
    );
  }
  const { matrix: full, outcome } = modelMatrix(design, parsed, 'ordinal');
  const warnings: string[] = [];
  const col = design.data.columns[parsed.response!]!;
  const levels = outcome.levels!;
  if (col.kind === 'categorical' && levels.length < col.levels.length) {
    const unused = col.levels.filter((l) => !levels.includes(l));
    warnings.push(
      `levels of ${parsed.response} no respondent of the model has were left out: ${unused.join(', ')}`,
    );
  }
  const rows = full.rows;
  const w = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) w[k] = design.weights[rows[k]!]!;
  // Columns that depend on earlier ones (the intercept included: the cutpoints act as one).
  const aliased = aliasedColumns(crossProducts(full, w), full.p);
  if (aliased.length > 0 && aliasedOption === 'error') {
    const j = aliased[0]!;
    throw new EstimationError(
      'RANK_DEFICIENT',
      `the column ${full.names[j]} (term ${full.columnTerms[j]}) of "${formula}" is a linear combination of the columns before it on the ${rows.length} respondents used; drop or recode a term, or pass aliased: 'drop' to leave it out as R does`,
      {
        term: full.columnTerms[j],
        column: full.names[j],
        formula,
        aliased: aliased.map((a) => full.names[a]!),
      },
    );
  }
  if (aliased.length > 0) {
    warnings.push(`aliased columns left out: ${aliased.map((a) => full.names[a]).join(', ')}`);
  }
  const mm = withoutColumns(full, [0, ...aliased]);
  return {
    data: { mm, y: outcome.codes!, q: levels.length - 1 },
    w,
    full,
    levels,
    terms: parsed.labels,
    warnings,
  };
}

/**
 * The covariance of (β, ζ) at `theta`: on a replicate design the replicate refits' (started at
 * `theta`), else the sandwich with R's inverse information through the design's linearization.
 */
export function olrCovariance(
  design: SurveyDesign,
  prep: OlrPrepared,
  theta: Float64Array,
): Float64Array {
  const { data, w, full, warnings } = prep;
  const rows = full.rows;
  const P = data.mm.p + data.q;
  if (design.type === 'replicate') {
    const reps = design.replicates.map((wr) => {
      const wk = new Float64Array(rows.length);
      for (let k = 0; k < rows.length; k++) wk[k] = wr[rows[k]!]!;
      const r = maximise(data, wk, theta);
      return r.converged ? r.theta : new Float64Array(P).fill(Number.NaN);
    });
    return replicateCovariance(design, theta, reps, { warnings });
  }
  const Vm = informationInverse(data, w, theta);
  const influence = scoreInfluence(
    rows,
    full.present,
    P,
    scores(data, w, theta),
    Vm,
    design.data.nrow,
  );
  return estimateVariance(design, influence, full.present);
}

/** Σ w x xᵀ of the model matrix. */
function crossProducts(mm: ModelMatrix, w: Float64Array): Float64Array {
  const m = mm.m;
  const width = momentWidth(m);
  const moments = new Float64Array(mm.nCells * width);
  for (let k = 0; k < w.length; k++) {
    const o = mm.cell[k]! * width;
    let q = o;
    for (let a = 0; a <= m; a++) {
      const ua = w[k]! * (a === 0 ? 1 : mm.U[k * m + a - 1]!);
      for (let b = a; b <= m; b++) moments[q++]! += ua * (b === 0 ? 1 : mm.U[k * m + b - 1]!);
    }
  }
  return assemble(mm, moments).xwx;
}

/**
 * R's inverse information of (β, ζ): the inverse of the finite-difference Hessian in (β, θ)
 * (see {@link numericHessian}) mapped to (β, ζ) with the Jacobian of ζ(θ).
 */
function informationInverse(data: OlrData, w: Float64Array, theta: Float64Array): Float64Array {
  const pc = data.mm.p;
  const q = data.q;
  const P = pc + q;
  const t = cutpointParameters(theta.subarray(pc));
  const H = numericHessian(data, w, theta.slice(0, pc), t);
  const vc = inverseSymmetric(H, P);
  if (vc === null) {
    throw new EstimationError(
      'RANK_DEFICIENT',
      'the information matrix of the ordinal model is singular (a term has no information)',
      { value: P },
    );
  }
  const J = cutpointJacobian(t);
  const A = new Float64Array(P * P);
  for (let i = 0; i < pc; i++) A[i * P + i] = 1;
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) A[(pc + a) * P + pc + b] = J[a * q + b]!;
  return sandwich(A, vc, P);
}

/** Per row, the gradient of its −log-likelihood term in (β, ζ) (R's `gmini`). */
function scores(data: OlrData, w: Float64Array, theta: Float64Array) {
  const { mm, y, q } = data;
  const pc = mm.p;
  const S = mm.slots;
  const m = mm.m;
  const B = coefficientsByCell(mm, theta.subarray(0, pc));
  return (k: number, out: Float64Array) => {
    out.fill(0);
    const eta = etaOf(B, mm.cell[k]!, mm.U, k, m);
    const yk = y[k]!;
    const Fa = 1 / (1 + Math.exp(-((yk < q ? theta[pc + yk]! : 100) - eta)));
    const Fb = 1 / (1 + Math.exp(-((yk > 0 ? theta[pc + yk - 1]! : -100) - eta)));
    const pr = Fa - Fb;
    const d1 = Fa * (1 - Fa);
    const d2 = Fb * (1 - Fb);
    const g = (w[k]! * (d1 - d2)) / pr;
    const c = mm.cell[k]!;
    for (let s = 0; s < S; s++) {
      const j = mm.cellCols[c * S + s]!;
      if (j < 0) continue;
      const f = mm.slotFeature[s]!;
      out[j]! += g * (f === 0 ? 1 : mm.U[k * m + f - 1]!);
    }
    if (yk < q) out[pc + yk] = (-w[k]! * d1) / pr;
    if (yk > 0) out[pc + yk - 1]! += (w[k]! * d2) / pr;
  };
}

/**
 * R's likelihood puts the outer cutpoints at ∓100 instead of ∓∞. A maximum where a cutpoint or
 * a linear predictor is beyond ±60 exists only because of them (beyond, the logistic
 * probabilities of the outer levels are no longer 1 to double precision): the data separate
 * the levels, and the estimates say nothing. Returns each coefficient's largest contribution to
 * the linear predictor in that case (to name the worst), else `null`.
 */
function leansOnBounds(data: OlrData, theta: Float64Array): Float64Array | null {
  const { mm, q } = data;
  const pc = mm.p;
  const S = mm.slots;
  let bound = 0;
  for (let z = 0; z < q; z++) bound = Math.max(bound, Math.abs(theta[pc + z]!));
  const size = new Float64Array(pc);
  for (let k = 0; k < mm.rows.length; k++) {
    const c = mm.cell[k]!;
    let eta = 0;
    for (let s = 0; s < S; s++) {
      const j = mm.cellCols[c * S + s]!;
      if (j < 0) continue;
      const f = mm.slotFeature[s]!;
      const v = theta[j]! * (f === 0 ? 1 : mm.U[k * mm.m + f - 1]!);
      eta += v;
      size[j] = Math.max(size[j]!, Math.abs(v));
    }
    bound = Math.max(bound, Math.abs(eta));
  }
  return bound > 60 ? size : null;
}

function divergence(mm: ModelMatrix, step: Float64Array, formula: string): EstimationError {
  let worst = 0;
  for (let j = 1; j < mm.p; j++) if (Math.abs(step[j]!) > Math.abs(step[worst]!)) worst = j;
  const name = mm.p > 0 ? mm.names[worst]! : 'a cutpoint';
  const term = mm.p > 0 ? mm.columnTerms[worst]! : 'the cutpoints';
  return new EstimationError(
    'SEPARATION',
    `the ordinal model "${formula}" has no finite maximum: ${name} (term ${term}) keeps growing (a predictor separates the outcome's levels, or a level is too rare); drop or recode the term, or combine levels`,
    { term, column: name, formula },
  );
}
