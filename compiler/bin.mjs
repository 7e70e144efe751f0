#!/usr/bin/env node
// The codeguide command: runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

try {
  register();
  const { main } = await import('./cli.ts');
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`codeguide: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
