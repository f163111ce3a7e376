/**
 * Row arrays a GLM's helper thread can read (pass-helper.ts), and whether it may be used. For a
 * model of at least {@link SPLIT_ROWS} rows, while the helper may be used, the arrays its passes
 * read and write are views of a few `SharedArrayBuffer`s, one per role (the model matrix's cells
 * and values, the outcome and prior weights, written there by svyGlm; the model's rows and the
 * design's cluster map, copied in at each fit; the row tracks; the scores), kept and reused fit
 * after fit and grown when a larger model needs more. A buffer per fit instead would be freed only
 * when both threads' garbage collectors had let go of it: fitting a 1,000,000-row model 30 times
 * in a row held 1.5 GB that way, against 430 MB on one thread (the pool: a set of buffers for the
 * largest model fitted, about 110 bytes per row). Elsewhere (below the split, no helper, no
 * `SharedArrayBuffer`) they are ordinary arrays.
 *
 * No pooled array outlives the svyGlm call that filled it: the fit keeps its model's layout and
 * rows (ordinary arrays) but not the pooled per-row arrays, and the scores are copied out.
 * @module
 */

/** Rows at and above which a model's passes are split in two halves (split-passes.ts). */
export const SPLIT_ROWS = 100_000;

let splitRows = SPLIT_ROWS;

/** The rows at and above which passes split: {@link SPLIT_ROWS}, unless a test set another. */
export function splitThreshold(): number {
  return splitRows;
}

/** For tests: split from `n` rows (Infinity: never), or back to {@link SPLIT_ROWS}. */
export function setSplitThreshold(n: number = SPLIT_ROWS): void {
  splitRows = n;
}

/** What the pooled arrays of a fit are for: one buffer each. */
export type RowRole =
  | 'cell'
  | 'values'
  | 'rows'
  | 'outcome'
  | 'weights'
  | 'clusters'
  | 'track0'
  | 'track0eta'
  | 'track1'
  | 'scores'
  | 'replicateWeights'
  | 'startTrack'
  | 'startW'
  | 'startZ'
  | 'startDev';

const pool = new Map<RowRole, SharedArrayBuffer>();

let helperOn = true;
/** Set once the helper has failed or cannot run here: no fit needs the pool then. */
let noHelper = false;

/**
 * The helper thread cannot be used in this process (it could not start here, or failed and is
 * not used again: pass-helper.ts): the pool's buffers are let go, and later fits' row arrays are
 * ordinary arrays, not copies made for a helper that will not read them.
 */
export function letPoolGo(): void {
  noHelper = true;
  pool.clear();
}

/** Whether the helper thread may be used (`setHelperThread`, helper-switch.ts). */
export function helperThreadOn(): boolean {
  return helperOn;
}

/** Turns the helper's use on or off; off, the pool's buffers are let go. */
export function switchHelper(on: boolean): void {
  helperOn = on;
  if (!on) pool.clear();
}

/** Whether arrays for n rows go to the pool (see the module notes). */
function pooled(n: number): boolean {
  return n >= splitRows && helperOn && !noHelper && typeof SharedArrayBuffer === 'function';
}

/** The pool's buffer for `role`, of at least `bytes` bytes. */
function buffer(role: RowRole, bytes: number): SharedArrayBuffer {
  let b = pool.get(role);
  if (b === undefined || b.byteLength < bytes) {
    b = new SharedArrayBuffer(bytes);
    pool.set(role, b);
  }
  return b;
}

/** Zeros for n rows (`width` values each) in the role's pooled buffer (else a new array). */
export function rowFloat64(role: RowRole, n: number, width = 1): Float64Array {
  if (!pooled(n)) return new Float64Array(n * width);
  return new Float64Array(buffer(role, n * width * 8), 0, n * width).fill(0);
}

/** {@link rowFloat64} for integers. */
export function rowInt32(role: RowRole, n: number): Int32Array {
  if (!pooled(n)) return new Int32Array(n);
  return new Int32Array(buffer(role, n * 4), 0, n).fill(0);
}

/** Where a model matrix puts its row arrays. */
export interface RowArrays {
  float64(role: RowRole, n: number, width?: number): Float64Array;
  int32(role: RowRole, n: number): Int32Array;
}

/** New arrays (the default). */
export const NEW_ROWS: RowArrays = {
  float64: (_role, n, width = 1) => new Float64Array(n * width),
  int32: (_role, n) => new Int32Array(n),
};

/**
 * The pool, for a model matrix whose row arrays serve one fit's passes only (svyGlm keeps no
 * pooled array past its call: see the module notes).
 */
export const POOLED_ROWS: RowArrays = { float64: rowFloat64, int32: rowInt32 };

/**
 * `a` (row-aligned, `rowCount` rows) in the role's pooled buffer: a copy, or `a` itself when it
 * already is there or is not to be pooled.
 */
export function pooledCopy<T extends Float64Array | Int32Array>(
  role: RowRole,
  a: T,
  rowCount: number = a.length,
): T {
  if (!pooled(rowCount)) return a;
  // already in the pool (a replicate's weights, a model's rows copied once for its replicates)
  for (const b of pool.values()) if (a.buffer === b) return a;
  const Ctor = a.constructor as new (b: SharedArrayBuffer, offset: number, length: number) => T;
  const out = new Ctor(buffer(role, a.byteLength), 0, a.length);
  out.set(a as never);
  return out;
}

/** Whether `a` lives where the helper can read it. */
export function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;
}
