/**
 * `regTermTest`: the Wald test that all coefficients of one or more terms of a model are 0
 * (R's `regTermTest`, `method = "Wald"`).
 * @module
 */
import { EstimationError } from '../errors.js';
import { pchisqUpper, pfUpper } from '../stats/distributions.js';
import { canonicalTerm } from './formula.js';
import { inverseSymmetric, quadraticForm } from './linalg.js';
import type { Coefficient, TermTest } from './types.js';

/** Options of {@link regTermTest}. */
export interface TermTestOptions {
  /**
   * Denominator degrees of freedom: default the fit's `df` (R's `df.residual`); `Infinity`
   * gives the χ² test.
   */
  df?: number;
}

/** What a fit needs to have for a term test: its coefficients (with their terms), covariance, df. */
export interface TestableFit {
  /** The coefficients, each with the term of the formula it belongs to (`modelTerm`). */
  coefficients: readonly Coefficient[];
  /** Their covariance, the coefficients first (an ordinal fit's cutpoints may follow). */
  vcov: readonly (readonly number[])[];
  /** The fit's residual degrees of freedom (the F test's denominator df by default). */
  df: number;
  /** The terms of the formula. */
  terms: readonly string[];
}

/**
 * The Wald test of one or more terms of a model (R's `regTermTest(fit, ~a + b)`): with β the
 * coefficients of the terms and V their design-based covariance, χ² = βᵀ V⁻¹ β on as many
 * degrees of freedom as coefficients, reported as F = χ²/ndf on (ndf, the fit's residual df) as
 * R does by default. A term is named as in the formula (`'stype'`, `'ell:stype'`, in either
 * order of its variables). Works on {@link svyGlm} and {@link svyOlr} fits.
 *
 * @param fit - A fit made by {@link svyGlm} or {@link svyOlr}.
 * @param terms - One term or several, as the formula names them (`'stype'`, `'ell:stype'`).
 * @param opts - Denominator degrees of freedom (`Infinity`: the χ² test).
 * @throws {EstimationError} `UNKNOWN_TERM` for a term the model does not have (the message lists
 *   its terms), `BAD_OPTION` for a bad df.
 * @example
 * ```ts
 * const data = await readCsv('test/reference/data/apiclus1.csv');
 * const design = svyDesign(data, { ids: 'dnum', weights: 'pw', fpc: 'fpc' });
 * const fit = svyGlm(design, 'api00 ~ ell * stype + meals');
 * const t = regTermTest(fit, 'ell:stype');
 * console.log(t.statistic.toFixed(4), t.ndf, t.ddf, t.pValue.toFixed(4)); // => 1.9243 2 8 0.2078
 * ```
 */
export function regTermTest(
  fit: TestableFit,
  terms: string | readonly string[],
  opts: TermTestOptions = {},
): TermTest {
  const wanted = (typeof terms === 'string' ? [terms] : [...terms]).map((t) => t.trim());
  if (wanted.length === 0) {
    throw new EstimationError('BAD_OPTION', 'regTermTest needs at least one term', { value: [] });
  }
  const known = new Map(fit.terms.map((t) => [canonicalTerm(t), t]));
  const names = wanted.map((t) => {
    const name = known.get(canonicalTerm(t));
    if (name === undefined) {
      throw new EstimationError(
        'UNKNOWN_TERM',
        `the model has no term "${t}" (its terms: ${fit.terms.join(', ')})`,
        { value: t, terms: [...fit.terms] },
      );
    }
    return name;
  });
  const index: number[] = [];
  fit.coefficients.forEach((c, j) => {
    if (!c.aliased && names.includes(c.modelTerm)) index.push(j);
  });
  const k = index.length;
  const V = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) V[a * k + b] = fit.vcov[index[a]!]![index[b]!]!;
  }
  const beta = index.map((j) => fit.coefficients[j]!.estimate);
  const Vinv = inverseSymmetric(V, k);
  if (Vinv === null) {
    throw new EstimationError(
      'SINGULAR_COVARIANCE',
      `the covariance of the coefficients of ${names.join(', ')} is singular, so they cannot be tested jointly`,
      { value: names },
    );
  }
  const chisq = quadraticForm(Vinv, beta);
  const ddf = opts.df ?? fit.df;
  if (!(typeof ddf === 'number' && ddf > 0)) {
    throw new EstimationError('BAD_OPTION', `df must be a positive number; got ${String(ddf)}`, {
      value: ddf,
    });
  }
  if (ddf === Number.POSITIVE_INFINITY) {
    return { terms: names, statistic: chisq, chisq, ndf: k, ddf, pValue: pchisqUpper(chisq, k) };
  }
  const F = chisq / k;
  return { terms: names, statistic: F, chisq, ndf: k, ddf, pValue: pfUpper(F, k, ddf) };
}
