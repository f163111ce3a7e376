/**
 * The limits of the SPSS reader: what a file may make it allocate or inflate, checked against
 * the sizes the file declares before anything is allocated from them. A file beyond a limit is a
 * `TOO_LARGE` error naming the limit, the value and the option that raises it.
 * @module
 */
import { DataFormatError } from '../../errors.js';
import { savError } from './bytes.js';

/** The limits (the options of `parseSav` of the same names). */
export interface SavLimits {
  /** Variables (columns). */
  readonly maxColumns: number;
  /** Bytes the columns may take while they are read. */
  readonly maxDataBytes: number;
  /** Bytes the ZLIB blocks of a `.zsav` may inflate to, in all. */
  readonly maxInflatedBytes: number;
  /** Value labels, counted once per variable they label. */
  readonly maxValueLabels: number;
}

/** The limits used when the options are not given. */
export const DEFAULT_SAV_LIMITS: SavLimits = {
  maxColumns: 50_000,
  maxDataBytes: 2 ** 31,
  maxInflatedBytes: 2 ** 29,
  maxValueLabels: 5_000_000,
};

/**
 * The limits, from the options (each a positive integer; `Infinity` lifts a limit).
 *
 * @throws {DataFormatError} `INVALID_OPTION`.
 * @example
 * ```ts
 * console.log(savLimits({ maxColumns: 10 }).maxColumns, savLimits({}).maxValueLabels); // => 10 5000000
 * ```
 */
export function savLimits(opts: Partial<Record<keyof SavLimits, unknown>>): SavLimits {
  const out: Record<string, number> = { ...DEFAULT_SAV_LIMITS };
  for (const key of Object.keys(DEFAULT_SAV_LIMITS) as Array<keyof SavLimits>) {
    const v = opts[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 1) || (!Number.isInteger(v) && v !== Infinity)) {
      throw new DataFormatError(
        'INVALID_OPTION',
        `${key} must be a positive integer (or Infinity), got ${String(v)}`,
        { option: key, value: v },
      );
    }
    out[key] = v;
  }
  return out as unknown as SavLimits;
}

/**
 * The `TOO_LARGE` error: the file declares (or would make) `value` of `what`, more than the
 * limit `option` allows.
 * @example
 * ```ts
 * const e = tooLarge('big.zsav', 80, 'inflated bytes', 9e9, 'maxInflatedBytes', 4294967296);
 * console.log(e.code, e.details.option); // => TOO_LARGE maxInflatedBytes
 * ```
 */
export function tooLarge(
  source: string,
  offset: number,
  what: string,
  value: number,
  option: keyof SavLimits,
  limit: number,
): DataFormatError {
  const n = (x: number) => x.toLocaleString('en-US');
  return savError(
    'TOO_LARGE',
    source,
    `the file would need ${n(value)} ${what}, more than the ${option} limit of ${n(limit)}; ` +
      `if the file is trusted, raise it with { ${option}: n }`,
    offset,
    { value, limit, option },
  );
}
