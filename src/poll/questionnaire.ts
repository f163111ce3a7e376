/**
 * The questionnaire description the poll analysis layer reads (`data/questionnaire.json`): the
 * attitude battery (one categorical column per item, answer codes grouped into positive /
 * neutral / negative / hard to say / missing), the multiple-response questions (one 0/1 column
 * per option), single categorical items (the EEU items), the subgroup variables, and the
 * published statements to check. Validated with zod (`zod/mini`), so another poll's battery (other countries,
 * other unions) plugs in as data.
 *
 * Answer codes are the codes of the data file; a loaded categorical column has the codebook's
 * value labels as levels, and {@link resolveAnswers} (answers.ts) maps codes to levels.
 * @module
 */
import {
  _default,
  array,
  describe,
  enum as enumOf,
  type input,
  int,
  literal,
  minLength,
  number,
  object,
  optional,
  type output,
  positive,
  record,
  refine,
  regex,
  strictObject,
  string,
  union,
} from 'zod/mini';
import { readJsonFile } from '../data/json-file.js';
import { validateJson } from '../data/validate.js';
import { CodebookError } from '../errors.js';
import { aboutSchema, trendSchema } from './about.js';

/** A non-empty text. */
const nonEmpty = () => string().check(minLength(1));

/** A language code: `en`, `ru`, `be`, `pt-BR`, ... */
const languageCode = () =>
  string().check(
    regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language code such as "en", "be" or "pt-BR"'),
  );

/**
 * A text in one or more languages, keyed by language code (`{ en, ru }`, `{ be }`): at least one,
 * and the questionnaire's `language` (English unless it says otherwise).
 */
const textSchema = record(languageCode(), nonEmpty()).check(
  refine((t) => Object.keys(t).length > 0, 'a text needs at least one language'),
  describe(
    "Text keyed by language code, e.g. { en, ru } or { be }: the questionnaire's language (en unless it says) and any translations.",
  ),
);

const codeSchema = union([number(), string()]);

/** How an answer counts: the groups every summary is made of. */
export const answerGroupSchema = enumOf(['positive', 'neutral', 'negative', 'dk', 'missing']).check(
  describe(
    'positive / neutral / negative pole, dk ("hard to say": a real answer, in the base), ' +
      'missing (refused: not in the base).',
  ),
);

/** One coded answer. */
export const answerSchema = strictObject({
  /** The code in the data file (e.g. 1, or 98 for "hard to say"). */
  code: codeSchema,
  /** What it means, with translations. */
  label: textSchema,
  /** How it counts. */
  group: answerGroupSchema,
});

/** An attitude battery: several items (columns) asked with one answer scale. */
export const batterySchema = strictObject({
  /** The battery's id. */
  id: nonEmpty(),
  /** The question, with translations. */
  question: textSchema,
  /** The answer scale every item is asked with, in order. */
  scale: array(answerSchema).check(minLength(1)),
  /** Redundant summary of `scale` (codes per group); checked against it when present. */
  groups: optional(record(string(), array(codeSchema))),
  /** The items: one categorical column each. */
  items: array(
    object({
      /** The item's column. */
      variable: nonEmpty(),
      /** Its key in results (e.g. the country). */
      key: nonEmpty(),
      /** Its label, with translations. */
      label: textSchema,
    }),
  ).check(minLength(1)),
}).check(
  refine(
    (b) => {
      if (!b.groups) return true;
      const fromScale: Record<string, string[]> = {};
      for (const a of b.scale) (fromScale[a.group] ??= []).push(String(a.code));
      const given = Object.fromEntries(
        Object.entries(b.groups).map(([g, codes]) => [g, codes.map(String)]),
      );
      return JSON.stringify(sortKeys(fromScale)) === JSON.stringify(sortKeys(given));
    },
    { path: ['groups'], message: 'groups must list the codes of each group of the scale' },
  ),
);

/** A multiple-response question: one 0/1 column per option. */
export const multipleResponseSchema = strictObject({
  /** The question's id. */
  id: nonEmpty(),
  /** The question, with translations. */
  question: textSchema,
  /** Most answers a respondent may give (documentation). */
  maxAnswers: optional(int().check(positive())),
  /** How missing answers are coded (documentation). */
  missing: optional(string()),
  /** The options: one 0/1 column each (1: named). */
  options: array(
    strictObject({
      /** The option's column. */
      variable: nonEmpty(),
      /** Its key in results (e.g. the country). */
      key: nonEmpty(),
      /** `'none'` and `'dk'` are not substantive options (left out of rankings). */
      kind: _default(string(), 'option'),
      /** Its label, with translations. */
      label: textSchema,
    }),
  ).check(minLength(1)),
});

