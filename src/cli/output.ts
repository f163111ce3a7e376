/**
 * Writing a subcommand's output files: every path is resolved inside the output folder, and a
 * name that would leave it (`..`, an absolute path, a separator in an id) is refused.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { DataFormatError } from '../errors.js';

/**
 * The path of `name` (relative, `/`-separated) inside `outDir`; a name that would leave
 * `outDir` is an `UNSAFE_PATH` error.
 */
export function pathInside(outDir: string, name: string): string {
  const root = resolve(outDir);
  const path = resolve(root, name);
  const rel = relative(root, path);
  if (
    name === '' ||
    isAbsolute(name) ||
    rel === '' ||
    rel.startsWith(`..${sep}`) ||
    rel === '..' ||
    isAbsolute(rel)
  ) {
    throw new DataFormatError(
      'UNSAFE_PATH',
      `refusing to write ${JSON.stringify(name)}: it is not a file inside ${outDir}`,
      { file: name, value: outDir },
    );
  }
  return path;
}

/** Writes `content` to `name` inside `outDir` (folders made as needed); resolves to its path. */
export async function writeInside(
  outDir: string,
  name: string,
  content: string | Uint8Array,
): Promise<string> {
  const path = pathInside(outDir, name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  return path;
}
