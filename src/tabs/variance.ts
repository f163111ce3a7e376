/**
 * The covariance of a block's cells from their per-PSU influence totals, for every column group
 * (the Total and one banner variable's columns) at once: R's `svyrecvar` for one sampling stage,
 * `Σ_s f_s n_s/(n_s − 1) Σ_c (T_c − T̄_s)(T_c − T̄_s)ᵀ` over the strata s and their PSUs c, with
 * `f_s` the finite population correction.
 *
 * The PSU totals are sparse: a PSU has totals only for the columns it has respondents of (one
 * column per banner variable when every respondent is a PSU). The centred cross products are
 * added up over the PSUs' entries only, the PSUs without an entry of a column contributing
 * through their count:
 *
 *   Σ_c (T_ca − T̄_a)(T_cb − T̄_b) = Σ_{c∈A∩B} u_ca u_cb − T̄_b Σ_{c∈A∖B} u_ca − T̄_a Σ_{c∈B∖A} u_cb
 *                                   + |¬A ∩ ¬B| T̄_a T̄_b,
 *
 * A, B the PSUs with an entry of columns a, b and u = T − T̄: the same centred sum as over every
 * PSU, without materialising PSUs × columns. It costs the PSUs' entries and, per PSU, the pairs
 * of its entries within a banner variable.
 *
 * It serves designs whose variance is one stage (no fpc at later stages) and whose lonely-PSU
 * rule needs nothing across strata (`remove`, `certainty`, `adjust`; not `average`, nor R's
 * `survey.adjust.domain.lonely`); `fastVarianceDesign` says which. Others go through
 * `linearizationVariance`.
 * @module
 */
import type { LinearizationDesign } from '../design/types.js';
import type { Banner } from './spec.js';

/** Below this sampling fraction complement a stratum is self-representing (R's 1e-7). */
const SELF_REPRESENTING = 1e-7;

/**
 * Whether {@link stratifiedCovariances} computes this design's variance as
 * `linearizationVariance` would: one stage, and no lonely-PSU rule that looks across strata.
 * @example
 * ```ts
 * const d = svyDesign(fromColumns({ psu: [1, 1, 2, 3], s: ['a', 'a', 'a', 'b'] }), { ids: 'psu', strata: 's', lonelyPsu: 'average' });
 * console.log(fastVarianceDesign(svyDesign(fromColumns({ y: [1, 2] }))), fastVarianceDesign(d)); // => true false
 * ```
 */
export function fastVarianceDesign(design: LinearizationDesign): boolean {
  const nStages = design.hasFpc ? design.stages.length : 1;
  if (nStages !== 1) return false;
  if (design.spec.adjustDomainLonely && design.domain !== null) return false;
  const stage = design.stages[0]!;
  const rule = design.lonelyPsu;
  if (rule === 'remove' || rule === 'certainty' || rule === 'adjust') return true;
  for (let s = 0; s < stage.nStrata; s++) if (stage.stratumSampled[s]! < 2) return false;
  return true;
}

/**
 * How stratum s of stage 1 enters the variance: `f n/(n − 1)` times the centred cross products
 * of its PSU totals, or under `lonelyPsu: 'adjust'` a lonely PSU's `f T Tᵀ` (uncentred); `null`
 * when it adds nothing (self-representing; a lonely PSU under `remove` or `certainty`).
 * @example
 * ```ts
 * const d = svyDesign(fromColumns({ s: ['a', 'a', 'b'] }), { strata: 's', lonelyPsu: 'adjust' });
 * console.log(stratumScale(d, 0), stratumScale(d, 1)); // => { scale: 2, centred: true } { scale: 1, centred: false }
 * ```
 */
export function stratumScale(
  design: LinearizationDesign,
  s: number,
): { scale: number; centred: boolean } | null {
  const stage = design.stages[0]!;
  const sampled = stage.stratumSampled[s]!;
  const population = stage.stratumPopulation[s]!;
  const f = population === Number.POSITIVE_INFINITY ? 1 : (population - sampled) / population;
  if (f < SELF_REPRESENTING) return null;
  if (sampled > 1) return { scale: (f * sampled) / (sampled - 1), centred: true };
  return design.lonelyPsu === 'adjust' ? { scale: f, centred: false } : null;
}

