/**
 * What the weighting functions share: finding the weighting variables, checking the population
 * against the respondents, coding the cross-classification cells in one pass, and returning the
 * new design with its weighting step.
 * @module
 */

import { findColumn } from '../data/frame.js';
import type { CategoricalColumn, NumericColumn } from '../data/types.js';
import { knownRowReduction, type RowReduction } from '../design/replicate.js';
import type { ReplicateDesign } from '../design/replicate-types.js';
import { ldexp } from '../design/scale.js';
import type { LinearizationDesign, SurveyDesign } from '../design/types.js';
import type { WeightingStep } from '../design/weighting-history.js';
import { WeightingError } from '../errors.js';

/** Relative tolerance for margins whose totals must agree. */
export const MARGIN_TOLERANCE = 1e-6;

/**
 * Weighting works on linearization designs (R's `survey.design2`) and replicate-weight designs
 * (R's `svyrep.design`); anything else is a typed error rather than a silent misuse.
 */
export function checkDesign(design: SurveyDesign, what: string): void {
  const type = (design as { type?: unknown } | undefined)?.type;
  if (type !== 'linearization' && type !== 'replicate') {
    throw new WeightingError(
      'UNSUPPORTED_DESIGN',
      `${what} works on designs built with svyDesign, svyRepDesign or asRepDesign; got a design of type "${String(type)}"`,
      { value: type },
    );
  }
}

/** The categorical column of a weighting variable, or a typed error. */
export function categoricalVariable(design: SurveyDesign, variable: string): CategoricalColumn {
  const col = lookup(design, variable);
  if (col.kind !== 'categorical') {
    throw new WeightingError(
      'NOT_CATEGORICAL',
      `weighting variable "${variable}" is numeric; margins and post-strata need a categorical variable (give it levels, or use calibrate with a numeric total)`,
      { variable },
    );
  }
  return col;
}

/** The numeric column of a calibration total, or a typed error. */
export function numericVariable(design: SurveyDesign, variable: string): NumericColumn {
  const col = lookup(design, variable);
  if (col.kind !== 'numeric') {
    throw new WeightingError(
      'NOT_NUMERIC',
      `calibration total of "${variable}": the variable is categorical; give it as a margin`,
      { variable },
    );
  }
  return col;
}

function lookup(design: SurveyDesign, variable: string) {
  const data = design.data;
  const col = findColumn(data, variable);
  if (!col) {
    throw new WeightingError(
      'UNKNOWN_VARIABLE',
      `no variable "${String(variable)}" in ${data.load.source} to weight on (it has: ${data.names.slice(0, 20).join(', ')}${data.names.length > 20 ? ', ...' : ''})`,
      { variable: String(variable), file: data.load.source },
    );
  }
  return col;
}

/** A population count must be a positive finite number. */
export function checkCount(count: unknown, variable: string, level: string): number {
  if (typeof count !== 'number' || !Number.isFinite(count) || count <= 0) {
    throw new WeightingError(
      'BAD_POPULATION_COUNT',
      `the population count of ${variable} = "${level}" is ${String(count)}; it must be a positive number (leave out a level nobody in the population has)`,
      { variable, level, value: count },
    );
  }
  return count;
}

/** One dimension of a cross-classification: a column and which target level each code maps to. */
export interface Dimension {
  variable: string;
  column: CategoricalColumn;
  /** Target levels (population order). */
  levels: readonly string[];
  /** Per column code: index into `levels`, or -1 when the population has no such level. */
  map: Int32Array;
}

/** A dimension for a variable whose target levels are given. */
export function dimension(
  design: SurveyDesign,
  variable: string,
  levels: readonly string[],
): Dimension {
  const column = categoricalVariable(design, variable);
  const index = new Map(levels.map((l, j) => [l, j]));
  const map = new Int32Array(column.levels.length).fill(-1);
  column.levels.forEach((l, c) => {
    map[c] = index.get(l) ?? -1;
  });
  return { variable, column, levels, map };
}

