/**
 * Runs the README's TypeScript snippets that show their output (`// => ...`) and checks what
 * they print, so the documentation stays true.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as surveykit from '../../src/index.js';
import { instrument } from './instrument.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workDir = join(root, 'test', 'docs', '.readme');
mkdirSync(workDir, { recursive: true });
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((b) => b.includes('// =>'));

describe('README snippets print what they say', () => {
  it('has checked snippets', () => expect(blocks.length).toBeGreaterThan(0));
  blocks.forEach((block, k) => {
    it(`snippet ${k + 1}: ${block.split('\n').find((l) => l.startsWith('//')) ?? ''}`, async () => {
      const { body, expected, imports } = instrument(block);
      const names = Object.keys(surveykit).join(', ');
      const file = join(workDir, `readme-${k}.ts`);
      writeFileSync(
        file,
        `import { ${names} } from '../../../src/index.js';\nimport { format } from 'node:util';\n${imports.join('\n')}\n` +
          `export const printed: string[] = [];\nconst console = { log: (...a: unknown[]) => printed.push(format(...a)) };\n${body}\n`,
      );
      const mod = (await import(/* @vite-ignore */ file)) as { printed: string[] };
      expect(mod.printed.map((s) => s.trim())).toEqual(expected);
    });
  });
});
