/**
 * The coefficient table of a fitted model (R's `summary()` with `confint()`), and the degrees of
 * freedom it uses.
 * @module
 */
import { EstimationError } from '../errors.js';
import { confidenceLevel, waldInterval } from '../estimate/prepare.js';
import { pt } from '../stats/distributions.js';
import type { Coefficient } from './types.js';

/**
 * The degrees of freedom of a fit's tests: R's residual df (`residual`) for `'design'`, or the
 * number given.
 * @throws {EstimationError} `TOO_FEW_DF` when R's residual df is not positive (R gives NaN
 *   p-values), `BAD_OPTION` for a df that is not a positive number or `'design'`.
 */
export function fitDf(
  option: number | 'design' | undefined,
  residual: number,
  designDf: number,
  p: number,
  formula: string,
): number {
  const df = option ?? 'design';
  if (df === 'design') {
    if (!(residual > 0)) {
      throw new EstimationError(
        'TOO_FEW_DF',
        `the model "${formula}" has ${p} coefficients but the design has only ${designDf} degrees of freedom on its respondents, leaving ${residual} for the tests (R reports NaN p-values); simplify the model, or pass df (e.g. Infinity) to test on other degrees of freedom`,
        { value: residual, designDf, coefficients: p },
      );
    }
    return residual;
  }
  if (typeof df !== 'number' || !(df > 0)) {
    throw new EstimationError(
      'BAD_OPTION',
      `df must be a positive number, Infinity or 'design'; got ${String(df)}`,
      { value: df },
    );
  }
  return df;
}

/** The coefficient rows: estimate, SE from the covariance's diagonal, t, p and interval. */
export function coefficientRows(
  names: readonly string[],
  modelTerms: readonly string[],
  estimates: ArrayLike<number>,
  V: Float64Array,
  p: number,
  df: number,
  level: number,
  offset = 0,
): Coefficient[] {
  confidenceLevel({ level });
  return names.map((term, j) => {
    const estimate = estimates[j]!;
    const se = Math.sqrt(V[(offset + j) * p + offset + j]!);
    const statistic = estimate / se;
    return {
      term,
      modelTerm: modelTerms[j]!,
      estimate,
      se,
      statistic,
      pValue: 2 * pt(-Math.abs(statistic), df),
      ci: waldInterval(estimate, se, level, df),
    };
  });
}
