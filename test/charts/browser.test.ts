/**
 * The report in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core) opens the bundled poll's report (built by `pollReport`, written by
 * `writePollReport`, as `npm run report` does), waits for every chart, checks there
 * are no console errors, no requests leave the page, and every chart has drawn marks; then
 * saves a screenshot to out/report-screenshot.png. At a phone's width (390 px) and a laptop's
 * (1280 px) nothing may overflow the page: the page never scrolls sideways, and whatever is
 * wider than the screen (a chart, a table) scrolls in its own box.
 *
 * Skipped where /usr/bin/chromium is missing, unless CI is set (CI installs it: there, a
 * missing browser is a failure).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/charts/report.js';
import { pollReport } from '../../src/report/report.js';
import { writePollReport } from '../../src/report/write.js';
import { bundledInput } from '../report/fixtures.js';
import { root } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI);
const skip = !hasChromium && !inCi;
if (skip) {
  console.warn(
    `browser test skipped: ${CHROMIUM} not found (install it with apt-get install chromium; under CI it is required)`,
  );
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The bundled report, written once for the tests of this file. */
let written: Promise<string> | null = null;
function reportDir(): Promise<string> {
  written ??= (async () => {
    const out = mkdtempSync(join(tmpdir(), 'surveykit-browser-'));
    dirs.push(out);
    await writePollReport(pollReport(await bundledInput()), out);
    return out;
  })();
  return written;
}

/** What the page's layout check finds (run in the page: {@link LAYOUT}). */
interface Layout {
  /** The viewport's width. */
  vw: number;
  /** The page's width (wider than `vw`: the page scrolls sideways). */
  page: number;
  /** Elements reaching outside the viewport without a scrolling box around them. */
  overflow: string[];
  /** Every chart and table box: its right edge, and whether its content scrolls in it. */
  boxes: Array<{ right: number; scrolls: boolean }>;
  /** Every chart: drawn, its marks and its width. */
  charts: Array<{ id: string; rendered: string | null; marks: number; width: number }>;
}

/** The layout check, as the page runs it (a string: the test is type-checked without the DOM). */
const LAYOUT = `(() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const overflow = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5) && !scrolls(el.parentElement)) {
      overflow.push(el.tagName.toLowerCase() + '.' + el.getAttribute('class') + ': ' + Math.round(r.left) + '–' + Math.round(r.right));
    }
  }
  const boxes = [...document.querySelectorAll('.vega-chart, .table-wrap')].map((el) => ({
    right: el.getBoundingClientRect().right,
    scrolls: el.scrollWidth > el.clientWidth,
  }));
  const charts = [...document.querySelectorAll('.vega-chart')].map((el) => ({
    id: el.id,
    rendered: el.getAttribute('data-rendered'),
    marks: el.querySelectorAll('svg .mark-symbol path, svg .mark-rect path, svg .mark-rule line').length,
    width: el.querySelector('svg') ? el.querySelector('svg').getBoundingClientRect().width : 0,
  }));
  return { vw, page: document.documentElement.scrollWidth, overflow, boxes, charts };
})()`;

/** Headless Chromium with a fresh profile (removed after the tests), at a viewport width. */
async function launch(width: number) {
  const profile = mkdtempSync(join(tmpdir(), 'surveykit-chromium-'));
  dirs.push(profile);
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width, height: 900 },
  });
}

/** Opens the report at a viewport width and waits until every chart is drawn. */
async function openReport(width: number) {
  const context = await launch(width);
  const page = await context.newPage();
  await page.goto(pathToFileURL(join(await reportDir(), 'report.html')).href);
  await page.waitForSelector('html[data-charts="rendered"]', { timeout: 60_000 });
  return { context, page };
}

