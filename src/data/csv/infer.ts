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
 * (blank, `Infinity`, `NaN`, hexadecimal `0x1A`, binary/octal `0b1`/`0o7`, `1,5`, `1_000`) gives
 * `NaN`, and so does a number that would read as another kind of value (see
 * {@link numberProblem}: beyond ±1.8e308, nonzero digits that would read as 0, an integer part
 * beyond 2^53 − 1 written out): such a cell is text, never a silently different number. Other
 * decimals are rounded to the nearest double, as every reader does (`0.1`; a subnormal such as
 * `5e-324` with the precision it has). Uses `Number()`, so it is fast and exact.
 *
 * @example
 * ```ts
 * console.log(parseNumber(' 1.5 '), parseNumber('1e-3'), parseNumber('0x10'), parseNumber(''));
 * // => 1.5 0.001 NaN NaN
 * console.log(parseNumber('9007199254740993'), parseNumber('1e309'), parseNumber('1e-400'), parseNumber('-0'));
 * // => NaN NaN NaN -0
 * console.log(parseNumber('9.007199254740993e15'), parseNumber('5e-324')); // => 9007199254740992 5e-324
 * ```
 */
export function parseNumber(s: string): number {
  const v = looseNumber(s);
  if (Number.isNaN(v)) return v;
  // only very large and zero values need a closer look
  const a = Math.abs(v);
  if ((a > Number.MAX_SAFE_INTEGER || a === 0) && numberProblem(s) !== null) return Number.NaN;
  return v;
}

/**
 * A cell in decimal notation read by `Number()` as it rounds it, whatever its size (`NaN` when
 * not decimal notation or beyond the range of a double); for ordering levels and telling
 * number-like text, not for reading values (that is {@link parseNumber}).
 * @example
 * ```ts
 * console.log(looseNumber('9007199254740993'), looseNumber('1e-400'), looseNumber('1e309')); // => 9007199254740992 0 NaN
 * ```
 */
export function looseNumber(s: string): number {
  if (s === '') return Number.NaN;
  const v = Number(s);
  if (v - v !== 0) return Number.NaN; // NaN and ±Infinity
  if (v === 0 && s.trim() === '') return Number.NaN;
  if (hasRadixPrefix(s)) return Number.NaN;
  return v;
}

/**
 * Why a cell written as a decimal number is not read as one, or `null` when it is read (or is not
 * written as a number at all): beyond the range of a double (it would be ±Infinity); nonzero
 * digits too small for a double (it would be 0); an integer part beyond 2^53 − 1 written out in
 * digits (a double cannot tell such integers apart: `9007199254740993` would read as
 * `9007199254740992`, merging two ids; written in exponent notation, `9.007199254740993e15`, it
 * is a measurement and reads as the nearest double).
 * @example
 * ```ts
 * console.log(numberProblem('12'), numberProblem('abc'), numberProblem('-1e999'));
 * // => null null beyond the range of a double (±1.8e308)
 * console.log(numberProblem('9007199254740993'));
 * // => an integer beyond 2^53 − 1 (9007199254740991), which a double cannot hold exactly
 * ```
 */
export function numberProblem(s: string): string | null {
  if (s === '' || hasRadixPrefix(s)) return null;
  const v = Number(s);
  if (Number.isNaN(v) || (v === 0 && s.trim() === '')) return null;
  const t = s.trim();
  if (!Number.isFinite(v)) {
    return /[Ii]/.test(t) ? null : 'beyond the range of a double (±1.8e308)';
  }
  const e = t.search(/[eE]/);
  const mantissa = e === -1 ? t : t.slice(0, e);
  if (v === 0) return /[1-9]/.test(mantissa) ? 'too small for a double (it would read as 0)' : null;
  if (e === -1) {
    const digits = mantissa.replace(/^[+-]?0*/, '').split('.')[0]!;
    const max = String(Number.MAX_SAFE_INTEGER);
    if (digits.length > max.length || (digits.length === max.length && digits > max)) {
      return `an integer beyond 2^53 − 1 (${max}), which a double cannot hold exactly`;
    }
  }
  return null;
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
    const v = looseNumber(s);
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
