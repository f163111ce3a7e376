import { it } from 'vitest';
import { svyDesign } from '../src/design/build.js';
import { svyMean } from '../src/estimate/mean.js';
import { postStratify } from '../src/weighting/poststratify.js';
import { scaledApistrat } from './design/scale.test.js';
it('x', () => {
    const d = svyDesign(scaledApistrat((w:number)=>w*1e-300), { strata: 'stype', weights: 'pwx' });
    const c = postStratify(d, { variables: ['stype'], population: [{ stype: 'E', count: 4421 }, { stype: 'H', count: 755 }, { stype: 'M', count: 1018 }] });
    try { svyMean(c, 'api00'); } catch (e) { console.log((e as Error).stack); }
});
