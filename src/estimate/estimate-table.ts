/**
 * `EstimateTable`: estimate rows that carry the covariance between them (what {@link svyBy},
 * and {@link svyMean} / {@link svyTotal} return) and the labels {@link svyContrast} knows them by.
 * @module
 */
import type { Estimate } from './types.js';

/**
 * Estimate rows with the covariance between them: the rows of a {@link svyBy} (one or more per
 * group), or of one {@link svyMean} / {@link svyTotal} call (one or more variables).
 *
 * It *is* an array of {@link Estimate} (`table.map`, `table[0].estimate`, `for ... of` work);
 * the other members are non-enumerable properties, so `JSON.stringify(table)` gives the rows
 * only. Array methods that make a new array (`map`, `filter`, `slice`) give plain arrays; their
 * rows still know the table's covariance, so {@link svyContrast} works on a filtered table too.
 */
export interface EstimateTable extends Array<Estimate> {
  /**
   * k × k covariance of the k rows, row-major, in row order: R's `vcov()` of the estimates
   * (`vcov(svyby(..., covmat = TRUE))`, which orders estimates variable-major where a svyBy table
   * is group-major; `vcov(svymean(~a + b, design))`). Entries between rows whose estimator gives
   * no influence values are `NaN` (their variances are `se²`); rows of empty groups (svyBy with
   * `dropEmpty: false`) are `NaN` throughout.
   */
  readonly covariance: Float64Array;
  /**
   * A label per row, naming it for {@link svyContrast} (not called `keys`, which would hide
   * `Array.prototype.keys`). svyBy: the group's levels joined by `'.'` (R's row names, e.g.
   * `'E.No'`) when the estimator gives one row per group; otherwise `'<group>:<variable><level>'`
   * (R's coefficient names, e.g. `'E:sch.wideYes'`). svyMean / svyTotal of one variable: its
   * levels (`'E'`, `'H'`), or the variable's name for a numeric one; of several variables, R's
   * coefficient names: the variable's name for a numeric one, `<variable><level>` for each level
   * of a categorical one (`'api00'`, `'stypeE'`). A label that would repeat gets `'[j]'` appended
   * (svyBy: its 1-based position within the group; svyMean / svyTotal: within the table).
   */
  readonly labels: readonly string[];
  /** The grouping variables (svyBy); empty for svyMean / svyTotal. */
  readonly by: readonly string[];
  /**
   * svyBy: combinations of the grouping variables' levels with no respondent (of non-zero weight)
   * in the design's domain: not rows of the table (R drops them too) unless `dropEmpty: false`.
   * Empty for svyMean / svyTotal.
   */
  readonly emptyGroups: ReadonlyArray<Readonly<Record<string, string>>>;
  /** svyBy: respondents in the domain with a missing grouping value (in no group); else 0. */
  readonly nMissingGroup: number;
  /**
   * svyMean / svyTotal of several variables: per variable, the respondents in the domain
   * missing it. A respondent missing any of the variables is left out for all of them (R's
   * `na.rm = TRUE`), so every row's `nMissing` counts the respondents missing at least one;
   * this map says which variables they miss (a respondent missing two is counted under both).
   * Absent for svyBy tables.
   */
  readonly nMissingByVariable?: ReadonlyMap<string, number>;
}

/** The non-row members of an {@link EstimateTable} (see there). */
export interface TableMembers {
  /** The covariance, or a function computing it on first access. */
  covariance: Float64Array | (() => Float64Array);
  labels: readonly string[];
  by?: readonly string[];
  /** Called on first access (the list can be long). */
  emptyGroups?: () => ReadonlyArray<Readonly<Record<string, string>>>;
  nMissingGroup?: number;
  nMissingByVariable?: ReadonlyMap<string, number>;
}

const NO_GROUPS: ReadonlyArray<Readonly<Record<string, string>>> = Object.freeze([]);

/**
 * Makes `rows` an {@link EstimateTable}: its members are added as non-enumerable properties (the
 * array itself is returned).
 * @example
 * ```ts
 * const rows = [{ variable: 'y', estimate: 1, se: 0.5, ci: [0, 2] as [number, number], n: 3, nMissing: 0 }];
 * const table = toEstimateTable(rows, { covariance: Float64Array.of(0.25), labels: ['y'] });
 * console.log(table.labels, table.covariance[0], JSON.stringify(table).includes('labels')); // => [ 'y' ] 0.25 false
 * ```
 */
export function toEstimateTable(rows: Estimate[], members: TableMembers): EstimateTable {
  const props: PropertyDescriptorMap = {
    covariance:
      typeof members.covariance === 'function'
        ? { get: once(members.covariance), enumerable: false }
        : { value: members.covariance, enumerable: false },
    labels: { value: members.labels, enumerable: false },
    by: { value: members.by ?? [], enumerable: false },
    emptyGroups: members.emptyGroups
      ? { get: members.emptyGroups, enumerable: false }
      : { value: NO_GROUPS, enumerable: false },
    nMissingGroup: { value: members.nMissingGroup ?? 0, enumerable: false },
  };
  if (members.nMissingByVariable) {
    props.nMissingByVariable = { value: members.nMissingByVariable, enumerable: false };
  }
  return Object.defineProperties(rows, props) as unknown as EstimateTable;
}

/** `f`, called at most once. */
function once<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = f();
      done = true;
    }
    return value;
  };
}

/**
 * Labels that repeat get `'[j]'` appended, j their 1-based position in `rows` order within their
 * `scope` (e.g. the svyBy group; default the whole list).
 * @example
 * ```ts
 * console.log(uniqueLabels(['a', 'b', 'a'])); // => [ 'a[1]', 'b', 'a[3]' ]
 * ```
 */
export function uniqueLabels(labels: readonly string[], scope?: readonly string[]): string[] {
  const count = new Map<string, number>();
  for (const k of labels) count.set(k, (count.get(k) ?? 0) + 1);
  if ([...count.values()].every((c) => c === 1)) return [...labels];
  const position = new Map<string, number>();
  return labels.map((k, a) => {
    const g = scope ? scope[a]! : '';
    const j = (position.get(g) ?? 0) + 1;
    position.set(g, j);
    return count.get(k)! > 1 ? `${k}[${j}]` : k;
  });
}
