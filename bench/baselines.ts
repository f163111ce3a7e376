/**
 * Bare typed-array loops: the practical floor for each operation, doing the same arithmetic as
 * surveykit with none of its checks, options or generality. Each is what a careful programmer
 * would write for that one computation on these columns: plain loops over typed arrays, one or
 * two passes over the rows, small tables per PSU, no heroics (no SIMD, no workers).
 */
import { readFileSync } from 'node:fs';
import { qbeta, qt } from '../src/stats/distributions.js';

/** What the bare loops know of a design: dense PSU indices and each PSU's stratum. */
export interface BareDesign {
  n: number;
  weight: Float64Array;
  /** Dense PSU index per row (0..nPsu-1). */
  psu: Int32Array;
  psuStratum: Int32Array;
  nPsu: number;
  nStrata: number;
}

/**
 * Dense PSU and stratum indices from the raw id columns with hash maps, the PSUs' strata, and a
 * check of the weights: what a design build has to do.
 */
export function bareDesign(
  stratum: Float64Array,
  psuId: Float64Array,
  weight: Float64Array,
): BareDesign {
  const n = weight.length;
  const strata = new Map<number, number>();
  const psus = new Map<number, number>();
  const psu = new Int32Array(n);
  const stratumOfPsu: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = stratum[i]!;
    let h = strata.get(s);
    if (h === undefined) {
      h = strata.size;
      strata.set(s, h);
    }
    const key = s * 1_000_000 + psuId[i]!;
    let p = psus.get(key);
    if (p === undefined) {
      p = psus.size;
      psus.set(key, p);
      stratumOfPsu.push(h);
    }
    psu[i] = p;
  }
  let bad = 0;
  for (let i = 0; i < n; i++) if (!(weight[i]! > 0)) bad++;
  if (bad > 0) throw new Error('bad weights');
  return {
    n,
    weight,
    psu,
    psuStratum: Int32Array.from(stratumOfPsu),
    nPsu: psus.size,
    nStrata: strata.size,
  };
}

/** Between-PSU variance within strata of per-PSU totals (with replacement, n_h / (n_h − 1)). */
function stratifiedVariance(totals: Float64Array, psuStratum: Int32Array, nStrata: number): number {
  const count = new Float64Array(nStrata);
  const sum = new Float64Array(nStrata);
  for (let c = 0; c < totals.length; c++) {
    count[psuStratum[c]!]! += 1;
    sum[psuStratum[c]!]! += totals[c]!;
  }
  let v = 0;
  for (let c = 0; c < totals.length; c++) {
    const s = psuStratum[c]!;
    const d = totals[c]! - sum[s]! / count[s]!;
    v += (d * d * count[s]!) / (count[s]! - 1);
  }
  return v;
}

/** K × K between-PSU covariance within strata of K per-PSU totals (`totals[p * K + k]`). */
function stratifiedCovariance(
  totals: Float64Array,
  K: number,
  psuStratum: Int32Array,
  nStrata: number,
): Float64Array {
  const nPsu = psuStratum.length;
  const count = new Float64Array(nStrata);
  const mean = new Float64Array(nStrata * K);
  for (let p = 0; p < nPsu; p++) {
    const s = psuStratum[p]!;
    count[s]! += 1;
    for (let k = 0; k < K; k++) mean[s * K + k]! += totals[p * K + k]!;
  }
  for (let s = 0; s < nStrata; s++) for (let k = 0; k < K; k++) mean[s * K + k]! /= count[s]!;
  const cov = new Float64Array(K * K);
  const d = new Float64Array(K);
  for (let p = 0; p < nPsu; p++) {
    const s = psuStratum[p]!;
    const f = count[s]! / (count[s]! - 1);
    for (let k = 0; k < K; k++) d[k] = totals[p * K + k]! - mean[s * K + k]!;
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) cov[a * K + b]! += f * d[a]! * d[b]!;
  }
  return cov;
}

/** Weighted mean of a numeric column with missing values, and its linearized variance. */
export function bareMean(d: BareDesign, y: Float64Array): number {
  const { n, weight, psu } = d;
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    sw += weight[i]!;
    swy += weight[i]! * v;
  }
  const mean = swy / sw;
  const totals = new Float64Array(d.nPsu);
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    totals[psu[i]!]! += (weight[i]! * (v - mean)) / sw;
  }
  return mean + stratifiedVariance(totals, d.psuStratum, d.nStrata);
}

/** Weighted total of a numeric column with missing values, and its linearized variance. */
export function bareTotal(d: BareDesign, y: Float64Array): number {
  const { n, weight, psu } = d;
  let swy = 0;
  const totals = new Float64Array(d.nPsu);
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    const t = weight[i]! * v;
    swy += t;
    totals[psu[i]!]! += t;
  }
  return swy + stratifiedVariance(totals, d.psuStratum, d.nStrata);
}

/**
 * Weighted shares of a categorical column (codes 0..L-1) and their variances: one pass tabulating
 * weight per PSU and level; the influence total of level j in PSU c is (T_cj − p_j W_c) / W.
 * (W_c is summed from the PSU's cells, not per row: one write per row, as surveykit's scan does
 * since 2026-12-06 evening.)
 */
export function bareShares(d: BareDesign, codes: Int32Array, L: number): number {
  const { n, weight, psu, nPsu } = d;
  const cell = new Float64Array(nPsu * L);
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c < 0) continue;
    cell[psu[i]! * L + c]! += weight[i]!;
  }
  const psuW = cellRowSums(cell, nPsu, L);
  const { sums, sw, totals } = shareTotals(cell, psuW, nPsu, L);
  const cov = stratifiedCovariance(totals, L, d.psuStratum, d.nStrata);
  return cov[0]! + sums[0]! / sw;
}

/**
 * Weighted mean of a 0/1 column in each of G groups (domains) and their joint linearized
 * covariance (svyBy's `covariance`): one pass for Σw and Σwy per group, one pass adding the
 * centred influence w (y − m_g) / W_g of each row into its PSU's total for its group (centred
 * per row, as R does and surveykit does on groups in long runs), then the G × G covariance of
 * the PSU totals. (On interleaved groups surveykit adds Σ w (y − y₀) and Σ w per PSU and group
 * in its first pass and centres those: one pass, not two. Its time on the shuffled file is still
 * above this loop's, so this loop stays the floor as it is.)
 */
