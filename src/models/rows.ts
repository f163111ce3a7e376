/**
 * Model-matrix rows for values that are not the model's own rows: new data to predict for, or
 * the model's rows with one factor set to a given level (predictive margins).
 * @module
 */
import { findColumn } from '../data/frame.js';
import type { SurveyData } from '../data/types.js';
import { EstimationError } from '../errors.js';
import { cellColumns, type ModelMatrix } from './model-matrix.js';

/** A row of new data: variable name → value (a number, a level's label, or null for missing). */
export type NewRow = Readonly<Record<string, number | string | null | undefined>>;

/** A model-matrix row in sparse form: per slot its column (-1: zero) and value. */
export interface SparseRow {
  readonly cols: Int32Array;
  readonly values: Float64Array;
}

/** The rows of new data as values per variable: from row objects or a frame. */
export function newDataRows(newdata: readonly NewRow[] | SurveyData): {
  n: number;
  value: (i: number, variable: string) => number | string | null;
} {
  if (Array.isArray(newdata)) {
    const rows = newdata as readonly NewRow[];
    // (own keys only: a variable named constructor or toString is not an Object method)
    return {
      n: rows.length,
      value: (i, v) => (Object.hasOwn(rows[i]!, v) ? (rows[i]![v] ?? null) : null),
    };
  }
  const data = newdata as SurveyData;
  return {
    n: data.nrow,
    value: (i, v) => {
      const col = findColumn(data, v);
      if (!col) return null;
      if (col.kind === 'numeric') return Number.isNaN(col.values[i]!) ? null : col.values[i]!;
      const c = col.codes[i]!;
      return c < 0 ? null : col.levels[c]!;
    },
  };
}

/**
 * The model-matrix row of a row of values: factors by level label, numeric variables by value.
 * `override` fixes one factor's level index.
 * @throws {EstimationError} `MISSING_VALUES` for a model variable without a value,
 *   `UNKNOWN_LEVEL` for a level the model does not have, `NOT_NUMERIC` for text in a numeric
 *   variable.
 */
export function rowOf(
  mm: ModelMatrix,
  value: (variable: string) => number | string | null,
  row: number,
  override: { factor: number; level: number } | null = null,
): SparseRow {
  const codes = new Int32Array(mm.factors.length);
  mm.factors.forEach((f, j) => {
    if (override !== null && override.factor === j) {
      codes[j] = override.level;
      return;
    }
    const v = value(f.name);
    if (v === null || v === undefined) throw missing(f.name, row);
    const level = f.levels.indexOf(String(v));
    if (level < 0) {
      throw new EstimationError(
        'UNKNOWN_LEVEL',
        `row ${row + 1}: "${String(v)}" is not a level of ${f.name} in the model (its levels: ${f.levels.join(', ')})`,
        { variable: f.name, level: String(v), row: row + 1, levels: [...f.levels] },
      );
    }
    codes[j] = level;
  });
  const cols = cellColumns(mm, codes, new Int32Array(mm.slots));
  const features = new Float64Array(mm.m + 1);
  features[0] = 1;
  mm.features.forEach((variables, a) => {
    let u = 1;
    for (const v of variables) {
      const x = value(v);
      if (x === null || x === undefined) throw missing(v, row);
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        throw new EstimationError(
          'NOT_NUMERIC',
          `row ${row + 1}: ${v} is ${JSON.stringify(x)}, a finite number is needed`,
          { variable: v, row: row + 1, value: x },
        );
      }
      u *= x;
    }
    features[a + 1] = u;
  });
  const values = new Float64Array(mm.slots);
  for (let s = 0; s < mm.slots; s++) values[s] = features[mm.slotFeature[s]!]!;
  return { cols, values };
}

/** x·β for a sparse row. */
export function dot(row: SparseRow, beta: ArrayLike<number>): number {
  let s = 0;
  for (let t = 0; t < row.cols.length; t++) {
    const c = row.cols[t]!;
    if (c >= 0) s += beta[c]! * row.values[t]!;
  }
  return s;
}

/** x V xᵀ for a sparse row and a p × p row-major V. */
export function quadratic(row: SparseRow, V: Float64Array, p: number): number {
  let s = 0;
  for (let a = 0; a < row.cols.length; a++) {
    const ca = row.cols[a]!;
    if (ca < 0) continue;
    for (let b = 0; b < row.cols.length; b++) {
      const cb = row.cols[b]!;
      if (cb >= 0) s += row.values[a]! * V[ca * p + cb]! * row.values[b]!;
    }
  }
  return s;
}

function missing(variable: string, row: number): EstimationError {
  return new EstimationError(
    'MISSING_VALUES',
    `row ${row + 1} has no value of ${variable}, which the model needs`,
    { variable, row: row + 1, count: 1 },
  );
}
