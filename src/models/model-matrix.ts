/**
 * The model matrix of a formula on a design's rows, as R's `model.matrix` builds it (treatment
 * contrasts, the first level the reference; R's rule for when a factor in an interaction gets
 * all its levels), without ever storing the n × p matrix.
 *
 * Every term of a formula is a product of factors and numeric variables, so in each row it has
 * at most one non-zero column: which one depends only on the row's factor levels, and its value
 * is the product of the term's numeric variables. The rows are therefore grouped into *cells*
 * (the combinations of factor levels that occur) and *features* (the distinct products of
 * numeric variables; feature 0 is the constant 1): row i's model-matrix row is
 * `Σ_s e[col(cell_i, s)] · u[f_s](i)` over the slots s (the intercept and the terms). A pass
 * over the rows reads one cell index and m feature values per row.
 * @module
 */
import { findColumn } from '../data/frame.js';
import type { CategoricalColumn, NumericColumn, SurveyData } from '../data/types.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import type { Formula } from './formula.js';
import { NEW_ROWS, type RowArrays } from './shared-rows.js';

/** A factor of the model: a categorical variable with the levels its rows use. */
export interface ModelFactor {
  /** The variable. */
  readonly name: string;
  /** The levels used by the model's rows, in the data's level order (R drops unused levels). */
  readonly levels: readonly string[];
  /** Per code of the column: the index of its level in `levels`, or -1. */
  readonly codeMap: Int32Array;
}

/** How one term of the formula maps to columns. */
export interface TermLayout {
  /** R's term label, e.g. `'stype:ell'`. */
  readonly label: string;
  /** The term's variables in formula order, each a factor index or a numeric variable. */
  readonly parts: readonly ({ factor: number; dummy: boolean } | { numeric: string })[];
  /** Index of the term's feature (0: no numeric variable). */
  readonly feature: number;
  /** Its first column. */
  readonly start: number;
  /** Its number of columns. */
  readonly width: number;
}

/** The model matrix of a formula on the rows of a design that have every model variable. */
export interface ModelMatrix {
  /** The formula. */
  readonly formula: Formula;
  /** Number of columns. */
  readonly p: number;
  /** Column names as R names them (`'(Intercept)'`, `'stypeH'`, `'stypeH:ell'`). */
  readonly names: readonly string[];
  /** Per column: the label of its term (`'(Intercept)'` for the intercept). */
  readonly columnTerms: readonly string[];
  /** Whether column 0 is the intercept. */
  readonly intercept: boolean;
  /** The terms. */
  readonly terms: readonly TermLayout[];
  /** The factors (categorical variables right of `~`). */
  readonly factors: readonly ModelFactor[];
  /** Design rows used: in the domain with every model variable present, in row order. */
  readonly rows: Int32Array;
  /** 1 for the rows used (length: the design's rows). */
  readonly present: Uint8Array;
  /** Rows in the domain with a model variable missing. */
  readonly nMissing: number;
  /** Number of cells. */
  readonly nCells: number;
  /** Per used row (aligned with `rows`): its cell. */
  readonly cell: Int32Array;
  /** Per cell: the level index of each factor (nCells × factors). */
  readonly cellCodes: Int32Array;
  /** Number of numeric features (besides the constant). */
  readonly m: number;
  /** The numeric variables whose product is each feature 1..m. */
  readonly features: readonly (readonly string[])[];
  /** Feature values per used row, row-major (rows × m). */
  readonly U: Float64Array;
  /** Per feature 0..m: the largest |value| (1 for the constant). */
  readonly featureMax: Float64Array;
  /** Number of slots: the intercept (if any) and one per term. */
  readonly slots: number;
  /** Per slot: its feature (0 = the constant 1). */
  readonly slotFeature: Int32Array;
  /** Per cell and slot: the column (or -1: the slot is zero in this cell), nCells × slots. */
  readonly cellCols: Int32Array;
  /**
   * For a model refitted without aliased columns (see {@link withoutColumns}): per column of the
   * full model matrix (the terms' `start` and `width` count those), its column here or -1.
   */
  readonly columnMap: Int32Array | null;
}

