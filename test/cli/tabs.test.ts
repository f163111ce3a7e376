/** `surveykit tabs`: banner tables from the command line, as the library makes them. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/data/csv/csv.js';
import { svyDesign } from '../../src/design/build.js';
import { tabsToCsv } from '../../src/tabs/csv.js';
import { svyTabs } from '../../src/tabs/tabs.js';
import { cli, cliProcess, tempDir } from '../helpers/cli-io.js';

const API = 'test/reference/data/apiclus1.csv';
const BUNDLED = [
  'data/belarus-2021-12.csv',
  '--codebook',
  'data/codebook.json',
  '--questionnaire',
  'data/questionnaire.json',
  '--margins',
  'data/margins.json',
  '--design',
  'data/design.json',
];

describe('surveykit tabs', () => {
  it('--help shows the usage (exit 0)', async () => {
    const r = await cli('tabs', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: surveykit tabs DATA --out FILE\.xlsx/);
  });

  it('escapes labels a spreadsheet would run in FILE.csv, unless --no-escape-formulas', async () => {
    const dir = tempDir();
    const csv = join(dir, 'poll.csv');
    writeFileSync(csv, 'vote,sex,w\n=1+2,@a,1\nNo,b,2\n=1+2,b,1\nNo,@a,1\n');
    const write = async (name: string, ...extra: string[]) => {
      const out = join(dir, name);
      const args = ['--weights', 'w', '--rows', 'vote', '--banner', 'sex', '--out', out];
      const r = await cli('tabs', csv, ...args, ...extra);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    };
    const escaped = await write('escaped.csv');
    expect(escaped).toContain("'=1+2");
    expect(escaped).toContain("'@a");
    const raw = await write('raw.csv', '--no-escape-formulas');
    expect(raw).not.toContain("'=1+2");
    expect(raw).not.toContain("'@a");
    // the same table otherwise: each escaped cell is the raw one quoted with a ' first
    expect(escaped.replaceAll(`"'=1+2"`, '=1+2').replaceAll(`"'@a"`, '@a')).toBe(raw);
  });

  it('writes the CSV that tabsToCsv gives for the same design and spec', async () => {
    const out = join(tempDir(), 'api.csv');
    const r = await cli(
      'tabs',
      API,
      '--ids',
      'dnum',
      '--weights',
      'pw',
      '--fpc',
      'fpc',
      '--rows',
      'sch.wide,api00',
      '--banner',
      'stype,both',
      '--level',
      '0.95,0.9',
      '--adjust',
      'BH',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const design = svyDesign(await readCsv(API), { ids: 'dnum', weights: 'pw', fpc: 'fpc' });
    const tabs = svyTabs(design, {
      rows: ['sch.wide', 'api00'],
      banner: ['stype', 'both'],
      level: [0.95, 0.9],
      adjust: 'BH',
    });
    expect(readFileSync(out, 'utf8')).toBe(tabsToCsv(tabs));
    expect(r.stdout).toContain(
      `tabs: ${tabs.rows.length} rows by ${tabs.columns.length} columns (Total, stype, both)`,
    );
    // without a codebook the types were inferred, and it said so
    expect(r.stderr).toMatch(/types: no --codebook/);
  });

  it('the bundled poll: questionnaire items by a banner, raked, to a workbook with the notice', async () => {
    const out = join(tempDir(), 'tabs.xlsx');
    const r = await cli(
      'tabs',
      ...BUNDLED,
      '--banner',
      'sex,agegroup',
      '--min-base',
      '30',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/notice: Synthetic data/);
    expect(r.stderr).toMatch(/weighting: raked to region, sex, agegroup, area/);
    const book = new ExcelJS.Workbook();
    const bytes = readFileSync(out);
    await book.xlsx.load(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    const names = book.worksheets.map((w) => w.name);
    expect(names[0]).toBe('Contents');
    expect(names.length).toBeGreaterThan(10);
    const text = JSON.stringify(book.worksheets[0]!.getSheetValues());
    expect(text).toMatch(/Synthetic data/);
  });

  it('misuse is exit 2 with the usage; bad data is exit 1 with the typed error', async () => {
    const usage = async (...args: string[]) => {
      const r = await cli('tabs', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: surveykit tabs');
      return r.stderr;
    };
    expect(await usage(API, '--rows', 'stype', '--banner', 'both')).toMatch(/--out .* is required/);
    expect(await usage(API, '--rows', 'stype', '--banner', 'both', '--out', 'x.pdf')).toMatch(
      /\.xlsx or \.csv/,
    );
    expect(await usage(API, '--out', 'x.csv')).toMatch(/give the table: --rows and --banner/);
    expect(
      await usage(API, '--rows', 'stype', '--banner', 'both', '--level', '95', '--out', 'x.csv'),
    ).toMatch(/--level/);
    expect(
      await usage(API, '--rows', 'stype', '--banner', 'both', '--adjust', 'fdr', '--out', 'x.csv'),
    ).toMatch(/--adjust/);
    expect(await usage(API, '--out', API, '--rows', 'stype', '--banner', 'both')).toMatch(
      /over the data file/,
    );
    const bad = await cli(
      'tabs',
      API,
      '--rows',
      'stype',
      '--banner',
      'nosuch',
      '--out',
      join(tempDir(), 'x.csv'),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/UNKNOWN_VARIABLE/);
  });

  it('runs as a process: exit code and streams', () => {
    const out = join(tempDir(), 'p.csv');
    const r = cliProcess(
      'tabs',
      API,
      '--weights',
      'pw',
      '--rows',
      'stype',
      '--banner',
      'both',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^tabs: 3 rows by 3 columns \(Total, both\)/);
    expect(readFileSync(out, 'utf8')).toMatch(/^question,variable,level/);
  });
});
