/**
 * The CSV loader's byte route (UTF-8 files read as bytes, cells found without a string each):
 * its pieces (byte dictionary, number reader), and a file loaded through it gives the same frame,
 * or the same error, as its text loaded through the text route — for any cut of the bytes, with
 * quotes appearing mid-file (the loader then turns to the text route), CRLF and CR line breaks,
 * blank lines, ragged rows, non-ASCII text, a byte order mark, and invalid UTF-8; with `na`
 * texts (also numeric ones, in columns read as codes or as numbers) and `levels`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteDictionary, decimalFromBytes, utf8Bytes } from '../../../src/data/csv/bytes.js';
import type { CsvOptions } from '../../../src/data/csv/csv.js';
import { streamFileText } from '../../../src/data/csv/decode.js';
import { CsvLoader } from '../../../src/data/csv/loader.js';
import { loadFile, loadText } from '../../../src/data/csv/run.js';
import type { SurveyData } from '../../../src/data/types.js';
import { SurveyError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'surveykit-csv-bytes-'));
let fileNo = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tmpFile(content: string | Uint8Array): string {
  const path = join(dir, `f${fileNo++}.csv`);
  writeFileSync(path, content);
  return path;
}

/** A plain, comparable picture of a frame (NaN as null), or of the error. */
function outcome(d: SurveyData): unknown {
  return {
    nrow: d.nrow,
    names: [...d.names],
    columns: d.names.map((n) => {
      const c = d.columns[n]!;
      return c.kind === 'numeric'
        ? { kind: c.kind, values: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)) }
        : { kind: c.kind, codes: Array.from(c.codes), levels: [...c.levels] };
    }),
    load: d.load,
  };
}

async function settle(f: () => Promise<SurveyData> | SurveyData): Promise<unknown> {
  try {
    return outcome(await f());
  } catch (e) {
    if (!(e instanceof SurveyError)) throw e;
    return { code: e.code, message: e.message, details: e.details };
  }
}

/** A file through the text route only (the loader hidden behind a sink without pushUtf8). */
async function loadFileAsText(path: string, opts: CsvOptions, chunkBytes: number, sample: number) {
  const loader = new CsvLoader({ ...opts, source: 's' }, { sampleChars: sample });
  await streamFileText(
    path,
    { push: (t) => loader.push(t), lineReached: () => loader.lineReached() },
    { source: 's', chunkBytes },
  );
  return loader.end().data;
}

