import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { DataFormatError } from '../../src/errors.js';
import { parseQuestionnaire } from '../../src/poll/questionnaire.js';
import { pollReport } from '../../src/report/report.js';
import type { PollReport } from '../../src/report/types.js';
import { writePollReport } from '../../src/report/write.js';
import { ESCAPING_QUESTION, tempDir } from './fixtures.js';

const data = fromColumns({
  vote: ['Yes', 'No', 'Yes', 'Yes', 'No', 'Yes'],
  p_a: [1, 0, 1, 1, 0, 1],
  p_b: [0, 1, 1, 0, 1, 0],
  w: [1, 2, 1, 2, 1, 2],
});
const questionnaire = parseQuestionnaire({ multipleResponse: [ESCAPING_QUESTION] });
const scripts = { vega: '', vegaLite: '', vegaEmbed: '' };

async function failure(p: Promise<unknown>): Promise<DataFormatError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('expected a failure');
}

describe('writePollReport', () => {
  it('writes every file inside the folder: ids from the data cannot leave it', async () => {
    const parent = tempDir();
    const out = join(parent, 'out');
    const lines: string[] = [];
    const report = pollReport({ data, design: { weights: 'w' }, questionnaire, scripts });
    const files = await writePollReport(report, out, { log: (l) => lines.push(l) });
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      'summary.json',
      'tables/multiple-response.csv',
      'tables/ranking-x-escaped.csv',
      'charts/ranking-x-escaped.json',
      'charts/ranking-x-escaped.svg',
      'charts/ranking-x-escaped.png',
      'charts/weights.json',
      'charts/weights.svg',
      'charts/weights.png',
      'report.html',
    ]);
    expect(readdirSync(parent)).toEqual(['out']);
    expect(readFileSync(join(out, 'charts', 'weights.svg'), 'utf8')).toMatch(/^<svg/);
    expect(
      readFileSync(join(out, 'charts', 'weights.png'))
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(lines).toEqual([
      `charts: 2 charts as PNG, SVG and Vega-Lite JSON in ${out}/charts; report ${out}/report.html`,
      `wrote ${out}/summary.json, 2 tables in ${out}/tables, 6 chart files and report.html`,
    ]);
  });

  it('refuses a table or chart name that is not a plain file name, before writing anything', async () => {
    const report = pollReport({ data, design: { weights: 'w' }, charts: false });
    for (const name of ['../escaped', 'a/b', '..', '', 'a\\b']) {
      const out = join(tempDir(), 'out');
      const bad: PollReport = { ...report, tables: new Map([[name, 'x\n']]) };
      const e = await failure(writePollReport(bad, out));
      expect(e.code, name).toBe('UNSAFE_PATH');
      expect(e.message).toContain(JSON.stringify(`tables/${name}`));
      expect(existsSync(out), name).toBe(false);
    }
    const withChart = pollReport({ data, design: { weights: 'w' }, scripts });
    const bad: PollReport = {
      ...withChart,
      charts: withChart.charts.map((c) => ({ ...c, name: '../../escaped' })),
    };
    expect((await failure(writePollReport(bad, join(tempDir(), 'out')))).code).toBe('UNSAFE_PATH');
  });

  it('says which file cannot be written (WRITE_ERROR)', async () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'taken'), 'a file, not a folder');
    const report = pollReport({ data, charts: false });
    const e = await failure(writePollReport(report, join(parent, 'taken')));
    expect(e.code).toBe('WRITE_ERROR');
    expect(e.message).toContain(join(parent, 'taken', 'summary.json'));
  });

  it('writes only the chart formats the page links to', async () => {
    const out = tempDir();
    const report = pollReport({ data, design: { weights: 'w' }, chartFiles: ['svg'], scripts });
    const files = await writePollReport(report, out);
    expect(files.filter((f) => f.includes('/charts/')).map((f) => f.slice(out.length + 1))).toEqual(
      ['charts/topline-vote.svg', 'charts/weights.svg'],
    );
    expect(report.html).toContain('href="charts/weights.svg"');
    expect(report.html).not.toContain('href="charts/weights.png"');
  });

  it('makes every file before writing one: a chart that cannot be drawn leaves no folder behind', async () => {
    const report = pollReport({ data, design: { weights: 'w' }, scripts });
    const last = report.charts.length - 1;
    const bad: PollReport = {
      ...report,
      charts: report.charts.map((c, i) =>
        i === last ? { ...c, spec: { ...c.spec, mark: 'no-such-mark' } as never } : c,
      ),
    };
    const out = join(tempDir(), 'out');
    let e: unknown;
    try {
      await writePollReport(bad, out);
    } catch (x) {
      e = x;
    }
    expect((e as { code?: string }).code).toBe('INVALID_CHART_SPEC');
    expect(existsSync(out)).toBe(false);
  });

  it('labels with control characters: every file written, the SVG valid XML', async () => {
    const odd = fromColumns({ vote: ['Y\u0001es', 'No\u0000', 'Y\u0001es', 'N\u001bo'] });
    const out = join(tempDir(), 'out');
    const files = await writePollReport(pollReport({ data: odd, scripts }), out);
    const svg = readFileSync(files.find((f) => f.endsWith('topline-vote.svg'))!, 'utf8');
    expect(svg).toContain('Yes');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters looked for
    expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const page = html.slice(0, html.indexOf('<script'));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters looked for
    expect(page).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });
});
