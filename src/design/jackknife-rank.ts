/**
 * The rank of JK1 replicate weights (R's `degf()` + 1) from their structure, in time linear in
 * the rows and PSUs instead of cubic in the PSUs.
 *
 * {@link asRepDesign}'s JK1 replicate r deletes PSU r and weights the others by n/(n−1), so row i
 * of the replicate weight matrix is f · w_i · (1 − e_{c(i)}), with c(i) its PSU. Its cross-product
 * matrix is therefore, up to the factor f², G = diag(b) + T·11ᵀ − b1ᵀ − 1bᵀ, where b_c = Σ w_i² over
 * PSU c's rows (of the domain) and T = Σ b_c: a diagonal plus a rank-two term U M Uᵀ with rows
 * u_j = (1, b_j) and M = [[T, −1], [−1, 0]]. The greedy rule of R's `qr(X, tol = 1e-5)` (LINPACK
 * `dqrdc2`: keep column j, in order, when its residual on the columns kept before it is at least
 * `tol` times its norm) is decided on the Schur complements of G, and eliminating a kept column j
 * keeps that form: only the 2 × 2 core changes, M ← M − (M u_j)(M u_j)ᵀ / d_j. So each column
 * costs O(1) and the rank O(rows + PSUs), with the decisions of the Gram-matrix route the general
 * rank uses for large matrices (residuals exact to about 1e-8 relative, far below the 1e-5
 * tolerance).
 * @module
 */

/** A JK1 replicate set's structure, kept by the set (its weights in any unit: the rank does not change). */
interface Jk1Structure {
  readonly weights: Float64Array;
  readonly rowCluster: Int32Array;
  readonly nClusters: number;
}

const structures = new WeakMap<readonly Float64Array[], Jk1Structure>();

/**
 * Records that `replicates` are JK1 replicate weights made from `weights`: replicate r deletes
 * PSU r (`rowCluster`) and multiplies the other weights by one constant.
 * @param replicates - The replicate weights, as stored on the design.
 * @param weights - The weights they were made from (scaled or not).
 * @param rowCluster - Per row: its PSU (0 … nClusters − 1), which replicate deletes it.
 * @param nClusters - PSUs (= replicates).
 * @example
 * ```ts
 * const w = Float64Array.of(1, 2, 3);
 * const cluster = Int32Array.of(0, 1, 2);
 * const reps = [0, 1, 2].map((r) => w.map((x, i) => (i === r ? 0 : 1.5 * x)));
 * rememberJk1(reps, w, cluster, 3);
 * console.log(knownJk1Rank(reps, null, 1e-5)); // => 3
 * ```
 */
export function rememberJk1(
  replicates: readonly Float64Array[],
  weights: Float64Array,
  rowCluster: Int32Array,
  nClusters: number,
): void {
  structures.set(replicates, { weights, rowCluster, nClusters });
}

/**
 * The rank R's `qr(X, tol)` gives for a JK1 replicate set recorded by {@link rememberJk1} (over
 * the rows flagged in `rows`, all when `null`), or `null` for any other set.
 * @param replicates - The replicate weights.
 * @param rows - Rows of the domain (1) or not (0); `null`: every row.
 * @param tol - R's tolerance (1e-5 for `degf()`).
 * @example
 * ```ts
 * const jk = asRepDesign(svyDesign(fromColumns({ y: [1, 2, 3, 4] })));
 * console.log(knownJk1Rank(jk.replicates, null, 1e-5), knownJk1Rank(jk.replicates, Uint8Array.of(1, 1, 0, 0), 1e-5), knownJk1Rank([], null, 1e-5)); // => 4 2 null
 * ```
 */
export function knownJk1Rank(
  replicates: readonly Float64Array[],
  rows: Uint8Array | null,
  tol: number,
): number | null {
  const s = structures.get(replicates);
  if (s === undefined || s.nClusters < 2) return null;
  const { weights, rowCluster, nClusters: n } = s;
  const b = new Float64Array(n);
  let flagged = 0;
  for (let i = 0; i < weights.length; i++) {
    if (rows !== null && rows[i] === 0) continue;
    flagged++;
    const w = weights[i]!;
    b[rowCluster[i]!]! += w * w;
  }
  if (flagged === 0) return 0;
  let T = 0;
  for (let c = 0; c < n; c++) T += b[c]!;
  // Schur complement of the columns kept so far: diag(b) + U M Uᵀ, u_j = (1, b_j).
  let m11 = T;
  let m12 = -1;
  let m22 = 0;
  const limit = Math.min(flagged, n);
  let rank = 0;
  for (let j = 0; j < n && rank < limit; j++) {
    const bj = b[j]!;
    const norm = Math.sqrt(Math.max(T - bj, 0)) || 1; // ‖column j‖ = √G_jj
    const v1 = m11 + m12 * bj; // M u_j
    const v2 = m12 + m22 * bj;
    const d = bj + v1 + v2 * bj; // G's Schur complement at (j, j): b_j + u_j M u_jᵀ
    if (!(Math.sqrt(Math.max(d, 0)) >= tol * norm)) continue;
    rank++;
    m11 -= (v1 * v1) / d;
    m12 -= (v1 * v2) / d;
    m22 -= (v2 * v2) / d;
  }
  return rank;
}
