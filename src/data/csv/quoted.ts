/**
 * Splitting CSV text that holds quote characters into records and fields (RFC 4180 quoting:
 * `"a, b"`, `"say ""hi"""`, line breaks inside quotes), for the CSV loader's quoted route.
 *
 * Written here rather than taken from papaparse, whose parser ends records at one line-break
 * sequence given in advance: in a `\r\n` file a bare `\n` outside quotes would join two records
 * into one cell. Here every line break outside quotes ends a record, whichever it is (`\n`,
 * `\r\n` or `\r`, as R's `read.csv` and the plain route read them), so a file with mixed line
 * breaks reads the same whichever it starts with; and a record knows whether its fields were
 * quoted, so a lone `""` is an empty cell, not a blank line. The errors keep papaparse's names
 * (`MissingQuotes`, `InvalidQuotes`) and its rules: a quote opens a quoted field only as the
 * field's first character; a closing quote may be followed by spaces or tabs, then a delimiter,
 * a line break or the end of the text.
 * @module
 */

/** A quote problem: `index` is the text offset just after the opening quote of its field. */
export interface QuoteProblem {
  code: 'MissingQuotes' | 'InvalidQuotes';
  index: number;
}

/** What {@link splitQuoted} found in a piece of text. */
export interface QuotedRecords {
  /** The fields of each complete record. */
  rows: string[][];
  /** Lines of the file each record spans (1 plus the line breaks inside its quoted fields). */
  lines: number[];
  /** Per record: one unquoted field of white space only (a blank line). */
  blank: boolean[];
  /** Characters of the text the complete records take (the rest starts an unfinished one). */
  consumed: number;
  /**
   * The first quote problem, in the record after the last one in `rows` (unless that record is
   * longer than allowed up to the problem: then `tooLong`).
   */
  problem: QuoteProblem | null;
  /** Set when the record after the last one in `rows` is longer than allowed: its start. */
  tooLong: number;
}

/** Characters after a quote problem's `index` that its message quotes (up to a line break). */
export const SNIPPET_CHARS = 30;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * The records of `text`, which starts at a record boundary. Unless `final`, the record the text
 * ends in (no line break after it yet, or the text ends in a quoted field or just after a `\r`
 * that a `\n` may follow) is left for the next call. Stops at the first quote problem, and at a
 * record longer than `maxRecord` characters (setting `tooLong`), with the records before them.
 *
 * @example
 * ```ts
 * const r = splitQuoted('a,"b\r\nc"\r\n"",x\n"y', ',', false);
 * console.log(r.rows, r.lines, r.consumed); // => [ [ 'a', 'b\r\nc' ], [ '', 'x' ] ] [ 2, 1 ] 15
 * ```
 */
export function splitQuoted(
  text: string,
  delimiter: string,
  final: boolean,
  maxRecord = Number.POSITIVE_INFINITY,
): QuotedRecords {
  const n = text.length;
  const dc = delimiter.charCodeAt(0);
  const dl = delimiter.length;
  const out: QuotedRecords = {
    rows: [],
    lines: [],
    blank: [],
    consumed: 0,
    problem: null,
    tooLong: -1,
  };
  // the unfinished record's length leaves out a last `\r` (the line break that may end it)
  const open = n - (text.charCodeAt(n - 1) === CR ? 1 : 0);
  const isDelimiter = (i: number): boolean =>
    text.charCodeAt(i) === dc && (dl === 1 || text.startsWith(delimiter, i));
  let pos = 0;
  while (pos < n) {
    const start = pos;
    const row: string[] = [];
    let lines = 1;
    let quoted = false;
    /** Where the record ends (after its line break), or -1 while unfinished. */
    let next = -1;
    for (;;) {
      if (text.charCodeAt(pos) === QUOTE) {
        quoted = true;
        const from = pos + 1;
        let q = from;
        let close = -1;
        for (;;) {
          const k = text.indexOf('"', q);
          if (k === -1 || (k === n - 1 && !final)) break;
          if (text.charCodeAt(k + 1) === QUOTE) {
            q = k + 2;
            continue;
          }
          close = k;
          break;
        }
        if (close === -1) {
          if (final) return failed(out, 'MissingQuotes', from, start, n, maxRecord);
          return unfinished(out, start, open, maxRecord);
        }
        const raw = text.slice(from, close);
        lines += lineBreaks(raw);
        // `q` passed a doubled quote only if there is one to undo
        const value = q > from ? raw.replaceAll('""', '"') : raw;
        let j = close + 1;
        // spaces or tabs after a closing quote are let through (unless one is the delimiter)
        while (
          j < n &&
          (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9) &&
          !isDelimiter(j)
        ) {
          j++;
        }
        if (j === n) {
          if (!final) return unfinished(out, start, open, maxRecord);
          row.push(value);
          next = n;
          break;
        }
        const c = text.charCodeAt(j);
        if (isDelimiter(j)) {
          row.push(value);
          pos = j + dl;
          continue;
        }
        if (c === LF || c === CR) {
          if (c === CR && j + 1 === n && !final) return unfinished(out, start, open, maxRecord);
          row.push(value);
          next = j + (c === CR && text.charCodeAt(j + 1) === LF ? 2 : 1);
          break;
        }
        // (reported once the text its message quotes is there, whatever the cut of the text)
        const shown = text.slice(from, from + SNIPPET_CHARS);
        if (!final && shown.length < SNIPPET_CHARS && !/[\r\n]/.test(shown)) {
          return unfinished(out, start, open, maxRecord);
        }
        return failed(out, 'InvalidQuotes', from, start, j + 1, maxRecord);
      }
      // an unquoted field: up to the next delimiter or line break
      let i = pos;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === LF || c === CR || isDelimiter(i)) break;
      }
      if (i === n) {
        if (!final) return unfinished(out, start, open, maxRecord);
        row.push(text.slice(pos, n));
        next = n;
        break;
      }
      row.push(text.slice(pos, i));
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) {
        pos = i + dl;
        continue;
      }
      if (c === CR && i + 1 === n && !final) return unfinished(out, start, open, maxRecord);
      next = i + (c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1);
      break;
    }
    if (next - start > maxRecord) {
      out.tooLong = start;
      return out;
    }
    out.rows.push(row);
    out.lines.push(lines);
    out.blank.push(!quoted && row.length === 1 && isBlankText(row[0]!));
    pos = next;
    out.consumed = next;
  }
  return out;
}

/** The result so far, the record from `start` left unfinished (or too long already). */
function unfinished(
  out: QuotedRecords,
  start: number,
  n: number,
  maxRecord: number,
): QuotedRecords {
  if (n - start > maxRecord) out.tooLong = start;
  return out;
}

/**
 * The result so far and the quote problem of the record from `start`, found at `seen` (the text
 * read up to it); a record already longer than `maxRecord` there is too long instead, as it is
 * when the text comes in pieces and the unfinished record passes the limit first.
 */
function failed(
  out: QuotedRecords,
  code: QuoteProblem['code'],
  index: number,
  start: number,
  seen: number,
  maxRecord: number,
): QuotedRecords {
  if (seen - start > maxRecord) out.tooLong = start;
  else out.problem = { code, index };
  return out;
}

function isBlankText(s: string): boolean {
  return s === '' || s.trim() === '';
}

/**
 * The line breaks in `text`: each `\n`, `\r\n` or `\r` counts once.
 * @example
 * ```ts
 * console.log(lineBreaks('a\r\nb\nc\rd\r'), lineBreaks('')); // => 4 0
 * ```
 */
export function lineBreaks(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}
