/**
 * The row accessor that {@link subset} predicates and {@link mutate} row functions read: one
 * reusable object whose properties read the current respondent of each column, so that a pass
 * over a million respondents makes no object per row.
 * @module
 */
import type { SurveyData } from '../data/types.js';

/** A respondent as a predicate or row function sees it: numbers, level labels, `null` for missing. */
export type Row = Readonly<Record<string, number | string | null>>;

/**
 * A reusable row object: set `index`, then `value`'s properties read that respondent (a getter
 * per column, so only the columns a function reads are read).
 * @example
 * ```ts
 * const row = rowView(fromColumns({ x: [1, NaN], g: ['a', null] }));
 * row.index = 1;
 * console.log(row.value.x, row.value.g, Object.keys(row.value)); // => null null [ 'x', 'g' ]
 * ```
 */
export function rowView(data: SurveyData): { index: number; value: Row } {
  const state = { index: 0, value: {} as Row };
  for (const name of data.names) {
    const col = data.columns[name]!;
    Object.defineProperty(state.value, name, {
      enumerable: true,
      get:
        col.kind === 'numeric'
          ? () => {
              const v = col.values[state.index]!;
              return Number.isNaN(v) ? null : v;
            }
          : () => {
              const c = col.codes[state.index]!;
              return c < 0 ? null : col.levels[c]!;
            },
    });
  }
  return state;
}
