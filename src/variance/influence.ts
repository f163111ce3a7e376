/**
 * Influence values: one p-vector per respondent whose design-based variance is the variance of
 * an estimate. Estimators hand them to the variance code either as dense columns or as a way to
 * add them up per cluster directly (which saves materialising p columns for a categorical).
 * @module
 */

/** Something that can add its per-row p-vectors up per cluster. */
export interface Influence {
  /** Number of columns (estimates). */
  readonly p: number;
  /**
   * Adds row values into `totals` (row-major, nClusters × p) for the row-to-cluster map given.
   */
  sumByCluster(rowCluster: Int32Array, totals: Float64Array): void;
  /** The values as p dense columns of length n. */
  dense(): readonly Float64Array[];
}

/** Influence given as p dense columns of length n. */
export function denseInfluence(columns: readonly Float64Array[]): Influence {
  const p = columns.length;
  return {
    p,
    dense: () => columns,
    sumByCluster(rowCluster, totals) {
      if (p === 1) {
        const z = columns[0]!;
        for (let i = 0; i < z.length; i++) totals[rowCluster[i]!]! += z[i]!;
        return;
      }
      for (let j = 0; j < p; j++) {
        const z = columns[j]!;
        for (let i = 0; i < z.length; i++) totals[rowCluster[i]! * p + j]! += z[i]!;
      }
    },
  };
}

/**
 * Influence of a categorical variable's level shares or totals: for row i with weight factor
 * `scale[i]` (0 outside the domain) and level `codes[i]`, the vector
 * `scale[i] * (indicator(codes[i]) - centre)`.
 */
export function categoricalInfluence(
  codes: Int32Array,
  scale: Float64Array,
  centre: Float64Array,
): Influence {
  const p = centre.length;
  return {
    p,
    dense() {
      const columns = Array.from({ length: p }, () => new Float64Array(codes.length));
      for (let i = 0; i < codes.length; i++) {
        const s = scale[i]!;
        if (s === 0) continue;
        for (let j = 0; j < p; j++) columns[j]![i] = -s * centre[j]!;
        const code = codes[i]!;
        if (code >= 0) columns[code]![i]! += s;
      }
      return columns;
    },
    sumByCluster(rowCluster, totals) {
      // Sum the scale per cluster and per (cluster, level), then subtract centre * sum(scale).
      const nClusters = totals.length / p;
      const scaleSum = new Float64Array(nClusters);
      for (let i = 0; i < codes.length; i++) {
        const s = scale[i]!;
        if (s === 0) continue;
        const c = rowCluster[i]!;
        scaleSum[c]! += s;
        const code = codes[i]!;
        if (code >= 0) totals[c * p + code]! += s;
      }
      for (let c = 0; c < nClusters; c++) {
        const s = scaleSum[c]!;
        if (s === 0) continue;
        for (let j = 0; j < p; j++) totals[c * p + j]! -= s * centre[j]!;
      }
    },
  };
}
