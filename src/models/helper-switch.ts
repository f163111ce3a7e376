/**
 * The public switch for the GLM's helper thread (pass-helper.ts), in a module of its own with no
 * Node types, so that the public API's declarations need none; the state it sets lives beside
 * the pool of shared row arrays it also lets go (shared-rows.ts).
 * @module
 */

import { switchHelper } from './shared-rows.js';

/**
 * Turns on (the default) or off the helper thread that {@link svyGlm} uses, on Node with two or
 * more processor cores, for models of 100,000 rows or more: each pass over the rows runs half on
 * the calling thread and half on the helper, about halving the fit's time. The helper starts in
 * the background at the first such fit (the calling thread does both halves until it is ready)
 * and does not keep the process alive. Results do not depend on it: a large model's sums are
 * always made per half and then added, whichever thread ran a half. Turn it off where another
 * thread is not wanted (a server fitting models for several users at once, say). Turning it off
 * also lets go of the shared row buffers large fits reuse (about 110 bytes per row of the
 * largest model fitted).
 *
 * @param on - `false`: every fit runs on the calling thread only; `true`: the helper may be used.
 * @example
 * ```ts
 * const design = svyDesign(fromColumns({ y: [0, 1, 1, 0, 1, 0], x: [1, 2, 3, 1, 5, 4] }));
 * setHelperThread(false);
 * const one = svyGlm(design, 'y ~ x', { family: 'quasibinomial' }).coefficients[1].estimate;
 * setHelperThread(true);
 * const two = svyGlm(design, 'y ~ x', { family: 'quasibinomial' }).coefficients[1].estimate;
 * console.log(one === two, one.toFixed(3)); // => true 0.680
 * ```
 */
export function setHelperThread(on: boolean): void {
  switchHelper(on);
}
