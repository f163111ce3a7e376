/**
 * The public shapes of banner tables ("tab books"): what {@link svyTabs} is asked for
 * ({@link TabsSpec}) and what it returns ({@link Tabs}).
 * @module
 */
import type { MultipleResponseQuestion } from '../poll/questionnaire.js';

/** A net: several levels of a categorical variable counted together (e.g. top-2-box). */
export interface TabNet {
  /** The net's label, e.g. `'Agree (net)'`. */
  net: string;
  /** The categorical variable. */
  variable: string;
  /** The levels counted (labels, as in the data). */
  levels: readonly string[];
}

/** A multiple-response question as a row of a banner table. */
export interface TabMultipleResponse {
  /** The question: one 0/1 column per option (see {@link svyMultipleResponse}). */
  multipleResponse: MultipleResponseQuestion;
}

/**
 * A row item of a banner table: a variable name (categorical: a row per level, the column
 * percentage; numeric: its mean), a {@link TabNet}, or a {@link TabMultipleResponse}.
 */
export type TabRowSpec = string | TabNet | TabMultipleResponse;

/** Multiplicity adjustment of the p-values within a row and banner variable (R's `p.adjust`). */
export type TabsAdjust = 'none' | 'bonferroni' | 'holm' | 'BH';

/** What {@link svyTabs} tabulates. */
export interface TabsSpec {
  /** The row items, in order. */
  rows: readonly TabRowSpec[];
  /** The banner (column) variables, in order: a column per level of each. */
  banner: readonly string[];
  /** A Total column first (default `true`). */
  total?: boolean;
  /**
   * Confidence level of the letters (default 0.95), or two levels, e.g. `[0.95, 0.9]`: UPPER-case
   * letters for differences significant at the first, lower-case for those significant only at
   * the second.
   */
  level?: number | readonly [number, number];
  /** Multiplicity adjustment within each row and banner variable (default `'none'`). */
  adjust?: TabsAdjust;
  /**
   * Cells with fewer respondents than this (unweighted base) are flagged `lowBase` and not
   * tested: no letters from or against them, no `vsTotal` (default 0: none flagged; a cell with
   * no respondent is always flagged).
   */
  minBase?: number;
  /**
   * Most columns the banner may have, the Total included (default 200; `Infinity` lifts it):
   * each row's letters compare every pair of a banner variable's columns through their joint
   * covariance, so a banner variable of thousands of levels (an identifier) is a `TOO_LARGE`
   * error before any work.
   */
  maxBannerColumns?: number;
  /**
   * A multiple-response respondent with some option columns missing: `'exclude'` (default) or
   * `'notNamed'`, as {@link svyMultipleResponse}'s `partial`.
   */
  partial?: 'exclude' | 'notNamed';
  /** A title for the tables (outputs use it; default none). */
  title?: string;
}

/** A column of a banner table. */
export interface TabColumn {
  /** Its letter: `'A'`, `'B'`, …, `'Z'`, `'AA'`, … in column order. */
  id: string;
  /** The banner variable; `null` for the Total column. */
  variable: string | null;
  /** The level of the banner variable; `null` for the Total column. */
  level: string | null;
  /** Unweighted base: respondents (in the design's domain) in the column. */
  base: number;
  /**
   * Effective base: Kish's `(Σw)² / Σw²` over the column's respondents, the sample size a simple
   * random sample of equal weights would need for the same precision given the weighting alone
   * (clustering and stratification are not in it; the tests use the full design).
   */
  effectiveBase: number;
  /** Weighted base: the sum of the column's weights. */
  weightedBase: number;
}

/** The test of one cell against the Total column. */
export interface TabTotalTest {
  /** Cell minus Total. */
  difference: number;
  /** Its design-based SE, from the covariance of the part and the whole. */
  se: number;
  /** difference / se. */
  t: number;
  /** Two-sided p-value on the design's degrees of freedom. */
  pValue: number;
  /** The p-value adjusted within the row and banner variable (`adjust`). */
  pAdjusted: number;
}

