/**
 * Influence values: one p-vector per respondent whose design-based variance is the variance of
 * an estimate. Estimators hand them to the variance code either as dense columns or in a form
 * that adds them up per cluster directly, in one pass and without materialising n × p values.
 * @module
 */

/** Something that can add its per-row p-vectors up per cluster. */
export interface Influence {
  /** Number of columns (estimates). */
  readonly p: number;
  /**
   * Adds row values into `totals` (row-major, nClusters × p, zero on entry) for the
   * row-to-cluster map given. May return, per cluster, 1 when it has one of the rows of
   * `present` (then `present` must be given), so the variance code need not look for them;
   * with `mark` false the caller does not need them (see `needsPresence`), so they need not be
   * found.
   */
  sumByCluster(
    rowCluster: Int32Array,
    totals: Float64Array,
    mark?: boolean,
  ): Uint8Array | undefined;
  /** The rows whose clusters `sumByCluster` reports (values are 0 outside them). */
  readonly present?: Uint8Array;
  /** The values as p dense columns of length n. */
  dense(): readonly Float64Array[];
}

/**
 * Sums per cluster of one stage, made in the pass that found the rows (so the influence need
 * not pass over the rows again for that stage).
 */
export interface ClusterSums {
  /** The row-to-cluster map they were summed over (the design stage's own array). */
  readonly rowCluster: Int32Array;
  /** nClusters × p, row-major: Σ w per (cluster, level), or Σ w·y per cluster (p = 1). */
  readonly sums: Float64Array;
  /** Σ w per cluster (categorical variables; `null` when not summed). */
  readonly weights: Float64Array | null;
  /** 1 for clusters with a present row; `null`: not marked (not needed, see `needsPresence`). */
  readonly seen: Uint8Array | null;
  /**
   * For a numeric variable: the value each row was centred at before it was added
   * (Σ w·(y − centre) per cluster); absent: 0.
   */
  readonly centre?: number;
}

/** Influence given as p dense columns of length n. */
export function denseInfluence(columns: readonly Float64Array[]): Influence {
  const p = columns.length;
  return {
    p,
    dense: () => columns,
    sumByCluster(rowCluster, totals) {
      for (let j = 0; j < p; j++) addByCluster(columns[j]!, rowCluster, p, j, totals);
      return undefined;
    },
  };
}

/**
 * Influence of a weighted mean or total of a numeric variable: for present rows
 * `factor · w_i · (y_i − centre)`, 0 elsewhere. Cluster totals are `factor · Σ w (y − centre)`,
 * summed in one pass. `valued`: the present rows are exactly the rows with a value (not NaN: a
 * whole design), so that pass tests the values it reads anyway and does not read `present`,
 * which may then be given as a function making it when first asked for.
 */
export function numericInfluence(
  values: Float64Array,
  weights: Float64Array,
  rows: Uint8Array | (() => Uint8Array),
  factor: number,
  centre: number,
  cached: ClusterSums | null = null,
  valued = false,
): Influence {
  let mask = typeof rows === 'function' ? null : rows;
  const presentRows = () => {
    mask ??= (rows as () => Uint8Array)();
    return mask;
  };
  return withRememberedSums({
    p: 1,
    get present() {
      return presentRows();
    },
    dense() {
      const present = presentRows();
      const z = new Float64Array(values.length);
      for (let i = 0; i < z.length; i++)
        if (present[i]) z[i] = factor * weights[i]! * (values[i]! - centre);
      return [z];
    },
    sumByCluster(rowCluster, totals, mark = true) {
      const nClusters = totals.length;
      if (cached !== null && (cached.centre ?? 0) === centre && cached.rowCluster === rowCluster) {
        // Σ w·(y − centre) per cluster, added in row order by the scan that found the rows (or
        // by svyBy's pass over all groups): the same additions as below, already made.
        const sums = cached.sums;
        for (let c = 0; c < nClusters; c++) totals[c]! += sums[c]!;
        if (factor !== 1) for (let c = 0; c < nClusters; c++) totals[c]! *= factor;
        return cached.seen ?? undefined;
      }
      const seen = mark ? new Uint8Array(nClusters) : null;
      // Each row is centred before it is added (as R does), so rows equal to the centre add
      // exactly 0: identical values give a variance of exactly 0, not rounding noise.
      if (valued) centredValuesByCluster(values, weights, centre, rowCluster, totals, seen);
      else centredByCluster(values, weights, presentRows(), centre, rowCluster, totals, seen);
      if (factor !== 1) for (let c = 0; c < nClusters; c++) totals[c]! *= factor;
      return seen ?? undefined;
    },
  });
}

/**
 * Influence of a categorical variable's level shares or counts: for present rows
 * `factor · w_i · (indicator(level_i) − centre)`, 0 elsewhere. The rows may be given as a
 * function making their mask when first asked for (sums made by the scan do not ask).
 */
