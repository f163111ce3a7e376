/**
 * How the CSV loader reads a cell of a codebook variable: which level or number it is, whether it
 * is a missing code, or why it violates the codebook.
 * @module
 */
import type { CodebookVariable } from '../codebook.js';
import { numberProblem, parseNumber } from './infer.js';

/** What one cell is, under a codebook variable's rules. */
export type CellClass =
  /** A number (numeric variables). */
  | { kind: 'value'; value: number }
  /** An index into {@link VariableRules.levels} (categorical variables with `values`). */
  | { kind: 'level'; level: number }
  /** A categorical variable without `values`: a level whose order is inferred (trimmed text). */
  | { kind: 'raw'; text: string }
  /** Empty or whitespace only. */
  | { kind: 'empty' }
  /** One of the variable's `missing` codes; `code` is the code as the codebook writes it. */
  | { kind: 'missing'; code: string }
  /** Not allowed by the codebook. */
  | { kind: 'invalid'; reason: string };

/** The reading rules of one codebook variable, compiled for fast lookups. */
export interface VariableRules {
  readonly variable: CodebookVariable;
  readonly type: 'numeric' | 'categorical';
  /**
   * Categorical with `values`: the level names, i.e. the value labels in codebook order, without
   * values whose code is also a missing code, each label once (codes sharing a label share a level).
   * Otherwise empty.
   */
  readonly levels: readonly string[];
  /** Missing codes that are numbers, for the numeric fast path. */
  readonly missingNumbers: readonly number[];
  /** Inclusive allowed range of a numeric variable. */
  readonly range: readonly [number, number] | undefined;
  /** The missing-code key (as the codebook writes it) of a numeric missing code, if `n` is one. */
  missingKeyOf(n: number): string | undefined;
  /** Classifies one raw cell (untrimmed text as read from the file). */
  classify(raw: string): CellClass;
}

const EMPTY: CellClass = { kind: 'empty' };

/**
 * Compiles a codebook variable into {@link VariableRules}. Matching rules: the cell is trimmed;
 * blank is missing; a cell equal to a `missing` code is missing (codes compared as numbers when both
 * the cell and the code read as numbers, so `"1"`, `"1.0"` and `1` match; otherwise as exact
 * strings); then a cell equal to a value `code` (same comparison), or exactly equal to a value
 * `label`, is that value. A value whose code is also a missing code is missing, never a level.
 * Numeric variables accept any number within `range` (value labels are for display, but a cell
 * spelled as a label reads as its code).
 *
 * @example
 * ```ts
 * const r = variableRules({ name: 'sex', type: 'categorical', missing: [9],
 *   values: [{ code: 1, label: 'Male' }, { code: 2, label: 'Female' }, { code: 9, label: 'Refused' }] });
 * console.log(r.levels, r.classify(' 2.0 '), r.classify('9'), r.classify('Male'));
 * // => [ 'Male', 'Female' ] { kind: 'level', level: 1 } { kind: 'missing', code: '9' } { kind: 'level', level: 0 }
 * ```
 */
export function variableRules(variable: CodebookVariable): VariableRules {
  const missNum = new Map<number, string>();
  const missStr = new Map<string, string>();
  for (const m of variable.missing ?? []) {
    const key = String(m);
    const n = typeof m === 'number' ? m : parseNumber(m);
    if (Number.isNaN(n)) missStr.set(key.trim(), key);
    else if (!missNum.has(n)) missNum.set(n, key);
  }

  const values = variable.values ?? [];
  const valNum = new Map<number, number>();
  const valStr = new Map<string, number>();
  const byLabel = new Map<string, number>();
  const codeNum: number[] = [];
  const missingOfValue: Array<string | undefined> = [];
  const levelOfValue: number[] = [];
  const levels: string[] = [];
  const levelIndex = new Map<string, number>();
  values.forEach((val, i) => {
    const n = typeof val.code === 'number' ? val.code : parseNumber(val.code);
    codeNum.push(n);
    if (Number.isNaN(n)) {
      const s = String(val.code).trim();
      if (!valStr.has(s)) valStr.set(s, i);
    } else if (!valNum.has(n)) valNum.set(n, i);
    if (!byLabel.has(val.label)) byLabel.set(val.label, i);
    const miss = Number.isNaN(n) ? missStr.get(String(val.code).trim()) : missNum.get(n);
    missingOfValue.push(miss);
    if (miss !== undefined) {
      levelOfValue.push(-1);
      return;
    }
    let level = levelIndex.get(val.label);
    if (level === undefined) {
      level = levels.length;
      levels.push(val.label);
      levelIndex.set(val.label, level);
    }
    levelOfValue.push(level);
  });

  const range = variable.range;
  const name = variable.name;
  const shownCodes = values
    .slice(0, 12)
    .map((v) => String(v.code))
    .join(', ');
  const codeList = values.length > 12 ? `${shownCodes}, ...` : shownCodes;

  const outside = (n: number): boolean => range !== undefined && (n < range[0] || n > range[1]);
  const rangeReason = range ? `outside the range [${range[0]}, ${range[1]}] of "${name}"` : '';

  return {
    variable,
    type: variable.type,
    levels,
    missingNumbers: [...missNum.keys()],
    range,
    missingKeyOf: (n) => missNum.get(n),
    classify(raw: string): CellClass {
      const t = raw.trim();
      if (t === '') return EMPTY;
      const n = parseNumber(t);
      const numeric = !Number.isNaN(n);
      const miss = numeric ? missNum.get(n) : missStr.get(t);
      if (miss !== undefined) return { kind: 'missing', code: miss };
      let i = numeric ? valNum.get(n) : valStr.get(t);
      if (i === undefined) i = byLabel.get(t);
      if (i !== undefined) {
        const m = missingOfValue[i];
        if (m !== undefined) return { kind: 'missing', code: m };
      }
      if (variable.type === 'categorical') {
        if (i !== undefined) return { kind: 'level', level: levelOfValue[i]! };
        if (values.length === 0) return { kind: 'raw', text: t };
        return { kind: 'invalid', reason: `not a code or label of "${name}" (codes: ${codeList})` };
      }
      if (numeric) {
        return outside(n) ? { kind: 'invalid', reason: rangeReason } : { kind: 'value', value: n };
      }
      if (i !== undefined && !Number.isNaN(codeNum[i]!)) {
        const v = codeNum[i]!;
        return outside(v) ? { kind: 'invalid', reason: rangeReason } : { kind: 'value', value: v };
      }
      return {
        kind: 'invalid',
        reason: `${numberProblem(t) ?? 'not a number'} (variable "${name}" is numeric)`,
      };
    },
  };
}