/** What the outcome must be. */
export type OutcomeKind = 'glm' | 'ordinal';

/** The outcome values on the used rows. */
export interface Outcome {
  /** For `'glm'`: the numeric outcome, or 0/1 for a two-level factor (second level = 1). */
  readonly y: Float64Array | null;
  /** For `'ordinal'`: the level index (0-based) of each row. */
  readonly codes: Int32Array | null;
  /** For a categorical outcome: its levels (the used ones for `'ordinal'`). */
  readonly levels: readonly string[] | null;
  /** For `'glm'`: whether every value of `y` is 0 or 1 (counted as it was read); else absent. */
  readonly binary?: boolean;
}

/**
 * The model matrix and outcome of `formula` on the design's domain. Rows with a missing value in
 * any model variable are left out and counted.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `NON_FINITE_VALUE`, `EMPTY_DOMAIN`,
 *   `TOO_FEW_LEVELS` (a factor with one level among the rows), `BAD_OUTCOME`.
 */
export function modelMatrix(
  design: SurveyDesign,
  formula: Formula,
  outcomeKind: OutcomeKind,
  success?: string | readonly string[],
  arrays: RowArrays = NEW_ROWS,
): { matrix: ModelMatrix; outcome: Outcome } {
  const data = design.data;
  const n = data.nrow;
  if (formula.response === null) {
    throw new EstimationError(
      'FORMULA_SYNTAX',
      `the formula "${formula.text}" has no outcome: write it as 'y ~ ...'`,
      { formula: formula.text, position: 1, value: '' },
    );
  }
  const column = (name: string) => {
    const col = findColumn(data, name);
    if (!col) {
      const position = formula.positions.get(name) ?? 1;
      throw new EstimationError(
        'UNKNOWN_VARIABLE',
        `the formula "${formula.text}" names "${name}" (position ${position}), which is not a variable of ${data.load.source} (it has: ${data.names.slice(0, 20).join(', ')}${data.names.length > 20 ? ', ...' : ''})`,
        { variable: name, file: data.load.source, position },
      );
    }
    return col;
  };
  const responseColumn = column(formula.response);
  const rhs = formula.variables.map(column);

  // Rows used: in the domain, every model variable present (column by column: tight loops).
  const present = new Uint8Array(n);
  const domain = design.domain;
  if (domain === null) present.fill(1);
  else copyDomain(domain, present);
  const inDomain = domain === null ? n : countOnes(present);
  const all = [responseColumn, ...rhs];
  // per numeric column, the rows holding ±Infinity (an error if the model uses one of them)
  const infinite = new Map<NumericColumn, number[]>();
  for (const col of all) {
    if (col.kind === 'numeric') {
      if (!hasNonFinite(col)) continue;
      const rowsInfinite = markMissing(col.values, present);
      if (rowsInfinite.length > 0) infinite.set(col, rowsInfinite);
    } else if (hasMissing(col)) clearMissingCodes(col.codes, present);
  }
  const buffer = new Int32Array(n);
  const used = presentRows(present, buffer);
  const nMissing = inDomain - used;
  if (used === 0) {
    throw new EstimationError(
      'EMPTY_DOMAIN',
      nMissing > 0
        ? `every respondent in the domain (${nMissing}) has a missing value in a variable of "${formula.text}"`
        : `the domain has no respondents, so "${formula.text}" cannot be fitted`,
      { variable: formula.response, nMissing },
    );
  }
  const rows = buffer.subarray(0, used);
  for (const [col, at] of infinite) checkFinite(col, at, present);

  const outcome = readOutcome(responseColumn, rows, outcomeKind, formula, success, arrays);

  // Cells (the combinations of the factors' codes), and from them the levels the rows use.
  const factorColumns = rhs.filter((c): c is CategoricalColumn => c.kind === 'categorical');
  const F = factorColumns.length;
  const { cell, nCells, cellCodes } = rawCells(factorColumns, rows, arrays);
  const factorIndex = new Map<string, number>();
  const factors: ModelFactor[] = factorColumns.map((col, f) => {
    factorIndex.set(col.name, f);
    const seen = new Uint8Array(col.levels.length);
    for (let c = 0; c < nCells; c++) seen[cellCodes[c * F + f]!] = 1;
    return levelsSeen(col, seen, used, formula);
  });
  for (let e = 0; e < cellCodes.length; e++) cellCodes[e] = factors[e % F]!.codeMap[cellCodes[e]!]!;

  const { terms, names, columnTerms, features } = layout(formula, factors, factorIndex);
  const p = names.length;
  const m = features.length;
  const featureMax = new Float64Array(m + 1);
  featureMax[0] = 1;
  const U = featureValues(data, features, rows, featureMax.subarray(1), arrays);

  const slots = (formula.intercept ? 1 : 0) + terms.length;
  const slotFeature = new Int32Array(slots);
  terms.forEach((t, j) => {
    slotFeature[(formula.intercept ? 1 : 0) + j] = t.feature;
  });
  const cellCols = new Int32Array(nCells * slots);
  const partial: Pick<ModelMatrix, 'intercept' | 'terms' | 'slots' | 'columnMap'> = {
    intercept: formula.intercept,
    terms,
    slots,
    columnMap: null,
  };
  for (let c = 0; c < nCells; c++) {
    cellColumns(partial, cellCodes.subarray(c * F, (c + 1) * F), cellCols.subarray(c * slots));
  }

  return {
    matrix: {
      formula,
      p,
      names,
      columnTerms,
      intercept: formula.intercept,
      terms,
      factors,
      rows,
      present,
      nMissing,
      nCells,
      cell,
      cellCodes,
      m,
      features,
      U,
      featureMax,
      slots,
      slotFeature,
      cellCols,
      columnMap: null,
    },
    outcome,
  };
}

