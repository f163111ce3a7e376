/**
 * draftCodebook: a valid codebook that reads the same file back — for CSV files read without and
 * with a codebook, and for SPSS files (their dictionary's labels and missing codes kept).
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type Codebook, parseCodebook } from '../../src/data/codebook.js';
import { parseCsv, readCsv } from '../../src/data/csv/csv.js';
import { formatCsv } from '../../src/data/csv/format.js';
import { draftCodebook } from '../../src/data/draft-codebook.js';
import { fromColumns } from '../../src/data/frame.js';
import { readSav } from '../../src/data/sav/sav.js';
import type { SurveyData } from '../../src/data/types.js';
import { CodebookError } from '../../src/errors.js';

const CSV = 'test/fixtures/csv/poll.csv';
const SAV = 'test/fixtures/sav';

function differing(a: SurveyData, b: SurveyData): string[] {
  expect(b.names).toEqual(a.names);
  return a.names.filter((n) => !isDeepStrictEqual(a.columns[n], b.columns[n]));
}

describe('draftCodebook', () => {
  it('of a CSV read without a codebook: types as read, levels as values, numeric ranges', async () => {
    const data = await readCsv(CSV);
    const draft = draftCodebook(data);
    expect(parseCodebook(JSON.parse(JSON.stringify(draft)))).toEqual(draft);
    expect(draft.variables.map((v) => [v.name, v.type])).toEqual([
      ['id', 'numeric'],
      ['region', 'categorical'],
      ['sex', 'numeric'],
      ['age', 'numeric'],
      ['q1', 'numeric'],
      ['comment', 'categorical'],
    ]);
    const byName = new Map(draft.variables.map((v) => [v.name, v]));
    expect(byName.get('region')!.values!.map((v) => v.label)).toEqual(
      data.columns.region!.kind === 'categorical' ? data.columns.region!.levels : [],
    );
    expect(byName.get('region')!.values!.every((v) => v.code === v.label)).toBe(true);
    expect(byName.get('age')!.range).toEqual([34, 51]);
    // the draft reads the same file back, to the same columns
    const back = await readCsv(CSV, { codebook: draft });
    expect(differing(data, back)).toEqual([]);
  });

  it('of a CSV read with a codebook: its entries kept, the other columns drafted', async () => {
    const codebook = parseCodebook(
      JSON.parse(
        await (await import('node:fs/promises')).readFile(
          'test/fixtures/csv/poll.codebook.json',
          'utf8',
        ),
      ),
    );
    const data = await readCsv(CSV, { codebook });
    const draft = draftCodebook(data);
    const sex = draft.variables.find((v) => v.name === 'sex');
    expect(sex).toEqual(codebook.variables.find((v) => v.name === 'sex'));
    // age has its own range in the codebook: kept, not narrowed to the data's
    expect(draft.variables.find((v) => v.name === 'age')!.range).toEqual([18, 99]);
    expect(draft.title).toBe('Fixture poll');
    expect(draft.language).toBe('en');
    expect(draft.variables.find((v) => v.name === 'id')!.range).toEqual([1, 4]);
    const back = await readCsv(CSV, { codebook: draft });
    expect(differing(data, back)).toEqual([]);
    expect(back.load.missing).toEqual(data.load.missing);
  });

  it('of an SPSS file: labels and missing codes from its dictionary; reads the SPSS data as CSV', async () => {
    const sav = await readSav(`${SAV}/poll.sav`);
    const draft = draftCodebook(sav);
    const sex = draft.variables.find((v) => v.name === 'sex')!;
    expect(sex).toMatchObject({ type: 'categorical', label: 'Пол', missing: [9] });
    expect(sex.values!.map((v) => `${v.code}=${v.label}`)).toEqual([
      '1=Мужчина',
      '2=Женщина',
      '9=Отказ',
    ]);
    expect(draft.variables.find((v) => v.name === 'age')).toMatchObject({
      missing: [999],
      range: [18, 80],
    });
    // the same poll exported from SPSS as codes (test/fixtures/sav/poll.csv) reads with the draft
    const csv = await readCsv(`${SAV}/poll.csv`, { codebook: draft });
    expect(differing(sav, csv)).toEqual([]);
    expect(csv.load.missing.map((m) => m.column)).toEqual(sav.load.missing.map((m) => m.column));
  });

  it.each([
    'poll.sav',
    'poll.zsav',
    'poll-bytecode.sav',
    'pspp-cp1251.sav',
    'written.sav',
    'empty.sav',
  ])(
    'of %s: its data written as CSV (labels) reads back with it, to the same columns',
    async (file) => {
      const sav = await readSav(`${SAV}/${file}`);
      const back = parseCsv(formatCsv(sav), { codebook: draftCodebook(sav) });
      expect(differing(sav, back)).toEqual([]);
    },
  );

  it('two texts of one number are one code: the first kept', () => {
    const d = parseCsv('g,x\n1,1\n1.0,2\nz,3\n');
    expect(d.columns.g).toMatchObject({ levels: ['1', '1.0', 'z'] });
    const draft = draftCodebook(d);
    expect(draft.variables[0]!.values).toEqual([
      { code: 1, label: '1' },
      { code: 'z', label: 'z' },
    ]);
    const back = parseCsv('g,x\n1,1\n1.0,2\nz,3\n', { codebook: draft });
    expect(Array.from((back.columns.g as { codes: Int32Array }).codes)).toEqual([0, 0, 1]);
  });

  it('codes as found: numbers written as JavaScript writes them are numbers, other texts strings', () => {
    const d = fromColumns({ g: ['007', '7.5', '-2', '1e3', 'x'] });
    expect(draftCodebook(d).variables[0]!.values!.map((v) => v.code)).toEqual([
      '007',
      7.5,
      -2,
      '1e3',
      'x',
    ]);
  });

  it('a numeric column with no finite value gets no range', () => {
    const d = fromColumns({ x: [Number.NaN, Number.POSITIVE_INFINITY], y: [1, 2] });
    const [x, y] = draftCodebook(d).variables as Codebook['variables'];
    expect(x).toEqual({ name: 'x', type: 'numeric' });
    expect(y).toEqual({ name: 'y', type: 'numeric', range: [1, 2] });
  });

  it('a level no codebook can hold (empty text) is an INVALID_CODEBOOK error', () => {
    const d = fromColumns({ g: { codes: [0], levels: [''] } });
    expect(() => draftCodebook(d)).toThrow(CodebookError);
  });
});
