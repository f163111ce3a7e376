/**
 * CSV text of a report table (RFC 4180: comma-separated, quoted when needed, `\n` line ends).
 * @module
 */

/** A cell: numbers at full precision, `null`/`NaN` empty, booleans as `true`/`false`. */
export type Cell = string | number | boolean | null;

function cell(v: Cell): string {
  if (v === null || (typeof v === 'number' && Number.isNaN(v))) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The CSV text of a header and rows (each row as long as the header).
 * @example
 * ```ts
 * console.log(JSON.stringify(toCsv(['key', 'share'], [['a, b', 0.25], ['c', null]]))); // => "key,share\n\"a, b\",0.25\nc,\n"
 * ```
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const lines = [header.map(cell).join(',')];
  for (const row of rows) lines.push(row.map(cell).join(','));
  return `${lines.join('\n')}\n`;
}
