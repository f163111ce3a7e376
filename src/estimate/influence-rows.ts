/**
 * The hidden link from an estimate row to what its covariance with other rows needs.
 *
 * An estimator that can give influence values (svyMean, svyTotal) registers the rows it returns
 * as one *block*: the design it ran on, the rows it used, the influence values of its p
 * estimates (scaled as R's `influence = TRUE`: their linearization variance is the estimates'
 * covariance) and that p × p covariance. The registry is a `WeakMap` keyed by the row objects,
 * so rows stay plain data (nothing shows in `JSON.stringify`, `toEqual` or a spread copy) and a
 * block is freed with its rows.
 *
 * On a replicate-weight design a block also carries its estimates recomputed with each
 * replicate's weights.
 *
 * {@link jointCovariance} uses the blocks to give the covariance of any rows: rows of one block
 * read the block's covariance; rows of several blocks on the same design are stacked and their
 * variance is computed at once: the linearization variance of their influence values (R's
 * `svyby(covmat = TRUE)` does the same with `svyrecvar` on the combined influence matrix), or
 * on a replicate design R's `svrVar` of their replicate estimates side by side (as R's
 * `svyby(covmat = TRUE)` on an `svyrep.design`). Rows without a block (an estimator that gives
 * no influence values) have `se²` on the diagonal and `NaN` elsewhere.
 *
 * Memory: a block keeps what its influence values are made of (for svyMean/svyTotal, a mask of
 * one byte per respondent; the data and weights are the design's) for as long as the rows live;
 * `svyBy` tables keep only their covariance.
 * @module
 */