/**
 * The rows a weighting step weights: the design's domain (R: `subset()` keeps only those rows
 * for the weighting that follows), or `null` for every row.
 * @throws {WeightingError} `EMPTY_DOMAIN` when the domain has no respondent.
 */
export function weightingRows(design: SurveyDesign, what: string): Uint8Array | null {
  const rows = design.domain;
  if (rows === null) return null;
  let count = 0;
  for (let i = 0; i < rows.length; i++) count += rows[i] === 0 ? 0 : 1;
  if (count === 0) {
    throw new WeightingError(
      'EMPTY_DOMAIN',
      `${what}: the design's domain has no respondents, so there is nobody to weight`,
      {},
    );
  }
  return rows;
}

/** The cells of a cross-classification, found in one pass over the respondents. */
export interface Cells {
  /** Per row: its cell (−1 for a row outside the rows weighted). */
  cells: Int32Array;
  nCells: number;
  /** Per cell and dimension (row-major, nCells × dims): the cell's level index. */
  cellLevels: Int32Array;
  /** Per cell: sum of the weights. */
  sumW: Float64Array;
  /** Per cell: respondents. */
  count: Float64Array;
}

/** Cross-classifications up to this many cells are coded through a table, larger ones a Map. */
const DENSE_CELLS = 1 << 24;

/**
 * Codes every respondent's cell of the cross-classification of `dims`, and sums the weights per
 * cell. Each row's key in the full cross-classification (mixed radix of the target levels) is
 * built from its codes, then one pass numbers the cells in order of first appearance and sums
 * their weights. With `rows`, only those rows (the others get cell −1 and are not checked).
 * @throws {WeightingError} `MISSING_WEIGHTING_VALUE` (count and first row), and
 *   `MISSING_POPULATION_LEVEL` when a respondent's level is not among the target levels.
 */
export function crossCells(
  dims: readonly Dimension[],
  weights: Float64Array,
  rows: Uint8Array | null = null,
): Cells {
  const n = weights.length;
  let size = 1;
  for (const d of dims) size *= d.levels.length;
  // Per dimension, code + 1 → its target level (code −1, missing, → −1): a missing value or a
  // level without a target sets the sign bit of `bad`.
  const maps = dims.map((d) => {
    const map = new Int32Array(d.map.length + 1);
    map[0] = -1;
    map.set(d.map, 1);
    return map;
  });
  const strides: number[] = [];
  let stride = 1;
  for (const d of dims) {
    strides.push(stride);
    stride *= d.levels.length;
  }
  const cells = new Int32Array(n);
  let numbered: Numbered | null;
  if (size <= DENSE_CELLS) {
    // Keys as 32-bit integers in `cells` itself (each replaced by its cell when numbered): every
    // dimension but the last adds its part, two per pass; the numbering pass adds the last one.
    // (A pass per dimension, then one numbering: 1.4 times as long on 1,000,000 rows and 3
    // margins; one pass doing all, its inner loop over the dimensions, longer still.)
    const last = dims.length - 1;
    let bad = 0;
    let j = 0;
    for (; j + 1 < last; j += 2) {
      const a = dims[j]!;
      const b = dims[j + 1]!;
      bad |= addKeys(
        cells,
        a.column.codes,
        maps[j]!,
        strides[j]!,
        b.column.codes,
        maps[j + 1]!,
        strides[j + 1]!,
      );
    }
    if (j < last)
      bad |= addKeys(cells, dims[j]!.column.codes, maps[j]!, strides[j]!, null, maps[j]!, 0);
    if (bad < 0) throwCellValueError(dims, rows);
    const d = dims[last]!;
    numbered = numberDense(cells, size, d.column.codes, maps[last]!, strides[last]!, weights, rows);
  } else {
    // Keys beyond 32 bits: as doubles (exact below 2^53), one pass per dimension, and a Map.
    const key = new Float64Array(n);
    let bad = 0;
    dims.forEach((d, j) => {
      const codes = d.column.codes;
      const map = maps[j]!;
      const st = strides[j]!;
      for (let i = 0; i < n; i++) {
        const m = map[codes[i]! + 1]!;
        bad |= m;
        key[i]! += m * st;
      }
    });
    if (bad < 0) throwCellValueError(dims, rows);
    // The distinct keys of the rows weighted, numbered in order of first appearance through a
    // Map; the numbering pass then runs on those numbers, which it numbers alike (the last
    // dimension, already in the keys, adds 0 there: all of its levels map to 0).
    const index = new Map<number, number>();
    const distinct: number[] = [];
    for (let i = 0; i < n; i++) {
      if (rows !== null && rows[i] === 0) continue;
      let id = index.get(key[i]!);
      if (id === undefined) {
        id = distinct.length;
        distinct.push(key[i]!);
        index.set(key[i]!, id);
      }
      cells[i] = id;
    }
    const last = dims.length - 1;
    const zero = new Int32Array(maps[last]!.length);
    numbered = numberDense(
      cells,
      distinct.length,
      dims[last]!.column.codes,
      zero,
      0,
      weights,
      rows,
    );
    if (numbered !== null) numbered.keys = numbered.keys.map((id) => distinct[id]!);
  }
  if (numbered === null) {
    throwCellValueError(dims, rows);
    throw new WeightingError(
      'INTERNAL_ERROR',
      'crossCells: a row has no cell, yet every weighting value was found (a defect of surveykit)',
      {},
    );
  }
  const { keys, sumW, count } = numbered;
  const k = dims.length;
  const nCells = keys.length;
  const cellLevels = new Int32Array(nCells * k);
  for (let c = 0; c < nCells; c++) {
    let at = keys[c]!;
    for (let j = 0; j < k; j++) {
      const L = dims[j]!.levels.length;
      cellLevels[c * k + j] = at % L;
      at = Math.floor(at / L);
    }
  }
  return {
    cells,
    nCells,
    cellLevels,
    sumW: sumW.slice(0, nCells),
    count: count.slice(0, nCells),
  };
}

