import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { ESCAPING_QUESTION, root, tempDir } from '../report/fixtures.js';

/** Runs `surveykit ...argv` in this process with both streams captured. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const data = (name: string) => join(root, 'data', name);
const BUNDLED = [
  data('belarus-2021-12.csv'),
  '--codebook',
  data('codebook.json'),
  '--questionnaire',
  data('questionnaire.json'),
  '--margins',
  data('margins.json'),
  '--design',
  data('design.json'),
];

/** Another poll: no codebook, its own columns and weights. */
function otherPoll(dir: string): string {
  const file = join(dir, 'other.csv');
  const rows = ['region,vote,age,w'];
  for (let i = 0; i < 40; i++) {
    rows.push(
      `${i % 3 ? 'North' : 'South'},${i % 5 < 3 ? 'Yes' : 'No'},${20 + ((i * 7) % 60)},${1 + (i % 4)}`,
    );
  }
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

describe('surveykit report', () => {
  it('writes the bundled poll report: headlines on stdout, progress on stderr, files in --out', async () => {
    const out = tempDir();
    const r = await cli('report', ...BUNDLED, '--out', out, '--no-charts');
    expect(r.code).toBe(0);
    const stdout = r.stdout.split('\n');
    expect(stdout[0]).toMatch(
      /^notice: Synthetic data: every respondent in this sample was simulated/,
    );
    expect(stdout.slice(1, 5).every((l) => l.startsWith('headline: yes '))).toBe(true);
    expect(stdout[5]).toMatch(
      /^1500 respondents, raked weights \(Kish deff 1\.027, effective n 1461\)/,
    );
    expect(stdout[6]).toBe(
      'reliability (NCHS standard for proportions): 1 of 214 shares below the standard: eeu_membership: Support, region = Grodno (Korn–Graubard interval 31.1 points wide (>= 30))',
    );
    expect(stdout[7]).toBe(
      'source: Synthetic data: simulated respondents modelled on a Belarusian national poll of December 2021 (BISR); not a measurement of opinion',
    );
    expect(stdout[8]).toBe(`report: 14 files in ${out}`);
    expect(r.stderr.split('\n').map((l) => l.split(':')[0])).toEqual([
      'load',
      'design',
      'weighting',
      'estimates',
      'tables',
      `wrote ${out}/summary.json, 12 tables in ${out}/tables, tabs.xlsx`,
    ]);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.generatedBy).toMatch(/^surveykit report \(surveykit \d+\.\d+\.\d+\)$/);
    expect(summary.input.codebook).toBe(data('codebook.json'));
    expect(summary.design.call).toBe(
      'svyDesign(data, {"ids":"psu","strata":"stratum","weights":"design_weight","nest":true})',
    );
    expect(summary.headlines.map((h: { holds: string }) => h.holds)).toEqual([
      'yes',
      'yes',
      'yes',
      'yes',
    ]);
    expect(readdirSync(join(out, 'tables'))).toHaveLength(12);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
  });

  it('--json prints summary.json; --level and the design options are taken', async () => {
    const out = tempDir();
    const file = otherPoll(out);
    const r = await cli(
      'report',
      file,
      '--weights',
      'w',
      '--level',
      '0.9',
      '--json',
      '--no-charts',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.design.level).toBe(0.9);
    expect(summary.design.call).toBe('svyDesign(data, {"weights":"w"})');
    expect(summary).toEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')));
  });

  it("reads another poll's CSV without a codebook: types inferred, and it says so; no bundled file is used", async () => {
    const dir = tempDir();
    const file = otherPoll(dir);
    const out = join(dir, 'report');
    const r = await cli('report', file, '--weights', 'w', '--out', out, '--no-png');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'types: no --codebook, so the column types were inferred from the data: 2 numeric, 2 categorical',
    );
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.input).toEqual({
      data: file,
      codebook: null,
      questionnaire: null,
      margins: null,
    });
    expect(summary.estimates.topline.map((v: { variable: string }) => v.variable)).toEqual([
      'region',
      'vote',
      'age',
    ]);
    expect(readdirSync(join(out, 'tables'))).toEqual(['topline.csv']);
    expect(readdirSync(join(out, 'charts')).sort()).toEqual([
      'topline-region.json',
      'topline-region.svg',
      'topline-vote.json',
      'topline-vote.svg',
      'weights.json',
      'weights.svg',
    ]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('inferred from the data (no codebook)');
    expect(html).not.toContain('Belarus');
  });

  it('keeps every file of a path-escaping id inside --out', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const csv = join(dir, 'mr.csv');
    writeFileSync(csv, 'p_a,p_b\n1,0\n0,1\n1,1\n1,0\n');
    const q = join(dir, 'q.json');
    writeFileSync(q, JSON.stringify({ multipleResponse: [ESCAPING_QUESTION] }));
    const r = await cli('report', csv, '--questionnaire', q, '--out', out, '--no-charts');
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['mr.csv', 'out', 'q.json']);
    expect(readdirSync(join(out, 'tables')).sort()).toEqual([
      'multiple-response.csv',
      'ranking-x-escaped.csv',
    ]);
  });

  it("escapes the tables' text a spreadsheet would run, unless --no-escape-formulas", async () => {
    const dir = tempDir();
    const csv = join(dir, 'poll.csv');
    writeFileSync(csv, 'vote,w\n=1+2,1\nNo,2\n=1+2,1\nNo,1\n');
    const tables = async (...extra: string[]) => {
      const out = join(dir, `out${extra.length}`);
      const r = await cli('report', csv, '--weights', 'w', '--out', out, '--no-charts', ...extra);
      expect(r.code, r.stderr).toBe(0);
      return readdirSync(join(out, 'tables'))
        .map((f) => readFileSync(join(out, 'tables', f), 'utf8'))
        .join('\n');
    };
    const escaped = await tables();
    expect(escaped).toContain("'=1+2");
    expect(escaped).not.toMatch(/(^|,)"?=1\+2/m);
    const raw = await tables('--no-escape-formulas');
    expect(raw).toMatch(/(^|,)"?=1\+2/m);
    expect(raw).not.toContain("'=1+2");
  });

  it('a label with a control character: the whole report, charts valid XML (was a resvg error after half the files)', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const csv = join(dir, 'poll.csv');
    writeFileSync(csv, 'vote,w\nYes,1\nNo,2\nYes,1\nNo,1\n');
    const q = join(dir, 'q.json');
    writeFileSync(
      q,
      JSON.stringify({
        eeu: [
          {
            id: 'vote',
            variable: 'vote',
            question: { en: 'Vote\u0001?' },
            answers: [
              { code: 'Yes', label: { en: 'Y\u0001es' }, group: 'positive' },
              { code: 'No', label: { en: 'N\u0000o' }, group: 'negative' },
            ],
          },
        ],
      }),
    );
    const r = await cli(
      'report',
      csv,
      '--questionnaire',
      q,
      '--weights',
      'w',
      '--out',
      out,
      '--no-tabs',
    );
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const charts = readdirSync(join(out, 'charts'));
    expect(charts.filter((f) => f.endsWith('.png')).length).toBeGreaterThan(0);
    for (const f of charts.filter((x) => x.endsWith('.svg'))) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters looked for
      expect(readFileSync(join(out, 'charts', f), 'utf8')).not.toMatch(/[\u0000-\u0008]/);
    }
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });

  it('a questionnaire with a "__proto__" key: exit 1, INVALID_QUESTIONNAIRE, nothing written', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const csv = join(dir, 'poll.csv');
    writeFileSync(csv, 'vote\nYes\nNo\n');
    const q = join(dir, 'q.json');
    writeFileSync(
      q,
      '{"subgroups":[{"variable":"vote","label":{"en":"Vote","__proto__":{"x":1}}}]}',
    );
    const r = await cli('report', csv, '--questionnaire', q, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INVALID_QUESTIONNAIRE: .*subgroups\.0\.label\.__proto__/s);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 1 with the typed error for data it cannot use', async () => {
    const missing = await cli('report', join(tempDir(), 'nope.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^surveykit report: FILE_NOT_FOUND: .*nope\.csv: no such file$/);
    // the bundled codebook given for another poll's file: a clear error, not a silent default
    const dir = tempDir();
    const wrong = await cli(
      'report',
      otherPoll(dir),
      '--codebook',
      data('codebook.json'),
      '--out',
      dir,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /^surveykit report: MISSING_COLUMN: .*the codebook lists \d+ variables not in the file/,
    );
    const badDesign = await cli('report', otherPoll(dir), '--weights', 'nope', '--out', dir);
    expect(badDesign.code).toBe(1);
    expect(badDesign.stderr.split('\n').at(-1)).toMatch(/^surveykit report: [A-Z_]+: .*"nope"/);
  });

  it('exits 2 with the usage when misused', async () => {
    const unknown = await cli('report', 'a.csv', '--bogus');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^surveykit report: Unknown option '--bogus'/);
    expect(unknown.stderr).toContain('usage: surveykit report DATA [options]');
    expect((await cli('report')).code).toBe(2);
    expect((await cli('report', 'a.csv', 'b.csv')).code).toBe(2);
    const level = await cli('report', 'a.csv', '--level', '95');
    expect(level.code).toBe(2);
    expect(level.stderr).toMatch(/--level must be between 0 and 1/);
  });

  it('--help prints the usage and exits 0; the command lists it', async () => {
    const help = await cli('report', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: surveykit report DATA \[options\]/);
    for (const option of [
      '--codebook',
      '--questionnaire',
      '--margins',
      '--design',
      '--out',
      '--no-charts',
      '--no-png',
    ])
      expect(help.stdout).toContain(option);
    expect((await cli('--help')).stdout).toMatch(
      /\n {2}report +weight a poll and write its report/,
    );
  });

  it('runs as a process (npx tsx src/cli/main.ts) on the bundled files', () => {
    const out = tempDir();
    const r = spawnSync(
      'npx',
      ['tsx', 'src/cli/main.ts', 'report', ...BUNDLED, '--out', out, '--no-charts'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toMatch(/^load: 1500 respondents, 53 columns/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^notice: Synthetic data/);
    expect(r.stdout).toContain(
      'headline: yes       More than 90% have a positive or neutral attitude toward Kazakhstan: 92.4% [90.6% to 94.2%]',
    );
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).headlines).toHaveLength(4);
  });
});
