/**
 * `mutate`: derived variables on a design (R's `update()`, srvyr's `mutate()`). The design stays
 * the same: weights, strata and clusters, domain, replicate weights and weighting history are
 * kept, so a derived variable's estimates carry the design's variance, including the adjustment
 * for calibration.
 * @module
 */
import { sortLevels } from '../data/csv/infer.js';
import type { Column, SurveyData } from '../data/types.js';
import { DesignError } from '../errors.js';
import { type Row, rowView } from './row.js';
import type { SurveyDesign } from './types.js';

/**
 * What a row function returns for one respondent: a number (a numeric variable; `NaN` is
 * missing), a boolean (numeric 1 / 0, so its mean is the share of `true`), a text (a level of a
 * categorical variable; `''` is missing), or `null` (missing).
 */
export type MutateValue = number | boolean | string | null;

/**
 * A function of one respondent (see {@link Row}) and its 0-based index, called once per row.
 * `undefined` is typed for convenience (`row.x` of an index signature) but is an error when
 * returned: a misspelt column name or a missing `return`.
 * @param row - The respondent's values by variable name (numbers, level labels, `null` for
 *   missing); the same object is reused for every row, so keep values, not the object.
 * @param index - The respondent's 0-based row number in the design's data.
 */
export type RowFunction = (row: Row, index: number) => MutateValue | undefined;

/** A whole column of values, one per row of the design (no function call per row). */
export interface MutateValues {
  /**
   * Numbers (`NaN`, `null` missing; a typed array is read as numbers), or texts (`null`, `''`
   * missing); as many as the design's rows.
   */
  values: ArrayLike<number | null> | ArrayLike<string | null>;
  /** Texts: the levels in order (every text must be one); default: sorted as the CSV loader sorts. */
  levels?: readonly string[];
}

/** A row function with the level order of the categorical variable it makes. */
export interface MutateCompute {
  /** The row function. */
  compute: RowFunction;
  /** The levels in order (every text the function returns must be one; absent ones are kept). */
  levels?: readonly string[];
}

/** How {@link mutate} makes one variable. */
export type MutateDef = RowFunction | MutateValues | MutateCompute;

const UNDECIDED = 0;
const NUMERIC = 1;
const TEXT = 2;

/**
 * Adds (or replaces) variables on a design: the same design with its data extended, as R's
 * `update(design, x = ...)` and srvyr's `mutate()`. Everything else is kept as it was: weights,
 * strata, clusters and fpc, the domain of a {@link subset} design (values are computed for every
 * row of the full design, in the domain or not, as R does), replicate weights, and the weighting
 * history (`calibration` / `weighting`), whose variance adjustment applies to the new variables
 * as to any other. So an estimate of a derived variable on a raked design equals R's
 * `svymean(~x, update(raked, x = ...))`.
 *
 * Each definition is one of:
 * - a **row function** `(row, index) => value`, called once per row with a reusable row object
 *   (`row.age`, `row.region`: numbers, level labels, `null` for missing). Numbers and booleans
 *   (as 1 / 0) make a numeric variable (`null`, `NaN` missing); texts a categorical one (`null`,
 *   `''` missing) whose levels are sorted as the CSV loader sorts inferred levels (numbers in
 *   numeric order, then text alphabetically), as R's `factor()` sorts them;
 * - `{ compute: rowFunction, levels }`: the same with the levels in the order given (for an answer
 *   scale: `['Agree', 'Neutral', 'Disagree']`; a level no row has is kept, with a share of 0);
 * - `{ values, levels? }`: a whole column, as many values as the design has rows: a typed array or
 *   an array of numbers, or an array of texts (`levels` as above).
 *
 * Definitions are made in order, each seeing the variables made before it (as srvyr's `mutate`).
 * A variable that replaces a column keeps none of the column's codebook entry. A column the
 * design is built on (its `ids`, `strata`, `weights`, `probs` or `fpc`) or weighted on (the
 * variables of its post-stratification, raking or calibration) cannot be replaced: the design
 * holds what it resolved from them, and replacing them would change the data but not the
 * design. (A replicate-weight design does not record which columns held its weights; they were
 * copied when it was built, so replacing those columns changes no weight.)
 *
 * @param design - The design (or a domain of it) to add variables to.
 * @param defs - The new variables by name: a row function, `{ compute, levels }` or
 *   `{ values, levels? }` (see {@link MutateDef}), made in order.
 * @throws {DesignError} `BAD_OPTION` (a definition that is none of the forms, a bad `levels`
 *   list, `levels` for numbers, an empty name), `LENGTH_MISMATCH` (values not one per row),
 *   `MIXED_COLUMN` (numbers and texts in one variable), `BAD_VALUE` (a row function returned
 *   something else, such as `undefined`; an array holding an object), `UNKNOWN_LEVEL` (a text
 *   not among the `levels` given), `DESIGN_VARIABLE` (replacing a column the design uses).
 * @example
 * ```ts
 * const data = fromColumns({ age: [23, 67, 45, 71], q1: ['Agree', 'Disagree', 'Neutral', null] });
 * const d = mutate(svyDesign(data), {
 *   old: (r) => (r.age === null ? null : r.age >= 60),                  // numeric 1 / 0
 *   agree: (r) => (r.q1 === null ? null : r.q1 === 'Agree' ? 1 : 0),    // a top-box share
 *   q1ord: { compute: (r) => r.q1, levels: ['Agree', 'Neutral', 'Disagree', 'No answer'] },
 *   score: { values: Float64Array.of(1, 5, 3, 2) },
 * });
 * console.log(svyMean(d, 'old')[0].estimate, svyMean(d, 'agree')[0].estimate); // => 0.5 0.3333333333333333
 * console.log(svyMean(d, 'q1ord').map((r) => `${r.level} ${r.estimate.toFixed(2)}`).join(', '));
 * // => Agree 0.33, Neutral 0.33, Disagree 0.33, No answer 0.00
 * ```
 */
