/**
 * Frames built from in-memory columns: names and levels from the data (`__proto__`,
 * `constructor`, `toString`) are ordinary names, never keys of a prototype.
 */
import { describe, expect, it } from 'vitest';
import { column, fromColumns, getColumn } from '../../src/data/frame.js';
import { EstimationError } from '../../src/errors.js';

describe('fromColumns with names from the data', () => {
  it('keeps __proto__, constructor and toString as columns, and their levels option entries', () => {
    const input = JSON.parse(
      '{"__proto__": [1, 2], "constructor": ["a", "b"], "toString": ["x", "y"]}',
    );
    const d = fromColumns(input, { levels: JSON.parse('{"constructor": ["b", "a"]}') });
    expect(d.names).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.keys(d.columns)).toEqual(d.names);
    expect(Object.getPrototypeOf(d.columns)).toBeNull();
    expect(column(d, '__proto__')).toEqual(Float64Array.of(1, 2));
    expect(d.columns.constructor).toMatchObject({ kind: 'categorical', levels: ['b', 'a'] });
    // a levels object's inherited members are not entries
    expect(fromColumns({ toString: ['p', 'q'] }, { levels: {} }).columns.toString).toMatchObject({
      levels: ['p', 'q'],
    });
  });

  it('a column that is not there is UNKNOWN_VARIABLE, whatever its name', () => {
    const d = fromColumns({ x: [1] });
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => getColumn(d, name)).toThrow(EstimationError);
      expect(() => column(d, name)).toThrow(expect.objectContaining({ code: 'UNKNOWN_VARIABLE' }));
    }
    // a frame built by hand with a plain object: only its own columns count
    const byHand = { ...d, columns: { x: d.columns.x! } };
    expect(() => getColumn(byHand, 'constructor')).toThrow(EstimationError);
  });
});
