/**
 * The record each weighting step leaves on a design (`design.calibration` of a linearization
 * design, which the variance and reports read; `design.weighting` of a replicate-weight design),
 * and the population targets those steps are given. The design owns these types: weighting
 * writes them, the variance and reports read them.
 * @module
 */

/** A population margin of one categorical variable: level → population count. */
export interface Margin {
  /** The categorical variable. */
  variable: string;
  /** Population count of each level, keyed by level label. */
  population: Record<string, number>;
}

/**
 * A population cell for {@link postStratify}: one level per variable, and its count, e.g.
 * `{ sex: 'Female', agegroup: '18-29', count: 47000 }`. (Typed so that such literals need no
 * cast; every key but `count` must be a level.)
 */
export type PopulationCell = {
  /** The cell's population count. */
  count: number;
} & Record<string, string | number>;

/** The population total of a numeric variable, for {@link calibrate}. */
export interface NumericTotal {
  /** The numeric variable. */
  variable: string;
  /** Its population total. */
  total: number;
}

/** Calibration distance (R's `calfun`). */
export type CalibrationFunction = 'linear' | 'raking' | 'logit';

/** What every weighting step records. */
interface StepBase {
  /** Iterations used (1 for a one-pass step such as post-stratification). */
  readonly iterations: number;
  /** Whether the step met its targets (false only with `partial: true`). */
  readonly converged: boolean;
  /** Weights before the step (all rows; never modified). */
  readonly oldWeights: Float64Array;
  /** Weights after the step (all rows; never modified). */
  readonly weights: Float64Array;
  /** Things a person should know (cells dropped, convergence, the domain weighted...). */
  readonly notes: readonly string[];
  /**
   * The rows the step weighted: the design's domain when it had one (1: weighted; the others got
   * weight 0, as R's `subset()` drops them before weighting), `null` for every row. The variance
   * adjustment of the step uses these rows only.
   */
  readonly rows: Uint8Array | null;
  /**
   * On a replicate-weight design: how the step re-weighted each replicate's weights (absent on a
   * linearization design).
   */
  readonly replicates?: ReplicateWeighting;
}

/**
 * How a weighting step re-weighted the replicates of a replicate-weight design: each replicate's
 * weights were fitted to the same population as the full-sample weights, on their own.
 */
export interface ReplicateWeighting {
  /** Replicates re-weighted. */
  readonly count: number;
  /**
   * Per replicate: iterations used (raking sweeps, Newton steps of calibration, trimming passes;
   * 1 for post-stratification and linear calibration).
   */
  readonly iterations: Int32Array;
  /** Replicates (1-based) left short of their targets with `partial: true` (raking only). */
  readonly notConverged: readonly number[];
}

/**
 * Post-stratification (R's `postStratify`): weights scaled within each cell to its population
 * count. The variance subtracts the post-stratum means of the influence values (R: `svyrecvar`
 * with an ordinary `postStrata` entry).
 */
export interface PostStratifyStep extends StepBase {
  /** Tells the steps apart. */
  readonly method: 'postStratify';
  /** The variables whose crossed levels are the post-strata. */
  readonly variables: readonly string[];
  /** Per row: its post-stratum (index into `cellLabels`). */
  readonly cells: Int32Array;
  /** Per post-stratum: the variables' levels joined by `.` (R's `interaction` labels). */
  readonly cellLabels: readonly string[];
  /** Per post-stratum: its population count. */
  readonly population: Float64Array;
  /** Per post-stratum: new / old weight. */
  readonly factors: Float64Array;
  /** Population cells left out because no respondent is in them (`partial: true`). */
  readonly droppedCells: readonly string[];
}

/**
 * Raking (R's `rake`): iterative proportional fitting to several margins. The variance projects
 * the influence values on the margins 10 times in turn, with the weights of each margin's
 * adjustment in the last sweep (R: a `raking` entry in `postStrata`).
 */
export interface RakeStep extends StepBase {
  /** Tells the steps apart. */
  readonly method: 'rake';
  /** The margins raked to. */
  readonly margins: readonly Margin[];
  /** Per margin: its levels, in the order of the margin's population. */
  readonly levels: readonly (readonly string[])[];
  /** Per row: its cell in the cross-classification of the margin variables. */
  readonly cells: Int32Array;
  /** Per cell and margin (row-major, nCells × nMargins): the cell's level of that margin. */
  readonly cellLevels: Int32Array;
  /**
   * Per margin: the cumulative factor of each cell (new / old weight) just after that margin was
   * matched in the last sweep; the last one is the final factor.
   */
  readonly sweepFactors: readonly Float64Array[];
  /** Largest |weighted − population| / population over every level of every margin. */
  readonly maxRelativeError: number;
  /** The level that was furthest from its target at the end. */
  readonly worst: {
    /** The margin variable. */
    variable: string;
    /** The level. */
    level: string;
    /** Its weighted total. */
    weighted: number;
    /** Its population count. */
    population: number;
  };
}

/**
 * Calibration (R's `calibrate`, `grake`): g-weights from a distance function so that weighted
 * totals of the model columns equal the population's. The variance uses the residuals of the
 * influence values on the model columns (R: a `greg_calibration` entry in `postStrata`).
 */
export interface CalibrateStep extends StepBase {
  /** Tells the steps apart. */
  readonly method: 'calibrate';
  /** The calibration distance. */
  readonly calfun: CalibrationFunction;
  /** Bounds on the g-weights (new / old weight); infinite when not given. */
  readonly bounds: readonly [number, number];
  /** Model column names, as R names them: `(Intercept)`, `sexMale`, ..., `age`. */
  readonly columns: readonly string[];
  /** Population totals of the model columns. */
  readonly population: Float64Array;
  /** Per row: its unit (rows with the same model row share a unit; index into `unitX`). */
  readonly units: Int32Array;
  /** Per unit: its model row (row-major, nUnits × p). */
  readonly unitX: Float64Array;
  /** Per unit: the g-weight (new / old weight). */
  readonly g: Float64Array;
  /** Largest |misfit| / (1 + |population|) at the end (R's convergence measure). */
  readonly maxMisfit: number;
}

/**
 * Trimming (R's `trimWeights`): weights outside the bounds are set to them and what was cut (or
 * added) is shared equally by the other weights. It leaves the variance of earlier calibration as
 * it was (R keeps `postStrata` unchanged), and adds no adjustment of its own.
 */
export interface TrimStep extends StepBase {
  /** Tells the steps apart. */
  readonly method: 'trim';
  /** Lower bound on the weights (`-Infinity` when not given). */
  readonly lower: number;
  /** Upper bound on the weights (`Infinity` when not given). */
  readonly upper: number;
  /** Whether trimming was repeated until no weight is outside the bounds. */
  readonly strict: boolean;
  /** Weights outside the bounds in the first pass. */
  readonly trimmed: number;
  /** Weights still outside the bounds at the end (can be > 0 without `strict`). */
  readonly outsideAfter: number;
}

/** One weighting step recorded on a design. */
export type WeightingStep = PostStratifyStep | RakeStep | CalibrateStep | TrimStep;
