/**
 * Dense codes of id and stratum columns: first-seen order, the same whether a column is coded
 * through a table (integers in a narrow range) or a hash map (anything else), and the same for
 * pairs of codes.
 */
import { describe, expect, it } from 'vitest';
import { combineCodes, denseCodes } from '../../src/design/keys.js';
import { DesignError } from '../../src/errors.js';

/** First-seen codes the plain way. */
function reference(values: readonly number[]): number[] {
  const map = new Map<number, number>();
  return values.map((v) => {
    if (!map.has(v)) map.set(v, map.size);
    return map.get(v)!;
  });
}

const column = (values: number[]) => ({
  kind: 'numeric' as const,
  name: 'id',
  values: Float64Array.from(values),
});

describe('denseCodes', () => {
  const cases: Array<[string, number[]]> = [
    ['integers', [5, 3, 5, 9, 3, 3, 12]],
    ['negative integers and zero (−0 is 0)', [-4, 0, -0, 7, -4, 0]],
    ['a non-integer after integers', [1, 2, 1, 2.5, 2, 2.5, 3]],
    ['a non-integer smallest value', [0.5, 1, 2, 1, 0.5]],
    ['a range much wider than the rows', [1, 1e12, 1, 5, 1e12]],
    ['huge values', [1e300, -1e300, 1e300]],
  ];
  for (const [name, values] of cases) {
    it(name, () => {
      const d = denseCodes(column(values), 'cluster id', 'test');
      expect(Array.from(d.codes)).toEqual(reference(values));
      expect(d.count).toBe(new Set(values.map((v) => (Object.is(v, -0) ? 0 : v))).size);
      expect(d.name(0)).toBe(String(values[0]));
    });
  }

  it('names the row of a missing value', () => {
    try {
      denseCodes(column([1, 2, Number.NaN]), 'cluster id', 'test');
      expect.fail('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(DesignError);
      expect((e as DesignError).code).toBe('MISSING_DESIGN_VALUE');
      expect((e as DesignError).details.row).toBe(3);
    }
  });

  it('combines pairs in first-seen order, by table or by map', () => {
    const outer = denseCodes(column([1, 1, 2, 2, 1, 3]), 'stratum', 'test');
    const inner = denseCodes(column([7, 8, 7, 8, 7, 7]), 'cluster id', 'test');
    const both = combineCodes(outer, inner);
    expect(Array.from(both.codes)).toEqual([0, 1, 2, 3, 0, 4]);
    expect(both.name(4)).toBe('3.7');
  });
});
