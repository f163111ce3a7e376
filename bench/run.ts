/**
 * `npm run bench [-- --sizes 10000,100000,1000000] [--no-r] [--only id,id] [--replicates]
 * [--r-all]`: times surveykit's operations on seeded synthetic polls, in two row orders (sorted by
 * stratum and PSU, and the same rows shuffled), each beside a bare typed-array loop doing the same
 * arithmetic in the same run, and (where `Rscript` is on the PATH) beside R's survey package on
 * the same files.
 *
 * Each size's files are written by their own process (bench/files.ts), and each size is timed in
 * its own process (bench/size.ts, compiled to JavaScript first), so its peak memory is its own; R
 * then runs bench/r-bench.R on each file (by default for sizes up to 1,000,000 rows; `--r-all` for
 * every size). `--only` times some operations (ids of bench/operations.ts); `--replicates` runs the
 * replicate-weight operations above 2,000,000 rows too. Prints the tables (times in both orders,
 * targets, memory, scaling) and writes out/bench.json. The targets are those of the performance
 * issues, for 1,000,000 rows, in both orders. Times and ratios are wall times (what a user waits:
 * a large model's fit runs on two threads, and R's `fread` may use several); the CPU time of the
 * process (all its threads) is printed beside them, with R / surveykit in CPU too, and kept in
 * out/bench.json. Run it as the machine's only job: the wall time also counts any time spent
 * waiting for a core.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { filesManifest, formatTable, type SizeResult } from './harness.js';
import { OPERATIONS, ORDERS, type Order } from './operations.js';

const argv = process.argv.slice(2);
const option = (name: string) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const sizes = (option('--sizes') ?? '10000,100000,1000000').split(',').map(Number);
if (sizes.some((n) => !(Number.isInteger(n) && n >= 1000))) {
  throw new Error('--sizes takes a comma-separated list of row counts of at least 1000');
}
const only = option('--only');
if (only !== undefined) {
  const unknown = only.split(',').filter((id) => !OPERATIONS.some((op) => op.id === id));
  if (unknown.length > 0) throw new Error(`--only: unknown operation(s) ${unknown.join(', ')}`);
}
const TARGET_N = 1_000_000;
/** Most shuffled / sorted time at the target size. */
const MAX_ORDER_RATIO = 1.3;
/** R / surveykit at least this by default. */
const MIN_R = 20;

