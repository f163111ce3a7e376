import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  codebookJsonSchema,
  codebookSchema,
  emptyCodebook,
  parseCodebook,
} from '../../src/data/codebook.js';
import { variableRules } from '../../src/data/csv/codebook-check.js';
import { CodebookError } from '../../src/errors.js';

function invalid(json: unknown): CodebookError {
  try {
    parseCodebook(json, 'cb.json');
  } catch (e) {
    expect(e).toBeInstanceOf(CodebookError);
    expect((e as CodebookError).code).toBe('INVALID_CODEBOOK');
    expect((e as CodebookError).details.file).toBe('cb.json');
    return e as CodebookError;
  }
  throw new Error('expected INVALID_CODEBOOK');
}

describe('parseCodebook', () => {
  it('accepts a valid codebook and returns it', () => {
    const json = JSON.parse(
      readFileSync(new URL('../fixtures/csv/poll.codebook.json', import.meta.url), 'utf8'),
    );
    const cb = parseCodebook(json);
    expect(cb.variables.map((v) => v.name)).toEqual(['sex', 'age', 'q1']);
    expect(cb.variables[0]!.values).toHaveLength(3);
    expect(cb.variables[1]!.range).toEqual([18, 99]);
    expect(parseCodebook({ variables: [] })).toEqual(emptyCodebook());
  });

  it('lists every schema problem with its path', () => {
    expect(invalid(42).details.problems).toEqual([
      '(root): Invalid input: expected object, received number',
    ]);
    expect(invalid({}).details.problems).toEqual([
      'variables: Invalid input: expected array, received undefined',
    ]);
    const e = invalid({
      variables: [
        { name: 'x', type: 'text' },
        { name: '', type: 'numeric', range: [1] },
        { name: 'z', type: 'numeric', lables: [] },
        { name: 'w', type: 'categorical', values: [{ code: 1, label: '' }] },
      ],
    });
    const problems = e.details.problems as string[];
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'variables.0.type',
      'variables.1.name',
      'variables.1.range',
      'variables.2',
      'variables.3.values.0.label',
    ]);
    expect(problems[3]).toContain('Unrecognized key: "lables"');
    expect(e.message).toContain('cb.json: invalid codebook');
    expect(e.message).toContain('variables.0.type');
  });

  it('rejects a variable listed twice and a code listed twice', () => {
    const twice = invalid({
      variables: [
        { name: 'x', type: 'numeric' },
        { name: 'x', type: 'categorical' },
      ],
    });
    expect(twice.details.variable).toBe('x');
    expect(twice.message).toContain('listed twice');
    const code = invalid({
      variables: [
        {
          name: 'sex',
          type: 'categorical',
          values: [
            { code: 1, label: 'Male' },
            { code: 1, label: 'Female' },
          ],
        },
      ],
    });
    expect(code.details).toMatchObject({ variable: 'sex', value: 1 });
  });
});

describe('codebookJsonSchema', () => {
  it('is a JSON Schema of an object with a variables array', () => {
    const schema = codebookJsonSchema() as {
      $schema?: string;
      type: string;
      required?: string[];
      properties: Record<
        string,
        { type?: string; items?: { properties?: Record<string, unknown> } }
      >;
    };
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.type).toBe('object');
    expect(schema.required).toContain('variables');
    expect(schema.properties.variables!.type).toBe('array');
    const item = schema.properties.variables!.items!.properties!;
    expect(Object.keys(item)).toEqual(
      expect.arrayContaining(['name', 'type', 'label', 'values', 'missing', 'range']),
    );
    expect(item.type).toMatchObject({ enum: ['numeric', 'categorical'] });
    // plain JSON: survives a round trip
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('is what docs/codebook.schema.json holds (npm run codebook:schema writes it)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../docs/codebook.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(codebookJsonSchema());
  });

  it('agrees with the zod schema on a sample', () => {
    expect(codebookSchema.safeParse({ variables: [{ name: 'a', type: 'numeric' }] }).success).toBe(
      true,
    );
  });
});

describe('variableRules (codebook matching used by the CSV loader)', () => {
  const rules = variableRules({
    name: 'sex',
    type: 'categorical',
    missing: [9, 'DK'],
    values: [
      { code: 1, label: 'Male' },
      { code: '2', label: 'Female' },
      { code: 3, label: 'Female' },
      { code: 9, label: 'Refused' },
    ],
  });

  it('builds levels from labels in order, without missing codes, each label once', () => {
    expect(rules.levels).toEqual(['Male', 'Female']);
  });

  it('classifies cells', () => {
    expect(rules.classify('1')).toEqual({ kind: 'level', level: 0 });
    expect(rules.classify(' 1.0 ')).toEqual({ kind: 'level', level: 0 });
    expect(rules.classify('2')).toEqual({ kind: 'level', level: 1 });
    expect(rules.classify('3')).toEqual({ kind: 'level', level: 1 });
    expect(rules.classify('Male')).toEqual({ kind: 'level', level: 0 });
    expect(rules.classify('male')).toMatchObject({ kind: 'invalid' });
    expect(rules.classify('9')).toEqual({ kind: 'missing', code: '9' });
    expect(rules.classify('Refused')).toEqual({ kind: 'missing', code: '9' });
    expect(rules.classify('DK')).toEqual({ kind: 'missing', code: 'DK' });
    expect(rules.classify('  ')).toEqual({ kind: 'empty' });
    expect(rules.classify('4')).toEqual({
      kind: 'invalid',
      reason: 'not a code or label of "sex" (codes: 1, 2, 3, 9)',
    });
  });

  it('checks numbers and ranges of numeric variables', () => {
    const age = variableRules({ name: 'age', type: 'numeric', range: [18, 99], missing: [999] });
    expect(age.classify('18')).toEqual({ kind: 'value', value: 18 });
    expect(age.classify('999')).toEqual({ kind: 'missing', code: '999' });
    expect(age.classify('17.5')).toMatchObject({ kind: 'invalid' });
    expect(age.classify('old')).toEqual({
      kind: 'invalid',
      reason: 'not a number (variable "age" is numeric)',
    });
    expect(age.missingNumbers).toEqual([999]);
    expect(age.missingKeyOf(999)).toBe('999');
  });
});

describe('keys from the file that are not language codes', () => {
  it('a translations key __proto__ is INVALID_CODEBOOK (zod drops it without a word)', () => {
    const json = JSON.parse(
      '{"variables":[{"name":"q","type":"categorical","translations":{"__proto__":"x","ru":"y"},"values":[{"code":1,"label":"a","translations":{"__proto__":{"polluted":1}}}]}]}',
    );
    let problems: string[] = [];
    try {
      parseCodebook(json);
    } catch (e) {
      problems = (e as CodebookError).details.problems as string[];
    }
    expect(problems).toEqual([
      'variables.0.translations.__proto__: a key named "__proto__" is not allowed here (it would be lost); rename it',
      'variables.0.values.0.translations.__proto__: a key named "__proto__" is not allowed here (it would be lost); rename it',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('variable names and labels __proto__, constructor, toString are ordinary texts', () => {
    const cb = parseCodebook({
      variables: [
        {
          name: '__proto__',
          type: 'categorical',
          values: [{ code: 'toString', label: '__proto__' }],
        },
        { name: 'constructor', type: 'numeric' },
      ],
    });
    expect(cb.variables.map((v) => v.name)).toEqual(['__proto__', 'constructor']);
  });
});
