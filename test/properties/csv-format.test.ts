/**
 * Round trip of the CSV writer on random frames: `parseCsv(formatCsv(d), { codebook:
 * draftCodebook(d) })` has exactly the columns of `d` — every double bit for bit (`-0`,
 * subnormals, the largest numbers), every level and its order, every missing value — whatever
 * the names and levels hold (delimiters, quotes, line breaks, other scripts); and with
 * `escapeFormulas` every formula-like text comes back with its `'` prefix and nothing else changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv/csv.js';
import { formatCsv, isFormulaLike } from '../../src/data/csv/format.js';
import { parseNumber } from '../../src/data/csv/infer.js';
import { draftCodebook } from '../../src/data/draft-codebook.js';
import { column, fromColumns } from '../../src/data/frame.js';
import type { SurveyData } from '../../src/data/types.js';
import { RUNS } from './arbitraries.js';

/** Text as the readers keep it: not blank, no spaces around it (they trim), no byte order mark. */
const cellText = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
    fc.constantFrom(
      'a,b',
      'say "hi"',
      'two\nlines',
      'x\r\ny',
      'cr\ronly',
      '=1+2',
      '-x',
      '@me',
      '+7',
      '-0',
      '1e3',
      '007',
      'Минск',
      ';|\t',
    ),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  )
  .filter((s) => s === s.trim() && s !== '' && !s.includes('\uFEFF'));

/** Levels that are distinct codes for a codebook (two texts of one number are one code). */
const levels = fc.uniqueArray(cellText, {
  minLength: 1,
  maxLength: 6,
  selector: (s) => {
    const n = parseNumber(s);
    return Number.isNaN(n) ? `text:${s}` : `number:${n}`;
  },
});

const number = fc.oneof(
  fc.double({ noDefaultInfinity: true }),
  fc.constantFrom(-0, 0, 5e-324, -Number.MAX_VALUE, 0.1, 1 / 3, Number.NaN),
  fc.integer({ min: -100, max: 100 }),
);

type ColumnCase =
  | { kind: 'numeric'; values: number[] }
  | { kind: 'categorical'; levels: string[]; codes: number[] };

const columnCase = (nrow: number): fc.Arbitrary<ColumnCase> =>
  fc.oneof(
    fc
      .array(number, { minLength: nrow, maxLength: nrow })
      .map((values) => ({ kind: 'numeric' as const, values })),
    levels.chain((ls) =>
      fc
        .array(fc.integer({ min: -1, max: ls.length - 1 }), { minLength: nrow, maxLength: nrow })
        .map((codes) => ({ kind: 'categorical' as const, levels: ls, codes })),
    ),
  );

/** A frame of 2–5 columns (a one-column frame cannot show a missing cell: see formatCsv) and 0–25 rows. */
const frame: fc.Arbitrary<SurveyData> = fc
  .record({
    nrow: fc.integer({ min: 0, max: 25 }),
    names: fc.uniqueArray(cellText, { minLength: 2, maxLength: 5 }),
  })
  .chain(({ nrow, names }) =>
    fc.tuple(...names.map(() => columnCase(nrow))).map((cols) =>
      fromColumns(
        Object.fromEntries(
          names.map((name, j) => {
            const c = cols[j]!;
            return [
              name,
              c.kind === 'numeric'
                ? Float64Array.from(c.values)
                : { codes: c.codes, levels: c.levels },
            ];
          }),
        ),
      ),
    ),
  );

function sameColumns(a: SurveyData, b: SurveyData): void {
  expect(b.names).toEqual(a.names);
  expect(b.nrow).toBe(a.nrow);
  for (const name of a.names) {
    const x = a.columns[name]!;
    const y = b.columns[name]!;
    expect(y.kind, name).toBe(x.kind);
    if (x.kind === 'numeric' && y.kind === 'numeric') {
      for (let i = 0; i < a.nrow; i++) {
        expect(
          Object.is(x.values[i], y.values[i]),
          `${name}[${i}]: ${x.values[i]} vs ${y.values[i]}`,
        ).toBe(true);
      }
    } else if (x.kind === 'categorical' && y.kind === 'categorical') {
      expect(y.levels).toEqual(x.levels);
      expect(Array.from(y.codes)).toEqual(Array.from(x.codes));
    }
  }
}

describe('formatCsv round trip (property)', () => {
  it('parseCsv(formatCsv(d), { codebook: draftCodebook(d) }) has the columns of d', () => {
    fc.assert(
      fc.property(
        frame,
        fc.constantFrom(',', ';', '\t', '|'),
        fc.constantFrom('\r\n', '\n'),
        fc.boolean(),
        (d, delimiter, newline, bom) => {
          const text = formatCsv(d, { delimiter: delimiter as ',', newline: newline as '\n', bom });
          sameColumns(d, parseCsv(text, { codebook: draftCodebook(d), delimiter }));
        },
      ),
      RUNS,
    );
  });

  it('the delimiter is detected when not given', () => {
    fc.assert(
      fc.property(frame, (d) => {
        sameColumns(d, parseCsv(formatCsv(d), { codebook: draftCodebook(d) }));
      }),
      RUNS,
    );
  });

  it('with escapeFormulas, formula-like texts come back prefixed with a quote, all else unchanged', () => {
    fc.assert(
      fc.property(frame, (d) => {
        const names = d.names;
        const escaped = (s: string) => (isFormulaLike(s) ? `'${s}` : s);
        const types = Object.fromEntries(names.map((n) => [escaped(n), d.columns[n]!.kind]));
        const back = parseCsv(formatCsv(d, { escapeFormulas: true }), { types });
        expect(back.names).toEqual(names.map(escaped));
        names.forEach((name, j) => {
          const before = column(d, name);
          const after = column(back, back.names[j]!);
          if (before instanceof Float64Array) {
            expect(after).toEqual(before);
          } else {
            expect(after).toEqual(before.map((s) => (s === null ? null : escaped(s))));
          }
        });
      }),
      RUNS,
    );
  });
});
