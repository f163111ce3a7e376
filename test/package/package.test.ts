/**
 * The package as users get it: `npm pack` (which builds), installed from the tarball into a new
 * project; a TypeScript consumer type-checked against the shipped declarations (NodeNext and
 * Bundler resolution, no skipLibCheck; the Bundler one without Node's types, as in a browser
 * project); the consumer run on Node; the command run from the installed package; and one
 * program bundled by esbuild for the browser and run in headless Chromium with every network
 * request refused, whose numbers must equal the same program's on Node.
 *
 * It needs the npm registry (the tarball's dependencies; npm's cache serves them after `npm ci`)
 * and, for the browser part, /usr/bin/chromium: without Chromium that part is skipped with a
 * message, unless CI is set (CI installs it).
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONSUMER = fileURLToPath(new URL('./consumer/', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const skipBrowser = !existsSync(CHROMIUM) && !process.env.CI;
if (skipBrowser)
  console.warn(`browser bundle test skipped: ${CHROMIUM} not found (CI installs it)`);

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
let work = '';
let project = '';
let tarball = '';

/** Runs a command; on failure the error's message carries its output (tsc prints to stdout). */
function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const { status, stdout, stderr } = e as { status: number; stdout: string; stderr: string };
    throw Object.assign(
      new Error(`${cmd} ${args.join(' ')} (exit ${status})\n${stdout}\n${stderr}`),
      {
        status,
        stdout,
        stderr,
      },
    );
  }
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'surveykit-package-'));
  const packed = JSON.parse(
    run('npm', ['pack', '--json', '--pack-destination', work], ROOT),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, packed[0]!.filename);
  project = join(work, 'consumer');
  mkdirSync(project);
  for (const f of readdirSync(CONSUMER)) copyFileSync(join(CONSUMER, f), join(project, f));
  copyFileSync(join(ROOT, 'test/reference/data/apiclus1.csv'), join(project, 'apiclus1.csv'));
  copyFileSync(join(ROOT, 'test/fixtures/sav/poll.zsav'), join(project, 'poll.zsav'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], project);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('the packed tarball', () => {
  it('ships the build with declarations, its sources for the source maps, and no test files', () => {
    const pkg = join(project, 'node_modules', 'surveykit');
    const files = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean);
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/dist/report-scripts.js');
    expect(files).toContain('package/dist/cli/main.js');
    expect(files.some((f) => f.startsWith('package/test/'))).toBe(false);
    // every source map points at a file that is in the package
    const maps = files.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(50);
    for (const f of maps) {
      const path = join(pkg, f.slice('package/'.length));
      const map = JSON.parse(readFileSync(path, 'utf8')) as { sources: string[] };
      for (const s of map.sources)
        expect(existsSync(join(path, '..', s)), `${f} → ${s}`).toBe(true);
    }
  });
});