/**
 * The same model matrix without some columns (R's aliased coefficients): a row's value in a
 * dropped column is ignored, as if its coefficient were 0.
 */
export function withoutColumns(mm: ModelMatrix, drop: readonly number[]): ModelMatrix {
  const gone = new Set(drop);
  const map = new Int32Array(mm.p).fill(-1);
  const names: string[] = [];
  const columnTerms: string[] = [];
  for (let j = 0; j < mm.p; j++) {
    if (gone.has(j)) continue;
    map[j] = names.length;
    names.push(mm.names[j]!);
    columnTerms.push(mm.columnTerms[j]!);
  }
  const columnMap = mm.columnMap === null ? map : mm.columnMap.map((c) => (c < 0 ? -1 : map[c]!));
  const cellCols = mm.cellCols.map((c) => (c < 0 ? -1 : map[c]!));
  return { ...mm, p: names.length, names, columnTerms, cellCols, columnMap };
}

/**
 * The cells of some rows: the combinations of the factors' levels that occur, numbered in order
 * of appearance, with each cell's level index per factor. Factor `ignore` (an index, or -1) is
 * left out (its entries in `cellCodes` are 0). A row whose level the model does not know gives
 * the error naming it.
 * @throws {EstimationError} `UNKNOWN_LEVEL`.
 */
export function factorCells(
  data: SurveyData,
  factors: readonly ModelFactor[],
  rows: Int32Array,
  ignore: number,
): { cell: Int32Array; nCells: number; cellCodes: Int32Array } {
  const F = factors.length;
  const used = rows.length;
  const cell = new Int32Array(used);
  const columns = factors.map((f) => data.columns[f.name] as CategoricalColumn);
  let nCells = 1;
  const mapped = new Int32Array(used);
  for (let f = 0; f < F; f++) {
    if (f === ignore) continue;
    const codes = columns[f]!.codes;
    const map = factors[f]!.codeMap;
    for (let k = 0; k < used; k++) {
      const code = codes[rows[k]!]!;
      const c = code < 0 ? -1 : map[code]!;
      if (c < 0) throw unknownLevel(columns[f]!, rows[k]!);
      mapped[k] = c;
    }
    nCells = combine(cell, nCells, factors[f]!.levels.length, mapped);
  }
  const cellCodes = new Int32Array(nCells * F).fill(-1);
  for (let k = 0; k < used; k++) {
    const c = cell[k]!;
    if (F > 0 && cellCodes[c * F] !== -1) continue;
    for (let f = 0; f < F; f++) {
      cellCodes[c * F + f] = f === ignore ? 0 : factors[f]!.codeMap[columns[f]!.codes[rows[k]!]!]!;
    }
  }
  return { cell, nCells, cellCodes };
}