/** A single categorical item (e.g. an EEU item) with grouped answers. */
export const categoricalItemSchema = strictObject({
  /** The item's id. */
  id: nonEmpty(),
  /** The item's column. */
  variable: nonEmpty(),
  /** The question, with translations. */
  question: textSchema,
  /** Its answers, in order. */
  answers: array(answerSchema).check(minLength(1)),
});

const shareCheckSchema = strictObject({
  /** A share against a threshold. */
  type: literal('share'),
  /** The item (a battery item or a categorical item column). */
  variable: nonEmpty(),
  /** Answer groups counted (e.g. positive + neutral), or `codes`. */
  groups: optional(array(answerGroupSchema).check(minLength(1))),
  /** Answer codes counted (instead of `groups`). */
  codes: optional(array(codeSchema).check(minLength(1))),
  /** The claim: the share is more (`>`) or less (`<`) than the threshold. */
  comparison: enumOf(['>', '<']),
  /** The threshold, a share 0–1 (e.g. 0.6 for "more than 60%"). */
  threshold: number(),
}).check(
  refine((c) => (c.groups === undefined) !== (c.codes === undefined), {
    message: 'a share check names either groups or codes',
  }),
);

const rankCheckSchema = strictObject({
  /** An option's rank in a multiple-response question. */
  type: literal('rank'),
  /** A multiple-response question id. */
  question: nonEmpty(),
  /** The option's key. */
  option: nonEmpty(),
  /** The rank claimed (1 = most named). */
  rank: int().check(positive()),
  /** The options ranked ahead of it (rank − 1 of them). */
  above: array(nonEmpty()),
}).check(
  refine((c) => c.above.length === c.rank - 1, {
    message: 'a rank check lists rank − 1 options above',
  }),
);

/** A published statement and how to check it against the data. */
export const headlineSchema = strictObject({
  /** The statement's id. */
  id: nonEmpty(),
  /** The statement as published. */
  statement: nonEmpty(),
  /** Where it was published. */
  source: nonEmpty(),
  /** A short label for charts (default: the statement). */
  label: optional(nonEmpty()),
  /** How to check it against the data. */
  check: union([shareCheckSchema, rankCheckSchema]),
});

/** The whole questionnaire description. */
export const questionnaireSchema = strictObject({
  /** What the file describes. */
  description: optional(string()),
  /**
   * The language every text of the file is written in (default `en`); a text's other languages
   * are its translations.
   */
  language: optional(languageCode()),
  /** The poll's common codes (documentation; each item's answers say how codes count). */
  codes: optional(
    strictObject({
      /** The code for a refusal. */
      refused: codeSchema,
      /** The code for "hard to say". */
      hardToSay: codeSchema,
    }),
  ),
  /** The countries asked about, with their labels (documentation). */
  countries: optional(
    array(
      strictObject({
        /** The country's key. */
        key: string(),
        /** Its label, with translations. */
        label: textSchema,
      }),
    ),
  ),
  /** The attitude battery (optional). */
  attitudes: optional(batterySchema),
  /** Multiple-response questions. */
  multipleResponse: _default(array(multipleResponseSchema), []),
  /** Single categorical items with grouped answers (the poll's EEU items). */
  eeu: _default(array(categoricalItemSchema), []),
  /** Variables to break items down by. */
  subgroups: _default(
    array(
      strictObject({
        /** The grouping column. */
        variable: nonEmpty(),
        /** Its label, with translations. */
        label: textSchema,
      }),
    ),
    [],
  ),
  /** Published statements to check ({@link evaluateHeadlines}). */
  headlines: _default(array(headlineSchema), []),
  /**
   * The banner of the poll's tab book: the variables whose levels are the columns of the
   * report's banner tables ({@link svyTabs}); default the subgroup variables.
   */
  banner: optional(array(nonEmpty())),
  /** How reports present the poll: title, source, notice, methodology notes. */
  about: optional(aboutSchema),
  /** Figures published elsewhere to chart beside an item's estimate. */
  trends: optional(array(trendSchema)),
});

/**
 * A text with translations.
 * @useDeclaredType
 */
