/**
 * The push-based CSV loader behind {@link parseCsv} and {@link readCsv}: text arrives in chunks of
 * any size, complete records are split into fields, and columns grow chunk by chunk, so memory is
 * bounded by the columns being built plus one chunk of text, never the whole file. Text with a
 * quote character goes through papaparse's core parser; text without one (the common case) is
 * split by a scan that records field offsets instead of cutting a string per cell, with the same
 * result (papaparse itself splits quote-free text at line breaks and delimiters).
 *
 * A UTF-8 file arrives as bytes ({@link CsvLoader.pushUtf8}): while it has no quote character
 * and its delimiter is one ASCII character, it is split and read as bytes (the *byte route*: no
 * decoding, no string per cell — a cell's code is found from its bytes, numbers are read from
 * them), which is about twice as fast; from the first quote on, the rest goes the text route.
 * On the byte route, data records go through the fused row loop of `csv/fused.ts` (one pass
 * over a record's bytes, each cell converted as it is scanned) as long as it takes them.
 * Both routes give the same frame and the same errors (`test/data/csv/bytes.test.ts`).
 *
 * Structural errors (quotes, ragged rows, header) are thrown as soon as their record is parsed, in
 * file order; cell errors (`NOT_A_NUMBER`, `CODEBOOK_VIOLATION`) after the whole input is read, so
 * that all of them can be counted. The result does not depend on how the text was cut into chunks.
 * @module
 */
import Papa from 'papaparse';
import { CodebookError, DataFormatError, type ErrorDetails } from '../../errors.js';
import { nodeBuiltin } from '../../platform/node.js';
import { type Codebook, type CodebookVariable, emptyCodebook, parseCodebook } from '../codebook.js';
import type { Column, LoadReport, MissingCount, SurveyData } from '../types.js';
import { isBlankBytes, utf8Bytes, utf8Text, utf16Length, wholeCharacters } from './bytes.js';
import { variableRules } from './codebook-check.js';
import {
  type BuiltColumn,
  type CellProblem,
  ColumnBuilder,
  type ColumnSpec,
  type ProblemCode,
} from './columns.js';
import { makeLanes, readRows } from './fused.js';
import { type NaTexts, naTexts } from './infer.js';
import {
  type CsvOptions,
  DEFAULT_MAX_COLUMNS,
  DEFAULT_MAX_RECORD_LENGTH,
  DEFAULT_NA,
  MAX_RECORD_LENGTH,
} from './options.js';
import { lineBreaks, type QuoteProblem, SNIPPET_CHARS, splitQuoted } from './quoted.js';

/** Delimiters tried when none is given. */
export const DELIMITERS_TO_GUESS = [',', ';', '\t', '|'];
/** Characters of text used to guess the delimiter and line break (always the first ones). */
const SAMPLE_CHARS = 1 << 16;
/**
 * Records of quote-free text handed to the columns at once (a batch stays in the CPU cache while
 * each column reads its cells).
 */
const PLAIN_BATCH_ROWS = 512;
/** Records the fused row loop reads between updates of the columns' row counts. */
const FUSED_ROWS = 2048;
/** Fewer records than this read by the fused loop before it gave up make a short run. */
const FUSED_SHORT_RUN = 64;
/** Longer pushed text is parsed in pieces of this many characters (they stay in the CPU cache). */
const MAX_PIECE_CHARS = 1 << 16;
/** Least text parsed at once. */
const MIN_PARSE_CHARS = 1 << 15;
/**
 * The longest text a parse joins (the unfinished record and the text after it): under the
 * 2^29 − 24 characters a JavaScript string holds in V8.
 */
const JOINED_CHARS = 2 ** 29 - 2 ** 17;
/** Field offsets one batch of quote-free records may take (2 per field), 4 MiB. */
const SPAN_BUDGET = 1 << 20;
const LF = 10;
const CR = 13;
/** Cell problems listed in an error message (all of them, up to `maxErrors`, are in `details`). */
export const MESSAGE_PROBLEMS = 20;

/** One cell that disagrees with the codebook, as listed in `details.violations`. */
export interface CodebookViolation {
  /** 1-based data row (the header is not counted). */
  row: number;
  /** 1-based line of the file where the row starts (the header is line 1 unless it spans lines). */
  line: number;
  /** The column (codebook variable). */
  column: string;
  /** The cell as written in the file. */
  value: string;
  /** What is wrong with it, e.g. `not a code or label of "sex" (codes: 1, 2)`. */
  reason: string;
}

/** What a load pass produced. */
export interface LoadPass {
  data: SurveyData;
  /** Inferred columns to read again as categorical (see `csv/columns.ts`). */
  reread: string[];
}

/** Options of a load pass beyond {@link CsvOptions}. */
export interface PassOptions {
  /** Read only these columns, as categorical (second read); all checks still run. */
  only?: ReadonlySet<string>;
  /**
   * Size of the whole input in bytes, when known (a file): the columns are then sized once for
   * the rows it will hold, estimated from the first megabytes, instead of growing by doubling.
   */
  expectedBytes?: number;
  /**
   * Characters of text the delimiter and line break are guessed from (default 64 Ki). Tests set
   * it low to reach the byte route ({@link CsvLoader.pushUtf8}) with small inputs.
   */
  sampleChars?: number;
}

type Row = string[];

/**
 * Loads CSV text pushed in chunks. `push()` any number of strings, then `end()`.
 *
 * @example
 * ```ts
 * const loader = new CsvLoader({ source: 'poll.csv' });
 * loader.push('sex,age\n1,3');
 * loader.push('4\n2,51\n');
 * const { data } = loader.end();
 * console.log(data.nrow, data.columns.age); // => 2 { kind: 'numeric', name: 'age', values: Float64Array(2) [ 34, 51 ] }
 * ```
 */
