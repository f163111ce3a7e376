/**
 * `svyTabs`: banner tables ("tab books") with design-based significance letters.
 * @module
 */
import { degreesOfFreedom } from '../design/df.js';
import { ldexp, workingDesign } from '../design/scale.js';
import type { SurveyDesign } from '../design/types.js';
import type { WeightingStep } from '../design/weighting-history.js';
import { EstimationError } from '../errors.js';
import { nonFiniteResult } from '../estimate/finite.js';
import { limitOption, tooLargeMessage } from '../limits.js';
import { rowBlocks } from './blocks.js';
import { estimateBlock } from './cells.js';
import { lettersText, significanceLetters } from './letters.js';
import { bannerColumns } from './scan.js';
import { columnGroups, columnId, resolveSpec } from './spec.js';
import type { TabCell, TabColumn, TabRow, Tabs, TabsSpec } from './types.js';

/**
 * A banner table: the spec's row items down the side, a Total column and each banner
 * variable's levels across, and in every cell the estimate with its design-based SE, bases,
 * significance letters and a test against the whole sample.
 *
 * **Rows.** A categorical variable gives a row per level: the column percentage (the share of
 * the level among the column's respondents who answered). A net (`{ net, variable, levels }`)
 * gives the share answering any of its levels. A multiple-response question
 * (`{ multipleResponse }`) gives a row per option (the share of the column's respondents who
 * answered the question that named it) and a row of mentions per 100 respondents. A numeric
 * variable gives its mean. Respondents without an answer are outside the row's base (as
 * `svyMean`'s default).
 *
 * **Columns.** Total (unless `total: false`), then each banner variable's levels (a numeric
 * banner variable: its distinct values), with ids `'A'`, `'B'`, … Each column carries its
 * unweighted base, Kish's effective base `(Σw)²/Σw²` of its weights (the weighting's loss of
 * precision, which is what tab books print; clustering is in the tests, not in this base) and
 * its weighted base. A banner level with no respondent keeps its column (no estimate).
 *
 * **Letters.** A cell's letters name the columns of the same banner variable it is
 * significantly higher than: the difference of the two domain estimates, its SE from their joint
 * design-based covariance (R's `svyby(..., covmat = TRUE)` + `svycontrast`), Student's t on the
 * design's degrees of freedom (`degreesOfFreedom(design)`), p-values adjusted within each row
 * and banner variable (`adjust`, as R's `p.adjust`). With two levels, e.g. `[0.95, 0.9]`, a
 * letter is UPPER-case when significant at the first and lower-case when only at the second.
 * `vsTotal` says whether a cell is significantly higher or lower than the Total (at the first
 * level; adjusted within the row and banner variable): the SE of the difference uses the
 * covariance of the part and the whole (as `svySubgroups`). Cells with fewer respondents than
 * `minBase` are flagged `lowBase` and not tested.
 *
 * A cell's SE is the square root of its variance in that joint covariance (R's
 * `vcov(svyby(..., covmat = TRUE))`; only under `lonelyPsu: 'average'` in a domain can it differ
 * from `svyBy`'s per-group `se`, which is computed on the group alone).
 *
 * Works on linearization and replicate-weight designs, weighted or not (SEs account for
 * post-stratification, raking and calibration as everywhere), and on a domain (`subset`): the
 * Total is then the domain.
 *
 * Cost: one pass over the respondents per row item for all columns; the same pass adds the
 * influence totals of every column up per PSU (sparse: a PSU has totals only for the columns it
 * has respondents of) and, on a post-stratified or raked design, per weighting cell, from which
 * the covariances of every row follow without another pass (`variance.ts`, `calibrated.ts`).
 * Designs with later stages (fpc), `lonelyPsu: 'average'`, several weighting steps or a
 * calibration step take the general route (`estimateVariance` per row and banner variable,
 * dense influence values when calibrated). On a replicate design one read of the replicate
 * weights per row item and banner variable.
 *
 * @param design - The weighted design (or a domain of it: the Total is then the domain).
 * @param spec - The rows, the banner, and the test settings (levels, adjustment, minimum base): see
 *   {@link TabsSpec}.
 * @throws {EstimationError} `BAD_TABS_SPEC` (a malformed row or banner), `BAD_OPTION` (level,
 *   adjust, minBase, total, partial), `UNKNOWN_VARIABLE`, `NOT_CATEGORICAL` (a net of a numeric
 *   variable), `UNKNOWN_LEVEL` (a net's level), `NOT_NUMERIC` / `NOT_BINARY` (multiple-response
 *   options), `EMPTY_DOMAIN` (no respondent in the design's domain).
 * @example
 * ```ts
 * const data = await readCsv('test/reference/data/apiclus1.csv');
 * const design = svyDesign(data, { ids: 'dnum', weights: 'pw', fpc: 'fpc' });
 * const tabs = svyTabs(design, { rows: ['sch.wide'], banner: ['stype'], level: [0.95, 0.9] });
 * console.log(tabs.columns.map((c) => `${c.id}:${c.level ?? 'Total'} n=${c.base}`).join(', '));
 * // => A:Total n=183, B:E n=144, C:H n=14, D:M n=25
 * const yes = tabs.rows.find((r) => r.level === 'Yes')!;
 * console.log(yes.cells.map((c) => `${(100 * c.estimate).toFixed(1)}${c.letters}`).join(' ')); // => 87.4 91.7d 78.6 68.0
 * ```
 */
