/**
 * `npm run bench [-- --sizes 10000,100000,1000000] [--only glm,repGlmNum] [--no-r]`: times surveykit's operations on
 * seeded synthetic polls, each beside a bare typed-array loop doing the same arithmetic in the
 * same run, and (where `Rscript` is on the PATH) beside R's survey package on the same files.
 *
 * Each size runs in its own child process (bench/size.ts, compiled to JavaScript first), so its
 * peak memory is its own; R then runs bench/r-bench.R on the files that child wrote. Prints the
 * tables (times, targets, memory, scaling) and writes out/bench.json. The targets are the
 * performance issue's, for 1,000,000 rows.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { formatTable, OPERATIONS, type OperationId, type SizeResult } from './harness.js';

const argv = process.argv.slice(2);
const sizesArg = argv.indexOf('--sizes');
const sizes =
  sizesArg >= 0 ? argv[sizesArg + 1]!.split(',').map(Number) : [10_000, 100_000, 1_000_000];
if (sizes.some((n) => !(Number.isInteger(n) && n >= 1000))) {
  throw new Error('--sizes takes a comma-separated list of row counts of at least 1000');
}
const TARGET_N = 1_000_000;
// --only: some operations (their ids, e.g. glm,repGlmNum), in both surveykit's and R's runs
const onlyArg = argv.indexOf('--only');
const only = onlyArg >= 0 ? argv[onlyArg + 1]!.split(',') : null;
const unknown = only?.filter((id) => !OPERATIONS.some((o) => o.id === id)) ?? [];
if (only?.length === 0 || unknown.length > 0) {
  throw new Error(
    `--only takes a comma-separated list of operations: ${OPERATIONS.map((o) => o.id).join(', ')} (unknown: ${unknown.join(', ')})`,
  );
}
const childEnv = only ? { ...process.env, SURVEYKIT_BENCH_ONLY: only.join(',') } : process.env;

interface ROperation {
  ms: number;
  runs: number[];
  /** Median CPU ms (user + system). */
  cpuMs?: number;
  note: string | null;
  check?: number;
}
interface RResult {
  info: { r: string; survey: string; 'data.table': string; threads: number };
  operations: Partial<Record<OperationId, ROperation>>;
}

/** Rscript with survey, data.table and jsonlite, unless --no-r. */
function findR(): string | null {
  if (argv.includes('--no-r')) return null;
  const r = spawnSync(
    'Rscript',
    ['-e', 'for (p in c("survey", "data.table", "jsonlite")) stopifnot(requireNamespace(p))'],
    { stdio: 'ignore' },
  );
  return r.status === 0 ? 'Rscript' : null;
}
const rscript = findR();
console.error(
  rscript ? 'R: Rscript with survey found' : 'R: skipped (--no-r, or no Rscript with survey)',
);

