/**
 * A self-contained HTML report: sections of text, interactive charts (vega, vega-lite and
 * vega-embed inlined: nothing is fetched when the page opens) and tables of estimates with their
 * intervals and bases. Every text is escaped.
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';
import { nodeBuiltin, nodeRequire } from '../platform/node.js';
import {
  CHART_FONT_STACK,
  chartFlag,
  fixed,
  flagFootnotes,
  percent,
  percentInterval,
  resolveLanguage,
} from './common.js';
import type { ChartEstimate } from './estimates.js';
import type { ChartLabels, ChartLanguage } from './labels.js';
import { inlineScript, reportCsp, safeHref, scriptHash } from './page-security.js';
import { vegaSafeSpec } from './vega-text.js';
import { word } from './words.js';
import { xmlText } from './xml.js';

/** A table of the report. */
export interface ReportTable {
  /** A caption above the table. */
  caption?: string;
  /** Column headers; `numeric` columns are right-aligned. */
  columns: ReadonlyArray<
    | string
    | {
        /** The header. */
        label: string;
        /** Right-align the column. */
        numeric?: boolean;
      }
  >;
  /** Cells as text or numbers (`null`: empty). */
  rows: ReadonlyArray<ReadonlyArray<string | number | null>>;
  /** A note under the table. */
  note?: string;
  /** Where the data comes from, printed under the table as "Source: …". */
  source?: string;
}

/** A chart of the report. */
export interface ReportChart {
  /** The Vega-Lite spec, drawn by vega-embed in the page (SVG, with tooltips). */
  spec: TopLevelSpec;
  /** A caption under the chart. */
  caption?: string;
  /** A text alternative for screen readers (default: the caption). */
  description?: string;
  /** Links under the chart, e.g. to the chart's PNG, SVG and JSON files. */
  links?: ReadonlyArray<{
    /** The link text. */
    label: string;
    /** Its target (a relative path or URL). */
    href: string;
  }>;
}

/** A section of the report; its parts appear in this order. */
export interface ReportSection {
  /** Anchor id (default from the title). */
  id?: string;
  /** The section's heading. */
  title: string;
  /** Paragraphs of text (escaped, not HTML). */
  paragraphs?: readonly string[];
  /** A definition list of facts (term, description). */
  facts?: ReadonlyArray<readonly [string, string]>;
  /** A bulleted list. */
  list?: readonly string[];
  /** Charts, each drawn by vega-embed. */
  charts?: readonly ReportChart[];
  /** Tables. */
  tables?: readonly ReportTable[];
}

/** What {@link renderReport} renders. */
export interface ReportSpec {
  /** The page's title and top heading. */
  title: string;
  /** A line under the title. */
  subtitle?: string;
  /** A notice shown in a box at the top (e.g. that the data is synthetic). */
  notice?: string;
  /** The sections, in order (each listed in a table of contents). */
  sections: readonly ReportSection[];
  /** The page's language (`lang` attribute), default `'en'`. */
  language?: string;
  /** A footer line (e.g. what generated the report). */
  footer?: string;
  /**
   * The browser builds of vega, vega-lite and vega-embed to inline. On Node they are read from
   * `node_modules` when not given; in a browser pass `reportScripts` from
   * `surveykit/report-scripts` (see the README, "In the browser").
   */
  scripts?: ReportScripts;
}

