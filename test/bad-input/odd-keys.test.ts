/**
 * Names and texts from the data that are also names of Object.prototype — `__proto__`,
 * `constructor`, `toString`, `hasOwnProperty`, `valueOf` — as variable names, levels, labels,
 * margin levels, question ids and answer labels: a missing one gives the typed error of any
 * missing name; a present one gives the numbers the same data gives under plain names; and
 * Object.prototype is checked after every test.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { estimateChart } from '../../src/charts/estimates.js';
import { chartLabels, translate, variableTitle } from '../../src/charts/labels.js';
import { renderSvg } from '../../src/charts/render.js';
import { parseCodebook } from '../../src/data/codebook.js';
import { column, fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { type MutateDef, mutate } from '../../src/design/mutate.js';
import { svyRepDesign } from '../../src/design/replicate.js';
import type { Row } from '../../src/design/row.js';
import { CodebookError, SurveyError, WeightingError } from '../../src/errors.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyCiProp } from '../../src/estimate/ciprop.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyQuantile } from '../../src/estimate/quantile.js';
import { svyRatio } from '../../src/estimate/ratio.js';
import { svyChisq, svyTable } from '../../src/estimate/table.js';
import { svyTtest } from '../../src/estimate/ttest.js';
import { svyVar } from '../../src/estimate/var.js';
import { svyGlm } from '../../src/models/glm.js';
import { svyOlr } from '../../src/models/olr.js';
import { svyPredict } from '../../src/models/predict.js';
import { parseQuestionnaire } from '../../src/poll/questionnaire.js';
import { marginsFromJson } from '../../src/poll/weighting.js';
import { pollReport } from '../../src/report/report.js';
import { writePollReport } from '../../src/report/write.js';
import { svyTabs } from '../../src/tabs/tabs.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { thrown } from '../helpers/errors.js';
import { tempDir } from '../report/fixtures.js';

const ODD = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;
const PLAIN = ['p0', 'p1', 'p2', 'p3', 'p4'];

/** Object.prototype as it should stay. */
const PROTOTYPE = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(PROTOTYPE);
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** A frame with the given names for its categorical columns and for their levels. */
function frame(names: readonly string[]) {
  const columns: Record<string, unknown[]> = Object.create(null);
  names.forEach((name, k) => {
    columns[name] = Array.from(
      { length: 10 },
      (_, i) => names[(i * 3 + k * (i % 2)) % names.length],
    );
  });
  columns.y = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
  columns.b = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0];
  columns.w = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2];
  return fromColumns(columns as never);
}
const oddDesign = () => svyDesign(frame(ODD), { weights: 'w' });
const plainDesign = () => svyDesign(frame(PLAIN), { weights: 'w' });
/** Estimates as numbers only (labels differ between the two frames). */
const numbers = (rows: ReadonlyArray<{ estimate: number; se: number }>) =>
  rows.map((r) => [r.estimate, r.se]);

