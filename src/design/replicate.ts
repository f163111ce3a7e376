/**
 * Replicate-weight designs: {@link svyRepDesign} from replicate-weight columns (R's
 * `svrepdesign`), {@link asRepDesign} from a linearization design (R's `as.svrepdesign`), and
 * their degrees of freedom (R's `degf`, the rank of the replicate weight matrix minus one).
 * @module
 */

import { findColumn } from '../data/frame.js';
import type { Column, SurveyData } from '../data/types.js';
import { DesignError } from '../errors.js';
import { limitOption, tooLargeMessage } from '../limits.js';
import { hadamard } from './hadamard.js';
import { knownJackknifeRank, rememberJackknife } from './jackknife-rank.js';
import type { ReplicateDesign, ReplicateType } from './replicate-types.js';
import { scaledBy, unscaled, weightExponent, workingDesign } from './scale.js';
import type { LinearizationDesign, Stage } from './types.js';
import { checkWeight, numericWeights } from './weights.js';

const REPLICATE_TYPES: readonly ReplicateType[] = [
  'JK1',
  'JKn',
  'BRR',
  'Fay',
  'bootstrap',
  'successive-difference',
  'ACS',
  'other',
];

/** R's tolerance in `degf.svyrep.design`: `qr(weights, tol = 1e-5)`. */
export const RANK_TOL = 1e-5;

/** How {@link svyRepDesign} reads replicate weights from columns. */
export interface RepDesignSpec {
  /** Column of full-sample weights; omitted: every weight is 1 (R warns, recorded in `warnings`). */
  weights?: string;
  /** Replicate-weight columns: their names, or a pattern matched against every column name (R's `grep`), in data order. */
  repweights: string[] | RegExp;
  /** Replication method; sets the default `scale` and `rscales` as R does. */
  type: ReplicateType;
  /** Overall variance multiplier (needed for `other`; JK1 defaults to (R−1)/R with a warning). */
  scale?: number;
  /** Per-replicate multipliers (one number for all, or one per replicate); needed for JKn. */
  rscales?: number | readonly number[];
  /** Fay's rho, required for `Fay` (0 < rho < 1). */
  rho?: number;
  /** Centre replicates at the full-sample estimate (default `false`, R's `survey.replicates.mse`). */
  mse?: boolean;
  /**
   * `true` (default, as R): the columns are the weights themselves. `false`: they are factors that
   * multiply the full-sample weights.
   */
  combinedWeights?: boolean;
  /** Full-sample weights of 0 are an error unless this is `true` (R accepts them). */
  allowZeroWeights?: boolean;
  /**
   * Most replicates (default 5,000; `Infinity` lifts it): the design's degrees of freedom take
   * replicates² numbers and replicates³ steps to find (R's rank of the replicate weights; JK1's
   * and JKn's come from their structure in one pass, but not once the design is weighted),
   * and every estimate is recomputed once per replicate. More is a `TOO_LARGE` error.
   */
  maxReplicates?: number;
  /**
   * Most replicate weights stored, replicates × rows (default 2^27 = 134,217,728 numbers, 1 GiB;
   * `Infinity` lifts it). More is a `TOO_LARGE` error before they are made.
   */
  maxReplicateWeights?: number;
}

/**
 * A design from replicate-weight columns, as R's `svrepdesign()`.
 *
 * Defaults per `type` (R's): `BRR` scale 1/R; `Fay` 1/(R(1−rho)²); `JK1` (R−1)/R when not given
 * (a guess, recorded in `warnings`); `JKn` needs `rscales` ((n_h−1)/n_h for each replicate's
 * stratum, times the fpc if any); `bootstrap` 1/(R−1); `successive-difference` and `ACS` 4/R
 * (R accepts any number of replicates; the ACS publishes 80); `other` takes `scale` and
 * `rscales`, each 1 when not given (with a warning, as R). `rscales` defaults to 1.
 *
 * Replicate weights must be numeric, present, finite and not negative; full-sample weights too,
 * and not zero unless `allowZeroWeights`.
 *
 * @param data - The respondents, with their full-sample weight and replicate-weight columns.
 * @param spec - The weight column, the replicate-weight columns, the replicate type and its scale
 *   factors: see {@link RepDesignSpec}.
 * @throws {DesignError} `EMPTY_DATA`, `BAD_OPTION`, `UNKNOWN_COLUMN`, `NO_REPLICATES`,
 *   `REPLICATE_COUNT` (fewer than 2 replicates, or rscales of the wrong length), `BAD_RHO`,
 *   `MISSING_RSCALES`, `NON_NUMERIC_WEIGHT`, `MISSING_WEIGHT`, `NON_FINITE_WEIGHT`,
 *   `NEGATIVE_WEIGHT`, `ZERO_WEIGHT`, `TOO_LARGE` (more replicates, or replicate weights, than
 *   `maxReplicates` / `maxReplicateWeights`).
 * @example
 * ```ts
 * const data = fromColumns({
 *   y: [1, 2, 3, 4], w: [2, 2, 2, 2],
 *   r1: [0, 4, 2, 2], r2: [4, 0, 2, 2], r3: [2, 2, 0, 4], r4: [2, 2, 4, 0],
 * });
 * const d = svyRepDesign(data, { weights: 'w', repweights: /^r\d$/, type: 'JKn', rscales: 0.5 });
 * console.log(d.replicates.length, d.scale, d.df); // => 4 1 2
 * ```
 */
