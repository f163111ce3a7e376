/**
 * A report's summary (`summary.json`): the files read, the load, the design, the weighting, the
 * headline statements and every estimate of the report (see the README, "The main job", for each
 * field).
 * @module
 */
import type { SurveyData } from '../data/types.js';
import type { LinearizationDesign } from '../design/types.js';
import type { Estimate } from '../estimate/types.js';
import type { HeadlineResult } from '../poll/headline.js';
import { qt } from '../stats/distributions.js';
import { designDf } from '../variance/linearization.js';
import { weightSummary } from '../weighting/summary.js';
import type { PollEstimates } from './estimates.js';
import {
  type FlaggedShare,
  flaggedShares,
  RELIABILITY_STANDARD,
  shareFlag,
} from './reliability.js';

/** An estimate as the summary writes it. */
export interface SummaryEstimate {
  /** The estimate (a share 0–1, a net score −1–1, mentions per respondent, or a mean). */
  estimate: number;
  /** Its design-based standard error. */
  se: number;
  /** Its confidence interval at `design.level`. */
  ci: [number, number];
  /** Unweighted base: respondents with an answer. */
  n: number;
  /** Respondents without an answer. */
  nMissing: number;
  /** Design effect as R's `deff = "replace"`: se² · (n − 1) / (p (1 − p)), shares only. */
  deff?: number;
  /**
   * Shares only: the NCHS standard's verdict (`reliability`): `'suppress'`, `'review'`,
   * `'footnote'`, or `null` when it meets the standard.
   */
  flag?: 'suppress' | 'review' | 'footnote' | null;
  /** Shares only: why it is flagged (`''` when it is not). */
  flagReason?: string;
}

