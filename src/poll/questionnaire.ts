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
import { z } from 'zod';
import { array, minLength, optional, string } from 'zod/mini';
import { readJsonFile } from '../data/json-file.js';
import { CodebookError } from '../errors.js';
import { aboutSchema, trendSchema } from './about.js';

/** A text in English, with translations keyed by language code (`{ en, ru }`). */
const textSchema = z
  .object({
    /** The English text. */
    en: z.string().min(1),
  })
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
  .object({
    /** The code in the data file (e.g. 1, or 98 for "hard to say"). */
    code: codeSchema,
    /** What it means, with translations. */
    label: textSchema,
    /** How it counts. */
    group: answerGroupSchema,
  })
  .strict();

/** An attitude battery: several items (columns) asked with one answer scale. */
export const batterySchema = z
  .object({
    /** The battery's id. */
    id: z.string().min(1),
    /** The question, with translations. */
    question: textSchema,
    /** The answer scale every item is asked with, in order. */
    scale: z.array(answerSchema).min(1),
    /** Redundant summary of `scale` (codes per group); checked against it when present. */
    groups: z.record(z.string(), z.array(codeSchema)).optional(),
    /** The items: one categorical column each. */
    items: z
      .array(
        z.object({
          /** The item's column. */
          variable: z.string().min(1),
          /** Its key in results (e.g. the country). */
          key: z.string().min(1),
          /** Its label, with translations. */
          label: textSchema,
        }),
      )
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
    /** The question's id. */
    id: z.string().min(1),
    /** The question, with translations. */
    question: textSchema,
    /** Most answers a respondent may give (documentation). */
    maxAnswers: z.number().int().positive().optional(),
    /** How missing answers are coded (documentation). */
    missing: z.string().optional(),
    /** The options: one 0/1 column each (1: named). */
    options: z
      .array(
        z
          .object({
            /** The option's column. */
            variable: z.string().min(1),
            /** Its key in results (e.g. the country). */
            key: z.string().min(1),
            /** `'none'` and `'dk'` are not substantive options (left out of rankings). */
            kind: z.string().default('option'),
            /** Its label, with translations. */
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
    /** The item's id. */
    id: z.string().min(1),
    /** The item's column. */
    variable: z.string().min(1),
    /** The question, with translations. */
    question: textSchema,
    /** Its answers, in order. */
    answers: z.array(answerSchema).min(1),
  })
  .strict();

const shareCheckSchema = z
  .object({
    /** A share against a threshold. */
    type: z.literal('share'),
    /** The item (a battery item or a categorical item column). */
    variable: z.string().min(1),
    /** Answer groups counted (e.g. positive + neutral), or `codes`. */
    groups: z.array(answerGroupSchema).min(1).optional(),
    /** Answer codes counted (instead of `groups`). */
    codes: z.array(codeSchema).min(1).optional(),
    /** The claim: the share is more (`>`) or less (`<`) than the threshold. */
    comparison: z.enum(['>', '<']),
    /** The threshold, a share 0–1 (e.g. 0.6 for "more than 60%"). */
    threshold: z.number(),
  })
  .strict()
  .refine((c) => (c.groups === undefined) !== (c.codes === undefined), {
    message: 'a share check names either groups or codes',
  });

const rankCheckSchema = z
  .object({
    /** An option's rank in a multiple-response question. */
    type: z.literal('rank'),
    /** A multiple-response question id. */
    question: z.string().min(1),
    /** The option's key. */
    option: z.string().min(1),
    /** The rank claimed (1 = most named). */
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
    /** The statement's id. */
    id: z.string().min(1),
    /** The statement as published. */
    statement: z.string().min(1),
    /** Where it was published. */
    source: z.string().min(1),
    /** A short label for charts (default: the statement). */
    label: optional(string().check(minLength(1))),
    /** How to check it against the data. */
    check: z.union([shareCheckSchema, rankCheckSchema]),
  })
  .strict();

/** The whole questionnaire description. */
export const questionnaireSchema = z
  .object({
    /** What the file describes. */
    description: z.string().optional(),
    /** The poll's common codes (documentation; each item's answers say how codes count). */
    codes: z
      .object({
        /** The code for a refusal. */
        refused: codeSchema,
        /** The code for "hard to say". */
        hardToSay: codeSchema,
      })
      .strict()
      .optional(),
    /** The countries asked about, with their labels (documentation). */
    countries: z
      .array(
        z
          .object({
            /** The country's key. */
            key: z.string(),
            /** Its label, with translations. */
            label: textSchema,
          })
          .strict(),
      )
      .optional(),
    /** The attitude battery (optional). */
    attitudes: batterySchema.optional(),
    /** Multiple-response questions. */
    multipleResponse: z.array(multipleResponseSchema).default([]),
    /** Single categorical items with grouped answers (the poll's EEU items). */
    eeu: z.array(categoricalItemSchema).default([]),
    /** Variables to break items down by. */
    subgroups: z
      .array(
        z
          .object({
            /** The grouping column. */
            variable: z.string().min(1),
            /** Its label, with translations. */
            label: textSchema,
          })
          .strict(),
      )
      .default([]),
    /** Published statements to check ({@link evaluateHeadlines}). */
    headlines: z.array(headlineSchema).default([]),
    /** How reports present the poll: title, source, notice, methodology notes. */
    about: optional(aboutSchema),
    /** Figures published elsewhere to chart beside an item's estimate. */
    trends: optional(array(trendSchema)),
  })
  .strict();

/**
 * A text with translations.
 * @useDeclaredType
 */
export type Text = z.infer<typeof textSchema>;
/**
 * An answer group.
 * @useDeclaredType
 */
export type AnswerGroup = z.infer<typeof answerGroupSchema>;
/**
 * A coded answer with its group.
 * @useDeclaredType
 */
export type Answer = z.infer<typeof answerSchema>;
/**
 * An attitude battery.
 * @useDeclaredType
 */
export type Battery = z.infer<typeof batterySchema>;
/**
 * A multiple-response question.
 * @useDeclaredType
 */
export type MultipleResponseQuestion = z.input<typeof multipleResponseSchema>;
/**
 * A single categorical item.
 * @useDeclaredType
 */
export type CategoricalItem = z.infer<typeof categoricalItemSchema>;
/**
 * A published statement with its check.
 * @useDeclaredType
 */
export type Headline = z.infer<typeof headlineSchema>;
/**
 * The questionnaire description.
 * @useDeclaredType
 */
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
 * @throws {DataFormatError} `FILE_NOT_FOUND`, `READ_ERROR`.
 * @example
 * ```ts
 * const q = await readQuestionnaire('data/questionnaire.json');
 * console.log(q.multipleResponse.map((m) => m.id)); // => [ 'reliable', 'interests' ]
 * ```
 */
export async function readQuestionnaire(path: string): Promise<Questionnaire> {
  const json = await readJsonFile(
    path,
    (message) => new CodebookError('INVALID_QUESTIONNAIRE', message, { file: path }),
  );
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
