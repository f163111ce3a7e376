/**
 * The row accessor that {@link subset} predicates and {@link mutate} row functions read: one
 * reusable object whose properties read the current respondent of each column, so that a pass
 * over a million respondents makes no object per row.
 *
 * Every column is an accessor property whose getter is shared by all row objects (the getter of
 * the k-th column reads the row's k-th array at the row's index, both kept under symbol keys), so
 * row objects of the same columns share one hidden class: a function called with them, once or
 * across many calls of `subset` and `mutate`, keeps its property reads monomorphic and fast.
 * @module
 */
import type { SurveyData } from '../data/types.js';

/** A respondent as a predicate or row function sees it: numbers, level labels, `null` for missing. */
export type Row = Readonly<Record<string, number | string | null>>;

/** The current row index of a row object. */
const INDEX = Symbol('row index');
/** Per column (in the order of the properties): its values or codes. */
const ARRAYS = Symbol('row arrays');
/** Per column: its levels, or `null` for a numeric column. */
const LEVELS = Symbol('row levels');

interface RowState {
  [INDEX]: number;
  [ARRAYS]: Array<Float64Array | Int32Array>;
  [LEVELS]: Array<readonly string[] | null>;
}

/** Getters of the k-th column, numeric and categorical, made once and shared by all row objects. */
const numericGetters: Array<(this: RowState) => number | null> = [];
const categoricalGetters: Array<(this: RowState) => string | null> = [];

function numericGetter(k: number): (this: RowState) => number | null {
  for (let j = numericGetters.length; j <= k; j++) {
    numericGetters.push(function (this: RowState) {
      const v = this[ARRAYS][j]![this[INDEX]]!;
      return Number.isNaN(v) ? null : v;
    });
  }
  return numericGetters[k]!;
}

function categoricalGetter(k: number): (this: RowState) => string | null {
  for (let j = categoricalGetters.length; j <= k; j++) {
    categoricalGetters.push(function (this: RowState) {
      const c = this[ARRAYS][j]![this[INDEX]]!;
      return c < 0 ? null : this[LEVELS][j]![c]!;
    });
  }
  return categoricalGetters[k]!;
}

/** A reusable row object and the function that moves it to another respondent. */
export interface RowView {
  /** The row object: its properties read the respondent it was last moved to (first: row 0). */
  readonly value: Row;
  /** Moves the row object to the 0-based row `i`. */
  moveTo(i: number): void;
}

/**
 * A reusable row object over the frame's columns (see the module notes): `moveTo(i)`, then
 * `value`'s properties read respondent `i`.
 * @example
 * ```ts
 * const row = rowView(fromColumns({ x: [1, NaN], g: ['a', null] }));
 * row.moveTo(1);
 * console.log(row.value.x, row.value.g, Object.keys(row.value)); // => null null [ 'x', 'g' ]
 * ```
 */
export function rowView(data: SurveyData): RowView {
  // The state under symbol keys, not enumerable: a spread or Object.assign of the row copies the
  // columns only.
  const state = Object.defineProperties({} as RowState, {
    [INDEX]: { value: 0, writable: true },
    [ARRAYS]: { value: [] },
    [LEVELS]: { value: [] },
  });
  data.names.forEach((name, k) => {
    const col = data.columns[name]!;
    if (col.kind === 'numeric') {
      state[ARRAYS].push(col.values);
      state[LEVELS].push(null);
    } else {
      state[ARRAYS].push(col.codes);
      state[LEVELS].push(col.levels);
    }
    Object.defineProperty(state, name, {
      enumerable: true,
      get: col.kind === 'numeric' ? numericGetter(k) : categoricalGetter(k),
    });
  });
  return {
    value: state as unknown as Row,
    moveTo: (i) => {
      state[INDEX] = i;
    },
  };
}
