/**
 * Published figures the report sets beside the poll's own estimates (they have no microdata and
 * no confidence intervals: they are charted as published figures).
 * @module
 */

/** One published figure. */
export interface PublishedFigure {
  year: number;
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
    {
      year: 2012,
      share: 0.6,
      source: 'EDB Integration Barometer 2012',
    },
    {
      year: 2014,
      share: 0.68,
      source: 'EDB Integration Barometer 2014 (2015 report: 60%, down 8 points)',
    },
    { year: 2015, share: 0.6, source: 'EDB Integration Barometer 2015' },
    {
      year: 2016,
      share: 0.63,
      source: 'EDB Integration Barometer 2016 (press release, 25 October 2016)',
    },
    { year: 2017, share: 0.56, source: 'EDB Integration Barometer 2017 (13 December 2017)' },
  ],
};
