/**
 * The helper thread's module (see pass-helper.ts): runs each job it is sent on its range of rows
 * and answers on the channel it was given, then raises the answer flag the fitting thread waits
 * on. Loaded only by Node's `worker_threads`.
 * @module
 */

import { parentPort, workerData } from 'node:worker_threads';
import type { HelperAnswer } from './pass-helper.js';
import { type PassJob, runPassOnRows } from './pass-jobs.js';

const { control, port } = workerData as {
  control: Int32Array;
  port: import('node:worker_threads').MessagePort;
};

parentPort!.on('message', ({ job, lo, hi }: { job: PassJob; lo: number; hi: number }) => {
  let answer: HelperAnswer;
  try {
    answer = { ok: runPassOnRows(job, lo, hi) };
  } catch (e) {
    answer = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(answer);
  Atomics.store(control, 0, 1);
  Atomics.notify(control, 0);
});

Atomics.store(control, 1, 1);
