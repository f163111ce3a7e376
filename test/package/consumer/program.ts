/**
 * The program the package test runs twice, from the INSTALLED package: in Node and, bundled by
 * esbuild for the browser, in headless Chromium. It uses only what needs no file system: CSV
 * text, .zsav bytes, a design, raking, estimates, a chart rendered to SVG and a report page.
 * Both runs must print the same numbers.
 */
import {
  estimateChart,
  parseCsv,
  parseSav,
  rake,
  renderReport,
  renderSvg,
  svyBy,
  svyCiProp,
  svyDesign,
  svyMean,
  svyQuantile,
} from 'surveykit';
import { reportScripts } from 'surveykit/report-scripts';

export interface ProgramResult {
  mean: number[];
  raked: number[];
  ciprop: number[];
  median: number[];
  byType: Array<[string, number, number]>;
  sav: { rows: number; columns: string[]; compression: string; firstLevels: string[] };
  svg: { starts: boolean; hasLabel: boolean };
  report: { bytes: number; inlined: boolean; fetches: boolean };
}

export async function program(csv: string, zsav: Uint8Array): Promise<ProgramResult> {
  const data = parseCsv(csv);
  const design = svyDesign(data, { ids: 'dnum', weights: 'pw', fpc: 'fpc' });
  const [m] = svyMean(design, 'api00');
  const raked = rake(design, [
    { variable: 'stype', population: { E: 4421, H: 755, M: 1018 } },
    { variable: 'sch.wide', population: { No: 1072, Yes: 5122 } },
  ]);
  const [r] = svyMean(raked, 'api00');
  const p = svyCiProp(design, 'sch.wide', { success: 'Yes', method: 'beta' });
  const [median] = svyQuantile(design, 'api00', [0.5]);
  const byType = svyBy(raked, 'stype', (d) => svyMean(d, 'api00'));
  const sav = parseSav(zsav);
  const firstCategorical = Object.values(sav.columns).find((c) => c.kind === 'categorical');
  const chart = estimateChart(svyMean(raked, 'stype'), { title: 'School types' });
  const svg = await renderSvg(chart);
  const html = renderReport({
    title: 'Schools',
    sections: [{ title: 'Types', charts: [{ spec: chart }] }],
    scripts: reportScripts,
  });
  return {
    mean: [m!.estimate, m!.se],
    raked: [r!.estimate, r!.se],
    ciprop: [p.estimate, p.ci[0], p.ci[1]],
    median: [median!.estimate, median!.ci[0], median!.ci[1]],
    byType: byType.map((row) => [row.group!.stype!, row.estimate, row.se]),
    sav: {
      rows: sav.nrow,
      columns: [...sav.names],
      compression: sav.sav.compression,
      firstLevels: firstCategorical?.kind === 'categorical' ? [...firstCategorical.levels] : [],
    },
    svg: { starts: svg.startsWith('<svg'), hasLabel: svg.includes('School types') },
    report: {
      bytes: html.length,
      inlined: html.includes('vegaEmbed'),
      fetches: /<script src=|https?:\/\/cdn/.test(html),
    },
  };
}
