/**
 * `postStratify`: weights scaled within cells to known population counts (R's `postStratify`).
 * @module
 */
import { reweightedReplicateRank } from '../design/reweighted-rank.js';
import { ldexp } from '../design/scale.js';
import type { SurveyDesign } from '../design/types.js';
import type { PopulationCell, PostStratifyStep } from '../design/weighting-history.js';
import { WeightingError } from '../errors.js';
import {
  applyFactors,
  applyReplicateFactors,
  checkCount,
  checkDesign,
  crossCells,
  type Dimension,
  dimension,
  domainNote,
  emptyCell,
  firstDuplicate,
  forEachReplicate,
  type ReweightedReplicates,
  replicateCellSums,
  weightingRows,
  withStep,
} from './common.js';
import { figures, weighScaled } from './scaled.js';

/** Options of {@link postStratify}. */
export interface PostStratifyOptions {
  /** The categorical variables whose cross-classification makes the post-strata. */
  variables: string[];
  /** One entry per population cell: a level of each variable and the cell's population count. */
  population: PopulationCell[];
  /**
   * Population cells no respondent is in are an error (`EMPTY_CELL`) unless `partial` is true:
   * then they are left out (and recorded in the step), so the weights sum to less than the
   * population. As R's `partial = TRUE`.
   */
  partial?: boolean;
}

/**
 * Post-stratifies a design: within each cell of the cross-classification of `variables`, the
 * weights are multiplied by (population count) / (sum of the cell's weights), so that the
 * weighted count of every cell equals its population count (R's `postStratify`). Returns a new
 * design; standard errors on it account for the post-stratification as R's do.
 *
 * Every respondent needs a value of each variable, and every respondent's cell must be in the
 * population. Runs in two passes over the respondents.
 *
 * A design with a domain ({@link subset}) has only its domain's respondents weighted, as R's
 * `postStratify(subset(design, ...), ...)` (R's subset drops the other rows): the domain's
 * weights are scaled to the population counts, the other respondents get weight 0 and the
 * domain is kept, so estimates on the result are over the weighted respondents. This is the
 * non-response adjustment idiom: `postStratify(subset(d, (r) => r.responded === 1), ...)`
 * weights the respondents up to the whole sample's (or population's) cell counts.
 *
 * On a replicate-weight design ({@link svyRepDesign}, {@link asRepDesign}) every replicate's
 * weights are post-stratified too, each scaled to the population counts by its own cell totals
 * (R's `postStratify.svyrep.design`), so standard errors come from the re-weighted replicates;
 * the degrees of freedom are recomputed as R's `degf()` does. One blocked pass tabulates every
 * replicate's cell totals and one pass applies the factors. The step is recorded in
 * `design.weighting`. (R's `compress` argument only changes how R stores replicate weights;
 * surveykit keeps them as one array per replicate.)
 *
 * @param design - The design to weight (or a domain of it: only the domain is weighted).
 * @param opts - The variables whose cells are weighted and the population count of every cell: see
 *   {@link PostStratifyOptions}.
 * @throws {WeightingError} `UNKNOWN_VARIABLE`, `NOT_CATEGORICAL`, `MISSING_WEIGHTING_VALUE`,
 *   `MISSING_POPULATION_LEVEL` (a respondent's cell or level the population lacks), `EMPTY_CELL`
 *   (a population cell without respondents; on a replicate design also a cell a replicate
 *   leaves without weight, with `details.replicate` the replicate's number, 1-based, where R
 *   returns non-finite weights), `BAD_POPULATION_COUNT`, `DUPLICATE_LEVEL`, `BAD_OPTION`,
 *   `UNSUPPORTED_DESIGN`.
 * @example
 * ```ts
 * const data = fromColumns({ sex: ['F', 'F', 'M', 'M', 'M'], y: [1, 2, 3, 4, 5] });
 * const d = postStratify(svyDesign(data), {
 *   variables: ['sex'],
 *   population: [{ sex: 'F', count: 60 }, { sex: 'M', count: 40 }],
 * });
 * console.log(Array.from(d.weights).map((w) => w.toFixed(2)).join(' ')); // => 30.00 30.00 13.33 13.33 13.33
 * console.log(svyMean(d, 'y')[0].estimate.toFixed(2)); // => 2.50
 *
 * // A replicate design: each replicate is post-stratified with its own weights.
 * const reps = fromColumns({
 *   sex: ['F', 'F', 'M', 'M'], w: [25, 25, 25, 25],
 *   r1: [0, 50, 25, 25], r2: [50, 0, 25, 25], r3: [25, 25, 0, 50], r4: [25, 25, 50, 0],
 * });
 * const rep = svyRepDesign(reps, { weights: 'w', repweights: /^r\d$/, type: 'JK1', scale: 0.75 });
 * const rp = postStratify(rep, { variables: ['sex'], population: [{ sex: 'F', count: 60 }, { sex: 'M', count: 40 }] });
 * console.log(Array.from(rp.replicates[0]).join(' ')); // => 0 60 20 20
 * ```
 */
