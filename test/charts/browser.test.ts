/**
 * The report in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core) opens the bundled poll's report (built by `pollReport`, written by
 * `writePollReport`, as `npm run report` does), waits for every chart, checks there
 * are no console errors, no requests leave the page, and every chart has drawn marks; then
 * saves a screenshot to out/report-screenshot.png.
 *
 * Skipped where /usr/bin/chromium is missing, unless CI is set (CI installs it: there, a
 * missing browser is a failure).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('out/report.html in headless Chromium', () => {
  it.skipIf(skip)(
    `draws every chart with no console errors and no network (needs ${CHROMIUM})`,
    async () => {
      expect(existsSync(CHROMIUM), `${CHROMIUM} is required under CI`).toBe(true);
      const out = mkdtempSync(join(tmpdir(), 'surveykit-browser-'));
      const profile = mkdtempSync(join(tmpdir(), 'surveykit-chromium-'));
      dirs.push(out, profile);
      await writePollReport(pollReport(await bundledInput()), out);

      const context = await chromium.launchPersistentContext(profile, {
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
        viewport: { width: 1280, height: 900 },
      });
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
        await page.waitForSelector('html[data-charts="rendered"]', { timeout: 30_000 });

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
});
