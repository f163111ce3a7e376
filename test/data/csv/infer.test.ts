/**
 * The loader's reading of numbers: plain decimal notation read by `Number()`, and nothing that
 * would read as another kind of value (Infinity, 0 for nonzero digits, one double for distinct
 * integers beyond 2^53 − 1).
 */
import { describe, expect, it } from 'vitest';
import {
  looseNumber,
  numberProblem,
  parseNumber,
  sortLevels,
} from '../../../src/data/csv/infer.js';

describe('parseNumber', () => {
  it('reads plain decimal notation exactly as Number() does', () => {
    for (const s of [
      '0',
      '-0',
      '12',
      ' 1.5 ',
      '-3e2',
      '1e-3',
      '.5',
      '5.',
      '+7',
      '1e308',
      '5e-324',
    ]) {
      expect(Object.is(parseNumber(s), Number(s)), s).toBe(true);
    }
    expect(Object.is(parseNumber('-0'), -0)).toBe(true);
    expect(parseNumber('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseNumber('-9007199254740991')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(parseNumber('9.007199254740993e15')).toBe(9007199254740992);
    expect(parseNumber('1e20')).toBe(1e20);
  });

  it('refuses what is not decimal notation, and what a double would change', () => {
    for (const s of [
      '',
      ' ',
      'NaN',
      'Infinity',
      '-Infinity',
      '0x1A',
      '0b1',
      '1,5',
      '1_000',
      '1e309',
      '-1e999',
      '1e-400',
      '9007199254740992',
      '9007199254740993',
      '-9007199254740993',
      '000009007199254740993',
      '12345678901234567890.5',
    ]) {
      expect(parseNumber(s), JSON.stringify(s)).toBeNaN();
    }
    // zero written with zero digits is zero, whatever its exponent
    expect(parseNumber('0e-999')).toBe(0);
    expect(Object.is(parseNumber('-0.0000e-999999'), -0)).toBe(true);
  });
});

describe('numberProblem', () => {
  it('says why a number is refused, and nothing for text or for numbers read', () => {
    expect(numberProblem('1e999')).toMatch(/beyond the range of a double/);
    expect(numberProblem('1e-400')).toMatch(/would read as 0/);
    expect(numberProblem('9007199254740993')).toMatch(/beyond 2\^53 − 1/);
    for (const s of ['abc', 'Infinity', '', '12', '0.1', '5e-324', '0x10']) {
      expect(numberProblem(s), s).toBeNull();
    }
  });
});

describe('looseNumber and sortLevels', () => {
  it('orders ids beyond 2^53 among the numbers, ties by their text', () => {
    expect(looseNumber('9007199254740993')).toBe(9007199254740992);
    expect(sortLevels(['9007199254740993', 'x', '9007199254740992', '2'])).toEqual([
      '2',
      '9007199254740992',
      '9007199254740993',
      'x',
    ]);
  });
});