/** The content of `summary.json`. */
export interface PollReportSummary {
  /** What wrote the report. */
  generatedBy: string;
  /**
   * Where the data comes from: the questionnaire's `about.source`, else the codebook's
   * `source`, else the data file's name (e.g. "Synthetic data: ...").
   */
  source: string;
  /** The notice every output of the report carries (the questionnaire's `about.notice`), if any. */
  notice: string | null;
  /** The names of the inputs (`null`: not given; a `null` codebook: types inferred from the data). */
  input: {
    /** The data. */
    data: string;
    /** The codebook. */
    codebook: string | null;
    /** The questionnaire description. */
    questionnaire: string | null;
    /** The population margins (`null`: design weights only). */
    margins: string | null;
  };
  /** What loading the data did. */
  load: {
    /** Data rows read. */
    rowsRead: number;
    /** Rows left out (empty lines). */
    rowsRejected: number;
    /** Columns. */
    columns: number;
    /** Cells read as missing (empty, or a missing code). */
    missingCells: number;
  };
  /** The design and its final weights. */
  design: {
    /** The design specification, as a call. */
    call: string;
    /** Respondents. */
    n: number;
    /** Strata of the first stage. */
    strata: number;
    /** PSUs (sampling points) of the first stage. */
    psus: number;
    /** Design degrees of freedom (PSUs − strata). */
    df: number;
    /** The weights the estimates use. */
    weights: 'raked' | 'design';
    /** Sum of the final weights (the population they represent). */
    sumWeights: number;
    /** Smallest final weight. */
    minWeight: number;
    /** Largest final weight. */
    maxWeight: number;
    /** Kish design effect of the final weights, n Σw² / (Σw)². */
    kishDeff: number;
    /** Effective sample size, n / kishDeff. */
    effectiveN: number;
    /** Confidence level of every interval. */
    level: number;
    /** Half-width of the interval of a 50% share. */
    marginOfError50: {
      /** Under simple random sampling: t(df) · √(0.25 / n). */
      srs: number;
      /** With the weighting effect: srs · √kishDeff. */
      weighting: number;
      /** With the full design effect: srs · √meanDeff (`null` without shares). */
      design: number | null;
      /**
       * Mean design effect of the headline shares (without headlines: of every share of the
       * report); `null` when the report has no share.
       */
      meanDeff: number | null;
    };
  };
  /** How the design weights were adjusted. */
  weighting: {
    /** `'rake'`, or `'none'` without margins. */
    method: 'rake' | 'none';
    /** One line saying what was done. */
    note: string;
    /** The margin variables. */
    margins: string[];
    /** Raking sweeps. */
    iterations: number | null;
    /** Whether raking converged. */
    converged: boolean | null;
    /** Kish design effect of the design weights. */
    kishDeffBefore: number;
    /** Kish design effect of the final weights. */
    kishDeffAfter: number;
  };
  /** The reliability of every share the report shows, by the NCHS standard for proportions. */
  reliability: {
    /** The standard, cited. */
    standard: string;
    /** Shares judged. */
    assessed: number;
    /** Shares the standard says not to publish. */
    suppressed: number;
    /** Shares it flags for statistical review. */
    review: number;
    /** Shares it footnotes (their complement is unreliable). */
    footnote: number;
    /** The flagged shares, in report order. */
    flagged: FlaggedShare[];
  };
  /** One per published statement of the questionnaire. */
  headlines: Array<
    SummaryEstimate & {
      /** The statement's id. */
      id: string;
      /** The statement. */
      statement: string;
      /** Where it was published. */
      source: string;
      /** The verdict. */
      holds: HeadlineResult['holds'];
      /** Share statements: the threshold. */
      threshold: number | null;
      /** Share statements: the direction claimed. */
      comparison: '>' | '<' | null;
      /** Rank statements: the rank claimed. */
      claimedRank: number | null;
      /** Rank statements: the option's rank. */
      rank: number | null;
      /** Rank statements: the ranks it could plausibly hold. */
      rankRange: [number, number] | null;
      /** Why the verdict. */
      reason: string;
    }
  >;
  /** The estimates of the report. */
  estimates: {
    /** Per item of the attitude battery. */
    attitudes: Array<{
      /** The item's key. */
      key: string;
      /** Its label. */
      label: string;
      /** Its column. */
      variable: string;
      /** Positive answers. */
      positive: SummaryEstimate;
      /** Positive or neutral answers. */
      positiveOrNeutral: SummaryEstimate;
      /** Negative answers. */
      negative: SummaryEstimate;
      /** Positive − negative. */
      net: SummaryEstimate;
      /** Rank by net score. */
      netRank: number;
      /** Plausible ranks by net score. */
      netRankRange: [number, number];
    }>;
    /** Per multiple-response question. */
    multipleResponse: Array<{
      /** The question's id. */
      question: string;
      /** Mentions per 100 respondents. */
      mentionsPer100: SummaryEstimate;
      /** Every option. */
      options: Array<
        SummaryEstimate & {
          /** The option's key. */
          key: string;
          /** Its label. */
          label: string;
          /** Its rank (`null` for "none" / "hard to say"). */
          rank: number | null;
          /** Its plausible ranks. */
          rankRange: [number, number] | null;
        }
      >;
    }>;
    /** Per single item. */
    items: Array<{
      /** The item's column. */
      variable: string;
      /** Positive answers (e.g. support). */
      positive: SummaryEstimate;
      /** Negative answers. */
      negative: SummaryEstimate;
      /** "Hard to say". */
      dk: SummaryEstimate;
    }>;
    /** The topline (a report without a questionnaire): every variable's shares or mean. */
    topline?: Array<{
      /** The column. */
      variable: string;
      /** Its label (the codebook's, else its name). */
      label: string;
      /** `'categorical'`: a share per level; `'numeric'`: the mean. */
      type: 'categorical' | 'numeric';
      /** The shares (with `level`) or the mean (`level` null). */
      estimates: Array<
        SummaryEstimate & {
          /** The level (categorical), or `null` (the mean). */
          level: string | null;
        }
      >;
    }>;
    /** Variables left out of the topline, with the reason. */
    toplineSkipped?: Array<{
      /** The column. */
      variable: string;
      /** Why it was left out. */
      reason: string;
    }>;
  };
}

/**
 * R's deff = "replace" of a share: design variance over p(1 − p)/(n − 1).
 * @example
 * ```ts
 * console.log(shareDeff({ estimate: 0.5, se: 0.02, n: 1001 })); // => 1.6
 * ```
 */
export function shareDeff(e: { estimate: number; se: number; n: number }): number {
  const p = e.estimate;
  return (e.se * e.se * (e.n - 1)) / (p * (1 - p));
}

/** An estimate row as the summary writes it (`deff` for shares). */
export function summaryEstimate(e: Estimate, share = true, df?: number): SummaryEstimate {
  const out: SummaryEstimate = {
    estimate: e.estimate,
    se: e.se,
    ci: e.ci,
    n: e.n,
    nMissing: e.nMissing,
  };
  if (share) {
    out.deff = shareDeff(e);
    const f = shareFlag(e, df);
    out.flag = f?.flag ?? null;
    out.flagReason = f?.reason ?? '';
  }
  return out;
}

