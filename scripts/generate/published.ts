/**
 * Published figures the report sets beside the poll's own estimates (they have no microdata and
 * no confidence intervals: they are charted as published). Written into `data/questionnaire.json`
 * as a `trends` entry (see `src/poll/about.ts`).
 * @module
 */

/** One published figure. */
export interface PublishedFigure {
  /** The year. */
  x: number;
  /** The share (0–1) as published (whole percents). */
  share: number;
  source: string;
}

/**
 * EDB Integration Barometer (Eurasian Development Bank, Centre for Integration Studies, with
 * Eurasian Monitor): the share of adults in Belarus supporting their country's participation in
 * Eurasian economic integration (the Customs Union and Single Economic Space until 2014, the
 * Eurasian Economic Union from 2015). National face-to-face samples of about 1,000; no
 * confidence intervals or microdata were published.
 *
 * Figures (from the project's facts file, which found no 2013 wave or waves after 2017): 2012
 * 60%; 2014 68% and 2015
 * 60% (2015 barometer: "60%, positive responses fell by 8 percentage points"); 2016 63% (EDB
 * press release of 25 October 2016: "from 60% to 63%"); 2017 56% (EDB Integration Barometer
 * 2017, 13 December 2017: "from 60% to 56% in Belarus" over 2015–2017). The barometer's
 * question differs from this poll's (membership of Belarus in the EEU), so the series is
 * context, not a like-for-like trend.
 */
export const EDB_BAROMETER: { series: string; note: string; figures: PublishedFigure[] } = {
  series: 'EDB Integration Barometer (published)',
  note: 'Support for Eurasian economic integration in Belarus (Customs Union and Single Economic Space until 2014, the EAEU from 2015); national samples of about 1,000; published without confidence intervals.',
  figures: [
    { x: 2012, share: 0.6, source: 'EDB Integration Barometer 2012' },
    {
      x: 2014,
      share: 0.68,
      source: 'EDB Integration Barometer 2014 (2015 report: 60%, down 8 points)',
    },
    { x: 2015, share: 0.6, source: 'EDB Integration Barometer 2015' },
    {
      x: 2016,
      share: 0.63,
      source: 'EDB Integration Barometer 2016 (press release, 25 October 2016)',
    },
    { x: 2017, share: 0.56, source: 'EDB Integration Barometer 2017 (13 December 2017)' },
  ],
};

/** The questionnaire's `trends` entry: the barometer beside this poll's support for EEU membership. */
export function eeuTrend() {
  return {
    id: 'eeu-trend',
    variable: 'eeu_membership',
    statistic: 'positive' as const,
    title: 'Support for Eurasian economic integration in Belarus',
    series: EDB_BAROMETER.series,
    note: EDB_BAROMETER.note,
    figures: EDB_BAROMETER.figures,
    poll: {
      x: 2021,
      series: 'This poll, December 2021 (synthetic data)',
      source: 'surveykit estimate on the bundled synthetic sample',
      label: 'This poll (synthetic data): support EEU membership',
      note: "This poll's figure is the share supporting Belarus's membership in the EEU; its data is synthetic.",
    },
  };
}
