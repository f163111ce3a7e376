/**
 * Checks of the generated poll against its calibration targets, computed here with plain
 * weighted shares (no library code), plus a linearization design effect and a small raking
 * routine so the targets can be checked after raking too.
 * @module
 */
import { ATTITUDE_SCALE, COUNTRIES, type CountryKey, REFUSED } from './labels.js';
import type { Row } from './model.js';

/** A condition on a row; `false` for rows outside the base or without success. */
export type RowTest = (row: Row) => boolean;

/** Weighted share of `success` among rows in `base`. */
export function weightedShare(
  rows: readonly Row[],
  weights: readonly number[],
  base: RowTest,
  success: RowTest,
): number {
  let num = 0;
  let den = 0;
  rows.forEach((r, i) => {
    if (!base(r)) return;
    den += weights[i]!;
    if (success(r)) num += weights[i]!;
  });
  return num / den;
}

/**
 * Design effect of a weighted share: its with-replacement linearization variance (strata and
 * PSUs of the rows) over the variance of a simple random sample of the same base size, p(1-p)/n.
 */
export function designEffect(
  rows: readonly Row[],
  weights: readonly number[],
  stratumOf: (row: Row) => string,
  psuOf: (row: Row) => string,
  base: RowTest,
  success: RowTest,
): number {
  const p = weightedShare(rows, weights, base, success);
  let total = 0;
  let n = 0;
  rows.forEach((r, i) => {
    if (base(r)) {
      total += weights[i]!;
      n += 1;
    }
  });
  // Influence values summed per PSU, grouped by stratum.
  const strata = new Map<string, Map<string, number>>();
  rows.forEach((r, i) => {
    const z = base(r) ? (weights[i]! * ((success(r) ? 1 : 0) - p)) / total : 0;
    const h = stratumOf(r);
    let psus = strata.get(h);
    if (!psus) strata.set(h, (psus = new Map()));
    const id = psuOf(r);
    psus.set(id, (psus.get(id) ?? 0) + z);
  });
  let variance = 0;
  for (const psus of strata.values()) {
    const totals = [...psus.values()];
    const m = totals.length;
    if (m < 2) continue;
    const mean = totals.reduce((a, b) => a + b, 0) / m;
    const ss = totals.reduce((a, t) => a + (t - mean) ** 2, 0);
    variance += (m / (m - 1)) * ss;
  }
  return variance / ((p * (1 - p)) / n);
}

/** A raking margin over a column's codes: target total per code. */
export interface CodeMargin {
  column: string;
  totals: ReadonlyMap<number, number>;
}

/**
 * Rakes `weights` to the margins by iterative proportional fitting; returns new weights.
 * @throws if it does not converge within `maxIter` sweeps.
 */
export function rake(
  rows: readonly Row[],
  weights: readonly number[],
  margins: readonly CodeMargin[],
  maxIter = 100,
  epsilon = 1e-9,
): number[] {
  const w = [...weights];
  for (let iter = 0; iter < maxIter; iter++) {
    let worst = 0;
    for (const m of margins) {
      const sums = new Map<number, number>();
      rows.forEach((r, i) => {
        const code = r[m.column]!;
        sums.set(code, (sums.get(code) ?? 0) + w[i]!);
      });
      rows.forEach((r, i) => {
        const code = r[m.column]!;
        const target = m.totals.get(code);
        if (target === undefined) throw new Error(`rake: ${m.column} code ${code} has no margin`);
        w[i]! *= target / sums.get(code)!;
      });
      for (const [code, target] of m.totals) {
        const s = sums.get(code) ?? 0;
        worst = Math.max(worst, Math.abs(s - target) / target);
      }
    }
    if (worst < epsilon) return w;
  }
  throw new Error('rake: did not converge');
}

/** Headline figures of the poll under one set of weights (shares in [0, 1]). */
export interface Figures {
  /** Attitude toward each country: shares of positive (1-2), neutral (3), negative (4-5), hard to say. */
  attitudes: Record<
    CountryKey,
    { positive: number; neutral: number; negative: number; dk: number }
  >;
  /** Positive or neutral toward Kazakhstan (codes 1-3; base: every non-refused answer). */
  kzPositiveOrNeutral: number;
  /** Support for cooperation with Kazakhstan within the EEU (base: non-refused). */
  kzCoopSupport: number;
  /** Support for EEU membership (base: non-refused). */
  eeuMembershipSupport: number;
  /** Share naming each option, per multiple-response question (base: answered the question). */
  reliable: Record<string, number>;
  interests: Record<string, number>;
  /** Share naming both Russia and Kazakhstan as reliable partners. */
  reliableRussiaAndKazakhstan: number;
}

