/**
 * A tiny table printer for the notebooks: aligned plain-text tables, section headings, and the
 * number formats the notebooks use (percents, intervals, p-values).
 * @module
 */

import { type ReliabilityReason, reliability } from '../../src/index.js';

/** A table cell: text, a number (printed with `String`), or empty. */
export type Cell = string | number | null | undefined;

/** Where the data of the notebook's tables comes from (printed under each; see {@link setSource}). */
let tableSource: string | null = null;

/**
 * Says where the notebook's data comes from: prints `Source: …` now, and under every table
 * printed after it (as published tables carry their source).
 */
export function setSource(source: string): void {
  tableSource = source;
  console.log(`Source: ${source}`);
}

/** The standard's rules, as the footnotes say them. */
const REASONS: Record<ReliabilityReason, string> = {
  'effective-sample-size': 'effective sample size under 30',
  'ci-width': 'Korn–Graubard interval 30 points wide or more',
  'relative-ci-width': 'Korn–Graubard interval wider than 130% of the estimate',
  'degrees-of-freedom': 'fewer than 8 degrees of freedom',
  'zero-or-one': 'an estimate of 0% or 100%',
  complement: 'interval wider than 130% of its complement',
};

/** The reasons of the shares flagged since the last table, by mark. */
const flagged = new Map<string, Set<string>>();

/**
 * The reliability mark of a share by the NCHS standard for proportions (`reliability`): `*`
 * below the standard, `†` flagged for review or a footnote, `''` reliable. The next table
 * printed explains the marks it used.
 */
export function flag(e: { estimate: number; se: number; n: number }, df?: number): string {
  const r = reliability(e, df === undefined ? {} : { df });
  if (r.flag === null) return '';
  const mark = r.flag === 'suppress' ? '*' : '†';
  const reasons = flagged.get(mark) ?? new Set<string>();
  for (const reason of r.reasons) reasons.add(REASONS[reason]);
  flagged.set(mark, reasons);
  return mark;
}

/** A share as a percent with its reliability mark (see {@link flag}): `53.6%*`. */
export function pctFlag(e: { estimate: number; se: number; n: number }, df?: number): string {
  return `${pct(e.estimate)}${flag(e, df)}`;
}

/** Prints a cell's heading: `## title`, underlined, after a blank line. */
export function heading(title: string): void {
  console.log(`\n## ${title}\n${'─'.repeat(Math.min(100, title.length + 3))}`);
}

/** Prints an explanatory note (a line or more of plain text). */
export function note(...lines: string[]): void {
  for (const line of lines) console.log(line);
}

/**
 * Whether a cell reads as a number (right-aligned): `12`, `-0.4`, `7,490,000`, `92.4%`,
 * `+3.1 pts`, `< 0.001`, an interval `[90.6, 94.2]`, or `–` (no value).
 */
function numeric(cell: string): boolean {
  return /^([-−+<>] ?\d[\d,.]*(%| pts)?|\d[\d,.]*(%| pts)?[*†]?|\[.*\]|–)$/.test(cell);
}

/**
 * Formats a table as text: a title line, a header, a rule, one line per row. Columns whose
 * non-empty cells are all numbers (or percents, intervals) are right-aligned.
 */
export function formatTable(
  title: string,
  headers: readonly string[],
  rows: readonly Cell[][],
): string {
  const text = rows.map((r) =>
    headers.map((_, j) => (r[j] === null || r[j] === undefined ? '' : String(r[j]))),
  );
  const widths = headers.map((h, j) => Math.max(h.length, ...text.map((r) => r[j]!.length)));
  const right = headers.map((_, j) => {
    const cells = text.map((r) => r[j]!).filter((c) => c !== '');
    return cells.length > 0 && cells.every(numeric);
  });
  const line = (cells: readonly string[]) =>
    cells
      .map((c, j) => (right[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  return [title, line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join(
    '\n',
  );
}

/** Prints a table (see {@link formatTable}), its source (see {@link setSource}), and a blank line. */
export function printTable(
  title: string,
  headers: readonly string[],
  rows: readonly Cell[][],
): void {
  const notes: string[] = [];
  const star = flagged.get('*');
  if (star)
    notes.push(
      `* below the NCHS standard for proportions (Parker et al. 2017): ${[...star].join('; ')}`,
    );
  const dagger = flagged.get('†');
  if (dagger)
    notes.push(`† flagged by the NCHS standard for proportions: ${[...dagger].join('; ')}`);
  flagged.clear();
  if (tableSource !== null) notes.push(`Source: ${tableSource}`);
  console.log(`${[formatTable(title, headers, rows), ...notes].join('\n')}\n`);
}

/** Shortens text to at most `width` characters, ending with `…` when cut. */
export function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** A share 0–1 as a percent: `pct(0.9249)` is `92.5%`. */
export function pct(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : '–';
}

/** A difference of shares in percentage points, signed: `+3.1 pts`. */
export function pts(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return '–';
  const v = (100 * x).toFixed(digits);
  return `${x > 0 && Number(v) !== 0 ? '+' : ''}${v} pts`;
}

/** A share's interval in percent: `[90.7, 94.3]`. */
export function pctCi(ci: readonly [number, number], digits = 1): string {
  return `[${(100 * ci[0]).toFixed(digits)}, ${(100 * ci[1]).toFixed(digits)}]`;
}

/** A number with fixed decimals (`–` for NaN). */
export function num(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}

/** A whole number with thousands separators: `7,490,000`. */
export function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/** A p-value: three decimals, `< 0.001` below that (as the report prints it). */
export function pValue(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}
