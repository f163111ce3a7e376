/**
 * A helper thread for the GLM's passes over a large model's rows (Node only): while this thread
 * runs a pass on the first half of the rows, the helper runs it on the second (split-passes.ts).
 * It shares the rows' arrays (they live in `SharedArrayBuffer`s: shared-rows.ts), takes a job by
 * message and answers on a channel this thread reads synchronously (`Atomics.wait`, then
 * `receiveMessageOnPort`), so the fit stays a synchronous call.
 *
 * The helper starts on the first large fit, in the background; until it has loaded, and
 * wherever there is no second core, no `worker_threads` (a browser) or no
 * `SharedArrayBuffer`, this thread runs both halves itself, with the same arithmetic: a fit's
 * numbers do not depend on which thread ran what. `setHelperThread(false)` (helper-switch.ts)
 * turns the helper off.
 * @module
 */

import { nodeBuiltin } from '../platform/node.js';
import type { HalfOutcome, PassJob } from './pass-jobs.js';
import { helperThreadOn, letPoolGo } from './shared-rows.js';

/** What the helper thread's answer carries. */
export type HelperAnswer = { readonly ok: HalfOutcome } | { readonly error: string };

interface Helper {
  readonly control: Int32Array;
  readonly port: import('node:worker_threads').MessagePort;
  readonly worker: import('node:worker_threads').Worker;
  readonly receive: typeof import('node:worker_threads').receiveMessageOnPort;
}

/** control[0]: 1 when an answer is waiting; control[1]: 1 once the helper has loaded. */
const ANSWER = 0;
const READY = 1;

let helper: Helper | null = null;
let answered = 0;
/** Why the helper could not start or failed (then it is not used again), or null. */
let failure: string | null = null;

/** Records why the helper cannot be used (the first reason given stays); the pool goes. */
function fail(why: string): void {
  failure ??= why;
  letPoolGo();
}

/** Why the helper thread could not run here, or null (it runs, or has not been asked to). */
export function helperFailure(): string | null {
  return failure;
}

/** How many jobs the helper thread has answered in this process (for tests). */
export function helperJobs(): number {
  return answered;
}

/**
 * The helper if it is running and has loaded; otherwise null (and, the first time, it is
 * started in the background for the fits to come).
 */
export function readyHelper(): Helper | null {
  if (!helperThreadOn() || failure !== null) return null;
  if (helper === null) {
    helper = startHelper();
    return null;
  }
  return Atomics.load(helper.control, READY) === 1 ? helper : null;
}

/** Sends `job` on rows lo ≤ k < hi to the helper. */
export function postJob(h: Helper, job: PassJob, lo: number, hi: number): void {
  h.worker.postMessage({ job, lo, hi });
}

/**
 * How long (ms) the fitting thread waits for the helper's half of a pass whose own half took
 * `ownMs`: 50 times that, and at least 2 s. A helper that died without answering (killed, out
 * of memory) cannot say so while this thread is blocked waiting, so the wait has an end; a
 * helper only slow (a machine busy with other work) is very unlikely to take 50 times as long
 * as this thread for the same number of rows. Either way the caller then runs the half itself,
 * with the same numbers.
 */
export function answerPatience(ownMs: number): number {
  return Math.max(2000, 50 * ownMs);
}

/**
 * Waits, at most `patienceMs`, for the helper's answer to the job posted last: what it summed,
 * or null when it failed or did not answer in time (it is then not used again, and the caller
 * runs the half itself: an error of the pass's own is thrown there, as on one thread).
 */
export function awaitAnswer(h: Helper, patienceMs: number): HalfOutcome | null {
  const deadline = performance.now() + patienceMs;
  while (Atomics.load(h.control, ANSWER) === 0) {
    const left = deadline - performance.now();
    if (left <= 0) {
      drop(h, `the helper thread gave no answer within ${Math.round(patienceMs)} ms`);
      return null;
    }
    Atomics.wait(h.control, ANSWER, 0, left);
  }
  Atomics.store(h.control, ANSWER, 0);
  let message = h.receive(h.port);
  // the answer is posted before the flag is set: it is there (the loop is a guard)
  while (message === undefined) message = h.receive(h.port);
  const answer = message.message as HelperAnswer;
  answered++;
  if ('error' in answer) {
    drop(h, answer.error);
    return null;
  }
  return answer.ok;
}

/** Stops using `h` (and stops its thread), for `why`: fits go on on the calling thread. */
function drop(h: Helper, why: string): void {
  fail(why);
  if (helper === h) helper = null;
  h.worker.terminate().catch(() => {});
}

/** Starts the helper (null where it cannot run). */
function startHelper(): Helper | null {
  const threads = nodeBuiltin('node:worker_threads');
  const os = nodeBuiltin('node:os');
  if (threads === undefined || os === undefined || typeof SharedArrayBuffer !== 'function') {
    fail('no worker_threads or SharedArrayBuffer here');
    return null;
  }
  if (os.availableParallelism() < 2) {
    fail('one processor core');
    return null;
  }
  // the worker's module sits beside this one (.js when built, .ts when run from the sources)
  // (in a bundle of its own this module has no such file beside it: no helper then)
  const here = import.meta.url;
  if (!/pass-helper\.(js|ts)$/.test(here)) {
    fail(`no pass-worker module beside ${here}`);
    return null;
  }
  const url = new URL(here.replace(/pass-helper\.(js|ts)$/, 'pass-worker.$1'));
  const fromSources = url.pathname.endsWith('.ts');
  const control = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new threads.MessageChannel();
  try {
    // from the sources (tests, tsx) the worker first registers tsx to load TypeScript
    const entry = fromSources
      ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`
      : url;
    const worker = new threads.Worker(entry, {
      eval: fromSources,
      workerData: { control, port: port2 },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    worker.on('error', (e) => {
      fail(e instanceof Error ? e.message : String(e));
      helper = null;
    });
    // a helper that stops (killed, or out of memory) is not used again
    worker.on('exit', (code) => {
      fail(`the helper thread stopped (exit code ${code})`);
      helper = null;
    });
    return { control, port: port1, worker, receive: threads.receiveMessageOnPort };
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
    return null;
  }
}

/** For tests: resolves once the helper has loaded (false: it cannot run here). */
export async function helperLoaded(timeoutMs = 20_000): Promise<boolean> {
  readyHelper();
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (readyHelper() !== null) return true;
    if (failure !== null || !helperThreadOn()) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}
