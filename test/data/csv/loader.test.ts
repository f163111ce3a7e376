/**
 * The CSV loader on hostile and careless input: every line break outside quotes ends a record
 * (in the text route, the byte route and the quoted route alike, for any cut of the input), a
 * quoted empty cell is a cell and never a blank line, a record too long or a header too wide is
 * a typed TOO_LARGE error (said as soon as it is known, after the errors of the records before
 * it), a record spanning many pieces is read whole, and column names or level texts such as
 * `__proto__` are ordinary names.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/data/csv/csv.js';
import { loadFile, loadText } from '../../../src/data/csv/run.js';
import { column } from '../../../src/data/frame.js';
import type { SurveyData } from '../../../src/data/types.js';
import { DataFormatError, SurveyError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'surveykit-csv-loader-'));
let fileNo = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tmpFile(content: string | Uint8Array): string {
  const path = join(dir, `f${fileNo++}.csv`);
  writeFileSync(path, content);
  return path;
}

/** A frame as plain data (NaN as null), or the error's code, message and details. */
function picture(run: () => SurveyData): unknown {
  try {
    const d = run();
    return {
      nrow: d.nrow,
      names: [...d.names],
      values: d.names.map((n) =>
        Array.from(column(d, n) as ArrayLike<unknown>, (v) =>
          typeof v === 'number' && Number.isNaN(v) ? null : v,
        ),
      ),
      load: { ...d.load, source: '' },
    };
  } catch (e) {
    if (!(e instanceof SurveyError)) throw e;
    return {
      code: e.code,
      message: e.message.replace(/^[^,:]*/, ''),
      details: { ...e.details, file: '' },
    };
  }
}

async function pictureAsync(run: () => Promise<SurveyData>): Promise<unknown> {
  let d: SurveyData;
  try {
    d = await run();
  } catch (e) {
    return picture(() => {
      throw e;
    });
  }
  return picture(() => d);
}

/**
 * The text loaded in one piece, in pieces of every size up to 7 characters, and as a file
 * through the byte route in pieces of 1 to 7 bytes: all the same, which is returned.
 */
async function everyRoute(text: string, opts: Parameters<typeof parseCsv>[1] = {}) {
  const whole = picture(() => loadText(text, opts));
  for (let slice = 1; slice <= 7; slice++) {
    expect(
      picture(() => loadText(text, opts, slice)),
      `text in slices of ${slice}`,
    ).toEqual(whole);
  }
  const path = tmpFile(text);
  for (let chunk = 1; chunk <= 7; chunk++) {
    const got = await pictureAsync(() => loadFile(path, opts, chunk, { sampleChars: 4 }));
    expect(got, `file in chunks of ${chunk}`).toEqual(whole);
  }
  return whole as { nrow: number; values: unknown[][]; load: SurveyData['load'] };
}

describe('line breaks', () => {
  it('a bare \\n in a \\r\\n file ends a record, as R reads it (it joined two rows into one cell)', async () => {
    const got = await everyRoute('x\r\n1\r\n2\n3\r\n4\r\n');
    expect(got.values).toEqual([[1, 2, 3, 4]]);
    expect(got.nrow).toBe(4);
  });

  it('\\n, \\r\\n and \\r all end records, in any mix, quoted or not', async () => {
    for (const text of [
      'x,y\n1,a\r2,b\r\n3,c\n',
      'x,y\r1,a\n2,b\r\n3,c\r',
      'x,y\r\n1,"a"\r2,b\n3,"c"\r\n',
      'x,y\r"1",a\n2,"b"\r\n3,c',
    ]) {
      const got = await everyRoute(text);
      expect(got.values, JSON.stringify(text)).toEqual([
        [1, 2, 3],
        ['a', 'b', 'c'],
      ]);
    }
  });

  it('line breaks inside quotes stay in the cell as written, and count as lines of the file', async () => {
    const got = await everyRoute('id,t\n1,"a\r\nb"\n2,"c\nd\re"\n3,x,extra\n');
    // lines: header; 1,"a | b"; 2,"c | d | e"; 3,x,extra
    expect(got).toMatchObject({ code: 'RAGGED_ROW', details: { line: 7, row: 3 } });
    const ok = await everyRoute('id,t\n1,"a\r\nb"\n2,"c\nd\re"\n');
    expect(ok.values[1]).toEqual(['a\r\nb', 'c\nd\re']);
  });

  it('blank lines of any kind between rows are listed, with their line numbers', async () => {
    const got = await everyRoute('a,b\r\n1,2\r\n\n\r3,4\r\n');
    expect(got.nrow).toBe(2);
    expect(got.load.rowsRejected).toEqual([
      { row: 3, reason: 'empty line' },
      { row: 4, reason: 'empty line' },
    ]);
  });
});

