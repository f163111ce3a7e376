/**
 * The README's command-line examples of `tabs`, `describe` and `weight` print what the README shows:
 * each ```console block of their sections holds `$ surveykit ...` lines, each followed by its
 * stdout. The commands run in-process; `--out` files go to a temporary folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli-io.js';

const readme = readFileSync('README.md', 'utf8');

/** The ```console blocks of the README section `### surveykit <name>`. */
function examples(name: string): Array<{ argv: string[]; stdout: string }> {
  const start = readme.indexOf(`### surveykit ${name}\n`);
  expect(start, `README has a section "### surveykit ${name}"`).toBeGreaterThanOrEqual(0);
  const rest = readme.slice(start + 1);
  const end = rest.search(/\n##/);
  const section = end < 0 ? rest : rest.slice(0, end);
  const out: Array<{ argv: string[]; stdout: string }> = [];
  for (const block of section.matchAll(/```console\n([\s\S]*?)```/g)) {
    // a command may go on over several lines, each but the last ending in a backslash
    const lines = block[1]!
      .trimEnd()
      .replace(/\\\n\s*/g, '')
      .split('\n');
    let k = 0;
    while (k < lines.length) {
      const command = lines[k]!;
      expect(command.startsWith('$ surveykit '), command).toBe(true);
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

describe('README command-line examples print what they show', () => {
  for (const name of ['describe', 'weight', 'tabs']) {
    it(name, async () => {
      const list = examples(name);
      expect(list.length).toBeGreaterThan(0);
      const dir = tempDir();
      for (const { argv, stdout } of list) {
        const args = argv.map((a, i) => (argv[i - 1] === '--out' ? join(dir, a) : a));
        const r = await cli(...args);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toBe(stdout);
      }
    });
  }
});
