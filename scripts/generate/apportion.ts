/**
 * Rounding shares of a total to whole numbers that add up to the total exactly.
 * @module
 */

/**
 * Splits `total` in proportion to `weights` into integers summing to `total` (largest remainder
 * method; ties go to the earlier entry).
 *
 * @example
 * ```ts
 * console.log(apportion(10, [1, 1, 1])); // => [ 4, 3, 3 ]
 * ```
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  let sum = 0;
  for (const w of weights) sum += w;
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map((x) => Math.floor(x));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, r: x - Math.floor(x) }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left -= 1;
  }
  return out;
}
