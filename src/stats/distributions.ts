/**
 * Distribution functions, with R's names and argument order, backed by stdlib's
 * implementations (accurate to a few ulps; see test/stats/distributions.test.ts, which
 * compares them to R). A `df` of `Infinity` means the normal limit, as in R.
 * @module
 */
import betainc from '@stdlib/math-base-special-betainc';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import gammainc from '@stdlib/math-base-special-gammainc';
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/**
 * Standard normal quantile (R `qnorm(p)`).
 * @param p - A probability in [0, 1].
 * @example
 * ```ts
 * console.log(qnorm(0.975).toFixed(6)); // => 1.959964
 * ```
 */
export function qnorm(p: number): number {
  // −√2 · erfcinv(2p) keeps full relative precision in both tails (erfinv(2p − 1) does not).
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  return -Math.SQRT2 * erfcinv(2 * p);
}

/**
 * Standard normal distribution function (R `pnorm(q)`).
 * @param q - A value of the standard normal variable.
 * @example
 * ```ts
 * console.log(pnorm(1.96).toFixed(6)); // => 0.975002
 * ```
 */
export function pnorm(q: number): number {
  return normalCdf(q, 0, 1);
}

/**
 * Student t quantile (R `qt(p, df)`); `df = Infinity` gives the normal quantile.
 * @param p - A probability in [0, 1].
 * @param df - Degrees of freedom (> 0; `Infinity` for the normal).
 * @example
 * ```ts
 * console.log(qt(0.975, Infinity).toFixed(6)); // => 1.959964
 * ```
 */
export function qt(p: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return qnorm(p);
  return tQuantile(p, df);
}

/**
 * Student t distribution function (R `pt(q, df)`).
 * @param q - A value of the t variable.
 * @param df - Degrees of freedom (> 0).
 * @example
 * ```ts
 * console.log(pt(2, 10).toFixed(6)); // => 0.963306
 * ```
 */
export function pt(q: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return pnorm(q);
  return tCdf(q, df);
}

/**
 * Upper tail of the F distribution (R `pf(q, df1, df2, lower.tail = FALSE)`), computed directly
 * as the regularized incomplete beta I_{df2/(df2 + df1 q)}(df2/2, df1/2), so small p-values
 * keep their relative precision.
 * @param q - A value of the F statistic.
 * @param df1 - Numerator degrees of freedom.
 * @param df2 - Denominator degrees of freedom.
 * @example
 * ```ts
 * console.log(pfUpper(5.1934, 1.495, 20.925).toFixed(5)); // => 0.02174
 * ```
 */
export function pfUpper(q: number, df1: number, df2: number): number {
  if (df2 === Number.POSITIVE_INFINITY) return pchisqUpper(q * df1, df1);
  if (!(q > 0)) return 1;
  return betainc(df2 / (df2 + df1 * q), df2 / 2, df1 / 2, true, false);
}

/**
 * Upper tail of the chi-square distribution (R `pchisq(q, df, lower.tail = FALSE)`), as the
 * upper regularized incomplete gamma Q(df/2, q/2).
 * @param q - A value of the chi-square statistic.
 * @param df - Degrees of freedom.
 * @example
 * ```ts
 * console.log(pchisqUpper(11.9409, 2).toFixed(6)); // => 0.002553
 * ```
 */
export function pchisqUpper(q: number, df: number): number {
  if (!(q > 0)) return 1;
  return gammainc(q / 2, df / 2, true, true);
}

/**
 * Beta quantile (R `qbeta(p, a, b)`).
 * @param p - A probability in [0, 1].
 * @param a - The first shape parameter (> 0).
 * @param b - The second shape parameter (> 0).
 * @example
 * ```ts
 * console.log(qbeta(0.025, 12.3, 40.7).toFixed(6)); // => 0.129793
 * ```
 */
export function qbeta(p: number, a: number, b: number): number {
  return betaQuantile(p, a, b);
}
