import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import { weightSummary } from '../../src/weighting/summary.js';

describe('weightSummary', () => {
  const data = fromColumns({ w: [1, 2, 3, 4, 10], g: ['a', 'a', 'b', 'b', 'b'] });
  const design = svyDesign(data, { weights: 'w' });

  it("gives Kish's deff and effective n", () => {
    const s = weightSummary(design);
    expect(s).toMatchObject({ n: 5, sum: 20, min: 1, max: 10 });
    // n Σw² / (Σw)² = 5 · 130 / 400
    expect(s.kishDeff).toBeCloseTo(1.625, 14);
    expect(s.effectiveN).toBeCloseTo(400 / 130, 14);
    expect(1 + s.cv ** 2).toBeCloseTo(s.kishDeff, 14);
  });

  it('equal weights cost nothing', () => {
    const s = weightSummary(svyDesign(fromColumns({ w: [3, 3, 3] }), { weights: 'w' }));
    expect(s.kishDeff).toBe(1);
    expect(s.cv).toBe(0);
  });

  it('summarises the domain only', () => {
    const s = weightSummary(subset(design, (r) => r.g === 'b'));
    expect(s).toMatchObject({ n: 3, sum: 17, min: 3, max: 10 });
  });
});
