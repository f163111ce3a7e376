import { describe, expect, it } from 'vitest';
import { CodebookError } from '../../src/errors.js';
import { parseQuestionnaire } from '../../src/poll/questionnaire.js';

const trend = {
  id: 'support-trend',
  variable: 'support',
  title: 'Support over time',
  series: 'Barometer (published)',
  figures: [{ x: 2019, share: 0.6, source: 'Barometer 2019' }],
  poll: { x: 2021, series: 'This poll' },
};

describe('the questionnaire fields for reports (about, trends, headline labels)', () => {
  it('are optional: a questionnaire without them stays valid and has none', () => {
    const q = parseQuestionnaire({});
    expect(q.about).toBeUndefined();
    expect(q.trends).toBeUndefined();
  });

  it('are read when given', () => {
    const q = parseQuestionnaire({
      about: { title: 'T', notice: 'Synthetic!', methodology: ['A paragraph.'], source: 'X' },
      trends: [trend],
      headlines: [
        {
          id: 'h',
          statement: 'More than half support it',
          label: 'Support',
          source: 'a paper',
          check: {
            type: 'share',
            variable: 'support',
            groups: ['positive'],
            comparison: '>',
            threshold: 0.5,
          },
        },
      ],
    });
    expect(q.about).toEqual({
      title: 'T',
      notice: 'Synthetic!',
      methodology: ['A paragraph.'],
      source: 'X',
    });
    expect(q.trends?.[0]?.figures[0]?.share).toBe(0.6);
    expect(q.headlines[0]?.label).toBe('Support');
  });

  it('are checked: a share out of 0–1, an empty notice, an unknown field, a bad statistic', () => {
    const bad = {
      about: { notice: '', colour: 'red' },
      trends: [{ ...trend, statistic: 'net', figures: [{ x: 2019, share: 60, source: 'B' }] }],
    };
    let error: unknown;
    try {
      parseQuestionnaire(bad, 'q.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CodebookError);
    const e = error as CodebookError;
    expect(e.code).toBe('INVALID_QUESTIONNAIRE');
    const problems = (e.details as { problems: string[] }).problems;
    expect(problems.some((p) => p.startsWith('about.notice:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('about:') && p.includes('colour'))).toBe(true);
    expect(problems.some((p) => p.startsWith('trends.0.statistic:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('trends.0.figures.0.share:'))).toBe(true);
  });
});
