/**
 * Distribution functions, with R's names and argument order, backed by stdlib's
 * implementations (accurate to a few ulps; see test/stats/distributions.test.ts, which
 * compares them to R). A `df` of `Infinity` means the normal limit, as in R.
 * @module
 */
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import chisqCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import fCdf from '@stdlib/stats-base-dists-f-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** Standard normal quantile (R `qnorm(p)`). */
export function qnorm(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** Standard normal distribution function (R `pnorm(q)`). */
export function pnorm(q: number): number {
  return normalCdf(q, 0, 1);
}

/**
 * Student t quantile (R `qt(p, df)`); `df = Infinity` gives the normal quantile.
 * @example
 * ```ts
 * console.log(qt(0.975, Infinity).toFixed(6)); // => 1.959964
 * ```
 */
export function qt(p: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return qnorm(p);
  return tQuantile(p, df);
}

/** Student t distribution function (R `pt(q, df)`). */
export function pt(q: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return pnorm(q);
  return tCdf(q, df);
}

/** Upper tail of the F distribution (R `pf(q, df1, df2, lower.tail = FALSE)`). */
export function pfUpper(q: number, df1: number, df2: number): number {
  if (df2 === Number.POSITIVE_INFINITY) return pchisqUpper(q * df1, df1);
  return 1 - fCdf(q, df1, df2);
}

/** Upper tail of the chi-square distribution (R `pchisq(q, df, lower.tail = FALSE)`). */
export function pchisqUpper(q: number, df: number): number {
  return 1 - chisqCdf(q, df);
}

/** Beta quantile (R `qbeta(p, a, b)`). */
export function qbeta(p: number, a: number, b: number): number {
  return betaQuantile(p, a, b);
}
