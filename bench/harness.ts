/**
 * Timing harness: warm-up, several runs, median. Every operation is timed beside a bare
 * typed-array loop doing the same arithmetic in the same run, and on the file in both row
 * orders, all in rotation, so the ratios are meaningful on any machine, loaded or not.
 */
import { join } from 'node:path';
import type { Order } from './operations.js';

export interface Timing {
  median: number;
  runs: number[];
}

function summarize(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, runs: times };
}

let sink: unknown;

/** Median wall time (ms) of `fn` after `warmup` untimed calls. */
export function time(fn: () => unknown, opts: { warmup?: number; runs?: number } = {}): Timing {
  const warmup = opts.warmup ?? 2;
  const runs = opts.runs ?? 7;
  for (let i = 0; i < warmup; i++) sink = fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    sink = fn();
    times.push(performance.now() - t);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return summarize(times);
}

/**
 * Functions timed in rotation (after `warmup` rounds: f0, f1, f2, ..., f0, f1, ...), so that all
 * see the same machine load: e.g. an operation on the sorted file, on the shuffled file, and
 * their bare loops. Median of each.
 */
export function timeRotation(
  fns: ReadonlyArray<() => unknown>,
  opts: { warmup?: number; runs?: number } = {},
): Timing[] {
  const warmup = opts.warmup ?? 2;
  const runs = opts.runs ?? 7;
  for (let i = 0; i < warmup; i++) for (const f of fns) sink = f();
  const times = fns.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    fns.forEach((f, j) => {
      const t = performance.now();
      sink = f();
      times[j]!.push(performance.now() - t);
    });
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return times.map(summarize);
}

/** One operation timed on one file by a size's child process. */
export interface OperationResult {
  id: string;
  order: Order;
  ms: number;
  runs: number[];
  bareMs: number | null;
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
