/**
 * Builds the dictionary of an SPSS system file from its raw records: variables (very long strings
 * joined from their 255-byte segments, long names, labels, formats, missing values, value labels,
 * measurement levels), the weight variable, multiple response sets and the file's text facts, all
 * decoded with the file's encoding. Inconsistencies that make the data unreadable are
 * `BAD_DICTIONARY` errors with the offset of the offending record; harmless ones become warnings.
 * @module
 */
import { savError } from './bytes.js';
import { parseExtensions } from './extensions.js';
import type { SavHeader } from './header.js';
import { attachLabels, type VariableLookup } from './labels.js';
import { DEFAULT_SAV_LIMITS, type SavLimits } from './limits.js';
import { resolveMrSets } from './mrsets.js';
import type { RawDictionary, VariableRecord } from './records.js';
import { badText, decodeTrimmed, type ResolvedEncoding, resolveEncoding } from './text.js';
import type { SavMeasure, SavMultipleResponseSet } from './types.js';
import type { DictVariable, Segment } from './variable.js';

/** The decoded dictionary. */
export interface SavDictionary {
  readonly variables: DictVariable[];
  /** 8-byte units per case. */
  readonly caseUnits: number;
  readonly encoding: ResolvedEncoding;
  readonly weight: string | null;
  /** Declared number of cases, -1 when unknown. */
  readonly ncases: number;
  readonly sysmis: number;
  readonly product: string;
  readonly created: string;
  readonly fileLabel: string;
  readonly documents: string[];
  readonly mrsets: SavMultipleResponseSet[];
  readonly warnings: string[];
}

/** The largest finite double: SPSS's HIGHEST, and its negative the system-missing value. */
const DBL_MAX = Number.MAX_VALUE;

/**
 * Builds the dictionary from the header and raw records.
 *
 * @throws {DataFormatError} `BAD_DICTIONARY` (continuation records, segments, value label indexes), `BAD_HEADER` (weight index), `UNSUPPORTED_SAV` (non-IEEE floating point),
 * `UNKNOWN_ENCODING` (the `encoding` option).
 * @example
 * ```ts
 * const text = (s: string) => new TextEncoder().encode(s);
 * const name = (s: string) => text(s.padEnd(8));
 * const v = (type: number, n: string) => ({ offset: 0, type, name: text(n), label: null, nMissing: 0,
 *   missingNumbers: [], missingBytes: [], print: 0x050802, write: 0x050802 });
 * const header = { littleEndian: true, nominalCaseSize: 3, weightIndex: 0, ncases: -1, product: name(''),
 *   creationDate: name(''), creationTime: name(''), fileLabel: name('') };
 * const raw = { variables: [v(0, 'AGE'), v(12, 'CITY'), v(-1, '')], valueLabels: [], documents: [],
 *   extensions: [], dataOffset: 0 };
 * const dict = buildDictionary(new Uint8Array(0), header as never, raw, undefined, 'x.sav');
 * console.log(dict.caseUnits, dict.variables.map((x) => `${x.name}:${x.type}${x.width}@${x.unit}`));
 * // => 3 [ 'AGE:numeric0@0', 'CITY:string12@1' ]
 * ```
 */
