/**
 * Dispatch of the `surveykit` command to its subcommands, `--help` and `--version`, and the exit
 * codes: 0 done; 1 the data could not be used (the typed error's code and message); 2 the
 * command was misused (the message and the subcommand's usage).
 * @module
 */
import { SurveyError } from '../errors.js';
import { type CliIo, EXIT, UsageError } from './command.js';
import { COMMANDS } from './commands.js';
import { VERSION } from './version.js';

/** The usage of `surveykit` itself: its subcommands. */
export function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: surveykit <command> [options]',
    '',
    'Design-based analysis of opinion-poll microdata: weights, survey designs, estimates with',
    'honest uncertainty, tables and charts.',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'surveykit <command> --help   the options of a command',
    'surveykit --version          the version',
    '',
    'exit codes: 0 done, 1 the data could not be used, 2 the command was misused',
  ].join('\n');
}

/**
 * Runs the command line `argv` (the arguments after `surveykit`), writing to `io`; resolves to
 * the exit code. Never throws: every failure becomes a message and an exit code.
 */
export async function runCli(argv: readonly string[], raw: CliIo): Promise<number> {
  // labels and names from the data are printed: none may drive the terminal
  const io: CliIo = {
    stdout: (text) => raw.stdout(terminalText(text)),
    stderr: (text) => raw.stderr(terminalText(text)),
  };
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(mainUsage());
    return name === undefined ? EXIT.badUsage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(VERSION);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`surveykit: unknown command ${JSON.stringify(name)}\n\n${mainUsage()}`);
    return EXIT.badUsage;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`surveykit ${command.name}: ${e.message}\n\n${e.usage}`);
      return EXIT.badUsage;
    }
    if (e instanceof SurveyError) {
      io.stderr(`surveykit ${command.name}: ${e.code}: ${e.message}`);
      return EXIT.badData;
    }
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    io.stderr(`surveykit ${command.name}: internal error (a bug: please report it)\n${message}`);
    return EXIT.badData;
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters shown escaped
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text safe to print on a terminal: control characters other than line feed and tab (an escape
 * sequence in a label would move the cursor, recolour or retitle the terminal; a carriage
 * return would overwrite the line) are shown as `\u{…}`.
 * @example
 * ```ts
 * console.log(terminalText('red\u001b[31m x\ry')); // => red\u{1b}[31m x\u{d}y
 * ```
 */
export function terminalText(text: string): string {
  return text.replace(CONTROL, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
