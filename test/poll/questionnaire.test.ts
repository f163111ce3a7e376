import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../src/data/codebook.js';
import { CodebookError, WeightingError } from '../../src/errors.js';
import { answerScale, parseQuestionnaire, textOf } from '../../src/poll/questionnaire.js';
import { marginsFromJson } from '../../src/poll/weighting.js';
import { pollQuestionnaire, root } from './fixtures.js';

describe('questionnaire.json', () => {
  it('is valid and describes columns of the codebook', () => {
    const codebook = parseCodebook(
      JSON.parse(readFileSync(join(root, 'data', 'codebook.json'), 'utf8')),
    );
    const names = new Set(codebook.variables.map((v) => v.name));
    const q = pollQuestionnaire;
    const variables = [
      ...q.attitudes!.items.map((i) => i.variable),
      ...q.multipleResponse.flatMap((m) => m.options.map((o) => o.variable)),
      ...q.eeu.map((i) => i.variable),
      ...q.subgroups.map((s) => s.variable),
    ];
    for (const v of variables) expect(names.has(v), v).toBe(true);
    expect(q.headlines.map((h) => h.check.type)).toEqual(['share', 'share', 'rank', 'rank']);
    expect(answerScale(q, 'att_usa')).toBe(q.attitudes!.scale);
    expect(answerScale(q, 'eeu_membership')?.map((a) => a.group)).toEqual([
      'positive',
      'neutral',
      'negative',
      'dk',
      'missing',
    ]);
    expect(answerScale(q, 'age')).toBeUndefined();
  });

  it('lists every problem of an invalid description', () => {
    const json = JSON.parse(readFileSync(join(root, 'data', 'questionnaire.json'), 'utf8'));
    json.attitudes.scale[0].group = 'very good';
    json.attitudes.groups.positive = [2];
    json.headlines[0].check.threshold = 'ninety';
    try {
      parseQuestionnaire(json, 'q.json');
      expect.fail('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(CodebookError);
      const problems = (e as CodebookError).details.problems as string[];
      expect(problems.some((p) => p.startsWith('attitudes.scale.0.group'))).toBe(true);
      expect(problems.some((p) => p.startsWith('headlines.0.check'))).toBe(true);
      expect((e as CodebookError).message).toContain('q.json');
    }
  });

  it('takes texts in any language: the file says which one every text has', () => {
    const item = (label: Record<string, string>) => ({
      id: 'q',
      variable: 'q',
      question: label,
      answers: [{ code: 1, label, group: 'positive' }],
    });
    // a Belarusian questionnaire needs no English
    const be = parseQuestionnaire({ language: 'be', eeu: [item({ be: 'Так', ru: 'Да' })] });
    expect(be.eeu[0]!.question).toEqual({ be: 'Так', ru: 'Да' });
    expect(textOf(be.eeu[0]!.question)).toBe('Так');
    expect(textOf(be.eeu[0]!.question, 'ru')).toBe('Да');
    // every text must have the file's language: English unless it says otherwise
    const problems = (json: unknown): string[] => {
      try {
        parseQuestionnaire(json);
      } catch (e) {
        expect(e).toBeInstanceOf(CodebookError);
        return (e as CodebookError).details.problems as string[];
      }
      return [];
    };
    expect(problems({ eeu: [item({ be: 'Так' })] })).toEqual([
      'eeu.0.question: no "en" text (has be)',
      'eeu.0.answers.0.label: no "en" text (has be)',
    ]);
    expect(problems({ language: 'be', eeu: [item({ ru: 'Да' })] })).toHaveLength(2);
    expect(problems({ eeu: [item({})] }).join(' ')).toMatch(/at least one language/);
    expect(problems({ eeu: [item({ 'not a code': 'x' })] })[0]).toMatch(
      /^eeu\.0\.question\.not a code: Invalid key/,
    );
  });

  it('refuses two answers, options or items of a question with one label, naming the question, the label and both codes', () => {
    const bundled = () =>
      JSON.parse(readFileSync(join(root, 'data', 'questionnaire.json'), 'utf8'));
    const refused = (json: unknown): CodebookError => {
      try {
        parseQuestionnaire(json, 'q.json');
      } catch (e) {
        expect(e).toBeInstanceOf(CodebookError);
        return e as CodebookError;
      }
      throw new Error('no error');
    };
    // a single item's answers (the report's charts failed with CHART_DUPLICATE_ROWS)
    const eeu = bundled();
    eeu.eeu[0].answers[1].label.en = 'Support';
    const e1 = refused(eeu);
    expect(e1.code).toBe('INVALID_QUESTIONNAIRE');
    expect(e1.message).toContain(
      'q.json: question "eeu_kz_coop" has two answers labelled "Support" (en), codes 1 and 2',
    );
    expect(e1.details).toMatchObject({
      file: 'q.json',
      question: 'eeu_kz_coop',
      kind: 'answers',
      label: 'Support',
      language: 'en',
      codes: [1, 2],
    });
    // in a translation only, in the battery's scale
    const ru = bundled();
    ru.attitudes.scale[1].label.ru = ru.attitudes.scale[0].label.ru;
    expect(refused(ru).details).toMatchObject({
      question: 'attitudes',
      language: 'ru',
      label: 'Очень положительно',
      codes: [1, 2],
    });
    // a multiple-response question's options, the battery's items: by their keys
    const mr = bundled();
    mr.multipleResponse[0].options[1].label = mr.multipleResponse[0].options[0].label;
    const e3 = refused(mr);
    expect(e3.message).toContain(
      'question "reliable" has two options labelled "Russia" (en), keys "russia" and "china"',
    );
    expect((e3.details.problems as string[]).length).toBe(3); // en, ru and be
    const items = bundled();
    items.attitudes.items[2].label.en = items.attitudes.items[0].label.en;
    expect(refused(items).details).toMatchObject({
      question: 'attitudes',
      codes: ['russia', 'kazakhstan'],
    });
    // the same label in two questions is fine, and so is the bundled file
    const two = bundled();
    two.eeu[1].answers[0].label = two.eeu[0].answers[0].label;
    expect(parseQuestionnaire(two).eeu.length).toBe(two.eeu.length);
  });

  it('rejects a rank check whose options above do not match the rank', () => {
    expect(() =>
      parseQuestionnaire({
        headlines: [
          {
            id: 'x',
            statement: 's',
            source: 't',
            check: { type: 'rank', question: 'q', option: 'a', rank: 3, above: ['b'] },
          },
        ],
      }),
    ).toThrow(/rank − 1/);
  });
});

describe('margins.json as raking margins', () => {
  it('gives { variable, population } per margin, levels as the codebook labels', () => {
    const json = JSON.parse(readFileSync(join(root, 'data', 'margins.json'), 'utf8'));
    const margins = marginsFromJson(json);
    expect(margins.map((m) => m.variable)).toEqual(['region', 'sex', 'agegroup', 'area']);
    for (const m of margins) {
      expect(Object.values(m.population).reduce((s, x) => s + x, 0)).toBe(7_490_000);
    }
    expect(Object.keys(margins[1]!.population)).toEqual(['Male', 'Female']);
  });

  it('throws INVALID_MARGINS naming the problem', () => {
    expect(() =>
      marginsFromJson({ margins: [{ variable: 'sex', population: { Male: -1 } }] }),
    ).toThrow(WeightingError);
    expect(() => marginsFromJson({ margins: [] })).toThrow(/margins/);
  });
});
