/**
 * `out/summary.json`: the design summary and every headline estimate (see README, "The main
 * job: npm run report", for each field).
 * @module
 */
import type { SurveyData } from '../../src/data/types.js';
import type { LinearizationDesign } from '../../src/design/types.js';
import type { Estimate } from '../../src/estimate/types.js';
import type { BatteryResult, ItemSummary } from '../../src/poll/battery.js';
import type { HeadlineResult } from '../../src/poll/headline.js';
import type { MultipleResponseResult } from '../../src/poll/multiple-response.js';
import type { Ranking } from '../../src/poll/rank.js';
import { qt } from '../../src/stats/distributions.js';
import { designDf } from '../../src/variance/linearization.js';
import { weightSummary } from '../../src/weighting/summary.js';

/** An estimate as the summary writes it. */
export interface SummaryEstimate {
  estimate: number;
  se: number;
  ci: [number, number];
  n: number;
  nMissing: number;
  /** Design effect as R's `deff = "replace"`: se² · (n − 1) / (p (1 − p)), shares only. */
  deff?: number;
}

/** The content of `out/summary.json`. */
export interface Summary {
  generatedBy: string;
  input: { data: string; codebook: string; questionnaire: string; margins: string | null };
  load: { rowsRead: number; rowsRejected: number; columns: number; missingCells: number };
  design: {
    call: string;
    n: number;
    strata: number;
    psus: number;
    df: number;
    weights: 'raked' | 'design';
    sumWeights: number;
    minWeight: number;
    maxWeight: number;
    kishDeff: number;
    effectiveN: number;
    level: number;
    marginOfError50: { srs: number; weighting: number; design: number; meanDeff: number };
  };
  weighting: {
    method: 'rake' | 'none';
    note: string;
    margins: string[];
    iterations: number | null;
    converged: boolean | null;
    kishDeffBefore: number;
    kishDeffAfter: number;
  };
  headlines: Array<
    SummaryEstimate & {
      id: string;
      statement: string;
      source: string;
      holds: HeadlineResult['holds'];
      threshold: number | null;
      comparison: '>' | '<' | null;
      claimedRank: number | null;
      rank: number | null;
      rankRange: [number, number] | null;
      reason: string;
    }
  >;
  estimates: {
    attitudes: Array<{
      key: string;
      label: string;
      variable: string;
      positive: SummaryEstimate;
      positiveOrNeutral: SummaryEstimate;
      negative: SummaryEstimate;
      net: SummaryEstimate;
      netRank: number;
      netRankRange: [number, number];
    }>;
    multipleResponse: Array<{
      question: string;
      mentionsPer100: SummaryEstimate;
      options: Array<
        SummaryEstimate & {
          key: string;
          label: string;
          rank: number | null;
          rankRange: [number, number] | null;
        }
      >;
    }>;
    items: Array<{
      variable: string;
      positive: SummaryEstimate;
      negative: SummaryEstimate;
      dk: SummaryEstimate;
    }>;
  };
}

/** R's deff = "replace" of a share: design variance over p(1 − p)/(n − 1). */
export function shareDeff(e: { estimate: number; se: number; n: number }): number {
  const p = e.estimate;
  return (e.se * e.se * (e.n - 1)) / (p * (1 - p));
}

/** An estimate row as the summary writes it (`deff` for shares). */
export function summaryEstimate(e: Estimate, share = true): SummaryEstimate {
  const out: SummaryEstimate = {
    estimate: e.estimate,
    se: e.se,
    ci: e.ci,
    n: e.n,
    nMissing: e.nMissing,
  };
  if (share) out.deff = shareDeff(e);
  return out;
}

/** The design part of the summary. */
export function designSummary(
  design: LinearizationDesign,
  level: number,
  headlines: readonly HeadlineResult[],
  weighted: boolean,
): Summary['design'] {
  const stage = design.stages[0]!;
  const w = weightSummary(design);
  const df = designDf(design, design.domain);
  const q = qt(1 - (1 - level) / 2, df);
  const srs = q * Math.sqrt(0.25 / w.n);
  const deffs = headlines.map((h) => shareDeff(h));
  const meanDeff = deffs.reduce((s, x) => s + x, 0) / deffs.length;
  return {
    call: `svyDesign(data, ${JSON.stringify(design.spec)})`,
    n: w.n,
    strata: stage.nStrata,
    psus: stage.nClusters,
    df,
    weights: weighted ? 'raked' : 'design',
    sumWeights: w.sum,
    minWeight: w.min,
    maxWeight: w.max,
    kishDeff: w.kishDeff,
    effectiveN: w.effectiveN,
    level,
    marginOfError50: {
      srs,
      weighting: srs * Math.sqrt(w.kishDeff),
      design: srs * Math.sqrt(meanDeff),
      meanDeff,
    },
  };
}

/** The load part of the summary. */
export function loadSummary(data: SurveyData): Summary['load'] {
  let missing = 0;
  for (const m of data.load.missing) {
    missing += m.empty + Object.values(m.missingCodes).reduce((s, x) => s + x, 0);
    missing += Object.values(m.na ?? {}).reduce((s, x) => s + x, 0);
  }
  return {
    rowsRead: data.load.rowsRead,
    rowsRejected: data.load.rowsRejected.length,
    columns: data.names.length,
    missingCells: missing,
  };
}

/** The headline estimates of the summary. */
export function headlineSummary(results: readonly HeadlineResult[]): Summary['headlines'] {
  return results.map((h) => ({
    id: h.id,
    statement: h.statement,
    source: h.source,
    holds: h.holds,
    estimate: h.estimate,
    se: h.se,
    ci: h.ci,
    n: h.n,
    nMissing: h.nMissing,
    deff: shareDeff(h),
    threshold: h.threshold,
    comparison: h.comparison,
    claimedRank: h.claimedRank,
    rank: h.rank,
    rankRange: h.rankRange,
    reason: h.reason,
  }));
}

/** The estimates part of the summary. */
export function estimatesSummary(
  attitudes: BatteryResult | null,
  netRanking: Ranking | null,
  mr: ReadonlyArray<{ result: MultipleResponseResult; ranking: Ranking }>,
  items: readonly ItemSummary[],
): Summary['estimates'] {
  return {
    attitudes: (attitudes?.items ?? []).map((i) => {
      const r = netRanking?.items.find((x) => x.key === i.key);
      return {
        key: i.key,
        label: i.label,
        variable: i.variable,
        positive: summaryEstimate(i.positive),
        positiveOrNeutral: summaryEstimate(i.positiveOrNeutral),
        negative: summaryEstimate(i.negative),
        net: summaryEstimate(i.net, false),
        netRank: r?.rank ?? 0,
        netRankRange: r?.rankRange ?? [0, 0],
      };
    }),
    multipleResponse: mr.map(({ result, ranking }) => ({
      question: result.question,
      mentionsPer100: summaryEstimate(result.mentions, false),
      options: result.options.map((o) => {
        const r = ranking.items.find((x) => x.key === o.key);
        return {
          key: o.key,
          label: o.label,
          ...summaryEstimate(o),
          rank: r?.rank ?? null,
          rankRange: r?.rankRange ?? null,
        };
      }),
    })),
    items: items.map((i) => ({
      variable: i.variable,
      positive: summaryEstimate(i.positive),
      negative: summaryEstimate(i.negative),
      dk: summaryEstimate(i.dk),
    })),
  };
}
