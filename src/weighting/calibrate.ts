/**
 * `calibrate`: generalized raking (R's `calibrate` with `grake`): linear (GREG), raking and
 * logit distances, with bounds on the g-weights.
 * @module
 */
import { replicateDegf } from '../design/replicate.js';
import { reweightedReplicateRank } from '../design/reweighted-rank.js';
import { ldexp } from '../design/scale.js';
import type { SurveyDesign } from '../design/types.js';
import type {
  CalibrateStep,
  CalibrationFunction,
  Margin,
  NumericTotal,
} from '../design/weighting-history.js';
import { WeightingError } from '../errors.js';
import { limitOption, tooLargeMessage } from '../limits.js';
import {
  applyFactors,
  applyReplicateFactors,
  type Cells,
  checkDesign,
  crossCells,
  type Dimension,
  domainNote,
  emptyCell,
  firstDuplicate,
  forEachReplicate,
  levelSums,
  numericVariable,
  positiveOption,
  type ReweightedReplicates,
  replicateCellSums,
  weightingRows,
  withStep,
} from './common.js';
import { GINV_TOL, matVec, pinvSym } from './linalg.js';
import { marginFigures, resolveMargins } from './rake.js';
import { figures, weighScaled } from './scaled.js';

/** Options of {@link calibrate}. */
export interface CalibrateOptions {
  /** Population margins of categorical variables (at least one: it gives the population size). */
  margins: Margin[];
  /** Population totals of numeric variables (optional). */
  totals?: NumericTotal[];
  /** Distance: `'linear'` (GREG), `'raking'` (multiplicative), `'logit'` (needs `bounds`). */
  calfun: CalibrationFunction;
  /** Bounds [lower, upper] on the g-weights (new / old weight), with lower < 1 < upper. */
  bounds?: [number, number];
  /** Most Newton iterations (default 50, as R). */
  maxIter?: number;
  /** Convergence: |misfit| / (1 + |population total|) below this for every total (default 1e-10). */
  epsilon?: number;
  /**
   * Most columns of the calibration model: the intercept, each margin's levels after the first
   * and the numeric totals (default 500; `Infinity` lifts it). Its solve takes time growing as
   * the cube of the columns, once per Newton iteration and once for the variance: a larger model
   * is a `TOO_LARGE` error before any work.
   */
  maxModelColumns?: number;
}

const CALFUNS: readonly CalibrationFunction[] = ['linear', 'raking', 'logit'];

/**
 * Calibrates a design: g-weights g_i = 1 + F(x_i'η) (F from the distance `calfun`) such that the
 * weighted totals of the model columns equal the population's, as R's `calibrate()` computes
 * them. The model is R's `~ var1 + var2 + ... + num1 + ...`: an intercept, one indicator per
 * level of each margin variable after its first, and each numeric variable. Linear calibration
 * without bounds is solved directly (R's `regcalibrate`); otherwise by R's Newton iterations
 * (`grake`, including its step halving and its rescaling of weights that are far too small).
 * Standard errors on the result account for the calibration as R's do (residuals on the model).
 *
 * Raking calibration to margins gives the same weights as {@link rake}; its standard errors use
 * the regression residuals and can differ slightly from those of `rake` when the weights are
 * unequal (as in R). Linear calibration can give negative weights (noted in the step). Rows with
 * the same model row (cell and numeric values) are one unit, so the iterations run on distinct
 * model rows. A design with a domain ({@link subset}) has only its domain's respondents
 * calibrated, as R's `calibrate(subset(design, ...), ...)`; the others get weight 0 and the
 * domain is kept (see {@link postStratify}).
 *
 * On a replicate-weight design ({@link svyRepDesign}, {@link asRepDesign}) every replicate's
 * weights are calibrated to the same totals too, each with its own g-weights and the same
 * distance, bounds and convergence rule (R's `calibrate.svyrep.design`), so standard errors come
 * from the re-weighted replicates. The degrees of freedom are kept (those of the domain, for a
 * domain), except after linear calibration without bounds, where R (`regcalibrate`) recomputes
 * them. A replicate that cannot
 * be calibrated is an error naming it (R only warns and keeps its unfitted weights).
 *
 * @param design - The design to calibrate (or a domain of it: only the domain is weighted).
 * @param opts - The population totals (margins and numeric totals), the distance (`calfun`), bounds
 *   on the weight ratios and the iteration settings: see {@link CalibrateOptions}.
 * @throws {WeightingError} the margin errors of {@link rake}; `NOT_NUMERIC` for a total of a
 *   categorical variable; `INFEASIBLE_BOUNDS` when the bounds cannot be met (a level needs a
 *   g-weight outside them, or the iterations fail within the bounds); `NOT_CONVERGED` when
 *   unbounded iterations fail; `BAD_OPTION`; `UNSUPPORTED_DESIGN`. On a replicate design, the
 *   same errors for a replicate, with `details.replicate` its number (1-based).
 * @example
 * ```ts
 * const data = fromColumns({ sex: ['F', 'F', 'M', 'M', 'M'], y: [1, 2, 3, 4, 5] });
 * const d = calibrate(svyDesign(data), {
 *   margins: [{ variable: 'sex', population: { F: 60, M: 40 } }],
 *   calfun: 'linear',
 * });
 * console.log(svyTotal(d, 'sex').map((r) => r.estimate.toFixed(6)).join(' ')); // => 60.000000 40.000000
 *
 * // A replicate design: each replicate gets its own g-weights.
 * const rep = svyRepDesign(fromColumns({ sex: column(data, 'sex'), r1: [2, 0, 1, 1, 1], r2: [0, 2, 1, 1, 1] }), {
 *   repweights: ['r1', 'r2'], type: 'bootstrap',
 * });
 * const rc = calibrate(rep, { margins: [{ variable: 'sex', population: { F: 60, M: 40 } }], calfun: 'raking' });
 * console.log(Array.from(rc.replicates[0], (w) => +w.toFixed(4)).join(' ')); // => 60 0 13.3333 13.3333 13.3333
 * ```
 */
