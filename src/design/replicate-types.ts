/**
 * Replicate-weight designs (R's `svyrep.design`): the full-sample weights and R sets of replicate
 * weights, with the constants of the variance formula
 * `V = scale · Σ_r rscales_r (θ_r − c)(θ_r − c)ᵀ` (see {@link replicateCovariance}).
 * @module
 */
import type { SurveyData } from '../data/types.js';
import type { WeightingStep } from './weighting-history.js';

/**
 * How the replicates were made, which sets the default `scale` and `rscales` (R's `type`):
 * jackknives `JK1` (unstratified, delete one PSU) and `JKn` (stratified), balanced repeated
 * replication `BRR` and its Fay variant `Fay`, the `bootstrap`, the `successive-difference` and
 * `ACS` (American Community Survey) methods, or `other` (scale and rscales given).
 */
export type ReplicateType =
  | 'JK1'
  | 'JKn'
  | 'BRR'
  | 'Fay'
  | 'bootstrap'
  | 'successive-difference'
  | 'ACS'
  | 'other';

/** A design whose variances come from replicate weights (R's `svrepdesign` / `as.svrepdesign`). */
export interface ReplicateDesign {
  /** Tells the design kinds apart. */
  readonly type: 'replicate';
  /** The data the design is on. */
  readonly data: SurveyData;
  /** The kind of replicates (R's `type`), which sets the default `scale` and `rscales`. */
  readonly repType: ReplicateType;
  /** Full-sample weights, all rows. */
  readonly weights: Float64Array;
  /**
   * The R replicate weight vectors, all rows: combined weights, i.e. the weights an estimate is
   * recomputed with (R's `combined.weights = TRUE`; factors given with `combinedWeights: false`
   * have been multiplied by the full-sample weights already).
   */
  readonly replicates: readonly Float64Array[];
  /** Overall multiplier of the variance. */
  readonly scale: number;
  /** Per-replicate multipliers (length R). */
  readonly rscales: Float64Array;
  /** Centre the replicates at the full-sample estimate (`true`) or at their mean (R's default). */
  readonly mse: boolean;
  /** Fay's rho (replicate factors 2 − rho and rho); only for `Fay`. */
  readonly rho?: number;
  /**
   * Degrees of freedom, R's `degf()`: rank of the replicate weight matrix (R's
   * `qr(weights, tol = 1e-5)$rank`) minus 1, over all rows (over the domain's rows for a design
   * converted from a domain). A `subset` of the design changes the rows: R recomputes it on the
   * domain's rows, see {@link degreesOfFreedom}.
   */
  readonly df: number;
  /** Rows in the current domain (1) or not (0); `null`: every row. Same meaning as for linearization designs. */
  readonly domain: Uint8Array | null;
  /** What R would have warned about while building (e.g. a guessed scale). */
  readonly warnings: readonly string[];
  /**
   * Weighting steps applied to the design, in order (see {@link postStratify}, {@link rake},
   * {@link calibrate}, {@link trimWeights}): each re-weighted the full-sample weights and every
   * replicate's, so the variance needs no adjustment; the steps are a record for reports.
   * Absent or empty: the weights as built.
   */
  readonly weighting?: readonly WeightingStep[];
}