export class CsvLoader {
  readonly source: string;
  private readonly maxErrors: number;
  private readonly maxColumns: number;
  private readonly maxRecord: number;
  private readonly codebook: Codebook | undefined;
  /** The `types` option (its own entries only). */
  private readonly types: ReadonlyMap<string, 'numeric' | 'categorical'>;
  private readonly na: NaTexts;
  /** The `levels` option, checked. */
  private readonly levels: ReadonlyMap<string, readonly string[]>;
  private delimiter: string | undefined;
  private detected = false;
  private started = false;
  private pending: string[] = [];
  private pendingLen = 0;
  /** Text of the record left unfinished by the last parse (it starts at a record boundary). */
  private partial = '';
  /**
   * Bytes of the record left unfinished by the last UTF-8 piece ({@link pushUtf8}), as copied
   * pieces (joined only once the record's end arrives, so a long record costs one copy); when
   * not empty, `pending` and `partial` are. No line break in them but maybe a last `\r`.
   */
  private carry: Uint8Array[] = [];
  private carryBytes = 0;
  /** UTF-16 length of the text of {@link carry}. */
  private carryChars = 0;
  /** Text seen so far had a quote character: everything goes the text route from then on. */
  private quoted = false;
  /** Bytes received by {@link pushUtf8}. */
  private bytesIn = 0;
  /** Whether the columns were sized for the expected rows. */
  private reserved = false;
  private ended = false;

  private names: string[] | null = null;
  private builders: ColumnBuilder[] = [];
  /** 1-based line where the next record starts. */
  private line = 1;
  private firstDataLine = 2;
  private nrow = 0;
  /** Data rows where the line offset changes: line = firstDataLine + row + extra. */
  private readonly bpRow: number[] = [];
  private readonly bpExtra: number[] = [];
  private extra = 0;
  private pendingEmpty: number[] = [];
  private readonly rejected: Array<{ row: number; reason: string }> = [];
  /**
   * Field offsets of a batch of records of quote-free text, column by column: field `j` of record
   * `r` is `text.slice(spans[2 * (j * batch + r)], spans[2 * (j * batch + r) + 1])`.
   */
  private spans: Int32Array = new Int32Array(0);
  /** Records per batch of quote-free text: {@link PLAIN_BATCH_ROWS}, fewer for wide files. */
  private batch = PLAIN_BATCH_ROWS;

  constructor(
    opts: CsvOptions = {},
    private readonly pass: PassOptions = {},
  ) {
    this.source = opts.source ?? '<text>';
    this.maxErrors = positiveInteger('maxErrors', opts.maxErrors, 100);
    this.maxColumns = positiveInteger('maxColumns', opts.maxColumns, DEFAULT_MAX_COLUMNS);
    this.maxRecord = positiveInteger(
      'maxRecordLength',
      opts.maxRecordLength,
      DEFAULT_MAX_RECORD_LENGTH,
      MAX_RECORD_LENGTH,
    );
    if (opts.delimiter !== undefined) {
      const d = opts.delimiter;
      if (typeof d !== 'string' || d === '' || /[\r\n"\uFEFF]/.test(d)) {
        throw new DataFormatError(
          'INVALID_OPTION',
          `delimiter must be a non-empty string without quotes or line breaks, got ${JSON.stringify(d)}`,
          { option: 'delimiter', value: d },
        );
      }
      this.delimiter = d;
    }
    const types = new Map<string, 'numeric' | 'categorical'>();
    for (const [name, t] of Object.entries(opts.types ?? {})) {
      if (t !== 'numeric' && t !== 'categorical') {
        throw new DataFormatError(
          'INVALID_OPTION',
          `types.${name} must be 'numeric' or 'categorical', got ${JSON.stringify(t)}`,
          { option: 'types', column: name, value: t },
        );
      }
      types.set(name, t);
    }
    this.types = types;
    this.na = naTexts(checkNa(opts.na));
    this.levels = checkLevels(opts.levels, this.types);
    this.codebook = opts.codebook ? parseCodebook(opts.codebook, 'codebook') : undefined;
  }

  /** Adds the next piece of text. */
  push(text: string): void {
    if (this.ended) {
      throw new DataFormatError('INTERNAL_ERROR', 'CsvLoader: push() after end()', {
        file: this.source,
      });
    }
    if (text === '') return;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length > MAX_PIECE_CHARS) {
      for (let i = 0; i < text.length; i += MAX_PIECE_CHARS) {
        this.push(text.slice(i, i + MAX_PIECE_CHARS));
      }
      return;
    }
    this.pending.push(text);
    this.pendingLen += text.length;
    if (!this.detected) {
      if (this.pendingLen < (this.pass.sampleChars ?? SAMPLE_CHARS)) return;
      this.detect();
    }
    // The unfinished record is parsed again with the new text: waiting until there is as much
    // new text as it holds keeps the work linear in the length of a long record (and the joined
    // text within JavaScript's string length, for records up to MAX_RECORD_LENGTH).
    const p = this.partial.length;
    if (this.pendingLen >= Math.max(MIN_PARSE_CHARS, Math.min(p, JOINED_CHARS - p))) {
      this.parse(false);
    }
  }

  /**
   * Adds the next piece of a UTF-8 file as bytes (valid UTF-8, cut at character boundaries; see
   * `streamFileText`). Same result as pushing its text: quote-free text with a one-byte
   * delimiter is split and read as bytes (no string per cell); anything else, and everything
   * after the first quote character, goes the text route.
   */
  pushUtf8(bytes: Uint8Array): void {
    if (this.ended) {
      throw new DataFormatError('INTERNAL_ERROR', 'CsvLoader: push() after end()', {
        file: this.source,
      });
    }
    if (bytes.length === 0) return;
    this.bytesIn += bytes.length;
    if (!this.started) bytes = this.detectFromBytes(bytes);
    const d = this.delimiter ?? '';
    const byteRoute = this.detected && !this.quoted && d.length === 1 && d.charCodeAt(0) < 128;
    if (!byteRoute || hasQuote(bytes)) {
      if (this.carryBytes > 0) this.partial = utf8Text(this.takeCarry());
      this.push(utf8Text(bytes));
      return;
    }
    if (this.pending.length > 0) this.parse(false);
    if (this.quoted) {
      this.push(utf8Text(bytes));
      return;
    }
    if (this.partial !== '') {
      const head = utf8Bytes(this.partial);
      this.partial = '';
      this.addCarry(head);
    }
    this.parseBytes(bytes, false);
    this.reserveRows();
  }

