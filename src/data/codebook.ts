/**
 * The codebook: what each variable means, which values it may take, and which codes are missing.
 * A codebook is plain JSON; {@link codebookSchema} validates it and {@link codebookJsonSchema}
 * gives its JSON Schema for editors and other tools.
 * @module
 */
import {
  array,
  describe,
  enum as enumOf,
  maxLength,
  minLength,
  number,
  optional,
  type output,
  record,
  strictObject,
  string,
  toJSONSchema,
  tuple,
  union,
} from 'zod/mini';
import { CodebookError } from '../errors.js';
import { parseNumber } from './csv/infer.js';
import { validateJson } from './validate.js';

/** Translations of a label, keyed by language code (`{ ru: 'Россия' }`). */
const translationsSchema = record(string().check(minLength(2), maxLength(8)), string()).check(
  describe('Translations of the label, keyed by language code, e.g. { "ru": "..." }.'),
);

/** A code as it appears in the data file: a number or a text. */
const codeSchema = union([number(), string()]);

/** One value of a categorical variable (a code and its label). */
export const valueLabelSchema = strictObject({
  /** The value as it appears in the data file, e.g. 1 or "M". */
  code: codeSchema.check(describe('The value as it appears in the data file, e.g. 1 or "M".')),
  /** What the value means; becomes the level name. */
  label: string().check(minLength(1), describe('What the value means; becomes the level name.')),
  /** Translations of the label, keyed by language code, e.g. `{ ru: "Мужской" }`. */
  translations: optional(translationsSchema),
});

/** One variable of the codebook. */
export const variableSchema = strictObject({
  /** Column name in the data file. */
  name: string().check(minLength(1), describe('Column name in the data file.')),
  /** `numeric` (numbers, `NaN` for missing) or `categorical` (levels). */
  type: enumOf(['numeric', 'categorical']),
  /** Question text or description. */
  label: optional(string()).check(describe('Question text or description.')),
  /** Translations of the label, keyed by language code. */
  translations: optional(translationsSchema),
  /**
   * Allowed values of a categorical variable, in order; their labels become the levels. A
   * numeric variable may also list value labels (for display only).
   */
  values: optional(array(valueLabelSchema)).check(
    describe(
      'Allowed values of a categorical variable, in order; their labels become the levels. ' +
        'A numeric variable may also list value labels (for display only).',
    ),
  ),
  /**
   * Codes that mean "no answer" (e.g. 99 refused): read as missing, never as a level. A code
   * such as 98 "hard to say" is a real answer unless listed here.
   */
  missing: optional(array(codeSchema)).check(
    describe(
      'Codes that mean "no answer" (e.g. 99 refused): read as missing, never as a level. ' +
        'A code such as 98 "hard to say" is a real answer unless listed here.',
    ),
  ),
  /** Inclusive `[min, max]` allowed for a numeric variable. */
  range: optional(tuple([number(), number()])).check(
    describe('Inclusive [min, max] allowed for a numeric variable.'),
  ),
});

/**
 * The codebook schema (`zod/mini`: validate with `codebookSchema.safeParse(json)`, or with
 * {@link parseCodebook} for English messages and the checks a schema cannot express).
 */
export const codebookSchema = strictObject({
  /** Title of the survey. */
  title: optional(string()),
  /**
   * Where the data comes from (pollster, fieldwork dates, or that it is synthetic): printed
   * under every chart and table a report makes of it, unless the questionnaire's `about.source`
   * says otherwise.
   */
  source: optional(string()).check(
    describe('Where the data comes from: printed under every chart and table of a report.'),
  ),
  /** Language of the `label` fields, e.g. `"en"`. */
  language: optional(string()).check(describe('Language of `label` fields, e.g. "en".')),
  /** The variables (any order; every one must be a column of the data). */
  variables: array(variableSchema),
});

/**
 * A value label: a code as it appears in the data and what it means.
 * @useDeclaredType
 */
export type ValueLabel = output<typeof valueLabelSchema>;
/**
 * A codebook variable.
 * @useDeclaredType
 */
export type CodebookVariable = output<typeof variableSchema>;
/**
 * A codebook: variables with their types, labels, allowed values and missing codes.
 * @useDeclaredType
 */
export type Codebook = output<typeof codebookSchema>;

/**
 * Validates a parsed JSON value as a codebook.
 *
 * @param json - The codebook as parsed JSON (e.g. `JSON.parse` of a codebook file).
 * @param source - The name given in error messages (a file name); default `codebook`.
 * @throws {CodebookError} `INVALID_CODEBOOK` listing every problem with its path.
 * @example
 * ```ts
 * const cb = parseCodebook({ variables: [{ name: 'sex', type: 'categorical',
 *   values: [{ code: 1, label: 'Male' }, { code: 2, label: 'Female' }] }] });
 * console.log(cb.variables[0].values.length); // => 2
 * ```
 */
export function parseCodebook(json: unknown, source = 'codebook'): Codebook {
  // a "__proto__" key (e.g. a translations language, which zod would drop) is a problem there
  const result = validateJson(codebookSchema, json);
  const problems = result.ok ? [] : [...result.problems];
  if (!result.ok) {
    throw new CodebookError(
      'INVALID_CODEBOOK',
      `${source}: invalid codebook\n  ${problems.join('\n  ')}`,
      { file: source, problems },
    );
  }
  const seen = new Set<string>();
  for (const v of result.data.variables) {
    if (seen.has(v.name)) {
      throw new CodebookError(
        'INVALID_CODEBOOK',
        `${source}: variable "${v.name}" is listed twice`,
        {
          file: source,
          variable: v.name,
        },
      );
    }
    seen.add(v.name);
    // Codes are matched as numbers when they read as numbers (1, "1" and "1.0" are one code), else
    // as trimmed text: two spellings of one code would make the second value unreachable.
    const codes = new Map<string, string>();
    for (const value of v.values ?? []) {
      const n = typeof value.code === 'number' ? value.code : parseNumber(value.code);
      const key = Number.isNaN(n) ? `text:${String(value.code).trim()}` : `number:${n}`;
      const first = codes.get(key);
      if (first !== undefined) {
        const same = first === String(value.code) ? '' : ` (the same code as ${first})`;
        throw new CodebookError(
          'INVALID_CODEBOOK',
          `${source}: variable "${v.name}" lists code ${String(value.code)} twice${same}`,
          { file: source, variable: v.name, value: value.code },
        );
      }
      codes.set(key, String(value.code));
    }
  }
  return result.data;
}

/**
 * The JSON Schema of a codebook, generated from the zod schema by zod's `toJSONSchema`.
 * @example
 * ```ts
 * console.log(codebookJsonSchema().type); // => object
 * ```
 */
export function codebookJsonSchema(): Record<string, unknown> {
  return toJSONSchema(codebookSchema) as Record<string, unknown>;
}

/** An empty codebook. */
export function emptyCodebook(): Codebook {
  return { variables: [] };
}
