/**
 * Hadamard matrices for balanced repeated replication, built exactly as R's `survey:::hadamard()`
 * (survey 4.1.1) builds them, so that BRR and Fay replicates match R's replicate for replicate.
 *
 * Matrices are in R's 0/1 form (a ±1 Hadamard matrix is `2H − 1`), as arrays of rows.
 *
 * R's rule for `hadamard(n)` (n = number of strata; the matrix has more than n rows):
 * - sizes 4 and 16 (n ≤ 15 apart from 8..11): Sylvester matrices (doublings of `[1]` by
 *   `[[H, H], [H, 1 − H]]`), which is what R stores for these sizes;
 * - sizes 28 and 36 (n = 24..27, 32..35): matrices R stores: 28 is from N. J. A. Sloane's library
 *   of Hadamard matrices (kept here as data, {@link H28_ROWS}); 36 is Plackett and Burman's (1946)
 *   cyclic design (built here from its generator);
 * - otherwise the smallest of 4, 16, 28, 36 times a power of two that exceeds n; when that
 *   overshoots n by more than 4, a Paley construction over GF(p) (p ≡ 3 mod 4 prime ≤ 7919,
 *   possibly doubled) is tried first, following R's `paley()` step by step.
 *
 * Every size from n = 1 to 400 is checked against R's matrices in test/design/hadamard.test.ts.
 * @module
 */

/** A 0/1 matrix as rows (each a `Uint8Array`). */
export type BinaryMatrix = Uint8Array[];

/**
 * Rows of R's stored 28 × 28 matrix (`survey:::hadamard.list[[3]]`, from Sloane's library), one
 * hexadecimal string per row: each digit is 4 entries, most significant bit first.
 */
const H28_ROWS = [
  'fffffff',
  '9c71c78',
  '83cd378',
  '83b2e66',
  '9a0f8d6',
  '952c5ae',
  '8cd239e',
  '58aa7f0',
  '45b59d4',
  '46cbcac',
  '561774a',
  '4b64e9a',
  '5959b26',
  '2d1eae8',
  '3666b34',
  '2b3b51c',
  '31d74b2',
  '32f89ca',
  '2ced646',
  'ea545e4',
  'f1632cc',
  'f09ce1c',
  'e54ad52',
  'e6392b2',
  'e8a792a',
  'dffe000',
  'bf81f80',
  '7f8007e',
];

/** Plackett and Burman's (1946) generator for 36 runs (1 = +, 0 = −). */
const PB36_GENERATOR = '01011100011111011100100001010110010';

/** Primes p ≤ 7919 with p ≡ 3 (mod 4): the primes R's `paley()` knows. */
const PALEY_PRIMES: readonly number[] = (() => {
  const max = 7919;
  const composite = new Uint8Array(max + 1);
  const out: number[] = [];
  for (let i = 2; i <= max; i++) {
    if (composite[i]) continue;
    if (i % 4 === 3) out.push(i);
    for (let j = i * i; j <= max; j += i) composite[j] = 1;
  }
  return out;
})();
const PALEY_MAX = 7919;

/** R's `hadamard.sizes`. */
const STORED_SIZES = [4, 16, 28, 36] as const;

let stored: BinaryMatrix[] | null = null;

/** R's `hadamard.list`: Sylvester 4 and 16, Sloane's 28, Plackett–Burman 36. */
function storedMatrices(): BinaryMatrix[] {
  if (stored === null) {
    const h4 = doubleMatrix(doubleMatrix([Uint8Array.of(1)]));
    stored = [h4, doubleMatrix(doubleMatrix(h4)), fromHexRows(H28_ROWS, 28), plackettBurman36()];
  }
  return stored;
}

function fromHexRows(rows: readonly string[], size: number): BinaryMatrix {
  return rows.map((hex) => {
    const row = new Uint8Array(size);
    for (let j = 0; j < size; j++) {
      const digit = Number.parseInt(hex[j >> 2]!, 16);
      row[j] = (digit >> (3 - (j & 3))) & 1;
    }
    return row;
  });
}

/** First row all 1; rows 2..36 are the generator shifted left by 0..34, then a 0. */
function plackettBurman36(): BinaryMatrix {
  const g = PB36_GENERATOR;
  const rows: BinaryMatrix = [new Uint8Array(36).fill(1)];
  for (let k = 0; k < 35; k++) {
    const row = new Uint8Array(36);
    for (let j = 0; j < 35; j++) row[j] = g.charCodeAt((j + k) % 35) - 48;
    rows.push(row);
  }
  return rows;
}

/** R's `hadamard.doubler`: `[[H, H], [H, 1 − H]]`. */
function doubleMatrix(h: BinaryMatrix): BinaryMatrix {
  const m = h.length;
  const out: BinaryMatrix = [];
  for (let i = 0; i < 2 * m; i++) {
    const src = h[i % m]!;
    const row = new Uint8Array(2 * m);
    row.set(src, 0);
    if (i < m) row.set(src, m);
    else for (let j = 0; j < m; j++) row[m + j] = 1 - src[j]!;
    out.push(row);
  }
  return out;
}

