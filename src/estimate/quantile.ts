/**
 * `svyQuantile`: quantiles of a numeric variable with Woodruff (or Fuller score) confidence
 * intervals, as R's `svyquantile` (survey 4.1.1, the "new" svyquantile) computes them.
 * @module
 */
import { degreesOfFreedom } from '../design/df.js';
import type { ReplicateDesign } from '../design/replicate-types.js';
import { workingDesign } from '../design/scale.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { qnorm, qt } from '../stats/distributions.js';
import { approxFunction } from '../stats/spline.js';
import { denseInfluence, type Influence } from '../variance/influence.js';
import { clusterDf } from '../variance/linearization.js';
import { replicateCovariance, replicateWeightedSumsMany } from '../variance/replicate.js';
import { type Analysis, choice, confidenceLevel, intervalDf, prepareRows } from './prepare.js';
import { betaDfRatio, type ShareMethod, shareInterval } from './share-interval.js';
import type { Estimate } from './types.js';
import { estimateVariance } from './variance.js';

/**
 * Quantile rules of R's `svyquantile` (survey 4.1.1, with survey ≥ 4.4's fix of `'math'`,
 * `'school'` and `'hf3'` for p below the first weight share): `'math'` (= `'hf1'`, the default:
 * the smallest value whose cumulative weight share reaches p), `'school'` (= `'hf2'`: averages
 * at ties), `'shahvaish'`, and weighted analogues of Hyndman & Fan's types `'hf1'`…`'hf9'`.
 */
export type QuantileRule =
  | 'math'
  | 'school'
  | 'shahvaish'
  | 'hf1'
  | 'hf2'
  | 'hf3'
  | 'hf4'
  | 'hf5'
  | 'hf6'
  | 'hf7'
  | 'hf8'
  | 'hf9';

/**
 * Confidence interval methods of R's `svyquantile`. On a linearization design: Woodruff's
 * interval for the share below the quantile by `'mean'` (Wald, the default), `'beta'`
 * (Korn–Graubard), `'xlogit'` or `'asin'`, mapped back through the quantile rule; or `'score'`
 * (inverting Fuller's score test). On a replicate design: Woodruff's `'mean'` (the default),
 * `'beta'`, `'xlogit'` or `'asin'` with the share's replicate variance (as survey ≥ 4.2; 4.1.1
 * gives the Wald interval for all four), or `'quantile'` (the quantile recomputed with each
 * replicate's weights: q ± t · SE).
 */
export type QuantileInterval = 'mean' | 'beta' | 'xlogit' | 'asin' | 'score' | 'quantile';

/** The interval methods that map an interval of the share at or below the quantile back. */
type WoodruffMethod = Exclude<QuantileInterval, 'score' | 'quantile'> & ShareMethod;

const RULES: readonly QuantileRule[] = [
  'math',
  'school',
  'shahvaish',
  'hf1',
  'hf2',
  'hf3',
  'hf4',
  'hf5',
  'hf6',
  'hf7',
  'hf8',
  'hf9',
];
const INTERVALS: readonly QuantileInterval[] = ['mean', 'beta', 'xlogit', 'asin', 'score'];
/** What R's `svyquantile.svyrep.design` accepts. */
const REPLICATE_INTERVALS: readonly QuantileInterval[] = [
  'mean',
  'beta',
  'xlogit',
  'asin',
  'quantile',
];

/** Options of {@link svyQuantile}. */
export interface QuantileOptions {
  /** Confidence level, default 0.95 (R's `alpha = 1 − level`). */
  level?: number;
  /** Quantile rule, default `'math'` as in R. */
  qrule?: QuantileRule;
  /**
   * Interval method, default `'mean'` as in R. `'score'` only on a linearization design,
   * `'quantile'` only on a replicate design.
   */
  interval?: QuantileInterval;
  /**
   * Degrees of freedom: `'design'` (default, as R: the PSUs minus strata among the respondents
   * with a value; on a replicate design the rank of the replicate weights on those rows minus 1),
   * a number, or `Infinity` (normal quantiles).
   */
  df?: number | 'design';
}

