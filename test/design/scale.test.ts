import { describe, expect, it } from 'vitest';
import { svyDesign } from '../../src/design/build.js';
import { ldexp, weightExponent, workingDesign } from '../../src/design/scale.js';
import { scaledApistrat } from '../helpers/scaled.js';

describe('ldexp', () => {
  it('multiplies by a power of two exactly, through the subnormal range and back', () => {
    for (const x of [1, 3, 0.1, 123456.789, 5e-324 * 7]) {
      for (const e of [-1074, -1060, -600, 0, 600, 1000]) {
        const y = ldexp(x, e);
        if (y !== 0 && Number.isFinite(y) && Math.abs(y) >= 2 ** -1022)
          expect(ldexp(y, -e)).toBe(x);
      }
    }
    expect(ldexp(1, 1024)).toBe(Number.POSITIVE_INFINITY);
    expect(ldexp(1, -1074)).toBe(5e-324);
  });
});

describe('weightExponent / workingDesign', () => {
  it('leaves ordinary weights alone (no copy)', () => {
    const d = svyDesign(
      scaledApistrat((w) => w * 1e6),
      { strata: 'stype', weights: 'pwx' },
    );
    expect(weightExponent(d.weights)).toBe(0);
    expect(workingDesign(d).design).toBe(d);
  });

  it.each([
    ['1e300', (w: number) => w * 1e300],
    ['1e200', (w: number) => w * 1e200],
    ['1e-300', (w: number) => w * 1e-300],
    ['subnormal', (w: number) => 5e-324 * Math.round(w)],
  ])('scales %s weights to near 1, exactly, and keeps the design as given', (_, f) => {
    const d = svyDesign(scaledApistrat(f), { strata: 'stype', weights: 'pwx' });
    const { design, exponent } = workingDesign(d);
    expect(exponent).not.toBe(0);
    expect(design).not.toBe(d);
    expect(workingDesign(d).design).toBe(design);
    const max = design.weights.reduce((a, b) => Math.max(a, b), 0);
    expect(max).toBeGreaterThanOrEqual(0.5);
    expect(max).toBeLessThan(4);
    for (let i = 0; i < d.weights.length; i++)
      expect(ldexp(design.weights[i]!, exponent)).toBe(d.weights[i]);
    expect(design.type === 'linearization' && design.stages).toBe(d.stages);
  });
});