export function bareByMean(d: BareDesign, y: Float64Array, group: Int32Array, G: number): number {
  const { n, weight, psu, nPsu } = d;
  const sw = new Float64Array(G);
  const swy = new Float64Array(G);
  for (let i = 0; i < n; i++) {
    const g = group[i]!;
    const w = weight[i]!;
    sw[g]! += w;
    swy[g]! += w * y[i]!;
  }
  const m = new Float64Array(G);
  for (let g = 0; g < G; g++) m[g] = swy[g]! / sw[g]!;
  const totals = new Float64Array(nPsu * G);
  for (let i = 0; i < n; i++) {
    const g = group[i]!;
    totals[psu[i]! * G + g]! += (weight[i]! * (y[i]! - m[g]!)) / sw[g]!;
  }
  const cov = stratifiedCovariance(totals, G, d.psuStratum, d.nStrata);
  return m[0]! + cov[0]!;
}

/**
 * Shares of the L levels of a categorical column in each of G groups, with the joint
 * linearized covariance of all G·L shares: one pass tabulating weight per PSU, group and level
 * (per PSU and group summed from those cells afterwards, as surveykit's pass over the groups
 * does since 2026-12-06 evening); the influence total of level j of group g in PSU c is
 * (T_cgj − p_gj W_cg) / W_g.
 */
export function bareByShares(
  d: BareDesign,
  group: Int32Array,
  G: number,
  codes: Int32Array,
  L: number,
): number {
  const { n, weight, psu, nPsu } = d;
  const K = G * L;
  const cell = new Float64Array(nPsu * K);
  for (let i = 0; i < n; i++) cell[psu[i]! * K + group[i]! * L + codes[i]!]! += weight[i]!;
  const groupW = cellRowSums(cell, nPsu * G, L);
  const sums = new Float64Array(K);
  const sw = new Float64Array(G);
  for (let c = 0; c < nPsu; c++) {
    for (let k = 0; k < K; k++) sums[k]! += cell[c * K + k]!;
    for (let g = 0; g < G; g++) sw[g]! += groupW[c * G + g]!;
  }
  const totals = new Float64Array(nPsu * K);
  for (let c = 0; c < nPsu; c++) {
    for (let g = 0; g < G; g++) {
      const wg = groupW[c * G + g]!;
      for (let j = 0; j < L; j++) {
        const k = g * L + j;
        totals[c * K + k] = (cell[c * K + k]! - (sums[k]! / sw[g]!) * wg) / sw[g]!;
      }
    }
  }
  const cov = stratifiedCovariance(totals, K, d.psuStratum, d.nStrata);
  return cov[0]! + sums[0]! / sw[0]!;
}

/**
 * The n-way table of two categorical columns: each of the A·B cells' weighted count and share of
 * the total with the linearized covariance of the counts and of the shares: one pass tabulating
 * weight per PSU and cell, then the two K × K covariances of the PSU totals.
 */
export function bareCellTable(
  d: BareDesign,
  a: Int32Array,
  A: number,
  b: Int32Array,
  B: number,
): number {
  const K = A * B;
  const t = psuCells(d, a, A, 1, b, B, A);
  const counts = stratifiedCovariance(t.cell, K, d.psuStratum, d.nStrata);
  const shares = stratifiedCovariance(t.totals, K, d.psuStratum, d.nStrata);
  return counts[0]! + shares[0]!;
}

/**
 * The weight per PSU and cell of two categorical columns (cell a·strideA + b·strideB, of A·B) in
 * one pass, and {@link shareTotals}. As surveykit's svyTable and svyChisq do (since 2026-12-06
 * evening, src/estimate/cluster-cells.ts): while `a` has one level per PSU (region here, a
 * function of the stratum), the pass sums into PSU × b's levels (a table 1/A the size) and
 * spreads it at the end, going on into the full table from the first row that has another level;
 * the weight per PSU is summed from the cells afterwards.
 */
function psuCells(
  d: BareDesign,
  a: Int32Array,
  A: number,
  strideA: number,
  b: Int32Array,
  B: number,
  strideB: number,
) {
  const { n, weight, psu, nPsu } = d;
  const K = A * B;
  const cell = new Float64Array(nPsu * K);
  const levelOf = new Int32Array(nPsu).fill(-1);
  const small = new Float64Array(nPsu * B);
  let i = 0;
  for (; i < n; i++) {
    const p = psu[i]!;
    const level = levelOf[p]!;
    if (level !== a[i]!) {
      if (level >= 0) break;
      levelOf[p] = a[i]!;
    }
    small[p * B + b[i]!]! += weight[i]!;
  }
  for (let p = 0; p < nPsu; p++) {
    if (levelOf[p]! < 0) continue;
    for (let j = 0; j < B; j++)
      cell[p * K + levelOf[p]! * strideA + j * strideB] = small[p * B + j]!;
  }
  for (; i < n; i++) cell[psu[i]! * K + a[i]! * strideA + b[i]! * strideB]! += weight[i]!;
  const psuW = new Float64Array(nPsu);
  for (let p = 0; p < nPsu; p++) for (let k = 0; k < K; k++) psuW[p]! += cell[p * K + k]!;
  return { cell, ...shareTotals(cell, psuW, nPsu, K) };
}

/** Per PSU, the sum of its K cells (its weight, when every row is in a cell). */
function cellRowSums(cell: Float64Array, nPsu: number, K: number): Float64Array {
  const out = new Float64Array(nPsu);
  for (let c = 0; c < nPsu; c++) {
    let w = 0;
    for (let k = 0; k < K; k++) w += cell[c * K + k]!;
    out[c] = w;
  }
  return out;
}

/**
 * From the weight per PSU and cell (K cells) and per PSU: the cells' weights and all weight, and
 * per PSU and cell the share's linearized total (weight − share · PSU weight) / Σ w.
 */
function shareTotals(cell: Float64Array, psuW: Float64Array, nPsu: number, K: number) {
  let sw = 0;
  const sums = new Float64Array(K);
  for (let c = 0; c < nPsu; c++) {
    sw += psuW[c]!;
    for (let k = 0; k < K; k++) sums[k]! += cell[c * K + k]!;
  }
  const totals = new Float64Array(nPsu * K);
  for (let c = 0; c < nPsu; c++) {
    for (let k = 0; k < K; k++)
      totals[c * K + k] = (cell[c * K + k]! - (sums[k]! / sw) * psuW[c]!) / sw;
  }
  return { sums, sw, totals };
}

/**
 * A 0/1 column's Σ w, Σ w y, and Σ w y and Σ w per PSU, in one pass: the influence of its share
 * centred at any c is (Σ w y − c Σ w) per PSU (surveykit's svyCiProp does the same since
 * 2026-12-06, so the bare loops of the proportions do too, one pass less than {@link bareMean}).
 */
