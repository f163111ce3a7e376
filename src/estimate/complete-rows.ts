/**
 * The rows an estimate of several variables is computed on (a ratio's numerator and
 * denominator, a t test's variable and group): respondents in the domain with a value of every
 * one of them. As for one variable (see `prepare`), the others are left out as a domain and
 * counted, or are an error with `na: 'fail'`.
 * @module
 */
import type { Column } from '../data/types.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';

/** Respondents of the domain with a value of every variable. */
export interface CompleteRows {
  /** 1 for rows in the domain with a value of every variable. */
  readonly present: Uint8Array;
  /** Unweighted base: rows in `present`. */
  readonly n: number;
  /** Rows in the domain missing at least one of the variables. */
  readonly nMissing: number;
}

/**
 * One pass over the columns: the domain's rows with a value of each (numeric: not `NaN`;
 * categorical: a level).
 *
 * @throws {EstimationError} `MISSING_VALUES` with `na: 'fail'` (naming the first row and the
 *   variable it misses), `NON_FINITE_VALUE` (a numeric value ±Infinity on a row used),
 *   `EMPTY_DOMAIN` when no respondent of the domain has every value.
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, null, 3, 4], x: [2, 2, null, 1] });
 * const rows = completeRows(svyDesign(data), [data.columns.y, data.columns.x]);
 * console.log(Array.from(rows.present), rows.n, rows.nMissing); // => [ 1, 0, 0, 1 ] 2 2
 * ```
 */
export function completeRows(
  design: SurveyDesign,
  columns: readonly Column[],
  opts: { na?: 'omit' | 'fail' } = {},
): CompleteRows {
  const nrow = design.data.nrow;
  const domain = design.domain;
  const present = new Uint8Array(nrow);
  let n = 0;
  let nMissing = 0;
  let firstMissing = -1;
  let firstVariable = '';
  for (let i = 0; i < nrow; i++) {
    if (domain !== null && domain[i] === 0) continue;
    let missing: Column | null = null;
    for (const c of columns) {
      if (c.kind === 'numeric' ? Number.isNaN(c.values[i]!) : c.codes[i]! < 0) {
        missing = c;
        break;
      }
    }
    if (missing !== null) {
      if (nMissing++ === 0) {
        firstMissing = i;
        firstVariable = missing.name;
      }
      continue;
    }
    for (const c of columns) {
      if (c.kind === 'numeric' && !Number.isFinite(c.values[i]!)) {
        const value = c.values[i]!;
        throw new EstimationError(
          'NON_FINITE_VALUE',
          `variable "${c.name}" is ${value} at row ${i + 1}; this estimate needs finite values (recode it, or set it to missing)`,
          { variable: c.name, row: i + 1, value },
        );
      }
    }
    present[i] = 1;
    n++;
  }
  const names = columns.map((c) => `"${c.name}"`).join(' and ');
  if (nMissing > 0 && opts.na === 'fail') {
    throw new EstimationError(
      'MISSING_VALUES',
      `${nMissing} respondent(s) in the domain have no value of ${names} (the first, at row ${firstMissing + 1}, of "${firstVariable}"); use na: 'omit' to exclude them`,
      { variable: firstVariable, row: firstMissing + 1, count: nMissing },
    );
  }
  if (n === 0) {
    throw new EstimationError(
      'EMPTY_DOMAIN',
      nMissing > 0
        ? `no respondent in the domain has a value of ${names} (${nMissing} miss one)`
        : `the domain has no respondents, so ${names} cannot be estimated`,
      { variable: columns.map((c) => c.name).join('+'), nMissing },
    );
  }
  return { present, n, nMissing };
}
