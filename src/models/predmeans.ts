/**
 * `svyPredMeans`: predictive margins (R's `svypredmeans`): for each level of a factor, the mean
 * over the model's respondents of their predicted outcome had they all been at that level, the
 * other variables as they are.
 * @module
 */
import { getColumn } from '../data/frame.js';
import { subset } from '../design/subset.js';
import { EstimationError } from '../errors.js';
import { attachInfluence } from '../estimate/influence-rows.js';
import { confidenceLevel, waldInterval } from '../estimate/prepare.js';
import type { Estimate } from '../estimate/types.js';
import { estimateVariance } from '../estimate/variance.js';
import { denseInfluence } from '../variance/influence.js';
import { replicateCovariance, replicateWeightedSumsMany } from '../variance/replicate.js';
import { linkCode, linkInverse, linkOf, muEta } from './family.js';
import { type GlmState, glmState, requireState, svyGlm } from './glm.js';
import { cellColumns, factorCells, featureValues } from './model-matrix.js';
import type { GlmFit } from './types.js';

/** Options of {@link svyPredMeans}. */
export interface PredMeansOptions {
  /** Confidence level of the intervals, default 0.95. */
  level?: number;
  /** Degrees of freedom of the intervals, default `Infinity` (normal quantiles, as R's `confint`). */
  df?: number;
}

/**
 * Predictive margins per level of a categorical variable (R's `svypredmeans(fit, ~variable)`):
 * the model is refitted with the variable added (unless it is already one of its terms), and for
 * each level the predicted outcome (on the response scale: a probability for a logistic model)
 * of every respondent of the model with the variable set to that level is averaged with the
 * sampling weights. The SE adds, as R does, the design-based variance of that mean with the
 * coefficients held fixed and the variance from the coefficients (dᵀ V d, d the mean derivative
 * of the predictions). The rows carry their covariance, so `svyContrast` can compare levels.
 *
 * The levels are those the model's respondents have, in the variable's level order (R: in order
 * of appearance). Respondents of the model with no value of the variable count in the average
 * (as R's), not in the refit.
 *
 * @param fit - A fit made by {@link svyGlm}.
 * @param variable - A categorical variable of the design: a margin per level (added to the model when it is not a term of it).
 * @param opts - Confidence level and degrees of freedom of the intervals.
 * @throws {EstimationError} `NOT_CATEGORICAL` for a numeric variable, `BAD_OPTION` for the
 *   outcome or a fit not made by svyGlm; any error of refitting the model with the variable.
 * @example
 * ```ts
 * const data = await readCsv('test/reference/data/apiclus1.csv');
 * const design = svyDesign(data, { ids: 'dnum', weights: 'pw', fpc: 'fpc' });
 * const fit = svyGlm(design, 'api00 ~ ell + meals');
 * const margins = svyPredMeans(fit, 'stype');
 * console.log(margins.map((m) => `${m.level} ${m.estimate.toFixed(1)} (${m.se.toFixed(1)})`));
 * // => [ 'E 658.9 (21.7)', 'H 565.7 (29.7)', 'M 603.1 (26.8)' ]
 * ```
 */
