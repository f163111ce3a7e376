/**
 * {@link svyDesign}: a linearization design from columns of the data.
 * @module
 */
import { findColumn, getColumn } from '../data/frame.js';
import type { Column, SurveyData } from '../data/types.js';
import { DesignError } from '../errors.js';
import { combineCodes, constantCodes, type DenseCodes, denseCodes, rowCodes } from './keys.js';
import type { DesignSpec, LinearizationDesign, LonelyPsu, Stage } from './types.js';
import { weightsFromColumn } from './weights.js';

const LONELY_RULES: readonly LonelyPsu[] = ['fail', 'remove', 'adjust', 'average', 'certainty'];

/**
 * Builds a survey design for Taylor-linearization variance, as R's `svydesign()` does.
 *
 * - `ids`: cluster columns per stage (omitted: each respondent is a PSU). Later-stage clusters are
 *   nested in earlier ones automatically; with `nest: true` PSU ids are also nested in strata.
 * - `weights` or `probs`; with neither but `fpc` population sizes, weights come from the fpc
 *   (product over stages of population / sample size), as in R; with nothing, every weight is 1.
 * - `fpc`: per stage, all population sizes (>= 1) or all sampling fractions (<= 1). Stages after the
 *   last fpc are treated as sampled with replacement (R does the same, with a warning, recorded here
 *   in `warnings`).
 * - `lonelyPsu`: R's rules for strata with one PSU; `'fail'` (default) throws naming the stratum.
 *
 * Weights must be finite and positive: missing, infinite, negative or zero weights are errors
 * naming the row (zero weights are accepted with `allowZeroWeights`, as R accepts them).
 *
 * @param data - The respondents, as loaded (e.g. by {@link readCsv}).
 * @param spec - How the sample was drawn: cluster ids, strata, weights or selection probabilities,
 *   population sizes, and what to do with a stratum of one PSU (see {@link DesignSpec}). Empty: a
 *   simple random sample with equal weights.
 * @throws {DesignError} with codes `UNKNOWN_COLUMN`, `MISSING_DESIGN_VALUE`, `NON_NUMERIC_WEIGHT`,
 *   `MISSING_WEIGHT`, `NON_FINITE_WEIGHT`, `NEGATIVE_WEIGHT`, `ZERO_WEIGHT`, `BAD_FPC`,
 *   `FPC_VARIES`, `CLUSTERS_NOT_NESTED`, `SINGLE_PSU`, `BAD_OPTION`.
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4], s: ['a', 'a', 'b', 'b'], w: [2, 2, 3, 3] });
 * const d = svyDesign(data, { strata: 's', weights: 'w' });
 * console.log(d.stages[0].nStrata, d.stages[0].nClusters); // => 2 4
 * ```
 */
