/**
 * renderReport: one self-contained page, the chart libraries inlined, nothing fetched, every
 * text escaped; estimateTable.
 */
import { readFileSync } from 'node:fs';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import {
  chartBundleFiles,
  escapeHtml,
  estimateTable,
  renderReport,
} from '../../src/charts/report.js';

const spec: TopLevelSpec = {
  data: { values: [{ a: 1, label: '</script><script>alert(1)</script>' }] },
  mark: 'point',
  encoding: { x: { field: 'a', type: 'quantitative' }, tooltip: { field: 'label' } },
};
const evil = '<img src=x onerror=alert(1)> & "quotes" \'single\'';

describe('renderReport', () => {
  const html = renderReport({
    title: `Report ${evil}`,
    subtitle: evil,
    notice: evil,
    sections: [
      {
        title: `Section ${evil}`,
        paragraphs: [evil],
        facts: [[evil, evil]],
        list: [evil],
        charts: [
          { spec, caption: evil, links: [{ label: evil, href: `javascript:"${evil}` }] },
          { spec },
        ],
        tables: [
          {
            caption: evil,
            columns: [evil, { label: 'n', numeric: true }],
            rows: [[evil, 3]],
            note: evil,
          },
        ],
      },
      { id: 'second', title: 'Second' },
    ],
    footer: evil,
  });

  // the page without the inlined libraries (whose code contains markup of its own)
  const page = html.slice(0, html.indexOf('<script type="application/json"'));

  it('escapes every text it is given', () => {
    expect(page.includes('<img')).toBe(false);
    expect(page.includes('onerror=alert(1)>')).toBe(false);
    expect(page.includes('href="javascript:')).toBe(false);
    expect(
      page.match(/&lt;img src=x onerror=alert\(1\)&gt; &amp; &quot;quotes&quot; &#39;single&#39;/g)!
        .length,
    ).toBeGreaterThanOrEqual(10);
    // a spec's strings cannot close the script element they are embedded in
    const json = /<script type="application\/json" id="surveykit-specs">([\s\S]*?)<\/script>/.exec(
      html,
    )![1]!;
    expect(json).not.toMatch(/<\/script/i);
    expect(JSON.parse(json)['chart-1']).toEqual(spec);
  });

  it('inlines vega, vega-lite and vega-embed and fetches nothing', () => {
    for (const f of chartBundleFiles()) {
      const code = readFileSync(f, 'utf8');
      expect(html.includes(code.slice(0, 200)), f).toBe(true);
    }
    expect(/<script[^>]+src=/.test(html)).toBe(false);
    expect(/<link[^>]+href=/.test(html)).toBe(false);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(html.includes("vegaEmbed(el, specs[id], { renderer: 'svg', actions: false")).toBe(true);
  });

  it('has one container per chart, a table of contents and anchors', () => {
    expect(page.match(/class="vega-chart"/g)).toHaveLength(2);
    expect(page).toContain('<a href="#second">Second</a>');
    expect(page).toMatch(/<h2 id="section-img-src-x-onerror-alert-1-quotes-single">/);
    expect(page).toContain('<td class="num">3</td>');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('leaves the libraries out of a page without charts', () => {
    const plain = renderReport({ title: 'T', sections: [{ title: 'S', paragraphs: ['p'] }] });
    expect(plain.length).toBeLessThan(10_000);
  });
});

describe('helpers', () => {
  it('escapes HTML', () => {
    expect(escapeHtml('<a href="x">&\'</a>')).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;',
    );
  });

  it('makes a table of estimates with intervals and bases', () => {
    const t = estimateTable(
      [
        { label: 'Support', estimate: 0.578, ci: [0.544, 0.612], n: 1482, se: 0.0172 },
        { level: 'Oppose', estimate: 0.153, ci: [0.13, 0.176], n: 1482 },
      ],
      { caption: 'EEU', language: 'ru' },
    );
    expect(t.caption).toBe('EEU');
    expect(t.columns.map((c) => (typeof c === 'string' ? c : c.label))).toEqual([
      'Пункт',
      'Оценка',
      '95% Доверительный интервал',
      'Стандартная ошибка, п.п.',
      'База (n)',
    ]);
    expect(t.rows[1]).toEqual(['Oppose', '15,3%', '13,0–17,6%', null, 1482]);
  });

  it('marks shares below the reliability standard and prints the source under the table', () => {
    const t = estimateTable(
      [
        { label: 'Everyone', estimate: 0.578, ci: [0.544, 0.612], n: 1482, se: 0.0172 },
        { label: 'Small town', estimate: 0.04, ci: [0, 0.12], n: 60, se: 0.04 },
        { label: 'Few PSUs', estimate: 0.35, ci: [0.29, 0.41], n: 900, se: 0.03, df: 5 },
      ],
      { source: 'Synthetic data' },
    );
    expect(t.rows.map((r) => r[1])).toEqual(['57.8%', '4.0%*', '35.0%†']);
    expect(t.note?.split('\n')).toEqual([
      '* Below the NCHS standard for proportions (Parker et al. 2017): effective sample size under 30; not reliable',
      '† Flagged by the NCHS standard for proportions: fewer than 8 degrees of freedom (statistical review)',
    ]);
    const html = renderReport({ title: 'T', sections: [{ title: 'S', tables: [t] }] });
    expect(html).toContain('<br>Source: Synthetic data</p>');
    expect(html).toContain('<div class="table-wrap" tabindex="0">');
  });
});
