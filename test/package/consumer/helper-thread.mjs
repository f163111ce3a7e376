/**
 * A large model fitted with the installed package: the GLM's helper thread must load from the
 * package's files (dist/models/pass-worker.js) and give the numbers of one thread.
 */
import { fromColumns, setHelperThread, svyDesign, svyGlm } from 'surveykit';

// the installed package's own module (not exported): the same instance the entry point uses
const helper = await import(
  new URL('./node_modules/surveykit/dist/models/pass-helper.js', import.meta.url).href
);

const n = 120_000;
const cols = { psu: [], x: [], y: [], w: [] };
let s = 7;
const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
for (let i = 0; i < n; i++) {
  const x = rnd() * 4;
  cols.psu.push(Math.floor(rnd() * 300));
  cols.x.push(x);
  cols.y.push(rnd() < 1 / (1 + Math.exp(1 - 0.5 * x)) ? 1 : 0);
  cols.w.push(0.5 + rnd() * 2);
}
const design = svyDesign(fromColumns(cols), { ids: 'psu', weights: 'w' });
const slope = () => svyGlm(design, 'y ~ x', { family: 'quasibinomial' }).coefficients[1];

setHelperThread(false);
const one = slope();
setHelperThread(true);
const loaded = await helper.helperLoaded();
const before = helper.helperJobs();
const two = slope();
console.log(
  loaded,
  helper.helperJobs() > before,
  one.estimate === two.estimate && one.se === two.se,
);
