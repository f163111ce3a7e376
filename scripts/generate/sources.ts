/**
 * Published figures the margins are built from, each with its source. They are copied here from
 * public sources (statistics office via news agency, election commission, a UN-based model), so
 * the project never reads anything outside itself at run time.
 * @module
 */
import type { RegionKey } from './labels.js';

/** Source names, as cited in `data/margins.json` and `data/README.md`. */
export const SOURCES = {
  census2019: 'Belstat, population census of 2019 (results as reported by the BelTA news agency)',
  cec2020:
    'Central Election Commission of Belarus: registered voters for the presidential election of 9 August 2020',
  belstat2021:
    'Belstat, population estimate on 1 January 2021 (children under 18 and total population)',
  unModel:
    'Model based on UN World Population Prospects estimates (not a Belstat figure): shares of adults 18+',
} as const;

/** Census 2019 population by region (persons; published in thousands, one decimal). */
export const CENSUS_2019_REGION: Readonly<Record<RegionKey, number>> = {
  brest: 1_348_100,
  vitebsk: 1_135_700,
  gomel: 1_388_500,
  grodno: 1_026_800,
  minsk_city: 2_018_300,
  minsk_region: 1_471_200,
  mogilev: 1_024_800,
};

/** Registered voters (citizens 18+ on the voter lists in Belarus), CEC, 2020. */
export const CEC_2020_VOTERS: Readonly<Record<RegionKey, number>> = {
  brest: 984_601,
  vitebsk: 849_472,
  gomel: 1_069_567,
  grodno: 751_084,
  minsk_city: 1_241_021,
  minsk_region: 1_142_043,
  mogilev: 801_825,
};

/** Census 2019: total, urban and rural population. */
export const CENSUS_2019_URBAN_RURAL = {
  total: 9_413_446,
  urban: 7_299_989,
  rural: 2_113_457,
} as const;

/** Belstat, 1 January 2021: total population and children under 18 (published in thousands). */
export const BELSTAT_2021 = { total: 9_349_645, under18: 1_861_000 } as const;

/** Adults 18+ used as the population total of every margin (9,349,645 - 1,861,000, rounded). */
export const ADULTS_18_PLUS = 7_490_000;

/** UN-based model: women's share of adults 18+. */
export const UN_MODEL_FEMALE_SHARE = 0.55;

/**
 * UN-based model: shares of adults 18+ by age group (18-29, 30-39, 40-49, 50-59, 60+), in percent.
 * They add up to 99.9 (rounding in the source).
 */
export const UN_MODEL_AGE_SHARES = [14.8, 19.3, 18.7, 16.1, 31.0] as const;
