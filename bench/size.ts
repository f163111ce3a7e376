/**
 * One size of `npm run bench`, in its own process so that its peak memory is its own:
 * `node --expose-gc --single-threaded-gc out/bench-js/bench/size.js N DIR OUT.json [--only id,id] [--replicates]`
 * (bench/run.ts compiles it first, and has bench/files.ts write the files into DIR).
 *
 * Loads the file sorted by stratum and PSU with readCsv, builds its design and runs every
 * operation on it once (the peak memory with one file loaded is read then), loads the same rows
 * in random order, runs every operation and its bare loop on both files (see `warmAll`), then
 * times every operation on both files, each beside its bare loop (bench/operations.ts,
 * bench/baselines.ts), the four in rotation after a warm-up (operation and bare loop taking turns:
 * `pairedRotationOrder`; median of several rounds). Writes a {@link SizeResult} to OUT.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readCsv } from '../src/data/csv/csv.js';
import type { SurveyData } from '../src/data/types.js';
import { type Margin, svyRepDesign } from '../src/index.js';
import { bareCsv, bareSav, type CsvKind } from './baselines.js';
import {
  type BenchFiles,
  filesManifest,
  measureAsync,
  type OperationResult,
  pairedRotationOrder,
  type SizeResult,
  type Timing,
  timeRotation,
  timing,
} from './harness.js';
import {
  makeSetup,
  OPERATIONS,
  type Operation,
  ORDERS,
  type Order,
  REPLICATES,
  type Setup,
} from './operations.js';
import { savSupport } from './sav-support.js';

const args = process.argv.slice(2);
const [nArg, dir, outPath] = args;
const n = Number(nArg);
if (!(n > 0) || !dir || !outPath) {
  throw new Error(
    'usage: node --expose-gc --single-threaded-gc out/bench-js/bench/size.js N DIR OUT.json [--only id,id] [--replicates]',
  );
}
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set(args[onlyAt + 1]!.split(',')) : null;
/** Replicate weights take 8 bytes × rows × replicates per file: by default up to 2,000,000 rows. */
const replicatesToo = args.includes('--replicates') || n <= 2_000_000;
const wanted = (op: Operation) => only === null || only.has(op.id);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const big = n >= 1_000_000;
const files = JSON.parse(readFileSync(filesManifest(dir, n), 'utf8')) as BenchFiles;
const marginsJson = JSON.parse(readFileSync(files.margins, 'utf8')) as Record<
  string,
  Record<string, number>
>;
const margins: Margin[] = Object.entries(marginsJson).map(([variable, population]) => ({
  variable,
  population,
}));

const rssAfter: Record<string, number> = {};
const checkpoint = (stage: string) => {
  rssAfter[stage] = process.memoryUsage.rss();
};
const operations: OperationResult[] = [];
const skipped: SizeResult['skipped'] = [];

function record(id: string, order: Order, t: Timing, bare: Timing | null, check?: number) {
  const row: OperationResult = {
    id,
    order,
    ms: t.median,
    runs: t.runs,
    bareMs: bare?.median ?? null,
    cpuMs: t.cpu,
    cpuRuns: t.cpuRuns,
    bareCpuMs: bare?.cpu ?? null,
  };
  if (check !== undefined && Number.isFinite(check)) row.check = check;
  operations.push(row);
  const ratio = bare ? ` (bare ${bare.cpu.toFixed(1)} ms, ${(t.cpu / bare.cpu).toFixed(2)}x)` : '';
  console.error(
    `  ${id} ${order}: CPU ${t.cpu.toFixed(1)} ms${ratio}, wall ${t.median.toFixed(1)} ms`,
  );
}