  /**
   * Sizes the columns for the rows of the whole input, estimated from the rows per byte so far
   * (2% over; a column still grows if more come).
   */
  private reserveRows(): void {
    const expected = this.pass.expectedBytes;
    if (this.reserved || expected === undefined || this.nrow < 1024) return;
    this.reserved = true;
    const rows = Math.ceil(((this.nrow * expected) / this.bytesIn) * 1.02) + 1024;
    for (const b of this.builders) b.reserve(rows);
  }

  /**
   * Handles every complete record pushed so far (what would otherwise wait for more text), as
   * `streamFileText` asks before it reports bad bytes: a structural error in a record before
   * them is then thrown first, whatever the size of the pieces the file was read in.
   */
  flush(): void {
    if (this.ended) return;
    if (!this.detected) this.detect();
    this.parse(false);
  }

  /** Ends the input and returns the frame. */
  end(): LoadPass {
    if (this.ended) {
      throw new DataFormatError('INTERNAL_ERROR', 'CsvLoader: end() twice', { file: this.source });
    }
    this.ended = true;
    if (!this.detected) this.detect();
    if (this.carryBytes > 0) {
      const rest = this.takeCarry();
      this.parsePlainBytes(rest, rest.length);
    }
    this.parse(true);
    if (this.names === null) {
      throw new DataFormatError(
        'EMPTY_FILE',
        `${this.source}: the file is empty (no header line)`,
        {
          file: this.source,
        },
      );
    }
    // Empty lines after the last data row are trailing blank lines: ignored.
    this.pendingEmpty = [];
    return this.finish();
  }

  /**
   * The 1-based line number reached by the text pushed so far (for errors found outside the
   * parser, such as invalid bytes).
   */
  lineReached(): number {
    const carry = this.carryBytes > 0 ? utf8Text(joinBytes(this.carry, this.carryBytes)) : '';
    return this.line + lineBreaks(this.partial + this.pending.join('') + carry);
  }

  /**
   * The first UTF-8 piece: when it holds the whole sample the format is guessed from (its first
   * characters, as the text route would take them), the guess is made from those bytes' text
   * alone, so that the piece itself can go the byte route. Returns the piece without a byte
   * order mark.
   */
  private detectFromBytes(bytes: Uint8Array): Uint8Array {
    this.started = true;
    const piece =
      bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    const want = this.pass.sampleChars ?? SAMPLE_CHARS;
    // `want` characters take at most 4·want bytes.
    const text = utf8Text(piece, 0, wholeCharacters(piece, Math.min(piece.length, 4 * want)));
    if (text.length >= want) this.detect(text.slice(0, want));
    return piece;
  }

  private detect(given?: string): void {
    this.detected = true;
    if (this.pending.length > 1) this.pending = [this.pending.join('')];
    if (this.delimiter !== undefined) return;
    const sample = given ?? (this.pending[0] ?? '').slice(0, this.pass.sampleChars ?? SAMPLE_CHARS);
    if (sample === '') return;
    const guess = Papa.parse<string[]>(sample, {
      delimitersToGuess: DELIMITERS_TO_GUESS,
      preview: 10,
      // blank lines (such as the one after the final line break) would lower papaparse's average
      // field count below its threshold of 2 in short files
      skipEmptyLines: true,
    });
    this.delimiter = guess.meta.delimiter || ',';
  }

  private parse(final: boolean): void {
    const text =
      this.partial + (this.pending.length === 1 ? this.pending[0]! : this.pending.join(''));
    this.pending = [];
    this.pendingLen = 0;
    this.partial = '';
    if (text === '') return;
    if (text.indexOf('"') === -1) {
      this.parsePlain(text, final);
      return;
    }
    this.quoted = true;
    const res = splitQuoted(text, this.delimiter ?? ',', final, this.maxRecord);
    if (!final) this.partial = text.slice(res.consumed);
    const kept: Row[] = [];
    for (let k = 0; k < res.rows.length; k++) {
      const row = res.rows[k]!;
      const startLine = this.line;
      this.line += res.lines[k]!;
      if (res.blank[k]) {
        if (this.names === null) this.rejected.push({ row: startLine, reason: 'empty line' });
        else this.pendingEmpty.push(startLine);
        continue;
      }
      if (this.names === null) {
        this.setHeader(row, startLine);
        continue;
      }
      if (row.length !== this.names.length) this.throwRagged(row, startLine);
      this.dataRecord(startLine);
      kept.push(row);
    }
    if (kept.length > 0) {
      const builders = this.builders;
      for (let j = 0; j < builders.length; j++) builders[j]!.push(kept, j);
    }
    // the record after those handled: a quote problem, or longer than allowed
    if (res.problem) this.throwQuote(res.problem, this.line, text);
    if (res.tooLong >= 0) this.throwTooLong();
  }

