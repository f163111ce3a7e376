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
