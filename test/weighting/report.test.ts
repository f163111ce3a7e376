import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { Margin, RakeStep } from '../../src/design/weighting-history.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { weightingReport } from '../../src/weighting/report.js';
import { weightSummary } from '../../src/weighting/summary.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { expectClose } from '../helpers/reference.js';
import { baseDesign, expectCode, refCase } from './reference-cases.js';

describe('weightingReport', () => {
  const c = refCase('dpoll-rake-sex-agegroup');
  const margins = c.params.margins as Margin[];
  const before = baseDesign('dpoll');
  const after = rake(before, margins);
  const report = weightingReport(before, after, margins);

  it('per level: sample share, weighted shares before and after, population share', () => {
    expect(report.margins.map((m) => m.variable)).toEqual(['sex', 'agegroup']);
    const sex = report.margins[0]!;
    expect(sex.levels.map((l) => l.level)).toEqual(['Female', 'Male']);
    const female = sex.levels[0]!;
    expect(female.n).toBe(282);
    expect(female.sampleShare).toBeCloseTo(282 / 563, 12);
    // R: svytotal(~sex, dpoll) gives Female 243413 of 498907.4
    expect(female.weightedShareBefore).toBeCloseTo(243413 / 498907.4, 5);
    expectClose(female.weightedShareAfter, 0.52, 1e-12, 'after');
    expect(female.populationShare).toBe(0.52);
    expect(female.populationCount).toBe(260000);
    expect(sex.maxShareDifference).toBeLessThan(1e-12);
    for (const m of report.margins) {
      const total = (
        k: 'sampleShare' | 'weightedShareBefore' | 'weightedShareAfter' | 'populationShare',
      ) => m.levels.reduce((s, l) => s + l[k], 0);
      for (const k of [
        'sampleShare',
        'weightedShareBefore',
        'weightedShareAfter',
        'populationShare',
      ] as const)
        expectClose(total(k), 1, 1e-12, `${m.variable} ${k}`);
    }
  });

  it('weight range, Kish deff and effective n before and after (weightSummary)', () => {
    expect(report.before).toEqual(weightSummary(before));
    expect(report.after).toEqual(weightSummary(after));
    expect(report.after.sum).toBeCloseTo(500000, 6);
    expect(report.ratio.min).toBeCloseTo(c.gRange![0], 10);
    expect(report.ratio.max).toBeCloseTo(c.gRange![1], 10);
  });

  it('method, iterations and convergence from the after-design', () => {
    const step = after.calibration![0] as RakeStep;
    expect(report).toMatchObject({ method: 'rake', iterations: step.iterations, converged: true });
    const cal = calibrate(before, { margins, calfun: 'logit', bounds: [0.5, 2] });
    const r2 = weightingReport(before, cal, margins);
    expect(r2.method).toBe('calibrate');
    expect(r2.iterations).toBe(cal.calibration![0]!.iterations);
    const none = weightingReport(before, before, margins);
    expect(none).toMatchObject({ method: null, iterations: null, converged: null });
    expect(none.ratio).toEqual({ min: 1, max: 1 });
    const t = weightingReport(after, trimWeights(after, { upper: 2000 }), margins);
    expect(t.method).toBe('trim');
    expect(t.margins[0]!.maxShareDifference).toBeGreaterThan(0);
  });

  it('covers all respondents (a domain is ignored), missing values left out and counted', () => {
    const data = fromColumns({
      g: ['a', 'a', 'b', null, 'c'],
      h: ['x', 'y', 'x', 'y', 'x'],
    });
    const d0 = svyDesign(data);
    const ps = postStratify(d0, {
      variables: ['h'],
      population: [
        { h: 'x', count: 30 },
        { h: 'y', count: 20 },
      ],
    });
    const margins: Margin[] = [{ variable: 'g', population: { a: 10, b: 10 } }];
    const r = weightingReport(
      subset(d0, (row) => row.h === 'x'),
      subset(ps, (row) => row.h === 'x'),
      margins,
    );
    const g = r.margins[0]!;
    expect(g.nMissing).toBe(1);
    // level c is not in the margin: reported with population 0
    expect(g.levels.map((l) => [l.level, l.n, l.populationCount])).toEqual([
      ['a', 2, 10],
      ['b', 1, 10],
      ['c', 1, 0],
    ]);
    expect(g.levels[0]!.sampleShare).toBe(0.5);
    expect(g.levels[0]!.weightedShareAfter).toBeCloseTo((10 + 10) / 40, 12);
    expect(r.after.n).toBe(5);
  });

  it('typed errors', () => {
    expectCode(
      () => weightingReport(before, after, [{ variable: 'nope', population: { a: 1 } }]),
      'UNKNOWN_VARIABLE',
    );
    expectCode(
      () => weightingReport(before, after, [{ variable: 'age', population: { '1': 1 } }]),
      'NOT_CATEGORICAL',
    );
    const other = svyDesign(fromColumns({ sex: ['Female', 'Male'] }));
    expectCode(() => weightingReport(other, after, margins), 'BAD_OPTION');
  });
});
