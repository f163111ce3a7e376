/**
 * `surveykit weight FILE --margins M.json --out OUT.csv`: weights a poll to population margins
 * (rake, calibrate or post-stratify the design weights; then trim if asked), writes the data with
 * the final weight column as CSV, and prints the weighting report.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { csvChunks, isFormulaLike } from '../data/csv/format.js';
import type { Column, SurveyData } from '../data/types.js';
import { svyDesign } from '../design/build.js';
import type { SurveyDesign } from '../design/types.js';
import type { CalibrationFunction, Margin, TrimStep } from '../design/weighting-history.js';
import { pathInside } from '../platform/write.js';
import { readMargins } from '../poll/weighting.js';
import { calibrate } from '../weighting/calibrate.js';
import { postStratify } from '../weighting/poststratify.js';
import { rake } from '../weighting/rake.js';
import { weightingReport } from '../weighting/report.js';
import { trimWeights } from '../weighting/trim.js';
import type { WeightingReport } from '../weighting/types.js';
import {
  defineCommand,
  listOption,
  numberOption,
  type OptionSpec,
  type ParsedArgs,
  stringOption,
} from './args.js';
import { type Command, EXIT, UsageError } from './command.js';
import { CSV_HELP, CSV_OPTIONS, readData } from './data-options.js';
import { DESIGN_HELP, DESIGN_OPTIONS, designSpecFrom, readCodebookFile } from './inputs.js';
import { count, cut, num, percent, table } from './text.js';

const USAGE = `usage: surveykit weight FILE --margins M.json --out OUT.csv [options]

Weights a poll (CSV or SPSS .sav/.zsav) to population margins and writes its data, with the
final weight added as a column, as CSV; prints the weighting report: per margin level the
sample's share, the weighted shares before and after, and the population's; iterations; the
weights' range, Kish design effect and effective sample size before and after.

required:
  --margins M.json        population counts per level of each weighting variable (a margins
                          file: {"margins": [{"variable": "sex", "population": {"Male": 45, ...}}]})
  --out OUT.csv           where to write the data with the weight column

weighting:
  --method M              rake (default) | calibrate | poststratify (a margins file of one variable)
  --calfun F              calibrate's distance: linear (default, as R) | raking | logit
  --bounds L,U            calibrate's bounds on new / old weight, e.g. 0.3,3 (logit needs them)
  --max-iter N            most iterations (rake: sweeps, default 1000; calibrate: default 50)
  --epsilon X             convergence tolerance (rake: default 1e-12; calibrate: 1e-10)
  --trim-upper X          then trim the weights to at most X: a weight, or e.g. 5x for 5 times
                          the mean weight (the trimmed amount is shared by the others, as R)
  --trim-lower Y          and to at least Y (same forms)
  --trim-strict           repeat trimming until no weight is outside the bounds
  --weight-name NAME      the name of the new column (default final_weight)

${DESIGN_HELP}

data:
  --codebook IN.json      read the data with this codebook
${CSV_HELP}

output:
  --json                  print the report as JSON
  --out-delimiter C       delimiter of the written CSV: , (default) ; tab |
  --bom                   start the written CSV with a UTF-8 byte order mark (for Excel)
  --escape-formulas       prefix text cells a spreadsheet could run as formulas (= + - @) with '
                          (safe to open in a spreadsheet; the quote is then part of the value)
  -h, --help              this help

exit codes: 0 done, 1 the data could not be used, 2 the command was misused`;

const OPTIONS: OptionSpec = {
  ...DESIGN_OPTIONS,
  margins: { type: 'string' },
  out: { type: 'string' },
  method: { type: 'string' },
  calfun: { type: 'string' },
  bounds: { type: 'string' },
  'max-iter': { type: 'string' },
  epsilon: { type: 'string' },
  'trim-upper': { type: 'string' },
  'trim-lower': { type: 'string' },
  'trim-strict': { type: 'boolean' },
  'weight-name': { type: 'string' },
  codebook: { type: 'string' },
  ...CSV_OPTIONS,
  json: { type: 'boolean' },
  'out-delimiter': { type: 'string' },
  bom: { type: 'boolean' },
  'escape-formulas': { type: 'boolean' },
};

const METHODS = ['rake', 'calibrate', 'poststratify'] as const;
type Method = (typeof METHODS)[number];
const CALFUNS: readonly CalibrationFunction[] = ['linear', 'raking', 'logit'];
const OUT_DELIMITERS = [',', ';', '\t', '|'] as const;

/** What `weight --json` prints. */
export interface WeightJson {
  /** The data file read. */
  input: string;
  /** The CSV file written. */
  output: string;
  /** The weight column's name. */
  weightName: string;
  /** Respondents (rows written). */
  rows: number;
  /** `rake`, `calibrate` or `poststratify`. */
  method: Method;
  /** Calibration distance (`calibrate` only). */
  calfun?: CalibrationFunction;
  /** Iterations of the weighting step (raking sweeps, Newton steps; 1 for post-stratification). */
  iterations: number;
  /** Whether it met the margins. */
  converged: boolean;
  /** Trimming after weighting (`null`: none). */
  trim: {
    /** Lower bound on the weights (`null`: none). */
    lower: number | null;
    /** Upper bound on the weights (`null`: none). */
    upper: number | null;
    /** Weights outside the bounds before trimming. */
    trimmed: number;
    /** Weights still outside after (only without --trim-strict). */
    outsideAfter: number;
  } | null;
  /** Per margin and level: shares in the sample, weighted before and after, and in the population. */
  margins: WeightingReport['margins'];
  /** The design weights: range, Kish design effect, effective n. */
  before: WeightingReport['before'];
  /** The final weights: the same. */
  after: WeightingReport['after'];
  /** Range of final / design weight. */
  ratio: WeightingReport['ratio'];
}