function psuShareSums(d: BareDesign, y: Float64Array) {
  const { n, weight, psu, nPsu } = d;
  const psuWY = new Float64Array(nPsu);
  const psuW = new Float64Array(nPsu);
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    const w = weight[i]!;
    const wy = w * y[i]!;
    sw += w;
    swy += wy;
    psuWY[psu[i]!]! += wy;
    psuW[psu[i]!]! += w;
  }
  return { sw, swy, psuWY, psuW };
}

/** The per-PSU totals (Σ w y − centre Σ w) · factor of {@link psuShareSums}. */
function shareTotals01(s: ReturnType<typeof psuShareSums>, centre: number, factor: number) {
  const totals = new Float64Array(s.psuW.length);
  for (let c = 0; c < totals.length; c++) totals[c] = (s.psuWY[c]! - centre * s.psuW[c]!) * factor;
  return totals;
}

/**
 * R's logit interval of a proportion (`svyciprop(method = "logit")`): the share of a 0/1 column
 * with its linearized variance (one pass, {@link psuShareSums}), the intercept-only quasibinomial fit as R's
 * glm.fit makes it (the first IRLS step from every row's own starting value, with its two
 * logarithms per row; then steps on the common linear predictor, on the sums), the linearized
 * variance of the coefficient (one pass), and expit(coef ± t·se) with the design's degrees of
 * freedom.
 */
export function bareCiPropLogit(d: BareDesign, y: Float64Array): number {
  const { n, weight, nPsu } = d;
  const sums = psuShareSums(d, y);
  const p = sums.swy / sums.sw;
  const pVariance = stratifiedVariance(
    shareTotals01(sums, p, 1 / sums.sw),
    d.psuStratum,
    d.nStrata,
  );
  const mean = sums.sw / n;
  // The first IRLS step: starting values (W y + 0.5)/(W + 1) per row.
  let num = 0;
  let den = 0;
  let devold = 0;
  let s1 = 0;
  let s0 = 0;
  for (let i = 0; i < n; i++) {
    const W = weight[i]! / mean;
    const yi = y[i]!;
    const mu = (W * yi + 0.5) / (W + 1);
    const eta = Math.log(mu / (1 - mu));
    const v = mu * (1 - mu);
    const ww = W * v;
    num += ww * (eta + (yi - mu) / v);
    den += ww;
    devold -= 2 * W * (yi === 1 ? Math.log(mu) : Math.log(1 - mu));
    s1 += W * yi;
    s0 += W * (1 - yi);
  }
  let coef = num / den;
  const deviance = (mu: number) => -2 * (s1 * Math.log(mu) + s0 * Math.log(1 - mu));
  const ybar = s1 / (s1 + s0);
  let mu = 1 / (1 + Math.exp(-coef));
  let dev = deviance(mu);
  for (let iter = 2; iter <= 25 && Math.abs(dev - devold) / (Math.abs(dev) + 0.1) >= 1e-8; iter++) {
    devold = dev;
    coef += (ybar - mu) / (mu * (1 - mu));
    mu = 1 / (1 + Math.exp(-coef));
    dev = deviance(mu);
  }
  // The coefficient's influence: (y − μ)/μ'(η) · W / ΣW, per PSU from the sums.
  const scale = 1 / (mu * (1 - mu) * (s1 + s0));
  const totals = shareTotals01(sums, mu, scale / mean);
  const se = Math.sqrt(stratifiedVariance(totals, d.psuStratum, d.nStrata));
  const t = qt(0.975, nPsu - d.nStrata);
  return (
    p + pVariance + 1 / (1 + Math.exp(-(coef - t * se))) + 1 / (1 + Math.exp(-(coef + t * se)))
  );
}

/**
 * Korn and Graubard's interval of a proportion (`svyciprop(method = "beta")`): the share of a
 * 0/1 column with its linearized variance (one pass, {@link psuShareSums}), the effective
 * sample size with the design's degrees of freedom, and two beta quantiles.
 */
export function bareCiPropBeta(d: BareDesign, y: Float64Array): number {
  const { n, nPsu } = d;
  const sums = psuShareSums(d, y);
  const p = sums.swy / sums.sw;
  const totals = shareTotals01(sums, p, 1 / sums.sw);
  const variance = stratifiedVariance(totals, d.psuStratum, d.nStrata);
  const ratio = qt(0.025, n - 1) / qt(0.025, nPsu - d.nStrata);
  const nEff = ((p * (1 - p)) / variance) * ratio * ratio;
  return qbeta(0.025, nEff * p, nEff * (1 - p) + 1) + qbeta(0.975, nEff * p + 1, nEff * (1 - p));
}

/**
 * The share of one answer of a categorical item (no missing answers) nationally and in every
 * level of several grouping variables, with each subgroup − national difference's SE, as
 * surveykit computes them (`groupShares` in src/poll/subgroups.ts; it does one pass per grouping
 * variable where the former bare loop did two, so the bare loop does the same): one pass for the
 * national share with Σw and Σwy per PSU; per grouping variable one pass for each group's Σw and
 * Σwy and the same per PSU and group (side by side), from which every PSU's influence totals for
 * its groups and for the nation follow, then the (G+1) × (G+1) covariance of those totals.
 */
export function bareSubgroups(
  d: BareDesign,
  answer: Int32Array,
  counted: number,
  groups: ReadonlyArray<{ codes: Int32Array; levels: readonly string[] }>,
): number {
  const { n, weight, psu, nPsu } = d;
  let sw = 0;
  let swy = 0;
  const natW = new Float64Array(nPsu);
  const natWY = new Float64Array(nPsu);
  for (let i = 0; i < n; i++) {
    const w = weight[i]!;
    const wy = answer[i] === counted ? w : 0;
    const c = psu[i]!;
    sw += w;
    swy += wy;
    natW[c]! += w;
    natWY[c]! += wy;
  }
  const national = swy / sw;
  let out = 0;
  for (const { codes, levels } of groups) {
    const G = levels.length;
    const gw = new Float64Array(G);
    const gwy = new Float64Array(G);
    const cells = new Float64Array(nPsu * 2 * G);
    for (let i = 0; i < n; i++) {
      const g = codes[i]!;
      const w = weight[i]!;
      const wy = answer[i] === counted ? w : 0;
      gw[g]! += w;
      gwy[g]! += wy;
      const at = psu[i]! * 2 * G + 2 * g;
      cells[at]! += w;
      cells[at + 1]! += wy;
    }
    const m = new Float64Array(G);
    for (let g = 0; g < G; g++) m[g] = gwy[g]! / gw[g]!;
    const K = G + 1;
    const totals = new Float64Array(nPsu * K);
    for (let c = 0; c < nPsu; c++) {
      for (let g = 0; g < G; g++) {
        const at = c * 2 * G + 2 * g;
        totals[c * K + g] = (cells[at + 1]! - m[g]! * cells[at]!) / gw[g]!;
      }
      totals[c * K + G] = (natWY[c]! - national * natW[c]!) / sw;
    }
    const cov = stratifiedCovariance(totals, K, d.psuStratum, d.nStrata);
    for (let g = 0; g < G; g++) {
      out += Math.sqrt(cov[g * K + g]! + cov[G * K + G]! - 2 * cov[g * K + G]!);
    }
  }
  return out;
}

