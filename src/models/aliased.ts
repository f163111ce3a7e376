/**
 * Aliased columns (R's NA coefficients): the error that names a column that is a linear
 * combination of the columns before it, with the combination; and, when they are left out
 * (`aliased: 'drop'`), the fit's rows and covariance with them back in as NaN.
 * @module
 */
import { EstimationError } from '../errors.js';
import { dependence } from './linalg.js';
import type { ModelMatrix } from './model-matrix.js';
import type { Coefficient } from './types.js';

/** The error for aliased columns: the first one, written as the combination it is. */
export function aliasedError(
  mm: ModelMatrix,
  columns: readonly number[],
  xwx: Float64Array,
): EstimationError {
  const j = columns[0]!;
  const name = mm.names[j]!;
  const term = mm.columnTerms[j]!;
  const on: number[] = [];
  for (let k = 0; k < j; k++) if (!columns.includes(k)) on.push(k);
  const b = xwx[j * mm.p + j]! > 0 ? dependence(xwx, mm.p, on, j) : null;
  let how = `it has no weight among the ${mm.rows.length} respondents used`;
  if (b !== null) {
    const parts: string[] = [];
    on.forEach((k, a) => {
      const v = b[a]!;
      if (!(Math.abs(v) > 1e-7)) return;
      const size = Math.abs(v);
      const coef = Math.abs(size - 1) < 1e-9 ? '' : `${Number(size.toPrecision(6))}·`;
      parts.push(
        `${parts.length === 0 ? (v < 0 ? '−' : '') : v < 0 ? ' − ' : ' + '}${coef}${mm.names[k]}`,
      );
    });
    how = `on the ${mm.rows.length} respondents used, ${name} = ${parts.join('') || '0'}`;
  }
  const others =
    columns.length > 1
      ? ` (also aliased: ${columns
          .slice(1)
          .map((c) => mm.names[c])
          .join(', ')})`
      : '';
  return new EstimationError(
    'RANK_DEFICIENT',
    `the column ${name} (term ${term}) of "${mm.formula.text}" is a linear combination of the columns before it: ${how}${others}. Drop or recode a term, or pass aliased: 'drop' to leave such columns out as R does (their coefficients are reported as NaN)`,
    {
      term,
      column: name,
      formula: mm.formula.text,
      aliased: columns.map((c) => mm.names[c]!),
    },
  );
}

/** The coefficient rows of the full model: aliased columns as NaN rows marked `aliased`. */
export function withAliased(
  full: ModelMatrix,
  aliased: readonly number[],
  kept: readonly Coefficient[],
): Coefficient[] {
  if (aliased.length === 0) return [...kept];
  const out: Coefficient[] = [];
  let k = 0;
  for (let j = 0; j < full.p; j++) {
    if (!aliased.includes(j)) {
      out.push(kept[k++]!);
      continue;
    }
    const nan = Number.NaN;
    out.push({
      term: full.names[j]!,
      modelTerm: full.columnTerms[j]!,
      estimate: nan,
      se: nan,
      statistic: nan,
      pValue: nan,
      ci: [nan, nan],
      aliased: true,
    });
  }
  return out;
}

/** A covariance over the kept columns as one over all columns, NaN for the aliased. */
export function expandCovariance(
  V: Float64Array,
  p: number,
  aliased: readonly number[],
): Float64Array {
  if (aliased.length === 0) return V;
  const kept: number[] = [];
  for (let j = 0; j < p; j++) if (!aliased.includes(j)) kept.push(j);
  const q = kept.length;
  const out = new Float64Array(p * p).fill(Number.NaN);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) out[kept[a]! * p + kept[b]!] = V[a * q + b]!;
  }
  return out;
}
