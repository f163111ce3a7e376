/**
 * What a questionnaire description says about the poll beyond its questions, for reports: how
 * to present it (`about`: a title, its source, a notice such as "the data is synthetic",
 * methodology notes) and figures published elsewhere to set beside an item's estimate
 * (`trends`). Both are optional fields of the questionnaire (see questionnaire.ts); written with
 * `zod/mini`.
 * @module
 */
import {
  array,
  enum as enumOf,
  gte,
  lte,
  minLength,
  number,
  optional,
  type output,
  strictObject,
  string,
} from 'zod/mini';

const nonEmpty = () => string().check(minLength(1));

/** How reports present the poll. */
export const aboutSchema = strictObject({
  /** The report's title (default: the codebook's title). */
  title: optional(nonEmpty()),
  /**
   * Where the data comes from — who ran the poll and when, or that it is synthetic: printed
   * under every chart and table of a report, in its CSV files, summary and console output.
   */
  source: optional(nonEmpty()),
  /**
   * A notice every report shows at the top, e.g. that the data is synthetic and must not be
   * cited.
   */
  notice: optional(nonEmpty()),
  /** Paragraphs opening the methodology section (e.g. what is synthetic and why). */
  methodology: optional(array(nonEmpty())),
});

/** One published figure: a share at a time, with its source. */
export const publishedFigureSchema = strictObject({
  /** When: a year (a fraction places it within the year, e.g. 2021.9 for December). */
  x: number(),
  /** The share (0–1) as published. */
  share: number().check(gte(0), lte(1)),
  /** Where it was published. */
  source: nonEmpty(),
});

/**
 * Figures published elsewhere (another survey series, earlier waves without microdata) to chart
 * beside this poll's estimate of an item: they have no confidence intervals and are drawn as
 * published.
 */
export const trendSchema = strictObject({
  /** The trend's id (its chart's name). */
  id: nonEmpty(),
  /** The item set beside the figures: a battery item or a single item of the questionnaire. */
  variable: nonEmpty(),
  /** Which share of the item (an answer-group statistic), default `'positive'`. */
  statistic: optional(enumOf(['positive', 'positiveOrNeutral', 'neutral', 'negative', 'dk'])),
  /** The chart's title. */
  title: nonEmpty(),
  /** The name of the published series (its legend entry). */
  series: nonEmpty(),
  /** What the published figures are and how they differ from this poll's question. */
  note: optional(nonEmpty()),
  /** The published figures. */
  figures: array(publishedFigureSchema).check(minLength(1)),
  /** This poll's point on the chart. */
  poll: strictObject({
    /** When (as the figures' `x`). */
    x: number(),
    /** Its legend entry, e.g. "This poll, December 2021". */
    series: nonEmpty(),
    /** What its tooltip gives as the source (default "surveykit estimate"). */
    source: optional(nonEmpty()),
    /** Its row label in the report's table (default: `series`). */
    label: optional(nonEmpty()),
    /** A sentence on what this poll's figure is, for the chart's caption. */
    note: optional(nonEmpty()),
  }),
});

/**
 * How reports present a poll.
 * @useDeclaredType
 */
export type PollAbout = output<typeof aboutSchema>;
/**
 * A published figure.
 * @useDeclaredType
 */
export type PublishedFigure = output<typeof publishedFigureSchema>;
/**
 * Published figures set beside an item's estimate.
 * @useDeclaredType
 */
export type PublishedTrend = output<typeof trendSchema>;
