/**
 * A banner table's spec from a questionnaire description: what `surveykit tabs` and the
 * report's "Tables" section tabulate.
 * @module
 */

import { findColumn } from '../data/frame.js';
import type { SurveyData } from '../data/types.js';
import { EstimationError } from '../errors.js';
import { levelAnswers } from '../poll/answers.js';
import type { Answer, AnswerGroup, Questionnaire } from '../poll/questionnaire.js';
import type { TabRowSpec, TabsSpec } from './types.js';

/** Options of {@link tabsSpecFromQuestionnaire}. */
export interface QuestionnaireTabsOptions extends Omit<TabsSpec, 'rows' | 'banner'> {
  /** The banner variables (default: the questionnaire's subgroup variables). */
  banner?: readonly string[];
  /**
   * The row items, by name: an item's column (an attitude item, a single item), a single
   * item's or a multiple-response question's id, or any other variable of the data. Default:
   * every item of the questionnaire (the attitude battery's items, the multiple-response
   * questions, the single items), in that order.
   */
  rows?: readonly string[];
  /**
   * Nets added after each item with grouped answers (default `['positive', 'negative']`: e.g.
   * top-2 and bottom-2 boxes), for groups of two or more answers present in the data; `[]`: none.
   */
  nets?: readonly AnswerGroup[];
}

const NET_LABELS: Record<AnswerGroup, string> = {
  positive: 'Positive (net)',
  neutral: 'Neutral (net)',
  negative: 'Negative (net)',
  dk: 'Hard to say (net)',
  missing: 'Missing (net)',
};

/**
 * The {@link TabsSpec} of a questionnaire's items by a banner: each categorical item as its
 * levels' column percentages followed by nets of its answer groups (positive, negative), each
 * multiple-response question as its options and mentions per 100, any other variable as
 * itself (a categorical variable's levels, a numeric one's mean).
 *
 * @param data - The poll's data (the variables the questionnaire names).
 * @param questionnaire - The questionnaire: its items, batteries, multiple-response questions and
 *   subgroups.
 * @param opts - The banner variables (default the questionnaire's subgroups), the rows, the nets,
 *   and any {@link TabsSpec} option: see {@link QuestionnaireTabsOptions}.
 * @throws {EstimationError} `UNKNOWN_VARIABLE` (a row name that is no item, question or
 *   variable; the message lists the questionnaire's), `BAD_TABS_SPEC` (no banner given and the
 *   questionnaire has no subgroups), `UNKNOWN_LEVEL` (an item's level with no answer).
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const codebook = parseCodebook(JSON.parse(readFileSync('data/codebook.json', 'utf8')));
 * const data = await readCsv('data/belarus-2021-12.csv', { codebook });
 * const q = await readQuestionnaire('data/questionnaire.json');
 * const spec = tabsSpecFromQuestionnaire(data, q, { rows: ['eeu_membership', 'reliable'], banner: ['sex', 'agegroup'] });
 * console.log(spec.rows.map((r) => (typeof r === 'string' ? r : 'net' in r ? r.net : r.multipleResponse.id)));
 * // => [ 'eeu_membership', 'reliable' ]
 * console.log(tabsSpecFromQuestionnaire(data, q, { rows: ['att_russia'] }).rows.length, tabsSpecFromQuestionnaire(data, q, {}).banner);
 * // => 3 [ 'agegroup', 'region', 'settlement', 'education' ]
 * ```
 */
export function tabsSpecFromQuestionnaire(
  data: SurveyData,
  questionnaire: Questionnaire,
  opts: QuestionnaireTabsOptions = {},
): TabsSpec {
  const { banner: bannerOpt, rows: rowsOpt, nets: netsOpt, ...rest } = opts;
  const banner = bannerOpt ?? questionnaire.subgroups.map((s) => s.variable);
  if (banner.length === 0) {
    throw new EstimationError(
      'BAD_TABS_SPEC',
      'no banner: give the banner variables (the questionnaire lists no subgroups)',
      {},
    );
  }
  const netGroups = netsOpt ?? ['positive', 'negative'];
  const items = new Map<string, () => TabRowSpec[]>();
  const categorical = (variable: string, answers: readonly Answer[]) => () => [
    variable,
    ...nets(data, variable, answers, netGroups),
  ];
  for (const item of questionnaire.attitudes?.items ?? []) {
    items.set(item.variable, categorical(item.variable, questionnaire.attitudes!.scale));
  }
  for (const mr of questionnaire.multipleResponse) {
    items.set(mr.id, () => [{ multipleResponse: mr }]);
  }
  for (const item of questionnaire.eeu) {
    const make = categorical(item.variable, item.answers);
    items.set(item.variable, make);
    if (!items.has(item.id)) items.set(item.id, make);
  }
  const names = rowsOpt ?? [
    ...(questionnaire.attitudes?.items.map((i) => i.variable) ?? []),
    ...questionnaire.multipleResponse.map((m) => m.id),
    ...questionnaire.eeu.map((i) => i.variable),
  ];
  const rows = names.flatMap((name) => {
    const make = items.get(name);
    if (make) return make();
    if (findColumn(data, name)) return [name];
    throw new EstimationError(
      'UNKNOWN_VARIABLE',
      `"${name}" is neither an item or question of the questionnaire (${[...items.keys()].join(', ')}) nor a variable of the data`,
      { variable: name, valid: [...items.keys()] },
    );
  });
  return { ...rest, rows, banner };
}

/** The nets of an item's answer groups: groups of two or more answers present as levels. */
function nets(
  data: SurveyData,
  variable: string,
  answers: readonly Answer[],
  groups: readonly AnswerGroup[],
): TabRowSpec[] {
  const col = findColumn(data, variable);
  if (col?.kind !== 'categorical' || groups.length === 0) return [];
  const answerOf = levelAnswers(data, variable, answers);
  return groups.flatMap((group) => {
    const levels = col.levels.filter((_, l) => answers[answerOf[l]!]!.group === group);
    return levels.length >= 2 ? [{ net: NET_LABELS[group], variable, levels }] : [];
  });
}
