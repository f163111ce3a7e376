/**
 * The one pass over the respondents that estimates a block for every column of a banner table
 * at once: per column its unweighted base, Σw and Σw², and per column and level (or value) the
 * weighted sums the cells are ratios of. On a linearization design the same pass can also add
 * those sums up per PSU (stage-1 cluster) and column, from which every column's influence totals
 * follow without another pass (as svyBy's group pass does for svyMean; see
 * `estimate/group-moments.ts`).
 * @module
 */
import type { SurveyDesign } from '../design/types.js';
import type { Block } from './blocks.js';
import type { Banner } from './spec.js';

/**
 * Per-PSU sums of a chunk of a block's levels (values), made by {@link scanBlock}: for each PSU
 * (stage-1 cluster), one entry per column the PSU has respondents of (in the base), in compressed
 * rows: PSU c's entries are `ptr[c]` … `ptr[c + 1] − 1`. Respondents with one PSU per row give
 * about as many entries as rows; large PSUs at most one per column.
 */
export interface PsuEntries {
  /** The row-to-PSU map they were summed over. */
  readonly rowCluster: Int32Array;
  /** Number of PSUs. */
  readonly nClusters: number;
  /** First level (value) index of the chunk. */
  readonly from: number;
  /** Levels (values) in the chunk. */
  readonly width: number;
  /** Per PSU: its first entry (length nClusters + 1). */
  readonly ptr: Int32Array;
  /** Per entry: the column. */
  readonly col: Int32Array;
  /** Per entry: Σ w of the PSU's respondents in the base and the column. */
  readonly weights: Float64Array;
  /**
   * Per entry × chunk: Σ w over the rows of the level (codes), or Σ w·(y − shift) (values).
   */
  readonly cells: Float64Array;
}

/**
 * Per calibration cell (of a post-stratification or raking step) and column, the sums the
 * step's adjustment of the cells' influence values needs: Σ r and Σ r·y (codes: per level; values:
 * Σ r·(y − shift)), r a per-row ratio of weights (see `calibrated.ts`).
 */
export interface CalibrationSums {
  /** Per row: its calibration cell (−1: none). */
  readonly cell: Int32Array;
  /** Per row: its ratio r. */
  readonly ratio: Float64Array;
  /** Number of cells. */
  readonly nCells: number;
  /** (cell × column) Σ r. */
  readonly r: Float64Array;
  /** (cell × column × chunk) Σ r·y. */
  readonly ry: Float64Array;
}

/**
 * Per stratum and column, the sums the covariance of a design with one respondent per PSU is a
 * closed form of (see `singleton.ts`): per level (value) Σ w·y', Σ w²·y', Σ w²·y'² with
 * y' = y − shift (codes: the level's indicator), and Σ w, Σ w².
 */
export interface StratumSums {
  /** Number of strata. */
  readonly nStrata: number;
  /** (stratum × column × level) Σ w·y'. */
  readonly wy: Float64Array;
  /** (stratum × column × level) Σ w²·y'. */
  readonly w2y: Float64Array;
  /** (stratum × column × level) Σ w²·y'². */
  readonly w2y2: Float64Array;
  /** (stratum × column) Σ w. */
  readonly w: Float64Array;
  /** (stratum × column) Σ w². */
  readonly w2: Float64Array;
}

/** Where the pass adds up per-PSU sums (a linearization design), and which levels. */
export interface PsuRequest {
  /** The rows in PSU order (each PSU's rows together, PSUs in increasing order). */
  readonly order: Int32Array;
  /** The row-to-PSU map. */
  readonly rowCluster: Int32Array;
  /** Number of PSUs. */
  readonly nClusters: number;
  /** First level (value) of the chunk. */
  readonly from: number;
  /** Levels (values) in the chunk. */
  readonly width: number;
  /** Most entries the block can have. */
  readonly capacity: number;
  /** Calibration cells and ratios, to sum per cell and column (calibrated designs). */
  readonly calibration?: { cell: Int32Array; ratio: Float64Array; nCells: number } | null;
}

