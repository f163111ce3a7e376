/** svyTabs on weights of extreme size: the same table as on ordinary weights (see scale.ts). */
import { describe, expect, it } from 'vitest';
import { svyDesign } from '../../src/design/build.js';
import { SurveyError } from '../../src/errors.js';
import { svyTabs } from '../../src/tabs/tabs.js';
import { expectClose } from '../helpers/reference.js';
import { scaledApistrat } from '../helpers/scaled.js';

const SPEC = { strata: 'stype', weights: 'pwx' } as const;
const TABS = { rows: ['sch.wide', 'api00'], banner: ['awards'] };

describe('svyTabs on weights near the limits of double precision', () => {
  it.each([
    ['1e300', (w: number) => w, 1e300],
    ['1e-300', (w: number) => w, 1e-300],
    ['subnormal', (w: number) => Math.round(w), 5e-324],
  ] as const)(
    '%s: estimates, SEs and letters as with ordinary weights, weighted bases times the factor',
    (_, base, f) => {
      const ordinary = svyTabs(svyDesign(scaledApistrat(base), SPEC), TABS);
      const extreme = svyTabs(
        svyDesign(
          scaledApistrat((w) => base(w) * f),
          SPEC,
        ),
        TABS,
      );
      const tol = f === 5e-324 ? 1e-4 : 1e-12;
      extreme.columns.forEach((c, k) => {
        expectClose(c.weightedBase, ordinary.columns[k]!.weightedBase * f, tol, 'column base');
      });
      extreme.rows.forEach((row, r) => {
        row.cells.forEach((cell, k) => {
          const o = ordinary.rows[r]!.cells[k]!;
          expectClose(cell.estimate, o.estimate, 1e-12, 'estimate');
          if (o.se === 0) expect(cell.se).toBeLessThan(1e-12);
          else expectClose(cell.se, o.se, 1e-12, 'se');
          expect(cell.letters).toBe(o.letters);
          expectClose(cell.weightedBase, o.weightedBase * f, tol, 'cell base');
        });
      });
    },
  );

  it('a weighted base beyond the double range is NON_FINITE_RESULT', () => {
    const d = svyDesign(
      scaledApistrat((w) => w * 4e305),
      SPEC,
    );
    let code = '';
    try {
      svyTabs(d, TABS);
    } catch (e) {
      if (e instanceof SurveyError) code = e.code;
    }
    expect(code).toBe('NON_FINITE_RESULT');
  });
});