/**
 * Quantiles of a numeric variable (R's `svyquantile`, survey 4.1.1), one row per probability,
 * with `statistic: 'quantile'` and the probability in `prob`.
 *
 * The discrete rules follow survey ≥ 4.4, which fixed a bug of 4.1.1: `'math'`/`'hf1'` give the
 * smallest value for every p at or below the smallest value's weight share, and
 * `'school'`/`'hf2'` the mean of the two smallest values (4.1.1 gave the second smallest value
 * for p below that share, e.g. for the values 1…10 the 1st and 5th percentiles 2 but the 10th
 * 1); `'hf3'` follows the same fixed test (it changes only rounding-edge cases). This changes
 * quantiles for small p and, more often, the lower limits of their Woodruff intervals.
 *
 * The quantile is R's rule `qrule` applied to the values and sampling weights of the
 * respondents in the domain with a value. The default interval is Woodruff's: a confidence
 * interval for the estimated share of the population at or below the quantile (`svyMean` of
 * the indicator, with t quantiles on `df`), mapped back to the variable's scale through the same
 * rule. As in R, `se` is derived from the interval: its width / (2 · qt(1 − α/2, df)). A limit
 * whose share falls outside [0, 1] is `NaN`, and so is then `se`.
 *
 * Missing values are left out and counted in `nMissing` (R's `na.rm = TRUE`, which also counts
 * the default `df` on the respondents with a value). With the rules `'math'` (`'hf1'`) and
 * `'school'` (`'hf2'`) and a Woodruff interval on a linearization design, the quantiles are
 * found without sorting: a histogram of the values' leading bits finds the narrow range that
 * holds each quantile, and a weighted quickselect among the rows in that range picks it (linear
 * time; the sort is done only where rounding could make selection and the sorted rule differ);
 * otherwise the values are sorted once and
 * each quantile costs a binary search. Each interval then costs one pass for its variance
 * (`'score'`: one pass per root-finding step).
 *
 * On a replicate-weight design (R's `svyquantile.svyrep.design`) `interval` is one of Woodruff's
 * (`'mean'`, the default, `'beta'`, `'xlogit'`, `'asin'`: the share's variance from its
 * replicates) or `'quantile'`: the quantile rule applied with each replicate's weights, their
 * replicate variance (`mse` as the design says) as the quantile's, and q ± t · SE (`'score'` is
 * not available there, as in R). survey 4.1.1 accepts `'beta'`, `'xlogit'` and `'asin'` on these
 * designs but computes the `'mean'` interval for them (its `woodruffCI` is called without the
 * method); survey 4.2 fixed that, and surveykit follows the fix. R
 * warns that jackknife (`JK1`, `JKn`) replicates may not give valid standard errors for
 * quantiles; surveykit does not repeat the warning. The default `df` is the rank of the
 * replicate weights on the respondents with a value, minus 1 (R's `degf` after `na.rm`). The
 * values are sorted once; each replicate then costs one pass over its weights (in row order)
 * and a binary search per probability.
 *
 * Where this differs from R: with a single respondent every rule gives that value (as survey
 * ≥ 4.2's rules do; survey 4.1.1's interpolating rules `'hf5'`…`'hf9'`, `'shahvaish'` stop with
 * an error, and `'hf4'` gives `NaN` in both), and a `'score'` limit whose root cannot be
 * bracketed is `NaN` where R stops with an error.
 *
 * @param design - The design to estimate on: a whole design, or a domain of one from
 *   {@link subset}.
 * @param variable - A numeric variable.
 * @param probs - The probabilities of the quantiles wanted, each in [0, 1] (`[0.5]` for the
 *   median).
 * @param opts - Quantile rule, interval method, confidence level and degrees of freedom: see
 *   {@link QuantileOptions}.
 * @throws {EstimationError} `NOT_NUMERIC`, `BAD_OPTION` (a probability outside [0, 1], an
 *   unknown rule, an interval the design type does not have), `UNKNOWN_VARIABLE`,
 *   `EMPTY_DOMAIN`, `ZERO_WEIGHT_DOMAIN`; with `interval: 'quantile'`, `EMPTY_REPLICATE` (a
 *   replicate has no weight on the respondents: R's rule stops) and `NO_REPLICATES` (every
 *   replicate quantile is NaN).
 * @example
 * ```ts
 * const y = [7, 22, 13, 2, 28, 17, 11, 25, 4, 19, 30, 9, 15, 1, 24, 27, 6, 12, 20, 3, 16, 10, 29,
 *   23, 5, 18, 14, 26, 8, 21];
 * const psu = y.map((_, i) => Math.floor(i / 3));
 * const [median] = svyQuantile(svyDesign(fromColumns({ y, psu }), { ids: 'psu' }), 'y', [0.5]);
 * console.log(median.prob, median.estimate, median.ci, median.se.toFixed(6)); // => 0.5 15 [ 12, 19 ] 1.547196
 * // Jackknife replicates, the median recomputed with each (R: interval.type = "quantile").
 * const jk = asRepDesign(svyDesign(fromColumns({ y, psu }), { ids: 'psu' }));
 * const [rep] = svyQuantile(jk, 'y', [0.5], { interval: 'quantile' });
 * console.log(rep.estimate, rep.ci.map((x) => x.toFixed(3)), rep.se.toFixed(6)); // => 15 [ '11.607', '18.393' ] 1.500000
 * ```
 */
export function svyQuantile(
  design: SurveyDesign,
  variable: string,
  probs: readonly number[],
  opts: QuantileOptions = {},
): Estimate[] {
  // scale-free: computed on the weights scaled to near 1 when they are extreme (quantiles are
  // values of the data, so infinite only where the data has infinite values: not checked)
  return quantileOn(workingDesign(design).design, variable, probs, opts);
}

function quantileOn(
  design: SurveyDesign,
  variable: string,
  probs: readonly number[],
  opts: QuantileOptions,
): Estimate[] {
  const level = confidenceLevel(opts);
  const qrule = choice('qrule', opts.qrule, RULES, 'math');
  const interval = choice(
    'interval',
    opts.interval,
    design.type === 'replicate' ? REPLICATE_INTERVALS : INTERVALS,
    'mean',
  );
  for (const p of probs) {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new EstimationError(
        'BAD_OPTION',
        `quantile probabilities must be between 0 and 1; got ${String(p)}`,
        { value: p },
      );
    }
  }
  // (its rows and Σ w: the mean's sums are not needed)
  const a = prepareRows(design, variable);
  if (a.column.kind !== 'numeric') {
    throw new EstimationError(
      'NOT_NUMERIC',
      `"${variable}" is categorical (levels ${a.column.levels.map((l) => `"${l}"`).join(', ')}); quantiles need a numeric variable`,
      { variable },
    );
  }
  if (!(a.sumW > 0)) {
    throw new EstimationError(
      'ZERO_WEIGHT_DOMAIN',
      `the respondents with "${variable}" in the domain have weight 0`,
      { variable },
    );
  }
  // R: df <- degf(design) after na.rm has dropped the rows missing the variable (on a replicate
  // design the rank of the replicate weights over those rows: the domain's when none is missing).
  const df =
    (opts.df ?? 'design') === 'design'
      ? design.type === 'replicate'
        ? replicateDfWithoutMissing(design, a)
        : a.weightedClusters
          ? clusterDf(design.stages[0]!, a.weightedClusters) // (counted by the scan)
          : degreesOfFreedom(design, a.present)
      : intervalDf(a, { df: opts.df as number });
  const alpha = 1 - level;
  const ctx = new QuantileContext(
    a,
    qrule,
    alpha,
    df,
    design.type !== 'replicate' && interval !== 'score',
  );
  const qcrit = df === Number.POSITIVE_INFINITY ? qnorm(1 - alpha / 2) : qt(1 - alpha / 2, df);
  if (design.type === 'replicate') {
    if (probs.length === 0) return [];
    const qhats = probs.map((p) => ctx.rule(p));
    const cis =
      interval === 'quantile'
        ? ctx.replicateQuantileIntervals(design, qrule, probs, qhats, qcrit)
        : // ('score' is not among a replicate design's intervals: `choice` refused it)
          ctx.replicateWoodruffIntervals(design, qhats, interval as WoodruffMethod, () =>
            replicateDfWithoutMissing(design, a),
          );
    return probs.map((p, j) => ({
      variable,
      statistic: 'quantile',
      prob: p,
      estimate: qhats[j]!,
      se: (cis[j]![1] - cis[j]![0]) / (2 * qcrit),
      ci: cis[j]!,
      n: a.n,
      nMissing: a.nMissing,
    }));
  }
  return probs.map((p) => {
    const qhat = ctx.rule(p);
    // A rule can give NaN (hf4 at p = 1: 0/0); R's interval is then NaN too.
    const ci: [number, number] = Number.isNaN(qhat)
      ? [Number.NaN, Number.NaN]
      : interval === 'score'
        ? ctx.scoreInterval(p)
        : // ('quantile' is not among a linearization design's intervals: `choice` refused it)
          ctx.woodruffInterval(qhat, interval as WoodruffMethod);
    return {
      variable,
      statistic: 'quantile',
      prob: p,
      estimate: qhat,
      se: (ci[1] - ci[0]) / (2 * qcrit),
      ci,
      n: a.n,
      nMissing: a.nMissing,
    };
  });
}

