/**
 * Plain-text output of the subcommands: aligned tables, numbers and shares for people to read
 * (`--json` gives the exact values).
 * @module
 */

/** How a table column is aligned. */
export type Align = 'left' | 'right';

/** Width of a text as a terminal shows it (code points; enough for Latin and Cyrillic). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Rows of cells as lines with aligned columns (two spaces between columns, `indent` before each
 * line, no trailing spaces). Columns are left-aligned unless `align` says otherwise.
 */
export function table(
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
  indent = '',
): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, j) => {
      widths[j] = Math.max(widths[j] ?? 0, width(cell));
    });
  }
  return rows.map((row) => {
    const cells = row.map((cell, j) => {
      const pad = ' '.repeat(widths[j]! - width(cell));
      return align[j] === 'right' ? pad + cell : cell + pad;
    });
    return (indent + cells.join('  ')).trimEnd();
  });
}

/** A share as a percentage with one decimal (`45.8%`); `–` when unknown. */
export function percent(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)}%`;
}

/**
 * A number for reading: integers as they are, others with up to 4 decimals (2 from 1000 up);
 * `–` when unknown.
 */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (Number.isInteger(x) || !Number.isFinite(x)) return String(x);
  return String(Number(x.toFixed(Math.abs(x) >= 1000 ? 2 : 4)));
}

/** A text cut to `max` characters (an ellipsis at the end when cut). */
export function cut(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** `n` with its noun, singular or plural (`1 row`, `2 rows`). */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** A text on one line: line breaks and tabs shown as `\n`, `\r`, `\t`. */
export function oneLine(s: string): string {
  return /[\r\n\t]/.test(s)
    ? s.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t')
    : s;
}
