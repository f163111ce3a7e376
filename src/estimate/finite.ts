/**
 * Estimates that carry the weights' unit (totals), multiplied back from a design computed on
 * scaled weights (see {@link workingDesign}), and the check that no estimate or standard error
 * is infinite: a result beyond the range of double-precision numbers is the typed error
 * `NON_FINITE_RESULT`, never a silent `Infinity` (or a `NaN` made from one).
 * @module
 */
import { ldexp } from '../design/scale.js';
import { EstimationError } from '../errors.js';
import type { Influence } from '../variance/influence.js';
import type { EstimateTable } from './estimate-table.js';
import { type InfluenceBlock, linkRow, rowLink } from './influence-rows.js';
import type { Estimate } from './types.js';

/** Whether x is +Infinity or -Infinity. */
function infinite(x: number): boolean {
  return x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY;
}

/**
 * Throws `NON_FINITE_RESULT` when an estimate is infinite or NaN, or its standard error is
 * infinite (a NaN standard error, e.g. of a single PSU under lonely-PSU 'certainty', is left as R
 * leaves it).
 * @param rows - The estimator's rows.
 * @param estimator - Its name, for the message (e.g. `'svyTotal'`).
 * @example
 * ```ts
 * const row = { variable: 'y', estimate: Infinity, se: 1, ci: [0, 1] as [number, number], n: 2, nMissing: 0 };
 * let code = '';
 * try {
 *   checkFinite([row], 'svyTotal');
 * } catch (e) {
 *   code = (e as SurveyError).code;
 * }
 * console.log(code); // => NON_FINITE_RESULT
 * ```
 */
export function checkFinite(rows: readonly Estimate[], estimator: string): void {
  for (const r of rows) {
    const what =
      infinite(r.estimate) || Number.isNaN(r.estimate)
        ? 'estimate'
        : infinite(r.se)
          ? 'standard error'
          : null;
    if (what === null) continue;
    throw nonFiniteResult(
      estimator,
      r.variable,
      r.level,
      what,
      what === 'estimate' ? r.estimate : r.se,
    );
  }
}

/**
 * The `NON_FINITE_RESULT` error for an estimator's result that overflowed.
 * @param estimator - The estimator's name.
 * @param variable - The variable estimated.
 * @param level - Its level, if any.
 * @param what - What overflowed (`'estimate'`, `'standard error'`, `'statistic'`).
 * @param value - The value it came out as.
 * @example
 * ```ts
 * console.log(nonFiniteResult('svyTotal', 'y', undefined, 'estimate', Infinity).code); // => NON_FINITE_RESULT
 * ```
 */
export function nonFiniteResult(
  estimator: string,
  variable: string,
  level: string | undefined,
  what: string,
  value: number,
): EstimationError {
  const name = level === undefined ? `"${variable}"` : `"${variable}" = "${level}"`;
  return new EstimationError(
    'NON_FINITE_RESULT',
    `${estimator}: the ${what} for ${name} is ${value}: it exceeds the range of double-precision numbers (about 1.8e308); the weights or values are too large for this result to be represented: rescale them (e.g. weights in thousands) or estimate a mean or share instead`,
    { estimator, variable, level, what, value },
  );
}

/** Influence values times f. */
function scaledInfluence(inner: Influence, f: number): Influence {
  return {
    p: inner.p,
    ...(inner.present ? { present: inner.present } : {}),
    sumByCluster(rowCluster, totals, mark) {
      const seen = inner.sumByCluster(rowCluster, totals, mark);
      for (let j = 0; j < totals.length; j++) totals[j] = totals[j]! * f;
      return seen;
    },
    dense() {
      return inner.dense().map((c) => c.map((v) => v * f));
    },
  };
}

/**
 * A table of totals computed on weights times 2^-k, in the weights' own unit: estimates,
 * standard errors and intervals times 2^k, covariance times 4^k, and the rows' links (used by
 * {@link svyContrast}) to influence values times 2^k. Returns the table itself (changed in place).
 * @param table - The rows of one estimator call (all in the weights' unit).
 * @param k - The exponent (0: nothing to do).
 * @example
 * ```ts
 * const t = svyTotal(svyDesign(fromColumns({ y: [1, 2, 3, 4] })), 'y');
 * console.log(rescaleTotals(t, 1000)[0].estimate === 10 * 2 ** 1000); // => true
 * ```
 */
export function rescaleTotals(table: EstimateTable, k: number): EstimateTable {
  if (k === 0) return table;
  const f = ldexp(1, k);
  const blocks = new Map<InfluenceBlock, InfluenceBlock>();
  for (const r of table) {
    r.estimate = ldexp(r.estimate, k);
    r.se = ldexp(r.se, k);
    r.ci = [ldexp(r.ci[0], k), ldexp(r.ci[1], k)];
    const link = rowLink(r);
    if (link === undefined) continue;
    let block = blocks.get(link.block);
    if (block === undefined) {
      const b = link.block;
      const reps = b.replicates;
      block = {
        ...b,
        covariance: b.covariance.map((v) => ldexp(v, 2 * k)),
        influence: b.influence === null ? null : scaledInfluence(b.influence, f),
        replicates: reps
          ? { full: reps.full.map((v) => v * f), reps: reps.reps.map((x) => x.map((v) => v * f)) }
          : reps,
      };
      blocks.set(b, block);
    }
    linkRow(r, { block, index: link.index });
  }
  const cov = table.covariance;
  for (let j = 0; j < cov.length; j++) cov[j] = ldexp(cov[j]!, 2 * k);
  return table;
}