/** What {@link scanBlock} finds. */
export interface BlockScan {
  /** 1 for respondents in the design's domain and the block's base. */
  readonly present: Uint8Array;
  /** Per column: respondents in the base. */
  readonly n: Float64Array;
  /** Per column: Σ w over them. */
  readonly sumW: Float64Array;
  /** Per column: Σ w². */
  readonly sumW2: Float64Array;
  /**
   * Per column × level (codes: every level) or × value: Σ w (codes), Σ w·(y − shift) (values).
   */
  readonly sums: Float64Array;
  /** Per value: the shift subtracted before summing (the first value in the base; 0 for codes). */
  readonly shift: Float64Array;
  /** Number of levels (codes) or values: the width of `sums`. */
  readonly width: number;
}

/**
 * Per banner variable and row: the row's column (the variable's offset + its level), −1 for a
 * missing value.
 * @example
 * ```ts
 * const banner = { columns: 4, variables: [{ name: 'g', codes: Int32Array.of(1, -1, 2), levels: ['a', 'b', 'c'], offset: 1 }] };
 * console.log(Array.from(bannerColumns(banner)[0]!)); // => [ 2, -1, 3 ]
 * ```
 */
export function bannerColumns(banner: Banner): Int32Array[] {
  return banner.variables.map((v) => {
    const out = new Int32Array(v.codes.length);
    for (let i = 0; i < out.length; i++) {
      const c = v.codes[i]!;
      out[i] = c < 0 ? -1 : v.offset + c;
    }
    return out;
  });
}

/**
 * One pass over the design's respondents for a block: the column sums, and with `psu` the
 * per-PSU entries of the levels (values) `psu.from` … `from + width − 1` (the rows are then read
 * in PSU order) and, for a calibrated design, the per-cell sums.
 */
export function scanBlock(
  design: SurveyDesign,
  block: Block,
  columns: number,
  bannerCols: readonly Int32Array[],
  psu: PsuRequest | null,
  strata: { rowStratum: Int32Array; nStrata: number } | null = null,
): BlockScan & {
  psu: PsuEntries | null;
  calibration: CalibrationSums | null;
  strata: StratumSums | null;
} {
  const nrow = design.data.nrow;
  const width = block.kind === 'codes' ? block.levels : block.values.length;
  const out: Out = {
    present: new Uint8Array(nrow),
    n: new Float64Array(columns),
    sumW: new Float64Array(columns),
    sumW2: new Float64Array(columns),
    sums: new Float64Array(columns * width),
    shift: new Float64Array(width),
    width,
  };
  const J = psu?.width ?? 0;
  const entries: PsuEntries | null = psu
    ? {
        rowCluster: psu.rowCluster,
        nClusters: psu.nClusters,
        from: psu.from,
        width: J,
        ptr: new Int32Array(psu.nClusters + 1),
        col: new Int32Array(psu.capacity),
        weights: new Float64Array(psu.capacity),
        cells: new Float64Array(psu.capacity * J),
      }
    : null;
  const cal = psu?.calibration ?? null;
  const calibration: CalibrationSums | null = cal
    ? {
        ...cal,
        r: new Float64Array(cal.nCells * columns),
        ry: new Float64Array(cal.nCells * columns * J),
      }
    : null;
  const stratumSums: StratumSums | null = strata
    ? {
        nStrata: strata.nStrata,
        wy: new Float64Array(strata.nStrata * columns * width),
        w2y: new Float64Array(strata.nStrata * columns * width),
        w2y2: new Float64Array(strata.nStrata * columns * width),
        w: new Float64Array(strata.nStrata * columns),
        w2: new Float64Array(strata.nStrata * columns),
      }
    : null;
  const shift = out.shift;
  let values: readonly Float64Array[] = [];
  let base: Uint8Array = NO_BYTE;
  if (block.kind === 'values') {
    // The first value in the base is the shift: rows equal to it add exactly 0.
    const first = firstPresent(block.base, design.domain);
    if (first >= 0)
      block.values.forEach((y, j) => {
        shift[j] = y[first]!;
      });
    values = block.values;
    base = block.base;
  }
  const pass: Pass = {
    codes: block.kind === 'codes' ? block.codes : NO_INT,
    values,
    base,
    w: design.weights,
    domain: design.domain ?? NO_BYTE,
    hasDomain: design.domain !== null,
    bannerCols,
    // dense entries need no PSU order
    order: psu !== null && psu.capacity !== psu.nClusters * columns ? psu.order : null,
    out,
    entries,
    calibration,
    rowStratum: strata?.rowStratum ?? null,
    strata: stratumSums,
    dense: psu !== null && psu.capacity === psu.nClusters * columns,
  };
  if (block.kind === 'codes') codesPass(pass);
  else valuesPass(pass);
  return { ...out, psu: entries, calibration, strata: stratumSums };
}

