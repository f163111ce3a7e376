/**
 * `surveykit weight`: the written weights equal the library's (rake, calibrate, post-stratify,
 * trim) to the last bit, a weighted estimate from the written file equals the library's, every
 * original column is written as the user sees it, the report (text and JSON), and the exit codes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WeightJson } from '../../src/cli/weight.js';
import { type Codebook, parseCodebook } from '../../src/data/codebook.js';
import { readCsv } from '../../src/data/csv/csv.js';
import { column, fromColumns } from '../../src/data/frame.js';
import { readSav } from '../../src/data/sav/sav.js';
import { writeSav } from '../../src/data/sav/writer.js';
import type { SurveyData } from '../../src/data/types.js';
import { svyDesign } from '../../src/design/build.js';
import type { DesignSpec } from '../../src/design/types.js';
import type { Margin } from '../../src/design/weighting-history.js';
import { svyMean } from '../../src/estimate/mean.js';
import { readMargins } from '../../src/poll/weighting.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { weightingReport } from '../../src/weighting/report.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { cli, cliProcess, tempDir } from '../helpers/cli-io.js';

const DATA = 'data/belarus-2021-12.csv';
const CODEBOOK = 'data/codebook.json';
const MARGINS = 'data/margins.json';
const DESIGN_ARGS = ['--ids', 'psu', '--strata', 'stratum', '--weights', 'design_weight', '--nest'];
/** The bundled sample's command line, writing to `out`. */
const sampleArgs = (out: string) => [
  DATA,
  '--codebook',
  CODEBOOK,
  ...DESIGN_ARGS,
  '--margins',
  MARGINS,
  '--out',
  out,
];
const SPEC: DesignSpec = { ids: 'psu', strata: 'stratum', weights: 'design_weight', nest: true };

let codebook: Codebook;
let data: SurveyData;
let margins: Margin[];
let dir: string;

beforeAll(async () => {
  codebook = parseCodebook(JSON.parse(readFileSync(CODEBOOK, 'utf8')));
  data = await readCsv(DATA, { codebook });
  margins = await readMargins(MARGINS);
  dir = tempDir();
});

/** Runs weight on the bundled sample with the given extra options; returns the written file read back. */
async function weigh(name: string, ...extra: string[]) {
  const out = join(dir, name);
  const r = await cli('weight', ...sampleArgs(out), ...extra);
  expect(r.code, r.stderr).toBe(0);
  const written = await readCsv(out, { codebook });
  return { r, out, written, weights: column(written, 'final_weight') as Float64Array };
}

function sameBits(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  const differ: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differ.push(i);
  expect(differ, `rows whose weights differ: ${differ.slice(0, 5).join(', ')}`).toEqual([]);
}

