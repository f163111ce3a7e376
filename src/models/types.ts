/**
 * What the model functions return.
 * @module
 */
import type { FamilyName, LinkName } from './family.js';

/** One coefficient of a model, as a row of R's `summary()` table with its `confint()`. */
export interface Coefficient {
  /** The coefficient's name as R names it: `'(Intercept)'`, `'stypeH'`, `'stypeH:ell'`, `'1|2'`. */
  term: string;
  /** The term of the formula it belongs to (`'stype'` for `'stypeH'`; `'(Intercept)'`; for a cutpoint its name). */
  modelTerm: string;
  /** The estimate. */
  estimate: number;
  /** Its design-based standard error. */
  se: number;
  /** estimate / se (R's `t value`). */
  statistic: number;
  /** Two-sided p-value of the t statistic on the fit's degrees of freedom. */
  pValue: number;
  /** Confidence interval estimate ± t(df) · se at the fit's level. */
  ci: [number, number];
  /**
   * With `aliased: 'drop'`: `true` for a column that is a linear combination of the columns
   * before it, left out of the fit (R's NA coefficient); its numbers are NaN.
   */
  aliased?: boolean;
}

/** A categorical predictor of a model and its levels, in order (the first is the reference). */
export interface FactorLevels {
  /** The variable. */
  variable: string;
  /** Its levels among the model's respondents. */
  levels: string[];
}

/** Options of `svyGlm`. */
export interface GlmOptions {
  /** The family (with its canonical link); default `'gaussian'`. */
  family?: FamilyName;
  /** Confidence level of the coefficients' intervals, default 0.95. */
  level?: number;
  /**
   * Degrees of freedom of the t tests and intervals: `'design'` (default, R's `df.residual`: the
   * design's degrees of freedom + 1 − the number of coefficients), a number, or `Infinity`
   * (normal quantiles).
   */
  df?: number | 'design';
  /**
   * A column of the model matrix that is a linear combination of the columns before it (e.g.
   * a level that coincides with a level of another factor): `'error'` (default) throws
   * `RANK_DEFICIENT` naming it and the combination; `'drop'` leaves it out as R does, reported
   * with NaN numbers and `aliased: true` (predictions treat its coefficient as 0).
   */
  aliased?: 'error' | 'drop';
  /**
   * For a categorical outcome with more than two levels: the level (or levels) counted as 1,
   * every other level 0 (R: `svyglm(I(y %in% success) ~ ...)`). A binomial family is needed.
   */
  success?: string | readonly string[];
}

/** A survey-weighted generalised linear model (R's `svyglm`). */
export interface GlmFit {
  /** The formula, as given. */
  formula: string;
  /** The family. */
  family: FamilyName;
  /** Its link: `'identity'`, `'logit'` or `'log'`. */
  link: LinkName;
  /** The coefficients, in R's order. */
  coefficients: Coefficient[];
  /** Their design-based covariance matrix (R's `vcov`), in the same order. */
  vcov: number[][];
  /** Degrees of freedom of the tests and intervals (R's `df.residual` by default). */
  df: number;
  /** The design's degrees of freedom on the model's rows (R's `degf`). */
  designDf: number;
  /** Respondents the model used: in the domain, with every model variable. */
  n: number;
  /** Respondents in the domain left out for a missing value in a model variable. */
  nMissing: number;
  /** R's `summary(fit)$dispersion`: the weighted variance of the Pearson residuals. */
  dispersion: number;
  /** The terms of the formula, R's `term.labels`. */
  terms: string[];
  /** The categorical predictors and the levels the model used (the first is the reference). */
  factorLevels: FactorLevels[];
  /** Confidence level of the intervals. */
  level: number;
  /** Iterations of the fit (R's `iter`). */
  iterations: number;
  /** What R would have warned about (e.g. replicates whose fit failed and were dropped). */
  warnings: string[];
}

/** A row of a prediction: the predicted value with its standard error. */
export interface Prediction {
  /** The prediction, on the scale asked for. */
  estimate: number;
  /** Its standard error (from the coefficients' covariance). */
  se: number;
  /** estimate ± q · se (normal quantiles unless `df` is given, as R's `confint` of a prediction). */
  ci: [number, number];
}

/** A Wald test of model terms (R's `regTermTest`). */
export interface TermTest {
  /** The terms tested. */
  terms: string[];
  /** The F statistic, Wald χ² / ndf (with `ddf = Infinity`: the χ² itself). */
  statistic: number;
  /** The Wald χ² statistic βᵀ V⁻¹ β. */
  chisq: number;
  /** Numerator degrees of freedom: the number of coefficients tested. */
  ndf: number;
  /** Denominator degrees of freedom (the fit's residual df by default). */
  ddf: number;
  /** The p-value: F(ndf, ddf) upper tail, or χ²(ndf) when `ddf` is infinite. */
  pValue: number;
}

/** A proportional-odds (cumulative logit) model (R's `svyolr`). */
export interface OlrFit {
  /** The formula, as given. */
  formula: string;
  /** The outcome's levels, in order (those its respondents use). */
  levels: string[];
  /** The coefficients of the predictors (no intercept: the cutpoints play its part). */
  coefficients: Coefficient[];
  /** The cutpoints ζ between adjacent levels, named `'low|next'` as R names them. */
  cutpoints: Coefficient[];
  /** Covariance of the coefficients then the cutpoints (R's `vcov`). */
  vcov: number[][];
  /** Degrees of freedom of the tests and intervals (R's `df.residual`: design df − coefficients). */
  df: number;
  /** The design's degrees of freedom on the model's rows. */
  designDf: number;
  /** Respondents used. */
  n: number;
  /** Respondents in the domain left out for a missing value. */
  nMissing: number;
  /** The terms of the formula. */
  terms: string[];
  /** The categorical predictors and the levels the model used (the first is the reference). */
  factorLevels: FactorLevels[];
  /** Confidence level of the intervals. */
  level: number;
  /** Newton iterations of the fit. */
  iterations: number;
  /** What R would have warned about. */
  warnings: string[];
}