function unknownLevel(col: CategoricalColumn, row: number): EstimationError {
  const code = col.codes[row]!;
  return new EstimationError(
    'UNKNOWN_LEVEL',
    code < 0
      ? `row ${row + 1} has no value of ${col.name}, which the model needs`
      : `row ${row + 1}: "${col.levels[code]}" is not a level of ${col.name} among the model's respondents`,
    { variable: col.name, row: row + 1, value: code < 0 ? null : col.levels[code] },
  );
}

/**
 * The features (products of numeric variables) of some rows, row-major (rows × m); with
 * `largest`, each feature's largest |value| to `largest[a]` (found as the values are written).
 */
export function featureValues(
  data: SurveyData,
  features: readonly (readonly string[])[],
  rows: Int32Array,
  largest: Float64Array | null = null,
  arrays: RowArrays = NEW_ROWS,
): Float64Array {
  const m = features.length;
  const used = rows.length;
  const U = arrays.float64('values', used, m);
  features.forEach((vars, a) => {
    const cols = vars.map((v) => (data.columns[v] as NumericColumn).values);
    let top = gather(U, a, m, cols[0]!, rows);
    for (const c of cols.slice(1)) top = multiplyGathered(U, a, m, c, rows);
    if (largest !== null) largest[a] = top;
  });
  return U;
}

/** U[k·m + a] = values[rows[k]] for every k; returns the largest |value|. */
function gather(
  U: Float64Array,
  a: number,
  m: number,
  values: Float64Array,
  rows: Int32Array,
): number {
  let top = 0;
  for (let k = 0; k < rows.length; k++) {
    const v = values[rows[k]!]!;
    U[k * m + a] = v;
    const u = Math.abs(v);
    if (u > top) top = u;
  }
  return top;
}

/** U[k·m + a] ×= values[rows[k]] for every k; returns the largest |product|. */
function multiplyGathered(
  U: Float64Array,
  a: number,
  m: number,
  values: Float64Array,
  rows: Int32Array,
): number {
  let top = 0;
  for (let k = 0; k < rows.length; k++) {
    const v = U[k * m + a]! * values[rows[k]!]!;
    U[k * m + a] = v;
    const u = Math.abs(v);
    if (u > top) top = u;
  }
  return top;
}

/**
 * y[k] = values[rows[k]] for every k; returns how many are neither 0 nor 1, counted without a
 * branch on them (a 0/1 outcome in a file's order would mispredict half the rows).
 */
function gatherOutcome(y: Float64Array, values: Float64Array, rows: Int32Array): number {
  let other = 0;
  for (let k = 0; k < rows.length; k++) {
    const v = values[rows[k]!]!;
    y[k] = v;
    other += v * (v - 1) === 0 ? 0 : 1;
  }
  return other;
}

/**
 * The column of each slot for a combination of factor levels (`codes`: a level index per
 * factor), -1 where the slot is zero; written to `out` (length ≥ slots).
 */
export function cellColumns(
  mm: Pick<ModelMatrix, 'intercept' | 'terms' | 'slots' | 'columnMap'>,
  codes: ArrayLike<number>,
  out: Int32Array,
): Int32Array {
  const map = mm.columnMap;
  let s = 0;
  if (mm.intercept) out[s++] = map === null ? 0 : map[0]!;
  for (const t of mm.terms) {
    let index = 0;
    let stride = 1;
    let zero = false;
    for (const part of t.parts) {
      if ('numeric' in part) continue;
      const code = codes[part.factor]!;
      const local = part.dummy ? code : code - 1;
      const size = levelsOf(part, t);
      if (local < 0) {
        zero = true;
        break;
      }
      index += local * stride;
      stride *= size;
    }
    const col = zero ? -1 : t.start + index;
    out[s++] = col < 0 || map === null ? col : map[col]!;
  }
  return out;
}