describe('a missing variable named like a prototype member is UNKNOWN_VARIABLE (or the like)', () => {
  const d = svyDesign(fromColumns({ y: [1, 2, 3, 4], g: ['a', 'b', 'a', 'b'], w: [1, 2, 1, 2] }), {
    weights: 'w',
  });
  const base = d.data;
  const calls: Record<string, (v: string) => unknown> = {
    svyMean: (v) => svyMean(d, v),
    'svyMean (several)': (v) => svyMean(d, ['y', v]),
    svyTotal: (v) => svyTotal(d, v),
    'svyBy (grouping)': (v) => svyBy(d, v, (x) => svyMean(x, 'y')),
    'svyBy (estimate)': (v) => svyBy(d, 'g', (x) => svyMean(x, v)),
    svyQuantile: (v) => svyQuantile(d, v, [0.5]),
    svyCiProp: (v) => svyCiProp(d, v, {}),
    svyRatio: (v) => svyRatio(d, v, 'y'),
    svyVar: (v) => svyVar(d, v),
    svyTtest: (v) => svyTtest(d, 'y', v),
    svyTable: (v) => svyTable(d, v, 'g'),
    svyChisq: (v) => svyChisq(d, 'g', v),
    rake: (v) => rake(d, [{ variable: v, population: { a: 1 } }]),
    postStratify: (v) =>
      postStratify(d, { variables: [v], population: [{ [v]: 'a', count: 3 } as never] }),
    calibrate: (v) =>
      calibrate(d, { margins: [{ variable: v, population: { a: 1 } }], calfun: 'linear' }),
    'svyDesign weights': (v) => svyDesign(base, { weights: v }),
    'svyDesign ids': (v) => svyDesign(base, { ids: v }),
    'svyDesign strata': (v) => svyDesign(base, { strata: v }),
    svyRepDesign: (v) => svyRepDesign(base, { weights: 'w', repweights: [v, 'y'], type: 'JK1' }),
    column: (v) => column(base, v),
    'svyTabs row': (v) => svyTabs(d, { rows: [v], banner: ['g'] }),
    'svyTabs banner': (v) => svyTabs(d, { rows: ['y'], banner: [v] }),
  };
  // model formulas: a name starting with "_" is not a name in R's formulas, nor here
  const models: Record<string, (v: string) => unknown> = {
    'svyGlm outcome': (v) => svyGlm(d, `${v} ~ g`),
    'svyGlm term': (v) => svyGlm(d, `y ~ g + ${v}`),
    'svyOlr term': (v) => svyOlr(d, `g ~ ${v}`),
  };
  it('model formulas', () => {
    for (const [name, call] of Object.entries(models)) {
      for (const v of ODD) {
        const e = thrown(() => call(v));
        expect(e, `${name}(${v})`).toBeInstanceOf(SurveyError);
        expect(e.code, `${name}(${v})`).toBe(
          v === '__proto__' ? 'FORMULA_SYNTAX' : 'UNKNOWN_VARIABLE',
        );
      }
    }
  });
  for (const [name, call] of Object.entries(calls)) {
    it(name, () => {
      for (const v of ODD) {
        let e: unknown = null;
        try {
          call(v);
        } catch (x) {
          e = x;
        }
        expect(e, `${name}(${v})`).toBeInstanceOf(SurveyError);
        expect((e as SurveyError).code, `${name}(${v})`).toMatch(/^UNKNOWN_(VARIABLE|COLUMN)$/);
        expect((e as SurveyError).message).toContain(`"${v}"`);
      }
    });
  }
});

