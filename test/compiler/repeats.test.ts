/**
 * One mistake, one diagnostic, across places and editions: a misspelt name
 * used in several expressions is one error listing the others; an example
 * dated before its edition applies is a warning where there is an earlier
 * edition to judge it instead.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../compiler/compile.ts';
import { MINI } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-repeats-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function copyMini(name: string): string {
  const dir = join(work, name, 'mini-guidance');
  cpSync(MINI, dir, { recursive: true });
  return dir;
}

function replaceIn(path: string, find: string, replace: string): void {
  const text = readFileSync(path, 'utf8');
  expect(text.includes(find), `${find} in ${path}`).toBe(true);
  writeFileSync(path, text.split(find).join(replace));
}

describe('repeated mistakes', () => {
  it('a misspelt set name used in two rules is one error that lists the other place', () => {
    const dir = copyMini('set');
    const rules = join(dir, '1.0', 'rules.yaml');
    replaceIn(rules, 'staffCredential in nonClinical', 'staffCredential in nonClinicals');
    replaceIn(rules, 'when: placeOfService in telehealthPlaces', 'when: staffCredential in nonClinicals and placeOfService in telehealthPlaces');
    const { diagnostics } = loadRules(dir);
    expect(diagnostics.map((d) => d.code)).toEqual(['unknown-name']);
    expect(diagnostics[0]!.message).toMatch(/unknown name "nonClinicals" \(also at .*rules\.yaml:\d+:\d+\)/);
    expect(diagnostics[0]!.hint).toBe('did you mean nonClinical?');
  });

  it('different mistakes stay separate diagnostics', () => {
    const dir = copyMini('two');
    const rules = join(dir, '1.0', 'rules.yaml');
    replaceIn(rules, 'staffCredential in nonClinical', 'staffCredential in nonClinicals');
    replaceIn(rules, 'when: placeOfService in telehealthPlaces', 'when: placeOfService in telehealthPlace');
    expect(loadRules(dir).diagnostics.map((d) => d.code)).toEqual(['unknown-name', 'unknown-name']);
  });
});

describe('examples dated before their edition', () => {
  it('warn in a later edition, at the example line\'s date; the oldest edition has nothing earlier to judge it', () => {
    const dir = copyMini('editions');
    cpSync(join(dir, '1.0'), join(dir, '1.1'), { recursive: true });
    replaceIn(join(dir, '1.1', 'guidance.yaml'), 'version: "1.0"', 'version: "1.1"');
    replaceIn(join(dir, '1.1', 'guidance.yaml'), 'appliesFrom: 2024-03-31', 'appliesFrom: 2024-04-02');
    const { versions, diagnostics } = loadRules(dir);
    expect(versions.map((v) => v.guidance.version)).toEqual(['1.0', '1.1']);
    expect(diagnostics.every((d) => d.code === 'example-before-edition' && d.severity === 'warning')).toBe(true);
    expect(diagnostics.every((d) => d.file.endsWith(join('1.1', 'examples.yaml')))).toBe(true);
    // A line that writes its date is pointed at there; one dated by exampleDefaults, at the line.
    const text = readFileSync(join(dir, '1.1', 'examples.yaml'), 'utf8').split('\n');
    const pointed = diagnostics.map((d) => text[d.line - 1]!.slice(d.col - 1));
    expect(pointed.some((t) => /^2023-12-31/.test(t))).toBe(true);
    for (const t of pointed) expect(t).toMatch(/^(20\d\d-\d\d-\d\d|\{)/);
    expect(diagnostics.length).toBeGreaterThan(0);
  });
});
