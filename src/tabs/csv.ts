/**
 * `tabsToCsv`: a banner table as tidy CSV, one line per cell.
 * @module
 */
import { type CsvCell, formatCsvTable } from '../data/csv/format.js';
import type { Tabs } from './types.js';

/** Options of {@link tabsToCsv}. */
export interface TabsCsvOptions {
  /**
   * Where the data comes from: when given, a last column `source` repeats it on every line, so
   * that any line copied out keeps it (as the report's other tables do).
   */
  source?: string;
  /**
   * Prefix text cells (labels, levels, names) that a spreadsheet would run as formulas (`=`,
   * `+`, `-`, `@`, tab or carriage return first) with `'`, as OWASP advises; default `true`.
   * `false` writes them as they are, for a program that reads the labels back. Numbers are
   * never prefixed (see {@link formatCsvTable}).
   */
  escapeFormulas?: boolean;
}

const HEADER = [
  'question',
  'variable',
  'level',
  'label',
  'kind',
  'statistic',
  'column',
  'banner_variable',
  'banner_level',
  'estimate',
  'se',
  'base',
  'effective_base',
  'weighted_base',
  'letters',
  'vs_total',
  'vs_total_p',
  'low_base',
];

/**
 * A banner table as CSV (RFC 4180, `\n` line ends): a header, then one line per cell: the
 * question, the row's variable, level, label, kind and statistic, the column's id, banner
 * variable and level (empty for the Total), the estimate (a share as a proportion 0–1, at full
 * precision), its SE, the unweighted, effective and weighted bases, the letters, `higher` /
 * `lower` / empty against the Total with the adjusted p-value, `true` for a low base, and with
 * `opts.source` the data's source. A label a spreadsheet would run as a formula is written with
 * a `'` before it unless `opts.escapeFormulas` is `false`.
 * @param tabs - A banner table from {@link svyTabs}.
 * @param opts - The data source to write under the table: see {@link TabsCsvOptions}.
 * @example
 * ```ts
 * const data = fromColumns({ q: ['a', 'b', 'a', 'a'], g: ['x', 'x', 'y', 'y'] });
 * const csv = tabsToCsv(svyTabs(svyDesign(data), { rows: ['q'], banner: ['g'] }));
 * console.log(csv.split('\n')[1]); // => q,q,a,a,level,share,A,,,0.75,0.25,4,4,4,,,,false
 * ```
 */
export function tabsToCsv(tabs: Tabs, opts: TabsCsvOptions = {}): string {
  const byId = new Map(tabs.columns.map((c) => [c.id, c]));
  const source = opts.source === undefined ? [] : [opts.source];
  const rows: CsvCell[][] = [];
  for (const row of tabs.rows) {
    for (const cell of row.cells) {
      const col = byId.get(cell.column)!;
      rows.push([
        row.question,
        row.variable,
        row.level ?? '',
        row.label,
        row.kind,
        row.statistic,
        cell.column,
        col.variable ?? '',
        col.level ?? '',
        cell.estimate,
        cell.se,
        cell.base,
        cell.effectiveBase,
        cell.weightedBase,
        cell.letters,
        cell.vsTotal ?? '',
        cell.vsTotalTest ? cell.vsTotalTest.pAdjusted : '',
        cell.lowBase,
        ...source,
      ]);
    }
  }
  return formatCsvTable([...HEADER, ...(source.length ? ['source'] : [])], rows, {
    escapeFormulas: opts.escapeFormulas ?? true,
  });
}
