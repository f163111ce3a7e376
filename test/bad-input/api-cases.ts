/**
 * Catalogue entries for hostile and careless calls beyond the data layer (issue 13): levels ×
 * levels work (covariances, tables), replicates, calibration models and PNG pixels beyond their
 * caps (each a TOO_LARGE naming its limit and option, before the work), names and keys from the
 * data that are also Object.prototype's, description files with a `__proto__` key, SVG that
 * cannot be drawn, report files that would leave their folder. `catalogue.test.ts` runs them
 * with the others.
 */
import { renderPng, svgToPng } from '../../src/charts/render.js';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign, svyRepDesign } from '../../src/design/replicate.js';
import {
  CodebookError,
  DataFormatError,
  DesignError,
  EstimationError,
  SurveyError,
  WeightingError,
} from '../../src/errors.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyContrast } from '../../src/estimate/contrast.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { svyChisq, svyTable } from '../../src/estimate/table.js';
import { parseQuestionnaire } from '../../src/poll/questionnaire.js';
import { marginsFromJson } from '../../src/poll/weighting.js';
import { pollReport } from '../../src/report/report.js';
import type { PollReport } from '../../src/report/types.js';
import { writePollReport } from '../../src/report/write.js';
import { svyTabs } from '../../src/tabs/tabs.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { rake } from '../../src/weighting/rake.js';
import type { DataCase } from './data-cases.js';

/** A design of `n` rows whose column `g` has `levels` levels (and `h` as many, shuffled). */
function manyLevels(n: number, levels: number) {
  return svyDesign(
    fromColumns({
      g: Array.from({ length: n }, (_, i) => `g${i % levels}`),
      h: Array.from({ length: n }, (_, i) => `h${(i * 7919) % levels}`),
      y: Array.from({ length: n }, (_, i) => i % 7),
    }),
  );
}

const small = () =>
  svyDesign(
    fromColumns({
      y: [1, 2, 3, 4, 5, 6],
      g: ['a', 'b', 'a', 'b', 'a', 'b'],
      s: ['p', 'p', 'q', 'q', 'r', 'r'],
      w: [1, 2, 1, 2, 1, 2],
    }),
    { weights: 'w' },
  );

const SCRIPTS = { vega: '', vegaLite: '', vegaEmbed: '' };