const answered =
  (column: string): RowTest =>
  (r) =>
    r[column] !== null && r[column] !== REFUSED;

const positive = new Set(ATTITUDE_SCALE.filter((s) => s.group === 'positive').map((s) => s.code));
const negative = new Set(ATTITUDE_SCALE.filter((s) => s.group === 'negative').map((s) => s.code));
const dkCodes = new Set(ATTITUDE_SCALE.filter((s) => s.group === 'dk').map((s) => s.code));

function mrShares(rows: readonly Row[], weights: readonly number[], prefix: string) {
  const out: Record<string, number> = {};
  const base = answered(`${prefix}_dk`);
  for (const key of [...COUNTRIES.map((c) => c.key), 'none', 'dk']) {
    out[key] = weightedShare(rows, weights, base, (r) => r[`${prefix}_${key}`] === 1);
  }
  return out;
}

/** Computes the {@link Figures} of `rows` under `weights`. */
export function computeFigures(rows: readonly Row[], weights: readonly number[]): Figures {
  const attitudes = {} as Figures['attitudes'];
  for (const c of COUNTRIES) {
    const col = `att_${c.key}`;
    const base = answered(col);
    const share = (codes: ReadonlySet<number>) =>
      weightedShare(rows, weights, base, (r) => codes.has(r[col]!));
    attitudes[c.key] = {
      positive: share(positive),
      neutral: share(new Set([3])),
      negative: share(negative),
      dk: share(dkCodes),
    };
  }
  const kz = attitudes.kazakhstan;
  return {
    attitudes,
    kzPositiveOrNeutral: kz.positive + kz.neutral,
    kzCoopSupport: weightedShare(
      rows,
      weights,
      answered('eeu_kz_coop'),
      (r) => r['eeu_kz_coop'] === 1,
    ),
    eeuMembershipSupport: weightedShare(
      rows,
      weights,
      answered('eeu_membership'),
      (r) => r['eeu_membership'] === 1,
    ),
    reliable: mrShares(rows, weights, 'rel'),
    interests: mrShares(rows, weights, 'int'),
    reliableRussiaAndKazakhstan: weightedShare(
      rows,
      weights,
      answered('rel_dk'),
      (r) => r['rel_russia'] === 1 && r['rel_kazakhstan'] === 1,
    ),
  };
}

/** One checked target. */
export interface TargetCheck {
  name: string;
  rule: string;
  value: string;
  ok: boolean;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function ranking(shares: Record<string, number>): CountryKey[] {
  return COUNTRIES.map((c) => c.key).sort((a, b) => shares[b]! - shares[a]!);
}

/**
 * The calibration targets: the published BISR statements (>90% positive or neutral toward
 * Kazakhstan, >60% support for cooperation in the EEU, Kazakhstan second after Russia in both
 * multiple-response questions) and plausibility ranges around them.
 */
export function checkTargets(f: Figures, label: string): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (name: string, rule: string, value: string, ok: boolean) =>
    checks.push({ name: `${label}: ${name}`, rule, value, ok });
  add(
    'positive or neutral toward Kazakhstan',
    '> 90% (aim 92-94%), < 97%',
    pct(f.kzPositiveOrNeutral),
    f.kzPositiveOrNeutral > 0.9 && f.kzPositiveOrNeutral < 0.97,
  );
  add(
    'support cooperation with Kazakhstan in the EEU',
    '> 60% (aim 64-68%), < 75%',
    pct(f.kzCoopSupport),
    f.kzCoopSupport > 0.6 && f.kzCoopSupport < 0.75,
  );
  add(
    'support EEU membership',
    '55-70% (EDB barometer 56-68%)',
    pct(f.eeuMembershipSupport),
    f.eeuMembershipSupport >= 0.55 && f.eeuMembershipSupport <= 0.7,
  );
  for (const [q, shares] of [
    ['most reliable partner', f.reliable],
    ['interests most consistent', f.interests],
  ] as const) {
    const [first, second, third] = ranking(shares);
    const gap = shares[second!]! - shares[third!]!;
    add(
      `${q}: order`,
      'Russia first, Kazakhstan second, China third',
      `${first} ${pct(shares[first!]!)}, ${second} ${pct(shares[second!]!)}, ${third} ${pct(shares[third!]!)}`,
      first === 'russia' && second === 'kazakhstan' && third === 'china',
    );
    add(`${q}: gap Kazakhstan - #3`, '3-15 points', pct(gap), gap >= 0.03 && gap <= 0.15);
  }
  return checks;
}
