import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign } from '../../src/design/replicate.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { svyBy } from '../../src/estimate/by.js';
import { contrastLabels, svyContrast } from '../../src/estimate/contrast.js';
import { svyMean } from '../../src/estimate/mean.js';
import { svyNlContrast } from '../../src/estimate/nlcontrast.js';
import { svyQuantile } from '../../src/estimate/quantile.js';
import { svyRatio } from '../../src/estimate/ratio.js';
import type { Estimate } from '../../src/estimate/types.js';
import {
  caseDesign,
  type EstimatorCase,
  estimationError,
  estimatorsRef,
} from '../helpers/estimators.js';
import { expectClose } from '../helpers/reference.js';

interface NlCase extends EstimatorCase {
  kind: 'by' | 'mean';
  variables: string[];
  by: string | null;
  statistic: 'mean' | 'ratio';
  denominator: string | null;
  replicates: boolean;
  fn: string;
  expr: string;
  labels: string[];
  coef: number[];
  vcov: number[][];
  estimate: number;
  se: number;
}

type Fn = (e: Record<string, number>) => number;
const logOdds = (p: number) => Math.log(p / (1 - p));

/** The R expressions of estimators.R, on surveykit's row labels. */
const functions: Record<string, Fn> = {
  'E/H': (e) => e.E! / e.H!,
  'log(E)-log(M)': (e) => Math.log(e.E!) - Math.log(e.M!),
  '(E-H)/M': (e) => (e.E! - e.H!) / e.M!,
  'logOR(E,H)': (e) =>
    Math.log(e['E:sch.wideYes']! / e['E:sch.wideNo']!) -
    Math.log(e['H:sch.wideYes']! / e['H:sch.wideNo']!),
  'Yes: E/M': (e) => e['E:sch.wideYes']! / e['M:sch.wideYes']!,
  'api00/api99': (e) => e.api00! / e.api99!,
  'log(api00)-log(api99)': (e) => Math.log(e.api00!) - Math.log(e.api99!),
  'share E/H': (e) => e.E! / e.H!,
  'odds H': (e) => e.H! / (1 - e.H!),
  'Yes/No': (e) => e.Yes! / e.No!,
  'OR female(Capital,East)': (e) =>
    Math.exp(
      Math.log(e['Capital:sexFemale']! / e['Capital:sexMale']!) -
        Math.log(e['East:sexFemale']! / e['East:sexMale']!),
    ),
  'sqrt female(Capital*West)': (e) => Math.sqrt(e['Capital:sexFemale']! * e['West:sexFemale']!),
  'OR(Capital,East)': (e) => Math.exp(logOdds(e.Capital!) - logOdds(e.East!)),
};

/** The estimates R's svycontrast was given, made by surveykit. */
function statRows(c: NlCase, d: SurveyDesign): Estimate[] {
  if (c.kind === 'mean') return c.variables.flatMap((v) => svyMean(d, v));
  const v = c.variables[0]!;
  return svyBy(d, c.by!, (g) =>
    c.statistic === 'ratio' ? svyRatio(g, v, c.denominator!) : svyMean(g, v),
  );
}

describe('svyNlContrast against R svycontrast(stat, quote(...)) (estimators.json)', () => {
  for (const c of estimatorsRef.nlcon as NlCase[]) {
    it(`${c.id}: ${c.call}`, () => {
      const rows = statRows(c, caseDesign(c));
      // the same estimates as R's, by label (R orders svyby's rows variable-major, and names
      // svymean's levels <variable><level>)
      const labels = contrastLabels(rows);
      expect(labels.length).toBe(c.coef.length);
      labels.forEach((l, a) => {
        const at = c.labels.findIndex((r) => r === l || r === `${rows[a]!.variable}${l}`);
        expect(at, `R label of ${l}`).toBeGreaterThanOrEqual(0);
        expectClose(rows[a]!.estimate, c.coef[at]!, 1e-10, `coef ${l}`);
      });
      const fn = functions[c.fn];
      if (!fn) throw new Error(`no function for ${c.fn}`);
      const r = svyNlContrast(rows, fn, { replicates: c.replicates });
      expectClose(r.estimate, c.estimate, 1e-10, 'estimate');
      expectClose(r.se, c.se, 1e-8, 'se');
    });
  }
});

