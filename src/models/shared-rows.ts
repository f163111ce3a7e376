/**
 * Row arrays a GLM's helper thread can read (pass-helper.ts): for a model of at least
 * {@link SPLIT_ROWS} rows they live in a `SharedArrayBuffer` (where there is one), else in
 * ordinary memory.
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

/** A float array for n rows of a model: shared with the helper when it may split. */
export function rowFloat64(n: number): Float64Array {
  return n >= splitRows && typeof SharedArrayBuffer === 'function'
    ? new Float64Array(new SharedArrayBuffer(n * 8))
    : new Float64Array(n);
}

/** An integer array for n rows of a model: shared with the helper when it may split. */
export function rowInt32(n: number): Int32Array {
  return n >= splitRows && typeof SharedArrayBuffer === 'function'
    ? new Int32Array(new SharedArrayBuffer(n * 4))
    : new Int32Array(n);
}

/** `a` itself when the helper can read it, else a copy it can (for n below the split: `a`). */
export function sharedCopy<T extends Float64Array | Int32Array>(a: T): T {
  if (a.length < splitRows || typeof SharedArrayBuffer !== 'function') return a;
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/** Whether `a` lives where the helper can read it. */
export function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;
}
