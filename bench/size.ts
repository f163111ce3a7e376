/**
 * One size of `npm run bench`, in its own process so that its peak memory is its own:
 * `node --expose-gc out/bench-js/bench/size.js N DIR OUT.json` (bench/run.ts compiles it first).
 * Generates the seeded poll of N respondents into DIR (CSV, .sav when surveykit has its SPSS
 * writer, the raking margins as JSON for R), loads it with readCsv, and times every operation on
 * the loaded frame after a warm-up (median of several runs), each beside its bare loop
 * (bench/baselines.ts). Writes a {@link SizeResult} to OUT.json.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from '../src/data/csv/csv.js';
import { getCategorical, getNumeric } from '../src/data/frame.js';
import type { SurveyData } from '../src/data/types.js';
import {
  calibrate,
  degreesOfFreedom,
  type Margin,
  rake,
  svyBy,
  svyChisq,
  svyDesign,
  svyGlm,
  svyMean,
  svyMultipleResponse,
  svyQuantile,
  svyRepDesign,
  svyTotal,
} from '../src/index.js';
import {
  type BareDesign,
  bareByMean,
  bareCalibrateLinear,
  bareCsv,
  bareDesign,
  bareLogistic,
  bareMean,
  bareMedian,
  bareMultipleResponse,
  bareRake,
  bareReplicateMean,
  bareSav,
  bareShares,
  bareTable,
  bareTotal,
  type CsvKind,
  type RakeDim,
} from './baselines.js';
import { generateColumns, OPTION_NAMES, toFrame, writeCsv } from './generate.js';
import {
  type OperationId,
  type OperationResult,
  type SizeResult,
  summarize,
  type Timing,
  timeOnce,
  timePair,
} from './harness.js';
import { savSupport } from './sav-support.js';

/** Replicate weight columns of the replicate-design case. */
export const REPLICATES = 80;

const [nArg, dir, outPath] = process.argv.slice(2);
const n = Number(nArg);
if (!(n > 0) || !dir || !outPath) {
  throw new Error('usage: node --expose-gc out/bench-js/bench/size.js N DIR OUT.json');
}
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const big = n >= 1_000_000;
const runs = big ? 5 : 9;
const rssAfter: Record<string, number> = {};
const checkpoint = (stage: string) => {
  rssAfter[stage] = process.memoryUsage.rss();
};
const operations: OperationResult[] = [];
/** The operations to time (`npm run bench -- --only ...`); all without it. */
const only = process.env['SURVEYKIT_BENCH_ONLY']?.split(',') ?? null;
const wanted = (id: OperationId) => only === null || only.includes(id);
/** Times an operation and its bare loop in alternation and records them with `check`. */
function pair(id: OperationId, fn: () => unknown, bareFn: () => unknown) {
  if (!wanted(id)) return;
  // More runs for quick operations, whose medians are noisier.
  const t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  const t = timePair(fn, bareFn, { runs: first < 20 ? 15 : first < 100 ? 9 : runs });
  record(id, t.op, t.bare, check);
}
/** Times an operation with no bare loop (too slow to repeat): one warm-up run, `k` runs. */
function solo(id: OperationId, fn: () => unknown, k: number) {
  if (!wanted(id)) return;
  fn();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < k; i++) {
    gc();
    const [wall, c] = timeOnce(fn);
    times.push(wall);
    cpu.push(c);
  }
  record(id, summarize(times, cpu), null, check);
}
/** {@link timePair} for an async operation (loading): one warm-up, `k` alternations. */
async function timePairAsync(
  fn: () => Promise<unknown>,
  bareFn: () => unknown,
  k: number,
): Promise<[Timing, Timing]> {
  const a: number[] = [];
  const b: number[] = [];
  const ca: number[] = [];
  const cb: number[] = [];
  for (let i = 0; i < (big ? 1 : 3); i++) {
    await fn();
    bareFn();
  }
  for (let i = 0; i < k; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn();
    a.push(performance.now() - t);
    const u = process.cpuUsage(c);
    ca.push((u.user + u.system) / 1000);
    gc();
    const [wall, cpu] = timeOnce(bareFn);
    b.push(wall);
    cb.push(cpu);
    gc();
  }
  return [summarize(a, ca), summarize(b, cb)];
}
function record(id: OperationId, t: Timing, bare: Timing | null, check?: number) {
  const row: OperationResult = {
    id,
    ms: t.median,
    runs: t.runs,
    cpuMs: t.cpuMedian,
    bareMs: bare?.median ?? null,
  };
  if (check !== undefined && Number.isFinite(check)) row.check = check;
  operations.push(row);
  const ratio = bare
    ? ` (bare ${bare.median.toFixed(1)} ms, ${(t.median / bare.median).toFixed(2)}x)`
    : '';
  console.error(`  ${id}: ${t.median.toFixed(1)} ms (CPU ${t.cpuMedian.toFixed(1)} ms)${ratio}`);
  checkpoint(id);
}

