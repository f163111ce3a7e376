/**
 * Shared by the documentation tests: runs the TypeScript snippets of a Markdown file that show
 * their output (`// => ...`) and checks what they print, so the documentation stays true.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as surveykit from '../../src/index.js';
import { instrument } from './instrument.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The ```ts blocks of a Markdown text that show their output with `// =>`. */
export function checkedSnippets(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((b) => b.includes('// =>'));
}

/**
 * Declares a suite `title` that runs every checked snippet of the Markdown file `file` (relative
 * to the repository root) with the whole public API in scope. The snippets are written as
 * modules into `test/docs/<workDir>/` (removed afterwards).
 */
export function describeSnippets(title: string, file: string, workDir: string): void {
  const dir = join(root, 'test', 'docs', workDir);
  const blocks = checkedSnippets(readFileSync(join(root, file), 'utf8'));
  const stem = file.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-');
  describe(title, () => {
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it('has checked snippets', () => expect(blocks.length).toBeGreaterThan(0));
    blocks.forEach((block, k) => {
      it(`snippet ${k + 1}: ${block.split('\n').find((l) => l.startsWith('//')) ?? ''}`, async () => {
        mkdirSync(dir, { recursive: true });
        const { body, expected, imports } = instrument(block);
        const names = Object.keys(surveykit).join(', ');
        const module = join(dir, `${stem}-${k}.ts`);
        const index = relative(dir, join(root, 'src', 'index.js'));
        writeFileSync(
          module,
          `import { ${names} } from '${index}';\nimport { format } from 'node:util';\n${imports.join('\n')}\n` +
            `export const printed: string[] = [];\nconst console = { log: (...a: unknown[]) => printed.push(format(...a)) };\n${body}\n`,
        );
        const mod = (await import(/* @vite-ignore */ module)) as { printed: string[] };
        expect(mod.printed.map((s) => s.trim())).toEqual(expected);
      });
    });
  });
}
