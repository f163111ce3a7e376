/**
 * formatCsv: RFC 4180 quoting, numbers at full precision, missing values as empty cells, the
 * options (delimiter, newline, byte order mark, formula escaping), and that the readers give the
 * frame back.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/data/csv/csv.js';
import {
  csvChunks,
  formatCsv,
  formatCsvTable,
  isFormulaLike,
} from '../../../src/data/csv/format.js';
import { draftCodebook } from '../../../src/data/draft-codebook.js';
import { column, fromColumns } from '../../../src/data/frame.js';
import { DataFormatError } from '../../../src/errors.js';

describe('formatCsv', () => {
  it('writes a header and one record per row, CRLF by default', () => {
    const d = fromColumns({ a: ['x', 'y'], b: [1, 2] });
    expect(formatCsv(d)).toBe('a,b\r\nx,1\r\ny,2\r\n');
    expect(formatCsv(d, { newline: '\n' })).toBe('a,b\nx,1\ny,2\n');
  });

  it('quotes only cells with the delimiter, a quote or a line break, doubling quotes', () => {
    const d = fromColumns({
      'name, full': ['a,b', 'say "hi"', 'two\nlines', 'cr\ronly', 'plain; text'],
      n: [1, 2, 3, 4, 5],
    });
    expect(formatCsv(d, { newline: '\n' })).toBe(
      '"name, full",n\n"a,b",1\n"say ""hi""",2\n"two\nlines",3\n"cr\ronly",4\nplain; text,5\n',
    );
    // with ';' as the delimiter, the comma needs no quotes and the semicolon does
    expect(formatCsv(d, { delimiter: ';', newline: '\n' }).split('\n')[1]).toBe('a,b;1');
    expect(formatCsv(d, { delimiter: ';', newline: '\n' }).split('\n').at(-2)).toBe(
      '"plain; text";5',
    );
  });

  it('writes numbers at full precision, -0 as -0, missing values as empty cells', () => {
    // (whole numbers beyond 2^53 - 1 in exponent notation: written out, the readers keep them as
    // text, as they do ids)
    const xs = [
      0.1 + 0.2,
      1 / 3,
      5e-324,
      -1.7976931348623157e308,
      1e21,
      123456789012345680000,
      -0,
      0,
      999999999999999,
      -1000000000000000,
      10,
      -7,
      -2.2250738585072014e-308,
    ];
    const d = fromColumns({
      x: Float64Array.from([...xs, Number.NaN]),
      g: [...xs.map(() => 'a'), null],
    });
    const text = formatCsv(d, { newline: '\n' });
    expect(text.split('\n').slice(1, -1)).toEqual([
      '0.30000000000000004,a',
      '0.3333333333333333,a',
      '5e-324,a',
      '-1.7976931348623157e+308,a',
      '1e+21,a',
      '1.2345678901234568e+20,a',
      '-0,a',
      '0,a',
      '999999999999999,a',
      '-1000000000000000,a',
      '10,a',
      '-7,a',
      '-2.2250738585072014e-308,a',
      ',',
    ]);
    const back = column(parseCsv(text), 'x') as Float64Array;
    for (let i = 0; i < xs.length; i++) expect(Object.is(back[i], xs[i]), String(xs[i])).toBe(true);
    expect(back[xs.length]).toBeNaN();
  });

  it('starts with a byte order mark when asked; the readers drop it', () => {
    const d = fromColumns({ город: ['Минск'], n: [1] });
    const text = formatCsv(d, { bom: true });
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(parseCsv(text).names).toEqual(['город', 'n']);
  });

  it('leaves formula-like text as it is by default, and escapes it as OWASP advises when asked', () => {
    const d = fromColumns({
      '=title': ['=1+2', '+cmd', '-x', '@SUM(A1)', '\tTAB', '-5', '+1.5', 'a=b'],
      n: [1, 2, 3, 4, 5, 6, 7, 8],
    });
    const plain = formatCsv(d, { newline: '\n' }).split('\n');
    expect(plain.slice(0, 4)).toEqual(['=title,n', '=1+2,1', '+cmd,2', '-x,3']);
    const safe = formatCsv(d, { newline: '\n', escapeFormulas: true }).split('\n');
    expect(safe.slice(0, 9)).toEqual([
      `"'=title",n`,
      `"'=1+2",1`,
      `"'+cmd",2`,
      `"'-x",3`,
      `"'@SUM(A1)",4`,
      `"'\tTAB",5`,
      '-5,6', // numbers are not formulas
      '+1.5,7',
      'a=b,8',
    ]);
    // a quote inside an escaped cell is doubled
    expect(formatCsv(fromColumns({ a: ['=HYPERLINK("x")'] }), { escapeFormulas: true })).toBe(
      `a\r\n"'=HYPERLINK(""x"")"\r\n`,
    );
  });

  it('refuses a delimiter the readers cannot detect and an unknown newline', () => {
    const d = fromColumns({ a: [1] });
    for (const delimiter of ['.', '"', '', ',,', '1']) {
      let e: unknown;
      try {
        formatCsv(d, { delimiter: delimiter as ',' });
      } catch (x) {
        e = x;
      }
      expect(e).toBeInstanceOf(DataFormatError);
      expect((e as DataFormatError).code).toBe('INVALID_OPTION');
      expect((e as DataFormatError).details).toMatchObject({
        option: 'delimiter',
        value: delimiter,
      });
    }
    expect(() => formatCsv(d, { newline: '\r' as '\n' })).toThrow(/newline/);
  });

  it('writes every number as String(x) does (but -0, and whole numbers beyond 2^53 - 1)', () => {
    const xs = Float64Array.from({ length: 20000 }, (_, i) => {
      const k = i % 5;
      const m = (i * 7919) % 100003;
      return k === 0
        ? m
        : k === 1
          ? -m * 1e9
          : k === 2
            ? m / 7
            : k === 3
              ? m * 1e12 + 1
              : -(m / 1e5);
    });
    const lines = formatCsv(fromColumns({ x: xs }), { newline: '\n' }).split('\n');
    const big = (x: number) => Number.isInteger(x) && Math.abs(x) > Number.MAX_SAFE_INTEGER;
    expect(lines.slice(1, -1)).toEqual(
      Array.from(xs, (x) => (big(x) ? x.toExponential() : String(x))),
    );
    expect(xs.some(big)).toBe(true);
    // and they read back as written, bit for bit
    const back = column(parseCsv(lines.join('\n')), 'x') as Float64Array;
    for (let i = 0; i < xs.length; i++) expect(Object.is(back[i], xs[i])).toBe(true);
  });

  it('gives the same text in chunks of any size', () => {
    const n = 1000;
    const d = fromColumns({
      x: Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? Number.NaN : i / 7)),
      g: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : `level ${i % 3}`)),
    });
    const whole = formatCsv(d);
    for (const size of [1, 3, 999, 1000, 5000]) {
      const chunks = [...csvChunks(d, {}, size)];
      expect(chunks.length).toBe(1 + Math.ceil(n / size));
      expect(chunks.map((c) => new TextDecoder().decode(c)).join('')).toBe(whole);
    }
  });

  it('writes a frame with no rows as its header, and reads back with its draft codebook', () => {
    const d = fromColumns({ a: [] as number[], b: [] as string[] });
    expect(formatCsv(d)).toBe('a,b\r\n');
    const back = parseCsv(formatCsv(d), { codebook: draftCodebook(d) });
    expect(back.nrow).toBe(0);
    expect(back.names).toEqual(['a', 'b']);
  });

  it('reads back categorical columns of numbers and the level order with the draft codebook', () => {
    const d = fromColumns(
      { code: ['10', '2', null, '2'], sex: ['Male', 'Female', 'Male', null], x: [1, 2, 3, 4] },
      { levels: { code: ['10', '2'], sex: ['Male', 'Female'] } },
    );
    const text = formatCsv(d);
    // without a codebook: numbers are numeric, levels sorted
    expect(parseCsv(text).columns.code!.kind).toBe('numeric');
    expect(parseCsv(text).columns.sex).toMatchObject({ levels: ['Female', 'Male'] });
    const back = parseCsv(text, { codebook: draftCodebook(d) });
    expect(back.columns.code).toEqual(d.columns.code);
    expect(back.columns.sex).toEqual(d.columns.sex);
    expect(back.columns.x).toEqual(d.columns.x);
  });

  it('a one-column frame: a missing cell is an empty line, which the readers skip (documented)', () => {
    const d = fromColumns({ a: ['x', null, 'y'] });
    expect(formatCsv(d, { newline: '\n' })).toBe('a\nx\n\ny\n');
    const back = parseCsv(formatCsv(d));
    expect(back.nrow).toBe(2);
    expect(back.load.rowsRejected).toEqual([{ row: 3, reason: 'empty line' }]);
  });
});

describe('isFormulaLike', () => {
  it('is true for text a spreadsheet could run: = + - @ tab CR first, not a number', () => {
    const yes = ['=1', '+a', '-a', '@a', '\tx', '\rx', '=', '-', '+-1', '- 5x', '-1e', '-Infinity'];
    const no = ['', 'a', ' =1', 'a=1', '-5', '+1.5', '-1e-3', '-0', '1'];
    for (const s of yes) expect(isFormulaLike(s), JSON.stringify(s)).toBe(true);
    for (const s of no) expect(isFormulaLike(s), JSON.stringify(s)).toBe(false);
  });
});

describe('formatCsvTable', () => {
  it('quotes only what needs it, writes numbers at full precision and missing as empty', () => {
    const text = formatCsvTable(
      ['key', 'label', 'share', 'differs'],
      [
        ['a', 'Say "yes", or no', 1 / 3, true],
        ['b', 'line\nbreak', Number.NaN, null],
      ],
    );
    expect(text).toBe(
      'key,label,share,differs\na,"Say ""yes"", or no",0.3333333333333333,true\nb,"line\nbreak",,\n',
    );
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data[1]).toEqual(['a', 'Say "yes", or no', '0.3333333333333333', 'true']);
    expect(Number(parsed.data[1]![2])).toBe(1 / 3);
  });

  it('escapes text a spreadsheet would run (= + - @ tab CR first), never numbers', () => {
    const risky = ['=1+2', '+A1', '-2+3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x")'];
    const text = formatCsvTable(
      ['label', 'x'],
      [...risky.map((r) => [r, -0.5]), ['-5', -5], ['a=b', 1e-7]],
    );
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const body = parsed.data.slice(1);
    expect(body.map((r) => r[0])).toEqual([...risky.map((r) => `'${r}`), '-5', 'a=b']);
    expect(body.map((r) => r[1])).toEqual([...risky.map(() => '-0.5'), '-5', '1e-7']);
    // the header is text too
    expect(formatCsvTable(['=x'], []).startsWith('"\'=x"')).toBe(true);
    // raw on request, for a program that reads the labels back
    const raw = Papa.parse<string[]>(
      formatCsvTable(
        ['label'],
        risky.map((r) => [r]),
        { escapeFormulas: false },
      ),
      {
        skipEmptyLines: true,
      },
    );
    expect(raw.data.slice(1).map((r) => r[0])).toEqual(risky);
  });
});