/**
 * An attitude battery: per item, one pass tabulating weight per PSU and answer (missing answers
 * left out; the PSU's weight summed from its cells, as in {@link bareShares}), the answers'
 * shares and their L × L linearized covariance, and the net score (a contrast of the shares)
 * with its variance sᵀ V s.
 */
export function bareBattery(
  d: BareDesign,
  items: ReadonlyArray<{ codes: Int32Array; levels: number; score: Float64Array }>,
): number {
  const { n, weight, psu, nPsu } = d;
  let out = 0;
  for (const { codes, levels: L, score } of items) {
    const cell = new Float64Array(nPsu * L);
    for (let i = 0; i < n; i++) {
      const code = codes[i]!;
      if (code < 0) continue;
      cell[psu[i]! * L + code]! += weight[i]!;
    }
    const psuW = cellRowSums(cell, nPsu, L);
    const { sums, sw, totals } = shareTotals(cell, psuW, nPsu, L);
    const V = stratifiedCovariance(totals, L, d.psuStratum, d.nStrata);
    let net = 0;
    let variance = 0;
    for (let a = 0; a < L; a++) {
      net += (score[a]! * sums[a]!) / sw;
      for (let b = 0; b < L; b++) variance += score[a]! * V[a * L + b]! * score[b]!;
    }
    out += net + Math.sqrt(variance);
  }
  return out;
}

/**
 * Weighted two-way table and the linearized covariance of its A·B cell shares (what a Rao–Scott
 * test needs): one pass tabulating weight per PSU and cell, then the cells' covariance.
 */
export function bareTable(
  d: BareDesign,
  a: Int32Array,
  A: number,
  b: Int32Array,
  B: number,
): number {
  const { sums, sw, totals } = psuCells(d, a, A, B, b, B, 1);
  const cov = stratifiedCovariance(totals, A * B, d.psuStratum, d.nStrata);
  // Pearson X² of the weighted shares against independence.
  let x2 = 0;
  for (let i = 0; i < A; i++) {
    for (let j = 0; j < B; j++) {
      let ri = 0;
      let cj = 0;
      for (let jj = 0; jj < B; jj++) ri += sums[i * B + jj]! / sw;
      for (let ii = 0; ii < A; ii++) cj += sums[ii * B + j]! / sw;
      const e = ri * cj;
      x2 += (sums[i * B + j]! / sw - e) ** 2 / e;
    }
  }
  return x2 + cov[0]!;
}

export interface RakeDim {
  codes: Int32Array;
  levels: number;
  targets: Float64Array;
}

/** Cell index per row and weight per cell of the cross-classification of `dims`. */
function cellTable(weight: Float64Array, dims: RakeDim[]) {
  const strides: number[] = [];
  let cells = 1;
  for (const d of dims) {
    strides.push(cells);
    cells *= d.levels;
  }
  const n = weight.length;
  const cell = new Int32Array(n);
  const table = new Float64Array(cells);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let j = 0; j < dims.length; j++) k += dims[j]!.codes[i]! * strides[j]!;
    cell[i] = k;
    table[k]! += weight[i]!;
  }
  return { strides, cells, cell, table };
}

/**
 * New weights' memory, not zeroed (every entry is written next), as the library's rake makes it
 * (uninitializedDoubles in src/weighting/common.ts).
 */
function newWeights(n: number): Float64Array {
  const bytes = Buffer.allocUnsafeSlow(8 * n);
  return new Float64Array(bytes.buffer, bytes.byteOffset, n);
}

/**
 * `count` new weight vectors carved from buffers of at most 1 GiB, not zeroed, as the library
 * makes a replicate design's new weights (uninitializedColumns in src/weighting/common.ts).
 */
function newWeightSets(count: number, n: number): Float64Array[] {
  const per = Math.max(1, Math.floor(2 ** 30 / (8 * n)));
  const out: Float64Array[] = [];
  for (let r = 0; r < count; r += per) {
    const k = Math.min(per, count - r);
    const bytes = Buffer.allocUnsafeSlow(8 * n * k);
    for (let j = 0; j < k; j++)
      out.push(new Float64Array(bytes.buffer, bytes.byteOffset + 8 * n * j, n));
  }
  return out;
}

/** Raking by iterative proportional fitting on the cross-classified cell table, to `epsilon`. */
export function bareRake(weight: Float64Array, dims: RakeDim[], epsilon: number): Float64Array {
  const { cell, table } = cellTable(weight, dims);
  const factor = ipf(table, dims, epsilon);
  const out = newWeights(weight.length);
  for (let i = 0; i < weight.length; i++) out[i] = weight[i]! * factor[cell[i]!]!;
  return out;
}

/** The cell factors of iterative proportional fitting of a cell table to the margins. */
function ipf(table: Float64Array, dims: RakeDim[], epsilon: number): Float64Array {
  const cells = table.length;
  const strides: number[] = [];
  let stride = 1;
  for (const d of dims) {
    strides.push(stride);
    stride *= d.levels;
  }
  const factor = new Float64Array(cells).fill(1);
  for (let iter = 0; iter < 1000; iter++) {
    let worst = 0;
    for (let j = 0; j < dims.length; j++) {
      const d = dims[j]!;
      const sums = new Float64Array(d.levels);
      for (let k = 0; k < cells; k++)
        sums[Math.floor(k / strides[j]!) % d.levels]! += table[k]! * factor[k]!;
      for (let k = 0; k < cells; k++) {
        const l = Math.floor(k / strides[j]!) % d.levels;
        factor[k]! *= d.targets[l]! / sums[l]!;
      }
    }
    for (let j = 0; j < dims.length; j++) {
      const d = dims[j]!;
      const sums = new Float64Array(d.levels);
      for (let k = 0; k < cells; k++)
        sums[Math.floor(k / strides[j]!) % d.levels]! += table[k]! * factor[k]!;
      for (let l = 0; l < d.levels; l++)
        worst = Math.max(worst, Math.abs(sums[l]! / d.targets[l]! - 1));
    }
    if (worst < epsilon) break;
  }
  return factor;
}

