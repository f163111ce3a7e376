/**
 * The decoders keep numeric variables with value labels as bytecodes (`CODE_UNIT`) when they
 * know the file's bias, and turn such a column into numbers at its first value without a
 * bytecode. Checked against decoding the same bytes with every numeric variable as numbers.
 */
import { describe, expect, it } from 'vitest';
import { buildVariable } from '../../../src/data/sav/columns.js';
import {
  BytecodeDecoder,
  CaseCollector,
  CODE_UNIT,
  NUMBER_UNIT,
  readUncompressed,
} from '../../../src/data/sav/data.js';
import type { DictVariable } from '../../../src/data/sav/variable.js';

const SYSMIS = -Number.MAX_VALUE;
const layout = { source: 'x.sav', littleEndian: true, bias: 100 };
const dict = { sysmis: SYSMIS, encoding: { name: 'utf-8', decoder: new TextDecoder() } } as never;

function numeric(unit: number, labelled: boolean, measure: 'nominal' | 'scale'): DictVariable {
  return {
    name: `v${unit}`,
    shortName: `V${unit}`,
    type: 'numeric',
    width: 0,
    index: unit + 1,
    unit,
    units: 1,
    segments: [],
    label: undefined,
    print: 0x050200,
    write: 0x050200,
    measure,
    missingNumbers: [9],
    missingRange: undefined,
    missingStrings: [],
    numberLabels: labelled ? [{ value: 1, label: 'a' }] : [],
    stringLabels: [],
  };
}

/**
 * Bytecode-compressed cases: integers in the bias's range as codes (unless `raw`; -0 never), NaN as 255,
 * SYSMIS and everything else as 8 raw bytes; the end code after the last case.
 */
function compress(rows: number[][], raw: (x: number) => boolean): Uint8Array {
  const out: number[] = [];
  let cmd = -1;
  let ci = 8;
  const code = (k: number, data?: number) => {
    if (ci === 8) {
      cmd = out.length;
      out.push(0, 0, 0, 0, 0, 0, 0, 0);
      ci = 0;
    }
    out[cmd + ci++] = k;
    if (data !== undefined) {
      out.push(...new Uint8Array(new Float64Array([data]).buffer));
    }
  };
  for (const row of rows) {
    for (const x of row) {
      const k = x + 100;
      if (Number.isNaN(x)) code(255);
      else if (!raw(x) && Number.isInteger(x) && !Object.is(x, -0) && k >= 1 && k <= 251) code(k);
      else code(253, x);
    }
  }
  code(252);
  return new Uint8Array(out);
}

function build(variables: DictVariable[], c: CaseCollector) {
  const raw = c.finish();
  return variables.map((v, i) => buildVariable(v, raw.columns[i]!, dict, () => {}));
}

describe('decoding numeric variables with value labels as bytecodes', () => {
  const variables = [
    numeric(0, true, 'nominal'),
    numeric(1, false, 'scale'),
    numeric(2, true, 'scale'),
    numeric(3, true, 'scale'),
  ];
  const rows: number[][] = [];
  for (let r = 0; r < 300; r++) {
    rows.push([
      r % 7 === 0 ? Number.NaN : (r % 3) + 1,
      r * 0.5,
      // turns into numbers at row 200 (a value without a bytecode)
      r === 200 ? 2.5 : r % 11 === 0 ? SYSMIS : r % 5 === 0 ? 9 : 1,
      1,
    ]);
  }
  rows[10]![3] = -0;

  const collector = (file: boolean) =>
    new CaseCollector(
      variables,
      4,
      rows.length,
      64,
      rows.length,
      file ? { bias: 100, sysmis: SYSMIS } : null,
    );

  it('chooses bytecodes for labelled variables only when it knows the bias', () => {
    expect([...collector(true).unitKinds]).toEqual([CODE_UNIT, NUMBER_UNIT, CODE_UNIT, CODE_UNIT]);
    expect([...collector(false).unitKinds]).toEqual([
      NUMBER_UNIT,
      NUMBER_UNIT,
      NUMBER_UNIT,
      NUMBER_UNIT,
    ]);
  });

  for (const raw of [false, true]) {
    it(`bytecode-compressed data, fed in pieces${raw ? ', every value as 8 bytes' : ''}`, () => {
      const bytes = compress(rows, () => raw);
      const built = [true, false].map((file) => {
        const c = collector(file);
        const d = new BytecodeDecoder(c, layout);
        for (let p = 0; p < bytes.length; p += 37) d.feed(bytes.subarray(p, p + 37), p);
        d.end(bytes.length);
        if (file) {
          // v2 met 2.5 and v3 met -0 (no bytecode): numbers now; v0 kept its codes
          expect([...c.unitKinds]).toEqual([CODE_UNIT, NUMBER_UNIT, NUMBER_UNIT, NUMBER_UNIT]);
        }
        return build(variables, c);
      });
      expect(built[0]).toEqual(built[1]);
      expect(built[0]![0]!.column.kind).toBe('categorical');
      expect(built[0]![2]!.column.kind).toBe('numeric');
      expect(Object.is((built[0]![3]!.column as { values: Float64Array }).values[10], -0)).toBe(
        true,
      );
      expect(built[0]![2]!.missing).toEqual({
        column: 'v2',
        empty: 28,
        missingCodes: { '9': 53 },
      });
    });
  }

  it('uncompressed data', () => {
    const bytes = new Uint8Array(Float64Array.from(rows.flat()).buffer);
    const built = [true, false].map((file) => {
      const c = collector(file);
      readUncompressed(bytes, 0, c, layout);
      return build(variables, c);
    });
    expect(built[0]).toEqual(built[1]);
    expect(built[0]![0]!.missing).toEqual({ column: 'v0', empty: 43, missingCodes: {} });
  });

  it('stops at the declared case count when a case ends there, saying data follows', () => {
    const v = numeric(0, false, 'scale');
    const read = (declared: number) => {
      const c = new CaseCollector([v], 1, declared, declared, declared, {
        bias: 100,
        sysmis: SYSMIS,
      });
      const d = new BytecodeDecoder(c, layout);
      d.feed(new Uint8Array([101, 102, 103, 252, 0, 0, 0, 0]), 0);
      d.end(8);
      return {
        values: [...(c.finish().columns[0] as { values: Float64Array }).values],
        more: d.moreData,
      };
    };
    expect(read(2)).toEqual({ values: [1, 2], more: true });
    expect(read(3)).toEqual({ values: [1, 2, 3], more: false });
    // a count of 0 is checked when the first case ends, as before
    expect(read(0)).toEqual({ values: [1], more: true });
  });
});