describe('svyNlContrast', () => {
  const data = fromColumns({
    y: [3, 8, 1, 9, 4, 6, 7, 2, 6, 5],
    vote: ['yes', 'no', 'yes', 'yes', 'no', 'yes', 'no', 'no', 'yes', 'yes'],
    g: ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b'],
    psu: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
    w: [1, 2, 1, 2, 1, 2, 1, 2, 1, 2],
  });
  const d = svyDesign(data, { ids: 'psu', weights: 'w' });
  const byG = svyBy(d, 'g', (gd) => svyMean(gd, 'y'));

  it('of a linear function is svyContrast', () => {
    const lin = svyNlContrast(byG, (e) => 2 * e.a! - 0.5 * e.b!);
    const ref = svyContrast(byG, { a: 2, b: -0.5 });
    expectClose(lin.estimate, ref.estimate, 1e-14, 'estimate');
    expectClose(lin.se, ref.se, 1e-12, 'se');
    expect([lin.n, lin.nMissing]).toEqual([ref.n, ref.nMissing]);
    expect(lin.statistic).toBe('nlcontrast');
    expect(lin.variable).toBe('contrast');
  });

  it('of a ratio is the delta method with the table’s covariance', () => {
    const r = svyNlContrast(byG, (e) => e.a! / e.b!, { variable: 'a/b', level: 0.9, df: 4 });
    const [a, b] = [byG[0]!.estimate, byG[1]!.estimate];
    const V = byG.covariance;
    const g = [1 / b, -a / (b * b)];
    const se = Math.sqrt(g[0]! ** 2 * V[0]! + 2 * g[0]! * g[1]! * V[1]! + g[1]! ** 2 * V[3]!);
    expectClose(r.se, se, 1e-11, 'se');
    expect(r.variable).toBe('a/b');
    expectClose(r.ci[1], a / b + 2.1318467863266499 * se, 1e-11, 'ci with qt(0.95, 4)');
  });

  it('reads rows of separate svyMean calls on one design by level or variable', () => {
    const shares = svyMean(d, 'vote');
    const share = (level: string) => shares.find((r) => r.level === level)!.estimate;
    const odds = svyNlContrast(shares, (e) => e.yes! / e.no!);
    expectClose(odds.estimate, share('yes') / share('no'), 1e-14);
    // rows of two estimators: their covariance comes from their influence values
    const both = [...svyMean(d, 'y'), svyRatio(d, 'y', 'w')];
    const r = svyNlContrast(both, (e) => e.y! - e['y/w']!);
    const diff = svyContrast(both, [1, -1]);
    expectClose(r.se, diff.se, 1e-11, 'se');
  });

  it('is NaN when a row it reads is NaN (an empty group kept), as R’s NA', () => {
    const sparse = svyBy(d, ['g', 'vote'], (gd) => svyMean(gd, 'y'), { dropEmpty: false });
    expect(sparse.labels).toContain('a.no');
    const r = svyNlContrast(sparse, (e) => e['a.no']! / e['b.no']!);
    expect(Number.isFinite(r.estimate)).toBe(true);
    const withNaN = [{ ...byG[0]!, estimate: Number.NaN }, byG[1]!];
    const n = svyNlContrast(withNaN, (e) => e.a! / e.b!);
    expect(n.estimate).toBeNaN();
    expect(n.se).toBeNaN();
  });

  it('recomputes the function on each replicate with replicates: true', () => {
    const jk = asRepDesign(d, { type: 'JK1' });
    const t = svyBy(jk, 'g', (gd) => svyMean(gd, 'y'));
    const delta = svyNlContrast(t, (e) => e.a! / e.b!);
    const reps = svyNlContrast(t, (e) => e.a! / e.b!, { replicates: true });
    expectClose(reps.estimate, delta.estimate, 1e-14);
    expect(reps.se).not.toBe(delta.se);
    expectClose(reps.se, delta.se, 0.2, 'close to the delta method');
    // for a linear function both ways are the same
    const linD = svyNlContrast(t, (e) => e.a! - e.b!);
    const linR = svyNlContrast(t, (e) => e.a! - e.b!, { replicates: true });
    expectClose(linR.se, linD.se, 1e-10, 'linear');
  });

  it('gives typed errors', () => {
    const unknown = estimationError(() => svyNlContrast(byG, (e) => e.a! / e.c!));
    expect(unknown.code).toBe('UNKNOWN_LEVEL');
    expect(unknown.message).toContain('"c"');
    expect(unknown.details).toMatchObject({ level: 'c', valid: ['a', 'b'] });
    const notNumber = estimationError(() =>
      svyNlContrast(byG, (e) => String(e.a) as unknown as number),
    );
    expect(notNumber.code).toBe('BAD_OPTION');
    expect(estimationError(() => svyNlContrast(byG, (e) => e.a!, { replicates: true })).code).toBe(
      'BAD_OPTION',
    );
    expect(estimationError(() => svyNlContrast(byG, (e) => e.a!, { df: 0 })).code).toBe(
      'BAD_OPTION',
    );
    const q = svyBy(d, 'g', (gd) => svyQuantile(gd, 'y', [0.5]));
    const noCov = estimationError(() => svyNlContrast([...q], (e) => e.a! / e.b!));
    expect(noCov.code).toBe('NO_COVARIANCE');
  });
});
