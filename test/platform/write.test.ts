import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../../src/errors.js';
import { pathInside, writeInside } from '../../src/platform/write.js';
import { tempDir } from '../report/fixtures.js';

describe('pathInside / writeInside', () => {
  it('resolves a relative name inside the folder', () => {
    expect(pathInside('out', 'tables/a.csv')).toBe(resolve('out', 'tables', 'a.csv'));
    expect(pathInside('out', 'a..b.csv')).toBe(resolve('out', 'a..b.csv'));
  });

  it('refuses a name that leaves the folder, is absolute, or is the folder itself', () => {
    for (const name of ['../a.csv', 'tables/../../a.csv', '/etc/passwd', '', '.', 'x/..']) {
      let error: unknown;
      try {
        pathInside('out', name);
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(DataFormatError);
      expect((error as DataFormatError).code).toBe('UNSAFE_PATH');
      expect((error as DataFormatError).details).toEqual({ file: name, value: 'out' });
    }
  });

  it('writes, making the folders', async () => {
    const out = tempDir();
    const path = await writeInside(out, 'a/b/c.txt', 'hello');
    expect(path).toBe(join(out, 'a', 'b', 'c.txt'));
    expect(readFileSync(path, 'utf8')).toBe('hello');
  });
});
