/**
 * Fuzzing the report (a bounded, seeded run for CI; `npm run fuzz -- --report` runs more): polls
 * whose names, levels, ids, labels, titles and margins are hostile texts, through pollReport +
 * writePollReport and through `surveykit report`. Every case ends in a typed error with nothing
 * written, or a report whose files are all inside --out, whose SVG is valid XML and whose page
 * runs only its own scripts; Object.prototype stays clean; each case within a deadline.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeReportCase,
  makeReportCase,
  type ReportOutcome,
  reportProblems,
  runReportCaseChecked,
} from './report.js';

/** Generous: a case takes a few hundred milliseconds (its charts drawn). */
const DEADLINE_MS = 20_000;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('report fuzzing', () => {
  it('cases are reproducible from their seed', () => {
    expect(describeReportCase(makeReportCase(5))).toBe(describeReportCase(makeReportCase(5)));
  });

  it('40 seeded hostile polls: a typed error with nothing written, or a sound report', async () => {
    const failures: string[] = [];
    const outcomes: ReportOutcome[] = [];
    const vias = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const c = makeReportCase(seed);
      const parent = mkdtempSync(join(tmpdir(), 'surveykit-report-fuzz-'));
      dirs.push(parent);
      const t0 = performance.now();
      const outcome = await runReportCaseChecked(c, parent);
      const ms = performance.now() - t0;
      outcomes.push(outcome);
      vias.add(`${c.via} ${outcome.ok ? outcome.result : 'failed'}`);
      if (!outcome.ok)
        failures.push(`seed ${seed}: ${outcome.problem}\n  ${describeReportCase(c)}`);
      else if (ms > DEADLINE_MS) failures.push(`seed ${seed}: took ${ms.toFixed(0)} ms`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    // the run covers the ground: reports and typed errors, through the API and the command line
    for (const v of ['api report', 'api error', 'cli report', 'cli error'])
      expect(vias).toContain(v);
  }, 600_000);

  it('the checks are not vacuous: markup, links, scripts and files out of place are caught', () => {
    const parent = mkdtempSync(join(tmpdir(), 'surveykit-report-fuzz-'));
    dirs.push(parent);
    const out = join(parent, 'out');
    mkdirSync(join(out, 'charts'), { recursive: true });
    writeFileSync(join(parent, 'escaped.csv'), 'x');
    writeFileSync(join(out, 'charts', 'a.svg'), '<svg>\u0001</svg>');
    writeFileSync(
      join(out, 'report.html'),
      `<html><head><meta http-equiv="Content-Security-Policy" content="script-src 'unsafe-inline'"></head><body><img src=x onerror=alert(1)><a href="javascript:x">l</a><script>alert(1)</script></body></html>`,
    );
    const problems = reportProblems(parent, out).join('\n');
    for (const said of [
      'a file outside --out: escaped.csv',
      'charts/a.svg holds a character XML cannot hold',
      'the page has a <img> element',
      'the page has a onerror attribute',
      'the page links to "javascript:x"',
      'the CSP allows inline script or eval',
      'the scripts the page runs are not exactly those its CSP lists',
    ]) {
      expect(problems).toContain(said);
    }
  });
});
