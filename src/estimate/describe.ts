/**
 * `describeData`: what a file holds, variable by variable: type, label, levels with their counts
 * and shares, missing values with their reasons, range and mean; and how it was loaded.
 * @module
 */
import type { CodebookVariable } from '../data/codebook.js';
import { findColumn } from '../data/frame.js';
import type { CategoricalColumn, NumericColumn, SurveyData } from '../data/types.js';
import type { SurveyDesign } from '../design/types.js';
import { weightsFromColumn } from '../design/weights.js';
import { DesignError } from '../errors.js';

/** Why a variable's values are missing. */
export interface MissingDescription {
  /** Respondents without a value. */
  total: number;
  /** Of those, cells that were empty in the file (system-missing in SPSS). */
  empty: number;
  /** Of those, cells holding a missing code, per code (e.g. 99 "Refused"), in the codebook's order. */
  codes: Array<{
    /** The code, as the codebook writes it. */
    code: string;
    /** Its value label in the codebook, `null` when none. */
    label: string | null;
    /** Cells holding it. */
    count: number;
  }>;
}

/** One level of a categorical variable. */
export interface LevelDescription {
  /** The level (value label). */
  level: string;
  /** Respondents with this level. */
  n: number;
  /** Unweighted share of the respondents with a value. */
  share: number;
  /** Weighted share of the respondents with a value (a design was described); `null` when the weights of those respondents sum to 0. */
  weightedShare?: number | null;
}

/** What the variables have in common. */
interface VariableBase {
  /** The column name. */
  name: string;
  /** Its label (question text) in the codebook, or the SPSS variable label; `null` when none. */
  label: string | null;
  /** Respondents with a value. */
  n: number;
  /** Respondents without one, and why. */
  missing: MissingDescription;
}

/** A categorical variable: its levels, in order, with counts and shares. */
export interface CategoricalDescription extends VariableBase {
  /** Tells the kinds apart. */
  type: 'categorical';
  /** Every level, in the column's order (also levels no respondent has). */
  levels: LevelDescription[];
}

/** A numeric variable: range, mean and how many distinct values it takes. */
export interface NumericDescription extends VariableBase {
  /** Tells the kinds apart. */
  type: 'numeric';
  /** Smallest value (`null`: no value). */
  min: number | null;
  /** Largest value (`null`: no value). */
  max: number | null;
  /** Unweighted mean (`null`: no value). */
  mean: number | null;
  /** Weighted mean (a design was described; `null`: no value, or weights summing to 0). */
  weightedMean?: number | null;
  /** Distinct values (a numeric variable with few is often a code to label). */
  distinct: number;
}

/** One variable of a {@link DataDescription}. */
export type VariableDescription = CategoricalDescription | NumericDescription;

/** What {@link describeData} returns. */
export interface DataDescription {
  /** The file (`data.load.source`). */
  source: string;
  /** Respondents (rows) in the frame. */
  rows: number;
  /** Data rows read from the file. */
  rowsRead: number;
  /** Rows left out while loading, with the reason (blank lines). */
  rowsRejected: Array<{
    /** The 1-based line of the file. */
    row: number;
    /** Why. */
    reason: string;
  }>;
  /** Sum of the weights when a design was described, else `null` (unweighted). */
  weightSum: number | null;
  /** Every variable, in column order. */
  variables: VariableDescription[];
}

/** Options of {@link describeData}. */
export interface DescribeOptions {
  /**
   * With a frame: a column of weights for the weighted shares and means, checked as
   * `svyDesign` checks weights (zero weights allowed) but with no sampling design built, so a
   * file of one respondent, or of one cluster, can be described too.
   */
  weights?: string;
}

/**
 * Describes every variable of a frame, or of a design's frame with weighted shares and means too
 * (the design's weights, all respondents: a domain is ignored); or of a frame weighted by one of
 * its columns (`opts.weights`). Missing values are counted per
 * reason as the loader counted them (`data.load.missing`: empty cells and codebook missing codes;
 * a frame built in memory reports none, so only `total` is filled). One pass over each column.
 *
 * @param input - A frame (unweighted counts and shares) or a design (weighted shares and means
 *   too).
 * @param opts - `weights`: a column of the frame to weight by (not with a design).
 * @throws {DesignError} With `weights`: `UNKNOWN_COLUMN`, `NON_NUMERIC_WEIGHT`,
 *   `MISSING_WEIGHT`, `NON_FINITE_WEIGHT`, `NEGATIVE_WEIGHT`; `BAD_OPTION` for `weights` with a
 *   design.
 * @example
 * ```ts
 * const data = parseCsv('sex,age,w\nF,34,1\nM,,3\nF,51,2\n');
 * const d = describeData(svyDesign(data, { weights: 'w' }));
 * const [sex, age] = d.variables;
 * console.log(sex.levels.map((l) => `${l.level} ${l.n} ${l.share.toFixed(3)} ${l.weightedShare}`)); // => [ 'F 2 0.667 0.5', 'M 1 0.333 0.5' ]
 * console.log(age.n, age.missing.total, age.missing.empty, age.min, age.max, age.mean, age.weightedMean); // => 2 1 1 34 51 42.5 45.333333333333336
 * const one = describeData(parseCsv('sex,w\nF,2\n'), { weights: 'w' });
 * console.log(one.weightSum, one.variables[0].levels[0].weightedShare); // => 2 1
 * ```
 */
