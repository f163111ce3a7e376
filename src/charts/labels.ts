/**
 * Chart labels in more than one language: the translations of the questionnaire (items, answers,
 * options, questions, subgroup variables) and of the codebook (variable labels and value labels)
 * gathered in one dictionary, keyed by the text the results carry (see `textOf`: English where
 * the text has it, else its own language), in any language the two files carry.
 * @module
 */
import type { Codebook } from '../data/codebook.js';
import { type Questionnaire, type Text, textOf } from '../poll/questionnaire.js';

/**
 * A language code (`'en'`, `'ru'`, `'be'`, `'de'`, ...): data labels come from the translations
 * in that language, the charts' own words in English, Russian or Belarusian (English for any
 * other), numbers in the language's style (decimal comma where it uses one).
 */
export type ChartLanguage = string;

/**
 * Translations for chart labels, gathered by {@link chartLabels}. Keys are the texts the results
 * carry (their `textOf`); a text with no translation in a language is shown as it is.
 */
export interface ChartLabels {
  /** A text (item, answer, option, question) → its text per language. */
  text: Record<string, Record<string, string>>;
  /** Variable name → its title per language (`{ en: 'Age group', ru: ... }`). */
  variables: Record<string, Record<string, string>>;
  /** Variable name → level (value label) → the level per language. */
  levels: Record<string, Record<string, Record<string, string>>>;
}

function addText(out: ChartLabels['text'], t: Text | undefined, key = t && textOf(t)): void {
  if (!t || key === undefined) return;
  const entry = (out[key] ??= Object.create(null) as Record<string, string>);
  for (const [lang, s] of Object.entries(t)) if (s) entry[lang] ??= s;
}

/**
 * Gathers the translations of a questionnaire description and a codebook into one dictionary for
 * the chart builders' `labels` option, in every language the two files carry: item, answer and
 * option labels and question texts (keyed by the text results carry: `textOf`, English where
 * the text has it), subgroup variables' titles (from the questionnaire, else the codebook's
 * variable label, in the codebook's `language`) and the codebook's value labels per variable.
 *
 * @param sources - The questionnaire description and the codebook (either or both).
 * @example
 * ```ts
 * const q = await readQuestionnaire('data/questionnaire.json');
 * const labels = chartLabels({ questionnaire: q });
 * console.log(labels.text['Kazakhstan']?.ru, { ...labels.variables['agegroup'] }); // => Казахстан { en: 'Age group', ru: 'Возрастная группа', be: 'Узроставая група' }
 * ```
 */
export function chartLabels(
  sources: { questionnaire?: Questionnaire; codebook?: Codebook } = {},
): ChartLabels {
  const dict = <T>() => Object.create(null) as Record<string, T>;
  const out: ChartLabels = { text: dict(), variables: dict(), levels: dict() };
  const { questionnaire: q, codebook } = sources;
  if (codebook) {
    // the codebook's labels are in its `language` (English when it does not say)
    const own = codebook.language ?? 'en';
    const text = (label: string, translations: Record<string, string> | undefined) =>
      Object.assign(dict<string>(), translations ?? {}, { [own]: label });
    for (const v of codebook.variables) {
      if (v.label) out.variables[v.name] = text(v.label, v.translations);
      if (v.values?.length) {
        const levels = dict<Record<string, string>>();
        for (const value of v.values) {
          levels[value.label] = text(value.label, value.translations);
          addText(out.text, levels[value.label], value.label);
        }
        out.levels[v.name] = levels;
      }
    }
  }
  if (q) {
    for (const c of q.countries ?? []) addText(out.text, c.label);
    if (q.attitudes) {
      addText(out.text, q.attitudes.question);
      for (const a of q.attitudes.scale) addText(out.text, a.label);
      for (const i of q.attitudes.items) {
        addText(out.text, i.label);
        out.variables[i.variable] = Object.assign(dict<string>(), i.label);
      }
    }
    for (const m of q.multipleResponse) {
      addText(out.text, m.question);
      for (const o of m.options) addText(out.text, o.label);
    }
    for (const e of q.eeu) {
      addText(out.text, e.question);
      for (const a of e.answers) addText(out.text, a.label);
      out.variables[e.variable] = Object.assign(dict<string>(), e.question);
    }
    for (const s of q.subgroups) out.variables[s.variable] = Object.assign(dict<string>(), s.label);
  }
  return out;
}

/**
 * Translates a text (`variable`: look in that variable's value labels first); the text as it is
 * when there is no translation in `language` (nor in its base language: `ru` for `ru-BY`).
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
  if (!labels) return text;
  const base = language.split('-')[0]!;
  if (variable !== undefined) {
    const level = labels.levels[variable]?.[text];
    const found = level?.[language] ?? level?.[base];
    if (found) return found;
  }
  const entry = labels.text[text];
  return entry?.[language] ?? entry?.[base] ?? text;
}

/**
 * A variable's title in a language (else in English, else in its first language, else the
 * variable name).
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
  if (!v) return variable;
  return v[language] ?? v[language.split('-')[0]!] ?? v.en ?? Object.values(v)[0] ?? variable;
}
