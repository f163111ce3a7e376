/**
 * The catalogue of broken input: every entry is something a user can plausibly hand surveykit
 * (a damaged file, a wrong encoding, a weight column with a zero, margins that disagree, an option
 * out of range...) and the typed error it must give: its class, its stable code, and a message
 * that says where the problem is (file, line/row, column, value; or variable and level).
 *
 * A second list holds odd but valid input that must give numbers, not errors (strata with one
 * PSU under each lonely-PSU rule, a grouping level nobody has...).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileChart, renderSvg } from '../../src/charts/render.js';
import { parseCodebook } from '../../src/data/codebook.js';
import { parseCsv, readCsv } from '../../src/data/csv/csv.js';
import { fromColumns } from '../../src/data/frame.js';
import { readRecords } from '../../src/data/sav/records.js';
import { parseSav, readSav } from '../../src/data/sav/sav.js';
import { svyDesign } from '../../src/design/build.js';
import { mutate } from '../../src/design/mutate.js';
import { asRepDesign, svyRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import type { LonelyPsu } from '../../src/design/types.js';
import {
  CodebookError,
  DataFormatError,
  DesignError,
  EstimationError,
  SurveyError,
  WeightingError,
} from '../../src/errors.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyCiProp } from '../../src/estimate/ciprop.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyQuantile } from '../../src/estimate/quantile.js';
import { svyChisq, svyTable } from '../../src/estimate/table.js';
import { parseQuestionnaire, readQuestionnaire } from '../../src/poll/questionnaire.js';
import { marginsFromJson, readMargins } from '../../src/poll/weighting.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { apiCases } from './api-cases.js';
import { dataCases } from './data-cases.js';
import { numberCases } from './number-cases.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const FIXTURES = join(HERE, 'fixtures');
const SAV = join(HERE, '..', 'fixtures', 'sav');
const fixture = (name: string) => join(FIXTURES, name);
const savBytes = (name: string) => new Uint8Array(readFileSync(join(SAV, name)));

/** A copy of an SPSS fixture with a 32-bit little-endian integer (or a double) overwritten. */
function patched(name: string, at: number, value: number, double = false): Uint8Array {
  const b = savBytes(name);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (double) view.setFloat64(at, value, true);
  else view.setInt32(at, value, true);
  return b;
}

type ErrorClass = typeof SurveyError;

interface BadInput {
  /** What is broken. */
  name: string;
  run: () => unknown;
  error: ErrorClass;
  code: string;
  /** Texts (or patterns) the message must contain: where the problem is and what it is. */
  mentions?: ReadonlyArray<string | RegExp>;
  /** Facts `details` must hold. */
  details?: Record<string, unknown>;
}

// ---- small designs used below ----------------------------------------------------------------

const poll = () =>
  fromColumns(
    {
      y: [1, 2, 3, 4, 5, 6, 7, 8],
      vote: [1, 0, 1, 1, 0, 2, 1, 0],
      party: ['A', 'B', 'A', 'C', 'B', 'A', 'C', 'A'],
      sex: ['m', 'f', 'f', 'm', 'f', 'm', 'f', null],
      region: ['N', 'N', 'N', 'N', 'S', 'S', 'S', 'S'],
      psu: [1, 2, 3, 4, 5, 6, 7, 8],
      w: [1, 2, 1, 2, 1, 2, 1, 2],
      nothing: [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, null, null],
      constant: ['k', 'k', 'k', 'k', 'k', 'k', 'k', 'k'],
    },
    { source: 'poll.csv' },
  );
const design = () => svyDesign(poll(), { weights: 'w' });
/** Strata: N has PSUs 1, 2; S has the single PSU 3. */
const lonely = (lonelyPsu: LonelyPsu) =>
  svyDesign(
    fromColumns(
      { y: [1, 2, 3, 4, 5, 6], s: ['N', 'N', 'N', 'N', 'S', 'S'], psu: [1, 1, 2, 2, 3, 3] },
      { source: 'lonely.csv' },
    ),
    { ids: 'psu', strata: 's', lonelyPsu },
  );
const weighted = (w: Array<number | null>) =>
  fromColumns({ y: w.map((_, i) => i), w }, { source: 'weights.csv' });
const twoByTwo = () =>
  svyDesign(fromColumns({ a: ['p', 'p', 'q', 'q'], b: ['u', 'u', 'v', 'v'], x: [1, 2, 3, 4] }));

// ---- the catalogue -----------------------------------------------------------------------------