/** Paley's construction over GF(p): `cbind(1, rbind(1, m))`, m[i][j] = 0 when (i + j) mod p is 0 or a square. */
function paleyPrime(p: number): BinaryMatrix {
  const square = new Uint8Array(p);
  square[0] = 1;
  for (let i = 1; i <= (p - 1) / 2; i++) square[(i * i) % p] = 1;
  const rows: BinaryMatrix = [new Uint8Array(p + 1).fill(1)];
  for (let i = 0; i < p; i++) {
    const row = new Uint8Array(p + 1);
    row[0] = 1;
    for (let j = 0; j < p; j++) row[j + 1] = square[(i + j) % p] ? 0 : 1;
    rows.push(row);
  }
  return rows;
}

/**
 * R's `paley(n, nmax)` (survey/R/paley.R): a Paley-type Hadamard matrix with more than n rows and
 * at most `nmax`, or `null` when R's function gives up.
 */
function paley(n: number, nmax = 2 * n): BinaryMatrix | null {
  const nceil = n + 4 - (n % 4);
  let nn = nceil;
  if ((n % 4) + 4 === n % 8) {
    while (nn % 8 === 0) nn /= 2;
    if (PALEY_PRIMES.includes(nn - 1)) {
      let m = paleyPrime(nn - 1);
      while (nn < nceil) {
        m = doubleMatrix(m);
        nn *= 2;
      }
      return m;
    }
  }
  if (n > PALEY_MAX) return null;
  const p = PALEY_PRIMES.find((q) => q >= n)!;
  // R recurses with its default nmax, 2 * (nceil + 3).
  if (p + 1 > nceil + 4 && nceil + 4 < nmax) return paley(nceil + 3);
  if (p > nmax) return null;
  return paleyPrime(p);
}

/**
 * The 0/1 Hadamard matrix R's `survey:::hadamard(n)` returns: at least n + 1 rows, so that BRR
 * can use rows 2..n+1 for n strata (row 1 is all ones). Same matrix as R's, entry for entry.
 *
 * @example
 * ```ts
 * const h = hadamard(3);
 * console.log(h.length, h.map((row) => row.join('')).join(' ')); // => 4 1111 1010 1100 1001
 * console.log(hadamard(25).length, hadamard(59).length); // => 28 60
 * ```
 */
export function hadamard(n: number): BinaryMatrix {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`hadamard(n) needs an integer n >= 0; got ${n}`);
  const list = storedMatrices();
  const m = n - (n % 4);
  const precooked = STORED_SIZES.findIndex((s) => m < s && m + 4 >= s);
  if (precooked >= 0) return copy(list[precooked]!);
  if (STORED_SIZES.every((s) => m < s)) return copy(list[0]!);
  // Each stored size doubled until it exceeds n (R: s * 2^max(0, ceiling(log2((n + 1) / s)))).
  const doublings = STORED_SIZES.map((s) => {
    let k = 0;
    while (s * 2 ** k < n + 1) k++;
    return k;
  });
  const sizes = STORED_SIZES.map((s, i) => s * 2 ** doublings[i]!);
  let best = 0;
  for (let i = 1; i < sizes.length; i++) if (sizes[i]! < sizes[best]!) best = i;
  let h: BinaryMatrix | null = null;
  if (sizes[best]! - n > 4) h = paley(n, sizes[best]!);
  if (h === null) {
    h = list[best]!;
    for (let k = 0; k < doublings[best]!; k++) h = doubleMatrix(h);
    if (doublings[best] === 0) h = copy(h);
  }
  return h;
}

function copy(h: BinaryMatrix): BinaryMatrix {
  return h.map((row) => row.slice());
}

/**
 * Whether a square 0/1 matrix is a Hadamard matrix (R's `is.hadamard`): the ±1 matrix `2H − 1` has
 * orthogonal rows; with `fullOrthogonalBalance` (default), also every row but the first sums to 0
 * in ±1 form (each column of BRR replicates then uses each half-sample equally often).
 *
 * @example
 * ```ts
 * console.log(isHadamard(hadamard(30)), isHadamard([Uint8Array.of(1, 1), Uint8Array.of(1, 1)])); // => true false
 * ```
 */
export function isHadamard(h: BinaryMatrix, fullOrthogonalBalance = true): boolean {
  const size = h.length;
  if (size === 0 || h.some((row) => row.length !== size)) return false;
  for (const row of h) for (const v of row) if (v !== 0 && v !== 1) return false;
  for (let a = 0; a < size; a++) {
    for (let b = a; b < size; b++) {
      let dot = 0;
      const ra = h[a]!;
      const rb = h[b]!;
      for (let j = 0; j < size; j++) dot += ra[j] === rb[j] ? 1 : -1;
      if (dot !== (a === b ? size : 0)) return false;
    }
  }
  if (fullOrthogonalBalance) {
    // R: sum(H[-1, ]) == 0 in ±1 form, over all rows but the first together.
    let sum = 0;
    for (let i = 1; i < size; i++) for (const v of h[i]!) sum += 2 * v - 1;
    if (sum !== 0) return false;
  }
  return true;
}
