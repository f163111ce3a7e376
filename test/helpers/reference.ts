/**
 * Test helpers: load the reference data sets exported from R (test/reference/data) and compare
 * numbers to R's to a relative tolerance.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { expect } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import type { SurveyData } from '../../src/data/types.js';

export const referenceDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'reference');

const cache = new Map<string, SurveyData>();

/**
 * A data set from test/reference/data, typed as the R scripts read it: columns whose cells all
 * parse as numbers are numeric, others categorical with the factor levels in R's order
 * (test/reference/factor-levels.json), or sorted for string columns that are not factors there.
 */
export function loadReferenceData(file: string): SurveyData {
  const hit = cache.get(file);
  if (hit) return hit;
  const factorLevels =
    loadReferenceJson<Record<string, Record<string, string[]>>>('factor-levels.json')[file] ?? {};
  const text = readFileSync(join(referenceDir, 'data', file), 'utf8');
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  const columns: Record<string, Array<number | null> | Array<string | null>> = {};
  const levels: Record<string, string[]> = {};
  for (const name of parsed.meta.fields ?? []) {
    const cells = parsed.data.map((row) => row[name] ?? '');
    const numeric = cells.every((v) => v === '' || v === 'NA' || Number.isFinite(Number(v)));
    if (numeric) columns[name] = cells.map((v) => (v === '' || v === 'NA' ? null : Number(v)));
    else {
      columns[name] = cells.map((v) => (v === '' || v === 'NA' ? null : v));
      levels[name] =
        factorLevels[name] ??
        [...new Set(cells.filter((v) => v !== '' && v !== 'NA'))].sort((a, b) =>
          a < b ? -1 : a > b ? 1 : 0,
        );
    }
  }
  const data = fromColumns(columns, { levels, source: file });
  cache.set(file, data);
  return data;
}

/** Reads a JSON file of R's answers from test/reference. */
export function loadReferenceJson<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(join(referenceDir, file), 'utf8')) as T;
}

/** Asserts |actual − expected| <= tol · max(|expected|, tiny). */
export function expectClose(actual: number, expected: number | null, tol = 1e-8, what = ''): void {
  // R's NaN and NA are written to JSON as null.
  if (expected === null || Number.isNaN(expected)) {
    expect(actual, what).toBeNaN();
    return;
  }
  const scale = Math.max(Math.abs(expected), 1e-300);
  const rel = Math.abs(actual - expected) / scale;
  if (!(rel <= tol)) {
    expect.fail(
      `${what}: expected ${expected}, got ${actual} (relative error ${rel.toExponential(2)} > ${tol})`,
    );
  }
}
