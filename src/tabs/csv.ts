/**
 * `tabsToCsv`: a banner table as tidy CSV, one line per cell.
 * @module
 */
import type { Tabs } from './types.js';

/** Options of {@link tabsToCsv}. */
export interface TabsCsvOptions {
  /**
   * Where the data comes from: when given, a last column `source` repeats it on every line, so
   * that any line copied out keeps it (as the report's other tables do).
   */
  source?: string;
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
 * `opts.source` the data's source.
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
  const lines = [[...HEADER, ...(source.length ? ['source'] : [])].join(',')];
  for (const row of tabs.rows) {
    for (const cell of row.cells) {
      const col = byId.get(cell.column)!;
      lines.push(
        [
          row.question,
          row.variable,
          row.level ?? '',
          row.label,
          row.kind,
          row.statistic,
          cell.column,
          col.variable ?? '',
          col.level ?? '',
          num(cell.estimate),
          num(cell.se),
          num(cell.base),
          num(cell.effectiveBase),
          num(cell.weightedBase),
          cell.letters,
          cell.vsTotal ?? '',
          cell.vsTotalTest ? num(cell.vsTotalTest.pAdjusted) : '',
          String(cell.lowBase),
          ...source,
        ]
          .map(field)
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function num(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

function field(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
