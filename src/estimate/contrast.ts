/**
 * `svyContrast`: a linear combination of estimates with its design-based standard error
 * (R's `svycontrast`).
 * @module
 */
import { EstimationError } from '../errors.js';
import { rowLabels } from './by.js';
import type { EstimateTable } from './estimate-table.js';
import { nonFiniteResult } from './finite.js';
import { jointCovariance, rowLink, sameDesign } from './influence-rows.js';
import { confidenceLevel, waldInterval } from './prepare.js';
import type { Estimate } from './types.js';

/** Options of {@link svyContrast}. */
export interface ContrastOptions {
  /** Confidence level of the interval, default 0.95. */
  level?: number;
  /** Degrees of freedom of the interval, default `Infinity` (normal quantiles, as R's `confint`). */
  df?: number;
  /** The result's `variable`, default `'contrast'`. */
  variable?: string;
  /**
   * Most rows whose joint covariance is computed when the rows do not carry theirs (default
   * 1,000; see `EstimateOptions.maxCovariance`).
   */
  maxCovariance?: number;
}

/**
 * The labels {@link svyContrast} knows rows by:
 * - an {@link EstimateTable}: its `labels` — of a svyBy table R's row names `'E'`, `'E.No'`, or
 *   coefficient names `'E:sch.wideYes'` when a group has several rows; of a svyMean / svyTotal
 *   call the levels (`'E'`) or, for several variables, R's coefficient names (`'api00'`,
 *   `'stypeE'`); of svyTable's n-way `counts` / `shares` the cell labels (`'E.Yes'`);
 * - other rows that all carry a `group` (e.g. a filtered table): the same scheme, for these rows;
 * - otherwise the rows' `level` (a categorical variable's levels, e.g. svyMean rows), or
 *   `variable` for rows without a level; if these repeat, R's coefficient names
 *   `<variable><level>` (e.g. `'stypeE'`); a label that still repeats gets `'[j]'` (1-based row).
 *
 * @param rows - Estimate rows, e.g. a {@link svyBy} table.
 * @example
 * ```ts
 * const data = fromColumns({ g: ['a', 'b', 'a', 'c'] });
 * console.log(contrastLabels(svyMean(svyDesign(data), 'g'))); // => [ 'a', 'b', 'c' ]
 * ```
 */
export function contrastLabels(rows: EstimateTable | readonly Estimate[]): string[] {
  const own = (rows as Partial<EstimateTable>).labels;
  if (Array.isArray(own) && own.length === rows.length) return [...own];
  if (rows.length > 0 && rows.every((r) => r.group !== undefined)) {
    return rowLabels(
      rows,
      rows.map((r) => Object.values(r.group!).join('.')),
    );
  }
  const short = rows.map((r) => r.level ?? r.variable);
  if (unique(short)) return short;
  const long = rows.map((r) => `${r.variable}${r.level ?? ''}`);
  if (unique(long)) return long;
  const seen = new Map<string, number>();
  for (const l of long) seen.set(l, (seen.get(l) ?? 0) + 1);
  return long.map((l, a) => (seen.get(l)! > 1 ? `${l}[${a + 1}]` : l));
}

function unique(labels: readonly string[]): boolean {
  return new Set(labels).size === labels.length;
}