/** Replicate-design df of the rows left after dropping a variable's missing values, per (values, replicates, domain). */
const dfCache = new WeakMap<object, WeakMap<object, WeakMap<object, number>>>();
const WHOLE_DESIGN = {};

/**
 * R's `degf(design[!is.na(x), ])` for a replicate design: the rank of the replicate weights on
 * the respondents with a value, minus 1 (the domain's df when none is missing). The rank costs a
 * pass over every replicate weight, so it is remembered for the variable, replicates and domain.
 */
function replicateDfWithoutMissing(design: ReplicateDesign, a: Analysis): number {
  if (a.nMissing === 0) return degreesOfFreedom(design, design.domain);
  const values = (a.column as { values: Float64Array }).values;
  let byReplicates = dfCache.get(values);
  if (!byReplicates) dfCache.set(values, (byReplicates = new WeakMap()));
  let byDomain = byReplicates.get(design.replicates);
  if (!byDomain) byReplicates.set(design.replicates, (byDomain = new WeakMap()));
  const key = design.domain ?? WHOLE_DESIGN;
  let df = byDomain.get(key);
  if (df === undefined) {
    df = degreesOfFreedom(design, a.present);
    byDomain.set(key, df);
  }
  return df;
}

/** The analysis rows sorted once, and the quantile rule and intervals built on them. */
class QuantileContext {
  #sortedAll: Float64Array | undefined;
  #order: Int32Array | undefined;
  #sortedRule: ((p: number) => number) | undefined;
  #select: WeightedSelect | null | undefined;
  /** The quantile rule at probability p. */
  readonly rule: (p: number) => number;
  /** The rule at two probabilities (an interval's limits), the same as two calls of `rule`. */
  readonly rulePair: (p1: number, p2: number) => [number, number];
  readonly values: Float64Array;

  /**
   * With `fast` (rules `'math'`, `'hf1'`, `'school'`, `'hf2'`), the rule is first tried by
   * histogram and weighted quickselect ({@link WeightedSelect}); the values are sorted only when that cannot
   * decide the answer exactly as the sorted rule would.
   */
  constructor(
    readonly a: Analysis,
    readonly qrule: QuantileRule,
    readonly alpha: number,
    readonly df: number,
    fast = false,
  ) {
    this.values = (a.column as { values: Float64Array }).values;
    const useFast =
      fast && (qrule === 'math' || qrule === 'hf1' || qrule === 'school' || qrule === 'hf2');
    /** The histogram (built on first use); `null`: too few rows for one. */
    const selector = () => {
      if (this.#select === undefined) {
        this.#select = WeightedSelect.build(this.values, a, qrule === 'school' || qrule === 'hf2');
      }
      return this.#select;
    };
    this.rule = useFast
      ? (p) => {
          const v = selector()?.quantile(p) ?? Number.NaN;
          return Number.isNaN(v) ? this.sortedRule(p) : v;
        }
      : (p) => this.sortedRule(p);
    this.rulePair = useFast
      ? (p1, p2) => {
          const [v1, v2] = selector()?.quantilePair(p1, p2) ?? [Number.NaN, Number.NaN];
          return [
            Number.isNaN(v1) ? this.sortedRule(p1) : v1,
            Number.isNaN(v2) ? this.sortedRule(p2) : v2,
          ];
        }
      : (p1, p2) => [this.sortedRule(p1), this.sortedRule(p2)];
    // Without the fast path, sort and build the rule up front, as before.
    if (!useFast) this.buildSortedRule();
  }