describe('errors in file order', () => {
  it('a ragged row before bad bytes is the error, a ragged row after them is not, for any chunks', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i},x${i % 5}`);
    const make = (ragged: number, bad: number) => {
      const lines = ['a,b', ...rows];
      lines[ragged] = `${lines[ragged]},extra`;
      const text = utf8Bytes(`${lines.join('\n')}\n`);
      const at = utf8Bytes(`${lines.slice(0, bad).join('\n')}\n`).length;
      return new Uint8Array([...text.subarray(0, at), 0xff, ...text.subarray(at)]);
    };
    for (const [ragged, bad, code] of [
      [3, 150, 'RAGGED_ROW'],
      [150, 3, 'BAD_ENCODING'],
    ] as const) {
      const path = tmpFile(make(ragged, bad));
      for (const size of [5, 64, 1 << 20]) {
        for (const sample of [16, 1 << 16]) {
          const got = (await settle(() =>
            loadFile(path, { source: 's' }, size, { sampleChars: sample }),
          )) as { code: string; details: { line: number } };
          expect(got.code, JSON.stringify({ ragged, bad, size, sample })).toBe(code);
          expect(got.details.line).toBe(Math.min(ragged, bad) + 1);
        }
      }
    }
  });
});

describe('errors of the loader while the file streams', () => {
  it('are thrown as they are, not as read errors', async () => {
    const text = `a,b\n${Array.from({ length: 3000 }, (_, i) => `${i},${i % 7}`).join('\n')}\n`;
    const path = tmpFile(text);
    const codebook = { variables: [{ name: 'c', type: 'numeric' as const }] };
    for (const size of [7, 4096, 1 << 20]) {
      for (const sample of [16, 1 << 16]) {
        const got = (await settle(() =>
          loadFile(path, { source: 's', codebook }, size, { sampleChars: sample }),
        )) as { code: string };
        expect(got.code, JSON.stringify({ size, sample })).toBe('MISSING_COLUMN');
      }
    }
  });
});

describe('ByteDictionary', () => {
  it('finds every key added, and no other, as its table grows', () => {
    const dict = new ByteDictionary();
    const keys = Array.from({ length: 3000 }, (_, i) => `key-${i}-${'x'.repeat(i % 7)}`);
    const bytes = utf8Bytes(keys.join(''));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const at: number[] = [];
    let p = 0;
    for (const k of keys) {
      at.push(p);
      p += k.length;
    }
    keys.forEach((k, i) => {
      expect(dict.find(bytes, view, at[i]!, at[i]! + k.length)).toBe(-1);
      dict.add(bytes, at[i]!, at[i]! + k.length, i * 2);
    });
    keys.forEach((k, i) => {
      expect(dict.find(bytes, view, at[i]!, at[i]! + k.length)).toBe(i * 2);
    });
    // a prefix of a key is another key
    expect(dict.find(bytes, view, at[10]!, at[10]! + 3)).toBe(-1);
  });

  it('keys alike at both ends (ids) are found too', () => {
    const dict = new ByteDictionary();
    // The same length, first four and last four bytes: one hash for all, until every byte counts.
    const keys = Array.from({ length: 2000 }, (_, i) => `ID-${String(i).padStart(6, '0')}-END`);
    const L = 13;
    const bytes = utf8Bytes(keys.join(''));
    const view = new DataView(bytes.buffer);
    keys.forEach((_, i) => {
      expect(dict.find(bytes, view, L * i, L * i + L)).toBe(-1);
      dict.add(bytes, L * i, L * i + L, i);
    });
    for (let i = 0; i < keys.length; i++) expect(dict.find(bytes, view, L * i, L * i + L)).toBe(i);
    const other = utf8Bytes('ID-999999-END');
    expect(dict.find(other, new DataView(other.buffer), 0, L)).toBe(-1);
  });
});

describe('decimalFromBytes', () => {
  it('reads simple decimals exactly as Number() does, and declines the rest', () => {
    let seed = 3;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let k = 0; k < 5000; k++) {
      const digits = 1 + Math.floor(rnd() * 15);
      let s = '';
      for (let d = 0; d < digits; d++) s += Math.floor(rnd() * 10);
      const cut = Math.floor(rnd() * digits);
      if (cut > 0) s = `${s.slice(0, cut)}.${s.slice(cut)}`;
      if (rnd() < 0.3) s = `-${s}`;
      const b = utf8Bytes(s);
      expect(decimalFromBytes(b, 0, b.length)).toBe(Number(s));
    }
    for (const s of ['1e3', '1.', '.5', '+1', '0x10', '1234567890123456', '', '-', '1 ']) {
      const b = utf8Bytes(s);
      expect(decimalFromBytes(b, 0, b.length)).toBeNaN();
    }
  });
});

describe('the byte route gives what the text route gives', () => {
  let seed = 777;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * k);
  };
  const plain = [
    '1',
    '2.5',
    '',
    ' ',
    'x',
    'Да',
    'Минск',
    '-3e2',
    '0x1',
    '10',
    'Hard to say',
    'lf\nin',
    'NA',
    ' NA ',
    '-9',
    '-9.0',
  ];
  const quoted = ['"a,b"', '"q ""w"""', '"line\nbreak"'];

  function randomCsv(withQuotes: boolean, nl: string): string {
    const ncol = 1 + rnd(4);
    const lines = [Array.from({ length: ncol }, (_, j) => `c${j}`).join(',')];
    const nrow = 5 + rnd(60);
    const quoteRow = withQuotes ? rnd(nrow) : -1;
    for (let i = 0; i < nrow; i++) {
      if (rnd(20) === 0) {
        lines.push('');
        continue;
      }
      const n = rnd(200) === 0 ? ncol + 1 : ncol;
      lines.push(
        Array.from({ length: n }, (_, j) =>
          i === quoteRow && j === 0 ? quoted[rnd(quoted.length)]! : plain[rnd(plain.length)]!,
        ).join(','),
      );
    }
    return lines.join(nl) + (rnd(2) ? nl : '');
  }

  it('for any cut of the bytes and any point where the byte route starts', async () => {
    for (let k = 0; k < 90; k++) {
      const nl = ['\n', '\r\n', '\r'][k % 3]!;
      const text = (k % 10 === 0 ? '\uFEFF' : '') + randomCsv(k % 4 === 0, nl);
      const path = tmpFile(text);
      const opts: CsvOptions = (
        [
          { types: { c0: 'categorical' } },
          { na: ['-9', 'x', 'Минск'] },
          // levels that every cell but 'Hard to say' and the two-line one fits, or not
          { levels: { c0: ['x', 'Да', '1', '-9', 'Минск', '2.5', '10', '0x1', '-3e2', '-9.0'] } },
          { na: [] },
          {},
        ] satisfies CsvOptions[]
      )[k % 5]!;
      for (const sample of [4, 64]) {
        const want = await settle(() =>
          loadText(text.replace(/^\uFEFF/, ''), { ...opts, source: 's' }, 1 << 20, {
            sampleChars: sample,
          }),
        );
        for (const size of [1, 7, 40, 1 << 20]) {
          const got = await settle(() =>
            loadFile(path, { ...opts, source: 's' }, size, { sampleChars: sample }),
          );
          expect(got, JSON.stringify({ text, size, sample })).toEqual(want);
        }
      }
    }
  });

  it('many rows: columns that turn numeric, long categorical columns, row numbers in errors', async () => {
    const rows = ['id,w,g,t'];
    for (let i = 0; i < 5000; i++) {
      rows.push(
        `${i},${(i * 0.37).toFixed(2)},${['a', 'bb', 'Минск', 'Hard to say'][i % 4]},${i % 3}`,
      );
    }
    const text = `${rows.join('\n')}\n`;
    // The values themselves (a small numeric column turned from codes into numbers in place).
    const d = await loadFile(tmpFile(text), {}, 4096, { sampleChars: 64 });
    const t = d.columns.t!;
    const w = d.columns.w!;
    expect(t.kind === 'numeric' && Array.from(t.values)).toEqual(
      rows.slice(1).map((_, i) => i % 3),
    );
    expect(w.kind === 'numeric' && Array.from(w.values)).toEqual(
      rows.slice(1).map((_, i) => Number((i * 0.37).toFixed(2))),
    );
    // numeric columns meeting `na` texts after they turned numeric (id and w), also numeric ones
    const naText = text
      .replace('\n4000,', '\nNA,')
      .replace('\n4001,', '\n -9 ,')
      .replace('\n4002,', '\n-9.0,')
      .replace(',1480.74,', ',NA,');
    const variants: Array<[string, CsvOptions]> = [
      [text, {}],
      [text.replace('\n4000,', '\n4000x,'), {}],
      [`${text}1,2\n`, {}],
      [naText, {}],
      [naText, { na: ['NA', '-9'] }],
      [naText, { na: [] }],
      [text.replace('\n4000,', '\n4000x,'), { levels: { g: ['Hard to say', 'bb', 'a', 'Минск'] } }],
      [text.replace(',Минск,', ',Брест,'), { levels: { g: ['Hard to say', 'bb', 'a', 'Минск'] } }],
    ];
    for (const [variant, opts] of variants) {
      const path = tmpFile(variant);
      const want = await settle(() => loadText(variant, { ...opts, source: 's' }));
      for (const size of [97, 4096, 1 << 20]) {
        const got = await settle(() =>
          loadFile(path, { ...opts, source: 's' }, size, { sampleChars: 64 }),
        );
        expect(got).toEqual(want);
      }
    }
    // what the na variants read
    const naDefault = await loadFile(tmpFile(naText), {}, 4096, { sampleChars: 64 });
    const id = naDefault.columns.id!;
    expect(id.kind).toBe('numeric');
    expect(id.kind === 'numeric' && [id.values[4000], id.values[4001], id.values[4002]]).toEqual([
      Number.NaN,
      -9,
      -9,
    ]);
    expect(naDefault.load.missing).toEqual([
      { column: 'id', empty: 0, missingCodes: {}, na: { NA: 1 } },
      { column: 'w', empty: 0, missingCodes: {}, na: { NA: 1 } },
    ]);
    const naNine = await loadFile(tmpFile(naText), { na: ['NA', '-9'] }, 4096, { sampleChars: 64 });
    const id9 = naNine.columns.id!;
    expect(
      id9.kind === 'numeric' && [id9.values[4000], id9.values[4001], id9.values[4002]],
    ).toEqual([Number.NaN, Number.NaN, -9]);
    expect(naNine.load.missing[0]).toEqual({
      column: 'id',
      empty: 0,
      missingCodes: {},
      na: { NA: 1, '-9': 1 },
    });
    // without 'NA' among the na texts the columns hold text: categorical (id after a second read)
    const naNone = await loadFile(tmpFile(naText), { na: [] }, 4096, { sampleChars: 64 });
    expect([naNone.columns.id!.kind, naNone.columns.w!.kind]).toEqual([
      'categorical',
      'categorical',
    ]);
  });

  it('the fused loop: numbers it declines, a blank before a new text, keys alike at the start, codebook ranges', async () => {
    // w turns numeric after DICT_CAP distinct numbers; then cells the fast reader must decline
    // (read by the general way) or take, each in a record of its own, with g meeting a new
    // text in some of them (the record is given up on after w's cell was read: its blank must
    // be counted once).
    const odd = ['', ' 12', '12.', '.5', '-', '-0', '1234567890123456', '123456789012345', '1e3'];
    odd.push('9007199254740993', '-9007199254740993'); // beyond 2^53: not numbers (long ids)
    const more = ['0x1', '007', '-12.50', '12 ', 'NA', '-9', '3.25'];
    // g's texts: keys that start alike (each found from its first four bytes, then checked up
    // to the byte after it), of 3 to 16 bytes and longer, in the last column (a line break ends them)
    const g = ['a', 'Agree', 'Agreed', '60+', '60+x', 'Minsk city', 'Minsk region', 'Hard to say'];
    g.push('Minsk regions', 'Rather disagree!', 'Rather disagree!!', 'Да', 'Минск', 'Минская обл.');
    const head = ['w,t,g'];
    for (let i = 0; i < 3000; i++) head.push(`${i * 3 + 0.5},${i % 3},${g[i % g.length]}`);
    // (100 plain records before each: after a short run the general way reads a whole batch)
    const tail = [...odd, ...more].flatMap((cell, k) => [
      ...head.slice(1, 101),
      `${cell},${k % 3},${k % 3 === 0 ? `new${k}` : 'a'}`,
    ]);
    const text = `${[...head, ...tail].join('\n')}\n`;
    const variants: Array<[string, CsvOptions]> = [
      [text, {}],
      [text, { types: { w: 'numeric' } }],
      [text, { na: ['NA', '-9'] }],
      [
        text,
        {
          codebook: {
            variables: [{ name: 'w', type: 'numeric', range: [0, 5000], missing: [-9] }],
          },
        },
      ],
    ];
    for (const [variant, opts] of variants) {
      const path = tmpFile(variant);
      const want = await settle(() => loadText(variant, { ...opts, source: 's' }));
      for (const size of [97, 4096, 1 << 20]) {
        const got = await settle(() =>
          loadFile(path, { ...opts, source: 's' }, size, { sampleChars: 64 }),
        );
        expect(got, JSON.stringify({ opts, size })).toEqual(want);
      }
    }
    // what the fused loop and the general way read from those that are numbers: the blank cell
    // counted once (its record given up on for the new text after it), '-0' as −0
    const numbers = ['', ' 12', '12.', '.5', '-0', '1234567890123456', '123456789012345', '1e3'];
    const rows = numbers.map((cell, k) => `${cell},${k % 3},${k === 0 ? 'new' : 'a'}`);
    const d = await loadFile(tmpFile(`${[...head, ...rows].join('\n')}\n`), {}, 4096, {
      sampleChars: 64,
    });
    const w = d.columns.w!;
    expect(w.kind).toBe('numeric');
    if (w.kind !== 'numeric') return;
    expect(Array.from(w.values.subarray(3000))).toEqual([
      Number.NaN,
      12,
      12,
      0.5,
      -0,
      1234567890123456,
      123456789012345,
      1000,
    ]);
    expect(d.load.missing.find((m) => m.column === 'w')?.empty).toBe(1);
  });

  it('invalid UTF-8: the same error, byte offset and line as the text route', async () => {
    const good = utf8Bytes('a,b\n1,Да\n2,x\n3,y\n');
    for (const at of [5, 8, 12, good.length - 1]) {
      for (const bad of [[0xff], [0xc3], [0xe2, 0x82]]) {
        const bytes = new Uint8Array([...good.subarray(0, at), ...bad, ...good.subarray(at)]);
        const path = tmpFile(bytes);
        for (const size of [1, 2, 5, 1 << 20]) {
          const want = await settle(() => loadFileAsText(path, {}, size, 4));
          const got = await settle(() => loadFile(path, { source: 's' }, size, { sampleChars: 4 }));
          expect((want as { code: string }).code).toBe('BAD_ENCODING');
          expect(got, JSON.stringify({ at, bad, size })).toEqual(want);
        }
      }
    }
  });
});
