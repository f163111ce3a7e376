/**
 * `surveykit tabs DATA`: banner tables ("tab books") of a poll, as an `.xlsx` workbook or CSV.
 * Reads the data, its codebook, questionnaire description and margins as given, builds the
 * design (raked to the margins when given), tabulates the rows by the banner with
 * `svyTabs`, and writes `tabsToXlsx` or `tabsToCsv` by the extension of `--out`.
 * @module
 */
import { basename, dirname, extname, resolve } from 'node:path';
import { svyDesign } from '../design/build.js';
import { writeInside } from '../platform/write.js';
import { answerGroupSchema } from '../poll/questionnaire.js';
import { weightToPopulation } from '../poll/weighting.js';
import { tabsToCsv } from '../tabs/csv.js';
import { tabsSpecFromQuestionnaire } from '../tabs/questionnaire.js';
import { svyTabs } from '../tabs/tabs.js';
import type { TabsAdjust, TabsSpec } from '../tabs/types.js';
import { tabsToXlsx } from '../tabs/xlsx.js';
import { defineCommand, listOption, numberOption, stringOption } from './args.js';
import { type Command, EXIT, UsageError } from './command.js';
import { CSV_HELP, CSV_OPTIONS, csvOptionsFrom } from './data-options.js';
import {
  DESIGN_HELP,
  DESIGN_OPTIONS,
  designSpecFrom,
  pollFileNames,
  readPollInputs,
} from './inputs.js';

const USAGE = `usage: surveykit tabs DATA --out FILE.xlsx [options]

Banner tables ("tab books"): each row item's answers down the side, the banner across the top
(Total, then every level of each banner variable), column percentages (means for numbers),
unweighted and effective bases, and letters marking the columns of the same banner variable a
cell is significantly higher than: a design-based t test of the difference, its SE from the two
columns' joint covariance. DATA is a CSV or SPSS (.sav, .zsav) file.

inputs:
  --codebook CB.json     the data's codebook; without it a CSV file's types are inferred
  --questionnaire Q.json the questionnaire description: its items are the default rows (with
                         nets of their answer groups), its subgroups the default banner, its
                         source and notice go under every table
  --margins M.json       population margins: the design weights are raked to them first
${CSV_HELP}

${DESIGN_HELP}

table:
  --banner COLS          banner variables, comma-separated, e.g. sex,agegroup,region
                         (default: the questionnaire's subgroups)
  --rows ITEMS           row items, comma-separated: variables, or the questionnaire's item and
                         question ids (default: every item of the questionnaire)
  --nets GROUPS          answer groups netted after each item, comma-separated, or none
                         (default positive,negative; needs --questionnaire)
  --level P[,P2]         confidence level of the letters, e.g. 0.95 or 0.95,0.90 (UPPER case
                         at the first, lower case at the second; default 0.95)
  --adjust METHOD        none (default), bonferroni, holm or BH, within each row and banner
                         variable
  --min-base N           cells with fewer respondents are flagged and not tested (default 0)
  --no-total             no Total column

output:
  --out FILE             FILE.xlsx (a workbook: contents sheet, one sheet per table) or
                         FILE.csv (one line per cell)
  --layout sheets|book   the workbook's layout (default sheets; book: every table on one sheet)
  --decimals N           decimals of percentages in the workbook (default 0)
  --title TEXT           the workbook's title
  --no-escape-formulas   FILE.csv: write labels as they are (by default a cell that starts
                         with = + - or @ gets a ' before it, so that a spreadsheet shows it as
                         text and does not run it; a workbook's cells are always text)
  -h, --help             this help

examples:
  surveykit tabs data/belarus-2021-12.csv --codebook data/codebook.json \\
    --questionnaire data/questionnaire.json --margins data/margins.json --design data/design.json \\
    --banner sex,agegroup,region --level 0.95,0.90 --min-base 30 --out tabs.xlsx
  surveykit tabs poll.csv --weights w --rows q1,q2 --banner sex --out tabs.csv`;

const OPTIONS = {
  codebook: { type: 'string' },
  questionnaire: { type: 'string' },
  margins: { type: 'string' },
  ...CSV_OPTIONS,
  ...DESIGN_OPTIONS,
  banner: { type: 'string' },
  rows: { type: 'string' },
  nets: { type: 'string' },
  level: { type: 'string' },
  adjust: { type: 'string' },
  'min-base': { type: 'string' },
  'no-total': { type: 'boolean' },
  out: { type: 'string' },
  layout: { type: 'string' },
  decimals: { type: 'string' },
  title: { type: 'string' },
  'no-escape-formulas': { type: 'boolean' },
} as const;

const ADJUST: readonly TabsAdjust[] = ['none', 'bonferroni', 'holm', 'BH'];

