/**
 * A categorical item by subgroup (age group, region, ...), each subgroup's share set against
 * the national figure with a design-based test of the difference.
 * @module
 */
import { getCategorical } from '../data/frame.js';
import { groupDegreesOfFreedom } from '../design/df.js';
import type { LinearizationDesign, SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { svyBy } from '../estimate/by.js';
import { attachInfluence, jointCovariance, rowLink } from '../estimate/influence-rows.js';
import { waldInterval } from '../estimate/prepare.js';
import type { Estimate } from '../estimate/types.js';
import { estimateVariance } from '../estimate/variance.js';
import { isCalibrated } from '../variance/calibration.js';
import type { Influence } from '../variance/influence.js';
import {
  answerScores,
  type DifferenceTest,
  derivedMean,
  differenceTest,
  type PollOptions,
  type Resolved,
  resolveOptions,
  withColumns,
} from './answers.js';
import type { Answer, AnswerGroup } from './questionnaire.js';

/** Options of {@link svySubgroups}. */
export interface SubgroupOptions extends PollOptions {
  /** The answer groups whose share is estimated, default `['positive']` (e.g. "support"). */
  groups?: readonly AnswerGroup[];
  /** Or the answer codes counted (instead of `groups`). */
  codes?: ReadonlyArray<number | string>;
}

/** One subgroup: its share (an {@link Estimate}) and its difference from the national share. */
export interface SubgroupRow extends Estimate {
  /** The grouping variable. */
  by: string;
  /** The subgroup (a level of `by`). */
  subgroup: string;
  /** The national share (all respondents of the design's domain with an answer). */
  national: number;
  /** Subgroup share − national share, with its design-based test. */
  vsNational: DifferenceTest;
  /**
   * Degrees of freedom of the subgroup's own sample: PSUs minus strata with respondents in it
   * (R's `degf(subset(design, ...))`), for judging its reliability (`reliability`'s `df`).
   */
  domainDf: number;
}

/** {@link svySubgroups}'s result. */
export interface SubgroupResult {
  /** The item estimated. */
  variable: string;
  /** What the share counts: the answer groups or codes. */
  counts: string[];
  /** The national share. */
  national: Estimate;
  /** One row per level (with respondents) of each grouping variable, in level order. */
  rows: SubgroupRow[];
  /** Confidence level of the intervals and tests. */
  level: number;
  /** Degrees of freedom of the intervals and tests. */
  df: number;
}

/**
 * The share of respondents giving some answers (by default the `positive` group, e.g.
 * "support") in each subgroup of one or more grouping variables, and for each subgroup the
 * difference subgroup − national with its design-based SE, interval, t test and whether it
 * differs at the chosen level.
 *
 * A subgroup is part of the national sample, so the two estimates are correlated: the SE of
 * the difference is √(var_sub + var_nat − 2 cov), the covariance from the stacked influence
 * values of the domain mean and the national mean (`jointCovariance`; in R, `svyratio` of
 * both as ratios with `covmat = TRUE`). Respondents without an answer are outside both bases;
 * respondents with a missing grouping value count in the national share only. Intervals and
 * tests use `df` (default: the design's degrees of freedom, for every subgroup).
 *
 * @param design - The weighted design of the poll (the national sample, or a domain of it).
 * @param item - The item: its `variable` and its `answers` (with their answer groups).
 * @param by - The grouping variable, or several (each gives its own subgroups).
 * @param opts - The answers counted (`groups` or `codes`; default the positive group), confidence
 *   level and degrees of freedom: see {@link SubgroupOptions}.
 * @throws {EstimationError} `NOT_CATEGORICAL` (a numeric grouping variable), `UNKNOWN_LEVEL`,
 *   `BAD_OPTION` (both or neither of groups and codes resolve to no answer).
 * @example
 * ```ts
 * const data = fromColumns({
 *   coop: ['Yes', 'Yes', 'No', 'Yes', 'No', 'No', 'Yes', 'Yes'],
 *   age: ['young', 'young', 'young', 'old', 'old', 'old', 'old', 'young'],
 * });
 * const answers = [
 *   { code: 1, label: { en: 'Yes' }, group: 'positive' as const },
 *   { code: 2, label: { en: 'No' }, group: 'negative' as const },
 * ];
 * const r = svySubgroups(svyDesign(data), { variable: 'coop', answers }, 'age');
 * console.log(r.national.estimate, r.rows.map((x) => `${x.subgroup} ${x.estimate} ${x.vsNational.difference}`)); // => 0.625 [ 'young 0.75 0.125', 'old 0.5 -0.125' ]
 * ```
 */
export function svySubgroups(
  design: SurveyDesign,
  item: { variable: string; answers: readonly Answer[] },
  by: string | readonly string[],
  opts: SubgroupOptions = {},
): SubgroupResult {
  const resolved = resolveOptions(design, opts);
  const { variable, answers } = item;
  const counted = countedAnswers(answers, opts);
  const column = `${variable}[share]`;
  const y = answerScores(
    design.data,
    variable,
    answers,
    answers.map((_, j) => (counted.includes(j) ? 1 : 0)),
  );
  const d = withColumns(design, { [column]: y });
  const statistic = 'proportion';
  const national = derivedMean(d, column, resolved, { variable, statistic });
  // The subgroups' shares over the respondents with an answer (one pass over them for all
  // subgroups of a variable), each row's covariance with the national share from their
  // influence values over those respondents (the sums per PSU are kept from those passes).
  const answered = rowLink(national)!.block.present!;
  const onAnswered: SurveyDesign = { ...d, domain: answered };
  const domain = design.domain;
  const rows: SubgroupRow[] = [];
  for (const name of typeof by === 'string' ? [by] : by) {
    const g = getCategorical(design.data, name);
    const codes = g.codes;
    // The subgroups' shares: on a linearization design without calibration from one pass over
    // the rows (groupShares, which also counts the respondents of each subgroup with and without
    // an answer); else (or with a weight that is not positive) by svyBy.
    const fast =
      design.type === 'linearization' && !isCalibrated(design)
        ? groupShares(design, y, codes, g.levels, answered, domain, resolved, variable)
        : null;
    // Per subgroup: respondents of the domain with and without an answer.
    const withAnswer = fast?.withAnswer ?? new Float64Array(g.levels.length);
    const without = fast?.without ?? new Float64Array(g.levels.length);
    if (fast === null) countAnswers(codes, domain, answered, withAnswer, without);
    if (!withAnswer.some((x) => x > 0)) continue;
    const groupDf = fast?.df ?? groupDegreesOfFreedom(design, codes, g.levels.length);
    let shares: Estimate[];
    let levels: string[];
    if (fast !== null) {
      shares = fast.rows;
      levels = shares.map((r) => r.level!);
    } else {
      shares = [];
      // (The covariance between subgroups, which svyBy computes for its table, is not used
      // here: maxCovariance 1 leaves it out; each share's own variance is computed with it.)
      const table = svyBy(
        onAnswered,
        name,
        (group) => {
          const row = derivedMean(group, column, resolved, { variable, statistic });
          shares.push(row);
          return row;
        },
        { maxCovariance: 1 },
      );
      levels = table.map((t) => t.group![name]!);
    }
    // The covariance of every subgroup's share and the national share at once (one pass of the
    // national influence values, not one per subgroup).
    const V = jointCovariance([...shares, national], { present: answered });
    const K = shares.length + 1;
    const nat = K - 1;
    const found = new Set<number>();
    levels.forEach((level, k) => {
      const code = g.levels.indexOf(level);
      found.add(code);
      const row = shares[k]! as SubgroupRow;
      row.level = level;
      row.nMissing = without[code]!;
      row.by = name;
      row.subgroup = level;
      row.national = national.estimate;
      row.vsNational = differenceTest(
        row.estimate,
        national.estimate,
        V[k * K + k]!,
        V[nat * K + nat]!,
        V[k * K + nat]!,
        resolved,
      );
      row.domainDf = groupDf[code]!;
      rows.push(row);
    });
    g.levels.forEach((level, code) => {
      if (withAnswer[code]! > 0 && !found.has(code)) {
        // Respondents with an answer, all of weight 0 (svyBy leaves such a group out).
        throw new EstimationError(
          'ZERO_WEIGHT_DOMAIN',
          `the respondents with "${column}" in subgroup ${name} = ${level} have weight 0`,
          { variable: column, group: { [name]: level } },
        );
      }
    });
  }
  return {
    variable,
    counts: counted.map((j) => String(answers[j]!.code)),
    national,
    rows,
    level: resolved.level,
    df: resolved.df,
  };
}

/**
 * The share of each subgroup (level of `codes` with respondents who answered) as svyMean of the
 * 0/1 column `y` on the subgroup's domain computes it, from one pass over the rows
 * ({@link groupSums}): per subgroup Σ w, the compensated Σ w y and Σ w (1 − y) in row order
 * (svyMean's additions: the share is Σ w y / Σ w, or exactly the first value y₀ when
 * Σ w (y − y₀) is 0), and per PSU and subgroup Σ w and Σ w y. The influence of share p_g is
 * w (y − p_g) / W_g on the subgroup's rows, so its PSU totals are (Σ w y − p_g Σ w) / W_g from
 * that table, and its variance needs no further pass (stage 1; later stages of a design with
 * fpc sum the rows again). Each row carries its influence (`jointCovariance` combines it with
 * the national share). `null` when a weight of a row with an answer is not positive (svyBy
 * then does it, as before).
 */
function groupShares(
  design: LinearizationDesign,
  y: Float64Array,
  codes: Int32Array,
  levels: readonly string[],
  answered: Uint8Array,
  domain: Uint8Array | null,
  resolved: Resolved,
  variable: string,
): { rows: Estimate[]; withAnswer: Float64Array; without: Float64Array; df: Float64Array } | null {
  const G = levels.length;
  const nrow = y.length;
  const weights = design.weights;
  const stage = design.stages[0]!;
  const rowCluster = stage.rowCluster;
  const nClusters = stage.nClusters;
  const sums = new Float64Array(GROUP_SUMS * G);
  const table = new Float64Array(nClusters * 2 * G);
  const present = levels.map(() => new Uint8Array(nrow));
  const clusterSeen = new Uint8Array(nClusters * G);
  const args = { sums, table, present, clusterSeen };
  if (!groupSums(codes, domain, answered, y, weights, rowCluster, args)) return null;
  const df = groupDf(clusterSeen, stage.clusterStratum, stage.nStrata, G);
  const rows: Estimate[] = [];
  const withAnswer = new Float64Array(G);
  const without = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const at = GROUP_SUMS * g;
    const n = sums[at + G_N]!;
    withAnswer[g] = n;
    without[g] = sums[at + G_WITHOUT]!;
    if (n === 0) continue;
    const sumW = sums[at + G_W]!;
    const sumWY = sums[at + G_WY]! + sums[at + G_ERR]!;
    const first = y[sums[at + G_FIRST]!]!;
    const zero = first === 0 ? sumWY === 0 : sums[at + G_WN] === 0;
    const p = zero ? first : sumWY / sumW;
    const mine = present[g]!;
    const seen = new Uint8Array(nClusters);
    for (let c = 0; c < nClusters; c++) seen[c] = table[c * 2 * G + 2 * g]! > 0 ? 1 : 0;
    const inv = 1 / sumW;
    const influence: Influence = {
      p: 1,
      present: mine,
      sumByCluster(clusters, totals) {
        if (clusters === rowCluster && totals.length === nClusters) {
          for (let c = 0; c < nClusters; c++) {
            const t = c * 2 * G + 2 * g;
            totals[c]! += (table[t + 1]! - p * table[t]!) * inv;
          }
          return seen;
        }
        const marked = new Uint8Array(totals.length);
        for (let i = 0; i < nrow; i++) {
          if (!mine[i]) continue;
          const c = clusters[i]!;
          marked[c] = 1;
          totals[c]! += weights[i]! * (y[i]! - p) * inv;
        }
        return marked;
      },
      dense() {
        const z = new Float64Array(nrow);
        for (let i = 0; i < nrow; i++) if (mine[i]) z[i] = weights[i]! * (y[i]! - p) * inv;
        return [z];
      },
    };
    const V = estimateVariance(design, influence, mine);
    const se = Math.sqrt(V[0]!);
    const row: Estimate = {
      variable,
      statistic: 'proportion',
      estimate: p,
      se,
      ci: waldInterval(p, se, resolved.level, resolved.df),
      n,
      nMissing: 0,
      level: levels[g]!,
    };
    attachInfluence([row], {
      p: 1,
      covariance: V,
      design,
      influence,
      present: mine,
      replicates: null,
    });
    rows.push(row);
  }
  return { rows, withAnswer, without, df };
}

