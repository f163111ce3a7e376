/**
 * `npm run report`: the main job on the bundled poll, or on another poll's files.
 *
 * Usage: `npm run report -- [data.csv] [--codebook file] [--questionnaire file]
 * [--margins file | --no-margins] [--out dir] [--level 0.95] [--no-charts]`
 * @module
 */
import { SurveyError } from '../src/errors.js';
import { parseArgs, USAGE } from './report/args.js';
import { runReport } from './report/run.js';

try {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) console.log(USAGE);
  else await runReport(opts);
} catch (e) {
  if (e instanceof SurveyError) console.error(`report failed: ${e.code}: ${e.message}`);
  else console.error(`report failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
