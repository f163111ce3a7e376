/**
 * Population margins of adults 18+ for raking the synthetic poll, derived from the published
 * figures in {@link ./sources.ts}. Every margin adds up to {@link ADULTS_18_PLUS}.
 * @module
 */
import { apportion } from './apportion.js';
import { AGE_GROUPS, AREAS, REGIONS, SEXES } from './labels.js';
import {
  ADULTS_18_PLUS,
  BELSTAT_2021,
  CEC_2020_VOTERS,
  CENSUS_2019_REGION,
  CENSUS_2019_URBAN_RURAL,
  SOURCES,
  UN_MODEL_AGE_SHARES,
  UN_MODEL_FEMALE_SHARE,
} from './sources.js';

/** One raking margin: adult population per level (keys are codebook value labels). */
export interface MarginSpec {
  /** Column of the poll. */
  variable: string;
  /** Where the figures come from. */
  source: string;
  /** What was derived from the source, and how (no official adult figure exists). */
  derivation: string;
  /** Adults 18+ per level. */
  population: Record<string, number>;
}

/** A variable deliberately left out of the margins, and why. */
export interface ExcludedMargin {
  variable: string;
  reason: string;
}

/** The content of `data/margins.json`. */
export interface MarginsFile {
  /** Adults 18+; every margin sums to this. */
  population: number;
  description: string;
  margins: MarginSpec[];
  excluded: ExcludedMargin[];
}

/** Formats an integer with comma thousands separators, independently of the locale. */
export function fmt(n: number): string {
  const digits = String(Math.round(Math.abs(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** Region margin: CEC voter counts with Minsk city corrected, scaled to all adults. */
export function regionAdults(): Record<string, number> {
  const others = REGIONS.filter((r) => r.key !== 'minsk_city');
  const votersOthers = others.reduce((s, r) => s + CEC_2020_VOTERS[r.key], 0);
  const popOthers = others.reduce((s, r) => s + CENSUS_2019_REGION[r.key], 0);
  const ratio = votersOthers / popOthers;
  const base = REGIONS.map((r) =>
    r.key === 'minsk_city' ? CENSUS_2019_REGION.minsk_city * ratio : CEC_2020_VOTERS[r.key],
  );
  const counts = apportion(ADULTS_18_PLUS, base);
  return Object.fromEntries(REGIONS.map((r, i) => [r.label, counts[i]!]));
}

function regionMargin(): MarginSpec {
  const others = REGIONS.filter((r) => r.key !== 'minsk_city');
  const votersOthers = others.reduce((s, r) => s + CEC_2020_VOTERS[r.key], 0);
  const popOthers = others.reduce((s, r) => s + CENSUS_2019_REGION[r.key], 0);
  const ratio = votersOthers / popOthers;
  return {
    variable: 'region',
    source: `${SOURCES.cec2020}; ${SOURCES.census2019}; ${SOURCES.belstat2021}`,
    derivation:
      'No official count of adults by region was found. Registered voters (CEC 2020) were taken ' +
      'as the regional distribution of adults, except for Minsk city, whose voter list covers ' +
      'only 61% of its census population against 73-78% in the other regions, which points to ' +
      'adult residents missing from its list. Minsk city was therefore set to its census 2019 ' +
      'population ' +
      `(${fmt(CENSUS_2019_REGION.minsk_city)}) times the voters-to-population ratio of the other ` +
      `six regions combined (${fmt(votersOthers)} / ${fmt(popOthers)} = ${ratio.toFixed(4)}). ` +
      `The seven figures were then scaled to ${fmt(ADULTS_18_PLUS)} adults and rounded ` +
      '(largest remainder) so that they sum to that total.',
    population: regionAdults(),
  };
}

function sexMargin(): MarginSpec {
  const [men, women] = apportion(ADULTS_18_PLUS, [
    1 - UN_MODEL_FEMALE_SHARE,
    UN_MODEL_FEMALE_SHARE,
  ]);
  return {
    variable: 'sex',
    source: SOURCES.unModel,
    derivation:
      `Women are ${(UN_MODEL_FEMALE_SHARE * 100).toFixed(1)}% of adults 18+ in the UN-based ` +
      `model, applied to ${fmt(ADULTS_18_PLUS)} adults. (Census 2019 gives 54.8% women among ` +
      'people aged 15+, consistent with this.)',
    population: { [SEXES[0]!.label]: men!, [SEXES[1]!.label]: women! },
  };
}

function ageMargin(): MarginSpec {
  const counts = apportion(ADULTS_18_PLUS, UN_MODEL_AGE_SHARES);
  return {
    variable: 'agegroup',
    source: SOURCES.unModel,
    derivation:
      'No official distribution of adults by these age groups was found. The UN-based model ' +
      `gives ${UN_MODEL_AGE_SHARES.map((x) => x.toFixed(1)).join(' / ')}% of adults for ` +
      `${AGE_GROUPS.map((a) => a.label).join(' / ')} (sum 99.9% because of rounding); the shares ` +
      `were rescaled to sum to 100% and applied to ${fmt(ADULTS_18_PLUS)} adults (largest ` +
      'remainder rounding).',
    population: Object.fromEntries(AGE_GROUPS.map((a, i) => [a.label, counts[i]!])),
  };
}

function areaMargin(): MarginSpec {
  const { total, urban, rural } = CENSUS_2019_URBAN_RURAL;
  const [u, r] = apportion(ADULTS_18_PLUS, [urban, rural]);
  return {
    variable: 'area',
    source: SOURCES.census2019,
    derivation:
      `Census 2019: urban ${fmt(urban)} (${((urban / total) * 100).toFixed(1)}%), rural ` +
      `${fmt(rural)} (${((rural / total) * 100).toFixed(1)}%) of the whole population. The same ` +
      `shares were applied to ${fmt(ADULTS_18_PLUS)} adults; no urban/rural split of adults was ` +
      'found (adults are probably slightly more rural than the whole population, as villages are ' +
      'older). No population figure was found for finer settlement types (regional cities, ' +
      'other towns), so the margin is urban/rural only: capital, regional city and town are urban; ' +
      'village is rural.',
    population: { [AREAS[0]!.label]: u!, [AREAS[1]!.label]: r! },
  };
}

/** Builds the content of `data/margins.json`. */
export function buildMargins(): MarginsFile {
  const adults = BELSTAT_2021.total - BELSTAT_2021.under18;
  return {
    population: ADULTS_18_PLUS,
    description:
      `Adults 18+ in Belarus: ${fmt(BELSTAT_2021.total)} people on 1 January 2021 minus ` +
      `${fmt(BELSTAT_2021.under18)} children under 18 (Belstat) = ${fmt(adults)}, rounded to ` +
      `${fmt(ADULTS_18_PLUS)}. Every margin below sums to exactly ${fmt(ADULTS_18_PLUS)}. ` +
      'Level keys are the value labels of the codebook (data/codebook.json).',
    margins: [regionMargin(), sexMargin(), ageMargin(), areaMargin()],
    excluded: [
      {
        variable: 'education',
        reason:
          'No full census distribution of adults by education was found. The only figures ' +
          'available (ETF country report, 2020) cover the working-age population, not all adults, ' +
          'and only three levels: higher 20%, secondary specialised 30%, vocational-technical 12%; ' +
          'the rest (general secondary, basic or less) is not split. A raking margin would need ' +
          'all five levels for all adults, so education is not used for weighting.',
      },
    ],
  };
}
