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

/** A `$ surveykit ...` line of a ```console block of the documentation and the stdout under it. */
export interface ConsoleExample {
  /** The arguments after `surveykit`. */
  argv: string[];
  /** The lines shown under the command, up to the next command or the end of the block. */
  stdout: string;
}

/**
 * The commands of the ```console blocks of a Markdown text, each with the output shown under it.
 * A command may go on over several lines, each but the last ending in a backslash.
 */
export function consoleExamples(markdown: string): ConsoleExample[] {
  const out: ConsoleExample[] = [];
  for (const block of markdown.matchAll(/```console\n([\s\S]*?)```/g)) {
    const lines = block[1]!
      .trimEnd()
      .replace(/\\\n\s*/g, '')
      .split('\n');
    let k = 0;
    while (k < lines.length) {
      const command = lines[k]!;
      if (!command.startsWith('$ surveykit ')) {
        throw new Error(`a console example starts with "$ surveykit ": ${command}`);
      }
      let j = k + 1;
      while (j < lines.length && !lines[j]!.startsWith('$ ')) j++;
      out.push({
        argv: command.slice(2).split(/\s+/).slice(1),
        stdout: lines.slice(k + 1, j).join('\n'),
      });
      k = j;
    }
  }
  return out;
}

/**
 * Runs console examples in-process, in order, with every `--out` file in a new temporary
 * folder; returns what went differently from what the documentation shows (empty: all as shown).
 */
export async function consoleExampleFailures(
  examples: readonly ConsoleExample[],
): Promise<string[]> {
  const dir = tempDir();
  const failures: string[] = [];
  for (const { argv, stdout } of examples) {
    const args = argv.map((a, i) => (argv[i - 1] === '--out' ? join(dir, a) : a));
    const r = await cli(...args);
    const shown = `$ surveykit ${argv.join(' ')}`;
    if (r.code !== 0) failures.push(`${shown}: exit ${r.code}: ${r.stderr}`);
    else if (r.stdout !== stdout) failures.push(`${shown} printed:\n${r.stdout}\nnot:\n${stdout}`);
  }
  return failures;
}
