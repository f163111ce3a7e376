/**
 * tabsToXlsx: the workbook opened with an independent reader (exceljs, a different library from
 * the writer, write-excel-file): sheets, values, number formats, letters, bases and notes.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { svyTabs } from '../../src/tabs/tabs.js';
import type { Tabs } from '../../src/tabs/types.js';
import { tabsToXlsx } from '../../src/tabs/xlsx.js';
import { referenceDesign } from '../helpers/designs.js';
import { loadReferenceJson } from '../helpers/reference.js';

const registry = loadReferenceJson<Parameters<typeof referenceDesign>[0]>('designs.json');

async function open(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb;
}

/** Every non-empty row of a sheet as the values of its cells (rich/hyperlink values as text). */
function rowsOf(ws: ExcelJS.Worksheet): Array<Array<unknown>> {
  const out: Array<Array<unknown>> = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const values = (row.values as unknown[]).slice(1);
    out.push(values);
  });
  return out;
}

function tabsOf(): Tabs {
  const dclus1 = referenceDesign(registry, 'dclus1');
  return svyTabs(dclus1, {
    rows: ['sch.wide', 'api00'],
    banner: ['stype'],
    level: [0.95, 0.9],
    minBase: 20,
    title: 'apiclus1',
  });
}

describe('tabsToXlsx', () => {
  it('writes a contents sheet and one sheet per table, read back by exceljs', async () => {
    const tabs = tabsOf();
    const wb = await open(
      await tabsToXlsx(tabs, {
        source: 'R survey apiclus1',
        notes: ['Synthetic data: for illustration only.'],
      }),
    );
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Contents', 'T1 sch.wide', 'T2 api00']);
    const contents = rowsOf(wb.getWorksheet('Contents')!);
    expect(contents[0]).toEqual(['apiclus1']);
    expect(contents[1]).toEqual(['Table', 'Question', 'Sheet', 'Banner', 'Base']);
    expect(contents[2]).toEqual([1, 'sch.wide', 'T1 sch.wide', 'stype', 183]);
    expect(contents[3]).toEqual([2, 'api00', 'T2 api00', 'stype', 183]);
    const text = contents.flat().join('\n');
    expect(text).toContain('design-based t test on 14 degrees of freedom');
    expect(text).toContain('UPPER case p < 0.05, lower case p < 0.1');
    expect(text).toContain('no adjustment for multiple comparisons');
    expect(text).toContain('under 20 are not tested');
    expect(text).toContain('Source: R survey apiclus1');
    expect(text).toContain('Synthetic data: for illustration only.');
  });

  it('puts shares as percentages with their letters beside them, bases and notes', async () => {
    const tabs = tabsOf();
    const wb = await open(await tabsToXlsx(tabs));
    const ws = wb.getWorksheet('T1 sch.wide')!;
    // header: banner variable over its levels, the column ids
    expect(ws.getCell('B2').value ?? '').toBe('');
    expect(ws.getCell('D2').value).toBe('stype');
    expect(ws.getCell('D2').isMerged).toBe(true);
    expect([
      ws.getCell('B3').value,
      ws.getCell('D3').value,
      ws.getCell('F3').value,
      ws.getCell('H3').value,
    ]).toEqual(['Total', 'E', 'H', 'M']);
    expect([ws.getCell('B4').value, ws.getCell('D4').value]).toEqual(['(A)', '(B)']);
    // bases: unweighted and effective (equal weights within a cluster sample's strata: Kish = n)
    expect(ws.getCell('A5').value).toBe('Unweighted base');
    expect([
      ws.getCell('B5').value,
      ws.getCell('D5').value,
      ws.getCell('F5').value,
      ws.getCell('H5').value,
    ]).toEqual([183, 144, 14, 25]);
    expect(ws.getCell('A6').value).toBe('Effective base');
    // the "Yes" row: values are the estimates, formatted as percentages; letters beside them
    const yes = tabs.rows.find((r) => r.level === 'Yes')!;
    expect(ws.getCell('A8').value).toBe('Yes');
    const cols = ['B', 'D', 'F', 'H'];
    cols.forEach((c, k) => {
      const cell = ws.getCell(`${c}8`);
      expect(cell.value).toBeCloseTo(yes.cells[k]!.estimate, 12);
      expect(cell.numFmt).toBe('0%');
    });
    // E (91.7%) is higher than M (68.0%) at p < 0.10 only: lower-case d; H has a low base (14 < 20): "*"
    expect(ws.getCell('E8').value).toBe('d');
    expect(yes.cells[1]!.letters).toBe('d');
    expect(ws.getCell('G8').value).toBe('*');
    expect(yes.cells[2]!.lowBase).toBe(true);
    expect(ws.getCell('F8').font?.italic).toBe(true);
    // the notes under the table
    const notes = rowsOf(ws)
      .flat()
      .filter((v) => typeof v === 'string' && v.startsWith('Letters'));
    expect(notes.length).toBe(2);
    // a mean: one decimal
    const means = wb.getWorksheet('T2 api00')!;
    expect(means.getCell('A7').value).toBe('Mean');
    expect(means.getCell('B7').numFmt).toBe('0.0');
    expect(means.getCell('B7').value).toBeCloseTo(
      tabs.rows.find((r) => r.kind === 'mean')!.cells[0]!.estimate,
      10,
    );
  });

  it('lays every table on one sheet with layout "book", and takes several table sets', async () => {
    const tabs = tabsOf();
    const again = svyTabs(referenceDesign(registry, 'dclus1'), {
      rows: ['awards'],
      banner: ['both'],
    });
    const wb = await open(await tabsToXlsx([tabs, again], { layout: 'book', decimals: 1 }));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Contents', 'Tables']);
    const values = rowsOf(wb.getWorksheet('Tables')!).map((r) => r[0]);
    expect(values.filter((v) => typeof v === 'string' && v.startsWith('Table '))).toEqual([
      'Table 1. sch.wide',
      'Table 2. api00',
      'Table 3. awards',
    ]);
    const ws = wb.getWorksheet('Tables')!;
    expect(ws.getCell('B7').numFmt).toBe('0.0%');
  });

  it('rejects nothing to write and bad options', async () => {
    await expect(tabsToXlsx([])).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(tabsToXlsx(tabsOf(), { layout: 'x' as 'book' })).rejects.toMatchObject({
      code: 'BAD_OPTION',
    });
    await expect(tabsToXlsx(tabsOf(), { decimals: 1.5 })).rejects.toMatchObject({
      code: 'BAD_OPTION',
    });
  });

  it('names sheets Excel accepts from hostile question ids, and writes formula-like labels as text', async () => {
    const long = 'Я'.repeat(40);
    const data = fromColumns({
      'a/b:c*?[x]': ['=1+2', '@SUM(A1)', '=1+2', '-2+3', '+A1', '=1+2'],
      [`${long}1`]: ['x', 'y', 'x', 'y', 'x', 'y'],
      [`${long}2`]: ['x', 'y', 'y', 'y', 'x', 'y'],
      "'History'": ['p', 'q', 'p', 'q', 'p', 'q'],
      'ctl\u0001\tname': ['p', 'q', 'p', 'q', 'p', 'q'],
      g: ['=HYPERLINK("http://x")', 'b', '=HYPERLINK("http://x")', 'b', 'b', 'b'],
    });
    const rows = ['a/b:c*?[x]', `${long}1`, `${long}2`, "'History'", 'ctl\u0001\tname'];
    const tabs = svyTabs(svyDesign(data), { rows, banner: ['g'] });
    const wb = await open(await tabsToXlsx(tabs));
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toEqual([
      'Contents',
      'T1 a_b_c___x_',
      `T2 ${'Я'.repeat(28)}`,
      `T3 ${'Я'.repeat(28)}`,
      "T4 'History", // no apostrophe at the end
      'T5 ctl name',
    ]);
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(31);
      expect(n).not.toMatch(/[[\]:*?/\\]|^'|'$/);
    }
    // every text cell is a string, never a formula; the labels are as they are
    const texts: string[] = [];
    for (const ws of wb.worksheets) {
      ws.eachRow((row) => {
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          expect(cell.formula).toBeUndefined();
          if (cell.type === ExcelJS.ValueType.String) texts.push(cell.value as string);
        });
      });
    }
    for (const label of ['=1+2', '@SUM(A1)', '-2+3', '+A1', '=HYPERLINK("http://x")']) {
      expect(texts).toContain(label);
    }
  });
});
