/**
 * Reading a subcommand's input files: the data (CSV, or SPSS `.sav` / `.zsav` told by their first
 * bytes), its codebook, a design specification, margins. Every failure is the library's typed
 * error (exit code 1), naming the file.
 * @module
 */
import { open } from 'node:fs/promises';
import { type Codebook, parseCodebook } from '../data/codebook.js';
import { readCsv } from '../data/csv/csv.js';
import type { CsvOptions } from '../data/csv/options.js';
import { readJsonFile } from '../data/json-file.js';
import { readSav } from '../data/sav/sav.js';
import type { SurveyData } from '../data/types.js';
import type { DesignSpec, LonelyPsu } from '../design/types.js';
import type { Margin } from '../design/weighting-history.js';
import { CodebookError, DesignError } from '../errors.js';
import { type Questionnaire, readQuestionnaire } from '../poll/questionnaire.js';
import { readMargins } from '../poll/weighting.js';
import { type OptionSpec, type ParsedArgs, stringOption } from './args.js';
import { UsageError } from './command.js';

/** Whether a file starts like an SPSS system file (`$FL2`, or `$FL3` for `.zsav`). */
async function looksLikeSav(path: string): Promise<boolean> {
  let file: Awaited<ReturnType<typeof open>> | undefined;
  try {
    file = await open(path, 'r');
    const head = new Uint8Array(4);
    const { bytesRead } = await file.read(head, 0, 4, 0);
    return bytesRead === 4 && String.fromCharCode(...head) in SAV_MAGIC;
  } catch {
    return false; // the reader reports a missing or unreadable file
  } finally {
    await file?.close();
  }
}
const SAV_MAGIC = { $FL2: true, $FL3: true };

/** How a data file is read: its codebook and the CSV options (ignored for SPSS files). */
export interface DataOptions extends Pick<CsvOptions, 'encoding' | 'delimiter' | 'na' | 'levels'> {
  /** The codebook to check the data against. */
  codebook?: Codebook;
}

/** Reads a CSV or SPSS file (an SPSS file is told by its first bytes, whatever its name). */
export async function readDataFile(path: string, opts: DataOptions = {}): Promise<SurveyData> {
  if (await looksLikeSav(path)) return readSav(path);
  return readCsv(path, {
    ...(opts.codebook ? { codebook: opts.codebook } : {}),
    ...(opts.encoding ? { encoding: opts.encoding } : {}),
    ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
    ...(opts.na ? { na: opts.na } : {}),
    ...(opts.levels ? { levels: opts.levels } : {}),
  });
}

/** Reads and validates a codebook file. */
export async function readCodebookFile(path: string): Promise<Codebook> {
  const json = await readJsonFile(
    path,
    (message) => new CodebookError('INVALID_CODEBOOK', message, { file: path }),
  );
  return parseCodebook(json, path);
}

/** The options that describe a sample design, shared by the subcommands that build one. */
export const DESIGN_OPTIONS: OptionSpec = {
  design: { type: 'string' },
  ids: { type: 'string' },
  strata: { type: 'string' },
  weights: { type: 'string' },
  probs: { type: 'string' },
  fpc: { type: 'string' },
  nest: { type: 'boolean' },
  'lonely-psu': { type: 'string' },
};

/** The `--help` lines of {@link DESIGN_OPTIONS}. */
export const DESIGN_HELP = `design (a JSON file with svyDesign's options, or the options one by one):
  --design FILE.json     e.g. {"ids": "psu", "strata": "stratum", "weights": "w", "nest": true}
  --ids COLS             cluster ids per stage, comma-separated (default: each respondent)
  --strata COL           strata
  --weights COL          sampling weights
  --probs COL            or selection probabilities
  --fpc COLS             population size (or sampling fraction) per stage
  --nest                 cluster ids are unique only within strata
  --lonely-psu RULE      fail (default) | remove | adjust | average | certainty`;

const LONELY: readonly LonelyPsu[] = ['fail', 'remove', 'adjust', 'average', 'certainty'];

/**
 * The design specification from `--design FILE` and the single options (which override the
 * file's). With neither, each respondent is its own PSU with weight 1.
 */
