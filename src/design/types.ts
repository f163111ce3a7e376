/**
 * Survey design objects. A design is built once (see {@link svyDesign}) into typed arrays so that
 * every estimator is a few linear passes.
 * @module
 */
import type { SurveyData } from '../data/types.js';
import type { ReplicateDesign } from './replicate-types.js';
import type { WeightingStep } from './weighting-history.js';

/** What to do with a stratum that has a single PSU (R's `survey.lonely.psu`). */
export type LonelyPsu = 'fail' | 'remove' | 'adjust' | 'average' | 'certainty';

/** How {@link svyDesign} was asked to build a design (column names refer to the data). */
export interface DesignSpec {
  /** Cluster ids per stage; omitted: each respondent is its own PSU. */
  ids?: string | string[];
  /** Stratum column (one for all stages, or one per stage). */
  strata?: string | string[];
  /** Column of sampling weights. */
  weights?: string;
  /** Or column of selection probabilities (weight = 1 / prob). */
  probs?: string;
  /** Population size, or sampling fraction, per stage. */
  fpc?: string | string[];
  /** Cluster ids are only unique within strata. */
  nest?: boolean;
  /** Lonely-PSU rule; default `'fail'` as in R. */
  lonelyPsu?: LonelyPsu;
  /**
   * R's `survey.adjust.domain.lonely`: in a domain, a stratum with one PSU present (of several in
   * the design) is treated by the lonely-PSU rule (`adjust`: its PSUs centred at the grand mean
   * of the PSU totals, as survey ≥ 4.4; `average`: left out and the rest scaled up). Default
   * `false`, as in R.
   */
  adjustDomainLonely?: boolean;
  /**
   * Zero weights are an error by default (`ZERO_WEIGHT`); `true` keeps such rows in the design
   * with no weight, as R does.
   */
  allowZeroWeights?: boolean;
}

/**
 * One sampling stage, resolved to indices. Strata and clusters at stage k > 1 are nested in the
 * cluster of the stage above, as R forces them to be.
 */
export interface Stage {
  /** Per row: index of its stratum at this stage. */
  readonly rowStratum: Int32Array;
  /** Per row: index of its cluster (PSU at stage 1) at this stage. */
  readonly rowCluster: Int32Array;
  /** Number of strata at this stage. */
  readonly nStrata: number;
  /** Number of clusters at this stage (PSUs at stage 1). */
  readonly nClusters: number;
  /** Per cluster: its stratum. */
  readonly clusterStratum: Int32Array;
  /** Per stratum: first index into `stratumClusters` (CSR layout, length nStrata + 1). */
  readonly stratumClusterStart: Int32Array;
  /** Cluster indices grouped by stratum. */
  readonly stratumClusters: Int32Array;
  /** Per stratum: the cluster at the stage above it belongs to (-1 at stage 1). */
  readonly stratumParent: Int32Array;
  /** Per stratum: number of clusters sampled (R's `fpc$sampsize`). */
  readonly stratumSampled: Float64Array;
  /** Per stratum: population number of clusters (`Infinity` when no fpc: with replacement). */
  readonly stratumPopulation: Float64Array;
  /** Per stratum: a readable name, for error messages. */
  readonly stratumNames: readonly string[];
}

/** A design for Taylor-linearization variance (R's `survey.design2`). */
export interface LinearizationDesign {
  /** Tells the design kinds apart. */
  readonly type: 'linearization';
  /** The data the design is on. */
  readonly data: SurveyData;
  /** The specification the design was built from. */
  readonly spec: DesignSpec;
  /** Sampling weight per row (all rows of the data, domain or not). */
  readonly weights: Float64Array;
  /** Stages, outermost first. */
  readonly stages: readonly Stage[];
  /** Whether any fpc was given (R then recurses into later stages). */
  readonly hasFpc: boolean;
  /** The lonely-PSU rule in force. */
  readonly lonelyPsu: LonelyPsu;
  /** Rows in the current domain (1) or not (0); `null`: every row. See {@link subset}. */
  readonly domain: Uint8Array | null;
  /** Whether the design has strata (R's `has.strata`). */
  readonly hasStrata: boolean;
  /** What R would have warned about while building (e.g. stages without fpc). */
  readonly warnings: readonly string[];
  /**
   * Weighting steps applied to the design, in order (post-stratification, raking, calibration,
   * trimming; see {@link postStratify}). Absent or empty: the sampling weights as built. The
   * variance accounts for every step but trimming, as R's `postStrata` does.
   */
  readonly calibration?: readonly WeightingStep[];
}

/** Any survey design: Taylor linearization or replicate weights. */
export type SurveyDesign = LinearizationDesign | ReplicateDesign;
