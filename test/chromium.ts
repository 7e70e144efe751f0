/**
 * Headless Chromium for every test that opens a page (the run report, the docs
 * page, hostile records in a browser): Debian's `chromium`, driven by
 * playwright-core. When it is missing (.ci/run installs it first), a root test run installs it
 * (apt-get update, then apt-get install -y chromium); otherwise the test fails
 * with a message naming what to install.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const EXECUTABLE = '/usr/bin/chromium';

/** Make sure Debian's chromium is installed, installing it when running as root. */
export function ensureChromium(): void {
  if (existsSync(EXECUTABLE)) return;
  if (process.getuid?.() !== 0) throw new Error(`these tests need Debian's chromium at ${EXECUTABLE}: run "apt-get install -y chromium" as root`);
  execFileSync('apt-get', ['update'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!existsSync(EXECUTABLE)) throw new Error(`apt-get install chromium did not provide ${EXECUTABLE}`);
}

/** A headless Chromium. */
export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: EXECUTABLE,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
