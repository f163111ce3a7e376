import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type Codebook, parseCodebook } from '../../../src/data/codebook.js';
import { DICT_CAP } from '../../../src/data/csv/columns.js';
import { type CsvOptions, parseCsv, readCsv } from '../../../src/data/csv/csv.js';
import { firstInvalidUtf8 } from '../../../src/data/csv/decode.js';
import { hasRadixPrefix, parseNumber, sortLevels } from '../../../src/data/csv/infer.js';
import { loadFile, loadText } from '../../../src/data/csv/run.js';
import { column } from '../../../src/data/frame.js';
import type { CategoricalColumn, NumericColumn, SurveyData } from '../../../src/data/types.js';
import { svyDesign } from '../../../src/design/build.js';
import { CodebookError, DataFormatError, SurveyError } from '../../../src/errors.js';
import { svyMean } from '../../../src/estimate/mean.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/csv/', import.meta.url));
const POLL = join(FIXTURES, 'poll.csv');
const POLL_CODEBOOK = parseCodebook(
  JSON.parse(readFileSync(join(FIXTURES, 'poll.codebook.json'), 'utf8')),
  'poll.codebook.json',
);

const dir = mkdtempSync(join(tmpdir(), 'surveykit-csv-'));
let fileNo = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes bytes or UTF-8 text to a fresh temp file. */
function tmpFile(content: string | Uint8Array, name = `f${fileNo++}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A plain, comparable picture of a frame (NaN as null). */
function snapshot(d: SurveyData) {
  return {
    nrow: d.nrow,
    names: [...d.names],
    columns: d.names.map((n) => {
      const c = d.columns[n]!;
      return c.kind === 'numeric'
        ? {
            name: c.name,
            kind: c.kind,
            values: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)),
          }
        : { name: c.name, kind: c.kind, codes: Array.from(c.codes), levels: [...c.levels] };
    }),
    load: d.load,
    codebook: d.codebook,
  };
}

function num(d: SurveyData, name: string): Array<number | null> {
  const c = d.columns[name] as NumericColumn;
  expect(c.kind).toBe('numeric');
  return Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
}

function cat(d: SurveyData, name: string): CategoricalColumn {
  const c = d.columns[name] as CategoricalColumn;
  expect(c.kind).toBe('categorical');
  return c;
}

/** Runs `f`, expects a SurveyError of class `cls` and `code`, and returns it. */
function catchError<T extends SurveyError>(
  f: () => unknown,
  cls: new (...a: never[]) => T,
  code: string,
): T {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    expect((e as SurveyError).code).toBe(code);
    return e as T;
  }
  throw new Error(`expected ${cls.name} ${code}, nothing was thrown`);
}

async function catchAsync<T extends SurveyError>(
  p: Promise<unknown>,
  cls: new (...a: never[]) => T,
  code: string,
): Promise<T> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    expect((e as SurveyError).code).toBe(code);
    return e as T;
  }
  throw new Error(`expected ${cls.name} ${code}, nothing was thrown`);
}

/** windows-1251 encoder for ASCII and the Russian alphabet (А..я = C0..FF, Ё = A8, ё = B8). */
function cp1251(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) out[i] = c;
    else if (c >= 0x410 && c <= 0x44f) out[i] = 0xc0 + (c - 0x410);
    else if (c === 0x401) out[i] = 0xa8;
    else if (c === 0x451) out[i] = 0xb8;
    else throw new Error(`no windows-1251 byte for ${text[i]}`);
  }
  return out;
}

describe('cell rules', () => {
  it('reads plain decimal numbers only', () => {
    expect(parseNumber('12')).toBe(12);
    expect(parseNumber(' -0.5 ')).toBe(-0.5);
    expect(parseNumber('1e-3')).toBe(0.001);
    expect(parseNumber('+3')).toBe(3);
    expect(parseNumber('.5')).toBe(0.5);
    for (const s of [
      '',
      '  ',
      'abc',
      '0x1A',
      '0b1',
      '0o7',
      ' 0x10',
      'Infinity',
      '-Infinity',
      'NaN',
      '1,5',
      '1_000',
      '1e999',
    ]) {
      expect(parseNumber(s), s).toBeNaN();
    }
    expect(hasRadixPrefix('0X1f')).toBe(true);
    expect(hasRadixPrefix('0e5')).toBe(false);
  });

  it('sorts levels numbers first, then text in collation order', () => {
    expect(sortLevels(['b', '10', 'DK', '2', 'a', '-1', '2.0'])).toEqual([
      '-1',
      '2',
      '2.0',
      '10',
      'a',
      'b',
      'DK',
    ]);
    expect(sortLevels(['Урал', 'Москва', 'Ёлки', 'Алтай'])).toEqual([
      'Алтай',
      'Ёлки',
      'Москва',
      'Урал',
    ]);
  });

  it('finds the first invalid UTF-8 sequence', () => {
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xd0, 0xb0, 0x62]))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xd0, 0xb0, 0xc0, 0x80]))).toBe(3); // overlong
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xe2, 0x82]))).toBe(1); // cut off at the end
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xe2, 0x82]), 0, false)).toBe(-1); // awaited
  });
});

describe('parseCsv: type inference', () => {
  it('makes numeric and categorical columns, blank cells missing', () => {
    const d = parseCsv(
      'id,score,city,sci,mixed\n1, 2.5 ,Oslo,1e-3,1\n2,,Bergen,2E2,x\n3,  ,  ,-4,2\n',
    );
    expect(d.nrow).toBe(3);
    expect(d.names).toEqual(['id', 'score', 'city', 'sci', 'mixed']);
    expect(num(d, 'id')).toEqual([1, 2, 3]);
    expect(num(d, 'score')).toEqual([2.5, null, null]);
    expect(num(d, 'sci')).toEqual([0.001, 200, -4]);
    expect(cat(d, 'city').levels).toEqual(['Bergen', 'Oslo']);
    expect(Array.from(cat(d, 'city').codes)).toEqual([1, 0, -1]);
    expect(cat(d, 'mixed').levels).toEqual(['1', '2', 'x']);
    expect(column(d, 'city')).toEqual(['Oslo', 'Bergen', null]);
    expect(column(d, 'mixed')).toEqual(['1', 'x', '2']);
    expect(d.load).toEqual({
      source: '<text>',
      rowsRead: 3,
      rowsRejected: [],
      missing: [
        { column: 'score', empty: 2, missingCodes: {} },
        { column: 'city', empty: 1, missingCodes: {} },
      ],
    });
    expect(d.codebook).toEqual({ variables: [] });
  });

  it('treats hex, Infinity and decimal commas as text', () => {
    const d = parseCsv('a;b;c\n0x10;Infinity;1,5\n1;2;3\n');
    expect(cat(d, 'a').levels).toEqual(['1', '0x10']);
    expect(cat(d, 'b').levels).toEqual(['2', 'Infinity']);
    expect(cat(d, 'c').levels).toEqual(['3', '1,5']);
  });

  it('trims categorical values and sorts levels numerically first', () => {
    const d = parseCsv('g\n10\n2\n Male\nMale \nfemale\n');
    expect(cat(d, 'g').levels).toEqual(['2', '10', 'female', 'Male']);
    expect(column(d, 'g')).toEqual(['10', '2', 'Male', 'Male', 'female']);
  });

  it('reads an all-blank column as numeric NaN', () => {
    const d = parseCsv('a,b\n1,\n2,\n');
    expect(num(d, 'b')).toEqual([null, null]);
    expect(d.load.missing).toEqual([{ column: 'b', empty: 2, missingCodes: {} }]);
  });

  it('accepts a header without rows', () => {
    const d = parseCsv('a,b,c\n');
    expect(d.nrow).toBe(0);
    expect(d.names).toEqual(['a', 'b', 'c']);
    expect(d.columns.a).toEqual({ kind: 'numeric', name: 'a', values: new Float64Array(0) });
    expect(parseCsv('a,b').nrow).toBe(0);
  });

  it('trims header names', () => {
    expect(parseCsv(' a , b\n1,2\n').names).toEqual(['a', 'b']);
  });

  it('keeps a column named like an Object property apart from the prototype', () => {
    const d = parseCsv('constructor,__proto__\n1,2\n');
    expect(d.names).toEqual(['constructor', '__proto__']);
    expect(num(d, '__proto__')).toEqual([2]);
    expect(Object.keys(d.columns)).toEqual(['constructor', '__proto__']);
  });
});

describe('parseCsv: types override', () => {
  it('forces categorical, with numeric level order', () => {
    const d = parseCsv('region,n\n10,1\n2,2\n1,3\n2,4\n', { types: { region: 'categorical' } });
    expect(cat(d, 'region').levels).toEqual(['1', '2', '10']);
    expect(column(d, 'region')).toEqual(['10', '2', '1', '2']);
    expect(num(d, 'n')).toEqual([1, 2, 3, 4]);
  });

  it('forces numeric and reports NOT_A_NUMBER with its cell', () => {
    const e = catchError(
      () =>
        parseCsv('id,age\n1,34\n2,n/a\n3,\n4,old\n', {
          types: { age: 'numeric' },
          source: 'p.csv',
        }),
      DataFormatError,
      'NOT_A_NUMBER',
    );
    expect(e.details).toMatchObject({
      file: 'p.csv',
      row: 2,
      line: 3,
      column: 'age',
      value: 'n/a',
      total: 2,
    });
    expect(e.details.violations).toEqual([
      { row: 2, line: 3, column: 'age', value: 'n/a', reason: 'not a number' },
      { row: 4, line: 5, column: 'age', value: 'old', reason: 'not a number' },
    ]);
    expect(e.message).toContain('p.csv, line 3 (row 2), column "age": "n/a" is not a number');
  });

  it('rejects a types entry for a column the file lacks', () => {
    const e = catchError(
      () => parseCsv('a,b\n1,2\n', { types: { c: 'numeric', a: 'numeric', d: 'categorical' } }),
      DataFormatError,
      'MISSING_COLUMN',
    );
    expect(e.details).toMatchObject({ column: 'c', columns: ['c', 'd'] });
    expect(e.message).toContain('"c", "d"');
  });

  it('rejects types that contradict the codebook', () => {
    const e = catchError(
      () => parseCsv('sex\n1\n', { codebook: POLL_CODEBOOK, types: { sex: 'numeric' } }),
      CodebookError,
      'MISSING_COLUMN', // age, q1 are checked first: they are not in this file
    );
    expect(e.details.columns).toEqual(['age', 'q1']);
    const cb: Codebook = { variables: [{ name: 'sex', type: 'categorical' }] };
    const c = catchError(
      () => parseCsv('sex\n1\n', { codebook: cb, types: { sex: 'numeric' } }),
      CodebookError,
      'TYPE_CONFLICT',
    );
    expect(c.details.column).toBe('sex');
  });

  it('validates options', () => {
    catchError(() => parseCsv('a\n1\n', { maxErrors: 0 }), DataFormatError, 'INVALID_OPTION');
    catchError(() => parseCsv('a\n1\n', { delimiter: '"' }), DataFormatError, 'INVALID_OPTION');
    catchError(
      () => parseCsv('a\n1\n', { types: { a: 'text' as 'numeric' } }),
      DataFormatError,
      'INVALID_OPTION',
    );
  });
});

describe('parseCsv: codebook', () => {
  const text = readFileSync(POLL, 'utf8');

  it('maps codes to labels in codebook order and counts missing codes', () => {
    const d = parseCsv(text, { codebook: POLL_CODEBOOK, source: 'poll.csv' });
    expect(d.nrow).toBe(4);
    expect(d.names).toEqual(['id', 'region', 'sex', 'age', 'q1', 'comment']);
    expect(cat(d, 'sex').levels).toEqual(['Male', 'Female']); // 9 is a missing code, not a level
    expect(column(d, 'sex')).toEqual(['Male', 'Female', null, 'Female']);
    expect(num(d, 'age')).toEqual([34, null, 51, 47]);
    expect(cat(d, 'q1').levels).toEqual(['Good', 'Bad', 'Hard to say']);
    expect(Array.from(cat(d, 'q1').codes)).toEqual([1, -1, 0, 2]);
    // not in the codebook: inferred
    expect(cat(d, 'region').levels).toEqual(['Москва', 'Санкт-Петербург', 'Урал']);
    expect(num(d, 'id')).toEqual([1, 2, 3, 4]);
    expect(column(d, 'comment')).toEqual(['ok', 'said "hi", left', 'two\r\nlines', null]);
    expect(d.load).toEqual({
      source: 'poll.csv',
      rowsRead: 4,
      rowsRejected: [{ row: 6, reason: 'empty line' }],
      missing: [
        { column: 'sex', empty: 0, missingCodes: { '9': 1 } },
        { column: 'age', empty: 1, missingCodes: {} },
        { column: 'q1', empty: 0, missingCodes: { '99': 1 } },
        { column: 'comment', empty: 1, missingCodes: {} },
      ],
    });
    expect(d.codebook).toEqual(POLL_CODEBOOK);
  });

  it('matches codes as numbers, string codes exactly, and labels', () => {
    const cb: Codebook = {
      variables: [
        {
          name: 'sex',
          type: 'categorical',
          values: [
            { code: 'M', label: 'Male' },
            { code: 'F', label: 'Female' },
          ],
          missing: ['DK'],
        },
        {
          name: 'q',
          type: 'categorical',
          values: [
            { code: 2, label: 'Two' },
            { code: '1', label: 'One' },
          ],
        },
      ],
    };
    const d = parseCsv('sex,q\nM,1\nFemale,1.0\n F ,2.00\nDK,One\n,2\n', { codebook: cb });
    expect(cat(d, 'sex').levels).toEqual(['Male', 'Female']);
    expect(column(d, 'sex')).toEqual(['Male', 'Female', 'Female', null, null]);
    expect(cat(d, 'q').levels).toEqual(['Two', 'One']);
    expect(column(d, 'q')).toEqual(['One', 'One', 'Two', 'One', 'Two']);
    expect(d.load.missing).toEqual([{ column: 'sex', empty: 1, missingCodes: { DK: 1 } }]);
    // case matters for string codes
    const e = catchError(
      () => parseCsv('sex,q\nm,1\n', { codebook: cb }),
      CodebookError,
      'CODEBOOK_VIOLATION',
    );
    expect(e.details.violations).toEqual([
      {
        row: 1,
        line: 2,
        column: 'sex',
        value: 'm',
        reason: 'not a code or label of "sex" (codes: M, F)',
      },
    ]);
  });

  it('keeps numeric variables with value labels numeric, and reads missing codes', () => {
    const cb: Codebook = {
      variables: [
        {
          name: 'trust',
          type: 'numeric',
          range: [0, 10],
          values: [
            { code: 0, label: 'No trust' },
            { code: 10, label: 'Full trust' },
          ],
          missing: [98, 99, 'DK'],
        },
      ],
    };
    const d = parseCsv('trust\n0\n7.5\n99\n98\nDK\nFull trust\n99\n', { codebook: cb });
    expect(num(d, 'trust')).toEqual([0, 7.5, null, null, null, 10, null]);
    expect(d.load.missing).toEqual([
      { column: 'trust', empty: 0, missingCodes: { '98': 1, '99': 2, DK: 1 } },
    ]);
  });

  it('infers levels of a categorical variable without values, minus its missing codes', () => {
    const cb: Codebook = { variables: [{ name: 'party', type: 'categorical', missing: [99] }] };
    const d = parseCsv('party\nGreen\n99\nBlue\n', { codebook: cb });
    expect(cat(d, 'party').levels).toEqual(['Blue', 'Green']);
    expect(column(d, 'party')).toEqual(['Green', null, 'Blue']);
  });

  it('collects every violation with row, line, column, value and reason', () => {
    // line 4-5 is one record (quoted line break), line 6 is blank
    const csv = 'id,sex,age\n1,1,34\n2,3,17\n3,"2",\n"x\ny",1,abc\n\n5,7,200\n';
    const e = catchError(
      () =>
        parseCsv(csv, {
          codebook: { variables: POLL_CODEBOOK.variables.slice(0, 2) },
          source: 's.csv',
        }),
      CodebookError,
      'CODEBOOK_VIOLATION',
    );
    const sexReason = 'not a code or label of "sex" (codes: 1, 2, 9)';
    const ageRange = 'outside the range [18, 99] of "age"';
    expect(e.details.total).toBe(5);
    expect(e.details.violations).toEqual([
      { row: 2, line: 3, column: 'sex', value: '3', reason: sexReason },
      { row: 2, line: 3, column: 'age', value: '17', reason: ageRange },
      {
        row: 4,
        line: 5,
        column: 'age',
        value: 'abc',
        reason: 'not a number (variable "age" is numeric)',
      },
      { row: 5, line: 8, column: 'sex', value: '7', reason: sexReason },
      { row: 5, line: 8, column: 'age', value: '200', reason: ageRange },
    ]);
    expect(e.details).toMatchObject({ file: 's.csv', row: 2, line: 3, column: 'sex', value: '3' });
    expect(e.message).toContain('s.csv: 5 cells disagree with the codebook');
    expect(e.message).toContain(
      'line 8 (row 5), column "age": "200" is outside the range [18, 99] of "age"',
    );
  });

  it('caps the listed violations at maxErrors but counts them all', () => {
    const cb: Codebook = { variables: [{ name: 'v', type: 'numeric', range: [0, 1] }] };
    const csv = `v\n${Array.from({ length: 250 }, (_, i) => (i % 2 ? 0 : 5)).join('\n')}\n`;
    const e = catchError(
      () => parseCsv(csv, { codebook: cb, maxErrors: 7 }),
      CodebookError,
      'CODEBOOK_VIOLATION',
    );
    expect(e.details.total).toBe(125);
    const v = e.details.violations as Array<{ row: number; line: number }>;
    expect(v).toHaveLength(7);
    expect(v.map((x) => x.row)).toEqual([1, 3, 5, 7, 9, 11, 13]);
    expect(v.map((x) => x.line)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(e.message).toContain('... and 118 more');
    const d = catchError(
      () => parseCsv(csv, { codebook: cb }),
      CodebookError,
      'CODEBOOK_VIOLATION',
    );
    expect(d.details.violations).toHaveLength(100);
    expect(d.message.split('\n').filter((l) => l.includes('row '))).toHaveLength(20);
  });

  it('rejects a codebook variable missing from the file', () => {
    const e = catchError(
      () => parseCsv('id,sex\n1,1\n', { codebook: POLL_CODEBOOK, source: 'x.csv' }),
      CodebookError,
      'MISSING_COLUMN',
    );
    expect(e.details).toMatchObject({ file: 'x.csv', column: 'age', columns: ['age', 'q1'] });
    expect(e.message).toContain('the file has: id, sex');
  });

  it('rejects an invalid codebook', () => {
    const bad = { variables: [{ name: 'x', type: 'text' }] } as unknown as Codebook;
    catchError(() => parseCsv('x\n1\n', { codebook: bad }), CodebookError, 'INVALID_CODEBOOK');
  });
});

describe('parseCsv: na texts', () => {
  it("reads a numeric column with NA cells as numeric (R's and pandas' marker)", () => {
    // the example: `income` with NA cells became categorical, its mean ~1,000 "shares"
    const d = parseCsv('id,income\n1,801\n2,NA\n3,1200\n4,\n5, NA \n6,950.5\n', {
      source: 'p.csv',
    });
    expect(num(d, 'income')).toEqual([801, null, 1200, null, null, 950.5]);
    const [m] = svyMean(svyDesign(d), 'income');
    expect(m!.estimate).toBeCloseTo((801 + 1200 + 950.5) / 3, 12);
    expect([m!.n, m!.nMissing]).toEqual([3, 3]);
    expect(d.load.missing).toEqual([
      { column: 'income', empty: 1, missingCodes: {}, na: { NA: 2 } },
    ]);
  });

  it('counts each na text per column, in the order of the option', () => {
    const d = parseCsv('a,b,c\nx,1,DK\nn/a,NA,y\nDK,2,\nx,n/a,y\n', { na: ['NA', 'n/a', 'DK'] });
    expect(column(d, 'a')).toEqual(['x', null, null, 'x']);
    expect(cat(d, 'a').levels).toEqual(['x']);
    expect(num(d, 'b')).toEqual([1, null, 2, null]);
    expect(d.load.missing).toEqual([
      { column: 'a', empty: 0, missingCodes: {}, na: { 'n/a': 1, DK: 1 } },
      { column: 'b', empty: 0, missingCodes: {}, na: { NA: 1, 'n/a': 1 } },
      { column: 'c', empty: 1, missingCodes: {}, na: { DK: 1 } },
    ]);
  });

  it('matches exact text after trimming; numeric na texts match their text, not their value', () => {
    const d = parseCsv('x,y\n-9,na\n-9.0,NA\n 3 , NA\n', { na: [' -9 ', 'NA'] });
    expect(num(d, 'x')).toEqual([null, -9, 3]);
    expect(column(d, 'y')).toEqual(['na', null, null]);
    expect(d.load.missing).toEqual([
      { column: 'x', empty: 0, missingCodes: {}, na: { '-9': 1 } },
      { column: 'y', empty: 0, missingCodes: {}, na: { NA: 2 } },
    ]);
  });

  it('with na: [] the text NA is a value, blank cells stay missing', () => {
    const d = parseCsv('x,g\n1,NA\n,b\n', { na: [] });
    expect(column(d, 'g')).toEqual(['NA', 'b']);
    expect(num(d, 'x')).toEqual([1, null]);
    expect(d.load.missing).toEqual([{ column: 'x', empty: 1, missingCodes: {} }]);
    // and a numeric-looking column with NA text is then categorical
    expect(parseCsv('x\n1\nNA\n', { na: [] }).columns.x!.kind).toBe('categorical');
  });

  it('types: numeric accepts na texts; NOT_A_NUMBER names the other cells', () => {
    const d = parseCsv('age\n34\nNA\n', { types: { age: 'numeric' } });
    expect(num(d, 'age')).toEqual([34, null]);
    const e = catchError(
      () => parseCsv('age\n34\nNA\nold\n', { types: { age: 'numeric' } }),
      DataFormatError,
      'NOT_A_NUMBER',
    );
    expect(e.details).toMatchObject({ row: 3, value: 'old', total: 1 });
  });

  it('with a codebook: what the variable accepts comes first, then the na texts', () => {
    const codebook: Codebook = {
      variables: [
        {
          name: 'country',
          type: 'categorical',
          values: [
            { code: 'NA', label: 'Namibia' },
            { code: 'BY', label: 'Belarus' },
          ],
        },
        { name: 'sex', type: 'categorical', missing: [9], values: [{ code: 1, label: 'Male' }] },
        { name: 'age', type: 'numeric', range: [18, 99], missing: [-1] },
      ],
    };
    const d = parseCsv('country,sex,age\nNA,1,34\nBY,9,-1\nBY,NA,-9\nDK,1,NA\n', {
      codebook,
      na: ['NA', '-9', 'DK'],
    });
    // 'NA' is a code of country (Namibia): a value; -9 is out of age's range but an na text
    expect(column(d, 'country')).toEqual(['Namibia', 'Belarus', 'Belarus', null]);
    expect(column(d, 'sex')).toEqual(['Male', null, null, 'Male']);
    expect(num(d, 'age')).toEqual([34, null, null, null]);
    expect(d.load.missing).toEqual([
      { column: 'country', empty: 0, missingCodes: {}, na: { DK: 1 } },
      { column: 'sex', empty: 0, missingCodes: { '9': 1 }, na: { NA: 1 } },
      { column: 'age', empty: 0, missingCodes: { '-1': 1 }, na: { NA: 1, '-9': 1 } },
    ]);
    // a cell the codebook rejects that is no na text is still a violation
    const e = catchError(
      () => parseCsv('country,sex,age\nNA,2,34\n', { codebook }),
      CodebookError,
      'CODEBOOK_VIOLATION',
    );
    expect(e.details).toMatchObject({ column: 'sex', value: '2', total: 1 });
  });

  it('a numeric codebook variable reads its numbers in range even if they are na texts', () => {
    const codebook: Codebook = { variables: [{ name: 'x', type: 'numeric' }] };
    const d = parseCsv('x\n-9\nNA\n', { codebook, na: ['-9', 'NA'] });
    expect(num(d, 'x')).toEqual([-9, null]);
  });

  it('rejects an na option that is not an array of texts', () => {
    for (const na of ['NA', [1], null]) {
      const e = catchError(
        () => parseCsv('a\n1\n', { na: na as unknown as string[] }),
        DataFormatError,
        'INVALID_OPTION',
      );
      expect(e.details.option).toBe('na');
    }
  });
});

describe('parseCsv: levels', () => {
  const likert = [
    'Полностью согласен',
    'Скорее согласен',
    'Ни да, ни нет',
    'Скорее не согласен',
    'Затрудняюсь',
  ];

  it('orders a Likert item written as text as given, keeping absent levels', () => {
    const t =
      'q;n\nЗатрудняюсь;1\nПолностью согласен;2\nНи да, ни нет;3\n NA ;4\nСкорее согласен;5\n';
    const e = parseCsv(t, { levels: { q: likert } });
    expect(cat(e, 'q').levels).toEqual(likert);
    expect(Array.from(cat(e, 'q').codes)).toEqual([4, 0, 2, -1, 1]);
    expect(e.load.missing).toEqual([{ column: 'q', empty: 0, missingCodes: {}, na: { NA: 1 } }]);
    // without levels: sorted (alphabetical)
    expect(cat(parseCsv(t), 'q').levels).toEqual([
      'Затрудняюсь',
      'Ни да, ни нет',
      'Полностью согласен',
      'Скорее согласен',
    ]);
    // estimates and their order follow the levels; an absent level has a share of 0
    const rows = svyMean(svyDesign(e), 'q');
    expect(rows.map((r) => r.level)).toEqual(likert);
    expect(rows[3]!.estimate).toBe(0);
  });

  it('makes numeric-looking codes a categorical column in the given order', () => {
    const d = parseCsv('rating\n1\n5\n3\n', { levels: { rating: ['5', '4', '3', '2', '1'] } });
    expect(cat(d, 'rating').levels).toEqual(['5', '4', '3', '2', '1']);
    expect(column(d, 'rating')).toEqual(['1', '5', '3']);
  });

  it('a listed level wins over an na text of the same spelling', () => {
    const d = parseCsv('x\nNA\nA\n', { levels: { x: ['A', 'NA'] } });
    expect(column(d, 'x')).toEqual(['NA', 'A']);
    expect(d.load.missing).toEqual([]);
  });

  it('UNKNOWN_LEVEL names file, row, line, column and value, and counts every such cell', () => {
    const e = catchError(
      () =>
        parseCsv('id,q\n1,Agree\n2,agree\n3,\n4,Maybe\n', {
          levels: { q: ['Agree', 'Disagree'] },
          source: 'p.csv',
        }),
      DataFormatError,
      'UNKNOWN_LEVEL',
    );
    expect(e.details).toMatchObject({
      file: 'p.csv',
      row: 2,
      line: 3,
      column: 'q',
      value: 'agree',
      levels: ['Agree', 'Disagree'],
      total: 2,
    });
    expect((e.details.violations as Array<{ value: string }>).map((v) => v.value)).toEqual([
      'agree',
      'Maybe',
    ]);
    expect(e.message).toContain(
      'p.csv, line 3 (row 2), column "q": "agree" is not one of the levels given for "q" (Agree, Disagree) (2 such cells in all',
    );
  });

  it('works with types: categorical, and is rejected with types: numeric', () => {
    const d = parseCsv('x\n2\n1\n', { types: { x: 'categorical' }, levels: { x: ['2', '1'] } });
    expect(cat(d, 'x').levels).toEqual(['2', '1']);
    const e = catchError(
      () => parseCsv('x\n2\n', { types: { x: 'numeric' }, levels: { x: ['2'] } }),
      DataFormatError,
      'INVALID_OPTION',
    );
    expect(e.details).toMatchObject({ option: 'levels', column: 'x' });
  });

  it('rejects levels for a column the file lacks, and malformed levels', () => {
    const e = catchError(
      () => parseCsv('a\n1\n', { levels: { b: ['x'] } }),
      DataFormatError,
      'MISSING_COLUMN',
    );
    expect(e.details).toMatchObject({ option: 'levels', column: 'b', columns: ['b'] });
    for (const levels of [
      ['x'],
      { a: 'x' },
      { a: [1] },
      { a: ['x', 'x'] },
      { a: [''] },
      { a: [' x'] },
    ]) {
      const bad = catchError(
        () => parseCsv('a\nx\n', { levels: levels as unknown as Record<string, string[]> }),
        DataFormatError,
        'INVALID_OPTION',
      );
      expect(bad.details.option, JSON.stringify(levels)).toBe('levels');
    }
  });

  it('with a codebook: the codebook owns the levels', () => {
    const codebook: Codebook = {
      variables: [
        {
          name: 'sex',
          type: 'categorical',
          values: [
            { code: 1, label: 'Male' },
            { code: 2, label: 'Female' },
          ],
        },
        { name: 'region', type: 'categorical', missing: ['-'] },
        { name: 'age', type: 'numeric' },
      ],
    };
    const text = 'sex,region,age\n1,South,30\n2,-,40\n';
    // repeating the codebook's labels in order: allowed (and changes nothing)
    const same = parseCsv(text, { codebook, levels: { sex: ['Male', 'Female'] } });
    expect(cat(same, 'sex').levels).toEqual(['Male', 'Female']);
    // another order or other labels: LEVELS_CONFLICT
    const e = catchError(
      () => parseCsv(text, { codebook, levels: { sex: ['Female', 'Male'] } }),
      CodebookError,
      'LEVELS_CONFLICT',
    );
    expect(e.details).toMatchObject({
      column: 'sex',
      variable: 'sex',
      levels: ['Female', 'Male'],
      codebookLevels: ['Male', 'Female'],
    });
    // a numeric variable: TYPE_CONFLICT
    catchError(
      () => parseCsv(text, { codebook, levels: { age: ['30', '40'] } }),
      CodebookError,
      'TYPE_CONFLICT',
    );
    // a categorical variable without values: the entry gives its levels (missing codes first)
    const d = parseCsv(text, { codebook, levels: { region: ['North', 'South'] } });
    expect(cat(d, 'region').levels).toEqual(['North', 'South']);
    expect(column(d, 'region')).toEqual(['South', null]);
    expect(d.load.missing).toEqual([{ column: 'region', empty: 0, missingCodes: { '-': 1 } }]);
    catchError(
      () => parseCsv(text, { codebook, levels: { region: ['North'] } }),
      DataFormatError,
      'UNKNOWN_LEVEL',
    );
  });

  it('readCsv gives the same frames and errors as parseCsv (both routes)', async () => {
    const body = Array.from(
      { length: 3000 },
      (_, i) => `${i % 17 === 0 ? 'NA' : i * 3};${likert[i % 5]};${i % 11 === 0 ? ' NA' : i % 4}`,
    ).join('\n');
    const text = `inc;q;k\n${body}\n`;
    for (const opts of [
      { levels: { q: likert } },
      { levels: { q: likert.slice(1) } },
      { na: ['NA', '0'], levels: { k: ['3', '2', '1'] } },
    ] as CsvOptions[]) {
      const want = (() => {
        try {
          return snapshot(parseCsv(text, opts));
        } catch (e) {
          return (e as SurveyError).details;
        }
      })();
      const path = tmpFile(text);
      for (const size of [5, 4096, 1 << 20]) {
        const got = await loadFile(path, { ...opts, source: '<text>' }, size).then(
          snapshot,
          (e: SurveyError) => e.details,
        );
        expect(got).toEqual(want);
      }
    }
    const d = parseCsv(text, { levels: { q: likert } });
    expect(d.columns.inc!.kind).toBe('numeric');
    expect(cat(d, 'q').levels).toEqual(likert);
  });
});

describe('parseCsv: structure errors', () => {
  it('EMPTY_FILE for no header', () => {
    for (const t of ['', '\n\n', '\ufeff', '  \r\n \r\n']) {
      const e = catchError(() => parseCsv(t, { source: 'e.csv' }), DataFormatError, 'EMPTY_FILE');
      expect(e.details.file).toBe('e.csv');
    }
  });

  it('DUPLICATE_HEADER names both positions', () => {
    const e = catchError(() => parseCsv('a,b,a\n1,2,3\n'), DataFormatError, 'DUPLICATE_HEADER');
    expect(e.details).toMatchObject({ file: '<text>', line: 1, column: 'a', positions: [1, 3] });
    expect(e.message).toContain('columns 1 and 3');
  });

  it('EMPTY_HEADER gives the position', () => {
    const e = catchError(() => parseCsv('a,,c\n1,2,3\n'), DataFormatError, 'EMPTY_HEADER');
    expect(e.details).toMatchObject({ line: 1, position: 2 });
    catchError(() => parseCsv('a,b,\n1,2,\n'), DataFormatError, 'EMPTY_HEADER');
  });

  it('RAGGED_ROW gives line, row, expected and actual counts', () => {
    let e = catchError(
      () => parseCsv('a,b,c\n1,2,3\n4,5\n', { source: 'r.csv' }),
      DataFormatError,
      'RAGGED_ROW',
    );
    expect(e.details).toEqual({
      file: 'r.csv',
      line: 3,
      row: 2,
      expected: 3,
      actual: 2,
      value: '4,5',
    });
    // a quoted line break and a blank line before it shift the line
    e = catchError(() => parseCsv('a,b\n"x\ny",1\n\n3,4,5\n'), DataFormatError, 'RAGGED_ROW');
    expect(e.details).toMatchObject({ line: 5, row: 2, expected: 2, actual: 3 });
    expect(e.message).toContain('line 5 (row 2): expected 2 fields like the header, found 3');
  });

  it('MALFORMED_QUOTE for an unterminated or malformed quote', () => {
    let e = catchError(() => parseCsv('a,b\n1,2\n3,"4\n5,6\n'), DataFormatError, 'MALFORMED_QUOTE');
    expect(e.details).toMatchObject({ line: 3, row: 2, papaparse: 'MissingQuotes' });
    e = catchError(() => parseCsv('a,b\n1,"2"x\n3,4\n'), DataFormatError, 'MALFORMED_QUOTE');
    expect(e.details).toMatchObject({ line: 2, row: 1, papaparse: 'InvalidQuotes' });
    e = catchError(() => parseCsv('"a,b\n1,2\n'), DataFormatError, 'MALFORMED_QUOTE');
    expect(e.details).toMatchObject({ line: 1, row: 0 });
    expect(e.message).toContain('(header)');
  });

  it('records blank lines in the middle, ignores trailing ones', () => {
    const d = parseCsv('\na,b\n1,2\n\n   \n3,4\n\n\n');
    expect(d.nrow).toBe(2);
    expect(d.load.rowsRejected).toEqual([
      { row: 1, reason: 'empty line' },
      { row: 4, reason: 'empty line' },
      { row: 5, reason: 'empty line' },
    ]);
    expect(d.load.rowsRead).toBe(2);
    // a row of empty fields is a row, not a blank line
    expect(parseCsv('a,b\n,\n1,2\n').nrow).toBe(2);
  });
});

describe('parseCsv: delimiters, quotes, line breaks', () => {
  const expectAB = (d: SurveyData) => {
    expect(d.names).toEqual(['name', 'n']);
    expect(column(d, 'name')).toEqual(['x, y', 'z']);
    expect(num(d, 'n')).toEqual([1, 2]);
  };
  it('guesses ; tab and | and honours an explicit delimiter', () => {
    expectAB(parseCsv('name;n\nx, y;1\nz;2\n'));
    expectAB(parseCsv('name\tn\nx, y\t1\nz\t2\n'));
    expectAB(parseCsv('name|n\nx, y|1\nz|2\n'));
    expectAB(parseCsv('name,n\n"x, y",1\nz,2\n'));
    const d = parseCsv('a;b\n1;2\n', { delimiter: ',' });
    expect(d.names).toEqual(['a;b']);
  });

  it('keeps a quoted delimiter, escaped quotes and a line break in one field', () => {
    const d = parseCsv('id,text,n\n1,"a, ""b""\nc",5\n2,plain,6\n');
    expect(column(d, 'text')).toEqual(['a, "b"\nc', 'plain']);
    expect(num(d, 'n')).toEqual([5, 6]);
  });

  it('reads CRLF and CR line breaks', () => {
    for (const nl of ['\r\n', '\r']) {
      const d = parseCsv(['a,b', '1,x', '2,y', ''].join(nl));
      expect(num(d, 'a')).toEqual([1, 2]);
      expect(column(d, 'b')).toEqual(['x', 'y']);
      expect(d.load.rowsRejected).toEqual([]);
    }
  });

  it('drops a UTF-8 byte order mark', () => {
    const d = parseCsv('\ufeffid,v\n1,2\n');
    expect(d.names).toEqual(['id', 'v']);
  });
});

describe('readCsv', () => {
  it('gives the same frame as parseCsv on the same content', async () => {
    const opts = { codebook: POLL_CODEBOOK, source: 'poll.csv' };
    const fromText = parseCsv(readFileSync(POLL, 'utf8'), opts);
    const fromFile = await readCsv(POLL, opts);
    expect(snapshot(fromFile)).toEqual(snapshot(fromText));
    const plain = await readCsv(POLL);
    expect(plain.load.source).toBe(POLL);
    expect(snapshot({ ...plain, load: { ...plain.load, source: '<text>' } })).toEqual(
      snapshot(parseCsv(readFileSync(POLL, 'utf8'))),
    );
  });

  it('does not depend on where chunks are cut (text and bytes)', async () => {
    const bytes = readFileSync(POLL);
    const want = snapshot(
      parseCsv(bytes.toString('utf8'), { codebook: POLL_CODEBOOK, source: 's' }),
    );
    for (const n of [1, 2, 3, 5, 7, 64]) {
      expect(
        snapshot(loadText(bytes.toString('utf8'), { codebook: POLL_CODEBOOK, source: 's' }, n)),
        `text ${n}`,
      ).toEqual(want);
      expect(
        snapshot(await loadFile(POLL, { codebook: POLL_CODEBOOK, source: 's' }, n)),
        `bytes ${n}`,
      ).toEqual(want);
    }
  });

  it('reads windows-1251', async () => {
    const text = 'регион;пол;возраст\r\nМосква;муж;34\r\nЁлкино;жен;51\r\nУрал;жен;\r\n';
    const path = tmpFile(cp1251(text));
    const d = await readCsv(path, { encoding: 'windows-1251' });
    expect(d.names).toEqual(['регион', 'пол', 'возраст']);
    expect(cat(d, 'регион').levels).toEqual(['Ёлкино', 'Москва', 'Урал']);
    expect(column(d, 'пол')).toEqual(['муж', 'жен', 'жен']);
    expect(num(d, 'возраст')).toEqual([34, 51, null]);
    const small = await loadFile(path, { encoding: 'windows-1251' }, 3);
    expect(snapshot(small)).toEqual(snapshot(d));
    expect(snapshot(parseCsv(text, { source: path }))).toEqual(snapshot(d));
  });

  it('BAD_ENCODING gives the byte offset and line', async () => {
    const path = tmpFile(cp1251('id;region\r\n1;Москва\r\n'));
    const e = await catchAsync(readCsv(path), DataFormatError, 'BAD_ENCODING');
    expect(e.details).toMatchObject({ file: path, offset: 13, line: 2, encoding: 'utf-8' });
    expect(e.message).toContain("encoding: 'windows-1251'");
    // the same with a 1-byte read size, and an invalid sequence split across reads
    const e1 = await catchAsync(loadFile(path, {}, 1), DataFormatError, 'BAD_ENCODING');
    expect(e1.details).toMatchObject({ offset: 13, line: 2 });
    const split = tmpFile(new Uint8Array([0x61, 0x0a, 0xd0, 0xb0, 0x0a, 0xe2, 0x82, 0x41, 0x0a]));
    for (const n of [1, 2, 4, 6, 1024]) {
      const e2 = await catchAsync(loadFile(split, {}, n), DataFormatError, 'BAD_ENCODING');
      expect(e2.details, `chunk ${n}`).toMatchObject({ offset: 5, line: 3 });
    }
    // cut off at the end of the file
    const cut = tmpFile(new Uint8Array([0x61, 0x0a, 0x62, 0xd0]));
    const e3 = await catchAsync(readCsv(cut), DataFormatError, 'BAD_ENCODING');
    expect(e3.details).toMatchObject({ offset: 3, line: 2 });
  });

  it('reads UTF-16LE when told, and hints at it when not', async () => {
    const path = tmpFile(Buffer.from('\ufeffa\tb\r\n1\tx\r\n', 'utf16le'));
    const e = await catchAsync(readCsv(path), DataFormatError, 'BAD_ENCODING');
    expect(e.details.offset).toBe(0);
    expect(e.message).toContain("encoding: 'utf-16le'");
    const d = await readCsv(path, { encoding: 'utf-16le' });
    expect(d.names).toEqual(['a', 'b']);
    expect(column(d, 'b')).toEqual(['x']);
  });

  it('reads UTF-8 split inside characters and CRLF split between reads', async () => {
    const text = 'город,n\r\nМосква,1\r\n"Нижний\r\nНовгород",2\r\n';
    const path = tmpFile(text);
    const want = snapshot(parseCsv(text, { source: 'x' }));
    for (const n of [1, 2, 3, 4, 9]) {
      expect(snapshot(await loadFile(path, { source: 'x' }, n)), `chunk ${n}`).toEqual(want);
    }
    expect(column(parseCsv(text), 'город')).toEqual(['Москва', 'Нижний\r\nНовгород']);
  });

  it('typed errors for a missing file and an unknown encoding', async () => {
    const e = await catchAsync(readCsv(join(dir, 'nope.csv')), DataFormatError, 'FILE_NOT_FOUND');
    expect(e.details.file).toBe(join(dir, 'nope.csv'));
    await catchAsync(readCsv(POLL, { encoding: 'klingon' }), DataFormatError, 'UNKNOWN_ENCODING');
    const d = await catchAsync(readCsv(dir), DataFormatError, 'READ_ERROR');
    expect(d.details).toMatchObject({ file: dir, cause: 'EISDIR' });
  });

  it('reports structure errors with the file name', async () => {
    const path = tmpFile('a,b\n1,2\n3\n');
    const e = await catchAsync(readCsv(path), DataFormatError, 'RAGGED_ROW');
    expect(e.details).toMatchObject({ file: path, line: 3, row: 2 });
  });
});

describe('large columns (dictionary to numeric switch, second read)', () => {
  const n = DICT_CAP * 3;
  // w: many distinct numbers written with trailing zeros; t: the same, then a text cell late
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const w = (i * 0.25).toFixed(3);
    const t = i === n - 10 ? 'n/a' : w;
    rows.push(`${i + 1},${w},${t},${i % 7}`);
  }
  const text = `id,w,t,k\n${rows.join('\n')}\n`;

  it('rebuilds a late-text column from its exact texts', async () => {
    const d = parseCsv(text);
    expect(num(d, 'w').slice(0, 3)).toEqual([0, 0.25, 0.5]);
    const t = cat(d, 't');
    expect(t.levels).toHaveLength(n);
    expect(t.levels.slice(0, 3)).toEqual(['0.000', '0.250', '0.500']); // not '0', '0.25', '0.5'
    expect(t.levels[n - 1]).toBe('n/a');
    expect(column(d, 't')[n - 10]).toBe('n/a');
    const forced = parseCsv(text, { types: { t: 'categorical' } });
    expect(snapshot(d)).toEqual(snapshot(forced));
    const path = tmpFile(text);
    expect(snapshot(await readCsv(path, { source: '<text>' }))).toEqual(snapshot(d));
    expect(snapshot(loadText(text, {}, 1000))).toEqual(snapshot(d));
  });

  it('validates a numeric codebook variable the same before and after the switch', () => {
    const cb: Codebook = {
      variables: [{ name: 'w', type: 'numeric', range: [0, 900], missing: [-9] }],
    };
    const lines = text.split('\n');
    lines[3] = '3,x,0,0'; // row 3, before the switch
    lines[n - 100] = `${n - 100},999,0,0`; // after the switch: out of range
    lines[n - 50] = `${n - 50},-9,0,0`; // missing code
    lines[n - 49] = `${n - 49}, ,0,0`; // blank
    const csv = lines.join('\n');
    const e = catchError(
      () => parseCsv(csv, { codebook: cb }),
      CodebookError,
      'CODEBOOK_VIOLATION',
    );
    expect(e.details.violations).toEqual([
      {
        row: 3,
        line: 4,
        column: 'w',
        value: 'x',
        reason: 'not a number (variable "w" is numeric)',
      },
      {
        row: n - 100,
        line: n - 99,
        column: 'w',
        value: '999',
        reason: 'outside the range [0, 900] of "w"',
      },
    ]);
    for (const size of [7, 4096]) {
      const again = catchError(
        () => loadText(csv, { codebook: cb }, size),
        CodebookError,
        'CODEBOOK_VIOLATION',
      );
      expect(again.details).toEqual(e.details);
    }
    const ok = parseCsv(
      csv.replace('3,x,0,0', '3,1,0,0').replace(`${n - 100},999,0,0`, `${n - 100},1,0,0`),
      {
        codebook: cb,
      },
    );
    expect(ok.load.missing).toEqual([{ column: 'w', empty: 1, missingCodes: { '-9': 1 } }]);
    const w = num(ok, 'w');
    expect([w[2], w[n - 51], w[n - 50], w[n - 1]]).toEqual([1, null, null, (n - 1) * 0.25]);
  });

  it('reports NOT_A_NUMBER after the switch at the right row', () => {
    const lines = text.split('\n');
    lines[n - 5] = `${n - 5},zz,0,0`;
    const e = catchError(
      () => parseCsv(lines.join('\n'), { types: { w: 'numeric' } }),
      DataFormatError,
      'NOT_A_NUMBER',
    );
    expect(e.details).toMatchObject({
      row: n - 5,
      line: n - 4,
      column: 'w',
      value: 'zz',
      total: 1,
    });
  });
});

describe('chunk independence (seeded random CSVs)', () => {
  let seed = 12345;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * k);
  };
  const cells = [
    '1',
    '2.5',
    '',
    ' ',
    'x',
    'Да',
    '"a,b"',
    '"q ""w"""',
    '"line\nbreak"',
    '"cr\r\nlf"',
    '-3e2',
    '0x1',
    'a"b',
  ];
  const cell = () => (rnd(150) === 0 ? '"' : cells[rnd(cells.length)]!);

  function randomCsv(): string {
    const ncol = 1 + rnd(4);
    const nl = ['\n', '\r\n'][rnd(2)]!;
    const lines = [Array.from({ length: ncol }, (_, j) => `c${j}`).join(',')];
    const nrow = rnd(30);
    for (let i = 0; i < nrow; i++) {
      if (rnd(15) === 0) {
        lines.push('');
        continue;
      }
      const n = rnd(150) === 0 ? ncol + 1 : ncol;
      lines.push(Array.from({ length: n }, cell).join(','));
    }
    return lines.join(nl) + (rnd(2) ? nl : '');
  }

  function outcome(f: () => SurveyData): unknown {
    try {
      return snapshot(f());
    } catch (e) {
      if (!(e instanceof SurveyError)) throw e;
      return { code: e.code, message: e.message, details: e.details };
    }
  }

  it('gives the same frame or the same error for any cut of the text', () => {
    for (let k = 0; k < 300; k++) {
      const text = randomCsv();
      const opts = k % 3 === 0 ? { types: { c0: 'categorical' as const } } : {};
      const want = outcome(() => loadText(text, opts, 1 << 20));
      for (const size of [1, 2, 3, 5, 8, 13]) {
        expect(
          outcome(() => loadText(text, opts, size)),
          JSON.stringify({ text, size }),
        ).toEqual(want);
      }
    }
  });

  it('gives the same frame or the same error for any cut of the bytes', async () => {
    for (let k = 0; k < 40; k++) {
      const text = randomCsv();
      const path = tmpFile(text);
      const want = outcome(() => parseCsv(text, { source: 's' }));
      for (const size of [1, 2, 3, 7]) {
        let got: unknown;
        try {
          got = snapshot(await loadFile(path, { source: 's' }, size));
        } catch (e) {
          if (!(e instanceof SurveyError)) throw e;
          got = { code: e.code, message: e.message, details: e.details };
        }
        expect(got, JSON.stringify({ text, size })).toEqual(want);
      }
    }
  });
});
