/**
 * The rank of jackknife replicate weights (JK1, JKn; R's `degf()` + 1) from their structure, in
 * time linear in the rows and PSUs instead of cubic in the PSUs.
 *
 * {@link asRepDesign}'s jackknife replicate r deletes one PSU c_r of stratum h_r and weights the
 * other PSUs of that stratum by f_h = n_h/(n_h − 1) (JK1: one stratum). A row of PSU c (stratum h)
 * is w · g_c with g_c = 1 + (f_h − 1) 1_{R_h} − f_h e_{r(c)} (R_h: the replicates of stratum h,
 * r(c): the one deleting c; a stratum without replicates has g_c = 1). With b_c = Σ w² over PSU
 * c's rows (of the domain), the cross-product matrix of the replicate weights is
 * G = Σ_c b_c g_c g_cᵀ = D + U M Uᵀ: D diagonal (f_h² b_c at r(c)), U the directions 1, 1_{R_h}
 * and β_h (b_c at r(c)), M an arrowhead matrix (the direction 1 coupled to every stratum's two).
 *
 * R's `qr(X, tol = 1e-5)` (LINPACK `dqrdc2`) keeps column j, in order, when its residual on the
 * columns kept before it is at least `tol` times its norm; those residuals are the Schur
 * complements of G. Eliminating a kept column j changes M by −(M u_j)(M u_j)ᵀ / d_j. Columns come
 * stratum by stratum, and u_j touches only 1 and its stratum's two directions, so only a 3 × 3
 * block of M is live; the strata still to come are coupled to it through one fixed vector (their
 * arrowhead entries ρ), which the updates only multiply by scalars (M[later, x] = ρ κ_x,
 * M[later, later] = M₀ + λ ρρᵀ). Each column costs O(1): O(rows + PSUs) in all, with the
 * decisions of the Gram-matrix route the general rank takes for large matrices (residuals exact
 * to about 1e-8 relative, far below the 1e-5 tolerance).
 * @module
 */

/** A jackknife replicate set's structure, kept by the set (weights in any unit: the rank does not change). */
export interface JackknifeStructure {
  /** The weights the replicates were made from. */
  readonly weights: Float64Array;
  /** Per row: its PSU. */
  readonly rowCluster: Int32Array;
  /** Per PSU: its stratum. */
  readonly clusterStratum: Int32Array;
  /** Per replicate, in order: the PSU it deletes (−1: anything else, e.g. a whole stratum). */
  readonly deletes: Int32Array;
  /** Per stratum: the factor of its other PSUs in its replicates (0: a stratum without any). */
  readonly stratumFactor: Float64Array;
}

const structures = new WeakMap<readonly Float64Array[], JackknifeStructure>();

/**
 * Records that `replicates` are jackknife replicate weights of the given structure (see the
 * module description), so that their rank is found from it ({@link knownJackknifeRank}). Sets
 * with any other replicate (`deletes` −1) are not recorded.
 * @param replicates - The replicate weights, as stored on the design.
 * @param structure - How they were made.
 * @example
 * ```ts
 * const w = Float64Array.of(1, 2, 3);
 * const reps = [0, 1, 2].map((r) => w.map((x, i) => (i === r ? 0 : 1.5 * x)));
 * rememberJackknife(reps, {
 *   weights: w, rowCluster: Int32Array.of(0, 1, 2), clusterStratum: Int32Array.of(0, 0, 0),
 *   deletes: Int32Array.of(0, 1, 2), stratumFactor: Float64Array.of(1.5),
 * });
 * console.log(knownJackknifeRank(reps, null, 1e-5)); // => 3
 * ```
 */
export function rememberJackknife(
  replicates: readonly Float64Array[],
  structure: JackknifeStructure,
): void {
  if (structure.deletes.includes(-1) || structure.deletes.length !== replicates.length) return;
  structures.set(replicates, structure);
}

