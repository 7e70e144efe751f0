/**
 * Headless Chromium for tests that need a real browser: Debian's `chromium`
 * driven by playwright-core. Run as root, a missing browser is installed with
 * apt-get; otherwise the setup fails with a message naming what to install.
 * Screenshots go to dist/screens/ to be looked at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../chromium.ts';

/** A blank page in a fresh headless browser; console errors and page errors are collected. */
export interface BrowserPage {
  /** Run `source`, the text of a (possibly async) function of one argument, in the page with `arg` (JSON). Written as text because test code is transformed for Node. */
  run(source: string, arg: unknown): Promise<unknown>;
  /** Save a PNG of the page as dist/screens/<name>.png; returns its path. */
  screenshot(name: string): Promise<string>;
  /** Console errors and uncaught page errors so far. */
  errors: string[];
  close(): Promise<void>;
}

export async function openPage(): Promise<BrowserPage> {
  const browser = await launchChromium();
  const page: Page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setContent('<!doctype html><html><head><meta charset="utf-8"><title>codeguide</title></head><body></body></html>');
  return {
    errors,
    run: (source, arg) => page.evaluate(`(${source})(${JSON.stringify(arg)})`),
    async screenshot(name) {
      const dir = join(process.cwd(), 'dist', 'screens');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    close: () => browser.close(),
  };
}
