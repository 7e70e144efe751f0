/**
 * validate --report: a self-contained page that renders in headless Chromium
 * with no console errors, with the counts of the run, the chart and the most
 * frequent findings with their 837 origin.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.ts';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../chromium.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-report-'));
let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); }, 600_000);
afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

const run = runCli;

describe('validate --report', () => {
  it('writes a self-contained page that renders in Chromium without console errors', async () => {
    const report = join(work, 'run.html');
    const { code, out } = await run('validate', '--rules', 'rules/dhcs-ecm-cs', '--report', report, 'rules/dhcs-ecm-cs/sample/encounters-837p.x12');
    expect(code).toBe(1);
    const results = out.trim().split('\n').map((l) => JSON.parse(l));
    const html = readFileSync(report, 'utf8');
    // Self-contained: no external scripts, styles, images or fonts.
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);

    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('requestfailed', (r) => problems.push(`request ${r.url()}`));
    await page.goto(pathToFileURL(report).href);
    expect(problems).toEqual([]);

    const cards = await page.locator('.card b').allTextContents();
    const count = (s: string) => results.filter((r) => r.status === s).length;
    expect(cards.slice(0, 4).map((t) => Number(t.replace(/,/g, '')))).toEqual([count('accepted'), count('rejected'), count('out-of-scope'), count('invalid')]);
    // One bar per month of service with findings, and the chart has a size.
    const box = await page.locator('.chart svg').boundingBox();
    expect(box!.width).toBeGreaterThan(400);
    expect(await page.locator('.chart svg rect.err').count()).toBeGreaterThan(0);
    // The most frequent finding is shown with an example and its 837 origin.
    const categories = results.flatMap((r) => r.findings.map((f: { category: string }) => f.category));
    expect(categories.length).toBeGreaterThan(0);
    const firstFinding = await page.locator('.finding').first().textContent();
    expect(firstFinding).toMatch(/segment \d+/);
    expect(firstFinding).toMatch(/ISA 000240701/);
    await page.screenshot({ path: join(tmpdir(), 'codeguide-report.png'), fullPage: true });
    await page.close();
  }, 120_000);

  it('escapes what the input says', async () => {
    const input = join(work, 'hostile.jsonl');
    const hostile = '<img src=x onerror=alert(1)>';
    const { writeFileSync } = await import('node:fs');
    writeFileSync(input, `${JSON.stringify({ claimId: hostile, lineNumber: 1, memberId: 'M', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U9'], units: 1 })}\n`);
    const report = join(work, 'hostile.html');
    await run('validate', '--rules', 'rules/dhcs-ecm-cs', '--report', report, '--out', join(work, 'hostile.out'), input);
    const html = readFileSync(report, 'utf8');
    expect(html).not.toContain(hostile);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => { errors.push(`dialog ${d.message()}`); void d.dismiss(); });
    await page.goto(pathToFileURL(report).href);
    expect(await page.locator('img').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
