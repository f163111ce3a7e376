import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type BinaryMatrix, hadamard, isHadamard } from '../../src/design/hadamard.js';
import { loadReferenceJson } from '../helpers/reference.js';

interface HadamardRef {
  hadamard: {
    byN: Array<{ n: number; size: number; md5: string }>;
    full: Array<{ n: number; size: number; rows: string[] }>;
    precooked: Array<{ size: number; rows: string[] }>;
  };
}

const ref = loadReferenceJson<HadamardRef>('replicate.json').hadamard;

/** R's text form: rows of 0/1 digits, each followed by a newline (writeLines). */
function md5(h: BinaryMatrix): string {
  return createHash('md5')
    .update(`${h.map((row) => row.join('')).join('\n')}\n`)
    .digest('hex');
}

function fromHex(rows: string[], size: number): number[][] {
  return rows.map((hex) =>
    Array.from(
      { length: size },
      (_, j) => (Number.parseInt(hex[j >> 2]!, 16) >> (3 - (j & 3))) & 1,
    ),
  );
}

describe('hadamard(n) is the matrix R survey 4.1.1 returns', () => {
  it('for every n from 1 to 400 (size and md5 of the 0/1 rows)', () => {
    const wrong: string[] = [];
    for (const e of ref.byN) {
      const h = hadamard(e.n);
      if (h.length !== e.size || md5(h) !== e.md5)
        wrong.push(`n=${e.n}: size ${h.length} vs ${e.size}`);
    }
    expect(wrong).toEqual([]);
    expect(ref.byN).toHaveLength(400);
  });

  it('entry for entry for the sizes the reference designs use', () => {
    for (const e of ref.full) {
      const h = hadamard(e.n).map((row) => Array.from(row));
      expect(h, `n=${e.n}`).toEqual(fromHex(e.rows, e.size));
    }
  });

  it("reproduces R's stored matrices: Sylvester 4 and 16, Sloane's 28, Plackett-Burman 36", () => {
    const sizes = ref.precooked.map((p) => p.size);
    expect(sizes).toEqual([4, 16, 28, 36]);
    const nFor: Record<number, number> = { 4: 3, 16: 13, 28: 25, 36: 33 };
    for (const p of ref.precooked) {
      const h = hadamard(nFor[p.size]!).map((row) => Array.from(row));
      expect(h, `size ${p.size}`).toEqual(fromHex(p.rows, p.size));
    }
  });

  it('returns Hadamard matrices with more rows than n (full orthogonal balance as R checks it)', () => {
    for (const n of [0, 1, 2, 3, 5, 8, 11, 22, 27, 35, 47, 50, 63, 90, 101, 150, 250]) {
      const h = hadamard(n);
      expect(h.length, `n=${n}`).toBeGreaterThan(n);
      expect(isHadamard(h, false), `n=${n}`).toBe(true);
    }
    // R's documentation: the excess over the smallest multiple of 4 is at most 4 below 180.
    for (let n = 2; n < 180; n++)
      expect(hadamard(n).length - (n - (n % 4) + 4)).toBeLessThanOrEqual(4);
  });

  it('gives a fresh copy each time (callers may modify it)', () => {
    const a = hadamard(3);
    a[1]![1] = 1;
    expect(hadamard(3)[1]![1]).toBe(0);
  });

  it('isHadamard rejects non-Hadamard input', () => {
    expect(isHadamard([])).toBe(false);
    expect(isHadamard([Uint8Array.of(1, 0)])).toBe(false);
    expect(isHadamard([Uint8Array.of(1, 2), Uint8Array.of(1, 0)])).toBe(false);
    expect(isHadamard([Uint8Array.of(1, 1), Uint8Array.of(1, 0)])).toBe(true);
    // Orthogonal, but the second row is all ones: not balanced.
    expect(isHadamard([Uint8Array.of(1, 0), Uint8Array.of(1, 1)], true)).toBe(false);
    expect(isHadamard([Uint8Array.of(1, 0), Uint8Array.of(1, 1)], false)).toBe(true);
  });

  it('rejects a negative or fractional n', () => {
    expect(() => hadamard(-1)).toThrow(RangeError);
    expect(() => hadamard(2.5)).toThrow(RangeError);
  });
});
