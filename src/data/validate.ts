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

/**
 * Parses `json` with `schema` (defaults applied), listing every problem as `path: message`
 * (`(root)` for the value itself), e.g. `variables.0.type: Invalid option: expected one of
 * "numeric"|"categorical"`.
 */
export function validateJson<S extends ZodMiniType>(
  schema: S,
  json: unknown,
): Validated<output<S>> {
  const result = schema.safeParse(json, { error: issueMessage });
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
  };
}
