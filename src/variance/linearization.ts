/**
 * Taylor-linearization variance: influence values → cluster totals → within-stratum variance,
 * with finite population corrections, stage by stage as R's `svyrecvar` computes it.
 *
 * For each stage, each stratum s with n_s sampled clusters (population N_s, f_s = (N_s − n_s)/N_s,
 * f = 1 without fpc) adds `f_s n_s/(n_s−1) Σ_c (T_c − T̄)(T_c − T̄)ᵀ` over its clusters' totals T_c.
 * When an fpc is given, later stages add their variance within each cluster of the stage above,
 * multiplied by the sampling fractions n/N of the stages above (R's multistage recursion).
 * Strata with one PSU follow the design's lonely-PSU rule, as in R survey: `remove` and
 * `certainty` add nothing, `average` scales the others up by (strata)/(strata with more than one
 * PSU), `fail` throws, and `adjust` adds `f (T − T̄)(T − T̄)ᵀ`, the lonely PSU's total centred at
 * the grand mean T̄ = (sum of every PSU total of the stage) / (PSUs sampled in all its strata), as
 * survey ≥ 4.4 does (its `onestage` and C++ `arma_onestage`; survey 4.1.1 centred at zero, which
 * makes the variance depend on where the variable's zero is). The same centring applies to a
 * stratum with one PSU in a domain under `adjustDomainLonely` (R's
 * `survey.adjust.domain.lonely`): its PSUs, the absent ones with zero totals, are centred at T̄.
 * @module
 */
import type { LinearizationDesign, Stage } from '../design/types.js';
import { EstimationError } from '../errors.js';
import type { Influence } from './influence.js';

/** Below this sampling fraction complement a stratum is self-representing (R's 1e-7). */
const SELF_REPRESENTING = 1e-7;

/** Options of {@link linearizationVariance}. */
export interface VarianceOptions {
  /**
   * Only the variances: the diagonal of the covariance (the rest is left 0). The cost per PSU is
   * then p rather than p² (for tables of many cells).
   */
  diagonal?: boolean;
}

/**
 * The p × p covariance matrix (row-major) of estimates whose influence values are given.
 *
 * @param present rows in the estimation domain (R: rows kept by subsetting), `null` for all;
 *   influence values outside it must be 0.
 */
