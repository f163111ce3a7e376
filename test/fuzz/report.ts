/**
 * The report fuzzer: seeded polls whose names, levels, question ids, labels, translations,
 * titles, sources and margins are drawn from hostile texts (script and markup, `javascript:`
 * hidden by tabs and control characters, path traversal, prototype names, control characters,
 * lone surrogates, very long and empty texts), run through `pollReport` + `writePollReport` or
 * the `surveykit report` command. Each outcome is checked: a typed error (never a defect code,
 * and then nothing written) or a report whose every file is inside the output folder, whose SVG
 * is valid XML, whose page runs only its own hash-listed scripts and holds no markup from the
 * data, and no prototype polluted. A pure function of the seed (`npm run fuzz -- --report
 * --replay <seed>`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { scriptHash } from '../../src/charts/page-security.js';
import { runCli } from '../../src/cli/run.js';
import { formatCsv } from '../../src/data/csv/format.js';
import { fromColumns } from '../../src/data/frame.js';
import { SurveyError } from '../../src/errors.js';
import { parseQuestionnaire } from '../../src/poll/questionnaire.js';
import { pollReport } from '../../src/report/report.js';
import type { ChartFileFormat } from '../../src/report/types.js';
import { writePollReport } from '../../src/report/write.js';
import { rng } from './harness.js';

/** Texts a careless or hostile file can hold where a name or a label goes. */
export const HOSTILE: readonly string[] = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'x/../../../escaped',
  'q7/a',
  '..',
  '.',
  '\\..\\..\\win',
  '%2e%2e%2fx',
  '/etc/passwd',
  'CON',
  'nul.txt',
  '</script><script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '"><b>x</b>',
  "'; alert(1); '",
  'java\tscript:alert(1)',
  '\u0001javascript:alert(1)',
  'javascript:alert(1)',
  'a\u0001b',
  'nul\u0000byte',
  'esc\u001b[31m',
  'line\nbreak',
  'tab\there',
  'lone\uD800surrogate',
  'end\uFFFF',
  'ls\u2028ps\u2029',
  '&amp; &lt;',
  '{{7*7}} $' + '{7*7}',
  '=HYPERLINK("http://x")',
  ' ',
  '',
  'Ёлка',
  'Казахстан',
  'a'.repeat(300),
  'Я'.repeat(120),
];

/** Plain texts, so that most cases reach the report. */
const PLAIN = ['North', 'South', 'East', 'Yes', 'No', 'Maybe', 'item', 'group', 'Россия'];

/** A report fuzz case. */
export interface ReportCase {
  seed: number;
  /** Through the API, or the command line on files. */
  via: 'api' | 'cli';
  /** The poll's columns (names → values). */
  columns: Record<string, Array<string | number | null>>;
  /** Names of the columns by role. */
  names: { item: string; options: [string, string]; subgroup: string; weight: string };
  questionnaire: unknown;
  codebook: unknown;
  margins: unknown;
  chartFiles: ChartFileFormat[];
  language: string;
}

