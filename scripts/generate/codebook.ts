/**
 * The codebook of the synthetic poll (`data/codebook.json`), in the schema of
 * `src/data/codebook.ts`: every column with its type, English question text, Russian
 * translation, value labels and missing codes.
 * @module
 */
import type { Codebook, CodebookVariable } from '../../src/data/codebook.js';
import type { Stratum } from './design.js';
import {
  AGE_GROUPS,
  AREAS,
  ATTITUDE_SCALE,
  COUNTRIES,
  type Code,
  EDUCATION,
  EEU_KZ_COOP,
  EEU_MEMBERSHIP,
  MR_EXTRA_OPTIONS,
  MULTI_RESPONSE,
  NAMED,
  REFUSED,
  REGIONS,
  SETTLEMENTS,
  SEXES,
} from './labels.js';

/** Facts about the generated rows that the codebook states (ranges). */
export interface CodebookFacts {
  rows: number;
  maxPsu: number;
  weightRange: [number, number];
  strata: readonly Stratum[];
}

const values = (codes: readonly Code[]) =>
  codes.map((c) => ({ code: c.code, label: c.label, translations: { ru: c.ru } }));

const categorical = (
  name: string,
  label: string,
  ru: string,
  codes: readonly Code[],
  missing?: number[],
): CodebookVariable => ({
  name,
  type: 'categorical',
  label,
  translations: { ru },
  values: values(codes),
  ...(missing ? { missing } : {}),
});

/** The codebook variables, in CSV column order. */
export function buildCodebook(facts: CodebookFacts): Codebook {
  const v: CodebookVariable[] = [];
  v.push({
    name: 'id',
    type: 'numeric',
    label: 'Respondent number',
    translations: { ru: 'Номер респондента' },
    range: [1, facts.rows],
  });
  v.push(
    categorical(
      'region',
      'Region (oblast or Minsk city)',
      'Регион (область или г. Минск)',
      REGIONS,
    ),
  );
  v.push(categorical('settlement', 'Settlement type', 'Тип населённого пункта', SETTLEMENTS));
  v.push(
    categorical(
      'area',
      'Urban or rural (villages are rural)',
      'Городское или сельское население',
      AREAS,
    ),
  );
  v.push({
    name: 'stratum',
    type: 'categorical',
    label: 'Sampling stratum: region x settlement type',
    translations: { ru: 'Страта выборки: область x тип населённого пункта' },
    values: facts.strata.map((s) => ({
      code: s.key,
      label: `${s.region.label}, ${s.settlement.label.toLowerCase()}`,
      translations: { ru: `${s.region.ru}, ${s.settlement.ru.toLowerCase()}` },
    })),
  });
  v.push({
    name: 'psu',
    type: 'numeric',
    label: 'Sampling point (primary sampling unit), numbered within its stratum',
    translations: { ru: 'Точка опроса (первичная единица выборки), номер внутри страты' },
    range: [1, facts.maxPsu],
  });
  v.push({
    name: 'design_weight',
    type: 'numeric',
    label: 'Design weight: adults represented by the respondent (inverse inclusion probability)',
    translations: { ru: 'Дизайн-вес: число взрослых, которых представляет респондент' },
    range: facts.weightRange,
  });
  v.push(categorical('sex', 'Sex', 'Пол', SEXES));
  v.push({
    name: 'age',
    type: 'numeric',
    label: 'Age in full years',
    translations: { ru: 'Возраст, полных лет' },
    range: [18, 90],
  });
  v.push(categorical('agegroup', 'Age group', 'Возрастная группа', AGE_GROUPS));
  v.push(categorical('education', 'Education (highest completed)', 'Образование', EDUCATION));
  for (const c of COUNTRIES) {
    v.push(
      categorical(
        `att_${c.key}`,
        `What is your attitude toward ${c.label}?`,
        `Как Вы относитесь к ${c.dative}?`,
        ATTITUDE_SCALE,
        [REFUSED],
      ),
    );
  }
  for (const q of MULTI_RESPONSE) {
    const options = [...COUNTRIES, ...MR_EXTRA_OPTIONS];
    for (const o of options) {
      v.push({
        name: `${q.prefix}_${o.key}`,
        type: 'numeric',
        label: `${q.label} (up to ${q.maxAnswers} answers): ${o.label}`,
        translations: { ru: `${q.ru} (не более трёх ответов): ${o.ru}` },
        values: values(NAMED),
        range: [0, 1],
      });
    }
  }
  v.push(
    categorical(
      'eeu_kz_coop',
      'Do you support the cooperation of Belarus with Kazakhstan within the Eurasian Economic Union?',
      'Поддерживаете ли Вы сотрудничество Беларуси с Казахстаном в рамках Евразийского экономического союза?',
      EEU_KZ_COOP,
      [REFUSED],
    ),
  );
  v.push(
    categorical(
      'eeu_membership',
      'How do you feel about the membership of Belarus in the Eurasian Economic Union?',
      'Как Вы относитесь к членству Беларуси в Евразийском экономическом союзе?',
      EEU_MEMBERSHIP,
      [REFUSED],
    ),
  );
  return {
    title:
      'Synthetic reference poll modelled on a Belarusian national survey of December 2021 (SYNTHETIC data)',
    source:
      'Synthetic data: simulated respondents modelled on a Belarusian national poll of December 2021 (BISR); not a measurement of opinion',
    language: 'en',
    variables: v,
  };
}