// The library is timed as users run it: compiled by tsc to JavaScript (bench/tsconfig.json puts
// src/ and bench/ in out/bench-js), in plain Node. (Under tsx its loader costs some operations up
// to 20%, e.g. readCsv's file reads.)
const compiled = spawnSync(
  process.execPath,
  [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', join('bench', 'tsconfig.json')],
  { stdio: 'inherit' },
);
if (compiled.status !== 0) throw new Error('bench: tsc -p bench/tsconfig.json failed');

const tmp = mkdtempSync(join(tmpdir(), 'surveykit-bench-'));
const results: Array<{ size: SizeResult; r: RResult | null; load: number[] }> = [];
try {
  for (const n of sizes) {
    console.error(`n = ${n.toLocaleString('en-US')}`);
    const out = join(tmp, `size-${n}.json`);
    const loadBefore = loadavg()[0]!;
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', join('out', 'bench-js', 'bench', 'size.js'), String(n), tmp, out],
      { stdio: 'inherit', env: childEnv },
    );
    if (child.status !== 0) throw new Error(`bench/size.ts ${n} failed (${child.status})`);
    const size = JSON.parse(readFileSync(out, 'utf8')) as SizeResult;
    let r: RResult | null = null;
    if (rscript) {
      const rOut = join(tmp, `r-${n}.json`);
      const rArgs = [
        join('bench', 'r-bench.R'),
        size.files.csv,
        size.files.margins,
        String(n >= TARGET_N ? 3 : 5),
        rOut,
        ...(size.files.sav ? [size.files.sav] : []),
      ];
      const run = spawnSync(rscript, rArgs, { stdio: 'inherit', env: childEnv });
      if (run.status === 0) r = JSON.parse(readFileSync(rOut, 'utf8')) as RResult;
      else console.error(`R failed at n = ${n} (exit ${run.status}); no R column for it`);
    }
    for (const f of [size.files.csv, size.files.sav, size.files.margins]) {
      if (f) rmSync(f, { force: true });
    }
    results.push({ size, r, load: [loadBefore, loadavg()[0]!] });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

// ---- Rows, targets -----------------------------------------------------------------------------
interface Row {
  n: number;
  id: OperationId;
  operation: string;
  ms: number;
  bareMs: number | null;
  /** ms / bare ms. */
  ratio: number | null;
  rMs: number | null;
  /** R ms / surveykit ms. */
  rRatio: number | null;
  /** CPU ms (user + system) of surveykit's and R's runs, and R's / surveykit's. */
  cpuMs: number;
  rCpuMs: number | null;
  rCpuRatio: number | null;
  rNote: string | null;
  nsPerRow: number;
  /** A number from surveykit's result (an SE, a weight, ...) and the same from R's. */
  check: number | null;
  rCheck: number | null;
  /** surveykit's result agrees with R's (relative difference of the checked number < 1e-6). */
  sameAsR: boolean | null;
  target: string | null;
  met: boolean | null;
  missed: string[];
}

const rows: Row[] = [];
for (const { size, r } of results) {
  for (const op of size.operations) {
    const def = OPERATIONS.find((o) => o.id === op.id)!;
    const rOp = r?.operations[op.id] ?? null;
    const ratio = op.bareMs ? op.ms / op.bareMs : null;
    const rRatio = rOp ? rOp.ms / op.ms : null;
    const rCpuRatio = rOp?.cpuMs !== undefined ? rOp.cpuMs / op.cpuMs : null;
    // against R: CPU times when both have them (wall times swing with other jobs' load)
    const vsR = rCpuRatio ?? rRatio;
    const parts: string[] = [];
    const missed: string[] = [];
    if (size.n === TARGET_N) {
      if ('maxRatio' in def) {
        parts.push(`<=${def.maxRatio}x bare`);
        if (ratio !== null && ratio > def.maxRatio) missed.push(`${ratio.toFixed(1)}x bare`);
      }
      if ('targetMs' in def) {
        parts.push(`<${def.targetMs} ms`);
        if (op.ms >= def.targetMs) missed.push(`${op.ms.toFixed(0)} ms`);
      }
      if (op.id === 'loadCsv') {
        parts.push('<= fread');
        if (vsR !== null && vsR < 1) missed.push(`${(1 / vsR).toFixed(1)}x fread`);
      } else if (op.id !== 'loadSav') {
        parts.push('>=20x R');
        if (vsR !== null && vsR < 20) missed.push(`${vsR.toFixed(1)}x R`);
      }
    }
    const sameAsR =
      rOp?.check !== undefined && op.check !== undefined
        ? Math.abs(rOp.check - op.check) <= 1e-6 * Math.max(Math.abs(rOp.check), 1e-300)
        : null;
    rows.push({
      n: size.n,
      id: op.id,
      operation: def.label,
      ms: op.ms,
      bareMs: op.bareMs,
      ratio,
      rMs: rOp?.ms ?? null,
      rRatio,
      cpuMs: op.cpuMs,
      rCpuMs: rOp?.cpuMs ?? null,
      rCpuRatio,
      rNote: rOp?.note ?? null,
      nsPerRow: (op.ms * 1e6) / size.n,
      check: op.check ?? null,
      rCheck: rOp?.check ?? null,
      sameAsR,
      target: parts.length > 0 ? parts.join(', ') : null,
      met: parts.length > 0 ? missed.length === 0 : null,
      missed,
    });
  }
}

const fmt = (x: number | null, digits = 1) => (x === null ? '-' : x.toFixed(digits));
const times = formatTable(
  [
    'n',
    'operation',
    'ms',
    'CPU ms',
    'bare ms',
    'x bare',
    'R ms',
    'R CPU ms',
    'R/sk',
    'R/sk CPU',
    'same',
    'target (1M)',
    'met',
  ],
  rows.map((r) => [
    r.n.toLocaleString('en-US'),
    r.operation,
    fmt(r.ms),
    fmt(r.cpuMs),
    fmt(r.bareMs),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
    r.rMs === null ? '-' : `${fmt(r.rMs, 0)}${r.rNote ? '*' : ''}`,
    fmt(r.rCpuMs, 0),
    r.rRatio === null ? '-' : `${r.rRatio.toFixed(1)}x`,
    r.rCpuRatio === null ? '-' : `${r.rCpuRatio.toFixed(1)}x`,
    r.sameAsR === null ? '-' : r.sameAsR ? 'yes' : 'NO',
    r.target ?? '',
    r.met === null ? '' : r.met ? 'met' : `MISSED: ${r.missed.join(', ')}`,
  ]),
);

// ---- Memory ------------------------------------------------------------------------------------
const MB = 1024 * 1024;
const memory = results.map(({ size }) => {
  const m = size.memory;
  return {
    n: size.n,
    maxRssMB: m.maxRssBytes / MB,
    rssAfterLoadMB: (m.rssAfter.readCsv ?? 0) / MB,
    rawColumnMB: m.rawColumnBytes / MB,
    frameMB: m.frameBytes / MB,
    frameFactor: m.frameBytes / m.rawColumnBytes,
    retainedMB: m.retainedBytes / MB,
    retainedFactor: m.retainedBytes / m.rawColumnBytes,
    under2x: m.frameBytes < 2 * m.rawColumnBytes && m.retainedBytes < 2 * m.rawColumnBytes,
    csvMB: size.files.csvBytes / MB,
    savMB: size.files.savBytes === null ? null : size.files.savBytes / MB,
  };
});
const memoryTable = formatTable(
  [
    'n',
    'peak RSS MB',
    'RSS after load',
    'raw columns MB',
    'frame MB',
    'factor',
    'retained MB',
    'factor',
    '< 2x',
  ],
  memory.map((m) => [
    m.n.toLocaleString('en-US'),
    m.maxRssMB.toFixed(0),
    m.rssAfterLoadMB.toFixed(0),
    m.rawColumnMB.toFixed(1),
    m.frameMB.toFixed(1),
    `${m.frameFactor.toFixed(2)}x`,
    m.retainedMB.toFixed(1),
    `${m.retainedFactor.toFixed(2)}x`,
    m.under2x ? 'yes' : 'NO',
  ]),
  1,
);

// ---- Scaling -----------------------------------------------------------------------------------
const scaling = OPERATIONS.filter((op) => rows.some((r) => r.id === op.id)).map((op) => {
  const perRow = Object.fromEntries(
    rows.filter((r) => r.id === op.id).map((r) => [r.n, r.nsPerRow]),
  ) as Record<number, number>;
  const at100k = perRow[100_000];
  const at1m = perRow[TARGET_N];
  const growth = at100k !== undefined && at1m !== undefined ? at1m / at100k : null;
  return {
    id: op.id,
    operation: op.label,
    nsPerRow: perRow,
    growth1mOver100k: growth,
    linear: growth === null ? null : growth <= 2,
  };
});
const scalingTable = formatTable(
  [
    'operation',
    ...sizes.map((n) => `ns/row @ ${n.toLocaleString('en-US')}`),
    '1M / 100k',
    'linear',
  ],
  scaling.map((s) => [
    s.operation,
    ...sizes.map((n) => fmt(s.nsPerRow[n] ?? null)),
    s.growth1mOver100k === null ? '-' : `${s.growth1mOver100k.toFixed(2)}x`,
    s.linear === null ? '-' : s.linear ? 'yes' : 'NO (> 2x)',
  ]),
  1,
);

const targetRows = rows.filter((r) => r.met !== null);
const rInfo = results.find((x) => x.r)?.r?.info ?? null;
const cpu = cpus();
console.log(
  `\n${new Date().toISOString().slice(0, 10)}: ${cpu.length} CPUs (${cpu[0]?.model ?? '?'}), Node ${process.version}` +
    (rInfo
      ? `, ${rInfo.r}, survey ${rInfo.survey}, data.table ${rInfo['data.table']} (${rInfo.threads} thread${rInfo.threads === 1 ? '' : 's'})`
      : '') +
    `; 1-minute load average ${results.map((x) => x.load.map((l) => l.toFixed(1)).join('-')).join(', ')}`,
);
console.log(
  `\nTimes (median ms, wall and CPU = user + system; x bare = surveykit / bare loop, wall; R/sk = R / surveykit; the R targets are judged on CPU times)\n${times}`,
);
if (rows.some((r) => r.rNote)) console.log('* R timed once (over 60 s)');
console.log(`\nMemory (per size, its own process)\n${memoryTable}`);
console.log(`\nScaling (ns per row; not linear if 1M is over 2x 100k)\n${scalingTable}`);
if (targetRows.length > 0) {
  const missed = targetRows.filter((r) => !r.met);
  console.log(
    `\nTargets at 1,000,000 rows: ${targetRows.length - missed.length} met, ${missed.length} missed` +
      (rscript ? '' : ' (R targets not checked: R skipped)'),
  );
  for (const r of missed)
    console.log(`  MISSED ${r.operation}: ${r.missed.join(', ')} (target ${r.target})`);
}

mkdirSync('out', { recursive: true });
writeFileSync(
  join('out', 'bench.json'),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: {
        cpus: cpu.length,
        model: cpu[0]?.model ?? null,
        memoryGB: totalmem() / 1024 ** 3,
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        loadAverage: Object.fromEntries(results.map((x) => [x.size.n, x.load])),
      },
      r: rInfo,
      rows,
      memory,
      scaling,
    },
    null,
    2,
  )}\n`,
);
console.log('\nwritten: out/bench.json');
