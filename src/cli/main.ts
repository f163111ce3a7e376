#!/usr/bin/env node
/**
 * The `surveykit` command: `surveykit <subcommand> [options]` (see `surveykit --help`).
 * @module
 */
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
});