export function svyTabs(design: SurveyDesign, spec: TabsSpec): Tabs {
  // computed on the weights scaled to near 1 when they are extreme (see workingDesign); only the
  // weighted bases carry the weights' unit
  const work = workingDesign(design);
  const tabs = tabsOn(work.design, spec);
  const k = work.exponent;
  for (const c of tabs.columns) {
    c.weightedBase = ldexp(c.weightedBase, k);
    if (c.weightedBase === Number.POSITIVE_INFINITY)
      throw nonFiniteResult(
        'svyTabs',
        c.variable ?? 'Total',
        c.level ?? undefined,
        'weighted base',
        c.weightedBase,
      );
  }
  for (const row of tabs.rows) {
    for (const cell of row.cells) {
      cell.weightedBase = ldexp(cell.weightedBase, k);
      const bad = [
        ['estimate', cell.estimate],
        ['standard error', cell.se],
        ['weighted base', cell.weightedBase],
      ] as const;
      for (const [what, v] of bad) {
        if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY)
          throw nonFiniteResult(
            'svyTabs',
            row.variable,
            row.level ?? undefined,
            `${what} of column ${cell.column}`,
            v,
          );
      }
    }
  }
  return tabs;
}

function tabsOn(design: SurveyDesign, spec: TabsSpec): Tabs {
  const resolved = resolveSpec(design, spec);
  const { banner, level, adjust, minBase } = resolved;
  const maxColumns = limitOption(
    'maxBannerColumns',
    spec.maxBannerColumns,
    (message) =>
      new EstimationError('BAD_OPTION', message, {
        option: 'maxBannerColumns',
        value: spec.maxBannerColumns,
      }),
  );
  if (banner.columns > maxColumns) {
    throw new EstimationError(
      'TOO_LARGE',
      `svyTabs: ${tooLargeMessage(`a banner of ${banner.variables.map((v) => `"${v.name}"`).join(', ')} has`, banner.columns, 'columns, which', 'maxBannerColumns', maxColumns)} (an identifier as a banner variable?)`,
      { value: banner.columns, limit: maxColumns, option: 'maxBannerColumns' },
    );
  }
  const bannerCols = bannerColumns(banner);
  const columns = tabColumns(design, resolved.banner, bannerCols);
  if (columns[0]!.base === 0) {
    throw new EstimationError(
      'EMPTY_DOMAIN',
      'the design’s domain has no respondents to tabulate',
      {},
    );
  }
  const blocks = rowBlocks(design, resolved.rows, resolved.partial);
  const df = degreesOfFreedom(design);
  const groups = columnGroups(banner);
  const ids = columns.map((_, k) => columnId(resolved.total ? k : k - 1));
  columns.forEach((c, k) => {
    c.id = ids[k]!;
  });
  const rows: TabRow[] = [];
  for (const { block } of blocks) {
    const cells = estimateBlock(design, block, banner, bannerCols);
    block.rows.forEach((blockRow, r) => {
      const est = cells.estimate[r]!;
      const tabCells: TabCell[] = columns.map((_, col) => {
        const n = cells.n[col]!;
        const sw = cells.sumW[col]!;
        return {
          column: ids[col]!,
          estimate: est[col]!,
          se: Number.NaN,
          base: n,
          effectiveBase: sw > 0 ? (sw * sw) / cells.sumW2[col]! : 0,
          weightedBase: sw,
          letters: '',
          vsTotal: null,
          vsTotalTest: null,
          lowBase: n === 0 || n < minBase || Number.isNaN(est[col]!),
        };
      });
      const comparisons: TabRow['comparisons'] = [];
      groups.forEach((group, g) => {
        const V = cells.covariance[r]![g]!;
        const p = group.length;
        for (let a = 0; a < p; a++) {
          const cell = tabCells[group[a]!]!;
          if (a > 0 || g === 0) cell.se = Math.sqrt(Math.max(V[a * p + a]!, 0));
        }
        if (p === 1) return;
        const result = significanceLetters({
          variable: banner.variables[g]!.name,
          ids: Array.from(group, (col) => ids[col]!),
          estimate: Array.from(group, (col) => est[col]!),
          covariance: V,
          tested: Array.from(group, (col) => !tabCells[col]!.lowBase),
          df,
          level,
          adjust,
        });
        for (let a = 1; a < p; a++) {
          const cell = tabCells[group[a]!]!;
          cell.letters = lettersText(result.higherThan[a]!);
          const t = result.vsTotal[a] ?? null;
          cell.vsTotalTest = t;
          cell.vsTotal =
            t !== null && t.pAdjusted < 1 - level[0]!
              ? t.difference > 0
                ? 'higher'
                : 'lower'
              : null;
        }
        comparisons.push(...result.comparisons);
      });
      for (const cell of tabCells) if (cell.base === 0) cell.se = Number.NaN;
      rows.push({
        ...blockRow,
        cells: resolved.total ? tabCells : tabCells.slice(1),
        comparisons,
      });
    });
  }
  const out: Tabs = {
    columns: resolved.total ? columns : columns.slice(1),
    rows,
    test: { method: 't', df, level: [...level], adjust, minBase },
    banner: banner.variables.map((v) => v.name),
    questions: uniqueQuestions(blocks.map((b) => b.question)),
    design: {
      type: design.type,
      weighting: weightingSteps(design),
      domain: design.domain !== null,
    },
  };
  if (spec.title !== undefined) out.title = spec.title;
  return out;
}

