#!/usr/bin/env node
/**
 * The `surveykit` command: `surveykit <subcommand> [options]` (see `surveykit --help`).
 * @module
 */
import { runCli } from './run.js';

// A reader that stops early (`surveykit report --help | head`) closes the pipe: stop writing
// quietly instead of failing with EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
});
