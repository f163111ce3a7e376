/**
 * SPSS print and write formats, packed in variable records as `type << 16 | width << 8 | decimals`.
 * @module
 */

/** Format type codes and names (PSPP's documentation of the system file format). */
const FORMATS: Record<number, string> = {
  1: 'A',
  2: 'AHEX',
  3: 'COMMA',
  4: 'DOLLAR',
  5: 'F',
  6: 'IB',
  7: 'PIBHEX',
  8: 'P',
  9: 'PIB',
  10: 'PK',
  11: 'RB',
  12: 'RBHEX',
  15: 'Z',
  16: 'N',
  17: 'E',
  20: 'DATE',
  21: 'TIME',
  22: 'DATETIME',
  23: 'ADATE',
  24: 'JDATE',
  25: 'DTIME',
  26: 'WKDAY',
  27: 'MONTH',
  28: 'MOYR',
  29: 'QYR',
  30: 'WKYR',
  31: 'PCT',
  32: 'DOT',
  33: 'CCA',
  34: 'CCB',
  35: 'CCC',
  36: 'CCD',
  37: 'CCE',
  38: 'EDATE',
  39: 'SDATE',
  40: 'MTIME',
  41: 'YMDHMS',
};

/** Formats whose value is a date or a date-time (seconds since 14 October 1582). */
const DATE_TYPES = new Set([20, 22, 23, 24, 28, 29, 30, 38, 39, 41]);

/** Formats written without decimals (strings, dates, times, month and weekday names). */
const NO_DECIMALS = new Set([1, 2, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 38, 39, 40, 41]);

/**
 * The format as SPSS syntax writes it (`F8.2`, `A20`, `DATE11`, `DATETIME20`); an unknown type
 * code gives `?<code>`.
 * @example
 * ```ts
 * console.log(formatName(0x050802), formatName(0x011400), formatName(0x140b00)); // => F8.2 A20 DATE11
 * ```
 */
export function formatName(packed: number): string {
  const type = (packed >>> 16) & 0xff;
  const width = (packed >>> 8) & 0xff;
  const decimals = packed & 0xff;
  const name = FORMATS[type] ?? `?${type}`;
  if (NO_DECIMALS.has(type) && decimals === 0) return `${name}${width}`;
  return `${name}${width}.${decimals}`;
}

/**
 * Whether the packed format shows a date or a date-time.
 * @example
 * ```ts
 * console.log(isDateFormat(0x140b00), isDateFormat(0x050802)); // => true false
 * ```
 */
export function isDateFormat(packed: number): boolean {
  return DATE_TYPES.has((packed >>> 16) & 0xff);
}
