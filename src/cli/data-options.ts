/**
 * The options of the subcommands that read a data file: how a CSV file is read (`--encoding`,
 * `--delimiter`), and reading it with progress on stderr.
 * @module
 */
import type { Codebook } from '../data/codebook.js';
import type { SurveyData } from '../data/types.js';
import { type OptionSpec, type ParsedArgs, stringOption } from './args.js';
import type { CliIo } from './command.js';
import { readDataFile } from './inputs.js';

/** `--encoding` and `--delimiter`. */
export const CSV_OPTIONS: OptionSpec = {
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
};

/** The `--help` lines of {@link CSV_OPTIONS}. */
export const CSV_HELP = `  --encoding NAME         CSV text encoding, e.g. windows-1251 (default utf-8)
  --delimiter C           CSV delimiter (default: detected among , ; tab |)`;

/** Reads the data file (CSV or SPSS) with the CSV options given and `codebook`, saying so on stderr. */
export async function readData(
  file: string,
  parsed: ParsedArgs,
  codebook: Codebook | undefined,
  io: CliIo,
): Promise<SurveyData> {
  const encoding = stringOption(parsed, 'encoding');
  const delimiter = stringOption(parsed, 'delimiter');
  io.stderr(`reading ${file}`);
  return readDataFile(file, {
    ...(codebook ? { codebook } : {}),
    ...(encoding !== undefined ? { encoding } : {}),
    ...(delimiter !== undefined ? { delimiter } : {}),
  });
}
