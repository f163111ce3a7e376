/**
 * Timing harness: warm-up, several runs, median. Every operation is timed beside a bare
 * typed-array loop doing the same arithmetic in the same run, and on the file in both row
 * orders, all in rotation, so the ratios are meaningful on any machine, loaded or not. Each run's
 * wall time and the process's CPU time (user + system, all its threads: `process.cpuUsage`) are
 * both kept: on a machine shared with other jobs the wall time also counts the time the process
 * waited for a core, the CPU time does not.
 */
import { join } from 'node:path';
import type { Order } from './operations.js';

export interface Timing {
  /** Median wall time (ms). */
  median: number;
  /** Wall times of the runs (ms). */
  runs: number[];
  /** Median CPU time of the process (ms). */
  cpu: number;
  /** CPU times of the runs (ms). */
  cpuRuns: number[];
}

/** The median of some numbers. */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarize(times: number[], cpu: number[]): Timing {
  return { median: median(times), runs: times, cpu: median(cpu), cpuRuns: cpu };
}

/** Runs `fn` once: its wall and CPU times (ms). */
export function measure<T>(fn: () => T): { value: T; wall: number; cpu: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = fn();
  const wall = performance.now() - t;
  const u = process.cpuUsage(c);
  return { value, wall, cpu: (u.user + u.system) / 1000 };
}

/** {@link measure} of an async function. */
export async function measureAsync<T>(
  fn: () => Promise<T> | T,
): Promise<{ value: T; wall: number; cpu: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const wall = performance.now() - t;
  const u = process.cpuUsage(c);
  return { value, wall, cpu: (u.user + u.system) / 1000 };
}

/** Wall and CPU times (ms) of runs, summarized. */
export function timing(wall: number[], cpu: number[]): Timing {
  return summarize(wall, cpu);
}

let sink: unknown;

/** Median wall time (ms) of `fn` after `warmup` untimed calls. */
export function time(fn: () => unknown, opts: { warmup?: number; runs?: number } = {}): Timing {
  const warmup = opts.warmup ?? 2;
  const runs = opts.runs ?? 7;
  for (let i = 0; i < warmup; i++) sink = fn();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const m = measure(fn);
    sink = m.value;
    times.push(m.wall);
    cpu.push(m.cpu);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return summarize(times, cpu);
}

/**
 * The order of round `round` of a balanced rotation of `n` functions (a Williams design): over
 * `rotationRounds(n)` rounds every function comes right after every other one equally often
 * (once for even n, twice for odd n), and takes every place in a round equally often.
 * @example
 * ```ts
 * [0, 1, 2, 3].map((r) => rotationOrder(4, r).join('')); // => ['0132', '1203', '2310', '3021']
 * ```
 */
export function rotationOrder(n: number, round: number): number[] {
  // the first row 0, 1, n−1, 2, n−2, ... shifted by the round; odd n: the mirror rounds too
  const rows = rotationRounds(n);
  const r = ((round % rows) + rows) % rows;
  const shift = r % n;
  const order: number[] = [];
  for (let j = 0; j < n; j++) {
    const base = j === 0 ? 0 : j % 2 === 1 ? (j + 1) / 2 : n - j / 2;
    order.push((base + shift) % n);
  }
  return r < n ? order : order.reverse();
}

/** Rounds after which {@link rotationOrder} is balanced: n for even n, 2n for odd n. */
export function rotationRounds(n: number): number {
  return n % 2 === 0 ? n : 2 * n;
}

/**
 * Round `round` of an operation timed on `k` files beside its bare loops: functions 0 … k − 1 are
 * the operation on each file, k … 2k − 1 the bare loops in the same file order. Each round takes
 * operation, bare loop, operation, bare loop, …, so no two bare loops (nor two operations) ever
 * run back to back, and over `rotationRounds(k) ** 2` rounds every operation comes right after
 * every bare loop equally often (and every bare loop after every operation), across the rounds'
 * boundaries too. The operations follow {@link rotationOrder}(k, a), the bare loops
 * rotationOrder(k, a + d), for every shift d. For k = 2 the two operations also see the same
 * two calls before them (an operation then a bare loop) equally often.
 * @example
 * ```ts
 * [0, 1, 2, 3].map((r) => pairedRotationOrder(2, r).join('')); // => ['0213', '1302', '0312', '1203']
 * ```
 */
export function pairedRotationOrder(k: number, round: number): number[] {
  const rows = rotationRounds(k);
  const all = rows * rows;
  const r = ((round % all) + all) % all;
  const a = r % rows;
  const shift = Math.floor(r / rows);
  const operations = rotationOrder(k, a);
  const bares = rotationOrder(k, (a + shift) % rows);
  return operations.flatMap((op, j) => [op, k + bares[j]!]);
}

