/**
 * The child process of `npm run bench:tabs` (bench/tabs.ts compiles it first):
 * `node out/bench-js/bench/tabs-run.js N CSV OUT.json`. Generates the tab book's poll of N
 * respondents (bench/tabs-data.ts), writes it as CSV for R, and times svyTabs on it (30
 * questions × 20 banner columns, levels 0.95/0.90) on three designs: the bench poll's stratified
 * cluster sample (13 strata, n/200 PSUs), the same raked to sex, age group and region, and a
 * stratified sample with one PSU per respondent; then tabsToXlsx of the first. Reports the first
 * call (a cold process) and the median of several after it, and a few numbers to check against R.
 */
import { writeFileSync } from 'node:fs';
import { svyDesign } from '../src/design/build.js';
import type { SurveyDesign } from '../src/design/types.js';
import { svyTotal } from '../src/estimate/mean.js';
import { svyTabs } from '../src/tabs/tabs.js';
import type { Tabs } from '../src/tabs/types.js';
import { tabsToXlsx } from '../src/tabs/xlsx.js';
import { rake } from '../src/weighting/rake.js';
import { tabsColumns, tabsCsv, tabsFrame, tabsSpec } from './tabs-data.js';

const [nArg, csvPath, outPath] = process.argv.slice(2);
const n = Number(nArg);
if (!(n > 0) || !csvPath || !outPath) {
  throw new Error('usage: node out/bench-js/bench/tabs-run.js N CSV OUT.json');
}
const columns = tabsColumns(n);
writeFileSync(csvPath, tabsCsv(columns));
const data = tabsFrame(columns);
const spec = tabsSpec();

const clustered = svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'weight' });
const margins = ['sex', 'agegroup', 'region'].map((variable) => ({
  variable,
  population: Object.fromEntries(
    svyTotal(clustered, variable).map((r) => [r.level!, Math.round(1.1 * r.estimate)]),
  ),
}));
const designs: Array<[string, string, () => SurveyDesign]> = [
  ['clustered', 'stratified cluster sample (13 strata, n/200 PSUs)', () => clustered],
  ['raked', 'the same, raked to sex, age group, region', () => rake(clustered, margins)],
  [
    'onePerPsu',
    'stratified, one PSU per respondent',
    () => svyDesign(data, { strata: 'stratum', weights: 'weight' }),
  ],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const results: Array<{
  id: string;
  label: string;
  firstMs: number;
  ms: number;
  runs: number[];
  cpuMs: number;
}> = [];
let book: Tabs | null = null;
for (const [id, label, make] of designs) {
  const design = make();
  let t = performance.now();
  const first = svyTabs(design, spec);
  const firstMs = performance.now() - t;
  if (id === 'clustered') book = first;
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < (id === 'onePerPsu' ? 3 : 7); k++) {
    const c = process.cpuUsage();
    t = performance.now();
    svyTabs(design, spec);
    runs.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  results.push({ id, label, firstMs, ms: median(runs), runs, cpuMs: median(cpu) });
  console.error(
    `  svyTabs ${id}: first ${firstMs.toFixed(0)} ms, median ${median(runs).toFixed(0)} ms`,
  );
}

// tabsToXlsx of the clustered book (one sheet per question)
const xlsxRuns: number[] = [];
let bytes = 0;
for (let k = 0; k < 3; k++) {
  const t = performance.now();
  bytes = (await tabsToXlsx(book!)).length;
  xlsxRuns.push(performance.now() - t);
}

// numbers to check against R: q1's first level, sex Male vs Female and region Brest vs Gomel
const row = book!.rows.find((r) => r.variable === 'q1')!;
const idOf = (v: string, l: string) =>
  book!.columns.find((c) => c.variable === v && c.level === l)!.id;
const cmp = (v: string, a: string, b: string) =>
  row.comparisons.find((c) => c.a === idOf(v, a) && c.b === idOf(v, b))!;
const sex = cmp('sex', 'Male', 'Female');
const region = cmp('region', 'Brest', 'Gomel');
writeFileSync(
  outPath,
  JSON.stringify({
    n,
    cells: book!.rows.length * book!.columns.length,
    rows: book!.rows.length,
    columns: book!.columns.length,
    comparisons: book!.rows.reduce((s, r) => s + r.comparisons.length, 0),
    designs: results,
    xlsx: { ms: median(xlsxRuns), runs: xlsxRuns, bytes },
    check: {
      q1FirstSeMale: row.cells.find((c) => c.column === idOf('sex', 'Male'))!.se,
      sexDifferenceSe: sex.se,
      sexP: sex.pValue,
      regionDifferenceSe: region.se,
      regionP: region.pValue,
      df: book!.test.df,
    },
  }),
);
