#!/usr/bin/env node
// The codeguide command. It runs the compiled JavaScript in build/ (made by `npm run build`, which
// `npm install` runs). In a checkout whose sources are newer than that build — or that has none —
// it runs the TypeScript sources through tsx instead, so a changed source is never answered by an
// old build.
import { existsSync, readdirSync, statSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const built = new URL('../build/compiler/cli.js', here);
const stamp = new URL('../build/.built', here);

/** Newest modification time of the files under a source folder (checkouts only). @param {URL} dir */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    latest = Math.max(latest, entry.isDirectory() ? newest(url) : statSync(url).mtimeMs);
  }
  return latest;
}

/** Whether the build is missing or older than the sources beside it (an installed package has no sources). */
function buildIsStale() {
  if (!existsSync(stamp)) return true;
  if (!existsSync(new URL('cli.ts', here))) return false;
  const builtAt = statSync(stamp).mtimeMs;
  return ['../compiler/', '../grammar/', '../runtime/'].some((d) => newest(new URL(d, here)) > builtAt);
}

try {
  let cli;
  if (buildIsStale()) {
    if (!existsSync(new URL('cli.ts', here))) throw new Error('this installation has no build/ folder; reinstall the package');
    const { register } = await import('tsx/esm/api');
    register();
    cli = await import(new URL('cli.ts', here).href);
  } else {
    cli = await import(built.href);
  }
  process.exitCode = await cli.main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`codeguide: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
