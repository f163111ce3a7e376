/**
 * `npm run codebook:schema`: writes docs/codebook.schema.json, the JSON Schema of a codebook
 * (`codebookJsonSchema()`), for editors that validate JSON files against a schema.
 * test/data/codebook.test.ts checks that the committed file is up to date.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { codebookJsonSchema } from '../src/data/codebook.js';

const path = new URL('../docs/codebook.schema.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(codebookJsonSchema(), null, 2)}\n`);
console.log('wrote docs/codebook.schema.json');
