/**
 * The report's banner tables ("tab book"): every item of the questionnaire by the banner
 * variables, with significance letters, from {@link svyTabs}.
 * @module
 */
import type { LinearizationDesign } from '../design/types.js';
import type { Questionnaire } from '../poll/questionnaire.js';
import { tabsSpecFromQuestionnaire } from '../tabs/questionnaire.js';
import { svyTabs } from '../tabs/tabs.js';
import type { Tabs } from '../tabs/types.js';

/**
 * Cells with fewer respondents are flagged and not tested: the smallest effective sample size the
 * NCHS standards for proportions accept (see `reliability`), applied to the unweighted base.
 */
export const REPORT_MIN_BASE = 30;

/**
 * The report's banner tables: the questionnaire's items by `banner` (default the
 * questionnaire's `banner`, else its subgroup variables; `false` or none: `null`), letters at
 * `level` in UPPER case and, for the usual 95%, at 90% in lower case, cells under
 * {@link REPORT_MIN_BASE} respondents flagged.
 */
export function bannerTables(
  design: LinearizationDesign,
  questionnaire: Questionnaire,
  banner: readonly string[] | false | undefined,
  level: number,
  progress: (line: string) => void,
): Tabs | null {
  const variables =
    banner === false
      ? []
      : (banner ?? questionnaire.banner ?? questionnaire.subgroups.map((s) => s.variable));
  if (variables.length === 0) return null;
  const tabs = svyTabs(
    design,
    tabsSpecFromQuestionnaire(design.data, questionnaire, {
      banner: variables,
      level: level === 0.95 ? [0.95, 0.9] : level,
      minBase: REPORT_MIN_BASE,
    }),
  );
  progress(
    `tables: ${tabs.rows.length} rows by ${tabs.columns.length} columns (Total, ${variables.join(', ')}), letters by design-based t tests`,
  );
  return tabs;
}