const CSV: BadInput[] = [
  {
    name: 'empty CSV text',
    run: () => parseCsv('', { source: 'empty.csv' }),
    error: DataFormatError,
    code: 'EMPTY_FILE',
    mentions: ['empty.csv'],
  },
  {
    name: 'CSV of blank lines only',
    run: () => parseCsv('\n  \r\n\n', { source: 'blank.csv' }),
    error: DataFormatError,
    code: 'EMPTY_FILE',
    mentions: ['blank.csv'],
  },
  {
    name: 'ragged row with a field missing (file)',
    run: () => readCsv(fixture('ragged.csv')),
    error: DataFormatError,
    code: 'RAGGED_ROW',
    mentions: ['ragged.csv', 'line 3', 'row 2', 'expected 4', 'found 3'],
    details: { row: 2, line: 3, expected: 4, actual: 3, value: '2,Brest,2' },
  },
  {
    name: 'ragged row with a field too many',
    run: () => parseCsv('a,b\n1,2\n3,4,5\n', { source: 'extra.csv' }),
    error: DataFormatError,
    code: 'RAGGED_ROW',
    mentions: ['extra.csv', 'line 3', 'row 2', 'found 3'],
    details: { expected: 2, actual: 3 },
  },
  {
    name: 'duplicate header',
    run: () => parseCsv('id,sex,sex\n1,2,3\n', { source: 'dup.csv' }),
    error: DataFormatError,
    code: 'DUPLICATE_HEADER',
    mentions: ['dup.csv', 'line 1', '"sex"', 'columns 2 and 3'],
    details: { column: 'sex', positions: [2, 3] },
  },
  {
    name: 'duplicate header after trimming spaces',
    run: () => parseCsv('id, age ,age\n1,2,3\n', { source: 'dup.csv' }),
    error: DataFormatError,
    code: 'DUPLICATE_HEADER',
    mentions: ['"age"'],
  },
  {
    name: 'empty header name',
    run: () => parseCsv('id,,age\n1,2,3\n', { source: 'noname.csv' }),
    error: DataFormatError,
    code: 'EMPTY_HEADER',
    mentions: ['noname.csv', 'line 1', 'column 2'],
    details: { position: 2 },
  },
  {
    name: 'header name of spaces only',
    run: () => parseCsv('id;   ;age\n1;2;3\n'),
    error: DataFormatError,
    code: 'EMPTY_HEADER',
    mentions: ['column 2'],
  },
  {
    name: 'quoted field never closed (file cut inside quotes)',
    run: () => parseCsv('id,comment\n1,"fine"\n2,"cut off her', { source: 'cut.csv' }),
    error: DataFormatError,
    code: 'MALFORMED_QUOTE',
    mentions: ['cut.csv', 'line 3', 'row 2', 'never closed', '"cut off her'],
  },
  {
    name: 'text after a closing quote',
    run: () => parseCsv('id,comment\n1,"said "hi" twice"\n', { source: 'q.csv' }),
    error: DataFormatError,
    code: 'MALFORMED_QUOTE',
    mentions: ['q.csv', 'line 2', 'row 1', 'write ""'],
  },
  {
    name: 'windows-1251 bytes read as UTF-8',
    run: () => readCsv(fixture('cp1251.csv')),
    error: DataFormatError,
    code: 'BAD_ENCODING',
    mentions: ['cp1251.csv', 'byte offset 0', 'line 1', "encoding: 'windows-1251'"],
    details: { offset: 0, line: 1, encoding: 'utf-8' },
  },
  {
    name: 'UTF-16LE file read as UTF-8',
    run: () => readCsv(fixture('utf16le.csv')),
    error: DataFormatError,
    code: 'BAD_ENCODING',
    mentions: ['utf16le.csv', 'byte offset 0', "'utf-16le'"],
  },
  {
    name: 'unknown encoding label',
    run: () => readCsv(fixture('cp1251.csv'), { encoding: 'cyrillic-ish' }),
    error: DataFormatError,
    code: 'UNKNOWN_ENCODING',
    mentions: ['cp1251.csv', '"cyrillic-ish"'],
    details: { value: 'cyrillic-ish' },
  },
  {
    name: 'CSV file that does not exist',
    run: () => readCsv(fixture('no-such-file.csv')),
    error: DataFormatError,
    code: 'FILE_NOT_FOUND',
    mentions: ['no-such-file.csv'],
    details: { cause: 'ENOENT' },
  },
  {
    name: 'a directory given as a CSV file',
    run: () => readCsv(FIXTURES),
    error: DataFormatError,
    code: 'READ_ERROR',
    mentions: [FIXTURES],
  },
  {
    name: 'text in a column the types option reads as numeric',
    run: () =>
      parseCsv('id,age\n1,34\n2,n/a\n3,40\n', { types: { age: 'numeric' }, source: 't.csv' }),
    error: DataFormatError,
    code: 'NOT_A_NUMBER',
    mentions: ['t.csv', 'line 3', 'row 2', 'column "age"', '"n/a"'],
    details: { row: 2, line: 3, column: 'age', value: 'n/a', total: 1 },
  },
  {
    name: 'types option naming a column the file lacks',
    run: () => parseCsv('id,age\n1,34\n', { types: { weight: 'numeric' }, source: 't.csv' }),
    error: DataFormatError,
    code: 'MISSING_COLUMN',
    mentions: ['t.csv', '"weight"', 'id, age'],
    details: { column: 'weight' },
  },
  {
    name: 'types option with an unknown type',
    run: () => parseCsv('id\n1\n', { types: { id: 'integer' as never } }),
    error: DataFormatError,
    code: 'INVALID_OPTION',
    mentions: ['types.id', '"integer"'],
    details: { option: 'types', column: 'id' },
  },
  {
    name: 'a quote as the delimiter',
    run: () => parseCsv('a"b\n1"2\n', { delimiter: '"' }),
    error: DataFormatError,
    code: 'INVALID_OPTION',
    mentions: ['delimiter'],
    details: { option: 'delimiter' },
  },
  {
    name: 'maxErrors of 0',
    run: () => parseCsv('a\n1\n', { maxErrors: 0 }),
    error: DataFormatError,
    code: 'INVALID_OPTION',
    mentions: ['maxErrors', '0'],
  },
  {
    name: 'an answer outside the levels given for its column',
    run: () =>
      parseCsv('id,trust\n1,Fully\n2,Rather yes\n3,Somewhat\n', {
        levels: { trust: ['Fully', 'Rather yes', 'Rather no', 'Not at all'] },
        source: 't.csv',
      }),
    error: DataFormatError,
    code: 'UNKNOWN_LEVEL',
    mentions: ['t.csv', 'line 4', 'row 3', 'column "trust"', '"Somewhat"'],
    details: { row: 3, line: 4, column: 'trust', value: 'Somewhat', total: 1 },
  },
  {
    name: 'levels option naming a column the file lacks',
    run: () => parseCsv('id,q1\n1,a\n', { levels: { q2: ['a', 'b'] }, source: 't.csv' }),
    error: DataFormatError,
    code: 'MISSING_COLUMN',
    mentions: ['t.csv', 'levels option', '"q2"', 'id, q1'],
    details: { option: 'levels', column: 'q2' },
  },
  {
    name: 'levels option listing a level twice',
    run: () => parseCsv('q\na\n', { levels: { q: ['a', 'b', 'a'] } }),
    error: DataFormatError,
    code: 'INVALID_OPTION',
    mentions: ['levels.q', '"a"', 'twice'],
    details: { option: 'levels', column: 'q' },
  },
  {
    name: 'na option that is one text, not a list',
    run: () => parseCsv('a\n1\n', { na: 'NA' as unknown as string[] }),
    error: DataFormatError,
    code: 'INVALID_OPTION',
    mentions: ['na must be an array', '"NA"'],
    details: { option: 'na' },
  },
];

const codebook = () =>
  JSON.parse(readFileSync(fixture('codebook-mismatch.codebook.json'), 'utf8')) as unknown;