export function buildDictionary(
  file: Uint8Array,
  header: SavHeader,
  raw: RawDictionary,
  encodingOption: string | undefined,
  source: string,
  limits: Pick<SavLimits, 'maxValueLabels'> = DEFAULT_SAV_LIMITS,
): SavDictionary {
  const warnings: string[] = [];
  const warn = (m: string): void => {
    if (warnings.length < 100) warnings.push(m);
  };
  const declared = raw.valueLabels.reduce((s, r) => s + r.labels.length, 0);
  const labelBudget = { left: limits.maxValueLabels - declared, limit: limits.maxValueLabels };
  const ext = parseExtensions(file, raw.extensions, header.littleEndian, source, warn, labelBudget);
  if (ext.integerInfo && ext.integerInfo.floatingPoint !== 1) {
    const rec = raw.extensions.find((e) => e.subtype === 3)!;
    throw savError(
      'UNSUPPORTED_SAV',
      source,
      `floating-point format ${ext.integerInfo.floatingPoint} (IBM 370 or VAX); only IEEE 754 is supported`,
      rec.dataOffset + 16,
    );
  }

  // ---- variable records: one per 8-byte unit, continuation records (-1) after long strings
  const records = raw.variables;
  type Slot = { rec: VariableRecord; index: number; width: number };
  const slots: Slot[] = [];
  for (let i = 0; i < records.length; ) {
    const rec = records[i]!;
    if (rec.type === -1) {
      throw savError(
        'BAD_DICTIONARY',
        source,
        `variable record ${i + 1} continues a long string, but no string variable needs it`,
        rec.offset,
      );
    }
    const units = rec.type === 0 ? 1 : Math.ceil(rec.type / 8);
    for (let k = 1; k < units; k++) {
      const cont = records[i + k];
      if (!cont || cont.type !== -1) {
        throw savError(
          'BAD_DICTIONARY',
          source,
          `string variable record ${i + 1} (width ${rec.type}) needs ${units - 1} continuation records, found ${k - 1}`,
          cont ? cont.offset : rec.offset,
        );
      }
    }
    slots.push({ rec, index: i + 1, width: rec.type });
    i += units;
  }
  const caseUnits = records.length;
  if (header.nominalCaseSize !== -1 && header.nominalCaseSize !== caseUnits) {
    // PSPP warns too: the variable records, not the header, say how cases are laid out
    warn(
      `the file header declares ${header.nominalCaseSize} 8-byte units per case, but the variable records make ${caseUnits}; the variable records are used`,
    );
  }

  // ---- encoding, guessed (if the file does not say) from all the dictionary's text
  const sample: Uint8Array[] = [];
  for (const s of slots) {
    sample.push(s.rec.name);
    if (s.rec.label) sample.push(s.rec.label);
    if (s.rec.type > 0) sample.push(...s.rec.missingBytes);
  }
  for (const vl of raw.valueLabels) {
    const labelsStrings = (records[(vl.indexes[0] ?? 0) - 1]?.type ?? 0) > 0;
    for (const l of vl.labels) {
      sample.push(l.label);
      if (labelsStrings) sample.push(l.raw);
    }
  }
  for (const l of ext.longStringLabels) {
    sample.push(l.name);
    for (const x of l.labels) sample.push(x.value, x.label);
  }
  for (const m of ext.longStringMissing) sample.push(m.name, ...m.values);
  if (ext.longNames) sample.push(ext.longNames);
  if (ext.veryLongStrings) sample.push(ext.veryLongStrings);
  const encoding = resolveEncoding(
    { option: encodingOption, record: ext.encoding, characterCode: ext.integerInfo?.characterCode },
    sample,
    warn,
    source,
  );
  let cuts = 0;
  const dec = (b: Uint8Array): string => {
    const text = decodeTrimmed(encoding.decoder, b, () => cuts++);
    if (text === null) {
      const at = b.buffer === file.buffer ? b.byteOffset - file.byteOffset : 0;
      throw badText(source, at, encoding, b, 'a text of the dictionary (a name, label or value)');
    }
    return text;
  };

  // ---- very long strings: a variable and the segments that follow it
  const vls = new Map<string, number>();
  if (ext.veryLongStrings) {
    for (const entry of dec(ext.veryLongStrings).split('\t')) {
      const e = entry.replace(/\0/g, '').trim();
      if (e === '') continue;
      const eq = e.indexOf('=');
      const width = Number(e.slice(eq + 1));
      if (eq <= 0 || !Number.isInteger(width) || width < 1 || width > 32767) {
        warn(`very long string record entry ${JSON.stringify(e)} is not NAME=WIDTH; ignored`);
        continue;
      }
      vls.set(e.slice(0, eq).toUpperCase(), width);
    }
  }

  const sysmis = ext.floatInfo?.sysmis ?? -DBL_MAX;
  const highest = ext.floatInfo?.highest ?? DBL_MAX;
  const lowest = ext.floatInfo?.lowest ?? -DBL_MAX;

  const variables: DictVariable[] = [];
  const byIndex = new Map<number, DictVariable>();
  /** Dictionary index of every segment that continues a very long string. */
  const segmentIndexes = new Set<number>();
  for (let s = 0; s < slots.length; s++) {
    const slot = slots[s]!;
    const rec = slot.rec;
    const shortName = dec(rec.name);
    let width = slot.width;
    let units = width === 0 ? 1 : Math.ceil(width / 8);
    let segments: Segment[] = width === 0 ? [] : [{ offset: 0, used: width }];
    const long = width > 0 ? vls.get(shortName.toUpperCase()) : undefined;
    if (long !== undefined && long > 255) {
      const n = Math.ceil(long / 252);
      segments = [];
      units = 0;
      let capacity = 0;
      for (let k = 0; k < n; k++) {
        const seg = slots[s + k];
        if (!seg || seg.width <= 0 || (k < n - 1 && seg.width !== 255)) {
          throw savError(
            'BAD_DICTIONARY',
            source,
            `very long string "${shortName}" (width ${long}) needs ${n} string segments of width 255` +
              ` (the last narrower), but segment ${k + 1} is ${seg ? (seg.width === 0 ? 'numeric' : `of width ${seg.width}`) : 'missing'}`,
            (seg ?? slot).rec.offset,
          );
        }
        const used = k < n - 1 ? 255 : Math.min(seg.width, long - capacity);
        segments.push({ offset: units * 8, used });
        capacity += used;
        units += Math.ceil(seg.width / 8);
        if (k > 0) segmentIndexes.add(seg.index);
      }
      if (capacity < long) {
        throw savError(
          'BAD_DICTIONARY',
          source,
          `very long string "${shortName}" declares width ${long} but its segments hold ${capacity} bytes`,
          slot.rec.offset,
        );
      }
      width = long;
      s += n - 1;
    }
    const v: DictVariable = {
      name: shortName,
      shortName,
      type: slot.width === 0 ? 'numeric' : 'string',
      width,
      index: slot.index,
      unit: slot.index - 1,
      units,
      segments,
      label: rec.label ? dec(rec.label) || undefined : undefined,
      print: rec.print,
      write: rec.write,
      measure: 'unknown',
      missingNumbers: [],
      missingRange: undefined,
      missingStrings: [],
      numberLabels: [],
      stringLabels: [],
    };
    if (v.type === 'numeric') {
      const m = rec.missingNumbers;
      const bound = (x: number): number =>
        x <= lowest || x <= -DBL_MAX ? -Infinity : x >= highest || x >= DBL_MAX ? Infinity : x;
      if (rec.nMissing > 0) v.missingNumbers.push(...m);
      else if (rec.nMissing < 0) {
        v.missingRange = [bound(m[0]!), bound(m[1]!)];
        if (rec.nMissing === -3) v.missingNumbers.push(m[2]!);
      }
    } else {
      for (const b of rec.missingBytes) v.missingStrings.push(dec(b));
    }
    variables.push(v);
    byIndex.set(v.index, v);
  }

  // ---- long names
  const byShort = new Map<string, DictVariable>();
  for (const v of variables) byShort.set(v.shortName.toUpperCase(), v);
  if (ext.longNames) {
    for (const entry of dec(ext.longNames).split('\t')) {
      const eq = entry.indexOf('=');
      if (eq <= 0) {
        if (entry.trim() !== '') warn(`long name entry ${JSON.stringify(entry)} is not SHORT=LONG`);
        continue;
      }
      const v = byShort.get(entry.slice(0, eq).toUpperCase());
      const longName = entry.slice(eq + 1).replace(/\0/g, '');
      if (!v) warn(`long name ${JSON.stringify(entry)} names no variable; ignored`);
      else if (longName !== '') (v as { name: string }).name = longName;
    }
  }
  uniqueNames(variables, warn);
  const byName = new Map<string, DictVariable>();
  for (const v of variables) byName.set(v.name, v);
  const byAnyName = (n: string): DictVariable | undefined =>
    byName.get(n) ?? byShort.get(n.toUpperCase()) ?? caseless(variables, n);

  // ---- value labels (types 3 and 4, subtype 21) and long string missing values (subtype 22)
  const lookup: VariableLookup = {
    byIndex: (index) => byIndex.get(index),
    byName: byAnyName,
    whyNot: (index) =>
      index < 1 || index > caseUnits
        ? `outside 1..${caseUnits}`
        : segmentIndexes.has(index)
          ? 'a segment of a very long string'
          : 'a continuation of a long string',
  };
  attachLabels(raw.valueLabels, ext.longStringLabels, ext.longStringMissing, {
    lookup,
    dec,
    warn,
    source,
    maxValueLabels: limits.maxValueLabels,
  });

  // ---- measurement levels (subtype 11): per variable record except continuations, or per variable
  if (ext.display) applyDisplay(ext.display.values, slots.length, variables, slots, warn);

  // ---- weight
  let weight: string | null = null;
  if (header.weightIndex !== 0) {
    const v = byIndex.get(header.weightIndex);
    if (v?.type !== 'numeric') {
      throw savError(
        'BAD_HEADER',
        source,
        `the weight index ${header.weightIndex} does not point to a numeric variable`,
        76,
      );
    }
    weight = v.name;
  }

  const mrsets = resolveMrSets(ext.mrsets, byAnyName, dec, warn);

  const product = dec(header.product);
  const created = `${dec(header.creationDate)} ${dec(header.creationTime)}`.trim();
  const fileLabel = dec(header.fileLabel);
  const documents = raw.documents.map(dec);
  if (cuts > 0) {
    warn(
      `${cuts} ${cuts === 1 ? 'text ends' : 'texts end'} in a character cut off after its first bytes (SPSS cuts labels at a byte limit); the incomplete character is left out`,
    );
  }

  let ncases = header.ncases;
  if (ncases === -1 && ext.ncases64 !== undefined && ext.ncases64 >= 0) ncases = ext.ncases64;

  return {
    variables,
    caseUnits,
    encoding,
    weight,
    ncases,
    sysmis,
    product,
    created,
    fileLabel,
    documents,
    mrsets,
    warnings,
  };
}