/** Columns a factor part of a term spans (its levels, or all but the first). */
function levelsOf(part: { factor: number; dummy: boolean }, t: TermLayout): number {
  const sizes = (t as TermLayoutInternal).sizes;
  return sizes.get(part.factor)!;
}

interface TermLayoutInternal extends TermLayout {
  readonly sizes: ReadonlyMap<number, number>;
}

/**
 * Columns of each term: R's `TermCode` (a factor is coded by contrasts when the term without it
 * is empty or contained in an earlier term, else by all its levels) and, without an intercept,
 * all levels for the first factor of the first term that has one.
 */
function layout(
  formula: Formula,
  factors: readonly ModelFactor[],
  factorIndex: ReadonlyMap<string, number>,
): {
  terms: TermLayoutInternal[];
  names: string[];
  columnTerms: string[];
  features: string[][];
} {
  const names: string[] = [];
  const columnTerms: string[] = [];
  if (formula.intercept) {
    names.push('(Intercept)');
    columnTerms.push('(Intercept)');
  }
  const featureKeys = new Map<string, number>();
  const features: string[][] = [];
  const terms: TermLayoutInternal[] = [];
  let forced = formula.intercept;
  formula.terms.forEach((vars, j) => {
    const parts: TermLayout['parts'][number][] = [];
    const numerics: string[] = [];
    for (const v of vars) {
      const f = factorIndex.get(v);
      if (f === undefined) {
        numerics.push(v);
        parts.push({ numeric: v });
        continue;
      }
      const rest = vars.filter((u) => u !== v);
      let dummy = !(
        rest.length === 0 ||
        formula.terms.slice(0, j).some((earlier) => rest.every((u) => earlier.includes(u)))
      );
      if (!forced) {
        dummy = true;
        forced = true;
      }
      parts.push({ factor: f, dummy });
    }
    let feature = 0;
    if (numerics.length > 0) {
      const key = numerics.join(':');
      let a = featureKeys.get(key);
      if (a === undefined) {
        features.push(numerics);
        a = features.length;
        featureKeys.set(key, a);
      }
      feature = a;
    }
    // Names: the first variable varies fastest.
    let labels: string[] = [''];
    const sizes = new Map<number, number>();
    let first = true;
    for (const part of parts) {
      const own =
        'numeric' in part
          ? [part.numeric]
          : factorLevelNames(factors[part.factor]!, part.dummy, sizes, part.factor);
      // for each of this part's names, every combination of the earlier parts: the first
      // part varies fastest
      const next: string[] = [];
      for (const o of own) for (const l of labels) next.push(first ? o : `${l}:${o}`);
      labels = next;
      first = false;
    }
    const start = names.length;
    for (const l of labels) {
      names.push(l);
      columnTerms.push(formula.labels[j]!);
    }
    terms.push({
      label: formula.labels[j]!,
      parts,
      feature,
      start,
      width: labels.length,
      sizes,
    });
  });
  return { terms, names, columnTerms, features };
}

function factorLevelNames(
  f: ModelFactor,
  dummy: boolean,
  sizes: Map<number, number>,
  index: number,
): string[] {
  const levels = dummy ? f.levels : f.levels.slice(1);
  sizes.set(index, levels.length);
  return levels.map((l) => `${f.name}${l}`);
}

/**
 * Refines `cell` (values < nCells) by a further code per row: new cells numbered in order of
 * appearance. Returns the new number of cells.
 */