const CODEBOOK: BadInput[] = [
  {
    name: 'cells that disagree with the codebook (unknown code, out of range, text)',
    run: () => readCsv(fixture('codebook-mismatch.csv'), { codebook: parseCodebook(codebook()) }),
    error: CodebookError,
    code: 'CODEBOOK_VIOLATION',
    mentions: [
      'codebook-mismatch.csv',
      '3 cells disagree',
      'line 3 (row 2), column "sex": "3"',
      'line 4 (row 3), column "age": "150"',
      'line 5 (row 4), column "age": "x"',
    ],
    details: { row: 2, line: 3, column: 'sex', value: '3', total: 3 },
  },
  {
    name: 'codebook variable absent from the file',
    run: () =>
      parseCsv('id,sex\n1,1\n', { codebook: parseCodebook(codebook()), source: 'short.csv' }),
    error: CodebookError,
    code: 'MISSING_COLUMN',
    mentions: ['short.csv', '"age"', 'id, sex'],
    details: { variable: 'age' },
  },
  {
    name: 'types option contradicting the codebook',
    run: () =>
      parseCsv('id,sex,age\n1,1,30\n', {
        codebook: parseCodebook(codebook()),
        types: { age: 'categorical' },
      }),
    error: CodebookError,
    code: 'TYPE_CONFLICT',
    mentions: ['"age"', 'categorical', 'numeric'],
    details: { variable: 'age' },
  },
  {
    name: 'codebook with an unknown variable type',
    run: () => parseCodebook({ variables: [{ name: 'sex', type: 'factor' }] }, 'cb.json'),
    error: CodebookError,
    code: 'INVALID_CODEBOOK',
    mentions: ['cb.json', 'variables.0.type'],
  },
  {
    name: 'codebook listing a variable twice',
    run: () =>
      parseCodebook(
        {
          variables: [
            { name: 'age', type: 'numeric' },
            { name: 'age', type: 'numeric' },
          ],
        },
        'cb.json',
      ),
    error: CodebookError,
    code: 'INVALID_CODEBOOK',
    mentions: ['cb.json', '"age"', 'twice'],
    details: { variable: 'age' },
  },
  {
    name: 'codebook listing a code twice',
    run: () =>
      parseCodebook({
        variables: [
          {
            name: 'sex',
            type: 'categorical',
            values: [
              { code: 1, label: 'Male' },
              { code: '1.0', label: 'Man' },
            ],
          },
        ],
      }),
    error: CodebookError,
    code: 'INVALID_CODEBOOK',
    mentions: ['"sex"', 'twice'],
  },
  {
    name: 'levels option reordering a codebook variable',
    run: () =>
      parseCsv('sex\n1\n2\n', {
        codebook: {
          variables: [
            {
              name: 'sex',
              type: 'categorical',
              values: [
                { code: 1, label: 'Male' },
                { code: 2, label: 'Female' },
              ],
            },
          ],
        },
        levels: { sex: ['Female', 'Male'] },
        source: 'c.csv',
      }),
    error: CodebookError,
    code: 'LEVELS_CONFLICT',
    mentions: ['c.csv', '"sex"', '["Female", "Male"]', '["Male", "Female"]'],
    details: { variable: 'sex', codebookLevels: ['Male', 'Female'] },
  },
  {
    name: 'levels option for a numeric codebook variable',
    run: () =>
      parseCsv('age\n30\n', {
        codebook: { variables: [{ name: 'age', type: 'numeric' }] },
        levels: { age: ['30'] },
      }),
    error: CodebookError,
    code: 'TYPE_CONFLICT',
    mentions: ['levels option', '"age"', 'numeric'],
    details: { variable: 'age' },
  },
  {
    name: 'questionnaire that is not one',
    run: () => parseQuestionnaire({ title: 'x', items: 5 }, 'q.json'),
    error: CodebookError,
    code: 'INVALID_QUESTIONNAIRE',
    mentions: ['q.json'],
  },
  {
    name: 'questionnaire file that does not exist',
    run: () => readQuestionnaire(fixture('no-such-questionnaire.json')),
    error: DataFormatError,
    code: 'FILE_NOT_FOUND',
    mentions: ['no-such-questionnaire.json'],
  },
];

function savCases(): BadInput[] {
  const poll = savBytes('poll.sav');
  const raw = readRecords(poll, 176, true, 'poll.sav');
  const labels = raw.valueLabels[0]!;
  const zsav = savBytes('poll.zsav');
  const zraw = readRecords(zsav, 176, true, 'poll.zsav');
  const block = zraw.dataOffset + 24;
  const damagedZlib = zsav.slice();
  damagedZlib[block + 40] = damagedZlib[block + 40]! ^ 0xff;
  const ebcdic = Uint8Array.from([0x5b, 0xc6, 0xd3, 0xf2, 0, 0, 0, 0]);
  return [
    {
      name: '.sav of no bytes',
      run: () => parseSav(new Uint8Array(0), { source: 'empty.sav' }),
      error: DataFormatError,
      code: 'NOT_SAV',
      mentions: ['empty.sav', 'byte 0', '0 bytes'],
      details: { offset: 0 },
    },
    {
      name: 'a CSV file given to the SPSS reader',
      run: () => readSav(fixture('ragged.csv')),
      error: DataFormatError,
      code: 'NOT_SAV',
      mentions: ['ragged.csv', 'byte 0', '"id,r"'],
    },
    {
      name: 'an EBCDIC (mainframe) system file',
      run: () => parseSav(ebcdic, { source: 'ibm.sav' }),
      error: DataFormatError,
      code: 'UNSUPPORTED_SAV',
      mentions: ['ibm.sav', 'EBCDIC'],
    },
    {
      name: '.sav cut inside the file header',
      run: () => parseSav(poll.slice(0, 100), { source: 'cut.sav' }),
      error: DataFormatError,
      code: 'TRUNCATED',
      mentions: ['cut.sav', 'byte 100', 'file header'],
      details: { offset: 100 },
    },
    {
      name: '.sav cut inside the dictionary',
      run: () => parseSav(poll.slice(0, 400), { source: 'cut.sav' }),
      error: DataFormatError,
      code: 'TRUNCATED',
      mentions: ['cut.sav', 'byte 324', 'variable label'],
    },
    {
      name: '.sav cut inside the last case',
      run: () => parseSav(poll.slice(0, poll.length - 5), { source: 'cut.sav' }),
      error: DataFormatError,
      code: 'TRUNCATED',
      mentions: ['cut.sav', 'case 24'],
    },
    {
      name: '.sav with an unknown record type',
      run: () => parseSav(patched('poll.sav', 176, 5), { source: 'bad.sav' }),
      error: DataFormatError,
      code: 'BAD_RECORD',
      mentions: ['bad.sav', 'byte 176', 'record type 5'],
      details: { offset: 176 },
    },
    {
      name: '.sav with a corrupt layout code',
      run: () => parseSav(patched('poll.sav', 64, 7)),
      error: DataFormatError,
      code: 'BAD_HEADER',
      mentions: ['byte 64', 'layout code'],
    },
    {
      name: '.sav with an unknown compression code',
      run: () => parseSav(patched('poll.sav', 72, 7)),
      error: DataFormatError,
      code: 'BAD_HEADER',
      mentions: ['byte 72', 'compression code 7'],
    },
    {
      name: '.sav with a negative case count',
      run: () => parseSav(patched('poll.sav', 80, -5)),
      error: DataFormatError,
      code: 'BAD_HEADER',
      mentions: ['byte 80', 'negative case count -5'],
    },
    {
      name: '.sav whose weight index points nowhere',
      run: () => parseSav(patched('poll.sav', 76, 9999)),
      error: DataFormatError,
      code: 'BAD_HEADER',
      mentions: ['byte 76', 'weight index 9999'],
    },
    {
      name: '.sav declaring 2^31 cases (no huge allocation)',
      run: () => parseSav(patched('poll.sav', 80, 0x7fffffff)),
      error: DataFormatError,
      code: 'TRUNCATED',
      mentions: ['2147483647 cases'],
    },
    {
      name: '.sav declaring 2^31 value labels',
      run: () => parseSav(patched('poll.sav', labels.offset + 4, 0x7fffffff)),
      error: DataFormatError,
      code: 'TRUNCATED',
      details: { offset: labels.offset + 8 },
    },
    {
      name: '.zsav with a damaged ZLIB block',
      run: () => parseSav(damagedZlib, { source: 'poll.zsav' }),
      error: DataFormatError,
      code: 'BAD_ZLIB',
      mentions: ['poll.zsav', 'ZLIB block 1'],
      details: { offset: block },
    },
    {
      name: '.sav read with an unknown encoding',
      run: () => parseSav(poll, { encoding: 'klingon' }),
      error: DataFormatError,
      code: 'UNKNOWN_ENCODING',
      mentions: ['"klingon"'],
    },
    {
      name: '.sav file that does not exist',
      run: () => readSav(join(SAV, 'no-such.sav')),
      error: DataFormatError,
      code: 'FILE_NOT_FOUND',
      mentions: ['no-such.sav'],
    },
  ];
}