describe('surveykit weight', () => {
  it('--help prints the usage on stdout and exits 0', async () => {
    const r = await cli('weight', '-h');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: surveykit weight FILE --margins M.json --out OUT.csv/);
    expect(r.stdout).toContain('--design FILE.json');
  });

  it('rakes by default: written weights are rake()’s to the last bit, every column as the user sees it', async () => {
    const { r, written, weights } = await weigh('raked.csv');
    const raked = rake(svyDesign(data, SPEC), margins);
    sameBits(weights, raked.weights);
    expect(written.names).toEqual([...data.names, 'final_weight']);
    for (const name of data.names) expect(written.columns[name], name).toEqual(data.columns[name]);
    // a weighted estimate from the written file with its weights is the library's
    const fromFile = svyDesign(written, { ...SPEC, weights: 'final_weight' });
    for (const v of ['eeu_membership', 'age', 'att_russia']) {
      const a = svyMean(fromFile, v);
      const b = svyMean(raked, v);
      expect(a.map((e) => e.level)).toEqual(b.map((e) => e.level));
      a.forEach((e, k) => {
        expect(Math.abs(e.estimate - b[k]!.estimate)).toBeLessThanOrEqual(
          1e-13 * Math.abs(b[k]!.estimate),
        );
      });
    }
    expect(r.stderr.split('\n')).toEqual([
      `reading ${DATA}`,
      'read 1500 rows, 53 columns',
      'raking to 4 margins (region, sex, agegroup, area)',
      `converged after ${raked.calibration!.at(-1)!.iterations} iterations`,
      `wrote ${join(dir, 'raked.csv')} (1500 rows, 54 columns; weights in final_weight)`,
    ]);
  });

  it('writes categorical values as their labels and missing values as empty cells', async () => {
    const { out } = await weigh('labels.csv');
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith(`${data.names.join(',')},final_weight\r\n`)).toBe(true);
    // read back without the codebook: the cells are the labels a user sees
    const plain = await readCsv(out);
    for (const name of ['sex', 'region', 'eeu_membership', 'att_russia']) {
      expect(column(plain, name), name).toEqual(column(data, name));
    }
    // "hard to say" (98) is a real answer, kept as its label; a missing answer is an empty cell
    const eeu = column(data, 'eeu_membership') as (string | null)[];
    expect(eeu).toContain('Hard to say');
    const missing = (column(data, 'att_ukraine') as (string | null)[]).indexOf(null);
    expect(missing).toBeGreaterThanOrEqual(0);
    expect(column(plain, 'att_ukraine')[missing]).toBe(null);
    expect(text.split('\r\n')[missing + 1]!.split(',')[data.names.indexOf('att_ukraine')]).toBe('');
  });

  it('the report: per margin level sample, design, final and population shares; deff and effective n', async () => {
    const { r } = await weigh('report.csv', '--json');
    const json = JSON.parse(r.stdout) as WeightJson;
    const design = svyDesign(data, SPEC);
    const raked = rake(design, margins);
    const report = weightingReport(design, raked, margins);
    expect(json).toEqual({
      input: DATA,
      output: join(dir, 'report.csv'),
      weightName: 'final_weight',
      rows: 1500,
      method: 'rake',
      iterations: report.iterations,
      converged: true,
      trim: null,
      margins: report.margins,
      before: report.before,
      after: report.after,
      ratio: report.ratio,
    });
    const text = (await weigh('report-text.csv')).r.stdout.split('\n');
    expect(text[0]).toBe(
      `rake: converged after ${report.iterations} iterations; 1500 respondents; weights in final_weight`,
    );
    expect(text).toContain('sex: final vs population, largest gap 0.00 points');
    expect(text).toContain('  Male    631   42.1%   42.0%  45.0%       45.0%');
    expect(text.find((l) => l.startsWith('Kish deff'))).toBe(
      `Kish deff        ${report.before.kishDeff.toFixed(4)}   ${report.after.kishDeff.toFixed(4)}`,
    );
  });

  it('--method calibrate: linear by default, logit with bounds; weights are calibrate()’s', async () => {
    const design = svyDesign(data, SPEC);
    const linear = await weigh('greg.csv', '--method', 'calibrate');
    sameBits(linear.weights, calibrate(design, { margins, calfun: 'linear' }).weights);
    const logit = await weigh(
      'logit.csv',
      '--method',
      'calibrate',
      '--calfun',
      'logit',
      '--bounds',
      '0.5,2',
      '--json',
    );
    const expected = calibrate(design, { margins, calfun: 'logit', bounds: [0.5, 2] });
    sameBits(logit.weights, expected.weights);
    const json = JSON.parse(logit.r.stdout) as WeightJson;
    expect(json).toMatchObject({ method: 'calibrate', calfun: 'logit', converged: true });
    expect(json.iterations).toBe(expected.calibration!.at(-1)!.iterations);
    expect(json.ratio.min).toBeGreaterThanOrEqual(0.5);
    expect(json.ratio.max).toBeLessThanOrEqual(2);
  });

  it('--method poststratify with a margins file of one variable; postStratify()’s weights', async () => {
    const one = join(dir, 'sex.json');
    writeFileSync(one, JSON.stringify({ margins: [margins.find((m) => m.variable === 'sex')] }));
    const out = join(dir, 'ps.csv');
    const r = await cli(
      'weight',
      DATA,
      '--codebook',
      CODEBOOK,
      ...DESIGN_ARGS,
      '--margins',
      one,
      '--out',
      out,
      '--method',
      'poststratify',
      '--weight-name',
      'w_ps',
    );
    expect(r.code, r.stderr).toBe(0);
    const written = await readCsv(out, { codebook });
    const expected = postStratify(svyDesign(data, SPEC), {
      variables: ['sex'],
      population: [
        { sex: 'Male', count: 3370500 },
        { sex: 'Female', count: 4119500 },
      ],
    });
    sameBits(column(written, 'w_ps') as Float64Array, expected.weights);
    // several margins cannot be post-stratified to: misuse
    const many = await cli(
      'weight',
      DATA,
      '--codebook',
      CODEBOOK,
      '--margins',
      MARGINS,
      '--out',
      join(dir, 'x.csv'),
      '--method',
      'poststratify',
    );
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('needs a margins file of one variable');
  });

  it('--trim-upper / --trim-lower: trimWeights() of the raked weights; Nx is N times the mean weight', async () => {
    const raked = rake(svyDesign(data, SPEC), margins);
    const abs = await weigh('trim.csv', '--trim-upper', '7000', '--trim-lower', '3500', '--json');
    sameBits(abs.weights, trimWeights(raked, { upper: 7000, lower: 3500 }).weights);
    const json = JSON.parse(abs.r.stdout) as WeightJson;
    expect(json.trim).toMatchObject({ lower: 3500, upper: 7000 });
    expect(json.trim!.trimmed).toBeGreaterThan(0);
    expect(json.iterations).toBe(raked.calibration!.at(-1)!.iterations);
    expect(json.after.max).toBeLessThanOrEqual(7000 + 1e-6);
    const mean = 7490000 / 1500;
    const rel = await weigh('trim-rel.csv', '--trim-upper', '1.3x', '--trim-strict');
    let sum = 0;
    for (const w of raked.weights) sum += w;
    sameBits(rel.weights, trimWeights(raked, { upper: 1.3 * (sum / 1500), strict: true }).weights);
    expect(Math.max(...rel.weights)).toBeLessThanOrEqual(1.3 * mean * (1 + 1e-9));
    expect(rel.r.stdout).toMatch(/trimmed to at most 649\d\.\d+: \d+ weights outside/);
  });

  it('an SPSS file (told by its bytes, whatever its name): labels written, weights rake()’s', async () => {
    const frame = fromColumns({
      пол: ['Мужской', 'Женский', 'Женский', 'Мужской', 'Женский', null],
      доход: [100, 250.5, Number.NaN, 80, 120, 90],
      регион: ['Минск', 'Брест', 'Минск', 'Минск', 'Брест', 'Брест'],
    });
    const sav = join(dir, 'poll.data'); // no .sav extension: the first bytes tell
    writeFileSync(sav, writeSav(frame));
    const m = join(dir, 'region.json');
    const population = { Минск: 600, Брест: 400 };
    writeFileSync(m, JSON.stringify({ margins: [{ variable: 'регион', population }] }));
    const out = join(dir, 'from-sav.csv');
    const r = await cli('weight', sav, '--margins', m, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\r\n').slice(0, 3)).toEqual([
      'пол,доход,регион,final_weight',
      'Мужской,100,Минск,200',
      'Женский,250.5,Брест,133.33333333333334',
    ]);
    const back = await readCsv(out);
    const read = await readSav(sav);
    sameBits(
      column(back, 'final_weight') as Float64Array,
      rake(svyDesign(read), [{ variable: 'регион', population }]).weights,
    );
    expect(column(back, 'пол')).toEqual(column(frame, 'пол'));
  });

  it('misuse exits 2: missing options, unknown method, bad numbers, a weight name in use, --out over the data', async () => {
    const base = [DATA, '--codebook', CODEBOOK, '--margins', MARGINS, '--out', join(dir, 'u.csv')];
    const cases: Array<[string[], string]> = [
      [[DATA, '--out', join(dir, 'u.csv')], '--margins M.json is required'],
      [[DATA, '--margins', MARGINS], '--out OUT.csv is required'],
      [[...base, '--method', 'ipf'], '--method must be one of rake, calibrate, poststratify'],
      [[...base, '--calfun', 'logit'], '--calfun is an option of --method calibrate'],
      [[...base, '--method', 'calibrate', '--calfun', 'probit'], '--calfun must be one of'],
      [[...base, '--method', 'calibrate', '--bounds', '0.5'], '--bounds takes two numbers'],
      [[...base, '--trim-upper', 'big'], '--trim-upper must be a weight'],
      [[...base, '--trim-strict'], '--trim-strict needs'],
      [[...base, '--max-iter', 'x'], '--max-iter must be a number'],
      [[...base, '--weight-name', 'sex'], 'already has a column "sex"'],
      [[...base, '--out-delimiter', ':'], '--out-delimiter must be one of'],
      [[DATA, '--margins', MARGINS, '--out', DATA], '--out would write over the data file'],
      [[...base, '--lonely-psu', 'panic'], '--lonely-psu must be one of'],
    ];
    for (const [argv, message] of cases) {
      const r = await cli('weight', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('usage: surveykit weight');
    }
  });

  it('bad data exits 1 with the typed error: margins, levels, convergence, design', async () => {
    const bad = join(dir, 'bad-margins.json');
    writeFileSync(
      bad,
      JSON.stringify({ margins: [{ variable: 'sex', population: { Male: 1, Woman: 2 } }] }),
    );
    const base = [DATA, '--codebook', CODEBOOK, '--out', join(dir, 'b.csv')];
    const level = await cli('weight', ...base, '--margins', bad);
    expect(level.code).toBe(1);
    expect(level.stderr).toMatch(/^surveykit weight: MISSING_POPULATION_LEVEL: .*Female/m);
    writeFileSync(bad, '{"margins": []}');
    expect((await cli('weight', ...base, '--margins', bad)).stderr).toContain('INVALID_MARGINS');
    const slow = await cli('weight', ...base, '--margins', MARGINS, '--max-iter', '1');
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain('NOT_CONVERGED');
    const design = await cli('weight', ...base, '--margins', MARGINS, '--weights', 'nope');
    expect(design.code).toBe(1);
    expect(design.stderr).toContain('UNKNOWN_COLUMN');
  });

  it('formula-like texts: a note by default, written safely with --escape-formulas', async () => {
    const src = join(dir, 'f.csv');
    writeFileSync(src, 'g,answer\na,=1+2\nb,ok\na,@cmd\nb,-5\n');
    const m = join(dir, 'f.json');
    writeFileSync(m, JSON.stringify({ margins: [{ variable: 'g', population: { a: 1, b: 1 } }] }));
    const out = join(dir, 'f-out.csv');
    const plain = await cli('weight', src, '--margins', m, '--out', out);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('note: 2 texts in');
    expect(readFileSync(out, 'utf8')).toBe(
      'g,answer,final_weight\r\na,=1+2,0.5\r\nb,ok,0.5\r\na,@cmd,0.5\r\nb,-5,0.5\r\n',
    );
    const safe = await cli(
      'weight',
      src,
      '--margins',
      m,
      '--out',
      out,
      '--escape-formulas',
      '--bom',
      '--out-delimiter',
      ';',
    );
    expect(safe.code).toBe(0);
    expect(safe.stderr).not.toContain('note:');
    expect(readFileSync(out, 'utf8')).toBe(
      `\uFEFFg;answer;final_weight\r\na;"'=1+2";0.5\r\nb;ok;0.5\r\na;"'@cmd";0.5\r\nb;-5;0.5\r\n`,
    );
  });

  it('runs as a real process: report on stdout, progress on stderr, exit codes', () => {
    const out = join(dir, 'process.csv');
    const ok = cliProcess('weight', ...sampleArgs(out), '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ method: 'rake', converged: true, rows: 1500 });
    expect(ok.stderr).toContain(`wrote ${out}`);
    const usage = cliProcess('weight', DATA);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toContain('--margins M.json is required');
  });
});
