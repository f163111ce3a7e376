/**
 * `npm run fuzz`: many seeded loader fuzz cases (see `harness.ts`), run in a worker thread that a
 * watchdog restarts when a case never ends, so a hang is reported with its seed too.
 *
 *   npm run fuzz                          # 100,000 cases from seed 1
 *   npm run fuzz -- --runs 5000 --seed 7  # other cases
 *   npm run fuzz -- --replay 123          # one case in this thread, with the full error
 *   npm run fuzz -- --report --runs 500   # hostile polls through the report (report.ts),
 *                                         # in this thread; --replay works there too
 *
 * Exit code 1 when any case failed; each failure is printed with its seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type CaseReport, cleanup, describeCase, makeCase, runCase } from './harness.js';
import { describeReportCase, makeReportCase, runReportCaseChecked } from './report.js';

function option(name: string, fallback: number): number {
  const i = process.argv.lastIndexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v)) throw new Error(`--${name} needs an integer`);
  return v;
}

if (process.argv.includes('--report')) {
  const runs = option('runs', 500);
  const first = option('seed', 1);
  const replayed = option('replay', Number.NaN);
  const seeds = Number.isNaN(replayed)
    ? Array.from({ length: runs }, (_, k) => first + k)
    : [replayed];
  const counts = new Map<string, number>();
  let failed = 0;
  for (const seed of seeds) {
    const c = makeReportCase(seed);
    const parent = mkdtempSync(join(tmpdir(), 'surveykit-report-fuzz-'));
    const outcome = await runReportCaseChecked(c, parent);
    rmSync(parent, { recursive: true, force: true });
    const key = outcome.ok ? (outcome.result === 'error' ? outcome.code : 'report') : 'FAILED';
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (!outcome.ok) {
      failed++;
      console.log(
        `seed ${seed} (--report --replay ${seed}): ${outcome.problem}\n  ${describeReportCase(c)}`,
      );
    }
  }
  console.log(`${seeds.length} report cases: ${JSON.stringify(Object.fromEntries(counts))}`);
  process.exit(failed > 0 ? 1 : 0);
}

const replay = option('replay', Number.NaN);
if (!Number.isNaN(replay)) {
  const c = makeCase(replay);
  console.log(`case ${replay}: ${describeCase(c)}`);
  const outcome = await runCase(c);
  cleanup();
  console.log(outcome);
  process.exit(outcome.ok ? 0 : 1);
}

const runs = option('runs', 100_000);
const first = option('seed', 1);
const deadlineMs = option('deadline', 5_000);
const hangMs = option('hang', 60_000);
const batch = 2_000;

/** Worker code: tsx's loader registered in the thread, then the worker module. */
const workerUrl = new URL('./worker.ts', import.meta.url).href;
const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); })`;

/** Temporary files of the workers' cases (removed at the end, also after a stopped worker). */
const dir = mkdtempSync(join(tmpdir(), 'surveykit-fuzz-'));
const failures: Array<{ seed: number; problem: string }> = [];
const results = new Map<string, number>();
let done = 0;
const started = Date.now();

/** Runs seeds [from, to); resolves with the next seed to run (after a hang, the one after it). */
function runBatch(from: number, to: number): Promise<number> {
  return new Promise((resolve) => {
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: { first: from, runs: to - from, deadlineMs, dir },
    });
    let current = from;
    let since = Date.now();
    let finished = false;
    const finish = (next: number) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      void worker.terminate();
      resolve(next);
    };
    const timer = setInterval(() => {
      if (Date.now() - since > hangMs) {
        failures.push({ seed: current, problem: `no result after ${hangMs} ms: a hang` });
        done++;
        finish(current + 1);
      }
    }, 250);
    worker.on('message', (m: { phase: string; seed: number; report?: CaseReport }) => {
      if (m.phase === 'start') {
        current = m.seed;
        since = Date.now();
      } else if (m.phase === 'end') {
        done++;
        const o = m.report!.outcome;
        if (!o.ok) failures.push({ seed: m.seed, problem: o.problem });
        const key = !o.ok ? 'FAILED' : o.result === 'frame' ? 'frame' : o.code;
        results.set(key, (results.get(key) ?? 0) + 1);
        if (done % 5000 === 0) {
          const s = ((Date.now() - started) / 1000).toFixed(0);
          console.log(`${done}/${runs} cases, ${failures.length} failures, ${s} s`);
        }
      } else if (m.phase === 'done') finish(to);
    });
    worker.on('error', (e) => {
      failures.push({ seed: current, problem: `the worker died: ${e.stack ?? e}` });
      done++;
      finish(current + 1);
    });
    worker.on('exit', () => finish(current + 1));
  });
}

const end = first + runs;
let next = first;
while (next < end) next = await runBatch(next, Math.min(end, next + batch));
rmSync(dir, { recursive: true, force: true });

console.log(
  `\n${done} cases from seed ${first} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
console.log(
  [...results]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}: ${v}`)
    .join(', '),
);
if (failures.length > 0) {
  console.log(
    `\n${failures.length} FAILURES (reproduce one with: npm run fuzz -- --replay <seed>)`,
  );
  for (const f of failures.slice(0, 50)) {
    const c = makeCase(f.seed);
    console.log(`\nseed ${f.seed}: ${describeCase(c)}\n  ${f.problem.split('\n')[0]}`);
  }
  process.exit(1);
}