const FRAMES: BadInput[] = [
  {
    name: 'columns of different lengths',
    run: () => fromColumns({ y: [1, 2, 3], g: ['a', 'b'] }),
    error: DataFormatError,
    code: 'LENGTH_MISMATCH',
    mentions: ['"g"', '2 values', '3'],
    details: { column: 'g' },
  },
  {
    name: 'numbers and text in one column',
    run: () => fromColumns({ y: [1, 'two', 3] as never }),
    error: DataFormatError,
    code: 'MIXED_COLUMN',
    mentions: ['"y"', 'row 2', '"two"'],
    details: { column: 'y', row: 2, value: 'two' },
  },
  {
    name: 'a level code with no level',
    run: () => fromColumns({ g: { codes: [0, 2], levels: ['a', 'b'] } }),
    error: DataFormatError,
    code: 'BAD_CODE',
    mentions: ['"g"', 'row 2', 'code 2'],
  },
  {
    name: 'a value outside the given levels',
    run: () => fromColumns({ g: ['a', 'z'] }, { levels: { g: ['a', 'b'] } }),
    error: DataFormatError,
    code: 'UNKNOWN_LEVEL',
    mentions: ['"g"', 'row 2', '"z"'],
  },
];

const DESIGNS: BadInput[] = [
  {
    name: 'weights written with a decimal comma (file)',
    run: async () => svyDesign(await readCsv(fixture('decimal-comma.csv')), { weights: 'w' }),
    error: DesignError,
    code: 'NON_NUMERIC_WEIGHT',
    mentions: ['decimal-comma.csv', 'column "w"', 'row 1', '"1,5"'],
    details: { column: 'w', row: 1, value: '1,5' },
  },
  {
    name: 'a missing weight',
    run: () => svyDesign(weighted([1, 2, null, 4]), { weights: 'w' }),
    error: DesignError,
    code: 'MISSING_WEIGHT',
    mentions: ['weights.csv', '"w"', 'row 3'],
    details: { row: 3, column: 'w' },
  },
  {
    name: 'a NaN weight',
    run: () => svyDesign(weighted([1, Number.NaN]), { weights: 'w' }),
    error: DesignError,
    code: 'MISSING_WEIGHT',
    mentions: ['row 2'],
  },
  {
    name: 'a negative weight',
    run: () => svyDesign(weighted([1, 2, -0.5]), { weights: 'w' }),
    error: DesignError,
    code: 'NEGATIVE_WEIGHT',
    mentions: ['"w"', '-0.5', 'row 3'],
    details: { row: 3, value: -0.5 },
  },
  {
    name: 'a zero weight',
    run: () => svyDesign(weighted([1, 0, 2]), { weights: 'w' }),
    error: DesignError,
    code: 'ZERO_WEIGHT',
    mentions: ['"w"', 'row 2', 'allowZeroWeights'],
    details: { row: 2, value: 0 },
  },
  {
    name: 'an infinite weight',
    run: () => svyDesign(weighted([1, Number.POSITIVE_INFINITY]), { weights: 'w' }),
    error: DesignError,
    code: 'NON_FINITE_WEIGHT',
    mentions: ['"w"', 'Infinity', 'row 2'],
  },
  {
    name: 'a selection probability of 0',
    run: () => svyDesign(fromColumns({ p: [0.5, 0] }), { probs: 'p' }),
    error: DesignError,
    code: 'NON_FINITE_WEIGHT',
    mentions: ['probs column "p"', 'row 2'],
  },
  {
    name: 'a weight column that does not exist',
    run: () => svyDesign(poll(), { weights: 'weight' }),
    error: DesignError,
    code: 'UNKNOWN_COLUMN',
    mentions: ['poll.csv', '"weight"'],
    details: { column: 'weight' },
  },
  {
    name: 'a respondent without a stratum',
    run: () => svyDesign(poll(), { strata: 'sex' }),
    error: DesignError,
    code: 'MISSING_DESIGN_VALUE',
    mentions: ['poll.csv', '"sex"', 'row 8'],
    details: { column: 'sex', row: 8 },
  },
  {
    name: "a stratum with one PSU under lonelyPsu 'fail'",
    run: () => lonely('fail'),
    error: DesignError,
    code: 'LONELY_PSU',
    mentions: ['stratum "S"', 'lonelyPsu'],
    details: { stratum: 'S', level: 'S' },
  },
  {
    name: 'clusters that cross strata',
    run: () =>
      svyDesign(fromColumns({ s: ['a', 'a', 'b', 'b'], c: [1, 2, 2, 3] }, { source: 'x.csv' }), {
        ids: 'c',
        strata: 's',
      }),
    error: DesignError,
    code: 'CLUSTERS_NOT_NESTED',
    mentions: ['x.csv', 'cluster "2"', 'strata "a" and "b"', 'row 3', 'nest: true'],
  },
  {
    name: 'a design with a single PSU',
    run: () => svyDesign(fromColumns({ y: [1, 2], c: [1, 1] }), { ids: 'c' }),
    error: DesignError,
    code: 'SINGLE_PSU',
  },
  {
    name: 'no respondents',
    run: () => svyDesign(parseCsv('y,w\n', { source: 'header-only.csv' })),
    error: DesignError,
    code: 'EMPTY_DATA',
    mentions: ['header-only.csv'],
  },
  {
    name: 'an fpc that varies within a stratum',
    run: () =>
      svyDesign(fromColumns({ s: ['a', 'a', 'b', 'b'], f: [10, 11, 10, 10] }), {
        strata: 's',
        fpc: 'f',
      }),
    error: DesignError,
    code: 'FPC_VARIES',
    mentions: ['"f"', '10 and 11', 'stratum "a"', 'row 2'],
  },
  {
    name: 'an fpc smaller than the sample',
    run: () => svyDesign(fromColumns({ y: [1, 2, 3], f: [2, 2, 2] }), { fpc: 'f' }),
    error: DesignError,
    code: 'BAD_FPC',
    mentions: ['"f"', 'population of 2', '3 sampled'],
  },
  {
    name: 'an unknown lonely-PSU rule',
    run: () => svyDesign(poll(), { lonelyPsu: 'ignore' as never }),
    error: DesignError,
    code: 'BAD_OPTION',
    mentions: ['lonelyPsu', '"ignore"'],
  },
  {
    name: 'both weights and probs',
    run: () => svyDesign(poll(), { weights: 'w', probs: 'w' }),
    error: DesignError,
    code: 'BAD_OPTION',
  },
  {
    name: 'a subset mask of the wrong length',
    run: () => subset(design(), [true, false]),
    error: DesignError,
    code: 'BAD_SUBSET',
    mentions: ['2 entries', '8 respondents'],
  },
  {
    name: 'replicate weights naming a column the data lacks (wrong count)',
    run: () =>
      svyRepDesign(fromColumns({ y: [1, 2], r1: [2, 0], r2: [0, 2] }), {
        repweights: ['r1', 'r2', 'r3'],
        type: 'JK1',
      }),
    error: DesignError,
    code: 'UNKNOWN_COLUMN',
    mentions: ['"r3"'],
  },
  {
    name: 'a single replicate-weight column',
    run: () =>
      svyRepDesign(fromColumns({ y: [1, 2], r1: [2, 0] }), { repweights: ['r1'], type: 'JK1' }),
    error: DesignError,
    code: 'REPLICATE_COUNT',
    mentions: ['at least 2 replicates', '"r1"'],
  },
  {
    name: 'rscales of the wrong length',
    run: () =>
      svyRepDesign(fromColumns({ y: [1, 2], r1: [2, 0], r2: [0, 2] }), {
        repweights: ['r1', 'r2'],
        type: 'JKn',
        rscales: [0.5, 0.5, 0.5],
      }),
    error: DesignError,
    code: 'REPLICATE_COUNT',
    mentions: ['rscales has length 3', '(2)'],
  },
  {
    name: 'a replicate-weight pattern matching no column',
    run: () =>
      svyRepDesign(fromColumns({ y: [1, 2], r1: [2, 0] }), { repweights: /^rep_/, type: 'JK1' }),
    error: DesignError,
    code: 'NO_REPLICATES',
    mentions: ['/^rep_/'],
  },
  {
    name: 'a missing replicate weight',
    run: () =>
      svyRepDesign(fromColumns({ y: [1, 2, 3], r1: [2, Number.NaN, 1], r2: [1, 1, 1] }), {
        repweights: ['r1', 'r2'],
        type: 'bootstrap',
      }),
    error: DesignError,
    code: 'MISSING_WEIGHT',
    mentions: ['replicate weight column "r1"', 'row 2'],
  },
  {
    name: 'BRR on a stratum with one PSU',
    run: () => asRepDesign(lonely('certainty'), { type: 'BRR' }),
    error: DesignError,
    code: 'BRR_STRATUM_SIZE',
    mentions: ['stratum "S"', '1 PSU'],
  },
  {
    name: 'Fay without rho',
    run: () => asRepDesign(lonely('certainty'), { type: 'Fay' }),
    error: DesignError,
    code: 'BAD_RHO',
  },
  {
    name: 'JK1 on a stratified design',
    run: () => asRepDesign(lonely('certainty'), { type: 'JK1' }),
    error: DesignError,
    code: 'BAD_REPLICATE_TYPE',
  },
  {
    name: 'a derived variable giving numbers and texts',
    run: () => mutate(design(), { score: (r) => ((r.y as number) < 5 ? (r.y as number) : 'high') }),
    error: DesignError,
    code: 'MIXED_COLUMN',
    mentions: ['"score"', 'row 5', '"high"', 'row 1'],
    details: { variable: 'score', row: 5, value: 'high' },
  },
  {
    name: 'a derived variable reading a misspelt column',
    run: () => mutate(design(), { older: (r) => r.Party }),
    error: DesignError,
    code: 'BAD_VALUE',
    mentions: ['"older"', 'row 1', 'undefined'],
    details: { variable: 'older', row: 1 },
  },
  {
    name: 'a derived answer outside the levels given',
    run: () =>
      mutate(design(), {
        bloc: { compute: (r) => (r.party === 'C' ? 'other' : 'main'), levels: ['main', 'minor'] },
      }),
    error: DesignError,
    code: 'UNKNOWN_LEVEL',
    mentions: ['"bloc"', 'row 4', '"other"', 'main, minor'],
    details: { variable: 'bloc', row: 4, value: 'other' },
  },
  {
    name: 'a derived column of the wrong length',
    run: () => mutate(design(), { z: { values: [1, 2, 3] } }),
    error: DesignError,
    code: 'LENGTH_MISMATCH',
    mentions: ['"z"', '3 values', '8 rows'],
    details: { variable: 'z', value: 3, expected: 8 },
  },
  {
    name: 'replacing the weights column',
    run: () => mutate(design(), { w: (r) => (r.w as number) * 2 }),
    error: DesignError,
    code: 'DESIGN_VARIABLE',
    mentions: ['"w"', 'weights', 'another name'],
    details: { variable: 'w', role: 'weights' },
  },
  {
    name: 'replacing a raking variable after raking',
    run: () =>
      mutate(rake(design(), [{ variable: 'region', population: { N: 50, S: 50 } }]), {
        region: () => 'N',
      }),
    error: DesignError,
    code: 'DESIGN_VARIABLE',
    mentions: ['"region"', 'raking margin'],
    details: { variable: 'region' },
  },
  {
    name: 'a derived variable given as a number',
    run: () => mutate(design(), { z: 5 as unknown as () => number }),
    error: DesignError,
    code: 'BAD_OPTION',
    mentions: ['"z"', 'row function', '{ values'],
  },
];

