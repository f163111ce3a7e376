/**
 * The guide pages of the API reference (docs/guide/*.md) show what really happens: their
 * TypeScript examples print what their `// =>` lines say, and their command-line examples
 * (```console blocks) print what is shown under each command.
 * test/docs/api-reference.test.ts checks that every topic has its guide and what it links to.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { consoleExampleFailures, consoleExamples } from '../helpers/cli-io.js';
import { checkedSnippets, describeSnippets } from './snippets.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const guides = readdirSync(join(root, 'docs', 'guide'))
  .filter((f) => f.endsWith('.md'))
  .sort();

for (const guide of guides) {
  const file = join('docs', 'guide', guide);
  const text = readFileSync(join(root, file), 'utf8');
  if (checkedSnippets(text).length > 0) {
    describeSnippets(`${file}: examples print what they say`, file, '.guide');
  }
  const commands = consoleExamples(text);
  if (commands.length > 0) {
    it(`${file}: command-line examples print what they show`, async () => {
      expect(await consoleExampleFailures(commands)).toEqual([]);
    }, 120_000);
  }
}
