/**
 * `rake`: iterative proportional fitting of the weights to several population margins
 * (R's `rake`), computed on the table of cross-classified cells rather than on respondents.
 * @module
 */
import { reweightedReplicateRank } from '../design/reweighted-rank.js';
import { ldexp } from '../design/scale.js';
import type { SurveyDesign } from '../design/types.js';
import type { Margin, RakeStep } from '../design/weighting-history.js';
import { WeightingError } from '../errors.js';
import {
  applyFactors,
  applyReplicateFactors,
  checkCount,
  checkDesign,
  checkMarginTotals,
  crossCells,
  type Dimension,
  dimension,
  domainNote,
  emptyCell,
  firstDuplicate,
  forEachReplicate,
  levelSums,
  positiveOption,
  type ReweightedReplicates,
  replicateCellSums,
  weightingRows,
  withStep,
} from './common.js';
import { figures, weighScaled } from './scaled.js';

/** Options of {@link rake}. */
export interface RakeOptions {
  /** Most sweeps over the margins (default 1000). */
  maxIter?: number;
  /**
   * Convergence: every level of every margin within this relative distance of its population
   * count (default 1e-12). A sweep that no longer changes the weights beyond rounding ends the
   * iterations: converged if every margin is then within 1e-9 (the rounding floor of a large
   * table), not converged otherwise.
   */
  epsilon?: number;
  /**
   * When the margins are not all met after `maxIter` sweeps: `false` (default) throws
   * `NOT_CONVERGED`; `true` returns the last iterate, its step marked `converged: false`.
   */
  partial?: boolean;
}

/** Sweeps are cheap (they run on the cell table), so the default is generous. */
const DEFAULT_MAX_ITER = 1000;
const DEFAULT_EPSILON = 1e-12;
/** Largest relative change of a cell factor in a sweep at the floating-point fixed point. */
const FIXED_POINT = 4 * Number.EPSILON;
/** At a fixed point, margins within this are met as closely as double precision allows. */
const ROUNDING_FLOOR = 1e-9;

/**
 * Rakes a design to population margins: the weights are post-stratified to each margin in turn,
 * sweep after sweep, until every level of every margin is within `epsilon` (relative) of its
 * population count (R's `rake`; R's own stopping rule differs: it stops when the weighted table
 * changes by less than its `epsilon` between sweeps). Standard errors on the result account for
 * the raking as R's do.
 *
 * The iterations run on the table of cells of the cross-classification of the margin variables:
 * one pass over the respondents tabulates the weights per cell, the sweeps adjust a factor per
 * cell, and one pass applies them. Every respondent needs a value of each margin variable. A
 * design with a domain ({@link subset}) has only its domain's respondents raked, as R's
 * `rake(subset(design, ...), ...)`; the others get weight 0 and the domain is kept (see
 * {@link postStratify}).
 *
 * On a replicate-weight design ({@link svyRepDesign}, {@link asRepDesign}) every replicate's
 * weights are raked to the same margins too, each to its own convergence (R's `rake` on an
 * `svyrep.design` gives every replicate as many sweeps as the full sample needed), so standard
 * errors come from the re-weighted replicates; the degrees of freedom are recomputed as R's
 * `degf()` does. One blocked pass over the rows tabulates every replicate's cell totals, the
 * sweeps run on those small tables, and one pass applies the factors. With `partial: true` a
 * replicate that does not converge keeps its last iterate (listed in the step's
 * `replicates.notConverged`). The step is recorded in `design.weighting`.
 *
 * @param design - The design to weight (or a domain of it: only the domain is weighted).
 * @param margins - The population count of every level of each raking variable (one {@link Margin}
 *   per variable).
 * @param opts - Iteration limit, tolerance, and `partial` to keep the last iterate when raking does
 *   not converge: see {@link RakeOptions}.
 * @throws {WeightingError} `UNKNOWN_VARIABLE`, `NOT_CATEGORICAL`, `MISSING_WEIGHTING_VALUE`,
 *   `MISSING_POPULATION_LEVEL`, `EMPTY_CELL`, `INCONSISTENT_MARGINS` (margins that do not sum to
 *   the same total, relative tolerance 1e-6), `BAD_POPULATION_COUNT`, `DUPLICATE_LEVEL`,
 *   `NOT_CONVERGED` (naming the margin and level furthest off), `BAD_OPTION`,
 *   `UNSUPPORTED_DESIGN`. On a replicate design, `EMPTY_CELL` and `NOT_CONVERGED` also for a
 *   replicate, with `details.replicate` its number (1-based).
 * @example
 * ```ts
 * const data = fromColumns({
 *   sex: ['F', 'F', 'M', 'M', 'M', 'F'],
 *   age: ['young', 'old', 'young', 'old', 'old', 'young'],
 * });
 * const d = rake(svyDesign(data), [
 *   { variable: 'sex', population: { F: 50, M: 50 } },
 *   { variable: 'age', population: { young: 40, old: 60 } },
 * ]);
 * console.log(svyTotal(d, 'sex').map((r) => r.estimate.toFixed(6)).join(' ')); // => 50.000000 50.000000
 * console.log(svyTotal(d, 'age').map((r) => `${r.level}=${r.estimate.toFixed(6)}`).join(' ')); // => young=40.000000 old=60.000000
 *
 * // A replicate design: every replicate is raked to the margins with its own weights.
 * const jk = svyRepDesign(
 *   fromColumns({ sex: column(data, 'sex'), age: column(data, 'age'), r1: [2, 1, 1, 2, 1, 1], r2: [1, 1, 2, 1, 1, 2] }),
 *   { repweights: ['r1', 'r2'], type: 'bootstrap' },
 * );
 * const rj = rake(jk, [
 *   { variable: 'sex', population: { F: 50, M: 50 } },
 *   { variable: 'age', population: { young: 40, old: 60 } },
 * ]);
 * console.log(rj.replicates.every((w) => Math.abs(w.reduce((a, b) => a + b) - 100) < 1e-9)); // => true
 * ```
 */
