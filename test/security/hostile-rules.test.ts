/**
 * No text from a rule file can execute in the bundle: hostile strings in
 * every free-text place of a rule set must come out of the bundle as the same
 * strings, and never run. Input records cannot reach prototypes either.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBundle } from '../../compiler/compile.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { bundleOf, line, MINI, mustLoad, type BundleModule } from '../helpers.ts';

const HOSTILE = [
  '"); globalThis.__pwned = 1; ("',
  "'); globalThis.__pwned = 1; ('",
  '`; globalThis.__pwned = 1; `',
  '${globalThis.__pwned = 1}',
  '*/ globalThis.__pwned = 1; /*',
  'line\u2028separator\u2029paragraph',
  '\\"; globalThis.__pwned = 1; //',
  '__proto__',
  '</script><script>globalThis.__pwned = 1</script>',
  'new\nline; globalThis.__pwned = 1',
];

const root = 'test/fixtures/.work-security';
const dir = join(root, 'mini-guidance');

function yamlString(s: string): string {
  return JSON.stringify(s); // JSON strings are YAML double-quoted scalars
}

describe('hostile text in rule files', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(HOSTILE.map((h, i) => [i, h] as const))('case %i stays data: %j', async (i, hostile) => {
    const caseDir = join(dir + String(i));
    rmSync(caseDir, { recursive: true, force: true });
    mkdirSync(caseDir, { recursive: true });
    const target = join(caseDir, 'mini-guidance');
    cpSync(MINI, target, { recursive: true });
    const edit = (file: string, find: string, replace: string) => {
      const p = join(target, '1.0', file);
      const text = readFileSync(p, 'utf8');
      expect(text.includes(find)).toBe(true);
      writeFileSync(p, text.split(find).join(replace));
    };
    const h = yamlString(hostile);
    edit('catalogue.yaml', 'service: Deposits', `service: ${h}`);
    edit('catalogue.yaml', 'description: "deposit"', `description: ${h}, deliveryDescriptions: { telehealth: ${yamlString(`${hostile} GQ`)} }`);
    edit('catalogue.yaml', 'cite: "Mini 1.0, Table 3"', `cite: ${h}`);
    // In a message, braces hold expressions: hostile text is written with them doubled, as an analyst would.
    const literalText = hostile.replace(/[{}]/g, (c) => c + c);
    edit('rules.yaml', 'message: "{combination} needs an amount"', `message: ${yamlString(`${literalText} {service} ${literalText}`)}`);
    edit('rules.yaml', 'cite: "Mini 1.0, Table 3"', `cite: ${h}`);
    edit('guidance.yaml', 'title: Mini guidance for tests', `title: ${h}`);
    edit('guidance.yaml', 'items: [CHW, MA]', `items: [CHW, MA, ${h}]`);

    const loaded = mustLoad(target);
    const bundle = compileBundle(loaded);
    delete (globalThis as Record<string, unknown>).__pwned;
    const mod = (await loadBundle(bundle.js)) as unknown as BundleModule;
    const [res] = mod.validate([line({ procedureCode: 'H0044', modifiers: ['U6'], staffCredential: hostile })]);
    expect((globalThis as Record<string, unknown>).__pwned).toBeUndefined();
    expect(res!.service).toBe(hostile);
    expect(res!.findings).toHaveLength(1);
    expect(res!.findings[0]!.message).toBe(`${hostile} ${hostile} ${hostile}`);
    expect(res!.findings[0]!.cite).toBe(hostile);
    expect(mod.meta.title).toBe(hostile);
    expect(mod.classify('H0044', ['U6', 'GQ'])!.description).toBe(`${hostile} GQ`);
    expect(mod.classify('H0044', ['U6'])!.description).toBe(hostile);
    expect(bundle.js).not.toMatch(/[\u2028\u2029]/);
  });
});

describe('hostile input records', () => {
  it('fields are read as own properties only', async () => {
    const mod = await bundleOf(MINI);
    const inherited = JSON.parse('{"__proto__": {"claimId": "C1", "lineNumber": 1, "memberId": "M1", "serviceDate": "2024-04-01", "procedureCode": "G9008", "modifiers": ["U1"], "units": 1}}');
    const [res] = mod.validate([inherited]);
    expect(res!.status).toBe('invalid');
    expect(res!.findings.map((f) => f.message).join(' ')).toMatch(/claimId/);
    const proto = Object.create({ claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', units: 1 });
    expect(mod.validate([proto])[0]!.status).toBe('invalid');
    expect(({} as Record<string, unknown>).claimId).toBeUndefined();
  });

  it('a record with constructor and toString fields is judged like any other', async () => {
    const mod = await bundleOf(MINI);
    const [res] = mod.validate([line({ procedureCode: 'G9008', modifiers: ['U1'], constructor: 'x', toString: 5, hasOwnProperty: 1 })]);
    expect(res!.status).toBe('accepted');
  });
});