/** The columns with their bases: one pass over the domain's respondents. */
function tabColumns(
  design: SurveyDesign,
  banner: ReturnType<typeof resolveSpec>['banner'],
  bannerCols: readonly Int32Array[],
): TabColumn[] {
  const C = banner.columns;
  const n = new Float64Array(C);
  const sw = new Float64Array(C);
  const sw2 = new Float64Array(C);
  const w = design.weights;
  const domain = design.domain;
  for (let i = 0; i < w.length; i++) {
    if (domain !== null && !domain[i]) continue;
    const wi = w[i]!;
    n[0]! += 1;
    sw[0]! += wi;
    sw2[0]! += wi * wi;
    for (const cols of bannerCols) {
      const col = cols[i]!;
      if (col < 0) continue;
      n[col]! += 1;
      sw[col]! += wi;
      sw2[col]! += wi * wi;
    }
  }
  const columns: TabColumn[] = [];
  const push = (variable: string | null, level: string | null, col: number) => {
    columns.push({
      id: '',
      variable,
      level,
      base: n[col]!,
      effectiveBase: sw[col]! > 0 ? (sw[col]! * sw[col]!) / sw2[col]! : 0,
      weightedBase: sw[col]!,
    });
  };
  push(null, null, 0);
  for (const v of banner.variables) {
    v.levels.forEach((level, k) => {
      push(v.name, level, v.offset + k);
    });
  }
  return columns;
}

function uniqueQuestions(qs: Array<{ id: string; label: string }>): Tabs['questions'] {
  const seen = new Set<string>();
  return qs.filter((q) => {
    if (seen.has(q.id)) return false;
    seen.add(q.id);
    return true;
  });
}

/** The design's weighting steps, described for notes. */
function weightingSteps(design: SurveyDesign): string[] {
  const steps: readonly WeightingStep[] =
    (design.type === 'linearization' ? design.calibration : design.weighting) ?? [];
  return steps.map((s) => {
    switch (s.method) {
      case 'rake':
        return `raked to ${s.margins.map((m) => m.variable).join(', ')}`;
      case 'postStratify':
        return `post-stratified on ${s.variables.join(' × ')}`;
      case 'calibrate':
        return `calibrated (${s.calfun}) to ${s.columns.join(', ')}`;
      default:
        return 'weights trimmed';
    }
  });
}
