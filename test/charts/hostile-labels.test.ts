/**
 * Every chart kind with hostile labels (names of Object.prototype members, quotes, backslashes,
 * U+2028/U+2029, script-like text), taken as a user takes it — the spec a builder returns, as
 * written to `charts/<name>.json` — and drawn with plain Vega-Lite and plain vega (their default
 * expression code generator, not the report page's interpreter): it must draw, and the data's
 * labels must appear in the drawing as they are.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { coefficientChart } from '../../src/charts/coefficients.js';
import { trendChart } from '../../src/charts/trend.js';
import { vegaSafeSpec } from '../../src/charts/vega-text.js';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { svyGlm } from '../../src/models/glm.js';
import { parseQuestionnaire } from '../../src/poll/questionnaire.js';
import { pollReport } from '../../src/report/report.js';

const HOSTILE = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'q"u\'o\\te',
  'ls\u2028ps\u2029',
  "'); alert(1); ('",
];

const SCRIPTS = { vega: '', vegaLite: '', vegaEmbed: '' };

/**
 * A text with line and paragraph separators (U+2028, U+2029) as spaces, trimmed: vega's SVG
 * renderer writes a data label's separators as they are or as spaces, and a title's are spaces
 * (see vega-text.ts), so texts are compared this way.
 */
const shown = (h: string) => h.replace(/[\u2028\u2029]/g, ' ').trim();

/** The texts of an SVG's text elements, entities decoded. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
      .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
}

/** The spec as a file holds it, drawn by plain Vega-Lite + vega (no ast, no custom loader). */
async function drawPlain(spec: TopLevelSpec): Promise<string[]> {
  const fromFile = JSON.parse(JSON.stringify(spec, null, 2)) as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(fromFile).spec), {
    renderer: 'none',
    logLevel: vega.Error,
  });
  try {
    return svgTexts(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/** A small poll whose answers, options, items, groups and titles are `h`. */
function hostilePoll(h: string) {
  const n = 60;
  const answers = [h, 'other', 'hard to say'];
  const groups = [h, 'rest'];
  const data = fromColumns({
    item: Array.from({ length: n }, (_, i) => answers[(i * 7) % 3]!),
    att_a: Array.from({ length: n }, (_, i) => answers[i % 3]!),
    att_b: Array.from({ length: n }, (_, i) => answers[(i + 1) % 3]!),
    opt_a: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    opt_b: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)),
    group: Array.from({ length: n }, (_, i) => groups[i % 2]!),
    w: Array.from({ length: n }, (_, i) => 1 + (i % 4)),
  });
  const scale = answers.map((code, k) => ({
    code,
    label: { en: code },
    group: (['positive', 'negative', 'dk'] as const)[k]!,
  }));
  const questionnaire = parseQuestionnaire({
    attitudes: {
      id: 'att',
      question: { en: h },
      scale,
      items: [
        { variable: 'att_a', key: 'a', label: { en: h } },
        { variable: 'att_b', key: 'b', label: { en: 'Other item' } },
      ],
    },
    multipleResponse: [
      {
        id: 'mr',
        question: { en: h },
        options: [
          { variable: 'opt_a', key: 'a', label: { en: h } },
          { variable: 'opt_b', key: 'b', label: { en: 'Plain' } },
        ],
      },
    ],
    eeu: [{ id: 'item', variable: 'item', question: { en: h }, answers: scale }],
    subgroups: [{ variable: 'group', label: { en: h } }],
    trends: [
      {
        id: 'trend',
        variable: 'item',
        title: h,
        series: h,
        figures: [
          { x: 2019, share: 0.4, source: h },
          { x: 2020, share: 0.5, source: 'elsewhere' },
        ],
        poll: { x: 2021, series: 'This poll' },
      },
    ],
  });
  const margins = [{ variable: 'group', population: { [h]: 500, rest: 500 } }];
  return { data, questionnaire, margins };
}

/**
 * Whether `texts` show `h` as a label: the whole text (a data label, a title — a title that is
 * the name of an Object.prototype member carries an invisible U+2060 after it, see vega-text.ts),
 * cut by the axis's label limit (plain vega in Node measures text by its own estimate), or within
 * a longer text (a caption).
 */
function labelled(drawn: readonly string[], h: string): 'whole' | 'within' | null {
  const label = shown(h);
  const texts = drawn.map(shown);
  const whole = (t: string) =>
    t === label ||
    t === `${label}\u2060` ||
    (t.endsWith('…') && t.length > 2 && label.startsWith(t.slice(0, -1)));
  if (texts.some(whole)) return 'whole';
  return texts.some((t) => t.includes(label)) ? 'within' : null;
}

/** What goes wrong drawing `spec` with plain vega, or where `h` does not show. */
async function problems(name: string, spec: TopLevelSpec, h: string): Promise<string[]> {
  try {
    const texts = await drawPlain(spec);
    const shows = labelled(texts, h);
    return shows ? [] : [`${name}: no ${JSON.stringify(h)} among ${JSON.stringify(texts)}`];
  } catch (e) {
    return [`${name}: ${(e as Error).message.slice(0, 300)}`];
  }
}

describe('chart specs with hostile labels, drawn by plain vega', () => {
  for (const h of HOSTILE) {
    it(`every chart of a report, and a coefficient chart, labelled ${JSON.stringify(h)}`, async () => {
      const { data, questionnaire, margins } = hostilePoll(h);
      const report = pollReport({
        data,
        questionnaire,
        margins,
        design: { weights: 'w' },
        scripts: SCRIPTS,
        chartFiles: ['json'],
      });
      // diverging bars, rankings (battery, multiple response), an item's answers, subgroups,
      // the published trend, the weighting margins and the weights
      expect(report.charts.map((c) => c.name)).toEqual([
        'attitudes',
        'ranking-attitudes-net',
        'ranking-mr',
        'item-answers',
        'item-by-subgroup',
        'trend',
        'weighting-margins',
        'weights',
      ]);
      const found: string[] = [];
      let whole = 0;
      for (const chart of report.charts) {
        // already safe as built: making it safe again changes nothing
        expect(vegaSafeSpec(chart.spec)).toBe(chart.spec);
        found.push(...(await problems(chart.name, chart.spec, h)));
        if (labelled(await drawPlain(chart.spec), h) === 'whole') whole++;
      }
      // the data's labels themselves (axis and legend labels, titles), not only inside captions
      expect(whole).toBeGreaterThanOrEqual(7);
      const fit = svyGlm(svyDesign(data, { weights: 'w' }), 'opt_a ~ group', {
        family: 'quasibinomial',
      });
      found.push(...(await problems('coefficients', coefficientChart(fit, { title: h }), h)));
      expect(found).toEqual([]);
    });
  }

  it('a trend whose series, sources and title are all Object.prototype names draws them all', async () => {
    const names = ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty'];
    const spec = trendChart(
      [
        ...names.map((source, k) => ({
          x: 2015 + k,
          estimate: 0.3 + k / 20,
          series: 'toString',
          source,
        })),
        { x: 2021, estimate: 0.5, ci: [0.46, 0.54] as const, series: 'valueOf', n: 1000, se: 0.02 },
      ],
      { title: 'constructor', subtitle: '__proto__' },
    );
    const texts = await drawPlain(spec);
    for (const n of ['constructor', 'toString', 'valueOf', '__proto__']) {
      expect(labelled(texts, n), n).toBe('whole');
    }
  });
});