export function svyRepDesign(data: SurveyData, spec: RepDesignSpec): ReplicateDesign {
  const source = data.load.source;
  const n = data.nrow;
  const type = spec.type;
  if (!REPLICATE_TYPES.includes(type)) {
    throw new DesignError(
      'BAD_OPTION',
      `type must be one of ${REPLICATE_TYPES.join(', ')}; got "${String(type)}"`,
      { value: type },
    );
  }
  if (n === 0) {
    throw new DesignError('EMPTY_DATA', `${source}: no respondents to build a design on`, {
      file: source,
    });
  }
  const warnings: string[] = [];
  const rho = checkRho(type, spec.rho, warnings);

  const col = (name: string, role: string): Column => {
    const c = findColumn(data, name);
    if (!c) {
      throw new DesignError(
        'UNKNOWN_COLUMN',
        `${source}: the ${role} column "${name}" is not in the data`,
        { file: source, column: name },
      );
    }
    return c;
  };

  let weights: Float64Array;
  if (spec.weights === undefined) {
    warnings.push('No sampling weights provided: equal probability assumed');
    weights = new Float64Array(n).fill(1);
  } else {
    weights = readWeights(
      col(spec.weights, 'weights'),
      'weights',
      source,
      spec.allowZeroWeights ?? false,
    );
  }

  const names = replicateColumnNames(data, spec.repweights);
  if (names.length === 0) {
    throw new DesignError(
      'NO_REPLICATES',
      `${source}: ${spec.repweights instanceof RegExp ? `no column name matches ${String(spec.repweights)}` : 'no replicate-weight columns given'}`,
      { file: source, value: String(spec.repweights) },
    );
  }
  const R = names.length;
  if (R < 2) {
    throw new DesignError(
      'REPLICATE_COUNT',
      `${source}: a replicate design needs at least 2 replicates; got 1 ("${names[0]}")`,
      { file: source, column: names[0], value: R },
    );
  }
  checkStorage(n, R, { source, limits: replicateLimits(spec) });
  const raw = names.map((name) =>
    readWeights(col(name, 'replicate weight'), 'replicate weight', source, true),
  );

  let rscales = resolveRscales(spec.rscales, R, source);
  let scale = spec.scale;
  if (scale !== undefined && !(Number.isFinite(scale) && scale > 0)) {
    throw new DesignError('BAD_OPTION', `scale must be a positive number; got ${scale}`, {
      value: scale,
    });
  }
  const combined = spec.combinedWeights ?? true;
  combinedWeightWarnings(raw, weights, combined, warnings);

  switch (type) {
    case 'ACS':
    case 'successive-difference':
      if (spec.scale !== undefined || spec.rscales !== undefined) {
        warnings.push(`with type ${type} scale= and rscales= are not needed and will be ignored`);
      }
      rscales = new Float64Array(R).fill(1);
      scale = 4 / R;
      break;
    case 'BRR':
      if (spec.scale !== undefined) warnings.push("type='BRR' does not use 'scale=' argument");
      scale = 1 / R;
      break;
    case 'Fay':
      if (spec.scale !== undefined) {
        warnings.push("type='Fay' sets scale = 1/(R(1-rho)^2); the scale given is ignored");
      }
      scale = 1 / (R * (1 - rho!) ** 2);
      break;
    case 'bootstrap':
      scale ??= 1 / (R - 1);
      break;
    case 'JK1':
      if (scale === undefined) {
        if (combined) {
          warnings.push('scale (n-1)/n not provided: guessing n=number of replicates');
          scale = (R - 1) / R;
        } else {
          warnings.push('scale (n-1)/n not provided: guessing from weights');
          scale = 1 / max(raw[0]!);
        }
      }
      break;
    case 'JKn':
      if (rscales === null) {
        if (combined) {
          throw new DesignError(
            'MISSING_RSCALES',
            `${source}: type 'JKn' with combined weights needs rscales, (n_h - 1)/n_h for the stratum of each replicate (R: "Must provide rscales for combined JKn weights")`,
            { file: source },
          );
        }
        warnings.push('rscales (n-1)/n not provided:guessing from weights');
        rscales = Float64Array.from(raw, (r) => 1 / max(r));
      }
      break;
    case 'other':
      if (rscales === null || scale === undefined) {
        warnings.push('scale or rscales not specified, set to 1');
        rscales ??= new Float64Array(R).fill(1);
        scale ??= 1;
      }
      break;
  }
  rscales ??= new Float64Array(R).fill(1);
  scale ??= 1;

  const replicates = combined
    ? raw
    : raw.map((f) => {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = f[i]! * weights[i]!;
        return out;
      });
  return finish({
    data,
    repType: type,
    weights,
    replicates,
    scale,
    rscales,
    mse: spec.mse ?? false,
    rho,
    warnings,
  });
}

/** Options of {@link asRepDesign}. */
export interface AsRepOptions {
  /** Default: `JK1` for an unstratified design, `JKn` for a stratified one (R's `"auto"`). */
  type?: 'JK1' | 'JKn' | 'BRR' | 'Fay' | 'bootstrap';
  /** Fay's rho (0 < rho < 1), for `Fay` only. */
  rho?: number;
  /** Number of bootstrap replicates (default 50, as R). */
  replicates?: number;
  /** Seed of the bootstrap's random numbers (default 20240517): the same seed gives the same replicates. */
  seed?: number;
  /** Centre replicates at the full-sample estimate (default `false`). */
  mse?: boolean;
  /** R's `compress`: replicate weights are always stored per row here. */
  compress?: never;
  /**
   * Most replicates (default 5,000; `Infinity` lifts it): the design's degrees of freedom take
   * replicates² numbers and replicates³ steps to find (R's rank of the replicate weights), and
   * every estimate is recomputed once per replicate. More is a `TOO_LARGE` error.
   */
  maxReplicates?: number;
  /**
   * Most replicate weights stored, replicates × rows (default 2^27 = 134,217,728 numbers, 1 GiB;
   * `Infinity` lifts it). More is a `TOO_LARGE` error before they are made.
   */
  maxReplicateWeights?: number;
}

/**
 * Replicate weights for a linearization design, as R's `as.svrepdesign()`:
 *
 * - `JK1` (unstratified designs): one replicate per PSU, that PSU deleted and the others weighted
 *   n/(n−1); scale (n−1)/n times the stage-1 fpc (N−n)/N when the design has one.
 * - `JKn` (stratified): one replicate per PSU, deleting it within its stratum only; rscales
 *   (n_h−1)/n_h times the stratum's fpc. Strata sampled entirely (fpc N_h = n_h) get no replicate.
 *   A stratum with one PSU follows the design's `lonelyPsu` rule as R does: `remove`,
 *   `certainty` and `average` give it no replicate (`average` scales the variance by PSUs /
 *   replicates), `adjust` one replicate that deletes the stratum.
 * - `BRR` / `Fay` (stratified, 2 PSUs per stratum; strata with an even number of PSUs are split
 *   into pairs as R's default does): half-samples from R's Hadamard matrix (R's `hadamard()`),
 *   the same replicates as R; factors 2 and 0 (BRR) or 2 − rho and rho (Fay), scale
 *   1/(R(1−rho)²). An fpc is dropped (with a warning, as R).
 * - `bootstrap`: R's `bootweights` (Canty and Davison's rescaling bootstrap): within each stratum
 *   n_h PSUs drawn with replacement (from a pseudo-population of N_h when there is an fpc); the
 *   replicate weight is the weight times the number of draws; scale n̄/((n̄−1)(R−1)) with n̄ the
 *   harmonic mean of PSUs per stratum. Random numbers come from surveykit's own seeded generator
 *   (xoshiro128**), so the replicates cannot equal R's.
 *
 * Fpcs after the first stage are dropped (R warns; so does `warnings`). A domain of the design is
 * kept.
 *
 * @param design - A linearization design (from {@link svyDesign}).
 * @param opts - The kind of replicates (default: the jackknife, `JK1` or `JKn` by stratification),
 *   their number and seed: see {@link AsRepOptions}.
 * @throws {DesignError} `BAD_REPLICATE_TYPE`, `BAD_RHO`, `BAD_OPTION`, `BRR_STRATUM_SIZE` (naming
 *   the stratum), `LONELY_PSU`, `CENSUS`, `NO_VARIANCE`, `TOO_LARGE` (beyond `maxReplicates` or
 *   `maxReplicateWeights`).
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4, 5, 6], psu: [1, 1, 2, 2, 3, 3], w: [5, 5, 5, 5, 5, 5] });
 * const jk = asRepDesign(svyDesign(data, { ids: 'psu', weights: 'w' }));
 * console.log(jk.repType, jk.replicates.length, jk.scale.toFixed(4), Array.from(jk.replicates[0]!)); // => JK1 3 0.6667 [ 0, 0, 7.5, 7.5, 7.5, 7.5 ]
 * ```
 */