export function mutate<D extends SurveyDesign>(design: D, defs: Record<string, MutateDef>): D {
  if (defs === null || typeof defs !== 'object' || Array.isArray(defs)) {
    throw new DesignError(
      'BAD_OPTION',
      'mutate takes an object of definitions, e.g. { agree: (r) => ... }',
      {
        value: defs,
      },
    );
  }
  let data = design.data;
  for (const [name, def] of Object.entries(defs)) {
    if (name === '') {
      throw new DesignError('BAD_OPTION', 'mutate: a variable needs a name', { value: name });
    }
    if (Object.hasOwn(data.columns, name)) {
      const role = designRole(design, name);
      if (role !== undefined) {
        throw new DesignError(
          'DESIGN_VARIABLE',
          `mutate: "${name}" is the design's ${role}; the design was built from it and would not change with it: give the derived variable another name`,
          { variable: name, role },
        );
      }
    }
    data = withColumn(data, makeColumn(data, name, def));
  }
  return { ...design, data };
}

/** The data with `col` added after the others, or in place of the column of its name. */
function withColumn(data: SurveyData, col: Column): SurveyData {
  const name = col.name;
  const replaced = Object.hasOwn(data.columns, name);
  const columns: Record<string, Column> = Object.create(null);
  for (const n of data.names) columns[n] = data.columns[n]!;
  columns[name] = col;
  const codebook = replaced
    ? { ...data.codebook, variables: data.codebook.variables.filter((v) => v.name !== name) }
    : data.codebook;
  return {
    ...data,
    names: replaced ? data.names : [...data.names, name],
    columns,
    codebook,
  };
}

/** What `name` is to the design, if it is built or weighted on it. */
function designRole(design: SurveyDesign, name: string): string | undefined {
  if (design.type === 'linearization') {
    const spec = design.spec;
    const list = (x: string | string[] | undefined) => (x === undefined ? [] : [x].flat());
    if (list(spec.ids).includes(name)) return 'cluster id (ids)';
    if (list(spec.strata).includes(name)) return 'strata';
    if (spec.weights === name) return 'weights';
    if (spec.probs === name) return 'probs';
    if (list(spec.fpc).includes(name)) return 'fpc';
  }
  const steps = (design.type === 'linearization' ? design.calibration : design.weighting) ?? [];
  const col = Object.hasOwn(design.data.columns, name) ? design.data.columns[name] : undefined;
  for (const step of steps) {
    switch (step.method) {
      case 'postStratify':
        if (step.variables.includes(name)) return 'post-stratification variable';
        break;
      case 'rake':
        if (step.margins.some((m) => m.variable === name)) return 'raking margin';
        break;
      case 'calibrate': {
        // model columns are named as R names them: `age` (a total), `sexMale` (a level after the first)
        const used =
          col?.kind === 'categorical'
            ? col.levels.some((l) => step.columns.includes(`${name}${l}`))
            : step.columns.includes(name);
        if (used) return 'calibration variable';
        break;
      }
      case 'trim':
        break;
    }
  }
  return undefined;
}

