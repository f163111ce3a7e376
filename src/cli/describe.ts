/**
 * `surveykit describe FILE`: every variable of a CSV or SPSS file (type, label, levels with
 * counts, missing values and why, range and mean) and how the file was loaded; `--codebook
 * OUT.json` writes a draft codebook to edit.
 * @module
 */
import { access } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { draftCodebook } from '../data/draft-codebook.js';
import type { SavData } from '../data/sav/types.js';
import type { SurveyData } from '../data/types.js';
import {
  type CategoricalDescription,
  type DataDescription,
  describeData,
  type NumericDescription,
  type VariableDescription,
} from '../estimate/describe.js';
import { writeInside } from '../platform/write.js';
import { defineCommand, numberOption, stringOption } from './args.js';
import { type Command, EXIT, UsageError } from './command.js';
import { CSV_HELP, CSV_OPTIONS, readData } from './data-options.js';
import { readCodebookFile } from './inputs.js';
import { count, cut, num, oneLine, percent, table } from './text.js';

const USAGE = `usage: surveykit describe FILE [options]

Describes every variable of a CSV or SPSS (.sav, .zsav) file: its type, label, levels with
counts and shares, missing values and why, range and mean; and how the file was loaded (rows
read, rows left out). An SPSS file is told by its first bytes, whatever its name.

options:
  --codebook OUT.json     write a draft codebook of the file, to edit into the real one: every
                          variable's type, levels as values with their codes as found, SPSS
                          labels and missing codes, the range of numbers. It reads the file
                          back. An existing file is not replaced unless --force is given.
  --with-codebook IN.json read the data with this codebook (labels, value labels, missing codes)
  --weights COL           also weighted shares and means, with this column of weights
  --json                  print one JSON document instead of text (every level, exact numbers)
  --max-levels N          levels shown per variable in the text (default 20)
${CSV_HELP}
  --force                 replace an existing --codebook file
  -h, --help              this help

Note: in describe, --codebook WRITES a codebook (the other commands read one with --codebook).

exit codes: 0 done, 1 the data could not be used, 2 the command was misused`;

const OPTIONS = {
  codebook: { type: 'string' },
  'with-codebook': { type: 'string' },
  weights: { type: 'string' },
  json: { type: 'boolean' },
  'max-levels': { type: 'string' },
  force: { type: 'boolean' },
  ...CSV_OPTIONS,
} as const;

/** What `describe --json` prints: {@link DataDescription} with the file's format. */
export interface DescribeJson extends DataDescription {
  /** The file as given. */
  file: string;
  /** `csv` or `sav` (SPSS, `.sav` or `.zsav`). */
  format: 'csv' | 'sav';
  /** The weights column (`--weights`), or `null`. */
  weights: string | null;
  /** SPSS files: the text encoding, the file's own weight variable (`null`: none) and file label. */
  spss?: { encoding: string; weight: string | null; fileLabel: string };
}

/** `surveykit describe`. */
export const describeCommand: Command = defineCommand({
  name: 'describe',
  summary: 'describe the variables of a CSV or SPSS file; --codebook OUT.json drafts a codebook',
  usage: USAGE,
  options: OPTIONS,
  positionals: [1, 1],
  async run(parsed, io) {
    const file = parsed.positionals[0]!;
    const maxLevels = numberOption(parsed, 'max-levels', USAGE) ?? 20;
    if (!Number.isInteger(maxLevels) || maxLevels < 0) {
      throw new UsageError('--max-levels must be a whole number, 0 or more', USAGE);
    }
    const codebookOut = stringOption(parsed, 'codebook');
    const codebookIn = stringOption(parsed, 'with-codebook');
    if (codebookOut !== undefined && !parsed.values.force && (await exists(codebookOut))) {
      throw new UsageError(
        `refusing to replace ${codebookOut}: in describe, --codebook WRITES a draft codebook (read one with --with-codebook; add --force to replace the file)`,
        USAGE,
      );
    }
    if (codebookOut !== undefined && resolve(codebookOut) === resolve(file)) {
      throw new UsageError('--codebook would write over the data file', USAGE);
    }
    const codebook = codebookIn === undefined ? undefined : await readCodebookFile(codebookIn);
    const data = await readData(file, parsed, codebook, io, USAGE);
    const weights = stringOption(parsed, 'weights');
    const description = describeData(data, { weights });
    const out = describeJson(file, data, weights ?? null, description);
    io.stdout(parsed.values.json ? JSON.stringify(out, null, 2) : describeText(out, maxLevels));
    if (codebookOut !== undefined) {
      const draft = draftCodebook(data);
      await writeInside(
        dirname(codebookOut),
        basename(codebookOut),
        `${JSON.stringify(draft, null, 2)}\n`,
      );
      io.stderr(
        `wrote the draft codebook ${codebookOut} (${count(draft.variables.length, 'variable')})`,
      );
    }
    return EXIT.ok;
  },
});

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function describeJson(
  file: string,
  data: SurveyData,
  weights: string | null,
  description: DataDescription,
): DescribeJson {
  const sav = 'sav' in data ? (data as SavData).sav : null;
  return {
    file,
    format: sav ? 'sav' : 'csv',
    weights,
    ...(sav
      ? { spss: { encoding: sav.encoding, weight: sav.weight, fileLabel: sav.fileLabel } }
      : {}),
    ...description,
  };
}

