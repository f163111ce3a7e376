/**
 * What outputs of a banner table say under it, and its rows grouped into one table per question.
 * @module
 */
import type { TabColumn, TabRow, Tabs } from './types.js';

/** Options of the notes under a banner table (also {@link tabsToXlsx}'s). */
export interface TabsNoteOptions {
  /** The data source, e.g. `'data/belarus-2021-12.csv'` (a note line "Source: …"). */
  source?: string;
  /** More lines, e.g. that the data is synthetic. */
  notes?: readonly string[];
}

/**
 * The notes under a banner table: the test (Student's t on the design's df, with the
 * covariance of the domains), the level(s) and what the letter cases mean, the adjustment, the
 * minimum base, the weighting, what the effective base is, the source and any extra notes.
 * @param tabs - A banner table from {@link svyTabs}.
 * @param opts - The data source and any notes of your own to add: see {@link TabsNoteOptions}.
 * @example
 * ```ts
 * const data = fromColumns({ q: ['a', 'b', 'a', 'b'], g: ['x', 'x', 'y', 'y'] });
 * const tabs = svyTabs(svyDesign(data), { rows: ['q'], banner: ['g'], level: [0.95, 0.9], adjust: 'holm' });
 * console.log(tabsNotes(tabs, { source: 'poll.csv' })[1]); // => Letters: UPPER case p < 0.05, lower case p < 0.1 (Holm-adjusted within each row and banner variable).
 * ```
 */
export function tabsNotes(tabs: Tabs, opts: TabsNoteOptions = {}): string[] {
  const { df, level, adjust, minBase } = tabs.test;
  const p = level.map((l) => Number((1 - l).toFixed(6)));
  const adjusted =
    adjust === 'none'
      ? 'no adjustment for multiple comparisons'
      : `${ADJUST_NAMES[adjust]}-adjusted within each row and banner variable`;
  const lines = [
    `Letters: the cell is significantly higher than the column with that letter (same banner variable): design-based t test on ${df} degrees of freedom, the SE of the difference from the joint covariance of the two columns.`,
    level.length > 1
      ? `Letters: UPPER case p < ${p[0]}, lower case p < ${p[1]} (${adjusted}).`
      : `Letters at p < ${p[0]} (${adjusted}).`,
    `Higher / lower than Total: the same test against the whole ${tabs.design.domain ? 'domain' : 'sample'} (part against whole), p < ${p[0]}.`,
    minBase > 0
      ? `Cells with an unweighted base under ${minBase} are not tested (low base, marked *).`
      : 'Cells without respondents are not tested.',
    `Weighting: ${tabs.design.weighting.length ? tabs.design.weighting.join('; ') : 'design weights'}${tabs.design.type === 'replicate' ? ' (replicate-weight variance)' : ''}. Effective base: Kish (Σw)² / Σw² of the column's weights.`,
  ];
  if (opts.source) lines.push(`Source: ${opts.source}`);
  for (const n of opts.notes ?? []) lines.push(n);
  return lines;
}

const ADJUST_NAMES = { bonferroni: 'Bonferroni', holm: 'Holm', BH: 'Benjamini–Hochberg' } as const;

/** One question's rows of a banner table. */
export interface TabsTable {
  /** The question id. */
  id: string;
  /** Its label. */
  label: string;
  /** Its rows, in order. */
  rows: TabRow[];
  /** The columns. */
  columns: TabColumn[];
}

/**
 * The rows of a banner table grouped into one table per question, in order.
 * @param tabs - A banner table from {@link svyTabs}.
 * @example
 * ```ts
 * const data = fromColumns({ q: ['a', 'b', 'a', 'b'], r: ['x', 'x', 'y', null], g: ['x', 'x', 'y', 'y'] });
 * const tables = tabsTables(svyTabs(svyDesign(data), { rows: ['q', 'r'], banner: ['g'] }));
 * console.log(tables.map((t) => `${t.id}: ${t.rows.map((r) => r.label).join(', ')}`)); // => [ 'q: a, b', 'r: x, y' ]
 * ```
 */
export function tabsTables(tabs: Tabs): TabsTable[] {
  const out: TabsTable[] = [];
  for (const row of tabs.rows) {
    let t = out[out.length - 1];
    if (!t || t.id !== row.question) {
      const label = tabs.questions.find((q) => q.id === row.question)?.label ?? row.question;
      t = { id: row.question, label, rows: [], columns: tabs.columns };
      out.push(t);
    }
    t.rows.push(row);
  }
  return out;
}

/** A column's header: `'Total'`, or the banner level. */
export function columnLabel(column: TabColumn): string {
  return column.level ?? 'Total';
}
