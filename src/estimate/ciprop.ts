/**
 * `svyCiProp`: a proportion with a confidence interval suited to proportions near 0 or 1, by the
 * methods of R's `svyciprop` (survey 4.1.1).
 * @module
 */
import { getColumn } from '../data/frame.js';
import { degreesOfFreedom } from '../design/df.js';
import type { ReplicateDesign } from '../design/replicate-types.js';
import { workingDesign } from '../design/scale.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError, SurveyError } from '../errors.js';
import { pnorm, qt } from '../stats/distributions.js';
import { approx, spline } from '../stats/spline.js';
import { isCalibrated } from '../variance/calibration.js';
import { denseInfluence, type Influence, numericInfluence } from '../variance/influence.js';
import { needsPresence } from '../variance/linearization.js';
import { replicateCovariance, replicateWeightedSumsMany } from '../variance/replicate.js';
import { checkFinite } from './finite.js';
import { type Analysis, choice, confidenceLevel, intervalDf, prepare } from './prepare.js';
import { betaDfRatio, expit, shareInterval } from './share-interval.js';
import type { Estimate } from './types.js';
import { estimateVariance } from './variance.js';

/**
 * The interval methods of R's `svyciprop`: those of survey 4.1.1, and `'wilson'` (added in
 * survey 4.5).
 */
export type CiPropMethod = 'logit' | 'likelihood' | 'asin' | 'beta' | 'mean' | 'xlogit' | 'wilson';

const METHODS: readonly CiPropMethod[] = [
  'logit',
  'likelihood',
  'asin',
  'beta',
  'mean',
  'xlogit',
  'wilson',
];

/** Options of {@link svyCiProp}. */
export interface CiPropOptions {
  /**
   * What counts as a success: for a numeric 0/1 variable, `1` (default) or `0`; for a
   * categorical variable, the name of a level (required, even when there are two levels).
   */
  success?: string | number;
  /** Interval method, default `'logit'` as in R. */
  method?: CiPropMethod;
  /** Confidence level, default 0.95. */
  level?: number;
  /**
   * Degrees of freedom of the interval: `'design'` (default, R's `degf(design)`: PSUs minus strata
   * of the domain, or for a replicate design the rank of its replicate weights on the domain's rows
   * minus 1), a number, or `Infinity` (normal quantiles). Ignored by `'beta'`, as in R.
   */
  df?: number | 'design';
}