export function describeData(
  input: SurveyData | SurveyDesign,
  opts: DescribeOptions = {},
): DataDescription {
  const design = isDesign(input) ? input : null;
  const data = design ? design.data : (input as SurveyData);
  const w = design ? design.weights : frameWeights(data, opts.weights);
  if (design !== null && opts.weights !== undefined) {
    throw new DesignError(
      'BAD_OPTION',
      `describeData: weights "${opts.weights}" given with a design, which has its own weights`,
      { value: opts.weights },
    );
  }
  const entries = new Map<string, CodebookVariable>();
  for (const v of data.codebook.variables) entries.set(v.name, v);
  const reasons = new Map(data.load.missing.map((m) => [m.column, m]));
  let weightSum: number | null = null;
  if (w) {
    weightSum = 0;
    for (let i = 0; i < w.length; i++) weightSum += w[i]!;
  }
  const variables = data.names.map((name): VariableDescription => {
    const col = data.columns[name]!;
    const entry = entries.get(name);
    const base = { name, label: entry?.label ?? null };
    const described =
      col.kind === 'numeric' ? describeNumeric(col, w) : describeCategorical(col, w);
    const counted = reasons.get(name);
    const missing: MissingDescription = {
      total: data.nrow - described.n,
      empty: counted?.empty ?? 0,
      codes: missingCodes(entry, counted?.missingCodes ?? {}),
    };
    return { ...base, ...described, missing } as VariableDescription;
  });
  return {
    source: data.load.source,
    rows: data.nrow,
    rowsRead: data.load.rowsRead,
    rowsRejected: data.load.rowsRejected.map((r) => ({ ...r })),
    weightSum,
    variables,
  };
}

/** The weights of a frame's column `name` (zero allowed), or `null` without one. */
function frameWeights(data: SurveyData, name: string | undefined): Float64Array | null {
  if (name === undefined) return null;
  const source = data.load.source;
  const col = findColumn(data, name);
  if (col === undefined) {
    throw new DesignError(
      'UNKNOWN_COLUMN',
      `${source}: the weights column "${name}" is not in the data`,
      { file: source, column: name },
    );
  }
  return weightsFromColumn(col, 'weights', source, true);
}

function isDesign(x: SurveyData | SurveyDesign): x is SurveyDesign {
  return 'type' in x && (x.type === 'linearization' || x.type === 'replicate') && 'data' in x;
}

/** The counts of missing codes, in the order of the codebook's `missing` list. */
function missingCodes(
  entry: CodebookVariable | undefined,
  counts: Readonly<Record<string, number>>,
): MissingDescription['codes'] {
  const order = (entry?.missing ?? []).map(String);
  const rank = (code: string) => {
    const k = order.indexOf(code);
    return k < 0 ? order.length : k;
  };
  return Object.entries(counts)
    .map(([code, count]) => ({ code, label: codeLabel(entry, code), count }))
    .sort((a, b) => rank(a.code) - rank(b.code));
}

/** The value label of a missing code in a codebook entry (codes compared as the codebook writes them). */
function codeLabel(entry: CodebookVariable | undefined, code: string): string | null {
  const value = entry?.values?.find((v) => String(v.code) === code);
  return value ? value.label : null;
}

function describeCategorical(
  col: CategoricalColumn,
  w: Float64Array | null,
): Omit<CategoricalDescription, 'name' | 'label' | 'missing'> {
  const L = col.levels.length;
  const count = new Float64Array(L);
  const wsum = new Float64Array(L);
  const codes = col.codes;
  let n = 0;
  let total = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c < 0) continue;
    count[c]! += 1;
    n++;
    if (w) {
      wsum[c]! += w[i]!;
      total += w[i]!;
    }
  }
  const levels = col.levels.map((level, c): LevelDescription => {
    const out: LevelDescription = { level, n: count[c]!, share: n > 0 ? count[c]! / n : 0 };
    if (w) out.weightedShare = total > 0 ? wsum[c]! / total : null;
    return out;
  });
  return { type: 'categorical', n, levels };
}

function describeNumeric(
  col: NumericColumn,
  w: Float64Array | null,
): Omit<NumericDescription, 'name' | 'label' | 'missing'> {
  const values = col.values;
  let n = 0;
  let sum = 0;
  let wsum = 0;
  let wtotal = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const distinct = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isNaN(x)) continue;
    n++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
    distinct.add(x);
    if (w) {
      wsum += w[i]! * x;
      wtotal += w[i]!;
    }
  }
  const out: Omit<NumericDescription, 'name' | 'label' | 'missing'> = {
    type: 'numeric',
    n,
    min: n > 0 ? min : null,
    max: n > 0 ? max : null,
    mean: n > 0 ? sum / n : null,
    distinct: distinct.size,
  };
  if (w) out.weightedMean = wtotal > 0 ? wsum / wtotal : null;
  return out;
}