function firstPresent(base: Uint8Array, domain: Uint8Array | null): number {
  for (let i = 0; i < base.length; i++) if (base[i] && (domain === null || domain[i])) return i;
  return -1;
}

type Out = BlockScan;

/** Everything a pass reads and writes. */
interface Pass {
  codes: Int32Array;
  values: readonly Float64Array[];
  base: Uint8Array;
  w: Float64Array;
  domain: Uint8Array;
  hasDomain: boolean;
  bannerCols: readonly Int32Array[];
  order: Int32Array | null;
  out: Out;
  entries: PsuEntries | null;
  calibration: CalibrationSums | null;
  rowStratum: Int32Array | null;
  strata: StratumSums | null;
  /** Entries in a PSU × column layout (rows in any order) rather than compressed. */
  dense: boolean;
}

/** The PSU offsets of the entries once the pass is over (and the columns, when dense). */
function finishEntries(e: PsuEntries, dense: boolean, psu: number, E: number, C: number): void {
  const { ptr, col } = e;
  if (dense) {
    for (let c = 0; c <= e.nClusters; c++) ptr[c] = c * C;
    for (let x = 0; x < e.nClusters * C; x++) col[x] = x % C;
    return;
  }
  for (let q = psu + 1; q <= e.nClusters; q++) ptr[q] = E;
}

const NO_INT = new Int32Array(0);
const NO_FLOAT = new Float64Array(0);
const NO_BYTE = new Uint8Array(0);

/**
 * The pass of a codes block (rows in PSU order when per-PSU entries are made); returns the
 * number of entries made. The entry of a column in the current PSU is found through `slot`
 * (valid while `mark[col]` is the PSU's number + 1).
 */