/** The reliability part of the summary. */
export function reliabilitySummary(x: PollEstimates): PollReportSummary['reliability'] {
  const { assessed, flagged } = flaggedShares(x);
  const count = (flag: FlaggedShare['flag']) => flagged.filter((f) => f.flag === flag).length;
  return {
    standard: RELIABILITY_STANDARD,
    assessed,
    suppressed: count('suppress'),
    review: count('review'),
    footnote: count('footnote'),
    flagged,
  };
}

/**
 * The mean design effect of the shares the summary is judged by: the headline shares, or
 * without headlines every share of the report (shares strictly between 0 and 1 only); `null`
 * when there is none.
 */
export function meanShareDeff(x: PollEstimates): number | null {
  const mean = (v: readonly number[]) => v.reduce((s, d) => s + d, 0) / v.length;
  if (x.headlines.length) return mean(x.headlines.map((h) => shareDeff(h)));
  const shares: Estimate[] = [
    ...(x.battery?.result.items.flatMap((i) => [i.positive, i.negative]) ?? []),
    ...x.questions.flatMap((q) => q.result.options),
    ...x.items.flatMap((i) => [i.summary.positive, i.summary.negative]),
    ...(x.topline?.variables.flatMap((v) => (v.kind === 'categorical' ? v.rows : [])) ?? []),
  ];
  const deffs = shares
    .filter((e) => e.estimate > 0 && e.estimate < 1 && e.n > 1)
    .map((e) => shareDeff(e));
  return deffs.length ? mean(deffs) : null;
}

/** The design part of the summary. */
export function designSummary(
  design: LinearizationDesign,
  level: number,
  meanDeff: number | null,
  weighted: boolean,
): PollReportSummary['design'] {
  const stage = design.stages[0]!;
  const w = weightSummary(design);
  const df = designDf(design, design.domain);
  const q = qt(1 - (1 - level) / 2, df);
  const srs = q * Math.sqrt(0.25 / w.n);
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
      design: meanDeff === null ? null : srs * Math.sqrt(meanDeff),
      meanDeff,
    },
  };
}

/** The load part of the summary. */
export function loadSummary(data: SurveyData): PollReportSummary['load'] {
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
export function headlineSummary(
  results: readonly HeadlineResult[],
  df?: number,
): PollReportSummary['headlines'] {
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
    flag: shareFlag(h, df)?.flag ?? null,
    flagReason: shareFlag(h, df)?.reason ?? '',
    threshold: h.threshold,
    comparison: h.comparison,
    claimedRank: h.claimedRank,
    rank: h.rank,
    rankRange: h.rankRange,
    reason: h.reason,
  }));
}

/** The estimates part of the summary. */
export function estimatesSummary(x: PollEstimates): PollReportSummary['estimates'] {
  const out: PollReportSummary['estimates'] = {
    attitudes: (x.battery?.result.items ?? []).map((i) => {
      const r = x.battery?.net.items.find((y) => y.key === i.key);
      return {
        key: i.key,
        label: i.label,
        variable: i.variable,
        positive: summaryEstimate(i.positive, true, x.df),
        positiveOrNeutral: summaryEstimate(i.positiveOrNeutral, true, x.df),
        negative: summaryEstimate(i.negative, true, x.df),
        net: summaryEstimate(i.net, false),
        netRank: r?.rank ?? 0,
        netRankRange: r?.rankRange ?? [0, 0],
      };
    }),
    multipleResponse: x.questions.map(({ result, ranking }) => ({
      question: result.question,
      mentionsPer100: summaryEstimate(result.mentions, false),
      options: result.options.map((o) => {
        const r = ranking.items.find((y) => y.key === o.key);
        return {
          key: o.key,
          label: o.label,
          ...summaryEstimate(o, true, x.df),
          rank: r?.rank ?? null,
          rankRange: r?.rankRange ?? null,
        };
      }),
    })),
    items: x.items.map(({ summary: i }) => ({
      variable: i.variable,
      positive: summaryEstimate(i.positive, true, x.df),
      negative: summaryEstimate(i.negative, true, x.df),
      dk: summaryEstimate(i.dk, true, x.df),
    })),
  };
  if (x.topline) {
    out.topline = x.topline.variables.map((v) => ({
      variable: v.variable,
      label: v.label,
      type: v.kind,
      estimates: v.rows.map((e) => ({
        level: e.level ?? null,
        ...summaryEstimate(e, v.kind === 'categorical', x.df),
      })),
    }));
    out.toplineSkipped = x.topline.skipped.map((s) => ({ ...s }));
  }
  return out;
}
