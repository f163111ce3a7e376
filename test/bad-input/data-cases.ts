/**
 * Catalogue entries for hostile and careless input to the data layer (issue 13): memory and time
 * bombs (a 1 MB .zsav inflating to gigabytes, a header of a million columns, a row with no end),
 * silent loss (line breaks, quoted empty cells, windows-1251 text where UTF-8 is declared, labels
 * and names writeSav cannot keep), numbers a double cannot hold, names from the data such as
 * `constructor`. Each gives its typed error; `catalogue.test.ts` runs them with the others.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCodebook } from '../../src/data/codebook.js';
import { parseCsv, readCsv } from '../../src/data/csv/csv.js';
import { fromColumns } from '../../src/data/frame.js';
import { parseSav } from '../../src/data/sav/sav.js';
import { writeSav } from '../../src/data/sav/writer.js';
import { svyDesign } from '../../src/design/build.js';
import {
  CodebookError,
  DataFormatError,
  DesignError,
  EstimationError,
  type SurveyError,
} from '../../src/errors.js';
import { svyMean } from '../../src/estimate/mean.js';
import { readQuestionnaire } from '../../src/poll/questionnaire.js';
import { readMargins } from '../../src/poll/weighting.js';
import { cp1251Sav, zsavBomb } from './hostile.js';

const FIXTURES = fileURLToPath(new URL('fixtures/', import.meta.url));

/** One entry (the shape of `catalogue.test.ts`'s entries). */
export interface DataCase {
  name: string;
  run: () => unknown;
  error: typeof SurveyError;
  code: string;
  mentions?: ReadonlyArray<string | RegExp>;
  details?: Record<string, unknown>;
}

const longAnswer = (k: number) =>
  `Скорее доверяю, чем не доверяю, но только в вопросах экономики и внешней политики (${k})`;

