/**
 * Writing a report to a folder (Node only): `summary.json`, `tables/<name>.csv`, each chart as
 * `charts/<name>.png|svg|json` and `report.html`. Every file goes through one path check
 * (`pathInside`), and a table or chart name that is not a plain file name is refused, so nothing
 * in the data or the questionnaire can write outside the folder.
 * @module
 */
import { renderSvg, svgToPng } from '../charts/render.js';
import { DataFormatError } from '../errors.js';
import { pathInside, writeInside } from '../platform/write.js';
import { tabsToXlsx } from '../tabs/xlsx.js';
import type { PollReport } from './types.js';

/** Options of {@link writePollReport}. */
export interface WritePollReportOptions {
  /**
   * Receives a line for the charts and one for the files written.
   * @param line - The line, for a person.
   */
  log?: (line: string) => void;
}

/** A plain file name: not empty, no separator, not `.` or `..`, no control character. */
function checkName(name: string, folder: string, outDir: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (name === '' || name === '.' || name === '..' || /[/\\\u0000-\u001f]/.test(name)) {
    throw new DataFormatError(
      'UNSAFE_PATH',
      `refusing to write ${JSON.stringify(`${folder}/${name}`)}: a ${folder === 'tables' ? 'table' : 'chart'} name must be a plain file name, inside ${outDir}/${folder}`,
      { file: name, value: outDir },
    );
  }
}

/**
 * Writes a report made by {@link pollReport} into `outDir` (made if needed): `summary.json`,
 * `tables/<name>.csv`, each chart as `charts/<name>.png` (2× scale), `.svg` and `.json` (the
 * Vega-Lite spec; the formats in `report.chartFiles`), the banner tables as `tabs.xlsx` (when the
 * report has them), and `report.html`; resolves to the paths
 * written, in that order. Node only (`NEEDS_NODE` elsewhere).
 *
 * Every file is made in memory first (charts drawn, the workbook built) and every path checked,
 * so a report that cannot be written whole writes nothing: an error leaves no half-written folder.
 *
 * @param report - A report from {@link pollReport}.
 * @param outDir - The folder to write into (made if needed).
 * @param opts - Where to report progress: see {@link WritePollReportOptions}.
 * @throws {DataFormatError} `UNSAFE_PATH` for a table or chart name that is not a plain file name,
 *   `WRITE_ERROR` (a file that cannot be written: files before it are written).
 * @throws {SurveyError} from drawing the charts (`INVALID_CHART_SPEC`, `TOO_LARGE`); nothing is
 *   written then.
 * @example
 * ```ts
 * const data = fromColumns({ vote: ['Yes', 'No', 'Yes'], w: [1, 2, 1] });
 * const report = pollReport({ data, design: { weights: 'w' }, charts: false });
 * const files = await writePollReport(report, 'out/example-report');
 * console.log(files.map((f) => f.split('/').slice(-2).join('/'))); // => [ 'example-report/summary.json', 'tables/topline.csv' ]
 * ```
 */
export async function writePollReport(
  report: PollReport,
  outDir: string,
  opts: WritePollReportOptions = {},
): Promise<string[]> {
  for (const name of report.tables.keys()) checkName(name, 'tables', outDir);
  for (const chart of report.charts) checkName(chart.name, 'charts', outDir);
  // Everything is made in memory first (charts drawn, the workbook built, every path checked),
  // so that a failure leaves no half-written folder behind.
  const out: Array<[string, string | Uint8Array]> = [];
  out.push(['summary.json', `${JSON.stringify(report.summary, null, 2)}\n`]);
  for (const [name, csv] of report.tables) out.push([`tables/${name}.csv`, csv]);
  const formats = new Set(report.chartFiles);
  for (const chart of report.charts) {
    if (formats.has('json')) {
      out.push([`charts/${chart.name}.json`, `${JSON.stringify(chart.spec, null, 2)}\n`]);
    }
    if (!formats.has('svg') && !formats.has('png')) continue;
    const svg = await renderSvg(chart.spec);
    if (formats.has('svg')) out.push([`charts/${chart.name}.svg`, svg]);
    if (formats.has('png')) out.push([`charts/${chart.name}.png`, svgToPng(svg, { scale: 2 })]);
  }
  const chartFiles = out.length - 1 - report.tables.size;
  if (report.tabs) {
    const notes = report.notice ? [report.notice] : [];
    out.push([
      'tabs.xlsx',
      await tabsToXlsx(report.tabs, { source: report.summary.source, notes }),
    ]);
  }
  if (report.html !== null) out.push(['report.html', report.html]);
  for (const [name] of out) pathInside(outDir, name);
  const files: string[] = [];
  for (const [name, content] of out) files.push(await writeInside(outDir, name, content));
  const log = opts.log ?? (() => {});
  const dir = outDir.replace(/[/\\]+$/, '') || outDir;
  if (report.charts.length) {
    const kinds = [
      ...(formats.has('png') ? ['PNG'] : []),
      ...(formats.has('svg') ? ['SVG'] : []),
      ...(formats.has('json') ? ['Vega-Lite JSON'] : []),
    ];
    log(
      `charts: ${report.charts.length} chart${report.charts.length === 1 ? '' : 's'}${kinds.length ? ` as ${kinds.join(', ').replace(/, ([^,]*)$/, ' and $1')}` : ''} in ${dir}/charts${report.html !== null ? `; report ${dir}/report.html` : ''}`,
    );
  }
  log(
    `wrote ${dir}/summary.json, ${report.tables.size} table${report.tables.size === 1 ? '' : 's'} in ${dir}/tables${chartFiles ? `, ${chartFiles} chart files` : ''}${report.tabs ? ', tabs.xlsx' : ''}${report.html !== null ? ' and report.html' : ''}`,
  );
  return files;
}