export function svyDesign(data: SurveyData, spec: DesignSpec = {}): LinearizationDesign {
  const source = data.load.source;
  const n = data.nrow;
  const lonelyPsu = spec.lonelyPsu ?? 'fail';
  if (!LONELY_RULES.includes(lonelyPsu)) {
    throw new DesignError(
      'BAD_OPTION',
      `lonelyPsu must be one of ${LONELY_RULES.join(', ')}; got "${lonelyPsu}"`,
      {
        value: lonelyPsu,
      },
    );
  }
  if (spec.weights !== undefined && spec.probs !== undefined) {
    throw new DesignError('BAD_OPTION', 'give either weights or probs, not both', {});
  }
  if (n === 0)
    throw new DesignError('EMPTY_DATA', `${source}: no respondents to build a design on`, {
      file: source,
    });

  const col = (name: string, role: string): Column => {
    if (findColumn(data, name) === undefined) {
      throw new DesignError(
        'UNKNOWN_COLUMN',
        `${source}: the ${role} column "${name}" is not in the data`,
        {
          file: source,
          column: name,
        },
      );
    }
    return getColumn(data, name);
  };

  const idNames = toList(spec.ids);
  const strataNames = toList(spec.strata);
  const fpcNames = toList(spec.fpc);
  const nest = spec.nest ?? false;
  const hasStrata = strataNames.length > 0;
  const nStages = Math.max(idNames.length, 1);
  if (fpcNames.length > nStages) {
    throw new DesignError(
      'BAD_FPC',
      `${fpcNames.length} fpc columns but only ${nStages} stage(s) of ids`,
      {},
    );
  }
  if (strataNames.length > nStages) {
    throw new DesignError(
      'BAD_OPTION',
      `${strataNames.length} strata columns but only ${nStages} stage(s) of ids`,
      {},
    );
  }

  const rawIds: DenseCodes[] =
    idNames.length === 0
      ? [rowCodes(n)]
      : idNames.map((name) => denseCodes(col(name, 'id'), 'cluster id', source));
  const rawStrata: DenseCodes[] = hasStrata
    ? strataNames.map((name) => denseCodes(col(name, 'strata'), 'stratum', source))
    : [constantCodes(n)];

  // Resolve strata and clusters stage by stage, nesting as R's svydesign does.
  const stageCodes: Array<{ strata: DenseCodes; clusters: DenseCodes }> = [];
  for (let k = 0; k < nStages; k++) {
    const rawStratum = rawStrata[Math.min(k, rawStrata.length - 1)]!;
    const above = stageCodes[k - 1];
    const strata = k === 0 ? rawStratum : combineCodes(above!.clusters, rawStratum);
    let clusters: DenseCodes;
    if (k === 0) clusters = nest && hasStrata ? combineCodes(strata, rawIds[0]!) : rawIds[0]!;
    else clusters = combineCodes(nest && hasStrata ? strata : above!.clusters, rawIds[k]!);
    stageCodes.push({ strata, clusters });
  }

  const first = stageCodes[0]!;
  if (first.clusters.count === 1 && !(nest && hasStrata)) {
    throw new DesignError(
      'SINGLE_PSU',
      `${source}: the design has only one primary sampling unit`,
      { file: source },
    );
  }
  // Stage 1's clusters must be nested in its strata (checked while building it), unless nested
  // by construction.
  const nested =
    hasStrata && !nest
      ? (c: number, s: number, prev: number, i: number) => {
          throw notNested(
            first.clusters,
            first.strata,
            c,
            s,
            prev,
            i,
            idNames[0] ?? '(row)',
            strataNames[0]!,
            source,
          );
        }
      : null;
  const stages = stageCodes.map((s, k) =>
    buildStage(
      s.strata,
      s.clusters,
      k === 0 ? null : stageCodes[k - 1]!.clusters,
      k === 0 ? nested : null,
    ),
  );
  const warnings: string[] = [];
  applyFpc(stages, stageCodes, fpcNames, col, source, warnings);

  if (lonelyPsu === 'fail') checkLonely(stages, fpcNames.length > 0);
  const weights = resolveWeights(data, spec, stages, stageCodes, col, source, warnings);
  return {
    type: 'linearization',
    data,
    spec: { ...spec },
    weights,
    stages,
    hasFpc: fpcNames.length > 0,
    lonelyPsu,
    domain: null,
    hasStrata,
    warnings,
  };
}

/** R fails at estimation time; failing when the design is built is earlier and clearer. */
function checkLonely(stages: Stage[], hasFpc: boolean): void {
  const checked = hasFpc ? stages.length : 1;
  for (let k = 0; k < checked; k++) {
    const stage = stages[k]!;
    for (let s = 0; s < stage.nStrata; s++) {
      const population = stage.stratumPopulation[s]!;
      const f = population === Number.POSITIVE_INFINITY ? 1 : (population - 1) / population;
      if (stage.stratumSampled[s] === 1 && f >= 1e-7) {
        throw new DesignError(
          'LONELY_PSU',
          `stratum "${stage.stratumNames[s]}" has only one PSU at stage ${k + 1}; choose a lonelyPsu rule ('remove', 'adjust', 'average', 'certainty')`,
          { stratum: stage.stratumNames[s], stage: k + 1, level: stage.stratumNames[s] },
        );
      }
    }
  }
}