describe('variables and levels named like prototype members give the numbers plain names give', () => {
  it('svyMean, svyTotal of each such variable (levels named so too)', () => {
    const odd = oddDesign();
    const plain = plainDesign();
    ODD.forEach((v, k) => {
      const rows = svyMean(odd, v);
      const col = odd.data.columns[v]!;
      expect(rows.map((r) => r.level)).toEqual(col.kind === 'categorical' ? col.levels : []);
      expect(numbers(rows)).toEqual(numbers(svyMean(plain, PLAIN[k]!)));
      expect(numbers(svyTotal(odd, v))).toEqual(numbers(svyTotal(plain, PLAIN[k]!)));
    });
  });

  it('svyBy groups: own properties named after the variables, contrasts by their labels', () => {
    const odd = oddDesign();
    const plain = plainDesign();
    ODD.forEach((v, k) => {
      const table = svyBy(odd, v, (x) => svyMean(x, 'y'));
      for (const row of table) {
        expect(Object.keys(row.group!)).toEqual([v]);
        expect(Object.hasOwn(row.group!, v)).toBe(true);
        expect(ODD).toContain(row.group![v]);
      }
      const other = svyBy(plain, PLAIN[k]!, (x) => svyMean(x, 'y'));
      expect(numbers(table)).toEqual(numbers(other));
      const c = svyContrast(table, { [table.labels[0]!]: 1, [table.labels[1]!]: -1 });
      const cPlain = svyContrast(other, { [other.labels[0]!]: 1, [other.labels[1]!]: -1 });
      expect(c.estimate).toBeCloseTo(cPlain.estimate, 14);
    });
    const two = svyBy(odd, ['__proto__', 'constructor'], (x) => svyMean(x, 'y'));
    expect(Object.keys(two[0]!.group!)).toEqual(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(two[0]!.group))).toEqual(two[0]!.group);
  });

  it('tables, tests and banner tables', () => {
    const odd = oddDesign();
    const plain = plainDesign();
    const table = svyTable(odd, '__proto__', 'toString');
    expect(table.counts).toEqual(svyTable(plain, 'p0', 'p2').counts);
    expect(table.rowLevels.every((l) => (ODD as readonly string[]).includes(l))).toBe(true);
    expect(svyChisq(odd, 'constructor', 'valueOf').statistic).toBeCloseTo(
      svyChisq(plain, 'p1', 'p4').statistic,
      12,
    );
    const tabs = svyTabs(odd, { rows: ['__proto__', 'y'], banner: ['constructor'] });
    const tabsPlain = svyTabs(plain, { rows: ['p0', 'y'], banner: ['p1'] });
    expect(tabs.rows.map((r) => r.cells.map((c) => c.estimate))).toEqual(
      tabsPlain.rows.map((r) => r.cells.map((c) => c.estimate)),
    );
    const name: string = 'constructor';
    const banner = odd.data.columns[name]!;
    expect(tabs.columns.map((c) => c.level)).toEqual([
      null,
      ...(banner.kind === 'categorical' ? banner.levels : []),
    ]);
  });

  it('raking, post-stratification and calibration to levels named so (a margins file included)', () => {
    const odd = oddDesign();
    const population = JSON.parse(
      '{"__proto__":20,"constructor":20,"toString":20,"hasOwnProperty":20,"valueOf":20}',
    ) as Record<string, number>;
    const margins = marginsFromJson({ margins: [{ variable: 'toString', population }] });
    expect(Object.keys(margins[0]!.population)).toEqual([...ODD]);
    for (const d of [
      rake(odd, margins),
      calibrate(odd, { margins, calfun: 'linear' }),
      calibrate(odd, { margins, calfun: 'raking' }),
      postStratify(odd, {
        variables: ['toString'],
        population: ODD.map((l) => JSON.parse(`{"toString":${JSON.stringify(l)},"count":20}`)),
      }),
    ]) {
      for (const r of svyTotal(d, 'toString')) expect(r.estimate).toBeCloseTo(20, 9);
    }
  });

  it('a model of variables named so, and predictions for rows without them', () => {
    for (const v of ODD.filter((x) => x !== '__proto__')) {
      const data = fromColumns({ y: [0, 1, 0, 1, 1, 0, 1, 0], [v]: [1, 2, 3, 4, 5, 6, 7, 9] });
      const plain = fromColumns({ y: [0, 1, 0, 1, 1, 0, 1, 0], x: [1, 2, 3, 4, 5, 6, 7, 9] });
      const fit = svyGlm(svyDesign(data), `y ~ ${v}`);
      const ref = svyGlm(svyDesign(plain), 'y ~ x');
      expect(fit.coefficients.map((c) => c.term)).toEqual(['(Intercept)', v]);
      expect(fit.coefficients.map((c) => c.estimate)).toEqual(
        ref.coefficients.map((c) => c.estimate),
      );
      // a new row without the variable is missing it (not Object.prototype's member)
      expect(thrown(() => svyPredict(fit, [{}])).code).toBe('MISSING_VALUES');
    }
  });

  it('mutate and derived columns named so', () => {
    const defs: Record<string, MutateDef> = Object.fromEntries([
      ['hasOwnProperty', (r: Row) => (r.y as number) * 2],
    ]);
    const d = mutate(oddDesign(), defs);
    expect(svyMean(d, 'hasOwnProperty')[0]!.estimate).toBeCloseTo(
      2 * svyMean(d, 'y')[0]!.estimate,
      12,
    );
  });
});

