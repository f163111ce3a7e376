/**
 * `svyNlContrast`: any smooth function of estimates, with its standard error by the delta
 * method (R's `svycontrast(x, quote(...))`).
 * @module
 */
import { EstimationError } from '../errors.js';
import { derivative } from '../stats/derivative.js';
import { replicateCovariance } from '../variance/replicate.js';
import type { EstimateTable } from './by.js';
import {
  type ContrastOptions,
  contrastBase,
  contrastDf,
  contrastLabels,
  contrastVariance,
} from './contrast.js';
import { rowLink, sameDesign } from './influence-rows.js';
import { confidenceLevel, waldInterval } from './prepare.js';
import type { Estimate } from './types.js';

/** Options of {@link svyNlContrast}. */
export interface NlContrastOptions extends ContrastOptions {
  /**
   * On a replicate-weight design: `true` evaluates the function on each replicate's estimates
   * and takes the replicate variance of the results (R's `svycontrast` of estimates made with
   * `return.replicates = TRUE`) instead of the delta method (default `false`).
   */
  replicates?: boolean;
}

/**
 * A function of estimates, f(θ̂), with its standard error by the delta method, √(∇fᵀ V ∇f)
 * (R's `svycontrast(stat, quote(expression))`): ratios of shares, odds ratios, logarithms,
 * relative changes... `fn` receives the estimates by their row labels (the names
 * {@link svyContrast} uses, see {@link contrastLabels}: `'E'`, `'E.No'` or `'E:sch.wideYes'` for
 * {@link svyBy} tables, levels or variable names for other rows) and returns a number.
 * V is the rows' covariance (a table's `covariance`, or the joint covariance of rows of one
 * design from their estimators, as for {@link svyContrast}).
 *
 * The gradient is numerical where R's is symbolic: each partial derivative by central
 * differences at steps relative to the estimate's size, extrapolated to step 0 (see
 * `derivative` in `stats/derivative.ts`); for ratios, logarithms, powers and odds ratios its
 * relative error is about 1e-12, far below the 1e-8 to which the results are checked against
 * R. Only the rows `fn` reads count (the others have derivative 0), so `fn` must read the same
 * rows whatever the values (no branches on them), and be smooth near the estimates.
 *
 * With `replicates: true` on a replicate-weight design, `fn` is evaluated on every replicate's
 * estimates and their replicate variance (with the design's scale, rscales and mse) is the
 * result's, as R does for estimates carrying their replicates.
 *
 * The result: `estimate` = f(θ̂), `se`, a Wald `ci` (`level`, `df` as {@link svyContrast}),
 * `statistic: 'nlcontrast'`, `variable` (`opts.variable`, default `'contrast'`), and as base
 * the sum over the distinct groups involved. A `NaN` estimate among the rows read (an empty
 * group) makes the result `NaN`, as R's `NA`.
 *
 * @param rows - The estimates the function reads: a table from {@link svyBy}, {@link svyMean} or
 *   {@link svyTotal}, or rows of one design.
 * @param fn - The function of the estimates: receives them by row label (see
 *   {@link contrastLabels}) and returns a number, e.g. `(e) => e.E / e.H`.
 * @param opts - Result name, confidence level, degrees of freedom, and whether to use replicate
 *   estimates: see {@link NlContrastOptions}.
 * @throws {EstimationError} `UNKNOWN_LEVEL` (`fn` reads a label no row has; `details.valid`
 *   lists them), `BAD_OPTION` (`fn` returns something else than a number; bad `level`, `df`;
 *   `replicates: true` on rows without replicate estimates), `DIFFERENT_DESIGNS`,
 *   `NO_COVARIANCE` (as {@link svyContrast}).
 * @example
 * ```ts
 * const data = fromColumns({
 *   voted: [1, 0, 1, 1, 0, 1, 0, 0, 0, 1],
 *   sex: ['f', 'f', 'f', 'f', 'f', 'm', 'm', 'm', 'm', 'm'],
 *   psu: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
 * });
 * const shares = svyBy(svyDesign(data, { ids: 'psu' }), 'sex', (d) => svyMean(d, 'voted'));
 * // the log odds ratio of voting, women against men
 * const lor = svyNlContrast(shares, (p) => Math.log(p.f / (1 - p.f)) - Math.log(p.m / (1 - p.m)));
 * console.log(lor.estimate.toFixed(4), lor.se.toFixed(4)); // => 0.8109 1.5590
 * ```
 */
