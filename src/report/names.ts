/**
 * Names of a report's files made from ids in the data and the questionnaire (a question's id, an
 * item's column): ONE sanitiser, {@link fileStem}, turns any id into a plain file name (letters,
 * digits and `-` only: never a separator, `.` or `..`), and {@link UniqueNames} keeps the names
 * of one folder apart (ignoring case, as some file systems do).
 * @module
 */

/** Names that Windows reserves for devices, whatever their extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/;

/** Longest stem kept (a file system's name limit is 255 bytes; extensions and suffixes follow). */
const MAX_STEM = 80;

/**
 * The file-name stem of an id: lower case, every run of characters other than letters and
 * digits (any script) a single `-`, no `-` at either end, at most 80 characters; `'x'` when
 * nothing is left. The result never contains a path separator or a dot, so no id can name a file
 * outside the report's folder.
 * @example
 * ```ts
 * console.log(fileStem('eeu_kz_coop'), fileStem('x/../../escaped'), fileStem('Вопрос 1'), fileStem('..')); // => eeu-kz-coop x-escaped вопрос-1 x
 * ```
 */
export function fileStem(id: string): string {
  const stem = id
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .slice(0, MAX_STEM)
    .replace(/^-+|-+$/g, '');
  if (stem === '') return 'x';
  return RESERVED.test(stem) ? `${stem}-x` : stem;
}

/**
 * The file name of a path, without its folders (reader-facing text names no folders of the
 * machine or repository that made it).
 * @example
 * ```ts
 * console.log(fileName('data/belarus-2021-12.csv'), fileName('C:\\polls\\x.sav'), fileName('plain.csv')); // => belarus-2021-12.csv x.sav plain.csv
 * ```
 */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** Names of one folder (or one page's anchors), kept distinct ignoring case. */
export class UniqueNames {
  readonly #used = new Set<string>();

  /** `name`, or `name-2`, `name-3`, … when it (ignoring case) is taken already. */
  take(name: string): string {
    let out = name;
    for (let k = 2; this.#used.has(out.toLowerCase()); k++) out = `${name}-${k}`;
    this.#used.add(out.toLowerCase());
    return out;
  }
}
