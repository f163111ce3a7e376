/**
 * svyTabs: its cells agree with the estimators they stand for (svyMean, svyBy + svyContrast,
 * svySubgroups), columns and ids, low bases, domains and the errors of a bad spec.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import type { Margin } from '../../src/design/weighting-history.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyMean } from '../../src/estimate/mean.js';
import { svySubgroups } from '../../src/poll/subgroups.js';
import { svyTabs } from '../../src/tabs/tabs.js';
import type { TabsSpec } from '../../src/tabs/types.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { referenceDesign } from '../helpers/designs.js';
import { loadReferenceData, loadReferenceJson } from '../helpers/reference.js';
import { pollDesign, pollQuestionnaire } from '../poll/fixtures.js';

const registry = loadReferenceJson<Parameters<typeof referenceDesign>[0]>('designs.json');
const dpoll = () => referenceDesign(registry, 'dpoll');

const close = (a: number, b: number, tol = 1e-12) =>
  expect(Math.abs(a - b) / Math.max(Math.abs(b), 1e-300)).toBeLessThan(tol);

describe('svyTabs cells', () => {
  it('the Total is svyMean, the columns svyBy, the pairs svyContrast on it', () => {
    const d = dpoll();
    const tabs = svyTabs(d, { rows: ['attitude', 'income'], banner: ['agegroup'] });
    const total = svyMean(d, 'attitude');
    const by = svyBy(d, 'agegroup', (g) => svyMean(g, 'attitude'));
    for (const row of tabs.rows.filter((r) => r.kind === 'level')) {
      const t = total.find((r) => r.level === row.level)!;
      close(row.cells[0]!.estimate, t.estimate);
      close(row.cells[0]!.se, t.se, 1e-10);
      expect(row.cells[0]!.base).toBe(t.n);
      for (const col of tabs.columns.slice(1)) {
        const cell = row.cells.find((c) => c.column === col.id)!;
        const r = by.find((x) => x.group?.agegroup === col.level && x.level === row.level)!;
        close(cell.estimate, r.estimate);
        close(cell.se, r.se, 1e-10);
        expect(cell.base).toBe(r.n);
      }
      // a pair: the difference and SE of svyContrast on svyBy's covariance
      const cmp = row.comparisons.find((c) => c.a === 'B' && c.b === 'D')!;
      const lab = (ag: string) => `${ag}:attitude${row.level}`;
      const contrast = svyContrast(by, { [lab('18-29')]: 1, [lab('40-49')]: -1 });
      close(cmp.difference, contrast.estimate, 1e-10);
      close(cmp.se, contrast.se, 1e-10);
    }
    const mean = tabs.rows.find((r) => r.kind === 'mean')!;
    close(mean.cells[0]!.estimate, svyMean(d, 'income')[0]!.estimate);
    expect(mean.statistic).toBe('mean');
  });

  it('vsTotal is svySubgroups’ test of a subgroup against the national share', async () => {
    const design = await pollDesign();
    const item = pollQuestionnaire.eeu[1]!;
    const positive = item.answers.filter((a) => a.group === 'positive').map((a) => a.label.en!);
    const tabs = svyTabs(design, {
      rows: [{ net: 'Support', variable: item.variable, levels: positive }],
      banner: ['agegroup'],
    });
    const sub = svySubgroups(design, item, 'agegroup');
    const row = tabs.rows[0]!;
    for (const s of sub.rows) {
      const col = tabs.columns.find((c) => c.level === s.subgroup)!;
      const cell = row.cells.find((c) => c.column === col.id)!;
      close(cell.estimate, s.estimate, 1e-10);
      close(cell.vsTotalTest!.difference, s.vsNational.difference, 1e-9);
      close(cell.vsTotalTest!.se, s.vsNational.se, 1e-9);
      close(cell.vsTotalTest!.pValue, s.vsNational.pValue, 1e-8);
      expect(cell.vsTotal !== null).toBe(s.vsNational.differs);
    }
  });

  it('multiple response: options as svyMultipleResponse shares, mentions per 100', async () => {
    const design = await pollDesign();
    const q = pollQuestionnaire.multipleResponse[0]!;
    const tabs = svyTabs(design, { rows: [{ multipleResponse: q }], banner: ['sex'] });
    expect(tabs.rows.map((r) => r.kind)).toEqual([...q.options.map(() => 'option'), 'mentions']);
    const mentions = tabs.rows.at(-1)!;
    const sum = tabs.rows.slice(0, -1).reduce((s, r) => s + r.cells[0]!.estimate, 0);
    close(mentions.cells[0]!.estimate, 100 * sum, 1e-12);
    expect(mentions.label).toBe('Mentions per 100');
  });
});

describe('svyTabs columns, bases and letters', () => {
  const data = fromColumns({
    q: ['a', 'b', 'a', 'a', 'b', 'b', 'a', null, 'b', 'a', 'a', 'b'],
    g: ['x', 'x', 'x', 'x', 'y', 'y', 'y', 'y', 'z', 'z', 'z', 'z'],
    h: ['u', 'v', 'u', 'v', 'u', 'v', 'u', 'v', 'u', 'v', 'u', 'v'],
    n: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    w: [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2],
  });
  const design = svyDesign(data, { weights: 'w' });

  it('Total first, then each banner variable’s levels; bases of the column and of the row', () => {
    const tabs = svyTabs(design, { rows: ['q'], banner: ['g', 'h'] });
    expect(tabs.columns.map((c) => `${c.id}:${c.variable}=${c.level}`)).toEqual([
      'A:null=null',
      'B:g=x',
      'C:g=y',
      'D:g=z',
      'E:h=u',
      'F:h=v',
    ]);
    expect(tabs.columns.map((c) => c.base)).toEqual([12, 4, 4, 4, 6, 6]);
    // Kish: (Σw)² / Σw² of the column's weights; g = y has weights 1, 2, 1, 2
    expect(tabs.columns[2]!.effectiveBase).toBeCloseTo(36 / 10, 12);
    expect(tabs.columns[2]!.weightedBase).toBe(6);
    // the row's base excludes the respondent without an answer (g = y)
    expect(tabs.rows[0]!.cells.map((c) => c.base)).toEqual([11, 4, 3, 4, 6, 5]);
    expect(tabs.rows.map((r) => `${r.variable}:${r.level}:${r.statistic}`)).toEqual([
      'q:a:share',
      'q:b:share',
    ]);
    // each pair of a banner variable's columns is tested, never across variables
    expect(tabs.rows[0]!.comparisons.map((c) => `${c.a}${c.b}`)).toEqual(['BC', 'BD', 'CD', 'EF']);
    expect(tabs.banner).toEqual(['g', 'h']);
    expect(tabs.test).toEqual({ method: 't', df: 11, level: [0.95], adjust: 'none', minBase: 0 });
  });

  it('total: false leaves the Total column out (ids start at A) but still tests against it', () => {
    const tabs = svyTabs(design, { rows: ['q'], banner: ['g'], total: false });
    expect(tabs.columns.map((c) => c.id)).toEqual(['A', 'B', 'C']);
    expect(tabs.rows[0]!.cells.map((c) => c.column)).toEqual(['A', 'B', 'C']);
    expect(tabs.rows[0]!.cells[0]!.vsTotalTest).not.toBeNull();
  });

  it('low bases are flagged and not tested: no letters from or against them', () => {
    const tabs = svyTabs(design, { rows: ['q', 'n'], banner: ['g'], minBase: 4, level: 0.5 });
    const a = tabs.rows[0]!;
    expect(a.cells.map((c) => c.lowBase)).toEqual([false, false, true, false]);
    expect(a.comparisons.map((c) => `${c.a}${c.b}`)).toEqual(['BD']);
    expect(a.cells[2]!.letters).toBe('');
    expect(a.cells[2]!.vsTotalTest).toBeNull();
    for (const cell of a.cells) expect(cell.letters).not.toMatch(/c/i);
    // with no minimum every column is tested, and at level 0.5 some letters appear
    const all = svyTabs(design, { rows: ['n'], banner: ['g'], level: 0.5 });
    expect(all.rows[0]!.cells.map((c) => c.letters)).toEqual(['', '', 'B', 'BC']);
  });

  it('a banner level without respondents keeps its column, with no estimate', () => {
    const d = subset(design, (r) => r.g !== 'y');
    const tabs = svyTabs(d, { rows: ['q'], banner: ['g'] });
    const cell = tabs.rows[0]!.cells[2]!;
    expect(tabs.columns[2]!.base).toBe(0);
    expect([cell.base, cell.lowBase, Number.isNaN(cell.estimate), Number.isNaN(cell.se)]).toEqual([
      0,
      true,
      true,
      true,
    ]);
    expect(tabs.design.domain).toBe(true);
    expect(tabs.columns[0]!.base).toBe(8);
  });

  it('no banner: the Total only; a numeric banner variable: its distinct values', () => {
    const only = svyTabs(design, { rows: ['q'], banner: [] });
    expect(only.columns.map((c) => c.id)).toEqual(['A']);
    expect(only.rows[0]!.cells[0]!.se).toBeGreaterThan(0);
    const num = svyTabs(design, { rows: ['q'], banner: ['w'] });
    expect(num.columns.map((c) => c.level)).toEqual([null, '1', '2']);
  });

  it('ids past Z are AA, AB, …, and letters of long ids are separated by spaces', () => {
    const n = 60;
    const big = fromColumns({
      g: Array.from({ length: n }, (_, i) => `L${String(i % 30).padStart(2, '0')}`),
      y: Array.from({ length: n }, (_, i) => (i % 30 === 29 ? 100 + (i % 7) : i % 3)),
    });
    const tabs = svyTabs(svyDesign(big), { rows: ['y'], banner: ['g'], level: 0.5 });
    expect(tabs.columns.at(-1)!.id).toBe('AE');
    const last = tabs.rows[0]!.cells.at(-1)!;
    expect(last.letters.split(' ')).toContain('AA');
    expect(last.letters).toContain('B ');
  });
});

describe('svyTabs errors', () => {
  const design = svyDesign(fromColumns({ q: ['a', 'b', 'a'], y: [1, 2, 3], g: ['x', 'y', 'x'] }));
  const code = (spec: unknown) => {
    try {
      svyTabs(design, spec as TabsSpec);
    } catch (e) {
      return (e as { code: string }).code;
    }
    return 'no error';
  };
  it('names what is wrong', () => {
    expect(code({ rows: [], banner: ['g'] })).toBe('BAD_TABS_SPEC');
    expect(code({ rows: ['q'] })).toBe('BAD_TABS_SPEC');
    expect(code({ rows: [42], banner: ['g'] })).toBe('BAD_TABS_SPEC');
    expect(code({ rows: [{ net: 'N', variable: 'q', levels: [] }], banner: ['g'] })).toBe(
      'BAD_TABS_SPEC',
    );
    expect(code({ rows: [{ net: 'N', variable: 'q', levels: ['a', 'a'] }], banner: ['g'] })).toBe(
      'BAD_TABS_SPEC',
    );
    expect(code({ rows: [{ multipleResponse: { id: 'm', options: [] } }], banner: ['g'] })).toBe(
      'BAD_TABS_SPEC',
    );
    expect(code({ rows: ['q'], banner: ['g', 'g'] })).toBe('BAD_TABS_SPEC');
    expect(code({ rows: ['q'], banner: ['g'], level: [0.9, 0.95] })).toBe('BAD_OPTION');
    expect(code({ rows: ['q'], banner: ['g'], level: 1 })).toBe('BAD_OPTION');
    expect(code({ rows: ['q'], banner: ['g'], adjust: 'fdr' })).toBe('BAD_OPTION');
    expect(code({ rows: ['q'], banner: ['g'], minBase: -1 })).toBe('BAD_OPTION');
    expect(code({ rows: ['q'], banner: ['g'], total: 'yes' })).toBe('BAD_OPTION');
    expect(code({ rows: ['q'], banner: ['g'], partial: 'x' })).toBe('BAD_OPTION');
    expect(code({ rows: ['nope'], banner: ['g'] })).toBe('UNKNOWN_VARIABLE');
    expect(code({ rows: ['q'], banner: ['nope'] })).toBe('UNKNOWN_VARIABLE');
    expect(code({ rows: [{ net: 'N', variable: 'q', levels: ['c'] }], banner: ['g'] })).toBe(
      'UNKNOWN_LEVEL',
    );
    expect(code({ rows: [{ net: 'N', variable: 'y', levels: ['1'] }], banner: ['g'] })).toBe(
      'NOT_CATEGORICAL',
    );
    const mr = {
      id: 'm',
      question: { en: 'M' },
      options: [{ variable: 'q', key: 'q', label: { en: 'Q' } }],
    };
    expect(code({ rows: [{ multipleResponse: mr }], banner: ['g'] })).toBe('NOT_NUMERIC');
    const bad = { ...mr, options: [{ variable: 'y', key: 'y', label: { en: 'Y' } }] };
    expect(code({ rows: [{ multipleResponse: bad }], banner: ['g'] })).toBe('NOT_BINARY');
    expect(() =>
      svyTabs(
        subset(design, () => false),
        { rows: ['q'], banner: ['g'] },
      ),
    ).toThrow(expect.objectContaining({ code: 'EMPTY_DOMAIN' }));
  });
});

describe('svyTabs variance paths agree with svyBy + svyContrast', () => {
  /** Every cell's SE and every pair's SE against svyBy's table and svyContrast on it. */
  function agree(design: SurveyDesign, row: string, by: string, tol = 1e-9, others: string[] = []) {
    const tabs = svyTabs(design, { rows: [row], banner: [by, ...others] });
    const table = svyBy(design, by, (g) => svyMean(g, row));
    const total = svyMean(design, row);
    for (const r of tabs.rows) {
      const t = total.find((x) => (x.level ?? null) === r.level)!;
      close(r.cells[0]!.se, t.se, tol);
      const cols = tabs.columns.slice(1).filter((c) => c.base > 0 && c.variable === by);
      // the SE from the joint covariance (R: vcov(svyby(covmat = TRUE)); under lonelyPsu
      // 'average' svyBy's own per-group se may differ from it)
      const k = table.length;
      for (const col of cols) {
        const at = table.findIndex(
          (e) => e.group?.[by] === col.level && (e.level ?? null) === r.level,
        );
        close(
          r.cells.find((c) => c.column === col.id)!.se,
          Math.sqrt(table.covariance[at * k + at]!),
          tol,
        );
      }
      const [a, b] = cols;
      if (!a || !b) continue;
      const label = (c: typeof a) => (r.level === null ? c.level! : `${c.level}:${row}${r.level}`);
      const contrast = svyContrast(table, { [label(a)]: 1, [label(b)]: -1 });
      close(r.comparisons.find((c) => c.a === a.id && c.b === b.id)!.se, contrast.se, tol);
    }
  }
  it('post-stratified (one step, per-cell sums) and raked then trimmed', () => {
    const d = dpoll();
    const pop = svyMean(d, 'sex').map((r) => ({
      sex: r.level!,
      count: 1000 * (r.level === 'Female' ? 0.55 : 0.45),
    }));
    const ps = postStratify(d, { variables: ['sex'], population: pop });
    agree(ps, 'attitude', 'agegroup');
    agree(ps, 'income', 'region');
    const raked = rake(d, [
      { variable: 'sex', population: { Female: 550, Male: 450 } },
      {
        variable: 'agegroup',
        population: { '18-29': 200, '30-39': 200, '40-49': 200, '50-59': 200, '60+': 200 },
      },
    ]);
    agree(trimWeights(raked, { upper: 0.9 * Math.max(...raked.weights) }), 'attitude', 'sex');
    // calibration (linear and raking distance), one step: per-unit sums
    const margins: Margin[] = [
      { variable: 'sex', population: { Female: 550, Male: 450 } },
      {
        variable: 'agegroup',
        population: { '18-29': 200, '30-39': 200, '40-49': 200, '50-59': 200, '60+': 200 },
      },
    ];
    agree(calibrate(d, { margins, calfun: 'linear' }), 'attitude', 'region');
    agree(calibrate(d, { margins, calfun: 'raking' }), 'income', 'sex');
    // two weighting steps: dense influence values, adjusted step by step
    agree(postStratify(raked, { variables: ['sex'], population: pop }), 'attitude', 'region');
  });
  it('a weighted domain (the non-response idiom: only the domain is weighted, as R)', () => {
    const d = dpoll();
    const responded = subset(d, (r) => r.region !== null && r.region !== 'North');
    const sexes = { Female: 550, Male: 450 };
    agree(rake(responded, [{ variable: 'sex', population: sexes }]), 'attitude', 'agegroup');
    agree(
      calibrate(responded, { margins: [{ variable: 'sex', population: sexes }], calfun: 'linear' }),
      'income',
      'sex',
    );
    const pop = [
      { sex: 'Female', count: 550 },
      { sex: 'Male', count: 450 },
    ];
    agree(postStratify(responded, { variables: ['sex'], population: pop }), 'attitude', 'sex');
  });
  it('two stages with fpc, and every lonely-PSU rule', () => {
    agree(referenceDesign(registry, 'dpoll2'), 'attitude', 'sex');
    for (const rule of ['remove', 'adjust', 'average', 'certainty'] as const) {
      const d = svyDesign(loadReferenceData('apiclus1.csv'), {
        strata: 'dnum',
        weights: 'pw',
        lonelyPsu: rule,
      });
      agree(d, 'sch.wide', 'stype');
      agree(
        subset(d, (r) => Number(r.api00) > 600),
        'api00',
        'stype',
      );
    }
  });
  it('small PSUs (per-PSU totals kept sparse)', () => {
    const d = dpoll();
    const pairs = Float64Array.from({ length: d.data.nrow }, (_, i) => Math.floor(i / 2));
    const data = {
      ...d.data,
      names: [...d.data.names, 'pair'],
      columns: {
        ...d.data.columns,
        pair: { kind: 'numeric' as const, name: 'pair', values: pairs },
      },
    };
    const small = svyDesign(data, { ids: 'pair', weights: 'pw' });
    agree(small, 'attitude', 'agegroup', 1e-9, ['sex']);
    agree(small, 'income', 'sex', 1e-9, ['agegroup']);
  });
  it('one PSU per respondent, unstratified and stratified', () => {
    const d = dpoll();
    agree(svyDesign(d.data, { weights: 'pw' }), 'attitude', 'agegroup');
    agree(svyDesign(d.data, { strata: 'region', weights: 'pw' }), 'income', 'sex');
  });
});
