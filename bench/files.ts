/**
 * Writes one size's bench files, in its own process (so that the generated columns do not count
 * in the timing process's memory): `node out/bench-js/bench/files.js N DIR`. Writes the seeded
 * poll of N respondents sorted by stratum and PSU and in a seeded random order of the same rows,
 * each as CSV and (with surveykit's SPSS writer) as a bytecode-compressed .sav, the raking margins
 * as JSON (for surveykit and R), and DIR/files-N.json describing them ({@link BenchFiles}).
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AGEGROUPS,
  type BenchColumns,
  generateColumns,
  REGIONS,
  reorderColumns,
  SEXES,
  shuffledOrder,
  toFrame,
  writeCsv,
} from './generate.js';
import { type BenchFiles, filesManifest } from './harness.js';
import { savSupport } from './sav-support.js';

/** Population margins 10% away from the sample's weighted shares, so the weighting has work to do. */
function rakeMargins(c: BenchColumns): Record<string, Record<string, number>> {
  let total = 0;
  for (let i = 0; i < c.n; i++) total += c.weight[i]!;
  const margin = (codes: Int32Array, levels: readonly string[]) => {
    const sums = new Float64Array(levels.length);
    for (let i = 0; i < c.n; i++) sums[codes[i]!]! += c.weight[i]!;
    const tilted = Array.from(sums, (s, l) => s * (l % 2 === 0 ? 1.1 : 0.9));
    const scale = total / tilted.reduce((a, b) => a + b, 0);
    return Object.fromEntries(levels.map((l, k) => [l, tilted[k]! * scale]));
  };
  return {
    sex: margin(c.sex, SEXES),
    agegroup: margin(c.agegroup, AGEGROUPS),
    region: margin(c.region, REGIONS),
  };
}

async function writeBenchFiles(n: number, dir: string): Promise<void> {
  const sorted = generateColumns(n);
  const margins = join(dir, `margins-${n}.json`);
  writeFileSync(margins, JSON.stringify(rakeMargins(sorted)));
  const sav = await savSupport();
  const orders = {} as BenchFiles['orders'];
  for (const order of ['sorted', 'shuffled'] as const) {
    const cols = order === 'sorted' ? sorted : reorderColumns(sorted, shuffledOrder(n));
    const csv = join(dir, `poll-${n}-${order}.csv`);
    await writeCsv(cols, csv);
    const savPath = join(dir, `poll-${n}-${order}.sav`);
    const savOffset = sav ? sav.write(toFrame(cols), savPath) : null;
    orders[order] = {
      csv,
      csvBytes: statSync(csv).size,
      sav: savOffset === null ? null : savPath,
      savBytes: savOffset === null ? null : statSync(savPath).size,
      savOffset,
    };
  }
  const files: BenchFiles = { n, margins, orders };
  writeFileSync(filesManifest(dir, n), `${JSON.stringify(files)}\n`);
}

const [nArg, dirArg] = process.argv.slice(2);
if (nArg !== undefined && dirArg !== undefined) await writeBenchFiles(Number(nArg), dirArg);
