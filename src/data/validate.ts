/**
 * Validation of parsed JSON (codebook, questionnaire, margins files) against a `zod/mini` schema,
 * with every problem as `path: message`.
 *
 * `zod/mini` keeps the browser bundle small (named imports tree-shake; classic `zod` does not),
 * but unlike classic `zod` it installs no locale, so its issues would all read "Invalid input".
 * The English messages are passed at parse time rather than by a top-level `config(en())`: the
 * package is `"sideEffects": false`, so a bundler may drop such a call, and a library should not
 * change the caller's zod configuration. A locale or error map the caller configured still wins.
 * @module
 */
import { en } from 'zod/locales';
import { config, type output, type ZodMiniType } from 'zod/mini';

type ZodIssue = Parameters<NonNullable<ReturnType<typeof config>['localeError']>>[0];

const english = en().localeError;

/** The message zod gives an issue: the caller's configured error map or locale, else English. */
function issueMessage(issue: ZodIssue) {
  const configured = config();
  return configured.customError?.(issue) ?? configured.localeError?.(issue) ?? english(issue);
}

/** What {@link validateJson} found: the parsed value, or every problem as `path: message`. */
export type Validated<T> = { ok: true; data: T } | { ok: false; problems: string[] };

/** A path into a JSON value: object keys and array indexes. */
export type JsonPath = ReadonlyArray<string | number>;

/**
 * The paths of the objects in `json` that have an own key `__proto__` (JSON.parse makes it an
 * ordinary key; zod skips it, so it would be lost without a word). Walked with a stack of its
 * own: any nesting depth.
 * @example
 * ```ts
 * console.log(protoKeyPaths(JSON.parse('{"a":[{"__proto__":1}],"__proto__":{}}'))); // => [ [], [ 'a', 0 ] ]
 * ```
 */
export function protoKeyPaths(json: unknown): JsonPath[] {
  const out: JsonPath[] = [];
  const stack: Array<[unknown, JsonPath]> = [[json, []]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], [...path, i]]);
      continue;
    }
    if (Object.hasOwn(value, '__proto__')) out.push(path);
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      stack.push([(value as Record<string, unknown>)[keys[i]!], [...path, keys[i]!]]);
    }
  }
  return out.sort((a, b) => (a.join('.') < b.join('.') ? -1 : 1));
}

/** Options of {@link validateJson}. */
export interface ValidateOptions {
  /**
   * Objects whose own `__proto__` key the caller reads itself (e.g. a margin's levels, which
   * come from the data); anywhere else such a key is a problem.
   */
  protoKeyAllowed?: (path: JsonPath) => boolean;
}

/**
 * Parses `json` with `schema` (defaults applied), listing every problem as `path: message`
 * (`(root)` for the value itself), e.g. `variables.0.type: Invalid option: expected one of
 * "numeric"|"categorical"`. An own `__proto__` key (which zod would drop) is a problem too,
 * unless `protoKeyAllowed` says the caller reads it.
 */
export function validateJson<S extends ZodMiniType>(
  schema: S,
  json: unknown,
  opts: ValidateOptions = {},
): Validated<output<S>> {
  const result = schema.safeParse(json, { error: issueMessage });
  const where = (path: JsonPath) => path.join('.') || '(root)';
  const problems = result.success
    ? []
    : result.error.issues.map((i) => `${where(i.path as JsonPath)}: ${i.message}`);
  for (const path of protoKeyPaths(json)) {
    if (opts.protoKeyAllowed?.(path)) continue;
    problems.push(
      `${where([...path, '__proto__'])}: a key named "__proto__" is not allowed here (it would be lost); rename it`,
    );
  }
  if (result.success && problems.length === 0) return { ok: true, data: result.data };
  return { ok: false, problems };
}