  /**
   * Text without any quote character: records are the pieces between line breaks (`\n`, `\r\n`
   * or `\r`) and fields the pieces between delimiters, found as offsets into `text` so that
   * cells are never cut into strings unless a column needs them. Unless `final`, the text after
   * the last line break (and a last `\r`, which a `\n` may follow) waits for more.
   */
  private parsePlain(text: string, final: boolean): void {
    let stop: number;
    if (final) stop = text.length;
    else {
      // the last line break, not counting a `\r` at the very end
      const end = text.charCodeAt(text.length - 1) === CR ? text.length - 1 : text.length;
      const lf = text.lastIndexOf('\n', end - 1);
      const crAfter = text.slice(lf + 1, end).lastIndexOf('\r');
      const cr = crAfter === -1 ? -1 : lf + 1 + crAfter;
      if (cr > lf) stop = cr;
      else if (lf >= 0) stop = lf > 0 && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
      else {
        this.partial = text;
        if (unfinishedLength(text) > this.maxRecord) this.throwTooLong();
        return;
      }
      this.partial = text.slice(Math.max(cr, lf) + 1);
    }
    const d = this.delimiter ?? ',';
    const fields = (from: number, to: number) => text.slice(from, to).split(d);
    const dl = d.length;
    const dc = d.charCodeAt(0);
    let ncol = this.names === null ? 0 : this.names.length;
    let colStride = 2 * this.batch;
    let spans = this.spansFor(ncol);
    let nrows = 0;
    /** Multi-character delimiter: its next occurrence at or after the current field. */
    let nextD = -1;
    // The next \n and \r at or after the current record (text.length when none), found by the
    // native indexOf and kept until passed: a file of one kind of line break looks for the other
    // once per piece, not once per record.
    let nextLf = -1;
    let nextCr = -1;
    let start = 0;
    for (;;) {
      // fields of the record [start, e), which ends at a line break or at `stop`
      if (nextLf < start) {
        nextLf = text.indexOf('\n', start);
        if (nextLf === -1) nextLf = text.length;
      }
      if (nextCr < start) {
        nextCr = text.indexOf('\r', start);
        if (nextCr === -1) nextCr = text.length;
      }
      const e = Math.min(nextLf, nextCr, stop);
      let k = 0;
      let f = start;
      const base = 2 * nrows;
      if (dl === 1) {
        for (let i = start; i < e; i++) {
          if (text.charCodeAt(i) !== dc) continue;
          if (k < ncol) {
            spans[base + k * colStride] = f;
            spans[base + k * colStride + 1] = i;
          }
          k++;
          f = i + 1;
        }
        if (k < ncol) {
          spans[base + k * colStride] = f;
          spans[base + k * colStride + 1] = e;
        }
        k++;
      } else {
        for (;;) {
          if (nextD < f) {
            nextD = text.indexOf(d, f);
            if (nextD === -1) nextD = text.length;
          }
          const q = Math.min(nextD, e);
          if (k < ncol) {
            spans[base + k * colStride] = f;
            spans[base + k * colStride + 1] = q;
          }
          k++;
          if (q === e) break;
          f = q + dl;
        }
      }
      if (e - start > this.maxRecord) this.throwTooLong();
      const startLine = this.line;
      this.line++;
      const blank = k === 1 && isBlankSpan(text, start, e);
      if (this.plainRecord(k, blank, startLine, fields, start, e)) {
        nrows++;
        if (nrows === this.batch) {
          this.pushSpans(text, spans, nrows);
          nrows = 0;
        }
      } else if (ncol !== (this.names?.length ?? 0)) {
        ncol = this.names!.length;
        spans = this.spansFor(ncol);
        colStride = 2 * this.batch;
      }
      if (e >= stop) break;
      start = e + (text.charCodeAt(e) === CR && text.charCodeAt(e + 1) === LF ? 2 : 1);
    }
    this.pushSpans(text, spans, nrows);
    // the unfinished record (its line is the one reached)
    if (unfinishedLength(this.partial) > this.maxRecord) this.throwTooLong();
  }

  /**
   * The book-keeping of a record of quote-free text with `k` fields (`blank`: one field of white
   * space only): an empty line is noted, the first record is the header, a record with another
   * number of fields than the header is an error. Returns whether it is a data row (counted).
   */
  private plainRecord(
    k: number,
    blank: boolean,
    startLine: number,
    fields: (from: number, to: number) => string[],
    from: number,
    to: number,
  ): boolean {
    if (blank) {
      if (this.names === null) this.rejected.push({ row: startLine, reason: 'empty line' });
      else this.pendingEmpty.push(startLine);
      return false;
    }
    if (this.names === null) {
      if (k > this.maxColumns) this.throwTooManyColumns(k, startLine);
      this.setHeader(fields(from, to), startLine);
      return false;
    }
    if (k !== this.names.length) this.throwRagged(fields(from, to), startLine);
    this.dataRecord(startLine);
    return true;
  }

  /** Counts a data row starting on `startLine` (after the blank lines before it, now rejected). */
  private dataRecord(startLine: number): void {
    if (this.pendingEmpty.length > 0) {
      for (const l of this.pendingEmpty) this.rejected.push({ row: l, reason: 'empty line' });
      this.pendingEmpty = [];
    }
    const expected = this.firstDataLine + this.nrow + this.extra;
    if (startLine !== expected) {
      this.extra = startLine - this.firstDataLine - this.nrow;
      this.bpRow.push(this.nrow);
      this.bpExtra.push(this.extra);
    }
    this.nrow++;
  }

  /**
   * The span buffer, large enough for a batch of `ncol` columns; wide files take fewer records
   * per batch, so that the buffer stays within {@link SPAN_BUDGET}.
   */
  private spansFor(ncol: number): Int32Array {
    this.batch = Math.max(
      1,
      Math.min(PLAIN_BATCH_ROWS, Math.floor(SPAN_BUDGET / Math.max(1, 2 * ncol))),
    );
    const need = ncol * 2 * this.batch;
    if (this.spans.length < need) this.spans = new Int32Array(need);
    return this.spans;
  }

  /** Appends a copied piece to the unfinished record's bytes. */
  private addCarry(piece: Uint8Array): void {
    this.carry.push(piece);
    this.carryBytes += piece.length;
    this.carryChars += utf16Length(piece);
    // (less a last `\r`, the line break that may end it)
    if (this.carryChars - (piece[piece.length - 1] === CR ? 1 : 0) > this.maxRecord) {
      this.throwTooLong();
    }
  }

  /** The unfinished record's bytes, joined, and the carry emptied. */
  private takeCarry(): Uint8Array {
    const bytes = joinBytes(this.carry, this.carryBytes);
    this.carry = [];
    this.carryBytes = 0;
    this.carryChars = 0;
    return bytes;
  }

  /**
   * UTF-8 bytes of quote-free text: the record left unfinished by the previous piece is completed
   * with the head of these bytes, then the rest is split in place. Linear in the length of a
   * record that spans many pieces: its pieces are joined once, when its end arrives.
   */
  private parseBytes(bytes: Uint8Array, final: boolean): void {
    let from = 0;
    if (this.carryBytes > 0) {
      const last = this.carry[this.carry.length - 1]!;
      const end = firstRecordEnd(last[last.length - 1]!, bytes);
      if (end === -1) {
        this.addCarry(bytes.slice());
        if (final) {
          const rest = this.takeCarry();
          this.parsePlainBytes(rest, rest.length);
        }
        return;
      }
      // the rest of the record with its line break (its length is checked without it)
      this.carry.push(bytes.slice(0, end));
      this.carryBytes += end;
      const head = this.takeCarry();
      this.parsePlainBytes(head, lastBreak(head, true)[0]);
      from = end;
    }
    const rest = from === 0 ? bytes : bytes.subarray(from);
    if (final) {
      this.parsePlainBytes(rest, rest.length);
      return;
    }
    const [stop, after] = lastBreak(rest, false);
    if (stop === -1) {
      this.addCarry(rest.slice());
      return;
    }
    // the records first: an error in one of them comes before the unfinished record's
    this.parsePlainBytes(rest, stop);
    if (after < rest.length) this.addCarry(rest.slice(after));
  }