export function linearizationVariance(
  design: LinearizationDesign,
  influence: Influence,
  present: Uint8Array | null,
  opts: VarianceOptions = {},
): Float64Array {
  const diagonal = opts.diagonal ?? false;
  const p = influence.p;
  const V = new Float64Array(p * p);
  const stages = design.stages;
  const nStages = design.hasFpc ? stages.length : 1;
  const average = design.lonelyPsu === 'average';
  const domainLonely = (design.spec.adjustDomainLonely ?? false) && present !== null;
  const presence = needsPresence(design);
  let parentMult: Float64Array | null = null;

  for (let k = 0; k < nStages; k++) {
    const stage = stages[k]!;
    const totals = new Float64Array(stage.nClusters * p);
    // Clusters with a row in the domain, when the variance depends on them: as the influence
    // found them while summing, when it sums over these very rows; else one pass over the rows.
    const mark = presence && present !== null;
    const marked = influence.sumByCluster(stage.rowCluster, totals, mark);
    const seen = !mark
      ? null
      : marked && influence.present === present
        ? marked
        : clustersInDomain(stage, present);
    const stratumPresent = new Uint8Array(stage.nStrata);
    const presentClusters = domainLonely ? new Int32Array(stage.nStrata) : null;
    for (let c = 0; c < stage.nClusters; c++) {
      if (seen !== null && seen[c] === 0) continue;
      const s = stage.clusterStratum[c]!;
      stratumPresent[s] = 1;
      if (presentClusters) presentClusters[s]! += 1;
    }

    // 'average' needs, per group (cluster of the stage above), the sum over strata and counts.
    const nGroups = k === 0 ? 1 : stages[k - 1]!.nClusters;
    const groupSum = average ? new Float64Array(nGroups * p * p) : null;
    const groupStrata = average ? new Float64Array(nGroups) : null;
    const groupOk = average ? new Float64Array(nGroups) : null;
    const centred = new Float64Array(p);
    // 'adjust' centres lonely PSUs at the grand mean of the stage (per group).
    const grand =
      design.lonelyPsu === 'adjust'
        ? grandMeans(stage, k, nGroups, totals, stratumPresent, p)
        : null;

    for (let s = 0; s < stage.nStrata; s++) {
      if (!stratumPresent[s]) continue;
      const group = k === 0 ? 0 : stage.stratumParent[s]!;
      const mult = parentMult === null ? 1 : parentMult[group]!;
      if (mult === 0) continue;
      if (groupStrata) groupStrata[group]! += 1;
      const sampled = stage.stratumSampled[s]!;
      const population = stage.stratumPopulation[s]!;
      const f = population === Number.POSITIVE_INFINITY ? 1 : (population - sampled) / population;
      if (f < SELF_REPRESENTING) {
        if (groupOk) groupOk[group]! += 1;
        continue;
      }
      const target = groupSum ? groupSum.subarray(group * p * p, (group + 1) * p * p) : V;
      const factor = groupSum ? 1 : mult;
      const start = stage.stratumClusterStart[s]!;
      const end = stage.stratumClusterStart[s + 1]!;
      if (sampled > 1 && presentClusters !== null && presentClusters[s] === 1) {
        // A stratum with one PSU in the domain, under survey.adjust.domain.lonely.
        if (design.lonelyPsu === 'average') continue; // counted in groupStrata, not in groupOk
        if (design.lonelyPsu === 'adjust') {
          const scale = (factor * f * sampled) / (sampled - 1);
          const m = grand!.subarray(group * p, (group + 1) * p);
          addDeviationProducts(
            totals,
            stage.stratumClusters,
            start,
            end,
            p,
            scale,
            target,
            m,
            diagonal,
          );
          continue;
        }
      }
      if (sampled > 1) {
        const scale = (factor * f * sampled) / (sampled - 1);
        addCentredCrossProduct(
          totals,
          stage.stratumClusters,
          start,
          end,
          p,
          sampled,
          scale,
          target,
          centred,
          diagonal,
        );
        if (groupOk) groupOk[group]! += 1;
        continue;
      }
      switch (design.lonelyPsu) {
        case 'fail':
          throw lonelyError(stage.stratumNames[s]!, k);
        case 'average':
          break; // counted in groupStrata, not in groupOk
        case 'adjust': {
          const m = grand!.subarray(group * p, (group + 1) * p);
          addDeviationProducts(
            totals,
            stage.stratumClusters,
            start,
            end,
            p,
            factor * f,
            target,
            m,
            diagonal,
          );
          break;
        }
        default:
          break; // remove, certainty: a lonely PSU centred on itself adds nothing
      }
    }

    if (groupSum && groupStrata && groupOk) {
      for (let g = 0; g < nGroups; g++) {
        if (groupStrata[g] === 0) continue;
        if (groupOk[g] === 0) {
          throw new EstimationError(
            'NO_VARIANCE',
            `every stratum${k > 0 ? ` within a stage-${k} cluster` : ''} has a single PSU at stage ${k + 1}: lonelyPsu 'average' has nothing to average`,
            { stage: k + 1 },
          );
        }
        const mult = parentMult === null ? 1 : parentMult[g]!;
        const ratio = (mult * groupStrata[g]!) / groupOk[g]!;
        for (let e = 0; e < p * p; e++) V[e]! += groupSum[g * p * p + e]! * ratio;
      }
    }

    if (k + 1 < nStages) {
      // Multiplier of each cluster's sub-stage variance: the sampling fractions above it.
      const next = new Float64Array(stage.nClusters);
      for (let c = 0; c < stage.nClusters; c++) {
        const s = stage.clusterStratum[c]!;
        const group = k === 0 ? 0 : stage.stratumParent[s]!;
        const mult = parentMult === null ? 1 : parentMult[group]!;
        next[c] = (mult * stage.stratumSampled[s]!) / stage.stratumPopulation[s]!;
      }
      parentMult = next;
    }
  }
  // the strata added their upper triangles (b ≥ a): the lower one is its mirror
  if (!diagonal) {
    for (let a = 1; a < p; a++) for (let b = 0; b < a; b++) V[a * p + b] = V[b * p + a]!;
  }
  return V;
}

