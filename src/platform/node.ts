/**
 * Node's built-in modules, found at run time instead of imported. The core of surveykit runs in
 * Node and in browsers from one build: it has no static `node:` import (a browser bundler would
 * stop on it), and asks `process.getBuiltinModule` (Node 20.16 and later) for the file system,
 * and package resolution only where a function needs them — reading a file by
 * its path, rendering PNG, inlining the chart libraries into a report. Outside Node those
 * functions throw a {@link SurveyError} `NEEDS_NODE` that says what to use instead.
 * @module
 */
import { SurveyError } from '../errors.js';

/** The built-in modules surveykit asks for. */
interface Builtins {
  'node:buffer': typeof import('node:buffer');
  'node:fs': typeof import('node:fs');
  'node:fs/promises': typeof import('node:fs/promises');
  'node:module': typeof import('node:module');
  'node:os': typeof import('node:os');
  'node:path': typeof import('node:path');
  'node:worker_threads': typeof import('node:worker_threads');
}

type GetBuiltin = <K extends keyof Builtins>(id: K) => Builtins[K];

const getBuiltin: GetBuiltin | undefined = (
  globalThis as { process?: { getBuiltinModule?: GetBuiltin } }
).process?.getBuiltinModule;

/** The built-in module `id` on Node (20.16+), `undefined` elsewhere. */
export function nodeBuiltin<K extends keyof Builtins>(id: K): Builtins[K] | undefined {
  return getBuiltin?.(id);
}

/**
 * The built-in module `id`, or a `NEEDS_NODE` error saying that `what` needs Node and what to do
 * instead (`instead`, e.g. "pass a File or Blob, or parse the text with parseCsv").
 */
export function requireNodeBuiltin<K extends keyof Builtins>(
  id: K,
  what: string,
  instead: string,
): Builtins[K] {
  const mod = nodeBuiltin(id);
  if (mod === undefined) throw needsNode(what, instead);
  return mod;
}

/** The `NEEDS_NODE` error: `what` needs Node.js (20.16 or later); `instead` says what to do. */
export function needsNode(what: string, instead: string): SurveyError {
  return new SurveyError(
    'NEEDS_NODE',
    `${what} needs Node.js 20.16 or later (it was called where process.getBuiltinModule is missing); ${instead}`,
    { value: what },
  );
}

/** Node's `require` as surveykit uses it. */
export interface PackageRequire {
  (id: string): unknown;
  resolve(id: string): string;
}

let packageRequire: PackageRequire | null = null;

/**
 * Node's `require`, resolving from surveykit's own location: for the packages only Node uses
 * (resvg's native binding, fontkit, the chart libraries' files), which a browser bundle must not
 * pull in. `what` and `instead` as {@link requireNodeBuiltin}.
 */
export function nodeRequire(what: string, instead: string): PackageRequire {
  if (packageRequire === null) {
    const { createRequire } = requireNodeBuiltin('node:module', what, instead);
    packageRequire = createRequire(import.meta.url);
  }
  return packageRequire;
}
