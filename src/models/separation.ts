/**
 * Separation: a binomial (or poisson) likelihood without a maximum, found after the fit and
 * reported naming the term whose estimate diverges.
 * @module
 */
import { EstimationError } from '../errors.js';
import { type FamilyName, LOGIT } from './family.js';
import { type GlmData, type IrlsResult, probeStep } from './irls.js';
import type { ModelMatrix } from './model-matrix.js';

/** A change of the linear predictor per step above this is a diverging fit (separation). */
const DIVERGING_STEP = 0.5;

/**
 * Separation: the binomial (or poisson) likelihood has no maximum when a combination of the
 * predictors separates the 0s from the 1s (or isolates zero counts). R's iterations then stop
 * on a tiny change of deviance while some coefficients still grow by about 1 per step: one more
 * step shows which.
 */
export function checkDivergence(data: GlmData, fit: IrlsResult, family: FamilyName): void {
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
  const maxU = mm.featureMax;
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
