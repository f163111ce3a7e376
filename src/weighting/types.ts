/**
 * Types of the weighting report: margins before and after weighting, and what it cost in
 * precision. (The steps' own records are the design's: `design/weighting-history.ts`.)
 * @module
 */
import type { WeightingStep } from '../design/weighting-history.js';
import type { WeightSummary } from './summary.js';

/** One level of a margin in a {@link WeightingReport}. */
export interface ReportLevel {
  /** The level. */
  level: string;
  /** Respondents with this level. */
  n: number;
  /** Unweighted share of the respondents with a value. */
  sampleShare: number;
  /** Weighted share before weighting. */
  weightedShareBefore: number;
  /** Weighted share after weighting. */
  weightedShareAfter: number;
  /** Population count (0 for a level the margin does not list). */
  populationCount: number;
  /** Population share (count over the margin's total). */
  populationShare: number;
}

/** One margin in a {@link WeightingReport}. */
export interface ReportMargin {
  /** The margin variable. */
  variable: string;
  /** Respondents with a missing value (left out of the shares). */
  nMissing: number;
  /** Its levels: those the margin lists, in its order, then any level of the data with respondents that it does not list. */
  levels: ReportLevel[];
  /** Largest |weighted share after − population share| over the levels. */
  maxShareDifference: number;
}

/** What weighting did: margins before and after, and what it cost in precision. */
export interface WeightingReport {
  /** The method of the after-design's last weighting step (`null`: it has none). */
  method: WeightingStep['method'] | null;
  /** Iterations used by that step (`null`: no step). */
  iterations: number | null;
  /** Whether that step converged (`null`: no step). */
  converged: boolean | null;
  /** One entry per margin, in the order given. */
  margins: ReportMargin[];
  /** Weight summary of all respondents before weighting (range, Kish deff, effective n). */
  before: WeightSummary;
  /** The same after weighting. */
  after: WeightSummary;
  /** Range of after / before weight over respondents with a positive weight before. */
  ratio: {
    /** Smallest after / before weight. */
    min: number;
    /** Largest after / before weight. */
    max: number;
  };
}
