/**
 * The questionnaire description the poll analysis layer reads (`data/questionnaire.json`): the
 * attitude battery (one categorical column per item, answer codes grouped into positive /
 * neutral / negative / hard to say / missing), the multiple-response questions (one 0/1 column
 * per option), single categorical items (the EEU items), the subgroup variables, and the
 * published statements to check. Validated with zod, so another poll's battery (other countries,
 * other unions) plugs in as data.
 *
 * Answer codes are the codes of the data file; a loaded categorical column has the codebook's
 * value labels as levels, and {@link resolveAnswers} (answers.ts) maps codes to levels.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CodebookError } from '../errors.js';

/** A text in English, with translations keyed by language code (`{ en, ru }`). */
const textSchema = z
  .object({ en: z.string().min(1) })
  .catchall(z.string())
  .describe('Text in English (`en`), with translations keyed by language code, e.g. `ru`.');

const codeSchema = z.union([z.number(), z.string()]);

/** How an answer counts: the groups every summary is made of. */
export const answerGroupSchema = z
  .enum(['positive', 'neutral', 'negative', 'dk', 'missing'])
  .describe(
    'positive / neutral / negative pole, dk ("hard to say": a real answer, in the base), ' +
      'missing (refused: not in the base).',
  );

/** One coded answer. */
export const answerSchema = z
  .object({ code: codeSchema, label: textSchema, group: answerGroupSchema })
  .strict();

/** An attitude battery: several items (columns) asked with one answer scale. */
export const batterySchema = z
  .object({
    id: z.string().min(1),
    question: textSchema,
    scale: z.array(answerSchema).min(1),
    /** Redundant summary of `scale` (codes per group); checked against it when present. */
    groups: z.record(z.string(), z.array(codeSchema)).optional(),
    items: z
      .array(z.object({ variable: z.string().min(1), key: z.string().min(1), label: textSchema }))
      .min(1),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (!b.groups) return;
    const fromScale: Record<string, string[]> = {};
    for (const a of b.scale) (fromScale[a.group] ??= []).push(String(a.code));
    const given = Object.fromEntries(
      Object.entries(b.groups).map(([g, codes]) => [g, codes.map(String)]),
    );
    if (JSON.stringify(sortKeys(fromScale)) !== JSON.stringify(sortKeys(given))) {
      ctx.addIssue({
        code: 'custom',
        path: ['groups'],
        message: 'groups must list the codes of each group of the scale',
      });
    }
  });