/**
 * The proportion of "successes" of a binary variable, with its design-based standard error and a
 * confidence interval by one of the methods of R's `svyciprop` (survey 4.1.1), which it
 * reproduces:
 *
 * - `'logit'` (default): a Wald interval for the logit of the proportion from an intercept-only
 *   quasibinomial `svyglm`, with t quantiles on `df`, transformed back.
 * - `'likelihood'`: the profile (quasi-)likelihood interval of that model, rescaled by the design
 *   effect (R's `confint(svyglm, method = "likelihood")`: the deviance profiled on R's grid of
 *   steps, interpolated with R's FMM spline and inverted linearly).
 * - `'asin'`, `'xlogit'`: Wald intervals on the arcsine-square-root and logit scales (delta method).
 * - `'mean'`: the Wald interval p ± t · se.
 * - `'beta'`: Korn & Graubard's Clopper–Pearson-type interval with the effective sample size
 *   p(1 − p)/var, times (qt(α/2, nrow − 1)/qt(α/2, degf))², where nrow counts the rows of the
 *   domain and degf is the design's degrees of freedom whatever `df` says (as in R).
 * - `'wilson'` (survey 4.5's, not in 4.1.1): Wilson's score interval with the effective sample
 *   size n = p(1 − p)/var and t = qt(1 − α/2, df) in place of the normal quantile:
 *   (p + t²/(2n) ∓ t/(2n) · √(4 n p (1 − p) + t²)) / (1 + t²/n). Like `'beta'` it stays inside
 *   [0, 1]; unlike it, it uses `df`. With a variance of 0 (a share of 0 or 1 in every PSU) it is
 *   `[NaN, NaN]`, as in R.
 *
 * `estimate` is the weighted share of successes and `se` the standard error of `svyMean` of the
 * success indicator, whatever the method. Respondents in the domain with a missing value are left
 * out of the base and counted in `nMissing`: this is R's `svyciprop(..., na.rm = TRUE)`, so the
 * default `df` and `'beta'`'s nrow and degf count the domain's rows including those missing the
 * variable, as R does.
 *
 * On a replicate-weight design (R's `svyciprop` on an `svyrep.design`) the variance of the share
 * comes from its replicates (`svyMean`'s), and the `'logit'` and `'likelihood'` intervals from
 * R's `svyglm.svyrep.design`: the intercept refitted by R's IRLS with each replicate's weights,
 * their replicate variance (`mse` as the design says) as the coefficient's. The `'likelihood'`
 * interval scales the deviance by `summary.svrepglm`'s dispersion as survey 4.3 fixed it (its
 * Pearson residuals divided by √(w / mean w)): survey 4.1.1 divides them by √(w / Σ w), a
 * dispersion about n times too large, so its profile almost never reaches the cutoff and its
 * interval is `[NA, NA]`.
 *
 * Where this differs from R: `estimate` is the exact weighted share for every method (R reports
 * `expit` of the IRLS intercept for `'logit'` and `'likelihood'`, which differs by up to ~1e-9
 * relative, and by ~3e-12 absolute when the share is 0 and the fit does not converge); with
 * `df` ≤ 0 the likelihood interval is `[NaN, NaN]` where R stops with an error; and the t quantile
 * of the `'logit'` and `'likelihood'` intervals is used directly where R round-trips it through
 * `qnorm(pnorm(·))` (the same number up to R's rounding, ~1e-9 relative at 99% with 3 df); a
 * likelihood profile that is flat to rounding (a coefficient variance at round-off level, e.g.
 * a replicate design whose replicates all give the same share, with `mse`) throws
 * `PROFILE_FAILED` where R interpolates round-off.
 *
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param variable - A 0/1 numeric variable, or a categorical one with `success` naming the level
 *   counted.
 * @param opts - The level counted (`success`), the interval method, confidence level and degrees of
 *   freedom: see {@link CiPropOptions}.
 * @throws {EstimationError} `NOT_BINARY` (a numeric variable with a value other than 0 and 1),
 *   `SUCCESS_REQUIRED` (a categorical variable without `success`), `UNKNOWN_LEVEL`,
 *   `BAD_OPTION`, `UNKNOWN_VARIABLE`, `EMPTY_DOMAIN`, `ZERO_WEIGHT_DOMAIN`,
 *   `PROFILE_FAILED` (the likelihood profile found a better fit than the model's, or the
 *   standard error is 0, or round-off, so there is nothing to profile), `EMPTY_REPLICATE` (`'logit'`,
 *   `'likelihood'` on a replicate design: a replicate has no weight in the domain).
 * @example
 * ```ts
 * const data = fromColumns({ vote: ['yes', 'no', 'yes', 'yes', 'no', 'yes'], psu: [1, 1, 2, 2, 3, 3] });
 * const p = svyCiProp(svyDesign(data, { ids: 'psu' }), 'vote', { success: 'yes', method: 'beta' });
 * console.log(p.estimate.toFixed(4), p.ci.map((x) => x.toFixed(4))); // => 0.6667 [ '0.0865', '0.9929' ]
 * // The same on jackknife replicate weights (R: svyciprop(~I(vote == "yes"), as.svrepdesign(...))).
 * const jk = svyCiProp(asRepDesign(svyDesign(data, { ids: 'psu' })), 'vote', { success: 'yes' });
 * console.log(jk.se.toFixed(4), jk.ci.map((x) => x.toFixed(4))); // => 0.1667 [ '0.0788', '0.9791' ]
 * ```
 */
export function svyCiProp(
  design: SurveyDesign,
  variable: string,
  opts: CiPropOptions = {},
): Estimate {
  // scale-free: computed on the weights scaled to near 1 when they are extreme
  const row = ciPropOn(workingDesign(design).design, variable, opts);
  checkFinite([row], 'svyCiProp');
  return row;
}

function ciPropOn(design: SurveyDesign, variable: string, opts: CiPropOptions): Estimate {
  const level = confidenceLevel(opts);
  const method = choice('method', opts.method, METHODS, 'logit');
  const column = getColumn(design.data, variable);
  const successLabel = resolveSuccess(column, variable, opts.success);
  // (a 0/1 variable's scan also sums Σ w·y and Σ w per PSU, from which its variance follows)
  // (the GLM-based intervals read the rows' mask; the others only the scan's sums)
  const rowsRead = method === 'logit' || method === 'likelihood';
  const a = prepare(design, variable, {}, 'share', rowsRead);
  const { y, sum } = indicator(a, successLabel);
  if (!(a.sumW > 0)) {
    throw new EstimationError(
      'ZERO_WEIGHT_DOMAIN',
      `the respondents with "${variable}" in the domain have weight 0`,
      { variable },
    );
  }
  const df = intervalDf(a, { df: opts.df ?? 'design' });

  // svymean of the indicator: the estimate and its variance (R's attr(, "var")). (The rows'
  // mask, `a.present`, is read only where needed: on a whole linearization design a numeric 0/1
  // variable's scan made none.)
  const p = sum / a.sumW;
  // Replicate designs: Σ w y and Σ w with each replicate's weights, shared by the methods.
  const sums =
    design.type === 'replicate' ? replicateWeightedSumsMany(design, [y, null], a.present) : null;
  const variance = meanVariance(a, y, p, sums);
  const se = Math.sqrt(variance);

  let ci: [number, number];
  switch (method) {
    case 'mean':
    case 'asin':
    case 'xlogit':
    case 'beta':
      // 'beta': the domain's rows, with or without the variable, and the design's degf
      ci = shareInterval(p, variance, method, level, df, () =>
        betaDfRatio(1 - level, a.n + a.nMissing, degreesOfFreedom(design)),
      );
      break;
    case 'wilson':
      ci = wilsonInterval(p, variance, level, df);
      break;
    default:
      ci = glmInterval(a, y, level, df, method, sums);
  }
  const row: Estimate = {
    variable,
    statistic: 'proportion',
    estimate: p,
    se,
    ci,
    n: a.n,
    nMissing: a.nMissing,
  };
  if (column.kind === 'categorical') row.level = successLabel;
  return row;
}

