/**
 * A design's weights from a column of weights or of selection probabilities: every value checked
 * (numeric, present, finite, not negative, and not 0 unless allowed), each error naming the file,
 * column, row and value.
 * @module
 */
import type { Column } from '../data/types.js';
import { DesignError } from '../errors.js';
import { firstNonNumericRow } from './keys.js';
import { rememberRange } from './scale.js';

/**
 * The weights a column gives: its values (`role` `'weights'`) or their inverses (`'probs'`).
 * Their range is remembered for the scaling of extreme weights (see scale.ts), found in the
 * same pass.
 * @throws {DesignError} `NON_NUMERIC_WEIGHT`, `MISSING_WEIGHT`, `NON_FINITE_WEIGHT`,
 *   `NEGATIVE_WEIGHT`, `ZERO_WEIGHT` (unless `allowZero`).
 */
export function weightsFromColumn(
  c: Column,
  role: 'weights' | 'probs',
  source: string,
  allowZero: boolean,
): Float64Array {
  const name = c.name;
  const values = numericWeights(c, role, source);
  const n = values.length;
  const w = new Float64Array(n);
  const isProbs = role === 'probs';
  let max = 0;
  let minPositive = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    const weight = isProbs ? 1 / x : x;
    // finite and positive: the usual case, one test
    if (!(weight > 0 && weight < Number.POSITIVE_INFINITY && x < Number.POSITIVE_INFINITY))
      checkWeight(weight, x, i, name, role, source, allowZero);
    w[i] = weight;
    if (weight > max) max = weight;
    if (weight < minPositive && weight > 0) minPositive = weight;
  }
  rememberRange(w, max, minPositive);
  return w;
}

/**
 * The values of a weights column (not copied).
 * @throws {DesignError} `NON_NUMERIC_WEIGHT` for a column of text, naming its first row that is
 *   not a number.
 */
export function numericWeights(c: Column, role: string, source: string): Float64Array {
  if (c.kind === 'numeric') return c.values;
  const row = firstNonNumericRow(c);
  const bad = row >= 0 ? c.levels[c.codes[row]!] : undefined;
  throw new DesignError(
    'NON_NUMERIC_WEIGHT',
    `${source}: ${role} column "${c.name}" is not numeric${row >= 0 ? `: row ${row + 1} has "${bad}"` : ''}`,
    { file: source, column: c.name, row: row + 1, value: bad },
  );
}

/**
 * Throws the error for a weight that is not finite and positive (`raw` as read, `weight` the
 * weight it gives: its inverse for a probability); returns for a 0 that `allowZero` keeps.
 * @throws {DesignError} `MISSING_WEIGHT`, `NON_FINITE_WEIGHT`, `NEGATIVE_WEIGHT`, `ZERO_WEIGHT`.
 */
export function checkWeight(
  weight: number,
  raw: number,
  row: number,
  column: string,
  role: string,
  source: string,
  allowZero: boolean,
): void {
  const details = { file: source, column, row: row + 1, value: raw };
  if (Number.isNaN(raw)) {
    throw new DesignError(
      'MISSING_WEIGHT',
      `${source}: ${role} column "${column}" is missing at row ${row + 1}`,
      details,
    );
  }
  if (!Number.isFinite(weight) || !Number.isFinite(raw)) {
    const gives = raw === weight ? '' : ', which gives an infinite weight';
    throw new DesignError(
      'NON_FINITE_WEIGHT',
      `${source}: ${role} column "${column}" has ${raw} at row ${row + 1}${gives}`,
      details,
    );
  }
  if (weight < 0) {
    throw new DesignError(
      'NEGATIVE_WEIGHT',
      `${source}: ${role} column "${column}" has ${raw} at row ${row + 1}`,
      details,
    );
  }
  if (weight === 0 && !allowZero) {
    throw new DesignError(
      'ZERO_WEIGHT',
      `${source}: ${role} column "${column}" is 0 at row ${row + 1}; pass allowZeroWeights: true to keep such rows with no weight, as R does`,
      details,
    );
  }
}
