/**
 * The charts' own words (axis titles, legends, tooltips, subtitles, captions and footnotes) in
 * English, Russian and Belarusian; any other language gets the English words (its data labels
 * still come from the questionnaire's and codebook's translations).
 * @module
 */

/** The languages the charts' own words are written in; others fall back to English. */
export const CHART_WORD_LANGUAGES = ['en', 'ru', 'be'] as const;

/** The charts' own words; `{name}` marks a value filled in by {@link phrase}. */
const WORDS = {
  share: { en: 'Share of respondents', ru: 'Доля респондентов', be: 'Доля рэспандэнтаў' },
  value: { en: 'Value', ru: 'Значение', be: 'Значэнне' },
  estimate: { en: 'Estimate', ru: 'Оценка', be: 'Ацэнка' },
  ci: { en: 'Confidence interval', ru: 'Доверительный интервал', be: 'Давяральны інтэрвал' },
  base: { en: 'Base (n)', ru: 'База (n)', be: 'База (n)' },
  se: { en: 'Standard error', ru: 'Стандартная ошибка', be: 'Стандартная памылка' },
  item: { en: 'Item', ru: 'Пункт', be: 'Пункт' },
  group: { en: 'Group', ru: 'Группа', be: 'Група' },
  answer: { en: 'Answer', ru: 'Ответ', be: 'Адказ' },
  attitudes: { en: 'Attitudes', ru: 'Отношение', be: 'Стаўленне' },
  net: { en: 'Net', ru: 'Баланс', be: 'Баланс' },
  netScore: {
    en: 'Net score (positive − negative)',
    ru: 'Баланс (положительные − отрицательные)',
    be: 'Баланс (станоўчыя − адмоўныя)',
  },
  netPoints: {
    en: 'Net score: positive − negative (points)',
    ru: 'Баланс: положительные − отрицательные (п.п.)',
    be: 'Баланс: станоўчыя − адмоўныя (п.п.)',
  },
  negativePositive: {
    en: '← negative\u2003\u2003share of respondents\u2003\u2003positive →',
    ru: '← отрицательно\u2003\u2003доля респондентов\u2003\u2003положительно →',
    be: '← адмоўна\u2003\u2003доля рэспандэнтаў\u2003\u2003станоўча →',
  },
  rank: { en: 'Rank', ru: 'Место', be: 'Месца' },
  plausibleRanks: { en: 'Plausible ranks', ru: 'Возможные места', be: 'Магчымыя месцы' },
  tiedWith: {
    en: 'Not significantly different from',
    ru: 'Статистически не отличается от',
    be: 'Статыстычна не адрозніваецца ад',
  },
  none: { en: 'none', ru: 'нет', be: 'няма' },
  threshold: { en: 'Published threshold', ru: 'Опубликованный порог', be: 'Апублікаваны парог' },
  national: { en: 'National', ru: 'Вся выборка', be: 'Уся выбарка' },
  subgroup: { en: 'Subgroup', ru: 'Подгруппа', be: 'Падгрупа' },
  difference: {
    en: 'Difference from national',
    ru: 'Отличие от выборки в целом',
    be: 'Адрозненне ад выбаркі ў цэлым',
  },
  differs: {
    en: 'Differs from national',
    ru: 'Отличается от выборки в целом',
    be: 'Адрозніваецца ад выбаркі ў цэлым',
  },
  yes: { en: 'yes', ru: 'да', be: 'так' },
  no: { en: 'no', ru: 'нет', be: 'не' },
  year: { en: 'Year', ru: 'Год', be: 'Год' },
  source: { en: 'Source', ru: 'Источник', be: 'Крыніца' },
  published: {
    en: 'Published figure (no CI)',
    ru: 'Опубликованная цифра (без ДИ)',
    be: 'Апублікаваная лічба (без ДІ)',
  },
  ourEstimate: {
    en: 'This poll ({level} CI)',
    ru: 'Этот опрос ({level} ДИ)',
    be: 'Гэта апытанне ({level} ДІ)',
  },
  series: { en: 'Series', ru: 'Ряд', be: 'Шэраг' },
  margin: { en: 'Margin', ru: 'Признак', be: 'Прыкмета' },
  level: { en: 'Level', ru: 'Значение', be: 'Значэнне' },
  sample: { en: 'Sample (unweighted)', ru: 'Выборка (без весов)', be: 'Выбарка (без вагаў)' },
  designWeighted: { en: 'Design weights', ru: 'Веса дизайна', be: 'Вагі дызайну' },
  raked: { en: 'Raked weights', ru: 'Итоговые веса', be: 'Выніковыя вагі' },
  population: {
    en: 'Population',
    ru: 'Генеральная совокупность',
    be: 'Генеральная сукупнасць',
  },
  weight: {
    en: 'Weight (adults represented)',
    ru: 'Вес (число представляемых взрослых)',
    be: 'Вага (колькасць дарослых, якіх прадстаўляе)',
  },
  respondents: { en: 'Respondents', ru: 'Респонденты', be: 'Рэспандэнты' },
  kish: { en: 'Kish design effect', ru: 'Эффект дизайна Киша', be: 'Эфект дызайну Кіша' },
  kishShort: { en: 'Kish deff', ru: 'эффект Киша', be: 'эфект Кіша' },
  range: { en: 'range', ru: 'диапазон', be: 'дыяпазон' },
  effectiveN: { en: 'effective n', ru: 'эффективный n', be: 'эфектыўны n' },
  reliability: { en: 'Reliability', ru: 'Надёжность', be: 'Надзейнасць' },
  reliable: { en: 'meets the standard', ru: 'отвечает стандарту', be: 'адпавядае стандарту' },
  marksDot: {
    en: 'Dots: estimate; lines: {level} confidence interval',
    ru: 'Точки: оценка; линии: {level} доверительный интервал',
    be: 'Кропкі: ацэнка; лініі: {level} давяральны інтэрвал',
  },
  marksBar: {
    en: 'Bars: estimate; lines: {level} confidence interval',
    ru: 'Столбцы: оценка; линии: {level} доверительный интервал',
    be: 'Слупкі: ацэнка; лініі: {level} давяральны інтэрвал',
  },
  marksGroups: {
    en: 'Dots: estimate, coloured by {group}; lines: {level} confidence interval',
    ru: 'Точки: оценка, цвет — {group}; линии: {level} доверительный интервал',
    be: 'Кропкі: ацэнка, колер — {group}; лініі: {level} давяральны інтэрвал',
  },
  thresholdTick: {
    en: 'Vertical tick: threshold of the published statement',
    ru: 'Вертикальная черта: порог опубликованного утверждения',
    be: 'Вертыкальная рыска: парог апублікаванага сцвярджэння',
  },
  rankingMarks: {
    en: 'Dots: estimate; lines: {level} confidence interval. Rank: the ranks each could plausibly hold.',
    ru: 'Точки: оценка; линии: {level} доверительный интервал. Место: возможные места с учётом погрешности.',
    be: 'Кропкі: ацэнка; лініі: {level} давяральны інтэрвал. Месца: магчымыя месцы з улікам хібнасці.',
  },
  tieBrackets: {
    en: 'Brackets join items not significantly different from each other; an item can share brackets with items that differ from one another',
    ru: 'Скобки объединяют пункты, статистически не отличающиеся друг от друга; пункт может входить в скобки с пунктами, которые отличаются между собой',
    be: 'Дужкі аб’ядноўваюць пункты, якія статыстычна не адрозніваюцца адзін ад аднаго; пункт можа быць у дужках з пунктамі, што адрозніваюцца паміж сабой',
  },
  divergingApart: {
    en: 'Neutral and "hard to say" shown apart on the right. Net: positive − negative, points',
    ru: 'Нейтральные ответы и «затрудняюсь ответить» — отдельно справа. Баланс: положительные − отрицательные, п.п.',
    be: 'Нейтральныя адказы і «цяжка адказаць» — асобна справа. Баланс: станоўчыя − адмоўныя, п.п.',
  },
  divergingCentre: {
    en: 'Neutral answers split around zero; "hard to say" apart. Net: positive − negative, points',
    ru: 'Нейтральные ответы — по обе стороны от нуля; «затрудняюсь ответить» — отдельно. Баланс: положительные − отрицательные, п.п.',
    be: 'Нейтральныя адказы — па абодва бакі ад нуля; «цяжка адказаць» — асобна. Баланс: станоўчыя − адмоўныя, п.п.',
  },
  subgroupShare: {
    en: 'Share answering “{answers}”, by subgroup',
    ru: 'Доля ответивших «{answers}», по подгруппам',
    be: 'Доля тых, хто адказаў «{answers}», па падгрупах',
  },
  subgroupLine: {
    en: 'Dashed line and grey band — {national}',
    ru: 'Пунктир и серая полоса — {national}',
    be: 'Пункцір і шэрая паласа — {national}',
  },
  subgroupDots: {
    en: 'Coloured dots: significantly different from the national share; grey dots: not; lines: confidence interval',
    ru: 'Цветные точки: значимое отличие от выборки в целом; серые: нет; линии: доверительный интервал',
    be: 'Каляровыя кропкі: значнае адрозненне ад выбаркі ў цэлым; шэрыя: няма; лініі: давяральны інтэрвал',
  },
  trendMarks: {
    en: 'Filled dots with bars: estimates with {level} confidence intervals; hollow dots on dashed lines: published figures without intervals',
    ru: 'Закрашенные точки с отрезками: оценки с {level} доверительными интервалами; полые точки на пунктире: опубликованные цифры без интервала',
    be: 'Зафарбаваныя кропкі з адрэзкамі: ацэнкі з {level} давяральнымі інтэрваламі; полыя кропкі на пункціры: апублікаваныя лічбы без інтэрвалаў',
  },
  weightingTitle: {
    en: 'Sample and population',
    ru: 'Выборка и генеральная совокупность',
    be: 'Выбарка і генеральная сукупнасць',
  },
  weightingMarks: {
    en: 'Black line: population share. Kish design effect {before} before, {after} after raking; effective n {effectiveN} of {n}',
    ru: 'Чёрная линия: доля в генеральной совокупности. Эффект дизайна Киша: {before} до, {after} после взвешивания; эффективный n {effectiveN} из {n}',
    be: 'Чорная лінія: доля ў генеральнай сукупнасці. Эфект дызайну Кіша: {before} да, {after} пасля ўзважвання; эфектыўны n {effectiveN} з {n}',
  },
  diffFromPopulation: {
    en: 'Difference from population, points',
    ru: 'Отличие от совокупности, п.п.',
    be: 'Адрозненне ад сукупнасці, п.п.',
  },
  weightsTitle: {
    en: 'Distribution of the weights',
    ru: 'Распределение весов',
    be: 'Размеркаванне вагаў',
  },
  noteBase: {
    en: 'n = {n} respondents; {weighting}',
    ru: 'n = {n} респондентов; {weighting}',
    be: 'n = {n} рэспандэнтаў; {weighting}',
  },
  noteRaked: {
    en: 'weighted to population margins ({margins})',
    ru: 'взвешено по генеральной совокупности ({margins})',
    be: 'узважана паводле генеральнай сукупнасці ({margins})',
  },
  noteDesignWeights: {
    en: 'design weights',
    ru: 'веса дизайна',
    be: 'вагі дызайну',
  },
  noteMoe: {
    en: 'Margin of error of a 50% share of all respondents: ±{moe} points ({level}, design effect included); larger for subgroups',
    ru: 'Погрешность для доли 50% всех респондентов: ±{moe} п.п. ({level}, с учётом эффекта дизайна); для подгрупп больше',
    be: 'Хібнасць для долі 50% усіх рэспандэнтаў: ±{moe} п.п. ({level}, з улікам эфекту дызайну); для падгруп больш',
  },
  flagSuppress: {
    en: '* Hollow marks: below the NCHS standard for proportions (Parker et al. 2017): {reasons}; not reliable',
    ru: '* Полые метки: не отвечают стандарту NCHS для долей (Parker et al. 2017): {reasons}; ненадёжные оценки',
    be: '* Полыя меткі: не адпавядаюць стандарту NCHS для доляў (Parker et al. 2017): {reasons}; ненадзейныя ацэнкі',
  },
  flagSuppressTable: {
    en: '* Below the NCHS standard for proportions (Parker et al. 2017): {reasons}; not reliable',
    ru: '* Не отвечают стандарту NCHS для долей (Parker et al. 2017): {reasons}; ненадёжные оценки',
    be: '* Не адпавядаюць стандарту NCHS для доляў (Parker et al. 2017): {reasons}; ненадзейныя ацэнкі',
  },
  flagReview: {
    en: '† Flagged by the NCHS standard for proportions: {reasons}',
    ru: '† Отмечены по стандарту NCHS для долей: {reasons}',
    be: '† Адзначаны паводле стандарту NCHS для доляў: {reasons}',
  },
  'reason:effective-sample-size': {
    en: 'effective sample size under 30',
    ru: 'эффективный объём выборки меньше 30',
    be: 'эфектыўны аб’ём выбаркі меншы за 30',
  },
  'reason:ci-width': {
    en: 'Korn–Graubard interval 30 points wide or more',
    ru: 'интервал Корна — Граубарда шириной 30 п.п. и более',
    be: 'інтэрвал Корна — Граўбарда шырынёй 30 п.п. і больш',
  },
  'reason:relative-ci-width': {
    en: 'Korn–Graubard interval wider than 130% of the estimate',
    ru: 'интервал Корна — Граубарда шире 130% оценки',
    be: 'інтэрвал Корна — Граўбарда шырэйшы за 130% ацэнкі',
  },
  'reason:degrees-of-freedom': {
    en: 'fewer than 8 degrees of freedom (statistical review)',
    ru: 'меньше 8 степеней свободы (нужна проверка)',
    be: 'менш за 8 ступеняў свабоды (патрэбна праверка)',
  },
  'reason:zero-or-one': {
    en: 'an estimate of 0% or 100% (statistical review)',
    ru: 'оценка 0% или 100% (нужна проверка)',
    be: 'ацэнка 0% ці 100% (патрэбна праверка)',
  },
  'reason:complement': {
    en: 'interval wider than 130% of its complement',
    ru: 'интервал шире 130% дополнения',
    be: 'інтэрвал шырэйшы за 130% дапаўнення',
  },
} as const satisfies Record<string, Record<(typeof CHART_WORD_LANGUAGES)[number], string>>;

/** A word (or phrase) of the charts' own vocabulary. */
export type ChartWord = keyof typeof WORDS;

/**
 * One of the charts' own words in a language (English for a language it lacks; a regional
 * code such as `ru-BY` uses its language's words).
 * @example
 * ```ts
 * console.log(word('base', 'ru'), '|', word('share', 'be'), '|', word('base', 'de')); // => База (n) | Доля рэспандэнтаў | Base (n)
 * ```
 */
export function word(key: ChartWord, language: string): string {
  const w = WORDS[key] as Record<string, string>;
  return w[language] ?? w[language.split('-')[0]!] ?? w.en!;
}

/**
 * A phrase of the charts' vocabulary with its `{name}` slots filled from `values`.
 * @example
 * ```ts
 * console.log(phrase('marksDot', 'be', { level: '95%' })); // => Кропкі: ацэнка; лініі: 95% давяральны інтэрвал
 * ```
 */
export function phrase(
  key: ChartWord,
  language: string,
  values: Record<string, string | number> = {},
): string {
  return word(key, language).replace(/\{(\w+)\}/g, (m, name: string) =>
    name in values ? String(values[name]) : m,
  );
}
