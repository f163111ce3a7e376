/**
 * The error codes of the source, found by reading it: every `new <Class>Error('CODE', ...)` (and
 * `savError('CODE', ...)`, which makes a DataFormatError) in src/, with the details fields its
 * object literal names, and every `throw new X(...)` of a class that is not a SurveyError.
 * `hierarchy.test.ts` checks these against docs/errors.md.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

/** The error classes, base first. */
export const CLASSES = [
  'SurveyError',
  'DataFormatError',
  'CodebookError',
  'DesignError',
  'WeightingError',
  'EstimationError',
] as const;
export type ClassName = (typeof CLASSES)[number];

/** Where a code is made, and the details fields named there. */
export interface CodeUse {
  cls: ClassName;
  code: string;
  /** `file:line` of each place. */
  sites: string[];
  /** Details fields named in object literals at those places (spreads not followed). */
  fields: Set<string>;
}

/** A place that makes an error whose code is not a literal (it forwards one). */
export interface ForwardedCode {
  site: string;
  text: string;
}

/** A `throw new X(...)` of a class that is not one of {@link CLASSES}. */
export interface UntypedThrow {
  site: string;
  text: string;
}

export interface Scan {
  codes: Map<string, CodeUse>;
  forwarded: ForwardedCode[];
  untyped: UntypedThrow[];
  /** Members of the `SavErrorCode` union (the codes `savError` may be given). */
  savCodes: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The string literals an expression can evaluate to (a literal or a conditional of literals). */
function literals(e: ts.Expression): string[] | null {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
  if (ts.isParenthesizedExpression(e)) return literals(e.expression);
  if (ts.isConditionalExpression(e)) {
    const a = literals(e.whenTrue);
    const b = literals(e.whenFalse);
    return a && b ? [...a, ...b] : null;
  }
  return null;
}

function propertyNames(e: ts.Expression | undefined): string[] {
  if (!e || !ts.isObjectLiteralExpression(e)) return [];
  const out: string[] = [];
  for (const p of e.properties) {
    if (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) {
      out.push(p.name.getText());
    }
  }
  return out;
}

let cached: Scan | null = null;

/** Scans src/ (once per process). */
export function scanSource(): Scan {
  if (cached) return cached;
  const codes = new Map<string, CodeUse>();
  const forwarded: ForwardedCode[] = [];
  const untyped: UntypedThrow[] = [];
  let savCodes: string[] = [];
  const classes = new Set<string>(CLASSES);
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const site = (n: ts.Node) =>
      `${relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (n: ts.Node): void => {
      let cls: ClassName | null = null;
      let args: readonly ts.Expression[] = [];
      let details: ts.Expression | undefined;
      if (
        ts.isNewExpression(n) &&
        ts.isIdentifier(n.expression) &&
        classes.has(n.expression.text)
      ) {
        cls = n.expression.text as ClassName;
        args = n.arguments ?? [];
        details = args[2];
      } else if (
        ts.isCallExpression(n) &&
        ts.isIdentifier(n.expression) &&
        n.expression.text === 'savError'
      ) {
        cls = 'DataFormatError';
        args = n.arguments;
        details = args[4];
      }
      if (cls && args.length > 0) {
        const found = literals(args[0]!);
        if (!found) forwarded.push({ site: site(n), text: n.getText().split('\n')[0]! });
        for (const code of found ?? []) {
          const key = `${cls} ${code}`;
          const use = codes.get(key) ?? { cls, code, sites: [], fields: new Set<string>() };
          use.sites.push(site(n));
          for (const f of propertyNames(details)) use.fields.add(f);
          // savError always sets file and offset
          if (ts.isCallExpression(n)) for (const f of ['file', 'offset']) use.fields.add(f);
          codes.set(key, use);
        }
      }
      if (
        ts.isThrowStatement(n) &&
        ts.isNewExpression(n.expression) &&
        ts.isIdentifier(n.expression.expression) &&
        !classes.has(n.expression.expression.text)
      ) {
        untyped.push({ site: site(n), text: n.getText().split('\n')[0]! });
      }
      if (
        ts.isTypeAliasDeclaration(n) &&
        n.name.text === 'SavErrorCode' &&
        ts.isUnionTypeNode(n.type)
      ) {
        savCodes = n.type.types.flatMap((t) =>
          ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? [t.literal.text] : [],
        );
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  cached = { codes, forwarded, untyped, savCodes };
  return cached;
}

/** One row of a docs/errors.md table. */
export interface DocumentedCode {
  cls: string;
  code: string;
  when: string;
  fields: string[];
}

/**
 * The tables of docs/errors.md: a `## <Class>` heading, then rows `| \`CODE\` | when | details |`
 * (details fields written as `` `name` ``).
 */
export function documentedCodes(markdown: string): DocumentedCode[] {
  const out: DocumentedCode[] = [];
  let cls = '';
  for (const line of markdown.split('\n')) {
    const heading = /^##\s+`?(\w+)`?/.exec(line);
    if (heading) {
      cls = heading[1]!;
      continue;
    }
    const row = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|(.*)\|(.*)\|\s*$/.exec(line);
    if (row && cls) {
      const fields = [...row[3]!.matchAll(/`([A-Za-z][A-Za-z0-9]*)`/g)].map((m) => m[1]!);
      out.push({ cls, code: row[1]!, when: row[2]!.trim(), fields });
    }
  }
  return out;
}
