/**
 * The GLM families of `svyGlm`, computed exactly as R's `stats` computes them (the logit link's
 * thresholds at ±30 included), so that the fitting iterations follow R's step for step.
 * @module
 */

/** A family name as `svyGlm` takes it. */
export type FamilyName = 'gaussian' | 'binomial' | 'quasibinomial' | 'poisson' | 'quasipoisson';

/** The link functions of the families. */
export type LinkName = 'identity' | 'logit' | 'log';

/** The family names, in the order the documentation lists them. */
export const FAMILIES: readonly FamilyName[] = [
  'gaussian',
  'binomial',
  'quasibinomial',
  'poisson',
  'quasipoisson',
];

/** Link kinds as small integers, for the kernels' inner loops. */
export const IDENTITY = 0;
export const LOGIT = 1;
export const LOG = 2;

/** The canonical link of each family. */
export function linkOf(family: FamilyName): LinkName {
  if (family === 'gaussian') return 'identity';
  if (family === 'poisson' || family === 'quasipoisson') return 'log';
  return 'logit';
}

/** The link as an integer ({@link IDENTITY}, {@link LOGIT}, {@link LOG}). */
export function linkCode(link: LinkName): number {
  return link === 'identity' ? IDENTITY : link === 'logit' ? LOGIT : LOG;
}

const EPS = Number.EPSILON;
const INVEPS = 1 / EPS;

/** R's `linkinv`. */
export function linkInverse(link: number, eta: number): number {
  if (link === IDENTITY) return eta;
  if (link === LOGIT) {
    const t = eta < -30 ? EPS : eta > 30 ? INVEPS : Math.exp(eta);
    return t / (1 + t);
  }
  return Math.max(Math.exp(eta), EPS);
}

/** R's `mu.eta`: the derivative of the inverse link. */
export function muEta(link: number, eta: number): number {
  if (link === IDENTITY) return 1;
  if (link === LOGIT) {
    const e = Math.exp(eta);
    const ope = 1 + e;
    return eta > 30 || eta < -30 ? EPS : e / (ope * ope);
  }
  return Math.max(Math.exp(eta), EPS);
}

/** R's `linkfun`. */
export function linkFunction(link: number, mu: number): number {
  if (link === IDENTITY) return mu;
  if (link === LOGIT) return Math.log(mu / (1 - mu));
  return Math.log(mu);
}

/** R's `variance(mu)` of the family with this link (gaussian 1, binomial μ(1−μ), poisson μ). */
export function varianceOf(link: number, mu: number): number {
  if (link === IDENTITY) return 1;
  if (link === LOGIT) return mu * (1 - mu);
  return mu;
}

/** R's `dev.resids(y, mu, wt)` for one row. */
export function devianceResidual(link: number, y: number, mu: number, wt: number): number {
  if (link === IDENTITY) {
    const d = y - mu;
    return wt * d * d;
  }
  if (link === LOGIT) {
    return 2 * wt * (yLogY(y, mu) + yLogY(1 - y, 1 - mu));
  }
  return y > 0 ? 2 * (wt * (y * Math.log(y / mu) - (y - mu))) : 2 * mu * wt;
}

function yLogY(y: number, u: number): number {
  return y !== 0 ? y * Math.log(y / u) : 0;
}

/** R's starting value `mustart` (the family's `initialize`) for one row with prior weight `wt`. */
export function muStart(link: number, y: number, wt: number): number {
  if (link === IDENTITY) return y;
  if (link === LOGIT) return (wt * y + 0.5) / (wt + 1);
  return y + 0.1;
}

/**
 * Whether an outcome value fits the family (R's `initialize` checks): binomial needs
 * 0 ≤ y ≤ 1, poisson y ≥ 0.
 */
export function outcomeFits(link: number, y: number): boolean {
  if (link === LOGIT) return y >= 0 && y <= 1;
  if (link === LOG) return y >= 0;
  return true;
}
