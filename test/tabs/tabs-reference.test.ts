/**
 * svyTabs against R (test/reference/tabs.R → tabs.json): every cell's estimate, SE and base,
 * every pairwise test (svyby(covmat = TRUE) + svycontrast, or svyratio where svyby fails), the
 * p-values adjusted by p.adjust, every column against the Total (svyratio + svycontrast), and
 * the letters at [0.95, 0.90], for each adjustment, to 1e-8.
 */
import { describe, expect, it } from 'vitest';
import { asRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { svyTabs } from '../../src/tabs/tabs.js';
import type { TabRow, TabRowSpec, Tabs, TabsAdjust } from '../../src/tabs/types.js';
import { rake } from '../../src/weighting/rake.js';
import { type ReferenceDesign, referenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceJson } from '../helpers/reference.js';
import { pollDesign, pollQuestionnaire } from '../poll/fixtures.js';

interface RTest {
  difference: number;
  se: number;
  t: number;
  p: number;
  p_none: number;
  p_bonferroni: number;
  p_holm: number;
  p_BH: number;
}
interface RBy {
  variable: string;
  total: { estimate: number; se: number; n: number };
  columns: Array<{ level: string; estimate: number; se: number; n: number }>;
  pairs: Array<RTest & { a: string; b: string }>;
  vsTotal: Array<RTest & { level: string }>;
  letters: Record<TabsAdjust, Record<string, string>>;
}
interface RCase {
  id: string;
  design: string;
  degf: number;
  rows: Array<{ row: string; by: RBy[] }>;
}
const ref = loadReferenceJson<{
  designs: Record<string, ReferenceDesign>;
  cases: RCase[];
}>('tabs.json');
const registry = loadReferenceJson<{ designs: Record<string, ReferenceDesign> }>('designs.json');

const dclus1 = () => referenceDesign(registry, 'dclus1');
const dpoll = () => referenceDesign(registry, 'dpoll');

/** Each case's design and rows, as tabs.R made them. */
const setups: Record<
  string,
  () => Promise<{ design: SurveyDesign; rows: TabRowSpec[]; banner: string[] }>
> = {
  'dclus1-schwide-by-stype': async () => ({
    design: dclus1(),
    rows: ['sch.wide'],
    banner: ['stype'],
  }),
  'dclus1-api00-awards-by-stype-both': async () => ({
    design: dclus1(),
    rows: ['api00', 'awards', 'avg.ed'],
    banner: ['stype', 'both'],
  }),
  'jk1-schwide-api00-by-stype': async () => ({
    design: asRepDesign(dclus1(), { type: 'JK1' }),
    rows: ['sch.wide', 'api00'],
    banner: ['stype'],
  }),
  'raked-awards-api00-by-stype': async () => ({
    design: rake(
      dclus1(),
      [
        { variable: 'stype', population: { E: 4421, H: 755, M: 1018 } },
        { variable: 'sch.wide', population: { No: 1072, Yes: 5122 } },
      ],
      { epsilon: 1e-12 },
    ),
    rows: ['awards', 'api00'],
    banner: ['stype', 'comp.imp'],
  }),
  'dpoll-attitude-net-income-by-sex-agegroup': async () => ({
    design: dpoll(),
    rows: [
      'attitude',
      { net: 'Positive or neutral', variable: 'attitude', levels: ['Positive', 'Neutral'] },
      'income',
    ],
    banner: ['sex', 'agegroup'],
  }),
  'dom-attitude-by-sex': async () => ({
    design: subset(dpoll(), (r) => r.support === 1),
    rows: ['attitude'],
    banner: ['sex'],
  }),
  'bel-reliable-membership-by-sex-settlement': async () => ({
    design: await pollDesign(),
    rows: [{ multipleResponse: pollQuestionnaire.multipleResponse[0]! }, 'eeu_membership'],
    banner: ['sex', 'settlement'],
  }),
};

/** The svyTabs row an R row name stands for. */
function findRow(tabs: Tabs, name: string): TabRow {
  const row = tabs.rows.find((r) => {
    if (name === 'mentions') return r.kind === 'mentions';
    if (name.startsWith('net:')) return r.kind === 'net' && r.level === name.slice(4);
    if (name.includes(':')) {
      const [v, l] = [name.slice(0, name.indexOf(':')), name.slice(name.indexOf(':') + 1)];
      return r.kind === 'level' && r.variable === v && r.level === l;
    }
    if ((r.kind === 'mean' || r.kind === 'option') && r.variable === name) return true;
    return r.kind === 'level' && r.level === name;
  });
  if (!row) throw new Error(`no row for R's "${name}"`);
  return row;
}

const ADJUST: TabsAdjust[] = ['none', 'bonferroni', 'holm', 'BH'];

describe('svyTabs against R (tabs.json)', () => {
  it('covers every case of the reference file', () => {
    expect(ref.cases.map((c) => c.id).sort()).toEqual(Object.keys(setups).sort());
  });

  for (const c of ref.cases) {
    it(`${c.id}: cells, pairs, part-vs-whole tests and letters for every adjustment`, async () => {
      const { design, rows, banner } = await setups[c.id]!();
      for (const adjust of ADJUST) {
        const tabs = svyTabs(design, { rows, banner, level: [0.95, 0.9], adjust });
        expect(tabs.test.df).toBe(c.degf);
        const idOf = (variable: string | null, level: string | null) =>
          tabs.columns.find((col) => col.variable === variable && col.level === level)!.id;
        for (const r of c.rows) {
          const row = findRow(tabs, r.row);
          const cell = (id: string) => row.cells.find((x) => x.column === id)!;
          for (const by of r.by) {
            const what = `${c.id} ${adjust} ${r.row} by ${by.variable}`;
            const total = cell(idOf(null, null));
            expectClose(total.estimate, by.total.estimate, 1e-8, `${what} Total`);
            expectClose(total.se, by.total.se, 1e-8, `${what} Total SE`);
            expect(total.base).toBe(by.total.n);
            for (const col of by.columns) {
              const x = cell(idOf(by.variable, col.level));
              expectClose(x.estimate, col.estimate, 1e-8, `${what} ${col.level}`);
              expectClose(x.se, col.se, 1e-8, `${what} ${col.level} SE`);
              expect(x.base, `${what} ${col.level} base`).toBe(col.n);
            }
            for (const p of by.pairs) {
              const a = idOf(by.variable, p.a);
              const b = idOf(by.variable, p.b);
              const t = row.comparisons.find((x) => x.a === a && x.b === b)!;
              expect(t, `${what} ${p.a}-${p.b}`).toBeDefined();
              expectClose(t.difference, p.difference, 1e-8, `${what} ${p.a}-${p.b}`);
              expectClose(t.se, p.se, 1e-8, `${what} ${p.a}-${p.b} SE`);
              expectClose(t.pValue, p.p, 1e-8, `${what} ${p.a}-${p.b} p`);
              expectClose(t.pAdjusted, p[`p_${adjust}`], 1e-8, `${what} ${p.a}-${p.b} p ${adjust}`);
            }
            for (const v of by.vsTotal) {
              const x = cell(idOf(by.variable, v.level));
              const t = x.vsTotalTest!;
              expectClose(t.difference, v.difference, 1e-8, `${what} ${v.level} vs Total`);
              expectClose(t.se, v.se, 1e-8, `${what} ${v.level} vs Total SE`);
              expectClose(t.pValue, v.p, 1e-8, `${what} ${v.level} vs Total p`);
              expectClose(t.pAdjusted, v[`p_${adjust}`], 1e-8, `${what} ${v.level} vs Total p adj`);
              const expected =
                v[`p_${adjust}`] < 0.05 ? (v.difference > 0 ? 'higher' : 'lower') : null;
              expect(x.vsTotal, `${what} ${v.level} vsTotal`).toBe(expected);
            }
            for (const [level, letters] of Object.entries(by.letters[adjust])) {
              expect(cell(idOf(by.variable, level)).letters, `${what} ${level} letters`).toBe(
                letters,
              );
            }
          }
        }
      }
    });
  }

  it('apiclus1 sch.wide by stype: the figures of the issue', () => {
    const tabs = svyTabs(dclus1(), {
      rows: ['sch.wide'],
      banner: ['stype'],
      adjust: 'BH',
    });
    const yes = tabs.rows.find((r) => r.level === 'Yes')!;
    expect(yes.cells.slice(1).map((c) => c.estimate.toFixed(4))).toEqual([
      '0.9167',
      '0.7857',
      '0.6800',
    ]);
    expect(yes.cells.slice(1).map((c) => c.se.toPrecision(4))).toEqual([
      '0.02098',
      '0.09146',
      '0.1095',
    ]);
    expect(yes.comparisons.map((t) => t.difference.toFixed(5))).toEqual([
      '0.13095',
      '0.23667',
      '0.10571',
    ]);
    expect(yes.comparisons.map((t) => t.pValue.toFixed(4))).toEqual(['0.2184', '0.0686', '0.3341']);
    expect(yes.comparisons.map((t) => t.pAdjusted.toFixed(3))).toEqual(['0.328', '0.206', '0.334']);
    expect(tabs.test.df).toBe(14);
  });
});
