/** tabsReportTables: banner tables as report tables, rendered in the HTML report. */
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/charts/report.js';
import { tabsReportSection, tabsReportTables } from '../../src/charts/tabs.js';
import { svyTabs } from '../../src/tabs/tabs.js';
import { pollDesign, pollQuestionnaire } from '../poll/fixtures.js';

describe('tabsReportTables', () => {
  it('a table per question: headers with ids, bases, values with letters and marks, notes', async () => {
    const design = await pollDesign();
    const tabs = svyTabs(design, {
      rows: ['eeu_membership', { multipleResponse: pollQuestionnaire.multipleResponse[0]! }],
      banner: ['sex', 'settlement'],
      level: [0.95, 0.9],
      minBase: 100,
    });
    const tables = tabsReportTables(tabs, {
      source: 'data/belarus-2021-12.csv',
      notes: ['Synthetic data.'],
    });
    expect(tables.length).toBe(2);
    const [t] = tables;
    const labels = t!.columns.map((c) => (typeof c === 'string' ? c : c.label));
    expect(labels[1]).toBe('Total (A)');
    expect(labels[2]).toBe('sex: Male (B)');
    expect(t!.rows[0]![0]).toBe('Unweighted base');
    expect(t!.rows[1]![0]).toBe('Effective base');
    expect(t!.rows[0]![1]).toBe(tabs.rows[0]!.cells[0]!.base.toLocaleString('en-US'));
    // each cell: value, letters, ▲/▼
    const row = tabs.rows[0]!;
    row.cells.forEach((cell, k) => {
      const text = String(t!.rows[2]![k + 1]);
      expect(text.startsWith(`${Math.round(100 * cell.estimate)}%`)).toBe(true);
      if (cell.letters && !cell.lowBase) expect(text).toContain(cell.letters);
      if (cell.vsTotal === 'higher') expect(text).toContain('▲');
      if (cell.vsTotal === 'lower') expect(text).toContain('▼');
      if (cell.lowBase) expect(text).toContain('*');
    });
    expect(t!.note).toContain('Synthetic data.');
    expect(tables[1]!.rows.at(-1)![0]).toBe('Mentions per 100');
    const html = renderReport({ title: 'Tables', sections: [{ title: 'Tables', tables }] });
    expect(html).toContain('sex: Male (B)');
    expect(html).toContain('Mentions per 100');
  });

  it('Russian labels and decimal commas', async () => {
    const design = await pollDesign();
    const tabs = svyTabs(design, { rows: ['eeu_membership'], banner: ['sex'] });
    const [t] = tabsReportTables(tabs, { language: 'ru', decimals: 1, notesUnderEach: false });
    expect(t!.rows[0]![0]).toBe('База (невзвешенная)');
    expect(String(t!.rows[2]![1])).toMatch(/^\d+,\d%/);
    expect(t!.note).toBeUndefined();
  });

  it('a report section: the notes once, the tables of several table sets', async () => {
    const design = await pollDesign();
    const bySex = svyTabs(design, { rows: ['eeu_membership'], banner: ['sex'] });
    const byAge = svyTabs(design, { rows: ['eeu_membership'], banner: ['agegroup'] });
    const section = tabsReportSection([bySex, byAge], {
      intro: ['By sex, then by age.'],
      notes: ['Synthetic data.'],
    });
    expect(section.title).toBe('Tables');
    expect(section.paragraphs![0]).toBe('By sex, then by age.');
    expect(section.paragraphs!.at(-1)).toBe('Synthetic data.');
    expect(section.tables!.length).toBe(2);
    expect(section.tables!.every((t) => t.note === undefined)).toBe(true);
    const html = renderReport({ title: 'Poll', sections: [section] });
    expect(html).toContain('By sex, then by age.');
    expect(html).toContain('agegroup: 18-29 (B)');
  });
});