function combine(cell: Int32Array, nCells: number, K: number, codes: Int32Array): number {
  const space = nCells * K;
  let next = 0;
  if (space <= 1 << 22) {
    const table = new Int32Array(space).fill(-1);
    for (let k = 0; k < cell.length; k++) {
      const key = cell[k]! * K + codes[k]!;
      let c = table[key]!;
      if (c < 0) {
        c = next++;
        table[key] = c;
      }
      cell[k] = c;
    }
    return next;
  }
  const table = new Map<number, number>();
  for (let k = 0; k < cell.length; k++) {
    const key = cell[k]! * K + codes[k]!;
    let c = table.get(key);
    if (c === undefined) {
      c = next++;
      table.set(key, c);
    }
    cell[k] = c;
  }
  return next;
}

/**
 * The cells of the rows: the combinations of the columns' codes that occur, numbered in order
 * of appearance, with each cell's codes (nCells × columns). One pass over the rows with a
 * mixed-radix key when the combinations are few enough for a table, else one pass per column.
 */
function rawCells(
  columns: readonly CategoricalColumn[],
  rows: Int32Array,
  arrays: RowArrays,
): { cell: Int32Array; nCells: number; cellCodes: Int32Array } {
  const F = columns.length;
  const used = rows.length;
  const cell = arrays.int32('cell', used);
  let space = 1;
  for (const c of columns) space *= c.levels.length;
  if (F === 0) return { cell, nCells: 1, cellCodes: new Int32Array(0) };
  if (space <= 1 << 22) {
    const table = new Int32Array(space).fill(-1);
    const radix = columns.map((c) => c.levels.length);
    // the mixed-radix key of each row, two columns at a time (one pass per column: 1 more pass
    // over the rows' keys and indices for every second column), then each key replaced by its cell
    let f = 0;
    for (; f + 1 < F; f += 2) addTwoDigits(cell, columns[f]!, columns[f + 1]!, rows);
    if (f < F) addDigit(cell, columns[f]!.levels.length, columns[f]!.codes, rows);
    const keys: number[] = [];
    numberKeys(cell, table, keys);
    const cellCodes = new Int32Array(keys.length * F);
    keys.forEach((key, c) => {
      for (let f = F - 1; f >= 0; f--) {
        cellCodes[c * F + f] = key % radix[f]!;
        key = Math.floor(key / radix[f]!);
      }
    });
    return { cell, nCells: keys.length, cellCodes };
  }
  let nCells = 1;
  const gathered = new Int32Array(used);
  for (const col of columns) {
    const codes = col.codes;
    for (let k = 0; k < used; k++) gathered[k] = codes[rows[k]!]!;
    nCells = combine(cell, nCells, col.levels.length, gathered);
  }
  const cellCodes = new Int32Array(nCells * F).fill(-1);
  for (let k = 0; k < used; k++) {
    const c = cell[k]!;
    if (cellCodes[c * F] !== -1) continue;
    for (let f = 0; f < F; f++) cellCodes[c * F + f] = columns[f]!.codes[rows[k]!]!;
  }
  return { cell, nCells, cellCodes };
}

/**
 * Replaces each key of `cell` by its cell: the keys numbered in order of first appearance
 * (`table`: key → cell, −1 for none yet), each new key pushed to `keys`.
 */
function numberKeys(cell: Int32Array, table: Int32Array, keys: number[]): void {
  for (let k = 0; k < cell.length; k++) {
    const key = cell[k]!;
    let c = table[key]!;
    if (c < 0) {
      c = keys.length;
      table[key] = c;
      keys.push(key);
    }
    cell[k] = c;
  }
}

/**
 * The rows with `present` set, in order, into `buffer`; returns how many. (This and the other
 * small loops of this module are functions of their own: each is called once per model, and
 * V8 optimises a loop inside a larger function again and again, as the code after it runs for
 * the first time in each call.)
 */
function presentRows(present: Uint8Array, buffer: Int32Array): number {
  let used = 0;
  for (let i = 0; i < present.length; i++) if (present[i]) buffer[used++] = i;
  return used;
}

/** Clears `present` where the code is missing (negative). */
function clearMissingCodes(codes: Int32Array, present: Uint8Array): void {
  for (let i = 0; i < present.length; i++) if (codes[i]! < 0) present[i] = 0;
}