// ---- Data files -------------------------------------------------------------------------------
const csvPath = join(dir, `poll-${n}.csv`);
const savPath = join(dir, `poll-${n}.sav`);
const marginsPath = join(dir, `margins-${n}.json`);
/** Writes the files; returns the .sav's data offset (null without the SPSS writer). */
async function writeFiles(): Promise<number | null> {
  const cols = generateColumns(n);
  await writeCsv(cols, csvPath);
  const sav = await savSupport();
  return sav ? sav.write(toFrame(cols), savPath) : null;
}
const savOffset = await writeFiles();
/** Full collection, twice, letting finalizers and freed external memory settle in between. */
async function settle() {
  for (let k = 0; k < 2; k++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
await settle();
checkpoint('generate');

// ---- Loading ----------------------------------------------------------------------------------
const before = process.memoryUsage();
let data: SurveyData = await readCsv(csvPath);
await settle();
const after = process.memoryUsage();
const retainedBytes = after.arrayBuffers + after.heapUsed - (before.arrayBuffers + before.heapUsed);
const kinds: CsvKind[] = data.names.map((name) => data.columns[name]!.kind);
let rawColumnBytes = 0;
const buffers = new Set<ArrayBufferLike>();
for (const name of data.names) {
  const col = data.columns[name]!;
  rawColumnBytes += col.kind === 'numeric' ? 8 * data.nrow : 4 * data.nrow;
  buffers.add(col.kind === 'numeric' ? col.values.buffer : col.codes.buffer);
}
let frameBytes = 0;
for (const b of buffers) frameBytes += b.byteLength;
checkpoint('readCsv');

const loadRuns = big ? 3 : 5;
if (wanted('loadCsv')) {
  record(
    'loadCsv',
    ...(await timePairAsync(
      async () => {
        data = await readCsv(csvPath);
      },
      () => bareCsv(csvPath, kinds, n),
      loadRuns,
    )),
    data.nrow,
  );
}

const sav = await savSupport();
if (sav && savOffset !== null && wanted('loadSav')) {
  let nrow = 0;
  record(
    'loadSav',
    ...(await timePairAsync(
      async () => {
        nrow = (await sav.read(savPath)).nrow;
      },
      () => bareSav(savPath, savOffset!, kinds, n),
      loadRuns,
    )),
    nrow,
  );
}
gc();

// ---- Columns for the bare loops (the same loaded values) ----------------------------------------
const num = (name: string) => getNumeric(data, name).values;
const cat = (name: string) => getCategorical(data, name);
const weight = num('weight');
const income = num('income');
const support = num('support');
const options = OPTION_NAMES.map(num);
const attitude = cat('attitude');
const sex = cat('sex');
const region = cat('region');
const agegroup = cat('agegroup');

// ---- Design ------------------------------------------------------------------------------------
const spec = { ids: 'psu', strata: 'stratum', weights: 'weight' } as const;
const design = svyDesign(data, spec);
let bare: BareDesign = bareDesign(num('stratum'), num('psu'), weight);
let check = 0;
pair(
  'design',
  () => {
    check = degreesOfFreedom(svyDesign(data, spec));
  },
  () => {
    bare = bareDesign(num('stratum'), num('psu'), weight);
  },
);

// ---- Estimators --------------------------------------------------------------------------------
pair(
  'mean',
  () => {
    check = svyMean(design, 'income')[0]!.se;
  },
  () => bareMean(bare, income),
);
pair(
  'meanCat',
  () => {
    check = svyMean(design, 'attitude')[0]!.se;
  },
  () => bareShares(bare, attitude.codes, attitude.levels.length),
);
pair(
  'total',
  () => {
    check = svyTotal(design, 'income')[0]!.se;
  },
  () => bareTotal(bare, income),
);
pair(
  'by',
  () => {
    check = svyBy(design, 'region', (d) => svyMean(d, 'support'))[0]!.se;
  },
  () => bareByMean(bare, support, region.codes, region.levels.length),
);
pair(
  'chisq',
  () => {
    check = svyChisq(design, 'attitude', 'sex').statistic;
  },
  () => bareTable(bare, attitude.codes, attitude.levels.length, sex.codes, sex.levels.length),
);

// ---- Weighting ---------------------------------------------------------------------------------
const margins = rakeMargins();
writeFileSync(
  marginsPath,
  JSON.stringify(Object.fromEntries(margins.map((m) => [m.variable, m.population]))),
);
const dims: RakeDim[] = [sex, agegroup, region].map((c, j) => ({
  codes: c.codes,
  levels: c.levels.length,
  targets: Float64Array.from(c.levels, (l) => margins[j]!.population[l]!),
}));
pair(
  'rake',
  () => {
    check = rake(design, margins, { epsilon: 1e-8 }).weights[0]!;
  },
  () => bareRake(weight, dims, 1e-8),
);
pair(
  'calibrate',
  () => {
    check = calibrate(design, { margins, calfun: 'linear' }).weights[0]!;
  },
  () => bareCalibrateLinear(weight, dims),
);

// ---- Quantile, multiple response ----------------------------------------------------------------
pair(
  'quantile',
  () => {
    check = svyQuantile(design, 'income', [0.5])[0]!.ci[0];
  },
  () => bareMedian(bare, income, 1.96),
);
const question = {
  id: 'mr',
  question: { en: 'Which of these?' },
  options: OPTION_NAMES.map((name, k) => ({
    variable: name,
    key: name,
    label: { en: `Option ${k + 1}` },
  })),
};
pair(
  'multiResponse',
  () => {
    check = svyMultipleResponse(design, question).options[0]!.se;
  },
  () => bareMultipleResponse(bare, options),
);

// ---- Models --------------------------------------------------------------------------------------
/**
 * The models of the bench: a poll's usual logistic regression on categorical variables (1 + 1 +
 * 3 + 6 + 3 = 14 coefficients), and one with a numeric variable (12 coefficients; income is
 * missing for 3%), which cannot be fitted on cells of factor levels alone.
 */
const GLM_FORMULA = 'support ~ sex + agegroup + region + attitude';
const GLM_NUM_FORMULA = 'support ~ sex + agegroup + region + income';
const bareFactors = (cols: (typeof sex)[]) =>
  cols.map((c) => ({ codes: c.codes, levels: c.levels.length }));
pair(
  'glm',
  () => {
    check = svyGlm(design, GLM_FORMULA, { family: 'quasibinomial' }).coefficients[0]!.se;
  },
  () => bareLogistic(bare, support, bareFactors([sex, agegroup, region, attitude]), null, 4),
);
pair(
  'glmNum',
  () => {
    check = svyGlm(design, GLM_NUM_FORMULA, { family: 'quasibinomial' }).coefficients[0]!.se;
  },
  () => bareLogistic(bare, support, bareFactors([sex, agegroup, region]), income, 4),
);

// ---- Replicate weights (last: they take 8 bytes × rows × 80) -----------------------------------
if ((['repMean', 'repGlm', 'repGlmNum'] as const).some(wanted)) {
  const psu = num('psu');
  const replicates: Float64Array[] = [];
  const repColumns: Record<string, { kind: 'numeric'; name: string; values: Float64Array }> = {};
  for (let r = 0; r < REPLICATES; r++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++)
      w[i] = psu[i]! % REPLICATES === r ? 0 : (weight[i]! * REPLICATES) / (REPLICATES - 1);
    replicates.push(w);
    repColumns[`rep${r + 1}`] = { kind: 'numeric', name: `rep${r + 1}`, values: w };
  }
  const repData: SurveyData = {
    ...data,
    names: [...data.names, ...Object.keys(repColumns)],
    columns: { ...data.columns, ...repColumns },
  };
  const repDesign = svyRepDesign(repData, {
    weights: 'weight',
    repweights: /^rep\d+$/,
    type: 'JK1',
  });
  checkpoint('replicateDesign');
  pair(
    'repMean',
    () => {
      check = svyMean(repDesign, 'income')[0]!.se;
    },
    () => bareReplicateMean(weight, replicates, income),
  );
  // 80 refits of each model: no bare loop (80 dense fits would take minutes per run)
  solo(
    'repGlm',
    () => {
      check = svyGlm(repDesign, GLM_FORMULA, { family: 'quasibinomial' }).coefficients[0]!.se;
    },
    big ? 3 : 5,
  );
  solo(
    'repGlmNum',
    () => {
      check = svyGlm(repDesign, GLM_NUM_FORMULA, { family: 'quasibinomial' }).coefficients[0]!.se;
    },
    big ? 3 : 5,
  );
}

const result: SizeResult = {
  n,
  operations,
  memory: {
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rssAfter,
    rawColumnBytes,
    frameBytes,
    retainedBytes,
  },
  files: {
    csv: csvPath,
    sav: savOffset !== null ? savPath : null,
    margins: marginsPath,
    csvBytes: statSync(csvPath).size,
    savBytes: savOffset !== null ? statSync(savPath).size : null,
  },
};
writeFileSync(outPath, `${JSON.stringify(result)}\n`);

/** Population margins 10% away from the sample's weighted shares, so the weighting has work to do. */
function rakeMargins(): Margin[] {
  let total = 0;
  for (let i = 0; i < n; i++) total += weight[i]!;
  const margin = (variable: string): Margin => {
    const c = cat(variable);
    const sums = new Float64Array(c.levels.length);
    for (let i = 0; i < n; i++) sums[c.codes[i]!]! += weight[i]!;
    const tilted = Array.from(sums, (s, l) => s * (l % 2 === 0 ? 1.1 : 0.9));
    const scale = total / tilted.reduce((a, b) => a + b, 0);
    return {
      variable,
      population: Object.fromEntries(c.levels.map((l, k) => [l, tilted[k]! * scale])),
    };
  };
  return [margin('sex'), margin('agegroup'), margin('region')];
}
