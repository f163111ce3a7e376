/**
 * The design and weighting stage of a report: the design from its specification, raked to the
 * population margins when there are any, with the weighting diagnostics.
 * @module
 */
import type { SurveyData } from '../data/types.js';
import { svyDesign } from '../design/build.js';
import type { DesignSpec, LinearizationDesign } from '../design/types.js';
import type { Margin } from '../design/weighting-history.js';
import { type MarginsFile, marginsFromJson, weightToPopulation } from '../poll/weighting.js';
import { weightingReport } from '../weighting/report.js';
import { type WeightSummary, weightSummary } from '../weighting/summary.js';
import type { WeightingReport } from '../weighting/types.js';
import { fileName } from './names.js';
import type { PollReportSummary } from './summary.js';

/** What the stage gives the rest of the report. */
export interface WeightingStage {
  /** The design with the design weights. */
  base: LinearizationDesign;
  /** The design the estimates use (raked, or `base`). */
  design: LinearizationDesign;
  /** The design weights' summary. */
  before: WeightSummary;
  /** Margins before and after raking (`null` without margins). */
  diagnostics: WeightingReport | null;
  /** The weighting part of the summary. */
  summary: PollReportSummary['weighting'];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Builds the design, rakes it to the margins (if any) and logs one line for each step. */
export function weightingStage(
  data: SurveyData,
  spec: DesignSpec,
  margins: readonly Margin[] | MarginsFile | undefined,
  marginsName: string | null,
  log: (line: string) => void,
): WeightingStage {
  const base = svyDesign(data, spec);
  const stage = base.stages[0]!;
  const before = weightSummary(base);
  log(
    `design: ${plural(stage.nStrata, 'stratum', 'strata')}, ${stage.nClusters} PSUs, Kish deff of the design weights ${before.kishDeff.toFixed(3)}`,
  );
  if (margins === undefined) {
    log('weighting: design weights only (no margins given)');
    return {
      base,
      design: base,
      before,
      diagnostics: null,
      summary: {
        method: 'none',
        note: 'design weights only (no margins given)',
        margins: [],
        iterations: null,
        converged: null,
        kishDeffBefore: before.kishDeff,
        kishDeffAfter: before.kishDeff,
      },
    };
  }
  const list = Array.isArray(margins)
    ? [...margins]
    : marginsFromJson(margins, marginsName ?? undefined);
  const design = weightToPopulation(base, list);
  const diagnostics = weightingReport(base, design, list);
  const step = design.calibration?.at(-1);
  const after = weightSummary(design);
  const summary: PollReportSummary['weighting'] = {
    method: 'rake',
    note: `raked to ${list.length} margins${marginsName ? ` from ${fileName(marginsName)}` : ''}`,
    margins: list.map((m) => m.variable),
    iterations: step?.iterations ?? null,
    converged: step?.converged ?? null,
    kishDeffBefore: before.kishDeff,
    kishDeffAfter: after.kishDeff,
  };
  log(
    `weighting: raked to ${summary.margins.join(', ')} in ${summary.iterations} sweeps; Kish deff ${after.kishDeff.toFixed(3)}, effective n ${after.effectiveN.toFixed(0)}`,
  );
  return { base, design, before, diagnostics, summary };
}