/** A multiple-response question: one 0/1 column per option. */
export const multipleResponseSchema = z
  .object({
    id: z.string().min(1),
    question: textSchema,
    maxAnswers: z.number().int().positive().optional(),
    /** How missing answers are coded (documentation). */
    missing: z.string().optional(),
    options: z
      .array(
        z
          .object({
            variable: z.string().min(1),
            key: z.string().min(1),
            /** `'none'` and `'dk'` are not substantive options (left out of rankings). */
            kind: z.string().default('option'),
            label: textSchema,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/** A single categorical item (e.g. an EEU item) with grouped answers. */
export const categoricalItemSchema = z
  .object({
    id: z.string().min(1),
    variable: z.string().min(1),
    question: textSchema,
    answers: z.array(answerSchema).min(1),
  })
  .strict();

const shareCheckSchema = z
  .object({
    type: z.literal('share'),
    variable: z.string().min(1),
    /** Answer groups counted (e.g. positive + neutral), or `codes`. */
    groups: z.array(answerGroupSchema).min(1).optional(),
    codes: z.array(codeSchema).min(1).optional(),
    comparison: z.enum(['>', '<']),
    threshold: z.number(),
  })
  .strict()
  .refine((c) => (c.groups === undefined) !== (c.codes === undefined), {
    message: 'a share check names either groups or codes',
  });

const rankCheckSchema = z
  .object({
    type: z.literal('rank'),
    /** A multiple-response question id. */
    question: z.string().min(1),
    option: z.string().min(1),
    rank: z.number().int().positive(),
    /** The options ranked ahead of it (rank − 1 of them). */
    above: z.array(z.string().min(1)),
  })
  .strict()
  .refine((c) => c.above.length === c.rank - 1, {
    message: 'a rank check lists rank − 1 options above',
  });

/** A published statement and how to check it against the data. */
export const headlineSchema = z
  .object({
    id: z.string().min(1),
    statement: z.string().min(1),
    source: z.string().min(1),
    check: z.union([shareCheckSchema, rankCheckSchema]),
  })
  .strict();

/** The whole questionnaire description. */
export const questionnaireSchema = z
  .object({
    description: z.string().optional(),
    codes: z.object({ refused: codeSchema, hardToSay: codeSchema }).strict().optional(),
    countries: z.array(z.object({ key: z.string(), label: textSchema }).strict()).optional(),
    /** The attitude battery (optional). */
    attitudes: batterySchema.optional(),
    multipleResponse: z.array(multipleResponseSchema).default([]),
    /** Single categorical items with grouped answers (the poll's EEU items). */
    eeu: z.array(categoricalItemSchema).default([]),
    /** Variables to break items down by. */
    subgroups: z
      .array(z.object({ variable: z.string().min(1), label: textSchema }).strict())
      .default([]),
    headlines: z.array(headlineSchema).default([]),
  })
  .strict();

/** A text with translations. */
export type Text = z.infer<typeof textSchema>;
/** An answer group. */
export type AnswerGroup = z.infer<typeof answerGroupSchema>;
/** A coded answer with its group. */
export type Answer = z.infer<typeof answerSchema>;
/** An attitude battery. */
export type Battery = z.infer<typeof batterySchema>;
/** A multiple-response question. */
export type MultipleResponseQuestion = z.input<typeof multipleResponseSchema>;
/** A single categorical item. */
export type CategoricalItem = z.infer<typeof categoricalItemSchema>;
/** A published statement with its check. */
export type Headline = z.infer<typeof headlineSchema>;
/** The questionnaire description. */
export type Questionnaire = z.infer<typeof questionnaireSchema>;

function sortKeys(r: Record<string, string[]>): Array<[string, string[]]> {
  return Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Validates a parsed JSON value as a questionnaire description.
 *
 * @throws {CodebookError} `INVALID_QUESTIONNAIRE` listing every problem with its path.
 * @example
 * ```ts
 * const q = parseQuestionnaire({
 *   attitudes: { id: 'att', question: { en: 'Attitude?' },
 *     scale: [{ code: 1, label: { en: 'Good' }, group: 'positive' }, { code: 2, label: { en: 'Bad' }, group: 'negative' }],
 *     items: [{ variable: 'att_x', key: 'x', label: { en: 'X' } }] },
 * });
 * console.log(q.attitudes?.items.length, q.attitudes?.scale[1]?.group, q.headlines); // => 1 negative []
 * ```
 */
export function parseQuestionnaire(json: unknown, source = 'questionnaire'): Questionnaire {
  const result = questionnaireSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new CodebookError(
      'INVALID_QUESTIONNAIRE',
      `${source}: invalid questionnaire\n  ${problems.join('\n  ')}`,
      { file: source, problems },
    );
  }
  return result.data;
}

/**
 * Reads and validates a questionnaire JSON file.
 *
 * @throws {CodebookError} `INVALID_QUESTIONNAIRE` (also for a file that is not JSON).
 * @example
 * ```ts
 * const q = await readQuestionnaire('data/questionnaire.json');
 * console.log(q.multipleResponse.map((m) => m.id)); // => [ 'reliable', 'interests' ]
 * ```
 */
export async function readQuestionnaire(path: string): Promise<Questionnaire> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CodebookError('INVALID_QUESTIONNAIRE', `${path}: not JSON (${String(e)})`, {
      file: path,
    });
  }
  return parseQuestionnaire(json, path);
}

/**
 * The answer scale of a variable: the battery's scale for one of its items, or a single item's
 * answers; `undefined` for a variable the questionnaire does not describe.
 * @example
 * ```ts
 * const q = await readQuestionnaire('data/questionnaire.json');
 * console.log(answerScale(q, 'eeu_kz_coop')?.map((a) => a.group).join(' ')); // => positive negative dk missing
 * ```
 */
export function answerScale(q: Questionnaire, variable: string): readonly Answer[] | undefined {
  if (q.attitudes?.items.some((i) => i.variable === variable)) return q.attitudes.scale;
  return q.eeu.find((i) => i.variable === variable)?.answers;
}