describe('out/report.html in headless Chromium', () => {
  it.skipIf(skip)(
    `draws every chart with no console errors and no network (needs ${CHROMIUM})`,
    async () => {
      expect(existsSync(CHROMIUM), `${CHROMIUM} is required under CI`).toBe(true);
      const out = await reportDir();
      const context = await launch(1280);
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning')
            errors.push(`${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
        page.on('request', (r) => {
          if (!r.url().startsWith('file:')) requests.push(r.url());
        });
        await page.goto(pathToFileURL(join(out, 'report.html')).href);
        await page.waitForSelector('html[data-charts="rendered"]', { timeout: 60_000 });

        const charts = await page.$$eval('.vega-chart', (els) =>
          els.map((el) => ({
            id: el.id,
            rendered: el.getAttribute('data-rendered'),
            svg: el.querySelectorAll('svg').length,
            marks: el.querySelectorAll(
              'svg .mark-rect path, svg .mark-symbol path, svg .mark-rule line, svg .mark-area path, svg .mark-line path',
            ).length,
            text: el.querySelectorAll('svg .mark-text text, svg .role-axis-label text').length,
          })),
        );
        expect(charts.length).toBeGreaterThanOrEqual(10);
        for (const c of charts) {
          expect(c.rendered, c.id).toBe('true');
          expect(c.svg, c.id).toBeGreaterThan(0);
          expect(c.marks, c.id).toBeGreaterThan(2);
          expect(c.text, c.id).toBeGreaterThan(2);
        }
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);

        // Cyrillic labels are in the page, and a tooltip shows the base
        const text = await page.textContent('body');
        expect(text).toContain('Казахстан');
        const bar = page.locator('.vega-chart svg .mark-symbol path').first();
        await bar.scrollIntoViewIfNeeded();
        await bar.hover();
        await expect
          .poll(async () => page.locator('#vg-tooltip-element.visible').textContent(), {
            timeout: 5_000,
          })
          .toMatch(/Base \(n\)\s*\d+/);

        mkdirSync(join(root, 'out'), { recursive: true });
        await page.screenshot({ path: join(root, 'out', 'report-screenshot.png'), fullPage: true });
      } finally {
        await context.close();
      }
    },
    120_000,
  );

  for (const width of [390, 1280]) {
    it.skipIf(skip)(
      `reads at ${width} px: no sideways page scroll, wide charts and tables scroll in their own box, every chart drawn`,
      async () => {
        const { context, page } = await openReport(width);
        try {
          const layout = (await page.evaluate(LAYOUT)) as Layout;
          expect(layout.vw).toBe(width);
          expect(layout.page, 'the page scrolls sideways').toBeLessThanOrEqual(width);
          expect(layout.overflow).toEqual([]);
          for (const b of layout.boxes) expect(b.right).toBeLessThanOrEqual(width + 0.5);
          // on a phone the wide charts and tables do overflow — into their own scroll box
          if (width === 390)
            expect(layout.boxes.filter((b) => b.scrolls).length).toBeGreaterThan(5);
          expect(layout.charts.length).toBeGreaterThanOrEqual(14);
          for (const c of layout.charts) {
            expect(c.rendered, c.id).toBe('true');
            expect(c.marks, c.id).toBeGreaterThan(2);
            expect(c.width, c.id).toBeGreaterThan(200);
          }
          mkdirSync(join(root, 'out'), { recursive: true });
          await page.screenshot({ path: join(root, 'out', `report-screenshot-${width}.png`) });
        } finally {
          await context.close();
        }
      },
      120_000,
    );
  }

  it.skipIf(skip)(
    "under the page's CSP only its own scripts run: an injected script, handler or javascript: link does not; vega expressions still work (no eval)",
    async () => {
      const html = renderReport({
        title: 'CSP',
        sections: [
          {
            title: 'S',
            charts: [
              {
                spec: {
                  data: { values: [{ a: 1 }, { a: 2 }, { a: 3 }] },
                  transform: [{ calculate: 'datum.a * 2', as: 'b' }],
                  mark: 'point',
                  encoding: {
                    x: { field: 'a', type: 'quantitative' },
                    y: { field: 'b', type: 'quantitative' },
                    tooltip: { field: 'b', format: '.1f' },
                  },
                },
                links: [{ label: 'hidden scheme', href: 'java\tscript:window.__pwned=1' }],
              },
            ],
          },
        ],
      });
      // what an escaping defect would let through: an inline script, a handler, a javascript: link
      const injected = html.replace(
        '<main>',
        '<main><script>window.__pwned = 2</script><img src="data:image/png;base64,AAAA" onerror="window.__pwned = 3"><a id="js" href="javascript:window.__pwned = 4">x</a>',
      );
      const dir = mkdtempSync(join(tmpdir(), 'surveykit-csp-'));
      dirs.push(dir);
      writeFileSync(join(dir, 'page.html'), injected);
      const context = await launch(1280);
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
        await page.addInitScript(
          "window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));",
        );
        await page.goto(pathToFileURL(join(dir, 'page.html')).href);
        await page.waitForSelector('html[data-charts="rendered"]', { timeout: 60_000 });
        await page.click('#js');
        await page.click('text=hidden scheme');
        await page.waitForTimeout(300);
        const state = (await page.evaluate(
          '({ pwned: window.__pwned, violations: window.__violations, rendered: document.querySelector(".vega-chart").getAttribute("data-rendered"), points: document.querySelectorAll(".vega-chart svg .mark-symbol path").length })',
        )) as { pwned: unknown; violations: string[]; rendered: string; points: number };
        expect(state.pwned).toBeUndefined();
        expect(state.rendered).toBe('true');
        expect(state.points).toBe(3);
        // the injected inline script, handler and javascript: link were each refused, and nothing else
        expect(state.violations.length).toBeGreaterThanOrEqual(3);
        for (const v of state.violations) expect(v).toMatch(/^script-src/);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    120_000,
  );
});
