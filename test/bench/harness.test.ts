import { describe, expect, it } from 'vitest';
import {
  pairedRotationOrder,
  pairedRotationRounds,
  rotationOrder,
  rotationRounds,
} from '../../bench/harness.js';

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

/** The rounds of {@link pairedRotationOrder} one after another, as timed (boundaries included). */
function pairedSequence(k: number): number[] {
  const seq: number[] = [];
  for (let r = 0; r < pairedRotationRounds(k); r++) seq.push(...pairedRotationOrder(k, r));
  return seq;
}

describe('pairedRotationOrder (bench harness)', () => {
  it('alternates the operation on each file and a bare loop', () => {
    expect([0, 1, 2, 3].map((r) => pairedRotationOrder(2, r).join(''))).toEqual([
      '0213',
      '1302',
      '0312',
      '1203',
    ]);
  });

  for (const k of [1, 2, 3, 4]) {
    it(`puts each bare loop before each operation equally often, across rounds (k = ${k})`, () => {
      const seq = pairedSequence(k);
      const pairs = new Map<string, number>();
      seq.forEach((f, i) => {
        const before = seq[(i - 1 + seq.length) % seq.length]!;
        // never two operations or two bare loops in a row, even from one round to the next
        expect(f < k).not.toBe(before < k);
        pairs.set(`${before}>${f}`, (pairs.get(`${before}>${f}`) ?? 0) + 1);
      });
      for (let r = 0; r < pairedRotationRounds(k); r++) {
        expect([...pairedRotationOrder(k, r)].sort((a, b) => a - b)).toEqual([
          ...Array(2 * k).keys(),
        ]);
      }
      expect(pairs.size).toBe(2 * k * k);
      const counts = new Set(pairs.values());
      expect(counts.size).toBe(1);
    });
  }

  it('gives the two files the same two calls before them (k = 2)', () => {
    const seq = pairedSequence(2);
    const history = [new Map<string, number>(), new Map<string, number>()];
    seq.forEach((f, i) => {
      if (f > 1) return;
      const two = `${seq[(i - 2 + seq.length) % seq.length]},${seq[(i - 1 + seq.length) % seq.length]}`;
      history[f]!.set(two, (history[f]!.get(two) ?? 0) + 1);
    });
    expect([...history[0]!].sort()).toEqual([...history[1]!].sort());
    expect(history[0]!.size).toBe(4);
  });

  it('repeats after its balanced rounds', () => {
    expect(pairedRotationOrder(2, 6)).toEqual(pairedRotationOrder(2, 2));
    expect(pairedRotationOrder(3, 37)).toEqual(pairedRotationOrder(3, 1));
  });
});