/** Rounds after which {@link pairedRotationOrder} is balanced. */
export function pairedRotationRounds(k: number): number {
  return rotationRounds(k) ** 2;
}

/**
 * Functions timed in rotation (after `warmup` rounds), so that all see the same machine load:
 * e.g. an operation on the sorted file, on the shuffled file, and their bare loops. The rounds
 * follow `opts.order` (default {@link rotationOrder}: each function comes right after every other
 * one equally often). A garbage collection that one function's allocations set off does its
 * background marking and freeing during the next call, which counts it as CPU time; with a fixed
 * cyclic order (f0 f1 f2, then f1 f2 f0, ...) the same function always came right after the same
 * one: rake's shuffled file, after the sorted one's 12 MB of new columns, took 1.44-1.50x the
 * sorted file's CPU time with equal wall times (and its bare loop on the sorted file, after the
 * shuffled rake, 1.11x the other's). Earlier still, with the same order in every round,
 * svyDesign's shuffled slot took 1.3-1.7x its sorted time (0.98-1.03x with a gc() before each
 * call; a gc() is not used, as it would take the allocations' cost out of every timing). The
 * balance is exact after whole multiples of the order's rounds and nearly so otherwise. Median
 * of each.
 *
 * An operation beside its bare loops is timed in {@link pairedRotationOrder}: the Williams square
 * of its four functions balances the call just before each, not the two before, and in it two
 * bare loops ran back to back only ever right before the operation on the shuffled file. Two
 * bare logistic fits leave 240 MB of arrays for the collector, whose full collection then fell
 * in that fit: svyGlm on 4 factors took 83-104 ms on the shuffled file after two bare loops,
 * 51-58 ms after anything else, and the sorted file 47-60 ms wherever it stood (2026-12-07, AMD
 * host), so the bench showed 1.3-1.65x shuffled / sorted where the fits differ by 1.1x.
 */
export function timeRotation(
  fns: ReadonlyArray<() => unknown>,
  opts: { warmup?: number; runs?: number; order?: (round: number) => number[] } = {},
): Timing[] {
  const warmup = opts.warmup ?? 2;
  const runs = opts.runs ?? 7;
  const order = opts.order ?? ((round: number) => rotationOrder(fns.length, round));
  for (let i = 0; i < warmup; i++) for (const j of order(i)) sink = fns[j]!();
  const times = fns.map((): number[] => []);
  const cpu = fns.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (const j of order(warmup + i)) {
      const m = measure(fns[j]!);
      sink = m.value;
      times[j]!.push(m.wall);
      cpu[j]!.push(m.cpu);
    }
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return times.map((t, j) => summarize(t, cpu[j]!));
}

/** One operation timed on one file by a size's child process. */
export interface OperationResult {
  id: string;
  order: Order;
  /** Median wall time (ms). */
  ms: number;
  runs: number[];
  bareMs: number | null;
  /** Median CPU time of the process (ms), and its bare loop's. */
  cpuMs: number;
  cpuRuns: number[];
  bareCpuMs: number | null;
  /** A number from the result (an SE, a weight, ...), to check R computed the same thing. */
  check?: number;
}

/** What a size's child process reports. */
export interface SizeResult {
  n: number;
  operations: OperationResult[];
  /** Operations left out, with why (e.g. replicate weights at a size too big for them). */
  skipped: Array<{ id: string; why: string }>;
  memory: {
    /** Peak resident set of the process (bytes), from `process.resourceUsage().maxRSS`. */
    maxRssBytes: number;
    /**
     * Peak resident set (bytes) with one file loaded, its design built and every estimator run
     * on it once (before the other order's file is loaded).
     */
    oneFileMaxRssBytes: number;
    /** Resident set after each stage (bytes). */
    rssAfter: Record<string, number>;
    /** Raw column bytes: 8 per numeric cell, 4 per categorical code. */
    rawColumnBytes: number;
    /** Bytes of the frame's typed arrays (their whole buffers) after readCsv. */
    frameBytes: number;
    /** Growth of heap + array buffers (after GC) holding the loaded frame. */
    retainedBytes: number;
  };
  files: BenchFiles;
}

/** One size's files (DIR/files-N.json, written by bench/files.ts). */
export interface BenchFiles {
  n: number;
  /** Raking margins as JSON: variable → level → population count. */
  margins: string;
  orders: Record<
    Order,
    {
      csv: string;
      csvBytes: number;
      sav: string | null;
      savBytes: number | null;
      savOffset: number | null;
    }
  >;
}

/** Where bench/files.ts describes the files of size n. */
export const filesManifest = (dir: string, n: number): string => join(dir, `files-${n}.json`);

/** Formats rows of cells as an aligned table (first `left` columns left-aligned). */
export function formatTable(header: string[], body: string[][], left = 2): string {
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((b) => (b[j] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, j) => (j < left ? c.padEnd(widths[j]!) : c.padStart(widths[j]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