export function calibrate<D extends SurveyDesign>(design: D, opts: CalibrateOptions): D {
  checkDesign(design, 'calibrate');
  const totals = Array.isArray(opts?.totals)
    ? figures(opts.totals.map((t) => (t as { total?: unknown } | null)?.total))
    : [];
  const values = [...marginFigures(opts?.margins), ...totals];
  return weighScaled(design, values, (working, k) => calibrateOn(working, opts, k));
}

/**
 * {@link calibrate} on weights and population totals times 2^-k (see {@link weighScaled}; the
 * g-weights and their bounds do not change).
 */
function calibrateOn<D extends SurveyDesign>(design: D, opts: CalibrateOptions, k: number): D {
  const calfun = opts?.calfun;
  if (!CALFUNS.includes(calfun)) {
    throw new WeightingError(
      'BAD_OPTION',
      `calfun must be one of ${CALFUNS.join(', ')}; got ${String(calfun)}`,
      { value: calfun },
    );
  }
  const maxIter = positiveOption('maxIter', opts.maxIter, 50, true);
  const maxModelColumns = limitOption(
    'maxModelColumns',
    opts.maxModelColumns,
    (message) =>
      new WeightingError('BAD_OPTION', message, {
        option: 'maxModelColumns',
        value: opts.maxModelColumns,
      }),
  );
  const epsilon = positiveOption('epsilon', opts.epsilon, 1e-10);
  const [lower, upper] = checkBounds(opts.bounds, calfun);
  const bounded = lower > Number.NEGATIVE_INFINITY || upper < Number.POSITIVE_INFINITY;

  const { dims, targets, notes: marginNotes } = resolveMargins(design, opts.margins, k);
  const totals = opts.totals ?? [];
  const dupTotal = firstDuplicate([
    ...dims.map((d) => d.variable),
    ...totals.map((t) => t?.variable),
  ]);
  if (dupTotal !== null) {
    throw new WeightingError('DUPLICATE_LEVEL', `variable "${dupTotal}" is given twice`, {
      variable: dupTotal,
    });
  }
  const rows = weightingRows(design, 'calibrate');
  const numerics = totals.map((t) => {
    const col = numericVariable(design, t.variable);
    if (typeof t.total !== 'number' || !Number.isFinite(t.total)) {
      throw new WeightingError(
        'BAD_POPULATION_COUNT',
        `the population total of "${t.variable}" must be a finite number; got ${String(t.total)}`,
        { variable: t.variable, value: t.total },
      );
    }
    let missing = 0;
    let first = -1;
    for (let i = 0; i < col.values.length; i++) {
      if (rows !== null && rows[i] === 0) continue;
      if (Number.isNaN(col.values[i]!) && missing++ === 0) first = i;
    }
    if (missing > 0) {
      throw new WeightingError(
        'MISSING_WEIGHTING_VALUE',
        `calibration variable "${t.variable}" is missing for ${missing} respondent(s) (first at row ${first + 1}); every respondent needs a value`,
        { variable: t.variable, count: missing, row: first + 1 },
      );
    }
    return col.values;
  });

  const oldWeights = design.weights;
  const m = dims.length;
  const cells = crossCells(dims, oldWeights, rows);

  // Model columns as R's model.matrix names them: the intercept, then per margin its levels after
  // the first in the variable's own level order, then the numeric variables.
  const columns = ['(Intercept)'];
  const population: number[] = [];
  let N = 0;
  for (const t of targets[0]!) N += t;
  population.push(N);
  const dummyOf: Int32Array[] = []; // per margin: target level -> model column (-1 reference)
  for (let j = 0; j < m; j++) {
    const d = dims[j]!;
    const order = d.levels
      .map((_, l) => l)
      .sort(
        (a, b) => d.column.levels.indexOf(d.levels[a]!) - d.column.levels.indexOf(d.levels[b]!),
      );
    const map = new Int32Array(d.levels.length).fill(-1);
    for (const l of order.slice(1)) {
      map[l] = columns.length;
      columns.push(`${d.variable}${d.levels[l]}`);
      population.push(targets[j]![l]!);
    }
    dummyOf.push(map);
  }
  const firstNumeric = columns.length;
  for (const t of totals) {
    columns.push(t.variable);
    population.push(ldexp(t.total, -k));
  }
  const p = columns.length;
  if (p > maxModelColumns) {
    throw new WeightingError(
      'TOO_LARGE',
      `calibrate: ${tooLargeMessage("a calibration model (the intercept, each margin's levels after the first, the numeric totals) of", p, 'columns', 'maxModelColumns', maxModelColumns)} (its solve takes time growing as the cube of the columns)`,
      { value: p, limit: maxModelColumns, option: 'maxModelColumns' },
    );
  }

  // Units: rows sharing a model row (the same cell and the same numeric values). Without numeric
  // variables a unit is a cell.
  const units = numerics.length === 0 ? null : modelUnits(cells, numerics);
  const nUnits = units ? units.nUnits : cells.nCells;
  const rowUnits = units ? units.units : cells.cells;
  const unitCell = units ? units.unitCell : null;
  const unitX = new Float64Array(nUnits * p);
  for (let u = 0; u < nUnits; u++) {
    fillCellRow(unitX, u, unitCell ? unitCell[u]! : u, p, m, cells.cellLevels, dummyOf);
  }
  if (units) {
    for (let u = 0; u < nUnits; u++) {
      const row = units.unitRow[u]!;
      for (let k = 0; k < numerics.length; k++)
        unitX[u * p + firstNumeric + k] = numerics[k]![row]!;
    }
  }
  const unitWeights = (w: Float64Array) =>
    units ? replicateCellSums(rowUnits, nUnits, [w])[0]! : cells.sumW;

  const pop = Float64Array.from(population);
  const linear = calfun === 'linear' && !bounded;
  /** The g-weights of units with weights W (per unit), or the error why they cannot be found. */
  const solve = (W: Float64Array) => {
    checkLevelsMet(W, unitCell, cells, dims, targets, k);
    const fit = linear
      ? linearCalibration(unitX, W, pop, nUnits, p)
      : grake(
          unitX,
          W,
          pop,
          nUnits,
          p,
          calfun,
          lower,
          upper,
          epsilon,
          maxIter,
          dims,
          targets,
          dummyOf,
          k,
        );
    const achieved = misfitOf(unitX, W, fit.g, pop, nUnits, p);
    if (!(achieved.max < epsilon)) {
      const column = columns[achieved.column]!;
      const weighted = ldexp(achieved.weighted, k);
      const target = ldexp(pop[achieved.column]!, k);
      const base = `calibration (${calfun}${bounded ? `, bounds [${lower}, ${upper}]` : ''}) did not meet the totals after ${fit.iterations} iteration(s): ${column} is weighted to ${weighted} against ${target} (misfit ${achieved.max.toExponential(2)} relative to 1 + total, epsilon ${epsilon})`;
      if (bounded) {
        throw new WeightingError(
          'INFEASIBLE_BOUNDS',
          `${base}; the bounds are probably too tight: widen them`,
          {
            column,
            value: weighted,
            population: target,
            bounds: [lower, upper],
            iterations: fit.iterations,
            misfit: achieved.max,
          },
        );
      }
      throw new WeightingError(
        'NOT_CONVERGED',
        `${base}; the calibration variables may be collinear in the sample, or the totals impossible to reach`,
        {
          column,
          value: weighted,
          population: target,
          iterations: fit.iterations,
          misfit: achieved.max,
        },
      );
    }
    return { ...fit, maxMisfit: achieved.max };
  };

  const fit = solve(unitWeights(oldWeights));
  const g = fit.g;
  const { weights, finite, negative } = applyFactors(rowUnits, oldWeights, g);
  const notes = [...domainNote(design), ...marginNotes, ...fit.notes];
  if (negative > 0) {
    notes.push(
      `calibrate: ${negative} weight(s) are negative (linear calibration does not keep weights positive; use bounds, or calfun 'raking' or 'logit')`,
    );
  }

  // Replicate designs: every replicate calibrated with its own weights (R's
  // calibrate.svyrep.design); R recomputes degf after linear calibration without bounds only.
  let reweighted: ReweightedReplicates | undefined;
  let replicateRecord: CalibrateStep['replicates'];
  if (design.type === 'replicate') {
    const R = design.replicates.length;
    const sums = replicateCellSums(rowUnits, nUnits, design.replicates);
    const iterations = new Int32Array(R);
    const repNotes = new Set<string>();
    const gs = forEachReplicate(R, (r) => {
      const f = solve(sums[r]!);
      iterations[r] = f.iterations;
      for (const note of f.notes) repNotes.add(note);
      return f.g;
    });
    const applied = applyReplicateFactors(rowUnits, design.replicates, gs);
    const { replicates, finite, negative: repNegative } = applied;
    if (repNegative > 0) {
      notes.push(
        `calibrate: ${repNegative} replicate weight(s) are negative (linear calibration does not keep weights positive)`,
      );
    }
    for (const note of repNotes) notes.push(`in replicates: ${note}`);
    reweighted = {
      replicates,
      df: linear
        ? reweightedReplicateRank(design.replicates, rowUnits, gs, replicates) - 1
        : replicateDegf(design),
      finite,
    };
    replicateRecord = { count: R, iterations, notConverged: [] };
  }

  const step: CalibrateStep = {
    method: 'calibrate',
    calfun,
    bounds: [lower, upper],
    columns,
    population: pop,
    units: rowUnits,
    unitX,
    g,
    maxMisfit: fit.maxMisfit,
    iterations: fit.iterations,
    converged: true,
    oldWeights,
    weights,
    notes,
    rows,
    ...(replicateRecord ? { replicates: replicateRecord } : {}),
  };
  return withStep(design, weights, step, reweighted, finite);
}

