/**
 * The README's command-line examples of `tabs`, `describe` and `weight` print what the README shows:
 * each ```console block of their sections holds `$ surveykit ...` lines, each followed by its
 * stdout. The commands run in-process; `--out` files go to a temporary folder.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consoleExampleFailures, consoleExamples } from '../helpers/cli-io.js';

const readme = readFileSync('README.md', 'utf8');

/** The README section `### surveykit <name>`. */
function section(name: string): string {
  const start = readme.indexOf(`### surveykit ${name}\n`);
  expect(start, `README has a section "### surveykit ${name}"`).toBeGreaterThanOrEqual(0);
  const rest = readme.slice(start + 1);
  const end = rest.search(/\n##/);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('README command-line examples print what they show', () => {
  for (const name of ['describe', 'weight', 'tabs']) {
    it(name, async () => {
      const list = consoleExamples(section(name));
      expect(list.length).toBeGreaterThan(0);
      expect(await consoleExampleFailures(list)).toEqual([]);
    });
  }
});
