/** The Node entry: the same program, reading the same files, printing its result as JSON. */
import { readFileSync } from 'node:fs';
import { program } from './program.js';

const result = await program(
  readFileSync(new URL('./apiclus1.csv', import.meta.url), 'utf8'),
  new Uint8Array(readFileSync(new URL('./poll.zsav', import.meta.url))),
);
console.log(JSON.stringify(result));
