/**
 * The report page (`report.html`): every section with its charts and tables, then the
 * methodology, as one self-contained page (see `renderReport`).
 * @module
 */

import type { ReportSection } from '../charts/report.js';
import { type ReportScripts, renderReport } from '../charts/report.js';
import { fileName } from './names.js';
import type { PollSection } from './sections.js';
import type { PollReportSummary } from './summary.js';
import type { ChartFileFormat } from './types.js';

const LINK_LABELS: Record<ChartFileFormat, string> = {
  png: 'PNG',
  svg: 'SVG',
  json: 'Vega-Lite JSON',
};

/** What the page is made of besides its sections. */
export interface PageInputs {
  /** The page's title. */
  title: string;
  /** The notice at the top, if any. */
  notice: string | undefined;
  /** Where the data comes from (under the title). */
  source: string;
  /** The summary (subtitle and footer). */
  summary: PollReportSummary;
  /** The methodology section. */
  methodology: ReportSection;
  /** The chart files each chart links to. */
  chartFiles: readonly ChartFileFormat[];
  /** The chart libraries' text, outside Node. */
  scripts: ReportScripts | undefined;
}

/** The report page. */
export function reportHtml(sections: readonly PollSection[], page: PageInputs): string {
  const { summary } = page;
  const input = summary.input;
  // file names only: reader-facing text names no folders of the machine that made it
  const file = (name: string | null, none: string) => (name === null ? none : fileName(name));
  return renderReport({
    title: page.title,
    subtitle: `Source: ${page.source}. ${summary.design.n} respondents, ${summary.design.weights === 'raked' ? 'raked' : 'design'} weights, ${Math.round(summary.design.level * 100)}% confidence intervals.`,
    ...(page.notice ? { notice: page.notice } : {}),
    sections: [
      ...sections.map((s) => ({
        id: s.id,
        title: s.title,
        paragraphs: s.paragraphs,
        charts: s.charts.map((c) => ({
          spec: c.spec,
          caption: c.caption,
          links: page.chartFiles.map((f) => ({
            label: LINK_LABELS[f],
            href: `charts/${c.name}.${f}`,
          })),
        })),
        tables: s.tables,
      })),
      page.methodology,
    ],
    footer: `${summary.generatedBy}; inputs: ${file(input.data, '')}, ${file(input.codebook, 'no codebook (types inferred)')}, ${file(input.questionnaire, 'no questionnaire')}, ${file(input.margins, 'no margins')}.`,
    ...(page.scripts ? { scripts: page.scripts } : {}),
  });
}
