/**
 * The fuzz worker thread of `run.ts`: runs a range of cases and reports each case's start and
 * result to the main thread, which watches for a case that never ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runCases, useTempDir } from './harness.js';

const { first, runs, deadlineMs, dir } = workerData as {
  first: number;
  runs: number;
  deadlineMs: number;
  dir: string;
};
useTempDir(dir);
await runCases(first, runs, deadlineMs, (seed, phase, report) => {
  parentPort!.postMessage(phase === 'start' ? { phase, seed } : { phase, seed, report });
});
parentPort!.postMessage({ phase: 'done' });