/** Cells numbered in order of first appearance: each one's key, weights and respondents. */
interface Numbered {
  keys: number[];
  sumW: Float64Array;
  count: Float64Array;
}

/**
 * key[i] += the level of dimension a times its stride, and b's (b `null`: a only); returns the
 * OR of the levels (negative when a row has a missing value or a level without a target).
 */
function addKeys(
  key: Int32Array,
  a: Int32Array,
  mapA: Int32Array,
  strideA: number,
  b: Int32Array | null,
  mapB: Int32Array,
  strideB: number,
): number {
  let bad = 0;
  if (b === null) {
    for (let i = 0; i < key.length; i++) {
      const x = mapA[a[i]! + 1]!;
      bad |= x;
      key[i]! += x * strideA;
    }
    return bad;
  }
  for (let i = 0; i < key.length; i++) {
    const x = mapA[a[i]! + 1]!;
    const y = mapB[b[i]! + 1]!;
    bad |= x | y;
    key[i]! += x * strideA + y * strideB;
  }
  return bad;
}

/**
 * The numbering pass of a cross-classification of at most DENSE_CELLS cells: each row's key
 * (in `cells`, the last dimension's part added here) replaced by its cell; `null` when a row
 * weighted has a missing value or a level without a target in the last dimension.
 */
function numberDense(
  cells: Int32Array,
  size: number,
  codes: Int32Array,
  map: Int32Array,
  stride: number,
  weights: Float64Array,
  rows: Uint8Array | null,
): Numbered | null {
  const table = new Int32Array(size).fill(-1);
  const keys: number[] = [];
  let sumW = new Float64Array(64);
  let count = new Float64Array(64);
  for (let i = 0; i < cells.length; i++) {
    if (rows !== null && rows[i] === 0) {
      cells[i] = -1;
      continue;
    }
    const m = map[codes[i]! + 1]!;
    if (m < 0) return null;
    const at = cells[i]! + m * stride;
    let cell = table[at]!;
    if (cell < 0) {
      cell = keys.length;
      keys.push(at);
      table[at] = cell;
      if (cell >= sumW.length) {
        sumW = grow(sumW);
        count = grow(count);
      }
    }
    cells[i] = cell;
    sumW[cell]! += weights[i]!;
    count[cell]! += 1;
  }
  return { keys, sumW, count };
}