  /** Values of every analysis row (zero weights included), sorted. */
  get sortedAll(): Float64Array {
    if (!this.#sortedAll) this.sort();
    return this.#sortedAll!;
  }

  /** Row index of each analysis row in value order (stable). */
  get order(): Int32Array {
    if (!this.#order) this.sort();
    return this.#order!;
  }

  private sort(): void {
    const { a, values } = this;
    // One stable sort (R's order() is stable): ties keep the data's order.
    const order = stableOrder(values, a.present);
    const m = order.length;
    this.#order = order;
    const sortedAll = new Float64Array(m);
    for (let k = 0; k < m; k++) sortedAll[k] = values[order[k]!]!;
    this.#sortedAll = sortedAll;
  }

  /** The rule on the sorted values (built on first use). */
  private sortedRule(p: number): number {
    return (this.#sortedRule ?? this.buildSortedRule())(p);
  }

  private buildSortedRule(): (p: number) => number {
    if (!this.#sortedRule) {
      const { order, sortedAll } = this;
      const m = order.length;
      // The rules drop zero weights first.
      const weights = this.a.weights;
      let len = 0;
      for (let k = 0; k < m; k++) if (weights[order[k]!]! > 0) len++;
      const xs = new Float64Array(len);
      const ws = new Float64Array(len);
      for (let k = 0, j = 0; k < m; k++) {
        const wk = weights[order[k]!]!;
        if (wk > 0) {
          xs[j] = sortedAll[k]!;
          ws[j++] = wk;
        }
      }
      this.#sortedRule = makeRule(this.qrule, xs, ws);
    }
    return this.#sortedRule;
  }

  /** Woodruff's interval: the share at or below the quantile, its interval, mapped back. */
  woodruffInterval(qhat: number, method: WoodruffMethod): [number, number] {
    const { a, values, alpha, df } = this;
    const { weights, present, sumW } = a;
    const pm = weightAtOrBelow(values, weights, present, qhat, sumW) / sumW;
    const variance = estimateVariance(
      a.design,
      shareInfluence(values, weights, present, qhat, pm, sumW),
      present,
    )[0]!;
    // 'beta': nrow and degf of the design after na.rm, whatever df says (as R).
    const pc = shareInterval(pm, variance, method, 1 - alpha, df, () =>
      betaDfRatio(alpha, a.n, degreesOfFreedom(a.design, present)),
    );
    const lowerOk = !(Number.isNaN(pc[0]) || pc[0] < 0);
    const upperOk = !(Number.isNaN(pc[1]) || pc[1] > 1);
    // (both limits from one pass over the rows, when both are wanted)
    if (lowerOk && upperOk) return this.rulePair(pc[0], pc[1]);
    return [lowerOk ? this.rule(pc[0]) : Number.NaN, upperOk ? this.rule(pc[1]) : Number.NaN];
  }

  /**
   * Woodruff's interval on a replicate design, as `svyquantile.svyrep.design` computes it for
   * every interval type but `'quantile'` (survey ≥ 4.2: by the interval type's method): the share
   * at or below each quantile (`svymean` with replicate weights, one blocked pass for all the
   * quantiles), its interval on `df` by `method`, mapped back through the rule with the
   * full-sample weights. `betaDf`: R's `degf` of the design after `na.rm` (for `'beta'`).
   */
  replicateWoodruffIntervals(
    design: ReplicateDesign,
    qhats: readonly number[],
    method: WoodruffMethod,
    betaDf: () => number,
  ): [number, number][] {
    const { a, values, alpha, df } = this;
    const { present, weights, sumW } = a;
    const n = present.length;
    const out: [number, number][] = qhats.map(() => [Number.NaN, Number.NaN]);
    // A NaN quantile gives NA indicators in R, so a NaN interval.
    const used = qhats.flatMap((q, j) => (Number.isNaN(q) ? [] : [j]));
    if (used.length === 0) return out;
    const columns = used.map((j) => {
      const q = qhats[j]!;
      const c = new Float64Array(n);
      for (let i = 0; i < n; i++) if (present[i] && values[i]! <= q) c[i] = 1;
      return c;
    });
    const sums = replicateWeightedSumsMany(design, [...columns, null], present);
    const k = columns.length;
    const full = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      const col = columns[c]!;
      let s = 0;
      for (let i = 0; i < n; i++) if (col[i]) s += weights[i]!;
      full[c] = s / sumW;
    }
    const reps = sums.reps.map((r) => {
      const m = new Float64Array(k);
      for (let c = 0; c < k; c++) m[c] = r[c]! / r[k]!;
      return m;
    });
    const V = replicateCovariance(design, full, reps);
    used.forEach((j, c) => {
      const pc = shareInterval(full[c]!, V[c * k + c]!, method, 1 - alpha, df, () =>
        betaDfRatio(alpha, a.n, betaDf()),
      );
      const lower = Number.isNaN(pc[0]) || pc[0] < 0 ? Number.NaN : this.rule(pc[0]);
      const upper = Number.isNaN(pc[1]) || pc[1] > 1 ? Number.NaN : this.rule(pc[1]);
      out[j] = [lower, upper];
    });
    return out;
  }

  /**
   * R's `repCI`: the quantile rule applied with each replicate's weights (sorted once; per
   * replicate one pass gathers its positive weights in value order), the replicate variance of
   * those quantiles (`svrVar`, centred at their mean or, with `mse`, at the estimate), and
   * q ± qcrit · SE.
   * @throws {EstimationError} `EMPTY_REPLICATE` when a replicate has no positive weight on the
   *   rows (R's rule stops with an error), `NO_REPLICATES` when every replicate quantile is NaN.
   */
  replicateQuantileIntervals(
    design: ReplicateDesign,
    qrule: QuantileRule,
    probs: readonly number[],
    qhats: readonly number[],
    qcrit: number,
  ): [number, number][] {
    const { order, sortedAll } = this;
    const m = order.length;
    const nrow = this.a.present.length;
    // Rank of each analysis row (−1 for others): a replicate's weights are then read in row order
    // and written to their rank, which keeps the reads sequential on millions of rows.
    const rankOf = new Int32Array(nrow).fill(-1);
    for (let k = 0; k < m; k++) rankOf[order[k]!] = k;
    const inRank = new Float64Array(m);
    const xs = new Float64Array(m);
    const ws = new Float64Array(m);
    const scratch: RuleScratch = { cumw: new Float64Array(m), pk: new Float64Array(m) };
    const reps = design.replicates.map((wr, r) => {
      for (let i = 0; i < nrow; i++) {
        const k = rankOf[i]!;
        if (k >= 0) inRank[k] = wr[i]!;
      }
      let len = 0;
      for (let k = 0; k < m; k++) {
        const wk = inRank[k]!;
        // R's rules drop the zero weights (only those).
        if (wk > 0 || wk < 0) {
          xs[len] = sortedAll[k]!;
          ws[len] = wk;
          len++;
        }
      }
      if (len === 0) {
        throw new EstimationError(
          'EMPTY_REPLICATE',
          `replicate ${r + 1} has no weight on the respondents with "${this.a.variable}" in the domain, so it has no quantile`,
          { variable: this.a.variable, replicate: r + 1 },
        );
      }
      const rule = makeRule(qrule, xs.subarray(0, len), ws.subarray(0, len), scratch);
      return Float64Array.from(probs, (p) => rule(p));
    });
    return qhats.map((q, j) => {
      const v = replicateCovariance(
        design,
        Float64Array.of(q),
        reps.map((t) => t.subarray(j, j + 1)),
      )[0]!;
      const half = Math.sqrt(v) * qcrit;
      return [q - half, q + half];
    });
  }

  /**
   * R's `ffullerCI`: the values where Fuller's score statistic for "p of the population is at or
   * below θ" crosses ∓t, found with R's `uniroot` between min + IQR/100 and max − IQR/100, then
   * (as R does) the quantile rule at the unweighted share of values at or below each root.
   */
  scoreInterval(p: number): [number, number] {
    const { a, values, alpha, df, sortedAll } = this;
    const { w, present, sumW } = a;
    const m = sortedAll.length;
    const z = new Float64Array(present.length);
    const score = (theta: number, qlimit: number): number => {
      let s = 0;
      for (let i = 0; i < present.length; i++) {
        if (present[i]) s += w[i]! * ((values[i]! > theta ? 1 : 0) - (1 - p));
      }
      const umean = s / sumW;
      for (let i = 0; i < present.length; i++) {
        if (present[i]) z[i] = (w[i]! * ((values[i]! > theta ? 1 : 0) - (1 - p) - umean)) / sumW;
      }
      const variance = estimateVariance(a.design, denseInfluence([z]), present)[0]!;
      return umean / Math.sqrt(variance) - qlimit;
    };
    const iqr = quantile7(sortedAll, 0.75) - quantile7(sortedAll, 0.25);
    const lowerT = sortedAll[0]! + iqr / 100;
    const upperT = sortedAll[m - 1]! - iqr / 100;
    const tol = 1 / (100 * Math.sqrt(m));
    const crit = df === Number.POSITIVE_INFINITY ? qnorm(alpha / 2) : qt(alpha / 2, df);
    const bound = (qlimit: number): number => {
      const root = uniroot((theta) => score(theta, qlimit), lowerT, upperT, tol);
      if (Number.isNaN(root)) return Number.NaN;
      return this.rule(countAtOrBelow(sortedAll, root) / m);
    };
    return [bound(-crit), bound(crit)];
  }
}

/** Where a quantile's target weight falls in {@link WeightedSelect}'s histogram. */
interface BucketAt {
  /** The bucket. */
  b: number;
  /** Σ w and rows of the buckets before it. */
  below: number;
  before: number;
  /** p · Σ w. */
  target: number;
}

/**
 * The rules `'math'` (`'hf1'`) and `'school'` (`'hf2'`) without sorting. A histogram first
 * narrows the search: each row with a value and a positive weight falls in one of up to 65,536
 * buckets by the leading bits of its value (its IEEE bits made order-preserving, shifted so that
 * the smallest to the largest value of a sample of the rows span the buckets; values outside
 * that range go into the first or last bucket), and the weight of every bucket is summed
 * in one pass, which also keeps each row's bucket (2 bytes a row). A quantile then costs a pass
 * over those that gathers the rows of the bucket where the cumulative weight reaches p · total,
 * and a weighted quickselect among them (three-way
 * partitions around a pivot value, comparing the weight below with p · total), which finds the
 * value v whose weight straddles p · total. The sorted rule's answer is then v whenever the
 * weight strictly below v and the weight at or below v are both clear of p · total by more than
 * any rounding of either computation, and v is not 0 (−0 and 0 would depend on the sorted
 * order). For p below the first value's weight share the fixed rules (survey ≥ 4.4) give the
 * smallest value, so v may be the smallest value for `'math'`; `'school'` then averages the
 * smallest two values, which is v only when v is tied (so a smallest v held by a single row is
 * left to the sorted rule). Otherwise {@link WeightedSelect.quantile} gives NaN and the sorted
 * rule decides.
 */
class WeightedSelect {
  private constructor(
    private readonly values: Float64Array,
    private readonly a: Analysis,
    /** Per bucket b: Σ w at 2b, its number of rows at 2b + 1. */
    private readonly bucket: Float64Array,
    /** Per row, its bucket (0 for rows without a value or a positive weight). */
    private readonly rowBucket: Uint16Array,
    private readonly total: number,
    private readonly margin: number,
    private readonly school: boolean,
  ) {}

  /**
   * The histogram of the rows with a value and a positive weight; `null` when there are fewer
   * than two. `school`: the rule is `'school'` (`'hf2'`), else `'math'` (`'hf1'`).
   */
  static build(values: Float64Array, a: Analysis, school: boolean): WeightedSelect | null {
    const { present, weights } = a;
    const hi = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    const hiAt = LITTLE_ENDIAN ? 1 : 0;
    // The buckets span the keys of a sample of the rows (every step-th row), not of all: the
    // rows below or above that range go into the first or last bucket, which keeps the buckets
    // in the values' order, and saves a pass over every row to find the range. (A quantile whose
    // bucket is one of those costs the select among more rows, never a wrong answer.)
    const range = new Float64Array(3);
    const step = Math.max(1, Math.floor(present.length / SAMPLE));
    keyRange(present, weights, hi, hiAt, step, range);
    if (range[0]! < 2 && step > 1) keyRange(present, weights, hi, hiAt, 1, range);
    if (range[0]! < 2) return null;
    const minKey = range[1]!;
    const maxKey = range[2]!;
    let shift = 0;
    while ((maxKey - minKey) / 2 ** shift >= BUCKETS) shift++;
    const bucket = new Float64Array(2 * BUCKETS);
    const rowBucket = new Uint16Array(values.length);
    const sums = new Float64Array(2);
    bucketWeights(present, weights, hi, hiAt, minKey, shift, bucket, rowBucket, sums);
    const m = sums[0]!;
    const total = sums[1]!;
    if (m < 2) return null;
    // Any sum of these weights in any order is within (m · ε) · total of the exact sum, and so
    // is the sorted rule's compensated cumulative sum; the margin is a generous multiple.
    const margin = total * (8 * m + 64) * DBL_EPSILON;
    if (!Number.isFinite(total) || !(total > 0)) return null;
    return new WeightedSelect(values, a, bucket, rowBucket, total, margin, school);
  }

  /** The rule's value at p, or NaN when the sorted rule must decide. */
  quantile(p: number): number {
    const at = this.locate(p);
    if (at === null) return Number.NaN;
    const size = this.bucket[2 * at.b + 1]!;
    const xv = new Float64Array(size);
    const wv = new Float64Array(size);
    const { present, weights } = this.a;
    gatherBucket(this.values, present, weights, this.rowBucket, at.b, xv, wv);
    return this.select(xv, wv, at);
  }

  /**
   * {@link quantile} at two probabilities (an interval's limits), their buckets' rows gathered in
   * one pass (each in row order, as {@link quantile} gathers them: the same answers).
   */
  quantilePair(p1: number, p2: number): [number, number] {
    const at1 = this.locate(p1);
    const at2 = this.locate(p2);
    if (at1 === null || at2 === null) return [this.quantile(p1), this.quantile(p2)];
    const x1 = new Float64Array(this.bucket[2 * at1.b + 1]!);
    const w1 = new Float64Array(x1.length);
    const x2 = new Float64Array(this.bucket[2 * at2.b + 1]!);
    const w2 = new Float64Array(x2.length);
    const { present, weights } = this.a;
    gatherTwoBuckets(this.values, present, weights, this.rowBucket, at1.b, x1, w1, at2.b, x2, w2);
    return [this.select(x1, w1, at1), this.select(x2, w2, at2)];
  }

  /**
   * The bucket where the cumulative weight passes p · total, with the weight and rows before it;
   * `null` when p · total is within the margin of 0 or of the total (the sorted rule decides).
   */
  private locate(p: number): BucketAt | null {
    const { total, margin, bucket } = this;
    const target = p * total;
    if (!(target > margin && target < total - margin)) return null;
    let b = 0;
    let below = 0;
    let before = 0;
    while (b < BUCKETS - 1 && below + bucket[2 * b]! <= target) {
      below += bucket[2 * b]!;
      before += bucket[2 * b++ + 1]!;
    }
    return { b, below, before, target };
  }

  /**
   * The weighted quickselect among the rows of the bucket located (values `xv`, weights `wv`,
   * reordered in place): the value, or NaN when the sorted rule must decide.
   */
  private select(xv: Float64Array, wv: Float64Array, at: BucketAt): number {
    const { margin, school } = this;
    const { before, target } = at;
    let below = at.below;
    let lo = 0;
    let hi = xv.length;
    let seed = 0x9e3779b9;
    while (lo < hi) {
      const len = hi - lo;
      // Median of three pseudo-random positions as the pivot.
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const i1 = lo + (seed % len);
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const i2 = lo + (seed % len);
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const i3 = lo + (seed % len);
      const x1 = xv[i1]!;
      const x2 = xv[i2]!;
      const x3 = xv[i3]!;
      const pivot = Math.max(Math.min(x1, x2), Math.min(Math.max(x1, x2), x3));
      // Three-way partition: [lo, lt) < pivot, [lt, i) = pivot, (gt, hi) > pivot.
      let lt = lo;
      let i = lo;
      let gt = hi - 1;
      let wLess = 0;
      let wEq = 0;
      while (i <= gt) {
        const x = xv[i]!;
        if (x < pivot) {
          const w = wv[i]!;
          wLess += w;
          xv[i] = xv[lt]!;
          wv[i] = wv[lt]!;
          xv[lt] = x;
          wv[lt] = w;
          lt++;
          i++;
        } else if (x > pivot) {
          const w = wv[i]!;
          xv[i] = xv[gt]!;
          wv[i] = wv[gt]!;
          xv[gt] = x;
          wv[gt] = w;
          gt--;
        } else {
          wEq += wv[i]!;
          i++;
        }
      }
      const A = below + wLess;
      const B = A + wEq;
      if (A > target) {
        hi = lt;
      } else if (B > target) {
        // The pivot straddles the target; is that clear of every rounding? (`before + lt === 0`:
        // the pivot is the smallest value of all.)
        if (pivot === 0 || (school && before + lt === 0 && gt === lt)) return Number.NaN;
        if (!(A <= target - margin && B > target + margin)) return Number.NaN;
        return pivot;
      } else {
        below = B;
        lo = gt + 1;
      }
    }
    return Number.NaN; // the target is at the bucket's edge, or rounding left no side to go to
  }
}

/** Buckets of {@link WeightedSelect}'s histogram. */
const BUCKETS = 65536;
/** Rows sampled (about) for the range of the histogram's keys. */
const SAMPLE = 4096;
/** Whether a double's high 32 bits are the second of its two 32-bit words in memory. */
const LITTLE_ENDIAN = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f;

/**
 * The high 32 bits of a double made order-preserving as an unsigned integer (negative values
 * have every bit flipped, others the sign bit set); −0 is taken as 0.
 */
function orderKey(h: number): number {
  if (h === 0x80000000) return 0x80000000; // −0 (or a tiny negative value): as 0
  return (h & 0x80000000 ? ~h : h | 0x80000000) >>> 0;
}

/**
 * Over every step-th row with a value and a positive weight: into `out` their number, and the
 * smallest and largest order-preserving key of their values.
 */
function keyRange(
  present: Uint8Array,
  weights: Float64Array,
  hi: Uint32Array,
  hiAt: number,
  step: number,
  out: Float64Array,
): void {
  let m = 0;
  let minKey = 0xffffffff;
  let maxKey = 0;
  for (let i = 0; i < present.length; i += step) {
    if (!present[i] || !(weights[i]! > 0)) continue;
    m++;
    const key = orderKey(hi[2 * i + hiAt]!);
    if (key < minKey) minKey = key;
    if (key > maxKey) maxKey = key;
  }
  out[0] = m;
  out[1] = minKey;
  out[2] = maxKey;
}

/**
 * Σ w and rows per bucket of the rows with a value and a positive weight (one pass; keys below
 * or above the range from `minKey` go into the first or last bucket), and each such row's bucket
 * (2 bytes a row: a quantile then gathers its bucket's rows reading those alone, not every row's
 * value bits again); into `out` the number of those rows and their Σ w in row order.
 */
function bucketWeights(
  present: Uint8Array,
  weights: Float64Array,
  hi: Uint32Array,
  hiAt: number,
  minKey: number,
  shift: number,
  bucket: Float64Array,
  rowBucket: Uint16Array,
  out: Float64Array,
): void {
  // (multiplying by a power of two is exact: the buckets are in the keys' order)
  const scale = 2 ** -shift;
  const last = BUCKETS - 1;
  let m = 0;
  let total = 0;
  for (let i = 0; i < present.length; i++) {
    const wi = weights[i]!;
    if (!present[i] || !(wi > 0)) continue;
    m++;
    total += wi;
    const k = Math.floor((orderKey(hi[2 * i + hiAt]!) - minKey) * scale);
    const b = k < 0 ? 0 : Math.min(k, last);
    // (a bucket's weight and count side by side: one cache line per row, not two)
    bucket[2 * b]! += wi;
    bucket[2 * b + 1]! += 1;
    rowBucket[i] = b;
  }
  out[0] = m;
  out[1] = total;
}

/**
 * The values and weights of the rows in bucket b (with a value and a positive weight), in row
 * order. (The bucket is tested first: other rows cost the read of their bucket only.)
 */
function gatherBucket(
  values: Float64Array,
  present: Uint8Array,
  weights: Float64Array,
  rowBucket: Uint16Array,
  b: number,
  xv: Float64Array,
  wv: Float64Array,
): void {
  for (let i = 0, j = 0; j < xv.length; i++) {
    if (rowBucket[i] !== b) continue;
    const wi = weights[i]!;
    if (!present[i] || !(wi > 0)) continue;
    xv[j] = values[i]!;
    wv[j++] = wi;
  }
}

/** {@link gatherBucket} of two buckets (b1 and b2 may be the same) in one pass. */
function gatherTwoBuckets(
  values: Float64Array,
  present: Uint8Array,
  weights: Float64Array,
  rowBucket: Uint16Array,
  b1: number,
  x1: Float64Array,
  w1: Float64Array,
  b2: number,
  x2: Float64Array,
  w2: Float64Array,
): void {
  for (let i = 0, j1 = 0, j2 = 0; j1 < x1.length || j2 < x2.length; i++) {
    const r = rowBucket[i]!;
    if (r !== b1 && r !== b2) continue;
    const wi = weights[i]!;
    if (!present[i] || !(wi > 0)) continue;
    if (r === b1) {
      x1[j1] = values[i]!;
      w1[j1++] = wi;
    }
    if (r === b2) {
      x2[j2] = values[i]!;
      w2[j2++] = wi;
    }
  }
}

/**
 * The influence of the share of the present rows at or below q (svyMean of the indicator):
 * w (1{y ≤ q} − share) / Σw per row, summed per cluster in one pass over the rows (no column of
 * values is made unless `dense` is asked for).
 */
function shareInfluence(
  values: Float64Array,
  weights: Float64Array,
  present: Uint8Array,
  q: number,
  share: number,
  sumW: number,
): Influence {
  const dense = () => {
    const z = new Float64Array(present.length);
    for (let i = 0; i < present.length; i++) {
      if (present[i]) z[i] = (weights[i]! * ((values[i]! <= q ? 1 : 0) - share)) / sumW;
    }
    return [z];
  };
  return {
    p: 1,
    dense,
    sumByCluster(rowCluster, totals) {
      shareByCluster(values, weights, present, q, share, sumW, rowCluster, totals);
      return undefined;
    },
  };
}

/** totals[c] += w (1{y ≤ q} − share) / Σw over the present rows of cluster c. */
function shareByCluster(
  values: Float64Array,
  weights: Float64Array,
  present: Uint8Array,
  q: number,
  share: number,
  sumW: number,
  rowCluster: Int32Array,
  totals: Float64Array,
): void {
  const below = 1 - share;
  const above = 0 - share;
  for (let i = 0; i < present.length; i++) {
    if (present[i] === 0) continue;
    // below or above as b · below + (1 − b) · above, exactly, without a branch on the value
    const b = +(values[i]! <= q);
    totals[rowCluster[i]!]! += (weights[i]! * (below * b + above * (1 - b))) / sumW;
  }
}

/**
 * Σ w over the present rows with a value at or below q, in row order. Without a branch on the
 * value (for a median half the rows are on each side, in no order: a branch would be
 * mispredicted every other row) when the weights are finite (Σw is): adding w · 0 changes no
 * sum then.
 */
function weightAtOrBelow(
  values: Float64Array,
  weights: Float64Array,
  present: Uint8Array,
  q: number,
  sumW: number,
): number {
  let s = 0;
  if (!Number.isFinite(sumW)) {
    for (let i = 0; i < present.length; i++) if (present[i] && values[i]! <= q) s += weights[i]!;
    return s;
  }
  for (let i = 0; i < present.length; i++) {
    if (present[i] === 0) continue;
    s += weights[i]! * +(values[i]! <= q);
  }
  return s;
}

/** Number of sorted values <= v. */
function countAtOrBelow(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** R's `quantile(x, prob, type = 7)` of sorted values. */
function quantile7(sorted: Float64Array, prob: number): number {
  const n = sorted.length;
  const index = 1 + Math.max(n - 1, 0) * prob;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const q = sorted[lo - 1]!;
  const h = index - lo;
  if (index > lo && sorted[hi - 1] !== q) return (1 - h) * q + h * sorted[hi - 1]!;
  return q;
}

/**
 * The flagged rows in increasing order of their values, ties in row order (R's stable `order()`),
 * by a least-significant-digit radix sort on the values' bits (16-bit digits, passes where every
 * key has the same digit skipped). −0 sorts as 0; the values must not be NaN.
 */
function stableOrder(values: Float64Array, present: Uint8Array): Int32Array {
  let m = 0;
  for (let i = 0; i < present.length; i++) if (present[i]) m++;
  let idx = new Int32Array(m);
  let lo = new Uint32Array(m);
  let hi = new Uint32Array(m);
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  const little = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f;
  const L = little ? 0 : 1;
  const H = 1 - L;
  for (let i = 0, k = 0; i < present.length; i++) {
    if (!present[i]) continue;
    const v = values[i]!;
    f64[0] = v === 0 ? 0 : v;
    const h = u32[H]!;
    // Order-preserving map of the IEEE bits to unsigned integers.
    if (h & 0x80000000) {
      hi[k] = ~h >>> 0;
      lo[k] = ~u32[L]! >>> 0;
    } else {
      hi[k] = (h | 0x80000000) >>> 0;
      lo[k] = u32[L]!;
    }
    idx[k++] = i;
  }
  let idx2 = new Int32Array(m);
  let lo2 = new Uint32Array(m);
  let hi2 = new Uint32Array(m);
  const count = new Int32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const key = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let k = 0; k < m; k++) count[(key[k]! >>> shift) & 0xffff]!++;
    let trivial = false;
    for (let b = 0; b < 65536; b++) {
      if (count[b] === m) trivial = true;
      if (count[b]! > 0) break;
    }
    if (trivial) continue;
    let start = 0;
    for (let b = 0; b < 65536; b++) {
      const c = count[b]!;
      count[b] = start;
      start += c;
    }
    for (let k = 0; k < m; k++) {
      const d = count[(key[k]! >>> shift) & 0xffff]!++;
      idx2[d] = idx[k]!;
      lo2[d] = lo[k]!;
      hi2[d] = hi[k]!;
    }
    [idx, idx2] = [idx2, idx];
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
  }
  return idx;
}

/**
 * Cumulative sums accumulated with a compensation term and rounded once, as R's `cumsum`
 * (which accumulates in long double) effectively does: `cumsum(w)[k] <= p * sum(w)` and exact
 * ties (e.g. the median of an even number of equal weights) then come out as in R.
 */
function cumulativeSums(w: Float64Array, buffer?: Float64Array): Float64Array {
  const out = buffer ? buffer.subarray(0, w.length) : new Float64Array(w.length);
  let s = 0;
  let c = 0;
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
    out[i] = s + c;
  }
  return out;
}

