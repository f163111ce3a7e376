/**
 * The respondent model of the synthetic poll. Each respondent has a latent geopolitical
 * orientation (positive: toward Russia and the Eurasian partners; negative: toward the EU and
 * the USA) that depends on age, region, settlement type, education and the sampling point
 * (a PSU-level random effect, which makes answers cluster as in a real face-to-face poll), plus a
 * general warmth toward foreign countries and a propensity to answer "hard to say". Attitudes,
 * the multiple-response choices and the EEU items are all driven by these, so they covary.
 * @module
 */
import {
  AGE_GROUPS,
  COUNTRIES,
  type CountryKey,
  HARD_TO_SAY,
  MR_EXTRA_OPTIONS,
  MULTI_RESPONSE,
  REFUSED,
  type RegionKey,
  type SettlementKey,
} from './labels.js';
import type { Rng } from './prng.js';

/** A row of the poll: column name to number, `null` for an empty (missing) cell. */
export type Row = Record<string, number | null>;

/** Random effects shared by the respondents of one sampling point. */
export interface PsuEffects {
  orientation: number;
  warmth: number;
  dk: number;
  /** Interviewer probing: how readily countries other than Russia get named. */
  probing: number;
}

/** Where a respondent was interviewed. */
export interface Location {
  region: RegionKey;
  settlement: SettlementKey;
}

type PerCountry = Readonly<Record<CountryKey, number>>;
type PerRegion = Readonly<Record<RegionKey, number>>;
type PerSettlement = Readonly<Record<SettlementKey, number>>;

/** Standard deviations of the PSU random effects. */
export const PSU_SD = { orientation: 0.6, warmth: 0.35, dk: 0.5, probing: 0.6 } as const;

/** Age-group probabilities of the achieved sample by settlement (older people overrepresented). */
const AGE_MIX: Readonly<Record<SettlementKey, readonly number[]>> = {
  capital: [0.18, 0.22, 0.19, 0.15, 0.26],
  regional_city: [0.15, 0.2, 0.19, 0.16, 0.3],
  town: [0.12, 0.18, 0.18, 0.17, 0.35],
  village: [0.09, 0.14, 0.16, 0.18, 0.43],
};

/** Share of women in the achieved sample (above the population's 55%, as in face-to-face polls). */
const FEMALE_SHARE = 0.575;

/** Education probabilities (higher, sec. specialised, vocational, general secondary, basic) by age group. */
const EDUCATION_BY_AGE: readonly (readonly number[])[] = [
  [0.27, 0.28, 0.16, 0.27, 0.02],
  [0.33, 0.3, 0.16, 0.18, 0.03],
  [0.27, 0.33, 0.18, 0.17, 0.05],
  [0.2, 0.34, 0.18, 0.19, 0.09],
  [0.14, 0.28, 0.12, 0.18, 0.28],
];
/** Multipliers of the chance of higher education (index 0) and basic or less (index 4) by settlement. */
const EDUCATION_TILT: Readonly<Record<SettlementKey, readonly [number, number]>> = {
  capital: [1.55, 0.5],
  regional_city: [1.2, 0.75],
  town: [0.85, 1.1],
  village: [0.5, 1.7],
};

/** Orientation shifts. */
const ORIENT = {
  age: 0.5,
  female: 0.05,
  region: {
    brest: -0.1,
    vitebsk: 0.15,
    gomel: 0.2,
    grodno: -0.25,
    minsk_city: -0.3,
    minsk_region: 0.05,
    mogilev: 0.2,
  } satisfies PerRegion,
  settlement: {
    capital: 0,
    regional_city: -0.05,
    town: 0.08,
    village: 0.25,
  } satisfies PerSettlement,
  education: [-0.2, 0, 0.05, 0, 0.15] as readonly number[],
} as const;

