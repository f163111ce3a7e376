/**
 * Runs every notebook (`notebooks/NN-*.ts`) as `npm run notebooks` does, each in its own Node
 * process with tsx and its output directory set to a temporary one, and checks that it finishes,
 * prints every cell's heading and its tables, and writes every chart it names (JSON, SVG, PNG)
 * and its other files, so the notebooks never rot.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const notebooks = readdirSync(join(root, 'notebooks'))
  .filter((f) => /^\d\d-.*\.ts$/.test(f))
  .sort();
const out = mkdtempSync(join(tmpdir(), 'surveykit-notebooks-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'notebooks', file)], {
      cwd: root,
      env: { ...process.env, SURVEYKIT_NOTEBOOKS_OUT: out, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// all notebooks at once (each takes a few seconds, mostly rendering charts)
const runs = new Map<string, Promise<Run>>();
beforeAll(() => {
  for (const file of notebooks) runs.set(file, run(file));
});

/** The plain string first arguments of `call('...')` or `call("...")` in a notebook's source. */
function callArguments(source: string, call: string): string[] {
  return [...source.matchAll(new RegExp(`${call}\\(\\s*(?:'([^'\\\\]+)'|"([^"\\\\]+)")`, 'g'))].map(
    (m) => m[1] ?? m[2]!,
  );
}

describe('notebooks', () => {
  it('there are four, and npm run notebooks runs them', () => {
    expect(notebooks).toEqual([
      '01-load-and-weight.ts',
      '02-partner-attitudes.ts',
      '03-eeu-support.ts',
      '04-compare-waves.ts',
    ]);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.notebooks).toBe('tsx notebooks/run-all.ts');
  });

  for (const file of notebooks) {
    it(`${file} runs, prints its tables and writes its charts`, { timeout: 120_000 }, async () => {
      const source = readFileSync(join(root, 'notebooks', file), 'utf8');
      const { code, stdout, stderr } = await runs.get(file)!;
      expect(stderr, stderr).toBe('');
      expect(code).toBe(0);

      // every cell is marked and announces itself
      const headings = callArguments(source, 'heading');
      expect(headings.length).toBeGreaterThanOrEqual(4);
      expect(source.match(/^\/\/ %%/gm)?.length).toBe(headings.length);
      for (const h of headings) expect(stdout).toContain(`## ${h}`);

      // every table is printed: its title, then a header and a rule of dashes
      const titles = callArguments(source, 'printTable');
      expect(titles.length).toBeGreaterThan(0);
      for (const t of titles) expect(stdout).toContain(t);
      const rules = stdout.split('\n').filter((l) => /^-+( +-+)*$/.test(l));
      expect(rules.length).toBeGreaterThanOrEqual(titles.length);
      expect(stdout).not.toMatch(/NaN|undefined|\[object Object\]/);
      // where the data comes from: said at the start and under every table
      const lines = stdout.split('\n');
      const sources = lines.filter((l) => l.startsWith('Source: '));
      expect(sources.length).toBeGreaterThan(rules.length);
      expect(sources[0]).toMatch(/^Source: Synthetic data/);
      lines.forEach((l, i) => {
        if (/^-+( +-+)*$/.test(l)) {
          // the table's rows, then its footnotes, then its source
          const end = lines.indexOf('', i);
          expect(lines[end - 1], `the source under the table at line ${i}`).toMatch(/^Source: /);
        }
      });

      // every chart as a Vega-Lite spec, an SVG and a PNG
      const charts = callArguments(source, 'saveChart');
      expect(charts.length).toBeGreaterThan(0);
      for (const name of charts) {
        const spec = JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8'));
        expect(spec.$schema).toMatch(/vega-lite/);
        // the source under the chart: the data is synthetic
        expect(spec.vconcat?.[0]?.title?.orient, name).toBe('bottom');
        expect(spec.vconcat[0].title.text.join(' '), name).toMatch(/Synthetic data/);
        expect(readFileSync(join(out, `${name}.svg`), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
        const png = readFileSync(join(out, `${name}.png`));
        expect(png.subarray(1, 4).toString()).toBe('PNG');
        expect(png.length).toBeGreaterThan(10_000);
      }
      for (const name of callArguments(source, 'saveFile'))
        expect(existsSync(join(out, name))).toBe(true);
    });
  }

  it('01 rakes to the margins and reads the SPSS files', async () => {
    const { stdout } = await runs.get('01-load-and-weight.ts')!;
    expect(stdout).toContain('converged true');
    expect(stdout).toContain('encoding windows-1251');
    expect(stdout).toMatch(/read it back: 1500 cases, weight design_weight/);
  });

  it('04 gets the same SE from the stacked design as from √(se₁² + se₂²)', async () => {
    const { stdout } = await runs.get('04-compare-waves.ts')!;
    const se = (method: string) => {
      const line = stdout.split('\n').find((l) => l.startsWith(method));
      return Number(line?.trim().split(/\s+/).at(-2));
    };
    const stacked = se('stacked design');
    expect(stacked).toBeGreaterThan(0);
    expect(se('separate designs')).toBe(stacked);
  });
});
