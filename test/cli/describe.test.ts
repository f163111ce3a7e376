/**
 * `surveykit describe`: the text and JSON descriptions, the draft codebook (which reads the file
 * back, CSV and SPSS), weighted shares, and the exit codes (0 done, 1 bad data, 2 misuse).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DescribeJson } from '../../src/cli/describe.js';
import { parseCodebook } from '../../src/data/codebook.js';
import { readCsv } from '../../src/data/csv/csv.js';
import { readSav } from '../../src/data/sav/sav.js';
import { svyDesign } from '../../src/design/build.js';
import { describeData } from '../../src/estimate/describe.js';
import { cli, cliProcess, tempDir } from '../helpers/cli-io.js';

const CSV = 'test/fixtures/csv/poll.csv';
const CODEBOOK = 'test/fixtures/csv/poll.codebook.json';
const SAV = 'test/fixtures/sav/poll.sav';

describe('surveykit describe', () => {
  it('names and labels cannot drive the terminal: control characters are printed escaped', async () => {
    const file = join(tempDir(), 'esc.csv');
    writeFileSync(file, '"q\u001b]0;title\u0007",v\n"a\u001b[31mred",1\n"b\rover",2\n');
    const r = await cli('describe', file);
    expect(r.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters looked for
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.stdout).toContain('a\\u{1b}[31mred');
  });

  it('--help prints the usage on stdout and exits 0', async () => {
    const r = await cli('describe', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: surveykit describe FILE/);
    expect(r.stdout).toContain('--with-codebook IN.json');
    expect(r.stderr).toBe('');
  });

  it('misuse exits 2 with the message and the usage on stderr', async () => {
    for (const argv of [
      [],
      [CSV, 'extra'],
      [CSV, '--bogus'],
      [CSV, '--max-levels', 'x'],
      [CSV, '--max-levels', '-1'],
      [CSV, '--codebook'],
    ]) {
      const r = await cli('describe', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^surveykit describe: /);
      expect(r.stderr).toContain('usage: surveykit describe');
      expect(r.stdout).toBe('');
    }
  });

  it('bad data exits 1 with the typed error code and message', async () => {
    const missing = await cli('describe', 'no/such/file.csv');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/surveykit describe: FILE_NOT_FOUND: .*no\/such\/file\.csv/);
    // a codebook the data disagrees with: q1 code 99 is allowed, but not 7
    const dir = tempDir();
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'sex,age,q1\n1,30,7\n');
    const r = await cli('describe', bad, '--with-codebook', CODEBOOK);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CODEBOOK_VIOLATION');
    // weights that are not weights
    const w = await cli('describe', CSV, '--weights', 'region');
    expect(w.code).toBe(1);
    expect(w.stderr).toContain('NON_NUMERIC_WEIGHT');
  });

  it('prints each variable: type, label, levels with counts and shares, missing with reasons', async () => {
    const r = await cli('describe', CSV, '--with-codebook', CODEBOOK);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`reading ${CSV}`);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`${CSV} (CSV): 4 rows read, 1 left out; 6 variables`);
    expect(lines[1]).toBe('  left out: line 6 (empty line)');
    const block = (name: string) => {
      const start = lines.findIndex((l) => l.startsWith(`${name} — `));
      const end = lines.indexOf('', start);
      return lines.slice(start, end < 0 ? undefined : end);
    };
    expect(block('sex')).toEqual([
      'sex — categorical — Sex of respondent',
      '  n 3, missing 1 (9 "Refused": 1)',
      '    level   n  share',
      '    Male    1  33.3%',
      '    Female  2  66.7%',
    ]);
    expect(block('age')).toEqual([
      'age — numeric — Age in years',
      '  n 3, missing 1 (empty: 1)',
      '  range 34 to 51, mean 44, 3 distinct values',
    ]);
    // a level with a line break stays on its line
    expect(block('comment')).toContain('    two\\r\\nlines     1  33.3%');
  });

  it('--json prints one document: describeData with the file and its format', async () => {
    const r = await cli('describe', CSV, '--with-codebook', CODEBOOK, '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as DescribeJson;
    const codebook = parseCodebook(JSON.parse(readFileSync(CODEBOOK, 'utf8')));
    const expected = describeData(await readCsv(CSV, { codebook }));
    expect(json).toEqual({ file: CSV, format: 'csv', weights: null, ...expected });
  });

  it('--na and --levels read a CSV as the library does with those options', async () => {
    const file = join(tempDir(), 'scale.csv');
    writeFileSync(file, 'income,q1\n1200,Agree\nNA,Disagree\n-9,Agree\n800,Neutral\n');
    const r = await cli(
      'describe',
      file,
      '--json',
      '--na',
      'NA,-9',
      '--levels',
      'q1=Agree|Neutral|Disagree|Refused',
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as DescribeJson;
    const expected = describeData(
      await readCsv(file, {
        na: ['NA', '-9'],
        levels: { q1: ['Agree', 'Neutral', 'Disagree', 'Refused'] },
      }),
    );
    expect(json.variables).toEqual(expected.variables);
    const [income, q1] = json.variables;
    expect(income).toMatchObject({ name: 'income', type: 'numeric' });
    expect(q1!.type === 'categorical' && q1!.levels.map((l) => l.level)).toEqual([
      'Agree',
      'Neutral',
      'Disagree',
      'Refused',
    ]);
    // the default: NA is missing, -9 is a number
    const plain = JSON.parse((await cli('describe', file, '--json')).stdout) as DescribeJson;
    expect(plain.variables[0]).toMatchObject({ name: 'income', type: 'numeric' });
    // a malformed --levels is a misuse of the command
    const bad = await cli('describe', file, '--levels', 'q1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--levels takes COLUMN=LEVEL/);
    // a value outside the levels is bad data, named
    const outside = await cli('describe', file, '--levels', 'q1=Agree|Disagree');
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/UNKNOWN_LEVEL.*Neutral/s);
  });

  it('an SPSS file: labels, missing codes, SPSS facts; levels beyond --max-levels summarised', async () => {
    const r = await cli('describe', SAV, '--max-levels', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${SAV} (SPSS): 24 rows read, 0 left out; 16 variables`);
    expect(r.stdout).toContain('SPSS: encoding utf-8, no weight variable');
    expect(r.stdout).toContain(
      'trust — categorical — Доверие президенту\n  n 18, missing 6 (8 "Не слышал": 2, 97 "Затрудняюсь": 2, 98 "Отказ": 1, 99 "Нет данных": 1)',
    );
    expect(r.stdout).toContain('    … 2 more levels (--max-levels, or --json for all)');
    const json = JSON.parse((await cli('describe', SAV, '--json')).stdout) as DescribeJson;
    expect(json.format).toBe('sav');
    expect(json.spss).toEqual({ encoding: 'utf-8', weight: null, fileLabel: expect.any(String) });
    expect(json.variables).toEqual(describeData(await readSav(SAV)).variables);
  });

  it('--weights on a file of one respondent: weighted shares with no sampling design needed', async () => {
    const file = join(tempDir(), 'one.csv');
    writeFileSync(file, 'sex,w\nF,2\n');
    const r = await cli('describe', file, '--weights', 'w', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as DescribeJson;
    expect(json.weights).toBe('w');
    expect(json.weightSum).toBe(2);
  });

  it('--weights COL adds weighted shares and means, as describeData of the design', async () => {
    const r = await cli('describe', SAV, '--weights', 'wt', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as DescribeJson;
    const sav = await readSav(SAV);
    expect(json.weights).toBe('wt');
    expect(json.variables).toEqual(
      describeData(svyDesign(sav, { weights: 'wt', allowZeroWeights: true })).variables,
    );
    const text = (await cli('describe', SAV, '--weights', 'wt')).stdout;
    expect(text).toContain('weighted by wt (sum 33.5656)');
    expect(text).toMatch(
      / {4}level {5}n {2}share {2}weighted\n {4}Мужчина {2}10 {2}47\.6% {5}45\.5%/,
    );
  });

  it('--codebook OUT.json writes a draft codebook that reads the CSV back', async () => {
    const dir = tempDir();
    const out = join(dir, 'drafts', 'poll.codebook.json');
    const r = await cli('describe', CSV, '--codebook', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote the draft codebook ${out} (6 variables)`);
    const draft = parseCodebook(JSON.parse(readFileSync(out, 'utf8')));
    expect(draft.variables.find((v) => v.name === 'age')!.range).toEqual([34, 51]);
    const plain = await readCsv(CSV);
    const back = await readCsv(CSV, { codebook: draft });
    expect(back.columns).toEqual(plain.columns);
    // an existing file is not replaced (describe's --codebook writes), unless --force
    const again = await cli('describe', CSV, '--codebook', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('refusing to replace');
    expect(again.stderr).toContain('--with-codebook');
    expect((await cli('describe', CSV, '--codebook', out, '--force')).code).toBe(0);
    // nor the data file
    expect((await cli('describe', CSV, '--codebook', CSV, '--force')).code).toBe(2);
  });

  it('--codebook OUT.json of an SPSS file: labels and missing codes; reads the SPSS data exported as CSV', async () => {
    const dir = tempDir();
    const out = join(dir, 'poll.json');
    expect((await cli('describe', SAV, '--codebook', out, '--json')).code).toBe(0);
    const draft = parseCodebook(JSON.parse(readFileSync(out, 'utf8')));
    expect(draft.variables.find((v) => v.name === 'q1')).toMatchObject({
      type: 'categorical',
      missing: [99],
    });
    const sav = await readSav(SAV);
    const csv = await readCsv('test/fixtures/sav/poll.csv', { codebook: draft });
    expect(csv.columns).toEqual(sav.columns);
  });

  it('runs as a real process: results on stdout, progress on stderr, exit codes', () => {
    const ok = cliProcess('describe', CSV, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).variables).toHaveLength(6);
    expect(ok.stderr).toBe(`reading ${CSV}\n`);
    const bad = cliProcess('describe', 'no/such/file.csv');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('FILE_NOT_FOUND');
    expect(existsSync('no')).toBe(false);
  });
});
