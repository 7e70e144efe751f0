/**
 * The programmatic API (`import … from 'codeguide'`): the same functions the
 * command line runs, so both give the same bundle and the same diagnostics.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { check, compile, formatDiagnostic, loadBundle } from '../../compiler/api.ts';
import { main } from '../../compiler/cli.ts';
import { MINI } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-api-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const quiet = { write: () => true };
const line = { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 };

/** A copy of the mini rules with one edit to a file. */
function editedMini(name: string, file: string, from: string, to: string): string {
  const dir = join(work, name, 'mini-guidance');
  cpSync(MINI, dir, { recursive: true });
  const path = join(dir, '1.0', file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${from} not in ${file}`);
  writeFileSync(path, text.replace(from, to));
  return dir;
}

describe('compile', () => {
  it('gives the bundle, its declarations and manifest — the very bytes the CLI writes', async () => {
    const result = await compile(MINI);
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toEqual([]);
    expect(result.versions).toEqual(['1.0']);
    expect(result.manifest).toMatchObject({ guidance: 'mini-guidance', generator: 'codeguide' });
    const out = join(work, 'cli', 'mini.mjs');
    expect(await main(['compile', MINI, '--out', out], quiet, quiet)).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(result.bundle);
    expect(readFileSync(join(work, 'cli', 'mini.d.ts'), 'utf8')).toBe(result.dts);
    expect(JSON.parse(readFileSync(join(work, 'cli', 'mini.manifest.json'), 'utf8'))).toEqual(result.manifest);
  });

  it('rule files with an error: no bundle, the error as data, nothing thrown', async () => {
    const dir = editedMini('syntax', 'rules.yaml', 'ruleOfEights(minutes) == 0', 'ruleOfEights(minutes == 0');
    const result = await compile(dir);
    expect(result).toMatchObject({ ok: false, bundle: null, dts: null, manifest: null, versions: [], examples: [] });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(1);
    const [d] = result.diagnostics;
    expect(d!.code).toBe('expr-syntax');
    expect(formatDiagnostic(d!)).toMatch(/^\S*rules\.yaml:\d+:\d+: error expr-syntax .*\n  hint: /);
  });

  it('an example that does not come out as expected: no bundle, an example-failed diagnostic', async () => {
    const dir = editedMini('example', 'examples.yaml', 'expect: { status: rejected, findings: [amount-required] }', 'expect: { status: accepted, findings: [] }');
    const result = await compile(dir);
    expect(result.ok).toBe(false);
    expect(result.bundle).toBeNull();
    expect(result.versions).toEqual(['1.0']);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['example-failed']);
    expect(result.examples[0]).toMatchObject({ version: '1.0', failedExamples: 1 });
    // The command line says the same and exits 1.
    let err = '';
    expect(await main(['compile', dir, '--out', join(work, 'never.mjs')], quiet, { write: (s) => { err += s; } })).toBe(1);
    expect(err).toContain(formatDiagnostic(result.diagnostics[0]!));
    expect(err).toMatch(/not written/);
  });

  it('version picks one edition; an unknown one is a diagnostic', async () => {
    expect((await compile(MINI, { version: '1.0' })).versions).toEqual(['1.0']);
    const missing = await compile(MINI, { version: '7' });
    expect(missing.ok).toBe(false);
    expect(missing.diagnostics.map((d) => d.code)).toEqual(['unknown-version']);
  });
});

describe('check', () => {
  it('reports the examples per edition, as check --json prints them', async () => {
    const result = await check(MINI);
    expect(result.ok).toBe(true);
    let out = '';
    expect(await main(['check', MINI, '--json'], { write: (s) => { out += s; } }, quiet)).toBe(0);
    expect(JSON.parse(out)).toEqual({ diagnostics: result.diagnostics, examples: result.examples });
    expect(result.examples[0]).toMatchObject({ guidance: 'mini-guidance', version: '1.0', failedExamples: 0 });
    expect(result.examples[0]!.total).toBeGreaterThan(0);
  });

  it('a folder that does not exist is a diagnostic, not an exception', async () => {
    const result = await check(join(work, 'nowhere'));
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['read-error']);
  });
});

describe('loadBundle', () => {
  it('imports a compiled bundle by path or file URL, ready to validate', async () => {
    const result = await compile(MINI);
    const path = join(work, 'load', 'mini.mjs');
    expect(await main(['compile', MINI, '--out', path], quiet, quiet)).toBe(0);
    for (const ref of [path, pathToFileURL(path), pathToFileURL(path).href]) {
      const bundle = await loadBundle(ref);
      expect(bundle.meta.guidance).toBe('mini-guidance');
      expect(bundle.meta.sourceHash).toBe(result.manifest!.sourceHash);
      expect(bundle.validate([line, { ...line, units: 0 }]).map((r) => r.status)).toEqual(['accepted', 'invalid']);
      expect(bundle.classify('G9008', ['U1'])).toMatchObject({ service: 'Care Management' });
    }
  });

  it('a missing file or a module that is not a bundle: an Error with a plain message', async () => {
    await expect(loadBundle(join(work, 'missing.mjs'))).rejects.toThrow(/cannot load bundle .*missing\.mjs: no such file/);
    const other = join(work, 'other.mjs');
    writeFileSync(other, 'export const x = 1;\n');
    await expect(loadBundle(other)).rejects.toThrow(/is not a codeguide bundle \(no meta, validate, validateLine, createValidator, classify export\)/);
    const broken = join(work, 'broken.mjs');
    writeFileSync(broken, 'export const = ;\n');
    await expect(loadBundle(broken)).rejects.toThrow(/cannot load bundle .*broken\.mjs: /);
  });
});
