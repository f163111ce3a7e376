import { svyDesign, svyTabs } from './src/index.js';
import { tabsColumns, tabsFrame, tabsSpec } from './bench/tabs-data.js';
const data = tabsFrame(tabsColumns(100000));
const d = svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'weight' });
const spec = tabsSpec();
for (let k = 0; k < 3; k++) { const t = performance.now(); svyTabs(d, spec); console.log('clustered', (performance.now() - t).toFixed(0), 'ms'); }
