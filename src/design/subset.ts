/**
 * Domains: `subset` keeps the whole design and marks which respondents are in the domain, so
 * domain standard errors are computed over the full design (R's `subset.survey.design`).
 * @module
 */
import { DesignError } from '../errors.js';
import { type Row, rowView } from './row.js';
import type { SurveyDesign } from './types.js';

export type { Row } from './row.js';

/**
 * A domain of the design: the respondents for whom `predicate` is true (a missing result counts
 * as false, as in R). The design itself is kept whole so that variances stay right. Domains nest:
 * a subset of a subset is their intersection.
 *
 * `predicate` is a function of a row, or a mask with one boolean per respondent.
 *
 * @param design - A design, or a domain of one (domains nest).
 * @param predicate - Who is in the domain: a function of a row (`(row) => row.sex === 'F'`; values
 *   as {@link column} gives them) or one boolean (or 0/1) per respondent.
 * @example
 * ```ts
 * const data = fromColumns({ y: [1, 2, 3, 4], g: ['a', 'b', 'a', 'b'] });
 * const d = subset(svyDesign(data), (r) => r.g === 'a');
 * console.log(svyMean(d, 'y')[0].estimate, svyMean(d, 'y')[0].n); // => 2 2
 * ```
 */
export function subset<D extends SurveyDesign>(
  design: D,
  predicate:
    | ((row: Row, index: number) => boolean | null | undefined)
    | ArrayLike<boolean | number>,
): D {
  const n = design.data.nrow;
  const domain = new Uint8Array(n);
  const previous = design.domain;
  if (typeof predicate === 'function') {
    const view = rowView(design.data);
    const row = view.value;
    for (let i = 0; i < n; i++) {
      if (previous !== null && !previous[i]) continue;
      view.moveTo(i);
      domain[i] = predicate(row, i) === true ? 1 : 0;
    }
  } else {
    if (predicate.length !== n) {
      throw new DesignError(
        'BAD_SUBSET',
        `the subset mask has ${predicate.length} entries for ${n} respondents`,
        {
          value: predicate.length,
        },
      );
    }
    for (let i = 0; i < n; i++) {
      if (previous !== null && !previous[i]) continue;
      domain[i] = predicate[i] ? 1 : 0;
    }
  }
  return { ...design, domain };
}

/**
 * The sampling weights of the design (all respondents; a domain does not change them).
 * @param design - The design.
 * @example
 * ```ts
 * const d = svyDesign(fromColumns({ w: [2, 3] , y: [1, 2] }), { weights: 'w' });
 * console.log(Array.from(weights(d))); // => [ 2, 3 ]
 * ```
 */
export function weights(design: SurveyDesign): Float64Array {
  return design.weights.slice();
}