/**
 * Raking of the sampling weights and of every replicate's weights to the same margins, each set
 * to its own convergence: the cell of each row once; the full sample's weights per cell, and each
 * replicate's from the PSUs (its weights are the weights times a factor per PSU, a[psu × R + r],
 * found once outside the timing, see {@link psuReplicateFactors}; the library does the same with
 * its grouping of the rows): one pass summing the weights per (cell, PSU), then
 * Σ_psu a × sum per replicate and cell; per set the sweeps on its small table and one pass
 * applying its factors.
 */
export function bareReplicateRake(
  d: BareDesign,
  replicates: readonly Float64Array[],
  psuFactors: Float64Array,
  dims: RakeDim[],
  epsilon: number,
): Float64Array[] {
  const weight = d.weight;
  const R = replicates.length;
  const { cell, cells, table } = cellTable(weight, dims);
  const P = d.nPsu;
  const byPsu = new Float64Array(cells * P);
  for (let i = 0; i < weight.length; i++) byPsu[cell[i]! * P + d.psu[i]!]! += weight[i]!;
  const out: Float64Array[] = [];
  const n = weight.length;
  const sets = [newWeights(n), ...newWeightSets(R, n)];
  const apply = (w: Float64Array, t: Float64Array) => {
    const factor = ipf(t, dims, epsilon);
    const o = sets[out.length]!;
    for (let i = 0; i < w.length; i++) o[i] = w[i]! * factor[cell[i]!]!;
    out.push(o);
  };
  apply(weight, table);
  for (let r = 0; r < R; r++) {
    const t = new Float64Array(cells);
    for (let c = 0; c < cells; c++) {
      let s = 0;
      for (let p = 0, o = c * P; p < P; p++, o++) s += psuFactors[p * R + r]! * byPsu[o]!;
      t[c] = s;
    }
    apply(replicates[r]!, t);
  }
  return out;
}

/**
 * Linear calibration (GREG) to the same margins: model intercept + indicators of every level but
 * the first of each margin; T = Σ w x x' over the cell table, λ = T⁻¹ (totals − Σ w x),
 * g = 1 + x'λ per cell, one pass applying g.
 */
export function bareCalibrateLinear(weight: Float64Array, dims: RakeDim[]): Float64Array {
  const { strides, cells, cell, table } = cellTable(weight, dims);
  let P = 1;
  for (const d of dims) P += d.levels - 1;
  const X = new Float64Array(cells * P);
  for (let k = 0; k < cells; k++) {
    X[k * P] = 1;
    let col = 1;
    for (let j = 0; j < dims.length; j++) {
      const l = Math.floor(k / strides[j]!) % dims[j]!.levels;
      if (l > 0) X[k * P + col + l - 1] = 1;
      col += dims[j]!.levels - 1;
    }
  }
  const target = new Float64Array(P);
  let total = 0;
  for (let l = 0; l < dims[0]!.levels; l++) total += dims[0]!.targets[l]!;
  target[0] = total;
  let col = 1;
  for (const d of dims) {
    for (let l = 1; l < d.levels; l++) target[col + l - 1] = d.targets[l]!;
    col += d.levels - 1;
  }
  const T = new Float64Array(P * P);
  const rhs = target.slice();
  for (let k = 0; k < cells; k++) {
    const w = table[k]!;
    for (let a = 0; a < P; a++) {
      const xa = X[k * P + a]!;
      if (xa === 0) continue;
      rhs[a]! -= w * xa;
      for (let b = 0; b < P; b++) T[a * P + b]! += w * xa * X[k * P + b]!;
    }
  }
  const lambda = solve(T, rhs, P);
  const g = new Float64Array(cells);
  for (let k = 0; k < cells; k++) {
    let s = 1;
    for (let a = 0; a < P; a++) s += X[k * P + a]! * lambda[a]!;
    g[k] = s;
  }
  const out = new Float64Array(weight.length);
  for (let i = 0; i < weight.length; i++) out[i] = weight[i]! * g[cell[i]!]!;
  return out;
}