function addCentredCrossProduct(
  totals: Float64Array,
  clusters: Int32Array,
  start: number,
  end: number,
  p: number,
  sampled: number,
  scale: number,
  target: Float64Array,
  mean: Float64Array,
  diagonal: boolean,
): void {
  // R pads clusters absent from the domain with zero totals; here they are present with zeros.
  if (p === 1) {
    let sum = 0;
    for (let i = start; i < end; i++) sum += totals[clusters[i]!]!;
    let m = sum / sampled;
    // One refinement pass makes the mean exact when all totals are equal (zero variance, not 1e-17).
    let correction = 0;
    for (let i = start; i < end; i++) correction += totals[clusters[i]!]! - m;
    m += correction / sampled;
    let ss = 0;
    for (let i = start; i < end; i++) {
      const d = totals[clusters[i]!]! - m;
      ss += d * d;
    }
    target[0]! += scale * ss;
    return;
  }
  mean.fill(0);
  for (let i = start; i < end; i++) {
    const c = clusters[i]!;
    for (let a = 0; a < p; a++) mean[a]! += totals[c * p + a]!;
  }
  for (let a = 0; a < p; a++) mean[a]! /= sampled;
  const correction = new Float64Array(p);
  for (let i = start; i < end; i++) {
    const c = clusters[i]!;
    for (let a = 0; a < p; a++) correction[a]! += totals[c * p + a]! - mean[a]!;
  }
  for (let a = 0; a < p; a++) mean[a]! += correction[a]! / sampled;
  addDeviationProducts(totals, clusters, start, end, p, scale, target, mean, diagonal);
}

/**
 * Adds scale · (T_c − m)(T_c − m)ᵀ over the clusters `clusters[start..end)` to `target`: the
 * diagonal only, or the upper triangle (b ≥ a; {@link linearizationVariance} mirrors it once at
 * the end), each cluster's deviations computed once. `m` is the stratum's mean, or the stage's
 * grand mean for a lonely PSU under 'adjust'.
 */
function addDeviationProducts(
  totals: Float64Array,
  clusters: Int32Array,
  start: number,
  end: number,
  p: number,
  scale: number,
  target: Float64Array,
  m: Float64Array,
  diagonal: boolean,
): void {
  const d = new Float64Array(p);
  for (let i = start; i < end; i++) {
    const o = clusters[i]! * p;
    for (let a = 0; a < p; a++) d[a] = totals[o + a]! - m[a]!;
    for (let a = 0; a < p; a++) {
      const da = d[a]!;
      if (da === 0) continue;
      if (diagonal) {
        target[a * p + a]! += scale * da * da;
        continue;
      }
      const sa = scale * da;
      const row = a * p;
      for (let b = a; b < p; b++) target[row + b]! += sa * d[b]!;
    }
  }
}

/**
 * Per group (cluster of the stage above; one group at stage 1): the grand mean of the PSU totals
 * of the stage, R's `colSums(x) / n_PSUs_from_all_strata` — the sum of every cluster total over
 * the number of clusters sampled in the strata with a row in the domain (clusters without a row
 * have zero totals, as R pads them).
 */
function grandMeans(
  stage: Stage,
  k: number,
  nGroups: number,
  totals: Float64Array,
  stratumPresent: Uint8Array,
  p: number,
): Float64Array {
  const sums = new Float64Array(nGroups * p);
  const psus = new Float64Array(nGroups);
  for (let s = 0; s < stage.nStrata; s++) {
    if (!stratumPresent[s]) continue;
    const group = k === 0 ? 0 : stage.stratumParent[s]!;
    psus[group]! += stage.stratumSampled[s]!;
    const start = stage.stratumClusterStart[s]!;
    const end = stage.stratumClusterStart[s + 1]!;
    for (let i = start; i < end; i++) {
      const c = stage.stratumClusters[i]!;
      for (let a = 0; a < p; a++) sums[group * p + a]! += totals[c * p + a]!;
    }
  }
  for (let g = 0; g < nGroups; g++) {
    const count = psus[g]!;
    for (let a = 0; a < p; a++) sums[g * p + a] = count > 0 ? sums[g * p + a]! / count : 0;
  }
  return sums;
}

const presenceOf = new WeakMap<readonly Stage[], boolean>();

/**
 * Whether the variance of estimates in a domain of the design depends on which clusters have a
 * row in the domain, beyond their (zero) totals: only through the lonely-PSU rules. A stratum
 * none of whose clusters has a domain row has zero totals, which add exactly nothing to a
 * stratum's centred cross products; its presence counts only for a stratum with one PSU (a
 * lonely PSU that 'fail' names, 'adjust' centres at the grand mean of the present strata,
 * 'average' leaves out) or, under `adjustDomainLonely`, with one PSU in the domain. Estimators
 * pass this to their scans, which then need not mark the clusters they see.
 * @example
 * ```ts
 * const data = fromColumns({ s: [1, 1, 2, 2, 3], psu: [1, 2, 3, 4, 5] });
 * const spec = { ids: 'psu', strata: 's' } as const;
 * console.log(needsPresence(svyDesign(data, { ...spec, lonelyPsu: 'remove' })), needsPresence(svyDesign(data, { ...spec, lonelyPsu: 'adjust' }))); // => false true
 * ```
 */
