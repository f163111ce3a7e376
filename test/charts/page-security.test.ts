/**
 * The report page runs only its own scripts: links parsed as browsers parse them (schemes
 * hidden by tabs, line breaks or control characters are found), a CSP that lists the inline
 * scripts by hash (no 'unsafe-inline', no 'unsafe-eval') and whose hashes match what the page
 * holds between its script tags.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inlineScript, reportCsp, safeHref, scriptHash } from '../../src/charts/page-security.js';
import { renderReport } from '../../src/charts/report.js';

/** Hrefs that run script in a browser if kept as they are. */
const SCRIPTED = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  'javas\ncript:alert(1)',
  'java\rscript:alert(1)',
  '\u0001javascript:alert(1)',
  '\u0000javascript:alert(1)',
  ' \u001fjavascript:alert(1)',
  'javascript\t:alert(1)',
  'vbscript:msgbox(1)',
  'data:text/html,<script>alert(1)</script>',
  ' data:text/html;base64,PHNjcmlwdD4=',
  'file:///etc/passwd',
  'blob:https://x.org/1',
];

describe('safeHref', () => {
  for (const href of SCRIPTED) {
    it(`refuses ${JSON.stringify(href)}`, () => {
      expect(safeHref(href)).toBe('#');
    });
  }

  it('keeps http, https, mailto and relative links, as the browser would follow them', () => {
    expect(safeHref('https://example.org/a?b=1#c')).toBe('https://example.org/a?b=1#c');
    expect(safeHref('HTTP://Example.org')).toBe('http://example.org/');
    expect(safeHref('mailto:someone@example.org')).toBe('mailto:someone@example.org');
    expect(safeHref('charts/ranking.png')).toBe('charts/ranking.png');
    expect(safeHref('#methodology')).toBe('#methodology');
    expect(safeHref(' charts/a\t.png\n')).toBe('charts/a.png');
    expect(safeHref('https://x.org/"><script>')).toBe('https://x.org/%22%3E%3Cscript%3E');
  });

  it('refuses what is not a string or not a URL', () => {
    expect(safeHref(42 as never)).toBe('#');
    expect(safeHref('http://[::1')).toBe('#');
  });
});

describe('inline scripts and their hashes', () => {
  it('a hash is the base64 SHA-256 of the UTF-8 text', () => {
    const text = 'console.log("Казахстан")';
    const expected = createHash('sha256').update(text, 'utf8').digest('base64');
    expect(scriptHash(text)).toBe(`'sha256-${expected}'`);
  });

  it('script text is what the HTML parser gives the browser, and cannot close its element', () => {
    expect(inlineScript('a\r\nb\rc\u0000')).toBe('a\nb\nc\uFFFD');
    expect(inlineScript('x = "</SCRIPT><!--"')).toBe('x = "<\\/SCRIPT><\\!--"');
  });

  it('the policy has no unsafe-inline or unsafe-eval for scripts', () => {
    const csp = reportCsp(["'sha256-abc='"]);
    expect(csp).toContain("script-src 'sha256-abc='");
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(csp.match(/script-src [^;]*/)![0]).not.toMatch(/unsafe-inline/);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("base-uri 'none'");
  });

  it('renderReport lists the hash of every inline script it runs, and of nothing else', () => {
    const html = renderReport({
      title: 'T',
      sections: [
        {
          title: 'S',
          charts: [
            {
              spec: { data: { values: [{ a: 1 }] }, mark: 'point' },
              links: SCRIPTED.map((href, i) => ({ label: `l${i}`, href })),
            },
          ],
        },
      ],
    });
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)![1]!;
    const listed = csp.match(/'sha256-[^']+'/g)!;
    // every <script> without a type runs: its hash must be listed
    const running = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(running.length).toBe(4); // vega, vega-lite, vega-embed, the runner
    expect(running.map(scriptHash)).toEqual(listed);
    expect(html).toContain('ast: true');
    expect(csp.match(/script-src [^;]*/)![0]).not.toMatch(/unsafe/);
    const hrefs = [...html.matchAll(/<a href="([^"]*)">l\d+<\/a>/g)].map((m) => m[1]);
    expect(hrefs).toEqual(SCRIPTED.map(() => '#'));
  });

  it('a page without charts runs no script at all', () => {
    const html = renderReport({ title: 'T', sections: [{ title: 'S', paragraphs: ['p'] }] });
    expect(html).toContain("script-src 'none'");
    expect(html.match(/<script>/g)).toBeNull();
  });
});
