/**
 * Whether a per-row code (a group, a cluster) mostly comes in long runs of equal values, as in a
 * file sorted by it: passes over the rows then work run by run (block copies, sums of a run in
 * registers), and otherwise row by row, so that neither order is slow.
 * @module
 */

/** Runs of rows of one code at least this long are worth handling as runs. */
export const RUN = 32;

/**
 * Whether the codes mostly come in long runs: fewer than one change in 2·{@link RUN} rows,
 * judged from about 4,096 pairs of neighbouring rows spread over the array. (Only the speed of
 * the passes that ask depends on it, never their results.)
 * @example
 * ```ts
 * console.log(longRuns(new Int32Array(1000)), longRuns(Int32Array.from({ length: 1000 }, (_, i) => i % 7))); // => true false
 * ```
 */
export function longRuns(codes: Int32Array): boolean {
  const n = codes.length;
  if (n < 2) return true;
  const step = Math.max(1, Math.floor((n - 1) / 4096));
  let pairs = 0;
  let changes = 0;
  for (let i = 0; i + 1 < n; i += step) {
    pairs++;
    if (codes[i] !== codes[i + 1]) changes++;
  }
  return changes * RUN * 2 <= pairs;
}
