/**
 * Chart labels in more than one language: the translations of the questionnaire (items, answers,
 * options, questions, subgroup variables) and of the codebook (variable labels and value labels)
 * gathered in one dictionary, and the charts' own words (axis titles, legends, tooltips).
 * @module
 */
import type { Codebook } from '../data/codebook.js';
import type { Questionnaire } from '../poll/questionnaire.js';

/** The languages the charts' own words are written in. */
export type ChartLanguage = 'en' | 'ru';

/**
 * Translations for chart labels, gathered by {@link chartLabels}. Keys are English; a text with
 * no translation is shown in English.
 */
export interface ChartLabels {
  /** English text (item, answer, option, question) → its text per language. */
  text: Record<string, Record<string, string>>;
  /** Variable name → its title per language, English included (`{ en: 'Age group', ru: ... }`). */
  variables: Record<string, Record<string, string>>;
  /** Variable name → English level (value label) → the level per language. */
  levels: Record<string, Record<string, Record<string, string>>>;
}

type Text = { en: string } & Record<string, string>;

function addText(out: ChartLabels['text'], t: Text | undefined): void {
  if (!t) return;
  const entry = (out[t.en] ??= {});
  for (const [lang, s] of Object.entries(t)) if (lang !== 'en' && s) entry[lang] ??= s;
}

/**
 * Gathers the translations of a questionnaire description and a codebook into one dictionary for
 * the chart builders' `labels` option: item, answer and option labels and question texts (keyed
 * by their English text), subgroup variables' titles (from the questionnaire, else the
 * codebook's variable label) and the codebook's value labels per variable.
 *
 * @example
 * ```ts
 * const q = await readQuestionnaire('data/questionnaire.json');
 * const labels = chartLabels({ questionnaire: q });
 * console.log(labels.text['Kazakhstan']?.ru, labels.variables['agegroup']); // => Казахстан { en: 'Age group', ru: 'Возрастная группа' }
 * ```
 */
export function chartLabels(
  sources: { questionnaire?: Questionnaire; codebook?: Codebook } = {},
): ChartLabels {
  const out: ChartLabels = { text: {}, variables: {}, levels: {} };
  const { questionnaire: q, codebook } = sources;
  if (codebook) {
    for (const v of codebook.variables) {
      if (v.label) out.variables[v.name] = { en: v.label, ...(v.translations ?? {}) };
      if (v.values?.length) {
        const levels: Record<string, Record<string, string>> = {};
        for (const value of v.values) {
          levels[value.label] = { ...(value.translations ?? {}) };
          addText(out.text, { en: value.label, ...(value.translations ?? {}) });
        }
        out.levels[v.name] = levels;
      }
    }
  }
  if (q) {
    for (const c of q.countries ?? []) addText(out.text, c.label as Text);
    if (q.attitudes) {
      addText(out.text, q.attitudes.question as Text);
      for (const a of q.attitudes.scale) addText(out.text, a.label as Text);
      for (const i of q.attitudes.items) {
        addText(out.text, i.label as Text);
        out.variables[i.variable] = { ...(i.label as Text) };
      }
    }
    for (const m of q.multipleResponse) {
      addText(out.text, m.question as Text);
      for (const o of m.options) addText(out.text, o.label as Text);
    }
    for (const e of q.eeu) {
      addText(out.text, e.question as Text);
      for (const a of e.answers) addText(out.text, a.label as Text);
      out.variables[e.variable] = { ...(e.question as Text) };
    }
    for (const s of q.subgroups) out.variables[s.variable] = { ...(s.label as Text) };
  }
  return out;
}

/**
 * Translates an English text (`variable`: look in that variable's value labels first); the
 * English text when there is no translation.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const labels = chartLabels({ codebook: parseCodebook(JSON.parse(readFileSync('data/codebook.json', 'utf8'))) });
 * console.log(translate('Brest', 'ru', labels, 'region'), translate('Brest', 'en', labels)); // => Брестская область Brest
 * ```
 */
export function translate(
  text: string,
  language: string,
  labels: ChartLabels | undefined,
  variable?: string,
): string {
  if (language === 'en' || !labels) return text;
  if (variable !== undefined) {
    const level = labels.levels[variable]?.[text]?.[language];
    if (level) return level;
  }
  return labels.text[text]?.[language] ?? text;
}

/**
 * A variable's title in a language (English, else the variable name, when nothing is known).
 * @example
 * ```ts
 * const labels = chartLabels({ questionnaire: await readQuestionnaire('data/questionnaire.json') });
 * console.log(variableTitle('settlement', 'ru', labels), variableTitle('x', 'ru', labels)); // => Тип населённого пункта x
 * ```
 */