/**
 * Every level of every margin needs weight: the units' weights `W` summed per level (units are
 * cells, or nest in the cells `unitCell`; targets times 2^-k).
 */
function checkLevelsMet(
  W: Float64Array,
  unitCell: Int32Array | null,
  cells: Cells,
  dims: Dimension[],
  targets: Float64Array[],
  k: number,
): void {
  let cellW = W;
  if (unitCell) {
    cellW = new Float64Array(cells.nCells);
    for (let u = 0; u < W.length; u++) cellW[unitCell[u]!]! += W[u]!;
  }
  const m = dims.length;
  for (let j = 0; j < m; j++) {
    const L = dims[j]!.levels.length;
    const sums = levelSums(cells, m, j, L, cellW);
    for (let l = 0; l < L; l++) {
      if (!(sums[l]! > 0)) {
        const counts = levelSums(cells, m, j, L, cells.count);
        const count = ldexp(targets[j]![l]!, k);
        throw emptyCell(dims[j]!.variable, dims[j]!.levels[l]!, count, counts[l]!);
      }
    }
  }
}

/** Rows grouped by their model row: the cell and the values of the numeric variables. */
interface ModelUnits {
  nUnits: number;
  /** Per row: its unit. */
  units: Int32Array;
  /** Per unit: its cell. */
  unitCell: Int32Array;
  /** Per unit: its first row. */
  unitRow: Int32Array;
}

