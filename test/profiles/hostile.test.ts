/**
 * Plan choices and profiles are printed into bundles (the choices as data, a compiled-in profile as a literal)
 * and shown in messages: hostile text in a choice's title, labels and citation, and in a profile's name and
 * description, must come out as the same text and never run.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBundle } from '../../compiler/compile.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { line, MINI, mustLoad, type BundleModule } from '../helpers.ts';

const HOSTILE = [
  '"); globalThis.__pwned = 1; ("',
  '`; globalThis.__pwned = 1; `',
  '${globalThis.__pwned = 1}',
  '*/ globalThis.__pwned = 1; /*',
  'line\u2028separator\u2029paragraph',
  '__proto__',
  '</script><script>globalThis.__pwned = 1</script>',
];

const work = mkdtempSync(join(tmpdir(), 'codeguide-profile-hostile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('hostile text in plan choices and profiles', () => {
  it.each(HOSTILE.map((h, i) => [i, h] as const))('case %i stays data: %j', async (i, hostile) => {
    const dir = join(work, String(i), 'mini-guidance');
    cpSync(MINI, dir, { recursive: true });
    const file = join(dir, '1.0', 'choices.yaml');
    const h = JSON.stringify(hostile);
    writeFileSync(file, readFileSync(file, 'utf8')
      .replace('title: tenancy', `title: ${h}`)
      .replace('label: per diem', `label: ${h}`)
      .replace('cite: "Mini 1.0, Table 2, footnote 3"', `cite: ${h}`));
    const loaded = mustLoad(dir);
    const profile = { name: hostile, description: hostile, choices: { 'tenancy-increment': 'per-15-minutes' } };
    const js = compileBundle(loaded, profile).js;
    const compiled = (await loadBundle(js)) as unknown as BundleModule;
    const [r] = compiled.validate([line({ procedureCode: 'T2050', modifiers: ['U6'] })]);
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined();
    expect(r!.status).toBe('rejected');
    const f = r!.findings[0]!;
    expect(f.cite).toBe(hostile);
    expect(f.message).toBe(`T2050 U6 (${hostile}) is not the plan's choice for ${hostile}: the plan profile "${hostile}" selects per 15 minutes (T2040 U6)`);
    expect(compiled.meta).toMatchObject({ profile: hostile });
    // The same through options.profile of a bundle compiled without one.
    const plain = (await loadBundle(compileBundle(loaded).js)) as unknown as BundleModule;
    expect(plain.validate([line({ procedureCode: 'T2050', modifiers: ['U6'] })], { profile })[0]!.findings[0]!.message).toBe(f.message);
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('a profile object cannot reach prototypes through its choices', async () => {
    const loaded = mustLoad(MINI);
    const plain = (await loadBundle(compileBundle(loaded).js)) as unknown as BundleModule;
    const sneaky = JSON.parse('{"choices": {"__proto__": {"tenancy-increment": "per-diem"}}}') as object;
    expect(() => plain.validate([line({ procedureCode: 'T2040', modifiers: ['U6'] })], { profile: sneaky })).toThrow(/no choice "__proto__"/);
    expect(() => plain.validate([], { profile: { choices: { constructor: 'per-diem' } } })).toThrow(/no choice "constructor"/);
    expect(({} as Record<string, unknown>)['tenancy-increment']).toBeUndefined();
  });
});