/** Σ w y and Σ w over the analysis rows, per replicate (`replicateWeightedSumsMany([y, null])`). */
type ReplicateSums = ReturnType<typeof replicateWeightedSumsMany>;

/**
 * The variance of the weighted mean p of y over the analysis rows (R's `svymean`): from its
 * influence values on a linearization design, from the means recomputed with each replicate's
 * weights on a replicate design (R's `svymean.svyrep.design`).
 */
function meanVariance(a: Analysis, y: Float64Array, p: number, sums: ReplicateSums | null): number {
  const design = a.design;
  if (design.type === 'replicate') {
    const present = a.present;
    return estimateVariance(design, denseInfluence([]), present, (d) => {
      const s = sums ?? replicateWeightedSumsMany(d, [y, null], present);
      return { full: Float64Array.of(p), reps: s.reps.map((r) => Float64Array.of(r[0]! / r[1]!)) };
    })[0]!;
  }
  // The influence w (y − p) / Σw, summed per PSU in one pass (no column of values), or from the
  // scan's sums per PSU. The rows' mask is passed where the variance reads it (as svyMean does):
  // a calibrated design, or one whose variance depends on which PSUs have a row.
  const varianceReadsRows = isCalibrated(design) || needsPresence(design);
  return estimateVariance(
    design,
    shareInfluence(a, y, 1 / a.sumW, p),
    varianceReadsRows ? a.present : null,
  )[0]!;
}

/**
 * The influence factor · w (y − centre) of the present rows, y 0 or 1. Per PSU of the first
 * stage it is factor · (Σ w·y − centre · Σ w) from the sums the scan made for a numeric 0/1
 * variable (no pass over the rows; for a share of 0 or 1 exactly 0 in every PSU, as the rows
 * centred one by one give); otherwise, or for other stages, the rows centred one by one.
 */
function shareInfluence(a: Analysis, y: Float64Array, factor: number, centre: number): Influence {
  const cached = a.clusterSums ?? null;
  if (cached === null || cached.weights === null || y !== columnValues(a)) {
    return numericInfluence(y, a.weights, a.present, factor, centre);
  }
  // the rows one by one (and their mask) only if something asks for them
  let byRow: Influence | null = null;
  const rows = () => {
    byRow ??= numericInfluence(y, a.weights, a.present, factor, centre);
    return byRow;
  };
  const { sums, weights } = cached;
  return {
    p: 1,
    get present() {
      return a.present;
    },
    dense: () => rows().dense(),
    sumByCluster(rowCluster, totals, mark) {
      if (rowCluster !== cached.rowCluster) return rows().sumByCluster(rowCluster, totals, mark);
      for (let c = 0; c < totals.length; c++)
        totals[c] = factor * (sums[c]! - centre * weights[c]!);
      return cached.seen ?? undefined;
    },
  };
}

/** A numeric variable's values (`null` for a categorical one). */
function columnValues(a: Analysis): Float64Array | null {
  return a.column.kind === 'numeric' ? a.column.values : null;
}

/**
 * Wilson's score interval for a share p with design variance `variance` (survey 4.5's
 * `svyciprop(method = "wilson")`): the effective sample size n = p(1 − p)/variance and the t
 * quantile on `df` in the score interval (p + t²/(2n) ∓ t/(2n) √(4np(1 − p) + t²)) / (1 + t²/n).
 */
function wilsonInterval(p: number, variance: number, level: number, df: number): [number, number] {
  const n = (p * (1 - p)) / variance;
  const t = qt(1 - (1 - level) / 2, df);
  const t2 = t * t;
  const centre = p + t2 / (2 * n);
  const half = (t / (2 * n)) * Math.sqrt(4 * n * p * (1 - p) + t2);
  const denominator = 1 + t2 / n;
  return [(centre - half) / denominator, (centre + half) / denominator];
}