export type Text = output<typeof textSchema>;
/**
 * An answer group.
 * @useDeclaredType
 */
export type AnswerGroup = output<typeof answerGroupSchema>;
/**
 * A coded answer with its group.
 * @useDeclaredType
 */
export type Answer = output<typeof answerSchema>;
/**
 * An attitude battery.
 * @useDeclaredType
 */
export type Battery = output<typeof batterySchema>;
/**
 * A multiple-response question.
 * @useDeclaredType
 */
export type MultipleResponseQuestion = input<typeof multipleResponseSchema>;
/**
 * A single categorical item.
 * @useDeclaredType
 */
export type CategoricalItem = output<typeof categoricalItemSchema>;
/**
 * A published statement with its check.
 * @useDeclaredType
 */
export type Headline = output<typeof headlineSchema>;
/**
 * The questionnaire description.
 * @useDeclaredType
 */
export type Questionnaire = output<typeof questionnaireSchema>;

/**
 * The text of a label in a language: that language's, else English, else the first language the
 * text has. Without a language it is the text results carry (svyBattery's, svyItem's and
 * svyMultipleResponse's labels, and the keys of `chartLabels`).
 * @param text - A text keyed by language code (`{ en, ru }`).
 * @param language - The language wanted (its base language too: `ru` for `ru-BY`).
 * @example
 * ```ts
 * console.log(textOf({ en: 'Russia', ru: 'Россия' }), textOf({ be: 'Расія', ru: 'Россия' }), textOf({ en: 'Russia', be: 'Расія' }, 'be')); // => Russia Расія Расія
 * ```
 */
export function textOf(text: Readonly<Record<string, string>>, language?: string): string {
  if (language !== undefined) {
    const own = text[language] ?? text[language.split('-')[0]!];
    if (own !== undefined) return own;
  }
  return text.en ?? Object.values(text)[0] ?? '';
}

/** Every text of a questionnaire, with its path (for the language check). */
function textsOf(q: Questionnaire): Array<[string, Text]> {
  const out: Array<[string, Text]> = [];
  q.countries?.forEach((c, i) => {
    out.push([`countries.${i}.label`, c.label]);
  });
  if (q.attitudes) {
    out.push(['attitudes.question', q.attitudes.question]);
    q.attitudes.scale.forEach((a, i) => {
      out.push([`attitudes.scale.${i}.label`, a.label]);
    });
    q.attitudes.items.forEach((a, i) => {
      out.push([`attitudes.items.${i}.label`, a.label]);
    });
  }
  q.multipleResponse.forEach((m, i) => {
    out.push([`multipleResponse.${i}.question`, m.question]);
    m.options.forEach((o, j) => {
      out.push([`multipleResponse.${i}.options.${j}.label`, o.label]);
    });
  });
  q.eeu.forEach((e, i) => {
    out.push([`eeu.${i}.question`, e.question]);
    e.answers.forEach((a, j) => {
      out.push([`eeu.${i}.answers.${j}.label`, a.label]);
    });
  });
  q.subgroups.forEach((s, i) => {
    out.push([`subgroups.${i}.label`, s.label]);
  });
  return out;
}

/** Two answers (or options, or items) of one question with the same label in one language. */
export interface DuplicateLabel {
  /** Where the second one is, e.g. `eeu.0.answers.1.label.en`. */
  path: string;
  /** The question's id (the battery's, the item's, the multiple-response question's). */
  question: string;
  /** What the two are: a question's answers (codes), a battery's items or a multiple-response question's options (keys). */
  kind: 'answers' | 'items' | 'options';
  /** The language of the label. */
  language: string;
  /** The label both have. */
  label: string;
  /** The codes (answers) or keys (options, items) of the two, in the file's order. */
  codes: [string | number, string | number];
}

/**
 * Every pair of answers of one question that share a label in a language, each found with the
 * first answer that has it: the attitude battery's scale and its items, each multiple-response
 * question's options and each single item's answers. Two answers with one label would be two
 * rows no reader of a table or chart could tell apart (the report's charts refuse them,
 * `CHART_DUPLICATE_ROWS`): almost always a slip of copy and paste in the questionnaire, and
 * merging them would change the estimates, so the questionnaire is refused and the analyst
 * decides (a distinct label for each, or one code for both in the data).
 */
