/**
 * Banner tables as tables of the HTML report.
 * @module
 */
import { columnLabel, type TabsNoteOptions, tabsNotes, tabsTables } from '../tabs/notes.js';
import type { TabCell, TabRow, Tabs } from '../tabs/types.js';
import { fixed, formatNumber, percent, resolveLanguage } from './common.js';
import type { ChartLabels, ChartLanguage } from './labels.js';
import type { ReportSection, ReportTable } from './report.js';

/** Options of {@link tabsReportTables}. */
export interface TabsReportOptions extends TabsNoteOptions {
  /** Decimals of percentages (default 0). */
  decimals?: number;
  /** Language of numbers (decimal commas in Russian) and of labels (default `'en'`). */
  language?: ChartLanguage;
  /** Translations of row and column labels (see {@link chartLabels}). */
  labels?: ChartLabels;
  /** Notes under each table (default `true`; `false`: none, e.g. when a section states them once). */
  notesUnderEach?: boolean;
}

/**
 * A report table per question of a banner table (for {@link renderReport}'s sections): a header
 * per column (`"Sex: Female (C)"`), the unweighted and effective bases of the question, then per
 * row each column's value with its letters (`"54% BD"`; `▲`/`▼`: higher / lower than the Total;
 * `*`: a low base, not tested), and the notes (test, levels, adjustment, weighting, source).
 * @param tabs - A banner table from {@link svyTabs}.
 * @param opts - Decimals, the language of the table's words, source, extra notes, and whether the
 *   notes go under each table: see {@link TabsReportOptions}.
 * @example
 * ```ts
 * const data = await readCsv('test/reference/data/apiclus1.csv');
 * const design = svyDesign(data, { ids: 'dnum', weights: 'pw', fpc: 'fpc' });
 * const [table] = tabsReportTables(svyTabs(design, { rows: ['sch.wide'], banner: ['stype'], level: [0.95, 0.9] }));
 * console.log(table.columns.map((c) => (typeof c === 'string' ? c : c.label)).join(' | ')); // => sch.wide | Total (A) | stype: E (B) | stype: H (C) | stype: M (D)
 * console.log(table.rows[3]); // => [ 'Yes', '87%', '92% d', '79%', '68%' ]
 * ```
 */
export function tabsReportTables(tabs: Tabs, opts: TabsReportOptions = {}): ReportTable[] {
  const { language, tr } = resolveLanguage(opts);
  const decimals = opts.decimals ?? 0;
  const notes = opts.notesUnderEach === false ? undefined : tabsNotes(tabs, opts).join(' ');
  return tabsTables(tabs).map((table) => {
    const columns = [
      tr(table.label, table.id),
      ...table.columns.map((c) => ({
        label: `${c.variable === null ? tr(columnLabel(c)) : `${tr(c.variable)}: ${tr(columnLabel(c), c.variable)}`} (${c.id})`,
        numeric: true,
      })),
    ];
    const first = table.rows[0]!;
    const rows: Array<Array<string | number | null>> = [
      [
        language === 'ru' ? 'База (невзвешенная)' : 'Unweighted base',
        ...first.cells.map((c) => formatNumber(c.base, 0, language)),
      ],
      [
        language === 'ru' ? 'Эффективная база' : 'Effective base',
        ...first.cells.map((c) => formatNumber(c.effectiveBase, 0, language)),
      ],
      ...table.rows.map((row) => [
        tr(row.label, row.kind === 'level' ? row.variable : undefined),
        ...row.cells.map((cell) => cellText(row, cell, decimals, language)),
      ]),
    ];
    return {
      caption: tr(table.label, table.id),
      columns,
      rows,
      ...(notes ? { note: notes } : {}),
    };
  });
}

/** A cell as text: its value, its letters, ▲/▼ against the Total, `*` for a low base. */
function cellText(row: TabRow, cell: TabCell, decimals: number, language: string): string {
  if (Number.isNaN(cell.estimate)) return '–';
  const value =
    row.statistic === 'share'
      ? percent(cell.estimate, decimals, language)
      : fixed(cell.estimate, row.kind === 'mentions' ? 0 : 1, language);
  const mark = cell.vsTotal === 'higher' ? ' ▲' : cell.vsTotal === 'lower' ? ' ▼' : '';
  const letters = cell.lowBase
    ? cell.base > 0
      ? ' *'
      : ''
    : cell.letters
      ? ` ${cell.letters}`
      : '';
  return `${value}${letters}${mark}`;
}

/** Options of {@link tabsReportSection}. */
export interface TabsReportSectionOptions extends Omit<TabsReportOptions, 'notesUnderEach'> {
  /** The section's title (default `'Tables'`). */
  title?: string;
  /** Paragraphs before the tables (default: none; the notes follow them). */
  intro?: readonly string[];
}

/**
 * A report section of banner tables (for {@link renderReport}): the notes (test, levels,
 * adjustment, weighting, source, yours) once as paragraphs, then a table per question (see
 * {@link tabsReportTables}); several table sets (e.g. the same rows by other banners) one after
 * the other.
 * @param tabs - A banner table from {@link svyTabs}, or several to show one after the other.
 * @param opts - The section title, introductory paragraphs, and what to show: see
 *   {@link TabsReportSectionOptions}.
 * @example
 * ```ts
 * const data = await readCsv('test/reference/data/apiclus1.csv');
 * const design = svyDesign(data, { ids: 'dnum', weights: 'pw', fpc: 'fpc' });
 * const tabs = svyTabs(design, { rows: ['sch.wide', 'api00'], banner: ['stype'] });
 * const section = tabsReportSection(tabs, { source: 'apiclus1' });
 * console.log(section.title, section.tables?.length, section.paragraphs?.at(-1)); // => Tables 2 Source: apiclus1
 * ```
 */
export function tabsReportSection(
  tabs: Tabs | readonly Tabs[],
  opts: TabsReportSectionOptions = {},
): ReportSection {
  const list: readonly Tabs[] = Array.isArray(tabs) ? tabs : [tabs as Tabs];
  const { title, intro, ...rest } = opts;
  return {
    title: title ?? 'Tables',
    paragraphs: [...(intro ?? []), ...(list[0] ? tabsNotes(list[0], rest) : [])],
    tables: list.flatMap((t) => tabsReportTables(t, { ...rest, notesUnderEach: false })),
  };
}
