/**
 * Codes and labels (English, with Russian translations) of the synthetic poll's variables. The
 * codebook, the questionnaire description, the margins and the generator all read them from here,
 * so a level name is spelled the same everywhere.
 * @module
 */

/**
 * A coded answer: the number written in the CSV, its English label, its Russian label and (for
 * the questionnaire's answers) its Belarusian label.
 */
export interface Code {
  readonly code: number;
  readonly label: string;
  readonly ru: string;
  readonly be?: string;
}

/** The seven first-level units: six regions (oblasts) and Minsk city. */
export const REGIONS = [
  { code: 1, key: 'brest', label: 'Brest', ru: 'Брестская область' },
  { code: 2, key: 'vitebsk', label: 'Vitebsk', ru: 'Витебская область' },
  { code: 3, key: 'gomel', label: 'Gomel', ru: 'Гомельская область' },
  { code: 4, key: 'grodno', label: 'Grodno', ru: 'Гродненская область' },
  { code: 5, key: 'minsk_city', label: 'Minsk city', ru: 'г. Минск' },
  { code: 6, key: 'minsk_region', label: 'Minsk region', ru: 'Минская область' },
  { code: 7, key: 'mogilev', label: 'Mogilev', ru: 'Могилёвская область' },
] as const;

/** A region key (`'brest'`, ..., `'mogilev'`). */
export type RegionKey = (typeof REGIONS)[number]['key'];

/** Settlement types of the sampling frame. */
export const SETTLEMENTS = [
  { code: 1, key: 'capital', label: 'Capital', ru: 'Столица' },
  { code: 2, key: 'regional_city', label: 'Regional city', ru: 'Областной центр' },
  {
    code: 3,
    key: 'town',
    label: 'Town',
    ru: 'Другой город или посёлок городского типа',
  },
  { code: 4, key: 'village', label: 'Village', ru: 'Сельский населённый пункт' },
] as const;

/** A settlement key. */
export type SettlementKey = (typeof SETTLEMENTS)[number]['key'];

/** Urban or rural residence (derived from the settlement type: villages are rural). */
export const AREAS: readonly Code[] = [
  { code: 1, label: 'Urban', ru: 'Городское население' },
  { code: 2, label: 'Rural', ru: 'Сельское население' },
];

/** Sex of the respondent. */
export const SEXES: readonly Code[] = [
  { code: 1, label: 'Male', ru: 'Мужской' },
  { code: 2, label: 'Female', ru: 'Женский' },
];

/** Age groups with their inclusive bounds. */
export const AGE_GROUPS = [
  { code: 1, label: '18-29', ru: '18–29 лет', min: 18, max: 29 },
  { code: 2, label: '30-39', ru: '30–39 лет', min: 30, max: 39 },
  { code: 3, label: '40-49', ru: '40–49 лет', min: 40, max: 49 },
  { code: 4, label: '50-59', ru: '50–59 лет', min: 50, max: 59 },
  { code: 5, label: '60+', ru: '60 лет и старше', min: 60, max: 90 },
] as const;

/** Highest completed education. */
export const EDUCATION: readonly Code[] = [
  { code: 1, label: 'Higher', ru: 'Высшее' },
  { code: 2, label: 'Secondary specialised', ru: 'Среднее специальное' },
  { code: 3, label: 'Vocational', ru: 'Профессионально-техническое' },
  { code: 4, label: 'General secondary', ru: 'Общее среднее' },
  { code: 5, label: 'Basic or less', ru: 'Общее базовое и ниже' },
];

/** Partner countries asked about, in questionnaire order. `dative` is the Russian form after «к». */
export const COUNTRIES = [
  { key: 'russia', label: 'Russia', ru: 'Россия', dative: 'России', be: 'Расія' },
  { key: 'china', label: 'China', ru: 'Китай', dative: 'Китаю', be: 'Кітай' },
  {
    key: 'kazakhstan',
    label: 'Kazakhstan',
    ru: 'Казахстан',
    dative: 'Казахстану',
    be: 'Казахстан',
  },
  { key: 'ukraine', label: 'Ukraine', ru: 'Украина', dative: 'Украине', be: 'Украіна' },
  { key: 'poland', label: 'Poland', ru: 'Польша', dative: 'Польше', be: 'Польшча' },
  { key: 'lithuania', label: 'Lithuania', ru: 'Литва', dative: 'Литве', be: 'Літва' },
  { key: 'latvia', label: 'Latvia', ru: 'Латвия', dative: 'Латвии', be: 'Латвія' },
  { key: 'germany', label: 'Germany', ru: 'Германия', dative: 'Германии', be: 'Германія' },
  { key: 'usa', label: 'USA', ru: 'США', dative: 'США', be: 'ЗША' },
  {
    key: 'azerbaijan',
    label: 'Azerbaijan',
    ru: 'Азербайджан',
    dative: 'Азербайджану',
    be: 'Азербайджан',
  },
  {
    key: 'uzbekistan',
    label: 'Uzbekistan',
    ru: 'Узбекистан',
    dative: 'Узбекистану',
    be: 'Узбекістан',
  },
  { key: 'armenia', label: 'Armenia', ru: 'Армения', dative: 'Армении', be: 'Арменія' },
] as const;

