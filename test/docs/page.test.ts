/**
 * The docs page of the newest DHCS edition in a real browser: it renders with
 * no console errors, loads nothing but itself, shows every catalogue entry of
 * the edition, and its print layout drops the navigation. Screenshots (screen
 * and print) go to dist/screens/ to be looked at.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsHtml } from '../../compiler/docs/html.ts';
import { editionView } from '../../compiler/docs/view.ts';
import { loadBase } from '../../compiler/diff/edition.ts';
import { DHCS, mustLoad } from '../helpers.ts';
import { launchChromium } from '../chromium.ts';

const SCREENS = resolve('dist', 'screens');
const rs = mustLoad(DHCS).versions.at(-1)!;
const base = loadBase(rs, resolve(DHCS));
const file = join(SCREENS, `docs-${rs.guidance.id}-${rs.guidance.version}.html`);

let browser: Browser;
let page: Page;
const errors: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  writeFileSync(file, docsHtml(editionView(rs, base.base, base.missing)));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
});

afterAll(async () => {
  await browser?.close();
});

describe(`the docs page of ${DHCS}, newest edition, in Chromium`, () => {
  it('renders with no console errors and loads nothing but itself', async () => {
    expect(await page.title()).toBe(`${rs.guidance.title} — edition ${rs.guidance.version}`);
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
  });

  it('shows every catalogue entry of the edition: one visible row each, with its code and description', async () => {
    const rows = (await page.$$eval('tr.entry', (trs) => trs.map((tr) => {
      const box = tr.getBoundingClientRect();
      return { combination: tr.getAttribute('data-combination'), text: (tr as HTMLElement).innerText, visible: box.width > 0 && box.height > 0 };
    }))) as { combination: string; text: string; visible: boolean }[];
    expect(rows.map((r) => r.combination).sort()).toEqual(rs.entries.map((e) => e.combination).sort());
    for (const e of rs.entries) {
      const row = rows.find((r) => r.combination === e.combination)!;
      expect(row.visible).toBe(true);
      expect(row.text).toContain(e.code);
      expect(row.text).toContain(e.description);
    }
    await page.screenshot({ path: join(SCREENS, 'docs-screen.png') });
    await page.locator('#rules').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENS, 'docs-screen-rules.png') });
  });

  it('shows every rule in words', async () => {
    const ids = await page.$$eval('section.rule', (s) => s.map((x) => x.id));
    expect(ids).toHaveLength(rs.rules.length);
    const words = await page.$$eval('section.rule p.words', (ps) => ps.map((p) => (p as HTMLElement).innerText));
    for (const w of words) expect(w.length).toBeGreaterThan(20);
  });

  it('prints without the navigation, black on white, and starts each part on a new page', async () => {
    await page.emulateMedia({ media: 'print' });
    const style = await page.evaluate(() => ({
      nav: getComputedStyle(document.querySelector('nav')!).display,
      h1: getComputedStyle(document.querySelector('h1')!).color,
      codes: getComputedStyle(document.querySelector('#codes h2')!).breakBefore,
    }));
    expect(style).toEqual({ nav: 'none', h1: 'rgb(0, 0, 0)', codes: 'page' });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENS, 'docs-print.png') });
    const pdf = await page.pdf({ format: 'Letter' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });
  });
});