/**
 * Every respondent weighted needs a value of each weighting variable, at a level the population
 * gives (called when some row may have not: rows outside `rows` do not count; returns when
 * every row in `rows` has).
 * @throws {WeightingError} `MISSING_WEIGHTING_VALUE` (count and first row), and
 *   `MISSING_POPULATION_LEVEL` (respondents and first row).
 */
function throwCellValueError(dims: readonly Dimension[], rows: Uint8Array | null): void {
  for (const d of dims) {
    const codes = d.column.codes;
    let missing = 0;
    let first = -1;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i]! >= 0 || (rows !== null && rows[i] === 0)) continue;
      if (missing++ === 0) first = i;
    }
    if (missing > 0) {
      throw new WeightingError(
        'MISSING_WEIGHTING_VALUE',
        `weighting variable "${d.variable}" is missing for ${missing} respondent(s) (first at row ${first + 1}); every respondent needs a value (impute it, or add a level such as "No answer" with its population count)`,
        { variable: d.variable, count: missing, row: first + 1 },
      );
    }
  }
  for (const d of dims) {
    const codes = d.column.codes;
    let first = -1;
    for (let i = 0; i < codes.length && first < 0; i++) {
      if (d.map[codes[i]!]! < 0 && (rows === null || rows[i] !== 0)) first = i;
    }
    if (first < 0) continue;
    const code = codes[first]!;
    const level = d.column.levels[code]!;
    let respondents = 0;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] === code && (rows === null || rows[i] !== 0)) respondents++;
    }
    throw new WeightingError(
      'MISSING_POPULATION_LEVEL',
      `${respondents} respondent(s) have ${d.variable} = "${level}" (first at row ${first + 1}), but the population gives no count for that level`,
      { variable: d.variable, level, count: respondents, row: first + 1 },
    );
  }
}

function grow(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/** Per level of dimension `j`: the sum over cells of `values` (e.g. weights). */
export function levelSums(
  cells: Cells,
  dims: number,
  j: number,
  nLevels: number,
  values: Float64Array,
): Float64Array {
  const out = new Float64Array(nLevels);
  for (let c = 0; c < cells.nCells; c++) out[cells.cellLevels[c * dims + j]!]! += values[c]!;
  return out;
}

/** The empty-level error: a population level no respondent (with a positive weight) has. */
export function emptyCell(
  variable: string,
  level: string,
  count: number,
  respondents: number,
  hint = '',
): WeightingError {
  const who =
    respondents > 0
      ? `its ${respondents} respondent(s) all have weight 0`
      : 'no respondent has that level';
  return new WeightingError(
    'EMPTY_CELL',
    `the population has ${count} with ${variable} = "${level}" but ${who}, so no weight can be scaled up to it${hint}`,
    { variable, level, value: count, count: respondents },
  );
}

/** Checks that every margin has the same total (relative tolerance 1e-6; totals shown times 2^k). */
export function checkMarginTotals(
  margins: ReadonlyArray<{ variable: string; total: number }>,
  k = 0,
) {
  if (margins.length < 2) return;
  const first = margins[0]!;
  for (const m of margins.slice(1)) {
    if (Math.abs(m.total - first.total) > MARGIN_TOLERANCE * Math.max(first.total, m.total)) {
      // totals computed on figures times 2^-k (see weighScaled) are shown in their own unit
      const totals = Object.fromEntries(margins.map((x) => [x.variable, ldexp(x.total, k)]));
      throw new WeightingError(
        'INCONSISTENT_MARGINS',
        `the margins disagree on the population size: ${margins.map((x) => `${x.variable} sums to ${ldexp(x.total, k)}`).join(', ')}; every margin must describe the same population`,
        { variable: m.variable, totals, value: ldexp(m.total, k) },
      );
    }
  }
}

/** Checks an option that must be a positive number (or integer). */
export function positiveOption(
  name: string,
  value: number | undefined,
  fallback: number,
  integer = false,
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !(value > 0) ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new WeightingError(
      'BAD_OPTION',
      `${name} must be a positive ${integer ? 'integer' : 'number'}; got ${String(value)}`,
      {
        value,
      },
    );
  }
  return value;
}