/**
 * A linear combination Σ cᵢ θᵢ of estimates with standard error √(cᵀ V c) (R's
 * `svycontrast`), e.g. the difference between two groups of a {@link svyBy} table, or between
 * two levels' shares of a categorical svyMean.
 *
 * `coefficients` name rows by their labels (see {@link contrastLabels}; rows not named get 0),
 * or give one number per row. V is the table's `covariance` for an {@link EstimateTable} (svyBy,
 * svyMean / svyTotal of one or several variables, svyTable's cells), else
 * the covariance of the rows computed from their estimators' influence values (rows of one
 * svyMean/svyTotal call, or of several calls on domains of one design); on a replicate-weight
 * design, from their replicate estimates (R's `svycontrast` on `svyby(..., covmat = TRUE)` of
 * an `svyrep.design`: the covariance follows the design's `mse`).
 *
 * The result: `estimate`, `se`, `ci` (Wald, `level`, `df`), `statistic: 'contrast'`, and as
 * base `n` / `nMissing` the sum over the distinct groups (or estimator calls) involved.
 * A row with a `NaN` estimate (an empty group) makes the result `NaN`, as R's `NA`.
 *
 * @param rows - The estimates to combine: a table from {@link svyBy}, {@link svyMean} or
 *   {@link svyTotal}, or rows of one design.
 * @param coefficients - The weight of each row by its label (e.g. `{ E: 1, H: -1 }`; rows not named
 *   get 0), or one number per row.
 * @param opts - Confidence level and degrees of freedom of the interval, and the result's name: see
 *   {@link ContrastOptions}.
 * @throws {EstimationError} `UNKNOWN_LEVEL` (a label no row has; `details.valid` lists them),
 *   `BAD_OPTION` (wrong number of coefficients, non-finite coefficient, bad level or df),
 *   `DIFFERENT_DESIGNS` (rows estimated on different designs, e.g. a linearization design and
 *   a replicate design of the same data, or replicate designs with different replicates or mse),
 *   `NO_COVARIANCE` (the contrast needs the covariance of two rows whose estimator gave no
 *   influence values).
 * @example
 * ```ts
 * const data = fromColumns({ vote: ['yes', 'no', 'yes', 'yes', 'no', 'maybe'], w: [1, 2, 1, 1, 1, 2] });
 * const shares = svyMean(svyDesign(data, { weights: 'w' }), 'vote');
 * const lead = svyContrast(shares, { yes: 1, no: -1 });
 * console.log(lead.estimate.toFixed(4), lead.se.toFixed(4)); // => 0.0000 0.3873
 * ```
 */
export function svyContrast(
  rows: EstimateTable | readonly Estimate[],
  coefficients: Readonly<Record<string, number>> | readonly number[],
  opts: ContrastOptions = {},
): Estimate {
  const level = confidenceLevel(opts);
  const df = contrastDf(opts);
  const k = rows.length;
  const labels = contrastLabels(rows);
  const c = new Float64Array(k);
  if (Array.isArray(coefficients)) {
    const list = coefficients as readonly number[];
    if (list.length !== k) {
      throw new EstimationError(
        'BAD_OPTION',
        `${list.length} contrast coefficients for ${k} estimates (${labels.join(', ')})`,
        { value: list.length },
      );
    }
    list.forEach((x, a) => {
      c[a] = checkCoefficient(x, labels[a]!);
    });
  } else {
    const index = new Map(labels.map((l, a) => [l, a]));
    for (const [label, x] of Object.entries(coefficients as Record<string, number>)) {
      const a = index.get(label);
      if (a === undefined) {
        throw new EstimationError(
          'UNKNOWN_LEVEL',
          `no estimate labelled "${label}"; the labels are: ${labels.join(', ')}`,
          { level: label, valid: labels },
        );
      }
      c[a] = checkCoefficient(x, label);
    }
  }

  const used: number[] = [];
  for (let a = 0; a < k; a++) if (c[a] !== 0) used.push(a);

  let estimate = 0;
  for (const a of used) estimate += c[a]! * rows[a]!.estimate;
  const variance = Number.isNaN(estimate)
    ? Number.NaN
    : contrastVariance(rows, labels, used, c, opts.maxCovariance);
  const se = Math.sqrt(Math.max(variance, 0));
  const { n, nMissing } = contrastBase(rows, used);
  const name = opts.variable ?? 'contrast';
  if (estimate === Number.POSITIVE_INFINITY || estimate === Number.NEGATIVE_INFINITY)
    throw nonFiniteResult('svyContrast', name, undefined, 'estimate', estimate);
  if (se === Number.POSITIVE_INFINITY)
    throw nonFiniteResult('svyContrast', name, undefined, 'standard error', se);
  return {
    variable: name,
    statistic: 'contrast',
    estimate,
    se,
    ci: Number.isNaN(se) ? [Number.NaN, Number.NaN] : waldInterval(estimate, se, level, df),
    n,
    nMissing,
  };
}

