/**
 * Inflating the ZLIB blocks of a `.zsav` with fflate (pure JavaScript: the same code in Node and
 * in browsers). A block is inflated in small input pieces and its output handed on as it comes
 * (nothing is allocated from the size the block declares), so a block that would inflate to more
 * than it declares stops as soon as it passes that size, and the reader can stop a block as soon
 * as it has what it needs: neither memory nor time can run past what the file claims.
 * @module
 */
import { Unzlib } from 'fflate';
import { SurveyError } from '../../errors.js';

/** Compressed bytes handed to the inflater at a time (at most ~1,000× that comes out per piece). */
const PIECE = 1 << 14;

/**
 * Inflates one ZLIB stream that must inflate to exactly `size` bytes, handing the output to
 * `onData` piece by piece (each piece valid during the call only); `onData` returns `false` to
 * stop early (then the size is not checked). Returns the bytes handed on, or a message saying
 * what went wrong (corrupt data, more or fewer bytes than `size`). An error `onData` throws is
 * thrown on.
 * @example
 * ```ts
 * import { zlibSync } from 'fflate';
 * const z = zlibSync(new Uint8Array([1, 2, 3, 4]));
 * const pieces: number[] = [];
 * const n = inflateBlock(z, 4, (p) => { pieces.push(...p); return true; });
 * console.log(n, pieces, inflateBlock(z, 3, () => true)); // => 4 [ 1, 2, 3, 4 ] it inflates to more than the declared 3 bytes
 * ```
 */
export function inflateBlock(
  compressed: Uint8Array,
  size: number,
  onData: (piece: Uint8Array) => boolean,
): number | string {
  let length = 0;
  let tooLong = false;
  let stopped = false;
  const inflater = new Unzlib((chunk) => {
    if (tooLong || stopped) return;
    if (length + chunk.length > size) {
      tooLong = true;
      return;
    }
    length += chunk.length;
    if (!onData(chunk)) stopped = true;
  });
  try {
    for (let at = 0; at < compressed.length && !tooLong && !stopped; at += PIECE) {
      inflater.push(compressed.subarray(at, at + PIECE), at + PIECE >= compressed.length);
    }
  } catch (e) {
    if (e instanceof SurveyError) throw e;
    return (e as Error).message;
  }
  if (tooLong) return `it inflates to more than the declared ${size} bytes`;
  if (!stopped && length !== size)
    return `it inflates to ${length} bytes, not the declared ${size}`;
  return length;
}