const ESTIMATES: BadInput[] = [
  {
    name: 'an unknown variable',
    run: () => svyMean(design(), 'income'),
    error: EstimationError,
    code: 'UNKNOWN_VARIABLE',
    mentions: ['"income"', 'poll.csv', 'y, vote'],
    details: { variable: 'income' },
  },
  {
    name: 'an empty domain',
    run: () =>
      svyMean(
        subset(design(), (r) => r.region === 'W'),
        'y',
      ),
    error: EstimationError,
    code: 'EMPTY_DOMAIN',
    mentions: ['"y"', 'no respondents'],
  },
  {
    name: 'a variable missing for everyone',
    run: () => svyTotal(design(), 'nothing'),
    error: EstimationError,
    code: 'EMPTY_DOMAIN',
    mentions: ['"nothing"', 'missing for every respondent', '(8)'],
    details: { variable: 'nothing', nMissing: 8 },
  },
  {
    name: "missing values under na: 'fail'",
    run: () => svyMean(design(), 'sex', { na: 'fail' }),
    error: EstimationError,
    code: 'MISSING_VALUES',
    mentions: ['"sex"', '1 respondent', 'row 8'],
    details: { variable: 'sex', row: 8, count: 1 },
  },
  {
    name: 'an infinite value in the variable',
    run: () => svyMean(svyDesign(fromColumns({ y: [1, Number.POSITIVE_INFINITY, 3] })), 'y'),
    error: EstimationError,
    code: 'NON_FINITE_VALUE',
    mentions: ['"y"', 'Infinity', 'row 2'],
    details: { variable: 'y', row: 2 },
  },
  {
    name: 'confidence level 1.5',
    run: () => svyMean(design(), 'y', { level: 1.5 }),
    error: EstimationError,
    code: 'BAD_OPTION',
    mentions: ['level', '1.5'],
    details: { value: 1.5 },
  },
  {
    name: "a misspelt na option ('fial')",
    run: () => svyMean(design(), 'y', { na: 'fial' as never }),
    error: EstimationError,
    code: 'BAD_OPTION',
    mentions: ['na must be one of omit, fail', '"fial"'],
  },
  {
    name: "deff: 'yes'",
    run: () => svyTotal(design(), 'y', { deff: 'yes' as never }),
    error: EstimationError,
    code: 'BAD_OPTION',
    mentions: ['deff', '"yes"'],
  },
  {
    name: 'quantile probability above 1',
    run: () => svyQuantile(design(), 'y', [0.5, 1.5]),
    error: EstimationError,
    code: 'BAD_OPTION',
    mentions: ['between 0 and 1', '1.5'],
  },
  {
    name: 'quantile probability below 0',
    run: () => svyQuantile(design(), 'y', [-0.1]),
    error: EstimationError,
    code: 'BAD_OPTION',
    mentions: ['-0.1'],
  },
  {
    name: 'quantile probability NaN',
    run: () => svyQuantile(design(), 'y', [Number.NaN]),
    error: EstimationError,
    code: 'BAD_OPTION',
    mentions: ['NaN'],
  },
  {
    name: 'quantile of a categorical variable',
    run: () => svyQuantile(design(), 'party', [0.5]),
    error: EstimationError,
    code: 'NOT_NUMERIC',
    mentions: ['"party"', '"A", "B", "C"'],
  },
  {
    name: 'negative degrees of freedom',
    run: () => svyMean(design(), 'y', { df: -1 }),
    error: EstimationError,
    code: 'BAD_OPTION',
    mentions: ['df', '-1'],
  },
  {
    name: 'a 0/1 variable with another value',
    run: () => svyCiProp(design(), 'vote'),
    error: EstimationError,
    code: 'NOT_BINARY',
    mentions: ['"vote"', 'row 6', 'has 2'],
    details: { variable: 'vote', row: 6, value: 2 },
  },
  {
    name: 'a proportion of a categorical variable without success',
    run: () => svyCiProp(design(), 'party'),
    error: EstimationError,
    code: 'SUCCESS_REQUIRED',
    mentions: ['"party"', '"A", "B", "C"'],
  },
  {
    name: 'a success level the variable does not have',
    run: () => svyCiProp(design(), 'party', { success: 'D' }),
    error: EstimationError,
    code: 'UNKNOWN_LEVEL',
    mentions: ['"D"', '"party"'],
    details: { variable: 'party', level: 'D' },
  },
  {
    name: 'an unknown interval method',
    run: () => svyCiProp(design(), 'party', { success: 'A', method: 'wald' as never }),
    error: EstimationError,
    code: 'BAD_OPTION',
    mentions: ['method', '"wald"'],
  },
  {
    name: 'a domain whose respondents all have weight 0',
    run: () =>
      svyMean(
        subset(svyDesign(weighted([0, 1, 1]), { weights: 'w', allowZeroWeights: true }), [
          true,
          false,
          false,
        ]),
        'y',
      ),
    error: EstimationError,
    code: 'ZERO_WEIGHT_DOMAIN',
    mentions: ['"y"', 'weight 0'],
  },
  {
    name: "every stratum lonely under lonelyPsu 'average'",
    run: () =>
      svyMean(
        svyDesign(fromColumns({ y: [1, 2], s: ['a', 'b'] }), { strata: 's', lonelyPsu: 'average' }),
        'y',
      ),
    error: EstimationError,
    code: 'NO_VARIANCE',
    mentions: ["'average'"],
  },
  {
    name: "a domain of only the lonely stratum under lonelyPsu 'average'",
    run: () =>
      svyMean(
        subset(lonely('average'), (r) => r.s === 'S'),
        'y',
      ),
    error: EstimationError,
    code: 'NO_VARIANCE',
    mentions: ['single PSU', "'average'"],
  },
  {
    name: 'svyBy without a grouping variable',
    run: () => svyBy(design(), [], (d) => svyMean(d, 'y')),
    error: EstimationError,
    code: 'BAD_OPTION',
  },
  {
    name: 'svyBy over a variable missing for everyone',
    run: () => svyBy(design(), 'nothing', (d) => svyMean(d, 'y')),
    error: EstimationError,
    code: 'EMPTY_DOMAIN',
    mentions: ['nothing', '8 have a missing grouping value'],
  },
  {
    name: 'svyBy: the estimate fails in one group (named)',
    run: () =>
      svyBy(
        svyDesign(fromColumns({ y: [1, 2, Number.NaN, Number.NaN], g: ['a', 'a', 'b', 'b'] })),
        'g',
        (d) => svyQuantile(d, 'y', [0.5]),
      ),
    error: EstimationError,
    code: 'EMPTY_DOMAIN',
    mentions: ['group g = b', '"y"'],
    details: { group: { g: 'b' } },
  },
  {
    name: 'a chi-squared test on a variable with one level',
    run: () => svyChisq(design(), 'party', 'constant'),
    error: EstimationError,
    code: 'TOO_FEW_LEVELS',
    mentions: ['"constant"', 'only the level "k"'],
  },
  {
    name: 'a chi-squared test of a variable against itself',
    run: () => svyChisq(design(), 'party', 'party'),
    error: EstimationError,
    code: 'SINGULAR_TABLE',
  },
  {
    name: 'a contrast naming an unknown row',
    run: () => svyContrast(svyMean(design(), 'party'), { D: 1, A: -1 }),
    error: EstimationError,
    code: 'UNKNOWN_LEVEL',
    mentions: ['"D"', 'A, B, C'],
  },
  {
    name: 'a contrast with too many coefficients',
    run: () => svyContrast(svyMean(design(), 'party'), [1, -1, 0, 0]),
    error: EstimationError,
    code: 'BAD_OPTION',
    mentions: ['4 contrast coefficients for 3 estimates'],
  },
  {
    name: 'a third variable given to the two-way table form (plain JavaScript)',
    run: () => (svyTable as (...a: unknown[]) => unknown)(design(), 'party', 'sex', 'region'),
    error: EstimationError,
    code: 'BAD_ARGUMENTS',
    mentions: ['two variables', 'svyTable(design, ["party", "sex", "region"])'],
  },
  {
    name: 'a variable given twice to svyMean',
    run: () => svyMean(design(), ['y', 'party', 'y']),
    error: EstimationError,
    code: 'BAD_ARGUMENTS',
    mentions: ['"y" is given twice'],
    details: { variable: 'y' },
  },
];

