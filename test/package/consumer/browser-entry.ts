/** The browser entry: esbuild embeds the CSV as text and the .zsav as bytes (no network). */
import csv from './apiclus1.csv';
import zsav from './poll.zsav';
import { program } from './program.js';

try {
  (globalThis as { surveykitResult?: unknown }).surveykitResult = await program(
    csv as unknown as string,
    zsav as unknown as Uint8Array,
  );
} catch (e) {
  (globalThis as { surveykitResult?: unknown }).surveykitResult = {
    error: String((e as Error).stack ?? e),
  };
}
