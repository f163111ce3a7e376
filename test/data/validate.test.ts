import { describe, expect, it } from 'vitest';
import { ru } from 'zod/locales';
import { _default, array, config, minLength, number, strictObject, string } from 'zod/mini';
import { validateJson } from '../../src/data/validate.js';

const schema = strictObject({
  name: string().check(minLength(1)),
  sizes: _default(array(number()), []),
});

describe('validateJson', () => {
  it('returns the parsed value with defaults applied', () => {
    expect(validateJson(schema, { name: 'a' })).toEqual({
      ok: true,
      data: { name: 'a', sizes: [] },
    });
  });

  it('gives English messages with their paths though zod/mini installs no locale', () => {
    // zod/mini alone leaves the global locale unset (its issues would read "Invalid input")
    expect(config().localeError).toBeUndefined();
    expect(validateJson(schema, { name: '', sizes: [1, 'x'], extra: 1 })).toEqual({
      ok: false,
      problems: [
        'name: Too small: expected string to have >=1 characters',
        'sizes.1: Invalid input: expected number, received string',
        '(root): Unrecognized key: "extra"',
      ],
    });
    expect(config().localeError).toBeUndefined();
  });

  it('keeps the locale the caller configured for zod', () => {
    config(ru());
    try {
      const result = validateJson(schema, { name: 1 });
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.problems).toEqual([
        `name: ${ru().localeError({ code: 'invalid_type', expected: 'string', input: 1 } as never)}`,
      ]);
      expect(result.ok ? '' : result.problems[0]).not.toContain('Invalid input');
    } finally {
      config({ localeError: undefined });
    }
  });
});
