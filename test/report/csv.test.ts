import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/report/csv.js';

describe('toCsv', () => {
  it('quotes only what needs it, writes numbers at full precision and missing as empty', () => {
    const text = toCsv(
      ['key', 'label', 'share', 'differs'],
      [
        ['a', 'Say "yes", or no', 1 / 3, true],
        ['b', 'line\nbreak', Number.NaN, null],
      ],
    );
    expect(text).toBe(
      'key,label,share,differs\na,"Say ""yes"", or no",0.3333333333333333,true\nb,"line\nbreak",,\n',
    );
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data[1]).toEqual(['a', 'Say "yes", or no', '0.3333333333333333', 'true']);
    expect(Number(parsed.data[1]![2])).toBe(1 / 3);
  });
});