/** Attitude model per country: level, loadings on the orientation and on warmth, noise. */
const ATT: Readonly<Record<CountryKey, { a: number; b: number; w: number; sd: number }>> = {
  russia: { a: 1.05, b: 0.75, w: 1, sd: 0.6 },
  china: { a: 0.75, b: 0.4, w: 1, sd: 0.65 },
  kazakhstan: { a: 0.55, b: 0.25, w: 0.85, sd: 0.25 },
  ukraine: { a: 0.45, b: -0.15, w: 1, sd: 0.8 },
  poland: { a: 0.15, b: -0.55, w: 1, sd: 0.75 },
  lithuania: { a: 0.05, b: -0.55, w: 1, sd: 0.75 },
  latvia: { a: 0.1, b: -0.45, w: 1, sd: 0.7 },
  germany: { a: 0.35, b: -0.45, w: 1, sd: 0.75 },
  usa: { a: -0.25, b: -0.7, w: 1, sd: 0.8 },
  azerbaijan: { a: 0.3, b: 0.15, w: 0.9, sd: 0.6 },
  uzbekistan: { a: 0.35, b: 0.25, w: 0.9, sd: 0.55 },
  armenia: { a: 0.35, b: 0.2, w: 0.9, sd: 0.6 },
};

/** Regional affinities toward neighbours (west: Poland, Lithuania; east: Russia; north: Latvia). */
const NEIGHBOUR: Partial<Record<CountryKey, Partial<Record<RegionKey, number>>>> = {
  russia: { vitebsk: 0.2, mogilev: 0.2, gomel: 0.2, grodno: -0.15, brest: -0.1 },
  poland: { grodno: 0.75, brest: 0.6 },
  lithuania: { grodno: 0.65, brest: 0.3, vitebsk: 0.2 },
  latvia: { vitebsk: 0.45, grodno: 0.2 },
  ukraine: { gomel: 0.2, brest: 0.2 },
};

/** Settlement shifts for the EU countries and the USA (capital warmer, villages cooler). */
const WEST_SETTLEMENT: PerSettlement = {
  capital: 0.15,
  regional_city: 0.05,
  town: -0.05,
  village: -0.15,
};
const WEST = new Set<CountryKey>(['poland', 'lithuania', 'latvia', 'germany', 'usa']);

/** Thresholds of the latent attitude: very positive, rather positive, neutral, rather negative. */
const CUTS = [1.3, 0.35, -0.55, -1.35] as const;

/** "Hard to say" thresholds per country (higher: fewer): less familiar countries get more. */
const DK_T: PerCountry = {
  russia: 2.6,
  china: 2.0,
  kazakhstan: 2.3,
  ukraine: 2.2,
  poland: 2.1,
  lithuania: 2.0,
  latvia: 1.7,
  germany: 2.0,
  usa: 2.0,
  azerbaijan: 1.45,
  uzbekistan: 1.35,
  armenia: 1.45,
};

/** Utility bonus of a country in the multiple-response questions, by the attitude given to it. */
const ATT_BONUS: Readonly<Record<number, number>> = {
  1: 1.0,
  2: 0.4,
  3: -0.4,
  4: -1.6,
  5: -2.6,
  [HARD_TO_SAY]: -0.8,
  [REFUSED]: 0,
};

/** Multiple-response utilities: level per question and loading on the orientation. */
const MR: Readonly<Record<CountryKey, { rel: number; int: number; g: number }>> = {
  russia: { rel: 1.6, int: 1.3, g: 0.6 },
  china: { rel: -0.25, int: -0.6, g: 0.4 },
  kazakhstan: { rel: 0.2, int: -0.1, g: 0.45 },
  ukraine: { rel: -1.6, int: -1.6, g: 0 },
  poland: { rel: -2.8, int: -2.6, g: -0.5 },
  lithuania: { rel: -3.0, int: -2.8, g: -0.5 },
  latvia: { rel: -3.0, int: -2.9, g: -0.45 },
  germany: { rel: -2.2, int: -2.3, g: -0.45 },
  usa: { rel: -2.5, int: -2.6, g: -0.6 },
  azerbaijan: { rel: -1.9, int: -2.0, g: 0.1 },
  uzbekistan: { rel: -1.8, int: -1.9, g: 0.15 },
  armenia: { rel: -2.0, int: -2.0, g: 0.1 },
};

