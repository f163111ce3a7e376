/**
 * Numerical differentiation of a function of one number, to close to full double precision.
 * @module
 */

/** The result of {@link derivative}. */
export interface Derivative {
  /** The derivative's estimate. */
  value: number;
  /** An estimate of its absolute error (from the extrapolation table). */
  error: number;
}

/** Each step is the previous one divided by this. */
const SHRINK = 1.4;
/** Most steps tried. */
const STEPS = 12;
/** First steps tried, each 10× smaller than the one before. */
const ATTEMPTS = 12;
/** A result whose error estimate is below this (relative) is taken without trying smaller steps. */
const GOOD_ENOUGH = 1e-12;

/**
 * The derivative of `f` at `x` by central differences [f(x + h) − f(x − h)] / 2h at a sequence
 * of steps h, h/1.4, h/1.4², ..., extrapolated to h = 0 (Richardson extrapolation in a
 * Neville table, as Ridders' method): each column of the table cancels the next even power
 * of h in the error of the central difference, and the entry whose neighbours agree best is
 * returned, with that agreement as its error estimate. The table stops when a higher order no
 * longer improves it (rounding has taken over).
 *
 * The first step is `step`, by default a tenth of |x| (of 1 when x is 0), so the precision is
 * the same whatever the scale of x. A first step that is too large for f (x ± h outside where f
 * is finite, e.g. a logarithm of a share whose step would cross 0, or across a pole, e.g. the
 * odds p / (1 − p) of a share near 1) shows as non-finite values or as a large error estimate:
 * the table is then made again from a first step 10 times smaller, up to 12 times, and the
 * result with the smallest error estimate is kept (the first whose estimated relative error is
 * below 1e-12 ends the search). For smooth functions (ratios, logarithms, powers, odds
 * ratios) the relative error is about 1e-13 to 1e-12, against about 1e-10 for one central
 * difference at its best step. The steps are rounded so that x ± h are exact doubles.
 *
 * Returns `NaN` (with error `NaN`) when no step gives finite values.
 * @example
 * ```ts
 * const d = derivative(Math.log, 0.25);
 * console.log(d.value.toFixed(12), d.error < 1e-12); // => 4.000000000000 true
 * // the odds of a share of 0.97: a first step of 0.097 would cross the pole at 1
 * console.log(derivative((p) => p / (1 - p), 0.97).value.toFixed(6)); // => 1111.111111
 * ```
 */
export function derivative(f: (x: number) => number, x: number, step?: number): Derivative {
  let h0 = step ?? 0.1 * (x === 0 ? 1 : Math.abs(x));
  let best: Derivative = { value: Number.NaN, error: Number.NaN };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++, h0 /= 10) {
    const first = centralDifference(f, x, h0);
    if (!Number.isFinite(first)) continue;
    const d = extrapolate(f, x, h0, first);
    if (!(d.error >= best.error)) best = d; // also replaces the NaN of no result yet
    if (best.error <= GOOD_ENOUGH * Math.abs(best.value)) break;
  }
  return best;
}

/** [f(x + h) − f(x − h)] / (2h) with h rounded so that x ± h are exact. */
function centralDifference(f: (x: number) => number, x: number, h: number): number {
  const up = x + h;
  const down = x - h;
  return (f(up) - f(down)) / (up - down);
}

function extrapolate(f: (x: number) => number, x: number, h0: number, first: number): Derivative {
  // table[j] holds the row of the previous step; row[j] the current: row[j] is the central
  // difference at the current step extrapolated j times.
  let previous = [first];
  let best = first;
  let error = Number.POSITIVE_INFINITY;
  let h = h0;
  for (let i = 1; i < STEPS; i++) {
    h /= SHRINK;
    const d = centralDifference(f, x, h);
    if (!Number.isFinite(d)) break;
    const row = [d];
    let factor = SHRINK * SHRINK;
    for (let j = 1; j <= i; j++) {
      const value = (row[j - 1]! * factor - previous[j - 1]!) / (factor - 1);
      row.push(value);
      factor *= SHRINK * SHRINK;
      const e = Math.max(Math.abs(value - row[j - 1]!), Math.abs(value - previous[j - 1]!));
      if (e <= error) {
        error = e;
        best = value;
      }
    }
    // The highest order got worse than the best so far by a margin: rounding dominates.
    if (Math.abs(row[i]! - previous[i - 1]!) >= 2 * error) break;
    previous = row;
  }
  return { value: best, error };
}