interface ROperation {
  /** Median wall ms. */
  ms: number;
  runs: number[];
  /** Median CPU ms. */
  cpuMs: number;
  cpuRuns: number[];
  note: string | null;
  check?: number;
}
interface RResult {
  info: { r: string; survey: string; 'data.table': string; threads: number };
  operations: Partial<Record<string, ROperation>>;
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
const js = (name: string) => join('out', 'bench-js', 'bench', `${name}.js`);

const tmp = mkdtempSync(join(tmpdir(), 'surveykit-bench-'));
const results: Array<{ size: SizeResult; r: Partial<Record<Order, RResult>>; load: number[] }> = [];
try {
  for (const n of sizes) {
    console.error(`n = ${n.toLocaleString('en-US')}: writing the files`);
    const made = spawnSync(process.execPath, [js('files'), String(n), tmp], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error(`bench/files.ts ${n} failed (${made.status})`);
    const out = join(tmp, `size-${n}.json`);
    const loadBefore = loadavg()[0]!;
    const child = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        // the collector's work on the main thread: counted in the call whose allocations set it
        // off, not in whichever call its background threads happen to overlap (see harness.ts)
        '--single-threaded-gc',
        js('size'),
        String(n),
        tmp,
        out,
        ...(only ? ['--only', only] : []),
        ...(argv.includes('--replicates') ? ['--replicates'] : []),
      ],
      { stdio: 'inherit' },
    );
    if (child.status !== 0) throw new Error(`bench/size.ts ${n} failed (${child.status})`);
    const size = JSON.parse(readFileSync(out, 'utf8')) as SizeResult;
    const r: Partial<Record<Order, RResult>> = {};
    if (rscript && (n <= TARGET_N || argv.includes('--r-all'))) {
      for (const order of ORDERS) {
        const f = size.files.orders[order];
        const rOut = join(tmp, `r-${n}-${order}.json`);
        console.error(`  R, ${order} file`);
        const run = spawnSync(
          rscript,
          [
            join('bench', 'r-bench.R'),
            f.csv,
            size.files.margins,
            String(n >= TARGET_N ? 3 : 5),
            rOut,
            ...(f.sav ? [f.sav] : []),
            ...(only ? ['--only', only] : []),
          ],
          { stdio: 'inherit' },
        );
        if (run.status === 0) r[order] = JSON.parse(readFileSync(rOut, 'utf8')) as RResult;
        else console.error(`R failed at n = ${n}, ${order} (exit ${run.status}); no R column`);
      }
    }
    for (const f of Object.values(size.files.orders)) {
      for (const p of [f.csv, f.sav]) if (p) rmSync(p, { force: true });
    }
    rmSync(size.files.margins, { force: true });
    rmSync(filesManifest(tmp, n), { force: true });
    results.push({ size, r, load: [loadBefore, loadavg()[0]!] });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

// ---- Rows, targets -----------------------------------------------------------------------------
interface Side {
  /** Median wall ms, and median CPU ms of the process (all its threads). */
  ms: number;
  cpuMs: number;
  /** The bare loop's median wall ms and CPU ms. */
  bareMs: number | null;
  bareCpuMs: number | null;
  /** ms / bare ms (wall). */
  ratio: number | null;
  /** R's wall ms and CPU ms. */
  rMs: number | null;
  rCpuMs: number | null;
  /** R ms / surveykit ms (wall). */
  rRatio: number | null;
  /** R ms / surveykit ms (CPU of the process, all its threads). */
  rCpuRatio: number | null;
  rNote: string | null;
  nsPerRow: number;
  /** A number from surveykit's result (an SE, a weight, ...) and the same from R's. */
  check: number | null;
  rCheck: number | null;
  /** surveykit's result agrees with R's (relative difference of the checked number < 1e-6). */
  sameAsR: boolean | null;
}
interface Row {
  n: number;
  id: string;
  operation: string;
  orders: Partial<Record<Order, Side>>;
  /** Shuffled ms / sorted ms. */
  orderRatio: number | null;
  target: string | null;
  met: boolean | null;
  missed: string[];
}

const rows: Row[] = [];
for (const { size, r } of results) {
  for (const def of OPERATIONS) {
    const orders: Partial<Record<Order, Side>> = {};
    for (const order of ORDERS) {
      const op = size.operations.find((o) => o.id === def.id && o.order === order);
      if (!op) continue;
      const rOp = r[order]?.operations[def.id] ?? null;
      orders[order] = {
        ms: op.ms,
        cpuMs: op.cpuMs,
        bareMs: op.bareMs,
        bareCpuMs: op.bareCpuMs,
        ratio: op.bareMs ? op.ms / op.bareMs : null,
        rMs: rOp?.ms ?? null,
        rCpuMs: rOp?.cpuMs ?? null,
        rRatio: rOp ? rOp.ms / op.ms : null,
        rCpuRatio: rOp ? rOp.cpuMs / op.cpuMs : null,
        rNote: rOp?.note ?? null,
        nsPerRow: (op.ms * 1e6) / size.n,
        check: op.check ?? null,
        rCheck: rOp?.check ?? null,
        sameAsR:
          rOp?.check !== undefined && op.check !== undefined
            ? Math.abs(rOp.check - op.check) <= 1e-6 * Math.max(Math.abs(rOp.check), 1e-300)
            : null,
      };
    }
    if (Object.keys(orders).length === 0) continue;
    const orderRatio =
      orders.sorted && orders.shuffled ? orders.shuffled.ms / orders.sorted.ms : null;
    const parts: string[] = [];
    const missed: string[] = [];
    if (size.n === TARGET_N) {
      const minR = def.minR === undefined ? MIN_R : def.minR;
      if (def.maxRatio !== undefined) parts.push(`<=${def.maxRatio}x bare`);
      if (def.targetMs !== undefined) parts.push(`<${def.targetMs} ms`);
      if (minR !== null) parts.push(def.id === 'loadCsv' ? '<= fread' : `>=${minR}x R`);
      parts.push(`shuffled <=${MAX_ORDER_RATIO}x sorted`);
      for (const order of ORDERS) {
        const s = orders[order];
        if (!s) continue;
        if (def.maxRatio !== undefined && s.ratio !== null && s.ratio > def.maxRatio)
          missed.push(`${s.ratio.toFixed(1)}x bare (${order})`);
        if (def.targetMs !== undefined && s.ms >= def.targetMs)
          missed.push(`${s.ms.toFixed(0)} ms (${order})`);
        if (minR !== null && s.rRatio !== null && s.rRatio < minR)
          missed.push(`${s.rRatio.toFixed(1)}x R (${order})`);
      }
      if (orderRatio !== null && orderRatio > MAX_ORDER_RATIO)
        missed.push(`shuffled ${orderRatio.toFixed(2)}x sorted`);
    }
    rows.push({
      n: size.n,
      id: def.id,
      operation: def.label,
      orders,
      orderRatio,
      target: parts.length > 0 ? parts.join(', ') : null,
      met: parts.length > 0 ? missed.length === 0 : null,
      missed,
    });
  }
}

const fmt = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '-' : x.toFixed(digits);
const times = (x: number | null | undefined) =>
  x === null || x === undefined ? '-' : `${x.toFixed(x < 10 ? 2 : 1)}x`;
const side = (r: Row, o: Order) => r.orders[o];
const sameCell = (r: Row) => {
  const s = ORDERS.map((o) => side(r, o)?.sameAsR ?? null).filter((x) => x !== null);
  return s.length === 0 ? '-' : s.every(Boolean) ? 'yes' : 'NO';
};
const timesTable = formatTable(
  [
    'n',
    'operation',
    'sorted ms',
    'shuffled ms',
    'shuf/sort',
    'bare ms',
    'x bare',
    'R ms',
    'R/sk',
    'R/sk CPU',
    'same',
    'CPU ms',
    'met (1M: both orders)',
  ],
  rows.map((r) => {
    const s = side(r, 'shuffled') ?? side(r, 'sorted');
    const rBoth = ORDERS.map((o) => side(r, o)?.rRatio).filter((x) => x != null) as number[];
    const rCpu = ORDERS.map((o) => side(r, o)?.rCpuRatio).filter((x) => x != null) as number[];
    return [
      r.n.toLocaleString('en-US'),
      r.operation,
      fmt(side(r, 'sorted')?.ms),
      fmt(side(r, 'shuffled')?.ms),
      times(r.orderRatio),
      ORDERS.map((o) => fmt(side(r, o)?.bareMs)).join(' / '),
      ORDERS.map((o) => times(side(r, o)?.ratio)).join(' / '),
      s?.rMs == null ? '-' : `${fmt(s.rMs, 0)}${s.rNote ? '*' : ''}`,
      rBoth.length === 0 ? '-' : `${Math.min(...rBoth).toFixed(1)}x`,
      rCpu.length === 0 ? '-' : `${Math.min(...rCpu).toFixed(1)}x`,
      sameCell(r),
      ORDERS.map((o) => fmt(side(r, o)?.cpuMs)).join(' / '),
      r.met === null ? '' : r.met ? 'met' : `MISSED: ${r.missed.join(', ')}`,
    ];
  }),
);

// ---- Memory ------------------------------------------------------------------------------------
const MB = 1024 * 1024;
const memory = results.map(({ size }) => {
  const m = size.memory;
  return {
    n: size.n,
    oneFileMaxRssMB: m.oneFileMaxRssBytes / MB,
    oneFileMBPerMillion: m.oneFileMaxRssBytes / MB / (size.n / 1e6),
    maxRssMB: m.maxRssBytes / MB,
    rawColumnMB: m.rawColumnBytes / MB,
    frameMB: m.frameBytes / MB,
    frameFactor: m.frameBytes / m.rawColumnBytes,
    retainedMB: m.retainedBytes / MB,
    retainedFactor: m.retainedBytes / m.rawColumnBytes,
    under2x: m.frameBytes < 2 * m.rawColumnBytes && m.retainedBytes < 2 * m.rawColumnBytes,
    csvMB: size.files.orders.sorted.csvBytes / MB,
    savMB:
      size.files.orders.sorted.savBytes === null ? null : size.files.orders.sorted.savBytes / MB,
  };
});
const memoryTable = formatTable(
  [
    'n',
    'peak RSS MB (1 file)',
    'per 1M rows',
    'peak RSS MB (all)',
    'raw columns MB',
    'frame MB',
    'factor',
    'retained MB',
    'factor',
    '< 2x',
  ],
  memory.map((m) => [
    m.n.toLocaleString('en-US'),
    m.oneFileMaxRssMB.toFixed(0),
    m.oneFileMBPerMillion.toFixed(0),
    m.maxRssMB.toFixed(0),
    m.rawColumnMB.toFixed(1),
    m.frameMB.toFixed(1),
    `${m.frameFactor.toFixed(2)}x`,
    m.retainedMB.toFixed(1),
    `${m.retainedFactor.toFixed(2)}x`,
    m.under2x ? 'yes' : 'NO',
  ]),
  1,
);

// ---- Scaling (shuffled files) ------------------------------------------------------------------
const scaling = OPERATIONS.filter((op) => rows.some((r) => r.id === op.id)).map((op) => {
  const perRow = Object.fromEntries(
    rows
      .filter((r) => r.id === op.id)
      .map((r) => [r.n, (side(r, 'shuffled') ?? side(r, 'sorted'))!.nsPerRow]),
  ) as Record<number, number>;
  // Growth of the time per row from each size to the next one at least 10x bigger.
  const growth: Array<{ from: number; to: number; factor: number }> = [];
  for (const a of sizes) {
    const b = sizes.find((x) => x >= 10 * a && x >= 100_000);
    if (b !== undefined && perRow[a] !== undefined && perRow[b] !== undefined && a >= 100_000)
      growth.push({ from: a, to: b, factor: perRow[b]! / perRow[a]! });
  }
  return {
    id: op.id,
    operation: op.label,
    nsPerRow: perRow,
    growth,
    linear: growth.length === 0 ? null : growth.every((g) => g.factor <= 2),
  };
});
const short = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const growthColumns = [
  ...new Set(scaling.flatMap((s) => s.growth.map((g) => `${short(g.to)} / ${short(g.from)}`))),
];
const scalingTable = formatTable(
  [
    'operation',
    ...sizes.map((n) => `ns/row @ ${n.toLocaleString('en-US')}`),
    ...growthColumns,
    'linear',
  ],
  scaling.map((s) => [
    s.operation,
    ...sizes.map((n) => fmt(s.nsPerRow[n] ?? null)),
    ...growthColumns.map((c) => {
      const g = s.growth.find((x) => `${short(x.to)} / ${short(x.from)}` === c);
      return g ? `${g.factor.toFixed(2)}x` : '-';
    }),
    s.linear === null ? '-' : s.linear ? 'yes' : 'NO (> 2x)',
  ]),
  1,
);

const targetRows = rows.filter((r) => r.met !== null);
const rInfo =
  results.flatMap((x) => ORDERS.map((o) => x.r[o]?.info)).find((i) => i !== undefined) ?? null;
const cpu = cpus();
console.log(
  `\n${new Date().toISOString().slice(0, 10)}: ${cpu.length} CPUs (${cpu[0]?.model ?? '?'}), Node ${process.version}` +
    (rInfo
      ? `, ${rInfo.r}, survey ${rInfo.survey}, data.table ${rInfo['data.table']} (${rInfo.threads} thread${rInfo.threads === 1 ? '' : 's'})`
      : '') +
    `; 1-minute load average before-after each size ${results.map((x) => x.load.map((l) => l.toFixed(1)).join('-')).join(', ')}`,
);
console.log(
  `\nTimes (median wall ms; shuf/sort = shuffled / sorted; bare, x bare and CPU ms = sorted / shuffled; R ms on the shuffled file; R/sk = the lower R / surveykit of the two orders; every ratio and target wall against wall, R/sk CPU = CPU against CPU; CPU ms = the process's, all its threads)\n${timesTable}`,
);
if (rows.some((r) => ORDERS.some((o) => side(r, o)?.rNote)))
  console.log('* R timed once (over 60 s)');
for (const { size } of results) {
  for (const s of size.skipped)
    console.log(`n = ${size.n.toLocaleString('en-US')}: ${s.id} not timed (${s.why})`);
}
console.log(`\nMemory (per size, its own process)\n${memoryTable}`);
console.log(
  `\nScaling (wall ns per row, shuffled files; not linear if growing over 2x)\n${scalingTable}`,
);
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
      skipped: Object.fromEntries(results.map((x) => [x.size.n, x.size.skipped])),
    },
    null,
    2,
  )}\n`,
);
console.log('\nwritten: out/bench.json');
