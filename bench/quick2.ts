import { svyDesign, svyTabs } from '../src/index.js';
import { tabsColumns, tabsFrame, tabsSpec } from './tabs-data.js';
const n = Number(process.argv[2] ?? 100000);
const data = tabsFrame(tabsColumns(n));
const which = process.argv[3] ?? 'clustered';
const d = which === 'clustered' ? svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'weight' }) : svyDesign(data, { strata: 'stratum', weights: 'weight' });
const spec = tabsSpec();
for (let k = 0; k < 5; k++) { const c = process.cpuUsage(); const t = performance.now(); svyTabs(d, spec); const u = process.cpuUsage(c); console.log(which, (performance.now() - t).toFixed(0), 'ms wall', ((u.user + u.system) / 1000).toFixed(0), 'ms cpu'); }