/** Gaussian elimination with partial pivoting (P × P, row-major). */
function solve(A: Float64Array, b: Float64Array, P: number): Float64Array {
  const M = A.slice();
  const x = b.slice();
  for (let c = 0; c < P; c++) {
    let piv = c;
    for (let r = c + 1; r < P; r++)
      if (Math.abs(M[r * P + c]!) > Math.abs(M[piv * P + c]!)) piv = r;
    if (piv !== c) {
      for (let k = 0; k < P; k++) {
        const t = M[c * P + k]!;
        M[c * P + k] = M[piv * P + k]!;
        M[piv * P + k] = t;
      }
      const t = x[c]!;
      x[c] = x[piv]!;
      x[piv] = t;
    }
    for (let r = c + 1; r < P; r++) {
      const f = M[r * P + c]! / M[c * P + c]!;
      for (let k = c; k < P; k++) M[r * P + k]! -= f * M[c * P + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let c = P - 1; c >= 0; c--) {
    let s = x[c]!;
    for (let k = c + 1; k < P; k++) s -= M[c * P + k]! * x[k]!;
    x[c] = s / M[c * P + c]!;
  }
  return x;
}

/**
 * Each replicate weight as its row's weight times a factor of its PSU (a[psu × R + r]), found
 * once from the weights (set-up, not timed, as the library finds its grouping of the rows when
 * the design is built). Made for {@link bareGroupedReplicateMean}.
 */
export function psuReplicateFactors(
  d: BareDesign,
  replicates: readonly Float64Array[],
): Float64Array {
  const R = replicates.length;
  const a = new Float64Array(d.nPsu * R);
  const seen = new Uint8Array(d.nPsu);
  for (let i = 0; i < d.n; i++) {
    const p = d.psu[i]!;
    if (seen[p] || !(d.weight[i]! > 0)) continue;
    seen[p] = 1;
    for (let r = 0; r < R; r++) a[p * R + r] = replicates[r]![i]! / d.weight[i]!;
  }
  return a;
}

/**
 * A weighted mean recomputed with each of R replicate weight vectors, and its JK1 variance
 * ((R−1)/R Σ (θ_r − θ)²), by PSU (the library's algorithm when replicate weights are the weights
 * times per-PSU factors: it groups rows by direction): Σ_i x_ir y_i = Σ_p a_pr Σ_(i in p) w_i y_i,
 * so one pass over the rows sums w y and w per PSU and in all, then PSUs × R products give every
 * replicate's mean. (Summing per row instead reads every replicate weight: 150 to 250 ms at
 * 1,000,000 rows and 80 replicates, against a few ms.)
 */
export function bareGroupedReplicateMean(
  d: BareDesign,
  factors: Float64Array,
  R: number,
  y: Float64Array,
): number {
  const wy = new Float64Array(d.nPsu);
  const ws = new Float64Array(d.nPsu);
  let a = 0;
  let b = 0;
  for (let i = 0; i < d.n; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    const w = d.weight[i]!;
    const p = d.psu[i]!;
    a += w * v;
    b += w;
    wy[p]! += w * v;
    ws[p]! += w;
  }
  const theta = a / b;
  const num = new Float64Array(R);
  const den = new Float64Array(R);
  for (let p = 0; p < d.nPsu; p++) {
    const o = p * R;
    for (let r = 0; r < R; r++) {
      num[r]! += factors[o + r]! * wy[p]!;
      den[r]! += factors[o + r]! * ws[p]!;
    }
  }
  let ss = 0;
  for (let r = 0; r < R; r++) ss += (num[r]! / den[r]! - theta) ** 2;
  return theta + ((R - 1) / R) * ss;
}

/**
 * Median with Woodruff's interval by histogram select, as surveykit finds it (a sort of every
 * value is slower than surveykit's method, so this floor does the same): one pass for the count,
 * Σ w and the smallest and largest order-preserving key (the high 32 bits of each value's IEEE
 * bits, sign-flipped), one pass summing the weight of each of 65,536 buckets of keys; the bucket
 * where the cumulative weight reaches p · Σw has its rows gathered (one pass) and sorted, and
 * the first value whose cumulative weight reaches p · Σw is the quantile. Then the share at or
 * below the median and its linearized variance (two passes), and the share's Wald limits mapped
 * back the same way (one gathering pass for both limits).
 */
export function bareMedian(d: BareDesign, y: Float64Array, tcrit: number): number {
  const { n, weight } = d;
  const hi = new Uint32Array(y.buffer, y.byteOffset, 2 * n); // little-endian: word 2i + 1
  const key = (i: number) => {
    const h = hi[2 * i + 1]!;
    return (h & 0x80000000 ? ~h : h | 0x80000000) >>> 0;
  };
  let total = 0;
  let minKey = 0xffffffff;
  let maxKey = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(y[i]!)) continue;
    total += weight[i]!;
    const k = key(i);
    if (k < minKey) minKey = k;
    if (k > maxKey) maxKey = k;
  }
  let shift = 0;
  while ((maxKey - minKey) / 2 ** shift >= 65536) shift++;
  const scale = 2 ** -shift;
  const bucketW = new Float64Array(65536);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(y[i]!)) continue;
    bucketW[Math.floor((key(i) - minKey) * scale)]! += weight[i]!;
  }
  /** The bucket where the cumulative weight reaches p · Σw, and the weight before it. */
  const bucketOf = (p: number) => {
    const target = p * total;
    let b = 0;
    let below = 0;
    while (b < 65535 && below + bucketW[b]! < target) below += bucketW[b++]!;
    return { b, below, target };
  };
  /** The rows of bucket b (values, weights), gathered beforehand, sorted; the quantile. */
  const within = (xs: number[], ws: number[], below: number, target: number) => {
    const order = xs.map((_, j) => j).sort((u, v) => xs[u]! - xs[v]!);
    let acc = below;
    for (const j of order) {
      acc += ws[j]!;
      if (acc >= target) return xs[j]!;
    }
    return xs[order[order.length - 1]!]!;
  };
  const at = bucketOf(0.5);
  const xs: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (Number.isNaN(v) || Math.floor((key(i) - minKey) * scale) !== at.b) continue;
    xs.push(v);
    ws.push(weight[i]!);
  }
  const q = within(xs, ws, at.below, at.target);
  // Woodruff: the share at or below q and its linearized variance.
  // (1 or 0 as +(v <= q): no branch on the value, which half the rows would mispredict)
  let s = 0;
  for (let i = 0; i < n; i++) s += weight[i]! * +(y[i]! <= q);
  const share = s / total;
  const totals = new Float64Array(d.nPsu);
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    totals[d.psu[i]!]! += (weight[i]! * (+(v <= q) - share)) / total;
  }
  const se = Math.sqrt(stratifiedVariance(totals, d.psuStratum, d.nStrata));
  // Both limits' buckets gathered in one pass.
  const lo = bucketOf(Math.max(0, share - tcrit * se));
  const up = bucketOf(Math.min(1, share + tcrit * se));
  const lx: number[] = [];
  const lw: number[] = [];
  const ux: number[] = [];
  const uw: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) continue;
    const b = Math.floor((key(i) - minKey) * scale);
    if (b === lo.b) {
      lx.push(v);
      lw.push(weight[i]!);
    }
    if (b === up.b) {
      ux.push(v);
      uw.push(weight[i]!);
    }
  }
  return q + within(lx, lw, lo.below, lo.target) + within(ux, uw, up.below, up.target);
}

/**
 * Shares of K 0/1 options among respondents with every option present, with their K × K
 * linearized covariance, in one pass over the rows as surveykit's (`optionRows` in
 * src/poll/multiple-response.ts; it made the library faster than the former bare loop, a pass per
 * option, so the bare loop does the same): block by block of 128 rows, Σ y per row (NaN: not in
 * the base), then over the block's base rows each option's Σ w y in a local and w·y into the
 * row's PSU's K sums, side by side; both steps six options at a time, then four, then one (as the
 * library since 2026-12-06 night). Plain sums, no checks. The influence total of option k in PSU
 * c is (Σwy_ck − p_k W_c) / W.
 */