import type { LinearizationDesign, SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import type { Influence } from '../variance/influence.js';
import { replicateCovariance } from '../variance/replicate.js';
import { checkCovariance, covarianceLimit } from './limits.js';
import type { Estimate } from './types.js';
import { estimateVariance, type ReplicateEstimates } from './variance.js';

/** What a set of rows from one estimator call share. */
export interface InfluenceBlock {
  /** Number of estimates in the block. */
  readonly p: number;
  /** p × p covariance of the block's estimates, row-major. */
  readonly covariance: Float64Array;
  /** The design (a domain of some design) the estimates were computed on; `null`: unknown. */
  readonly design: SurveyDesign | null;
  /** Influence values of the p estimates, zero outside `present`; `null`: covariance only. */
  readonly influence: Influence | null;
  /** Rows the estimator used (domain and non-missing), `null`: unknown. */
  readonly present: Uint8Array | null;
  /**
   * On a replicate-weight design: the p estimates with the full-sample weights and with each
   * replicate's (in the order of `design.replicates`); absent or `null`: not known.
   */
  readonly replicates?: ReplicateEstimates | null;
}

/** Which estimate of which block a row is. */
export interface RowLink {
  readonly block: InfluenceBlock;
  readonly index: number;
}

const links = new WeakMap<object, RowLink>();

/**
 * Registers `rows` (in order) as the p estimates of one block.
 * @example
 * ```ts
 * const rows = [{ variable: 'y', estimate: 1, se: 0.5, ci: [0, 2] as [number, number], n: 3, nMissing: 0 }];
 * attachInfluence(rows, { p: 1, covariance: Float64Array.of(0.25), design: null, influence: null, present: null });
 * console.log(rowLink(rows[0]!)?.index, JSON.stringify(rows[0]).includes('block')); // => 0 false
 * ```
 */
export function attachInfluence(rows: readonly Estimate[], block: InfluenceBlock): void {
  if (rows.length !== block.p) {
    throw new EstimationError(
      'INTERNAL_ERROR',
      `a block of ${block.p} estimates cannot describe ${rows.length} rows (a defect of surveykit)`,
      { value: rows.length, expected: block.p },
    );
  }
  for (let j = 0; j < rows.length; j++) links.set(rows[j]!, { block, index: j });
}

/**
 * Links one row to an estimate of a block (e.g. a copy of a row to its original's block).
 * @example
 * ```ts
 * const row = { variable: 'y', estimate: 1, se: 0.5, ci: [0, 2] as [number, number], n: 3, nMissing: 0 };
 * const block = { p: 1, covariance: Float64Array.of(0.25), design: null, influence: null, present: null };
 * linkRow(row, { block, index: 0 });
 * console.log(rowLink(row)?.block.covariance[0]); // => 0.25
 * ```
 */
export function linkRow(row: Estimate, link: RowLink): void {
  links.set(row, link);
}

/**
 * The block a row belongs to, if its estimator registered one.
 * @example
 * ```ts
 * console.log(rowLink({ variable: 'y', estimate: 1, se: 0, ci: [1, 1], n: 1, nMissing: 0 })); // => undefined
 * ```
 */
export function rowLink(row: Estimate): RowLink | undefined {
  return links.get(row);
}

/**
 * Whether estimates on two designs can be combined in one covariance: the designs share their
 * sampling structure (are domains of one design: same stages and weights, or same replicate
 * weights), and for replicate designs the variance formula too (scale, rscales, mse).
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4], psu: [1, 1, 2, 3] });
 * const d = svyDesign(data, { ids: 'psu' });
 * const jk = asRepDesign(d);
 * console.log(sameDesign(d, subset(d, (r) => r.y! > 1)), sameDesign(d, jk), sameDesign(jk, { ...jk, mse: true })); // => true false false
 * ```
 */
export function sameDesign(a: SurveyDesign, b: SurveyDesign): boolean {
  if (a.type === 'linearization' && b.type === 'linearization')
    return a.stages === b.stages && a.weights === b.weights;
  if (a.type === 'replicate' && b.type === 'replicate') {
    return (
      a.replicates === b.replicates &&
      a.weights === b.weights &&
      a.scale === b.scale &&
      a.rscales === b.rscales &&
      a.mse === b.mse
    );
  }
  return false;
}

/** One block's influence values within a stack, and where its rows sit in the full design. */
interface StackPart {
  readonly influence: Influence;
  /**
   * Full-design row of each of the block's rows (made when called); `null`: the block uses the
   * full design's rows.
   */
  readonly rows: (() => Int32Array) | null;
  /** The block's design (its stages' row-to-cluster maps are those of `rows`). */
  readonly design: SurveyDesign | null;
}

/** Influence values of several blocks side by side (P = Σ p columns), on the full design's rows. */
function stackInfluence(parts: readonly StackPart[], base: LinearizationDesign): Influence {
  const nrow = base.data.nrow;
  const P = parts.reduce((s, f) => s + f.influence.p, 0);
  return {
    p: P,
    dense() {
      const out: Float64Array[] = [];
      for (const part of parts) {
        const rows = part.rows?.() ?? null;
        for (const col of part.influence.dense()) {
          if (rows === null) out.push(col);
          else {
            const full = new Float64Array(nrow);
            for (let j = 0; j < rows.length; j++) full[rows[j]!] = col[j]!;
            out.push(full);
          }
        }
      }
      return out;
    },
    sumByCluster(rowCluster, totals) {
      const nClusters = totals.length / P;
      let offset = 0;
      const stage = base.stages.findIndex((s) => s.rowCluster === rowCluster);
      for (const { influence, rows: rowsOf, design } of parts) {
        const p = influence.p;
        const part = new Float64Array(nClusters * p);
        let clusters = rowCluster;
        if (rowsOf !== null) {
          // The block design's own map when it is this stage's; else gathered through its rows.
          const own =
            stage >= 0 && design?.type === 'linearization'
              ? design.stages[stage]?.rowCluster
              : undefined;
          if (own !== undefined && own.length === design!.data.nrow) clusters = own;
          else {
            const rows = rowsOf();
            clusters = new Int32Array(rows.length);
            for (let j = 0; j < rows.length; j++) clusters[j] = rowCluster[rows[j]!]!;
          }
        }
        influence.sumByCluster(clusters, part);
        for (let c = 0; c < nClusters; c++) {
          for (let j = 0; j < p; j++) totals[c * P + offset + j]! += part[c * p + j]!;
        }
        offset += p;
      }
    },
  };
}

/** Options of {@link jointCovariance}. */
export interface JointCovarianceOptions {
  /**
   * Design over which rows of different blocks are combined (default: the first block's);
   * every block must be a domain of it.
   */
  design?: SurveyDesign;
  /**
   * Rows of that design taking part in the variance (R: the rows of the design handed to
   * `svyrecvar`); default the union of the blocks' rows. `null`: every row.
   */
  present?: Uint8Array | null;
  /**
   * For blocks computed on a design made of some of `design`'s rows (same clusters and strata,
   * rows renumbered, as {@link svyBy} gives each group): the `design` row of each of its rows;
   * `undefined` for other blocks. Called when needed only (the rows of a group are often not).
   */
  rowsOf?: (block: InfluenceBlock) => (() => Int32Array) | undefined;
  /** Most rows (default 1,000): more is a `TOO_LARGE` error (the matrix has rows² entries). */
  maxCovariance?: number;
}

/**
 * The covariance (k × k, row-major) of k estimate rows, from their blocks: within a block its
 * covariance; across blocks of the same design, the linearization variance of their stacked
 * influence values, or on a replicate design R's `svrVar` of their stacked replicate estimates
 * (then every pair of those rows, diagonal included, comes from that joint computation, as R's
 * `svyby(covmat = TRUE)`; a replicate whose estimate is missing in any block is left out for
 * all). Rows without a usable block, or of blocks on different designs (including replicate
 * designs with other replicates, scale, rscales or mse): `se²` on the diagonal, `NaN` off it.
 *
 * @throws {EstimationError} `NO_REPLICATES` when rows of a replicate design are combined and
 *   every replicate has a missing estimate in some block (R: "All replicates contained NAs").
 *
 * @example
 * ```ts
 * const data = fromColumns({ g: ['a', 'b', 'a', 'b', 'a', 'b'], w: [1, 2, 1, 2, 1, 2] });
 * const rows = svyMean(svyDesign(data, { weights: 'w' }), 'g');
 * const V = jointCovariance(rows);
 * console.log(V[0]!.toFixed(5), V[1]!.toFixed(5)); // => 0.03951 -0.03951
 * ```
 */
export function jointCovariance(
  rows: readonly Estimate[],
  opts: JointCovarianceOptions = {},
): Float64Array {
  const k = rows.length;
  checkCovariance('the covariance of estimate rows', k, covarianceLimit(opts.maxCovariance));
  const V = new Float64Array(k * k).fill(Number.NaN);
  for (let a = 0; a < k; a++) V[a * k + a] = rows[a]!.se * rows[a]!.se;

  const rowLinks = rows.map((r) => links.get(r));
  const blocks: InfluenceBlock[] = [];
  for (const link of rowLinks) if (link && !blocks.includes(link.block)) blocks.push(link.block);

  // Blocks whose influence values (replicate estimates) can be combined over one design.
  const usable = (b: InfluenceBlock) =>
    b.design !== null && (b.design.type === 'replicate' ? !!b.replicates : b.influence !== null);
  const base = opts.design ?? blocks.find(usable)?.design ?? null;
  const rowsOf = (b: InfluenceBlock) =>
    base?.type === 'linearization' ? opts.rowsOf?.(b) : undefined;
  const joinable =
    blocks.length > 1 && base !== null
      ? blocks.filter((b) => usable(b) && (rowsOf(b) !== undefined || sameDesign(b.design!, base)))
      : [];

  if (joinable.length > 1 && base !== null && base.type === 'replicate') {
    // R's svyby(covmat = TRUE) on a replicate design: svrVar of every block's replicates side
    // by side (a replicate missing in any block is dropped for all, as R's na.omit).
    const offsets = new Map<InfluenceBlock, number>();
    let P = 0;
    for (const b of joinable) {
      offsets.set(b, P);
      P += b.p;
    }
    const full = new Float64Array(P);
    const reps = base.replicates.map(() => new Float64Array(P));
    for (const b of joinable) {
      const o = offsets.get(b)!;
      const r = b.replicates!;
      full.set(r.full, o);
      if (r.reps.length !== reps.length) {
        throw new EstimationError(
          'INTERNAL_ERROR',
          `a block has ${r.reps.length} replicate estimates for ${reps.length} replicates (a defect of surveykit)`,
          { value: r.reps.length, expected: reps.length },
        );
      }
      r.reps.forEach((x, j) => {
        reps[j]!.set(x, o);
      });
    }
    fill(V, k, rowLinks, offsets, P, replicateCovariance(base, full, reps));
  }

  if (joinable.length > 1 && base !== null && base.type === 'linearization') {
    const offsets = new Map<InfluenceBlock, number>();
    let P = 0;
    for (const b of joinable) {
      offsets.set(b, P);
      P += b.p;
    }
    let present: Uint8Array | null;
    if (opts.present !== undefined) present = opts.present;
    else if (joinable.some((b) => b.present === null)) present = null;
    else {
      present = new Uint8Array(base.data.nrow);
      for (const b of joinable) {
        const m = b.present!;
        const rows = rowsOf(b)?.() ?? null;
        for (let i = 0; i < m.length; i++) if (m[i]) present[rows ? rows[i]! : i] = 1;
      }
    }
    const parts = joinable.map((b) => ({
      influence: b.influence!,
      rows: rowsOf(b) ?? null,
      design: b.design,
    }));
    fill(V, k, rowLinks, offsets, P, estimateVariance(base, stackInfluence(parts, base), present));
  }

  // Pairs in one block not filled by a joint computation: the block's own covariance.
  const joined = new Set(joinable.length > 1 ? joinable : []);
  for (let a = 0; a < k; a++) {
    const la = rowLinks[a];
    if (!la || joined.has(la.block)) continue;
    const p = la.block.p;
    for (let b = 0; b < k; b++) {
      const lb = rowLinks[b];
      if (lb?.block === la.block) V[a * k + b] = la.block.covariance[la.index * p + lb.index]!;
    }
  }
  return V;
}

/** Copies the joint covariance W (P × P) of the stacked blocks into V for the rows in them. */
function fill(
  V: Float64Array,
  k: number,
  rowLinks: ReadonlyArray<RowLink | undefined>,
  offsets: ReadonlyMap<InfluenceBlock, number>,
  P: number,
  W: Float64Array,
): void {
  const pos = rowLinks.map((l) => {
    if (!l) return -1;
    const o = offsets.get(l.block);
    return o === undefined ? -1 : o + l.index;
  });
  for (let a = 0; a < k; a++) {
    const pa = pos[a]!;
    if (pa < 0) continue;
    for (let b = 0; b < k; b++) {
      const pb = pos[b]!;
      if (pb >= 0) V[a * k + b] = W[pa * P + pb]!;
    }
  }
}