describe('quoted empty cells', () => {
  it('a lone "" is a row with an empty cell (counted as missing), not a blank line', async () => {
    for (const text of ['a\n""\n', 'a\n""', 'a\r\n""\r\n', 'a\n1\n""\n2\n']) {
      const got = await everyRoute(text);
      const n = text.includes('1') ? 3 : 1;
      expect(got.nrow, JSON.stringify(text)).toBe(n);
      expect(got.load.rowsRejected).toEqual([]);
      expect(got.load.missing).toEqual([{ column: 'a', empty: 1, missingCodes: {} }]);
    }
  });

  it('a lone "" in a file of two columns is a ragged row, not a blank line', async () => {
    const got = await everyRoute('a,b\n1,2\n""\n3,4\n');
    expect(got).toMatchObject({ code: 'RAGGED_ROW', details: { line: 3, expected: 2, actual: 1 } });
  });

  it('a quoted empty last cell is a cell, counted', async () => {
    const got = await everyRoute('a,b\n1,""\n2,""');
    expect(got.values).toEqual([
      [1, 2],
      [null, null],
    ]);
    expect(got.load.missing).toEqual([{ column: 'b', empty: 2, missingCodes: {} }]);
  });
});

describe('limits', () => {
  it('a header wider than maxColumns is TOO_LARGE before any column is made; the option raises it', async () => {
    const header = Array.from({ length: 12 }, (_, i) => `c${i}`).join(',');
    for (const text of [`${header}\n`, `${header.replace('c3', '"c3"')}\n`]) {
      const got = await everyRoute(text, { maxColumns: 10 });
      expect(got).toMatchObject({
        code: 'TOO_LARGE',
        details: { line: 1, value: 12, limit: 10, option: 'maxColumns' },
      });
      expect((got as unknown as { message: string }).message).toMatch(/\{ maxColumns: n \}/);
      expect(parseCsv(text, { maxColumns: 12 }).names).toHaveLength(12);
    }
  });

  it('a record longer than maxRecordLength is TOO_LARGE at its line, after the errors of the rows before it', async () => {
    const long = 'x'.repeat(300);
    for (const body of [`1,${long}\n2,y\n`, `1,"${long}"\n2,y\n`, `1,"${long}`, `1,${long}`]) {
      const got = await everyRoute(`a,b\n0,z\n${body}`, { maxRecordLength: 100 });
      expect(got, body.slice(0, 8)).toMatchObject({
        code: 'TOO_LARGE',
        details: { line: 3, limit: 100, option: 'maxRecordLength' },
      });
      const ragged = await everyRoute(`a,b\n0,z,extra\n${body}`, { maxRecordLength: 100 });
      expect(ragged).toMatchObject({ code: 'RAGGED_ROW', details: { line: 2 } });
    }
    // characters, not bytes: 100 Cyrillic letters are 200 bytes in UTF-8
    const cyr = await everyRoute(`a,b\n1,${'ж'.repeat(98)}\n`, { maxRecordLength: 100 });
    expect(cyr.nrow).toBe(1);
  });

  it('a quote never closed is TOO_LARGE once its record passes the limit, not the whole file in memory', async () => {
    const text = `a,b\n1,"${'y,\n'.repeat(200)}`;
    const got = await everyRoute(text, { maxRecordLength: 64 });
    expect(got).toMatchObject({ code: 'TOO_LARGE', details: { line: 2 } });
    expect(picture(() => parseCsv(text))).toMatchObject({ code: 'MALFORMED_QUOTE' });
  });

  it('rejects limits that are not positive integers, and maxRecordLength beyond 2^28', () => {
    for (const opts of [{ maxColumns: 0 }, { maxColumns: 1.5 }, { maxRecordLength: 2 ** 28 + 1 }]) {
      expect(() => parseCsv('a\n1\n', opts as never)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      );
    }
  });
});

