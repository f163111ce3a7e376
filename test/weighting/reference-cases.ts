/**
 * The cases of test/reference/weighting.json (R's postStratify, rake, calibrate, trimWeights) and
 * how to reproduce each with surveykit.
 */
import { expect } from 'vitest';
import type { ColumnInput } from '../../src/data/frame.js';
import { fromColumns } from '../../src/data/frame.js';
import type { SurveyData } from '../../src/data/types.js';
import { svyDesign } from '../../src/design/build.js';
import { subset } from '../../src/design/subset.js';
import type { LinearizationDesign } from '../../src/design/types.js';
import type { Margin, PopulationCell } from '../../src/design/weighting-history.js';
import { svyMean, svyTotal } from '../../src/estimate/mean.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { trimWeights } from '../../src/weighting/trim.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { expectClose, loadReferenceData, loadReferenceJson } from '../helpers/reference.js';

export interface EstimateRef {
  statistic: 'mean' | 'total';
  variable: string;
  subset: Condition[] | null;
  naRm: boolean;
  call: string;
  levels: string[] | null;
  estimate: number[];
  se: number[];
}

export interface WeightingCase {
  id: string;
  design: string;
  method: 'postStratify' | 'rake' | 'calibrate' | 'trimWeights' | 'chain';
  call: string;
  // biome-ignore lint/suspicious/noExplicitAny: parameters differ per method
  params: any;
  error: string | null;
  weights?: number[];
  weightsSum?: number;
  weightsMin?: number;
  weightsMax?: number;
  gRange?: [number, number];
  estimates?: EstimateRef[];
  multi?: {
    variables: string[];
    naRm: boolean;
    estimate: number[];
    vcov: number[][];
  } | null;
}

export interface KaltonRef {
  a: string[];
  b: string[];
  cells: Array<{ a: string; b: string; sample: number; population: number }>;
  results: Record<string, number[][]>;
  publishedRake: number[][];
}

export interface WeightingRef {
  designs: Record<
    string,
    ReferenceDesign & {
      rowFilter?: Condition[];
      derived?: { column: string; of: string; zeroWhen: Condition };
    }
  >;
  cases: WeightingCase[];
  /** svyby, svyciprop and svyquantile on a raked design. */
  others: {
    design: string;
    svyby: { call: string; groups: string[]; estimate: number[]; se: number[] };
    svyciprop: { call: string; estimate: number; se: number; ci: number[] };
    svyquantile: { call: string; estimate: number; ci: number[]; se: number };
  };
  kalton: KaltonRef;
}

export const ref = loadReferenceJson<WeightingRef>('weighting.json');