export function categoricalInfluence(
  codes: Int32Array,
  weights: Float64Array,
  rows: Uint8Array | (() => Uint8Array),
  factor: number,
  centre: Float64Array,
  cached: ClusterSums | null = null,
): Influence {
  const p = centre.length;
  let mask = typeof rows === 'function' ? null : rows;
  const presentRows = () => {
    mask ??= (rows as () => Uint8Array)();
    return mask;
  };
  return withRememberedSums({
    p,
    get present() {
      return presentRows();
    },
    dense() {
      const present = presentRows();
      const columns = Array.from({ length: p }, () => new Float64Array(codes.length));
      for (let i = 0; i < codes.length; i++) {
        if (!present[i]) continue;
        const s = factor * weights[i]!;
        for (let j = 0; j < p; j++) columns[j]![i] = -s * centre[j]!;
        columns[codes[i]!]![i]! += s;
      }
      return columns;
    },
    sumByCluster(rowCluster, totals, mark = true) {
      // Sum the weights per (cluster, level) and per cluster, then subtract centre · Σw.
      // With sums made by the scan that found the rows (the same additions in the same order),
      // only the last step is left.
      const nClusters = totals.length / p;
      let sumW: Float64Array;
      let seen: Uint8Array | null;
      if (cached !== null && cached.weights !== null && cached.rowCluster === rowCluster) {
        sumW = cached.weights;
        seen = cached.seen;
        const sums = cached.sums;
        for (let e = 0; e < totals.length; e++) totals[e]! += sums[e]!;
      } else {
        sumW = new Float64Array(nClusters);
        seen = mark ? new Uint8Array(nClusters) : null;
        levelsByCluster(codes, weights, presentRows(), rowCluster, p, totals, sumW, seen);
      }
      for (let c = 0; c < nClusters; c++) {
        const s = sumW[c]!;
        for (let j = 0; j < p; j++)
          totals[c * p + j] = factor * (totals[c * p + j]! - s * centre[j]!);
      }
      return seen ?? undefined;
    },
  });
}

/**
 * The same influence, remembering its last cluster totals: asked again for the same row-to-cluster
 * map (svyBy's joint covariance asks each group for the totals its own variance already summed),
 * it copies them instead of passing over the rows again. Callers pass zeroed `totals`.
 */
function withRememberedSums(influence: Influence): Influence {
  const sum = influence.sumByCluster.bind(influence);
  let lastMap: Int32Array | null = null;
  let lastTotals: Float64Array | null = null;
  let lastSeen: Uint8Array | undefined;
  influence.sumByCluster = (rowCluster, totals, mark) => {
    if (rowCluster === lastMap && lastTotals !== null && lastTotals.length === totals.length) {
      // (Clusters not marked then: the caller finds them, if it needs them.)
      totals.set(lastTotals);
      return lastSeen;
    }
    const seen = sum(rowCluster, totals, mark);
    lastMap = rowCluster;
    lastTotals = totals.slice();
    lastSeen = seen;
    return seen;
  };
  return influence;
}

// The passes over the rows (functions of typed arrays only, so that V8 optimises each once).
// Each adds a row straight into its cluster's running sum in memory: the additions per cluster
// are in row order whatever the order of the file, and the cost does not depend on it (the
// per-cluster arrays are small enough to stay in cache: 8 bytes per PSU and column).

/** totals[c·p + j] += z[i] for every row i of cluster c. */
function addByCluster(
  z: Float64Array,
  rowCluster: Int32Array,
  p: number,
  j: number,
  totals: Float64Array,
): void {
  for (let i = 0; i < z.length; i++) totals[rowCluster[i]! * p + j]! += z[i]!;
}

/** totals[c] += w·(y − centre) for the present rows of cluster c, marking c in `seen`. */
function centredByCluster(
  values: Float64Array,
  weights: Float64Array,
  present: Uint8Array,
  centre: number,
  rowCluster: Int32Array,
  totals: Float64Array,
  seen: Uint8Array | null,
): void {
  if (seen === null) {
    for (let i = 0; i < values.length; i++) {
      if (present[i] === 0) continue;
      totals[rowCluster[i]!]! += weights[i]! * (values[i]! - centre);
    }
    return;
  }
  for (let i = 0; i < values.length; i++) {
    if (present[i] === 0) continue;
    const c = rowCluster[i]!;
    totals[c]! += weights[i]! * (values[i]! - centre);
    seen[c] = 1;
  }
}

/** {@link centredByCluster} over the rows with a value (not NaN). */
function centredValuesByCluster(
  values: Float64Array,
  weights: Float64Array,
  centre: number,
  rowCluster: Int32Array,
  totals: Float64Array,
  seen: Uint8Array | null,
): void {
  if (seen === null) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      totals[rowCluster[i]!]! += weights[i]! * (v - centre);
    }
    return;
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    const c = rowCluster[i]!;
    totals[c]! += weights[i]! * (v - centre);
    seen[c] = 1;
  }
}

/**
 * Σ w per (cluster, level) into `totals` over the present rows, then per cluster into `sumW` as
 * the sum of its levels' (as prepare's scan makes them: one write per row, and the same sums).
 */
function levelsByCluster(
  codes: Int32Array,
  weights: Float64Array,
  present: Uint8Array,
  rowCluster: Int32Array,
  p: number,
  totals: Float64Array,
  sumW: Float64Array,
  seen: Uint8Array | null,
): void {
  for (let i = 0; i < codes.length; i++) {
    if (present[i] === 0) continue;
    const c = rowCluster[i]!;
    totals[c * p + codes[i]!]! += weights[i]!;
    if (seen !== null) seen[c] = 1;
  }
  for (let c = 0; c < sumW.length; c++) {
    let w = 0;
    for (let j = 0; j < p; j++) w += totals[c * p + j]!;
    sumW[c] = w;
  }
}
