/**
 * The cap on the estimates whose joint covariance one call computes (`maxCovariance`, default
 * 1,000): the matrix has their number squared entries, each a sum over the PSUs, so a variable
 * with thousands of levels (an identifier, open text), a table of thousands of cells or a svyBy
 * of thousands of rows would take gigabytes or minutes. Checked before the work starts.
 * @module
 */
import { EstimationError } from '../errors.js';
import { limitOption, tooLargeMessage } from '../limits.js';

/**
 * The `maxCovariance` limit from an option (default 1,000; a positive integer or `Infinity`).
 * @throws {EstimationError} `BAD_OPTION`.
 * @example
 * ```ts
 * console.log(covarianceLimit(undefined), covarianceLimit(5000)); // => 1000 5000
 * ```
 */
export function covarianceLimit(value: unknown): number {
  return limitOption(
    'maxCovariance',
    value,
    (message) => new EstimationError('BAD_OPTION', message, { option: 'maxCovariance', value }),
  );
}

/**
 * Throws `TOO_LARGE` when `p` estimates (of `what`) are more than `limit`.
 * @throws {EstimationError} `TOO_LARGE` naming the limit and the option that raises it.
 * @example
 * ```ts
 * let code = '';
 * try { checkCovariance('svyMean of "id" (3,000 levels)', 3000, 1000); } catch (e) { code = (e as EstimationError).code; }
 * console.log(code); // => TOO_LARGE
 * ```
 */
export function checkCovariance(what: string, p: number, limit: number, variable?: string): void {
  if (p <= limit) return;
  throw new EstimationError(
    'TOO_LARGE',
    `${tooLargeMessage(`${what}: a joint covariance of`, p, 'estimates', 'maxCovariance', limit)} (its size and time grow as the square of the estimates)`,
    { value: p, limit, option: 'maxCovariance', variable },
  );
}