/** The description as text: a header, then a block per variable. */
function describeText(d: DescribeJson, maxLevels: number): string {
  const rejected = d.rowsRejected.length;
  const lines = [
    `${d.file} (${d.format === 'sav' ? 'SPSS' : 'CSV'}): ${count(d.rowsRead, 'row')} read, ${rejected} left out; ${count(d.variables.length, 'variable')}`,
  ];
  for (const r of d.rowsRejected.slice(0, 5)) lines.push(`  left out: line ${r.row} (${r.reason})`);
  if (rejected > 5) lines.push(`  left out: ${rejected - 5} more`);
  if (d.spss) {
    const w = d.spss.weight === null ? 'no weight variable' : `weight variable ${d.spss.weight}`;
    lines.push(
      `SPSS: encoding ${d.spss.encoding}, ${w}${d.spss.fileLabel ? `, "${d.spss.fileLabel}"` : ''}`,
    );
  }
  if (d.weights !== null) lines.push(`weighted by ${d.weights} (sum ${num(d.weightSum)})`);
  for (const v of d.variables) lines.push('', ...variableText(v, d.weights !== null, maxLevels));
  return lines.join('\n');
}

function variableText(v: VariableDescription, weighted: boolean, maxLevels: number): string[] {
  const lines = [
    [oneLine(v.name), v.type, oneLine(v.label ?? '')].filter((s) => s !== '').join(' — '),
  ];
  const reasons = [
    ...(v.missing.empty > 0 ? [`empty: ${v.missing.empty}`] : []),
    ...v.missing.codes.map(
      (c) => `${c.code}${c.label === null ? '' : ` "${c.label}"`}: ${c.count}`,
    ),
  ];
  lines.push(
    `  n ${v.n}, missing ${v.missing.total}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`,
  );
  if (v.type === 'numeric') lines.push(...numericText(v, weighted));
  else lines.push(...levelsText(v, weighted, maxLevels));
  return lines;
}

function numericText(v: NumericDescription, weighted: boolean): string[] {
  if (v.n === 0) return [];
  const mean = `mean ${num(v.mean)}${weighted ? `, weighted mean ${num(v.weightedMean)}` : ''}`;
  return [
    `  range ${num(v.min)} to ${num(v.max)}, ${mean}, ${count(v.distinct, 'distinct value')}`,
  ];
}

function levelsText(v: CategoricalDescription, weighted: boolean, maxLevels: number): string[] {
  const shown = v.levels.slice(0, maxLevels);
  const rows = [
    ['level', 'n', 'share', ...(weighted ? ['weighted'] : [])],
    ...shown.map((l) => [
      cut(oneLine(l.level), 60),
      String(l.n),
      percent(l.share),
      ...(weighted ? [percent(l.weightedShare)] : []),
    ]),
  ];
  const out = shown.length > 0 ? table(rows, ['left', 'right', 'right', 'right'], '    ') : [];
  const hidden = v.levels.length - shown.length;
  if (hidden > 0)
    out.push(`    … ${count(hidden, 'more level')} (--max-levels, or --json for all)`);
  return out;
}