/** The success level (categorical) or value `'0'`/`'1'` (numeric), checked. */
function resolveSuccess(
  column: ReturnType<typeof getColumn>,
  variable: string,
  success: string | number | undefined,
): string {
  if (column.kind === 'numeric') {
    const s = success ?? 1;
    if (s !== 0 && s !== 1 && s !== '0' && s !== '1') {
      throw new EstimationError(
        'BAD_OPTION',
        `"${variable}" is a numeric 0/1 variable: success must be 0 or 1; got ${JSON.stringify(s)}`,
        { variable, value: s },
      );
    }
    return String(s);
  }
  const levels = column.levels;
  if (success === undefined) {
    throw new EstimationError(
      'SUCCESS_REQUIRED',
      `"${variable}" is categorical: say which level is a success with success: one of ${levels.map((l) => `"${l}"`).join(', ')}`,
      { variable, levels: [...levels] },
    );
  }
  const label = String(success);
  if (!levels.includes(label)) {
    throw new EstimationError(
      'UNKNOWN_LEVEL',
      `"${label}" is not a level of "${variable}"; its levels are ${levels.map((l) => `"${l}"`).join(', ')}`,
      { variable, level: label, value: success, levels: [...levels] },
    );
  }
  return label;
}

/**
 * 1 for a success, 0 otherwise, on the analysis rows (everything that reads it reads only those
 * rows), and Σ w y over them (in row order). For a 0/1 variable whose success is 1 that is the
 * column itself (checked, not copied: 8 bytes a row less to allocate and write). (Without
 * branches on the values, which in a file not sorted by them would be mispredicted half the
 * time: a value's indicator is read from a table or computed.)
 */
function indicator(a: Analysis, success: string): { y: Float64Array; sum: number } {
  const { column, variable, weights } = a;
  const n = weights.length;
  let sum = 0;
  if (column.kind === 'numeric' && Number(success) === 1) {
    // The scan ('share') summed Σ w y and counted the values other than 0 and 1 (the rows' mask
    // is read only to find the first of those).
    const v = column.values;
    if (a.nonBinary > 0) {
      const present = a.present;
      for (let i = 0; i < n; i++) {
        const x = v[i]!;
        if (present[i] && x * (x - 1) !== 0) throw notBinary(variable, i, x);
      }
    }
    return { y: v, sum: a.sumWY };
  }
  const y = new Float64Array(n);
  const present = a.present;
  if (column.kind === 'numeric') {
    // success 0: the indicator is 1 − x
    const v = column.values;
    for (let i = 0; i < n; i++) {
      if (!present[i]) continue;
      const x = v[i]!;
      if (x * (x - 1) !== 0) throw notBinary(variable, i, x);
      const yi = 1 - x;
      y[i] = yi;
      sum += weights[i]! * yi;
    }
    return { y, sum };
  }
  const isSuccess = Float64Array.from(column.levels, (l) => (l === success ? 1 : 0));
  const codes = column.codes;
  for (let i = 0; i < n; i++) {
    if (!present[i]) continue;
    const yi = isSuccess[codes[i]!]!;
    y[i] = yi;
    sum += weights[i]! * yi;
  }
  return { y, sum };
}

function notBinary(variable: string, i: number, x: number): EstimationError {
  return new EstimationError(
    'NOT_BINARY',
    `"${variable}" must be 0/1 for a proportion, but row ${i + 1} has ${x}; recode it or use a categorical variable with success: <level>`,
    { variable, row: i + 1, value: x },
  );
}

// ---- the intercept-only quasibinomial svyglm, as R fits and profiles it ----------------------

/** R's logit link internals (family.c): thresholds at |eta| = 30. */
const THRESH = 30;
const MTHRESH = -30;
const DBL_EPSILON = 2.220446049250313e-16;
const INVEPS = 1 / DBL_EPSILON;
/**
 * A standard error of the logit below this (relative to the logit, at least 1) is round-off: no
 * sample is large enough for it (a share of 1e18 respondents has an SE of about 1e-9).
 */
const ROUND_OFF_SE = 1e-9;

function linkinv(eta: number): number {
  const t = eta < MTHRESH ? DBL_EPSILON : eta > THRESH ? INVEPS : Math.exp(eta);
  return t / (1 + t);
}

function muEta(eta: number): number {
  const opexp = 1 + Math.exp(eta);
  return eta > THRESH || eta < MTHRESH ? DBL_EPSILON : Math.exp(eta) / (opexp * opexp);
}

function yLogY(y: number, mu: number): number {
  return y !== 0 ? y * Math.log(y / mu) : 0;
}

/**
 * Σ W over the model's rows with y = 1 and with y = 0 (every y is 0 or 1), from which the binomial
 * deviance at a common μ follows.
 */
interface ResponseSums {
  ones: number;
  zeros: number;
}

