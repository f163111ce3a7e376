/**
 * Building and reading {@link SurveyData} frames.
 * @module
 */
import { DataFormatError, EstimationError } from '../errors.js';
import { type Codebook, emptyCodebook } from './codebook.js';
import type { CategoricalColumn, Column, NumericColumn, SurveyData } from './types.js';

/** Values accepted by {@link fromColumns} for one column. */
export type ColumnInput =
  | Float64Array
  | ReadonlyArray<number | null | undefined>
  | ReadonlyArray<string | null | undefined>
  | {
      /** Per row: the index of its level in `levels`, `-1` for missing. */
      codes: Int32Array | ReadonlyArray<number>;
      /** The levels, in order. */
      levels: readonly string[];
    };

/**
 * Builds a frame from in-memory columns: numbers (`NaN`/`null` missing) become numeric columns,
 * strings (`null`/`''` missing) categorical ones with levels in first-seen order unless `levels`
 * gives the order.
 *
 * @param input - The columns by name: arrays of numbers (or a typed array) or of texts, all of the
 *   same length.
 * @param opts - `levels`: the level order of categorical columns by name; `codebook`: a codebook
 *   for the frame; `source`: the name error messages and `data.load` give the frame.
 * @throws {DataFormatError} `LENGTH_MISMATCH` when columns differ in length.
 * @example
 * ```ts
 * const d = fromColumns({ x: [1, 2, NaN], g: ['a', 'b', 'a'] });
 * console.log(d.nrow, d.columns.g.kind); // => 3 categorical
 * ```
 */
export function fromColumns(
  input: Record<string, ColumnInput>,
  opts: { levels?: Record<string, readonly string[]>; codebook?: Codebook; source?: string } = {},
): SurveyData {
  const names = Object.keys(input);
  // keyed by column names from data (`__proto__`, `constructor`): no prototype to reach
  const columns: Record<string, Column> = Object.create(null);
  const levels = opts.levels;
  let nrow = -1;
  for (const name of names) {
    const order = levels !== undefined && Object.hasOwn(levels, name) ? levels[name] : undefined;
    const col = toColumn(name, input[name]!, order);
    const len = col.kind === 'numeric' ? col.values.length : col.codes.length;
    if (nrow === -1) nrow = len;
    else if (len !== nrow) {
      throw new DataFormatError(
        'LENGTH_MISMATCH',
        `column "${name}" has ${len} values but the first column has ${nrow}`,
        { column: name },
      );
    }
    columns[name] = col;
  }
  return {
    nrow: Math.max(nrow, 0),
    names,
    columns,
    codebook: opts.codebook ?? emptyCodebook(),
    load: {
      source: opts.source ?? '<memory>',
      rowsRead: Math.max(nrow, 0),
      rowsRejected: [],
      missing: [],
    },
  };
}

function toColumn(name: string, values: ColumnInput, levelOrder?: readonly string[]): Column {
  if (values instanceof Float64Array) return { kind: 'numeric', name, values };
  if (!Array.isArray(values)) {
    const v = values as { codes: ArrayLike<number>; levels: readonly string[] };
    const codes = Int32Array.from(v.codes);
    for (let i = 0; i < codes.length; i++) {
      if (codes[i]! < -1 || codes[i]! >= v.levels.length) {
        throw new DataFormatError(
          'BAD_CODE',
          `column "${name}", row ${i + 1}: code ${codes[i]} has no level`,
          {
            column: name,
            row: i + 1,
            value: codes[i],
          },
        );
      }
    }
    return { kind: 'categorical', name, codes, levels: [...v.levels] };
  }
  const arr = values as ReadonlyArray<unknown>;
  const firstPresent = arr.find((v) => v !== null && v !== undefined && v !== '');
  if (typeof firstPresent === 'string') {
    const levels = levelOrder ? [...levelOrder] : [];
    const index = new Map(levels.map((l, i) => [l, i]));
    const codes = new Int32Array(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (v === null || v === undefined || v === '') {
        codes[i] = -1;
        continue;
      }
      const s = String(v);
      let code = index.get(s);
      if (code === undefined) {
        if (levelOrder) {
          throw new DataFormatError(
            'UNKNOWN_LEVEL',
            `column "${name}", row ${i + 1}: "${s}" is not one of its levels`,
            {
              column: name,
              row: i + 1,
              value: s,
            },
          );
        }
        code = levels.length;
        levels.push(s);
        index.set(s, code);
      }
      codes[i] = code;
    }
    return { kind: 'categorical', name, codes, levels };
  }
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v === null || v === undefined) out[i] = Number.NaN;
    else if (typeof v === 'number') out[i] = v;
    else {
      throw new DataFormatError(
        'MIXED_COLUMN',
        `column "${name}", row ${i + 1}: ${JSON.stringify(v)} is not a number`,
        {
          column: name,
          row: i + 1,
          value: v,
        },
      );
    }
  }
  return { kind: 'numeric', name, values: out };
}

