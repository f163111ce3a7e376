/** The designs of test/reference/estimators.json (svyratio, svyvar, svyttest, svycontrast). */
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import type { Margin } from '../../src/design/weighting-history.js';
import { EstimationError } from '../../src/errors.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { rake } from '../../src/weighting/rake.js';
import { type Condition, conditionMask } from './conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from './designs.js';
import { thrown } from './errors.js';
import { loadReferenceJson } from './reference.js';
import { buildReplicateCase, type ReplicateCaseSpec } from './replicate.js';

/** How estimators.json says a case's design is built. */
export type AnalysisSpec =
  | { kind: 'design'; design: string }
  | { kind: 'rake'; base: string; margins: Margin[]; rcall: string }
  | { kind: 'replicate'; spec: ReplicateCaseSpec & { mse: boolean } }
  | {
      kind: 'postStratify';
      base: string;
      variable: string;
      population: Record<string, number>;
      rcall: string;
    };

/** What every case of estimators.json has. */
export interface EstimatorCase {
  id: string;
  design: string;
  subset: Condition[] | null;
  call: string;
}

/** estimators.json, with the case lists typed by the test that reads them. */
export interface EstimatorsReference {
  designs: Record<string, ReferenceDesign>;
  analysis: Record<string, AnalysisSpec>;
  [section: string]: unknown;
}

export const estimatorsRef = loadReferenceJson<EstimatorsReference>('estimators.json');

const built = new Map<string, SurveyDesign>();

/** The design a case names, built as R built it (once per test file). */
export function analysisDesign(key: string): SurveyDesign {
  const hit = built.get(key);
  if (hit) return hit;
  const spec = estimatorsRef.analysis[key];
  if (!spec) throw new Error(`no design "${key}" in estimators.json`);
  let d: SurveyDesign;
  switch (spec.kind) {
    case 'design':
      d = buildReferenceDesign(estimatorsRef.designs[spec.design]!);
      break;
    case 'rake':
      d = rake(analysisDesign(spec.base), spec.margins);
      break;
    case 'replicate': {
      const rep = buildReplicateCase(estimatorsRef.designs, spec.spec);
      d = spec.spec.mse ? { ...rep, mse: true } : rep;
      break;
    }
    case 'postStratify':
      d = postStratify(analysisDesign(spec.base), {
        variables: [spec.variable],
        population: Object.entries(spec.population).map(([level, count]) => ({
          [spec.variable]: level,
          count,
        })),
      });
      break;
  }
  built.set(key, d);
  return d;
}

/** The case's design, in its domain when it has one. */
export function caseDesign(c: EstimatorCase): SurveyDesign {
  const d = analysisDesign(c.design);
  return c.subset ? subset(d, conditionMask(d.data, c.subset)) : d;
}

/** The EstimationError `f` throws (fails the test if it throws nothing or something else). */
export function estimationError(f: () => unknown): EstimationError {
  const e = thrown(f);
  if (e instanceof EstimationError) return e;
  throw e;
}
