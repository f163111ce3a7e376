/** The reusable row object of subset predicates and mutate row functions. */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { rowView } from '../../src/design/row.js';

describe('rowView', () => {
  const data = fromColumns({
    x: [1, Number.NaN, 3],
    g: ['a', null, 'b'],
    index: [10, 20, 30],
    value: ['p', 'q', 'r'],
  });

  it('reads the respondent it was moved to: numbers, labels, null for missing', () => {
    const view = rowView(data);
    const row = view.value;
    expect({ ...row }).toEqual({ x: 1, g: 'a', index: 10, value: 'p' });
    view.moveTo(1);
    expect({ ...row }).toEqual({ x: null, g: null, index: 20, value: 'q' });
    view.moveTo(2);
    expect(JSON.stringify(row)).toBe('{"x":3,"g":"b","index":30,"value":"r"}');
  });

  it('shows the columns only, in data order', () => {
    const row = rowView(data).value;
    expect(Object.keys(row)).toEqual(['x', 'g', 'index', 'value']);
    expect(Object.getOwnPropertyNames(row)).toEqual(['x', 'g', 'index', 'value']);
  });

  it('views are independent, also views of other frames (shared getters, own state)', () => {
    const a = rowView(data);
    const b = rowView(data);
    const other = rowView(fromColumns({ g: [5, 6], x: ['u', 'v'] }));
    a.moveTo(2);
    b.moveTo(0);
    other.moveTo(1);
    expect([a.value.x, b.value.x, other.value.x]).toEqual([3, 1, 'v']);
    expect([a.value.g, b.value.g, other.value.g]).toEqual(['b', 'a', 6]);
  });
});