  /**
   * {@link parsePlain} on UTF-8 bytes `[0, stop)` (the delimiter is one ASCII byte): records end
   * at the line breaks (the last one at `stop`), fields at the delimiter bytes (a byte below 128
   * is never part of a longer character). Data records go through the fused row loop
   * (`csv/fused.ts`: one pass, cells converted as they are scanned) as long as it takes them;
   * a record it gives up on, and the header, blank lines and the records after them, are split
   * into field offsets and handed to the columns ({@link plainBytesRecords}).
   */
  private parsePlainBytes(bytes: Uint8Array, stop: number): void {
    let start = 0;
    for (;;) {
      let run = 0;
      if (this.fusable()) {
        const next = this.fusedRows(bytes, start, stop);
        if (next === -1) return;
        run = next.rows;
        start = next.at;
      }
      // After a short run of the fused loop (a file whose records it often gives up on, such
      // as one with a column of ids read as text), a whole batch the general way, so that
      // each give-up costs at most one record in a batch; after a long one, the one record.
      const next = this.plainBytesRecords(
        bytes,
        start,
        stop,
        run < FUSED_SHORT_RUN ? this.batch : 1,
      );
      if (next === -1) return;
      start = next;
    }
  }

  /**
   * Whether the fused row loop may read the next records: the header is read and the next record
   * is on the line its row number says (no blank lines waiting to be listed). Not in a file of
   * one column, where a blank cell is a blank line.
   */
  private fusable(): boolean {
    return (
      this.names !== null &&
      this.names.length > 1 &&
      this.pendingEmpty.length === 0 &&
      this.line === this.firstDataLine + this.nrow + this.extra
    );
  }

  /**
   * Data records of `bytes[start, stop)` through the fused row loop, {@link FUSED_ROWS} at a
   * time, until it gives up on one or the bytes end. Returns −1 when they ended, else the rows
   * read and where the record given up on starts.
   */
  private fusedRows(
    bytes: Uint8Array,
    start: number,
    stop: number,
  ): { rows: number; at: number } | -1 {
    const builders = this.builders;
    const dc = this.delimiter!.charCodeAt(0);
    let at = start;
    let rows = 0;
    for (;;) {
      const lanes = makeLanes(builders.map((b) => b.lane(FUSED_ROWS)));
      const next = readRows(bytes, at, stop, dc, lanes, this.nrow, FUSED_ROWS, this.maxRecord);
      const done = lanes.rows;
      for (let j = 0; j < builders.length; j++) builders[j]!.advance(done, lanes.empty[j]!);
      this.nrow += done;
      this.line += done;
      rows += done;
      if (next === -1) return -1;
      at = next;
      if (done < FUSED_ROWS) return { rows, at };
    }
  }

  /**
   * Records of `bytes[start, stop)` split into field offsets and handed to the columns, at
   * least `minRecords` of them (all when fewer), ending at a record boundary. Returns where the
   * next record starts, or −1 when the record ending at `stop` was read.
   */
  private plainBytesRecords(
    bytes: Uint8Array,
    from: number,
    stop: number,
    minRecords: number,
  ): number {
    const d = this.delimiter!;
    const dc = d.charCodeAt(0);
    const fields = (from: number, to: number) => utf8Text(bytes, from, to).split(d);
    // Bytes above this are neither the delimiter nor a line break: one comparison skips them.
    const plainAbove = Math.max(dc, CR);
    let ncol = this.names === null ? 0 : this.names.length;
    let colStride = 2 * this.batch;
    let spans = this.spansFor(ncol);
    let nrows = 0;
    let start = from;
    let records = 0;
    let next = -1;
    for (;;) {
      // One scan for the record's fields and its end.
      let k = 0;
      let f = start;
      let e = stop;
      const base = 2 * nrows;
      for (let i = start; i < stop; i++) {
        const c = bytes[i]!;
        if (c > plainAbove) continue;
        if (c === dc) {
          if (k < ncol) {
            spans[base + k * colStride] = f;
            spans[base + k * colStride + 1] = i;
          }
          k++;
          f = i + 1;
        } else if (c === LF || c === CR) {
          e = i;
          break;
        }
      }
      if (k < ncol) {
        spans[base + k * colStride] = f;
        spans[base + k * colStride + 1] = e;
      }
      k++;
      if (e - start > this.maxRecord && utf16Length(bytes.subarray(start, e)) > this.maxRecord) {
        this.throwTooLong();
      }
      const startLine = this.line;
      this.line++;
      records++;
      const blank = k === 1 && isBlankBytes(bytes, start, e);
      if (this.plainRecord(k, blank, startLine, fields, start, e)) {
        nrows++;
        if (nrows === this.batch) {
          this.pushByteSpans(bytes, spans, nrows);
          nrows = 0;
        }
      } else if (ncol !== (this.names?.length ?? 0)) {
        ncol = this.names!.length;
        spans = this.spansFor(ncol);
        colStride = 2 * this.batch;
      }
      if (e >= stop) break;
      start = e + (bytes[e] === CR && bytes[e + 1] === LF ? 2 : 1);
      if (records >= minRecords) {
        next = start;
        break;
      }
    }
    this.pushByteSpans(bytes, spans, nrows);
    return next;
  }

  private pushByteSpans(bytes: Uint8Array, spans: Int32Array, nrows: number): void {
    if (nrows === 0) return;
    const builders = this.builders;
    const stride = 2 * this.batch;
    for (let j = 0; j < builders.length; j++) {
      builders[j]!.pushByteSpans(bytes, spans, stride * j, nrows);
    }
  }

