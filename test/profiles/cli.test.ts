/**
 * `--profile` on the command line: compiled in (`compile`, `validate --rules`) or given to a compiled bundle
 * (`validate --bundle`); a bad profile file is `path:line:col: error CODE message` with a hint, exit 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../compiler/cli.ts';
import { DHCS, line } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-profile-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s) => { out += s; } }, { write: (s) => { err += s; } });
  return { code, out, err };
}

const PER_DIEM = join(DHCS, 'profiles', 'per-diem-housing.yaml');
const MIXED = join(DHCS, 'profiles', 'mixed-programs-time-based.yaml');
const input = join(work, 'housing.jsonl');
writeFileSync(input, [
  line({ procedureCode: 'H0043', modifiers: ['U3'] }),
  line({ procedureCode: 'H0044', modifiers: ['U3'], lineNumber: 2, memberId: 'M2' }),
  line({ procedureCode: 'T1019', lineNumber: 3 }),
].map((l) => JSON.stringify(l)).join('\n') + '\n');

const outcome = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as { status: string; findings: { category: string }[] })
  .map((r) => [r.status, r.findings.map((f) => f.category)]);

describe('codeguide --profile', () => {
  it('validate --rules with a profile compiles it in', async () => {
    const perDiem = await run('validate', '--rules', DHCS, '--profile', PER_DIEM, input);
    expect(perDiem.code).toBe(1);
    expect(outcome(perDiem.out)).toEqual([['accepted', []], ['rejected', ['plan-choice']], ['rejected', ['undefined-combination']]]);
    expect(perDiem.err).toMatch(/plan-choice\s+1 error/);
    const mixed = await run('validate', '--rules', DHCS, '--profile', MIXED, input);
    expect(outcome(mixed.out)).toEqual([['rejected', ['plan-choice']], ['accepted', []], ['out-of-scope', []]]);
  });

  it('compile --profile writes a bundle that judges by it, and refuses another profile at validate time', async () => {
    const bundle = join(work, 'per-diem.mjs');
    const compiled = await run('compile', DHCS, '--profile', PER_DIEM, '--out', bundle);
    expect(compiled.code).toBe(0);
    const judged = await run('validate', '--bundle', bundle, input);
    expect(outcome(judged.out)).toEqual([['accepted', []], ['rejected', ['plan-choice']], ['rejected', ['undefined-combination']]]);
    const again = await run('validate', '--bundle', bundle, '--profile', MIXED, input);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/compiled with the plan profile "per-diem-housing"/);
    expect(again.err).not.toMatch(/\n\s+at /);
  });

  it('validate --bundle --profile applies the profile to a bundle compiled without one', async () => {
    const bundle = join(work, 'plain.mjs');
    expect((await run('compile', DHCS, '--out', bundle)).code).toBe(0);
    const plain = await run('validate', '--bundle', bundle, input);
    expect(outcome(plain.out)).toEqual([['accepted', []], ['accepted', []], ['rejected', ['undefined-combination']]]);
    const mixed = await run('validate', '--bundle', bundle, '--profile', MIXED, input);
    expect(outcome(mixed.out)).toEqual([['rejected', ['plan-choice']], ['accepted', []], ['out-of-scope', []]]);
  });

  it('a bad profile file: path:line:col, code, hint; exit 2, nothing written', async () => {
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, 'name: typo\nguidance: dhcs-ecm-cs\nchoices:\n  short-term-housing-basis: per-dime\n');
    for (const argv of [['compile', DHCS, '--profile', bad, '--out', join(work, 'never.mjs')], ['validate', '--rules', DHCS, '--profile', bad, input]]) {
      const r = await run(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      // Diagnostics name files relative to the working directory, like every other diagnostic.
      expect(r.err).toContain(`${relative(process.cwd(), bad)}:4:29: error unknown-alternative choice short-term-housing-basis has no alternative "per-dime"\n  hint: did you mean per-diem?`);
    }
    const bundle = join(work, 'plain2.mjs');
    await run('compile', DHCS, '--out', bundle);
    const viaBundle = await run('validate', '--bundle', bundle, '--profile', bad, input);
    expect(viaBundle.code).toBe(2);
    expect(viaBundle.err).toContain('error unknown-alternative');
    const missing = await run('validate', '--rules', DHCS, '--profile', join(work, 'none.yaml'), input);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/none\.yaml:1:1: error read-error cannot read the plan profile/);
  });
});