export function rake<D extends SurveyDesign>(
  design: D,
  margins: Margin[],
  opts: RakeOptions = {},
): D {
  checkDesign(design, 'rake');
  return weighScaled(design, marginFigures(margins), (working, k) =>
    rakeOn(working, margins, opts, k),
  );
}

/** The population counts of margins, as given (for {@link weighScaled}). */
export function marginFigures(margins: unknown): number[] {
  if (!Array.isArray(margins)) return [];
  return figures(
    margins.flatMap((mg: { population?: unknown } | null) =>
      mg && typeof mg.population === 'object' && mg.population !== null
        ? Object.values(mg.population)
        : [],
    ),
  );
}

/** {@link rake} on weights and population counts times 2^-k (see {@link weighScaled}). */
function rakeOn<D extends SurveyDesign>(
  design: D,
  margins: Margin[],
  opts: RakeOptions,
  k: number,
): D {
  const maxIter = positiveOption('maxIter', opts.maxIter, DEFAULT_MAX_ITER, true);
  const epsilon = positiveOption('epsilon', opts.epsilon, DEFAULT_EPSILON);
  const partial = opts.partial ?? false;
  const { dims, targets, notes: marginNotes } = resolveMargins(design, margins, k);
  const oldWeights = design.weights;
  const rows = weightingRows(design, 'rake');
  const cells = crossCells(dims, oldWeights, rows);
  checkLevels(dims, targets, cells, k);

  const fitted = rakeTable(cells, dims, targets, cells.sumW, maxIter, epsilon);
  const { F, sweepFactors, iterations, fit, converged } = fitted;
  const worst = worstLevel(dims, targets, fit, k);
  const notes = [...domainNote(design), ...marginNotes];
  if (!converged) {
    const message = notConvergedMessage(fitted, worst, epsilon);
    if (!partial) throw notConverged(message, worst, fitted);
    notes.push(`${message}; the last iterate was kept (partial: true)`);
  }

  // Replicate designs: every replicate raked to the margins with its own weights, on the same
  // cell table (R's rake on an svyrep.design post-stratifies every replicate in each sweep).
  let reweighted: ReweightedReplicates | undefined;
  let replicateRecord: RakeStep['replicates'];
  if (design.type === 'replicate') {
    const R = design.replicates.length;
    const sums = replicateCellSums(cells.cells, cells.nCells, design.replicates);
    const iterationsPer = new Int32Array(R);
    const short: number[] = [];
    const factors = forEachReplicate(R, (r) => {
      checkLevels(dims, targets, cells, k, sums[r]!);
      const rep = rakeTable(cells, dims, targets, sums[r]!, maxIter, epsilon);
      iterationsPer[r] = rep.iterations;
      if (!rep.converged) {
        const repWorst = worstLevel(dims, targets, rep.fit, k);
        const message = notConvergedMessage(rep, repWorst, epsilon);
        if (!partial) throw notConverged(message, repWorst, rep);
        short.push(r + 1);
      }
      return rep.F;
    });
    if (short.length) {
      notes.push(
        `raking did not converge for ${short.length} replicate(s) (${short.join(', ')}); their last iterates were kept (partial: true)`,
      );
    }
    const { replicates, finite } = applyReplicateFactors(cells.cells, design.replicates, factors);
    const df = reweightedReplicateRank(design.replicates, cells.cells, factors, replicates) - 1;
    reweighted = { replicates, df, finite };
    replicateRecord = { count: R, iterations: iterationsPer, notConverged: short };
  }

  const rowCells = cells.cells;
  const { weights, finite } = applyFactors(rowCells, oldWeights, F);

  const step: RakeStep = {
    method: 'rake',
    margins: margins.map((mg) => ({ variable: mg.variable, population: { ...mg.population } })),
    levels: dims.map((d) => d.levels),
    cells: rowCells,
    cellLevels: cells.cellLevels,
    sweepFactors,
    maxRelativeError: fit.max,
    worst,
    iterations,
    converged,
    oldWeights,
    weights,
    notes,
    rows,
    ...(replicateRecord ? { replicates: replicateRecord } : {}),
  };
  return withStep(design, weights, step, reweighted, finite);
}

