/**
 * Reading cells straight from UTF-8 bytes, for the CSV loader's byte route (quote-free UTF-8
 * files, the common case): a dictionary that finds a cell's code from its bytes without making a
 * string, a number reader over bytes, and the conversions the rare slow paths need. A string is
 * made only for a text never seen before in its column, or a cell the fast number reader does not
 * take.
 * @module
 */

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/**
 * The text of `bytes[a, b)` (valid UTF-8).
 * @example
 * ```ts
 * console.log(utf8Text(new TextEncoder().encode('a,Минск'), 2)); // => Минск
 * ```
 */
export function utf8Text(bytes: Uint8Array, a = 0, b = bytes.length): string {
  return decoder.decode(bytes.subarray(a, b));
}

/**
 * The UTF-8 bytes of a text.
 * @example
 * ```ts
 * console.log(utf8Bytes('ё').length); // => 2
 * ```
 */
export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Whether `bytes[a, b)` is empty or white space only (as `trim()` sees it).
 * @example
 * ```ts
 * console.log(isBlankBytes(utf8Bytes(' \t'), 0, 2), isBlankBytes(utf8Bytes(' x'), 0, 2)); // => true false
 * ```
 */
export function isBlankBytes(bytes: Uint8Array, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = bytes[i]!;
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    if (c < 128) return false;
    return utf8Text(bytes, i, b).trim() === '';
  }
  return true;
}

/**
 * The length of the longest prefix of `bytes[0, end)` that ends with a whole UTF-8 character
 * (`end` when the bytes there are not valid UTF-8: the validator reports them).
 * @example
 * ```ts
 * const b = utf8Bytes('aё'); // 61 d1 91
 * console.log(wholeCharacters(b), wholeCharacters(b, 2)); // => 3 1
 * ```
 */
export function wholeCharacters(bytes: Uint8Array, end = bytes.length): number {
  // The last lead byte (not 10xxxxxx) within the last 4 bytes, and whether its sequence is whole.
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const c = bytes[i]!;
    if ((c & 0xc0) === 0x80) continue;
    const length = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    return i + length <= end ? end : i;
  }
  return end;
}

/**
 * The length in UTF-16 code units (a JavaScript string's `length`) of the text of UTF-8 bytes:
 * one per character, two for a character beyond U+FFFF (a 4-byte sequence).
 * @example
 * ```ts
 * console.log(utf16Length(utf8Bytes('aё😀')), 'aё😀'.length); // => 4 4
 * ```
 */
export function utf16Length(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if ((c & 0xc0) !== 0x80) n += c >= 0xf0 ? 2 : 1;
  }
  return n;
}

/**
 * How many times `byte` occurs in `bytes`.
 * @example
 * ```ts
 * console.log(countByte(utf8Bytes('a\nb\n'), 10)); // => 2
 * ```
 */
export function countByte(bytes: Uint8Array, byte: number): number {
  let n = 0;
  let i = bytes.indexOf(byte);
  while (i !== -1) {
    n++;
    i = bytes.indexOf(byte, i + 1);
  }
  return n;
}

/** Exact powers of ten (10^0 to 10^22 are all exactly representable as doubles). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `bytes[a, b)` read as a number when it has the form `-?\d+(\.\d+)?` with at most 15 digits,
 * else `NaN` (the caller falls back to `Number()` on the text): the digits form an integer below
 * 2^53 and the value is that integer divided by an exact power of ten, one correctly rounded
 * division, so exactly the double `Number()` gives (Clinger's fast path). The byte twin of the
 * text reader in `csv/columns.ts` (a hot loop each: one reads `charCodeAt`, this one bytes).
 * @example
 * ```ts
 * const b = utf8Bytes('-12.5,1e3');
 * console.log(decimalFromBytes(b, 0, 5), decimalFromBytes(b, 6, 9)); // => -12.5 NaN
 * ```
 */