/** The entries (made when called: some build their input). */
export function dataCases(): DataCase[] {
  return [
    // ---- memory and time bombs
    {
      name: 'a 7 MB CSV header of 1,000,000 columns',
      run: () =>
        parseCsv(`${Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(',')}\n`, {
          source: 'wide.csv',
        }),
      error: DataFormatError,
      code: 'TOO_LARGE',
      mentions: ['wide.csv', 'line 1', '1,000,000 columns', 'maxColumns'],
      details: { value: 1_000_000, limit: 50_000, option: 'maxColumns' },
    },
    {
      name: 'a CSV quote never closed, the rest of the file one row',
      run: () =>
        parseCsv(`id,comment\n1,ok\n2,"${'never closed, '.repeat(2000)}\n3,x\n`, {
          source: 'open.csv',
          maxRecordLength: 10_000,
        }),
      error: DataFormatError,
      code: 'TOO_LARGE',
      mentions: ['open.csv', 'line 3', 'maxRecordLength'],
      details: { line: 3, limit: 10_000 },
    },
    {
      name: 'a 1 MB .zsav inflating to 1 GB of bytecode (12 GB of columns), no case count',
      run: () =>
        parseSav(zsavBomb({ ncases: -1, fill: 101, blocks: 250 }), { source: 'bomb.zsav' }),
      error: DataFormatError,
      code: 'TOO_LARGE',
      mentions: ['bomb.zsav', 'maxDataBytes', '{ maxDataBytes: n }'],
      details: { option: 'maxDataBytes', limit: 2 ** 31 },
    },
    {
      name: 'a 1 MB .zsav declaring a billion cases',
      run: () => parseSav(zsavBomb({ ncases: 1e9, fill: 101, blocks: 250 })),
      error: DataFormatError,
      code: 'TOO_LARGE',
      mentions: ['1,000,000,000 cases'],
    },
    {
      name: 'a .zsav of a long string inflating to 800 MB',
      run: () =>
        parseSav(
          zsavBomb({
            columns: { s: ['x'.repeat(2000)] },
            strings: ['s'],
            ncases: -1,
            fill: 254,
            blocks: 200,
          }),
        ),
      error: DataFormatError,
      code: 'TOO_LARGE',
      details: { option: 'maxInflatedBytes' },
    },
    {
      name: 'a .zsav whose ZLIB data is padding codes only',
      run: () => parseSav(zsavBomb({ ncases: 10, fill: 0, blocks: 100 })),
      error: DataFormatError,
      code: 'BAD_DATA',
      mentions: ['padding codes'],
    },
    {
      name: '.sav with more variables than maxColumns',
      run: () => parseSav(writeSav(fromColumns({ a: [1], b: [2], c: [3] })), { maxColumns: 2 }),
      error: DataFormatError,
      code: 'TOO_LARGE',
      details: { option: 'maxColumns', value: 3 },
    },
    {
      name: '.sav with more value labels than maxValueLabels',
      run: () =>
        parseSav(writeSav(fromColumns({ g: ['a', 'b', 'c', 'd'] })), { maxValueLabels: 3 }),
      error: DataFormatError,
      code: 'TOO_LARGE',
      details: { option: 'maxValueLabels', limit: 3 },
    },
    // ---- silent loss
    {
      name: 'a bare LF inside a CRLF row (it joined two rows into one cell)',
      run: () => parseCsv('a,b\r\n1,2\n3\r\n', { source: 'mixed.csv' }),
      error: DataFormatError,
      code: 'RAGGED_ROW',
      mentions: ['mixed.csv', 'line 3', 'found 1'],
    },
    {
      name: 'a lone quoted empty cell in a two-column file (it vanished as a blank line)',
      run: () => parseCsv('a,b\n1,2\n""\n', { source: 'q.csv' }),
      error: DataFormatError,
      code: 'RAGGED_ROW',
      details: { line: 3, expected: 2, actual: 1 },
    },
    {
      name: '.sav declaring UTF-8 whose string values are windows-1251',
      run: () => parseSav(cp1251Sav('utf-8', 'values'), { source: 'cp.sav' }),
      error: DataFormatError,
      code: 'BAD_ENCODING',
      mentions: [
        'cp.sav',
        '"city"',
        'utf-8',
        'character encoding record',
        "{ encoding: 'windows-1251' }",
        'Минск',
      ],
      details: { encoding: 'utf-8', encodingFrom: 'record' },
    },
    {
      name: '.sav declaring UTF-8 whose value labels are windows-1251',
      run: () => parseSav(cp1251Sav('utf-8', 'labels')),
      error: DataFormatError,
      code: 'BAD_ENCODING',
      mentions: ['Да, конечно'],
    },
    {
      name: '.sav read with encoding utf-8 whose text is windows-1251',
      run: () => parseSav(cp1251Sav('nothing', 'values'), { encoding: 'utf-8' }),
      error: DataFormatError,
      code: 'BAD_ENCODING',
      details: { encodingFrom: 'option' },
    },
    {
      name: 'a windows-1251 questionnaire file',
      run: () => readQuestionnaire(join(FIXTURES, 'cp1251-questionnaire.txt')),
      error: DataFormatError,
      code: 'BAD_ENCODING',
      mentions: ['cp1251-questionnaire.txt', 'line 2', 'must be UTF-8'],
    },
    {
      name: 'a windows-1251 margins file',
      run: () => readMargins(join(FIXTURES, 'cp1251-margins.txt')),
      error: DataFormatError,
      code: 'BAD_ENCODING',
      mentions: ['cp1251-margins.txt', 'line 3'],
    },
    {
      name: 'writeSav of two long answers alike in their first 120 bytes',
      run: () =>
        writeSav(fromColumns({ trust: [longAnswer(1), longAnswer(2)] }), { cutLabels: true }),
      error: DataFormatError,
      code: 'LABEL_TOO_LONG',
      mentions: ['"trust"', 'first 120 bytes', 'strings'],
    },
    {
      name: 'writeSav of a value label over 120 bytes',
      run: () => writeSav(fromColumns({ trust: [longAnswer(1)] })),
      error: DataFormatError,
      code: 'LABEL_TOO_LONG',
      details: { column: 'trust', limit: 120 },
    },
    {
      name: 'writeSav of a column name with a tab (it read back cut at the tab)',
      run: () => writeSav(fromColumns({ 'q1\tother': [1, 2] })),
      error: DataFormatError,
      code: 'UNWRITABLE_NAME',
      mentions: ['"q1\\tother"', 'tab'],
    },
    {
      name: 'writeSav of levels differing only in a trailing space',
      run: () => writeSav(fromColumns({ g: { codes: [0, 1], levels: ['yes', 'yes '] } })),
      error: DataFormatError,
      code: 'UNWRITABLE_VALUE',
      details: { column: 'g', level: 'yes ' },
    },
    // ---- numbers a double cannot hold
    {
      name: 'a numeric (types) id beyond 2^53 - 1',
      run: () => parseCsv('id\n9007199254740993\n9007199254740992\n', { types: { id: 'numeric' } }),
      error: DataFormatError,
      code: 'NOT_A_NUMBER',
      mentions: ['"9007199254740993"', '2^53 − 1'],
    },
    {
      name: 'a numeric codebook variable holding 1e-400',
      run: () =>
        parseCsv('w\n1e-400\n', { codebook: { variables: [{ name: 'w', type: 'numeric' }] } }),
      error: CodebookError,
      code: 'CODEBOOK_VIOLATION',
      mentions: ['"1e-400"', 'would read as 0'],
    },
    {
      name: 'a weight of 1e999 (Infinity as a number)',
      run: () => svyDesign(parseCsv('y,w\n1,1\n2,1e999\n'), { weights: 'w' }),
      error: DesignError,
      code: 'NON_NUMERIC_WEIGHT',
      details: { row: 2, value: '1e999' },
    },
    // ---- names from the data
    {
      name: 'a codebook translation keyed __proto__',
      run: () =>
        parseCodebook(
          JSON.parse(
            '{"variables":[{"name":"q","type":"numeric","translations":{"__proto__":"x"}}]}',
          ),
        ),
      error: CodebookError,
      code: 'INVALID_CODEBOOK',
      mentions: ['variables.0.translations.__proto__: a key named "__proto__" is not allowed'],
    },
    {
      name: 'a missing column named constructor',
      run: () => svyMean(svyDesign(fromColumns({ y: [1, 2] })), 'constructor'),
      error: EstimationError,
      code: 'UNKNOWN_VARIABLE',
      mentions: ['"constructor"'],
    },
    {
      name: 'a CSV file that does not exist, named like a prototype member',
      run: () => readCsv(join(FIXTURES, '__proto__.csv')),
      error: DataFormatError,
      code: 'FILE_NOT_FOUND',
    },
  ];
}