/** One cell of a banner table. */
export interface TabCell {
  /** The column's id. */
  column: string;
  /** The estimate: a share (0–1), a mean, or mentions per 100. `NaN` when the base is 0. */
  estimate: number;
  /** Its design-based standard error. */
  se: number;
  /** Unweighted base: respondents in the column with an answer to the row's item. */
  base: number;
  /** Kish's effective base of those respondents. */
  effectiveBase: number;
  /** Sum of their weights. */
  weightedBase: number;
  /**
   * Columns of the same banner variable this cell is significantly higher than: their ids,
   * UPPER-case when significant at the first level, lower-case when only at the second.
   * Ids of one letter are concatenated (`'BD'`); ids of more than one are separated by spaces.
   */
  letters: string;
  /** Higher or lower than the whole sample (at the first level, adjusted); `null`: neither or untested. */
  vsTotal: 'higher' | 'lower' | null;
  /** The test behind `vsTotal` (`null` for the Total column and untested cells). */
  vsTotalTest: TabTotalTest | null;
  /** Fewer respondents than `minBase` (or none): not tested. */
  lowBase: boolean;
}

/** One pairwise test between two columns of a banner variable. */
export interface TabComparison {
  /** The banner variable. */
  variable: string;
  /** The first column's id. */
  a: string;
  /** The second column's id. */
  b: string;
  /** Estimate of a minus estimate of b. */
  difference: number;
  /** Its design-based SE, from the two domains' joint covariance. */
  se: number;
  /** difference / se. */
  t: number;
  /** Two-sided p-value on the design's degrees of freedom. */
  pValue: number;
  /** The p-value adjusted within the row and banner variable. */
  pAdjusted: number;
}

/** One row of a banner table. */
export interface TabRow {
  /** The item's variable (for a multiple-response question: the option's column). */
  variable: string;
  /** The level (categorical rows), the net's label, the option's key; `null` for a mean. */
  level: string | null;
  /** `'share'` (a column percentage) or `'mean'` (a mean, or mentions per 100). */
  statistic: 'share' | 'mean';
  /** What the row is. */
  kind: 'level' | 'net' | 'option' | 'mentions' | 'mean';
  /** The question the row belongs to (variable, or multiple-response question id): rows of one question form a table. */
  question: string;
  /** The row's label for output (the level, net, option label, `'Mentions per 100'`, `'Mean'`). */
  label: string;
  /** One cell per column, in column order. */
  cells: TabCell[];
  /** Every pairwise test of the row (columns of one banner variable, neither low-base). */
  comparisons: TabComparison[];
}

/** How the letters were tested (for notes under the tables). */
export interface TabsTest {
  /** `'t'`: Student's t on the design's degrees of freedom. */
  method: 't';
  /** Degrees of freedom of the tests. */
  df: number;
  /** The level(s) of the letters. */
  level: number[];
  /** The multiplicity adjustment. */
  adjust: TabsAdjust;
  /** The minimum base tested. */
  minBase: number;
}

/** A banner table: {@link svyTabs}'s result. */
export interface Tabs {
  /** The columns: Total (unless left out), then each banner variable's levels. */
  columns: TabColumn[];
  /** The rows, in the order of the spec's row items. */
  rows: TabRow[];
  /** How cells were tested. */
  test: TabsTest;
  /** The banner variables. */
  banner: string[];
  /** The questions (in row order), each with its label and base description. */
  questions: Array<{
    /** The question id (a variable or a multiple-response question id). */
    id: string;
    /** Its label (the codebook's question text, else the id). */
    label: string;
  }>;
  /** The design: its type and weighting (for notes). */
  design: {
    /** `'linearization'` or `'replicate'`. */
    type: 'linearization' | 'replicate';
    /** The weighting steps applied, e.g. `['rake (sex, agegroup, region)']`; empty for design weights. */
    weighting: string[];
    /** Whether the table is for a domain (a subset) of the sample. */
    domain: boolean;
  };
  /** The spec's title, if any. */
  title?: string;
}