/** The binomial deviance Σ 2 W (y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))) at a common μ. */
function devianceAt(sums: ResponseSums, mu: number): number {
  // The unit deviances of y = 1 and y = 0 are the same for every row.
  const one = yLogY(1, mu) + yLogY(0, 1 - mu);
  const zero = yLogY(0, mu) + yLogY(1, 1 - mu);
  return 2 * (sums.ones * one + sums.zeros * zero);
}

/** What the intercept-only fit leaves behind (R's glm object, as far as svyciprop uses it). */
interface InterceptFit {
  coef: number;
  /** Fitted mean. */
  mu: number;
  /** Deviance at the fit. */
  deviance: number;
  /**
   * Working weights of the last IRLS iteration (R's `glm$weights`), per row of the design, when
   * the fit stopped after its first iteration; else `null`: they are then `commonWeight` · W.
   */
  workingWeights: Float64Array | null;
  /** The working weight per unit prior weight of an iteration on the common linear predictor. */
  commonWeight: number;
  /** Their sum: 1 / R's `summary(glm)$cov.unscaled`. */
  sumWorkingWeights: number;
  /** Σ W by response. */
  sums: ResponseSums;
}

/** R's logit link internals at eta: the inverse link μ and its derivative dμ/dη. */
function linkAt(eta: number): { mu: number; muEta: number } {
  // linkinv and muEta share exp(eta) (R's family.c computes it in each).
  const e = Math.exp(eta);
  const t = eta < MTHRESH ? DBL_EPSILON : eta > THRESH ? INVEPS : e;
  const opexp = 1 + e;
  return {
    mu: t / (1 + t),
    muEta: eta > THRESH || eta < MTHRESH ? DBL_EPSILON : e / (opexp * opexp),
  };
}

/**
 * The model's rows: the analysis rows, with prior weights W = w / (mean w over the domain) and the
 * response y (0 where W is 0, as R's binomial initialize sets it). Passes go over the design's
 * rows; the rows as arrays of their own are made only for what needs them.
 */
interface ModelRows {
  present: Uint8Array;
  weights: Float64Array;
  yFull: Float64Array;
  meanDomain: number;
  /** Number of rows. */
  m: number;
  /** The rows' indices, prior weights and responses, as arrays (made on first call). */
  arrays(): { rows: Int32Array; y: Float64Array; W: Float64Array };
}

/**
 * The first IRLS iteration, from every row's own starting value μ = (W y + 0.5)/(W + 1) (R's
 * mustart), η = log(μ / (1 − μ)): Σ of the working weights W μ'(η)² / (μ(1 − μ)) and of them
 * times the working response, the deviance at the start, Σ W by response; with `ww`, each row's
 * working weight. Inside R's thresholds (|η| ≤ 30) R's linkinv(η) and μ'(η) are μ and μ(1 − μ)
 * up to rounding: they are taken as such (two logarithms per row, not five transcendentals).
 */
function firstStep(model: ModelRows, ww: Float64Array | null) {
  const { present, weights, yFull, meanDomain } = model;
  let devold = 0;
  let num = 0;
  let sumWW = 0;
  let ones = 0;
  let zeros = 0;
  for (let i = 0; i < present.length; i++) {
    if (present[i] === 0) continue;
    const Wi = weights[i]! / meanDomain;
    const yi = Wi === 0 ? 0 : yFull[i]!;
    if (yi === 1) ones += Wi;
    else zeros += Wi;
    const start = (Wi * yi + 0.5) / (Wi + 1);
    const eta = Math.log(start / (1 - start));
    let mu = start;
    let me = start * (1 - start);
    if (eta < MTHRESH || eta > THRESH) ({ mu, muEta: me } = linkAt(eta));
    devold += 2 * Wi * (yi === 1 ? Math.log(1 / mu) : Math.log(1 / (1 - mu)));
    if (!(Wi > 0) || me === 0) continue;
    const wi = (Wi * me * me) / (mu * (1 - mu));
    if (ww !== null) ww[i] = wi;
    num += wi * (eta + (yi - mu) / me);
    sumWW += wi;
  }
  return { devold, num, sumWW, sums: { ones, zeros } };
}

/**
 * R's `glm.fit` for `y ~ 1`, family quasibinomial, prior weights W, y 0 or 1: IRLS from R's
 * starting values `(W y + 0.5)/(W + 1)` until the relative change of the deviance is below 1e-8
 * (or 25 iterations). The first iteration starts from every row's own linear predictor (one pass
 * over the rows, {@link firstStep}); after it every row shares the linear predictor η, so an
 * iteration is η + (ȳ − μ)/μ'(η) with ȳ = Σ W y / Σ W, and the deviance is a function of Σ W by
 * response: no further pass. The last working weights come from the iterate before the final
 * one, as in R.
 */
