/**
 * Interning string cells by their raw bytes. A string column of a million cases usually holds a
 * few distinct values; decoding each cell to a JavaScript string would cost a decoder call and an
 * allocation per cell. Instead each cell's 8-byte units are looked up, as 32-bit words, in an
 * open-addressing hash table of the distinct values seen so far, and only the distinct values are
 * decoded at the end. Trailing words of spaces (or NULs) are left out of the key, so a value is
 * stored without its padding.
 * @module
 */

const EMPTY_WORD_SPACES = 0x20202020;

/**
 * A set of distinct word sequences with dense ids in first-seen order.
 *
 * @example
 * ```ts
 * const words = new Int32Array(new Uint8Array([...'Msk     Spb     Msk     '].map((c) => c.charCodeAt(0))).buffer);
 * const dict = new WordDict();
 * console.log(dict.intern(words, 0, 2), dict.intern(words, 2, 2), dict.intern(words, 4, 2), dict.size);
 * // => 0 1 0 2
 * console.log(new TextDecoder().decode(dict.bytes(1))); // => Spb
 * ```
 */
export class WordDict {
  private pool: Int32Array = new Int32Array(256);
  private poolUsed = 0;
  private starts: Int32Array = new Int32Array(16);
  private lengths: Int32Array = new Int32Array(16);
  private hashes: Int32Array = new Int32Array(16);
  private table: Int32Array = new Int32Array(32);
  private mask = 31;
  /** Distinct values. */
  size = 0;

  /** The id of the value in `words[start .. start + n)`, adding it if new. */
  intern(words: Int32Array, start: number, n: number): number {
    let len = n;
    while (len > 0) {
      const w = words[start + len - 1]!;
      if (w !== EMPTY_WORD_SPACES && w !== 0) break;
      len--;
    }
    let h = 0x811c9dc5 ^ len;
    for (let i = 0; i < len; i++) h = Math.imul(h ^ words[start + i]!, 0x01000193);
    h ^= h >>> 15;
    const table = this.table;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const e = table[slot]!;
      if (e === 0) break;
      const id = e - 1;
      if (this.hashes[id] === h && this.lengths[id] === len && this.same(id, words, start, len)) {
        return id;
      }
      slot = (slot + 1) & mask;
    }
    return this.add(words, start, len, h, slot);
  }

  private same(id: number, words: Int32Array, start: number, len: number): boolean {
    const pool = this.pool;
    const s = this.starts[id]!;
    for (let i = 0; i < len; i++) if (pool[s + i] !== words[start + i]) return false;
    return true;
  }

  private add(words: Int32Array, start: number, len: number, h: number, slot: number): number {
    const id = this.size;
    if (id === this.starts.length) {
      this.starts = grow(this.starts, id * 2);
      this.lengths = grow(this.lengths, id * 2);
      this.hashes = grow(this.hashes, id * 2);
    }
    if (this.poolUsed + len > this.pool.length) {
      this.pool = grow(this.pool, Math.max(this.pool.length * 2, this.poolUsed + len));
    }
    this.pool.set(words.subarray(start, start + len), this.poolUsed);
    this.starts[id] = this.poolUsed;
    this.lengths[id] = len;
    this.hashes[id] = h;
    this.poolUsed += len;
    this.size++;
    this.table[slot] = id + 1;
    if (this.size * 2 > this.mask) this.rehash();
    return id;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.hashes[id]! & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    }
    this.table = table;
    this.mask = mask;
  }

  /** The stored bytes of value `id` (a multiple of 4 bytes; trailing padding words removed). */
  bytes(id: number): Uint8Array {
    const s = this.starts[id]!;
    return new Uint8Array(this.pool.buffer, s * 4, this.lengths[id]! * 4);
  }
}

function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
