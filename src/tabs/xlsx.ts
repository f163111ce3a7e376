/**
 * `tabsToXlsx`: banner tables as an Excel workbook, laid out as pollsters print tab books.
 *
 * Written with `write-excel-file` (its runtime-neutral `universal` entry: plain OOXML zipped by
 * fflate, no Node built-ins, so the same code runs in Node and in a browser).
 * @module
 */
import writeXlsxFile, { type Cell, type Row, type Sheet } from 'write-excel-file/universal';
import { EstimationError } from '../errors.js';
import {
  columnLabel,
  type TabsNoteOptions,
  type TabsTable,
  tabsNotes,
  tabsTables,
} from './notes.js';
import { sheetName } from './sheet-name.js';
import type { TabCell, TabRow, Tabs } from './types.js';

/** Options of {@link tabsToXlsx}. */
export interface TabsXlsxOptions extends TabsNoteOptions {
  /**
   * `'sheets'` (default): a contents sheet and one sheet per table (question); `'book'`: a
   * contents sheet and one sheet "Tables" with every table one under the other.
   */
  layout?: 'sheets' | 'book';
  /** Decimals of percentages (default 0, as tab books print them). */
  decimals?: number;
  /** The workbook's title, on the contents sheet (default: the first table set's `title`, else "Tables"). */
  title?: string;
}

const GREEN = '#1A7F37';
const RED = '#B3261E';
const GREY = '#666666';

/**
 * Banner tables as a real `.xlsx` workbook (the bytes of the file), for one {@link Tabs} or
 * several (e.g. the same rows by different banners).
 *
 * A contents sheet lists the tables (question, sheet, banner, base) and the notes; then one sheet
 * per table (or, with `layout: 'book'`, all tables on one sheet). Each table: the question as
 * its title, a header of banner variables over their levels and the columns' letters, the
 * unweighted and effective bases of the question in each column, then per row the value of each
 * column — percentages as Excel percentages (`0%`), means to one decimal — with the column's
 * significance letters in a narrow cell beside it, as pollsters print them (green: higher than
 * the Total, red: lower; grey italics: a low base, not tested). Under each table the notes: the
 * test, level(s), adjustment, minimum base, weighting, effective base, and `source` and `notes`
 * (e.g. that the data is synthetic).
 *
 * @param tabs - A banner table from {@link svyTabs}, or several (one sheet each).
 * @param opts - Layout (a sheet per question, or one sheet of every table), decimals, title, source
 *   and notes: see {@link TabsXlsxOptions}.
 * @throws {EstimationError} `BAD_OPTION` (no tables, a bad layout or decimals).
 * @example
 * ```ts
 * const data = await readCsv('test/reference/data/apiclus1.csv');
 * const design = svyDesign(data, { ids: 'dnum', weights: 'pw', fpc: 'fpc' });
 * const tabs = svyTabs(design, { rows: ['sch.wide', 'api00'], banner: ['stype'] });
 * const bytes = await tabsToXlsx(tabs, { source: "R's apiclus1" });
 * console.log(bytes.length > 5000, String.fromCharCode(bytes[0], bytes[1])); // => true PK
 * ```
 */
export async function tabsToXlsx(
  tabs: Tabs | readonly Tabs[],
  opts: TabsXlsxOptions = {},
): Promise<Uint8Array> {
  const list: readonly Tabs[] = Array.isArray(tabs) ? tabs : [tabs as Tabs];
  if (list.length === 0) {
    throw new EstimationError('BAD_OPTION', 'tabsToXlsx needs at least one banner table', {
      value: 0,
    });
  }
  const layout = opts.layout ?? 'sheets';
  if (layout !== 'sheets' && layout !== 'book') {
    throw new EstimationError(
      'BAD_OPTION',
      `layout must be 'sheets' or 'book'; got ${String(layout)}`,
      {
        value: layout,
      },
    );
  }
  const decimals = opts.decimals ?? 0;
  if (!(Number.isInteger(decimals) && decimals >= 0 && decimals <= 6)) {
    throw new EstimationError(
      'BAD_OPTION',
      `decimals must be an integer from 0 to 6; got ${String(decimals)}`,
      {
        value: decimals,
      },
    );
  }
  const tables = list.flatMap((t, k) => tabsTables(t).map((table) => ({ table, tabs: t, set: k })));
  const used = new Set<string>(['contents']);
  const names = tables.map(({ table }, k) => sheetName(`T${k + 1} ${table.id}`, used, 'Table'));
  const title = opts.title ?? list.find((t) => t.title)?.title ?? 'Tables';
  const percentFormat = decimals === 0 ? '0%' : `0.${'0'.repeat(decimals)}%`;

  const contents: Row[] = [
    [{ value: title, fontWeight: 'bold', fontSize: 14 }],
    [],
    ['Table', 'Question', layout === 'sheets' ? 'Sheet' : 'Row', 'Banner', 'Base'].map((h) => ({
      value: h,
      fontWeight: 'bold' as const,
      bottomBorderStyle: 'thin' as const,
    })),
  ];
  const book: Row[] = [];
  const sheets: Array<Sheet<Blob>> = [];
  tables.forEach(({ table, tabs: t }, k) => {
    const rows = tableRows(table, t, percentFormat, `Table ${k + 1}. ${table.label}`, opts);
    const where = layout === 'sheets' ? names[k]! : book.length + 1;
    contents.push([
      { value: k + 1, type: Number },
      table.label,
      where,
      t.banner.join(', ') || 'Total',
      { value: table.rows[0]!.cells[0]!.base, type: Number, format: '0' },
    ]);
    if (layout === 'sheets') {
      sheets.push({ data: rows, sheet: names[k]!, columns: widths(table), stickyRowsCount: 6 });
    } else {
      book.push(...rows, [], []);
    }
  });
  contents.push([], [{ value: 'Notes', fontWeight: 'bold' }]);
  for (const line of tabsNotes(list[0]!, opts)) contents.push([line]);
  const first: Sheet<Blob> = {
    data: contents,
    sheet: 'Contents',
    columns: [{ width: 7 }, { width: 60 }, { width: 16 }, { width: 30 }, { width: 8 }],
  };
  const all =
    layout === 'sheets'
      ? [first, ...sheets]
      : [first, { data: book, sheet: 'Tables', columns: widths(tables[0]!.table) }];
  const blob = await writeXlsxFile(all).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}