function fitIntercept(model: ModelRows): InterceptFit {
  const first = firstStep(model, null);
  const { sums } = first;
  let { devold, sumWW } = first;
  const sumW = sums.ones + sums.zeros;
  const ybar = sums.ones / sumW;
  let coef = first.num / sumWW;
  let dev = devianceAt(sums, linkAt(coef).mu);
  let fromFirst = true;
  let common = Number.NaN;
  for (let iter = 2; iter <= 25; iter++) {
    if (Math.abs(dev - devold) / (Math.abs(dev) + 0.1) < 1e-8) break;
    devold = dev;
    // Every row shares eta now: the weighted least squares step on the sums.
    const { mu, muEta: me } = linkAt(coef);
    common = me === 0 ? 0 : (me * me) / (mu * (1 - mu));
    sumWW = common * sumW;
    coef = me === 0 ? Number.NaN : coef + (ybar - mu) / me;
    fromFirst = false;
    dev = devianceAt(sums, linkAt(coef).mu);
  }
  let workingWeights: Float64Array | null = null;
  if (fromFirst) {
    // Stopped after the first iteration: its working weights, row by row.
    workingWeights = new Float64Array(model.present.length);
    firstStep(model, workingWeights);
  }
  return {
    coef,
    mu: linkAt(coef).mu,
    deviance: dev,
    workingWeights,
    commonWeight: common,
    sumWorkingWeights: sumWW,
    sums,
  };
}

/**
 * The `'logit'` and `'likelihood'` intervals: R's `confint.svyglm` for the intercept of
 * `svyglm(y ~ 1, design, family = quasibinomial)`, transformed with `expit`.
 */
function glmInterval(
  a: Analysis,
  yFull: Float64Array,
  level: number,
  df: number,
  method: 'logit' | 'likelihood',
  sums: ReplicateSums | null,
): [number, number] {
  const { design, present } = a;
  const weights = design.weights;
  const domain = design.domain;
  // svyglm rescales the weights by their mean over the design's rows (the domain, including rows
  // the model then drops for a missing response). Without missing responses those are the
  // analysis rows, whose Σ w the scan made (the same additions in the same order).
  const domainRows = a.n + a.nMissing;
  let domainSum = a.sumW;
  if (a.nMissing > 0) {
    domainSum = 0;
    for (let i = 0; i < weights.length; i++) {
      if (domain !== null && !domain[i]) continue;
      domainSum += weights[i]!;
    }
  }
  const meanDomain = domainSum / domainRows;
  const m = a.n;
  let arrays: ReturnType<ModelRows['arrays']> | null = null;
  const model: ModelRows = {
    present,
    weights,
    yFull,
    meanDomain,
    m,
    arrays() {
      if (arrays === null) {
        const rows = new Int32Array(m);
        const y = new Float64Array(m);
        const W = new Float64Array(m);
        for (let i = 0, k = 0; i < present.length; i++) {
          if (!present[i]) continue;
          rows[k] = i;
          W[k] = weights[i]! / meanDomain;
          y[k] = W[k] === 0 ? 0 : yFull[i]!; // binomial()$initialize: y[weights == 0] <- 0
          k++;
        }
        arrays = { rows, y, W };
      }
      return arrays;
    },
  };
  const fit = fitIntercept(model);

  const varCoef =
    design.type === 'replicate'
      ? replicateCoefficientVariance(design, a, model, fit.coef, sums)
      : linearizedCoefficientVariance(design, a, model, fit);
  const seCoef = Math.sqrt(varCoef);

  if (method === 'logit') {
    if (!(df > 0)) return [Number.NaN, Number.NaN];
    // R: tlevel = 1 − 2 pnorm(q), then confint.default's qnorm((1 − tlevel)/2) = q, q = qt(α/2, df).
    const q = qt((1 - level) / 2, df);
    return [expit(fit.coef + seCoef * q), expit(fit.coef - seCoef * q)];
  }

  // confint.svyglm(method = "likelihood")
  if (!(df > 0)) return [Number.NaN, Number.NaN];
  const lambda = varCoef / (1 / fit.sumWorkingWeights);
  // R: alpha = pnorm(x)/2 and cutoffs ±qnorm(2 alpha), which is ±x; x is used directly, as
  // qnorm(pnorm(x)) only adds rounding (and qnorm's far tail is less accurate than pnorm's).
  const x = qt((1 - level) / 2, df) * Math.sqrt(lambda);
  const alpha = pnorm(x) / 2;

  // MASSprofile_glm: the dispersion from summary.svyglm / summary.svrepglm.
  const { rows, y, W } = model.arrays();
  let presentSum = 0;
  for (let k = 0; k < m; k++) presentSum += weights[rows[k]!]!;
  const meanPresent = presentSum / m;
  const dispersion =
    design.type === 'replicate'
      ? replicateDispersion(weights, rows, y, W, fit.mu)
      : linearizedDispersion(weights, rows, y, W, fit.mu, meanPresent);

  if (!(seCoef > ROUND_OFF_SE * Math.max(1, Math.abs(fit.coef)))) {
    // Every profile step is then the fit itself: R stops in approx() ("need at least two non-NA
    // values to interpolate"); or, with a variance that is round-off between the fits (e.g. a
    // replicate design with mse whose replicates all give the same share), R's "interval" is
    // round-off too, its upper limit below the estimate.
    throw new EstimationError(
      'PROFILE_FAILED',
      `the standard error of the logit of "${a.variable}" is ${seCoef}${seCoef > 0 ? ' (round-off)' : ''}, so its likelihood cannot be profiled`,
      { variable: a.variable },
    );
  }
  // zmax = sqrt(qf(alpha, 1, n − 1, lower.tail = FALSE)) = the t(n − 1) quantile at 1 − alpha/2.
  const zmax = -qt(alpha / 2, m - 1);
  const del = zmax / 5;
  const maxsteps = 10;
  const zs: number[] = [0];
  const bs: number[] = [fit.coef];
  for (const sgn of [-1, 1]) {
    let step = 0;
    let zz = 0;
    let zCur = 0;
    while (++step < maxsteps && Math.abs(zCur) < zmax) {
      const bi = fit.coef + sgn * step * del * seCoef;
      const dev = devianceAt(fit.sums, linkinv(bi));
      zz = (dev - fit.deviance) / dispersion;
      if (zz > -0.001) zz = Math.max(zz, 0);
      else {
        throw new EstimationError(
          'PROFILE_FAILED',
          `profiling the likelihood of "${a.variable}" found a better fit than the model's; the fit had not converged`,
          { variable: a.variable },
        );
      }
      zCur = sgn * Math.sqrt(zz);
      zs.push(zCur);
      bs.push(bi);
    }
  }
  const order = zs.map((_, k) => k).sort((i, j) => zs[i]! - zs[j]! || i - j);
  let limits: Float64Array;
  try {
    const sp = spline(
      order.map((k) => bs[k]!),
      order.map((k) => zs[k]!),
    );
    limits = approx(sp.y, sp.x, [x, -x]);
  } catch (e) {
    // A profile flat to rounding (a standard error at round-off level): R's approx() stops, or
    // interpolates round-off.
    if (e instanceof SurveyError && e.code === 'BAD_INTERPOLATION_INPUT') {
      throw new EstimationError(
        'PROFILE_FAILED',
        `the likelihood profile of "${a.variable}" is flat (${e.message})`,
        { variable: a.variable },
      );
    }
    throw e;
  }
  return [expit(limits[0]!), expit(limits[1]!)];
}