/** The note recorded when a design with a domain is weighted. */
export function domainNote(design: SurveyDesign): string[] {
  if (design.domain === null) return [];
  let inDomain = 0;
  for (let i = 0; i < design.domain.length; i++) inDomain += design.domain[i] === 0 ? 0 : 1;
  return [
    `weighting used the ${inDomain} respondents of the design's domain (of ${design.data.nrow}), as R weights subset(design, ...); the others have weight 0 in the weighted design`,
  ];
}

/** How a replicate-weight design is re-weighted: its new replicate weights and degrees of freedom. */
export interface ReweightedReplicates {
  replicates: Float64Array[];
  /** R's `degf` after the step (postStratify and rake recompute it; calibrate may keep it). */
  df: number;
  /**
   * `true` when every replicate weight is known to be finite (checked as they were made, see
   * {@link applyReplicateFactors}), so that {@link withStep} need not read them again.
   */
  finite?: boolean;
}

/** New weights made from factors, and what the pass that made them learned of them. */
export interface Applied {
  weights: Float64Array;
  /** `true` when every new weight is finite. */
  finite: boolean;
  /** How many new weights are negative. */
  negative: number;
}

/**
 * New weights: each row's old weight times its unit's factor (`factors[units[i]]`); rows without
 * a unit (−1: outside the rows weighted) get 0. The same pass counts the negative weights and
 * tells whether all are finite (so that neither needs another pass over the rows).
 */
export function applyFactors(
  units: Int32Array,
  oldWeights: Float64Array,
  factors: Float64Array,
): Applied {
  const { replicates, finite, negative } = applyReplicateFactors(units, [oldWeights], [factors]);
  return { weights: replicates[0]!, finite, negative };
}

/**
 * The weighted design: new weights, the step appended; the input is not touched. A linearization
 * design records the step in `calibration` (its variance reads it); a replicate design takes the
 * re-weighted replicates and records the step in `weighting` (its variance needs nothing more).
 * Every new weight must be finite: `finite` (and `reweighted.finite`) tell that they were checked
 * as they were made (see {@link applyFactors}), else they are checked here.
 */
export function withStep<D extends SurveyDesign>(
  design: D,
  weights: Float64Array,
  step: WeightingStep,
  reweighted?: ReweightedReplicates,
  finite = false,
): D {
  if (!finite) checkFiniteWeights(weights, step.method, null);
  if (reweighted?.finite !== true) {
    reweighted?.replicates.forEach((r, k) => {
      checkFiniteWeights(r, step.method, k + 1);
    });
  }
  const warnings = step.notes.length ? [...design.warnings, ...step.notes] : design.warnings;
  if (design.type === 'replicate') {
    if (!reweighted)
      throw new WeightingError(
        'INTERNAL_ERROR',
        'withStep: a replicate design needs its re-weighted replicates (a defect of surveykit)',
        { method: step.method },
      );
    const weighted: ReplicateDesign = {
      ...design,
      weights,
      replicates: reweighted.replicates,
      df: reweighted.df,
      weighting: [...(design.weighting ?? []), step],
      warnings,
    };
    return weighted as D;
  }
  const weighted: LinearizationDesign = {
    ...design,
    weights,
    calibration: [...(design.calibration ?? []), step],
    warnings,
  };
  return weighted as D;
}

/**
 * `NON_FINITE_RESULT` when a weighting step made an infinite or NaN weight (its sums overflowed:
 * weights or population figures near the limits of double precision).
 * @param replicate - The replicate (1-based) the weights are of, or `null` for the full sample.
 */
export function checkFiniteWeights(
  weights: Float64Array,
  method: string,
  replicate: number | null,
): void {
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w - w === 0) continue; // finite
    const of = replicate === null ? 'weight' : `weight of replicate ${replicate}`;
    throw new WeightingError(
      'NON_FINITE_RESULT',
      `${method}: the new ${of} of row ${i + 1} is ${w}: the weighting's sums exceed the range of double-precision numbers (weights or population figures near 1e±308); rescale the weights and the population figures (e.g. to thousands)`,
      { method, row: i + 1, value: w, ...(replicate === null ? {} : { replicate }) },
    );
  }
}