describe('a TypeScript consumer of the installed package', () => {
  const config = (name: string, options: object, files: string[]) =>
    writeFileSync(
      join(project, name),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          ...options,
        },
        files,
      }),
    );

  it('type-checks with moduleResolution NodeNext (Node types, no skipLibCheck)', () => {
    config(
      'tsconfig.nodenext.json',
      {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      ['node-api.ts', 'node-entry.ts', 'program.ts'],
    );
    expect(() => run('node', [TSC, '-p', 'tsconfig.nodenext.json'], project)).not.toThrow();
  }, 180_000);

  it('type-checks with moduleResolution Bundler, DOM types and no Node types (a browser project)', () => {
    config(
      'tsconfig.bundler.json',
      { module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [] },
      ['program.ts', 'browser-entry.ts', 'assets.d.ts'],
    );
    expect(() => run('node', [TSC, '-p', 'tsconfig.bundler.json'], project)).not.toThrow();
  }, 180_000);

  it('runs on Node: files by path, estimates as R, PNG', async () => {
    await build({
      entryPoints: [join(project, 'node-api.ts')],
      outfile: join(project, 'node-api.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    expect(run('node', ['node-api.mjs'], project).trim()).toBe('644.17 23.542 24 PNG');
  }, 60_000);

  it('fits a large model on two threads, the helper loaded from the package', () => {
    expect(run('node', ['helper-thread.mjs'], project).trim()).toBe('true true true');
  }, 60_000);

  it('loads from CommonJS with import()', () => {
    expect(run('node', ['commonjs.cjs'], project).trim()).toBe('function function');
  });
});

describe('the surveykit command of the installed package', () => {
  const bin = () => join(project, 'node_modules', '.bin', 'surveykit');

  it('prints its help and version (exit 0)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run(bin(), ['--help'], project)).toMatch(/^usage: surveykit <command>/);
    expect(run(bin(), ['--version'], project).trim()).toBe(pkg.version);
  });

  it('describes a file and writes a report for a poll it was not built for (exit 0)', () => {
    const described = JSON.parse(run(bin(), ['describe', 'apiclus1.csv', '--json'], project)) as {
      variables: Array<{ name: string; type: string }>;
    };
    expect(described.variables.find((v) => v.name === 'api00')?.type).toBe('numeric');
    const args = ['report', 'apiclus1.csv', '--ids', 'dnum', '--weights', 'pw', '--fpc', 'fpc'];
    run(bin(), [...args, '--out', 'report-out', '--no-png'], project);
    const summary = JSON.parse(
      readFileSync(join(project, 'report-out', 'summary.json'), 'utf8'),
    ) as {
      design: { n: number };
    };
    expect(summary.design.n).toBe(183);
    expect(existsSync(join(project, 'report-out', 'report.html'))).toBe(true);
  }, 120_000);

  it('exits 2 on an unknown command, with the usage on stderr', () => {
    let status = 0;
    let stderr = '';
    try {
      run(bin(), ['no-such-command'], project);
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = String((e as { stderr: string }).stderr);
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/unknown command "no-such-command"/);
  });
});

describe('one program in Node and, bundled for the browser, in headless Chromium', () => {
  let nodeResult: unknown;
  let bundle = '';

  beforeAll(async () => {
    await build({
      entryPoints: [join(project, 'node-entry.ts')],
      outfile: join(project, 'node-entry.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    nodeResult = JSON.parse(run('node', ['node-entry.mjs'], project));
    const out = await build({
      entryPoints: [join(project, 'browser-entry.ts')],
      outfile: join(project, 'browser.js'),
      absWorkingDir: project,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      loader: { '.csv': 'text', '.zsav': 'binary' },
      metafile: true,
      logLevel: 'silent',
    });
    bundle = readFileSync(join(project, 'browser.js'), 'utf8');
    const inputs = Object.keys(out.metafile.inputs);
    expect(
      inputs.some((i) => i.startsWith('node:')),
      'no node: module in the bundle',
    ).toBe(false);
    const bytes = statSync(join(project, 'browser.js')).size;
    console.log(
      `browser bundle of the test program: ${(bytes / 1024).toFixed(0)} kB minified, ${(gzipSync(bundle).length / 1024).toFixed(0)} kB gzipped (with the chart libraries a report inlines)`,
    );
  }, 120_000);

  it("gives R's numbers on Node", () => {
    const r = nodeResult as { mean: number[]; raked: number[] };
    expect(r.mean[0]).toBeCloseTo(644.1694, 4);
    expect(r.raked[0]!.toFixed(2)).toBe('641.23');
    expect(r.raked[1]!.toFixed(3)).toBe('23.704');
  });

  it.skipIf(skipBrowser)(
    'runs in Chromium with no network and gives the same numbers as Node',
    async () => {
      expect(existsSync(CHROMIUM), `${CHROMIUM} is required under CI`).toBe(true);
      const profile = mkdtempSync(join(tmpdir(), 'surveykit-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      const refused: string[] = [];
      const errors: string[] = [];
      try {
        const page = await context.newPage();
        page.on('pageerror', (e) => errors.push(e.message));
        await page.route('**/*', (route) => {
          const url = route.request().url();
          if (url === 'http://surveykit.test/') {
            return route.fulfill({
              contentType: 'text/html',
              body: '<!doctype html><meta charset="utf-8"><title>surveykit</title><script type="module" src="browser.js"></script>',
            });
          }
          if (url === 'http://surveykit.test/browser.js') {
            return route.fulfill({ contentType: 'text/javascript', body: bundle });
          }
          refused.push(url);
          return route.abort();
        });
        await page.goto('http://surveykit.test/');
        await page.waitForFunction(
          () => (globalThis as { surveykitResult?: unknown }).surveykitResult !== undefined,
          null,
          {
            timeout: 60_000,
          },
        );
        const browserResult = await page.evaluate(
          () => (globalThis as { surveykitResult?: unknown }).surveykitResult,
        );
        expect(errors).toEqual([]);
        expect(refused).toEqual([]);
        expect(browserResult).toEqual(nodeResult);
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    },
  );
});
