/**
 * The SPSS reader's limits: a small file declaring (or able to make) gigabytes is a TOO_LARGE
 * error before the memory is taken, naming the limit, the value and the option; inflating stops
 * at what the declared cases can take; a stream of padding is refused; files within the limits,
 * including ones that under-declare their cases, read as before.
 */
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../../src/data/frame.js';
import { attachLabels } from '../../../src/data/sav/labels.js';
import { savLimits } from '../../../src/data/sav/limits.js';
import { readRecords } from '../../../src/data/sav/records.js';
import { parseSav } from '../../../src/data/sav/sav.js';
import { writeSav } from '../../../src/data/sav/writer.js';
import { SurveyError } from '../../../src/errors.js';
import { zsavBomb } from '../../bad-input/hostile.js';

function thrown(run: () => unknown): SurveyError {
  try {
    run();
  } catch (e) {
    if (e instanceof SurveyError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('ZLIB bombs (.zsav)', () => {
  it('1 MB inflating to 1 GB of bytecode, 12 GB of columns: TOO_LARGE before inflating, case count declared or not', () => {
    for (const ncases of [-1, 1_000_000_000, 300_000_000]) {
      const bomb = zsavBomb({ ncases, fill: 101, blocks: 250 });
      expect(bomb.length).toBeLessThan(1_100_000);
      const e = thrown(() => parseSav(bomb, { source: 'bomb.zsav' }));
      expect(e.code).toBe('TOO_LARGE');
      expect(e.details).toMatchObject({
        option: 'maxDataBytes',
        limit: 2 ** 31,
        file: 'bomb.zsav',
      });
      expect(e.message).toMatch(
        /bomb\.zsav, byte \d+: .* more than the maxDataBytes limit .* \{ maxDataBytes: n \}/,
      );
    }
  });

  it('inflated data past maxInflatedBytes is TOO_LARGE before inflating (a string variable: few bytes per case)', () => {
    const bomb = zsavBomb({
      columns: { s: ['x'.repeat(2000)] },
      strings: ['s'],
      ncases: -1,
      fill: 254,
      blocks: 200,
    });
    const e = thrown(() => parseSav(bomb));
    expect(e.code).toBe('TOO_LARGE');
    expect(e.details).toMatchObject({ option: 'maxInflatedBytes', value: 200 * 0x3ff000 });
    // a lower limit, and a higher one reads on (to the truncated last case here)
    expect(
      thrown(() =>
        parseSav(zsavBomb({ ncases: -1, fill: 101, blocks: 1 }), { maxInflatedBytes: 1000 }),
      ).details,
    ).toMatchObject({ option: 'maxInflatedBytes', limit: 1000 });
  });

  it('with a declared count, inflating stops at what those cases can take', () => {
    // the header under-declares: 100 cases are read, the rest said in a warning
    const d = parseSav(zsavBomb({ ncases: 100, fill: 101, blocks: 3 }));
    expect(d.nrow).toBe(100);
    expect(d.sav.warnings.join('\n')).toMatch(/declares 100 cases .* more case data follows/);
    // a padding stream gives no case: refused at once, not inflated to the end
    const e = thrown(() => parseSav(zsavBomb({ ncases: 10, fill: 0, blocks: 250 })));
    expect(e.code).toBe('BAD_DATA');
    expect(e.message).toMatch(/padding codes after 0 cases/);
    expect(thrown(() => parseSav(zsavBomb({ ncases: -1, fill: 0, blocks: 2 }))).code).toBe(
      'BAD_DATA',
    );
  });

  it('a block inflating to another size than it declares is BAD_ZLIB, unless the declared cases are read before', () => {
    const frame = fromColumns({ x: Float64Array.from({ length: 500 }, (_, i) => i) });
    for (const ncases of [-1, 500]) {
      const ok = writeSav(frame, { compression: 'zlib' });
      new DataView(ok.buffer).setInt32(80, ncases, true);
      expect(parseSav(ok).nrow).toBe(500);
      const { dataOffset } = readRecords(ok, 176, true, 'x');
      const dv = new DataView(ok.buffer);
      const usizeAt = Number(dv.getBigInt64(dataOffset + 8, true)) + 24 + 16;
      const usize = dv.getInt32(usizeAt, true);
      for (const declared of [usize - 8, usize + 8]) {
        const bad = ok.slice();
        new DataView(bad.buffer).setInt32(usizeAt, declared, true);
        if (ncases === 500 && declared > usize) {
          // the 500 declared cases are read before the declared end: the rest is not inflated
          expect(parseSav(bad).nrow).toBe(500);
          continue;
        }
        const e = thrown(() => parseSav(bad));
        expect(e.code).toBe('BAD_ZLIB');
        expect(e.message).toMatch(/ZLIB block 1 of 1 cannot be inflated/);
      }
    }
  });
});

describe('declared counts', () => {
  it('variables past maxColumns: TOO_LARGE at the record that passes it', () => {
    const bytes = writeSav(fromColumns({ a: [1], b: [2], c: [3] }));
    const e = thrown(() => parseSav(bytes, { maxColumns: 2 }));
    expect(e).toMatchObject({
      code: 'TOO_LARGE',
      details: { option: 'maxColumns', value: 3, limit: 2 },
    });
    expect(parseSav(bytes, { maxColumns: 3 }).names).toEqual(['a', 'b', 'c']);
  });

  it('value labels past maxValueLabels, counted once per variable they label', () => {
    const bytes = writeSav(fromColumns({ g: ['a', 'b', 'c'], h: ['x', 'y', 'x'] }));
    expect(thrown(() => parseSav(bytes, { maxValueLabels: 4 }))).toMatchObject({
      code: 'TOO_LARGE',
      details: { option: 'maxValueLabels', limit: 4 },
    });
    expect(parseSav(bytes, { maxValueLabels: 5 }).columns.g).toMatchObject({
      levels: ['a', 'b', 'c'],
    });
    // one labels record naming many variables: its labels count once per variable
    const record = {
      offset: 0,
      indexOffset: 0,
      indexes: [1, 2, 3],
      labels: [0, 1].map((k) => ({
        raw: new Uint8Array(8),
        number: k,
        label: new Uint8Array([97]),
      })),
    };
    const vars = [1, 2, 3].map(() => ({ type: 'numeric', numberLabels: [] as unknown[] }));
    const ctx = (maxValueLabels: number) => ({
      lookup: {
        byIndex: (i: number) => vars[i - 1] as never,
        byName: () => undefined,
        whyNot: () => '',
      },
      dec: () => 'a',
      warn: () => {},
      source: 'x.sav',
      maxValueLabels,
    });
    expect(thrown(() => attachLabels([record], [], [], ctx(5)))).toMatchObject({
      code: 'TOO_LARGE',
      details: { value: 6, limit: 5 },
    });
    attachLabels([record], [], [], ctx(6));
    expect(vars.map((v) => v.numberLabels.length)).toEqual([2, 2, 2]);
  });

  it('the columns of a declared count past maxDataBytes: TOO_LARGE before reading them', () => {
    const bytes = writeSav(
      fromColumns({ x: Float64Array.from({ length: 1000 }, (_, i) => i % 7) }),
    );
    expect(thrown(() => parseSav(bytes, { maxDataBytes: 1000 }))).toMatchObject({
      code: 'TOO_LARGE',
      details: { option: 'maxDataBytes', value: 12_000, limit: 1000 },
    });
    expect(parseSav(bytes, { maxDataBytes: 12_000 }).nrow).toBe(1000);
  });

  it('limits are positive integers or Infinity', () => {
    expect(savLimits({ maxDataBytes: Number.POSITIVE_INFINITY }).maxDataBytes).toBe(
      Number.POSITIVE_INFINITY,
    );
    for (const v of [0, -1, 1.5, '10', Number.NaN]) {
      expect(() => savLimits({ maxColumns: v })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      );
    }
  });
});