function toList(x: string | string[] | undefined): string[] {
  if (x === undefined) return [];
  return Array.isArray(x) ? x : [x];
}

/** The error for cluster c of the row i, seen in stratum `prev` before and in s now. */
function notNested(
  clusters: DenseCodes,
  strata: DenseCodes,
  c: number,
  s: number,
  prev: number,
  i: number,
  idName: string,
  strataName: string,
  source: string,
): DesignError {
  return new DesignError(
    'CLUSTERS_NOT_NESTED',
    `${source}: cluster "${clusters.name(c)}" of "${idName}" appears in strata "${strata.name(prev)}" and "${strata.name(s)}" of "${strataName}" (row ${i + 1}); if cluster ids restart within each stratum, use nest: true`,
    { file: source, column: idName, value: clusters.name(c), row: i + 1 },
  );
}

/**
 * One stage from its strata and clusters. With `notNested`, a cluster found in two strata is
 * reported to it (which throws); without, clusters are nested in strata by construction.
 */
function buildStage(
  strata: DenseCodes,
  clusters: DenseCodes,
  above: DenseCodes | null,
  notNested: ((c: number, s: number, prev: number, i: number) => never) | null,
): Stage {
  const n = strata.codes.length;
  const clusterStratum = new Int32Array(clusters.count).fill(-1);
  const stratumParent = new Int32Array(strata.count).fill(-1);
  const clusterCodes = clusters.codes;
  const strataCodes = strata.codes;
  if (notNested !== null) {
    for (let i = 0; i < n; i++) {
      const c = clusterCodes[i]!;
      const s = strataCodes[i]!;
      const prev = clusterStratum[c]!;
      if (prev !== s) {
        if (prev !== -1) notNested(c, s, prev, i);
        clusterStratum[c] = s;
      }
    }
  } else {
    for (let i = 0; i < n; i++) clusterStratum[clusterCodes[i]!] = strataCodes[i]!;
  }
  if (above) for (let i = 0; i < n; i++) stratumParent[strataCodes[i]!] = above.codes[i]!;
  const stratumSampled = new Float64Array(strata.count);
  for (let c = 0; c < clusters.count; c++) stratumSampled[clusterStratum[c]!]! += 1;
  const stratumClusterStart = new Int32Array(strata.count + 1);
  for (let s = 0; s < strata.count; s++)
    stratumClusterStart[s + 1] = stratumClusterStart[s]! + stratumSampled[s]!;
  const fill = stratumClusterStart.slice(0, strata.count);
  const stratumClusters = new Int32Array(clusters.count);
  for (let c = 0; c < clusters.count; c++) stratumClusters[fill[clusterStratum[c]!]!++] = c;
  const stratumNames = new Array<string>(strata.count);
  for (let s = 0; s < strata.count; s++) stratumNames[s] = strata.name(s);
  return {
    rowStratum: strata.codes,
    rowCluster: clusters.codes,
    nStrata: strata.count,
    nClusters: clusters.count,
    clusterStratum,
    stratumClusterStart,
    stratumClusters,
    stratumParent,
    stratumSampled,
    stratumPopulation: new Float64Array(strata.count).fill(Number.POSITIVE_INFINITY),
    stratumNames,
  };
}

