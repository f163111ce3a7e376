/**
 * Numeric variables with value labels are decoded as bytecodes (`CODE_UNIT`) and built from how
 * often each code occurs; every other numeric variable from its numbers. Both routes must give
 * the same variable for the same data: here the bytecode route is checked against the numbers'
 * route on the same values, over labels, user-missing values, measures and biases.
 */
import { describe, expect, it } from 'vitest';
import { buildVariable } from '../../../src/data/sav/columns.js';
import type { RawColumns } from '../../../src/data/sav/data.js';
import type { SavMeasure } from '../../../src/data/sav/types.js';
import type { DictVariable } from '../../../src/data/sav/variable.js';

const SYSMIS = -Number.MAX_VALUE;
const dict = { sysmis: SYSMIS, encoding: { name: 'utf-8', decoder: new TextDecoder() } } as never;

function numeric(over: Partial<DictVariable>): DictVariable {
  return {
    name: 'q',
    shortName: 'Q',
    type: 'numeric',
    width: 0,
    index: 1,
    unit: 0,
    units: 1,
    segments: [],
    label: undefined,
    print: 0x050200,
    write: 0x050200,
    measure: 'nominal',
    missingNumbers: [],
    missingRange: undefined,
    missingStrings: [],
    numberLabels: [],
    stringLabels: [],
    ...over,
  };
}

/** A seeded generator of values drawn from `pool` (NaN: system-missing). */
function draw(pool: readonly number[], n: number, seed: number): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(pool[s % pool.length]!);
  }
  return out;
}

/** The variable built from its numbers (system-missing as SYSMIS, not counted) and from its codes. */
function bothRoutes(v: DictVariable, values: readonly number[], bias = 100) {
  const raw = Float64Array.from(values, (x) => (Number.isNaN(x) ? SYSMIS : x));
  const numbers: RawColumns['columns'][number] = { kind: 'numeric', values: raw, empty: null };
  const codes = Int32Array.from(values, (x) => (Number.isNaN(x) ? 255 : x + bias));
  for (const k of codes) expect(k >= 1 && k <= 255 && k !== 252).toBe(true);
  const coded: RawColumns['columns'][number] = { kind: 'coded', codes, bias };
  const warn = () => {};
  return {
    numbers: buildVariable(v, numbers, dict, warn),
    coded: buildVariable(v, coded, dict, warn),
  };
}

const labels = (...pairs: Array<[number, string]>) =>
  pairs.map(([value, label]) => ({ value, label }));

describe('numeric variables with value labels: bytecodes and numbers give the same variable', () => {
  const cases: Array<{
    name: string;
    v: Partial<DictVariable>;
    pool: number[];
    bias?: number;
    kind: 'categorical' | 'numeric';
  }> = [
    {
      name: 'every value labelled',
      v: { numberLabels: labels([2, 'Female'], [1, 'Male']) },
      pool: [1, 2, 2, Number.NaN],
      kind: 'categorical',
    },
    {
      name: 'user-missing codes, labelled and not, a range, a shared label, an empty label',
      v: {
        numberLabels: labels(
          [1, 'Yes'],
          [2, 'No'],
          [3, 'No'],
          [8, ''],
          [9, 'Refused'],
          [0, 'Zero'],
        ),
        missingNumbers: [9, 7],
        missingRange: [-5, -3],
        measure: 'scale',
      },
      pool: [0, 1, 2, 3, 8, 9, 7, -4, -5, -3, Number.NaN],
      kind: 'categorical',
    },
    {
      name: 'nominal with unlabelled values (extra levels)',
      v: { numberLabels: labels([1, 'Low'], [5, 'High']), measure: 'ordinal' },
      pool: [1, 2, 3, 4, 5, 151, -99, Number.NaN],
      kind: 'categorical',
    },
    {
      name: 'scale with unlabelled values (numbers)',
      v: {
        numberLabels: labels([99, 'Top'], [-1, 'None']),
        missingNumbers: [-1],
        measure: 'scale',
      },
      pool: [18, 40, 99, -1, 0, Number.NaN, 65],
      kind: 'numeric',
    },
    {
      name: 'labels on missing codes only (numbers)',
      v: { numberLabels: labels([9, 'Refused']), missingNumbers: [9] },
      pool: [1, 2, 9, Number.NaN],
      kind: 'numeric',
    },
    {
      name: 'another bias',
      v: { numberLabels: labels([1, 'a'], [250, 'b']), missingRange: [200, 240] },
      pool: [1, 250, 220, 3, Number.NaN],
      bias: 0,
      kind: 'categorical',
    },
    {
      name: 'no value in the data',
      v: { numberLabels: labels([1, 'a']) },
      pool: [Number.NaN],
      kind: 'categorical',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      for (const seed of [1, 2, 3]) {
        const values = draw(c.pool, 500, seed);
        const { numbers, coded } = bothRoutes(numeric(c.v), values, c.bias);
        expect(coded.column.kind).toBe(c.kind);
        expect(coded).toEqual(numbers);
      }
    });
  }

  it('fails when a code is read as another value', () => {
    const v = numeric({ numberLabels: labels([1, 'a'], [2, 'b']) });
    const raw = { kind: 'coded', codes: Int32Array.from([101, 102, 255]), bias: 99 } as const;
    const built = buildVariable(v, raw, dict, () => {});
    const { numbers } = bothRoutes(v, [1, 2, Number.NaN]);
    expect(built).not.toEqual(numbers);
  });

  it('many unlabelled values (as many as the bytecodes hold) are levels either way', () => {
    const pool = Array.from({ length: 200 }, (_, i) => i - 50);
    const v = numeric({ numberLabels: labels([0, 'zero']), measure: 'nominal' as SavMeasure });
    const { numbers, coded } = bothRoutes(v, draw(pool, 3000, 7));
    expect(coded).toEqual(numbers);
    expect(coded.column.kind).toBe('categorical');
  });
});