/** R's `qs`: position of the last cumulative weight at or below p · total, and the gaps. */
function qs(
  cumw: Float64Array,
  total: number,
  p: number,
): { pos: number; next: number; wlow: number; wup: number } {
  const n = cumw.length;
  const target = p * total;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumw[mid]! <= target) lo = mid + 1;
    else hi = mid;
  }
  const pos = lo > 0 ? lo - 1 : 0;
  const next = pos === n - 1 ? pos : pos + 1;
  return { pos, next, wlow: p - cumw[pos]! / total, wup: cumw[next]! / total - p };
}

/** The quantile rule as a function of p, with its tables built once (xs sorted, ws > 0). */
/** Buffers a rule may use for its tables (length ≥ the number of values), reused across calls. */
interface RuleScratch {
  cumw: Float64Array;
  pk: Float64Array;
}

/**
 * The quantile rule as a function of p, with its tables built once (xs sorted, ws ≠ 0). With
 * `scratch`, the tables live in those buffers, so the rule is valid until they are reused.
 */
function makeRule(
  rule: QuantileRule,
  xs: Float64Array,
  ws: Float64Array,
  scratch?: RuleScratch,
): (p: number) => number {
  const n = xs.length;
  if (n === 1) return () => xs[0]!; // R's interpolating rules fail on a single value
  const cumw = cumulativeSums(ws, scratch?.cumw);
  const total = cumw[n - 1]!;
  switch (rule) {
    case 'math':
    case 'hf1':
      // survey ≥ 4.4's rule: wlow ≤ 0 (4.1.1: === 0, so a p below the first weight share,
      // where qs gives pos 0 and a negative wlow, took the second value).
      return (p) => {
        const q = qs(cumw, total, p);
        return q.wlow <= 0 ? xs[q.pos]! : xs[q.next]!;
      };
    case 'school':
    case 'hf2':
      return (p) => {
        const q = qs(cumw, total, p);
        return q.wlow <= 0 ? (xs[q.pos]! + xs[q.next]!) / 2 : xs[q.next]!;
      };
    case 'hf3': {
      // rowsum(w, x) over the distinct values, then qs on them.
      const ux: number[] = [];
      const uw: number[] = [];
      for (let k = 0; k < n; k++) {
        if (k > 0 && xs[k] === xs[k - 1]) uw[uw.length - 1]! += ws[k]!;
        else {
          ux.push(xs[k]!);
          uw.push(ws[k]!);
        }
      }
      const ucum = cumulativeSums(Float64Array.from(uw));
      const utotal = ucum[ucum.length - 1]!;
      return (p) => {
        const q = qs(ucum, utotal, p);
        // R's ilow is 1-based: even ilow is odd pos here.
        return q.wlow <= 0 && (q.pos + 1) % 2 === 0 ? ux[q.pos]! : ux[q.next]!;
      };
    }
    case 'hf4':
      return (p) => {
        const q = qs(cumw, total, p);
        const gamma = q.wlow / (q.wup + q.wlow);
        return xs[q.pos]! * (1 - gamma) + xs[q.next]! * gamma;
      };
    default: {
      const pk = scratch ? scratch.pk.subarray(0, n) : new Float64Array(n);
      const wn = ws[n - 1]!;
      const cn = cumw[n - 1]!;
      let method: 'linear' | 'constant' = 'linear';
      switch (rule) {
        case 'hf5':
          for (let k = 0; k < n; k++) pk[k] = (cumw[k]! - ws[k]! / 2) / cn;
          break;
        case 'hf6':
          for (let k = 0, d = cn + wn; k < n; k++) pk[k] = cumw[k]! / d;
          break;
        case 'hf7':
          for (let k = 0, before = 0, d = cumw[n - 2]!; k < n; before = cumw[k]!, k++) {
            pk[k] = before / d;
          }
          break;
        case 'hf8':
          for (let k = 0, before = 0, d = cn + wn / 3; k < n; before = cumw[k]!, k++) {
            pk[k] = ((before * 1) / 3 + (cumw[k]! * 2) / 3) / d;
          }
          break;
        case 'hf9':
          for (let k = 0, before = 0, d = cn + wn / 4; k < n; before = cumw[k]!, k++) {
            pk[k] = ((before * 3) / 8 + (cumw[k]! * 5) / 8) / d;
          }
          break;
        default: {
          // shahvaish: S = cumsum(w / mean(w)); pk = (S + 0.5 − w/2)/(n + 1) (R 4.1.1 uses the
          // unnormalised w in w/2), step interpolation.
          const mean = total / n;
          const S = cumulativeSums(ws.map((x) => x / mean));
          for (let k = 0; k < n; k++) pk[k] = (S[k]! + 0.5 - ws[k]! / 2) / (n + 1);
          method = 'constant';
        }
      }
      const fast = sortedApprox(pk, xs, method);
      if (fast) return fast;
      const f = approxFunction(pk, xs, { method, rule: 2, f: 0 });
      const one = new Float64Array(1);
      return (p) => {
        one[0] = p;
        return f(one)[0]!;
      };
    }
  }
}