const WEIGHTING: BadInput[] = [
  {
    name: 'a margin with a level nobody in the sample has',
    run: () => rake(design(), [{ variable: 'party', population: { A: 40, B: 30, C: 20, D: 10 } }]),
    error: WeightingError,
    code: 'EMPTY_CELL',
    mentions: ['party = "D"', 'no respondent'],
    details: { variable: 'party', level: 'D', value: 10 },
  },
  {
    name: 'a margin without a level the sample has',
    run: () => rake(design(), [{ variable: 'party', population: { A: 40, B: 30 } }]),
    error: WeightingError,
    code: 'MISSING_POPULATION_LEVEL',
    mentions: ['party = "C"', 'row 4'],
    details: { variable: 'party', level: 'C', row: 4 },
  },
  {
    name: 'margins with inconsistent totals',
    run: () =>
      rake(design(), [
        { variable: 'party', population: { A: 40, B: 30, C: 30 } },
        { variable: 'region', population: { N: 60, S: 60 } },
      ]),
    error: WeightingError,
    code: 'INCONSISTENT_MARGINS',
    mentions: ['party sums to 100', 'region sums to 120'],
  },
  {
    name: 'a negative population count',
    run: () => rake(design(), [{ variable: 'region', population: { N: 60, S: -1 } }]),
    error: WeightingError,
    code: 'BAD_POPULATION_COUNT',
    mentions: ['region = "S"', '-1'],
    details: { variable: 'region', level: 'S', value: -1 },
  },
  {
    name: 'a NaN population count',
    run: () => rake(design(), [{ variable: 'region', population: { N: Number.NaN, S: 5 } }]),
    error: WeightingError,
    code: 'BAD_POPULATION_COUNT',
    mentions: ['region = "N"', 'NaN'],
  },
  {
    name: 'a zero population count',
    run: () => rake(design(), [{ variable: 'region', population: { N: 0, S: 5 } }]),
    error: WeightingError,
    code: 'BAD_POPULATION_COUNT',
    mentions: ['region = "N"', 'is 0'],
  },
  {
    name: 'raking that cannot converge (two margins split the sample alike)',
    run: () =>
      rake(twoByTwo(), [
        { variable: 'a', population: { p: 10, q: 10 } },
        { variable: 'b', population: { u: 5, v: 15 } },
      ]),
    error: WeightingError,
    code: 'NOT_CONVERGED',
    mentions: ['did not converge', /a = "p"|b = "u"/],
  },
  {
    name: 'calibration bounds that cannot be met',
    run: () =>
      calibrate(design(), {
        margins: [{ variable: 'region', population: { N: 90, S: 10 } }],
        calfun: 'logit',
        bounds: [0.5, 2],
      }),
    error: WeightingError,
    code: 'INFEASIBLE_BOUNDS',
    mentions: ['region = "N"', '[0.5, 2]'],
    details: { variable: 'region', level: 'N' },
  },
  {
    name: 'logit calibration without bounds',
    run: () =>
      calibrate(design(), {
        margins: [{ variable: 'region', population: { N: 50, S: 50 } }],
        calfun: 'logit',
      }),
    error: WeightingError,
    code: 'BAD_OPTION',
    mentions: ['finite bounds'],
  },
  {
    name: 'a weighting variable missing for a respondent',
    run: () => rake(design(), [{ variable: 'sex', population: { m: 50, f: 50 } }]),
    error: WeightingError,
    code: 'MISSING_WEIGHTING_VALUE',
    mentions: ['"sex"', '1 respondent', 'row 8'],
    details: { variable: 'sex', row: 8 },
  },
  {
    name: 'a margin on a numeric variable',
    run: () => rake(design(), [{ variable: 'y', population: { 1: 50 } }]),
    error: WeightingError,
    code: 'NOT_CATEGORICAL',
    mentions: ['"y"'],
  },
  {
    name: 'a margin on an unknown variable',
    run: () => rake(design(), [{ variable: 'age', population: { young: 50 } }]),
    error: WeightingError,
    code: 'UNKNOWN_VARIABLE',
    mentions: ['"age"', 'poll.csv'],
  },
  {
    name: 'two margins for one variable',
    run: () =>
      rake(design(), [
        { variable: 'region', population: { N: 50, S: 50 } },
        { variable: 'region', population: { N: 50, S: 50 } },
      ]),
    error: WeightingError,
    code: 'DUPLICATE_LEVEL',
    mentions: ['"region"'],
  },
  {
    name: 'a post-stratum missing from the population',
    run: () =>
      postStratify(design(), { variables: ['region'], population: [{ region: 'N', count: 50 }] }),
    error: WeightingError,
    code: 'MISSING_POPULATION_LEVEL',
    mentions: ['region = "S"', 'row 5'],
  },
  {
    name: 'weighting an empty domain',
    run: () =>
      postStratify(
        subset(design(), () => false),
        { variables: ['region'], population: [{ region: 'N', count: 50 }] },
      ),
    error: WeightingError,
    code: 'EMPTY_DOMAIN',
    mentions: ['postStratify', 'no respondents'],
  },
  {
    name: 'trimming bounds the weights cannot fit in',
    run: () => trimWeights(design(), { lower: 100, upper: 200, strict: true }),
    error: WeightingError,
    code: 'INFEASIBLE_BOUNDS',
    mentions: ['[100, 200]'],
  },
  {
    name: 'trimming with lower above upper',
    run: () => trimWeights(design(), { lower: 5, upper: 1 }),
    error: WeightingError,
    code: 'BAD_OPTION',
    mentions: ['lower (5)', 'upper (1)'],
  },
  {
    name: 'raking a replicate whose only respondent of a level is deleted',
    run: () =>
      rake(
        asRepDesign(
          svyDesign(fromColumns({ s: ['m', 'f', 'f', 'f', 'f', 'f'], psu: [1, 2, 3, 4, 5, 6] }), {
            ids: 'psu',
          }),
        ),
        [{ variable: 's', population: { m: 10, f: 10 } }],
      ),
    error: WeightingError,
    code: 'EMPTY_CELL',
    mentions: ['replicate 1 of 6', 's = "m"'],
    details: { replicate: 1, variable: 's', level: 'm' },
  },
  {
    name: 'margins JSON of the wrong shape',
    run: () => marginsFromJson({ margins: 5 }, 'margins.json'),
    error: WeightingError,
    code: 'INVALID_MARGINS',
    mentions: ['margins.json'],
  },
  {
    name: 'a margins file cut short (not JSON)',
    run: () => readMargins(fixture('truncated-margins.txt')),
    error: WeightingError,
    code: 'INVALID_MARGINS',
    mentions: ['truncated-margins.txt', 'not JSON'],
  },
  {
    name: 'a margins file that does not exist',
    run: () => readMargins(fixture('no-such-margins.json')),
    error: DataFormatError,
    code: 'FILE_NOT_FOUND',
    mentions: ['no-such-margins.json'],
  },
];