/**
 * svy.varcoef: the linearized variance of the intercept (influence = working residual × working
 * weight / Σ working weights). After a first iteration the working weights are a common multiple
 * c of the prior weights W = w / mean w, so the influence is c (y − μ) w / (mean w · μ'(η) · Σ
 * working weights): summed per PSU in one pass over the rows.
 */
function linearizedCoefficientVariance(
  design: SurveyDesign,
  a: Analysis,
  model: ModelRows,
  fit: InterceptFit,
): number {
  const meF = muEta(fit.coef);
  if (fit.workingWeights === null) {
    // Rows of weight 0 (whose model y may differ from yFull) add 0 either way.
    const factor = fit.commonWeight / (model.meanDomain * meF * fit.sumWorkingWeights);
    const influence = shareInfluence(a, model.yFull, factor, fit.mu);
    return estimateVariance(design, influence, a.present)[0]!;
  }
  const ww = fit.workingWeights;
  const { rows, y } = model.arrays();
  const infl = new Float64Array(a.present.length);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    infl[i] = (((y[k]! - fit.mu) / meF) * ww[i]!) / fit.sumWorkingWeights;
  }
  return estimateVariance(design, denseInfluence([infl]), a.present)[0]!;
}

/**
 * svyglm.svyrep.design: the intercept refitted by `glm.fit` with each replicate's weights
 * (normalised to sum 1, started at the full-sample coefficient), and R's `svrVar` of the
 * refits (R's `cov.unscaled` of an svrepglm). The refits need only each replicate's weighted
 * share of successes, which one blocked pass over the replicate weights gives.
 * @throws {EstimationError} `EMPTY_REPLICATE` when a replicate has no weight on the model's rows
 *   (R stops in glm.fit with "NAs in V(mu)").
 */