export function asRepDesign(design: LinearizationDesign, opts: AsRepOptions = {}): ReplicateDesign {
  const type = opts.type ?? (design.hasStrata ? 'JKn' : 'JK1');
  const allowed = ['JK1', 'JKn', 'BRR', 'Fay', 'bootstrap'];
  if (!allowed.includes(type)) {
    throw new DesignError(
      'BAD_OPTION',
      `type must be one of ${allowed.join(', ')}; got "${String(type)}"`,
      { value: type },
    );
  }
  if (type === 'JK1' && design.hasStrata) {
    throw new DesignError(
      'BAD_REPLICATE_TYPE',
      "JK1 is for unstratified designs; use type 'JKn' (or BRR, Fay, bootstrap) for a stratified one (R: \"Can't use JK1 for a stratified design\")",
      { value: type },
    );
  }
  if ((type === 'JKn' || type === 'BRR' || type === 'Fay') && !design.hasStrata) {
    throw new DesignError(
      'BAD_REPLICATE_TYPE',
      `${type} needs a stratified design; use type 'JK1' or 'bootstrap' for an unstratified one`,
      { value: type },
    );
  }
  if (opts.rho !== undefined && type !== 'Fay') {
    throw new DesignError('BAD_OPTION', `rho is for type 'Fay' only; got type '${type}'`, {
      value: opts.rho,
    });
  }
  if (opts.replicates !== undefined && type !== 'bootstrap') {
    throw new DesignError(
      'BAD_OPTION',
      `replicates is for type 'bootstrap' only; ${type} has one replicate per PSU or Hadamard column`,
      { value: opts.replicates },
    );
  }
  const warnings: string[] = [];
  const stage = design.stages[0]!;
  const fpcColumns = Array.isArray(design.spec.fpc)
    ? design.spec.fpc.length
    : design.spec.fpc
      ? 1
      : 0;
  const useFpc = design.hasFpc && type !== 'BRR' && type !== 'Fay';
  if (design.hasFpc && !useFpc) warnings.push('Finite population correction dropped in conversion');
  if (useFpc && fpcColumns > 1) {
    warnings.push('Finite population corrections after first stage have been dropped');
  }
  const common = {
    data: design.data,
    weights: design.weights,
    mse: opts.mse ?? false,
    domain: design.domain,
    warnings,
  };
  const source = design.data.load.source;
  const where: Where = { source, limits: replicateLimits(opts) };
  // Replicate weights are made from the weights scaled near 1 when they are extreme (times a
  // factor such as n/(n−1), subnormal weights would round) and multiplied back; the estimators
  // then compute on the replicates as made (see unscaled).
  const { design: working, exponent } = workingDesign(design);
  const made = (m: Made): Made =>
    exponent === 0 ? m : { ...m, replicates: m.replicates.map((r) => unscaled(r, exponent)) };
  const on = working as LinearizationDesign;
  switch (type) {
    case 'JK1':
    case 'JKn': {
      const jk = made(
        type === 'JK1' ? jk1(on, stage, useFpc, where) : jkn(on, stage, useFpc, where),
      );
      // its rank (R's degf) then comes from this structure in linear time
      rememberJackknife(jk.replicates, {
        weights: on.weights,
        rowCluster: stage.rowCluster,
        clusterStratum: stage.clusterStratum,
        ...jk.jackknife!,
      });
      if (exponent === 0) rememberClusterGrouping(jk.replicates, on.weights, stage);
      const { jackknife: _, ...parts } = jk;
      return finish({ ...common, repType: type, ...parts });
    }
    case 'BRR':
    case 'Fay': {
      const rho = type === 'Fay' ? checkRho('Fay', opts.rho, warnings)! : 0;
      return finish({
        ...common,
        repType: type,
        rho: type === 'Fay' ? rho : undefined,
        ...made(brr(on, stage, rho, where)),
      });
    }
    default: {
      const r = bootstrap(on, stage, useFpc, opts, warnings, where);
      return finish({ ...common, repType: 'bootstrap', ...made(r) });
    }
  }
}

interface Parts {
  data: SurveyData;
  repType: ReplicateType;
  weights: Float64Array;
  replicates: Float64Array[];
  scale: number;
  rscales: Float64Array;
  mse: boolean;
  rho?: number | undefined;
  domain?: Uint8Array | null;
  warnings: string[];
}

function finish(p: Parts): ReplicateDesign {
  const domain = p.domain ?? null;
  const design: ReplicateDesign = {
    type: 'replicate',
    data: p.data,
    repType: p.repType,
    weights: p.weights,
    replicates: p.replicates,
    scale: p.scale,
    rscales: p.rscales,
    mse: p.mse,
    ...(p.rho !== undefined ? { rho: p.rho } : {}),
    df: replicateWeightMatrixRank(p.replicates, domain) - 1,
    domain,
    warnings: p.warnings,
  };
  rebaseOnWeights(p.replicates, p.weights);
  return design;
}

// ---- construction from a design -----------------------------------------------------------

interface Made {
  replicates: Float64Array[];
  scale: number;
  rscales: Float64Array;
  /** Jackknife replicates: their structure, for the rank (see rememberJackknife). */
  jackknife?: { deletes: Int32Array; stratumFactor: Float64Array };
}

/** The limits on replicates, from the options. */
interface ReplicateLimits {
  maxReplicates: number;
  maxReplicateWeights: number;
}

/** Where replicates are made: the data's name (for messages) and the limits. */
interface Where {
  source: string;
  limits: ReplicateLimits;
}

/** @throws {DesignError} `BAD_OPTION` for a limit that is not a positive integer or Infinity. */
function replicateLimits(opts: {
  maxReplicates?: unknown;
  maxReplicateWeights?: unknown;
}): ReplicateLimits {
  const read = (name: 'maxReplicates' | 'maxReplicateWeights') =>
    limitOption(
      name,
      opts[name],
      (message) => new DesignError('BAD_OPTION', message, { option: name, value: opts[name] }),
    );
  return { maxReplicates: read('maxReplicates'), maxReplicateWeights: read('maxReplicateWeights') };
}

/**
 * Checks R replicates of n rows against the limits, before they are made.
 * @throws {DesignError} `TOO_LARGE` naming the limit and the option that raises it.
 */
function checkStorage(n: number, R: number, where: Where): void {
  const { source, limits } = where;
  if (R > limits.maxReplicates) {
    throw new DesignError(
      'TOO_LARGE',
      `${source}: ${tooLargeMessage('a replicate design of', R, 'replicates', 'maxReplicates', limits.maxReplicates)} (its degrees of freedom take replicates² memory, and every estimate is computed once per replicate)`,
      { file: source, value: R, limit: limits.maxReplicates, option: 'maxReplicates' },
    );
  }
  if (n * R > limits.maxReplicateWeights) {
    throw new DesignError(
      'TOO_LARGE',
      `${source}: ${tooLargeMessage(`${R.toLocaleString('en-US')} replicates × ${n.toLocaleString('en-US')} rows is`, n * R, 'replicate weights, which', 'maxReplicateWeights', limits.maxReplicateWeights)}`,
      {
        file: source,
        value: n * R,
        limit: limits.maxReplicateWeights,
        option: 'maxReplicateWeights',
      },
    );
  }
}

/** The stage-1 sampling fraction complement (N − n)/N of stratum s, or 1 without fpc. */
function fpcFactor(stage: Stage, s: number, useFpc: boolean): number {
  if (!useFpc) return 1;
  const N = stage.stratumPopulation[s]!;
  if (N === Number.POSITIVE_INFINITY) return 1;
  const sampled = stage.stratumSampled[s]!;
  return (N - sampled) / N;
}

