/** weightsFromColumn: the weights of a column of weights or of probabilities, every value checked. */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { weightsFromColumn } from '../../src/design/weights.js';

const column = (values: Array<number | string>) =>
  fromColumns({ w: values as number[] }).columns['w']!;

describe('weightsFromColumn', () => {
  it('weights as they are, probabilities inverted', () => {
    expect([...weightsFromColumn(column([2, 0.5]), 'weights', 'f.csv', false)]).toEqual([2, 0.5]);
    expect([...weightsFromColumn(column([0.5, 0.25]), 'probs', 'f.csv', false)]).toEqual([2, 4]);
  });

  it.each([
    [[1, Number.NaN], 'MISSING_WEIGHT', 2],
    [[1, -1], 'NEGATIVE_WEIGHT', 2],
    [[Number.POSITIVE_INFINITY, 1], 'NON_FINITE_WEIGHT', 1],
    [[0, 1], 'ZERO_WEIGHT', 1],
    [['a', 'b'], 'NON_NUMERIC_WEIGHT', 1],
  ] as const)('%j: %s naming the file, column and row', (values, code, row) => {
    expect(() => weightsFromColumn(column([...values]), 'weights', 'f.csv', false)).toThrow(
      expect.objectContaining({
        code,
        details: expect.objectContaining({ file: 'f.csv', column: 'w', row }),
      }),
    );
  });

  it('zero weights when allowed; a probability of 0 is an infinite weight', () => {
    expect([...weightsFromColumn(column([0, 1]), 'weights', 'f.csv', true)]).toEqual([0, 1]);
    expect(() => weightsFromColumn(column([0, 1]), 'probs', 'f.csv', true)).toThrow(
      expect.objectContaining({ code: 'NON_FINITE_WEIGHT' }),
    );
  });
});