export function bareMultipleResponse(d: BareDesign, options: Float64Array[]): number {
  const { n, weight, psu, nPsu } = d;
  const K = options.length;
  const B = 128;
  const rowSum = new Float64Array(B);
  const rows = new Int32Array(B);
  const rowW = new Float64Array(B);
  const at = new Int32Array(B);
  const table = new Float64Array(nPsu * K);
  const psuW = new Float64Array(nPsu);
  const swy = new Float64Array(K);
  let sw = 0;
  for (let start = 0; start < n; start += B) {
    const end = Math.min(n, start + B);
    let k = 0;
    for (; k + 6 <= K; k += 6) {
      const y0 = options[k]!;
      const y1 = options[k + 1]!;
      const y2 = options[k + 2]!;
      const y3 = options[k + 3]!;
      const y4 = options[k + 4]!;
      const y5 = options[k + 5]!;
      for (let i = start; i < end; i++)
        rowSum[i - start]! += y0[i]! + y1[i]! + y2[i]! + y3[i]! + y4[i]! + y5[i]!;
    }
    for (; k + 4 <= K; k += 4) {
      const y0 = options[k]!;
      const y1 = options[k + 1]!;
      const y2 = options[k + 2]!;
      const y3 = options[k + 3]!;
      for (let i = start; i < end; i++) rowSum[i - start]! += y0[i]! + y1[i]! + y2[i]! + y3[i]!;
    }
    for (; k < K; k++) {
      const y = options[k]!;
      for (let i = start; i < end; i++) rowSum[i - start]! += y[i]!;
    }
    let m = 0;
    for (let i = start; i < end; i++) {
      const x = rowSum[i - start]!;
      rowSum[i - start] = 0;
      if (Number.isNaN(x)) continue;
      const w = weight[i]!;
      const c = psu[i]!;
      sw += w;
      psuW[c]! += w;
      rows[m] = i;
      rowW[m] = w;
      at[m++] = c * K;
    }
    for (k = 0; k + 6 <= K; k += 6) {
      const y0 = options[k]!;
      const y1 = options[k + 1]!;
      const y2 = options[k + 2]!;
      const y3 = options[k + 3]!;
      const y4 = options[k + 4]!;
      const y5 = options[k + 5]!;
      let s0 = swy[k]!;
      let s1 = swy[k + 1]!;
      let s2 = swy[k + 2]!;
      let s3 = swy[k + 3]!;
      let s4 = swy[k + 4]!;
      let s5 = swy[k + 5]!;
      for (let r = 0; r < m; r++) {
        const i = rows[r]!;
        const w = rowW[r]!;
        const t = at[r]! + k;
        const a = w * y0[i]!;
        const b = w * y1[i]!;
        const c = w * y2[i]!;
        const e = w * y3[i]!;
        const f = w * y4[i]!;
        const g = w * y5[i]!;
        s0 += a;
        s1 += b;
        s2 += c;
        s3 += e;
        s4 += f;
        s5 += g;
        table[t]! += a;
        table[t + 1]! += b;
        table[t + 2]! += c;
        table[t + 3]! += e;
        table[t + 4]! += f;
        table[t + 5]! += g;
      }
      swy[k] = s0;
      swy[k + 1] = s1;
      swy[k + 2] = s2;
      swy[k + 3] = s3;
      swy[k + 4] = s4;
      swy[k + 5] = s5;
    }
    for (; k + 4 <= K; k += 4) {
      const y0 = options[k]!;
      const y1 = options[k + 1]!;
      const y2 = options[k + 2]!;
      const y3 = options[k + 3]!;
      let s0 = swy[k]!;
      let s1 = swy[k + 1]!;
      let s2 = swy[k + 2]!;
      let s3 = swy[k + 3]!;
      for (let r = 0; r < m; r++) {
        const i = rows[r]!;
        const w = rowW[r]!;
        const t = at[r]! + k;
        const a = w * y0[i]!;
        const b = w * y1[i]!;
        const c = w * y2[i]!;
        const e = w * y3[i]!;
        s0 += a;
        s1 += b;
        s2 += c;
        s3 += e;
        table[t]! += a;
        table[t + 1]! += b;
        table[t + 2]! += c;
        table[t + 3]! += e;
      }
      swy[k] = s0;
      swy[k + 1] = s1;
      swy[k + 2] = s2;
      swy[k + 3] = s3;
    }
    for (; k < K; k++) {
      const y = options[k]!;
      let s = swy[k]!;
      for (let r = 0; r < m; r++) {
        const wy = rowW[r]! * y[rows[r]!]!;
        s += wy;
        table[at[r]! + k]! += wy;
      }
      swy[k] = s;
    }
  }
  const totals = new Float64Array(nPsu * K);
  for (let k = 0; k < K; k++) {
    const p = swy[k]! / sw;
    for (let c = 0; c < nPsu; c++) totals[c * K + k] = (table[c * K + k]! - p * psuW[c]!) / sw;
  }
  const cov = stratifiedCovariance(totals, K, d.psuStratum, d.nStrata);
  return cov[0]!;
}

/** Column kinds of the bench CSV, in file order. */
export type CsvKind = 'numeric' | 'categorical';

/**
 * Reads the CSV file and converts every cell: one scan of the bytes, numbers parsed by hand
 * (sign, digits, one decimal point; empty = NaN), categorical cells coded through a hash of their
 * bytes. No quoting rules, no type inference, no checks; `capacity` rows preallocated.
 */
export function bareCsv(path: string, kinds: CsvKind[], capacity: number): number {
  const bytes = readFileSync(path);
  const C = kinds.length;
  const numeric = kinds.map((k) => (k === 'numeric' ? new Float64Array(capacity) : null));
  const codes = kinds.map((k) => (k === 'categorical' ? new Int32Array(capacity) : null));
  const dictionaries = kinds.map(() => new Map<number, number>());
  const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];
  let p = bytes.indexOf(10) + 1;
  const end = bytes.length;
  let row = 0;
  while (p < end) {
    for (let c = 0; c < C; c++) {
      const num = numeric[c];
      if (num) {
        let neg = false;
        let mant = 0;
        let dec = -1;
        let digits = 0;
        let b = bytes[p]!;
        if (b === 45) {
          neg = true;
          b = bytes[++p]!;
        }
        while (b !== 44 && b !== 10 && p < end) {
          if (b === 46) dec = 0;
          else {
            mant = mant * 10 + (b - 48);
            digits++;
            if (dec >= 0) dec++;
          }
          b = bytes[++p]!;
        }
        const v = digits === 0 ? Number.NaN : dec > 0 ? mant / POW10[dec]! : mant;
        num[row] = neg ? -v : v;
      } else {
        let h = 0;
        let b = bytes[p]!;
        while (b !== 44 && b !== 10 && p < end) {
          h = (Math.imul(h, 31) + b) | 0;
          b = bytes[++p]!;
        }
        const dict = dictionaries[c]!;
        let code = dict.get(h);
        if (code === undefined) {
          code = dict.size;
          dict.set(h, code);
        }
        codes[c]![row] = code;
      }
      p++; // the comma or the newline
    }
    row++;
  }
  return row;
}

