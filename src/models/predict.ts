/**
 * `svyPredict`: predictions of a fitted model for new rows, with standard errors (R's
 * `predict(fit, newdata, type, se.fit = TRUE)`).
 * @module
 */
import type { SurveyData } from '../data/types.js';
import { choice, confidenceLevel, waldInterval } from '../estimate/prepare.js';
import { linkCode, linkInverse, muEta } from './family.js';
import { requireState } from './glm.js';
import { dot, type NewRow, newDataRows, quadratic, rowOf } from './rows.js';
import type { GlmFit, Prediction } from './types.js';

/** Options of {@link svyPredict}. */
export interface PredictOptions {
  /** `'link'` (default: the linear predictor, e.g. log-odds) or `'response'` (e.g. probabilities). */
  type?: 'link' | 'response';
  /** Confidence level of the intervals, default 0.95. */
  level?: number;
  /** Degrees of freedom of the intervals, default `Infinity` (normal quantiles, as R's `confint`). */
  df?: number;
}

/**
 * Predictions of a model fitted by {@link svyGlm} for new rows, with standard errors from the
 * coefficients' design-based covariance (R's `predict(fit, newdata, type, se.fit = TRUE)`): on
 * the link scale xβ with SE √(x V xᵀ); on the response scale μ = g⁻¹(xβ) with SE |μ'(xβ)| times
 * the link SE (the delta method). The rows give every variable of the model's terms: numbers,
 * and level labels for categorical variables. Intervals are estimate ± q · SE, as R's
 * `confint` of a prediction (for a probability, an interval on the link scale transformed with
 * the inverse link stays within [0, 1]).
 *
 * @param fit - A fit made by {@link svyGlm}.
 * @param newdata - Row objects (`{ ell: 10, stype: 'H' }`) or a data frame, with a value of every model variable.
 * @param opts - The scale (`'link'` or `'response'`), confidence level and degrees of freedom of the intervals.
 * @throws {EstimationError} `MISSING_VALUES`, `UNKNOWN_LEVEL`, `NOT_NUMERIC` for a row that does
 *   not give the model's variables; `BAD_OPTION` for a fit not made by svyGlm.
 * @example
 * ```ts
 * const data = await readCsv('test/reference/data/apistrat.csv');
 * const design = svyDesign(data, { strata: 'stype', weights: 'pw', fpc: 'fpc' });
 * const fit = svyGlm(design, 'sch.wide ~ ell + meals + mobility', { family: 'quasibinomial' });
 * const [p] = svyPredict(fit, [{ ell: 10, meals: 50, mobility: 20 }], { type: 'response' });
 * console.log(p.estimate.toFixed(4), p.se.toFixed(4)); // => 0.8666 0.0341
 * ```
 */
export function svyPredict(
  fit: GlmFit,
  newdata: readonly NewRow[] | SurveyData,
  opts: PredictOptions = {},
): Prediction[] {
  const state = requireState(fit, 'svyPredict');
  const type = choice('type', opts.type, ['link', 'response'], 'link');
  const level = confidenceLevel(opts);
  const df = opts.df ?? Number.POSITIVE_INFINITY;
  const { mm } = state.data;
  const link = linkCode(fit.link);
  const rows = newDataRows(newdata);
  const out: Prediction[] = [];
  for (let i = 0; i < rows.n; i++) {
    const x = rowOf(mm, (v) => rows.value(i, v), i);
    const eta = dot(x, state.beta);
    const seLink = Math.sqrt(quadratic(x, state.V, mm.p));
    const estimate = type === 'link' ? eta : linkInverse(link, eta);
    const se = type === 'link' ? seLink : Math.abs(muEta(link, eta)) * seLink;
    out.push({ estimate, se, ci: waldInterval(estimate, se, level, df) });
  }
  return out;
}
