/**
 * `svyMean` and `svyTotal`.
 * @module
 */
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { groupMoments } from './group-moments.js';
import { attachInfluence } from './influence-rows.js';
import { designEffects, meanMoments, totalMoments } from './moments.js';
import { choice, confidenceLevel, intervalDf, prepare, waldInterval } from './prepare.js';
import { groupMomentReplicates } from './replicate-groups.js';
import type { Estimate, EstimateOptions } from './types.js';
import { estimateVariance, type ReplicateEstimates } from './variance.js';

/**
 * Weighted mean of a variable with its design-based standard error (R's `svymean`). A numeric
 * variable gives one row; a categorical one gives one row per level (the share of each level).
 * A 0/1 variable's mean is the share of 1s. Missing values are excluded from the base and
 * counted in `nMissing` (R's `na.rm = TRUE`, computed as a domain so the SE is right).
 *
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4, 5, 6], w: [1, 1, 1, 1, 2, 2] });
 * const [m] = svyMean(svyDesign(data, { weights: 'w' }), 'y');
 * console.log(m.estimate.toFixed(3), m.n); // => 4.000 6
 * ```
 */
export function svyMean(
  design: SurveyDesign,
  variable: string,
  opts: EstimateOptions = {},
): Estimate[] {
  return momentEstimates(design, variable, opts, 'mean');
}

/**
 * Weighted total of a variable with its design-based standard error (R's `svytotal`); one row per
 * level for a categorical variable (the estimated number in the population with that level).
 *
 * @example
 * ```ts
 * const data = fromColumns({ g: ['a', 'b', 'a', 'a'], w: [10, 10, 20, 20] });
 * const rows = svyTotal(svyDesign(data, { weights: 'w' }), 'g');
 * console.log(rows.map((r) => `${r.level}=${r.estimate}`).join(' ')); // => a=50 b=10
 * ```
 */
export function svyTotal(
  design: SurveyDesign,
  variable: string,
  opts: EstimateOptions = {},
): Estimate[] {
  return momentEstimates(design, variable, opts, 'total');
}

function momentEstimates(
  design: SurveyDesign,
  variable: string,
  opts: EstimateOptions,
  kind: 'mean' | 'total',
): Estimate[] {
  const level = confidenceLevel(opts);
  // a misspelt option would otherwise be silently ignored
  choice('na', opts.na, ['omit', 'fail'], 'omit');
  const d = opts.deff;
  if (d !== undefined && d !== true && d !== false && d !== 'replace') {
    throw new EstimationError(
      'BAD_OPTION',
      `deff must be true, false or 'replace'; got ${JSON.stringify(d)}`,
      { value: d },
    );
  }
  // On one of svyBy's groups: from the one pass over all groups, where it applies.
  const grouped = groupMoments(design, variable, opts, kind);
  if (grouped !== null) return grouped;
  // The scan also sums per PSU what the influence needs, where it can (see prepare).
  const a = prepare(design, variable, opts, kind);
  const m = kind === 'mean' ? meanMoments(a) : totalMoments(a);
  const p = m.estimates.length;
  // On a replicate design, the replicate estimates are kept for the block (and taken from the
  // one pass over all of svyBy's groups when this is one of them).
  let replicates: ReplicateEstimates | null = null;
  const V = estimateVariance(design, m.influence, a.present, (d) => {
    replicates = groupMomentReplicates(d, a, kind, m.estimates) ?? m.replicates(d);
    return replicates;
  });
  const variances = new Float64Array(p);
  for (let j = 0; j < p; j++) variances[j] = V[j * p + j]!;
  const deff = opts.deff
    ? designEffects(a, kind, variances, m.populationVariance(), opts.deff)
    : null;
  const df = intervalDf(a, opts);
  const rows: Estimate[] = [];
  for (let j = 0; j < p; j++) {
    const se = Math.sqrt(variances[j]!);
    const row: Estimate = {
      variable,
      statistic: kind,
      estimate: m.estimates[j]!,
      se,
      ci: waldInterval(m.estimates[j]!, se, level, df),
      n: a.n,
      nMissing: a.nMissing,
    };
    if (m.levels) row.level = m.levels[j]!;
    if (deff) row.deff = deff[j]!;
    rows.push(row);
  }
  // Hidden: what svyBy / svyContrast need for covariances between rows (see influence-rows.ts).
  attachInfluence(rows, {
    p,
    covariance: V,
    design,
    influence: m.influence,
    present: a.present,
    replicates,
  });
  return rows;
}