export function postStratify<D extends SurveyDesign>(design: D, opts: PostStratifyOptions): D {
  checkDesign(design, 'postStratify');
  const counts = Array.isArray(opts?.population)
    ? figures(opts.population.map((cell) => (cell as { count?: unknown } | null)?.count))
    : [];
  return weighScaled(design, counts, (working, k) => postStratifyOn(working, opts, k));
}

/** {@link postStratify} on weights and population counts times 2^-k (see {@link weighScaled}). */
function postStratifyOn<D extends SurveyDesign>(
  design: D,
  opts: PostStratifyOptions,
  k: number,
): D {
  const variables = opts?.variables;
  if (!Array.isArray(variables) || variables.length === 0) {
    throw new WeightingError('BAD_OPTION', 'postStratify needs at least one variable', {});
  }
  const dup = firstDuplicate(variables);
  if (dup !== null) {
    throw new WeightingError('DUPLICATE_LEVEL', `variable "${dup}" is given twice`, {
      variable: dup,
    });
  }
  if (variables.includes('count')) {
    throw new WeightingError(
      'BAD_OPTION',
      'a post-stratification variable cannot be called "count" (that key holds each population cell\'s count); rename the column',
      { variable: 'count' },
    );
  }
  if (!Array.isArray(opts.population) || opts.population.length === 0) {
    throw new WeightingError('BAD_OPTION', 'postStratify needs the population cells', {});
  }
  const partial = opts.partial ?? false;

  // The levels of each variable that the population lists, and the population cells.
  const levelLists = variables.map(() => [] as string[]);
  const levelIndex = variables.map(() => new Map<string, number>());
  const popCells: Array<{ levels: number[]; count: number; label: string }> = [];
  for (const [r, cell] of opts.population.entries()) {
    const levels: number[] = [];
    for (const [j, v] of variables.entries()) {
      const raw = (cell as Record<string, unknown>)[v];
      if (raw === undefined || raw === null) {
        throw new WeightingError(
          'BAD_OPTION',
          `population cell ${r + 1} has no level of "${v}"; each cell needs one for every variable and a count`,
          { variable: v, row: r + 1 },
        );
      }
      const level = String(raw);
      let idx = levelIndex[j]!.get(level);
      if (idx === undefined) {
        idx = levelLists[j]!.length;
        levelIndex[j]!.set(level, idx);
        levelLists[j]!.push(level);
      }
      levels.push(idx);
    }
    const label = levels.map((l, j) => levelLists[j]![l]!).join('.');
    const count = checkCount(
      cell.count,
      variables.join(' × '),
      variables.map((v, j) => `${v}=${levelLists[j]![levels[j]!]}`).join(', '),
    );
    popCells.push({ levels, count: ldexp(count, -k), label });
  }

  const dims: Dimension[] = variables.map((v, j) => dimension(design, v, levelLists[j]!));
  const oldWeights = design.weights;
  const rows = weightingRows(design, 'postStratify');
  const cells = crossCells(dims, oldWeights, rows);
  const nDims = dims.length;

  // Population cells by key; match each sample cell.
  const strides: number[] = [];
  let size = 1;
  for (const d of dims) {
    strides.push(size);
    size *= d.levels.length;
  }
  const keyOf = (levels: ArrayLike<number>) => {
    let key = 0;
    for (let j = 0; j < nDims; j++) key += levels[j]! * strides[j]!;
    return key;
  };
  const popByKey = new Map<number, number>();
  for (const [r, pc] of popCells.entries()) {
    const key = keyOf(pc.levels);
    if (popByKey.has(key)) {
      throw new WeightingError(
        'DUPLICATE_LEVEL',
        `the population lists the cell ${describe(variables, pc.label)} twice (entry ${r + 1})`,
        { variable: variables.join(' × '), level: pc.label, row: r + 1 },
      );
    }
    popByKey.set(key, r);
  }

  const sampleKeys = new Map<number, number>();
  const population = new Float64Array(cells.nCells);
  const cellLabels: string[] = [];
  for (let c = 0; c < cells.nCells; c++) {
    const levels = cells.cellLevels.subarray(c * nDims, (c + 1) * nDims);
    const key = keyOf(levels);
    sampleKeys.set(key, c);
    const label = Array.from(levels, (l, j) => dims[j]!.levels[l]!).join('.');
    cellLabels.push(label);
    const r = popByKey.get(key);
    if (r === undefined) {
      let first = -1;
      for (let i = 0; i < cells.cells.length; i++) {
        if (cells.cells[i] === c) {
          first = i;
          break;
        }
      }
      throw new WeightingError(
        'MISSING_POPULATION_LEVEL',
        `${cells.count[c]} respondent(s) are in the cell ${describe(variables, label)} (first at row ${first + 1}), but the population gives no count for it`,
        {
          variable: variables.join(' × '),
          level: label,
          count: cells.count[c],
          row: first + 1,
        },
      );
    }
    population[c] = popCells[r]!.count;
  }

  const dropped: string[] = [];
  for (const pc of popCells) {
    const c = sampleKeys.get(keyOf(pc.levels));
    if (c === undefined || !(cells.sumW[c]! > 0)) {
      if (partial && c === undefined) {
        dropped.push(pc.label);
        continue;
      }
      throw emptyCell(
        variables.join(' × '),
        pc.label,
        ldexp(pc.count, k),
        c === undefined ? 0 : cells.count[c]!,
        c === undefined ? ' (use partial: true to leave such cells out)' : '',
      );
    }
  }

  const factors = new Float64Array(cells.nCells);
  for (let c = 0; c < cells.nCells; c++) {
    if (cells.sumW[c] === Number.POSITIVE_INFINITY) {
      // the cell's weights sum beyond the double range: its factor would silently be 0
      throw new WeightingError(
        'NON_FINITE_RESULT',
        `postStratify: the weights of the cell ${describe(variables, cellLabels[c]!)} sum to Infinity (beyond the range of double-precision numbers, about 1.8e308); rescale the weights (e.g. divide them by 1e300)`,
        {
          method: 'postStratify',
          variable: variables.join(' × '),
          level: cellLabels[c],
          value: Infinity,
        },
      );
    }
    factors[c] = population[c]! / cells.sumW[c]!;
  }
  const rowCells = cells.cells;
  const { weights, finite } = applyFactors(rowCells, oldWeights, factors);

  // Replicate designs: every replicate post-stratified with its own weights (R's
  // postStratify.svyrep.design), then R's degf recomputed.
  let reweighted: ReweightedReplicates | undefined;
  let replicateRecord: PostStratifyStep['replicates'];
  if (design.type === 'replicate') {
    const R = design.replicates.length;
    const sums = replicateCellSums(rowCells, cells.nCells, design.replicates);
    const repFactors = forEachReplicate(R, (r) => {
      const s = sums[r]!;
      const f = new Float64Array(cells.nCells);
      for (let c = 0; c < cells.nCells; c++) {
        if (!(s[c]! > 0)) {
          throw emptyCell(
            variables.join(' × '),
            cellLabels[c]!,
            ldexp(population[c]!, k),
            cells.count[c]!,
          );
        }
        f[c] = population[c]! / s[c]!;
      }
      return f;
    });
    const { replicates, finite } = applyReplicateFactors(rowCells, design.replicates, repFactors);
    const df = reweightedReplicateRank(design.replicates, rowCells, repFactors, replicates) - 1;
    reweighted = { replicates, df, finite };
    replicateRecord = { count: R, iterations: new Int32Array(R).fill(1), notConverged: [] };
  }

  const notes = domainNote(design);
  if (dropped.length) {
    notes.push(
      `postStratify: ${dropped.length} population cell(s) without respondents left out (partial: true): ${dropped.join(', ')}`,
    );
  }
  const step: PostStratifyStep = {
    method: 'postStratify',
    variables: [...variables],
    cells: rowCells,
    cellLabels,
    population,
    factors,
    droppedCells: dropped,
    iterations: 1,
    converged: true,
    oldWeights,
    weights,
    notes,
    rows,
    ...(replicateRecord ? { replicates: replicateRecord } : {}),
  };
  return withStep(design, weights, step, reweighted, finite);
}

function describe(variables: readonly string[], label: string): string {
  return variables.length === 1
    ? `${variables[0]} = "${label}"`
    : `${variables.join(' × ')} = "${label}"`;
}
