/**
 * The weighting stage of a poll: population margins from a margins file (`data/margins.json`)
 * and raking of the design weights to them.
 * @module
 */
import {
  array,
  minLength,
  nonnegative,
  number,
  optional,
  type output,
  positive,
  record,
  strictObject,
  string,
} from 'zod/mini';
import { readJsonFile } from '../data/json-file.js';
import { type JsonPath, validateJson } from '../data/validate.js';
import type { SurveyDesign } from '../design/types.js';
import type { Margin } from '../design/weighting-history.js';
import { WeightingError } from '../errors.js';
import { type RakeOptions, rake } from '../weighting/rake.js';

/** The margins file: population counts per level of each raking variable. */
export const marginsFileSchema = strictObject({
  /** The population total every margin sums to (documentation). */
  population: optional(number().check(positive())),
  /** What the margins are and where they come from. */
  description: optional(string()),
  /** The margins, one per raking variable. */
  margins: array(
    strictObject({
      /** The variable (a categorical column). */
      variable: string().check(minLength(1)),
      /** Where the figures come from. */
      source: optional(string()),
      /** How they were derived from the source. */
      derivation: optional(string()),
      /** Population count per level, keyed by the codebook value label. */
      population: record(string(), number().check(nonnegative())),
    }),
  ).check(minLength(1)),
  /** Variables considered and not used as margins, with the reason. */
  excluded: optional(
    array(
      strictObject({
        /** The variable. */
        variable: string(),
        /** Why it is not a margin. */
        reason: string(),
      }),
    ),
  ),
});

/**
 * The content of a margins file.
 * @useDeclaredType
 */
export type MarginsFile = output<typeof marginsFileSchema>;

/**
 * The raking margins (`{ variable, population }`, level keys as the codebook's value labels)
 * of a parsed margins file, validated.
 *
 * @param json - A margins file as parsed JSON (see {@link MarginsFile}).
 * @param source - The name given in error messages (a file name); default `margins`.
 * @throws {WeightingError} `INVALID_MARGINS` listing every problem with its path.
 * @example
 * ```ts
 * const margins = marginsFromJson({ margins: [{ variable: 'sex', source: 'census', population: { Male: 45, Female: 55 } }] });
 * console.log(margins); // => [ { variable: 'sex', population: { Male: 45, Female: 55 } } ]
 * ```
 */
export function marginsFromJson(json: unknown, source = 'margins'): Margin[] {
  // A level is any value label, "__proto__" included: zod would drop that key, so the levels
  // are read from the file's own keys (and that one's count checked here).
  const isPopulation = (path: JsonPath) =>
    path.length === 3 && path[0] === 'margins' && path[2] === 'population';
  const result = validateJson(marginsFileSchema, json, { protoKeyAllowed: isPopulation });
  const problems = result.ok ? [] : [...result.problems];
  const raw = (json as { margins?: unknown }).margins;
  if (Array.isArray(raw)) {
    raw.forEach((m, i) => {
      const population = (m as { population?: unknown } | null)?.population;
      if (population === null || typeof population !== 'object') return;
      if (!Object.hasOwn(population, '__proto__')) return;
      const count: unknown = Object.getOwnPropertyDescriptor(population, '__proto__')?.value;
      if (typeof count !== 'number' || !(count >= 0) || !Number.isFinite(count)) {
        problems.push(
          `margins.${i}.population.__proto__: the count must be a number of at least 0; got ${JSON.stringify(count)}`,
        );
      }
    });
  }
  if (!result.ok || problems.length > 0) {
    throw new WeightingError(
      'INVALID_MARGINS',
      `${source}: invalid margins file\n  ${problems.join('\n  ')}`,
      { file: source, problems },
    );
  }
  return result.data.margins.map((m, i) => ({
    variable: m.variable,
    // the file's own entries, in its order (fromEntries defines "__proto__" as an own key)
    population: Object.fromEntries(
      Object.entries((raw as Array<{ population: Record<string, number> }>)[i]!.population),
    ),
  }));
}

/**
 * Reads a margins file and returns its raking margins.
 * @param path - Path of the margins JSON file (Node; elsewhere parse the file's text and use
 *   {@link marginsFromJson}).
 * @throws {WeightingError} `INVALID_MARGINS` (also for a file that is not JSON).
 * @throws {DataFormatError} `FILE_NOT_FOUND`, `READ_ERROR`.
 * @example
 * ```ts
 * const margins = await readMargins('data/margins.json');
 * console.log(margins.map((m) => m.variable)); // => [ 'region', 'sex', 'agegroup', 'area' ]
 * ```
 */
export async function readMargins(path: string): Promise<Margin[]> {
  const json = await readJsonFile(
    path,
    (message) => new WeightingError('INVALID_MARGINS', message, { file: path }),
  );
  return marginsFromJson(json, path);
}

/**
 * Weights a design to the population: rakes its weights to the margins (parsed margins, or the
 * content of a margins file), so that the weighted count of every level of every margin
 * variable equals the population's. Standard errors on the result account for the raking.
 *
 * @param design - The design to weight.
 * @param margins - The population counts of each margin variable: parsed margins, or the content of
 *   a margins file.
 * @param opts - Iteration limit and tolerance of the raking: see {@link RakeOptions}.
 * @throws {WeightingError} from {@link marginsFromJson} and `rake` (unknown variable or level,
 *   empty cell, inconsistent margins, no convergence).
 * @example
 * ```ts
 * const data = fromColumns({ sex: ['Male', 'Female', 'Female', 'Female'] });
 * const d = weightToPopulation(svyDesign(data), { margins: [{ variable: 'sex', population: { Male: 50, Female: 50 } }] });
 * console.log(svyTotal(d, 'sex').map((r) => r.estimate.toFixed(3)).join(' ')); // => 50.000 50.000
 * ```
 */
export function weightToPopulation<D extends SurveyDesign>(
  design: D,
  margins: readonly Margin[] | MarginsFile,
  opts: RakeOptions = {},
): D {
  const list = Array.isArray(margins) ? [...margins] : marginsFromJson(margins);
  return rake(design, list, opts);
}