export function svyPredMeans(
  fit: GlmFit,
  variable: string,
  opts: PredMeansOptions = {},
): Estimate[] {
  const base = requireState(fit, 'svyPredMeans');
  const level = confidenceLevel(opts);
  const df = opts.df ?? Number.POSITIVE_INFINITY;
  const design = base.design;
  const data = design.data;
  const col = getColumn(data, variable);
  if (col.kind !== 'categorical') {
    throw new EstimationError(
      'NOT_CATEGORICAL',
      `predictive margins are per level of a categorical variable; "${variable}" is numeric`,
      { variable },
    );
  }
  const first = base.data.mm;
  if (variable === first.formula.response) {
    throw new EstimationError(
      'BAD_OPTION',
      `"${variable}" is the model's outcome; margins are over levels of a predictor`,
      { variable, value: variable },
    );
  }
  // The model with the variable (R: update(fit, . ~ . + group) on the fit's own rows).
  let model: GlmState = base;
  if (!fit.terms.includes(variable)) {
    const text = /^[\p{L}.][\p{L}\p{N}._]*$/u.test(variable) ? variable : `\`${variable}\``;
    const refit = svyGlm(subset(design, first.present), `${fit.formula} + ${text}`, base.options);
    model = glmState(refit)!;
  }
  const mm = model.data.mm;
  const g = mm.factors.findIndex((f) => f.name === variable);
  const levels = mm.factors[g]!.levels;
  const G = levels.length;
  const p = mm.p;
  const S = mm.slots;
  const link = linkCode(linkOf(model.family));

  // The first model's rows, in cells of the other factors, with their features.
  const rows = first.rows;
  const n = rows.length;
  const { cell, nCells, cellCodes } = factorCells(data, mm.factors, rows, g);
  const U = featureValues(data, mm.features, rows);
  const m = mm.m;
  const F = mm.factors.length;
  const w = design.weights;
  let sw = 0;
  for (let k = 0; k < n; k++) sw += w[rows[k]!]!;

  const fits = Array.from({ length: G }, () => new Float64Array(data.nrow));
  const means = new Float64Array(G);
  const dg = new Float64Array(G * p); // dg[l * p + j]
  const cols = new Int32Array(nCells * S);
  const codes = new Int32Array(F);
  for (let l = 0; l < G; l++) {
    for (let c = 0; c < nCells; c++) {
      codes.set(cellCodes.subarray(c * F, (c + 1) * F));
      codes[g] = l;
      cellColumns(mm, codes, cols.subarray(c * S, (c + 1) * S));
    }
    const fitted = fits[l]!;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const o = cell[k]! * S;
      let eta = 0;
      for (let s = 0; s < S; s++) {
        const j = cols[o + s]!;
        if (j < 0) continue;
        const f = mm.slotFeature[s]!;
        eta += model.beta[j]! * (f === 0 ? 1 : U[k * m + f - 1]!);
      }
      const mu = linkInverse(link, eta);
      const i = rows[k]!;
      fitted[i] = mu;
      const wk = w[i]!;
      sum += wk * mu;
      const d = (wk * muEta(link, eta)) / sw;
      for (let s = 0; s < S; s++) {
        const j = cols[o + s]!;
        if (j < 0) continue;
        const f = mm.slotFeature[s]!;
        dg[l * p + j]! += d * (f === 0 ? 1 : U[k * m + f - 1]!);
      }
    }
    means[l] = sum / sw;
  }

  // Variance of the means with the coefficients fixed (R: svymean(fits, design)).
  let V: Float64Array;
  if (design.type === 'replicate') {
    const sums = replicateWeightedSumsMany(design, [...fits, null], first.present);
    const reps = sums.reps.map((r) => Float64Array.from({ length: G }, (_, l) => r[l]! / r[G]!));
    V = replicateCovariance(design, means, reps);
  } else {
    const z = fits.map((fitted, l) => {
      const out = new Float64Array(data.nrow);
      for (let k = 0; k < n; k++) {
        const i = rows[k]!;
        out[i] = (w[i]! * (fitted[i]! - means[l]!)) / sw;
      }
      return out;
    });
    V = estimateVariance(design, denseInfluence(z), first.present);
  }
  // plus the variance from the coefficients: dgᵀ V_β dg
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) {
      let s = 0;
      for (let i = 0; i < p; i++) {
        const da = dg[a * p + i]!;
        if (da === 0) continue;
        for (let j = 0; j < p; j++) s += da * model.V[i * p + j]! * dg[b * p + j]!;
      }
      V[a * G + b]! += s;
    }
  }

  const out: Estimate[] = levels.map((lv, l) => {
    const se = Math.sqrt(V[l * G + l]!);
    return {
      variable,
      level: lv,
      statistic: 'predictive margin',
      estimate: means[l]!,
      se,
      ci: waldInterval(means[l]!, se, level, df),
      n,
      nMissing: fit.nMissing,
    };
  });
  attachInfluence(out, { p: G, covariance: V, design: null, influence: null, present: null });
  return out;
}