/** A case by id. */
export function refCase(id: string): WeightingCase {
  const c = ref.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id} in weighting.json`);
  return c;
}

/** The rows of a data set that meet the conditions, as a new data set. */
function filterRows(data: SurveyData, conditions: Condition[]): SurveyData {
  const mask = conditionMask(data, conditions);
  const columns: Record<string, ColumnInput> = {};
  const levels: Record<string, string[]> = {};
  for (const name of data.names) {
    const col = data.columns[name]!;
    if (col.kind === 'numeric') {
      columns[name] = Array.from(col.values)
        .filter((_, i) => mask[i])
        .map((v) => (Number.isNaN(v) ? null : v));
    } else {
      columns[name] = Array.from(col.codes)
        .filter((_, i) => mask[i])
        .map((c) => (c < 0 ? null : col.levels[c]!));
      levels[name] = [...col.levels];
    }
  }
  return fromColumns(columns, { levels, source: data.load.source });
}

const baseCache = new Map<string, LinearizationDesign>();

/** The design a case starts from, built as R built it. */
export function baseDesign(name: string): LinearizationDesign {
  const hit = baseCache.get(name);
  if (hit) return hit;
  const spec = ref.designs[name]!;
  let design: LinearizationDesign;
  if (spec.derived) {
    // A weight column derived from another, zero where the condition holds (R: pw * (id != 1)).
    const data = loadReferenceData(spec.data);
    const zero = conditionMask(data, [spec.derived.zeroWhen]);
    const of = data.columns[spec.derived.of]!;
    if (of.kind !== 'numeric') throw new Error('derived weights need a numeric column');
    const columns: Record<string, ColumnInput> = {};
    for (const name of data.names) {
      const col = data.columns[name]!;
      columns[name] =
        col.kind === 'numeric' ? col.values : { codes: col.codes, levels: col.levels };
    }
    columns[spec.derived.column] = of.values.map((w, i) => (zero[i] ? 0 : w));
    design = svyDesign(fromColumns(columns, { source: data.load.source }), {
      ids: spec.ids ?? undefined,
      strata: spec.strata ?? undefined,
      weights: spec.weights ?? undefined,
      nest: spec.nest,
      allowZeroWeights: true,
    });
  } else if (spec.rowFilter) {
    const data = filterRows(loadReferenceData(spec.data), spec.rowFilter);
    design = svyDesign(data, {
      ids: spec.ids ?? undefined,
      strata: spec.strata ?? undefined,
      weights: spec.weights ?? undefined,
      nest: spec.nest,
    });
  } else design = buildReferenceDesign(spec);
  baseCache.set(name, design);
  return design;
}

/** Reproduces a case's weighting with surveykit (tight convergence, as the R calls). */
export function weightCase(c: WeightingCase): LinearizationDesign {
  const p = c.params;
  const design = baseDesign(c.design);
  switch (c.method) {
    case 'postStratify':
      return postStratify(design, {
        variables: p.variables,
        population: p.population,
        partial: p.partial,
      });
    case 'rake':
      return rake(design, p.margins as Margin[]);
    case 'calibrate':
      return calibrate(design, {
        margins: p.margins,
        calfun: p.calfun,
        bounds: p.bounds ?? undefined,
        totals: p.totals,
      });
    case 'trimWeights':
      return trimWeights(p.base ? weightCase(refCase(p.base)) : design, {
        lower: p.lower ?? undefined,
        upper: p.upper ?? undefined,
        strict: p.strict,
      });
    case 'chain': {
      let d = design;
      for (const s of p.steps) {
        d =
          s.method === 'postStratify'
            ? postStratify(d, { variables: s.variables, population: s.population })
            : rake(d, s.margins);
      }
      return d;
    }
  }
}

/** Compares weights and every estimate of a case with R's, to `tol` relative. */
export function checkCase(c: WeightingCase, tol = 1e-8): LinearizationDesign {
  const d = weightCase(c);
  const w = c.weights!;
  expect(d.weights.length).toBe(w.length);
  for (let i = 0; i < w.length; i++)
    expectClose(d.weights[i]!, w[i]!, tol, `${c.id} weight ${i + 1}`);
  for (const e of c.estimates ?? []) checkEstimate(d, e, `${c.id} ${e.call}`, tol);
  return d;
}

/** One R estimate on a weighted design (SEs that are zero up to rounding compared absolutely). */
export function checkEstimate(
  d: LinearizationDesign,
  e: EstimateRef,
  what: string,
  tol = 1e-8,
): void {
  const dd = e.subset ? subset(d, conditionMask(d.data, e.subset)) : d;
  const rows = (e.statistic === 'mean' ? svyMean : svyTotal)(dd, e.variable);
  const ordered = e.levels
    ? e.levels.map((level) => {
        const row = rows.find((r) => r.level === level);
        if (!row) throw new Error(`${what}: no row for level ${level}`);
        return row;
      })
    : rows;
  expect(ordered).toHaveLength(e.estimate.length);
  ordered.forEach((row, j) => {
    expectClose(row.estimate, e.estimate[j]!, tol, `${what}[${j}] estimate`);
    const scale = Math.abs(e.estimate[j]!);
    if (e.se[j]! > 1e-6 * scale) expectClose(row.se, e.se[j]!, tol, `${what}[${j}] se`);
    else
      expect(Math.abs(row.se - e.se[j]!), `${what}[${j}] se (about 0)`).toBeLessThan(1e-9 * scale);
  });
}

/** The Kalton & Flores-Cervantes sample (R's tests/kalton.R): 1000 rows in a 4 × 3 table. */
export function kaltonDesign(): LinearizationDesign {
  const a: string[] = [];
  const b: string[] = [];
  for (const cell of ref.kalton.cells) {
    for (let k = 0; k < cell.sample; k++) {
      a.push(cell.a);
      b.push(cell.b);
    }
  }
  return svyDesign(fromColumns({ a, b }, { levels: { a: ref.kalton.a, b: ref.kalton.b } }));
}

/** Kalton population as margins and as cells. */
export function kaltonPopulation(): { margins: Margin[]; cells: PopulationCell[] } {
  const pa: Record<string, number> = {};
  const pb: Record<string, number> = {};
  const cells: PopulationCell[] = [];
  for (const c of ref.kalton.cells) {
    pa[c.a] = (pa[c.a] ?? 0) + c.population;
    pb[c.b] = (pb[c.b] ?? 0) + c.population;
    cells.push({ a: c.a, b: c.b, count: c.population });
  }
  return {
    margins: [
      { variable: 'a', population: pa },
      { variable: 'b', population: pb },
    ],
    cells,
  };
}

/** Weighted over unweighted count per Kalton cell, as R's ratio table [a][b]. */
export function kaltonRatios(d: LinearizationDesign): number[][] {
  const a = d.data.columns['a']!;
  const b = d.data.columns['b']!;
  if (a.kind !== 'categorical' || b.kind !== 'categorical') throw new Error('kalton columns');
  const num = ref.kalton.a.map(() => ref.kalton.b.map(() => 0));
  const den = ref.kalton.a.map(() => ref.kalton.b.map(() => 0));
  for (let i = 0; i < d.weights.length; i++) {
    num[a.codes[i]!]![b.codes[i]!]! += d.weights[i]!;
    den[a.codes[i]!]![b.codes[i]!]! += 1;
  }
  return num.map((row, i) => row.map((x, j) => x / den[i]![j]!));
}

/** Asserts that a call throws a WeightingError with the code (and returns it). */
export function expectCode(
  f: () => unknown,
  code: string,
): Error & { code: string; details: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    const err = e as Error & { code: string; details: Record<string, unknown> };
    expect(err.name).toBe('WeightingError');
    expect(err.code).toBe(code);
    return err;
  }
  throw new Error(`expected a WeightingError ${code}, but nothing was thrown`);
}

/** Snapshot of a design's weights and calibration, to check it is not modified. */
export function snapshot(d: LinearizationDesign): {
  weights: number[];
  steps: number;
  warnings: number;
} {
  return {
    weights: Array.from(d.weights),
    steps: d.calibration?.length ?? 0,
    warnings: d.warnings.length,
  };
}

/** Asserts every cell of a table equals R's to `tol` relative. */
export function expectTableClose(
  got: number[][],
  want: number[][],
  tol: number,
  what: string,
): void {
  for (let i = 0; i < want.length; i++) {
    for (let j = 0; j < want[i]!.length; j++) {
      expectClose(got[i]![j]!, want[i]![j]!, tol, `${what} [${i}][${j}]`);
    }
  }
}
