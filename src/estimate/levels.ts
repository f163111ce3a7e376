/**
 * The levels of a table's variable: a categorical variable's own, or a numeric variable's
 * distinct values.
 * @module
 */
import type { Column } from '../data/types.js';

/** A variable's levels and per-row codes (numeric: distinct values in the domain, sorted). */
export interface Coded {
  /** Per row: the index of its level, −1 for a missing value. */
  codes: Int32Array;
  /** The levels (a numeric variable's values as `String(value)`). */
  levels: string[];
}

/**
 * A column as level codes: a categorical column as it is; a numeric column by its distinct
 * values among the rows `usable` accepts, sorted (rows with other values get −1).
 * @example
 * ```ts
 * const { codes, levels } = coded({ kind: 'numeric', name: 'x', values: Float64Array.of(3, 1, 3, Number.NaN) }, () => true);
 * console.log(Array.from(codes), levels); // => [ 1, 0, 1, -1 ] [ '1', '3' ]
 * ```
 */
export function coded(column: Column, usable: (i: number) => boolean): Coded {
  if (column.kind === 'categorical') return { codes: column.codes, levels: [...column.levels] };
  const values = column.values;
  const distinct = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    if (usable(i) && !Number.isNaN(values[i]!)) distinct.add(values[i]!);
  }
  const sorted = [...distinct].sort((a, b) => a - b);
  const index = new Map(sorted.map((v, k) => [v, k]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = index.get(values[i]!) ?? -1;
  return { codes, levels: sorted.map(String) };
}