export function svyNlContrast(
  rows: EstimateTable | readonly Estimate[],
  fn: (estimates: Record<string, number>) => number,
  opts: NlContrastOptions = {},
): Estimate {
  const level = confidenceLevel(opts);
  const df = contrastDf(opts);
  const labels = contrastLabels(rows);
  const index = new Map(labels.map((l, a) => [l, a]));
  const point: Record<string, number> = Object.create(null);
  labels.forEach((l, a) => {
    point[l] = rows[a]!.estimate;
  });
  const read = new Set<number>();
  const view = new Proxy(point, {
    get(target, key) {
      if (typeof key !== 'string') return undefined;
      const a = index.get(key);
      if (a === undefined) {
        throw new EstimationError(
          'UNKNOWN_LEVEL',
          `the function reads an estimate labelled "${key}", but no row has that label; the labels are: ${labels.join(', ')}`,
          { level: key, valid: labels },
        );
      }
      read.add(a);
      return target[key];
    },
  });
  const evaluate = (): number => {
    const v = fn(view);
    if (typeof v !== 'number') {
      throw new EstimationError(
        'BAD_OPTION',
        `the function of the estimates must return a number; it returned ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
        { value: v },
      );
    }
    return v;
  };

  const estimate = evaluate();
  const used = [...read].sort((a, b) => a - b);
  const { n, nMissing } = contrastBase(rows, used);
  const result = (se: number): Estimate => ({
    variable: opts.variable ?? 'contrast',
    statistic: 'nlcontrast',
    estimate,
    se,
    ci: Number.isNaN(se) ? [Number.NaN, Number.NaN] : waldInterval(estimate, se, level, df),
    n,
    nMissing,
  });
  if (Number.isNaN(estimate) || used.some((a) => Number.isNaN(rows[a]!.estimate))) {
    return result(Number.NaN);
  }

  if (opts.replicates)
    return result(Math.sqrt(replicateVariance(rows, labels, used, point, evaluate, estimate)));

  // ∂f/∂θ_a for the rows read, the others kept at their estimates.
  const gradient = new Float64Array(rows.length);
  for (const a of used) {
    const label = labels[a]!;
    const at = point[label]!;
    gradient[a] = derivative((t) => {
      point[label] = t;
      return evaluate();
    }, at).value;
    point[label] = at;
  }
  const variance = contrastVariance(rows, labels, used, gradient, opts.maxCovariance);
  return result(Math.sqrt(Math.max(variance, 0)));
}

/**
 * The replicate variance of f: f of each replicate's estimates of the rows read (the others
 * at their estimates), spread as the rows' replicate design says.
 */
function replicateVariance(
  rows: EstimateTable | readonly Estimate[],
  labels: readonly string[],
  used: readonly number[],
  point: Record<string, number>,
  evaluate: () => number,
  estimate: number,
): number {
  const links = used.map((a) => rowLink(rows[a]!));
  const design = links[0]?.block.design ?? null;
  for (let j = 0; j < used.length; j++) {
    const link = links[j];
    const d = link?.block.design;
    if (!link || !d || d.type !== 'replicate' || !link.block.replicates) {
      throw new EstimationError(
        'BAD_OPTION',
        `replicates: true needs estimates from a replicate-weight design that carry their replicate estimates (svyMean, svyTotal, svyRatio, svyVar or svyBy of them); "${labels[used[j]!]}" has none`,
        { level: labels[used[j]!], value: true },
      );
    }
    if (design && !sameDesign(d, design)) {
      throw new EstimationError(
        'DIFFERENT_DESIGNS',
        `"${labels[used[0]!]}" and "${labels[used[j]!]}" were estimated on different replicate designs, so f cannot be recomputed replicate by replicate`,
        { level: labels[used[0]!], value: labels[used[j]!] },
      );
    }
  }
  if (design === null || design.type !== 'replicate') return 0; // f reads no row: a constant
  const reps = design.replicates.map((_, r) => {
    for (let j = 0; j < used.length; j++) {
      const { block, index } = links[j]!;
      point[labels[used[j]!]!] = block.replicates!.reps[r]![index]!;
    }
    return Float64Array.of(evaluate());
  });
  for (const a of used) point[labels[a]!] = rows[a]!.estimate;
  return replicateCovariance(design, Float64Array.of(estimate), reps)[0]!;
}
