/**
 * Turning the raw columns of an SPSS file into surveykit columns and a codebook, by the same rules
 * as the CSV loader reading the same data with that codebook (`parseCsv(text, { codebook })`).
 *
 * **Numeric variables** stay numeric (`NaN` for missing) unless they are read as categorical: a
 * numeric variable is **categorical** when it has at least one value label on a code that is not
 * user-missing, and either every valid value in the data has a label, or its measurement level is
 * nominal or ordinal and at most {@link MAX_UNLABELLED_LEVELS} distinct valid values lack a label.
 * A categorical variable's codebook `values` are its codes in ascending order, each with its label,
 * or the code itself (`'7'`) when it has none; its levels are those labels, user-missing codes
 * left out and codes sharing a label merged (as `variableRules` in `csv/codebook-check.ts`).
 *
 * **String variables** are always categorical. Without value labels, their levels are the
 * distinct values (trailing and leading spaces removed) sorted as the CSV loader sorts inferred
 * levels (`sortLevels`); with value labels, `values` lists every labelled or occurring value in
 * that order, labelled with its label or itself.
 *
 * **Missing.** System-missing numbers and blank strings count as `empty` in `load.missing`;
 * user-missing values become missing too and are counted per value in `missingCodes` (keyed as the
 * codebook `missing` list writes them). The codebook `missing` list holds the discrete missing
 * values and, for a range, every value in it that occurs in the data or has a label (the codebook
 * has no ranges; `data.sav.variables[].missing` keeps the exact range). Labels of missing codes
 * stay in `values`.
 *
 * **PSPP's string value labels.** PSPP (1.6 at least) writes the values of string value labels in
 * UTF-8 even when the dictionary uses another encoding. When such values, decoded with the file's
 * encoding, match fewer of the variable's values than when decoded as UTF-8, they are decoded as
 * UTF-8 and a warning says so.
 * @module
 */
import type { CodebookVariable } from '../codebook.js';
import { type VariableRules, variableRules } from '../csv/codebook-check.js';
import { sortLevels } from '../csv/infer.js';
import type { Column, MissingCount } from '../types.js';
import type { RawColumns } from './data.js';
import type { SavDictionary } from './dictionary.js';
import { formatName, isDateFormat } from './format.js';
import type { WordDict } from './strings.js';
import { badText, decodeTrimmed, type ResolvedEncoding } from './text.js';
import type { SavVariable } from './types.js';
import type { DictVariable } from './variable.js';

/** Most distinct unlabelled values a nominal or ordinal numeric variable may have and be categorical. */
export const MAX_UNLABELLED_LEVELS = 1000;

/** One finished variable. */
export interface BuiltVariable {
  readonly column: Column;
  readonly codebook: CodebookVariable;
  readonly info: SavVariable;
  readonly missing: MissingCount | null;
}

/** Integer codes in [0, DENSE) are looked up in arrays, other numbers in maps. */
const DENSE = 4096;

/** A map from numbers to small integers with a fast path for non-negative integer codes. */
class NumberTable {
  private readonly dense = new Int32Array(DENSE).fill(NONE);
  private readonly map = new Map<number, number>();
  get(x: number): number {
    if (x >= 0 && x < DENSE && Math.floor(x) === x) return this.dense[x]!;
    return this.map.get(x) ?? NONE;
  }
  set(x: number, v: number): void {
    if (x >= 0 && x < DENSE && Math.floor(x) === x) this.dense[x] = v;
    else this.map.set(x, v);
  }
}
const NONE = -1_000_000_000;

/**
 * Builds one column with its codebook entry and SPSS facts (see the module notes for the rules).
 *
 * @example
 * ```ts
 * const v = { name: 'sex', shortName: 'SEX', type: 'numeric', width: 0, label: 'Sex', print: 0x050100,
 *   write: 0x050100, measure: 'scale', missingNumbers: [9], missingRange: undefined, missingStrings: [],
 *   numberLabels: [{ value: 2, label: 'Female' }, { value: 1, label: 'Male' }, { value: 9, label: 'Refused' }],
 *   stringLabels: [] };
 * const dict = { sysmis: -Number.MAX_VALUE, encoding: { name: 'utf-8', decoder: new TextDecoder() } };
 * const raw = { kind: 'numeric', values: new Float64Array([1, 2, 9, NaN, 2]) };
 * const b = buildVariable(v as never, raw as never, dict as never, () => {});
 * console.log(b.column.kind, b.column.levels, b.column.codes); // => categorical [ 'Male', 'Female' ] Int32Array(5) [ 0, 1, -1, -1, 1 ]
 * console.log(b.missing); // => { column: 'sex', empty: 1, missingCodes: { '9': 1 } }
 * ```
 */
