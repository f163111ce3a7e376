/**
 * Turning design columns (ids, strata) into dense integer indices, and combining indices, in
 * one pass each.
 * @module
 */
import { looseNumber, numberProblem } from '../data/csv/infer.js';
import type { CategoricalColumn, Column } from '../data/types.js';
import { DesignError } from '../errors.js';

/** Dense integer codes for a column's values, with the distinct values in first-seen order. */
export interface DenseCodes {
  codes: Int32Array;
  count: number;
  /** A readable name for a code (built on demand: only error messages need it). */
  name: (code: number) => string;
}

/**
 * Dense codes 0..k-1 for the values of an id or stratum column, in first-seen order.
 * @throws {DesignError} `MISSING_DESIGN_VALUE` naming the row when a value is missing (R fails too).
 */
export function denseCodes(col: Column, role: string, source: string): DenseCodes {
  const n = col.kind === 'numeric' ? col.values.length : col.codes.length;
  const codes = new Int32Array(n);
  const names: string[] = [];
  if (col.kind === 'categorical') {
    const map = new Int32Array(col.levels.length).fill(-1);
    for (let i = 0; i < n; i++) {
      const c = col.codes[i]!;
      if (c < 0) throw missingValue(col.name, role, i, source);
      let d = map[c]!;
      if (d < 0) {
        d = names.length;
        map[c] = d;
        names.push(col.levels[c]!);
      }
      codes[i] = d;
    }
    return { codes, count: names.length, name: (k) => names[k]! };
  }
  const values = col.values;
  // Ids that are integers in a range not much wider than the rows (the usual case) are coded
  // through a table indexed by value; others through a hash map. The same codes either way.
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) throw missingValue(col.name, role, i, source);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (Number.isInteger(min) && max - min < tableLimit(n)) {
    const coded = tableCodes(values, min, max - min + 1, codes, names);
    if (coded) return { codes, count: names.length, name: (k) => names[k]! };
    names.length = 0; // a value that is not an integer: the hash map
  }
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    let d = map.get(v);
    if (d === undefined) {
      d = names.length;
      map.set(v, d);
      names.push(String(v));
    }
    codes[i] = d;
  }
  return { codes, count: names.length, name: (k) => names[k]! };
}

/**
 * Codes through a table of `size` entries indexed by value − min (min an integer), in
 * first-seen order; `false` (codes unfinished) at the first value that is not an integer.
 */
function tableCodes(
  values: Float64Array,
  min: number,
  size: number,
  codes: Int32Array,
  names: string[],
): boolean {
  const table = new Int32Array(size).fill(-1);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]! - min;
    const slot = x | 0;
    // (an integer slot: an integer value, as min is one)
    if (slot !== x) return false;
    let d = table[slot]!;
    if (d < 0) {
      d = names.length;
      table[slot] = d;
      names.push(String(values[i]!));
    }
    codes[i] = d;
  }
  return true;
}

/** Largest lookup table (entries) used to code n rows: a few bytes per row at most. */
function tableLimit(n: number): number {
  return Math.min(Math.max(4 * n, 1 << 16), 1 << 27);
}

function missingValue(column: string, role: string, row: number, source: string): DesignError {
  return new DesignError(
    'MISSING_DESIGN_VALUE',
    `${source}: ${role} column "${column}" is missing at row ${row + 1}; every respondent needs a ${role}`,
    { file: source, column, row: row + 1 },
  );
}

/**
 * Dense codes for the pairs (outer[i], inner[i]): the interaction of two coded columns, with
 * names joined by `sep`.
 */
export function combineCodes(outer: DenseCodes, inner: DenseCodes, sep = '.'): DenseCodes {
  const n = outer.codes.length;
  const codes = new Int32Array(n);
  const firstRow: number[] = [];
  const width = inner.count;
  if (outer.count * width <= tableLimit(n)) {
    // Few enough pairs for a table indexed by the pair (the usual case: strata × PSUs).
    const table = new Int32Array(outer.count * width).fill(-1);
    for (let i = 0; i < n; i++) {
      const key = outer.codes[i]! * width + inner.codes[i]!;
      let d = table[key]!;
      if (d < 0) {
        d = firstRow.length;
        table[key] = d;
        firstRow.push(i);
      }
      codes[i] = d;
    }
  } else {
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const key = outer.codes[i]! * width + inner.codes[i]!;
      let d = map.get(key);
      if (d === undefined) {
        d = firstRow.length;
        map.set(key, d);
        firstRow.push(i);
      }
      codes[i] = d;
    }
  }
  const name = (k: number): string => {
    const i = firstRow[k]!;
    return `${outer.name(outer.codes[i]!)}${sep}${inner.name(inner.codes[i]!)}`;
  };
  return { codes, count: firstRow.length, name };
}

/** A single code shared by every row. */
export function constantCodes(n: number, name = '1'): DenseCodes {
  return { codes: new Int32Array(n), count: n > 0 ? 1 : 0, name: () => name };
}

/** Each row its own code (R's `id = ~1`). */
export function rowCodes(n: number): DenseCodes {
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = i;
  return { codes, count: n, name: (k) => String(k + 1) };
}

/**
 * The first row (0-based) of a categorical column whose value does not read as a number, for
 * errors about a weight column that is not numeric (e.g. `1,5` written with a decimal comma);
 * else the first row whose value the loaders keep as text although it is written as a number
 * (`1e999`, `1e-400`, an integer beyond 2^53 − 1: see `numberProblem`); else the first row with
 * any value; -1 when all are missing.
 * @example
 * ```ts
 * const c = { kind: 'categorical' as const, name: 'w', codes: Int32Array.of(0, -1, 1, 2), levels: ['2', '0,75', '1,5'] };
 * console.log(firstNonNumericRow(c)); // => 2
 * const tiny = { kind: 'categorical' as const, name: 'w', codes: Int32Array.of(0, 1), levels: ['2', '1e-400'] };
 * console.log(firstNonNumericRow(tiny)); // => 1
 * ```
 */
export function firstNonNumericRow(c: CategoricalColumn): number {
  // 2: not written as a number; 1: written as one a double cannot hold; 0: a number
  const rank = c.levels.map((l) => (Number.isNaN(looseNumber(l)) ? 2 : numberProblem(l) ? 1 : 0));
  const first = [-1, -1, -1];
  for (let i = 0; i < c.codes.length; i++) {
    const code = c.codes[i]!;
    if (code < 0) continue;
    const r = rank[code]!;
    if (r === 2) return i;
    if (first[r] === -1) first[r] = i;
  }
  return first[1] !== -1 ? first[1]! : first[0]!;
}