/** Fills each stage's population sizes from the fpc columns (R's `as.fpc`). */
function applyFpc(
  stages: Stage[],
  stageCodes: Array<{ strata: DenseCodes }>,
  fpcNames: string[],
  col: (name: string, role: string) => Column,
  source: string,
  warnings: string[],
): void {
  if (fpcNames.length === 0) return;
  const columns = fpcNames.map((name) => {
    const c = col(name, 'fpc');
    if (c.kind !== 'numeric') {
      throw new DesignError('BAD_FPC', `${source}: fpc column "${name}" is not numeric`, {
        file: source,
        column: name,
      });
    }
    return c.values;
  });
  let anyAbove1 = false;
  let allAtLeast1 = true;
  for (let k = 0; k < columns.length; k++) {
    const v = columns[k]!;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (!(x > 0) || !Number.isFinite(x)) {
        throw new DesignError(
          'BAD_FPC',
          `${source}: fpc column "${fpcNames[k]}" has ${Number.isNaN(x) ? 'a missing value' : `value ${x}`} at row ${i + 1}; it must be a positive population size or sampling fraction`,
          { file: source, column: fpcNames[k], row: i + 1, value: x },
        );
      }
      if (x > 1) anyAbove1 = true;
      if (x < 1) allAtLeast1 = false;
    }
  }
  if (anyAbove1 !== allAtLeast1) {
    throw new DesignError(
      'BAD_FPC',
      `${source}: fpc must be all population sizes (>= 1) or all sampling fractions (<= 1)`,
      {
        file: source,
      },
    );
  }
  const isPopulation = anyAbove1;
  for (let k = 0; k < columns.length; k++) {
    const stage = stages[k]!;
    const strata = stageCodes[k]!.strata.codes;
    const v = columns[k]!;
    const seen = new Float64Array(stage.nStrata).fill(Number.NaN);
    for (let i = 0; i < v.length; i++) {
      const s = strata[i]!;
      const prev = seen[s]!;
      if (Number.isNaN(prev)) seen[s] = v[i]!;
      else if (prev !== v[i]) {
        throw new DesignError(
          'FPC_VARIES',
          `${source}: fpc column "${fpcNames[k]}" takes values ${prev} and ${v[i]} within stratum "${stage.stratumNames[s]}" at stage ${k + 1} (row ${i + 1}); it must be constant within a stratum`,
          { file: source, column: fpcNames[k], row: i + 1, value: v[i] },
        );
      }
    }
    const pop = stage.stratumPopulation as Float64Array;
    for (let s = 0; s < stage.nStrata; s++) {
      const sampled = stage.stratumSampled[s]!;
      const population = isPopulation ? seen[s]! : sampled / seen[s]!;
      if (population < sampled - 1e-9 * sampled) {
        throw new DesignError(
          'BAD_FPC',
          `${source}: fpc "${fpcNames[k]}" implies a population of ${population} in stratum "${stage.stratumNames[s]}" at stage ${k + 1}, fewer than the ${sampled} sampled units`,
          { file: source, column: fpcNames[k], value: population },
        );
      }
      pop[s] = population;
    }
  }
  if (columns.length < stages.length) {
    warnings.push(
      `stages ${columns.length + 1}..${stages.length} have no fpc: treated as sampled with replacement (as R does)`,
    );
  }
}

function resolveWeights(
  data: SurveyData,
  spec: DesignSpec,
  stages: Stage[],
  stageCodes: Array<{ strata: DenseCodes }>,
  col: (name: string, role: string) => Column,
  source: string,
  warnings: string[],
): Float64Array {
  const n = data.nrow;
  if (spec.weights !== undefined || spec.probs !== undefined) {
    const isProbs = spec.probs !== undefined;
    const name = (isProbs ? spec.probs : spec.weights)!;
    const role = isProbs ? 'probs' : 'weights';
    return weightsFromColumn(col(name, role), role, source, spec.allowZeroWeights ?? false);
  }
  if (spec.fpc !== undefined) {
    // R: weights(fpc, final = FALSE): product over stages of population / sample size.
    const w = new Float64Array(n).fill(1);
    for (let k = 0; k < stages.length; k++) {
      const stage = stages[k]!;
      const strata = stageCodes[k]!.strata.codes;
      for (let s = 0; s < stage.nStrata; s++) {
        if (stage.stratumPopulation[s]! > 1e12) {
          throw new DesignError(
            'BAD_FPC',
            `${source}: weights cannot come from fpc when stage ${k + 1} has no population size; give weights or probs`,
            { file: source },
          );
        }
      }
      for (let i = 0; i < n; i++) {
        const s = strata[i]!;
        w[i]! *= stage.stratumPopulation[s]! / stage.stratumSampled[s]!;
      }
    }
    return w;
  }
  warnings.push(
    'no weights, probs or fpc given: every respondent has weight 1 (equal probability), as in R',
  );
  return new Float64Array(n).fill(1);
}