/** A country key (`'russia'`, ...). */
export type CountryKey = (typeof COUNTRIES)[number]['key'];

/** Code of "refused" in every substantive question (a missing code). */
export const REFUSED = 99;
/** Code of "hard to say" (a real answer, not missing). */
export const HARD_TO_SAY = 98;

/** How an answer of the attitude scale counts in summaries. */
export type AttitudeGroup = 'positive' | 'neutral' | 'negative' | 'dk' | 'missing';

/** The attitude scale, with the summary group of each code. */
export const ATTITUDE_SCALE: ReadonlyArray<Code & { group: AttitudeGroup }> = [
  {
    code: 1,
    label: 'Very positive',
    ru: 'Очень положительно',
    group: 'positive',
    be: 'Вельмі станоўча',
  },
  {
    code: 2,
    label: 'Rather positive',
    ru: 'Скорее положительно',
    group: 'positive',
    be: 'Хутчэй станоўча',
  },
  { code: 3, label: 'Neutral', ru: 'Нейтрально', group: 'neutral', be: 'Нейтральна' },
  {
    code: 4,
    label: 'Rather negative',
    ru: 'Скорее отрицательно',
    group: 'negative',
    be: 'Хутчэй адмоўна',
  },
  {
    code: 5,
    label: 'Very negative',
    ru: 'Очень отрицательно',
    group: 'negative',
    be: 'Вельмі адмоўна',
  },
  {
    code: HARD_TO_SAY,
    label: 'Hard to say',
    ru: 'Затрудняюсь ответить',
    group: 'dk',
    be: 'Цяжка адказаць',
  },
  {
    code: REFUSED,
    label: 'Refused',
    ru: 'Отказ от ответа',
    group: 'missing',
    be: 'Адмова ад адказу',
  },
];

/** Answers to "support cooperation with Kazakhstan within the EEU". */
export const EEU_KZ_COOP: readonly Code[] = [
  { code: 1, label: 'Support', ru: 'Поддерживаю', be: 'Падтрымліваю' },
  { code: 2, label: 'Do not support', ru: 'Не поддерживаю', be: 'Не падтрымліваю' },
  { code: HARD_TO_SAY, label: 'Hard to say', ru: 'Затрудняюсь ответить', be: 'Цяжка адказаць' },
  { code: REFUSED, label: 'Refused', ru: 'Отказ от ответа', be: 'Адмова ад адказу' },
];

/** Answers to "membership of Belarus in the EEU". */
export const EEU_MEMBERSHIP: readonly Code[] = [
  { code: 1, label: 'Support', ru: 'Поддерживаю', be: 'Падтрымліваю' },
  { code: 2, label: 'Indifferent', ru: 'Мне всё равно', be: 'Мне ўсё роўна' },
  { code: 3, label: 'Oppose', ru: 'Против', be: 'Супраць' },
  { code: HARD_TO_SAY, label: 'Hard to say', ru: 'Затрудняюсь ответить', be: 'Цяжка адказаць' },
  { code: REFUSED, label: 'Refused', ru: 'Отказ от ответа', be: 'Адмова ад адказу' },
];

/** Value labels of a 0/1 multiple-response column. */
export const NAMED: readonly Code[] = [
  { code: 0, label: 'Not named', ru: 'Не назван' },
  { code: 1, label: 'Named', ru: 'Назван' },
];

/** The two multiple-response questions: column prefix, wording, and the most answers allowed. */
export const MULTI_RESPONSE = [
  {
    id: 'reliable',
    prefix: 'rel',
    label: 'Which countries are the most reliable partners of Belarus in the international arena?',
    ru: 'Какие страны являются наиболее надёжными партнёрами Беларуси на международной арене?',
    be: 'Якія краіны з’яўляюцца найбольш надзейнымі партнёрамі Беларусі на міжнароднай арэне?',
    maxAnswers: 3,
  },
  {
    id: 'interests',
    prefix: 'int',
    label: 'The interests of which countries are most consistent with the interests of Belarus?',
    ru: 'Интересы каких стран в наибольшей степени совпадают с интересами Беларуси?',
    be: 'Інтарэсы якіх краін у найбольшай ступені супадаюць з інтарэсамі Беларусі?',
    maxAnswers: 3,
  },
] as const;

/** The two non-country options of each multiple-response question. */
export const MR_EXTRA_OPTIONS = [
  {
    key: 'none',
    label: 'None of these countries',
    ru: 'Ни одна из этих стран',
    be: 'Ніводная з гэтых краін',
  },
  { key: 'dk', label: 'Hard to say', ru: 'Затрудняюсь ответить', be: 'Цяжка адказаць' },
] as const;

/** Column name of one country's attitude item. */
export const attColumn = (country: CountryKey): string => `att_${country}`;
