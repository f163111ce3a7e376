/**
 * Multiplicity adjustment of p-values, as R's `p.adjust`.
 * @module
 */
import type { TabsAdjust } from './types.js';

/**
 * p-values adjusted for multiple comparisons as R's `p.adjust(p, method)`: `'bonferroni'`
 * (m·p), `'holm'` (step-down), `'BH'` (Benjamini–Hochberg, the false discovery rate) or
 * `'none'`; m is the number of p-values that are not `NaN` (a `NaN` stays `NaN`, as R's `NA`).
 * @param p - The p-values (`NaN` for a missing one).
 * @param method - `'bonferroni'`, `'holm'`, `'BH'` or `'none'`.
 * @example
 * ```ts
 * const p = [0.218, 0.0686, 0.334];
 * console.log(pAdjust(p, 'BH').map((x) => x.toFixed(3)), pAdjust(p, 'holm').map((x) => x.toFixed(4))); // => [ '0.327', '0.206', '0.334' ] [ '0.4360', '0.2058', '0.4360' ]
 * ```
 */
export function pAdjust(p: readonly number[], method: TabsAdjust): number[] {
  const out = [...p];
  const idx = p.map((_, i) => i).filter((i) => !Number.isNaN(p[i]!));
  const m = idx.length;
  if (method === 'none' || m <= 1) return out;
  if (method === 'bonferroni') {
    for (const i of idx) out[i] = Math.min(1, m * p[i]!);
    return out;
  }
  // Stable orders, as R's order().
  if (method === 'holm') {
    const o = [...idx].sort((a, b) => p[a]! - p[b]! || a - b);
    let running = 0;
    o.forEach((i, k) => {
      running = Math.max(running, (m - k) * p[i]!);
      out[i] = Math.min(1, running);
    });
    return out;
  }
  const o = [...idx].sort((a, b) => p[b]! - p[a]! || a - b);
  let running = Number.POSITIVE_INFINITY;
  o.forEach((i, k) => {
    running = Math.min(running, (m / (m - k)) * p[i]!);
    out[i] = Math.min(1, running);
  });
  return out;
}