  private pushSpans(text: string, spans: Int32Array, nrows: number): void {
    if (nrows === 0) return;
    const builders = this.builders;
    const stride = 2 * this.batch;
    for (let j = 0; j < builders.length; j++) {
      builders[j]!.pushSpans(text, spans, stride * j, nrows);
    }
  }

  private throwQuote(e: QuoteProblem, line: number, text: string): never {
    const at = e.index;
    const snippet = text.slice(Math.max(0, at - 1), at + SNIPPET_CHARS).split(/\r?\n|\r/)[0]!;
    const what =
      e.code === 'MissingQuotes'
        ? 'a quoted field is never closed (missing closing quote)'
        : 'a closing quote is followed by other text (write "" for a quote inside a quoted field)';
    const header = this.names === null;
    const where = header ? `line ${line} (header)` : `line ${line} (row ${this.nrow + 1})`;
    throw new DataFormatError(
      'MALFORMED_QUOTE',
      `${this.source}, ${where}: ${what}, near ${JSON.stringify(snippet)}`,
      {
        file: this.source,
        line,
        row: header ? 0 : this.nrow + 1,
        value: snippet,
        papaparse: e.code,
      },
    );
  }

  /**
   * `TOO_LARGE`: the record starting on the current line is longer than `maxRecordLength` (or,
   * unfinished, already is).
   */
  private throwTooLong(): never {
    const line = this.line;
    const limit = this.maxRecord;
    throw new DataFormatError(
      'TOO_LARGE',
      `${this.source}, line ${line}: a record (row) longer than ${limit.toLocaleString('en-US')} characters, ` +
        `the maxRecordLength limit (a file cut or joined wrongly, or an unclosed quote?); ` +
        `raise it with { maxRecordLength: n } (at most ${MAX_RECORD_LENGTH.toLocaleString('en-US')})`,
      { file: this.source, line, limit, option: 'maxRecordLength' },
    );
  }

  /** `TOO_LARGE`: a header of more than `maxColumns` columns. */
  private throwTooManyColumns(count: number, line: number): never {
    throw new DataFormatError(
      'TOO_LARGE',
      `${this.source}, line ${line}: the header has ${count.toLocaleString('en-US')} columns, more than ` +
        `the maxColumns limit of ${this.maxColumns.toLocaleString('en-US')}; raise it with { maxColumns: n }`,
      { file: this.source, line, value: count, limit: this.maxColumns, option: 'maxColumns' },
    );
  }

  private throwRagged(row: Row, line: number): never {
    const expected = this.names!.length;
    const actual = row.length;
    throw new DataFormatError(
      'RAGGED_ROW',
      `${this.source}, line ${line} (row ${this.nrow + 1}): expected ${expected} fields like the header, found ${actual}` +
        ` (delimiter ${JSON.stringify(this.delimiter)})`,
      {
        file: this.source,
        line,
        row: this.nrow + 1,
        expected,
        actual,
        value: row.join(this.delimiter ?? ','),
      },
    );
  }

  private setHeader(row: Row, line: number): void {
    if (row.length > this.maxColumns) this.throwTooManyColumns(row.length, line);
    const names = row.map((s) => s.trim());
    const seen = new Map<string, number>();
    names.forEach((name, i) => {
      if (name === '') {
        throw new DataFormatError(
          'EMPTY_HEADER',
          `${this.source}, line ${line}: column ${i + 1} of the header has no name`,
          { file: this.source, line, row: 0, position: i + 1, column: '' },
        );
      }
      const first = seen.get(name);
      if (first !== undefined) {
        throw new DataFormatError(
          'DUPLICATE_HEADER',
          `${this.source}, line ${line}: column name "${name}" is used twice, by columns ${first + 1} and ${i + 1}`,
          { file: this.source, line, row: 0, column: name, positions: [first + 1, i + 1] },
        );
      }
      seen.set(name, i);
    });
    this.names = names;
    this.firstDataLine = this.line;

    for (const [option, listed] of [
      ['types', [...this.types.keys()]],
      ['levels', [...this.levels.keys()]],
    ] as const) {
      const absent = listed.filter((n) => !seen.has(n));
      if (absent.length === 0) continue;
      throw new DataFormatError(
        'MISSING_COLUMN',
        `${this.source}: the ${option} option names ${plural(absent.length, 'column')} not in the file: ` +
          `${absent.map((n) => `"${n}"`).join(', ')} (the file has: ${listNames(names)})`,
        { file: this.source, option, column: absent[0], columns: absent },
      );
    }
    const cbVars = this.codebook?.variables ?? [];
    const cbMissing = cbVars.filter((v) => !seen.has(v.name)).map((v) => v.name);
    if (cbMissing.length > 0) {
      throw new CodebookError(
        'MISSING_COLUMN',
        `${this.source}: the codebook lists ${plural(cbMissing.length, 'variable')} not in the file: ` +
          `${cbMissing.map((n) => `"${n}"`).join(', ')} (the file has: ${listNames(names)})`,
        { file: this.source, column: cbMissing[0], variable: cbMissing[0], columns: cbMissing },
      );
    }
    const byName = new Map(cbVars.map((v) => [v.name, v]));
    for (const [name, t] of this.types) {
      const v = byName.get(name);
      if (v && v.type !== t) {
        throw new CodebookError(
          'TYPE_CONFLICT',
          `${this.source}: the types option reads "${name}" as ${t}, the codebook as ${v.type}`,
          { file: this.source, column: name, variable: name },
        );
      }
    }

    const only = this.pass.only;
    this.builders = names.map((name) => {
      let spec: ColumnSpec;
      const v = byName.get(name);
      const t = this.types.get(name);
      const levels = this.levels.get(name);
      if (only) spec = only.has(name) ? { kind: 'categorical' } : { kind: 'skip' };
      else if (v) spec = this.codebookSpec(v, levels);
      else if (levels) spec = { kind: 'categorical', levels };
      else if (t === 'numeric') spec = { kind: 'numeric' };
      else if (t === 'categorical') spec = { kind: 'categorical' };
      else spec = { kind: 'infer' };
      return new ColumnBuilder(name, spec, this.maxErrors, this.na);
    });
  }

