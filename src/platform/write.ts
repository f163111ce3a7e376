/**
 * Writing files inside an output folder (Node only): every path is resolved inside the folder,
 * and a name that would leave it (`..`, an absolute path) is refused. The command line and the
 * report writer write through here.
 * @module
 */
import { DataFormatError, SurveyError } from '../errors.js';
import { requireNodeBuiltin } from './node.js';

const INSTEAD =
  'in a browser keep the report in memory (pollReport returns it) or offer its texts as downloads';

/**
 * The path of `name` (relative, `/`-separated) inside `outDir`; a name that would leave
 * `outDir` is an `UNSAFE_PATH` error. Node only (`NEEDS_NODE` elsewhere).
 * @example
 * ```ts
 * console.log(pathInside('out', 'tables/a.csv').endsWith('/out/tables/a.csv')); // => true
 * let code = '';
 * try { pathInside('out', 'tables/../../a.csv'); } catch (e) { code = (e as SurveyError).code; }
 * console.log(code); // => UNSAFE_PATH
 * ```
 */
export function pathInside(outDir: string, name: string): string {
  const { isAbsolute, relative, resolve, sep } = requireNodeBuiltin(
    'node:path',
    'pathInside',
    INSTEAD,
  );
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

/**
 * Writes `content` to `name` inside `outDir` (folders made as needed); resolves to its path.
 * Node only.
 * @throws {DataFormatError} `UNSAFE_PATH` (see {@link pathInside}), `WRITE_ERROR`.
 */
export async function writeInside(
  outDir: string,
  name: string,
  content: string | Uint8Array,
): Promise<string> {
  const path = pathInside(outDir, name);
  const { mkdir, writeFile } = requireNodeBuiltin('node:fs/promises', 'writeInside', INSTEAD);
  const { dirname } = requireNodeBuiltin('node:path', 'writeInside', INSTEAD);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  } catch (e) {
    if (e instanceof SurveyError) throw e;
    throw new DataFormatError(
      'WRITE_ERROR',
      `${path}: cannot write the file: ${(e as Error | null)?.message ?? String(e)}`,
      { file: path, cause: (e as { code?: string } | null)?.code },
    );
  }
  return path;
}