export function duplicateLabels(q: Questionnaire): DuplicateLabel[] {
  const out: DuplicateLabel[] = [];
  const check = (
    question: string,
    kind: DuplicateLabel['kind'],
    path: string,
    entries: ReadonlyArray<{ label: Text; code: string | number }>,
  ) => {
    const seen = new Map<string, string | number>();
    entries.forEach((e, i) => {
      for (const [language, label] of Object.entries(e.label)) {
        const key = `${language}\u0000${label}`;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, e.code);
        else {
          out.push({
            path: `${path}.${i}.label.${language}`,
            question,
            kind,
            language,
            label,
            codes: [first, e.code],
          });
        }
      }
    });
  };
  if (q.attitudes) {
    const { id, scale, items } = q.attitudes;
    check(id, 'answers', 'attitudes.scale', scale);
    check(
      id,
      'items',
      'attitudes.items',
      items.map((i) => ({ label: i.label, code: i.key })),
    );
  }
  q.multipleResponse.forEach((m, k) => {
    check(
      m.id,
      'options',
      `multipleResponse.${k}.options`,
      m.options.map((o) => ({ label: o.label, code: o.key })),
    );
  });
  q.eeu.forEach((e, k) => {
    check(e.id, 'answers', `eeu.${k}.answers`, e.answers);
  });
  return out;
}

/**
 * Throws when two answers of a question share a label ({@link duplicateLabels}).
 * @throws {CodebookError} `INVALID_QUESTIONNAIRE` naming the question, the label, its language
 *   and both codes (`details`: `question`, `kind`, `label`, `language`, `codes`, and `problems`,
 *   one line per pair).
 */
export function checkAnswerLabels(q: Questionnaire, source = 'questionnaire'): void {
  const dups = duplicateLabels(q);
  if (dups.length === 0) return;
  const problems = dups.map(
    (d) =>
      `${d.path}: question "${d.question}": ${JSON.stringify(d.label)} (${d.language}) is the label of both ${JSON.stringify(d.codes[0])} and ${JSON.stringify(d.codes[1])}`,
  );
  const d = dups[0]!;
  throw new CodebookError(
    'INVALID_QUESTIONNAIRE',
    `${source}: question "${d.question}" has two ${d.kind} labelled ${JSON.stringify(d.label)} (${d.language}), ${d.kind === 'answers' ? 'codes' : 'keys'} ${JSON.stringify(d.codes[0])} and ${JSON.stringify(d.codes[1])}: tables and charts could not tell them apart; give each its own label${d.kind === 'answers' ? ' (or one code to both in the data)' : ''}\n  ${problems.join('\n  ')}`,
    {
      file: source,
      problems,
      question: d.question,
      kind: d.kind,
      label: d.label,
      language: d.language,
      codes: d.codes,
    },
  );
}

function sortKeys(r: Record<string, string[]>): Array<[string, string[]]> {
  return Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Validates a parsed JSON value as a questionnaire description.
 *
 * @param json - The questionnaire as parsed JSON.
 * @param source - The name given in error messages (a file name); default `questionnaire`.
 * @throws {CodebookError} `INVALID_QUESTIONNAIRE` listing every problem with its path; also for
 *   two answers (options, items) of one question with the same label in a language, naming the
 *   question, the label and both codes (no table or chart could tell them apart).
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
  const result = validateJson(questionnaireSchema, json);
  if (!result.ok) {
    throw new CodebookError(
      'INVALID_QUESTIONNAIRE',
      `${source}: invalid questionnaire\n  ${result.problems.join('\n  ')}`,
      { file: source, problems: result.problems },
    );
  }
  const language = result.data.language ?? 'en';
  const problems = textsOf(result.data)
    .filter(([, t]) => t[language] === undefined)
    .map(([path, t]) => `${path}: no "${language}" text (has ${Object.keys(t).join(', ')})`);
  if (problems.length) {
    throw new CodebookError(
      'INVALID_QUESTIONNAIRE',
      `${source}: every text must be in the questionnaire's language "${language}"${result.data.language ? '' : ' (set "language" for another)'}\n  ${problems.join('\n  ')}`,
      { file: source, problems },
    );
  }
  checkAnswerLabels(result.data, source);
  return result.data;
}

/**
 * Reads and validates a questionnaire JSON file.
 *
 * @param path - Path of the questionnaire JSON file (Node; elsewhere parse the file's text and use
 *   {@link parseQuestionnaire}).
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
 * @param q - The questionnaire.
 * @param variable - The variable name.
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
