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

/** Per-PSU sums of a chunk of a block's levels (values), made by {@link scanBlock}. */
export interface ClusterCells {
  /** The row-to-PSU map they were summed over. */
  readonly rowCluster: Int32Array;
  /** Number of PSUs. */
  readonly nClusters: number;
  /** First level (value) index of the chunk. */
  readonly from: number;
  /** Levels (values) in the chunk. */
  readonly width: number;
  /**
   * (PSU × column × chunk) sums: Σ w over rows of the level (codes), or Σ w·(y − shift)
   * (values), of the PSU's respondents in the base and the column.
   */
  readonly cells: Float64Array;
  /** (PSU × column) Σ w of the PSU's respondents in the base and the column. */
  readonly weights: Float64Array;
  /** 1 for PSUs with a respondent in the base. */
  readonly seen: Uint8Array;
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
 * One pass over the design's respondents for a block: the column sums, and with `clusters` the
 * per-PSU sums of the levels (values) `clusters.from` … `from + width − 1`.
 */
export function scanBlock(
  design: SurveyDesign,
  block: Block,
  columns: number,
  bannerCols: readonly Int32Array[],
  clusters: { rowCluster: Int32Array; nClusters: number; from: number; width: number } | null,
): BlockScan & { clusters: ClusterCells | null } {
  const nrow = design.data.nrow;
  const width = block.kind === 'codes' ? block.levels : block.values.length;
  const out = {
    present: new Uint8Array(nrow),
    n: new Float64Array(columns),
    sumW: new Float64Array(columns),
    sumW2: new Float64Array(columns),
    sums: new Float64Array(columns * width),
    shift: new Float64Array(width),
    width,
  };
  const cells = clusters
    ? {
        ...clusters,
        cells: new Float64Array(clusters.nClusters * columns * clusters.width),
        weights: new Float64Array(clusters.nClusters * columns),
        seen: new Uint8Array(clusters.nClusters),
      }
    : null;
  const cols = new Int32Array(bannerCols.length + 1);
  if (block.kind === 'codes') {
    scanCodes(block.codes, width, design.weights, design.domain, bannerCols, cols, out, cells);
  } else {
    // The first value in the base of each column is the shift: rows equal to it add exactly 0.
    const first = firstPresent(block.base, design.domain);
    if (first >= 0)
      block.values.forEach((y, j) => {
        out.shift[j] = y[first]!;
      });
    scanValues(
      block.values,
      block.base,
      design.weights,
      design.domain,
      bannerCols,
      cols,
      out,
      cells,
    );
  }
  return { ...out, clusters: cells };
}

function firstPresent(base: Uint8Array, domain: Uint8Array | null): number {
  for (let i = 0; i < base.length; i++) if (base[i] && (domain === null || domain[i])) return i;
  return -1;
}

type Out = Omit<BlockScan, 'width'> & { width: number };
type Cells = ClusterCells;

const NO_INT = new Int32Array(0);
const NO_FLOAT = new Float64Array(0);
const NO_BYTE = new Uint8Array(0);

/** The pass of a codes block: unpacks the arrays for {@link codesPass}. */
function scanCodes(
  codes: Int32Array,
  L: number,
  w: Float64Array,
  domain: Uint8Array | null,
  bannerCols: readonly Int32Array[],
  cols: Int32Array,
  out: Out,
  cells: Cells | null,
): void {
  codesPass(
    codes,
    L,
    w,
    domain ?? NO_BYTE,
    domain !== null,
    bannerCols,
    cols,
    out.present,
    out.n,
    out.sumW,
    out.sumW2,
    out.sums,
    cells?.rowCluster ?? NO_INT,
    cells !== null,
    cells?.from ?? 0,
    cells?.width ?? 0,
    cells?.cells ?? NO_FLOAT,
    cells?.weights ?? NO_FLOAT,
    cells?.seen ?? NO_BYTE,
  );
}

/** The loop of a codes block, on typed arrays only (so that V8 optimises it once). */
function codesPass(
  codes: Int32Array,
  L: number,
  w: Float64Array,
  domain: Uint8Array,
  hasDomain: boolean,
  bannerCols: readonly Int32Array[],
  cols: Int32Array,
  present: Uint8Array,
  n: Float64Array,
  sumW: Float64Array,
  sumW2: Float64Array,
  sums: Float64Array,
  rowCluster: Int32Array,
  perCluster: boolean,
  from: number,
  J: number,
  cells: Float64Array,
  weights: Float64Array,
  seen: Uint8Array,
): void {
  const V = bannerCols.length;
  const C = n.length;
  for (let i = 0; i < codes.length; i++) {
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
    if (perCluster) {
      const c = rowCluster[i]!;
      seen[c] = 1;
      const j = code - from;
      const inChunk = j >= 0 && j < J;
      for (let a = 0; a < k; a++) {
        const cc = c * C + cols[a]!;
        weights[cc]! += wi;
        if (inChunk) cells[cc * J + j]! += wi;
      }
    }
  }
}

/** The pass of a values block: unpacks the arrays for {@link valuesPass}. */
function scanValues(
  values: readonly Float64Array[],
  base: Uint8Array,
  w: Float64Array,
  domain: Uint8Array | null,
  bannerCols: readonly Int32Array[],
  cols: Int32Array,
  out: Out,
  cells: Cells | null,
): void {
  valuesPass(
    values,
    base,
    w,
    domain ?? NO_BYTE,
    domain !== null,
    bannerCols,
    cols,
    out.present,
    out.n,
    out.sumW,
    out.sumW2,
    out.sums,
    out.shift,
    cells?.rowCluster ?? NO_INT,
    cells !== null,
    cells?.from ?? 0,
    cells?.width ?? 0,
    cells?.cells ?? NO_FLOAT,
    cells?.weights ?? NO_FLOAT,
    cells?.seen ?? NO_BYTE,
  );
}

/** The loop of a values block, on typed arrays only. */
function valuesPass(
  values: readonly Float64Array[],
  base: Uint8Array,
  w: Float64Array,
  domain: Uint8Array,
  hasDomain: boolean,
  bannerCols: readonly Int32Array[],
  cols: Int32Array,
  present: Uint8Array,
  n: Float64Array,
  sumW: Float64Array,
  sumW2: Float64Array,
  sums: Float64Array,
  shift: Float64Array,
  rowCluster: Int32Array,
  perCluster: boolean,
  from: number,
  J: number,
  cells: Float64Array,
  weights: Float64Array,
  seen: Uint8Array,
): void {
  const V = bannerCols.length;
  const C = n.length;
  const P = values.length;
  const d = new Float64Array(P);
  for (let i = 0; i < base.length; i++) {
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
    for (let j = 0; j < P; j++) d[j] = wi * (values[j]![i]! - shift[j]!);
    for (let a = 0; a < k; a++) {
      const col = cols[a]!;
      n[col]! += 1;
      sumW[col]! += wi;
      sumW2[col]! += w2;
      const at = col * P;
      for (let j = 0; j < P; j++) sums[at + j]! += d[j]!;
    }
    if (perCluster) {
      const c = rowCluster[i]!;
      seen[c] = 1;
      for (let a = 0; a < k; a++) {
        const cc = c * C + cols[a]!;
        weights[cc]! += wi;
        const at = cc * J;
        for (let j = 0; j < J; j++) cells[at + j]! += d[from + j]!;
      }
    }
  }
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
