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
 * // its entry among the guesses (a key found from its first four bytes: csv/fused.ts)
 * const e = guessSlot(view.getInt32(0, true)) * 2 * GUESS_ENTRY;
 * console.log(dict.guesses[e + GUESS_CODE], dict.guesses[e + GUESS_LENGTH]); // => 7 5
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
   * Keys of 3 to 16 bytes by their first four bytes, so that the fused row loop (`csv/fused.ts`)
   * finds a field's key before looking for the field's end: {@link GUESS_SLOTS} slots (by
   * {@link guessSlot} of the first four bytes) of two entries of {@link GUESS_ENTRY} numbers
   * (the first two keys of the slot): the four little-endian Int32 words at offsets 0, 4, 8 and
   * n − 4 of the key (each offset at most n − 4, so all within it; for a key of three bytes, the
   * word of its bytes and the byte that followed it), those offsets, its length n
   * ({@link GUESS_LENGTH}; 0: no entry) and its code ({@link GUESS_CODE}). Made on the first
   * such key (empty till then).
   */
  guesses: Int32Array = NO_GUESSES;

  /** Puts the key `bytes[a, b)` (its code `code`) in its {@link guesses} slot if there is room. */
  private addGuess(bytes: Uint8Array, a: number, b: number, code: number): void {
    const n = b - a;
    // the four bytes a lookup reads first: the key's first four, or its three and the byte
    // after it (the delimiter, as a rule)
    if (n < 3 || n > 16 || (n === 3 && b >= bytes.length)) return;
    if (this.guesses.length === 0) this.guesses = new Int32Array(GUESS_SLOTS * 2 * GUESS_ENTRY);
    const g = this.guesses;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const w0 = view.getInt32(a, true);
    let e = guessSlot(w0) * 2 * GUESS_ENTRY;
    if (g[e + GUESS_LENGTH] !== 0) e += GUESS_ENTRY;
    if (g[e + GUESS_LENGTH] !== 0) return;
    // words at 0, 4, 8 and n − 4, each offset at most n − 4 (all 0 for a key of three bytes)
    const o1 = Math.max(0, Math.min(4, n - 4));
    const o2 = Math.max(0, Math.min(8, n - 4));
    const o3 = Math.max(0, n - 4);
    g[e] = w0;
    g[e + 1] = view.getInt32(a + o1, true);
    g[e + 2] = view.getInt32(a + o2, true);
    g[e + 3] = view.getInt32(a + o3, true);
    g[e + 4] = o1;
    g[e + 5] = o2;
    g[e + 6] = o3;
    g[e + GUESS_LENGTH] = n;
    g[e + GUESS_CODE] = code;
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
    this.addGuess(bytes, a, b, code);
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

/** Slots of {@link ByteDictionary.guesses} (two keys each): enough for answer labels. */
const GUESS_BITS = 6;
export const GUESS_SLOTS = 1 << GUESS_BITS;
/** Numbers per entry of {@link ByteDictionary.guesses}. */
export const GUESS_ENTRY = 9;
/** Where an entry of {@link ByteDictionary.guesses} holds its key's length. */
export const GUESS_LENGTH = 7;
/** Where an entry of {@link ByteDictionary.guesses} holds its key's code. */
export const GUESS_CODE = 8;
/** The guesses of a dictionary without keys of 3 to 16 bytes (shared, never written). */
const NO_GUESSES = new Int32Array(0);

/**
 * The slot of four bytes (read little-endian as an Int32) in {@link ByteDictionary.guesses}.
 * @example
 * ```ts
 * console.log(guessSlot(0x65726741) < GUESS_SLOTS); // => true
 * ```
 */
export function guessSlot(w: number): number {
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