export function buildVariable(
  v: DictVariable,
  raw: RawColumns['columns'][number],
  dict: Pick<SavDictionary, 'sysmis' | 'encoding'>,
  warn: (message: string) => void,
  texts?: readonly string[],
): BuiltVariable {
  if (raw.kind === 'numeric') return buildNumeric(v, raw.values, raw.empty, dict.sysmis);
  if (raw.kind === 'coded') return buildCoded(v, raw.codes, raw.bias, dict.sysmis, raw.counts);
  let decoded = texts;
  if (decoded === undefined) {
    const r = stringTexts(v, raw.dict, dict.encoding);
    if ('bad' in r) throw badText('<bytes>', 0, dict.encoding, r.bad, `a value of "${v.name}"`);
    decoded = r.texts;
  }
  return buildString(v, raw.ids, raw.dict, decoded, dict, warn);
}

/**
 * The texts of a string variable's distinct values (ids of its {@link WordDict}), decoded with
 * the file's encoding; or the bytes of the first value that is not valid text in it, and how
 * many values end in a character cut off (dropped, see `decodeTrimmed`).
 * @example
 * ```ts
 * const v = { width: 8, segments: [{ offset: 0, used: 8 }] } as never;
 * const dict = (...values: number[][]) =>
 *   ({ size: values.length, bytes: (id: number) => new Uint8Array(values[id]!) }) as never;
 * const utf8 = { decoder: new TextDecoder('utf-8', { fatal: true }) } as never;
 * console.log(stringTexts(v, dict([0xd0, 0x9c, 32, 32]), utf8)); // => { texts: [ 'М' ], cuts: 0 }
 * console.log(stringTexts(v, dict([0xcc, 0xee, 0xf1]), utf8)); // => { bad: Uint8Array(3) [ 204, 238, 241 ] }
 * ```
 */
export function stringTexts(
  v: DictVariable,
  dict: WordDict,
  encoding: ResolvedEncoding,
): { texts: string[]; cuts: number } | { bad: Uint8Array } {
  const texts: string[] = [];
  let cuts = 0;
  const cut = () => {
    cuts++;
  };
  for (let id = 0; id < dict.size; id++) {
    const bytes = valueBytes(v, dict, id);
    const t = decodeTrimmed(encoding.decoder, bytes, cut);
    if (t === null) return { bad: bytes };
    texts.push(t);
  }
  return { texts, cuts };
}

function info(
  v: DictVariable,
  valueLabels: SavVariable['valueLabels'],
): Omit<SavVariable, 'missing'> & { missing?: SavVariable['missing'] } {
  const out: Omit<SavVariable, 'missing'> & { missing?: SavVariable['missing'] } = {
    name: v.name,
    shortName: v.shortName,
    type: v.type,
    width: v.width,
    ...(v.label !== undefined ? { label: v.label } : {}),
    // very long strings: the record holds the first segment's format (A255)
    format: v.width > 255 ? `A${v.width}` : formatName(v.print),
    writeFormat: v.width > 255 ? `A${v.width}` : formatName(v.write),
    isDate: v.type === 'numeric' && isDateFormat(v.print),
    measure: v.measure,
    valueLabels,
  };
  const hasMissing =
    v.missingNumbers.length > 0 || v.missingRange !== undefined || v.missingStrings.length > 0;
  if (hasMissing) {
    out.missing = {
      values: v.type === 'numeric' ? [...v.missingNumbers] : [...v.missingStrings],
      ...(v.missingRange ? { range: v.missingRange } : {}),
    };
  }
  return out;
}

function codebookEntry(
  v: DictVariable,
  type: 'numeric' | 'categorical',
  values: Array<{ code: number | string; label: string }>,
  missing: Array<number | string>,
): CodebookVariable {
  return {
    name: v.name,
    type,
    ...(v.label !== undefined ? { label: v.label } : {}),
    ...(values.length > 0 ? { values } : {}),
    ...(missing.length > 0 ? { missing } : {}),
  };
}