function caseless(variables: readonly DictVariable[], name: string): DictVariable | undefined {
  const n = name.toUpperCase();
  return variables.find((v) => v.name.toUpperCase() === n);
}

/** Gives variables without a usable or unique name one (`V<index>`, `name_2`), with a warning. */
function uniqueNames(variables: DictVariable[], warn: (m: string) => void): void {
  const seen = new Set<string>();
  for (const v of variables) {
    let name = v.name;
    if (name === '') {
      name = `V${v.index}`;
      warn(`variable at dictionary index ${v.index} has no name; called ${name}`);
    }
    if (seen.has(name)) {
      let k = 2;
      while (seen.has(`${name}_${k}`)) k++;
      warn(`variable name "${name}" is used twice; the second is called "${name}_${k}"`);
      name = `${name}_${k}`;
    }
    seen.add(name);
    (v as { name: string }).name = name;
  }
}

const MEASURES: readonly SavMeasure[] = ['unknown', 'nominal', 'ordinal', 'scale'];

function applyDisplay(
  values: Int32Array,
  nSlots: number,
  variables: DictVariable[],
  slots: ReadonlyArray<{ index: number }>,
  warn: (m: string) => void,
): void {
  // One entry per variable record that is not a continuation (very long string segments count),
  // or, from some writers, one per variable; 3 values each (measure, width, alignment) or 2.
  let per = 0;
  let perSlot = true;
  for (const k of [3, 2]) {
    if (values.length === nSlots * k) {
      per = k;
      break;
    }
    if (values.length === variables.length * k) {
      per = k;
      perSlot = false;
      break;
    }
  }
  if (per === 0) {
    warn(
      `variable display record has ${values.length} values for ${variables.length} variables; measurement levels ignored`,
    );
    return;
  }
  const levelAt = (k: number): SavMeasure => {
    const m = values[k * per]!;
    return MEASURES[m] ?? 'unknown';
  };
  if (!perSlot) {
    variables.forEach((v, k) => {
      v.measure = levelAt(k);
    });
    return;
  }
  const slotOf = new Map<number, number>();
  slots.forEach((s, k) => {
    slotOf.set(s.index, k);
  });
  for (const v of variables) v.measure = levelAt(slotOf.get(v.index)!);
}
