/**
 * Runs the README's TypeScript snippets that show their output (`// => ...`) and checks what
 * they print, so the documentation stays true.
 */
import { describeSnippets } from './snippets.js';

describeSnippets('README snippets print what they say', 'README.md', '.readme');
