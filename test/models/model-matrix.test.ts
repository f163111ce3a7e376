/**
 * The model matrix: R's column names (test/reference/models.json `matrices`, from R's
 * model.matrix on apiclus1), the values of each row (against a dense matrix built by hand), the
 * rows used, and the errors for bad variables and outcomes.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import { EstimationError } from '../../src/errors.js';
import { parseFormula } from '../../src/models/formula.js';
import { modelMatrix, withoutColumns } from '../../src/models/model-matrix.js';
import { thrown } from '../helpers/errors.js';
import { loadReferenceData } from '../helpers/reference.js';
import { models } from './reference-designs.js';

interface MatrixRef {
  formula: string;
  columns: string[];
}

const apiclus1 = svyDesign(loadReferenceData('apiclus1.csv'), {
  ids: 'dnum',
  weights: 'pw',
  fpc: 'fpc',
});

/** The dense model-matrix row of used row k. */
function denseRow(mm: ReturnType<typeof modelMatrix>['matrix'], k: number): number[] {
  const x = new Array<number>(mm.p).fill(0);
  const c = mm.cell[k]!;
  for (let s = 0; s < mm.slots; s++) {
    const col = mm.cellCols[c * mm.slots + s]!;
    if (col < 0) continue;
    const f = mm.slotFeature[s]!;
    x[col]! += f === 0 ? 1 : mm.U[k * mm.m + f - 1]!;
  }
  return x;
}

describe('column names are R model.matrix names', () => {
  for (const ref of models['matrices'] as MatrixRef[]) {
    it(ref.formula, () => {
      const { matrix } = modelMatrix(apiclus1, parseFormula(ref.formula), 'glm');
      expect(matrix.names).toEqual(ref.columns);
    });
  }
});

describe('model-matrix rows', () => {
  it('hold the treatment-contrast indicators and products R puts there', () => {
    const f = parseFormula('api00 ~ ell * stype + sch.wide:meals');
    const { matrix: mm } = modelMatrix(apiclus1, f, 'glm');
    expect(mm.names).toEqual([
      '(Intercept)',
      'ell',
      'stypeH',
      'stypeM',
      'ell:stypeH',
      'ell:stypeM',
      'sch.wideNo:meals',
      'sch.wideYes:meals',
    ]);
    const data = apiclus1.data;
    const col = (v: string) => data.columns[v]!;
    const num = (v: string, i: number) => (col(v) as { values: Float64Array }).values[i]!;
    const lab = (v: string, i: number) => {
      const c = col(v) as { codes: Int32Array; levels: readonly string[] };
      return c.levels[c.codes[i]!]!;
    };
    expect(mm.rows.length).toBe(183);
    for (let k = 0; k < mm.rows.length; k++) {
      const i = mm.rows[k]!;
      const st = lab('stype', i);
      const ell = num('ell', i);
      const meals = num('meals', i);
      const yes = lab('sch.wide', i) === 'Yes';
      expect(denseRow(mm, k)).toEqual([
        1,
        ell,
        st === 'H' ? 1 : 0,
        st === 'M' ? 1 : 0,
        st === 'H' ? ell : 0,
        st === 'M' ? ell : 0,
        yes ? 0 : meals,
        yes ? meals : 0,
      ]);
    }
    // cells are the combinations of stype and sch.wide that occur; one feature per numeric product
    expect(mm.nCells).toBe(6);
    expect(mm.features).toEqual([['ell'], ['meals']]);
  });

  it('leave out rows with a missing model variable (counted) and rows outside the domain', () => {
    const d = subset(apiclus1, (r) => r.stype !== 'H');
    const { matrix, outcome } = modelMatrix(d, parseFormula('api00 ~ avg.ed + stype'), 'glm');
    const inDomain = Array.from(d.domain!).filter(Boolean).length;
    expect(matrix.rows.length + matrix.nMissing).toBe(inDomain);
    expect(matrix.nMissing).toBeGreaterThan(0);
    for (const i of matrix.rows)
      expect(Number.isNaN((d.data.columns['avg.ed'] as { values: Float64Array }).values[i]!)).toBe(
        false,
      );
    expect(outcome.y!.length).toBe(matrix.rows.length);
    // H is not in the domain: its column is dropped, as R's glm drops unused levels
    expect(matrix.names).toEqual(['(Intercept)', 'avg.ed', 'stypeM']);
    expect(matrix.factors[0]!.levels).toEqual(['E', 'M']);
  });

  it('without columns: the dropped columns are ignored and the rest renumbered', () => {
    const { matrix } = modelMatrix(apiclus1, parseFormula('api00 ~ stype + ell'), 'glm');
    const less = withoutColumns(matrix, [1]);
    expect(less.names).toEqual(['(Intercept)', 'stypeM', 'ell']);
    for (let k = 0; k < matrix.rows.length; k++) {
      const full = denseRow(matrix, k);
      expect(denseRow(less, k)).toEqual([full[0], full[2], full[3]]);
    }
  });
});

