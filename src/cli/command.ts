/**
 * What every subcommand of the `surveykit` command is: a name, a one-line summary, its usage
 * text, and a function from its arguments to an exit code. The command line does the parsing,
 * the reading and writing of files and the exit codes; the work is done by the library.
 * @module
 */

/** Where a subcommand writes: results to `stdout`, progress and errors to `stderr`. */
export interface CliIo {
  /** Results (a report's summary lines, JSON with `--json`). */
  stdout(text: string): void;
  /** Progress and error messages. */
  stderr(text: string): void;
}

/** One subcommand (`surveykit <name> ...`). */
export interface Command {
  /** The subcommand's name. */
  readonly name: string;
  /** One line for `surveykit --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly usage: string;
  /** Runs the subcommand on its arguments (after the name); resolves to the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes: 0 done, 1 the data could not be used (a typed error), 2 the command was misused. */
export const EXIT = { ok: 0, badData: 1, badUsage: 2 } as const;

/** A mistake in how the command was called (unknown option, missing argument): exit code 2. */
export class UsageError extends Error {
  /** The usage text of the subcommand, shown after the message. */
  readonly usage: string;

  constructor(message: string, usage: string) {
    super(message);
    this.name = 'UsageError';
    this.usage = usage;
  }
}
