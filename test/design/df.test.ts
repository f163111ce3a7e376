import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { degreesOfFreedom, groupDegreesOfFreedom } from '../../src/design/df.js';
import { asRepDesign } from '../../src/design/replicate.js';
import { subset } from '../../src/design/subset.js';

describe('groupDegreesOfFreedom: each group as degreesOfFreedom of its subset', () => {
  // 4 strata × 6 PSUs in random row order, some zero weights, groups interleaved, some rows
  // without a group.
  let seed = 11;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const n = 400;
  const psu = Array.from({ length: n }, () => Math.floor(random() * 24));
  const G = 9;
  const data = fromColumns({
    psu,
    stratum: psu.map((p) => Math.floor(p / 6)),
    w: Array.from({ length: n }, () => (random() < 0.05 ? 0 : 1 + random())),
    in: Array.from({ length: n }, () => (random() < 0.7 ? 1 : 0)),
  });
  // a rare group (a few rows), a group absent from the domain, one row per group elsewhere
  const codes = Int32Array.from({ length: n }, () =>
    random() < 0.05 ? -1 : Math.floor(random() * (G - 1)),
  );
  codes[7] = G - 1;
  const design = svyDesign(data, {
    ids: 'psu',
    strata: 'stratum',
    weights: 'w',
    allowZeroWeights: true,
  });
  const expected = (d: typeof design | ReturnType<typeof asRepDesign>) =>
    Array.from({ length: G }, (_, g) =>
      degreesOfFreedom(
        subset(
          d,
          Array.from(codes, (c) => c === g),
        ),
      ),
    );

  it('a linearization design, with and without a domain', () => {
    const whole = groupDegreesOfFreedom(design, codes, G);
    expect(Array.from(whole)).toEqual(expected(design));
    // not every group has every PSU, and the rare group has fewer than the others
    expect(new Set(whole).size).toBeGreaterThan(1);
    const dom = subset(design, (r) => r.in === 1);
    expect(Array.from(groupDegreesOfFreedom(dom, codes, G))).toEqual(expected(dom));
  });

  it('the same in any row order', () => {
    const order = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
    const column = <T>(x: readonly T[]) => order.map((i) => x[i]!);
    const shuffled = svyDesign(
      fromColumns({
        psu: column(psu),
        stratum: column(psu.map((p) => Math.floor(p / 6))),
        w: order.map((i) => design.weights[i]!),
      }),
      { ids: 'psu', strata: 'stratum', weights: 'w', allowZeroWeights: true },
    );
    const shuffledCodes = Int32Array.from(order, (i) => codes[i]!);
    expect(Array.from(groupDegreesOfFreedom(shuffled, shuffledCodes, G))).toEqual(expected(design));
  });

  it('many groups of a design with many clusters: several passes, the same numbers', () => {
    // one PSU per respondent: 8 bytes per row hold 8 groups' marks at a time
    const srs = svyDesign(fromColumns({ s: Array.from({ length: n }, (_, i) => i % 3) }), {
      strata: 's',
    });
    const many = Int32Array.from({ length: n }, (_, i) => (i * 7) % 50);
    const got = groupDegreesOfFreedom(srs, many, 50);
    const want = Array.from({ length: 50 }, (_, g) =>
      degreesOfFreedom(
        subset(
          srs,
          Array.from(many, (c) => c === g),
        ),
      ),
    );
    expect(Array.from(got)).toEqual(want);
    expect(want.every((x) => x === 5)).toBe(true); // 8 rows in 3 strata
  });

  it('a replicate design: the rank per group', () => {
    const rep = asRepDesign(
      svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'w', allowZeroWeights: true }),
    );
    expect(Array.from(groupDegreesOfFreedom(rep, codes, G))).toEqual(expected(rep));
  });
});
