/**
 * Excel sheet names from any text (a question id, a variable name): Excel refuses a workbook
 * whose sheet names break its rules, and the rules are not XML's, so a name is made to follow
 * them before the workbook is written.
 * @module
 */

/** Characters Excel refuses in a sheet name. */
const NOT_EXCEL = /[[\]:*?/\\]/g;
/** Control characters (C0, DEL, C1): no visible form; a tab or line break would split the name. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** What XML 1.0 cannot hold once the controls are gone: lone surrogates, U+FFFE, U+FFFF. */
const NOT_XML = /[^\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** Longest sheet name, in UTF-16 code units (Excel's count). */
const MAX = 31;
/** Names Excel keeps for itself (compared without case). */
const RESERVED = ['history'];

/** The first `n` code units of `s`, not cutting a surrogate pair in two. */
function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  const c = s.charCodeAt(n - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? n - 1 : n);
}

/** `s` without spaces and apostrophes at either end (Excel refuses a name that starts or ends with `'`). */
function strip(s: string): string {
  return s.replace(/^[\s']+|[\s']+$/g, '');
}

/**
 * A sheet name Excel accepts, made from `text`, and not yet in `used` (lower-cased names already
 * taken, which it is added to): `[ ] : * ? / \` become `_`, control characters spaces (runs of
 * spaces one), characters XML cannot hold are removed, spaces and apostrophes at either end
 * dropped, the name cut to 31 characters (never inside a surrogate pair); an empty result is
 * `fallback`. A name already taken, compared without case (as Excel compares them), or Excel's
 * reserved `History`, gets ` (2)`, ` (3)`, … within the 31 characters.
 * @param text - Any text.
 * @param used - The names taken so far, lower-cased; the new name is added.
 * @param fallback - The name for a text with nothing left (default `Sheet`).
 * @example
 * ```ts
 * const used = new Set<string>();
 * console.log(sheetName('a/b:c*?[x]', used), sheetName("'History'", used), sheetName('A/B:C*?[X]', used)); // => a_b_c___x_ History (2) A_B_C___X_ (2)
 * ```
 */
export function sheetName(text: string, used: Set<string>, fallback = 'Sheet'): string {
  const clean = text
    .replace(CONTROL, ' ')
    .replace(NOT_XML, '')
    .replace(NOT_EXCEL, '_')
    .replace(/\s+/g, ' ');
  const base = strip(cut(strip(clean), MAX)) || fallback;
  const taken = (name: string) =>
    used.has(name.toLowerCase()) || RESERVED.includes(name.toLowerCase());
  let name = base;
  for (let k = 2; taken(name); k++) {
    const suffix = ` (${k})`;
    name = strip(cut(base, MAX - suffix.length)) + suffix;
  }
  used.add(name.toLowerCase());
  return name;
}
