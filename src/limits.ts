/**
 * Limits on the work one call may take on, beyond the data readers' own (CSV and SPSS options
 * of the same kind): a size known before the memory or the time is spent — the estimates whose
 * joint covariance a call computes, the replicate weights a design stores, the columns of a
 * calibration model, the pixels of a PNG — is checked against a limit, and a call beyond one is
 * a `TOO_LARGE` error of the caller's error class, naming the limit, the value and the option
 * that raises it (`details`: `value`, `limit`, `option`). The defaults leave any realistic poll
 * far below them; `Infinity` lifts a limit.
 * @module
 */

/** The default limits (each the option of the same name, where the functions take it). */
export const DEFAULT_LIMITS = {
  /**
   * Estimates whose joint covariance one call computes (svyMean / svyTotal: the levels of its
   * categorical variables plus its numeric ones; svyBy: its rows; an n-way svyTable: its cells):
   * the matrix has this many squared entries, each a pass over the PSUs.
   */
  maxCovariance: 1_000,
  /** Replicates of a replicate-weight design (the degrees of freedom take replicates² memory). */
  maxReplicates: 5_000,
  /** Replicate weights a design stores: replicates × rows. */
  maxReplicateWeights: 2 ** 27,
  /** Columns of a calibration model (its solve takes time growing as their cube). */
  maxModelColumns: 500,
  /**
   * Columns of a banner table (the Total and every level of the banner variables): each row's
   * letters compare every pair of a variable's columns through their joint covariance.
   */
  maxBannerColumns: 200,
  /**
   * Cells of a table (the product of its variables' level counts: a two-way svyTable's two
   * numbers each) and level combinations of svyBy's grouping variables (a few counters each).
   */
  maxCells: 2 ** 24,
  /** Pixels of a PNG (4 bytes each while it is drawn). */
  maxPixels: 2 ** 26,
} as const;

/** The name of a limit. */
export type LimitName = keyof typeof DEFAULT_LIMITS;

const fmt = (x: number) => x.toLocaleString('en-US');

/**
 * The message of a `TOO_LARGE` error: `what` would need `value`, more than the limit, and how
 * to raise it.
 * @example
 * ```ts
 * console.log(tooLargeMessage('svyMean: a covariance of', 3000, 'estimates', 'maxCovariance', 1000)); // => svyMean: a covariance of 3,000 estimates is more than the maxCovariance limit of 1,000; if that is what you want, raise it with { maxCovariance: n }
 * ```
 */
export function tooLargeMessage(
  what: string,
  value: number,
  unit: string,
  option: LimitName,
  limit: number,
): string {
  return (
    `${what} ${fmt(value)} ${unit} is more than the ${option} limit of ${fmt(limit)}; ` +
    `if that is what you want, raise it with { ${option}: n }`
  );
}

/**
 * A limit from an option: the default when it is not given; a positive integer or `Infinity`
 * else `bad(message)` is thrown.
 * @example
 * ```ts
 * const bad = (m: string) => new Error(m);
 * console.log(limitOption('maxPixels', undefined, bad), limitOption('maxPixels', 100, bad), limitOption('maxPixels', Infinity, bad)); // => 67108864 100 Infinity
 * ```
 */
export function limitOption(
  name: LimitName,
  value: unknown,
  bad: (message: string) => Error,
): number {
  if (value === undefined) return DEFAULT_LIMITS[name];
  if (
    typeof value !== 'number' ||
    !(value >= 1) ||
    (!Number.isInteger(value) && value !== Number.POSITIVE_INFINITY)
  ) {
    throw bad(`${name} must be a positive integer (or Infinity); got ${String(value)}`);
  }
  return value;
}