describe('description files', () => {
  it('a margins file keeps a "__proto__" level and checks its count', () => {
    const m = marginsFromJson(
      JSON.parse('{"margins":[{"variable":"g","population":{"__proto__":5,"b":5}}]}'),
    );
    expect(Object.entries(m[0]!.population)).toEqual([
      ['__proto__', 5],
      ['b', 5],
    ]);
    let e: unknown;
    try {
      marginsFromJson(JSON.parse('{"margins":[{"variable":"g","population":{"__proto__":-1}}]}'));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(WeightingError);
    expect((e as SurveyError).message).toContain('margins.0.population.__proto__');
  });

  it('a "__proto__" key anywhere else is a problem, not dropped without a word', () => {
    const q = (text: string) => () =>
      parseQuestionnaire(
        JSON.parse(
          `{"eeu":[{"id":"q","variable":"q","question":${text},"answers":[{"code":1,"label":{"en":"Yes"},"group":"positive"}]}]}`,
        ),
      );
    expect(q('{"en":"Q?"}')).not.toThrow();
    expect(q('{"en":"Q?","__proto__":"x"}')).toThrow(CodebookError);
    expect(q('{"en":"Q?","__proto__":"x"}')).toThrow(
      /eeu\.0\.question\.__proto__: a key named "__proto__"/,
    );
    expect(() =>
      parseCodebook(
        JSON.parse(
          '{"variables":[{"name":"v","type":"categorical","values":[{"code":1,"label":"a","translations":{"__proto__":{"polluted":1}}}]}]}',
        ),
      ),
    ).toThrow(/__proto__/);
    expect(() => marginsFromJson(JSON.parse('{"__proto__":{"polluted":1},"margins":[]}'))).toThrow(
      WeightingError,
    );
  });
});

describe('chart labels and the report', () => {
  it('chartLabels keeps labels named so, and translates them', () => {
    const codebook = parseCodebook({
      variables: [
        {
          name: 'constructor',
          type: 'categorical',
          label: 'toString',
          values: [
            { code: 1, label: '__proto__', translations: { ru: 'прото' } },
            { code: 2, label: 'hasOwnProperty', translations: { ru: 'своё' } },
          ],
        },
      ],
    });
    const labels = chartLabels({ codebook });
    expect(translate('__proto__', 'ru', labels, 'constructor')).toBe('прото');
    expect(translate('hasOwnProperty', 'ru', labels)).toBe('своё');
    expect(translate('valueOf', 'ru', labels)).toBe('valueOf');
    expect(variableTitle('constructor', 'ru', labels)).toBe('toString');
    expect(variableTitle('toString', 'en', labels)).toBe('toString');
  });

  it('a report whose question ids, answer labels and levels are named so: drawn, written inside its folder', async () => {
    const data = fromColumns({
      constructor: ['__proto__', 'toString', '__proto__', 'valueOf', 'toString', '__proto__'],
      toString: [1, 0, 1, 1, 0, 1],
      valueOf: [0, 1, 1, 0, 1, 0],
      w: [1, 2, 1, 2, 1, 2],
    });
    const questionnaire = parseQuestionnaire({
      multipleResponse: [
        {
          id: '__proto__',
          question: { en: 'hasOwnProperty?' },
          options: [
            { variable: 'toString', key: 'constructor', label: { en: 'constructor' } },
            { variable: 'valueOf', key: '__proto__', label: { en: '__proto__' } },
          ],
        },
      ],
      subgroups: [{ variable: 'constructor', label: { en: 'toString' } }],
    });
    const out = join(tempDir(), 'out');
    const report = pollReport({
      data,
      design: { weights: 'w' },
      questionnaire,
      topline: true,
      scripts: { vega: '', vegaLite: '', vegaEmbed: '' },
    });
    const files = await writePollReport(report, out);
    for (const f of files) expect(f.startsWith(`${out}/`)).toBe(true);
    expect(readdirSync(join(out, 'charts')).length).toBeGreaterThan(3);
    const ranking = readFileSync(join(out, 'charts', 'ranking-proto.svg'), 'utf8');
    expect(ranking).toContain('>constructor<');
    expect(ranking).toContain('>__proto__<');
    const topline = readFileSync(join(out, 'charts', 'topline-constructor.svg'), 'utf8');
    for (const level of ['__proto__', 'toString', 'valueOf'])
      expect(topline).toContain(`>${level}<`);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });

  it('charts whose labels are named so are drawn in their order (vega would misread them in a sort)', async () => {
    const labels = [...ODD, 'isPrototypeOf'];
    const rows = labels.map((label, i) => ({
      label,
      estimate: 0.1 * (i + 1),
      ci: [0.05 * (i + 1), 0.15 * (i + 1)] as [number, number],
      n: 100,
    }));
    for (const sort of ['none', 'descending'] as const) {
      const svg = await renderSvg(estimateChart(rows, { sort }));
      const drawn = [...svg.matchAll(/>([A-Za-z_]+)<\/text>/g)]
        .map((m) => m[1]!)
        .filter((t) => labels.includes(t));
      expect(drawn, sort).toEqual(sort === 'none' ? labels : [...labels].reverse());
    }
  });
});
