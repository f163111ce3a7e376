/**
 * Parsing a subcommand's arguments with Node's `util.parseArgs` (strict: an unknown option or a
 * missing value is a {@link UsageError}), and the options several subcommands share.
 * @module
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type CliIo, type Command, EXIT, UsageError } from './command.js';

/** The options of a subcommand, as `util.parseArgs` takes them. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments: option values by name and the positional arguments. */
export interface ParsedArgs {
  /** Option values (strings, booleans, or arrays for `multiple` options). */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  /** Positional arguments, in order. */
  positionals: string[];
}

/** `--help` / `-h`, which every subcommand takes. */
export const HELP_OPTION: OptionSpec = { help: { type: 'boolean', short: 'h' } };

/**
 * Parses `args` against `options` (plus `--help`); a parse failure or a wrong number of
 * positional arguments (`positionals: [min, max]`) is a {@link UsageError} with `usage`.
 */
export function parseCommandArgs(
  args: readonly string[],
  options: OptionSpec,
  usage: string,
  positionals: [number, number] = [0, 0],
): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...HELP_OPTION, ...options },
      allowPositionals: true,
      strict: true,
    }) as ParsedArgs;
  } catch (e) {
    throw new UsageError((e as Error).message, usage);
  }
  if (parsed.values.help) return parsed;
  const n = parsed.positionals.length;
  if (n < positionals[0]) throw new UsageError('missing argument', usage);
  if (n > positionals[1]) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[positionals[1]])}`,
      usage,
    );
  }
  return parsed;
}

/** A string option's value, or `undefined`. */
export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A comma-separated option's values (`--banner sex,agegroup`), or `undefined`. */
export function listOption(parsed: ParsedArgs, name: string): string[] | undefined {
  const v = stringOption(parsed, name);
  return v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

/** A number option's value, or `undefined`; not a number is a {@link UsageError}. */
export function numberOption(parsed: ParsedArgs, name: string, usage: string): number | undefined {
  const v = stringOption(parsed, name);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) {
    throw new UsageError(`--${name} must be a number, not ${JSON.stringify(v)}`, usage);
  }
  return x;
}

/** What a subcommand is made of: {@link defineCommand} adds the parsing and `--help`. */
export interface CommandDefinition {
  /** The subcommand's name. */
  name: string;
  /** One line for `surveykit --help`. */
  summary: string;
  /** The full `--help` text. */
  usage: string;
  /** Its options (besides `--help`). */
  options: OptionSpec;
  /** How many positional arguments it takes, at least and at most (default none). */
  positionals?: [number, number];
  /** The work, on the parsed arguments; resolves to the exit code. */
  run(parsed: ParsedArgs, io: CliIo): Promise<number>;
}

/**
 * A subcommand from its definition: its arguments are parsed strictly against its options
 * (a {@link UsageError} on a mistake), and `--help` prints its usage.
 */
export function defineCommand(def: CommandDefinition): Command {
  return {
    name: def.name,
    summary: def.summary,
    usage: def.usage,
    async run(args, io) {
      const parsed = parseCommandArgs(args, def.options, def.usage, def.positionals ?? [0, 0]);
      if (parsed.values.help) {
        io.stdout(def.usage);
        return EXIT.ok;
      }
      return def.run(parsed, io);
    },
  };
}