// ---- replicate weights ------------------------------------------------------------------------

/**
 * Per replicate, the sum of its weights in each cell, rows in order (as R's `rowsum`). Two
 * replicates per pass over the rows, their sums side by side: each row's cell is read once for
 * both, and the two running sums do not wait on each other (about a third faster than one pass
 * per replicate). Rows with a negative cell (outside the rows weighted) are left out.
 */
export function replicateCellSums(
  cells: Int32Array,
  nCells: number,
  replicates: readonly Float64Array[],
): Float64Array[] {
  const n = cells.length;
  const R = replicates.length;
  const grouping = knownRowReduction(replicates);
  if (
    grouping?.exact &&
    grouping.group.length === n &&
    grouping.groups * R < n &&
    grouping.groups * nCells <= MAX_GROUP_CELLS
  ) {
    return groupedCellSums(cells, nCells, R, grouping);
  }
  const sums = replicates.map(() => new Float64Array(nCells));
  const pair = new Float64Array(2 * nCells);
  for (let r = 0; r < R; r += 2) {
    const a = replicates[r]!;
    const b = replicates[Math.min(r + 1, R - 1)]!; // (an odd last replicate is summed twice)
    pair.fill(0);
    for (let i = 0; i < n; i++) {
      const c = cells[i]!;
      if (c < 0) continue;
      pair[2 * c]! += a[i]!;
      pair[2 * c + 1]! += b[i]!;
    }
    for (let c = 0; c < nCells; c++) {
      sums[r]![c] = pair[2 * c]!;
      if (r + 1 < R) sums[r + 1]![c] = pair[2 * c + 1]!;
    }
  }
  return sums;
}

/** Largest (cell, group) table of {@link groupedCellSums}. */
const MAX_GROUP_CELLS = 1 << 22;

/**
 * {@link replicateCellSums} when every row of the replicates is its scale s_i times its group's
 * direction u_g to rounding (an exact grouping, see knownRowReduction: replicates made as weights
 * × per-PSU factors): Σ_(i in c) x_ir = Σ_g u_gr Σ_(i in g, c) s_i. One pass over the rows sums s
 * per (cell, group), then cells × groups × replicates products; the replicate weights are not read.
 */
function groupedCellSums(
  cells: Int32Array,
  nCells: number,
  R: number,
  grouping: RowReduction,
): Float64Array[] {
  const { groups: G, group, scale, directions } = grouping;
  const T = new Float64Array(nCells * G);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    const g = group[i]!;
    if (c < 0 || g < 0) continue;
    T[c * G + g]! += scale[i]!;
  }
  const sums: Float64Array[] = [];
  for (let r = 0; r < R; r++) {
    const out = new Float64Array(nCells);
    for (let c = 0; c < nCells; c++) {
      let t = 0;
      for (let g = 0, o = c * G; g < G; g++, o++) t += directions[g * R + r]! * T[o]!;
      out[c] = t;
    }
    sums.push(out);
  }
  return sums;
}

/** Node's `Buffer.allocUnsafeSlow`, when the runtime has it (feature-tested: the core imports no `node:` module). */
const allocUnsafe = (globalThis as { Buffer?: { allocUnsafeSlow?: (size: number) => Uint8Array } })
  .Buffer?.allocUnsafeSlow;

/**
 * A new array of `n` doubles whose entries are NOT set: the caller writes every one before the
 * array is read or returned. `new Float64Array(n)` zeroes its memory (calloc), which the pass
 * that fills it writes again: for 80 replicate weights of 1,000,000 rows that is 640 MB zeroed,
 * about 230 ms on this project's bench machine when malloc hands back memory it freed before
 * (fresh memory from the kernel is zero already, so then nothing is saved). On Node the memory
 * comes from `Buffer.allocUnsafeSlow` (its own, unpooled ArrayBuffer); elsewhere it is zeroed.
 */