/** `--level 0.95` or `--level 0.95,0.90`. */
function levelOption(text: string | undefined): TabsSpec['level'] {
  if (text === undefined) return undefined;
  const levels = text.split(',').map((s) => Number(s.trim()));
  const ok = (x: number) => Number.isFinite(x) && x > 0 && x < 1;
  if (levels.length === 1 && ok(levels[0]!)) return levels[0]!;
  if (levels.length === 2 && levels.every(ok)) return [levels[0]!, levels[1]!];
  throw new UsageError(
    `--level takes one or two levels between 0 and 1, not ${JSON.stringify(text)}`,
    USAGE,
  );
}

/** `surveykit tabs`. */
export const tabsCommand: Command = defineCommand({
  name: 'tabs',
  summary: 'banner tables with design-based significance letters, to .xlsx or CSV',
  usage: USAGE,
  options: OPTIONS,
  positionals: [1, 1],
  async run(parsed, io) {
    const file = parsed.positionals[0]!;
    const out = stringOption(parsed, 'out');
    if (out === undefined) throw new UsageError('--out FILE.xlsx (or FILE.csv) is required', USAGE);
    if (resolve(out) === resolve(file)) {
      throw new UsageError('--out would write over the data file', USAGE);
    }
    const format = extname(out).toLowerCase();
    if (format !== '.xlsx' && format !== '.csv') {
      throw new UsageError(`--out must end in .xlsx or .csv, not ${JSON.stringify(out)}`, USAGE);
    }
    const layout = stringOption(parsed, 'layout') ?? 'sheets';
    if (layout !== 'sheets' && layout !== 'book') {
      throw new UsageError('--layout must be sheets or book', USAGE);
    }
    const adjust = (stringOption(parsed, 'adjust') ?? 'none') as TabsAdjust;
    if (!ADJUST.includes(adjust)) {
      throw new UsageError(`--adjust must be one of ${ADJUST.join(', ')}`, USAGE);
    }
    const level = levelOption(stringOption(parsed, 'level'));
    const minBase = numberOption(parsed, 'min-base', USAGE);
    const decimals = numberOption(parsed, 'decimals', USAGE);
    const title = stringOption(parsed, 'title');
    const banner = listOption(parsed, 'banner');
    const rows = listOption(parsed, 'rows');
    const netsText = stringOption(parsed, 'nets');
    const nets =
      netsText === undefined
        ? undefined
        : netsText.trim() === 'none'
          ? []
          : netsText.split(',').map((g) => {
              const group = answerGroupSchema.safeParse(g.trim());
              if (!group.success) {
                throw new UsageError(
                  `--nets takes answer groups (positive, neutral, negative, dk) or none, not ${JSON.stringify(g)}`,
                  USAGE,
                );
              }
              return group.data;
            });
    const spec = await designSpecFrom(parsed, USAGE);
    const progress = (line: string) => io.stderr(line);

    const { data, questionnaire, margins } = await readPollInputs(
      file,
      pollFileNames(parsed),
      csvOptionsFrom(parsed, USAGE),
      progress,
    );
    const options = {
      ...(level !== undefined ? { level } : {}),
      adjust,
      ...(minBase !== undefined ? { minBase } : {}),
      ...(parsed.values['no-total'] ? { total: false } : {}),
      ...(title !== undefined ? { title } : {}),
    };
    let tabsSpec: TabsSpec;
    if (questionnaire) {
      tabsSpec = tabsSpecFromQuestionnaire(data, questionnaire, {
        ...options,
        ...(banner ? { banner } : {}),
        ...(rows ? { rows } : {}),
        ...(nets ? { nets } : {}),
      });
    } else {
      if (!rows || !banner) {
        throw new UsageError('without --questionnaire give the table: --rows and --banner', USAGE);
      }
      if (nets) throw new UsageError('--nets needs --questionnaire (its answer groups)', USAGE);
      tabsSpec = { ...options, rows, banner };
    }

    let design = svyDesign(data, spec);
    if (margins) {
      design = weightToPopulation(design, margins);
      progress(`weighting: raked to ${margins.map((m) => m.variable).join(', ')}`);
    }
    const tabs = svyTabs(design, tabsSpec);
    const about = questionnaire?.about;
    const source = about?.source ?? file;
    const notes = about?.notice ? [about.notice] : [];
    const bytes =
      format === '.xlsx'
        ? await tabsToXlsx(tabs, {
            source,
            notes,
            layout,
            ...(decimals !== undefined ? { decimals } : {}),
            ...(title !== undefined ? { title } : {}),
          })
        : tabsToCsv(tabs, { escapeFormulas: parsed.values['no-escape-formulas'] !== true });
    const path = await writeInside(dirname(out), basename(out), bytes);
    const lettered = tabs.rows.reduce(
      (k, r) => k + r.cells.filter((c) => c.letters !== '').length,
      0,
    );
    io.stdout(
      `tabs: ${tabs.rows.length} rows by ${tabs.columns.length} columns (${tabs.columns[0]?.variable === null ? 'Total, ' : ''}${tabsSpec.banner.join(', ')}); ${lettered} cells with letters`,
    );
    if (about?.notice) io.stdout(`notice: ${about.notice}`);
    progress(`wrote ${path}`);
    return EXIT.ok;
  },
});