/** `surveykit weight`. */
export const weightCommand: Command = defineCommand({
  name: 'weight',
  summary: 'weight a poll to population margins; writes the data with the weight column',
  usage: USAGE,
  options: OPTIONS,
  positionals: [1, 1],
  async run(parsed, io) {
    const file = parsed.positionals[0]!;
    const marginsFile = stringOption(parsed, 'margins');
    const out = stringOption(parsed, 'out');
    if (marginsFile === undefined) throw new UsageError('--margins M.json is required', USAGE);
    if (out === undefined) throw new UsageError('--out OUT.csv is required', USAGE);
    if (resolve(out) === resolve(file))
      throw new UsageError('--out would write over the data file', USAGE);
    const settings = weightingSettings(parsed);
    const outDelimiter = stringOption(parsed, 'out-delimiter') ?? ',';
    if (!(OUT_DELIMITERS as readonly string[]).includes(outDelimiter)) {
      throw new UsageError(`--out-delimiter must be one of , ; | or a tab`, USAGE);
    }
    const spec = await designSpecFrom(parsed, USAGE);
    const codebookFile = stringOption(parsed, 'codebook');
    const codebook = codebookFile === undefined ? undefined : await readCodebookFile(codebookFile);
    const margins = await readMargins(marginsFile);
    if (settings.method === 'poststratify' && margins.length !== 1) {
      throw new UsageError(
        `--method poststratify needs a margins file of one variable (${marginsFile} has ${margins.length}: ${margins.map((m) => m.variable).join(', ')}); rake or calibrate to several margins`,
        USAGE,
      );
    }
    const data = await readData(file, parsed, codebook, io, USAGE);
    io.stderr(`read ${count(data.nrow, 'row')}, ${count(data.names.length, 'column')}`);
    if (Object.hasOwn(data.columns, settings.weightName)) {
      throw new UsageError(
        `the data already has a column "${settings.weightName}": name the new one with --weight-name`,
        USAGE,
      );
    }
    const design = svyDesign(data, spec);
    io.stderr(
      `${verb(settings.method)} to ${count(margins.length, 'margin')} (${margins.map((m) => m.variable).join(', ')})`,
    );
    const weighted = weigh(design, margins, settings);
    const step = weightingReport(design, weighted, margins);
    io.stderr(
      `${step.converged ? 'converged' : 'did NOT converge'} after ${count(step.iterations ?? 0, 'iteration')}`,
    );
    const final = settings.trim ? trimmed(weighted, settings.trim) : weighted;
    const report = final === weighted ? step : weightingReport(design, final, margins);
    const trimStep = final === weighted ? null : (lastStep(final) as TrimStep);

    const outData = withColumn(data, {
      kind: 'numeric',
      name: settings.weightName,
      values: final.weights,
    });
    const risky = formulaLikeCells(outData);
    const path = pathInside(dirname(out), basename(out));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(
      path,
      csvChunks(outData, {
        delimiter: outDelimiter as (typeof OUT_DELIMITERS)[number],
        bom: parsed.values.bom === true,
        escapeFormulas: parsed.values['escape-formulas'] === true,
      }),
    );
    io.stderr(
      `wrote ${out} (${count(outData.nrow, 'row')}, ${count(outData.names.length, 'column')}; weights in ${settings.weightName})`,
    );
    if (risky > 0 && parsed.values['escape-formulas'] !== true) {
      io.stderr(
        `note: ${count(risky, 'text')} in ${out} start${risky === 1 ? 's' : ''} with = + - or @ and could run as formulas if the file is opened in a spreadsheet; --escape-formulas writes them safely`,
      );
    }
    const json: WeightJson = {
      input: file,
      output: out,
      weightName: settings.weightName,
      rows: data.nrow,
      method: settings.method,
      ...(settings.method === 'calibrate' ? { calfun: settings.calfun } : {}),
      iterations: step.iterations ?? 0,
      converged: step.converged ?? true,
      trim: trimStep
        ? {
            lower: Number.isFinite(trimStep.lower) ? trimStep.lower : null,
            upper: Number.isFinite(trimStep.upper) ? trimStep.upper : null,
            trimmed: trimStep.trimmed,
            outsideAfter: trimStep.outsideAfter,
          }
        : null,
      margins: report.margins,
      before: report.before,
      after: report.after,
      ratio: report.ratio,
    };
    io.stdout(parsed.values.json ? JSON.stringify(json, null, 2) : reportText(json));
    return EXIT.ok;
  },
});

