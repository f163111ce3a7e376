/**
 * describeData: counts, shares, weighted shares and means, missing values with their reasons as
 * the loader counted them, on a CSV with a codebook and on an SPSS file.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseCodebook } from '../../src/data/codebook.js';
import { readCsv } from '../../src/data/csv/csv.js';
import { fromColumns } from '../../src/data/frame.js';
import { readSav } from '../../src/data/sav/sav.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type {
  CategoricalDescription,
  NumericDescription,
  VariableDescription,
} from '../../src/estimate/describe.js';
import { describeData } from '../../src/estimate/describe.js';
import { svyMean } from '../../src/estimate/mean.js';

const byName = (vars: VariableDescription[], name: string) => vars.find((v) => v.name === name)!;

describe('describeData', () => {
  it('a CSV with a codebook: labels, levels with counts, missing codes with their labels', async () => {
    const codebook = parseCodebook(
      JSON.parse(await readFile('test/fixtures/csv/poll.codebook.json', 'utf8')),
    );
    const data = await readCsv('test/fixtures/csv/poll.csv', { codebook });
    const d = describeData(data);
    expect(d).toMatchObject({
      source: 'test/fixtures/csv/poll.csv',
      rows: 4,
      rowsRead: 4,
      weightSum: null,
    });
    expect(d.rowsRejected).toEqual([{ row: 6, reason: 'empty line' }]);
    const sex = byName(d.variables, 'sex') as CategoricalDescription;
    expect(sex).toEqual({
      name: 'sex',
      label: 'Sex of respondent',
      type: 'categorical',
      n: 3,
      levels: [
        { level: 'Male', n: 1, share: 1 / 3 },
        { level: 'Female', n: 2, share: 2 / 3 },
      ],
      missing: { total: 1, empty: 0, codes: [{ code: '9', label: 'Refused', count: 1 }] },
    });
    const age = byName(d.variables, 'age') as NumericDescription;
    expect(age).toEqual({
      name: 'age',
      label: 'Age in years',
      type: 'numeric',
      n: 3,
      min: 34,
      max: 51,
      mean: (34 + 51 + 47) / 3,
      distinct: 3,
      missing: { total: 1, empty: 1, codes: [] },
    });
    expect(byName(d.variables, 'region')).toMatchObject({ label: null, n: 4 });
    // every respondent is counted once: with a value, or missing
    for (const v of d.variables) {
      expect(v.n + v.missing.total).toBe(4);
      expect(v.missing.empty + v.missing.codes.reduce((s, c) => s + c.count, 0)).toBe(
        v.missing.total,
      );
      if (v.type === 'categorical') expect(v.levels.reduce((s, l) => s + l.n, 0)).toBe(v.n);
    }
  });

  it('an SPSS file: variable labels, user-missing codes in the codebook order', async () => {
    const d = describeData(await readSav('test/fixtures/sav/poll.sav'));
    const income = byName(d.variables, 'income');
    expect(income.label).toBe('Доход семьи, руб.');
    expect(income.missing).toEqual({
      total: 7,
      empty: 1,
      codes: [
        { code: '-2', label: 'Отказ', count: 1 },
        { code: '-1', label: 'Не знаю', count: 2 },
        { code: '0', label: null, count: 3 },
      ],
    });
    const nothing = byName(d.variables, 'nothing') as NumericDescription;
    expect(nothing).toMatchObject({ n: 0, min: null, max: null, mean: null, distinct: 0 });
  });

  it('a design: weighted shares and means equal svyMean, levels nobody has are listed', () => {
    const data = fromColumns(
      { g: ['a', 'b', 'a', null, 'b'], x: [1, 2, Number.NaN, 4, 5], w: [1, 2, 3, 4, 5] },
      { levels: { g: ['a', 'b', 'c'] } },
    );
    const design = svyDesign(data, { weights: 'w' });
    const d = describeData(design);
    expect(d.weightSum).toBe(15);
    const g = byName(d.variables, 'g') as CategoricalDescription;
    const shares = svyMean(design, 'g');
    expect(g.levels.map((l) => l.weightedShare)).toEqual([
      shares[0]!.estimate,
      shares[1]!.estimate,
      0,
    ]);
    expect(g.levels[2]).toEqual({ level: 'c', n: 0, share: 0, weightedShare: 0 });
    const x = byName(d.variables, 'x') as NumericDescription;
    expect(x.weightedMean).toBeCloseTo(svyMean(design, 'x')[0]!.estimate, 14);
    expect(x.mean).toBe(3);
    // a frame built in memory has no load report: only the total is known
    expect(x.missing).toEqual({ total: 1, empty: 0, codes: [] });
    // a domain is ignored: all respondents are described
    expect(describeData(subset(design, (r) => r.g === 'a'))).toEqual(d);
  });

  it('weights summing to 0 among those with a value give null weighted shares', () => {
    const data = fromColumns({ g: ['a', null], w: [0, 1] });
    const d = describeData(svyDesign(data, { weights: 'w', allowZeroWeights: true }));
    expect((d.variables[0] as CategoricalDescription).levels[0]!.weightedShare).toBeNull();
  });
});

describe('describeData with a weights column (no design built)', () => {
  const data = fromColumns({
    sex: ['F', 'M', 'F', 'M'],
    age: [30, 40, Number.NaN, 60],
    w: [1, 3, 2, 0],
  });

  it('gives what describing the design gives, zero weights allowed', () => {
    const viaDesign = describeData(svyDesign(data, { weights: 'w', allowZeroWeights: true }));
    expect(describeData(data, { weights: 'w' })).toEqual(viaDesign);
  });

  it('describes a file of one respondent, where no design can be built (SINGLE_PSU)', () => {
    const one = fromColumns({ sex: ['F'], w: [2.5] });
    expect(() => svyDesign(one, { weights: 'w' })).toThrow(/one primary sampling unit/);
    const d = describeData(one, { weights: 'w' });
    expect(d.weightSum).toBe(2.5);
    expect((byName(d.variables, 'sex') as CategoricalDescription).levels[0]!.weightedShare).toBe(1);
  });

  it('checks the weights as svyDesign does, naming the column, row and value', () => {
    const bad = fromColumns({ x: [1, 2], w: [1, -2] });
    expect(() => describeData(bad, { weights: 'w' })).toThrow(
      expect.objectContaining({
        code: 'NEGATIVE_WEIGHT',
        details: expect.objectContaining({ column: 'w', row: 2, value: -2 }),
      }),
    );
    expect(() => describeData(bad, { weights: 'nope' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_COLUMN' }),
    );
    expect(() => describeData(fromColumns({ w: ['a', 'b'] }), { weights: 'w' })).toThrow(
      expect.objectContaining({ code: 'NON_NUMERIC_WEIGHT' }),
    );
  });

  it('refuses weights given with a design, which has its own', () => {
    const design = svyDesign(data, { weights: 'w', allowZeroWeights: true });
    expect(() => describeData(design, { weights: 'w' })).toThrow(
      expect.objectContaining({ code: 'BAD_OPTION' }),
    );
  });
});