/**
 * The named column, `undefined` when the data has none of that name: only the data's own
 * columns count (a frame built by hand may have a prototype, whose `constructor` or `toString`
 * is no column), and a name that is not a string finds nothing.
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2] });
 * console.log(findColumn(data, 'y')?.kind, findColumn(data, 'constructor'), findColumn({ ...data, columns: { ...data.columns } }, 'toString')); // => numeric undefined undefined
 * ```
 */
export function findColumn(data: SurveyData, name: string): Column | undefined {
  return typeof name === 'string' && Object.hasOwn(data.columns, name)
    ? data.columns[name]
    : undefined;
}

/**
 * The named column, or a typed error naming what exists.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`.
 */
export function getColumn(data: SurveyData, name: string): Column {
  const col = findColumn(data, name);
  if (!col) {
    throw new EstimationError(
      'UNKNOWN_VARIABLE',
      `no variable "${name}" in ${data.load.source} (it has: ${data.names.slice(0, 20).join(', ')}${data.names.length > 20 ? ', ...' : ''})`,
      { variable: name, file: data.load.source },
    );
  }
  return col;
}

/** The named numeric column, or a typed error. */
export function getNumeric(data: SurveyData, name: string): NumericColumn {
  const col = getColumn(data, name);
  if (col.kind !== 'numeric') {
    throw new EstimationError(
      'NOT_NUMERIC',
      `variable "${name}" is categorical, a numeric one is needed here`,
      {
        variable: name,
      },
    );
  }
  return col;
}

/** The named categorical column, or a typed error. */
export function getCategorical(data: SurveyData, name: string): CategoricalColumn {
  const col = getColumn(data, name);
  if (col.kind !== 'categorical') {
    throw new EstimationError(
      'NOT_CATEGORICAL',
      `variable "${name}" is numeric, a categorical one is needed here`,
      {
        variable: name,
      },
    );
  }
  return col;
}

/**
 * A column's values as a user sees them: numbers (`NaN` for missing) or level labels (`null` for
 * missing, so that a chart or a table never shows an empty category). A numeric column's
 * values are the frame's own array (not a copy); a categorical column's labels are a new array.
 *
 * @param data - The frame.
 * @param name - The column name.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`.
 * @example
 * ```ts
 * const d = fromColumns({ g: ['a', null, 'b'], x: [1, null, 3] });
 * console.log(column(d, 'g'), column(d, 'x')); // => [ 'a', null, 'b' ] Float64Array(3) [ 1, NaN, 3 ]
 * // the labels present, for a legend or a filter:
 * console.log(column(d, 'g').filter((v) => v !== null)); // => [ 'a', 'b' ]
 * ```
 */
export function column(data: SurveyData, name: string): Float64Array | (string | null)[] {
  const col = getColumn(data, name);
  if (col.kind === 'numeric') return col.values;
  const out = new Array<string | null>(col.codes.length);
  for (let i = 0; i < col.codes.length; i++) {
    const c = col.codes[i]!;
    out[i] = c < 0 ? null : col.levels[c]!;
  }
  return out;
}