  /**
   * The spec of a codebook variable, with its `levels` entry if any: the codebook owns the level
   * order, so the entry must repeat the variable's value labels in order, or give the levels of
   * a categorical variable without `values`.
   */
  private codebookSpec(v: CodebookVariable, levels: readonly string[] | undefined): ColumnSpec {
    const rules = variableRules(v);
    if (levels === undefined) return { kind: 'codebook', rules };
    if (v.type !== 'categorical') {
      throw new CodebookError(
        'TYPE_CONFLICT',
        `${this.source}: the levels option reads "${v.name}" as categorical, the codebook as ${v.type}`,
        { file: this.source, column: v.name, variable: v.name },
      );
    }
    if (rules.levels.length === 0 && (v.values ?? []).length === 0) {
      return { kind: 'codebook', rules, levels };
    }
    const same =
      levels.length === rules.levels.length && levels.every((l, i) => l === rules.levels[i]);
    if (!same) {
      throw new CodebookError(
        'LEVELS_CONFLICT',
        `${this.source}: the levels option gives "${v.name}" the levels ${listLevels(levels)}, ` +
          `the codebook ${listLevels(rules.levels)} (the codebook's value labels set the levels and their order)`,
        {
          file: this.source,
          column: v.name,
          variable: v.name,
          levels: [...levels],
          codebookLevels: [...rules.levels],
        },
      );
    }
    return { kind: 'codebook', rules };
  }

  /** 1-based file line of 0-based data row `r`. */
  lineOfRow(r: number): number {
    let lo = 0;
    let hi = this.bpRow.length - 1;
    let extra = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.bpRow[mid]! <= r) {
        extra = this.bpExtra[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return this.firstDataLine + r + extra;
  }

  private finish(): LoadPass {
    const names = this.names!;
    const built: BuiltColumn[] = this.builders.map((b) => b.finish());

    const problemsOf = (code: ProblemCode) =>
      this.collect(built, (i) => this.builders[i]!.problemCode === code);
    const notNumbers = problemsOf('NOT_A_NUMBER');
    if (notNumbers.total > 0) {
      const reason = notNumbers.list[0]!.reason;
      throw new DataFormatError(
        'NOT_A_NUMBER',
        ...this.firstCell(
          notNumbers,
          `is ${reason}, but the types option reads the column as numeric`,
        ),
      );
    }
    const notLevels = problemsOf('UNKNOWN_LEVEL');
    if (notLevels.total > 0) {
      const column = notLevels.list[0]!.column;
      throw new DataFormatError(
        'UNKNOWN_LEVEL',
        ...this.firstCell(notLevels, null, { levels: [...(this.levels.get(column) ?? [])] }),
      );
    }
    const violations = problemsOf('CODEBOOK_VIOLATION');
    if (violations.total > 0) {
      const shown = violations.list.slice(0, MESSAGE_PROBLEMS);
      const lines = shown.map(
        (v) =>
          `  line ${v.line} (row ${v.row}), column "${v.column}": ${JSON.stringify(v.value)} is ${v.reason}`,
      );
      const more = violations.total - shown.length;
      throw new CodebookError(
        'CODEBOOK_VIOLATION',
        `${this.source}: ${violations.total} ${violations.total === 1 ? 'cell disagrees' : 'cells disagree'} with the codebook\n` +
          lines.join('\n') +
          (more > 0
            ? `\n  ... and ${more} more (details.violations lists up to ${this.maxErrors})`
            : ''),
        this.problemDetails(violations),
      );
    }

    const columns: Record<string, Column> = Object.create(null);
    const missing: MissingCount[] = [];
    const reread: string[] = [];
    const outNames: string[] = [];
    names.forEach((name, i) => {
      const b = built[i]!;
      if (b.needsReread) reread.push(name);
      if (b.column === null) return;
      columns[name] = b.column;
      outNames.push(name);
      const na = Object.keys(b.na).length > 0;
      if (b.empty > 0 || Object.keys(b.missingCodes).length > 0 || na) {
        missing.push({
          column: name,
          empty: b.empty,
          missingCodes: b.missingCodes,
          ...(na ? { na: b.na } : {}),
        });
      }
    });
    const load: LoadReport = {
      source: this.source,
      rowsRead: this.nrow,
      rowsRejected: this.rejected,
      missing,
    };
    return {
      data: {
        nrow: this.nrow,
        names: this.pass.only ? outNames : names,
        columns,
        codebook: this.codebook ?? emptyCodebook(),
        load,
      },
      reread,
    };
  }

  /**
   * The message and details of an error of problem cells, told by the first of them (`what` it
   * is, or its reason) and counting all; `details.violations` lists them (up to `maxErrors`).
   */
  private firstCell(
    problems: { list: CodebookViolation[]; total: number },
    what: string | null,
    extra: Record<string, unknown> = {},
  ): [string, ErrorDetails] {
    const first = problems.list[0]!;
    return [
      `${this.source}, line ${first.line} (row ${first.row}), column "${first.column}": ` +
        `${JSON.stringify(first.value)} ${what ?? `is ${first.reason}`}` +
        (problems.total > 1
          ? ` (${problems.total} such cells in all, see details.violations)`
          : ''),
      this.problemDetails(problems, extra),
    ];
  }

  /** The details of an error of problem cells: the first one's place and value, and all of them. */
  private problemDetails(
    problems: { list: CodebookViolation[]; total: number },
    extra: Record<string, unknown> = {},
  ): ErrorDetails {
    const first = problems.list[0]!;
    return {
      file: this.source,
      row: first.row,
      line: first.line,
      column: first.column,
      value: first.value,
      ...extra,
      violations: problems.list,
      total: problems.total,
    };
  }

  /** The first `maxErrors` problems of the selected columns in (row, column) order, and their count. */
  private collect(
    built: BuiltColumn[],
    select: (i: number) => boolean,
  ): { list: CodebookViolation[]; total: number } {
    const all: Array<CellProblem & { col: number }> = [];
    let total = 0;
    built.forEach((b, i) => {
      if (!select(i) || b.problemTotal === 0) return;
      total += b.problemTotal;
      for (const p of b.problems) all.push({ ...p, col: i });
    });
    all.sort((a, b) => a.row - b.row || a.col - b.col);
    const names = this.names!;
    const list = all.slice(0, this.maxErrors).map((p) => ({
      row: p.row + 1,
      line: this.lineOfRow(p.row),
      column: names[p.col]!,
      value: p.value,
      reason: p.reason,
    }));
    return { list, total };
  }
}

/** Whether `text[start, end)` is empty or whitespace only (as `trim()` sees it). */
function isBlankSpan(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    if (c < 128) return false;
    return text.slice(i, end).trim() === '';
  }
  return true;
}