/**
 * Checks the margins and returns their dimensions and target counts (population order) times
 * 2^-k, margins after the first scaled to its total (they agree within 1e-6 relative, or this
 * throws).
 */
export function resolveMargins(
  design: SurveyDesign,
  margins: Margin[],
  k = 0,
): { dims: Dimension[]; targets: Float64Array[]; notes: string[] } {
  if (!Array.isArray(margins) || margins.length === 0) {
    throw new WeightingError('BAD_OPTION', 'at least one margin is needed', {});
  }
  const dup = firstDuplicate(margins.map((mg) => mg?.variable));
  if (dup !== null) {
    throw new WeightingError('DUPLICATE_LEVEL', `variable "${dup}" has two margins`, {
      variable: dup,
    });
  }
  const dims: Dimension[] = [];
  const targets: Float64Array[] = [];
  const totals: Array<{ variable: string; total: number }> = [];
  for (const mg of margins) {
    if (!mg || typeof mg.population !== 'object' || mg.population === null) {
      throw new WeightingError(
        'BAD_OPTION',
        `margin of "${String(mg?.variable)}" needs a population: { level: count }`,
        { variable: mg?.variable },
      );
    }
    const levels = Object.keys(mg.population);
    if (levels.length === 0) {
      throw new WeightingError('BAD_OPTION', `margin of "${mg.variable}" lists no level`, {
        variable: mg.variable,
      });
    }
    const dim = dimension(design, mg.variable, levels);
    const target = Float64Array.from(levels, (l) =>
      ldexp(checkCount(mg.population[l], mg.variable, l), -k),
    );
    let total = 0;
    for (const t of target) total += t;
    dims.push(dim);
    targets.push(target);
    totals.push({ variable: mg.variable, total });
  }
  checkMarginTotals(totals, k);
  // Margins that agree within the tolerance are scaled to the first one's total exactly, so
  // that they can all be met together.
  const notes: string[] = [];
  for (let j = 1; j < targets.length; j++) {
    const f = totals[0]!.total / totals[j]!.total;
    if (f === 1) continue;
    for (let l = 0; l < targets[j]!.length; l++) targets[j]![l]! *= f;
    if (Math.abs(f - 1) > 1e-12) {
      notes.push(
        `the margin of ${totals[j]!.variable} (total ${ldexp(totals[j]!.total, k)}) was scaled by ${f} to the total of ${totals[0]!.variable} (${ldexp(totals[0]!.total, k)})`,
      );
    }
  }
  return { dims, targets, notes };
}

/**
 * Every level of every margin needs respondents with a positive weight (`W`: per cell; targets
 * times 2^-k).
 */
function checkLevels(
  dims: Dimension[],
  targets: Float64Array[],
  cells: ReturnType<typeof crossCells>,
  k: number,
  W: Float64Array = cells.sumW,
): void {
  const m = dims.length;
  for (let j = 0; j < m; j++) {
    const L = dims[j]!.levels.length;
    const sums = levelSums(cells, m, j, L, W);
    const counts = levelSums(cells, m, j, L, cells.count);
    for (let l = 0; l < L; l++) {
      if (!(sums[l]! > 0)) {
        const count = ldexp(targets[j]![l]!, k);
        throw emptyCell(dims[j]!.variable, dims[j]!.levels[l]!, count, counts[l]!);
      }
    }
  }
}

/** How far a fit is from its margins: the largest relative difference, and where. */
interface Misfit {
  max: number;
  margin: number;
  level: number;
  weighted: number;
}

/** Raking on a cell table: the cells' factors and how the sweeps went. */
interface TableFit {
  /** Per cell: the final factor (new / old weight). */
  F: Float64Array;
  /** Per margin: the factors just after that margin was matched in the last sweep. */
  sweepFactors: Float64Array[];
  iterations: number;
  fit: Misfit;
  fixedPoint: boolean;
  converged: boolean;
}