function codesPass(p: Pass): number {
  const { codes, w, domain, hasDomain, bannerCols, order } = p;
  const { present, n, sumW, sumW2, sums, width: L } = p.out;
  const V = bannerCols.length;
  const C = n.length;
  const cols = new Int32Array(V + 1);
  const e = p.entries;
  const rowCluster = e?.rowCluster ?? NO_INT;
  const ptr = e?.ptr ?? NO_INT;
  const eCol = e?.col ?? NO_INT;
  const eW = e?.weights ?? NO_FLOAT;
  const eCells = e?.cells ?? NO_FLOAT;
  const from = e?.from ?? 0;
  const J = e?.width ?? 0;
  const cal = p.calibration;
  const calCell = cal?.cell ?? NO_INT;
  const calRatio = cal?.ratio ?? NO_FLOAT;
  const calR = cal?.r ?? NO_FLOAT;
  const calRY = cal?.ry ?? NO_FLOAT;
  const st = p.strata;
  const rowStratum = p.rowStratum ?? NO_INT;
  const stW = st?.w ?? NO_FLOAT;
  const stW2 = st?.w2 ?? NO_FLOAT;
  const stWY = st?.wy ?? NO_FLOAT;
  const stW2Y = st?.w2y ?? NO_FLOAT;
  const stW2Y2 = st?.w2y2 ?? NO_FLOAT;
  const dense = p.dense;
  const mark = new Int32Array(C);
  const slot = new Int32Array(C);
  let E = 0;
  let psu = -1;
  const nrow = codes.length;
  for (let t = 0; t < nrow; t++) {
    const i = order === null ? t : order[t]!;
    const code = codes[i]!;
    if (code < 0 || (hasDomain && domain[i] === 0)) continue;
    present[i] = 1;
    const wi = w[i]!;
    const w2 = wi * wi;
    let k = 1;
    cols[0] = 0;
    for (let v = 0; v < V; v++) {
      const col = bannerCols[v]![i]!;
      if (col >= 0) cols[k++] = col;
    }
    for (let a = 0; a < k; a++) {
      const col = cols[a]!;
      n[col]! += 1;
      sumW[col]! += wi;
      sumW2[col]! += w2;
      sums[col * L + code]! += wi;
    }
    if (st !== null) {
      const base = rowStratum[i]! * C;
      for (let a = 0; a < k; a++) {
        const sc = base + cols[a]!;
        stW[sc]! += wi;
        stW2[sc]! += w2;
        const at = sc * L + code;
        stWY[at]! += wi;
        stW2Y[at]! += w2;
        stW2Y2[at]! += w2;
      }
    }
    if (e === null) continue;
    const c = rowCluster[i]!;
    const j = code - from;
    const inChunk = j >= 0 && j < J;
    if (dense) {
      // a PSU × column layout: the entry of (c, col) is c·C + col
      for (let a = 0; a < k; a++) {
        const s = c * C + cols[a]!;
        eW[s]! += wi;
        if (inChunk) eCells[s * J + j]! += wi;
      }
    } else {
      if (c !== psu) {
        for (let q = psu + 1; q <= c; q++) ptr[q] = E;
        psu = c;
      }
      for (let a = 0; a < k; a++) {
        const col = cols[a]!;
        if (mark[col] !== c + 1) {
          mark[col] = c + 1;
          slot[col] = E;
          eCol[E++] = col;
        }
        const s = slot[col]!;
        eW[s]! += wi;
        if (inChunk) eCells[s * J + j]! += wi;
      }
    }
    if (cal !== null) {
      const cell = calCell[i]!;
      if (cell < 0) continue;
      const r = calRatio[i]!;
      for (let a = 0; a < k; a++) {
        const cc = cell * C + cols[a]!;
        calR[cc]! += r;
        if (inChunk) calRY[cc * J + j]! += r;
      }
    }
  }
  if (e !== null) finishEntries(e, dense, psu, E, C);
  return E;
}

