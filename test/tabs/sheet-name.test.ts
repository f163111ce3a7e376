/**
 * sheetName: whatever the text, a name Excel accepts (no [ ] : * ? / \, at most 31 characters,
 * not empty, no apostrophe at either end, not History, unique without case) that XML can hold.
 */
import { describe, expect, it } from 'vitest';
import { sheetName } from '../../src/tabs/sheet-name.js';

const HOSTILE = [
  'a/b:c*?[x]',
  'A/B:C*?[X]',
  "'quoted'",
  "''",
  'History',
  'HISTORY',
  '',
  '   ',
  '[]:*?/\\',
  'tab\there\nline',
  'nul\u0000x\u0001y\u007f',
  'lone\uD800surrogate\uFFFF',
  'Я'.repeat(40),
  `${'Я'.repeat(40)}b`,
  `${'x'.repeat(30)}😀tail`,
  "=cmd|' /C calc'!A0",
  'contents',
  'Contents',
];

/** Excel's rules for a sheet name, and XML's for any text. */
function valid(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= 31 &&
    !/[[\]:*?/\\]/.test(name) &&
    !name.startsWith("'") &&
    !name.endsWith("'") &&
    name.toLowerCase() !== 'history' &&
    /^[\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u.test(name)
  );
}

describe('sheetName', () => {
  it('makes valid, case-insensitively unique names from hostile texts', () => {
    const used = new Set<string>();
    const names = HOSTILE.map((t) => sheetName(t, used));
    for (const n of names) expect(valid(n), JSON.stringify(n)).toBe(true);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(names.slice(0, 6)).toEqual([
      'a_b_c___x_',
      'A_B_C___X_ (2)',
      'quoted',
      'Sheet',
      'History (2)',
      'HISTORY (3)',
    ]);
    expect(names[9]).toBe('tab here line');
    expect(names[10]).toBe('nul x y');
    expect(names[11]).toBe('lonesurrogate');
    expect(names[12]).toBe('Я'.repeat(31));
    expect(names[13]).toBe(`${'Я'.repeat(27)} (2)`);
    expect(names[14]).toBe('x'.repeat(30)); // the emoji's two halves are not cut apart
    expect(names[15]).toBe("=cmd|' _C calc'!A0"); // an apostrophe inside is allowed
    expect(names.slice(16)).toEqual(['contents', 'Contents (2)']);
  });

  it('keeps a plain name as it is, and takes the fallback for an empty one', () => {
    const used = new Set(['contents']);
    expect(sheetName('T1 sch.wide', used)).toBe('T1 sch.wide');
    expect(sheetName('Россия и ЕАЭС', used)).toBe('Россия и ЕАЭС');
    expect(sheetName('\u0001', used, 'Table')).toBe('Table');
    expect(used.has('t1 sch.wide')).toBe(true);
  });
});
