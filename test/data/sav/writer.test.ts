/**
 * writeSav changes nothing silently: labels longer than the format keeps, names and levels that
 * would not read back as they are, are typed errors naming the column and the text (or, with
 * cutLabels, labels cut at a character boundary unless that merges two of them); what it writes
 * reads back the same, with names such as __proto__ and long Cyrillic answers as strings.
 */
import { describe, expect, it } from 'vitest';
import { column, fromColumns } from '../../../src/data/frame.js';
import { parseSav } from '../../../src/data/sav/sav.js';
import { writeSav } from '../../../src/data/sav/writer.js';
import { DataFormatError } from '../../../src/errors.js';

const long = (k: number) =>
  `Скорее да, чем нет: при условии, что все обещания будут выполнены полностью (${k})`;

/** The longest start of `text` within `bytes` bytes of UTF-8 (trailing spaces dropped, as read). */
function prefix(text: string, bytes: number): string {
  let n = 0;
  while (n < text.length && new TextEncoder().encode(text.slice(0, n + 1)).length <= bytes) n++;
  return text.slice(0, n).trimEnd();
}

function error(run: () => unknown): DataFormatError {
  try {
    run();
  } catch (e) {
    if (e instanceof DataFormatError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('labels', () => {
  it('two long answers alike in their first 120 bytes: LABEL_TOO_LONG, never one level', () => {
    const d = fromColumns({ a: [long(1), long(2), long(1)] });
    const e = error(() => writeSav(d));
    expect(e.code).toBe('LABEL_TOO_LONG');
    expect(e.details).toMatchObject({ column: 'a', value: long(1), limit: 120 });
    expect(e.message).toMatch(/\{ cutLabels: true \}.*\{ strings: \[\.\.\.\] \}/);
    const cut = error(() => writeSav(d, { cutLabels: true }));
    expect(cut.code).toBe('LABEL_TOO_LONG');
    expect(cut.message).toMatch(/are the same in their first 120 bytes/);
    // as strings they keep whole
    expect(column(parseSav(writeSav(d, { strings: ['a'] })), 'a')).toEqual([
      long(1),
      long(2),
      long(1),
    ]);
  });

  it('cutLabels cuts long labels that stay distinct at a character boundary', () => {
    const d = fromColumns({ a: [`${'ж'.repeat(70)}1`, `${'ы'.repeat(70)}2`] });
    const back = parseSav(writeSav(d, { cutLabels: true }));
    expect(back.columns.a).toMatchObject({ levels: ['ж'.repeat(60), 'ы'.repeat(60)] });
  });

  it('variable labels over 255 bytes and file labels over 64: LABEL_TOO_LONG, or cut', () => {
    const label = 'Как вы оцениваете '.repeat(10);
    const d = {
      ...fromColumns({ q: [1, 2] }),
      codebook: { variables: [{ name: 'q', type: 'numeric' as const, label }] },
    };
    expect(error(() => writeSav(d)).details).toMatchObject({ column: 'q', limit: 255 });
    const back = parseSav(writeSav(d, { cutLabels: true }));
    expect(back.codebook.variables[0]!.label).toBe(prefix(label, 255));
    const plain = fromColumns({ q: [1] });
    expect(error(() => writeSav(plain, { fileLabel: 'ф'.repeat(33) })).details).toMatchObject({
      limit: 64,
    });
    expect(
      parseSav(writeSav(plain, { fileLabel: 'ф'.repeat(33), cutLabels: true })).sav.fileLabel,
    ).toBe('ф'.repeat(32));
    // the codebook title as the file label: cut at a character boundary, as documented
    const titled = { ...d, codebook: { title: 'Опрос '.repeat(20), variables: [] } };
    expect(parseSav(writeSav(titled)).sav.fileLabel).toBe(prefix('Опрос '.repeat(20), 64));
  });
});

describe('names and levels', () => {
  it('a column name with a tab (it read back cut there) or a NUL, or blank: UNWRITABLE_NAME', () => {
    for (const name of ['a\tb', 'a\0', ' a', 'a ', '']) {
      const e = error(() => writeSav(fromColumns(Object.fromEntries([[name, [1]]]))));
      expect(e.code, JSON.stringify(name)).toBe('UNWRITABLE_NAME');
      expect(e.details.column).toBe(name);
    }
  });

  it('levels that would not read back distinct: UNWRITABLE_VALUE', () => {
    for (const [levels, strings] of [
      [['a', 'a '], []],
      [['a', ' a'], ['g']],
      [['x', '   '], ['g']],
      [['x', ' \0'], []],
    ] as const) {
      const d = fromColumns({ g: { codes: [0, 1], levels } });
      expect(error(() => writeSav(d, { strings })).code, JSON.stringify(levels)).toBe(
        'UNWRITABLE_VALUE',
      );
    }
    const wide = fromColumns({ g: ['y'.repeat(32768)] });
    expect(error(() => writeSav(wide, { strings: ['g'] })).message).toMatch(/32767 bytes/);
  });

  it('names and levels such as __proto__, constructor and toString round-trip', () => {
    const d = fromColumns(
      JSON.parse(
        '{"__proto__": [1, 2], "constructor": ["toString", "__proto__"], "x=y": ["a", "b"]}',
      ),
    );
    for (const strings of [[], ['constructor']]) {
      const back = parseSav(writeSav(d, { strings }));
      expect(back.names).toEqual(['__proto__', 'constructor', 'x=y']);
      expect(column(back, '__proto__')).toEqual(Float64Array.of(1, 2));
      expect(column(back, 'constructor')).toEqual(['toString', '__proto__']);
    }
  });

  it('string variables of the file a frame was read from go back as strings', () => {
    const d = fromColumns({ note: [long(1), long(2)], n: [1, 2] });
    const first = parseSav(writeSav(d, { strings: ['note'] }));
    const again = parseSav(writeSav(first));
    expect(again.sav.variables.map((v) => v.type)).toEqual(['string', 'numeric']);
    expect(column(again, 'note')).toEqual([long(1), long(2)]);
  });
});
