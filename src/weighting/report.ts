/**
 * `weightingReport`: the margins before and after weighting, beside the population, and what the
 * weighting cost in precision.
 * @module
 */

import { findColumn } from '../data/frame.js';
import type { SurveyDesign } from '../design/types.js';
import type { Margin } from '../design/weighting-history.js';
import { WeightingError } from '../errors.js';
import { categoricalVariable } from './common.js';
import { weightSummary } from './summary.js';
import type { ReportLevel, ReportMargin, WeightingReport } from './types.js';

/**
 * Compares a design before and after weighting on the given margins: per level, the unweighted
 * sample share, the weighted shares before and after, and the population share; the weights'
 * range, Kish design effect and effective sample size before and after ({@link weightSummary});
 * and the method, iterations and convergence of the after-design's last weighting step.
 *
 * Linearization and replicate-weight designs alike (the steps are read from `calibration` or
 * `weighting`; the weights compared are the full-sample weights). The report covers the
 * respondents the after-design's last step weighted: all of them, or the domain it was given
 * (see {@link postStratify}); a domain set after weighting is ignored. Shares leave out
 * respondents with a missing value (counted in `nMissing`).
 * Levels the margin does not list are reported with population count 0.
 *
 * @param before - The design before weighting.
 * @param after - The same design after weighting (e.g. from {@link rake}).
 * @param margins - The margins to compare the samples with (usually those the design was weighted
 *   to).
 * @throws {WeightingError} `UNKNOWN_VARIABLE`, `NOT_CATEGORICAL`; `BAD_OPTION` when the two
 *   designs are not on the same data (variables added by {@link mutate} are allowed: the rows and
 *   the margins' columns must be the same).
 * @example
 * ```ts
 * const data = fromColumns({ sex: ['F', 'M', 'M', 'M'] });
 * const before = svyDesign(data);
 * const margins = [{ variable: 'sex', population: { F: 50, M: 50 } }];
 * const after = rake(before, margins);
 * const r = weightingReport(before, after, margins);
 * const f = r.margins[0].levels[0];
 * console.log(f.sampleShare, f.weightedShareAfter.toFixed(3), f.populationShare); // => 0.25 0.500 0.5
 * console.log(r.method, r.iterations, r.after.kishDeff.toFixed(3)); // => rake 1 1.333
 * ```
 */
export function weightingReport(
  before: SurveyDesign,
  after: SurveyDesign,
  margins: Margin[],
): WeightingReport {
  // The same data, or the same data with variables added by mutate (which keeps the columns the
  // design was weighted on): the same rows and the same margin columns.
  const sameData =
    before.data === after.data ||
    (before.data.nrow === after.data.nrow &&
      margins.every(
        (m) => findColumn(before.data, m.variable) === findColumn(after.data, m.variable),
      ));
  if (!sameData || before.weights.length !== after.weights.length) {
    throw new WeightingError(
      'BAD_OPTION',
      'weightingReport compares two designs on the same data (the design before weighting and the one weighting returned)',
      {},
    );
  }
  const wb = before.weights;
  const wa = after.weights;
  const n = wb.length;
  const steps = (after.type === 'linearization' ? after.calibration : after.weighting) ?? [];
  const last = steps.length > 0 ? steps[steps.length - 1]! : null;
  // The respondents the last step weighted (null: all).
  const rows = last?.rows ?? null;
  const out: ReportMargin[] = [];
  for (const margin of margins) {
    const col = categoricalVariable(before, margin.variable);
    const L = col.levels.length;
    const count = new Float64Array(L);
    const sumB = new Float64Array(L);
    const sumA = new Float64Array(L);
    let nMissing = 0;
    let totalB = 0;
    let totalA = 0;
    let present = 0;
    for (let i = 0; i < n; i++) {
      if (rows !== null && rows[i] === 0) continue;
      const c = col.codes[i]!;
      if (c < 0) {
        nMissing++;
        continue;
      }
      count[c]! += 1;
      sumB[c]! += wb[i]!;
      sumA[c]! += wa[i]!;
      totalB += wb[i]!;
      totalA += wa[i]!;
      present++;
    }
    const population = margin.population ?? {};
    let popTotal = 0;
    for (const v of Object.values(population)) popTotal += v;
    const listed = Object.keys(population);
    const extra = col.levels.filter((l, c) => !Object.hasOwn(population, l) && count[c]! > 0);
    const levels: ReportLevel[] = [...listed, ...extra].map((level) => {
      const c = col.levels.indexOf(level);
      const popCount = Object.hasOwn(population, level) ? population[level]! : 0;
      return {
        level,
        n: c < 0 ? 0 : count[c]!,
        sampleShare: c < 0 ? 0 : count[c]! / present,
        weightedShareBefore: c < 0 ? 0 : sumB[c]! / totalB,
        weightedShareAfter: c < 0 ? 0 : sumA[c]! / totalA,
        populationCount: popCount,
        populationShare: popCount / popTotal,
      };
    });
    let maxShareDifference = 0;
    for (const l of levels) {
      maxShareDifference = Math.max(
        maxShareDifference,
        Math.abs(l.weightedShareAfter - l.populationShare),
      );
    }
    out.push({ variable: margin.variable, nMissing, levels, maxShareDifference });
  }
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (!(wb[i]! > 0) || (rows !== null && rows[i] === 0)) continue;
    const r = wa[i]! / wb[i]!;
    if (r < min) min = r;
    if (r > max) max = r;
  }
  return {
    method: last ? last.method : null,
    iterations: last ? last.iterations : null,
    converged: last ? last.converged : null,
    margins: out,
    before: weightSummary({ ...before, domain: rows }),
    after: weightSummary({ ...after, domain: rows }),
    ratio: { min, max },
  };
}
