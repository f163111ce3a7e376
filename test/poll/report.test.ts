import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../scripts/report/args.js';
import { runReport } from '../../scripts/report/run.js';
import { root } from './fixtures.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'surveykit-report-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function table(path: string): Array<Record<string, string>> {
  const parsed = Papa.parse<Record<string, string>>(readFileSync(path, 'utf8'), {
    header: true,
    skipEmptyLines: true,
  });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

const ESTIMATE_KEYS = ['estimate', 'se', 'ci', 'n', 'nMissing'];

describe('npm run report (runReport in-process)', () => {
  it('runs end to end on the bundled poll and writes the documented files', async () => {
    const out = tempDir();
    const lines: string[] = [];
    const { summary, files } = await runReport({ out, log: (l) => lines.push(l) });

    // one progress line per stage (one per headline), then the files written
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'load',
      'design',
      'weighting',
      'estimates',
      'headline',
      'headline',
      'headline',
      'headline',
      'charts',
      expect.stringMatching(/^wrote /),
    ]);
    expect(lines.at(-2)).toMatch(
      /^charts: 14 charts as PNG, SVG and Vega-Lite JSON in .*; report .*report\.html$/,
    );
    expect(lines.at(-1)).toMatch(
      /^wrote .*summary\.json, 11 tables in .*, 42 chart files and report\.html/,
    );
    expect(lines[2]).toMatch(/^weighting: raked to region, sex, agegroup, area/);

    // summary.json: valid JSON with the documented fields
    const json = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(json).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(Object.keys(json)).toEqual([
      'generatedBy',
      'input',
      'load',
      'design',
      'weighting',
      'headlines',
      'estimates',
    ]);
    expect(Object.keys(json.input)).toEqual(['data', 'codebook', 'questionnaire', 'margins']);
    expect(json.load).toEqual({
      rowsRead: 1500,
      rowsRejected: 0,
      columns: 53,
      missingCells: expect.any(Number),
    });
    expect(Object.keys(json.design)).toEqual([
      'call',
      'n',
      'strata',
      'psus',
      'df',
      'weights',
      'sumWeights',
      'minWeight',
      'maxWeight',
      'kishDeff',
      'effectiveN',
      'level',
      'marginOfError50',
    ]);
    expect(json.design).toMatchObject({
      n: 1500,
      strata: 18,
      psus: 131,
      df: 113,
      weights: 'raked',
      level: 0.95,
    });
    expect(json.design.sumWeights).toBeCloseTo(7_490_000, 3);
    expect(json.design.effectiveN).toBeCloseTo(1500 / json.design.kishDeff, 8);
    const moe = json.design.marginOfError50;
    expect(Object.keys(moe)).toEqual(['srs', 'weighting', 'design', 'meanDeff']);
    expect(moe.srs).toBeCloseTo(1.98118 * Math.sqrt(0.25 / 1500), 6);
    expect(moe.weighting).toBeCloseTo(moe.srs * Math.sqrt(json.design.kishDeff), 12);
    expect(moe.design).toBeGreaterThan(moe.weighting);
    expect(json.weighting).toMatchObject({
      method: 'rake',
      margins: ['region', 'sex', 'agegroup', 'area'],
      converged: true,
    });
    expect(json.weighting.kishDeffAfter).toBeGreaterThan(json.weighting.kishDeffBefore);

    expect(json.headlines.map((h: { id: string; holds: string }) => [h.id, h.holds])).toEqual([
      ['kz_positive_or_neutral', 'yes'],
      ['kz_eeu_cooperation', 'yes'],
      ['kz_second_reliable', 'yes'],
      ['kz_second_interests', 'yes'],
    ]);
    for (const h of json.headlines) {
      for (const k of [...ESTIMATE_KEYS, 'deff', 'statement', 'source', 'reason'])
        expect(h, k).toHaveProperty(k);
      expect(h.ci[0]).toBeLessThan(h.estimate);
      expect(h.n + h.nMissing).toBe(1500);
    }
    expect(json.estimates.attitudes).toHaveLength(12);
    for (const a of json.estimates.attitudes)
      for (const s of ['positive', 'positiveOrNeutral', 'negative', 'net'])
        for (const k of ESTIMATE_KEYS) expect(a[s], `${a.key} ${s}`).toHaveProperty(k);
    expect(json.estimates.multipleResponse.map((m: { question: string }) => m.question)).toEqual([
      'reliable',
      'interests',
    ]);
    expect(json.estimates.items.map((i: { variable: string }) => i.variable)).toEqual([
      'eeu_kz_coop',
      'eeu_membership',
    ]);

    // the tables, the charts and the report
    expect(files).toHaveLength(1 + 11 + 14 * 3 + 1);
    const chartNames = [
      'headlines',
      'attitudes',
      'ranking-attitudes-net',
      'attitudes-ru',
      'ranking-reliable',
      'ranking-reliable-ru',
      'ranking-interests',
      'eeu-kz-coop-answers',
      'eeu-membership-answers',
      'eeu-kz-coop-by-subgroup',
      'eeu-membership-by-subgroup',
      'eeu-trend',
      'weighting-margins',
      'weights',
    ];
    for (const name of chartNames) {
      for (const ext of ['json', 'svg', 'png']) {
        expect(files, `${name}.${ext}`).toContain(join(out, 'charts', `${name}.${ext}`));
      }
      const spec = JSON.parse(readFileSync(join(out, 'charts', `${name}.json`), 'utf8'));
      expect(spec.$schema, name).toMatch(/vega-lite\/v6/);
      expect(readFileSync(join(out, 'charts', `${name}.svg`), 'utf8')).toMatch(/^<svg/);
      expect(
        readFileSync(join(out, 'charts', `${name}.png`))
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(files.at(-1)).toBe(join(out, 'report.html'));
    expect(html.match(/class="vega-chart"/g)).toHaveLength(14);
    for (const heading of ['Headline statements', 'Methodology', 'Weighting'])
      expect(html).toContain(`>${heading}</h2>`);
    expect(html).toContain('THE DATA IS SYNTHETIC');
    expect(html).toContain('Effective sample size');
    expect(html).toContain('92.4%'); // the Kazakhstan headline, in the headline table
    const attitudes = table(join(out, 'tables', 'attitudes.csv'));
    expect(attitudes.map((r) => r.key)).toEqual(
      json.estimates.attitudes.map((a: { key: string }) => a.key),
    );
    expect(Number(attitudes[2]!.positiveOrNeutral)).toBeCloseTo(json.headlines[0].estimate, 12);
    for (const q of ['reliable', 'interests']) {
      const ranking = table(join(out, 'tables', `ranking-${q}.csv`));
      expect(ranking).toHaveLength(12);
      expect(ranking.slice(0, 2).map((r) => [r.key, r.rank, r.rank_low, r.rank_high])).toEqual([
        ['russia', '1', '1', '1'],
        ['kazakhstan', '2', '2', '2'],
      ]);
    }
    const bySubgroup = table(join(out, 'tables', 'items-by-subgroup.csv'));
    expect(bySubgroup).toHaveLength(2 * (5 + 7 + 4 + 5));
    expect(new Set(bySubgroup.map((r) => r.by))).toEqual(
      new Set(['agegroup', 'region', 'settlement', 'education']),
    );
    const headlines = table(join(out, 'tables', 'headlines.csv'));
    expect(headlines.map((r) => r.holds)).toEqual(['yes', 'yes', 'yes', 'yes']);
    expect(table(join(out, 'tables', 'multiple-response.csv'))).toHaveLength(2 * 15);
  });

  it('uses the design weights only without margins', async () => {
    const out = tempDir();
    const lines: string[] = [];
    const { summary, files } = await runReport({
      out,
      margins: null,
      charts: false,
      log: (l) => lines.push(l),
    });
    expect(lines).toContain('weighting: design weights only (no margins given)');
    expect(lines.some((l) => l.startsWith('charts'))).toBe(false);
    expect(files).toHaveLength(12);
    expect(summary.design.weights).toBe('design');
    expect(summary.weighting.method).toBe('none');
    // the design-weighted headline figures of data/README.md
    expect(summary.headlines[0]!.estimate).toBeCloseTo(0.925, 3);
    expect(summary.headlines[1]!.estimate).toBeCloseTo(0.669, 3);
  });

  it('reads the command line', () => {
    expect(
      parseArgs([
        'my.csv',
        '--codebook',
        'cb.json',
        '--questionnaire',
        'q.json',
        '--margins',
        'm.json',
        '--out',
        'o',
        '--level',
        '0.9',
        '--no-charts',
      ]),
    ).toEqual({
      data: 'my.csv',
      codebook: 'cb.json',
      questionnaire: 'q.json',
      margins: 'm.json',
      out: 'o',
      level: 0.9,
      charts: false,
    });
    expect(parseArgs(['--no-margins']).margins).toBeNull();
    expect(() => parseArgs(['--out'])).toThrow(/needs a value/);
    expect(() => parseArgs(['a.csv', 'b.csv'])).toThrow(/unexpected argument/);
  });

  it('runs as a command (npx tsx scripts/report.ts) with files given on the command line', () => {
    const out = tempDir();
    const stdout = execFileSync(
      process.execPath,
      [
        join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(root, 'scripts', 'report.ts'),
        join(root, 'data', 'belarus-2021-12.csv'),
        '--codebook',
        join(root, 'data', 'codebook.json'),
        '--out',
        out,
        '--no-charts',
      ],
      { encoding: 'utf8', cwd: root },
    );
    expect(stdout).toMatch(/^load: 1500 respondents/);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).headlines).toHaveLength(4);
  });
});
