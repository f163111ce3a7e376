/**
 * `npm run bench:tabs [-- --rows 100000] [--no-r]`: a tab book of 30 questions × 20 banner
 * columns (bench/tabs-data.ts) with svyTabs, timed as users run it (src/ and bench/ compiled by
 * tsc into out/bench-js, the timing in a plain Node child process, bench/tabs-run.ts), and beside
 * it the same book in R's survey package on the same file (bench/r-tabs.R: svyby with covmat and
 * svycontrast for every pair), with a few numbers that must agree. Prints a table and writes
 * out/bench-tabs.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable } from './harness.js';

const argv = process.argv.slice(2);
const at = argv.indexOf('--rows');
const n = at >= 0 ? Number(argv[at + 1]) : 100_000;
const withR = !argv.includes('--no-r');

const compiled = spawnSync(
  process.execPath,
  [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', join('bench', 'tsconfig.json')],
  { stdio: 'inherit' },
);
if (compiled.status !== 0) throw new Error('bench: tsc -p bench/tsconfig.json failed');

interface Check {
  q1FirstSeMale: number;
  sexDifferenceSe: number;
  sexP: number;
  regionDifferenceSe: number;
  regionP: number;
  df: number;
}
interface Result {
  n: number;
  cells: number;
  rows: number;
  columns: number;
  comparisons: number;
  designs: Array<{
    id: string;
    label: string;
    firstMs: number;
    ms: number;
    runs: number[];
    cpuMs: number;
  }>;
  xlsx: { ms: number; runs: number[]; bytes: number };
  check: Check;
}

const tmp = mkdtempSync(join(tmpdir(), 'surveykit-tabs-'));
try {
  const csv = join(tmp, 'tabs.csv');
  const out = join(tmp, 'tabs.json');
  const load = [loadavg()[0]!];
  const child = spawnSync(
    process.execPath,
    [join('out', 'bench-js', 'bench', 'tabs-run.js'), String(n), csv, out],
    { stdio: 'inherit' },
  );
  if (child.status !== 0) throw new Error(`bench/tabs-run.ts failed (${child.status})`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as Result;
  let r: { ms: number; r: string; survey: string; check: Check } | null = null;
  if (withR) {
    const rOut = join(tmp, 'r.json');
    console.error(
      '  R: the same tab book (svyby covmat + svycontrast), timed once; this takes minutes',
    );
    const run = spawnSync('Rscript', [join('bench', 'r-tabs.R'), csv, rOut], { stdio: 'inherit' });
    if (run.status === 0) r = JSON.parse(readFileSync(rOut, 'utf8'));
    else console.error(`R failed (exit ${run.status}); no R column`);
  }
  load.push(loadavg()[0]!);
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  const checks = r
    ? (Object.keys(result.check) as Array<keyof Check>).map((k) => ({
        name: k,
        surveykit: result.check[k],
        r: r!.check[k],
        same: rel(result.check[k], r!.check[k]) < 1e-8,
      }))
    : [];
  console.log(
    `\nTab book: ${n.toLocaleString('en-US')} respondents, ${result.rows} rows (30 questions) x ${result.columns} columns (Total + 20), ${result.cells.toLocaleString('en-US')} cells, ${result.comparisons.toLocaleString('en-US')} pairwise tests; ${cpus().length} CPUs, load ${load.map((x) => x.toFixed(1)).join(' -> ')}\n`,
  );
  console.log(
    formatTable(
      ['design', 'svyTabs first call (ms)', 'median (ms)', 'CPU (ms)', 'R (ms)'],
      result.designs.map((d) => [
        d.label,
        d.firstMs.toFixed(0),
        d.ms.toFixed(0),
        d.cpuMs.toFixed(0),
        d.id === 'clustered' && r ? r.ms.toFixed(0) : '',
      ]),
      1,
    ),
  );
  console.log(
    `\ntabsToXlsx of the book: ${result.xlsx.ms.toFixed(0)} ms, ${result.xlsx.bytes.toLocaleString('en-US')} bytes`,
  );
  if (r) {
    console.log(`\nR ${r.r}, survey ${r.survey}: the same numbers (relative difference < 1e-8):`);
    for (const c of checks)
      console.log(`  ${c.name}: ${c.surveykit} vs ${c.r} ${c.same ? 'same' : 'DIFFERENT'}`);
  }
  mkdirSync('out', { recursive: true });
  writeFileSync(
    join('out', 'bench-tabs.json'),
    JSON.stringify({ date: new Date().toISOString(), load, result, r, checks }, null, 2),
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
