/** Builds the designs described in the reference JSON files exactly as R built them. */
import type { SurveyData } from '../../src/data/types.js';
import { svyDesign } from '../../src/design/build.js';
import type { DesignSpec, LinearizationDesign, LonelyPsu } from '../../src/design/types.js';
import { loadReferenceData } from './reference.js';

/** A design as recorded by the R scripts (test/reference/README.md). */
export interface ReferenceDesign {
  name: string;
  data: string;
  ids: string[] | null;
  strata: string | null;
  weights: string | null;
  probs: string | null;
  fpc: string[] | null;
  nest: boolean;
  rcall: string;
}

/**
 * The surveykit design matching a reference design record (on `data` when given: the record's
 * data with columns added).
 */
export function buildReferenceDesign(
  ref: ReferenceDesign,
  lonelyPsu?: LonelyPsu,
  data: SurveyData = loadReferenceData(ref.data),
): LinearizationDesign {
  const spec: DesignSpec = { nest: ref.nest };
  if (ref.ids) spec.ids = ref.ids;
  if (ref.strata) spec.strata = ref.strata;
  if (ref.weights) spec.weights = ref.weights;
  if (ref.probs) spec.probs = ref.probs;
  if (ref.fpc) spec.fpc = ref.fpc;
  if (lonelyPsu) spec.lonelyPsu = lonelyPsu;
  return svyDesign(data, spec);
}

const cache = new Map<ReferenceDesign, LinearizationDesign>();

/** The design a reference file names, built once per test file. */
export function referenceDesign(
  ref: { designs: Record<string, ReferenceDesign> },
  name: string,
): LinearizationDesign {
  const r = ref.designs[name];
  if (!r) throw new Error(`no design "${name}" in the reference file`);
  let d = cache.get(r);
  if (!d) {
    d = buildReferenceDesign(r);
    cache.set(r, d);
  }
  return d;
}
