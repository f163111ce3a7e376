/** The designs of multi.json (test/reference/multi.R), built as R built them. */
import { asRepDesign } from '../../src/design/replicate.js';
import type { ReplicateType } from '../../src/design/replicate-types.js';
import { subset } from '../../src/design/subset.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { postStratify } from '../../src/weighting/poststratify.js';
import { type Condition, conditionMask } from './conditions.js';
import { buildReferenceDesign, type ReferenceDesign } from './designs.js';

/** multi.json's `spec` of a case. */
export interface MultiSpec {
  design: string;
  subset: Condition[] | null;
  rep: ReplicateType | null;
  mse: boolean;
  postStratify: boolean;
}

/**
 * `as.svrepdesign(<design>, type)` (with `mse`), or `postStratify(<design>, ~stype, E 4421, H 755,
 * M 1018)`, then the subset.
 */
export function multiDesign(
  designs: Record<string, ReferenceDesign>,
  spec: MultiSpec,
): SurveyDesign {
  let d: SurveyDesign = buildReferenceDesign(designs[spec.design]!);
  if (spec.rep) {
    d = asRepDesign(d, { type: spec.rep as 'JK1' | 'JKn' });
    if (spec.mse) d = { ...d, mse: true };
  }
  if (spec.postStratify) {
    d = postStratify(d, {
      variables: ['stype'],
      population: [
        { stype: 'E', count: 4421 },
        { stype: 'H', count: 755 },
        { stype: 'M', count: 1018 },
      ],
    });
  }
  return spec.subset ? subset(d, conditionMask(d.data, spec.subset)) : d;
}
