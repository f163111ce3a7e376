/**
 * `npm run bench [-- --sizes 10000,100000,1000000]`: times surveykit's operations on seeded
 * synthetic polls, each beside a bare typed-array loop doing the same arithmetic in the same run.
 * Prints a table and writes out/bench.json. Targets are those of the issues, for 1,000,000 rows.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../src/data/csv.js';
import {
  type Margin,
  rake,
  svyBy,
  svyChisq,
  svyDesign,
  svyMean,
  svyRepDesign,
  svyTotal,
} from '../src/index.js';
import {
  bareByMean,
  bareCsv,
  bareDesign,
  bareMean,
  bareRake,
  bareReplicateMean,
  bareShares,
  bareTable,
} from './baselines.js';
import { ATTITUDES, generateColumns, generateData, REGIONS, toCsv } from './generate.js';
import { type BenchRow, formatTable, time } from './harness.js';

const sizesArg = process.argv.indexOf('--sizes');
const sizes =
  sizesArg > 0 ? process.argv[sizesArg + 1]!.split(',').map(Number) : [10_000, 100_000, 1_000_000];
const rows: BenchRow[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'surveykit-bench-'));

function record(
  n: number,
  operation: string,
  ms: number,
  baselineMs: number | null,
  targetMs?: number,
) {
  const row: BenchRow = {
    n,
    operation,
    ms,
    baselineMs,
    ratio: baselineMs ? ms / baselineMs : null,
  };
  if (targetMs !== undefined) row.targetMs = targetMs;
  rows.push(row);
  console.error(`  ${operation}: ${ms.toFixed(2)} ms`);
}

try {
  for (const n of sizes) {
    console.error(`n = ${n.toLocaleString('en-US')}`);
    const cols = generateColumns(n);
    const data = generateData(n);
    const runs = n >= 1_000_000 ? 5 : 9;

    const csvPath = join(tmp, `poll-${n}.csv`);
    writeFileSync(csvPath, toCsv(cols));
    const csvText = readFileSync(csvPath, 'utf8');
    const csvMs = (await timeAsync(() => readCsv(csvPath), n >= 1_000_000 ? 3 : 5)).median;
    record(n, 'readCsv (streamed, typed)', csvMs, time(() => bareCsv(csvText), { runs: 3 }).median);

    const spec = { ids: 'psu', strata: 'stratum', weights: 'weight' } as const;
    const design = svyDesign(data, spec);
    record(
      n,
      'svyDesign (13 strata, n/200 PSUs)',
      time(() => svyDesign(data, spec), { runs }).median,
      time(() => bareDesign(cols), { runs }).median,
      300,
    );
    record(
      n,
      'svyMean numeric (3% missing)',
      time(() => svyMean(design, 'income'), { runs }).median,
      time(() => bareMean(cols, cols.income), { runs }).median,
      15,
    );
    record(
      n,
      'svyMean categorical (4 levels)',
      time(() => svyMean(design, 'attitude'), { runs }).median,
      time(() => bareShares(cols, cols.attitude, ATTITUDES.length), { runs }).median,
    );
    record(
      n,
      'svyTotal numeric',
      time(() => svyTotal(design, 'income'), { runs }).median,
      time(() => bareMean(cols, cols.income), { runs }).median,
    );
    record(
      n,
      'svyBy 7 regions, mean of 0/1',
      time(() => svyBy(design, 'region', (d) => svyMean(d, 'support')), { runs }).median,
      time(() => bareByMean(cols, cols.support, cols.region, REGIONS.length), { runs }).median,
      100,
    );
    // Raking on sex x age group x region (2 + 4 + 7 levels) to 1e-8, to margins 10% off the sample's.
    const margins = rakeMargins(cols);
    record(
      n,
      'rake sex+agegroup+region to 1e-8',
      time(() => rake(design, margins, { epsilon: 1e-8 }), { runs }).median,
      time(() => bareRake(cols, rakeDims(cols, margins), 1e-8), { runs }).median,
      150,
    );

    // A mean on a design with 80 replicate weights (JK1-like: one group of PSUs dropped per replicate).
    const repData = withReplicates(data, cols, 80);
    const repDesign = svyRepDesign(repData.data, {
      weights: 'weight',
      repweights: /^rep\d+$/,
      type: 'JK1',
    });
    record(
      n,
      'svyMean, 80 replicate weights',
      time(() => svyMean(repDesign, 'income'), { runs }).median,
      time(() => bareReplicateMean(cols.weight, repData.replicates, cols.income), { runs }).median,
      200,
    );

    record(
      n,
      'svyChisq attitude x sex (4x2)',
      time(() => svyChisq(design, 'attitude', 'sex'), { runs }).median,
      time(() => bareTable(cols, cols.attitude, 4, cols.sex, 2), { runs }).median,
    );
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/** Population margins 10% away from the sample's weighted shares, so raking has work to do. */
function rakeMargins(c: ReturnType<typeof generateColumns>): Margin[] {
  const total = c.weight.reduce((a, b) => a + b, 0);
  const margin = (variable: string, codes: Int32Array, levels: string[]): Margin => {
    const sums = new Float64Array(levels.length);
    for (let i = 0; i < c.n; i++) sums[codes[i]!]! += c.weight[i]!;
    const tilted = Array.from(sums, (s, l) => s * (l % 2 === 0 ? 1.1 : 0.9));
    const scale = total / tilted.reduce((a, b) => a + b, 0);
    return {
      variable,
      population: Object.fromEntries(levels.map((l, k) => [l, tilted[k]! * scale])),
    };
  };
  return [
    margin('sex', c.sex, ['Male', 'Female']),
    margin('agegroup', c.agegroup, ['18-29', '30-44', '45-59', '60+']),
    margin('region', c.region, REGIONS),
  ];
}

function rakeDims(c: ReturnType<typeof generateColumns>, margins: Margin[]) {
  const codes = [c.sex, c.agegroup, c.region];
  return margins.map((m, j) => ({
    codes: codes[j]!,
    levels: Object.keys(m.population).length,
    targets: Float64Array.from(Object.values(m.population)),
  }));
}

/** The data with R JK1-like replicate weight columns rep1..repR (one group of PSUs dropped per replicate). */
function withReplicates(
  data: ReturnType<typeof generateData>,
  c: ReturnType<typeof generateColumns>,
  R: number,
) {
  const replicates: Float64Array[] = [];
  for (let r = 0; r < R; r++) {
    const w = new Float64Array(c.n);
    for (let i = 0; i < c.n; i++) w[i] = c.psu[i]! % R === r ? 0 : (c.weight[i]! * R) / (R - 1);
    replicates.push(w);
  }
  const names = replicates.map((_, r) => `rep${r + 1}`);
  const repColumns = Object.fromEntries(
    names.map((name, r) => [name, { kind: 'numeric' as const, name, values: replicates[r]! }]),
  );
  return {
    data: {
      ...data,
      names: [...data.names, ...names],
      columns: { ...data.columns, ...repColumns },
    },
    replicates,
  };
}

async function timeAsync(fn: () => Promise<unknown>, runs: number) {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]! };
}

console.log(formatTable(rows));
mkdirSync('out', { recursive: true });
writeFileSync(
  join('out', 'bench.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`,
);
console.log('\nwritten: out/bench.json');