/** What decides how a numeric variable is read: its missing values and its value labels. */
interface NumericFacts {
  readonly discrete: readonly number[];
  readonly hasMissing: boolean;
  isMissing(x: number): boolean;
  /** First label of each labelled code (empty labels read as the code). */
  readonly labelOf: ReadonlyMap<number, string>;
  /** The labelled codes, ascending. */
  readonly labelled: readonly number[];
  readonly valueLabels: ReadonlyArray<{ value: number; label: string }>;
  /** Nominal or ordinal. */
  readonly ordinalish: boolean;
  /** Whether it may be categorical: a label on a code that is not user-missing. */
  readonly labelsValid: boolean;
}

function numericFacts(v: DictVariable, sysmis: number): NumericFacts {
  const discrete = v.missingNumbers;
  const range = v.missingRange;
  const lo = range ? range[0] : Number.NaN;
  const hi = range ? range[1] : Number.NaN;
  const m0 = discrete[0] ?? Number.NaN;
  const m1 = discrete[1] ?? Number.NaN;
  const m2 = discrete[2] ?? Number.NaN;
  const isMissing = (x: number): boolean =>
    x === m0 || x === m1 || x === m2 || (x >= lo && x <= hi);

  // value labels: first label of each code, in code order; empty labels read as the code
  const labelOf = new Map<number, string>();
  for (const l of v.numberLabels) {
    if (Number.isNaN(l.value) || l.value === sysmis || labelOf.has(l.value)) continue;
    labelOf.set(l.value, l.label === '' ? String(l.value) : l.label);
  }
  const labelled = [...labelOf.keys()].sort((a, b) => a - b);
  return {
    discrete,
    hasMissing: discrete.length > 0 || range !== undefined,
    isMissing,
    labelOf,
    labelled,
    valueLabels: labelled.map((x) => ({ value: x, label: labelOf.get(x)! })),
    ordinalish: v.measure === 'nominal' || v.measure === 'ordinal',
    labelsValid: labelled.some((x) => !isMissing(x)),
  };
}

/** The user-missing values met in a numeric variable, counted per value. */
class MissingTally {
  readonly counts = new Map<number, number>();
  add(x: number, n = 1): void {
    this.counts.set(x, (this.counts.get(x) ?? 0) + n);
  }
  /** The codebook's `missing`: the discrete values, those met, and the labelled ones missing. */
  list(f: NumericFacts): number[] {
    const set = new Set<number>(f.discrete);
    for (const x of this.counts.keys()) set.add(x);
    for (const x of f.labelled) if (f.isMissing(x)) set.add(x);
    return [...set].sort((a, b) => a - b);
  }
}

/** The levels of a categorical numeric variable with the given codes (ascending). */
function categoricalPlan(
  v: DictVariable,
  f: NumericFacts,
  codes: readonly number[],
): {
  cbValues: Array<{ code: number; label: string }>;
  rules: VariableRules;
  /** Per code: its level, or -1 for a user-missing code; `NONE` for other numbers. */
  table: NumberTable;
} {
  const cbValues = codes.map((x) => ({ code: x, label: f.labelOf.get(x) ?? String(x) }));
  const missingKnown = [...new Set([...f.discrete, ...f.labelled.filter((x) => f.isMissing(x))])];
  const rules = variableRules(codebookEntry(v, 'categorical', cbValues, missingKnown));
  const table = new NumberTable();
  for (const x of codes) table.set(x, levelOf(rules, String(x)));
  return { cbValues, rules, table };
}

function finishNumeric(
  v: DictVariable,
  f: NumericFacts,
  column: Column,
  cbValues: Array<{ code: number; label: string }>,
  tally: MissingTally,
  empty: number,
): BuiltVariable {
  const counts: Record<string, number> = {};
  for (const x of [...tally.counts.keys()].sort((a, b) => a - b)) {
    counts[String(x)] = tally.counts.get(x)!;
  }
  return {
    column,
    codebook: codebookEntry(v, column.kind, cbValues, tally.list(f)),
    info: info(v, f.valueLabels),
    missing:
      empty > 0 || tally.counts.size > 0 ? { column: v.name, empty, missingCodes: counts } : null,
  };
}

