/**
 * Runs every `@example` in the TSDoc of src/ and checks what it prints: a line
 * `console.log(...); // => text` must print exactly `text`.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as surveykit from '../../src/index.js';
import { instrument } from './instrument.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workDir = join(root, 'test', 'docs', '.examples');

interface Example {
  file: string;
  line: number;
  code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function examples(): Example[] {
  const out: Example[] = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*\*\s*@example/.test(lines[i]!)) continue;
      let j = i + 1;
      while (j < lines.length && !/^\s*\*\s*```/.test(lines[j]!)) j++;
      const start = j + 1;
      let end = start;
      while (end < lines.length && !/^\s*\*\s*```/.test(lines[end]!)) end++;
      const code = lines
        .slice(start, end)
        .map((l) => l.replace(/^\s*\* ?/, ''))
        .join('\n');
      out.push({ file: relative(root, file), line: i + 1, code });
      i = end;
    }
  }
  return out;
}

const all = examples();
const names = Object.keys(surveykit).join(', ');
mkdirSync(workDir, { recursive: true });
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('TSDoc examples print what they say', () => {
  it('every function of the public API has an example in its TSDoc', () => {
    const sources = sourceFiles(join(root, 'src')).map((f) => readFileSync(f, 'utf8'));
    const functions = Object.entries(surveykit).filter(
      ([, v]) => typeof v === 'function' && !/^class\s/.test(String(v)),
    );
    const missing = functions
      .map(([name]) => name)
      .filter((name) => {
        const pattern = new RegExp(
          `/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export (?:async )?function ${name}\\b`,
        );
        const doc = sources.map((text) => pattern.exec(text)).find(Boolean);
        return !doc || !doc[1]!.includes('@example');
      });
    expect(missing).toEqual([]);
  });
  all.forEach((ex, k) => {
    it(`${ex.file}:${ex.line}`, async () => {
      const { body, expected, imports: extra } = instrument(ex.code);
      expect(expected.length, 'an example shows its output with // =>').toBeGreaterThan(0);
      const file = join(workDir, `example-${k}.ts`);
      // The example sees the public API plus its own module's exports (for internal helpers).
      const own = Object.keys(await import(/* @vite-ignore */ join(root, ex.file))).filter(
        (n) => !(n in surveykit),
      );
      const ownPath = join(root, ex.file).replace(/\.ts$/, '.js');
      const imports =
        `import { ${names} } from '../../../src/index.js';\n` +
        (own.length ? `import { ${own.join(', ')} } from '${relative(workDir, ownPath)}';\n` : '') +
        `import { format } from 'node:util';\n` +
        extra.map((l) => `${l}\n`).join('');
      const wrapped = `${imports}export const printed: string[] = [];\nconst console = { log: (...a: unknown[]) => printed.push(format(...a)) };\n${body}\n`;
      writeFileSync(file, wrapped);
      const mod = (await import(/* @vite-ignore */ `${file}?t=${k}`)) as { printed: string[] };
      expect(mod.printed.map((s) => s.trim())).toEqual(expected);
    });
  });
});
