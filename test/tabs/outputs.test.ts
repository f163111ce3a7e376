/**
 * tabsToCsv, tabsNotes, tabsTables, pAdjust and tabsSpecFromQuestionnaire.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { pAdjust } from '../../src/tabs/adjust.js';
import { tabsToCsv } from '../../src/tabs/csv.js';
import { tabsNotes, tabsTables } from '../../src/tabs/notes.js';
import { tabsSpecFromQuestionnaire } from '../../src/tabs/questionnaire.js';
import { svyTabs } from '../../src/tabs/tabs.js';
import { pollDesign, pollQuestionnaire } from '../poll/fixtures.js';

const data = fromColumns({
  q: ['yes, sure', 'no "never"', 'yes, sure', 'yes, sure', null, 'no "never"'],
  g: ['x', 'x', 'y', 'y', 'y', 'x'],
  w: [1, 2, 1, 2, 1, 2],
});
const tabs = svyTabs(svyDesign(data, { weights: 'w' }), { rows: ['q'], banner: ['g'], minBase: 3 });

describe('tabsToCsv', () => {
  it('one line per cell, quoted where needed, at full precision', () => {
    const csv = tabsToCsv(tabs);
    const parsed = Papa.parse<Record<string, string>>(csv.trim(), { header: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.length).toBe(tabs.rows.length * tabs.columns.length);
    const first = parsed.data[0]!;
    expect(first.level).toBe('yes, sure');
    expect(Number(first.estimate)).toBe(tabs.rows[0]!.cells[0]!.estimate);
    expect(Number(first.se)).toBe(tabs.rows[0]!.cells[0]!.se);
    expect(parsed.data[1]!.banner_variable).toBe('g');
    expect(parsed.data[2]!.low_base).toBe('true');
    expect(parsed.data[3]!.level).toBe('no "never"');
    expect(csv.endsWith('\n')).toBe(true);
  });

  it("writes labels a spreadsheet would run as formulas with a ' before them, never numbers", () => {
    const odd = fromColumns({
      '=cmd|x': ['=1+2', '@SUM(A1)', '=1+2', '+A1', '-2+3', '\tx'],
      y: [-1, 0, -1, 0, -1, 0],
      '-g': ['=HYPERLINK("http://x")', 'b', '=HYPERLINK("http://x")', 'b', 'b', 'b'],
    });
    const t = svyTabs(svyDesign(odd), { rows: ['=cmd|x', 'y'], banner: ['-g'] });
    const parse = (csv: string) => {
      const p = Papa.parse<Record<string, string>>(csv.trim(), { header: true });
      expect(p.errors).toEqual([]);
      return p.data;
    };
    const rows = parse(tabsToCsv(t, { source: '=evil()' }));
    const levels = new Set(rows.filter((r) => r.variable === "'=cmd|x").map((r) => r.level));
    expect([...levels].sort()).toEqual(["'\tx", "'+A1", "'-2+3", "'=1+2", "'@SUM(A1)"]);
    expect(new Set(rows.map((r) => r.banner_level))).toEqual(
      new Set(['', 'b', '\'=HYPERLINK("http://x")']),
    );
    expect(new Set(rows.map((r) => r.banner_variable))).toEqual(new Set(['', "'-g"]));
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set(["'=evil()"]));
    // a negative mean is a number: written as it is
    const mean = rows.find((r) => r.variable === 'y' && r.column === 'A')!;
    expect(mean.estimate).toBe('-0.5');
    // raw on request: the labels as they are
    const raw = parse(tabsToCsv(t, { escapeFormulas: false }));
    expect(new Set(raw.map((r) => r.variable))).toEqual(new Set(['=cmd|x', 'y']));
    expect(raw.some((r) => r.banner_level === '=HYPERLINK("http://x")')).toBe(true);
  });
});

describe('tabsNotes and tabsTables', () => {
  it('describe the test, level, adjustment, low bases, weighting, source and extra notes', () => {
    const notes = tabsNotes(tabs, { source: 'test', notes: ['Synthetic.'] }).join('\n');
    expect(notes).toContain('t test on 5 degrees of freedom');
    expect(notes).toContain('Letters at p < 0.05 (no adjustment for multiple comparisons)');
    expect(notes).toContain('under 3 are not tested');
    expect(notes).toContain('Weighting: design weights');
    expect(notes).toContain('Source: test');
    expect(notes).toContain('Synthetic.');
  });
  it('group rows by question', () => {
    const both = svyTabs(svyDesign(data), { rows: ['q', 'g'], banner: [] });
    expect(tabsTables(both).map((t) => [t.id, t.rows.length])).toEqual([
      ['q', 2],
      ['g', 2],
    ]);
  });
});

describe('pAdjust', () => {
  it('is R’s p.adjust, NaN left out', () => {
    const p = [0.01, 0.04, 0.03, Number.NaN, 0.2];
    // R: p.adjust(c(0.01, 0.04, 0.03, NA, 0.2), "holm") etc.
    expect(pAdjust(p, 'bonferroni').map((x) => +x.toFixed(6))).toEqual([
      0.04,
      0.16,
      0.12,
      Number.NaN,
      0.8,
    ]);
    expect(pAdjust(p, 'holm').map((x) => +x.toFixed(6))).toEqual([
      0.04,
      0.09,
      0.09,
      Number.NaN,
      0.2,
    ]);
    expect(pAdjust(p, 'BH').map((x) => +x.toFixed(6))).toEqual([
      0.04,
      0.053333,
      0.053333,
      Number.NaN,
      0.2,
    ]);
    expect(pAdjust(p, 'none')).toEqual(p);
    expect(pAdjust([0.3], 'bonferroni')).toEqual([0.3]);
  });
});

describe('tabsSpecFromQuestionnaire', () => {
  it('every item by default: attitude items with nets, multiple-response questions, single items', async () => {
    const design = await pollDesign();
    const spec = tabsSpecFromQuestionnaire(design.data, pollQuestionnaire, {
      banner: ['sex', 'agegroup', 'region', 'settlement'],
      level: [0.95, 0.9],
    });
    expect(spec.banner).toEqual(['sex', 'agegroup', 'region', 'settlement']);
    expect(spec.level).toEqual([0.95, 0.9]);
    const first = spec.rows.slice(0, 3);
    expect(first[0]).toBe('att_russia');
    expect(first[1]).toEqual({
      net: 'Positive (net)',
      variable: 'att_russia',
      levels: ['Very positive', 'Rather positive'],
    });
    expect((first[2] as { net: string }).net).toBe('Negative (net)');
    const mr = spec.rows.filter((r) => typeof r === 'object' && 'multipleResponse' in r);
    expect(mr.length).toBe(2);
    expect(spec.rows.at(-1)).toBe('eeu_membership');
    // and it tabulates
    const tabs = svyTabs(design, { ...spec, rows: spec.rows.slice(0, 3) });
    expect(tabs.rows.map((r) => r.kind)).toEqual([...Array(6).fill('level'), 'net', 'net']);
  });
  it('rows by name, no nets on request, any variable, and errors', async () => {
    const design = await pollDesign();
    const spec = tabsSpecFromQuestionnaire(design.data, pollQuestionnaire, {
      rows: ['reliable', 'eeu_kz_coop', 'age'],
      nets: [],
    });
    expect(
      spec.rows.map((r) =>
        typeof r === 'string' ? r : 'net' in r ? r.net : r.multipleResponse.id,
      ),
    ).toEqual(['reliable', 'eeu_kz_coop', 'age']);
    expect(spec.banner).toEqual(pollQuestionnaire.subgroups.map((s) => s.variable));
    expect(() =>
      tabsSpecFromQuestionnaire(design.data, pollQuestionnaire, { rows: ['nope'] }),
    ).toThrow(expect.objectContaining({ code: 'UNKNOWN_VARIABLE' }));
    expect(() =>
      tabsSpecFromQuestionnaire(
        design.data,
        { ...pollQuestionnaire, subgroups: [] },
        { rows: ['age'] },
      ),
    ).toThrow(expect.objectContaining({ code: 'BAD_TABS_SPEC' }));
  });
});