/** The column a definition makes. */
function makeColumn(data: SurveyData, name: string, def: MutateDef): Column {
  const n = data.nrow;
  if (typeof def === 'function') return fromRows(data, name, def, null);
  if (def === null || typeof def !== 'object') throw badDef(name, def);
  const levels = checkLevels(name, def.levels);
  if ('compute' in def && typeof def.compute === 'function' && !('values' in def)) {
    return fromRows(data, name, def.compute, levels);
  }
  if (!('values' in def) || 'compute' in def) throw badDef(name, def);
  const values = def.values;
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new DesignError(
      'BAD_OPTION',
      `mutate: the values of "${name}" must be an array or a typed array, got ${describe(values)}`,
      { variable: name, value: values },
    );
  }
  if (values.length !== n) {
    throw new DesignError(
      'LENGTH_MISMATCH',
      `mutate: "${name}" has ${values.length} values for the design's ${n} rows (values are one per row of the full design, in a domain or not)`,
      { variable: name, value: values.length, expected: n },
    );
  }
  if (ArrayBuffer.isView(values)) {
    if (levels !== null) {
      throw new DesignError(
        'BAD_OPTION',
        `mutate: "${name}" has levels but its values are numbers (levels are the order of texts)`,
        { variable: name },
      );
    }
    return { kind: 'numeric', name, values: Float64Array.from(values as ArrayLike<number>) };
  }
  const out = new Collector(name, n, levels, 'value');
  for (let i = 0; i < n; i++) out.add(i, values[i] as MutateValue);
  return out.finish();
}

/** The column of a row function, called once per row of the data. */
function fromRows(
  data: SurveyData,
  name: string,
  fn: RowFunction,
  levels: readonly string[] | null,
): Column {
  const n = data.nrow;
  const view = rowView(data);
  const row = view.value;
  const out = new Collector(name, n, levels, 'row function');
  for (let i = 0; i < n; i++) {
    view.moveTo(i);
    out.add(i, fn(row, i));
  }
  return out.finish();
}

/**
 * Builds a column from values given row by row: the first non-missing value decides its kind;
 * texts get codes as they come (the given levels' indices, or first-seen order, sorted at the end).
 */
class Collector {
  private kind = UNDECIDED;
  private values: Float64Array | null = null;
  private codes: Int32Array | null = null;
  private readonly index = new Map<string, number>();
  private readonly seen: string[] = [];
  /** The first row (0-based) with a value, for the message of a mixed column. */
  private firstRow = -1;

  constructor(
    private readonly name: string,
    private readonly n: number,
    private readonly levels: readonly string[] | null,
    private readonly source: 'row function' | 'value',
  ) {
    for (const [i, l] of (levels ?? []).entries()) this.index.set(l, i);
  }

  add(i: number, v: MutateValue | undefined): void {
    if (typeof v === 'number' && this.kind === NUMERIC) {
      this.values![i] = v;
    } else if (typeof v === 'number' && !Number.isNaN(v)) {
      this.start(NUMERIC, i, v);
      this.values![i] = v;
    } else if (v === null || v === '' || typeof v === 'number') {
      // missing: null, '' or NaN
      if (this.kind === NUMERIC) this.values![i] = Number.NaN;
      else if (this.kind === TEXT) this.codes![i] = -1;
    } else if (typeof v === 'string') {
      if (this.kind !== TEXT) this.start(TEXT, i, v);
      let c = this.index.get(v);
      if (c === undefined) {
        if (this.levels !== null) throw this.unknownLevel(i, v);
        c = this.seen.length;
        this.seen.push(v);
        this.index.set(v, c);
      }
      this.codes![i] = c;
    } else if (typeof v === 'boolean') {
      if (this.kind !== NUMERIC) this.start(NUMERIC, i, v);
      this.values![i] = v ? 1 : 0;
    } else if (v === undefined && this.source === 'value') {
      // a hole in an array: missing, as null
      this.add(i, null);
    } else {
      throw new DesignError(
        'BAD_VALUE',
        `mutate: "${this.name}", row ${i + 1}: the ${this.source} gave ${describe(v)}; give a number, a boolean, a text, or null for missing`,
        { variable: this.name, row: i + 1, value: describe(v) },
      );
    }
  }

