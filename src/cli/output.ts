/**
 * Writing a subcommand's output files: every path is resolved inside the output folder, and a
 * name that would leave it (`..`, an absolute path, a separator in an id) is refused. One
 * implementation with the report writer: src/platform/write.ts.
 * @module
 */
export { pathInside, writeInside } from '../platform/write.js';