/**
 * A numeric variable read as numbers; `empty` counts its system-missing values, all `NaN`
 * already (or `null`: not counted, and some may be `sysmis` still).
 */
function buildNumeric(
  v: DictVariable,
  values: Float64Array,
  empty: number | null,
  sysmis: number,
): BuiltVariable {
  const f = numericFacts(v, sysmis);
  const { hasMissing, isMissing } = f;
  let tally = new MissingTally();

  /**
   * Categorical with the given codes (labelled and unlabelled valid values, ascending): one pass
   * mapping values to levels. Returns null, without side effects, at the first valid value
   * outside `codes`.
   */
  const categorical = (codes: readonly number[]): BuiltVariable | null => {
    const { cbValues, rules, table } = categoricalPlan(v, f, codes);
    const out = new Int32Array(values.length);
    let empty = 0;
    for (let r = 0; r < values.length; r++) {
      const x = values[r]!;
      if (Number.isNaN(x) || x === sysmis) {
        out[r] = -1;
        empty++;
        continue;
      }
      const t = table.get(x);
      if (t >= 0) out[r] = t;
      else if (t !== NONE || (hasMissing && isMissing(x))) {
        out[r] = -1;
        tally.add(x);
      } else {
        tally = new MissingTally();
        return null;
      }
    }
    return finishNumeric(
      v,
      f,
      { kind: 'categorical', name: v.name, codes: out, levels: rules.levels },
      cbValues,
      tally,
      empty,
    );
  };

  if (f.labelsValid) {
    // every valid value labelled (the common case), in one pass
    const built = categorical(f.labelled);
    if (built) return built;
    if (f.ordinalish) {
      // nominal or ordinal with unlabelled values: collect them (a few at most), then map
      const known = new NumberTable();
      for (const x of f.labelled) known.set(x, 1);
      const found: number[] = [];
      for (let r = 0; r < values.length && found.length <= MAX_UNLABELLED_LEVELS; r++) {
        const x = values[r]!;
        if (Number.isNaN(x) || x === sysmis || known.get(x) === 1 || (hasMissing && isMissing(x)))
          continue;
        found.push(x);
        known.set(x, 1);
      }
      if (found.length <= MAX_UNLABELLED_LEVELS) {
        const all = categorical([...f.labelled, ...found].sort((a, b) => a - b));
        if (all) return all;
      }
    }
  }

  // the decoders counted the system-missing values (now NaN): a scan only for user-missing ones
  let counted = empty ?? 0;
  if (empty === null || hasMissing) {
    counted = 0;
    for (let r = 0; r < values.length; r++) {
      const x = values[r]!;
      if (Number.isNaN(x) || x === sysmis) {
        values[r] = Number.NaN;
        counted++;
      } else if (hasMissing && isMissing(x)) {
        values[r] = Number.NaN;
        tally.add(x);
      }
    }
  }
  const cbValues = f.valueLabels.map((l) => ({ code: l.value, label: l.label }));
  return finishNumeric(v, f, { kind: 'numeric', name: v.name, values }, cbValues, tally, counted);
}

/**
 * A numeric variable with value labels read as bytecodes (`k` is the number `k - bias`, 255
 * system-missing: `CODE_UNIT` in `sav/data.ts`). The same rules as {@link buildNumeric}, decided
 * from how often each code occurs (at most 251 distinct values), then one pass: the codes become
 * level codes in place, or numbers.
 */