/** Per-PSU influence totals of every column, in compressed rows (see `PsuEntries`). */
export interface PsuTotals {
  /** Per PSU: its first entry (length PSUs + 1). */
  readonly ptr: Int32Array;
  /** Per entry: the column. */
  readonly col: Int32Array;
  /** Per entry × level (value): the PSU's influence total of the column's cell. */
  readonly total: Float64Array;
  /** Levels (values) per entry. */
  readonly width: number;
}

/**
 * The covariance of the Total and each banner variable's columns (per level: one matrix per
 * variable, the Total first; just the Total's variance when there is no banner variable), from
 * sparse PSU totals of `width` levels at once, on a design for which {@link fastVarianceDesign}
 * holds. Strata without a PSU entry add nothing (as strata outside a domain in
 * `linearizationVariance`).
 */
export function stratifiedCovariances(
  design: LinearizationDesign,
  banner: Banner,
  totals: PsuTotals,
): Float64Array[][] {
  const stage = design.stages[0]!;
  const { ptr, col, total, width: J } = totals;
  const C = banner.columns;
  const vars = banner.variables;
  const G = Math.max(vars.length, 1);
  // Per column: its group (banner variable) and its index in the group (the Total: 0 in each).
  const groupOf = new Int32Array(C);
  const local = new Int32Array(C);
  const sizes = vars.length === 0 ? [1] : vars.map((v) => v.levels.length + 1);
  vars.forEach((v, g) => {
    for (let k = 0; k < v.levels.length; k++) {
      groupOf[v.offset + k] = g;
      local[v.offset + k] = k + 1;
    }
  });
  // Per level and group: the covariance; per stratum accumulators (× J levels): per column the
  // mean, centred sum and count of entries; per group and pair Σ u_a u_b, Σ u_a (over A ∩ B), |A ∩ B|.
  const V = sizes.map((p) => new Float64Array(p * p * J));
  const mean = new Float64Array(C * J);
  const S = new Float64Array(C * J);
  const count = new Float64Array(C);
  const P = sizes.map((p) => new Float64Array(p * p * J));
  const Q = sizes.map((p) => new Float64Array(p * p * J));
  const N = sizes.map((p) => new Float64Array(p * p));
  let maxEntries = 0;
  for (let c = 0; c + 1 < ptr.length; c++) maxEntries = Math.max(maxEntries, ptr[c + 1]! - ptr[c]!);
  const maxK = Math.max(...sizes);
  const items = new Int32Array(G * maxK); // per group: the current PSU's entries
  const itemCount = new Int32Array(G);
  const u = new Float64Array(maxEntries * J); // the current PSU's centred totals
  const u0 = new Float64Array(J);
  const T00 = new Float64Array(J); // Σ u_0² over the stratum's PSUs
  for (let s = 0; s < stage.nStrata; s++) {
    const start = stage.stratumClusterStart[s]!;
    const end = stage.stratumClusterStart[s + 1]!;
    let any = false;
    for (let q = start; q < end && !any; q++) {
      const c = stage.stratumClusters[q]!;
      if (ptr[c + 1]! > ptr[c]!) any = true;
    }
    if (!any) continue;
    const sc = stratumScale(design, s);
    if (sc === null) continue;
    const { scale, centred } = sc;
    const sampled = stage.stratumSampled[s]!;
    mean.fill(0);
    S.fill(0);
    count.fill(0);
    if (centred) {
      for (let q = start; q < end; q++) {
        const c = stage.stratumClusters[q]!;
        for (let e = ptr[c]!; e < ptr[c + 1]!; e++) {
          const at = col[e]! * J;
          for (let j = 0; j < J; j++) mean[at + j]! += total[e * J + j]!;
        }
      }
      for (let x = 0; x < C * J; x++) mean[x] = mean[x]! / sampled;
    }
    for (let g = 0; g < G; g++) {
      P[g]!.fill(0);
      Q[g]!.fill(0);
      N[g]!.fill(0);
    }
    T00.fill(0);
    for (let q = start; q < end; q++) {
      const c = stage.stratumClusters[q]!;
      const e0 = ptr[c]!;
      const e1 = ptr[c + 1]!;
      if (e1 === e0) continue;
      let hasTotal = false;
      itemCount.fill(0);
      for (let e = e0; e < e1; e++) {
        const a = col[e]!;
        const at = (e - e0) * J;
        for (let j = 0; j < J; j++) {
          const x = total[e * J + j]! - mean[a * J + j]!;
          u[at + j] = x;
          S[a * J + j]! += x;
        }
        count[a]! += 1;
        if (a === 0) {
          hasTotal = true;
          for (let j = 0; j < J; j++) {
            u0[j] = u[at + j]!;
            T00[j]! += u0[j]! * u0[j]!;
          }
        } else {
          const g = groupOf[a]!;
          items[g * maxK + itemCount[g]!] = e - e0;
          itemCount[g]! += 1;
        }
      }
      // A respondent of a column is a respondent of the Total, so a PSU with an entry of a
      // column has one of the Total: the pairs with the Total and the diagonal need only
      // Σ u_0 u_a, Σ u_0 over A and Σ u_a² (their other sums are S and count).
      for (let g = 0; g < G; g++) {
        const m = itemCount[g]!;
        if (m === 0) continue;
        const p = sizes[g]!;
        const Pg = P[g]!;
        const Qg = Q[g]!;
        const Ng = N[g]!;
        for (let x = 0; x < m; x++) {
          const ex = items[g * maxK + x]!;
          const la = local[col[e0 + ex]!]!;
          const ux = ex * J;
          if (hasTotal) {
            const k = la * J;
            for (let j = 0; j < J; j++) {
              Pg[k + j]! += u0[j]! * u[ux + j]!;
              Qg[k + j]! += u0[j]!;
            }
          }
          const kd = (la * p + la) * J;
          for (let j = 0; j < J; j++) Pg[kd + j]! += u[ux + j]! * u[ux + j]!;
          for (let y = 0; y < m; y++) {
            if (y === x) continue;
            const ey = items[g * maxK + y]!;
            const lb = local[col[e0 + ey]!]!;
            const uy = ey * J;
            const k = (la * p + lb) * J;
            for (let j = 0; j < J; j++) {
              Pg[k + j]! += u[ux + j]! * u[uy + j]!;
              Qg[k + j]! += u[ux + j]!;
            }
            Ng[la * p + lb]! += 1;
          }
        }
      }
    }
    for (let g = 0; g < G; g++) {
      const p = sizes[g]!;
      const cols = g < vars.length ? vars[g]! : null;
      const at = (l: number) => (l === 0 || cols === null ? 0 : cols.offset + l - 1);
      const Vg = V[g]!;
      const Pg = P[g]!;
      const Qg = Q[g]!;
      const Ng = N[g]!;
      // the sums the sweep left implicit (see above)
      for (let j = 0; j < J; j++) {
        Pg[j] = T00[j]!;
        Qg[j] = S[j]!;
      }
      Ng[0] = count[0]!;
      for (let la = 1; la < p; la++) {
        const a = at(la);
        const k0 = la * J; // (0, la)
        const k1 = la * p * J; // (la, 0)
        const kd = (la * p + la) * J;
        for (let j = 0; j < J; j++) {
          Pg[k1 + j] = Pg[k0 + j]!;
          Qg[k1 + j] = S[a * J + j]!;
          Qg[kd + j] = S[a * J + j]!;
        }
        Ng[la] = count[a]!;
        Ng[la * p] = count[a]!;
        Ng[la * p + la] = count[a]!;
      }
      for (let la = 0; la < p; la++) {
        const a = at(la);
        for (let lb = 0; lb < p; lb++) {
          const b = at(lb);
          const k = la * p + lb;
          const kt = lb * p + la;
          const outside = sampled - count[a]! - count[b]! + Ng[k]!;
          for (let j = 0; j < J; j++) {
            const ma = mean[a * J + j]!;
            const mb = mean[b * J + j]!;
            const value =
              Pg[k * J + j]! -
              mb * (S[a * J + j]! - Qg[k * J + j]!) -
              ma * (S[b * J + j]! - Qg[kt * J + j]!) +
              outside * ma * mb;
            Vg[k * J + j]! += scale * value;
          }
        }
      }
    }
  }
  // per level: each group's matrix
  return Array.from({ length: J }, (_, j) =>
    sizes.map((p, g) => {
      const out = new Float64Array(p * p);
      for (let k = 0; k < p * p; k++) out[k] = V[g]![k * J + j]!;
      return out;
    }),
  );
}
