import { svyDesign, svyTabs, rake } from './src/index.js';
import { tabsColumns, tabsFrame, tabsSpec } from './bench/tabs-data.js';
const n = Number(process.argv[2] ?? 100000);
const data = tabsFrame(tabsColumns(n));
const d = svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'weight' });
const spec = tabsSpec();
for (let k = 0; k < 4; k++) { const t = performance.now(); const tabs = svyTabs(d, spec); console.log('clustered', (performance.now() - t).toFixed(0), 'ms', tabs.rows.length, tabs.columns.length); }
const srs = svyDesign(data, { strata: 'stratum', weights: 'weight' });
for (let k = 0; k < 2; k++) { const t = performance.now(); svyTabs(srs, spec); console.log('one per PSU', (performance.now() - t).toFixed(0), 'ms'); }