describe('long records and wide files', () => {
  it('one field spanning many pieces is read whole, through the text and the byte route', async () => {
    const field = Array.from({ length: 5000 }, (_, i) => `w${i % 97}`).join('');
    for (const nl of ['\n', '\r\n', '\r']) {
      const text = `a,b${nl}1,${field}${nl}2,y${nl}`;
      const path = tmpFile(text);
      for (const chunk of [1, 3, 1000]) {
        const d = await loadFile(path, {}, chunk, { sampleChars: 4 });
        expect(column(d, 'b'), `${JSON.stringify(nl)} ${chunk}`).toEqual([field, 'y']);
      }
      expect(column(loadText(text, {}, 7), 'b')).toEqual([field, 'y']);
    }
  });

  it('a file of thousands of columns and few rows loads', async () => {
    const n = 5000;
    const header = Array.from({ length: n }, (_, i) => `q${i}`).join(',');
    const row = (r: number) => Array.from({ length: n }, (_, i) => String((i + r) % 3)).join(',');
    const text = `${header}\n${row(0)}\n${row(1)}\n`;
    const d = await loadFile(tmpFile(text), {});
    expect(d.names).toHaveLength(n);
    expect(column(d, 'q4999')).toEqual(Float64Array.of(1, 2));
    expect(parseCsv(text).columns.q1!.kind).toBe('numeric');
  });
});

describe('names and texts from the data are only names', () => {
  it('columns __proto__, constructor and toString, and such levels and na texts', async () => {
    const text =
      '__proto__,constructor,toString,hasOwnProperty\n1,__proto__,x,valueOf\n2,constructor,y,\n3,NA,toString,__proto__\n';
    const got = await everyRoute(text, { na: ['NA', 'toString'] });
    expect(got.values).toEqual([
      [1, 2, 3],
      ['__proto__', 'constructor', null],
      ['x', 'y', null],
      ['valueOf', null, '__proto__'],
    ]);
    expect(got.load.missing).toEqual([
      { column: 'constructor', empty: 0, missingCodes: {}, na: { NA: 1 } },
      { column: 'toString', empty: 0, missingCodes: {}, na: JSON.parse('{"toString": 1}') },
      { column: 'hasOwnProperty', empty: 1, missingCodes: {} },
    ]);
    const d = parseCsv(text, {
      types: JSON.parse('{"__proto__": "categorical"}'),
      levels: JSON.parse('{"constructor": ["constructor", "__proto__", "NA"]}'),
      na: ['__proto__'],
    });
    expect(column(d, '__proto__')).toEqual(['1', '2', '3']);
    expect(column(d, 'constructor')).toEqual(['__proto__', 'constructor', 'NA']);
    const na = d.load.missing.find((m) => m.column === 'hasOwnProperty')?.na;
    expect(Object.entries(na ?? {})).toEqual([['__proto__', 1]]);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('a types or levels entry inherited by every object (toString) is not an entry', () => {
    const d = parseCsv('toString,b\n1,x\n', { types: { b: 'categorical' } });
    expect(d.columns.toString).toMatchObject({ kind: 'numeric' });
    const types = JSON.parse('{"toString": "numeric"}') as Record<string, 'numeric'>;
    expect(() => parseCsv('a\n1\n', { types })).toThrow(DataFormatError);
  });
});