function uninitializedDoubles(n: number): Float64Array {
  if (allocUnsafe === undefined || n < 1024) return new Float64Array(n);
  const bytes = allocUnsafe(8 * n);
  return new Float64Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, n);
}

/** Largest buffer {@link uninitializedColumns} carves columns from (bytes). */
const MAX_SHARED = 2 ** 30;

/**
 * `count` arrays of `n` doubles, NOT set (see {@link uninitializedDoubles}), carved from as few
 * buffers as fit in MAX_SHARED bytes each (each array its own range). V8 collects garbage as
 * external memory grows: 80 separate arrays of 8 MB (a replicate rake of 1,000,000 rows) set off
 * about as many collections in every rake, one buffer a few; A/B in one process: 0.86-0.94 of the
 * rake's CPU time. (One array kept alone keeps its whole buffer alive: the replicate weights of
 * a design are kept together anyway.)
 */
function uninitializedColumns(count: number, n: number): Float64Array[] {
  const per = Math.max(1, Math.floor(MAX_SHARED / (8 * Math.max(n, 1))));
  if (allocUnsafe === undefined || n < 1024 || per === 1 || count < 2)
    return Array.from({ length: count }, () => uninitializedDoubles(n));
  const out: Float64Array[] = [];
  for (let r = 0; r < count; r += per) {
    const k = Math.min(per, count - r);
    const bytes = allocUnsafe(8 * n * k);
    for (let j = 0; j < k; j++)
      out.push(new Float64Array(bytes.buffer as ArrayBuffer, bytes.byteOffset + 8 * n * j, n));
  }
  return out;
}

/** Rows per block of {@link applyReplicateFactors} (the block's units stay in L1 cache). */
const BLOCK = 2048;

/**
 * New weights for several weight vectors (e.g. replicates): each one's weights times its factor
 * for the row's unit (`factors[r][units[i]]`; new arrays, the input is not touched); rows without
 * a unit (−1: outside the rows weighted) get 0. One pass over the rows in blocks, every vector
 * done for a block before the next (the units are read once). The same pass counts the negative
 * weights (`negative`, over all vectors) and tells whether all are finite (`finite`).
 */
export function applyReplicateFactors(
  units: Int32Array,
  replicates: readonly Float64Array[],
  factors: readonly Float64Array[],
): { replicates: Float64Array[]; finite: boolean; negative: number } {
  const n = units.length;
  // (every entry is written below, so the memory need not be zeroed first)
  const out = uninitializedColumns(replicates.length, n);
  let finite = true;
  let negative = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let r = 0; r < replicates.length; r++) {
      const w = replicates[r]!;
      const f = factors[r]!;
      const o = out[r]!;
      for (let i = start; i < end; i++) {
        const u = units[i]!;
        const x = u < 0 ? 0 : w[i]! * f[u]!;
        o[i] = x;
        // (branches rather than running sums: they are almost never taken, and nothing waits
        // on the row before)
        if (x - x !== 0) finite = false; // NaN or infinite
        if (x < 0) negative++;
      }
    }
  }
  return { replicates: out, finite, negative };
}

/**
 * The error of a replicate that cannot be weighted: the replicate's own error, its message
 * prefixed with the replicate (1-based) and `details.replicate` set.
 */
export function replicateError(replicate: number, count: number, error: unknown): unknown {
  if (!(error instanceof WeightingError)) return error;
  return new WeightingError(
    error.code,
    `replicate ${replicate + 1} of ${count} cannot be weighted (each replicate's weights are fitted to the population on their own, as R does): ${error.message}`,
    { ...error.details, replicate: replicate + 1 },
  );
}

/**
 * Runs `weigh` for every replicate in order; an error of one becomes {@link replicateError}.
 */
export function forEachReplicate<T>(count: number, weigh: (r: number) => T): T[] {
  const out: T[] = [];
  for (let r = 0; r < count; r++) {
    try {
      out.push(weigh(r));
    } catch (e) {
      throw replicateError(r, count, e);
    }
  }
  return out;
}

/** Names of duplicated entries, for option checks. */
export function firstDuplicate(values: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return null;
}
