import { svyDesign, svyTabs, rake, svyTotal } from '../src/index.js';
import { tabsColumns, tabsFrame, tabsSpec } from './tabs-data.js';
const data = tabsFrame(tabsColumns(100000));
const d0 = svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'weight' });
const margins = ['sex', 'agegroup', 'region'].map((v) => ({ variable: v, population: Object.fromEntries(svyTotal(d0, v).map((r) => [r.level!, Math.round(r.estimate * 1.1)])) }));
const d = rake(d0, margins);
const spec = tabsSpec();
for (let k = 0; k < 2; k++) { const c = process.cpuUsage(); const t = performance.now(); svyTabs(d, spec); const u = process.cpuUsage(c); console.log('raked', (performance.now() - t).toFixed(0), 'ms wall', ((u.user + u.system) / 1000).toFixed(0), 'ms cpu'); }