/** R's jk1weights: delete one PSU at a time. */
function jk1(design: LinearizationDesign, stage: Stage, useFpc: boolean, where: Where): Made {
  const source = where.source;
  const n = stage.nClusters;
  const f = fpcFactor(stage, 0, useFpc);
  if (f === 0) {
    throw new DesignError(
      'CENSUS',
      `${source}: every PSU of the population was sampled (fpc = ${n}), so the replicate variance is 0 and R's jackknife has no replicates`,
      { file: source },
    );
  }
  const rows = design.data.nrow;
  checkStorage(rows, n, where);
  const w = design.weights;
  const cluster = stage.rowCluster;
  const factor = n / (n - 1);
  const replicates: Float64Array[] = [];
  for (let r = 0; r < n; r++) {
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = cluster[i] === r ? 0 : w[i]! * factor;
    replicates.push(out);
  }
  return {
    replicates,
    scale: (f * (n - 1)) / n,
    rscales: new Float64Array(n).fill(1),
    jackknife: {
      deletes: Int32Array.from({ length: n }, (_, r) => r),
      stratumFactor: Float64Array.of(factor),
    },
  };
}

/** R's jknweights: delete one PSU at a time within its stratum. */
function jkn(design: LinearizationDesign, stage: Stage, useFpc: boolean, where: Where): Made {
  const source = where.source;
  const rows = design.data.nrow;
  const w = design.weights;
  const cluster = stage.rowCluster;
  const stratum = stage.rowStratum;
  const nStrata = stage.nStrata;
  const lonely = design.lonelyPsu;
  const replicates: Float64Array[] = [];
  const rscales: number[] = [];
  const deletes: number[] = []; // per replicate: the PSU it deletes (-1: a whole lonely stratum)
  const stratumFactor = new Float64Array(nStrata);
  checkStorage(rows, stage.nClusters, where);
  for (let s = 0; s < nStrata; s++) {
    const nh = stage.stratumSampled[s]!;
    const f = fpcFactor(stage, s, useFpc);
    if (f === 0) continue; // sampled entirely: no replicates (R's survey.drop.replicates)
    if (nh === 1) {
      if (lonely === 'fail') {
        throw new DesignError(
          'LONELY_PSU',
          `stratum "${stage.stratumNames[s]}" has only one PSU; choose a lonelyPsu rule ('remove', 'adjust', 'average', 'certainty') (R: "Stratum${stage.stratumNames[s]}has only one PSU")`,
          { stratum: stage.stratumNames[s], level: stage.stratumNames[s] },
        );
      }
      if (lonely !== 'adjust') continue;
      // One replicate deleting the stratum, the others weighted nstrat/(nstrat − 1).
      const factor = nStrata / (nStrata - 1);
      const out = new Float64Array(rows);
      for (let i = 0; i < rows; i++) out[i] = stratum[i] === s ? 0 : w[i]! * factor;
      replicates.push(out);
      rscales.push((nStrata - 1) / nStrata);
      deletes.push(-1);
      continue;
    }
    const factor = nh / (nh - 1);
    stratumFactor[s] = factor;
    const rscale = (f * (nh - 1)) / nh;
    const start = stage.stratumClusterStart[s]!;
    for (let k = 0; k < nh; k++) {
      const c = stage.stratumClusters[start + k]!;
      const out = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        if (stratum[i] !== s) out[i] = w[i]!;
        else out[i] = cluster[i] === c ? 0 : w[i]! * factor;
      }
      replicates.push(out);
      rscales.push(rscale);
      deletes.push(c);
    }
  }
  if (replicates.length === 0) {
    throw new DesignError(
      'CENSUS',
      `${source}: all strata were sampled entirely (fpc = sample size): you have the whole population`,
      { file: source },
    );
  }
  let scale = 1;
  if (replicates.length < stage.nClusters && lonely === 'average') {
    scale = stage.nClusters / replicates.length;
  }
  return {
    replicates,
    scale,
    rscales: Float64Array.from(rscales),
    jackknife: { deletes: Int32Array.from(deletes), stratumFactor },
  };
}

/** C-locale string order, as R's `order()` and `table()` in the C locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** R's brrweights with small = "fail", large = "split" (its defaults). */
function brr(design: LinearizationDesign, stage: Stage, rho: number, where: Where): Made {
  const names = stage.stratumNames;
  const sizes = stage.stratumSampled;
  const order = Array.from({ length: stage.nStrata }, (_, s) => s).sort((a, b) =>
    compareNames(names[a]!, names[b]!),
  );
  for (const s of order) {
    const size = sizes[s]!;
    if (size < 2 || size % 2 === 1) {
      throw new DesignError(
        'BRR_STRATUM_SIZE',
        `stratum "${names[s]}" has ${size} PSU${size === 1 ? '' : 's'}; BRR and Fay need 2 PSUs per stratum (or an even number, split into pairs as R does) (R: "${size < 2 ? 'Some strata have fewer than 2 PSUs' : "Can't split with odd numbers of PSUs in a stratum"}")`,
        { stratum: names[s], level: names[s], value: size },
      );
    }
  }
  // Half-sample strata: strata with more than 2 PSUs first (split into consecutive pairs), then
  // the strata with 2, each group in name order; PSUs within a stratum in order of appearance.
  const substratum = new Int32Array(stage.nClusters);
  const first = new Uint8Array(stage.nClusters);
  let upto = 0;
  for (const large of [true, false]) {
    for (const s of order) {
      if (sizes[s]! > 2 !== large) continue;
      const start = stage.stratumClusterStart[s]!;
      for (let k = 0; k < sizes[s]!; k++) {
        const c = stage.stratumClusters[start + k]!;
        substratum[c] = upto + (k >> 1) + 1;
        first[c] = k % 2 === 0 ? 1 : 0;
      }
      upto += sizes[s]! / 2;
    }
  }
  const h = hadamard(upto);
  const R = h.length;
  const rows = design.data.nrow;
  checkStorage(rows, R, where);
  const w = design.weights;
  const cluster = stage.rowCluster;
  const factor = new Float64Array(stage.nClusters);
  const replicates: Float64Array[] = [];
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < stage.nClusters; c++) {
      const inHalf = (h[substratum[c]!]![r] === 1) === (first[c] === 1);
      factor[c] = inHalf ? 2 - rho : rho;
    }
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = w[i]! * factor[cluster[i]!]!;
    replicates.push(out);
  }
  return { replicates, scale: 1 / (R * (1 - rho) ** 2), rscales: new Float64Array(R).fill(1) };
}