/**
 * Iterative proportional fitting of the cell weights `W` to the margins' targets: sweeps until
 * every level is within `epsilon` (relative), a fixed point, or `maxIter` sweeps.
 */
function rakeTable(
  cells: ReturnType<typeof crossCells>,
  dims: Dimension[],
  targets: Float64Array[],
  W: Float64Array,
  maxIter: number,
  epsilon: number,
): TableFit {
  const m = dims.length;
  const nCells = cells.nCells;
  const F = new Float64Array(nCells).fill(1);
  const sweepFactors = dims.map(() => new Float64Array(nCells));
  const current = new Float64Array(nCells);
  const previous = new Float64Array(nCells);
  let iterations = 0;
  let fit: Misfit = { max: Number.POSITIVE_INFINITY, margin: 0, level: 0, weighted: 0 };
  let fixedPoint = false;
  while (iterations < maxIter) {
    iterations++;
    previous.set(F);
    for (let j = 0; j < m; j++) {
      for (let c = 0; c < nCells; c++) current[c] = W[c]! * F[c]!;
      const totals = levelSums(cells, m, j, dims[j]!.levels.length, current);
      const target = targets[j]!;
      for (let c = 0; c < nCells; c++) {
        const l = cells.cellLevels[c * m + j]!;
        F[c]! *= target[l]! / totals[l]!;
      }
      sweepFactors[j]!.set(F);
    }
    fit = misfit(cells, dims, targets, W, F);
    if (fit.max <= epsilon) break;
    // A sweep that changes no factor beyond rounding is a fixed point: more sweeps cannot help.
    let change = 0;
    for (let c = 0; c < nCells; c++) change = Math.max(change, Math.abs(F[c]! / previous[c]! - 1));
    if (change <= FIXED_POINT) {
      fixedPoint = true;
      break;
    }
  }
  // A fixed point of the sweeps meets the margins only up to rounding; margins that cannot be
  // met together (e.g. two margins splitting the sample the same way) also give a fixed point.
  const converged = fit.max <= epsilon || (fixedPoint && fit.max <= ROUNDING_FLOOR);
  return { F, sweepFactors, iterations, fit, fixedPoint, converged };
}

interface Worst {
  variable: string;
  level: string;
  weighted: number;
  population: number;
}

/** The level furthest from its target, its figures times 2^k (the weights' own unit). */
function worstLevel(dims: Dimension[], targets: Float64Array[], fit: Misfit, k: number): Worst {
  return {
    variable: dims[fit.margin]!.variable,
    level: dims[fit.margin]!.levels[fit.level]!,
    weighted: ldexp(fit.weighted, k),
    population: ldexp(targets[fit.margin]![fit.level]!, k),
  };
}

function notConvergedMessage(fitted: TableFit, worst: Worst, epsilon: number): string {
  const stuck = fitted.fixedPoint
    ? ' (the sweeps no longer change the weights: these margins cannot all be met with this sample, e.g. two of them split it the same way)'
    : '';
  return `raking did not converge after ${fitted.iterations} sweeps: ${worst.variable} = "${worst.level}" is weighted to ${worst.weighted} against a population of ${worst.population} (relative difference ${fitted.fit.max.toExponential(2)} > epsilon ${epsilon})${stuck}`;
}

function notConverged(message: string, worst: Worst, fitted: TableFit): WeightingError {
  return new WeightingError(
    'NOT_CONVERGED',
    `${message}; raise maxIter, loosen epsilon, check the margins against each other, or pass partial: true to keep the last iterate`,
    {
      variable: worst.variable,
      level: worst.level,
      value: worst.weighted,
      population: worst.population,
      relativeDifference: fitted.fit.max,
      iterations: fitted.iterations,
    },
  );
}

/** The largest relative difference between weighted and population counts, and where. */
function misfit(
  cells: ReturnType<typeof crossCells>,
  dims: Dimension[],
  targets: Float64Array[],
  W: Float64Array,
  F: Float64Array,
): Misfit {
  const m = dims.length;
  const current = new Float64Array(cells.nCells);
  for (let c = 0; c < cells.nCells; c++) current[c] = W[c]! * F[c]!;
  let worst = { max: -1, margin: 0, level: 0, weighted: 0 };
  for (let j = 0; j < m; j++) {
    const totals = levelSums(cells, m, j, dims[j]!.levels.length, current);
    const target = targets[j]!;
    for (let l = 0; l < target.length; l++) {
      const d = Math.abs(totals[l]! - target[l]!) / target[l]!;
      if (!(d <= worst.max)) worst = { max: d, margin: j, level: l, weighted: totals[l]! };
    }
  }
  return worst;
}
