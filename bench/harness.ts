/**
 * Timing harness: warm-up, several runs, median. Every operation is timed beside a bare
 * typed-array loop doing the same arithmetic in the same run, so the ratio is meaningful on any
 * machine.
 */

export interface Timing {
  median: number;
  runs: number[];
}

/** Median wall time (ms) of `fn` after `warmup` untimed calls. */
export function time(fn: () => unknown, opts: { warmup?: number; runs?: number } = {}): Timing {
  const warmup = opts.warmup ?? 2;
  const runs = opts.runs ?? 7;
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    sink = fn();
    times.push(performance.now() - t);
  }
  if (sink === Symbol.for('never')) console.log(sink);
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, runs: times };
}

/** One row of the results table. */
export interface BenchRow {
  n: number;
  operation: string;
  ms: number;
  baselineMs: number | null;
  /** ms / baselineMs. */
  ratio: number | null;
  /** A target from the issues, if any, in ms. */
  targetMs?: number;
  note?: string;
}

/** Formats rows as an aligned console table. */
export function formatTable(rows: BenchRow[]): string {
  const header = ['n', 'operation', 'ms', 'bare loop ms', 'ratio', 'target ms'];
  const body = rows.map((r) => [
    r.n.toLocaleString('en-US'),
    r.operation,
    r.ms.toFixed(2),
    r.baselineMs === null ? '-' : r.baselineMs.toFixed(2),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
    r.targetMs === undefined
      ? ''
      : `${r.targetMs}${r.n === 1_000_000 ? (r.ms <= r.targetMs ? ' ok' : ' MISSED') : ''}`,
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((b) => b[j]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, j) => (j === 1 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
