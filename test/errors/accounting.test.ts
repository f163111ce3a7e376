/**
 * Nothing is lost without being counted. Every load reports the rows it read, the rows it left
 * out (with the reason) and the cells it set to missing (with the reason); every estimate reports
 * its base and how many in its domain were missing. These tests check that the numbers add up:
 * rows read + rows rejected = data lines of the file; empty + missing-code cells = missing cells
 * of each column; and, per estimate, n + nMissing = the size of its domain (or group).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Codebook } from '../../src/data/codebook.js';
import { loadText } from '../../src/data/csv/run.js';
import { parseSav } from '../../src/data/sav/sav.js';
import type { SurveyData } from '../../src/data/types.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyCiProp } from '../../src/estimate/ciprop.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyQuantile } from '../../src/estimate/quantile.js';
import { svyTable } from '../../src/estimate/table.js';
import type { Estimate } from '../../src/estimate/types.js';
import { designCase, designOf, RUNS } from '../properties/arbitraries.js';

/** Missing cells of each column of a frame. */
function missingCells(d: SurveyData): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of d.names) {
    const c = d.columns[name]!;
    let k = 0;
    if (c.kind === 'numeric') for (const v of c.values) k += Number.isNaN(v) ? 1 : 0;
    else for (const code of c.codes) k += code < 0 ? 1 : 0;
    out.set(name, k);
  }
  return out;
}

/** Missing cells of each column as `load.missing` reports them. */
function reportedMissing(d: SurveyData): Map<string, number> {
  const out = new Map<string, number>(d.names.map((n) => [n, 0]));
  for (const m of d.load.missing) {
    const codes = Object.values(m.missingCodes).reduce((s, k) => s + k, 0);
    const na = Object.values(m.na ?? {}).reduce((s, k) => s + k, 0);
    out.set(m.column, (out.get(m.column) ?? 0) + m.empty + codes + na);
  }
  return out;
}

// ---- loads -------------------------------------------------------------------------------------

const CODEBOOK: Codebook = {
  variables: [
    {
      name: 'sex',
      type: 'categorical',
      values: [
        { code: 1, label: 'Male' },
        { code: 2, label: 'Female' },
        { code: 9, label: 'Refused' },
      ],
      missing: [9],
    },
    { name: 'age', type: 'numeric', range: [18, 99], missing: [999, 'DK'] },
  ],
};

/** One line of a random CSV file: a data row or a blank line. */
type Line =
  | { blank: true; text: string }
  | { blank: false; sex: string; age: string; city: string; score: string };

const cell = (values: readonly string[]) => fc.constantFrom(...values);
const line: fc.Arbitrary<Line> = fc.oneof(
  {
    weight: 1,
    arbitrary: cell(['', ' ', '\t', '  ']).map((text) => ({ blank: true as const, text })),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      blank: fc.constant(false as const),
      sex: cell(['1', '2', '9', '', ' ', '1.0', 'Male', 'NA']),
      age: cell(['18', '34', '99', '999', 'DK', '', '  ', '50.5', 'NA']),
      city: cell(['Minsk', 'Brest', '', ' ', '"Gomel, centre"', ' NA']),
      score: cell(['1', '-2.5', '', '1e3', ' ', 'NA']),
    }),
  },
);

/** A random CSV text (header, lines, maybe trailing blank lines) and what it must report. */
const csvCase = fc
  .record({
    before: fc.array(cell(['', ' ']), { maxLength: 2 }),
    lines: fc.array(line, { maxLength: 40 }),
    trailing: fc.array(cell(['', ' ']), { maxLength: 3 }),
    newline: cell(['\n', '\r\n']),
  })
  .map(({ before, lines, trailing, newline }) => {
    const text = [
      ...before,
      'sex,age,city,score',
      ...lines.map((l) => (l.blank ? l.text : `${l.sex},${l.age},${l.city},${l.score}`)),
      ...trailing,
    ].join(newline);
    // data lines: every line after the header but the blank ones at the end
    let last = lines.length;
    while (last > 0 && lines[last - 1]!.blank) last--;
    return { text: text + newline, before: before.length, lines: lines.slice(0, last) };
  });

