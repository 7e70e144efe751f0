/**
 * Golden diagnostics of plan profile files: every case in golden/cases.yaml breaks an example profile in one
 * place; checking it against the DHCS choices must give exactly one error, with the case's code, at the golden
 * file:line:col, with a hint. UPDATE_GOLDEN=1 rewrites the goldens.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatDiagnostic, PROFILE_DIAGNOSTIC_CODES } from '../../compiler/diagnostics.ts';
import { checkProfileText, choiceCatalog, loadProfile } from '../../compiler/profile/profile.ts';
import { DHCS, mustLoad } from '../helpers.ts';

interface Case { case: string; code: string; edit: [string, string] }
const root = 'test/profiles/golden';
const cases = parse(readFileSync(join(root, 'cases.yaml'), 'utf8')) as Case[];
const update = process.env.UPDATE_GOLDEN === '1';
const EXAMPLE = join(DHCS, 'profiles', 'per-diem-housing.yaml');
const loaded = mustLoad(DHCS);
const catalog = choiceCatalog('dhcs-ecm-cs', loaded.versions);

describe('plan profile diagnostics (golden)', () => {
  it('the unbroken example profile has no diagnostics', () => {
    const r = loadProfile(EXAMPLE, catalog);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.profile?.choices?.['short-term-housing-basis']).toBe('per-diem');
  });

  for (const c of cases) {
    it(`${c.case}: one ${c.code} error at the right place`, () => {
      const text = readFileSync(EXAMPLE, 'utf8');
      const [find, replace] = c.edit;
      expect(text.split(find).length - 1, `"${find}" must occur once`).toBe(1);
      const shownPath = `<case>/${c.case}.yaml`;
      const r = checkProfileText(shownPath, text.replace(find, replace), catalog);
      expect(r.profile).toBeNull();
      expect(r.diagnostics.map((d) => d.code)).toEqual([c.code]);
      const d = r.diagnostics[0]!;
      expect(d.hint.length).toBeGreaterThan(0);
      expect(d.line).toBeGreaterThan(0);
      const shown = `${r.diagnostics.map(formatDiagnostic).join('\n')}\n`;
      const golden = join(root, `${c.case}.txt`);
      if (update) writeFileSync(golden, shown);
      expect(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(shown).toBe(readFileSync(golden, 'utf8'));
    });
  }

  it('every code only a profile can cause has a case', () => {
    const covered = new Set(cases.map((c) => c.code));
    expect(Object.keys(PROFILE_DIAGNOSTIC_CODES).filter((c) => !covered.has(c))).toEqual([]);
    expect(covered).toContain('unknown-alternative');
  });

  it('a missing file is a read-error naming it, not a crash', () => {
    const r = loadProfile('rules/dhcs-ecm-cs/profiles/no-such-profile.yaml', catalog);
    expect(r.profile).toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([['read-error', 'rules/dhcs-ecm-cs/profiles/no-such-profile.yaml']]);
  });

  it('a file that is not a mapping is one wrong-type error', () => {
    expect(checkProfileText('p.yaml', '- a\n- b\n', catalog).diagnostics.map((d) => d.code)).toEqual(['wrong-type']);
    expect(checkProfileText('p.yaml', '', catalog).diagnostics.map((d) => d.code)).toEqual(['wrong-type']);
  });
});
