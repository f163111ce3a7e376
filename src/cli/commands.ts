/**
 * The subcommands of `surveykit`, in the order `surveykit --help` lists them. A new subcommand
 * is a file of this folder exporting a {@link Command}, listed here.
 * @module
 */
import type { Command } from './command.js';
import { describeCommand } from './describe.js';
import { reportCommand } from './report.js';
import { tabsCommand } from './tabs.js';
import { weightCommand } from './weight.js';

/** Every subcommand. */
export const COMMANDS: readonly Command[] = [
  reportCommand,
  tabsCommand,
  describeCommand,
  weightCommand,
];