/** The pass of a values block (see {@link codesPass}). */
function valuesPass(p: Pass): number {
  const { values, base, w, domain, hasDomain, bannerCols, order } = p;
  const { present, n, sumW, sumW2, sums, shift } = p.out;
  const V = bannerCols.length;
  const C = n.length;
  const P = values.length;
  const cols = new Int32Array(V + 1);
  const d = new Float64Array(P);
  const e = p.entries;
  const rowCluster = e?.rowCluster ?? NO_INT;
  const ptr = e?.ptr ?? NO_INT;
  const eCol = e?.col ?? NO_INT;
  const eW = e?.weights ?? NO_FLOAT;
  const eCells = e?.cells ?? NO_FLOAT;
  const from = e?.from ?? 0;
  const J = e?.width ?? 0;
  const cal = p.calibration;
  const calCell = cal?.cell ?? NO_INT;
  const calRatio = cal?.ratio ?? NO_FLOAT;
  const calR = cal?.r ?? NO_FLOAT;
  const calRY = cal?.ry ?? NO_FLOAT;
  const st = p.strata;
  const rowStratum = p.rowStratum ?? NO_INT;
  const stW = st?.w ?? NO_FLOAT;
  const stW2 = st?.w2 ?? NO_FLOAT;
  const stWY = st?.wy ?? NO_FLOAT;
  const stW2Y = st?.w2y ?? NO_FLOAT;
  const stW2Y2 = st?.w2y2 ?? NO_FLOAT;
  const dense = p.dense;
  const mark = new Int32Array(C);
  const slot = new Int32Array(C);
  let E = 0;
  let psu = -1;
  const nrow = base.length;
  for (let t = 0; t < nrow; t++) {
    const i = order === null ? t : order[t]!;
    if (base[i] === 0 || (hasDomain && domain[i] === 0)) continue;
    present[i] = 1;
    const wi = w[i]!;
    const w2 = wi * wi;
    let k = 1;
    cols[0] = 0;
    for (let v = 0; v < V; v++) {
      const col = bannerCols[v]![i]!;
      if (col >= 0) cols[k++] = col;
    }
    for (let j = 0; j < P; j++) d[j] = values[j]![i]! - shift[j]!;
    for (let a = 0; a < k; a++) {
      const col = cols[a]!;
      n[col]! += 1;
      sumW[col]! += wi;
      sumW2[col]! += w2;
      const at = col * P;
      for (let j = 0; j < P; j++) sums[at + j]! += wi * d[j]!;
    }
    if (st !== null) {
      const base = rowStratum[i]! * C;
      for (let a = 0; a < k; a++) {
        const sc = base + cols[a]!;
        stW[sc]! += wi;
        stW2[sc]! += w2;
        const at = sc * P;
        for (let j = 0; j < P; j++) {
          const dj = d[j]!;
          stWY[at + j]! += wi * dj;
          stW2Y[at + j]! += w2 * dj;
          stW2Y2[at + j]! += w2 * dj * dj;
        }
      }
    }
    if (e === null) continue;
    const c = rowCluster[i]!;
    if (dense) {
      for (let a = 0; a < k; a++) {
        const s = c * C + cols[a]!;
        eW[s]! += wi;
        const at = s * J;
        for (let j = 0; j < J; j++) eCells[at + j]! += wi * d[from + j]!;
      }
    } else {
      if (c !== psu) {
        for (let q = psu + 1; q <= c; q++) ptr[q] = E;
        psu = c;
      }
      for (let a = 0; a < k; a++) {
        const col = cols[a]!;
        if (mark[col] !== c + 1) {
          mark[col] = c + 1;
          slot[col] = E;
          eCol[E++] = col;
        }
        const s = slot[col]!;
        eW[s]! += wi;
        const at = s * J;
        for (let j = 0; j < J; j++) eCells[at + j]! += wi * d[from + j]!;
      }
    }
    if (cal !== null) {
      const cell = calCell[i]!;
      if (cell < 0) continue;
      const r = calRatio[i]!;
      for (let a = 0; a < k; a++) {
        const cc = cell * C + cols[a]!;
        calR[cc]! += r;
        const at = cc * J;
        for (let j = 0; j < J; j++) calRY[at + j]! += r * d[from + j]!;
      }
    }
  }
  if (e !== null) finishEntries(e, dense, psu, E, C);
  return E;
}

/** A block's cells: estimates per output row and column, bases per column, covariances. */
export interface BlockCells {
  /** Per output row: the estimate of each column (`NaN` for a column without respondents). */
  readonly estimate: Float64Array[];
  /** Per output row, per column group: the group's covariance (row-major). */
  readonly covariance: Float64Array[][];
  /** Per column: respondents in the base. */
  readonly n: Float64Array;
  /** Per column: Σ w of them. */
  readonly sumW: Float64Array;
  /** Per column: Σ w² of them. */
  readonly sumW2: Float64Array;
}

/**
 * Every column's estimate of level (value) j: Σ w of the level / Σ w, or shift + Σ w·(y − shift)
 * / Σ w; `NaN` for a column with no weight.
 * @example
 * ```ts
 * const scan = { sums: Float64Array.of(1, 3, 2, 2), sumW: Float64Array.of(4, 4), shift: Float64Array.of(0, 0), width: 2 };
 * console.log(Array.from(cellEstimates(scan, 'codes', 0, 2))); // => [ 0.25, 0.5 ]
 * ```
 */
export function cellEstimates(
  scan: Pick<BlockScan, 'sums' | 'sumW' | 'shift' | 'width'>,
  kind: Block['kind'],
  j: number,
  C: number,
): Float64Array {
  const est = new Float64Array(C);
  const shift = kind === 'codes' ? 0 : scan.shift[j]!;
  for (let col = 0; col < C; col++) {
    const W = scan.sumW[col]!;
    const s = scan.sums[col * scan.width + j]!;
    est[col] = W > 0 ? shift + s / W : Number.NaN;
  }
  return est;
}