export function decimalFromBytes(bytes: Uint8Array, a: number, b: number): number {
  let i = a;
  let neg = false;
  if (bytes[i] === 45) {
    neg = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let c = 0;
  for (; i < b; i++) {
    c = bytes[i]! - 48;
    if (c < 0 || c > 9) break;
    m = m * 10 + c;
    digits++;
  }
  if (digits === 0) return Number.NaN;
  let scale = 0;
  if (i < b) {
    if (c !== -2) return Number.NaN; // '.'
    i++;
    const from = i;
    for (; i < b; i++) {
      c = bytes[i]! - 48;
      if (c < 0 || c > 9) return Number.NaN;
      m = m * 10 + c;
    }
    scale = i - from;
    if (scale === 0) return Number.NaN;
    digits += scale;
  }
  if (digits > 15) return Number.NaN;
  const v = scale === 0 ? m : m / POW10[scale]!;
  return neg ? -v : v;
}

/**
 * Codes of byte strings: an open-addressing hash table over the bytes of each distinct cell, so a
 * cell seen before is found without making a string of it.
 * @example
 * ```ts
 * const dict = new ByteDictionary();
 * const b = utf8Bytes('Minsk,Brest,Minsk');
 * const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
 * dict.add(b, 0, 5, 7);
 * console.log(dict.find(b, view, 12, 17), dict.find(b, view, 6, 11)); // => 7 -1
 * // the key at 12, up to its field's end, from its first four bytes
 * console.log(dict.findStarting(b, view, 12, 17, 44), dict.foundLength); // => 7 5
 * ```
 */
export class ByteDictionary {
  /** Entry + 1 per slot (0: empty); the size is a power of two, at most half full. */
  // small at first: a wide file has a dictionary per column
  private table = new Int32Array(16);
  private arena = new Uint8Array(256);
  private used = 0;
  private start = new Int32Array(8);
  private length = new Int32Array(8);
  private code = new Int32Array(8);
  private count = 0;
  /**
   * Hash every byte (FNV-1a) rather than the length and the first and last two bytes: set for
   * good once a probe sequence gets long (many keys alike at both ends, such as ids).
   */
  private everyByte = false;

  /** The arena as a DataView, to compare keys four bytes at a time. */
  private arenaView = new DataView(this.arena.buffer);
  /**
   * Entries + 1 of keys by their first four bytes (two per slot, see {@link findStarting}); made
   * on the first key of three bytes or more.
   */
  private guessA: Int32Array = NO_GUESSES;
  private guessB: Int32Array = NO_GUESSES;
  /** The length of the key found by the last {@link findStarting}. */
  foundLength = 0;

  /**
   * The code of the key that `bytes` hold from `a` on, when it is followed by the end of its
   * field (`dc`, a line break, or `limit`), found from the four bytes at `a` without looking for
   * the field's end first; −1 when no key is found that way (the field may still be a key: look
   * for its end and {@link find} it). Sets {@link foundLength}. Each slot keeps the first two
   * keys that start with its four bytes (or, for keys of three bytes, the key and the byte that
   * followed it when added), and every key is checked byte by byte, with the byte after it.
   */
  findStarting(bytes: Uint8Array, view: DataView, a: number, limit: number, dc: number): number {
    const guessA = this.guessA;
    if (guessA.length === 0 || a + 4 > bytes.length) return -1;
    const slot = guessSlot(view.getUint32(a, true));
    const e = guessA[slot]!;
    if (e !== 0 && this.startsAt(e - 1, bytes, view, a, limit, dc)) return this.code[e - 1]!;
    const f = this.guessB[slot]!;
    if (f !== 0 && this.startsAt(f - 1, bytes, view, a, limit, dc)) return this.code[f - 1]!;
    return -1;
  }

  /** Whether entry `id`'s key is at `a`, followed by the end of its field; sets foundLength. */
  private startsAt(
    id: number,
    bytes: Uint8Array,
    view: DataView,
    a: number,
    limit: number,
    dc: number,
  ): boolean {
    const n = this.length[id]!;
    const end = a + n;
    if (end > limit) return false;
    if (end < limit) {
      const t = bytes[end]!;
      if (t !== dc && t !== 10 && t !== 13) return false;
    }
    if (!this.same(this.start[id]!, bytes, view, a, n)) return false;
    this.foundLength = n;
    return true;
  }

  /** Keeps entry `id` (its key `bytes[a, b)`) in its {@link findStarting} slot if there is room. */
  private addGuess(id: number, bytes: Uint8Array, a: number, b: number): void {
    const n = b - a;
    // the four bytes a lookup reads: the key's first four, or its three and the byte after it
    if (n < 3 || (n === 3 && b >= bytes.length)) return;
    if (this.guessA.length === 0) {
      this.guessA = new Int32Array(GUESS_SLOTS);
      this.guessB = new Int32Array(GUESS_SLOTS);
    }
    const w = bytes[a]! | (bytes[a + 1]! << 8) | (bytes[a + 2]! << 16) | (bytes[a + 3]! << 24);
    const slot = guessSlot(w >>> 0);
    if (this.guessA[slot] === 0) this.guessA[slot] = id + 1;
    else if (this.guessB[slot] === 0) this.guessB[slot] = id + 1;
  }

  /**
   * The code of `bytes[a, b)`, or −1 when it was never added. `view` is a DataView of `bytes`
   * (made once by the caller for many lookups).
   */
  find(bytes: Uint8Array, view: DataView, a: number, b: number): number {
    const table = this.table;
    const mask = table.length - 1;
    const n = b - a;
    let slot = this.hash(bytes, view, a, b) & mask;
    for (let probes = 0; ; probes++) {
      const e = table[slot]!;
      if (e === 0) {
        if (probes > LONG_PROBE && !this.everyByte) {
          this.everyByte = true;
          this.rehash(table.length);
        }
        return -1;
      }
      const id = e - 1;
      if (this.length[id] === n && this.same(this.start[id]!, bytes, view, a, n))
        return this.code[id]!;
      slot = (slot + 1) & mask;
    }
  }

  /** A hash of `bytes[a, b)`: its ends and length (cheap, enough for labels), or every byte. */
  private hash(bytes: Uint8Array, view: DataView, a: number, b: number): number {
    if (this.everyByte) return hashBytes(bytes, a, b);
    const n = b - a;
    let ends: number;
    if (n >= 4) ends = view.getUint32(a, true) ^ Math.imul(view.getUint32(b - 4, true), 0x27d4eb2f);
    else {
      ends = 0;
      for (let i = a; i < b; i++) ends = (ends << 8) | bytes[i]!;
    }
    const h = Math.imul(ends ^ Math.imul(n, 0x9e3779b1), 0x85ebca6b);
    return (h ^ (h >>> 15)) >>> 0;
  }

  /** Adds `bytes[a, b)` (not yet in the dictionary) with its code. */
  add(bytes: Uint8Array, a: number, b: number, code: number): void {
    const n = b - a;
    if (this.count === this.start.length) {
      this.start = grow(this.start);
      this.length = grow(this.length);
      this.code = grow(this.code);
    }
    if (this.used + n > this.arena.length) {
      const arena = new Uint8Array(Math.max(2 * this.arena.length, this.used + n));
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
      this.arenaView = new DataView(arena.buffer);
    }
    const id = this.count++;
    this.arena.set(bytes.subarray(a, b), this.used);
    this.start[id] = this.used;
    this.length[id] = n;
    this.code[id] = code;
    this.used += n;
    this.addGuess(id, bytes, a, b);
    if (2 * this.count > this.table.length) this.rehash(this.table.length * 2);
    else this.place(id);
  }

  /** Whether the key at `at` in the arena is `bytes[a, a + n)`, compared four bytes at a time. */
  private same(at: number, bytes: Uint8Array, view: DataView, a: number, n: number): boolean {
    if (n < 4) {
      const arena = this.arena;
      for (let k = 0; k < n; k++) if (arena[at + k] !== bytes[a + k]) return false;
      return true;
    }
    const arenaView = this.arenaView;
    // Whole words from the start, then the last four bytes (overlapping the last word).
    for (let k = 0; k + 4 <= n; k += 4) {
      if (arenaView.getUint32(at + k) !== view.getUint32(a + k)) return false;
    }
    return arenaView.getUint32(at + n - 4) === view.getUint32(a + n - 4);
  }

  private place(id: number): void {
    const table = this.table;
    const mask = table.length - 1;
    const at = this.start[id]!;
    let slot = this.hash(this.arena, this.arenaView, at, at + this.length[id]!) & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = id + 1;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    for (let id = 0; id < this.count; id++) this.place(id);
  }
}

/** Slots of {@link ByteDictionary.findStarting} (two keys each): enough for answer labels. */
const GUESS_BITS = 6;
const GUESS_SLOTS = 1 << GUESS_BITS;
/** The guess table of a dictionary without keys of three bytes or more (shared, never written). */
const NO_GUESSES = new Int32Array(0);

/** The slot of four bytes (read little-endian) in the guess table. */
function guessSlot(w: number): number {
  return Math.imul(w, 0x9e3779b1) >>> (32 - GUESS_BITS);
}

/** Probes of a lookup beyond which {@link ByteDictionary} hashes every byte. */
const LONG_PROBE = 16;

/** FNV-1a over `bytes[a, b)`. */
function hashBytes(bytes: Uint8Array, a: number, b: number): number {
  let h = 0x811c9dc5;
  for (let i = a; i < b; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const out = new Int32Array(a.length * 2);
  out.set(a);
  return out;
}