/**
 * R's `approx(pk, xs, p, method, rule = 2, f = 0)` (as {@link approxFunction}: ties of pk
 * averaged) when pk is already non-decreasing, without copying the nodes: a binary search per p.
 * `null` when pk is not sorted, has NaN, or has a single distinct value (then approxFunction's
 * general path, or its error, applies).
 */
function sortedApprox(
  pk: Float64Array,
  xs: Float64Array,
  method: 'linear' | 'constant',
): ((p: number) => number) | null {
  const n = pk.length;
  for (let k = 0; k < n; k++) {
    if (Number.isNaN(pk[k]!) || (k > 0 && pk[k]! < pk[k - 1]!)) return null;
  }
  if (!(pk[0]! < pk[n - 1]!)) return null;
  /** The mean of xs over the run of pk values tied with pk[k] (regularize's ties = mean). */
  const tiedMean = (k: number): number => {
    const v = pk[k]!;
    let s = k;
    while (s > 0 && pk[s - 1] === v) s--;
    let e = k + 1;
    while (e < n && pk[e] === v) e++;
    if (e === s + 1) return xs[s]!;
    let sum = 0;
    for (let j = s; j < e; j++) sum += xs[j]!;
    const m = sum / (e - s);
    let corr = 0;
    for (let j = s; j < e; j++) corr += xs[j]! - m;
    return m + corr / (e - s);
  };
  const first = tiedMean(0);
  const last = tiedMean(n - 1);
  return (v) => {
    if (Number.isNaN(v)) return v;
    if (v < pk[0]!) return first;
    if (v >= pk[n - 1]!) return last;
    // k: the last node with pk[k] <= v (k < n − 1, as v < pk[n − 1]).
    let lo = 0;
    let hi = n - 1;
    while (lo < hi - 1) {
      const mid = (lo + hi) >>> 1;
      if (pk[mid]! <= v) lo = mid;
      else hi = mid;
    }
    const k = lo;
    const yi = tiedMean(k);
    if (v === pk[k]) return yi;
    if (method === 'constant') return yi;
    const xi = pk[k]!;
    const xj = pk[k + 1]!;
    const yj = tiedMean(k + 1);
    return yi + (yj - yi) * ((v - xi) / (xj - xi));
  };
}

