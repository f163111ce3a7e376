/**
 * Formula parsing: R's term labels and intercept (test/reference/models.json `matrices`), and
 * syntax errors with their position.
 */
import { describe, expect, it } from 'vitest';
import { EstimationError } from '../../src/errors.js';
import { canonicalTerm, parseFormula } from '../../src/models/formula.js';
import { models } from './reference-designs.js';

interface MatrixRef {
  formula: string;
  labels: string[];
  intercept: boolean;
  columns: string[];
}

describe('parseFormula gives R terms', () => {
  for (const ref of models['matrices'] as MatrixRef[]) {
    it(ref.formula, () => {
      const f = parseFormula(ref.formula);
      expect(f.labels).toEqual(ref.labels);
      expect(f.intercept).toBe(ref.intercept);
      expect(f.response).toBe('api00');
    });
  }

  it('reads names in backticks and non-Latin names, and records where variables are', () => {
    const f = parseFormula('`my outcome` ~ возраст + `sex group`:возраст');
    expect(f.response).toBe('my outcome');
    expect(f.labels).toEqual(['возраст', 'возраст:sex group']);
    expect(f.positions.get('sex group')).toBe(26);
    expect(f.positions.get('возраст')).toBe(16);
  });

  it('a one-sided formula has no response', () => {
    expect(parseFormula('~ a + b').response).toBeNull();
  });

  it('canonical term labels ignore the order of variables', () => {
    expect(canonicalTerm('stype:ell')).toBe(canonicalTerm('ell : stype'));
    expect(canonicalTerm('a:b:c')).toBe('a:b:c');
  });
});

describe('bad formulas are FORMULA_SYNTAX errors with the position', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['y ~ a +', 8, /ends after '\+'/],
    ['y a + b', 1, /needs '~'/],
    ['y ~ (a + b', 11, /expected '\)'/],
    ['y ~ a + )', 9, /unexpected '\)'/],
    ['y ~ log(x)', 5, /functions such as log\(\)/],
    ['y ~ .', 5, /'\.'/],
    ['y ~ a $ b', 7, /unexpected character '\$'/],
    ['y ~ a b', 7, /unexpected name 'b'/],
    ['y ~ a + 2', 9, /number 2 cannot be a term/],
    ['y ~ a^b', 7, /power of a term/],
    ['y ~ y + a', 5, /outcome y is also a term/],
    ['y ~ 0', 5, /no terms and no intercept/],
    ['y + z ~ a', 3, /left of ~ must be one variable/],
    ['y ~ a %o% b', 7, /%in%/],
    ['y ~ `a', 5, /not closed/],
    ['y ~ ', 5, /nothing after ~/],
  ];
  for (const [text, position, message] of cases) {
    it(JSON.stringify(text), () => {
      let err: unknown;
      try {
        parseFormula(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EstimationError);
      const e = err as EstimationError;
      expect(e.code).toBe('FORMULA_SYNTAX');
      expect(e.details.position).toBe(position);
      expect(e.details.formula).toBe(text);
      expect(e.message).toMatch(message);
      // the caret line points at the position
      const lines = e.message.split('\n');
      expect(lines[2]!.indexOf('^')).toBe(lines[1]!.indexOf(text) + position - 1);
    });
  }
});
