/**
 * The distribution functions against R 4.2.2 (`Rscript -e 'sprintf("%.17g", <call>)'`): each row
 * is the R call, our call and R's value, compared to 1e-10 relative.
 */
import { describe, expect, it } from 'vitest';
import {
  pchisqUpper,
  pfUpper,
  pnorm,
  pt,
  qbeta,
  qnorm,
  qt,
} from '../../src/stats/distributions.js';
import { expectClose } from '../helpers/reference.js';

type Row = [rCall: string, ours: () => number, r: number];

const rows: Row[] = [
  ['qnorm(0.975)', () => qnorm(0.975), 1.9599639845400536],
  ['qnorm(0.025)', () => qnorm(0.025), -1.9599639845400538],
  ['qnorm(0.5)', () => qnorm(0.5), 0],
  ['qnorm(0.9)', () => qnorm(0.9), 1.2815515655446008],
  ['qnorm(0.005)', () => qnorm(0.005), -2.5758293035488999],
  ['qnorm(1e-5)', () => qnorm(1e-5), -4.2648907939228256],
  ['qnorm(0.3)', () => qnorm(0.3), -0.52440051270804067],
  ['pnorm(1.96)', () => pnorm(1.96), 0.97500210485177963],
  ['pnorm(-1.96)', () => pnorm(-1.96), 0.024997895148220428],
  ['pnorm(0.3)', () => pnorm(0.3), 0.61791142218895267],
  ['pnorm(-5)', () => pnorm(-5), 2.8665157187919391e-7],
  ['pnorm(-10)', () => pnorm(-10), 7.6198530241605269e-24],
  ['pnorm(-30)', () => pnorm(-30), 4.9067139271481872e-198],
  ['pnorm(8)', () => pnorm(8), 0.99999999999999933],
  ['qt(0.975, 14)', () => qt(0.975, 14), 2.1447866879178039],
  ['qt(0.025, 14)', () => qt(0.025, 14), -2.1447866879178044],
  ['qt(0.95, 1)', () => qt(0.95, 1), 6.3137515146750376],
  ['qt(0.995, 3)', () => qt(0.995, 3), 5.8409093097333544],
  ['qt(0.975, 2.5)', () => qt(0.975, 2.5), 3.5746548420036919],
  ['qt(0.9, 197)', () => qt(0.9, 197), 1.2858636942630119],
  ['qt(0.975, 1e6)', () => qt(0.975, 1e6), 1.9599663568141066],
  ['qt(1e-10, 5)', () => qt(1e-10, 5), -156.82559270889428],
  ['qt(4e-26, 54)', () => qt(4e-26, 54), -19.230559566522782],
  ['qt(0.6, 30)', () => qt(0.6, 30), 0.25560536495191277],
  ['qt(0.001, 38)', () => qt(0.001, 38), -3.3190296551103571],
  ['pt(2.1, 14)', () => pt(2.1, 14), 0.9728334270125476],
  ['pt(-2.1, 14)', () => pt(-2.1, 14), 0.027166572987452422],
  ['pt(0.5, 3)', () => pt(0.5, 3), 0.67427601757592448],
  ['pt(-40, 3)', () => pt(-40, 3), 1.719034039457927e-5],
  ['pt(1.2, 2.5)', () => pt(1.2, 2.5), 0.8342805811670615],
  ['pt(-3, 1e6)', () => pt(-3, 1e6), 0.0013499312707108962],
  ['pt(10, 100)', () => pt(10, 100), 1],
  ['pf(3.2, 2, 10, lower.tail=FALSE)', () => pfUpper(3.2, 2, 10), 0.0842909133538738],
  ['pf(1.1, 5, 38, lower.tail=FALSE)', () => pfUpper(1.1, 5, 38), 0.37647753388246613],
  ['pf(25, 3, 14, lower.tail=FALSE)', () => pfUpper(25, 3, 14), 6.9535619103357028e-6],
  ['pf(0.2, 1, 180, lower.tail=FALSE)', () => pfUpper(0.2, 1, 180), 0.65525851612277863],
  ['pf(4.5, 2.7, 33.3, lower.tail=FALSE)', () => pfUpper(4.5, 2.7, 33.3), 0.011351110554111228],
  ['pchisq(3.84, 1, lower.tail=FALSE)', () => pchisqUpper(3.84, 1), 0.050043521248705224],
  ['pchisq(12, 5, lower.tail=FALSE)', () => pchisqUpper(12, 5), 0.034787780506241851],
  ['pchisq(0.5, 2, lower.tail=FALSE)', () => pchisqUpper(0.5, 2), 0.77880078307140488],
  ['pchisq(7.3, 2.6, lower.tail=FALSE)', () => pchisqUpper(7.3, 2.6), 0.045734325820006284],
  ['pchisq(200, 150, lower.tail=FALSE)', () => pchisqUpper(200, 150), 0.0039731859708216086],
  ['qbeta(0.025, 10, 20)', () => qbeta(0.025, 10, 20), 0.17938364923511188],
  ['qbeta(0.975, 143.5, 39.2)', () => qbeta(0.975, 143.5, 39.2), 0.84172296340814312],
  ['qbeta(0.5, 0.5, 0.5)', () => qbeta(0.5, 0.5, 0.5), 0.49999999999999989],
  ['qbeta(0.005, 1.7, 300)', () => qbeta(0.005, 1.7, 300), 0.00019464476783712331],
  ['qbeta(0.995, 300, 1.7)', () => qbeta(0.995, 300, 1.7), 0.99980535523216285],
  ['qbeta(0.1, 2, 3)', () => qbeta(0.1, 2, 3), 0.14255931671003075],
  ['qbeta(0.025, 0.3, 5.2)', () => qbeta(0.025, 0.3, 5.2), 6.5579029069516901e-7],
  ['qbeta(0.975, 1200.5, 800.25)', () => qbeta(0.975, 1200.5, 800.25), 0.62138858830969634],
  ['pf(60, 4, 100, lower.tail=FALSE)', () => pfUpper(60, 4, 100), 9.6803350819043341e-26],
  ['pchisq(50, 3, lower.tail=FALSE)', () => pchisqUpper(50, 3), 7.9891792449514704e-11],
  ['pf(0, 2, 10, lower.tail=FALSE)', () => pfUpper(0, 2, 10), 1],
  [
    'pf(3.2, 2, Inf, lower.tail=FALSE)',
    () => pfUpper(3.2, 2, Number.POSITIVE_INFINITY),
    0.040762203978366211,
  ],
  ['pchisq(0, 3, lower.tail=FALSE)', () => pchisqUpper(0, 3), 1],
  ['pt(-2.1, Inf)', () => pt(-2.1, Number.POSITIVE_INFINITY), 0.017864420562816556],
  ['qt(0.975, Inf)', () => qt(0.975, Number.POSITIVE_INFINITY), 1.9599639845400536],
  // the far lower tail keeps its relative precision
  ['qnorm(1e-10)', () => qnorm(1e-10), -6.3613409024040557],
  ['qnorm(1e-20)', () => qnorm(1e-20), -9.2623400897984052],
];

describe('distribution functions match R to 1e-10', () => {
  for (const [call, ours, expected] of rows) {
    it(call, () => {
      if (expected === 0) expect(Math.abs(ours())).toBeLessThan(1e-15);
      else expectClose(ours(), expected, 1e-10, call);
    });
  }
});