export function needsPresence(design: LinearizationDesign): boolean {
  const rule = design.lonelyPsu;
  if (rule === 'remove' || rule === 'certainty') return false;
  if (design.spec.adjustDomainLonely) return true;
  let lonely = presenceOf.get(design.stages);
  if (lonely === undefined) {
    lonely = false;
    const nStages = design.hasFpc ? design.stages.length : 1;
    for (let k = 0; k < nStages && !lonely; k++) {
      const stage = design.stages[k]!;
      for (let s = 0; s < stage.nStrata; s++) {
        const sampled = stage.stratumSampled[s]!;
        const population = stage.stratumPopulation[s]!;
        const f = population === Number.POSITIVE_INFINITY ? 1 : (population - sampled) / population;
        if (sampled === 1 && f >= SELF_REPRESENTING) {
          lonely = true;
          break;
        }
      }
    }
    presenceOf.set(design.stages, lonely);
  }
  return lonely;
}

/** Per cluster: whether it has a row in the domain (`null`: every row is). */
function clustersInDomain(stage: Stage, present: Uint8Array | null): Uint8Array | null {
  if (present === null) return null;
  const seen = new Uint8Array(stage.nClusters);
  for (let i = 0; i < present.length; i++) if (present[i]) seen[stage.rowCluster[i]!] = 1;
  return seen;
}

/** The error for a stratum with one PSU under the `'fail'` rule. */
export function lonelyError(stratum: string, stageIndex: number): EstimationError {
  return new EstimationError(
    'LONELY_PSU',
    `stratum "${stratum}" has only one PSU at stage ${stageIndex + 1}; choose a lonelyPsu rule ('remove', 'adjust', 'average', 'certainty') when building the design`,
    { stratum, stage: stageIndex + 1, level: stratum },
  );
}

/**
 * Design degrees of freedom (R's `degf`): PSUs minus strata at stage 1, counting only rows in
 * the domain with non-zero weight (or, with `zeroWeights: true`, all rows in the domain, as
 * R's `svychisq` counts them).
 */
export function designDf(
  design: LinearizationDesign,
  present: Uint8Array | null,
  opts: { zeroWeights?: boolean } = {},
): number {
  const stage = design.stages[0]!;
  const seen = new Uint8Array(stage.nClusters);
  markClusters(design.weights, present, opts.zeroWeights ?? false, stage.rowCluster, seen);
  return clusterDf(stage, seen);
}

/**
 * {@link designDf} from the stage-1 clusters counted (`seen[c]` 1): their number minus the
 * number of their strata. (The strata are those of the clusters, which are nested in them, so a
 * pass over the rows need only mark clusters: a store per row, no branch on whether a cluster is
 * new, and no read of the rows' strata.)
 * @example
 * ```ts
 * const d = svyDesign(fromColumns({ s: [1, 1, 2, 2], psu: [1, 2, 3, 4] }), { ids: 'psu', strata: 's' });
 * console.log(clusterDf(d.stages[0]!, Uint8Array.of(1, 1, 1, 0))); // => 1
 * ```
 */
export function clusterDf(stage: Stage, seen: Uint8Array): number {
  const stratumSeen = new Uint8Array(stage.nStrata);
  let clusters = 0;
  for (let c = 0; c < stage.nClusters; c++) {
    if (seen[c] === 0) continue;
    clusters++;
    stratumSeen[stage.clusterStratum[c]!] = 1;
  }
  let strata = 0;
  for (let s = 0; s < stage.nStrata; s++) strata += stratumSeen[s]!;
  return clusters - strata;
}

/** seen[c] = 1 for the clusters with a row in `present` (all rows: `null`) of non-zero weight. */
function markClusters(
  w: Float64Array,
  present: Uint8Array | null,
  countZero: boolean,
  rowCluster: Int32Array,
  seen: Uint8Array,
): void {
  if (present === null) {
    for (let i = 0; i < w.length; i++) if (countZero || w[i] !== 0) seen[rowCluster[i]!] = 1;
    return;
  }
  for (let i = 0; i < w.length; i++) {
    if (present[i] !== 0 && (countZero || w[i] !== 0)) seen[rowCluster[i]!] = 1;
  }
}