const CHARTS: BadInput[] = [
  {
    name: 'a chart spec with an unknown mark',
    run: () => compileChart({ data: { values: [] }, mark: 'pie-ish' } as never),
    error: SurveyError,
    code: 'INVALID_CHART_SPEC',
  },
  {
    name: 'a chart that would load its data from a URL',
    run: () =>
      renderSvg({
        data: { url: 'https://example.com/poll.csv' },
        mark: 'point',
      } as never),
    error: SurveyError,
    code: 'CHART_DATA_NOT_INLINE',
    mentions: ['https://example.com/poll.csv'],
  },
];

const CATALOGUE: Array<[string, BadInput[]]> = [
  ['CSV files', CSV],
  ['codebooks and questionnaires', CODEBOOK],
  ['SPSS files', savCases()],
  ['in-memory frames', FRAMES],
  ['designs', DESIGNS],
  ['estimates', ESTIMATES],
  ['weighting', WEIGHTING],
  ['charts', CHARTS],
  ['hostile data (memory, time, silent loss, numbers, names)', dataCases()],
  ['numbers beyond the double range (weights near 1e±308)', numberCases()],
  [
    'hostile calls (levels × levels, replicates, calibration, PNG, odd keys, report files)',
    apiCases(),
  ],
];

/** The error `run` throws (or its promise rejects with); fails when it returns. */
async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, got a result');
}