/** A trimming bound: a weight, or a multiple of the mean weight (`5x`). */
type Bound = { value: number; relative: boolean };

interface Settings {
  method: Method;
  calfun: CalibrationFunction;
  bounds: [number, number] | undefined;
  maxIter: number | undefined;
  epsilon: number | undefined;
  trim: { lower: Bound | undefined; upper: Bound | undefined; strict: boolean } | undefined;
  weightName: string;
}

function weightingSettings(parsed: ParsedArgs): Settings {
  const method = (stringOption(parsed, 'method') ?? 'rake') as Method;
  if (!METHODS.includes(method)) {
    throw new UsageError(
      `--method must be one of ${METHODS.join(', ')}, not ${JSON.stringify(method)}`,
      USAGE,
    );
  }
  const calfun = (stringOption(parsed, 'calfun') ?? 'linear') as CalibrationFunction;
  if (!CALFUNS.includes(calfun)) {
    throw new UsageError(
      `--calfun must be one of ${CALFUNS.join(', ')}, not ${JSON.stringify(calfun)}`,
      USAGE,
    );
  }
  for (const name of ['calfun', 'bounds'] as const) {
    if (method !== 'calibrate' && stringOption(parsed, name) !== undefined) {
      throw new UsageError(`--${name} is an option of --method calibrate`, USAGE);
    }
  }
  const boundList = listOption(parsed, 'bounds');
  let bounds: [number, number] | undefined;
  if (boundList !== undefined) {
    const b = boundList.map(Number);
    if (b.length !== 2 || !b.every((x) => Number.isFinite(x))) {
      throw new UsageError('--bounds takes two numbers, lower and upper: e.g. 0.3,3', USAGE);
    }
    bounds = [b[0]!, b[1]!];
  }
  const lower = bound(parsed, 'trim-lower');
  const upper = bound(parsed, 'trim-upper');
  const strict = parsed.values['trim-strict'] === true;
  if (strict && lower === undefined && upper === undefined) {
    throw new UsageError('--trim-strict needs --trim-upper or --trim-lower', USAGE);
  }
  const weightName = stringOption(parsed, 'weight-name') ?? 'final_weight';
  if (weightName.trim() === '' || weightName !== weightName.trim()) {
    throw new UsageError('--weight-name must be a name without spaces around it', USAGE);
  }
  return {
    method,
    calfun,
    bounds,
    maxIter: numberOption(parsed, 'max-iter', USAGE),
    epsilon: numberOption(parsed, 'epsilon', USAGE),
    trim: lower || upper ? { lower, upper, strict } : undefined,
    weightName,
  };
}

function bound(parsed: ParsedArgs, name: string): Bound | undefined {
  const v = stringOption(parsed, name);
  if (v === undefined) return undefined;
  const relative = /x$/i.test(v.trim());
  const text = relative ? v.trim().slice(0, -1) : v;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(
      `--${name} must be a weight (e.g. 4000) or a multiple of the mean weight (e.g. 5x), not ${JSON.stringify(v)}`,
      USAGE,
    );
  }
  return { value, relative };
}

function verb(method: Method): string {
  return method === 'rake' ? 'raking' : method === 'calibrate' ? 'calibrating' : 'post-stratifying';
}