/** The entries (made when called: some build their input). */
export function apiCases(): DataCase[] {
  return [
    // ---- levels × levels
    {
      name: 'svyMean of a column of 100,000 levels (an identifier read as text)',
      run: () => svyMean(manyLevels(100_000, 100_000), 'g'),
      error: EstimationError,
      code: 'TOO_LARGE',
      mentions: ['100,000 estimates', 'maxCovariance', '{ maxCovariance: n }'],
      details: { value: 100_000, limit: 1000, option: 'maxCovariance', variable: 'g' },
    },
    {
      name: 'svyTotal of 3,000 levels on 3,000 rows (was over 30 s)',
      run: () => svyTotal(manyLevels(3000, 3000), 'g'),
      error: EstimationError,
      code: 'TOO_LARGE',
      details: { value: 3000, option: 'maxCovariance' },
    },
    {
      name: 'svyMean of several variables, together beyond maxCovariance',
      run: () => svyMean(manyLevels(60, 30), ['g', 'h', 'y'], { maxCovariance: 50 }),
      error: EstimationError,
      code: 'TOO_LARGE',
      details: { value: 61, limit: 50 },
    },
    {
      name: 'the covariance of a svyBy table of 3,000 groups (the rows themselves are made)',
      run: () => svyBy(manyLevels(3000, 3000), 'g', (d) => svyMean(d, 'y')).covariance,
      error: EstimationError,
      code: 'TOO_LARGE',
      mentions: ['svyBy by g', '3,000 estimates'],
    },
    {
      name: 'a contrast between rows of a svyBy table beyond maxCovariance',
      run: () => {
        const t = svyBy(manyLevels(60, 30), 'g', (d) => svyMean(d, 'y'), { maxCovariance: 10 });
        return svyContrast(t, { [t.labels[0]!]: 1, [t.labels[1]!]: -1 });
      },
      error: EstimationError,
      code: 'TOO_LARGE',
      details: { limit: 10, option: 'maxCovariance' },
    },
    {
      name: 'svyChisq of a 40 × 30 table (1,200 cells)',
      run: () =>
        svyChisq(
          svyDesign(
            fromColumns({
              a: Array.from({ length: 2400 }, (_, i) => `a${i % 40}`),
              b: Array.from({ length: 2400 }, (_, i) => `b${Math.floor(i / 40) % 30}`),
            }),
          ),
          'a',
          'b',
        ),
      error: EstimationError,
      code: 'TOO_LARGE',
      mentions: ['40 × 30 cells', '1,200 estimates'],
    },
    {
      name: 'svyTable of two 100,000-level columns (was an untyped RangeError)',
      run: () => svyTable(manyLevels(100_000, 100_000), 'g', 'h'),
      error: EstimationError,
      code: 'TOO_LARGE',
      mentions: ['10,000,000,000 cells', 'maxCells'],
      details: { option: 'maxCells', limit: 2 ** 24 },
    },
    {
      name: 'svyBy by two 5,000-level columns: 25,000,000 level combinations (was BAD_OPTION)',
      run: () => svyBy(manyLevels(5000, 5000), ['g', 'h'], (d) => svyMean(d, 'y')),
      error: EstimationError,
      code: 'TOO_LARGE',
      mentions: [
        '"g" (5,000 levels) × "h" (5,000 levels)',
        '25,000,000 level combinations',
        '{ maxCells: n }',
      ],
      details: { value: 25_000_000, limit: 2 ** 24, option: 'maxCells', variable: 'g+h' },
    },
    {
      name: 'svyBy with a lowered maxCells',
      run: () => svyBy(small(), ['g', 's'], (d) => svyMean(d, 'y'), { maxCells: 5 }),
      error: EstimationError,
      code: 'TOO_LARGE',
      details: { value: 6, limit: 5, option: 'maxCells' },
    },
    {
      name: 'an n-way svyTable of 40 × 40 × 40 cells (64,000: was an untyped RangeError)',
      run: () => {
        const d = svyDesign(
          fromColumns({
            a: Array.from({ length: 3000 }, (_, i) => `a${i % 40}`),
            b: Array.from({ length: 3000 }, (_, i) => `b${(i * 7) % 40}`),
            c: Array.from({ length: 3000 }, (_, i) => `c${(i * 13) % 40}`),
          }),
        );
        return svyTable(d, ['a', 'b', 'c']);
      },
      error: EstimationError,
      code: 'TOO_LARGE',
      mentions: [
        '"a" (40 levels) × "b" (40) × "c" (40)',
        '64,000 estimates',
        '{ maxCovariance: n }',
      ],
      details: { value: 64_000, limit: 1000, option: 'maxCovariance', variable: 'a+b+c' },
    },
    {
      name: 'an n-way svyTable beyond maxCells (was BAD_OPTION)',
      run: () => svyTable(manyLevels(100_000, 100_000), ['g', 'h'], { maxCovariance: Infinity }),
      error: EstimationError,
      code: 'TOO_LARGE',
      mentions: ['10,000,000,000 cells', '{ maxCells: n }'],
      details: { value: 1e10, limit: 2 ** 24, option: 'maxCells', variable: 'g+h' },
    },
    {
      name: 'an n-way svyTable with a maxCells that is not a positive integer',
      run: () => svyTable(small(), ['g', 's'], { maxCells: 1.5 }),
      error: EstimationError,
      code: 'BAD_OPTION',
      details: { option: 'maxCells', value: 1.5 },
    },
    {
      name: 'a banner table by a variable of 3,000 levels (an identifier; was minutes)',
      run: () => svyTabs(manyLevels(3000, 3000), { rows: ['y'], banner: ['g'] }),
      error: EstimationError,
      code: 'TOO_LARGE',
      mentions: ['"g"', '3,001 columns', '{ maxBannerColumns: n }'],
      details: { value: 3001, limit: 200, option: 'maxBannerColumns' },
    },
    {
      name: 'a maxCovariance that is not a positive integer',
      run: () => svyMean(small(), 'y', { maxCovariance: 0 }),
      error: EstimationError,
      code: 'BAD_OPTION',
      details: { option: 'maxCovariance', value: 0 },
    },
    {
      name: 'a questionnaire built by hand whose item has two answers with one label (was CHART_DUPLICATE_ROWS, naming no question)',
      run: () => {
        const q = parseQuestionnaire({
          eeu: [
            {
              id: 'trust',
              variable: 'trust',
              question: { en: 'Trust?' },
              answers: [
                { code: 1, label: { en: 'Yes' }, group: 'positive' },
                { code: 2, label: { en: 'No' }, group: 'negative' },
              ],
            },
          ],
        });
        q.eeu[0]!.answers[1]!.label = { en: 'Yes' }; // after validation: pollReport checks again
        return pollReport({
          data: fromColumns({ trust: ['Yes', 'Yes', 'No'] }),
          questionnaire: q,
          charts: false,
        });
      },
      error: CodebookError,
      code: 'INVALID_QUESTIONNAIRE',
      mentions: ['question "trust"', '"Yes" (en)', 'codes 1 and 2'],
      details: { question: 'trust', label: 'Yes', language: 'en', codes: [1, 2] },
    },
    // ---- weighting and replicates
    {
      name: 'linear calibration to two margins of 1,000 levels on 5,000 rows (was over 400 s)',
      run: () => {
        const d = svyDesign(
          fromColumns({
            a: Array.from({ length: 5000 }, (_, i) => `a${i % 1000}`),
            b: Array.from({ length: 5000 }, (_, i) => `b${(i * 7 + Math.floor(i / 1000)) % 1000}`),
          }),
        );
        const pop = (p: string) =>
          Object.fromEntries(Array.from({ length: 1000 }, (_, l) => [`${p}${l}`, 10]));
        return calibrate(d, {
          margins: [
            { variable: 'a', population: pop('a') },
            { variable: 'b', population: pop('b') },
          ],
          calfun: 'linear',
        });
      },
      error: WeightingError,
      code: 'TOO_LARGE',
      mentions: ['1,999 columns', 'maxModelColumns'],
      details: { value: 1999, limit: 500, option: 'maxModelColumns' },
    },
    {
      name: 'a bootstrap of 30,000 replicates (went past 3 GB)',
      run: () =>
        asRepDesign(
          svyDesign(fromColumns({ y: [1, 2, 3, 4, 5, 6], s: ['a', 'a', 'a', 'b', 'b', 'b'] }), {
            strata: 's',
          }),
          { type: 'bootstrap', replicates: 30_000 },
        ),
      error: DesignError,
      code: 'TOO_LARGE',
      mentions: ['30,000 replicates', '{ maxReplicates: n }'],
      details: { value: 30_000, limit: 5000, option: 'maxReplicates' },
    },
    {
      name: 'replicate weights (replicates × rows) beyond maxReplicateWeights',
      run: () =>
        svyRepDesign(fromColumns({ y: [1, 2], w: [1, 1], r1: [2, 0], r2: [0, 2] }), {
          weights: 'w',
          repweights: ['r1', 'r2'],
          type: 'JK1',
          maxReplicateWeights: 3,
        }),
      error: DesignError,
      code: 'TOO_LARGE',
      details: { value: 4, limit: 3, option: 'maxReplicateWeights' },
    },
    // ---- PNG
    {
      name: 'renderPng at scale 300 (went past 3 GB)',
      run: () =>
        renderPng(
          { width: 400, height: 300, data: { values: [{ a: 1 }] }, mark: 'point' },
          { scale: 300 },
        ),
      error: SurveyError,
      code: 'TOO_LARGE',
      mentions: ['scale 300', 'maxPixels'],
      details: { option: 'maxPixels', limit: 2 ** 26 },
    },
    {
      name: 'renderPng at a negative scale',
      run: () => renderPng({ data: { values: [] }, mark: 'point' }, { scale: -2 }),
      error: SurveyError,
      code: 'BAD_OPTION',
      details: { option: 'scale', value: -2 },
    },
    {
      name: 'SVG with a control character in a label (not valid XML) to svgToPng',
      run: () =>
        svgToPng(
          '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>\u0001</text></svg>',
        ),
      error: SurveyError,
      code: 'INVALID_SVG',
      mentions: ['non-XML character'],
    },
    // ---- names and keys from the data
    {
      name: 'svyMean of a missing column named constructor',
      run: () => svyMean(small(), 'constructor'),
      error: EstimationError,
      code: 'UNKNOWN_VARIABLE',
      mentions: ['"constructor"'],
    },
    {
      name: 'svyBy by a missing column named toString',
      run: () => svyBy(small(), 'toString', (d) => svyMean(d, 'y')),
      error: EstimationError,
      code: 'UNKNOWN_VARIABLE',
      mentions: ['"toString"'],
    },
    {
      name: 'raking on a missing column named hasOwnProperty',
      run: () => rake(small(), [{ variable: 'hasOwnProperty', population: { a: 1 } }]),
      error: WeightingError,
      code: 'UNKNOWN_VARIABLE',
      mentions: ['"hasOwnProperty"'],
    },
    {
      name: 'a design weighted by a missing column named __proto__',
      run: () => svyDesign(small().data, { weights: '__proto__' }),
      error: DesignError,
      code: 'UNKNOWN_COLUMN',
      mentions: ['"__proto__"'],
    },
    {
      name: 'a margins file with a "__proto__" level of count -1',
      run: () =>
        marginsFromJson(
          JSON.parse('{"margins":[{"variable":"g","population":{"__proto__":-1,"b":5}}]}'),
          'm.json',
        ),
      error: WeightingError,
      code: 'INVALID_MARGINS',
      mentions: ['m.json', 'margins.0.population.__proto__'],
    },
    {
      name: 'a questionnaire text with a "__proto__" language (zod would drop it)',
      run: () =>
        parseQuestionnaire(
          JSON.parse(
            '{"subgroups":[{"variable":"g","label":{"en":"Group","__proto__":{"polluted":1}}}]}',
          ),
          'q.json',
        ),
      error: CodebookError,
      code: 'INVALID_QUESTIONNAIRE',
      mentions: ['q.json', 'subgroups.0.label.__proto__'],
    },
    // ---- report files
    {
      name: 'a report table named to leave the folder',
      run: () => {
        const report = pollReport({ data: small().data, charts: false });
        const bad: PollReport = { ...report, tables: new Map([['../../escaped', 'x\n']]) };
        return writePollReport(bad, 'out/catalogue-never-written');
      },
      error: DataFormatError,
      code: 'UNSAFE_PATH',
      mentions: ['tables/../../escaped'],
    },
    {
      name: 'a report with a chart that cannot be drawn (nothing is written)',
      run: () => {
        const report = pollReport({ data: small().data, scripts: SCRIPTS });
        const bad: PollReport = {
          ...report,
          charts: report.charts.map((c) => ({ ...c, spec: { ...c.spec, mark: 'nope' } as never })),
        };
        return writePollReport(bad, 'out/catalogue-never-written');
      },
      error: SurveyError,
      code: 'INVALID_CHART_SPEC',
    },
  ];
}