/** Probabilities of naming 1, 2 or 3 countries (before the utility cut-off). */
const MR_COUNT = [0.36, 0.4, 0.24] as const;

/** Draws the random effects of a new sampling point. */
export function drawPsuEffects(rng: Rng): PsuEffects {
  return {
    orientation: PSU_SD.orientation * rng.normal(),
    warmth: PSU_SD.warmth * rng.normal(),
    dk: PSU_SD.dk * rng.normal(),
    probing: PSU_SD.probing * rng.normal(),
  };
}

function ageOf(rng: Rng, group: number): number {
  const g = AGE_GROUPS[group]!;
  if (g.max < 90) return rng.int(g.min, g.max);
  // Declining density from 60 to 90: the smaller of two uniform draws.
  return g.min + Math.floor((g.max - g.min + 1) * Math.min(rng.uniform(), rng.uniform()));
}

function educationOf(rng: Rng, group: number, settlement: SettlementKey): number {
  const p = [...EDUCATION_BY_AGE[group]!];
  const [higher, basic] = EDUCATION_TILT[settlement];
  p[0]! *= higher;
  p[4]! *= basic;
  return rng.pick(p) + 1;
}

function attitudeCode(y: number): number {
  for (let i = 0; i < CUTS.length; i++) if (y >= CUTS[i]!) return i + 1;
  return 5;
}

/** Returns the chosen option columns of one multiple-response question (suffix to 0/1). */
function chooseMany(
  rng: Rng,
  utility: Readonly<Record<CountryKey, number>>,
  dkScore: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of COUNTRIES) out[c.key] = 0;
  for (const o of MR_EXTRA_OPTIONS) out[o.key] = 0;
  if (dkScore > 2.0) {
    out['dk'] = 1;
    return out;
  }
  const k = rng.pick(MR_COUNT) + 1;
  const ranked = COUNTRIES.map((c) => ({ key: c.key, u: utility[c.key] }))
    .filter((x) => x.u > 0)
    .sort((a, b) => b.u - a.u)
    .slice(0, k);
  if (ranked.length === 0) out['none'] = 1;
  for (const x of ranked) out[x.key] = 1;
  return out;
}

/** The latent traits of one respondent. */
interface Traits {
  /** Geopolitical orientation: positive toward Russia and the Eurasian partners. */
  orientation: number;
  /** General warmth toward foreign countries. */
  warmth: number;
  /** Propensity to answer "hard to say". */
  dkPropensity: number;
  /** Refuses every substantive question. */
  reticent: boolean;
}

function drawTraits(rng: Rng, where: Location, psu: PsuEffects, row: Row): Traits {
  const age = row['age']!;
  const education = row['education']!;
  const orientation =
    ORIENT.age * ((age - 47) / 17) +
    (row['sex'] === 2 ? ORIENT.female : 0) +
    ORIENT.region[where.region] +
    ORIENT.settlement[where.settlement] +
    ORIENT.education[education - 1]! +
    psu.orientation +
    rng.normal();
  const warmth = psu.warmth + 0.45 * rng.normal();
  const dkPropensity =
    psu.dk +
    (education === 5 ? 0.45 : education === 1 ? -0.3 : 0) +
    (age >= 60 ? 0.3 : 0) +
    0.6 * rng.normal();
  return { orientation, warmth, dkPropensity, reticent: rng.chance(0.011) };
}

/** The attitude battery: one code per country. */
function drawAttitudes(rng: Rng, where: Location, t: Traits): Record<CountryKey, number> {
  const attitude = {} as Record<CountryKey, number>;
  for (const c of COUNTRIES) {
    const m = ATT[c.key];
    let y = m.a + m.b * t.orientation + m.w * t.warmth + m.sd * rng.normal();
    y += NEIGHBOUR[c.key]?.[where.region] ?? 0;
    if (WEST.has(c.key)) y += WEST_SETTLEMENT[where.settlement];
    const dkScore = t.dkPropensity + rng.normal() - 0.25 * Math.abs(y);
    if (t.reticent || rng.chance(0.005)) attitude[c.key] = REFUSED;
    else if (dkScore > DK_T[c.key]) attitude[c.key] = HARD_TO_SAY;
    else attitude[c.key] = attitudeCode(y);
  }
  return attitude;
}

