/**
 * Inflating the ZLIB blocks of a `.zsav` with fflate (pure JavaScript: the same code in Node and
 * in browsers). A block is inflated into a buffer of the size its descriptor declares, in small
 * input pieces, so a block that would inflate to more stops as soon as it passes that size:
 * neither memory nor time can run past what the file claims.
 * @module
 */
import { Unzlib } from 'fflate';

/** Compressed bytes handed to the inflater at a time (at most ~1,000× that comes out per piece). */
const PIECE = 1 << 14;

/**
 * Inflates one ZLIB stream that must inflate to exactly `size` bytes. Returns the bytes, or a
 * message saying what went wrong (corrupt data, more or fewer bytes than `size`).
 * @example
 * ```ts
 * import { zlibSync } from 'fflate';
 * const z = zlibSync(new Uint8Array([1, 2, 3, 4]));
 * console.log(inflateBlock(z, 4), inflateBlock(z, 3)); // => Uint8Array(4) [ 1, 2, 3, 4 ] it inflates to more than the declared 3 bytes
 * ```
 */
export function inflateBlock(compressed: Uint8Array, size: number): Uint8Array | string {
  const out = new Uint8Array(size);
  let length = 0;
  let tooLong = false;
  const inflater = new Unzlib((chunk) => {
    if (length + chunk.length > size) tooLong = true;
    else out.set(chunk, length);
    length += chunk.length;
  });
  try {
    for (let at = 0; at < compressed.length && !tooLong; at += PIECE) {
      inflater.push(compressed.subarray(at, at + PIECE), at + PIECE >= compressed.length);
    }
  } catch (e) {
    return (e as Error).message;
  }
  if (tooLong) return `it inflates to more than the declared ${size} bytes`;
  if (length !== size) return `it inflates to ${length} bytes, not the declared ${size}`;
  return out;
}