/** R's bootweights with surveykit's own random numbers. */
function bootstrap(
  design: LinearizationDesign,
  stage: Stage,
  useFpc: boolean,
  opts: AsRepOptions,
  warnings: string[],
  where: Where,
): Made {
  const source = where.source;
  const R = opts.replicates ?? 50;
  if (!Number.isInteger(R) || R < 2) {
    throw new DesignError('BAD_OPTION', `replicates must be an integer >= 2; got ${R}`, {
      value: R,
    });
  }
  const seed = opts.seed ?? 20240517;
  if (!Number.isFinite(seed)) {
    throw new DesignError('BAD_OPTION', `seed must be a finite number; got ${seed}`, {
      value: seed,
    });
  }
  const rows = design.data.nrow;
  checkStorage(rows, R, where);
  const random = xoshiro128(seed);
  const nc = stage.nClusters;
  // counts[r * nc + c]: draws of PSU c in replicate r.
  const counts = new Float64Array(R * nc);
  let inverseSum = 0;
  for (let s = 0; s < stage.nStrata; s++) {
    const nh = stage.stratumSampled[s]!;
    inverseSum += 1 / nh;
    const start = stage.stratumClusterStart[s]!;
    const psus = stage.stratumClusters.subarray(start, start + nh);
    const N = useFpc ? stage.stratumPopulation[s]! : Number.POSITIVE_INFINITY;
    if (N !== Number.POSITIVE_INFINITY && N > 100 * nh) {
      warnings.push(`Sampling fraction <1% in stratum${stage.stratumNames[s]} treated as zero.`);
    }
    for (let r = 0; r < R; r++) {
      const base = r * nc;
      if (N === Number.POSITIVE_INFINITY) {
        for (let k = 0; k < nh; k++) counts[base + psus[Math.floor(random() * nh)]!]! += 1;
      } else {
        // n_h draws without replacement from PSUs repeated cyclically to N_h (R's
        // sample(rep(psu, length = N), n)): a partial Fisher–Yates shuffle of 0..N−1.
        const size = Math.floor(N + 1e-9);
        const swapped = new Map<number, number>();
        for (let t = 0; t < nh; t++) {
          const j = t + Math.floor(random() * (size - t));
          const picked = swapped.get(j) ?? j;
          swapped.set(j, swapped.get(t) ?? t);
          counts[base + psus[picked % nh]!]! += 1;
        }
      }
    }
  }
  const harmonic = stage.nStrata / inverseSum;
  if (!(harmonic > 1)) {
    throw new DesignError(
      'NO_VARIANCE',
      `${source}: every stratum has a single PSU, so the bootstrap has no variance to estimate`,
      { file: source },
    );
  }
  const w = design.weights;
  const cluster = stage.rowCluster;
  const replicates: Float64Array[] = [];
  for (let r = 0; r < R; r++) {
    const out = new Float64Array(rows);
    const base = r * nc;
    for (let i = 0; i < rows; i++) out[i] = w[i]! * counts[base + cluster[i]!]!;
    replicates.push(out);
  }
  return {
    replicates,
    scale: harmonic / ((harmonic - 1) * (R - 1)),
    rscales: new Float64Array(R).fill(1),
  };
}

/** xoshiro128** seeded through splitmix32: uniform numbers in [0, 1) with 53 random bits. */
function xoshiro128(seed: number): () => number {
  let x = Math.floor(seed) >>> 0 || 0x9e3779b9;
  const next32 = () => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = next32();
  let s1 = next32();
  let s2 = next32();
  let s3 = next32();
  // A seed beyond 32 bits changes the state too.
  s3 = (s3 ^ Math.floor(seed / 4294967296)) >>> 0;
  const step = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return () => ((step() >>> 5) * 67108864 + (step() >>> 6)) / 9007199254740992;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// ---- reading columns ----------------------------------------------------------------------

function replicateColumnNames(data: SurveyData, repweights: string[] | RegExp): string[] {
  if (repweights instanceof RegExp) {
    const re = new RegExp(repweights.source, repweights.flags.replace(/[gy]/g, ''));
    return data.names.filter((name) => re.test(name));
  }
  return [...repweights];
}

/** A weights column's values (not copied), each checked: numeric, present, finite, positive. */
function readWeights(c: Column, role: string, source: string, allowZero: boolean): Float64Array {
  const v = numericWeights(c, role, source);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!(x > 0 && x < Number.POSITIVE_INFINITY))
      checkWeight(x, x, i, c.name, role, source, allowZero);
  }
  return v;
}

function checkRho(
  type: ReplicateType,
  rho: number | undefined,
  warnings: string[],
): number | undefined {
  if (type === 'Fay') {
    if (rho === undefined) {
      throw new DesignError(
        'BAD_RHO',
        "type 'Fay' needs rho, the factor of the half-sample left out (R: \"With type='Fay' you must supply the correct rho\")",
        {},
      );
    }
    if (!(rho > 0 && rho < 1)) {
      throw new DesignError(
        'BAD_RHO',
        `Fay's rho must be between 0 and 1 (exclusive); got ${rho}`,
        {
          value: rho,
        },
      );
    }
    return rho;
  }
  if (rho !== undefined) {
    if (type === 'BRR') {
      warnings.push("type='BRR' does not use 'rho=' argument, you may want type='Fay'");
    } else if (type === 'other' || type === 'bootstrap') warnings.push('rho ignored.');
    else warnings.push('rho not relevant to JK1 design: ignored.');
  }
  return undefined;
}

function resolveRscales(
  rscales: number | readonly number[] | undefined,
  R: number,
  source: string,
): Float64Array | null {
  if (rscales === undefined) return null;
  const values =
    typeof rscales === 'number' ? new Float64Array(R).fill(rscales) : Float64Array.from(rscales);
  if (values.length !== R) {
    throw new DesignError(
      'REPLICATE_COUNT',
      `${source}: rscales has length ${values.length}, should be 1 or the number of replicates (${R})`,
      { file: source, value: values.length },
    );
  }
  for (let r = 0; r < R; r++) {
    const x = values[r]!;
    if (!(x >= 0 && Number.isFinite(x))) {
      throw new DesignError(
        'BAD_OPTION',
        `rscales must be finite and not negative; replicate ${r + 1} has ${x}`,
        { value: x },
      );
    }
  }
  return values;
}

/** R's check that the weights look like what `combined.weights` says they are. */
function combinedWeightWarnings(
  raw: Float64Array[],
  weights: Float64Array,
  combined: boolean,
  warnings: string[],
): void {
  let repMean = 0;
  for (const r of raw) {
    let s = 0;
    for (let i = 0; i < r.length; i++) s += r[i]!;
    repMean += s / r.length;
  }
  repMean /= raw.length;
  let wMean = 0;
  for (let i = 0; i < weights.length; i++) wMean += weights[i]!;
  wMean /= weights.length;
  if (combined && repMean < 5 && wMean / repMean > 5) {
    warnings.push(
      `Data do not look like combined weights: mean replication weight is ${repMean} and mean sampling weight is ${wMean}`,
    );
  }
  if (!combined && repMean > 5 && wMean / repMean < 5) {
    warnings.push(
      `Data look like combined weights: mean replication weight is ${repMean} and mean sampling weight is ${wMean}`,
    );
  }
}

function max(v: Float64Array): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.length; i++) if (v[i]! > m) m = v[i]!;
  return m;
}

// ---- degrees of freedom ---------------------------------------------------------------------

/**
 * R's `degf()` of a replicate design: the rank of its replicate weight matrix minus 1, over the
 * rows of its domain (R's `subset()` drops the other rows and recomputes it); the whole design's
 * is `design.df`.
 *
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4, 5, 6], psu: [1, 1, 2, 2, 3, 3], w: [5, 5, 5, 5, 5, 5] });
 * const jk = asRepDesign(svyDesign(data, { ids: 'psu', weights: 'w' }));
 * const inPsu1 = Uint8Array.from(column(data, 'psu') as Float64Array, (v) => (v === 1 ? 1 : 0));
 * console.log(jk.df, replicateDegf({ ...jk, domain: inPsu1 })); // => 2 0
 * ```
 */
export function replicateDegf(design: ReplicateDesign): number {
  if (design.domain === null || weightedOn(design, design.domain)) return design.df;
  return replicateWeightMatrixRank(design.replicates, design.domain) - 1;
}

/**
 * Whether `rows` are the domain the design's last weighting step weighted (then the design is
 * R's weighted subset itself, whose degf the step set: `design.df`).
 */
export function weightedOn(design: ReplicateDesign, rows: Uint8Array): boolean {
  const steps = design.weighting;
  return steps !== undefined && steps.length > 0 && steps[steps.length - 1]!.rows === rows;
}

/**
 * Above this many cells (distinct row directions × replicates²) the rank comes from the Gram
 * matrix, not Householder QR.
 */
export const QR_MAX_CELLS = 4e7;
/** Give up grouping rows beyond this many groups (then the Gram matrix of all rows is used). */
const MAX_GROUPS = 1 << 16;

