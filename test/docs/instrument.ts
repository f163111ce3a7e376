/** Shared by the documentation tests: turn printed examples into checked prints. */

/**
 * Turns `console.log(x); // => y` (or a `// => y` line right after the print) into a checked
 * print. Imports from 'surveykit' are dropped (the whole API is in scope); other imports are
 * hoisted to the top of the module.
 */
export function instrument(code: string): { body: string; expected: string[]; imports: string[] } {
  const expected: string[] = [];
  const imports: string[] = [];
  const lines: string[] = [];
  let pendingImport: string[] | null = null;
  for (const line of code.split('\n')) {
    if (pendingImport === null && /^\s*import\s/.test(line)) pendingImport = [];
    if (pendingImport !== null) {
      // An import statement, possibly over several lines, ends at its `from '...'`.
      pendingImport.push(line);
      if (/from\s+['"][^'"]+['"]/.test(line)) {
        const statement = pendingImport.join('\n');
        if (!/from ['"]surveykit['"]/.test(statement)) imports.push(statement);
        pendingImport = null;
      }
      continue;
    }
    const inline = /^(.*console\.log\(.*\);?)\s*\/\/ => (.*)$/.exec(line);
    if (inline) {
      expected.push(inline[2]!.trim());
      lines.push(inline[1]!);
      continue;
    }
    const next = /^\s*\/\/ => (.*)$/.exec(line);
    if (next) {
      expected.push(next[1]!.trim());
      continue;
    }
    lines.push(line);
  }
  return { body: lines.join('\n'), expected, imports };
}