describe('outcomes', () => {
  const data = fromColumns({
    y: [0, 1, 0.5, 1, 0, 1],
    g: ['a', 'b', 'c', 'a', 'b', 'c'],
    two: ['no', 'yes', 'yes', 'no', 'no', 'yes'],
    x: [1, 2, 3, 4, 5, 6],
  });
  const d = svyDesign(data);
  it('a two-level factor is 0/1 with the second level 1; success picks the levels counted as 1', () => {
    expect(Array.from(modelMatrix(d, parseFormula('two ~ x'), 'glm').outcome.y!)).toEqual([
      0, 1, 1, 0, 0, 1,
    ]);
    const g = modelMatrix(d, parseFormula('g ~ x'), 'glm', ['b', 'c']).outcome.y!;
    expect(Array.from(g)).toEqual([0, 1, 1, 0, 1, 1]);
  });
  it('an ordinal outcome gives level indices', () => {
    expect(Array.from(modelMatrix(d, parseFormula('g ~ x'), 'ordinal').outcome.codes!)).toEqual([
      0, 1, 2, 0, 1, 2,
    ]);
  });
  const bad: Array<[string, 'glm' | 'ordinal', string | undefined, string]> = [
    ['g ~ x', 'glm', undefined, 'BAD_OUTCOME'],
    ['g ~ x', 'glm', 'z', 'UNKNOWN_LEVEL'],
    ['y ~ x', 'glm', 'a', 'BAD_OPTION'],
    ['y ~ x', 'ordinal', undefined, 'NOT_CATEGORICAL'],
    ['two ~ x', 'ordinal', undefined, 'TOO_FEW_LEVELS'],
    ['y ~ x + nothere', 'glm', undefined, 'UNKNOWN_VARIABLE'],
    ['~ x', 'glm', undefined, 'FORMULA_SYNTAX'],
  ];
  for (const [f, kind, success, code] of bad) {
    it(`${f} (${kind}${success ? `, success ${success}` : ''}): ${code}`, () => {
      try {
        modelMatrix(d, parseFormula(f), kind, success);
        expect.fail('no error');
      } catch (e) {
        expect(e).toBeInstanceOf(EstimationError);
        expect((e as EstimationError).code).toBe(code);
      }
    });
  }
  it('an unknown variable is named with its position in the formula', () => {
    try {
      modelMatrix(d, parseFormula('y ~ x + nothere'), 'glm');
    } catch (e) {
      expect((e as EstimationError).details).toMatchObject({ variable: 'nothere', position: 9 });
      expect((e as EstimationError).message).toMatch(/position 9/);
    }
  });
  it('a factor with one level among the rows used, infinite values, no rows: typed errors', () => {
    const one = svyDesign(fromColumns({ y: [1, 2, 3], g: ['a', 'a', 'a'], x: [1, Infinity, 2] }));
    const code = (f: () => unknown) => thrown(f).code;
    expect(code(() => modelMatrix(one, parseFormula('y ~ g'), 'glm'))).toBe('TOO_FEW_LEVELS');
    expect(code(() => modelMatrix(one, parseFormula('y ~ x'), 'glm'))).toBe('NON_FINITE_VALUE');
    expect(
      code(() =>
        modelMatrix(
          subset(one, () => false),
          parseFormula('y ~ x'),
          'glm',
        ),
      ),
    ).toBe('EMPTY_DOMAIN');
  });
});