/**
 * The rank R's `qr(X, tol = 1e-5)$rank` gives for the n × p matrix whose columns are `columns`
 * (restricted to the rows flagged in `rows`, all rows when `null`). R uses LINPACK's `dqrdc2`:
 * Householder QR that moves a column to the end when its norm, after removing the columns
 * already taken, falls below `tol` times its original norm. The rank is the number of columns
 * kept, i.e. greedily, in column order, each column whose relative residual is at least `tol`.
 *
 * Fast on millions of rows: those decisions depend on XᵀX only (the residual norms are the
 * diagonal of the Cholesky / R factor of XᵀX). Rows that are positive multiples of each other
 * (x_i = s_i u, e.g. all rows of a PSU: weight × the PSU's replicate factors) are merged into one
 * row √(Σ s_i²) u, which leaves XᵀX unchanged (Σ s_i² u uᵀ). Directions are matched after
 * rounding to 2⁻³⁰ (1e-9) relative, far below the 1e-5 tolerance. A design from PSUs therefore reduces
 * to one row per PSU, and the reduced matrix goes through a port of `dqrdc2` itself. When rows
 * have too many distinct directions (e.g. person-level replicate weights), XᵀX is accumulated
 * directly and the same greedy rule is applied to its Cholesky factor; squared residuals then
 * carry an absolute error near 1e-16 · ‖x_j‖², i.e. relative residuals are exact to about 1e-8,
 * still well below the 1e-5 tolerance.
 *
 * @example
 * ```ts
 * const a = Float64Array.of(1, 1, 0, 0);
 * const b = Float64Array.of(0, 0, 1, 1);
 * const c = Float64Array.of(2, 2, 3, 3); // 2a + 3b
 * console.log(replicateWeightMatrixRank([a, b, c]), replicateWeightMatrixRank([a, b, c], Uint8Array.of(1, 1, 0, 0))); // => 2 1
 * ```
 */
export function replicateWeightMatrixRank(
  columns: readonly Float64Array[],
  rows: Uint8Array | null = null,
  tol = RANK_TOL,
): number {
  const known = knownJackknifeRank(columns, rows, tol);
  if (known !== null) return known;
  if (columns.length > 0) {
    // the rank does not change with the scale; weights near 1e±300 would overflow its squares
    // (and replicates made from scaled weights are read as made, see unscaled)
    const k = weightExponent(columns[0]!);
    if (k !== 0)
      return weightMatrixRank(
        columns.map((c) => scaledBy(c, k)),
        rows,
        tol,
      );
  }
  return weightMatrixRank(columns, rows, tol, rows === null);
}

function weightMatrixRank(
  columns: readonly Float64Array[],
  rows: Uint8Array | null,
  tol: number,
  keep = false,
): number {
  const p = columns.length;
  if (p === 0) return 0;
  const total = columns[0]!.length;
  let n = 0;
  if (rows === null) n = total;
  else for (let i = 0; i < total; i++) if (rows[i]) n++;
  if (n === 0) return 0;
  // Over all rows, the grouping is kept for a later weighting step (see rowReduction).
  const perRow = keep ? newRowReduction(total) : null;
  const reduced = reduceRows(columns, rows, perRow);
  if (reduced === null) return greedyRank(gram(columns, rows, total), p, n, tol);
  if (perRow !== null) reductions.set(columns, perRow);
  const G = reduced.length / p;
  if (G * p * p <= QR_MAX_CELLS) {
    // dqrdc2 on the reduced matrix (rank ≤ G, so its min(n, p) becomes min(G, p)).
    return dqrdc2Rank(reduced, G, p, tol);
  }
  const cols: Float64Array[] = [];
  for (let j = 0; j < p; j++) cols.push(reduced.subarray(j * G, (j + 1) * G));
  return greedyRank(gram(cols, null, G), p, n, tol);
}

/**
 * The rows of a replicate weight matrix grouped by direction: row i is `scale[i]` times
 * `directions[group[i]]` (to the 2⁻³⁰ relative rounding that matched it; rows of zeros: group −1).
 */
export interface RowReduction {
  /** Number of distinct directions. */
  groups: number;
  /** Per row: its group, −1 for a row of zeros. */
  readonly group: Int32Array;
  /** Per row: its largest |weight| (or, for PSU groupings, its full-sample weight). */
  readonly scale: Float64Array;
  /** groups × replicates, row-major: each group's direction (largest |entry| 1, or the PSU's factors). */
  directions: Float64Array;
  /**
   * Every row is `scale[i] × directions[group[i]]` to within 2⁻⁵⁰ of its scale (rounding only,
   * as when replicates are the weights times per-PSU factors), so sums over rows can be taken
   * per group (see replicateWeightedSumsMany).
   */
  exact: boolean;
}

/** How close (relative to the row's largest weight) a row must be to its group's direction for `exact`. */
const EXACT_DIRECTION = 2 ** -50;

function newRowReduction(rows: number): RowReduction {
  return {
    groups: 0,
    group: new Int32Array(rows),
    scale: new Float64Array(rows),
    directions: new Float64Array(0),
    exact: true,
  };
}

/**
 * Records the grouping of replicates made as each row's weight times a factor of its PSU
 * (x_ir = w_i g_cr, one rounding: jackknife replicates, whose rank comes from their structure and
 * so never grouped their rows): group = PSU, scale = weight, direction = the PSU's factors (read
 * back from a row of positive weight, within two roundings of g_cr). Every row is then its scale
 * times its direction to rounding (`exact`). Kept only when directions take fewer numbers than
 * the replicates (PSUs × replicates < rows), as the grouped sums need.
 */
function rememberClusterGrouping(
  replicates: readonly Float64Array[],
  weights: Float64Array,
  stage: Stage,
): void {
  const R = replicates.length;
  const n = weights.length;
  const C = stage.nClusters;
  if (R === 0 || C * R >= n) return;
  const cluster = stage.rowCluster;
  const first = new Int32Array(C).fill(-1);
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = cluster[i]!;
    if (!(weights[i]! > 0)) {
      group[i] = -1; // weight 0: a row of zeros
      continue;
    }
    group[i] = c;
    if (first[c] === -1) first[c] = i;
  }
  const directions = new Float64Array(C * R);
  for (let c = 0; c < C; c++) {
    const i = first[c]!;
    if (i < 0) continue;
    for (let r = 0; r < R; r++) directions[c * R + r] = replicates[r]![i]! / weights[i]!;
  }
  reductions.set(replicates, { groups: C, group, scale: weights, directions, exact: true });
}

/**
 * Re-expresses an exact grouping of replicates on the design's weights when each row's scale is
 * its weight times a constant of its group (to 2⁻⁵⁰: replicates made as weights × per-PSU
 * factors): scale = the weights array itself (directions × that constant), so grouped sums read
 * the weights once for the full sample and the groups, and the grouping keeps no scale of its own.
 */
function rebaseOnWeights(replicates: readonly Float64Array[], weights: Float64Array): void {
  const known = reductions.get(replicates);
  if (known === undefined || !known.exact || known.scale === weights) return;
  const { groups: G, group, scale, directions } = known;
  const n = weights.length;
  if (group.length !== n) return;
  const ratio = new Float64Array(G).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    const g = group[i]!;
    if (g < 0) continue;
    const w = weights[i]!;
    if (!(w > 0)) return; // replicate weights on a row of weight 0: no constant
    const a = ratio[g]!;
    if (Number.isNaN(a)) ratio[g] = scale[i]! / w;
    else if (Math.abs(scale[i]! - a * w) > EXACT_DIRECTION * scale[i]!) return;
  }
  const R = directions.length / Math.max(G, 1);
  const rebased = new Float64Array(directions.length);
  for (let g = 0; g < G; g++)
    for (let r = 0; r < R; r++) rebased[g * R + r] = directions[g * R + r]! * ratio[g]!;
  reductions.set(replicates, {
    groups: G,
    group,
    scale: weights,
    directions: rebased,
    exact: true,
  });
}

