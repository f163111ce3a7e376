import { describe, expect, it } from 'vitest';
import { fileStem, UniqueNames } from '../../src/report/names.js';

describe('fileStem: the one sanitiser of file names made from ids', () => {
  it('keeps the bundled names as they were', () => {
    expect(fileStem('eeu_kz_coop')).toBe('eeu-kz-coop');
    expect(fileStem('reliable')).toBe('reliable');
    expect(fileStem('eeu-trend')).toBe('eeu-trend');
  });

  it('never leaves a separator, a dot or an empty name', () => {
    for (const id of [
      'x/../../escaped',
      '..',
      '.',
      '/etc/passwd',
      'C:\\Windows\\x',
      'a\u0000b',
      '   ',
      '',
      '~',
      'a.b.c',
      '\u2024\u2024/x', // one-dot leaders: NFKC makes them dots
    ]) {
      const stem = fileStem(id);
      expect(stem, id).toMatch(/^[\p{L}\p{N}]+(-[\p{L}\p{N}]+)*$/u);
    }
    expect(fileStem('x/../../escaped')).toBe('x-escaped');
    expect(fileStem('..')).toBe('x');
  });

  it('keeps letters of any script, lower-cased, and avoids device names', () => {
    expect(fileStem('Вопрос 1')).toBe('вопрос-1');
    expect(fileStem('Q1_A')).toBe('q1-a');
    expect(fileStem('CON')).toBe('con-x');
    expect(fileStem('com1')).toBe('com1-x');
    expect(fileStem('a'.repeat(200))).toHaveLength(80);
  });
});

describe('UniqueNames', () => {
  it('numbers a name taken already, ignoring case', () => {
    const names = new UniqueNames();
    expect(['a', 'b', 'A', 'a', 'a-2'].map((n) => names.take(n))).toEqual([
      'a',
      'b',
      'A-2',
      'a-3',
      'a-2-2',
    ]);
  });
});
