/**
 * Checks a {@link TabsSpec} against a design and resolves its options: the banner variables'
 * codes and levels, the letters' levels, the adjustment and the minimum base. Every problem is a
 * typed error naming the row or option.
 * @module
 */
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { type ByVariable, byVariable } from '../estimate/by.js';
import type { TabRowSpec, TabsAdjust, TabsSpec } from './types.js';

/** A banner variable with its columns' place in the table. */
export interface BannerVariable extends ByVariable {
  /** Index of its first column among all columns (Total is column 0). */
  readonly offset: number;
}

/** The banner: column 0 is the Total, then each variable's levels. */
export interface Banner {
  /** The banner variables, in order. */
  readonly variables: readonly BannerVariable[];
  /** Number of columns, Total included. */
  readonly columns: number;
}

/** A spec with its options resolved. */
export interface ResolvedSpec {
  readonly rows: readonly TabRowSpec[];
  readonly banner: Banner;
  readonly total: boolean;
  /** One or two levels, the first the stricter. */
  readonly level: readonly number[];
  readonly adjust: TabsAdjust;
  readonly minBase: number;
  readonly partial: 'exclude' | 'notNamed';
}

const ADJUSTMENTS: readonly TabsAdjust[] = ['none', 'bonferroni', 'holm', 'BH'];

/**
 * Resolves a spec on a design (see {@link svyTabs} for the errors).
 * @example
 * ```ts
 * const data = fromColumns({ q: ['a', 'b', 'a'], sex: ['m', 'f', 'f'] });
 * const r = resolveSpec(svyDesign(data), { rows: ['q'], banner: ['sex'], level: [0.95, 0.9] });
 * console.log(r.banner.columns, r.banner.variables[0]?.levels, r.level, r.adjust); // => 3 [ 'm', 'f' ] [ 0.95, 0.9 ] none
 * ```
 */
export function resolveSpec(design: SurveyDesign, spec: TabsSpec): ResolvedSpec {
  if (spec === null || typeof spec !== 'object') {
    throw new EstimationError('BAD_TABS_SPEC', 'svyTabs needs a spec { rows, banner }', {
      value: spec,
    });
  }
  if (!Array.isArray(spec.rows) || spec.rows.length === 0) {
    throw new EstimationError('BAD_TABS_SPEC', 'the spec has no rows: give at least one item', {
      value: spec.rows,
    });
  }
  if (!Array.isArray(spec.banner)) {
    throw new EstimationError('BAD_TABS_SPEC', 'the banner must be a list of variable names', {
      value: spec.banner,
    });
  }
  const seen = new Set<string>();
  let offset = 1;
  const variables: BannerVariable[] = spec.banner.map((name) => {
    if (typeof name !== 'string') {
      throw new EstimationError(
        'BAD_TABS_SPEC',
        `a banner variable must be a name; got ${String(name)}`,
        {
          value: name,
        },
      );
    }
    if (seen.has(name)) {
      throw new EstimationError('BAD_TABS_SPEC', `banner variable "${name}" is given twice`, {
        variable: name,
      });
    }
    seen.add(name);
    const v = { ...byVariable(design, name), offset };
    offset += v.levels.length;
    return v;
  });
  spec.rows.forEach((row, index) => {
    checkRow(row, index);
  });
  const total = spec.total ?? true;
  if (typeof total !== 'boolean') {
    throw new EstimationError('BAD_OPTION', `total must be true or false; got ${String(total)}`, {
      value: total,
    });
  }
  return {
    rows: spec.rows,
    banner: { variables, columns: offset },
    total,
    level: levels(spec.level),
    adjust: adjustment(spec.adjust),
    minBase: minimumBase(spec.minBase),
    partial: partialRule(spec.partial),
  };
}

