/**
 * The codebook: what each variable means, which values it may take, and which codes are missing.
 * A codebook is plain JSON; {@link codebookSchema} validates it and {@link codebookJsonSchema}
 * gives its JSON Schema for editors and other tools.
 * @module
 */
import { z } from 'zod';
import { CodebookError } from '../errors.js';
import { parseNumber } from './csv/infer.js';

/** Translations of a label, keyed by language code (`{ ru: 'Россия' }`). */
const translationsSchema = z
  .record(z.string().min(2).max(8), z.string())
  .describe('Translations of the label, keyed by language code, e.g. { "ru": "..." }.');

/** One value of a categorical variable (a code and its label). */
export const valueLabelSchema = z
  .object({
    /** The value as it appears in the data file, e.g. 1 or "M". */
    code: z
      .union([z.number(), z.string()])
      .describe('The value as it appears in the data file, e.g. 1 or "M".'),
    /** What the value means; becomes the level name. */
    label: z.string().min(1).describe('What the value means; becomes the level name.'),
    /** Translations of the label, keyed by language code, e.g. `{ ru: "Мужской" }`. */
    translations: translationsSchema.optional(),
  })
  .strict();

/** One variable of the codebook. */
export const variableSchema = z
  .object({
    /** Column name in the data file. */
    name: z.string().min(1).describe('Column name in the data file.'),
    /** `numeric` (numbers, `NaN` for missing) or `categorical` (levels). */
    type: z.enum(['numeric', 'categorical']),
    /** Question text or description. */
    label: z.string().optional().describe('Question text or description.'),
    /** Translations of the label, keyed by language code. */
    translations: translationsSchema.optional(),
    /**
     * Allowed values of a categorical variable, in order; their labels become the levels. A
     * numeric variable may also list value labels (for display only).
     */
    values: z
      .array(valueLabelSchema)
      .optional()
      .describe(
        'Allowed values of a categorical variable, in order; their labels become the levels. ' +
          'A numeric variable may also list value labels (for display only).',
      ),
    /**
     * Codes that mean "no answer" (e.g. 99 refused): read as missing, never as a level. A code
     * such as 98 "hard to say" is a real answer unless listed here.
     */
    missing: z
      .array(z.union([z.number(), z.string()]))
      .optional()
      .describe(
        'Codes that mean "no answer" (e.g. 99 refused): read as missing, never as a level. ' +
          'A code such as 98 "hard to say" is a real answer unless listed here.',
      ),
    /** Inclusive `[min, max]` allowed for a numeric variable. */
    range: z
      .tuple([z.number(), z.number()])
      .optional()
      .describe('Inclusive [min, max] allowed for a numeric variable.'),
  })
  .strict();

/** The codebook schema (zod). */
export const codebookSchema = z
  .object({
    /** Title of the survey. */
    title: z.string().optional(),
    /** Language of the `label` fields, e.g. `"en"`. */
    language: z.string().optional().describe('Language of `label` fields, e.g. "en".'),
    /** The variables (any order; every one must be a column of the data). */
    variables: z.array(variableSchema),
  })
  .strict();

/**
 * A value label: a code as it appears in the data and what it means.
 * @useDeclaredType
 */
export type ValueLabel = z.infer<typeof valueLabelSchema>;
/**
 * A codebook variable.
 * @useDeclaredType
 */
export type CodebookVariable = z.infer<typeof variableSchema>;
/**
 * A codebook: variables with their types, labels, allowed values and missing codes.
 * @useDeclaredType
 */
export type Codebook = z.infer<typeof codebookSchema>;

/**
 * Validates a parsed JSON value as a codebook.
 *
 * @throws {CodebookError} `INVALID_CODEBOOK` listing every problem with its path.
 * @example
 * ```ts
 * const cb = parseCodebook({ variables: [{ name: 'sex', type: 'categorical',
 *   values: [{ code: 1, label: 'Male' }, { code: 2, label: 'Female' }] }] });
 * console.log(cb.variables[0].values.length); // => 2
 * ```
 */
export function parseCodebook(json: unknown, source = 'codebook'): Codebook {
  const result = codebookSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new CodebookError(
      'INVALID_CODEBOOK',
      `${source}: invalid codebook\n  ${problems.join('\n  ')}`,
      {
        file: source,
        problems,
      },
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
 * The JSON Schema of a codebook, generated from the zod schema.
 * @example
 * ```ts
 * console.log(codebookJsonSchema().type); // => object
 * ```
 */
export function codebookJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(codebookSchema) as Record<string, unknown>;
}

/** An empty codebook. */
export function emptyCodebook(): Codebook {
  return { variables: [] };
}
