/** The small dense kernels: Cholesky solve and inverse, aliased columns, dependence. */
import { describe, expect, it } from 'vitest';
import {
  aliasedColumns,
  cholesky,
  choleskyInverse,
  choleskySolve,
  dependence,
  inverseSymmetric,
  quadraticForm,
} from '../../src/models/linalg.js';
import { expectClose } from '../helpers/reference.js';

/** XᵀX of a row-major n × p matrix. */
function crossprod(x: number[][]): Float64Array {
  const p = x[0]!.length;
  const out = new Float64Array(p * p);
  for (const row of x)
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) out[i * p + j]! += row[i]! * row[j]!;
  return out;
}

describe('Cholesky kernels', () => {
  const X = [
    [1, 2, 0.5],
    [1, -1, 3],
    [1, 4, 1e3],
    [1, 0.1, -20],
    [1, 7, 2],
  ];
  const A = crossprod(X);
  it('solve and inverse: A x = b and A A⁻¹ = I, also with badly scaled columns', () => {
    const f = cholesky(A, 3);
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    const b = [1, 2, 3];
    const x = choleskySolve(f.factor, b);
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += A[i * 3 + j]! * x[j]!;
      expectClose(s, b[i]!, 1e-10, `row ${i}`);
    }
    const inv = choleskyInverse(f.factor);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += A[i * 3 + k]! * inv[k * 3 + j]!;
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-10);
      }
    }
    expectClose(
      quadraticForm(inv, b),
      b.reduce((s, v, i) => s + v * x[i]!, 0),
      1e-10,
      'bᵀA⁻¹b',
    );
  });

  it('aliased columns in order, with the combination they are', () => {
    // columns: 1, a, 2a + 1, b, a + b
    const rows = [
      [1, 0, 1, 5, 5],
      [1, 1, 3, 2, 3],
      [1, 2, 5, 0, 2],
      [1, 3, 7, 1, 4],
      [1, 5, 11, 4, 9],
    ];
    const G = crossprod(rows);
    expect(cholesky(G, 5)).toEqual({ ok: false, column: 2 });
    expect(aliasedColumns(G, 5)).toEqual([2, 4]);
    const d = dependence(G, 5, [0, 1], 2)!;
    expectClose(d[0]!, 1, 1e-8, 'intercept');
    expectClose(d[1]!, 2, 1e-8, 'a');
    expect(inverseSymmetric(G, 5)).toBeNull();
    // a zero column is aliased
    const Z = crossprod(rows.map((r) => [r[0]!, 0, r[1]!]));
    expect(aliasedColumns(Z, 3)).toEqual([1]);
  });
});