export function variableTitle(
  variable: string,
  language: string,
  labels: ChartLabels | undefined,
): string {
  const v = labels?.variables[variable];
  return v?.[language] ?? v?.en ?? variable;
}

/** The charts' own words. */
const WORDS = {
  share: { en: 'Share of respondents', ru: 'Доля респондентов' },
  estimate: { en: 'Estimate', ru: 'Оценка' },
  ci: { en: 'Confidence interval', ru: 'Доверительный интервал' },
  base: { en: 'Base (n)', ru: 'База (n)' },
  se: { en: 'Standard error', ru: 'Стандартная ошибка' },
  item: { en: 'Item', ru: 'Пункт' },
  answer: { en: 'Answer', ru: 'Ответ' },
  attitudes: { en: 'Attitudes', ru: 'Отношение' },
  net: { en: 'Net', ru: 'Баланс' },
  netScore: { en: 'Net score (positive − negative)', ru: 'Баланс (положительные − отрицательные)' },
  netPoints: {
    en: 'Net score: positive − negative (points)',
    ru: 'Баланс: положительные − отрицательные (п.п.)',
  },
  negativePositive: {
    en: '← negative\u2003\u2003share of respondents\u2003\u2003positive →',
    ru: '← отрицательно\u2003\u2003доля респондентов\u2003\u2003положительно →',
  },
  rank: { en: 'Rank', ru: 'Место' },
  plausibleRanks: { en: 'Plausible ranks', ru: 'Возможные места' },
  tiedWith: { en: 'Not significantly different from', ru: 'Статистически не отличается от' },
  tiedGroup: {
    en: 'Shaded: neighbours not significantly different',
    ru: 'Затенение: соседние пункты статистически не различаются',
  },
  none: { en: 'none', ru: 'нет' },
  threshold: { en: 'Published threshold', ru: 'Опубликованный порог' },
  national: { en: 'National', ru: 'Вся выборка' },
  subgroup: { en: 'Subgroup', ru: 'Подгруппа' },
  difference: { en: 'Difference from national', ru: 'Отличие от выборки в целом' },
  differs: { en: 'Differs from national', ru: 'Отличается от выборки в целом' },
  yes: { en: 'yes', ru: 'да' },
  no: { en: 'no', ru: 'нет' },
  year: { en: 'Year', ru: 'Год' },
  source: { en: 'Source', ru: 'Источник' },
  published: { en: 'Published figure (no CI)', ru: 'Опубликованная цифра (без ДИ)' },
  ourEstimate: { en: 'This poll (95% CI)', ru: 'Этот опрос (95% ДИ)' },
  series: { en: 'Series', ru: 'Ряд' },
  margin: { en: 'Margin', ru: 'Признак' },
  level: { en: 'Level', ru: 'Значение' },
  sample: { en: 'Sample (unweighted)', ru: 'Выборка (без весов)' },
  designWeighted: { en: 'Design weights', ru: 'Веса дизайна' },
  raked: { en: 'Raked weights', ru: 'Итоговые веса' },
  population: { en: 'Population', ru: 'Генеральная совокупность' },
  weight: { en: 'Weight (adults represented)', ru: 'Вес (число представляемых взрослых)' },
  respondents: { en: 'Respondents', ru: 'Респонденты' },
  kish: { en: 'Kish design effect', ru: 'Эффект дизайна Киша' },
  kishShort: { en: 'Kish deff', ru: 'эффект Киша' },
  range: { en: 'range', ru: 'диапазон' },
  effectiveN: { en: 'effective n', ru: 'эффективный n' },
  oddsRatio: { en: 'Odds ratio', ru: 'Отношение шансов' },
  rateRatio: { en: 'Rate ratio', ru: 'Отношение частот' },
  coefficient: { en: 'Coefficient', ru: 'Коэффициент' },
  logScale: { en: 'log scale', ru: 'логарифмическая шкала' },
  term: { en: 'Term', ru: 'Переменная' },
  dots: { en: 'Dots', ru: 'Точки' },
  lines: { en: 'lines', ru: 'линии' },
  filledNoEffect: {
    en: 'filled: the interval excludes no effect',
    ru: 'закрашены: интервал не включает отсутствие эффекта',
  },
  comparedWith: { en: 'Compared with', ru: 'По сравнению с' },
} as const satisfies Record<string, Record<ChartLanguage, string>>;

/** A word of the charts' own vocabulary. */
export type ChartWord = keyof typeof WORDS;

/**
 * One of the charts' own words in a language (English for a language it lacks).
 * @example
 * ```ts
 * console.log(word('base', 'ru'), '|', word('base', 'de')); // => База (n) | Base (n)
 * ```
 */
export function word(key: ChartWord, language: string): string {
  const w = WORDS[key] as Record<string, string>;
  return w[language] ?? w.en!;
}