/**
 * The grouping of a replicate set's rows by direction if it was found when its rank was computed
 * (see {@link rowReduction}), without computing it.
 */
export function knownRowReduction(columns: readonly Float64Array[]): RowReduction | null {
  return reductions.get(columns) ?? null;
}

/** Groupings of replicate sets found while computing their rank, kept while the set lives. */
const reductions = new WeakMap<readonly Float64Array[], RowReduction>();

/**
 * The rows of a replicate set grouped by direction (all rows): the grouping found when its rank
 * was computed, or found now (one pass); `null` when its rows have more than MAX_GROUPS
 * directions, or its weights need scaling (see weightExponent). Weighting steps use it to find
 * the rank of the re-weighted replicates (src/design/reweighted-rank.ts).
 */
export function rowReduction(columns: readonly Float64Array[]): RowReduction | null {
  const known = reductions.get(columns);
  if (known !== undefined) return known;
  if (columns.length === 0 || weightExponent(columns[0]!) !== 0) return null;
  const perRow = newRowReduction(columns[0]!.length);
  if (reduceRows(columns, null, perRow) === null) return null;
  reductions.set(columns, perRow);
  return perRow;
}

/**
 * Rows grouped by direction: a column-major G × p matrix with one row √(Σ s_i²) u per group of
 * rows x_i = s_i u (s_i = largest |x_ij|); `null` when there are more than MAX_GROUPS groups.
 * Rows of zeros are left out (they add nothing to XᵀX).
 */
function reduceRows(
  columns: readonly Float64Array[],
  rows: Uint8Array | null,
  perRow: RowReduction | null = null,
): Float64Array | null {
  const p = columns.length;
  const total = columns[0]!.length;
  const tableSize = MAX_GROUPS * 4;
  const table = new Int32Array(tableSize).fill(-1);
  const groupHash = new Int32Array(MAX_GROUPS);
  const groupRow = new Int32Array(MAX_GROUPS);
  const groupScale = new Float64Array(MAX_GROUPS);
  const groupSumSq = new Float64Array(MAX_GROUPS);
  let groupKeys = new Int32Array(256 * p); // quantized direction of each group, p per group
  const key = new Int32Array(p);
  let dirs = new Float64Array(perRow === null ? 0 : 256 * p); // each group's direction (perRow)
  const QUANTUM = 2 ** 30; // |q| <= 2^30: exact as a 32-bit integer
  const CH = 256;
  const buf = new Float64Array(p * CH); // a block of rows, row-major
  const index = new Int32Array(CH);
  let groups = 0;
  let i = 0;
  while (i < total) {
    // Gather a block of flagged rows (one sequential read per column).
    let len = 0;
    if (rows === null) {
      len = Math.min(CH, total - i);
      for (let t = 0; t < len; t++) index[t] = i + t;
      for (let j = 0; j < p; j++) {
        const c = columns[j]!;
        for (let t = 0, o = j; t < len; t++, o += p) buf[o] = c[i + t]!;
      }
      i += len;
    } else {
      while (i < total && len < CH) {
        if (rows[i]) index[len++] = i;
        i++;
      }
      for (let j = 0; j < p; j++) {
        const c = columns[j]!;
        for (let t = 0, o = j; t < len; t++, o += p) buf[o] = c[index[t]!]!;
      }
    }
    for (let t = 0; t < len; t++) {
      const row = t * p;
      let s = 0;
      for (let j = 0, o = row; j < p; j++, o++) {
        const a = Math.abs(buf[o]!);
        if (a > s) s = a;
      }
      if (s === 0) {
        if (perRow !== null) perRow.group[index[t]!] = -1;
        continue;
      }
      const m = QUANTUM / s;
      // MurmurHash3 (x86, 32-bit) of the quantized direction.
      let h = 0x9747b28c;
      for (let j = 0, o = row; j < p; j++, o++) {
        const q = (buf[o]! * m + 0.5) | 0; // deterministic rounding (toward zero after +0.5)
        key[j] = q;
        let k = Math.imul(q, 0xcc9e2d51);
        k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
        h ^= k;
        h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
      }
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      let slot = (h >>> 0) & (tableSize - 1);
      let found = -1;
      for (;;) {
        const g = table[slot]!;
        if (g < 0) break;
        if (groupHash[g] === h) {
          let same = true;
          for (let j = 0, o = g * p; j < p; j++, o++) {
            if (groupKeys[o] !== key[j]) {
              same = false;
              break;
            }
          }
          if (same) {
            found = g;
            break;
          }
        }
        slot = (slot + 1) & (tableSize - 1);
      }
      if (found < 0) {
        if (groups === MAX_GROUPS) return null;
        found = groups++;
        table[slot] = found;
        groupHash[found] = h;
        groupRow[found] = index[t]!;
        groupScale[found] = s;
        if (groupKeys.length < groups * p) {
          const grown = new Int32Array(groupKeys.length * 2);
          grown.set(groupKeys);
          groupKeys = grown;
        }
        groupKeys.set(key, found * p);
        if (perRow !== null) {
          if (dirs.length < groups * p) {
            const grown = new Float64Array(dirs.length * 2);
            grown.set(dirs);
            dirs = grown;
          }
          for (let j = 0, o = row; j < p; j++, o++) dirs[found * p + j] = buf[o]! / s;
        }
      } else if (perRow?.exact) {
        // Is the row its group's direction times its scale to rounding, not just to 2⁻³⁰?
        const limit = EXACT_DIRECTION * s;
        for (let j = 0, o = row, d = found * p; j < p; j++, o++, d++) {
          if (Math.abs(buf[o]! - s * dirs[d]!) > limit) {
            perRow.exact = false;
            break;
          }
        }
      }
      groupSumSq[found]! += s * s;
      if (perRow !== null) {
        perRow.group[index[t]!] = found;
        perRow.scale[index[t]!] = s;
      }
    }
  }
  const out = new Float64Array(groups * p);
  for (let g = 0; g < groups; g++) {
    const r = groupRow[g]!;
    const m = Math.sqrt(groupSumSq[g]!) / groupScale[g]!;
    for (let j = 0; j < p; j++) out[j * groups + g] = columns[j]![r]! * m;
  }
  if (perRow !== null) {
    perRow.groups = groups;
    perRow.directions = dirs.slice(0, groups * p);
  }
  return out;
}

