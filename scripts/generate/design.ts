/**
 * The synthetic sampling design: strata (region x settlement type), their adult populations,
 * proportional allocation of interviews, sampling points (PSUs) of 8-15 interviews, and design
 * weights.
 * @module
 */
import { apportion } from './apportion.js';
import { REGIONS, type RegionKey, SETTLEMENTS, type SettlementKey } from './labels.js';
import { regionAdults } from './margins.js';
import type { Rng } from './prng.js';
import { ADULTS_18_PLUS, CENSUS_2019_URBAN_RURAL } from './sources.js';

/**
 * ASSUMED share of each region's population living in villages, before the common rescaling that
 * makes the national rural share equal to the census 22.5%. Approximate, not from a cited source:
 * they only shape the synthetic design (stratum sizes), never the raking margins.
 */
export const ASSUMED_RURAL_SHARE: Readonly<Record<RegionKey, number>> = {
  brest: 0.31,
  vitebsk: 0.22,
  gomel: 0.21,
  grodno: 0.25,
  minsk_city: 0,
  minsk_region: 0.45,
  mogilev: 0.16,
};

/**
 * ASSUMED share of each region's population living in its regional capital (the oblast centre).
 * Approximate, not from a cited source; Minsk region has none (its centre is Minsk city).
 */
export const ASSUMED_REGIONAL_CITY_SHARE: Readonly<Record<RegionKey, number>> = {
  brest: 0.26,
  vitebsk: 0.33,
  gomel: 0.37,
  grodno: 0.36,
  minsk_city: 0,
  minsk_region: 0,
  mogilev: 0.37,
};

/** Total interviews of the synthetic poll. */
export const SAMPLE_SIZE = 1500;
/** Interviews per sampling point: bounds and the planned average. */
export const PSU_SIZE = { min: 8, max: 15, planned: 11.5 } as const;

/** One stratum: a region and a settlement type, with its adult population and sample. */
export interface Stratum {
  /** Stratum code written in the CSV, e.g. `brest_village`. */
  key: string;
  region: (typeof REGIONS)[number];
  settlement: (typeof SETTLEMENTS)[number];
  /** Adults 18+ in the stratum (model figure). */
  population: number;
  /** Interviews allocated. */
  interviews: number;
}

/** One sampling point. */
export interface Psu {
  stratum: Stratum;
  /** Number within its stratum, 1..k. */
  id: number;
  /** Interviews taken in it. */
  size: number;
  /** Design weight of each of its respondents. */
  weight: number;
}

/** Every stratum with its adult population (sums to {@link ADULTS_18_PLUS}) and interviews. */
export function buildStrata(): Stratum[] {
  const adults = regionAdults();
  const regionPop = REGIONS.map((r) => adults[r.label]!);
  const { total, rural } = CENSUS_2019_URBAN_RURAL;
  const ruralAdults = apportion(ADULTS_18_PLUS, [total - rural, rural])[1]!;
  const villages = apportion(
    ruralAdults,
    REGIONS.map((r, i) => regionPop[i]! * ASSUMED_RURAL_SHARE[r.key]),
  );
  const strata: Omit<Stratum, 'interviews'>[] = [];
  const settlement = (key: SettlementKey) => SETTLEMENTS.find((s) => s.key === key)!;
  REGIONS.forEach((region, i) => {
    const pop = regionPop[i]!;
    if (region.key === 'minsk_city') {
      strata.push({
        key: `${region.key}_capital`,
        region,
        settlement: settlement('capital'),
        population: pop,
      });
      return;
    }
    const village = villages[i]!;
    const city = Math.round(pop * ASSUMED_REGIONAL_CITY_SHARE[region.key]);
    const town = pop - village - city;
    if (town <= 0) throw new Error(`stratum sizes: no towns left in ${region.label}`);
    const parts: Array<[SettlementKey, number]> = [
      ['regional_city', city],
      ['town', town],
      ['village', village],
    ];
    for (const [key, population] of parts) {
      if (population > 0) {
        strata.push({
          key: `${region.key}_${key}`,
          region,
          settlement: settlement(key),
          population,
        });
      }
    }
  });
  const interviews = apportion(
    SAMPLE_SIZE,
    strata.map((s) => s.population),
  );
  return strata.map((s, i) => ({ ...s, interviews: interviews[i]! }));
}

/**
 * Splits each stratum's interviews into sampling points of {@link PSU_SIZE} interviews and gives
 * them design weights: stratum population / interviews in the stratum, times a mild PSU factor
 * (about +-12%, renormalised so the weights of a stratum still sum to its population), rounded to
 * cents.
 */
export function buildPsus(strata: readonly Stratum[], rng: Rng): Psu[] {
  const psus: Psu[] = [];
  for (const stratum of strata) {
    const n = stratum.interviews;
    const k = Math.max(2, Math.round(n / PSU_SIZE.planned));
    if (n < k * PSU_SIZE.min || n > k * PSU_SIZE.max) {
      throw new Error(`stratum ${stratum.key}: ${n} interviews cannot fill ${k} points`);
    }
    const sizes = apportion(n, new Array<number>(k).fill(1));
    // Uneven fieldwork: move interviews between points within the bounds.
    for (let round = 0; round < 2 * k; round++) {
      const from = rng.int(0, k - 1);
      const to = rng.int(0, k - 1);
      const d = rng.int(1, 3);
      if (from !== to && sizes[from]! - d >= PSU_SIZE.min && sizes[to]! + d <= PSU_SIZE.max) {
        sizes[from]! -= d;
        sizes[to]! += d;
      }
    }
    const factors = sizes.map(() => 1 + 0.12 * Math.max(-2, Math.min(2, rng.normal())));
    const mean = factors.reduce((s, f, i) => s + f * sizes[i]!, 0) / n;
    sizes.forEach((size, i) => {
      const weight = Math.round((((stratum.population / n) * factors[i]!) / mean) * 100) / 100;
      psus.push({ stratum, id: i + 1, size, weight });
    });
  }
  return psus;
}