/**
 * Groups rows with the same cell and the same numeric values into units (one pass, open
 * addressing on the bits of the values), so that calibration iterates over distinct model rows.
 */
function modelUnits(cells: Cells, numerics: Float64Array[]): ModelUnits {
  const n = cells.cells.length;
  const k = numerics.length;
  let size = 1024;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const units = new Int32Array(n);
  const unitRow = new Int32Array(n);
  const unitCell = new Int32Array(n);
  const bits = new Float64Array(1);
  const words = new Int32Array(bits.buffer);
  let nUnits = 0;
  for (let i = 0; i < n; i++) {
    const cell = cells.cells[i]!;
    if (cell < 0) {
      units[i] = -1; // outside the rows weighted
      continue;
    }
    let h = Math.imul(cell ^ 0x9e3779b9, 0x85ebca6b);
    for (let j = 0; j < k; j++) {
      bits[0] = numerics[j]![i]!;
      h = Math.imul(h ^ words[0]!, 0xcc9e2d51);
      h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
      h = Math.imul(h ^ words[1]!, 0xcc9e2d51);
      h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    let slot = h & mask;
    for (;;) {
      const u = table[slot]!;
      if (u < 0) {
        table[slot] = nUnits;
        unitRow[nUnits] = i;
        unitCell[nUnits] = cell;
        units[i] = nUnits++;
        break;
      }
      const r = unitRow[u]!;
      let same = unitCell[u] === cell;
      for (let j = 0; same && j < k; j++) same = Object.is(numerics[j]![r], numerics[j]![i]);
      if (same) {
        units[i] = u;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return {
    nUnits,
    units,
    unitCell: unitCell.slice(0, nUnits),
    unitRow: unitRow.slice(0, nUnits),
  };
}

function fillCellRow(
  x: Float64Array,
  row: number,
  cell: number,
  p: number,
  m: number,
  cellLevels: Int32Array,
  dummyOf: Int32Array[],
): void {
  x[row * p] = 1;
  for (let j = 0; j < m; j++) {
    const col = dummyOf[j]![cellLevels[cell * m + j]!]!;
    if (col >= 0) x[row * p + col] = 1;
  }
}

function checkBounds(
  bounds: [number, number] | undefined,
  calfun: CalibrationFunction,
): [number, number] {
  if (bounds === undefined) {
    if (calfun === 'logit') {
      throw new WeightingError(
        'BAD_OPTION',
        "logit calibration needs finite bounds, e.g. bounds: [0.5, 2] (R: 'Logit calibration requires finite bounds')",
        {},
      );
    }
    return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  }
  const [lower, upper] = Array.isArray(bounds) ? bounds : [Number.NaN, Number.NaN];
  if (
    !Array.isArray(bounds) ||
    bounds.length !== 2 ||
    typeof lower !== 'number' ||
    typeof upper !== 'number' ||
    Number.isNaN(lower) ||
    Number.isNaN(upper) ||
    !(lower < 1 && upper > 1)
  ) {
    throw new WeightingError(
      'BAD_OPTION',
      `bounds on the g-weights must be [lower, upper] with lower < 1 < upper; got ${JSON.stringify(bounds)}`,
      { value: bounds },
    );
  }
  if (calfun === 'logit' && !(Number.isFinite(lower) && Number.isFinite(upper))) {
    throw new WeightingError('BAD_OPTION', 'logit calibration needs finite bounds', {
      value: bounds,
    });
  }
  return [lower, upper];
}

interface Fit {
  g: Float64Array;
  iterations: number;
  notes: string[];
}

/** R's `regcalibrate`: g = 1 + X (Σ w x xᵀ)⁻¹ (T − Σ w x), in one step. */
function linearCalibration(
  X: Float64Array,
  W: Float64Array,
  pop: Float64Array,
  nUnits: number,
  p: number,
): Fit {
  const T = new Float64Array(p * p);
  const sample = new Float64Array(p);
  for (let u = 0; u < nUnits; u++) {
    const w = W[u]!;
    if (w === 0) continue;
    const o = u * p;
    for (let a = 0; a < p; a++) {
      const xa = X[o + a]!;
      if (xa === 0) continue;
      sample[a]! += w * xa;
      for (let b = 0; b < p; b++) T[a * p + b]! += w * xa * X[o + b]!;
    }
  }
  const rhs = pop.map((t, a) => t - sample[a]!);
  const lambda = matVec(pinvSym(T, p), rhs, p);
  const g = new Float64Array(nUnits);
  for (let u = 0; u < nUnits; u++) {
    let s = 0;
    for (let a = 0; a < p; a++) s += X[u * p + a]! * lambda[a]!;
    g[u] = 1 + s;
  }
  return { g, iterations: 1, notes: [] };
}

/** F(u) − 1 and its derivative for a distance (R's `cal.linear`, `cal.raking`, `cal.logit`). */
function distance(
  calfun: CalibrationFunction,
  L: number,
  U: number,
): { Fm1: (u: number) => number; dF: (u: number) => number } {
  if (calfun === 'linear') {
    return {
      Fm1: (u) => Math.min(Math.max(u + 1, L), U) - 1,
      dF: (u) => (u < U - 1 && u > L - 1 ? 1 : 0),
    };
  }
  if (calfun === 'raking') {
    return {
      Fm1: (u) => Math.min(Math.max(Math.exp(u), L), U) - 1,
      dF: (u) => (u < U - 1 && u > L - 1 ? Math.exp(u) : 0),
    };
  }
  const A = (U - L) / ((U - 1) * (1 - L));
  return {
    Fm1: (u) => {
      const eAu = Math.exp(A * u);
      return (L * (U - 1) + U * (1 - L) * eAu) / (U - 1 + (1 - L) * eAu) - 1;
    },
    dF: (u) => {
      const eAu = Math.exp(A * u);
      const den = U - 1 + (1 - L) * eAu;
      return (
        (U * (1 - L) * eAu * A) / den -
        ((L * (U - 1) + U * (1 - L) * eAu) * ((1 - L) * eAu * A)) / (den * den)
      );
    },
  };
}

/** R's `grake`: Newton iterations on η with step halving, at the level of units. */
function grake(
  X: Float64Array,
  W0: Float64Array,
  pop: Float64Array,
  nUnits: number,
  p: number,
  calfun: CalibrationFunction,
  L: number,
  U: number,
  epsilon: number,
  maxIter: number,
  dims: ReturnType<typeof resolveMargins>['dims'],
  targets: Float64Array[],
  dummyOf: Int32Array[],
  k = 0,
): Fit {
  const { Fm1, dF } = distance(calfun, L, U);
  const notes: string[] = [];
  const sampleTotal = new Float64Array(p);
  for (let u = 0; u < nUnits; u++) {
    for (let a = 0; a < p; a++) sampleTotal[a]! += X[u * p + a]! * W0[u]!;
  }
  // R: weights far below the population (every total > 20 times the sample's) are rescaled first.
  let minScale = Number.POSITIVE_INFINITY;
  let sumScale = 0;
  for (let a = 0; a < p; a++) {
    const s = pop[a]! / sampleTotal[a]!;
    minScale = Math.min(minScale, s);
    sumScale += s;
  }
  let scale = 1;
  let W = W0;
  if (minScale > 20) {
    scale = sumScale / p;
    W = W0.map((w) => w * scale);
    for (let a = 0; a < p; a++) sampleTotal[a]! *= scale;
    notes.push(
      `calibrate: the sampling weights were rescaled by ${scale.toPrecision(3)} before calibrating (as R does when every total is over 20 times the sample's)${Number.isFinite(L) || Number.isFinite(U) ? '; the bounds apply to the rescaled weights' : ''}`,
    );
  }
  checkFeasible(W, dims, targets, dummyOf, X, nUnits, p, L, U, k);

  const eta = new Float64Array(p);
  const xeta = new Float64Array(nUnits);
  const g = new Float64Array(nUnits);
  const deriv = new Float64Array(nUnits);
  const evaluate = () => {
    let finite = true;
    for (let u = 0; u < nUnits; u++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += X[u * p + a]! * eta[a]!;
      xeta[u] = s;
      g[u] = 1 + Fm1(s);
      deriv[u] = dF(s);
      if (!Number.isFinite(g[u]!) || !Number.isFinite(deriv[u]!)) finite = false;
    }
    return finite;
  };
  const misfitVector = () => {
    const mis = Float64Array.from(pop);
    for (let a = 0; a < p; a++) mis[a]! -= sampleTotal[a]!;
    for (let u = 0; u < nUnits; u++) {
      const f = W[u]! * (g[u]! - 1);
      if (f === 0) continue;
      for (let a = 0; a < p; a++) mis[a]! -= X[u * p + a]! * f;
    }
    return mis;
  };
  evaluate();
  let iter = 1;
  const T = new Float64Array(p * p);
  for (;;) {
    T.fill(0);
    for (let u = 0; u < nUnits; u++) {
      const f = W[u]! * deriv[u]!;
      if (f === 0) continue;
      const o = u * p;
      for (let a = 0; a < p; a++) {
        const xa = X[o + a]! * f;
        if (xa === 0) continue;
        for (let b = 0; b < p; b++) T[a * p + b]! += xa * X[o + b]!;
      }
    }
    const deta = matVec(pinvSym(T, p, GINV_TOL), misfitVector(), p);
    for (let a = 0; a < p; a++) eta[a]! += deta[a]!;
    let finite = evaluate();
    while (iter < maxIter && !finite) {
      iter++;
      for (let a = 0; a < p; a++) {
        deta[a]! /= 2;
        eta[a]! -= deta[a]!;
      }
      finite = evaluate();
    }
    const mis = misfitVector();
    let ok = true;
    for (let a = 0; a < p; a++)
      if (!(Math.abs(mis[a]!) / (1 + Math.abs(pop[a]!)) < epsilon)) ok = false;
    if (ok) break;
    iter++;
    if (iter > maxIter) break;
  }
  if (scale !== 1) for (let u = 0; u < nUnits; u++) g[u]! *= scale;
  return { g, iterations: Math.min(iter, maxIter), notes };
}

/**
 * A level whose g-weights would all have to leave the bounds: the bounds cannot be met (targets
 * times 2^-k, shown times 2^k).
 */
function checkFeasible(
  W: Float64Array,
  dims: ReturnType<typeof resolveMargins>['dims'],
  targets: Float64Array[],
  dummyOf: Int32Array[],
  X: Float64Array,
  nUnits: number,
  p: number,
  L: number,
  U: number,
  k: number,
): void {
  if (L === Number.NEGATIVE_INFINITY && U === Number.POSITIVE_INFINITY) return;
  for (let j = 0; j < dims.length; j++) {
    const d = dims[j]!;
    const map = dummyOf[j]!;
    // Weight per level: the reference level is the total minus the other levels.
    let total = 0;
    for (let u = 0; u < nUnits; u++) total += W[u]!;
    const sums = new Float64Array(d.levels.length);
    for (let l = 0; l < d.levels.length; l++) {
      const col = map[l]!;
      if (col < 0) continue;
      let s = 0;
      for (let u = 0; u < nUnits; u++) s += X[u * p + col]! * W[u]!;
      sums[l] = s;
    }
    const ref = map.indexOf(-1);
    let others = 0;
    for (let l = 0; l < d.levels.length; l++) if (l !== ref) others += sums[l]!;
    sums[ref] = total - others;
    for (let l = 0; l < d.levels.length; l++) {
      const need = targets[j]![l]! / sums[l]!;
      if (need < L * (1 - 1e-12) || need > U * (1 + 1e-12)) {
        const population = ldexp(targets[j]![l]!, k);
        throw new WeightingError(
          'INFEASIBLE_BOUNDS',
          `${d.variable} = "${d.levels[l]}" needs its weights multiplied by ${need.toPrecision(6)} on average to reach ${population}, outside the bounds [${L}, ${U}]; widen the bounds`,
          {
            variable: d.variable,
            level: d.levels[l],
            value: need,
            population,
            bounds: [L, U],
          },
        );
      }
    }
  }
}

/** Largest |misfit| / (1 + |total|) of the final weights, and where. */
function misfitOf(
  X: Float64Array,
  W: Float64Array,
  g: Float64Array,
  pop: Float64Array,
  nUnits: number,
  p: number,
): { max: number; column: number; weighted: number } {
  const totals = new Float64Array(p);
  for (let u = 0; u < nUnits; u++) {
    const w = W[u]! * g[u]!;
    for (let a = 0; a < p; a++) totals[a]! += X[u * p + a]! * w;
  }
  let worst = { max: -1, column: 0, weighted: 0 };
  for (let a = 0; a < p; a++) {
    const d = Math.abs(totals[a]! - pop[a]!) / (1 + Math.abs(pop[a]!));
    if (!(d <= worst.max)) worst = { max: d, column: a, weighted: totals[a]! };
  }
  return worst;
}