/**
 * Per subgroup, R's `degf` of its domain (as `groupDegreesOfFreedom`): the PSUs with a row of
 * the subgroup (of the domain, weight not 0; `clusterSeen[c·G + g]`, marked by
 * {@link groupSums} in its pass) minus their strata.
 */
function groupDf(
  clusterSeen: Uint8Array,
  clusterStratum: Int32Array,
  nStrata: number,
  G: number,
): Float64Array {
  const df = new Float64Array(G);
  const stratumSeen = new Uint8Array(nStrata * G);
  for (let c = 0; c < clusterStratum.length; c++) {
    for (let g = 0; g < G; g++) {
      if (!clusterSeen[c * G + g]) continue;
      df[g]! += 1;
      const s = clusterStratum[c]! * G + g;
      if (!stratumSeen[s]) {
        stratumSeen[s] = 1;
        df[g]! -= 1;
      }
    }
  }
  return df;
}

// What groupSums leaves per subgroup in its `sums` (GROUP_SUMS numbers per subgroup).
const G_N = 0;
const G_FIRST = 1;
const G_W = 2;
const G_WY = 3;
const G_ERR = 4;
const G_WN = 5;
const G_WITHOUT = 6;
const GROUP_SUMS = 7;

/**
 * The pass of {@link groupShares}: for the rows of the domain with a subgroup, per subgroup (at
 * `GROUP_SUMS · g` in `sums`) the rows with an answer, the first of them, their Σ w, compensated
 * Σ w y and Σ w (1 − y), in row order, and the rows without an answer; per PSU c and subgroup g
 * Σ w and Σ w y (`table[c·2G + 2g]` and the next, side by side: one cache line per row); the
 * subgroup's rows with an answer in `present[g]`; the PSUs with a row of the domain in the
 * subgroup, weight not 0, in `clusterSeen[c·G + g]` (for its degrees of freedom). Returns false,
 * at once, at a weight of a row with an answer that is not positive.
 */