/** Rank by LINPACK dqrdc2 (R's qr(), LAPACK = FALSE) on a column-major n × p matrix (overwritten). */
export function dqrdc2Rank(x: Float64Array, n: number, p: number, tol: number): number {
  if (n === 0) return 0;
  const qraux = new Float64Array(p);
  const work1 = new Float64Array(p);
  const work2 = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const norm = nrm2(x, j * n, n);
    qraux[j] = norm;
    work1[j] = norm;
    work2[j] = norm === 0 ? 1 : norm;
  }
  const lup = Math.min(n, p);
  let k = p + 1;
  const tmp = new Float64Array(n);
  for (let l = 1; l <= lup; l++) {
    // Move negligible columns to the end (they no longer count towards the rank).
    while (!(l >= k || qraux[l - 1]! >= work2[l - 1]! * tol)) {
      tmp.set(x.subarray((l - 1) * n, l * n));
      x.copyWithin((l - 1) * n, l * n, p * n);
      x.set(tmp, (p - 1) * n);
      for (const a of [qraux, work1, work2]) {
        const t = a[l - 1]!;
        a.copyWithin(l - 1, l, p);
        a[p - 1] = t;
      }
      k--;
    }
    if (l === n) continue;
    const off = (l - 1) * n + (l - 1);
    const len = n - l + 1;
    let nrmxl = nrm2(x, off, len);
    if (nrmxl === 0) continue;
    if (x[off] !== 0) nrmxl = Math.sign(x[off]!) * Math.abs(nrmxl);
    const inv = 1 / nrmxl;
    for (let i = 0; i < len; i++) x[off + i]! *= inv;
    x[off] = 1 + x[off]!;
    for (let j = l + 1; j <= p; j++) {
      const offj = (j - 1) * n + (l - 1);
      let dot = 0;
      for (let i = 0; i < len; i++) dot += x[off + i]! * x[offj + i]!;
      const t = -dot / x[off]!;
      for (let i = 0; i < len; i++) x[offj + i]! += t * x[off + i]!;
      const q = qraux[j - 1]!;
      if (q === 0) continue;
      const tt = Math.max(1 - (Math.abs(x[offj]!) / q) ** 2, 0);
      if (Math.abs(tt) < 1e-6) {
        qraux[j - 1] = nrm2(x, offj + 1, n - l);
        work1[j - 1] = qraux[j - 1]!;
      } else qraux[j - 1] = q * Math.sqrt(tt);
    }
    qraux[l - 1] = x[off]!;
    x[off] = -nrmxl;
  }
  return Math.min(k - 1, n);
}

function nrm2(x: Float64Array, off: number, len: number): number {
  // Scaled like the reference BLAS, so huge or tiny weights neither overflow nor underflow.
  let scale = 0;
  let ssq = 1;
  for (let i = 0; i < len; i++) {
    const v = x[off + i]!;
    if (v === 0) continue;
    const a = Math.abs(v);
    if (scale < a) {
      ssq = 1 + ssq * (scale / a) ** 2;
      scale = a;
    } else ssq += (a / scale) ** 2;
  }
  return scale * Math.sqrt(ssq);
}

/**
 * dqrdc2's decisions from XᵀX (`g`, p × p row-major, overwritten; n rows): accept column j when
 * its residual ≥ tol · ‖x_j‖, in order.
 */
export function greedyRank(g: Float64Array, p: number, n: number, tol: number): number {
  const limit = Math.min(n, p);
  const S = g; // Schur complement, updated in place (p × p, row-major, symmetric)
  const done = new Uint8Array(p);
  const norms = new Float64Array(p);
  for (let j = 0; j < p; j++) norms[j] = Math.sqrt(Math.max(g[j * p + j]!, 0)) || 1;
  let rank = 0;
  for (let j = 0; j < p && rank < limit; j++) {
    done[j] = 1;
    const d = S[j * p + j]!;
    if (!(Math.sqrt(Math.max(d, 0)) >= tol * norms[j]!)) continue;
    rank++;
    for (let a = j + 1; a < p; a++) {
      const fa = S[a * p + j]! / d;
      if (fa === 0) continue;
      for (let b = j + 1; b < p; b++) S[a * p + b]! -= fa * S[j * p + b]!;
    }
  }
  return rank;
}

/** XᵀX (p × p, row-major) over the flagged rows, blocked for cache and registers. */
function gram(
  columns: readonly Float64Array[],
  rows: Uint8Array | null,
  total: number,
): Float64Array {
  const p = columns.length;
  const P = (p + 3) & ~3;
  const CH = 512;
  const buf = new Float64Array(P * CH);
  const G = new Float64Array(P * P);
  let i = 0;
  while (i < total) {
    let len = 0;
    const from = i;
    // Gather up to CH flagged rows into buf (column-major, CH per column).
    if (rows === null) {
      len = Math.min(CH, total - i);
      for (let j = 0; j < p; j++) buf.set(columns[j]!.subarray(i, i + len), j * CH);
      i += len;
    } else {
      const idx: number[] = [];
      while (i < total && idx.length < CH) {
        if (rows[i]) idx.push(i);
        i++;
      }
      len = idx.length;
      for (let j = 0; j < p; j++) {
        const c = columns[j]!;
        const o = j * CH;
        for (let t = 0; t < len; t++) buf[o + t] = c[idx[t]!]!;
      }
    }
    if (len === 0 || from === i) continue;
    if (len < CH) for (let j = 0; j < P; j++) buf.fill(0, j * CH + len, (j + 1) * CH);
    for (let jb = 0; jb < P; jb += 4) {
      const a0 = jb * CH;
      const a1 = a0 + CH;
      const a2 = a1 + CH;
      const a3 = a2 + CH;
      for (let kb = jb; kb < P; kb += 4) {
        const b0 = kb * CH;
        const b1 = b0 + CH;
        const b2 = b1 + CH;
        const b3 = b2 + CH;
        let s00 = 0,
          s01 = 0,
          s02 = 0,
          s03 = 0;
        let s10 = 0,
          s11 = 0,
          s12 = 0,
          s13 = 0;
        let s20 = 0,
          s21 = 0,
          s22 = 0,
          s23 = 0;
        let s30 = 0,
          s31 = 0,
          s32 = 0,
          s33 = 0;
        for (let t = 0; t < len; t++) {
          const x0 = buf[a0 + t]!;
          const x1 = buf[a1 + t]!;
          const x2 = buf[a2 + t]!;
          const x3 = buf[a3 + t]!;
          const y0 = buf[b0 + t]!;
          const y1 = buf[b1 + t]!;
          const y2 = buf[b2 + t]!;
          const y3 = buf[b3 + t]!;
          s00 += x0 * y0;
          s01 += x0 * y1;
          s02 += x0 * y2;
          s03 += x0 * y3;
          s10 += x1 * y0;
          s11 += x1 * y1;
          s12 += x1 * y2;
          s13 += x1 * y3;
          s20 += x2 * y0;
          s21 += x2 * y1;
          s22 += x2 * y2;
          s23 += x2 * y3;
          s30 += x3 * y0;
          s31 += x3 * y1;
          s32 += x3 * y2;
          s33 += x3 * y3;
        }
        const r0 = jb * P + kb;
        const r1 = r0 + P;
        const r2 = r1 + P;
        const r3 = r2 + P;
        G[r0]! += s00;
        G[r0 + 1]! += s01;
        G[r0 + 2]! += s02;
        G[r0 + 3]! += s03;
        G[r1]! += s10;
        G[r1 + 1]! += s11;
        G[r1 + 2]! += s12;
        G[r1 + 3]! += s13;
        G[r2]! += s20;
        G[r2 + 1]! += s21;
        G[r2 + 2]! += s22;
        G[r2 + 3]! += s23;
        G[r3]! += s30;
        G[r3 + 1]! += s31;
        G[r3 + 2]! += s32;
        G[r3 + 3]! += s33;
      }
    }
  }
  // Upper blocks only were accumulated: mirror, and drop the padding.
  const out = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      const v = G[a * P + b]!; // a <= b: its 4 × 4 block is on or above the diagonal
      out[a * p + b] = v;
      out[b * p + a] = v;
    }
  }
  return out;
}