/** The source text of the chart libraries a report inlines (their published browser builds). */
export interface ReportScripts {
  /** `vega/build/vega.min.js`. */
  vega: string;
  /** `vega-lite/build/vega-lite.min.js`. */
  vegaLite: string;
  /** `vega-embed/build/vega-embed.min.js`. */
  vegaEmbed: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML content and attribute values; characters XML cannot hold (control
 * characters other than tab and line breaks) are removed, as in the charts' SVG (`xmlText`).
 * @param text - Any text.
 * @example
 * ```ts
 * console.log(escapeHtml(`<b class="x">Tom & Jerry's</b>`)); // => &lt;b class=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;
 * ```
 */
export function escapeHtml(text: string): string {
  return xmlText(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const SCRIPTS_INSTEAD =
  "in a browser pass the libraries' text: renderReport({ ..., scripts: reportScripts }) with reportScripts from 'surveykit/report-scripts'";

/**
 * The browser bundles of vega, vega-lite and vega-embed in node_modules (the files the packages
 * publish for browsers), in load order. Node only (`NEEDS_NODE` elsewhere).
 * @example
 * ```ts
 * const files = chartBundleFiles().map((f) => f.split('/').slice(-3).join('/'));
 * console.log(files.join(' ')); // => vega/build/vega.min.js vega-lite/build/vega-lite.min.js vega-embed/build/vega-embed.min.js
 * ```
 */
export function chartBundleFiles(): string[] {
  const resolve = nodeRequire('chartBundleFiles', SCRIPTS_INSTEAD).resolve;
  const besideMain = (pkg: string, file: string) => {
    const main = resolve(pkg);
    return `${main.slice(0, main.lastIndexOf('/') + 1)}${file}`;
  };
  return [
    besideMain('vega', 'vega.min.js'),
    besideMain('vega-lite', 'vega-lite.min.js'),
    besideMain('vega-embed', 'vega-embed.min.js'),
  ];
}

let nodeScripts: ReportScripts | null = null;
/** The chart libraries read from node_modules, once per process (Node only). */
function readNodeScripts(): ReportScripts {
  if (nodeScripts === null) {
    const [vega, vegaLite, vegaEmbed] = chartBundleFiles();
    const fs = nodeBuiltin('node:fs')!;
    const read = (f: string) => fs.readFileSync(f, 'utf8');
    nodeScripts = { vega: read(vega!), vegaLite: read(vegaLite!), vegaEmbed: read(vegaEmbed!) };
  }
  return nodeScripts;
}

/** The texts of the page's inline scripts (the chart libraries, then the runner), as inlined. */
function pageScripts(scripts: ReportScripts): string[] {
  return [scripts.vega, scripts.vegaLite, scripts.vegaEmbed, RUNNER].map(inlineScript);
}

const hashes = new WeakMap<ReportScripts, string[]>();
/** Their CSP hashes, once per set of libraries (hashing 1.2 MB takes a few milliseconds). */
function pageScriptHashes(scripts: ReportScripts, texts: readonly string[]): string[] {
  let out = hashes.get(scripts);
  if (out === undefined) {
    out = texts.map(scriptHash);
    hashes.set(scripts, out);
  }
  return out;
}

function slug(text: string, used: Set<string>): string {
  const base =
    text
      .toLowerCase()
      .replace(/[^a-z0-9а-яё]+/gi, '-')
      .replace(/^-|-$/g, '') || 'section';
  let id = base;
  for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
  used.add(id);
  return id;
}

function table(t: ReportTable): string {
  const cols = t.columns.map((c) => (typeof c === 'string' ? { label: c, numeric: false } : c));
  const head = cols
    .map((c) => `<th scope="col"${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.label)}</th>`)
    .join('');
  const body = t.rows
    .map(
      (r) =>
        `<tr>${r
          .map((cell, j) => {
            const text = cell === null ? '' : String(cell);
            const num = cols[j]?.numeric ? ' class="num"' : '';
            return j === 0
              ? `<th scope="row">${escapeHtml(text)}</th>`
              : `<td${num}>${escapeHtml(text)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  const caption = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : '';
  const notes = [
    ...(t.note ? t.note.split('\n') : []),
    ...(t.source ? [`${word('source', 'en')}: ${t.source}`] : []),
  ];
  const note = notes.length
    ? `<p class="note">${notes.map((line) => escapeHtml(line)).join('<br>')}</p>`
    : '';
  return `<div class="table-wrap" tabindex="0"><table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${note}`;
}

const STYLE = `
:root { color-scheme: light; }
*, *::before, *::after { box-sizing: border-box; }
body { font-family: ${CHART_FONT_STACK}; margin: 0; color: #222; background: #fff; line-height: 1.45; overflow-wrap: break-word; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 40px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.subtitle { color: #555; margin: 0 0 16px; }
.notice { border: 2px solid #D55E00; background: #fff6ef; padding: 10px 14px; margin: 16px 0; font-weight: bold; }
nav ol { columns: 2; padding-left: 1.4em; margin: 8px 0 0; }
figure.chart { margin: 18px 0 26px; max-width: 100%; }
figure.chart .vega-chart { display: block; max-width: 100%; overflow-x: auto; min-height: 60px; }
figcaption { color: #555; font-size: 0.92rem; margin-top: 6px; }
figcaption a { margin-right: 10px; }
.table-wrap { overflow-x: auto; margin: 14px 0; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.92rem; }
caption { text-align: left; font-weight: bold; padding: 4px 0 6px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #999; }
tbody th { font-weight: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note { color: #555; font-size: 0.88rem; margin: 4px 0 14px; }
dl { display: grid; grid-template-columns: minmax(8em, max-content) minmax(0, 1fr); gap: 4px 18px; }
dt { font-weight: bold; }
dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
footer { color: #777; font-size: 0.85rem; margin-top: 48px; overflow-wrap: anywhere; }
@media (max-width: 600px) {
  main { padding: 16px 14px 48px; }
  h1 { font-size: 1.4rem; }
  nav ol { columns: 1; }
  dl { display: block; }
  dd { margin: 0 0 8px; }
}
`;

const RUNNER = `(function () {
  var specs = JSON.parse(document.getElementById('surveykit-specs').textContent);
  var jobs = Object.keys(specs).map(function (id) {
    var el = document.getElementById(id);
    // ast: vega's expression interpreter instead of generated code (no eval: see the page's CSP)
    return vegaEmbed(el, specs[id], { renderer: 'svg', actions: false, ast: true, tooltip: { theme: 'light' } })
      .then(function () { el.setAttribute('data-rendered', 'true'); })
      .catch(function (err) {
        el.setAttribute('data-rendered', 'error');
        el.textContent = 'This chart could not be drawn: ' + err;
        console.error(err);
      });
  });
  Promise.all(jobs).then(function () {
    document.documentElement.setAttribute('data-charts', 'rendered');
  });
})();`;

/**
 * One self-contained HTML page: a title, an optional notice, a table of contents, and the
 * sections (paragraphs, facts, lists, interactive charts with captions, tables). vega,
 * vega-lite and vega-embed are inlined (`report.scripts`, or on Node from node_modules: a page
 * with charts built elsewhere without `scripts` is a `NEEDS_NODE` error) and the page's Content-Security-Policy
 * allows no network access, so it opens offline and fetches nothing. The policy lets only the
 * page's own inline scripts run, listed by their SHA-256 hashes (no `'unsafe-inline'`), and no
 * `eval` (`'unsafe-eval'` is not needed: charts are drawn with vega's CSP-safe expression
 * interpreter); link targets are parsed as browsers parse them and kept only for `http:`,
 * `https:`, `mailto:` and relative links (others become `#`). Charts are drawn as SVG
 * with tooltips; each chart's container gets `data-rendered="true"` when drawn, and the page's
 * root `data-charts="rendered"` when all are. All text is escaped; specs are embedded as JSON
 * (with `<`, `>`, U+2028 and U+2029 escaped).
 *
 * @param report - The page: title, notice, sections with their paragraphs, charts and tables, and
 *   the chart scripts outside Node (see {@link ReportSpec}).
 * @example
 * ```ts
 * const html = renderReport({ title: 'Poll <2021>', sections: [{ title: 'Results', paragraphs: ['A & B'],
 *   charts: [{ spec: { data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } } }] }] });
 * console.log(html.includes('<h1>Poll &lt;2021&gt;</h1>'), html.includes('A &amp; B'), /src="http/.test(html)); // => true true false
 * ```
 */
export function renderReport(report: ReportSpec): string {
  const used = new Set<string>();
  const specs: Record<string, TopLevelSpec> = {};
  let chartCount = 0;
  const sections = report.sections.map((s) => {
    const id = s.id ?? slug(s.title, used);
    const parts: string[] = [`<h2 id="${escapeHtml(id)}">${escapeHtml(s.title)}</h2>`];
    for (const p of s.paragraphs ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
    if (s.facts?.length) {
      parts.push(
        `<dl>${s.facts.map(([t, d]) => `<dt>${escapeHtml(t)}</dt><dd>${escapeHtml(d)}</dd>`).join('')}</dl>`,
      );
    }
    if (s.list?.length) {
      parts.push(`<ul>${s.list.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`);
    }
    for (const c of s.charts ?? []) {
      const chartId = `chart-${++chartCount}`;
      specs[chartId] = vegaSafeSpec(c.spec);
      const label = c.description ?? c.caption ?? '';
      const links = (c.links ?? [])
        .map((l) => `<a href="${escapeHtml(safeHref(l.href))}">${escapeHtml(l.label)}</a>`)
        .join(' ');
      const caption =
        c.caption || links
          ? `<figcaption>${c.caption ? escapeHtml(c.caption) : ''}${links ? `<br>${links}` : ''}</figcaption>`
          : '';
      parts.push(
        `<figure class="chart"><div id="${chartId}" class="vega-chart" role="img" aria-label="${escapeHtml(label)}"></div>${caption}</figure>`,
      );
    }
    for (const t of s.tables ?? []) parts.push(table(t));
    return { id, title: s.title, html: `<section>\n${parts.join('\n')}\n</section>` };
  });
  const nav = sections.length
    ? `<nav><ol>${sections.map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`).join('')}</ol></nav>`
    : '';
  const scripts = chartCount ? (report.scripts ?? readNodeScripts()) : null;
  const texts = scripts ? pageScripts(scripts) : [];
  const csp = reportCsp(scripts ? pageScriptHashes(scripts, texts) : []);
  return `<!DOCTYPE html>
<html lang="${escapeHtml(report.language ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(report.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(report.title)}</h1>
${report.subtitle ? `<p class="subtitle">${escapeHtml(report.subtitle)}</p>` : ''}
${report.notice ? `<p class="notice">${escapeHtml(report.notice)}</p>` : ''}
${nav}
${sections.map((s) => s.html).join('\n')}
${report.footer ? `<footer>${escapeHtml(report.footer)}</footer>` : ''}
</main>
<script type="application/json" id="surveykit-specs">${scriptJson(specs)}</script>
${texts.map((code) => `<script>${code}</script>`).join('\n')}
</body>
</html>
`;
}

/** Options of {@link estimateTable}. */
export interface EstimateTableOptions {
  /** A caption above the table. */
  caption?: string;
  /** A note under the table. */
  note?: string;
  /** Header of the first column (default "Item"). */
  label?: string;
  /** Estimates are shares shown as percents (default `true`). */
  percent?: boolean;
  /** Confidence level of the intervals (default 0.95). */
  level?: number;
  /** Language of the table's own words and number formats (default `'en'`). */
  language?: ChartLanguage;
  /** Translations of the row labels (see {@link chartLabels}). */
  labels?: ChartLabels;
  /** Where the data comes from, printed under the table. */
  source?: string;
  /**
   * Mark shares failing the NCHS standard for proportions (`*`: suppress, `†`: review or
   * footnote) and explain them under the table (default `true`; needs each row's `se`).
   */
  reliability?: boolean;
  /** Degrees of freedom of the estimates, for the reliability flags (a row's own `df` first). */
  df?: number;
}

/**
 * A report table of estimates: label, estimate, confidence interval, standard error (when the
 * rows have one) and unweighted base. Shares failing the NCHS standard for proportions get `*`
 * (suppress) or `†` (review) after the estimate and a footnote saying why.
 * @param rows - The estimates (`Estimate` rows or rows made by hand, with `se` for the flags).
 * @param opts - The table's options (see {@link EstimateTableOptions}).
 * @example
 * ```ts
 * const t = estimateTable([
 *   { label: 'Support', estimate: 0.578, ci: [0.544, 0.612], se: 0.017, n: 1482 },
 *   { label: 'Small group', estimate: 0.04, ci: [0.001, 0.22], se: 0.04, n: 60 },
 * ], { source: 'Synthetic data' });
 * console.log(t.rows[0], t.rows[1]![1]); // => [ 'Support', '57.8%', '54.4–61.2%', '1.70', 1482 ] 4.0%*
 * console.log(t.note); // => * Below the NCHS standard for proportions (Parker et al. 2017): effective sample size under 30; not reliable
 * ```
 */
export function estimateTable(
  rows: readonly ChartEstimate[],
  opts: EstimateTableOptions = {},
): ReportTable {
  const { language, tr } = resolveLanguage(opts);
  const isPercent = opts.percent ?? true;
  const level = `${Math.round((opts.level ?? 0.95) * 100)}%`;
  const hasSe = rows.some((r) => r.se !== undefined);
  const columns = [
    opts.label ?? word('item', language),
    { label: word('estimate', language), numeric: true },
    { label: `${level} ${word('ci', language)}`, numeric: true },
    ...(hasSe
      ? [
          {
            label: `${word('se', language)}${isPercent ? (language === 'ru' ? ', п.п.' : ', points') : ''}`,
            numeric: true,
          },
        ]
      : []),
    { label: word('base', language), numeric: true },
  ];
  const flags = rows.map((r) => chartFlag(r, opts, isPercent));
  const note = [...(opts.note ? [opts.note] : []), ...flagFootnotes(flags, language, true)].join(
    '\n',
  );
  return {
    ...(opts.caption ? { caption: opts.caption } : {}),
    ...(note ? { note } : {}),
    ...(opts.source ? { source: opts.source } : {}),
    columns,
    rows: rows.map((r, i) => [
      tr(r.label ?? r.level ?? r.variable ?? `#${i + 1}`),
      `${isPercent ? percent(r.estimate, 1, language) : fixed(r.estimate, 3, language)}${flags[i]!.mark}`,
      isPercent
        ? percentInterval(r.ci, 1, language)
        : `${fixed(r.ci[0], 3, language)} … ${fixed(r.ci[1], 3, language)}`,
      ...(hasSe
        ? [
            r.se === undefined
              ? null
              : isPercent
                ? fixed(100 * r.se, 2, language)
                : fixed(r.se, 3, language),
          ]
        : []),
      r.n,
    ]),
  };
}