/**
 * Reads a bytecode-compressed .sav whose variables are all numeric (categorical ones as labelled
 * 1..k) and decodes its data into columns: numbers into Float64Arrays, codes (value − 1) into
 * Int32Arrays. The dictionary is skipped by its known length (`dataOffset`).
 */
export function bareSav(
  path: string,
  dataOffset: number,
  kinds: CsvKind[],
  nrow: number,
  bias = 100,
): number {
  const bytes = readFileSync(path);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const V = kinds.length;
  const numeric = kinds.map((k) => (k === 'numeric' ? new Float64Array(nrow) : null));
  const codes = kinds.map((k) => (k === 'categorical' ? new Int32Array(nrow) : null));
  let p = dataOffset;
  let ci = 8;
  let cmd = p;
  let row = 0;
  let v = 0;
  while (row < nrow) {
    if (ci === 8) {
      cmd = p;
      p += 8;
      ci = 0;
    }
    const code = bytes[cmd + ci++]!;
    if (code === 0) continue;
    let x: number;
    if (code <= 251) x = code - bias;
    else if (code === 253) {
      x = dv.getFloat64(p, true);
      p += 8;
    } else if (code === 255) x = Number.NaN;
    else break;
    const num = numeric[v];
    if (num) num[row] = x;
    else codes[v]![row] = Number.isNaN(x) ? -1 : x - 1;
    if (++v === V) {
      v = 0;
      row++;
    }
  }
  return row;
}

/** A categorical predictor for {@link bareLogistic}: its codes and number of levels. */
export interface BareFactor {
  codes: Int32Array;
  levels: number;
}

/**
 * A survey-weighted logistic regression, the plain way: the dense model matrix (intercept,
 * treatment dummies of each factor, the numeric column if any; rows with a missing value left out)
 * built row-major, `iterations` Newton steps from 0 (each a pass over the rows: η = xβ, one
 * `exp` and one `log`, XᵀWX and XᵀWz accumulated, a Cholesky solve), then the sandwich: the
 * scores' PSU totals times (XᵀWX)⁻¹ and their variance within strata. Returns the intercept's
 * SE (so nothing is optimised away).
 */
export function bareLogistic(
  d: BareDesign,
  y: Float64Array,
  factors: BareFactor[],
  x: Float64Array | null,
  iterations: number,
): number {
  const n = d.n;
  const p = 1 + factors.reduce((s, f) => s + f.levels - 1, 0) + (x === null ? 0 : 1);
  let used = 0;
  for (let i = 0; i < n; i++) if (x === null || !Number.isNaN(x[i]!)) used++;
  const X = new Float64Array(used * p);
  const rows = new Int32Array(used);
  for (let i = 0, k = 0; i < n; i++) {
    if (x !== null && Number.isNaN(x[i]!)) continue;
    rows[k] = i;
    const o = k * p;
    X[o] = 1;
    let c = 1;
    for (const f of factors) {
      const code = f.codes[i]!;
      if (code > 0) X[o + c + code - 1] = 1;
      c += f.levels - 1;
    }
    if (x !== null) X[o + c] = x[i]!;
    k++;
  }
  const beta = new Float64Array(p);
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  let dev = 0;
  for (let it = 0; it < iterations; it++) {
    A.fill(0);
    b.fill(0);
    dev = 0;
    for (let k = 0; k < used; k++) {
      const i = rows[k]!;
      const o = k * p;
      let eta = 0;
      for (let a = 0; a < p; a++) eta += X[o + a]! * beta[a]!;
      const e = Math.exp(eta);
      const mu = e / (1 + e);
      const w = d.weight[i]!;
      dev += w * (Math.log(1 + e) - y[i]! * eta);
      const W = w * mu * (1 - mu);
      const z = eta + (y[i]! - mu) / (mu * (1 - mu));
      for (let a = 0; a < p; a++) {
        const wa = W * X[o + a]!;
        if (wa === 0) continue;
        b[a]! += wa * z;
        for (let c = 0; c <= a; c++) A[a * p + c]! += wa * X[o + c]!;
      }
    }
    for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) A[c * p + a] = A[a * p + c]!;
    beta.set(solveSymmetric(A, b, p));
  }
  const Ainv = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    const ej = new Float64Array(p);
    ej[j] = 1;
    Ainv.set(solveSymmetric(A, ej, p), j * p);
  }
  const totals = new Float64Array(d.nPsu * p);
  for (let k = 0; k < used; k++) {
    const i = rows[k]!;
    const o = k * p;
    let eta = 0;
    for (let a = 0; a < p; a++) eta += X[o + a]! * beta[a]!;
    const mu = 1 / (1 + Math.exp(-eta));
    const s = d.weight[i]! * (y[i]! - mu);
    const t = d.psu[i]! * p;
    for (let a = 0; a < p; a++) totals[t + a]! += s * X[o + a]!;
  }
  const inf = new Float64Array(d.nPsu);
  for (let c = 0; c < d.nPsu; c++) {
    let s = 0;
    for (let a = 0; a < p; a++) s += Ainv[a]! * totals[c * p + a]!;
    inf[c] = s;
  }
  return Math.sqrt(stratifiedVariance(inf, d.psuStratum, d.nStrata)) + 0 * dev;
}

/** A p × p symmetric positive definite system by Cholesky. */
function solveSymmetric(A: Float64Array, b: Float64Array, p: number): Float64Array {
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let s = A[j * p + j]!;
    for (let k = 0; k < j; k++) s -= L[j * p + k]! ** 2;
    L[j * p + j] = Math.sqrt(s);
    for (let i = j + 1; i < p; i++) {
      let t = A[i * p + j]!;
      for (let k = 0; k < j; k++) t -= L[i * p + k]! * L[j * p + k]!;
      L[i * p + j] = t / L[j * p + j]!;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < i; k++) x[i]! -= L[i * p + k]! * x[k]!;
    x[i] = x[i]! / L[i * p + i]!;
  }
  for (let i = p - 1; i >= 0; i--) {
    for (let k = i + 1; k < p; k++) x[i]! -= L[k * p + i]! * x[k]!;
    x[i] = x[i]! / L[i * p + i]!;
  }
  return x;
}