export async function designSpecFrom(parsed: ParsedArgs, usage: string): Promise<DesignSpec> {
  const file = stringOption(parsed, 'design');
  let spec: DesignSpec = {};
  if (file !== undefined) {
    const json = await readJsonFile(
      file,
      (message) => new DesignError('INVALID_DESIGN_FILE', message, { file }),
    );
    spec = designSpecFromJson(json, file);
  }
  const list = (name: string) => {
    const v = stringOption(parsed, name);
    if (v === undefined) return undefined;
    const parts = v.split(',').map((s) => s.trim());
    return parts.length === 1 ? parts[0]! : parts;
  };
  const ids = list('ids');
  const fpc = list('fpc');
  const strata = stringOption(parsed, 'strata');
  const weights = stringOption(parsed, 'weights');
  const probs = stringOption(parsed, 'probs');
  const lonely = stringOption(parsed, 'lonely-psu');
  if (lonely !== undefined && !LONELY.includes(lonely as LonelyPsu)) {
    throw new UsageError(`--lonely-psu must be one of ${LONELY.join(', ')}`, usage);
  }
  return {
    ...spec,
    ...(ids !== undefined ? { ids } : {}),
    ...(fpc !== undefined ? { fpc } : {}),
    ...(strata !== undefined ? { strata } : {}),
    ...(weights !== undefined ? { weights } : {}),
    ...(probs !== undefined ? { probs } : {}),
    ...(parsed.values.nest ? { nest: true } : {}),
    ...(lonely !== undefined ? { lonelyPsu: lonely as LonelyPsu } : {}),
  };
}

const SPEC_KEYS: Record<string, 'names' | 'name' | 'boolean' | 'lonely'> = {
  ids: 'names',
  strata: 'names',
  weights: 'name',
  probs: 'name',
  fpc: 'names',
  nest: 'boolean',
  lonelyPsu: 'lonely',
  adjustDomainLonely: 'boolean',
  allowZeroWeights: 'boolean',
};

/** Checks a design file's JSON: an object of svyDesign's options with values of their types. */
function designSpecFromJson(json: unknown, file: string): DesignSpec {
  const bad = (what: string) =>
    new DesignError('INVALID_DESIGN_FILE', `${file}: ${what}`, { file, value: json });
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw bad('a design file is a JSON object of svyDesign options');
  }
  for (const [key, value] of Object.entries(json)) {
    const kind = SPEC_KEYS[key];
    if (!Object.hasOwn(SPEC_KEYS, key) || kind === undefined) {
      throw bad(
        `unknown design option ${JSON.stringify(key)} (known: ${Object.keys(SPEC_KEYS).join(', ')})`,
      );
    }
    const ok =
      kind === 'boolean'
        ? typeof value === 'boolean'
        : kind === 'name'
          ? typeof value === 'string'
          : kind === 'lonely'
            ? LONELY.includes(value as LonelyPsu)
            : typeof value === 'string' ||
              (Array.isArray(value) && value.every((v) => typeof v === 'string'));
    if (!ok)
      throw bad(`the design option ${key} has a value of the wrong type: ${JSON.stringify(value)}`);
  }
  return json as DesignSpec;
}

/** A poll's files as the subcommands read them. */
export interface PollInputs {
  /** The data. */
  data: SurveyData;
  /** Its codebook (`--codebook`), if given. */
  codebook: Codebook | undefined;
  /** Its questionnaire description (`--questionnaire`), if given. */
  questionnaire: Questionnaire | undefined;
  /** Population margins (`--margins`), if given. */
  margins: Margin[] | undefined;
  /** The files given, by option (`undefined`: not given). */
  names: { codebook?: string; questionnaire?: string; margins?: string };
  /** A CSV file read without a codebook: its column types were inferred (and it was said). */
  inferred: boolean;
}

/**
 * Reads a poll's files: `--codebook`, `--questionnaire`, `--margins` (each only if given:
 * nothing is read from anywhere else) and the data `file` with them and the CSV options `csv`.
 * Without a codebook a CSV file's types are inferred, and `progress` says so.
 */
export async function readPollInputs(
  file: string,
  names: PollInputs['names'],
  csv: DataOptions,
  progress: (line: string) => void,
): Promise<PollInputs> {
  const codebook =
    names.codebook !== undefined ? await readCodebookFile(names.codebook) : undefined;
  const questionnaire =
    names.questionnaire !== undefined ? await readQuestionnaire(names.questionnaire) : undefined;
  const margins = names.margins !== undefined ? await readMargins(names.margins) : undefined;
  const data = await readDataFile(file, { ...csv, ...(codebook ? { codebook } : {}) });
  // an SPSS file brings its dictionary; a CSV file without a codebook has inferred types
  const inferred = codebook === undefined && data.codebook.variables.length === 0;
  if (inferred) {
    const numeric = data.names.filter((n) => data.columns[n]!.kind === 'numeric').length;
    progress(
      `types: no --codebook, so the column types were inferred from the data: ${numeric} numeric, ${data.names.length - numeric} categorical (levels sorted). Check them with surveykit describe ${file}; give a codebook for value labels, missing codes and level order.`,
    );
  }
  return { data, codebook, questionnaire, margins, names, inferred };
}

/** The poll files given on the command line: `--codebook`, `--questionnaire`, `--margins`. */
export function pollFileNames(parsed: ParsedArgs): PollInputs['names'] {
  const names: PollInputs['names'] = {};
  for (const key of ['codebook', 'questionnaire', 'margins'] as const) {
    const v = stringOption(parsed, key);
    if (v !== undefined) names[key] = v;
  }
  return names;
}