/** The `na` option, checked: an array of strings (default `['', 'NA']`). */
function checkNa(na: CsvOptions['na']): readonly string[] {
  if (na === undefined) return DEFAULT_NA;
  if (!Array.isArray(na) || na.some((t) => typeof t !== 'string')) {
    throw new DataFormatError(
      'INVALID_OPTION',
      `na must be an array of cell texts, got ${JSON.stringify(na)}`,
      { option: 'na', value: na },
    );
  }
  return na;
}

/**
 * The `levels` option, checked: per column an array of distinct non-blank texts without white
 * space around them (cells are matched after trimming), and no `types: numeric` for the column.
 */
function checkLevels(
  levels: CsvOptions['levels'],
  types: ReadonlyMap<string, 'numeric' | 'categorical'>,
): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  if (levels === undefined) return out;
  const bad = (column: string | undefined, why: string, value: unknown): never => {
    throw new DataFormatError(
      'INVALID_OPTION',
      `levels${column === undefined ? '' : `.${column}`} ${why}`,
      { option: 'levels', ...(column === undefined ? {} : { column }), value },
    );
  };
  if (levels === null || typeof levels !== 'object' || Array.isArray(levels)) {
    bad(
      undefined,
      `must map column names to arrays of levels, got ${JSON.stringify(levels)}`,
      levels,
    );
  }
  for (const [column, list] of Object.entries(levels)) {
    if (!Array.isArray(list) || list.some((l) => typeof l !== 'string')) {
      bad(column, `must be an array of level texts, got ${JSON.stringify(list)}`, list);
    }
    const seen = new Set<string>();
    for (const l of list) {
      if (l.trim() === '') bad(column, 'has a blank level (blank cells are missing)', l);
      if (l.trim() !== l) {
        bad(
          column,
          `has ${JSON.stringify(l)}, with white space around it (cells are matched after trimming)`,
          l,
        );
      }
      if (seen.has(l)) bad(column, `lists ${JSON.stringify(l)} twice`, l);
      seen.add(l);
    }
    if (types.get(column) === 'numeric') {
      bad(column, 'is given for a column the types option reads as numeric', list);
    }
    out.set(column, list);
  }
  return out;
}

function listLevels(levels: readonly string[]): string {
  const shown = levels.slice(0, 12).map((l) => JSON.stringify(l));
  return `[${shown.join(', ')}${levels.length > 12 ? ', ...' : ''}]`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 20).join(', ');
  return names.length > 20 ? `${shown}, ...` : shown;
}

/** The quote character's byte. */
const QUOTE = 0x22;

/** Node's `Buffer`, whose `indexOf` is native (memchr speed: 5× a typed array's on 80 MB). */
const NodeBuffer = nodeBuiltin('node:buffer')?.Buffer;

/** Whether the bytes hold a quote character. */
function hasQuote(bytes: Uint8Array): boolean {
  return NodeBuffer
    ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(QUOTE) !== -1
    : bytes.indexOf(QUOTE) !== -1;
}

/**
 * Where `bytes`' last line break starts and ends, or `[-1, -1]` when it has none. Unless
 * `final`, a `\r` at the very end does not count (a `\n` may follow it in the next piece).
 */
function lastBreak(bytes: Uint8Array, final: boolean): [number, number] {
  let end = bytes.length;
  if (!final && end > 0 && bytes[end - 1] === CR) end--;
  const lf = lastByteIndex(bytes, LF, end);
  const cr = lf + 1 < end ? lastByteIndex(bytes.subarray(lf + 1, end), CR, end - lf - 1) : -1;
  if (cr >= 0) return [lf + 1 + cr, lf + 2 + cr];
  if (lf >= 0) return [lf > 0 && bytes[lf - 1] === CR ? lf - 1 : lf, lf + 1];
  return [-1, -1];
}

/** The last index of `byte` in `bytes[0, end)`, or −1 (native `lastIndexOf` on Node). */
function lastByteIndex(bytes: Uint8Array, byte: number, end: number): number {
  if (end <= 0) return -1;
  return NodeBuffer
    ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, end).lastIndexOf(byte)
    : bytes.subarray(0, end).lastIndexOf(byte);
}

/**
 * The length of the head of `bytes` that ends the record begun before them (just past its line
 * break), or −1 while it goes on; `before` is the last byte before them (a `\r` there ended the
 * record, with this `\n` or without one).
 */
function firstRecordEnd(before: number, bytes: Uint8Array): number {
  if (before === CR) return bytes[0] === LF ? 1 : 0;
  const lf = bytes.indexOf(LF);
  const cr = (lf === -1 ? bytes : bytes.subarray(0, lf)).indexOf(CR);
  if (cr === -1) return lf === -1 ? -1 : lf + 1;
  if (cr + 1 === bytes.length) return -1;
  return bytes[cr + 1] === LF ? cr + 2 : cr + 1;
}

/** The length of an unfinished record's text, less a last `\r` (the line break that may end it). */
function unfinishedLength(text: string): number {
  return text.length - (text.charCodeAt(text.length - 1) === CR ? 1 : 0);
}

/** A positive integer option (at most `max`), or its default; `INVALID_OPTION` otherwise. */
function positiveInteger(option: string, value: unknown, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new DataFormatError(
      'INVALID_OPTION',
      `${option} must be a positive integer${max < Infinity ? ` up to ${max}` : ''}, got ${String(value)}`,
      { option, value },
    );
  }
  return value;
}

/** The pieces joined into one array of `length` bytes. */
function joinBytes(pieces: readonly Uint8Array[], length: number): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