const DBL_EPSILON = 2.220446049250313e-16;
const DBL_MAX = Number.MAX_VALUE;

/**
 * R's `uniroot(f, c(lower, upper), tol = tol)` (Brent's zeroin, R_zeroin2, maxiter 1000);
 * `NaN` where R stops with an error (f missing at an end, or of the same sign at both ends).
 */
function uniroot(f: (x: number) => number, lower: number, upper: number, tol: number): number {
  if (!(lower < upper)) return Number.NaN;
  const fLower = f(lower);
  const fUpper = f(upper);
  if (Number.isNaN(fLower) || Number.isNaN(fUpper)) return Number.NaN;
  if (!(Math.sign(fLower) * Math.sign(fUpper) <= 0)) return Number.NaN;
  // R's fcn2: non-finite values inside the iteration become ∓DBL_MAX.
  const g = (x: number): number => {
    const v = f(x);
    if (Number.isFinite(v)) return v;
    return v === Number.NEGATIVE_INFINITY ? -DBL_MAX : DBL_MAX;
  };
  return zeroin2(lower, upper, fLower, fUpper, g, tol, 1000);
}

/** R_zeroin2 (R's src/library/stats/src/zeroin.c), line for line. */
function zeroin2(
  ax: number,
  bx: number,
  faIn: number,
  fbIn: number,
  f: (x: number) => number,
  tol: number,
  maxitIn: number,
): number {
  let a = ax;
  let b = bx;
  let fa = faIn;
  let fb = fbIn;
  let c = a;
  let fc = fa;
  let maxit = maxitIn + 1;
  if (fa === 0) return a;
  if (fb === 0) return b;
  while (maxit--) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * DBL_EPSILON * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) return b;
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const cb = c - b;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        q = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
        q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) {
        newStep = p / q;
      }
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b; // R warns that it did not converge and returns the last iterate
}