/** The case of a seed (deterministic). */
export function makeReportCase(seed: number): ReportCase {
  const r = rng(seed ^ 0x5eed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  // hostile about half the time, so that both errors and whole reports occur
  const text = () => (r() < 0.5 ? pick(HOSTILE) : pick(PLAIN));
  const distinct = (k: number, prefix: string): string[] => {
    const out: string[] = [];
    while (out.length < k) {
      const t = text();
      out.push(out.includes(t) ? `${t}${prefix}${out.length}` : t);
    }
    return out;
  };
  const [item, opt1, opt2, subgroup] = distinct(4, '~');
  const names = {
    item: item!,
    options: [opt1!, opt2!] as [string, string],
    subgroup: subgroup!,
    weight: 'w',
  };
  if (Object.values({ ...names, options: '' }).includes('w')) names.weight = 'weight~';
  const itemLevels = distinct(3, '#');
  const groupLevels = distinct(2, '$');
  const n = 30;
  const columns: ReportCase['columns'] = Object.create(null);
  columns[names.item] = Array.from({ length: n }, (_, i) => itemLevels[(i * 7 + seed) % 3]!);
  columns[names.options[0]] = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  columns[names.options[1]] = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
  columns[names.subgroup] = Array.from({ length: n }, (_, i) => groupLevels[i % 2]!);
  columns[names.weight] = Array.from({ length: n }, (_, i) => 1 + (i % 4));
  const label = () => (r() < 0.7 ? { en: text(), ru: text() } : { en: text() });
  const questionnaire = {
    multipleResponse: [
      {
        id: text(),
        question: label(),
        options: names.options.map((variable) => ({ variable, key: text(), label: label() })),
      },
    ],
    eeu: [
      {
        id: text(),
        variable: names.item,
        question: label(),
        answers: itemLevels.map((level, k) => ({
          code: level,
          label: { en: level, ru: text() },
          group: (['positive', 'negative', 'dk'] as const)[k],
        })),
      },
    ],
    subgroups: [{ variable: names.subgroup, label: label() }],
    about: { title: text(), source: text(), notice: text() },
  };
  const codebook = {
    title: text(),
    variables: [
      {
        name: names.subgroup,
        type: 'categorical',
        label: text(),
        translations: { ru: text() },
        values: groupLevels.map((l, k) => ({
          code: k + 1,
          label: l,
          translations: { ru: text() },
        })),
      },
    ],
  };
  const margins =
    r() < 0.5
      ? {
          margins: [
            {
              variable: names.subgroup,
              population: Object.fromEntries(groupLevels.map((l) => [l, 100])),
            },
          ],
        }
      : null;
  const chartFiles: ChartFileFormat[] = r() < 0.2 ? ['png', 'svg', 'json'] : ['svg', 'json'];
  return {
    seed,
    via: r() < 0.25 ? 'cli' : 'api',
    columns,
    names,
    questionnaire,
    codebook,
    margins,
    chartFiles,
    language: pick(['en', 'ru', 'en']),
  };
}

/** What a case came to. */
export type ReportOutcome =
  | { ok: true; result: 'report'; files: number }
  | { ok: true; result: 'error'; code: string }
  | { ok: false; problem: string };

/** Stand-ins for the chart libraries (the page's scripts are hashed, not run here). */
const SCRIPTS = { vega: '/* vega */', vegaLite: '/* vega-lite */', vegaEmbed: '/* vega-embed */' };

/** Files under `dir`, relative to it. */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name],
  );
}

const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what XML cannot hold is looked for
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The elements and attributes the report page writes itself. */
const TAGS = new Set(
  'html head meta title style body main h1 h2 p nav ol ul li a section dl dt dd figure div figcaption br table caption thead tbody tr th td footer'.split(
    ' ',
  ),
);
const ATTRIBUTES = new Set(
  'lang charset name content http-equiv href id class role aria-label scope tabindex'.split(' '),
);

