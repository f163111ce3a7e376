/**
 * The options of the subcommands that read a data file: how a CSV file is read (`--encoding`,
 * `--delimiter`, `--na`, `--levels`), and reading it with progress on stderr.
 * @module
 */
import type { Codebook } from '../data/codebook.js';
import type { SurveyData } from '../data/types.js';
import { type OptionSpec, type ParsedArgs, stringOption } from './args.js';
import { type CliIo, UsageError } from './command.js';
import { type DataOptions, readDataFile } from './inputs.js';

/** `--encoding`, `--delimiter`, `--na` and `--levels` (repeatable). */
export const CSV_OPTIONS: OptionSpec = {
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  na: { type: 'string' },
  levels: { type: 'string', multiple: true },
};

/** The `--help` lines of {@link CSV_OPTIONS}. */
export const CSV_HELP = `  --encoding NAME         CSV text encoding, e.g. windows-1251 (default utf-8)
  --delimiter C           CSV delimiter (default: detected among , ; tab |)
  --na TEXTS              cell texts read as missing, comma-separated (default: NA; blank
                          cells are always missing), e.g. --na NA,-9,.
  --levels COL=A|B|C      the level order of a text column, e.g. an answer scale
                          (repeat for several columns)`;

/**
 * The CSV options given on the command line (`usage` for a {@link UsageError} on a malformed
 * `--levels`).
 */
export function csvOptionsFrom(parsed: ParsedArgs, usage: string): DataOptions {
  const encoding = stringOption(parsed, 'encoding');
  const delimiter = stringOption(parsed, 'delimiter');
  const na = stringOption(parsed, 'na');
  const given = parsed.values.levels;
  const levels: Record<string, string[]> = Object.create(null);
  for (const spec of Array.isArray(given) ? (given as string[]) : []) {
    const eq = spec.indexOf('=');
    const name = spec.slice(0, eq).trim();
    if (eq <= 0 || name === '') {
      throw new UsageError(
        `--levels takes COLUMN=LEVEL|LEVEL|..., not ${JSON.stringify(spec)}`,
        usage,
      );
    }
    levels[name] = spec
      .slice(eq + 1)
      .split('|')
      .map((l) => l.trim());
  }
  return {
    ...(encoding !== undefined ? { encoding } : {}),
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(na !== undefined ? { na: na.split(',').map((t) => t.trim()) } : {}),
    ...(Object.keys(levels).length > 0 ? { levels } : {}),
  };
}

/** Reads the data file (CSV or SPSS) with the CSV options given and `codebook`, saying so on stderr. */
export async function readData(
  file: string,
  parsed: ParsedArgs,
  codebook: Codebook | undefined,
  io: CliIo,
  usage: string,
): Promise<SurveyData> {
  io.stderr(`reading ${file}`);
  return readDataFile(file, {
    ...csvOptionsFrom(parsed, usage),
    ...(codebook ? { codebook } : {}),
  });
}
