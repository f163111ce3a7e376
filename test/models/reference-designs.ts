/** Rebuilds the designs of test/reference/models.json (`modelDesigns`) as R built them. */
import type { SurveyData } from '../../src/data/types.js';
import { asRepDesign, svyRepDesign } from '../../src/design/replicate.js';
import type { ReplicateType } from '../../src/design/replicate-types.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import type { Margin } from '../../src/design/weighting-history.js';
import { calibrate } from '../../src/weighting/calibrate.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { type Condition, conditionMask } from '../helpers/conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from '../helpers/designs.js';
import { loadReferenceData, loadReferenceJson } from '../helpers/reference.js';

/** How models.json describes a design. */
export interface ModelDesignSpec {
  base: string | null;
  weighting: { method: 'rake' | 'postStratify' | 'calibrate'; margins: Margin[] } | null;
  replicate: { type: ReplicateType; mse?: boolean } | null;
  columns: { data: string; weights: string; repweights: string; type: ReplicateType } | null;
  subset: Condition[] | null;
  mealcat: boolean;
}

export interface ModelsJson {
  designs: Record<string, ReferenceDesign>;
  modelDesigns: Record<string, ModelDesignSpec>;
  mealcatBreaks: number[];
}

export const models = loadReferenceJson<ModelsJson & Record<string, unknown>>('models.json');

/** The data with mealcat = cut(meals, breaks) as R's `cut` makes it (right-closed intervals). */
export function withMealcat(data: SurveyData, breaks: readonly number[]): SurveyData {
  const meals = data.columns['meals'];
  if (meals?.kind !== 'numeric') throw new Error('no numeric meals');
  const levels = breaks.slice(1).map((b, k) => `(${breaks[k]},${b}]`);
  const codes = new Int32Array(data.nrow).fill(-1);
  for (let i = 0; i < data.nrow; i++) {
    const v = meals.values[i]!;
    for (let k = 0; k + 1 < breaks.length; k++) {
      if (v > breaks[k]! && v <= breaks[k + 1]!) codes[i] = k;
    }
  }
  return {
    ...data,
    names: [...data.names, 'mealcat'],
    columns: { ...data.columns, mealcat: { kind: 'categorical', name: 'mealcat', codes, levels } },
  };
}

const cache = new Map<string, SurveyDesign>();

/** The surveykit design for a design name of models.json. */
export function modelDesign(name: string): SurveyDesign {
  const hit = cache.get(name);
  if (hit) return hit;
  const spec = models.modelDesigns[name];
  if (!spec) throw new Error(`no design ${name}`);
  let design: SurveyDesign;
  if (spec.columns) {
    const c = spec.columns;
    design = svyRepDesign(loadReferenceData(c.data), {
      weights: c.weights,
      repweights: new RegExp(c.repweights),
      type: c.type,
    });
  } else {
    const ref = models.designs[spec.base!]!;
    const data = loadReferenceData(ref.data);
    design = buildReferenceDesign(
      ref,
      undefined,
      spec.mealcat ? withMealcat(data, models.mealcatBreaks) : data,
    );
    if (spec.replicate) {
      design = asRepDesign(design, {
        type: spec.replicate.type as 'JK1',
        mse: spec.replicate.mse ?? false,
      });
    }
  }
  if (spec.weighting) {
    const w = spec.weighting;
    if (w.method === 'rake') design = rake(design, w.margins, { epsilon: 1e-13, maxIter: 1000 });
    else if (w.method === 'calibrate')
      design = calibrate(design, { margins: w.margins, calfun: 'linear' });
    else {
      const m = w.margins[0]!;
      design = postStratify(design, {
        variables: [m.variable],
        population: Object.entries(m.population).map(([level, count]) => ({
          [m.variable]: level,
          count,
        })) as never,
      });
    }
  }
  if (spec.subset) design = subset(design, conditionMask(design.data, spec.subset));
  cache.set(name, design);
  return design;
}
