/**
 * The command line of `npm run report`.
 * @module
 */
import type { ReportOptions } from './run.js';

export const USAGE =
  'usage: npm run report -- [data.csv] [--codebook file] [--questionnaire file] [--margins file | --no-margins] [--out dir] [--level 0.95] [--no-charts]';

/** Command-line arguments as {@link runReport} options. */
export function parseArgs(argv: readonly string[]): ReportOptions & { help?: boolean } {
  const opts: ReportOptions & { help?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    switch (arg) {
      case '--codebook':
        opts.codebook = value();
        break;
      case '--questionnaire':
        opts.questionnaire = value();
        break;
      case '--margins':
        opts.margins = value();
        break;
      case '--no-margins':
        opts.margins = null;
        break;
      case '--no-charts':
        opts.charts = false;
        break;
      case '--out':
        opts.out = value();
        break;
      case '--level':
        opts.level = Number(value());
        break;
      case '--help':
      case '-h':
        opts.help = true;
        break;
      default:
        if (arg.startsWith('--') || opts.data !== undefined)
          throw new Error(`unexpected argument ${arg}\n${USAGE}`);
        opts.data = arg;
    }
  }
  return opts;
}