describe('bad input: every broken input gives its typed error', () => {
  it('the catalogue has at least 40 entries, each named once', () => {
    const names = CATALOGUE.flatMap(([, cases]) => cases.map((c) => c.name));
    expect(names.length).toBeGreaterThanOrEqual(40);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const [group, cases] of CATALOGUE) {
    describe(group, () => {
      for (const c of cases) {
        it(`${c.name}: ${c.error.name} ${c.code}`, async () => {
          const e = await thrown(c.run);
          expect(e, String(e)).toBeInstanceOf(c.error);
          const err = e as SurveyError;
          expect(err.code, err.message).toBe(c.code);
          expect(err.name).toBe(err.constructor.name);
          expect(err.details).toBeTypeOf('object');
          for (const m of c.mentions ?? []) {
            if (typeof m === 'string') expect(err.message).toContain(m);
            else expect(err.message).toMatch(m);
          }
          if (c.details) expect(err.details).toMatchObject(c.details);
        });
      }
    });
  }
});

describe('odd but valid input gives numbers, not errors', () => {
  for (const rule of ['remove', 'adjust', 'average', 'certainty'] as const) {
    it(`a stratum with one PSU under lonelyPsu '${rule}'`, () => {
      const d = lonely(rule);
      for (const row of [...svyMean(d, 'y'), ...svyTotal(d, 'y')]) {
        expect(Number.isFinite(row.estimate)).toBe(true);
        expect(Number.isFinite(row.se) && row.se >= 0).toBe(true);
      }
      const [q] = svyQuantile(d, 'y', [0.5]);
      expect(q!.estimate).toBe(3);
      // the lonely stratum's own domain: still a number, except under 'average', which has no
      // other stratum to average over there (R gives NaN; surveykit says why: NO_VARIANCE)
      const domain = subset(d, (r) => r.s === 'S');
      if (rule === 'average') {
        expect(() => svyMean(domain, 'y')).toThrow(/nothing to average/);
        return;
      }
      const [m] = svyMean(domain, 'y');
      expect(m!.estimate).toBe(5.5);
      expect(Number.isFinite(m!.se)).toBe(true);
    });
  }

  it('a grouping level with no respondents is listed in emptyGroups, not estimated', () => {
    const table = svyBy(
      subset(design(), (r) => r.party !== 'B'),
      'party',
      (d) => svyMean(d, 'y'),
    );
    expect(table.map((r) => r.group?.party)).toEqual(['A', 'C']);
    expect(table.emptyGroups).toEqual([{ party: 'B' }]);
    const kept = svyBy(
      subset(design(), (r) => r.party !== 'B'),
      'party',
      (d) => svyMean(d, 'y'),
      { dropEmpty: false },
    );
    expect(kept.map((r) => [r.group?.party, r.n])).toEqual([
      ['A', 4],
      ['B', 0],
      ['C', 2],
    ]);
    expect(Number.isNaN(kept[1]!.estimate)).toBe(true);
  });

  it('respondents with a missing grouping value are counted, not lost', () => {
    const table = svyBy(design(), 'sex', (d) => svyMean(d, 'y'));
    expect(table.nMissingGroup).toBe(1);
    expect(table.reduce((s, r) => s + r.n, 0) + table.nMissingGroup).toBe(8);
  });

  it('a level of a categorical variable nobody chose has share 0 with SE 0', () => {
    const d = svyDesign(fromColumns({ g: ['a', 'a', 'b'] }, { levels: { g: ['a', 'b', 'c'] } }));
    const rows = svyMean(d, 'g');
    expect(rows.map((r) => r.level)).toEqual(['a', 'b', 'c']);
    expect(rows[2]!.estimate).toBe(0);
    expect(rows[2]!.se).toBe(0);
  });

  it('an empty quantile list and a domain of one respondent', () => {
    expect(svyQuantile(design(), 'y', [])).toEqual([]);
    const [m] = svyMean(
      subset(design(), (r) => r.y === 3),
      'y',
    );
    expect(m!.estimate).toBe(3);
    expect(m!.se).toBe(0);
  });

  it('zero weights are kept when allowed, and count in n but not in the estimate', () => {
    const d = svyDesign(weighted([0, 1, 1]), { weights: 'w', allowZeroWeights: true });
    const [m] = svyMean(d, 'y');
    expect(m!.estimate).toBe(1.5);
    expect(m!.n).toBe(3);
  });

  it('an SPSS header counting fewer cases than the data holds: read as SPSS does, and said', () => {
    for (const [file, said] of [
      ['poll.sav', /declares 20 cases .* 4 more whole case\(s\) follow/],
      ['poll-bytecode.sav', /declares 20 cases .* more case data follows/],
      ['poll.zsav', /declares 20 cases .* more case data follows/],
    ] as const) {
      const d = parseSav(patched(file, 80, 20), { source: file });
      expect(d.nrow, file).toBe(20);
      expect(d.sav.warnings.join('\n'), file).toMatch(said);
      expect(parseSav(savBytes(file)).sav.warnings, file).toEqual([]);
    }
  });

  it("a numeric column with NA cells (R's and pandas' marker) stays numeric, the cells counted", () => {
    const d = parseCsv('id,income\n1,801\n2,NA\n3,1200\n', { source: 'r-export.csv' });
    expect(d.columns.income!.kind).toBe('numeric');
    expect(d.load.missing).toEqual([
      { column: 'income', empty: 0, missingCodes: {}, na: { NA: 1 } },
    ]);
    const [m] = svyMean(svyDesign(d), 'income');
    expect([m!.estimate, m!.n, m!.nMissing]).toEqual([1000.5, 2, 1]);
  });

  it('a CSV with blank lines and a BOM loads, the blank lines listed as rejected rows', () => {
    const d = parseCsv('\uFEFFa,b\n1,2\n\n3,4\n\n\n');
    expect(d.nrow).toBe(2);
    expect(d.load.rowsRejected).toEqual([{ row: 3, reason: 'empty line' }]);
  });
});