/** Full collection, twice, letting finalizers and freed external memory settle in between. */
async function settle() {
  for (let k = 0; k < 2; k++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

// ---- Loading the sorted file; one run of everything on it -------------------------------------
await settle();
const before = process.memoryUsage();
const frames = {} as Record<Order, SurveyData>;
frames.sorted = await readCsv(files.orders.sorted.csv);
await settle();
const after = process.memoryUsage();
checkpoint('readCsv');
const retainedBytes = after.arrayBuffers + after.heapUsed - (before.arrayBuffers + before.heapUsed);
const first = frames.sorted;
const kinds: CsvKind[] = first.names.map((name) => first.columns[name]!.kind);
let rawColumnBytes = 0;
const buffers = new Set<ArrayBufferLike>();
for (const name of first.names) {
  const col = first.columns[name]!;
  rawColumnBytes += col.kind === 'numeric' ? 8 * first.nrow : 4 * first.nrow;
  buffers.add(col.kind === 'numeric' ? col.values.buffer : col.codes.buffer);
}
let frameBytes = 0;
for (const b of buffers) frameBytes += b.byteLength;

const setups = {} as Record<Order, Setup>;
setups.sorted = { ...makeSetup('sorted', frames.sorted, margins), replicate: null };
const estimators = OPERATIONS.filter((op) => op.run && !op.replicate && wanted(op));
for (const op of estimators) op.run!(setups.sorted);
checkpoint('oneFile');
const oneFileMaxRssBytes = process.resourceUsage().maxRSS * 1024;

// ---- Loading, both orders ------------------------------------------------------------------------
frames.shuffled = await readCsv(files.orders.shuffled.csv);
setups.shuffled = { ...makeSetup('shuffled', frames.shuffled, margins), replicate: null };
checkpoint('bothFiles');

/** Rounds of an operation: more for quick ones, whose medians are noisier. */
function rounds(firstMs: number) {
  if (firstMs < 20) return { warmup: 2, runs: 15 };
  if (firstMs < 100) return { warmup: 2, runs: 9 };
  if (firstMs < 1000) return { warmup: 1, runs: big ? 5 : 7 };
  return { warmup: 0, runs: 3 };
}

/** Async operations (loading) in rotation: one warm-up, `k` rounds, a collection after each. */
async function rotateAsync(fns: ReadonlyArray<() => Promise<unknown> | unknown>, k: number) {
  const times = fns.map((): number[] => []);
  const cpu = fns.map((): number[] => []);
  for (const f of fns) await f();
  for (let r = 0; r < k; r++) {
    for (let j = 0; j < fns.length; j++) {
      const m = await measureAsync(fns[j]!);
      times[j]!.push(m.wall);
      cpu[j]!.push(m.cpu);
      gc();
    }
  }
  return times.map((xs, j): Timing => timing(xs, cpu[j]!));
}

const loadRuns = big ? 3 : 5;
if (only === null || only.has('loadCsv')) {
  const nrows = { sorted: 0, shuffled: 0 };
  const t = await rotateAsync(
    [
      ...ORDERS.map((o) => async () => {
        nrows[o] = (await readCsv(files.orders[o].csv)).nrow;
      }),
      ...ORDERS.map((o) => () => bareCsv(files.orders[o].csv, kinds, n)),
    ],
    loadRuns,
  );
  ORDERS.forEach((o, j) => {
    record('loadCsv', o, t[j]!, t[j + 2]!, nrows[o]);
  });
}
const sav = await savSupport();
if (sav && files.orders.sorted.sav && (only === null || only.has('loadSav'))) {
  const nrows = { sorted: 0, shuffled: 0 };
  const t = await rotateAsync(
    [
      ...ORDERS.map((o) => async () => {
        nrows[o] = (await sav.read(files.orders[o].sav!)).nrow;
      }),
      ...ORDERS.map(
        (o) => () => bareSav(files.orders[o].sav!, files.orders[o].savOffset!, kinds, n),
      ),
    ],
    loadRuns,
  );
  ORDERS.forEach((o, j) => {
    record('loadSav', o, t[j]!, t[j + 2]!, nrows[o]);
  });
}
await settle();

// ---- Design, estimators, weighting: both orders and their bare loops in rotation ------------------
function timeOperation(op: Operation, on: readonly Setup[]) {
  const checks = on.map(() => Number.NaN);
  const t0 = performance.now();
  op.run!(on[0]!);
  const { warmup, runs } = rounds(performance.now() - t0);
  const t = timeRotation(
    [
      ...on.map((s, j) => () => {
        checks[j] = op.run!(s);
      }),
      // (an operation without a bare loop, e.g. a replicate model's refits, is timed alone)
      ...(op.bare ? on.map((s) => () => op.bare!(s)) : []),
    ],
    { warmup, runs, order: op.bare ? (r) => pairedRotationOrder(on.length, r) : undefined },
  );
  on.forEach((s, j) => {
    record(op.id, s.order, t[j]!, op.bare ? t[j + on.length]! : null, checks[j]);
  });
  checkpoint(op.id);
}

/**
 * Every operation and its bare loop, on both files, before any is timed (twice where quick).
 * Without this the first operations timed (svyMean, its bare loop) could be timed while code was
 * still being compiled and while the memory freed after loading the second file was still being
 * collected (the optimising compiler and the collector run on threads of their own, and their
 * CPU time counts in the process's): on a quiet machine svyMean and its bare loop both took
 * ~20 ms where svyTotal took 7 ms. A user calls many estimators on one design, so code shared
 * between them (the scans of src/estimate/prepare.ts) is also timed as it runs after the others
 * have used it, not as the first caller alone would see it. `timeOperation`'s own warm-up rounds then only settle
 * the operation at hand.
 */
function warmAll(ops: readonly Operation[], on: readonly Setup[]) {
  // A second round only for the operations under a second (the slow ones, e.g. the replicate
  // models, are warm after one, and timed in few rounds anyway).
  let again = ops;
  for (let round = 0; round < 2; round++) {
    const quick: Operation[] = [];
    for (const op of again) {
      const t0 = performance.now();
      for (const s of on) {
        op.run!(s);
        op.bare?.(s);
      }
      if (performance.now() - t0 < 1000) quick.push(op);
    }
    again = quick;
  }
}

warmAll(
  estimators,
  ORDERS.map((o) => setups[o]),
);
await settle();
for (const op of estimators)
  timeOperation(
    op,
    ORDERS.map((o) => setups[o]),
  );

// ---- Replicate weights (last: they take 8 bytes × rows × 80 per file) ---------------------------
const replicateOps = OPERATIONS.filter((op) => op.run && op.replicate && wanted(op));
if (replicateOps.length > 0 && !replicatesToo) {
  for (const op of replicateOps)
    skipped.push({ id: op.id, why: `over 2,000,000 rows without --replicates` });
} else if (replicateOps.length > 0) {
  for (const o of ORDERS) setups[o].replicate = replicateDesign(setups[o]);
  checkpoint('replicateDesign');
  warmAll(
    replicateOps,
    ORDERS.map((o) => setups[o]),
  );
  await settle();
  for (const op of replicateOps)
    timeOperation(
      op,
      ORDERS.map((o) => setups[o]),
    );
}

/** JK1 replicate weights: PSU id mod 80 = r dropped, the others × 80/79 (R builds the same). */
function replicateDesign(s: Setup): NonNullable<Setup['replicate']> {
  const psu = s.num('psu');
  const weight = s.num('weight');
  const weights: Float64Array[] = [];
  const columns: Record<string, SurveyData['columns'][string]> = {};
  for (let r = 0; r < REPLICATES; r++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++)
      w[i] = psu[i]! % REPLICATES === r ? 0 : (weight[i]! * REPLICATES) / (REPLICATES - 1);
    weights.push(w);
    columns[`rep${r + 1}`] = { kind: 'numeric', name: `rep${r + 1}`, values: w };
  }
  const data: SurveyData = {
    ...s.data,
    names: [...s.data.names, ...Object.keys(columns)],
    columns: { ...s.data.columns, ...columns },
  };
  const design = svyRepDesign(data, { weights: 'weight', repweights: /^rep\d+$/, type: 'JK1' });
  return { design, weights };
}

const result: SizeResult = {
  n,
  operations,
  skipped,
  memory: {
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    oneFileMaxRssBytes,
    rssAfter,
    rawColumnBytes,
    frameBytes,
    retainedBytes,
  },
  files,
};
writeFileSync(outPath, `${JSON.stringify(result)}\n`);
