/**
 * waldInterval: estimate ± t(df) · se at the level asked for, also when calls alternate between
 * levels and degrees of freedom (it keeps the last quantile it computed).
 */
import { describe, expect, it } from 'vitest';
import { waldInterval } from '../../src/estimate/prepare.js';
import { qt } from '../../src/stats/distributions.js';

describe('waldInterval', () => {
  it('uses the quantile of each call’s level and df', () => {
    const calls: Array<[number, number]> = [
      [0.95, 10],
      [0.95, 10],
      [0.9, 10],
      [0.9, 20],
      [0.95, Number.POSITIVE_INFINITY],
      [0.95, 10],
    ];
    for (const [level, df] of calls) {
      const q = qt(1 - (1 - level) / 2, df);
      expect(waldInterval(2, 0.5, level, df)).toEqual([2 - q * 0.5, 2 + q * 0.5]);
    }
    // R: qt(0.975, 10) = 2.228139
    expect(waldInterval(0, 1, 0.95, 10)[1]).toBeCloseTo(2.228139, 6);
  });
});
