import { describe, expect, it } from 'vitest';
import { rotationOrder, rotationRounds } from '../../bench/harness.js';

/** How often each ordered pair (a right before b) occurs within the rounds, and each place. */
function tally(n: number) {
  const pairs = new Map<string, number>();
  const places = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let r = 0; r < rotationRounds(n); r++) {
    const order = rotationOrder(n, r);
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    order.forEach((f, place) => {
      places[f]![place]!++;
    });
    for (let j = 1; j < n; j++) {
      const key = `${order[j - 1]}>${order[j]}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
  }
  return { pairs, places };
}

describe('rotationOrder (bench harness)', () => {
  it('gives the Williams square for 4 functions', () => {
    expect([0, 1, 2, 3].map((r) => rotationOrder(4, r).join(''))).toEqual([
      '0132',
      '1203',
      '2310',
      '3021',
    ]);
  });

  for (const n of [2, 3, 4, 5, 6]) {
    it(`puts every function right after every other equally often (${n} functions)`, () => {
      const { pairs, places } = tally(n);
      const each = n % 2 === 0 ? 1 : 2;
      expect(pairs.size).toBe(n * (n - 1));
      for (const count of pairs.values()) expect(count).toBe(each);
      for (const row of places) for (const count of row) expect(count).toBe(each);
    });
  }

  it('repeats after its balanced rounds', () => {
    expect(rotationOrder(4, 5)).toEqual(rotationOrder(4, 1));
    expect(rotationOrder(3, 7)).toEqual(rotationOrder(3, 1));
    expect(rotationOrder(3, 3)).toEqual([...rotationOrder(3, 0)].reverse());
  });
});