function buildCoded(
  v: DictVariable,
  codes: Int32Array,
  bias: number,
  sysmis: number,
  /** The rows of each code, when the decoder counted them. */
  counts?: Float64Array,
): BuiltVariable {
  const f = numericFacts(v, sysmis);
  let seen = counts;
  if (seen === undefined) {
    seen = new Float64Array(256);
    for (let r = 0; r < codes.length; r++) seen[codes[r]!]!++;
  }
  // the codes' numbers ascend with them; NaN for system-missing
  const numberOf = new Float64Array(256).fill(Number.NaN);
  let empty = seen[255]!;
  const unlabelled: number[] = [];
  for (let k = 1; k <= 251; k++) {
    if (seen[k] === 0) continue;
    const x = k - bias;
    if (x === sysmis) {
      empty += seen[k]!;
      continue;
    }
    numberOf[k] = x;
    if (!f.labelOf.has(x) && !(f.hasMissing && f.isMissing(x))) unlabelled.push(x);
  }
  // the levels' codes, as buildNumeric's passes find them
  let levelCodes: readonly number[] | null = null;
  if (f.labelsValid) {
    if (unlabelled.length === 0) levelCodes = f.labelled;
    else if (f.ordinalish && unlabelled.length <= MAX_UNLABELLED_LEVELS) {
      levelCodes = [...f.labelled, ...unlabelled].sort((a, b) => a - b);
    }
  }
  const tally = new MissingTally();
  if (levelCodes !== null) {
    const { cbValues, rules, table } = categoricalPlan(v, f, levelCodes);
    const levelOfCode = new Int32Array(256).fill(-1);
    for (let k = 1; k <= 251; k++) {
      const x = numberOf[k]!;
      if (seen[k] === 0 || Number.isNaN(x)) continue;
      const t = table.get(x);
      if (t >= 0) levelOfCode[k] = t;
      else tally.add(x, seen[k]);
    }
    for (let r = 0; r < codes.length; r++) codes[r] = levelOfCode[codes[r]!]!;
    return finishNumeric(
      v,
      f,
      { kind: 'categorical', name: v.name, codes, levels: rules.levels },
      cbValues,
      tally,
      empty,
    );
  }
  for (let k = 1; k <= 251; k++) {
    const x = numberOf[k]!;
    if (seen[k] === 0 || Number.isNaN(x) || !(f.hasMissing && f.isMissing(x))) continue;
    tally.add(x, seen[k]);
    numberOf[k] = Number.NaN;
  }
  const values = new Float64Array(codes.length);
  for (let r = 0; r < codes.length; r++) values[r] = numberOf[codes[r]!]!;
  const cbValues = f.valueLabels.map((l) => ({ code: l.value, label: l.label }));
  return finishNumeric(v, f, { kind: 'numeric', name: v.name, values }, cbValues, tally, empty);
}

/** The level of a code under the rules, or -1 (missing or not a level). */
function levelOf(rules: VariableRules, text: string): number {
  const c = rules.classify(text);
  return c.kind === 'level' ? c.level : -1;
}

/**
 * The bytes of each distinct value of a string variable (segments joined, cut to its width).
 * @example
 * ```ts
 * const v = { width: 3, segments: [{ offset: 0, used: 3 }] } as never;
 * const dict = { size: 1, bytes: () => new Uint8Array([97, 98, 99, 100]) } as never;
 * console.log(distinctValueBytes(v, dict)); // => [ Uint8Array(3) [ 97, 98, 99 ] ]
 * ```
 */
export function distinctValueBytes(v: DictVariable, dict: WordDict): Uint8Array[] {
  return Array.from({ length: dict.size }, (_, id) => valueBytes(v, dict, id));
}

/** The value bytes of interned entry `id` of a string variable (segments joined, cut to width). */
function valueBytes(v: DictVariable, dict: WordDict, id: number): Uint8Array {
  const stored = dict.bytes(id);
  if (v.segments.length <= 1) return stored.subarray(0, Math.min(stored.length, v.width));
  const out = new Uint8Array(v.width);
  let n = 0;
  for (const seg of v.segments) {
    const end = Math.min(seg.offset + seg.used, stored.length);
    for (let k = seg.offset; k < end && n < v.width; k++) out[n++] = stored[k]!;
    // bytes past the stored ones are trailing padding: spaces
    for (let k = Math.max(end, seg.offset); k < seg.offset + seg.used && n < v.width; k++)
      out[n++] = 32;
  }
  return out.subarray(0, n);
}

