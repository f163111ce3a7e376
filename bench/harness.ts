/**
 * Timing harness: warm-up, several runs, median. Every operation is timed beside a bare
 * typed-array loop doing the same arithmetic in the same run, so the ratio is meaningful on any
 * machine. Each run's CPU time (the process's user + system) is kept beside its wall time: on a
 * machine shared with other jobs the wall time grows with their load, the CPU time much less.
 */

export interface Timing {
  /** Median wall time (ms). */
  median: number;
  runs: number[];
  /** Median CPU time (ms) of the same runs. */
  cpuMedian: number;
}

function median(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The wall and CPU times of runs as a {@link Timing}. */
export function summarize(times: number[], cpu: readonly number[]): Timing {
  return { median: median(times), runs: times, cpuMedian: median(cpu) };
}

/** Runs `fn` once: its wall and CPU milliseconds. */
export function timeOnce(fn: () => unknown): [number, number] {
  const c = process.cpuUsage();
  const t = performance.now();
  sink = fn();
  const wall = performance.now() - t;
  const u = process.cpuUsage(c);
  return [wall, (u.user + u.system) / 1000];
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
    const [wall, c] = timeOnce(fn);
    times.push(wall);
    cpu.push(c);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return summarize(times, cpu);
}

/**
 * An operation and its bare loop timed in alternation (warm-up of each, then op, bare, op, bare,
 * ...), so that both see the same machine load; medians of each.
 */
export function timePair(
  fn: () => unknown,
  bare: () => unknown,
  opts: { warmup?: number; runs?: number } = {},
): { op: Timing; bare: Timing } {
  const warmup = opts.warmup ?? 2;
  const runs = opts.runs ?? 7;
  for (let i = 0; i < warmup; i++) {
    sink = fn();
    sink = bare();
  }
  const a: number[] = [];
  const b: number[] = [];
  const ca: number[] = [];
  const cb: number[] = [];
  for (let i = 0; i < runs; i++) {
    let [wall, c] = timeOnce(fn);
    a.push(wall);
    ca.push(c);
    [wall, c] = timeOnce(bare);
    b.push(wall);
    cb.push(c);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return { op: summarize(a, ca), bare: summarize(b, cb) };
}

/** {@link time} for an async function. */
export async function timeAsync(
  fn: () => Promise<unknown>,
  opts: { warmup?: number; runs?: number } = {},
): Promise<Timing> {
  const warmup = opts.warmup ?? 1;
  const runs = opts.runs ?? 5;
  for (let i = 0; i < warmup; i++) sink = await fn();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    sink = await fn();
    times.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  return summarize(times, cpu);
}

/** The operations, in table order, with their labels and targets (for 1,000,000 rows). */
export const OPERATIONS = [
  { id: 'loadCsv', label: 'readCsv (21 columns)', kind: 'load' },
  { id: 'loadSav', label: 'readSav (bytecode .sav)', kind: 'load' },
  { id: 'design', label: 'svyDesign (13 strata, n/200 PSUs)', kind: 'design', targetMs: 300 },
  { id: 'mean', label: 'svyMean numeric (3% missing)', kind: 'mean', maxRatio: 2 },
  { id: 'meanCat', label: 'svyMean categorical (4 levels)', kind: 'mean', maxRatio: 2 },
  { id: 'total', label: 'svyTotal numeric', kind: 'estimator', maxRatio: 3 },
  { id: 'by', label: 'svyBy 7 regions, mean of 0/1', kind: 'estimator', maxRatio: 3 },
  { id: 'chisq', label: 'svyChisq attitude x sex (4x2)', kind: 'estimator', maxRatio: 3 },
  { id: 'rake', label: 'rake sex+agegroup+region', kind: 'weighting', targetMs: 150 },
  { id: 'calibrate', label: 'calibrate linear, same margins', kind: 'weighting' },
  {
    id: 'repMean',
    label: 'svyMean, 80 replicate weights',
    kind: 'mean',
    maxRatio: 2,
    targetMs: 200,
  },
  { id: 'quantile', label: 'svyQuantile median (Woodruff)', kind: 'estimator', maxRatio: 3 },
  {
    id: 'multiResponse',
    label: 'svyMultipleResponse 12 options',
    kind: 'estimator',
    maxRatio: 3,
  },
  { id: 'glm', label: 'svyGlm logistic, 4 factors (14 coef.)', kind: 'model' },
  { id: 'glmNum', label: 'svyGlm logistic, 3 factors + income (12)', kind: 'model' },
  { id: 'repGlm', label: 'svyGlm logistic 4 factors, 80 replicates', kind: 'model' },
  { id: 'repGlmNum', label: 'svyGlm logistic + income, 80 replicates', kind: 'model' },
] as const satisfies ReadonlyArray<{
  id: string;
  label: string;
  kind: 'load' | 'design' | 'mean' | 'estimator' | 'weighting' | 'model';
  targetMs?: number;
  maxRatio?: number;
}>;

export type OperationId = (typeof OPERATIONS)[number]['id'];

/** One operation timed by a size's child process. */
export interface OperationResult {
  id: OperationId;
  ms: number;
  runs: number[];
  /** Median CPU time (ms). */
  cpuMs: number;
  bareMs: number | null;
  /** A number from the result (an SE, a weight, ...), to check R computed the same thing. */
  check?: number;
}

/** What a size's child process reports. */
export interface SizeResult {
  n: number;
  operations: OperationResult[];
  memory: {
    /** Peak resident set of the child process (bytes), from `process.resourceUsage().maxRSS`. */
    maxRssBytes: number;
    /** Resident set after each stage (bytes). */
    rssAfter: Record<string, number>;
    /** Raw column bytes: 8 per numeric cell, 4 per categorical code. */
    rawColumnBytes: number;
    /** Bytes of the frame's typed arrays (their whole buffers) after readCsv. */
    frameBytes: number;
    /** Growth of heap + array buffers (after GC) holding the loaded frame. */
    retainedBytes: number;
  };
  files: {
    csv: string;
    sav: string | null;
    margins: string;
    csvBytes: number;
    savBytes: number | null;
  };
}

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
