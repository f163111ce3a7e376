/**
 * Writes the bundled synthetic reference poll: `data/belarus-2021-12.csv`, `data/codebook.json`,
 * `data/questionnaire.json`, `data/margins.json` and `data/design.json`, after checking the
 * calibration targets.
 *
 * Usage: `npm run data:generate` (writes), `npx tsx scripts/generate-data.ts --check` (only checks
 * that the committed files equal a fresh generation), `--seed N` for another seed (the committed
 * files use the default).
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_SEED,
  dataFiles,
  generatePoll,
  type PollReport,
  reportPoll,
} from './generate/poll.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(6);

function printReport(report: PollReport): void {
  const { design, raked } = report;
  console.log('Attitudes (design weights): positive / neutral / negative / hard to say');
  for (const [country, a] of Object.entries(design.attitudes)) {
    console.log(
      `  ${country.padEnd(11)} ${pct(a.positive)} ${pct(a.neutral)} ${pct(a.negative)} ${pct(a.dk)}`,
    );
  }
  console.log('Multiple response (design weights / raked): reliable partner | interests');
  for (const key of Object.keys(design.reliable)) {
    console.log(
      `  ${key.padEnd(11)} ${pct(design.reliable[key]!)} ${pct(raked.reliable[key]!)} | ` +
        `${pct(design.interests[key]!)} ${pct(raked.interests[key]!)}`,
    );
  }
  console.log(
    `  Russia and Kazakhstan both named reliable: ${pct(design.reliableRussiaAndKazakhstan)}`,
  );
  console.log('Design effects (design weights, strata x PSUs, with replacement):');
  for (const d of report.deff)
    console.log(`  ${d.name.padEnd(32)} ${pct(d.share)}  deff ${d.deff.toFixed(2)}`);
  console.log('Targets:');
  for (const c of report.checks) {
    console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.value} (${c.rule})`);
  }
}

function main(argv: readonly string[]): number {
  const seedAt = argv.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(argv[seedAt + 1]) : DEFAULT_SEED;
  if (!Number.isInteger(seed)) throw new Error('--seed needs an integer');
  const poll = generatePoll(seed);
  const report = reportPoll(poll);
  console.log(
    `Synthetic poll, seed ${seed}: ${poll.rows.length} respondents, ${poll.strata.length} strata`,
  );
  printReport(report);
  const failed = report.checks.filter((c) => !c.ok);
  if (failed.length > 0) {
    console.error(`\n${failed.length} calibration target(s) violated: nothing written.`);
    return 1;
  }
  const files = dataFiles(poll);
  if (argv.includes('--check')) {
    const stale = Object.entries(files).filter(([path, text]) => {
      try {
        return readFileSync(join(root, path), 'utf8') !== text;
      } catch {
        return true;
      }
    });
    for (const [path] of stale) console.error(`stale: ${path}`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const [path, text] of Object.entries(files)) {
    writeFileSync(join(root, path), text);
    console.log(`wrote ${path}`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