function buildString(
  v: DictVariable,
  ids: Int32Array,
  dict: WordDict,
  texts: readonly string[],
  file: Pick<SavDictionary, 'encoding'>,
  warn: (message: string) => void,
): BuiltVariable {
  const counts = new Int32Array(dict.size);
  for (let r = 0; r < ids.length; r++) counts[ids[r]!]!++;

  // value labels (with PSPP's UTF-8 values repaired, see the module notes)
  let labels = v.stringLabels.map((l) => ({ value: l.value, label: l.label }));
  if (file.encoding.name !== 'utf-8' && v.stringLabels.length > 0) {
    const known = new Set<string>([
      ...texts.map((t) => t.trim()),
      ...v.missingStrings.map((t) => t.trim()),
    ]);
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    let asUtf8: string[] | null = [];
    for (const l of v.stringLabels) {
      const t = decodeTrimmed(utf8, l.bytes);
      if (t === null) {
        asUtf8 = null;
        break;
      }
      asUtf8.push(t);
    }
    if (asUtf8) {
      const hits = (xs: readonly string[]): number => xs.filter((x) => known.has(x.trim())).length;
      if (hits(asUtf8) > hits(labels.map((l) => l.value))) {
        const fixed = asUtf8;
        labels = labels.map((l, i) => ({ value: fixed[i]!, label: l.label }));
        warn(
          `string value labels of "${v.name}" are stored in UTF-8, not ${file.encoding.name} (as PSPP writes them); read as UTF-8`,
        );
      }
    }
  }
  const labelOf = new Map<string, string>();
  for (const l of labels) {
    const code = l.value.trim();
    if (labelOf.has(code)) continue;
    const label = l.label === '' ? code : l.label;
    if (label !== '') labelOf.set(code, label);
  }
  const valueLabels = sortLevels([...labelOf.keys()]).map((code) => ({
    value: code,
    label: labelOf.get(code)!,
  }));
  const missingTexts = [...new Set(v.missingStrings.map((s) => s.trim()).filter((s) => s !== ''))];

  let cbValues: Array<{ code: string; label: string }> = [];
  if (labelOf.size > 0) {
    const missingSet = new Set(missingTexts);
    const codes = new Set(labelOf.keys());
    for (let id = 0; id < texts.length; id++) {
      const t = texts[id]!.trim();
      if (t !== '' && counts[id]! > 0 && !missingSet.has(t)) codes.add(t);
    }
    cbValues = sortLevels([...codes]).map((code) => ({ code, label: labelOf.get(code) ?? code }));
  }
  const cb = codebookEntry(v, 'categorical', cbValues, missingTexts);
  const rules = variableRules(cb);

  // classify each distinct value once
  const EMPTY = -2;
  const levelOfId = new Int32Array(dict.size);
  const missingKeyOfId: Array<string | undefined> = [];
  const rawIds = new Map<string, number[]>();
  for (let id = 0; id < texts.length; id++) {
    const c = rules.classify(texts[id]!);
    if (c.kind === 'level') levelOfId[id] = c.level;
    else if (c.kind === 'empty') levelOfId[id] = EMPTY;
    else if (c.kind === 'missing') {
      levelOfId[id] = -1;
      missingKeyOfId[id] = c.code;
    } else {
      // 'raw' (no value labels); 'invalid' cannot happen as every value is listed
      const text = c.kind === 'raw' ? c.text : texts[id]!.trim();
      const group = rawIds.get(text);
      if (group) group.push(id);
      else rawIds.set(text, [id]);
    }
  }
  const levels = [...rules.levels];
  for (const text of sortLevels(
    [...rawIds.keys()].filter((t) => rawIds.get(t)!.some((id) => counts[id]! > 0)),
  )) {
    const l = levels.length;
    levels.push(text);
    for (const id of rawIds.get(text)!) levelOfId[id] = l;
  }

  let empty = 0;
  const missingCount = new Map<string, number>();
  for (let id = 0; id < texts.length; id++) {
    const n = counts[id]!;
    if (n === 0) continue;
    if (levelOfId[id] === EMPTY) empty += n;
    const key = missingKeyOfId[id];
    if (key !== undefined) missingCount.set(key, (missingCount.get(key) ?? 0) + n);
  }
  // missing values are data text (`__proto__` too): own properties, defined, never set
  const missingCodes: Record<string, number> = Object.fromEntries(missingCount);
  const codes = new Int32Array(ids.length);
  for (let r = 0; r < ids.length; r++) {
    const l = levelOfId[ids[r]!]!;
    codes[r] = l >= 0 ? l : -1;
  }
  return {
    column: { kind: 'categorical', name: v.name, codes, levels },
    codebook: cb,
    info: info(v, valueLabels),
    missing:
      empty > 0 || Object.keys(missingCodes).length > 0
        ? { column: v.name, empty, missingCodes }
        : null,
  };
}
