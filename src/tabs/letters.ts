/**
 * Significance letters: for one row and one banner variable, every pair of the variable's
 * columns is tested (the difference of the two domain estimates, its SE from their joint
 * covariance, Student's t on the design's degrees of freedom), the p-values adjusted together,
 * and each column gets the letters of the columns it is significantly higher than. Each column is
 * also tested against the Total (a part against the whole: their covariance is in the same
 * matrix).
 * @module
 */
import { differenceTest, type Resolved } from '../poll/answers.js';
import { pAdjust } from './adjust.js';
import type { TabComparison, TabsAdjust, TabTotalTest } from './types.js';

/** What the letters of one row and banner variable are computed from. */
export interface LetterInput {
  /** The banner variable. */
  variable: string;
  /** Column ids of the group: the Total's first, then the variable's columns. */
  ids: readonly string[];
  /** Their estimates. */
  estimate: ArrayLike<number>;
  /** Their covariance (row-major). */
  covariance: ArrayLike<number>;
  /** Per column: tested (not a low base, has an estimate). */
  tested: ArrayLike<boolean>;
  /** Degrees of freedom of the tests. */
  df: number;
  /** One or two levels, the first the stricter. */
  level: readonly number[];
  /** The adjustment within the row and variable. */
  adjust: TabsAdjust;
}

/** The letters and Total tests of a group's columns (index 0, the Total, gets none). */
export interface LetterResult {
  /** Per column: the ids it is higher than, upper- or lower-case. */
  higherThan: string[][];
  /** Per column: the test against the Total, `null` when untested. */
  vsTotal: Array<TabTotalTest | null>;
  /** The pairwise tests. */
  comparisons: TabComparison[];
}

/**
 * Tests every pair of tested columns of a group (and each against the Total) and assigns letters.
 * @example
 * ```ts
 * // a Total and three columns: B is higher than C (p < 0.05) and D (p < 0.10)
 * const r = significanceLetters({
 *   variable: 'region', ids: ['A', 'B', 'C', 'D'], estimate: [0.5, 0.625, 0.4, 0.5],
 *   covariance: [
 *     0.0004, 0.0005, 0.0005, 0.0005,
 *     0.0005, 0.0025, 0, 0,
 *     0.0005, 0, 0.0025, 0,
 *     0.0005, 0, 0, 0.0025,
 *   ],
 *   tested: [true, true, true, true], df: 30, level: [0.95, 0.9], adjust: 'none',
 * });
 * console.log(r.higherThan, r.comparisons.map((c) => c.pValue.toFixed(3))); // => [ [], [ 'C', 'd' ], [], [] ] [ '0.003', '0.087', '0.168' ]
 * console.log(r.vsTotal[2]?.difference, r.vsTotal[2]?.se.toFixed(4)); // => -0.09999999999999998 0.0436
 * ```
 */
export function significanceLetters(input: LetterInput): LetterResult {
  const { ids, estimate: est, covariance: V, tested, df, level, adjust } = input;
  const p = ids.length;
  const opts: Resolved = { level: level[0]!, df };
  const pairs: Array<{ a: number; b: number; test: ReturnType<typeof differenceTest> }> = [];
  for (let a = 1; a < p; a++) {
    if (!tested[a]) continue;
    for (let b = a + 1; b < p; b++) {
      if (!tested[b]) continue;
      const test = differenceTest(
        est[a]!,
        est[b]!,
        V[a * p + a]!,
        V[b * p + b]!,
        V[a * p + b]!,
        opts,
      );
      pairs.push({ a, b, test });
    }
  }
  const adjusted = pAdjust(
    pairs.map((x) => x.test.pValue),
    adjust,
  );
  const higherThan: string[][] = ids.map(() => []);
  const mark = (winner: number, loser: number, pAdj: number) => {
    const id = ids[loser]!;
    if (pAdj < 1 - level[0]!) higherThan[winner]!.push(id.toUpperCase());
    else if (level.length > 1 && pAdj < 1 - level[1]!) higherThan[winner]!.push(id.toLowerCase());
  };
  const comparisons: TabComparison[] = pairs.map(({ a, b, test }, k) => {
    const pAdj = adjusted[k]!;
    if (test.difference > 0) mark(a, b, pAdj);
    else if (test.difference < 0) mark(b, a, pAdj);
    return {
      variable: input.variable,
      a: ids[a]!,
      b: ids[b]!,
      difference: test.difference,
      se: test.se,
      t: test.t,
      pValue: test.pValue,
      pAdjusted: pAdj,
    };
  });
  // Each tested column against the Total, adjusted within the group.
  const vsTotal: Array<TabTotalTest | null> = ids.map(() => null);
  if (tested[0]) {
    const tests: Array<{ a: number; test: ReturnType<typeof differenceTest> }> = [];
    for (let a = 1; a < p; a++) {
      if (!tested[a]) continue;
      tests.push({ a, test: differenceTest(est[a]!, est[0]!, V[a * p + a]!, V[0]!, V[a]!, opts) });
    }
    const adj = pAdjust(
      tests.map((x) => x.test.pValue),
      adjust,
    );
    tests.forEach(({ a, test }, k) => {
      vsTotal[a] = {
        difference: test.difference,
        se: test.se,
        t: test.t,
        pValue: test.pValue,
        pAdjusted: adj[k]!,
      };
    });
  }
  return { higherThan, vsTotal, comparisons };
}

/**
 * The letters text of a cell: ids of one character concatenated, longer ones separated by spaces.
 * @example
 * ```ts
 * console.log(lettersText(['B', 'd']), lettersText(['Z', 'AA'])); // => Bd Z AA
 * ```
 */
export function lettersText(ids: readonly string[]): string {
  return ids.every((id) => id.length === 1) ? ids.join('') : ids.join(' ');
}
