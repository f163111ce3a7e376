/**
 * `npm run notebooks`: runs every notebook (`notebooks/NN-*.ts`) in order, each in its own Node
 * process with tsx, printing its output; fails if any notebook fails.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OUT, ROOT, shown } from './lib/files.js';

/** The notebooks, in order: `notebooks/NN-name.ts`. */
function notebookFiles(): string[] {
  return readdirSync(join(ROOT, 'notebooks'))
    .filter((f) => /^\d\d-.*\.ts$/.test(f))
    .sort()
    .map((f) => join(ROOT, 'notebooks', f));
}

const failed: string[] = [];
const t0 = performance.now();
for (const file of notebookFiles()) {
  console.log(`\n=== ${shown(file)} ${'='.repeat(Math.max(3, 76 - shown(file).length))}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (run.status !== 0) failed.push(shown(file));
}
const seconds = ((performance.now() - t0) / 1000).toFixed(1);
if (failed.length > 0) {
  console.error(`\nnotebooks failed: ${failed.join(', ')}`);
  process.exitCode = 1;
} else {
  console.log(
    `\nall ${notebookFiles().length} notebooks ran in ${seconds} s; charts and files in ${shown(OUT)}`,
  );
}