function checkRow(row: TabRowSpec, index: number): void {
  if (typeof row === 'string') return;
  const bad = (why: string) =>
    new EstimationError('BAD_TABS_SPEC', `row ${index + 1}: ${why}`, {
      row: index + 1,
      value: row,
    });
  if (row === null || typeof row !== 'object') {
    throw bad('a row is a variable name, { net, variable, levels } or { multipleResponse }');
  }
  if ('multipleResponse' in row) {
    const q = row.multipleResponse;
    if (!q || typeof q !== 'object' || !Array.isArray(q.options) || q.options.length === 0) {
      throw bad('a multiple-response row needs a question with options');
    }
    return;
  }
  if ('net' in row) {
    if (typeof row.net !== 'string' || row.net === '') throw bad('a net needs a label (net)');
    if (typeof row.variable !== 'string') throw bad(`net "${row.net}" needs a variable`);
    if (!Array.isArray(row.levels) || row.levels.length === 0) {
      throw bad(`net "${row.net}" needs at least one level`);
    }
    if (new Set(row.levels).size !== row.levels.length) {
      throw bad(`net "${row.net}" lists a level twice`);
    }
    return;
  }
  throw bad('a row is a variable name, { net, variable, levels } or { multipleResponse }');
}

function levels(level: TabsSpec['level']): number[] {
  const list = level === undefined ? [0.95] : typeof level === 'number' ? [level] : [...level];
  const ok = list.length >= 1 && list.length <= 2 && list.every((l) => l > 0 && l < 1);
  if (!ok || (list.length === 2 && !(list[0]! > list[1]!))) {
    throw new EstimationError(
      'BAD_OPTION',
      `level must be a number between 0 and 1, or two of them, the first the higher (e.g. [0.95, 0.9]); got ${JSON.stringify(level)}`,
      { value: level },
    );
  }
  return list;
}

function adjustment(adjust: TabsSpec['adjust']): TabsAdjust {
  const a = adjust ?? 'none';
  if (!ADJUSTMENTS.includes(a)) {
    throw new EstimationError(
      'BAD_OPTION',
      `adjust must be one of ${ADJUSTMENTS.join(', ')}; got ${String(adjust)}`,
      { value: adjust },
    );
  }
  return a;
}

function minimumBase(minBase: TabsSpec['minBase']): number {
  const m = minBase ?? 0;
  if (typeof m !== 'number' || !(m >= 0) || !Number.isFinite(m)) {
    throw new EstimationError(
      'BAD_OPTION',
      `minBase must be a number >= 0; got ${String(minBase)}`,
      {
        value: minBase,
      },
    );
  }
  return m;
}

function partialRule(partial: TabsSpec['partial']): 'exclude' | 'notNamed' {
  const p = partial ?? 'exclude';
  if (p !== 'exclude' && p !== 'notNamed') {
    throw new EstimationError('BAD_OPTION', `partial must be 'exclude' or 'notNamed'`, {
      value: partial,
    });
  }
  return p;
}

/**
 * Column letters: `'A'`…`'Z'`, then `'AA'`, `'AB'`, … (as spreadsheet columns).
 * @example
 * ```ts
 * console.log(columnId(0), columnId(25), columnId(26), columnId(27)); // => A Z AA AB
 * ```
 */
export function columnId(index: number): string {
  let id = '';
  let k = index + 1;
  while (k > 0) {
    const r = (k - 1) % 26;
    id = String.fromCharCode(65 + r) + id;
    k = Math.floor((k - 1) / 26);
  }
  return id;
}

/** The columns whose covariance is computed together: the Total (0) and a variable's levels. */
export type ColumnGroup = Int32Array;

/**
 * The column groups of a banner: per banner variable the Total and the variable's columns
 * (just the Total when there is no banner variable).
 * @example
 * ```ts
 * const banner = { columns: 4, variables: [{ name: 'g', codes: new Int32Array(0), levels: ['a', 'b', 'c'], offset: 1 }] };
 * console.log(columnGroups(banner).map((g) => Array.from(g))); // => [ [ 0, 1, 2, 3 ] ]
 * ```
 */
export function columnGroups(banner: Banner): ColumnGroup[] {
  if (banner.variables.length === 0) return [Int32Array.of(0)];
  return banner.variables.map((v) => {
    const g = new Int32Array(v.levels.length + 1);
    for (let k = 0; k < v.levels.length; k++) g[k + 1] = v.offset + k;
    return g;
  });
}