  /** Sets the column's kind at row `i` (rows before it were all missing), or fails on a mix. */
  private start(kind: number, i: number, v: MutateValue | undefined): void {
    if (this.kind !== UNDECIDED) {
      const was = this.kind === NUMERIC ? 'numbers' : 'texts';
      throw new DesignError(
        'MIXED_COLUMN',
        `mutate: "${this.name}", row ${i + 1}: the ${this.source} gave ${describe(v)}, but earlier rows gave ${was} (row ${this.firstRow + 1}); one variable holds numbers or texts, not both`,
        { variable: this.name, row: i + 1, value: v, firstRow: this.firstRow + 1 },
      );
    }
    if (kind === NUMERIC && this.levels !== null) {
      throw new DesignError(
        'BAD_VALUE',
        `mutate: "${this.name}", row ${i + 1}: the ${this.source} gave ${describe(v)}, but levels are given (texts are needed)`,
        { variable: this.name, row: i + 1, value: v },
      );
    }
    this.kind = kind;
    this.firstRow = i;
    if (kind === NUMERIC) this.values = new Float64Array(this.n).fill(Number.NaN, 0, i);
    else this.codes = new Int32Array(this.n).fill(-1, 0, i);
  }

  private unknownLevel(i: number, v: string): DesignError {
    const levels = this.levels!;
    const shown = levels.slice(0, 12).join(', ');
    return new DesignError(
      'UNKNOWN_LEVEL',
      `mutate: "${this.name}", row ${i + 1}: "${v}" is not one of the levels given (${levels.length > 12 ? `${shown}, ...` : shown})`,
      { variable: this.name, row: i + 1, value: v, levels: [...levels] },
    );
  }

  finish(): Column {
    const name = this.name;
    if (this.kind === NUMERIC) return { kind: 'numeric', name, values: this.values! };
    if (this.kind === UNDECIDED) {
      // every row missing: numeric NaN (as an all-blank CSV column), or the levels given
      if (this.levels === null) {
        return { kind: 'numeric', name, values: new Float64Array(this.n).fill(Number.NaN) };
      }
      return {
        kind: 'categorical',
        name,
        codes: new Int32Array(this.n).fill(-1),
        levels: [...this.levels],
      };
    }
    const codes = this.codes!;
    if (this.levels !== null) return { kind: 'categorical', name, codes, levels: [...this.levels] };
    const levels = sortLevels(this.seen);
    const rank = new Map(levels.map((l, k) => [l, k]));
    const order = Int32Array.from(this.seen, (s) => rank.get(s)!);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c >= 0) codes[i] = order[c]!;
    }
    return { kind: 'categorical', name, codes, levels };
  }
}

/** The `levels` of a definition, checked: distinct non-empty texts (`null` when not given). */
function checkLevels(name: string, levels: unknown): readonly string[] | null {
  if (levels === undefined) return null;
  const bad = (why: string): never => {
    throw new DesignError('BAD_OPTION', `mutate: the levels of "${name}" ${why}`, {
      variable: name,
      value: levels,
    });
  };
  if (!Array.isArray(levels)) return bad(`must be an array of texts, got ${describe(levels)}`);
  const seen = new Set<string>();
  for (const l of levels) {
    if (typeof l !== 'string') bad(`must be texts, got ${describe(l)}`);
    if (l === '') bad(`include '' (an empty text is a missing value)`);
    if (seen.has(l)) bad(`list "${l}" twice`);
    seen.add(l);
  }
  return levels as string[];
}

function badDef(name: string, def: unknown): DesignError {
  return new DesignError(
    'BAD_OPTION',
    `mutate: "${name}" must be a row function, { compute: rowFunction, levels? } or { values, levels? }; got ${describe(def)}`,
    { variable: name, value: describe(def) },
  );
}

/** A short description of a value for a message. */
function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}
