/**
 * Confidence intervals of a share from its estimate and variance, as R's `svyciprop` and
 * `svyquantile`'s `woodruffCI` make them: Wald on the share, the logit or the arcsine-root scale,
 * and Korn–Graubard's beta interval; with R's `confint(..., df)`, `expit` and `qbeta` beside them.
 * @module
 */
import { qbeta, qt } from '../stats/distributions.js';

/** A share's interval method shared by `svyCiProp` and `svyQuantile`'s Woodruff intervals. */
export type ShareMethod = 'mean' | 'xlogit' | 'asin' | 'beta';

/**
 * The interval of the share `p` (variance `variance`) at `level`: `'mean'` Wald on `df`;
 * `'xlogit'` and `'asin'` Wald on the logit and arcsine-root scales (the delta method's
 * variance), mapped back; `'beta'` Korn–Graubard with the effective size p(1 − p)/variance
 * times `betaRatio()`² (see {@link betaDfRatio}; called only for `'beta'`).
 * @example
 * ```ts
 * const ci = shareInterval(0.3, 0.0004, 'mean', 0.95, Number.POSITIVE_INFINITY, () => 1);
 * console.log(ci.map((x) => x.toFixed(4))); // => [ '0.2608', '0.3392' ]
 * ```
 */
export function shareInterval(
  p: number,
  variance: number,
  method: ShareMethod,
  level: number,
  df: number,
  betaRatio: () => number,
): [number, number] {
  switch (method) {
    case 'mean':
      return tInterval(p, Math.sqrt(variance), level, df);
    case 'xlogit': {
      const e1 = 1 - p;
      const e2 = p / e1;
      const grad = (1 / e1 + p / (e1 * e1)) / e2;
      const [lo, hi] = tInterval(Math.log(e2), Math.sqrt(grad * variance * grad), level, df);
      return [expit(lo), expit(hi)];
    }
    case 'asin': {
      const e1 = Math.sqrt(p);
      const grad = (0.5 * p ** -0.5) / Math.sqrt(1 - e1 * e1);
      const [lo, hi] = tInterval(Math.asin(e1), Math.sqrt(grad * variance * grad), level, df);
      return [Math.sin(lo) ** 2, Math.sin(hi) ** 2];
    }
    default: {
      const alpha = 1 - level;
      const ratio = betaRatio();
      const nEff = ((p * (1 - p)) / variance) * ratio * ratio;
      return [
        betaQuantile(alpha / 2, nEff * p, nEff * (1 - p) + 1),
        betaQuantile(1 - alpha / 2, nEff * p + 1, nEff * (1 - p)),
      ];
    }
  }
}

/**
 * R's `'beta'` size correction qt(α/2, nrow − 1)/qt(α/2, degf), α = 1 − level.
 * @example
 * ```ts
 * console.log(betaDfRatio(0.05, 101, 100)); // => 1
 * ```
 */
export function betaDfRatio(alpha: number, nrow: number, degf: number): number {
  return qt(alpha / 2, nrow - 1) / qt(alpha / 2, degf);
}

/**
 * R's `confint(svystat, level, df)`: estimate + se · qt(c(a, 1 − a), df), a = (1 − level)/2.
 * @example
 * ```ts
 * console.log(tInterval(1, 0.5, 0.95, Number.POSITIVE_INFINITY).map((x) => x.toFixed(3))); // => [ '0.020', '1.980' ]
 * ```
 */
export function tInterval(
  estimate: number,
  se: number,
  level: number,
  df: number,
): [number, number] {
  const a = (1 - level) / 2;
  return [estimate + se * qt(a, df), estimate + se * qt(1 - a, df)];
}

/**
 * R's `expit`: e^η / (1 + e^η).
 * @example
 * ```ts
 * console.log(expit(0)); // => 0.5
 * ```
 */
export function expit(eta: number): number {
  return Math.exp(eta) / (1 + Math.exp(eta));
}

/**
 * R's `qbeta`, including its limits for a zero or infinite shape parameter.
 * @example
 * ```ts
 * console.log(betaQuantile(0.5, 0, 3), betaQuantile(0.5, 2, 2)); // => 0 0.5
 * ```
 */
export function betaQuantile(prob: number, shape1: number, shape2: number): number {
  if (Number.isNaN(prob) || Number.isNaN(shape1) || Number.isNaN(shape2)) return Number.NaN;
  if (shape1 < 0 || shape2 < 0) return Number.NaN;
  if (shape1 === 0 || shape2 === 0 || !Number.isFinite(shape1) || !Number.isFinite(shape2)) {
    // R's qbeta: point masses (both zero: half at 0 and 1; both infinite: all at 1/2).
    if (shape1 === 0 && shape2 === 0) return prob < 0.5 ? 0 : prob > 0.5 ? 1 : 0.5;
    if (shape1 === 0 || shape1 / shape2 === 0) return 0;
    if (shape2 === 0 || shape2 / shape1 === 0) return 1;
    return 0.5;
  }
  return qbeta(prob, shape1, shape2);
}