function groupSums(
  codes: Int32Array,
  domain: Uint8Array | null,
  answered: Uint8Array,
  y: Float64Array,
  weights: Float64Array,
  rowCluster: Int32Array,
  a: {
    sums: Float64Array;
    table: Float64Array;
    present: readonly Uint8Array[];
    clusterSeen: Uint8Array;
  },
): boolean {
  const { sums, table, present, clusterSeen } = a;
  const G = present.length;
  const G2 = 2 * G;
  for (let i = 0; i < codes.length; i++) {
    const g = codes[i]!;
    if (g < 0) continue;
    const at = GROUP_SUMS * g;
    if (answered[i] === 0) {
      if (domain !== null && domain[i] === 0) continue;
      sums[at + G_WITHOUT]! += 1;
      if (weights[i] !== 0) clusterSeen[rowCluster[i]! * G + g] = 1;
      continue;
    }
    const w = weights[i]!;
    if (!(w > 0)) return false;
    clusterSeen[rowCluster[i]! * G + g] = 1;
    const wy = w * y[i]!;
    if (sums[at + G_N]!++ === 0) sums[at + G_FIRST] = i;
    sums[at + G_W]! += w;
    const sum = sums[at + G_WY]!;
    const t = sum + wy;
    sums[at + G_ERR]! += Math.abs(sum) >= Math.abs(wy) ? sum - t + wy : wy - t + sum;
    sums[at + G_WY] = t;
    sums[at + G_WN]! += w - wy;
    const c = rowCluster[i]! * G2 + 2 * g;
    table[c]! += w;
    table[c + 1]! += wy;
    present[g]![i] = 1;
  }
  return true;
}