/** The rows of one table: title, banner header, bases, value rows, notes. */
function tableRows(
  table: TabsTable,
  tabs: Tabs,
  percentFormat: string,
  title: string,
  opts: TabsNoteOptions,
): Row[] {
  const cols = table.columns;
  const head = (value: string, span = 2): Cell => ({
    value,
    columnSpan: span,
    align: 'center',
    fontWeight: 'bold',
    wrap: true,
  });
  // Banner variables over their levels; the Total spans both header rows' worth.
  const bannerRow: Row = [null];
  const levelRow: Row = [null];
  const idRow: Row = [null];
  let k = 0;
  while (k < cols.length) {
    const c = cols[k]!;
    let span = 1;
    while (k + span < cols.length && cols[k + span]!.variable === c.variable) span++;
    bannerRow.push(head(c.variable ?? '', 2 * span));
    for (let s = 1; s < 2 * span; s++) bannerRow.push(null);
    k += span;
  }
  for (const c of cols) {
    levelRow.push(head(columnLabel(c)), null);
    idRow.push({ value: `(${c.id})`, columnSpan: 2, align: 'center', textColor: GREY }, null);
  }
  const baseRow = (label: string, key: 'base' | 'effectiveBase'): Row => [
    { value: label, fontStyle: 'italic' },
    ...table.rows[0]!.cells.flatMap((cell): Cell[] => [
      {
        value: Math.round(cell[key]),
        type: Number,
        format: '0',
        fontStyle: 'italic',
        align: 'right',
      },
      null,
    ]),
  ];
  const out: Row[] = [
    [{ value: title, fontWeight: 'bold', fontSize: 12 }],
    bannerRow,
    levelRow,
    idRow,
    baseRow('Unweighted base', 'base'),
    baseRow('Effective base', 'effectiveBase'),
  ];
  for (const row of table.rows) out.push(valueRow(row, percentFormat));
  out.push([]);
  for (const line of tabsNotes(tabs, opts)) out.push([{ value: line, textColor: GREY }]);
  return out;
}

/** A row: its label, then per column the value and its letters. */
function valueRow(row: TabRow, percentFormat: string): Row {
  const format = row.statistic === 'share' ? percentFormat : row.kind === 'mentions' ? '0' : '0.0';
  return [
    { value: row.label, wrap: true },
    ...row.cells.flatMap((cell): Cell[] => [valueCell(cell, format), lettersCell(cell)]),
  ];
}

function valueCell(cell: TabCell, format: string): Cell {
  if (Number.isNaN(cell.estimate)) return { value: '–', align: 'right', textColor: GREY };
  const color = cell.vsTotal === 'higher' ? GREEN : cell.vsTotal === 'lower' ? RED : undefined;
  return {
    value: cell.estimate,
    type: Number,
    format,
    align: 'right',
    ...(cell.lowBase ? { fontStyle: 'italic' as const, textColor: GREY } : {}),
    ...(color ? { textColor: color } : {}),
  };
}

function lettersCell(cell: TabCell): Cell {
  if (cell.lowBase && cell.base > 0) return { value: '*', textColor: GREY, align: 'left' };
  return cell.letters ? { value: cell.letters, fontSize: 9, align: 'left' } : null;
}

/** Column widths: the labels, then value and letters columns. */
function widths(table: TabsTable): Array<{ width: number }> {
  const label = Math.min(50, Math.max(14, ...table.rows.map((r) => r.label.length + 1)));
  return [{ width: label }, ...table.columns.flatMap(() => [{ width: 7 }, { width: 5 }])];
}