/** Problems of a report written to `out` inside `parent` (empty: sound). */
export function reportProblems(parent: string, out: string): string[] {
  const problems: string[] = [];
  for (const f of walk(parent)) {
    if (!f.startsWith('out/')) problems.push(`a file outside --out: ${f}`);
  }
  for (const f of walk(out)) {
    if (f.endsWith('.svg')) {
      const svg = readFileSync(join(out, f), 'utf8');
      if (!svg.startsWith('<svg')) problems.push(`${f} is not SVG`);
      if (NOT_XML.test(svg)) problems.push(`${f} holds a character XML cannot hold`);
    }
  }
  const page = join(out, 'report.html');
  if (existsSync(page)) {
    const html = readFileSync(page, 'utf8');
    const at = html.indexOf('<script type="application/json"');
    const body = at < 0 ? html : html.slice(0, at);
    // every element and attribute is one the page writes itself; every link a chart file or anchor
    for (const m of body.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
      if (!TAGS.has(m[1]!.toLowerCase())) problems.push(`the page has a <${m[1]}> element`);
      for (const a of m[2]!.matchAll(/\s([^\s=]+)(?:="([^"]*)")?/g)) {
        if (!ATTRIBUTES.has(a[1]!.toLowerCase())) problems.push(`the page has a ${a[1]} attribute`);
        if (a[1] === 'href' && !/^(#|charts\/[\p{L}\p{N}-]+\.(png|svg|json)$)/u.test(a[2] ?? '')) {
          problems.push(`the page links to ${JSON.stringify(a[2])}`);
        }
      }
    }
    if (NOT_XML.test(body)) problems.push('the page holds a control character');
    const json = at < 0 ? '' : html.slice(at, html.indexOf('</script>', at));
    if (/<\/|<!--|\u2028|\u2029/i.test(json.slice(json.indexOf('>') + 1))) {
      problems.push('the specs JSON could end its script element or break as script');
    }
    const running = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
    const listed = csp.match(/'sha256-[^']+'/g) ?? [];
    if (/unsafe-inline|unsafe-eval/.test(csp.match(/script-src [^;]*/)?.[0] ?? 'none')) {
      problems.push('the CSP allows inline script or eval');
    }
    if (JSON.stringify(running.map(scriptHash)) !== JSON.stringify(listed)) {
      problems.push('the scripts the page runs are not exactly those its CSP lists');
    }
  }
  return problems;
}

/** Runs a case in the folder `parent` (its report goes to `parent/out`). */
export async function runReportCase(c: ReportCase, parent: string): Promise<ReportOutcome> {
  const out = join(parent, 'out');
  let error: unknown = null;
  let files = 0;
  try {
    if (c.via === 'api') {
      const data = fromColumns(c.columns as never, { source: 'fuzz.csv' });
      const report = pollReport({
        data,
        design: { weights: c.names.weight },
        questionnaire: parseQuestionnaire(c.questionnaire),
        codebook: c.codebook as never,
        ...(c.margins ? { margins: c.margins as never } : {}),
        chartFiles: c.chartFiles,
        language: c.language,
        scripts: SCRIPTS,
        banner: false,
      });
      files = (await writePollReport(report, out)).length;
    } else {
      const inputs = join(parent, 'in');
      mkdirSync(inputs, { recursive: true });
      const csv = join(inputs, 'poll.csv');
      writeFileSync(csv, formatCsv(fromColumns(c.columns as never)));
      const q = join(inputs, 'q.json');
      writeFileSync(q, JSON.stringify(c.questionnaire));
      const args = ['report', csv, '--questionnaire', q, '--weights', c.names.weight];
      if (c.margins) {
        writeFileSync(join(inputs, 'm.json'), JSON.stringify(c.margins));
        args.push('--margins', join(inputs, 'm.json'));
      }
      args.push('--out', out, '--no-tabs', '--language', c.language);
      const err: string[] = [];
      const code = await runCli(args, { stdout: () => {}, stderr: (t) => err.push(t) });
      const said = err.join('\n');
      if (code === 1) {
        const m = /^surveykit report: ([A-Z_]+):/m.exec(said);
        if (!m)
          return { ok: false, problem: `exit 1 without a typed error: ${said.slice(0, 400)}` };
        error = new SurveyError(m[1]!, said);
      } else if (code !== 0) {
        return { ok: false, problem: `exit ${code}: ${said.slice(0, 400)}` };
      } else files = walk(out).length;
    }
  } catch (e) {
    error = e;
  }
  if (error !== null) {
    if (!(error instanceof SurveyError)) {
      return {
        ok: false,
        problem: `an untyped error: ${(error as Error)?.stack ?? String(error)}`,
      };
    }
    if (/INTERNAL_ERROR/.test(error.code)) {
      return { ok: false, problem: `a defect code: ${error.code}: ${error.message}` };
    }
    const left = walk(out);
    if (left.length > 0 && error.code !== 'WRITE_ERROR') {
      return {
        ok: false,
        problem: `${error.code} after writing ${left.length} files (${left.slice(0, 3).join(', ')})`,
      };
    }
    for (const f of walk(parent)) {
      if (!f.startsWith('in/') && !f.startsWith('out/')) {
        return { ok: false, problem: `a file outside --out: ${f}` };
      }
    }
    return { ok: true, result: 'error', code: error.code };
  }
  const problems = reportProblems(parent, out).filter((p) => !p.includes('in/'));
  const outside = walk(parent).filter((f) => !f.startsWith('in/') && !f.startsWith('out/'));
  if (outside.length) problems.push(`files outside --out: ${outside.join(', ')}`);
  if (problems.length) return { ok: false, problem: problems.join('; ') };
  return { ok: true, result: 'report', files };
}

/** Runs a case and then checks Object.prototype (a failure puts it back). */
export async function runReportCaseChecked(c: ReportCase, parent: string): Promise<ReportOutcome> {
  const outcome = await runReportCase(c, parent);
  const polluted = Object.keys(Object.prototype);
  if (polluted.length > 0) {
    for (const k of polluted) delete (Object.prototype as Record<string, unknown>)[k];
    return { ok: false, problem: `Object.prototype polluted: ${JSON.stringify(polluted)}` };
  }
  return outcome;
}

/** A one-line description of a case, for failure reports. */
export function describeReportCase(c: ReportCase): string {
  return `${c.via} ${JSON.stringify({ names: c.names, chartFiles: c.chartFiles, language: c.language })} questionnaire ${JSON.stringify(c.questionnaire).slice(0, 300)}`;
}

/** Where the case's files went, relative to `parent` (for messages). */
export function filesOf(parent: string): string[] {
  return walk(parent).map((f) => relative(parent, join(parent, f)));
}
