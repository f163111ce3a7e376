/** Builds the replicate-weight designs described in replicate.json exactly as R built them. */
import { asRepDesign, svyRepDesign } from '../../src/design/replicate.js';
import type { ReplicateDesign } from '../../src/design/replicate-types.js';
import type { LinearizationDesign, LonelyPsu } from '../../src/design/types.js';
import { buildReferenceDesign, type ReferenceDesign } from './designs.js';
import { loadReferenceData } from './reference.js';

/** How replicate.json describes a case's design (the R call that made it). */
export interface ReplicateCaseSpec {
  id: string;
  /** `asRepDesign` of a reference design, or `svyRepDesign` on columns of a data file. */
  from: 'design' | 'columns';
  design?: string;
  lonelyPsu?: LonelyPsu;
  data?: string;
  args: {
    type: ReplicateDesign['repType'];
    rho: number | null;
    weights?: string;
    repweights?: string;
    scale?: number | null;
    rscales?: number[] | null;
    combinedWeights?: boolean;
  };
  rcall: string;
}

/** The surveykit design for a reference case, built as R built it. */
export function buildReplicateCase(
  designs: Record<string, ReferenceDesign>,
  c: ReplicateCaseSpec,
): ReplicateDesign {
  if (c.from === 'design') {
    const lin = buildReferenceDesign(designs[c.design!]!, c.lonelyPsu) as LinearizationDesign;
    return asRepDesign(lin, {
      type: c.args.type as 'JK1',
      ...(c.args.rho === null ? {} : { rho: c.args.rho }),
    });
  }
  const a = c.args;
  return svyRepDesign(loadReferenceData(c.data!), {
    weights: a.weights!,
    repweights: new RegExp(a.repweights!),
    type: a.type,
    ...(a.scale != null ? { scale: a.scale } : {}),
    ...(a.rscales != null ? { rscales: a.rscales } : {}),
    ...(a.rho != null ? { rho: a.rho } : {}),
    combinedWeights: a.combinedWeights ?? true,
  });
}
