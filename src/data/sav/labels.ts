/**
 * Attaching value labels and long string missing values to the dictionary's variables: value
 * labels records (types 3 and 4, numeric and short string variables), long string value labels
 * (subtype 21) and long string missing values (subtype 22). Labels of long strings whose values
 * are wider than the variable (ReadStat writes them padded to a multiple of 8) are cut to the
 * variable's width.
 * @module
 */
import { savError, trimRight } from './bytes.js';
import type { LongStringLabels, LongStringMissing } from './extensions.js';
import { tooLarge } from './limits.js';
import type { ValueLabelRecord } from './records.js';
import type { DictVariable } from './variable.js';

/** How records refer to variables. */
export interface VariableLookup {
  /** The variable whose first record has this 1-based dictionary index. */
  byIndex(index: number): DictVariable | undefined;
  /** By long name, short name, or either regardless of case. */
  byName(name: string): DictVariable | undefined;
  /** Why no variable starts at this index (for errors). */
  whyNot(index: number): string;
}

/** What attaching needs besides the records. */
export interface LabelContext {
  readonly lookup: VariableLookup;
  /** Decodes bytes with the file's encoding (trailing spaces removed). */
  readonly dec: (b: Uint8Array) => string;
  readonly warn: (message: string) => void;
  readonly source: string;
  /** Most labels that may be attached in all (one per labelled variable); default no limit. */
  readonly maxValueLabels?: number;
}

/**
 * Adds value labels (types 3/4 and subtype 21) and long string missing values (subtype 22) to the
 * variables they name. A label's text is decoded once, whatever the number of variables it labels.
 *
 * @throws {DataFormatError} `BAD_DICTIONARY` when a type 4 record names a dictionary index where no
 * variable starts, or labels numeric and string variables together; `TOO_LARGE` when the labels
 * times the variables they label pass `maxValueLabels` (checked before any is attached).
 * @example
 * ```ts
 * const v = { name: 'sex', type: 'numeric', width: 0, numberLabels: [], stringLabels: [], missingStrings: [] };
 * const lookup = { byIndex: (i: number) => (i === 1 ? v : undefined), byName: () => undefined, whyNot: () => '' };
 * const label = (s: string) => new TextEncoder().encode(s);
 * const record = { offset: 0, indexOffset: 40, indexes: [1],
 *   labels: [{ raw: new Uint8Array(8), number: 1, label: label('Male') }] };
 * attachLabels([record], [], [], { lookup: lookup as never, dec: (b) => new TextDecoder().decode(b),
 *   warn: () => {}, source: 'x.sav' });
 * console.log(v.numberLabels); // => [ { value: 1, label: 'Male' } ]
 * ```
 */
export function attachLabels(
  records: readonly ValueLabelRecord[],
  longLabels: readonly LongStringLabels[],
  longMissing: readonly LongStringMissing[],
  ctx: LabelContext,
): void {
  const { lookup, dec, warn, source } = ctx;
  const limit = ctx.maxValueLabels ?? Infinity;
  let total = 0;
  for (const rec of records) total += rec.labels.length * rec.indexes.length;
  for (const l of longLabels) total += l.labels.length;
  if (total > limit) {
    const at = records.find((r) => r.labels.length * r.indexes.length > 0)?.offset ?? 0;
    throw tooLarge(
      source,
      at,
      'value labels (labels × the variables they label)',
      total,
      'maxValueLabels',
      limit,
    );
  }
  for (const rec of records) {
    const targets = rec.indexes.map((index, k) => {
      const v = lookup.byIndex(index);
      if (!v) {
        throw savError(
          'BAD_DICTIONARY',
          source,
          `value labels for dictionary index ${index}, which is ${lookup.whyNot(index)}`,
          rec.indexOffset + 8 + 4 * k,
        );
      }
      return v;
    });
    if (targets.length === 0) continue;
    const type = targets[0]!.type;
    if (targets.some((t) => t.type !== type)) {
      throw savError(
        'BAD_DICTIONARY',
        source,
        `one value labels record labels both numeric and string variables (${targets.map((t) => t.name).join(', ')})`,
        rec.indexOffset,
      );
    }
    const texts = rec.labels.map((l) => dec(l.label));
    for (const v of targets) {
      for (let k = 0; k < rec.labels.length; k++) {
        const l = rec.labels[k]!;
        const label = texts[k]!;
        if (type === 'numeric') v.numberLabels.push({ value: l.number, label });
        else {
          const bytes = trimRight(l.raw.subarray(0, Math.min(8, v.width)));
          v.stringLabels.push({ bytes, value: dec(bytes), label });
        }
      }
    }
  }
  for (const l of longLabels) {
    const v = lookup.byName(dec(l.name));
    if (v?.type !== 'string') {
      warn(
        `long string value labels (byte ${l.offset}) for unknown string variable "${dec(l.name)}"; ignored`,
      );
      continue;
    }
    for (const { value, label } of l.labels) {
      const bytes = trimRight(value.subarray(0, Math.min(value.length, v.width)));
      v.stringLabels.push({ bytes, value: dec(bytes), label: dec(label) });
    }
  }
  for (const m of longMissing) {
    const v = lookup.byName(dec(m.name));
    if (v?.type !== 'string') {
      warn(
        `long string missing values (byte ${m.offset}) for unknown string variable "${dec(m.name)}"; ignored`,
      );
      continue;
    }
    for (const b of m.values) v.missingStrings.push(dec(b));
  }
}