describe('loads account for every line and every missing cell', () => {
  it('CSV: rows read + rows rejected = data lines; missing cells = empty + missing codes + na texts', () => {
    fc.assert(
      fc.property(
        csvCase,
        fc.boolean(),
        fc.integer({ min: 1, max: 50 }),
        (c, withCodebook, slice) => {
          const d = loadText(c.text, withCodebook ? { codebook: CODEBOOK } : {}, slice);
          const load = d.load;
          const dataLines = c.lines.length;
          const blank = c.lines.filter((l) => l.blank).length;
          expect(load.rowsRead).toBe(d.nrow);
          expect(load.rowsRead).toBe(dataLines - blank);
          // blank lines before the header are rejected too
          expect(load.rowsRejected.length).toBe(blank + c.before);
          expect(load.rowsRead + load.rowsRejected.length).toBe(dataLines + c.before);
          for (const r of load.rowsRejected) expect(r.reason).toBe('empty line');
          expect(reportedMissing(d)).toEqual(missingCells(d));
          if (withCodebook) {
            // missing codes are counted per code: 9 for sex, 999 and DK for age
            const rows = c.lines.filter((l): l is Extract<Line, { blank: false }> => !l.blank);
            const count = (f: (l: (typeof rows)[number]) => boolean) => rows.filter(f).length;
            const codes = (name: string) =>
              load.missing.find((m) => m.column === name)?.missingCodes ?? {};
            expect(codes('sex')['9'] ?? 0).toBe(count((l) => l.sex === '9'));
            expect(codes('age')['999'] ?? 0).toBe(count((l) => l.age === '999'));
            expect(codes('age').DK ?? 0).toBe(count((l) => l.age === 'DK'));
          }
          // NA cells are counted per column under na (the codebook knows no NA)
          const na = (name: string) => load.missing.find((m) => m.column === name)?.na?.NA ?? 0;
          const rows = c.lines.filter((l): l is Extract<Line, { blank: false }> => !l.blank);
          for (const name of ['sex', 'age', 'city', 'score'] as const) {
            expect(na(name)).toBe(rows.filter((l) => l[name].trim() === 'NA').length);
          }
        },
      ),
      RUNS,
    );
  });

  it('SPSS files: rows read = cases; missing cells = system-missing + user-missing', () => {
    const dir = fileURLToPath(new URL('../fixtures/sav/', import.meta.url));
    const files = readdirSync(dir).filter((f) => /\.z?sav$/.test(f));
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) {
      const d = parseSav(new Uint8Array(readFileSync(join(dir, f))), { source: f });
      expect(d.load.rowsRead, f).toBe(d.nrow);
      expect(d.load.rowsRejected, f).toEqual([]);
      expect(reportedMissing(d), f).toEqual(missingCells(d));
    }
  });
});

// ---- estimates ---------------------------------------------------------------------------------

/** Rows in the design's domain. */
function domainSize(d: SurveyDesign): number {
  if (d.domain === null) return d.data.nrow;
  return d.domain.reduce((s, x) => s + x, 0);
}

function checkBase(rows: readonly Estimate[], size: number, what: string): void {
  for (const r of rows) expect(r.n + r.nMissing, `${what} ${r.level ?? ''}`).toBe(size);
}

describe('estimates account for every respondent of their domain', () => {
  it('n + nMissing = domain size for means, totals, quantiles and proportions', () => {
    fc.assert(
      fc.property(
        designCase.chain((c) =>
          fc
            .array(fc.boolean(), { minLength: c.rows.length, maxLength: c.rows.length })
            .map((mask) => ({ c, mask })),
        ),
        ({ c, mask }) => {
          const full = designOf(c);
          const designs: SurveyDesign[] = [full];
          const kept = c.rows.filter((_, i) => mask[i]);
          if (
            kept.some((r) => r.y !== null) &&
            kept.some((r) => r.g !== null) &&
            kept.some((r) => r.b !== null)
          ) {
            designs.push(subset(full, mask));
          }
          for (const d of designs) {
            const size = domainSize(d);
            checkBase(svyMean(d, 'y'), size, 'svyMean y');
            checkBase(svyTotal(d, 'y'), size, 'svyTotal y');
            checkBase(svyMean(d, 'g'), size, 'svyMean g');
            checkBase(svyTotal(d, 'g'), size, 'svyTotal g');
            checkBase(svyQuantile(d, 'y', [0.25, 0.5]), size, 'svyQuantile y');
            checkBase([svyCiProp(d, 'b')], size, 'svyCiProp b');
            checkBase([svyCiProp(d, 'g', { success: 'a' })], size, 'svyCiProp g');
            // a cross-table: every respondent is in a cell or counted as missing
            const table = svyTable(d, 'g', 'r');
            const inCells = table.n.flat().reduce((s, k) => s + k, 0);
            expect(inCells + table.nMissing).toBe(size);
          }
        },
      ),
      RUNS,
    );
  });

  it('svyBy: n + nMissing = group size; groups + missing grouping values = domain size', () => {
    fc.assert(
      fc.property(designCase, (c) => {
        const d = designOf(c);
        // group by g (which has missing values), estimate y (which has too)
        const groups = new Map<string, number>();
        let missingGroup = 0;
        for (const r of c.rows) {
          if (r.g === null) missingGroup++;
          else groups.set(r.g, (groups.get(r.g) ?? 0) + 1);
        }
        const complete = [...groups.keys()].every((g) =>
          c.rows.some((r) => r.g === g && r.y !== null),
        );
        fc.pre(complete);
        const table = svyBy(d, 'g', (x) => svyMean(x, 'y'), { dropEmpty: false });
        expect(table.nMissingGroup).toBe(missingGroup);
        let total = 0;
        for (const row of table) {
          const size = groups.get(row.group!.g!) ?? 0;
          expect(row.n + row.nMissing, `group ${row.group!.g}`).toBe(size);
          total += size;
        }
        expect(total + table.nMissingGroup).toBe(c.rows.length);
        // empty groups are the levels nobody has
        const empty = table.emptyGroups.map((g) => g.g);
        expect(empty.sort()).toEqual(['a', 'b', 'c'].filter((l) => !groups.has(l)));
      }),
      RUNS,
    );
  });
});
