/**
 * `check` of rule files in plain YAML reads them with the quick reader and
 * never loads the `yaml` package; a file outside that subset, or a diagnostic
 * that needs a place in a quickly read file, loads it. (What makes `check`
 * start fast, held by which modules a run loads, not by a clock.)
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINI } from '../helpers.ts';
import { traceModules, writeTracer } from './trace.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-check-modules-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const YAML_PACKAGE = /\/node_modules\/yaml\//;
const QUICK_READER = /\/compiler\/plain-yaml\.(ts|js)$/;

let tracer: string;
beforeAll(() => {
  tracer = writeTracer(work);
});

/** `codeguide check` of a folder, run from the TypeScript sources with the module tracer. */
function check(dir: string) {
  const cli = pathToFileURL(join(process.cwd(), 'compiler', 'cli.ts')).href;
  const script = `const { main } = await import(${JSON.stringify(cli)}); process.exitCode = await main(${JSON.stringify(['check', dir])});`;
  return traceModules(tracer, work, ['--import', 'tsx', '--input-type=module', '-e', script]);
}

let copies = 0;
/** A copy of the mini rules with one replacement in its rules.yaml. */
function miniWith(from: string, to: string): string {
  const dir = join(work, `copy-${++copies}`, 'mini-guidance');
  cpSync(MINI, dir, { recursive: true });
  const rules = join(dir, '1.0', 'rules.yaml');
  const text = readFileSync(rules, 'utf8');
  expect(text.includes(from), `rules.yaml holds ${JSON.stringify(from)}`).toBe(true);
  writeFileSync(rules, text.replace(from, to));
  return dir;
}

describe('check loads the yaml package only when a file needs it', () => {
  it('rule files in plain YAML: read by the quick reader, without the yaml package', () => {
    const { status, modules, stderr } = check(MINI);
    expect(status, stderr).toBe(0);
    expect(modules.some((m) => QUICK_READER.test(m))).toBe(true);
    expect(modules.filter((m) => YAML_PACKAGE.test(m))).toEqual([]);
  }, 60_000);

  it('a file outside plain YAML (an anchor): read by the yaml package, and still passes', () => {
    const { status, modules, stderr } = check(miniWith('\nrules:', '\nrules: &all'));
    expect(status, stderr).toBe(0);
    expect(modules.some((m) => YAML_PACKAGE.test(m))).toBe(true);
  }, 60_000);

  it('a mistake in a plain file: the yaml package places the diagnostic', () => {
    const { status, modules, stderr } = check(miniWith('\nrules:', '\nrules:\n  - id: 1\n'));
    expect(status).toBe(2); // the rules do not compile
    expect(stderr).toMatch(/rules\.yaml:\d+:\d+: error /);
    expect(modules.some((m) => YAML_PACKAGE.test(m))).toBe(true);
  }, 60_000);
});