function replicateCoefficientVariance(
  design: ReplicateDesign,
  a: Analysis,
  model: ModelRows,
  beta0: number,
  shared: ReplicateSums | null,
): number {
  const { rows, y } = model.arrays();
  const yAll = model.yFull;
  // The response as the model sees it (y set to 0 where the full-sample weight is 0, as R's
  // binomial initialize does): the sums of svymean's indicator serve unless that changed a row.
  let sums = shared;
  if (sums === null || rows.some((i, k) => y[k] !== yAll[i]!)) {
    const yModel = new Float64Array(a.present.length);
    for (let k = 0; k < rows.length; k++) yModel[rows[k]!] = y[k]!;
    sums = replicateWeightedSumsMany(design, [yModel, null], a.present);
  }
  const reps = sums.reps.map((s, r) => {
    const total = s[1]!;
    if (!(total > 0)) {
      throw new EstimationError(
        'EMPTY_REPLICATE',
        `replicate ${r + 1} has no weight on the respondents with "${a.variable}" in the domain, so the model cannot be refitted with it (R: "NAs in V(mu)")`,
        { variable: a.variable, replicate: r + 1 },
      );
    }
    return Float64Array.of(refitIntercept(s[0]! / total, beta0));
  });
  return replicateCovariance(design, Float64Array.of(beta0), reps)[0]!;
}

/**
 * R's `glm.fit` for `y ~ 1`, family quasibinomial, with weights summing to 1 and `start` = beta0:
 * every row shares the linear predictor, so an IRLS step is eta + (ȳ − μ)/μ'(eta) with ȳ the
 * weighted share of successes, and the deviance is 2 (ȳ log(1/μ) + (1 − ȳ) log(1/(1 − μ))).
 * Stops as R does (relative change of the deviance below 1e-8, or 25 iterations).
 */
function refitIntercept(ybar: number, beta0: number): number {
  const deviance = (mu: number): number =>
    2 * (ybar > 0 ? ybar * Math.log(1 / mu) : 0) +
    2 * (ybar < 1 ? (1 - ybar) * Math.log(1 / (1 - mu)) : 0);
  let eta = beta0;
  let mu = linkinv(eta);
  let devold = deviance(mu);
  for (let iter = 1; iter <= 25; iter++) {
    eta = eta + (ybar - mu) / muEta(eta);
    mu = linkinv(eta);
    const dev = deviance(mu);
    if (Math.abs(dev - devold) / (Math.abs(dev) + 0.1) < 1e-8) break;
    devold = dev;
  }
  return eta;
}

/**
 * summary.svyglm's dispersion: R's `svyvar` of the Pearson residuals
 * (y − μ) √(prior / pw) / √(μ(1 − μ)), pw the sampling weights over their mean.
 */
function linearizedDispersion(
  weights: Float64Array,
  rows: Int32Array,
  y: Float64Array,
  W: Float64Array,
  mu: number,
  meanPresent: number,
): number {
  const m = rows.length;
  let nPositive = 0;
  let sw = 0;
  let swr = 0;
  const r = new Float64Array(m);
  const sdMu = Math.sqrt(mu * (1 - mu));
  for (let k = 0; k < m; k++) {
    const wk = weights[rows[k]!]!;
    if (wk === 0) continue;
    nPositive++;
    const pw = wk / meanPresent;
    r[k] = ((y[k]! - mu) * Math.sqrt(W[k]! / pw)) / sdMu;
    sw += wk;
    swr += wk * r[k]!;
  }
  const rbar = swr / sw;
  let dispersion = 0;
  for (let k = 0; k < m; k++) {
    const wk = weights[rows[k]!]!;
    if (wk === 0) continue;
    const d = r[k]! - rbar;
    dispersion += (wk * ((d * d * nPositive) / (nPositive - 1))) / sw;
  }
  return dispersion;
}

/**
 * summary.svrepglm's dispersion: Σ pw r² / Σ pw with Pearson residuals
 * r = (y − μ) √prior / (√(μ(1 − μ)) √(pw / mean pw)), pw the sampling weights of the model's rows
 * (rows of weight 0 give 0/0 and are dropped, as R's `na.rm = TRUE`): survey 4.3's residuals.
 * survey 4.1.1 divides by √(pw / Σ pw), which makes the dispersion about n times too large.
 */
function replicateDispersion(
  weights: Float64Array,
  rows: Int32Array,
  y: Float64Array,
  W: Float64Array,
  mu: number,
): number {
  const m = rows.length;
  let total = 0;
  for (let k = 0; k < m; k++) total += weights[rows[k]!]!;
  const mean = total / m;
  const sdMu = Math.sqrt(mu * (1 - mu));
  let s = 0;
  for (let k = 0; k < m; k++) {
    const pw = weights[rows[k]!]!;
    if (pw === 0) continue;
    const r = ((y[k]! - mu) * Math.sqrt(W[k]!)) / (sdMu * Math.sqrt(pw / mean));
    s += pw * r * r;
  }
  return s / total;
}
