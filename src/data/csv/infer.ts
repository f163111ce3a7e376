/**
 * Cell-level rules of the CSV loader: what counts as a number, what counts as blank, and the
 * order of inferred categorical levels.
 * @module
 */

/**
 * Whether a cell is blank (empty or whitespace only); blank cells are read as missing.
 * @example
 * ```ts
 * console.log(isBlank('  '), isBlank(' 0 ')); // => true false
 * ```
 */
export function isBlank(s: string): boolean {
  return s === '' || s.trim() === '';
}

/**
 * Reads a cell as a number in plain decimal notation: optional sign, digits with an optional
 * decimal point, optional exponent (`1e-3`), surrounding whitespace allowed. Anything else
 * (blank, `Infinity`, `NaN`, hexadecimal `0x1A`, binary/octal `0b1`/`0o7`, `1,5`, `1_000`,
 * numbers that overflow to infinity) gives `NaN`. Uses `Number()`, so it is fast and exact.
 *
 * @example
 * ```ts
 * console.log(parseNumber(' 1.5 '), parseNumber('1e-3'), parseNumber('0x10'), parseNumber(''));
 * // => 1.5 0.001 NaN NaN
 * ```
 */
export function parseNumber(s: string): number {
  if (s === '') return Number.NaN;
  const v = Number(s);
  if (v - v !== 0) return Number.NaN; // NaN and ±Infinity
  if (v === 0 && s.trim() === '') return Number.NaN;
  if (hasRadixPrefix(s)) return Number.NaN;
  return v;
}

/**
 * Whether a string `Number()` accepted is a radix literal (`0x1A`, `0o7`, `0b1`), which is not
 * plain decimal notation. `Number()` allows no sign before those, so `0` then x/o/b is the test.
 *
 * @example
 * ```ts
 * console.log(hasRadixPrefix('0x1A'), hasRadixPrefix(' 0b1'), hasRadixPrefix('0.5')); // => true true false
 * ```
 */
export function hasRadixPrefix(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c <= 32 || c > 127) {
    const t = s.trimStart();
    return t.length > 2 && t.charCodeAt(0) === 48 && isRadixLetter(t.charCodeAt(1));
  }
  return c === 48 && s.length > 2 && isRadixLetter(s.charCodeAt(1));
}

function isRadixLetter(c: number): boolean {
  const l = c | 0x20;
  return l === 120 /* x */ || l === 111 /* o */ || l === 98 /* b */;
}

const collator = new Intl.Collator('en');

/**
 * The order of inferred categorical levels (no codebook): values that read as numbers first, in
 * numeric order (`'2'` before `'10'`), then the others in English collation order (`Intl.Collator('en')`,
 * which sorts Cyrillic and other scripts alphabetically too), ties broken by code units so the order
 * is total and stable. R sorts factor levels alphabetically; the numeric-first rule keeps codes
 * such as `1..10` in their natural order.
 *
 * @example
 * ```ts
 * console.log(sortLevels(['b', '10', 'DK', '2', 'a']));
 * // => [ '2', '10', 'a', 'b', 'DK' ]
 * ```
 */
export function sortLevels(values: readonly string[]): string[] {
  const nums: Array<{ s: string; v: number }> = [];
  const others: string[] = [];
  for (const s of values) {
    const v = parseNumber(s);
    if (Number.isNaN(v)) others.push(s);
    else nums.push({ s, v });
  }
  nums.sort((a, b) => a.v - b.v || codeUnitCompare(a.s, b.s));
  others.sort((a, b) => collator.compare(a, b) || codeUnitCompare(a, b));
  return [...nums.map((n) => n.s), ...others];
}

function codeUnitCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `na` option of the CSV readers, compiled: the texts read as missing. */
export interface NaTexts {
  /** The texts, trimmed, without blanks and repeats, in the option's order. */
  readonly texts: readonly string[];
  /** Whether a trimmed cell is one of the texts. */
  has(trimmed: string): boolean;
  /** The texts that read as numbers, as numbers (a numeric column checks its numbers against them). */
  readonly numbers: ReadonlySet<number>;
}

/**
 * Compiles the `na` option: entries are trimmed (cells are matched after trimming); blank
 * entries add nothing, since blank cells are always missing.
 *
 * @example
 * ```ts
 * const na = naTexts(['', 'NA', ' -9 ']);
 * console.log(na.texts, na.has('NA'), na.has('na'), [...na.numbers]); // => [ 'NA', '-9' ] true false [ -9 ]
 * ```
 */
export function naTexts(list: readonly string[]): NaTexts {
  const set = new Set<string>();
  for (const s of list) {
    const t = s.trim();
    if (t !== '') set.add(t);
  }
  const texts = [...set];
  const numbers = new Set<number>();
  for (const t of texts) {
    const v = parseNumber(t);
    if (!Number.isNaN(v)) numbers.add(v);
  }
  return { texts, has: (t) => set.has(t), numbers };
}
