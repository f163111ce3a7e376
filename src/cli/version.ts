/**
 * The package's version, read from its package.json (two folders up from both `src/cli/` and
 * `dist/cli/`).
 * @module
 */
import { createRequire } from 'node:module';

/** The version of the installed surveykit. */
export const VERSION: string = (
  createRequire(import.meta.url)('../../package.json') as { version: string }
).version;