/**
 * The rank R's `qr(X, tol)` gives for a jackknife replicate set recorded by
 * {@link rememberJackknife} (over the rows flagged in `rows`, all when `null`), or `null` for any
 * other set.
 * @param replicates - The replicate weights.
 * @param rows - Rows of the domain (1) or not (0); `null`: every row.
 * @param tol - R's tolerance (1e-5 for `degf()`).
 * @example
 * ```ts
 * const jk = asRepDesign(svyDesign(fromColumns({ y: [1, 2, 3, 4] })));
 * const jkn = asRepDesign(svyDesign(fromColumns({ s: ['a', 'a', 'b', 'b', 'b'] }), { strata: 's' }));
 * console.log(knownJackknifeRank(jk.replicates, null, 1e-5), knownJackknifeRank(jk.replicates, Uint8Array.of(1, 1, 0, 0), 1e-5), knownJackknifeRank(jkn.replicates, null, 1e-5), knownJackknifeRank([], null, 1e-5)); // => 4 2 4 null
 * ```
 */
export function knownJackknifeRank(
  replicates: readonly Float64Array[],
  rows: Uint8Array | null,
  tol: number,
): number | null {
  const s = structures.get(replicates);
  if (s === undefined) return null;
  const { weights, rowCluster, clusterStratum, deletes, stratumFactor } = s;
  const b = new Float64Array(clusterStratum.length);
  let flagged = 0;
  for (let i = 0; i < weights.length; i++) {
    if (rows !== null && rows[i] === 0) continue;
    flagged++;
    const w = weights[i]!;
    b[rowCluster[i]!]! += w * w;
  }
  if (flagged === 0) return 0;
  let T = 0;
  const B = new Float64Array(stratumFactor.length); // Σ b per stratum
  for (let c = 0; c < b.length; c++) {
    T += b[c]!;
    B[clusterStratum[c]!]! += b[c]!;
  }
  // The live block of M over (1, 1_{R_h}, β_h), the coupling of the later strata (κ, λ).
  let m00 = T;
  let m0p = 0;
  let m0q = 0;
  let mpp = 0;
  let mpq = 0;
  let mqq = 0;
  let k0 = 1;
  let kp = 0;
  let kq = 0;
  let lambda = 0;
  let current = -1;
  const seen = new Uint8Array(stratumFactor.length);
  const limit = Math.min(flagged, deletes.length);
  let rank = 0;
  for (let j = 0; j < deletes.length && rank < limit; j++) {
    const c = deletes[j]!;
    const h = clusterStratum[c]!;
    const f = stratumFactor[h]!;
    const Bh = B[h]!;
    if (h !== current) {
      if (seen[h]) return null; // a stratum's replicates not together: not this structure
      seen[h] = 1;
      current = h;
      const rp = Bh * (f - 1); // M₀[1, 1_{R_h}], M₀[1, β_h]
      const rq = -f;
      m0p = rp * k0;
      m0q = rq * k0;
      mpp = Bh * (f - 1) * (f - 1) + lambda * rp * rp;
      mpq = -f * (f - 1) + lambda * rp * rq;
      mqq = lambda * rq * rq;
      kp = lambda * rp;
      kq = lambda * rq;
    }
    const bc = b[c]!;
    // ‖column j‖² = G_jj = T + B_h (f² − 1) − f² b_c
    const norm = Math.sqrt(Math.max(T + Bh * (f * f - 1) - f * f * bc, 0)) || 1;
    const v0 = m00 + m0p + m0q * bc; // M u_j, u_j = (1, 1, b_c)
    const vp = m0p + mpp + mpq * bc;
    const vq = m0q + mpq + mqq * bc;
    const d = f * f * bc + v0 + vp + vq * bc; // Schur complement at (j, j)
    if (!(Math.sqrt(Math.max(d, 0)) >= tol * norm)) continue;
    rank++;
    const sj = k0 + kp + kq * bc;
    m00 -= (v0 * v0) / d;
    m0p -= (v0 * vp) / d;
    m0q -= (v0 * vq) / d;
    mpp -= (vp * vp) / d;
    mpq -= (vp * vq) / d;
    mqq -= (vq * vq) / d;
    k0 -= (sj * v0) / d;
    kp -= (sj * vp) / d;
    kq -= (sj * vq) / d;
    lambda -= (sj * sj) / d;
  }
  return rank;
}
