/** Running the `surveykit` command in-process with its output captured, and in a real process. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run.js';

/** What a run of the command did: its exit code and what it wrote to each stream. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `surveykit ...argv` in this process, capturing both streams (one line per write). */
export async function cli(...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Runs `surveykit ...argv` as a real process (`npx tsx src/cli/main.ts`). */
export function cliProcess(...argv: string[]): CliResult {
  const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...argv], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A new empty temporary folder. */
export function tempDir(prefix = 'surveykit-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
