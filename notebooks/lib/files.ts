/**
 * Where the notebooks read and write: the repository's files, and `out/notebooks/` (or the
 * directory in `SURVEYKIT_NOTEBOOKS_OUT`, which the notebook test sets to a temporary directory).
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg, svgToPng } from '../../src/index.js';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the notebooks write their charts and files. */
export const OUT = resolve(
  process.env['SURVEYKIT_NOTEBOOKS_OUT'] ?? join(ROOT, 'out', 'notebooks'),
);

/** A path in the repository (`repo('data', 'margins.json')`). */
export function repo(...parts: string[]): string {
  return join(ROOT, ...parts);
}

/** A path as printed: relative to the current directory. */
export function shown(path: string): string {
  return relative(process.cwd(), path) || path;
}

/** Writes a file to the output directory; returns its path. */
export function saveFile(name: string, content: string | Uint8Array): string {
  const path = join(OUT, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/**
 * Writes a chart as `<name>.json` (the Vega-Lite spec), `<name>.svg` and `<name>.png` (2×
 * scale) in the output directory, and prints what it wrote.
 */
export async function saveChart(name: string, spec: TopLevelSpec): Promise<string[]> {
  const svg = await renderSvg(spec);
  const files = [
    saveFile(`${name}.json`, `${JSON.stringify(spec, null, 2)}\n`),
    saveFile(`${name}.svg`, svg),
    saveFile(`${name}.png`, svgToPng(svg, { scale: 2 })),
  ];
  console.log(`chart: ${files.map(shown).join(', ')}`);
  return files;
}