/**
 * The degrees of freedom of a contrast's interval from its options (default `Infinity`).
 * @throws {EstimationError} `BAD_OPTION` for a df that is not a positive number.
 * @example
 * ```ts
 * console.log(contrastDf({}), contrastDf({ df: 14 })); // => Infinity 14
 * ```
 */
export function contrastDf(opts: { df?: number }): number {
  const df = opts.df ?? Number.POSITIVE_INFINITY;
  if (typeof df !== 'number' || !(df > 0)) {
    throw new EstimationError('BAD_OPTION', `df must be a positive number; got ${String(df)}`, {
      value: df,
    });
  }
  return df;
}

/**
 * cᵀ V c over the rows `used` (indices into `rows`), V the rows' covariance: the table's own for
 * an {@link EstimateTable}, else their joint covariance from their estimators' blocks.
 * @throws {EstimationError} `DIFFERENT_DESIGNS`, `NO_COVARIANCE` when a covariance needed is
 *   unknown.
 * @example
 * ```ts
 * const data = fromColumns({ g: ['a', 'b', 'a', 'b', 'a', 'b'], w: [1, 2, 1, 2, 1, 2] });
 * const rows = svyMean(svyDesign(data, { weights: 'w' }), 'g');
 * console.log(contrastVariance(rows, ['a', 'b'], [0, 1], Float64Array.of(1, -1)).toFixed(5)); // => 0.15802
 * ```
 */
export function contrastVariance(
  rows: EstimateTable | readonly Estimate[],
  labels: readonly string[],
  used: readonly number[],
  c: Float64Array,
  maxCovariance?: number,
): number {
  const k = rows.length;
  const own = (rows as Partial<EstimateTable>).covariance;
  const V =
    own instanceof Float64Array && own.length === k * k
      ? own
      : jointCovariance(rows, { maxCovariance });
  let variance = 0;
  for (const a of used) {
    for (const b of used) {
      const v = V[a * k + b]!;
      if (Number.isNaN(v)) {
        const da = rowLink(rows[a]!)?.block.design;
        const db = rowLink(rows[b]!)?.block.design;
        if (da && db && !sameDesign(da, db)) {
          throw new EstimationError(
            'DIFFERENT_DESIGNS',
            `"${labels[a]}" and "${labels[b]}" were estimated on different designs (or replicate designs with different replicates, scale, rscales or mse), so their covariance is unknown; estimate both on one design (e.g. with svyBy or on subsets of it)`,
            { level: labels[a], value: labels[b] },
          );
        }
        throw new EstimationError(
          'NO_COVARIANCE',
          `the covariance of "${labels[a]}" and "${labels[b]}" is unknown: their estimator gives no influence values (contrasts between such rows need estimators that give them: svyMean, svyTotal, svyRatio, svyVar)`,
          { level: labels[a], value: labels[b] },
        );
      }
      variance += c[a]! * c[b]! * v;
    }
  }
  return variance;
}

function checkCoefficient(x: number, label: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new EstimationError(
      'BAD_OPTION',
      `the coefficient of "${label}" must be a finite number; got ${String(x)}`,
      { level: label, value: x },
    );
  }
  return x;
}

/**
 * The unweighted base of a contrast: `n` and `nMissing` summed over the groups (or estimator
 * calls) of the rows `used`, each counted once.
 * @example
 * ```ts
 * const row = { variable: 'y', estimate: 1, se: 0, ci: [1, 1] as [number, number], n: 5, nMissing: 1 };
 * console.log(contrastBase([row, { ...row, n: 7 }], [0, 1])); // => { n: 12, nMissing: 2 }
 * ```
 */
export function contrastBase(
  rows: EstimateTable | readonly Estimate[],
  used: readonly number[],
): { n: number; nMissing: number } {
  const seen = new Set<unknown>();
  let n = 0;
  let nMissing = 0;
  for (const a of used) {
    const row = rows[a]!;
    const id = row.group ? JSON.stringify(row.group) : (rowLink(row)?.block ?? row);
    if (seen.has(id)) continue;
    seen.add(id);
    n += row.n;
    nMissing += row.nMissing;
  }
  return { n, nMissing };
}