/**
 * Per subgroup (level code): the domain's respondents with an answer (`answered`: 1 for those)
 * into `withAnswer`, those without into `without`. (A function of typed arrays of its own, which
 * V8 optimises once, whatever happens to svySubgroups around it.)
 */
function countAnswers(
  codes: Int32Array,
  domain: Uint8Array | null,
  answered: Uint8Array,
  withAnswer: Float64Array,
  without: Float64Array,
): void {
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code < 0 || (domain !== null && domain[i] === 0)) continue;
    const a = answered[i]!;
    withAnswer[code]! += a;
    without[code]! += 1 - a;
  }
}

/** Indices of the answers counted by the options (groups or codes). */
function countedAnswers(answers: readonly Answer[], opts: SubgroupOptions): number[] {
  if (opts.groups !== undefined && opts.codes !== undefined) {
    throw new EstimationError('BAD_OPTION', 'give either groups or codes, not both', {});
  }
  const codes = opts.codes?.map(String);
  const groups = opts.groups ?? ['positive'];
  const counted = answers
    .map((a, j) => ({ a, j }))
    .filter(({ a }) =>
      codes ? codes.includes(String(a.code)) : groups.includes(a.group) && a.group !== 'missing',
    )
    .map(({ j }) => j);
  if (counted.length === 0) {
    throw new EstimationError(
      'BAD_OPTION',
      `no answer of the item is in ${codes ? `codes ${codes.join(', ')}` : `groups ${groups.join(', ')}`}`,
      { value: codes ?? groups },
    );
  }
  return counted;
}
