/**
 * One mistake, one diagnostic, across places: a misspelt name used in several
 * expressions is one error listing the others.
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