/** present[i] = 1 for the domain's rows, else 0. */
function copyDomain(domain: Uint8Array, present: Uint8Array): void {
  for (let i = 0; i < present.length; i++) present[i] = domain[i] ? 1 : 0;
}

/** key[k] = key[k] · radix + codes[rows[k]] for every k. */
function addDigit(key: Int32Array, radix: number, codes: Int32Array, rows: Int32Array): void {
  for (let k = 0; k < rows.length; k++) key[k] = key[k]! * radix + codes[rows[k]!]!;
}

/** {@link addDigit} of column a, then of column b, in one pass. */
function addTwoDigits(
  key: Int32Array,
  a: CategoricalColumn,
  b: CategoricalColumn,
  rows: Int32Array,
): void {
  const ra = a.levels.length;
  const rb = b.levels.length;
  const ca = a.codes;
  const cb = b.codes;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    key[k] = (key[k]! * ra + ca[i]!) * rb + cb[i]!;
  }
}

/**
 * Clears `present` where `values` is NaN, in one pass that also finds ±Infinity (x − x is NaN
 * for both): returns the rows holding ±Infinity.
 */
function markMissing(values: Float64Array, present: Uint8Array): number[] {
  const infinite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x - x === 0) continue;
    if (Number.isNaN(x)) present[i] = 0;
    else infinite.push(i);
  }
  return infinite;
}

/** Per categorical column (its codes): whether it has a missing value (columns never change). */
const missingCache = new WeakMap<Int32Array, boolean>();

/** Whether a categorical column has a missing value (found once per column, then remembered). */
function hasMissing(col: CategoricalColumn): boolean {
  const c = col.codes;
  let known = missingCache.get(c);
  if (known === undefined) {
    known = false;
    for (let i = 0; i < c.length && !known; i++) known = c[i]! < 0;
    missingCache.set(c, known);
  }
  return known;
}

/** Per numeric column: whether it has a NaN or ±Infinity (found once, then remembered). */
const nonFiniteCache = new WeakMap<Float64Array, boolean>();

/** Whether a numeric column has a value that is not finite. */
function hasNonFinite(col: NumericColumn): boolean {
  const v = col.values;
  let known = nonFiniteCache.get(v);
  if (known === undefined) {
    known = false;
    for (let i = 0; i < v.length && !known; i++) known = v[i]! - v[i]! !== 0;
    nonFiniteCache.set(v, known);
  }
  return known;
}

/**
 * The entries of a row mask that are set (not 0).
 * @example
 * ```ts
 * console.log(countOnes(Uint8Array.from([1, 0, 1, 1]))); // => 3
 * ```
 */
export function countOnes(mask: Uint8Array): number {
  let k = 0;
  for (let i = 0; i < mask.length; i++) k += mask[i] ? 1 : 0;
  return k;
}

function usedLevels(col: CategoricalColumn, rows: Int32Array, formula: Formula): ModelFactor {
  const seen = new Uint8Array(col.levels.length);
  for (let k = 0; k < rows.length; k++) seen[col.codes[rows[k]!]!] = 1;
  return levelsSeen(col, seen, rows.length, formula);
}

/** The factor of a column with the levels `seen` marks (codes of the rows used). */
function levelsSeen(
  col: CategoricalColumn,
  seen: Uint8Array,
  used: number,
  formula: Formula,
): ModelFactor {
  const levels: string[] = [];
  const codeMap = new Int32Array(col.levels.length).fill(-1);
  for (let c = 0; c < col.levels.length; c++) {
    if (!seen[c]) continue;
    codeMap[c] = levels.length;
    levels.push(col.levels[c]!);
  }
  if (levels.length < 2) {
    throw new EstimationError(
      'TOO_FEW_LEVELS',
      `"${col.name}" has a single level ("${levels[0]}") among the ${used} respondents the model "${formula.text}" uses, so it cannot be a factor of the model (R: "contrasts can be applied only to factors with 2 or more levels"); leave it out`,
      { variable: col.name, value: levels.length, level: levels[0] },
    );
  }
  return { name: col.name, levels, codeMap };
}

