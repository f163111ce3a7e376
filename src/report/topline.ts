/**
 * The topline of a poll without a questionnaire: every variable's weighted shares (categorical)
 * or mean (numeric) with design-based intervals, the design's own columns left out.
 * @module
 */
import type { Codebook } from '../data/codebook.js';
import type { DesignSpec, LinearizationDesign } from '../design/types.js';
import { svyMean } from '../estimate/mean.js';
import type { Estimate } from '../estimate/types.js';

/** Categorical variables with more levels than this are left out (identifiers, open text). */
export const TOPLINE_MAX_LEVELS = 30;

/** One variable of the topline. */
export interface ToplineVariable {
  /** The column. */
  variable: string;
  /** Its label: the codebook's, else its name. */
  label: string;
  /** `'categorical'`: a share per level; `'numeric'`: the mean. */
  kind: 'categorical' | 'numeric';
  /** The shares, one per level, or the mean. */
  rows: Estimate[];
}

/** The topline: the variables estimated and those left out, with the reason. */
export interface Topline {
  /** The variables estimated, in file order. */
  variables: ToplineVariable[];
  /** The variables left out. */
  skipped: Array<{ variable: string; reason: string }>;
}

/** The columns a design specification names (ids, strata, weights, probabilities, fpc). */
export function designColumns(spec: DesignSpec): Set<string> {
  const out = new Set<string>();
  for (const v of [spec.ids, spec.strata, spec.weights, spec.probs, spec.fpc]) {
    for (const name of v === undefined ? [] : Array.isArray(v) ? v : [v]) out.add(name);
  }
  return out;
}

/**
 * The topline of every column of the design's data except the design's own: shares of each level
 * of a categorical column (up to {@link TOPLINE_MAX_LEVELS} levels) and the mean of a numeric
 * one, with intervals at `level` on the design's degrees of freedom.
 */
export function toplineEstimates(
  design: LinearizationDesign,
  opts: { level: number; codebook: Codebook },
): Topline {
  const { data } = design;
  const skip = designColumns(design.spec);
  const labels = new Map(opts.codebook.variables.map((v) => [v.name, v.label]));
  const out: Topline = { variables: [], skipped: [] };
  for (const name of data.names) {
    if (skip.has(name)) continue;
    const column = data.columns[name]!;
    let answered = 0;
    if (column.kind === 'numeric') {
      for (const x of column.values) if (!Number.isNaN(x)) answered++;
    } else {
      for (const c of column.codes) if (c >= 0) answered++;
      if (column.levels.length > TOPLINE_MAX_LEVELS) {
        out.skipped.push({
          variable: name,
          reason: `${column.levels.length} levels, more than ${TOPLINE_MAX_LEVELS}: an identifier or open text?`,
        });
        continue;
      }
    }
    if (answered === 0) {
      out.skipped.push({ variable: name, reason: 'no respondent has a value' });
      continue;
    }
    out.variables.push({
      variable: name,
      label: labels.get(name) || name,
      kind: column.kind,
      rows: svyMean(design, name, { level: opts.level, df: 'design' }),
    });
  }
  return out;
}