/**
 * The two multiple-response questions ("most reliable partners", then "interests most
 * consistent with ours"), written into `row` as 0/1 columns, or all empty for a refusal.
 */
function drawMultipleResponse(
  rng: Rng,
  psu: PsuEffects,
  t: Traits,
  attitude: Readonly<Record<CountryKey, number>>,
  row: Row,
): void {
  let previous: Record<string, number> | null = null;
  for (const q of MULTI_RESPONSE) {
    const utility = {} as Record<CountryKey, number>;
    for (const c of COUNTRIES) {
      const m = MR[c.key];
      const level = q.id === 'reliable' ? m.rel : m.int;
      // Answers to the second question lean on the first.
      const named = previous?.[c.key] === 1 ? 0.9 : 0;
      const probing = c.key === 'russia' ? 0 : psu.probing;
      utility[c.key] =
        level + m.g * t.orientation + probing + ATT_BONUS[attitude[c.key]]! + named + rng.normal();
    }
    const refused = t.reticent || rng.chance(0.006);
    const choice = refused ? null : chooseMany(rng, utility, t.dkPropensity + rng.normal());
    for (const c of COUNTRIES) row[`${q.prefix}_${c.key}`] = choice ? choice[c.key]! : null;
    for (const o of MR_EXTRA_OPTIONS) row[`${q.prefix}_${o.key}`] = choice ? choice[o.key]! : null;
    previous = choice;
  }
}

/** The two EEU items, written into `row`. */
function drawEeu(
  rng: Rng,
  where: Location,
  t: Traits,
  attitude: Readonly<Record<CountryKey, number>>,
  row: Row,
): void {
  const kzScore = ATT_BONUS[attitude.kazakhstan]!;
  const coop = 0.6 + 0.5 * t.orientation + 0.3 * t.warmth + 0.5 * kzScore + rng.normal();
  if (t.reticent || rng.chance(0.007)) row['eeu_kz_coop'] = REFUSED;
  else if (t.dkPropensity + rng.normal() > 2.1) row['eeu_kz_coop'] = HARD_TO_SAY;
  else row['eeu_kz_coop'] = coop > 0 ? 1 : coop < -1.0 ? 2 : HARD_TO_SAY;

  const member =
    0.6 +
    0.65 * t.orientation +
    0.2 * t.warmth +
    (where.settlement === 'capital' ? -0.15 : 0) +
    (where.settlement === 'village' ? 0.1 : 0) +
    rng.normal();
  if (t.reticent || rng.chance(0.007)) row['eeu_membership'] = REFUSED;
  else if (t.dkPropensity + rng.normal() > 2.0) row['eeu_membership'] = HARD_TO_SAY;
  else row['eeu_membership'] = member > 0.2 ? 1 : member > -0.7 ? 2 : 3;
}

/**
 * Draws one respondent interviewed at `where`, in a sampling point with effects `psu`.
 * Returns the substantive columns (demographics, attitudes, multiple response, EEU items).
 */
export function drawRespondent(rng: Rng, where: Location, psu: PsuEffects): Row {
  const row: Row = {};
  row['sex'] = rng.chance(FEMALE_SHARE) ? 2 : 1;
  const group = rng.pick(AGE_MIX[where.settlement]);
  row['age'] = ageOf(rng, group);
  row['agegroup'] = group + 1;
  row['education'] = educationOf(rng, group, where.settlement);
  const traits = drawTraits(rng, where, psu, row);
  const attitude = drawAttitudes(rng, where, traits);
  for (const c of COUNTRIES) row[`att_${c.key}`] = attitude[c.key];
  drawMultipleResponse(rng, psu, traits, attitude, row);
  drawEeu(rng, where, traits, attitude, row);
  return row;
}