/** The design weighted to the margins by the method asked for. */
function weigh(design: SurveyDesign, margins: Margin[], s: Settings): SurveyDesign {
  const iterations = {
    ...(s.maxIter !== undefined ? { maxIter: s.maxIter } : {}),
    ...(s.epsilon !== undefined ? { epsilon: s.epsilon } : {}),
  };
  if (s.method === 'rake') return rake(design, margins, iterations);
  if (s.method === 'calibrate') {
    return calibrate(design, {
      margins,
      calfun: s.calfun,
      ...(s.bounds ? { bounds: s.bounds } : {}),
      ...iterations,
    });
  }
  const [margin] = margins as [Margin];
  return postStratify(design, {
    variables: [margin.variable],
    population: Object.entries(margin.population).map(([level, n]) => ({
      [margin.variable]: level,
      count: n,
    })),
  });
}

/** The weights trimmed to the bounds (relative bounds times the mean weight). */
function trimmed(design: SurveyDesign, trim: NonNullable<Settings['trim']>): SurveyDesign {
  const w = design.weights;
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += w[i]!;
  const mean = sum / w.length;
  const at = (b: Bound | undefined) =>
    b === undefined ? undefined : b.relative ? b.value * mean : b.value;
  const lower = at(trim.lower);
  const upper = at(trim.upper);
  return trimWeights(design, {
    ...(lower !== undefined ? { lower } : {}),
    ...(upper !== undefined ? { upper } : {}),
    strict: trim.strict,
  });
}

function lastStep(design: SurveyDesign) {
  const steps = (design.type === 'linearization' ? design.calibration : design.weighting) ?? [];
  return steps[steps.length - 1];
}

/** The frame with one more column, at the end. */
function withColumn(data: SurveyData, col: Column): SurveyData {
  return {
    ...data,
    names: [...data.names, col.name],
    columns: { ...data.columns, [col.name]: col },
  };
}

/** Texts of the file a spreadsheet could run as formulas (names, levels present in the data). */
function formulaLikeCells(data: SurveyData): number {
  let n = data.names.filter(isFormulaLike).length;
  for (const name of data.names) {
    const col = data.columns[name]!;
    if (col.kind !== 'categorical' || !col.levels.some(isFormulaLike)) continue;
    const risky = col.levels.map(isFormulaLike);
    for (let i = 0; i < col.codes.length; i++) if (col.codes[i]! >= 0 && risky[col.codes[i]!]) n++;
  }
  return n;
}

/** The report as text. */
function reportText(r: WeightJson): string {
  const how = r.method === 'calibrate' ? `calibrate (${r.calfun})` : r.method;
  const lines = [
    `${how}: ${r.converged ? 'converged' : 'did NOT converge'} after ${count(r.iterations, 'iteration')}; ${count(r.rows, 'respondent')}; weights in ${r.weightName}`,
  ];
  if (r.trim) {
    const b = [
      r.trim.lower === null ? null : `at least ${num(r.trim.lower)}`,
      r.trim.upper === null ? null : `at most ${num(r.trim.upper)}`,
    ];
    lines.push(
      `trimmed to ${b.filter((x) => x !== null).join(' and ')}: ${count(r.trim.trimmed, 'weight')} outside${r.trim.outsideAfter > 0 ? `, ${r.trim.outsideAfter} still outside after one pass (--trim-strict)` : ''}`,
    );
  }
  lines.push(
    '',
    ...table(
      [
        ['weights', 'design', 'final'],
        ['sum', num(r.before.sum), num(r.after.sum)],
        ['min', num(r.before.min), num(r.after.min)],
        ['max', num(r.before.max), num(r.after.max)],
        ['Kish deff', num(r.before.kishDeff), num(r.after.kishDeff)],
        ['effective n', num(r.before.effectiveN), num(r.after.effectiveN)],
      ],
      ['left', 'right', 'right'],
    ),
    `final / design weight: ${num(r.ratio.min)} to ${num(r.ratio.max)}`,
  );
  for (const m of r.margins) {
    lines.push(
      '',
      `${m.variable}${m.nMissing > 0 ? ` (${m.nMissing} missing)` : ''}: final vs population, largest gap ${(100 * m.maxShareDifference).toFixed(2)} points`,
      ...table(
        [
          ['level', 'n', 'sample', 'design', 'final', 'population'],
          ...m.levels.map((l) => [
            cut(l.level, 40),
            String(l.n),
            percent(l.sampleShare),
            percent(l.weightedShareBefore),
            percent(l.weightedShareAfter),
            percent(l.populationShare),
          ]),
        ],
        ['left', 'right', 'right', 'right', 'right', 'right'],
        '  ',
      ),
    );
  }
  return lines.join('\n');
}