/** The error for the first of `infinite` (rows of `col` holding ±Infinity) the model uses. */
function checkFinite(col: NumericColumn, infinite: readonly number[], present: Uint8Array): void {
  for (const i of infinite) {
    if (!present[i]) continue;
    const x = col.values[i]!;
    throw new EstimationError(
      'NON_FINITE_VALUE',
      `variable "${col.name}" is ${x} at row ${i + 1}; a model needs finite values (recode it, or set it to missing)`,
      { variable: col.name, row: i + 1, value: x },
    );
  }
}

function readOutcome(
  col: CategoricalColumn | NumericColumn,
  rows: Int32Array,
  kind: OutcomeKind,
  formula: Formula,
  success: string | readonly string[] | undefined,
  arrays: RowArrays,
): Outcome {
  const used = rows.length;
  if (kind === 'ordinal') {
    if (col.kind !== 'categorical') {
      throw new EstimationError(
        'NOT_CATEGORICAL',
        `the outcome "${col.name}" of "${formula.text}" is numeric; an ordinal model needs a categorical outcome with its levels in order`,
        { variable: col.name },
      );
    }
    const f = usedLevels(col, rows, formula);
    if (f.levels.length < 3) {
      throw new EstimationError(
        'TOO_FEW_LEVELS',
        `the outcome "${col.name}" has ${f.levels.length} levels among the respondents used; an ordinal model needs 3 or more (use svyGlm with a binomial family for 2)`,
        { variable: col.name, value: f.levels.length },
      );
    }
    const codes = new Int32Array(used);
    for (let k = 0; k < used; k++) codes[k] = f.codeMap[col.codes[rows[k]!]!]!;
    return { y: null, codes, levels: f.levels };
  }
  const y = arrays.float64('outcome', used);
  if (col.kind === 'numeric') {
    if (success !== undefined) {
      throw new EstimationError(
        'BAD_OPTION',
        `success names levels, but the outcome "${col.name}" is numeric`,
        { variable: col.name, value: success },
      );
    }
    const other = gatherOutcome(y, col.values, rows);
    return { y, codes: null, levels: null, binary: other === 0 };
  }
  if (success !== undefined) {
    const wanted = typeof success === 'string' ? [success] : [...success];
    const one = new Uint8Array(col.levels.length);
    for (const level of wanted) {
      const c = col.levels.indexOf(level);
      if (c < 0) {
        throw new EstimationError(
          'UNKNOWN_LEVEL',
          `success "${level}" is not a level of the outcome "${col.name}" (its levels: ${col.levels.join(', ')})`,
          { variable: col.name, level, levels: [...col.levels] },
        );
      }
      one[c] = 1;
    }
    for (let k = 0; k < used; k++) y[k] = one[col.codes[rows[k]!]!]!;
    return { y, codes: null, levels: col.levels, binary: true };
  }
  if (col.levels.length !== 2) {
    throw new EstimationError(
      'BAD_OUTCOME',
      `the outcome "${col.name}" is categorical with ${col.levels.length} levels (${col.levels.join(', ')}); a model needs a numeric outcome or one with two levels (the second is 1): say which levels count as 1 with the success option, or use svyOlr for ordered levels`,
      { variable: col.name, value: col.levels.length, levels: [...col.levels] },
    );
  }
  for (let k = 0; k < used; k++) y[k] = col.codes[rows[k]!]! === 1 ? 1 : 0;
  return { y, codes: null, levels: col.levels, binary: true };
}

/**
 * The cells' columns per slot (nCells × slots) with "no column" (−1, a factor's reference level)
 * made column p, a spare one past the model's: a per-row loop then adds to a column for every
 * slot without testing it. That test, on cells in a file's order, is as good as random: rows in
 * random cluster order took twice as long with it (1,000,000 rows, 14 coefficients).
 */
export function withSpareColumn(cellCols: Int32Array, p: number): Int32Array {
  return cellCols.map((col) => (col < 0 ? p : col));
}
