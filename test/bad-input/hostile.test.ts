/**
 * Odd but valid hostile-looking input read exactly (the other half of `data-cases.ts`): mixed line
 * breaks lose no row, a quoted empty cell is counted, ids beyond 2^53 stay distinct PSUs, a byte
 * order mark in a JSON file is dropped, a windows-1251 SPSS file that does not say its encoding is
 * guessed and says so, `__proto__` is a column like any other. And the crafted inputs themselves
 * are what they claim (small files that would inflate to gigabytes).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCsv, readCsv } from '../../src/data/csv/csv.js';
import { column, fromColumns } from '../../src/data/frame.js';
import { readZlibBlocks } from '../../src/data/sav/data.js';
import { readRecords } from '../../src/data/sav/records.js';
import { parseSav } from '../../src/data/sav/sav.js';
import { writeSav } from '../../src/data/sav/writer.js';
import { svyDesign } from '../../src/design/build.js';
import { degreesOfFreedom } from '../../src/design/df.js';
import { svyMean } from '../../src/estimate/mean.js';
import { readMargins } from '../../src/poll/weighting.js';
import { cp1251Sav, zsavBomb } from './hostile.js';

const FIXTURES = fileURLToPath(new URL('fixtures/', import.meta.url));

describe('hostile-looking but valid input is read exactly', () => {
  it('a CSV with CRLF and bare LF line breaks: every row', async () => {
    const d = await readCsv(join(FIXTURES, 'mixed-newlines.csv'));
    expect(d.nrow).toBe(4);
    expect(column(d, 'answer')).toEqual(['yes', 'no', 'yes', 'no']);
  });

  it('a one-column CSV whose last cell is a quoted empty: a row, counted as missing', () => {
    const d = parseCsv('answer\nyes\n""');
    expect(d.nrow).toBe(2);
    expect(d.load.missing).toEqual([{ column: 'answer', empty: 1, missingCodes: {} }]);
  });

  it('PSU ids 9007199254740993 and ...992 are two PSUs, read as text', () => {
    const d = parseCsv(
      'id,y\n9007199254740993,1\n9007199254740992,2\n9007199254740993,3\n9007199254740992,5\n',
    );
    expect(d.columns.id).toMatchObject({
      kind: 'categorical',
      levels: ['9007199254740992', '9007199254740993'],
    });
    const design = svyDesign(d, { ids: 'id' });
    expect(degreesOfFreedom(design)).toBe(1);
    const [m] = svyMean(design, 'y');
    // PSU totals 4 and 7 around the mean 2.75: a nonzero SE (one PSU would give none)
    expect(m!.se).toBeGreaterThan(0);
  });

  it('a margins file with a byte order mark', async () => {
    const margins = await readMargins(join(FIXTURES, 'bom-margins.txt'));
    expect(margins[0]).toMatchObject({ variable: 'sex', population: { Мужчины: 45, Женщины: 55 } });
  });

  it('a windows-1251 .sav that does not say its encoding: distinct levels, the guess said', () => {
    const d = parseSav(cp1251Sav('nothing'));
    expect(column(d, 'city')).toEqual(['Минск', 'Брест', 'Минск', 'Гомель']);
    expect(d.sav.encodingFrom).toBe('guess');
    expect(d.sav.warnings.some((w) => w.includes('windows-1251, a guess'))).toBe(true);
  });

  it('columns named __proto__ and constructor through CSV, fromColumns and SPSS', () => {
    const csv = parseCsv('__proto__,constructor\n1,a\n2,b\n');
    const frame = fromColumns(JSON.parse('{"__proto__": [1, 2], "constructor": ["a", "b"]}'));
    for (const d of [csv, frame, parseSav(writeSav(csv))]) {
      expect(d.names).toEqual(['__proto__', 'constructor']);
      expect(svyMean(svyDesign(d), '__proto__')[0]!.estimate).toBe(1.5);
      expect(column(d, 'constructor')).toEqual(['a', 'b']);
    }
  });
});

describe('the crafted inputs are what they claim', () => {
  it('the ZLIB bomb: about 1 MB that its blocks say inflates to 1 GB', () => {
    const bomb = zsavBomb({ ncases: -1, fill: 101, blocks: 250 });
    const { dataOffset } = readRecords(bomb, 176, true, 'bomb.zsav');
    const z = readZlibBlocks(bomb, dataOffset, true, 'bomb.zsav');
    expect(bomb.length).toBeLessThan(1_100_000);
    expect(z.inflated).toBe(250 * 0x3ff000);
    // and a small one reads: its blocks hold what they say
    expect(parseSav(zsavBomb({ ncases: -1, fill: 101, blocks: 1, blockSize: 800 })).nrow).toBe(800);
  });

  it('the windows-1251 .sav holds windows-1251 bytes', () => {
    expect(parseSav(cp1251Sav('utf-8'), { encoding: 'windows-1251' }).columns.city).toMatchObject({
      levels: ['Брест', 'Гомель', 'Минск'],
    });
  });
});
