/**
 * The command line, as users run it: exit codes, one result per input record,
 * summaries on stderr, standalone compiled modules, and no stack traces.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MINI, runCli } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = runCli;

const good = { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 };

describe('codeguide validate', () => {
  it('writes one result per input line, in order, whatever the lines hold (blank ones too)', async () => {
    const input = join(work, 'mixed.jsonl');
    const lines = [
      JSON.stringify(good),
      'not json',
      '{"claimId": "C9", ',
      JSON.stringify({ ...good, lineNumber: 2, procedureCode: '99213' }),
      '',
      JSON.stringify({ ...good, lineNumber: 3, modifiers: ['U1', '25'] }),
      '[1,2]',
      'null',
    ];
    writeFileSync(input, `${lines.join('\n')}\n`);
    const { code, out, err } = await run('validate', '--rules', MINI, input);
    const results = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'invalid', 'invalid', 'out-of-scope', 'invalid', 'rejected', 'invalid', 'invalid']);
    expect(results[5].findings[0].category).toBe('undefined-combination');
    expect(code).toBe(1);
    expect(err).toMatch(/8 lines/);
    expect(err).toMatch(/invalid\s+5/);
    expect(err).toMatch(/undefined-combination/);
  });

  it('any bytes at all: one result per line, never a crash', async () => {
    const input = join(work, 'fuzz.jsonl');
    const bundle = join(work, 'fuzz', 'mini.mjs');
    expect((await run('compile', MINI, '--out', bundle)).code).toBe(0);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json(), fc.constant(JSON.stringify(good))), { maxLength: 12 }), async (lines) => {
        const flat = lines.map((l) => l.replace(/[\r\n\u2028\u2029]/g, ' '));
        writeFileSync(input, flat.join('\n'));
        const { code, out } = await run('validate', '--bundle', bundle, '--format', 'jsonl', input);
        // Every line is a record; a final newline ends the last line rather than starting another.
        const text = flat.join('\n');
        const expected = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
        const results = out === '' ? [] : out.trim().split('\n').map((l) => JSON.parse(l));
        expect(results.map((r) => r.index)).toEqual([...Array(expected).keys()]);
        expect([0, 1]).toContain(code);
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('exits 0 when every line is accepted or out of scope, and writes --out', async () => {
    const input = join(work, 'ok.jsonl');
    writeFileSync(input, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, procedureCode: '99213' })}\n`);
    const outFile = join(work, 'out', 'results.jsonl');
    const { code, out } = await run('validate', '--rules', MINI, '--out', outFile, input);
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(readFileSync(outFile, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('reads CSV, detected from the content', async () => {
    const input = join(work, 'lines.csv');
    writeFileSync(input, 'claimId,lineNumber,memberId,serviceDate,procedureCode,modifiers,units,minutes\nC1,1,M1,2024-04-01,T2040,U6,2,30\nC1,2,M1,2024-04-01,"T2040","U6 GQ",1,7\n');
    const { code, out } = await run('validate', '--rules', MINI, input);
    const results = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => [r.status, r.delivery, r.billableUnits])).toEqual([['accepted', 'in-person', 2], ['rejected', 'telehealth', 0]]);
    expect(code).toBe(1);
  });

  it('exits 2 with a clear message for bad arguments and unreadable files', async () => {
    expect((await run('validate', '--rules', MINI)).code).toBe(2);
    expect((await run('validate', '--rules', MINI, '--bundle', 'x.mjs', 'in.jsonl')).code).toBe(2);
    const missing = await run('validate', '--rules', MINI, join(work, 'nope.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read/);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('validate', '--nope')).err).toMatch(/usage/);
  });
});

describe('codeguide compile', () => {
  it('writes a standalone, deterministic module with declarations and a manifest', async () => {
    const a = join(work, 'a', 'mini.mjs');
    const b = join(work, 'b', 'mini.mjs');
    expect((await run('compile', MINI, '--out', a)).code).toBe(0);
    expect((await run('compile', MINI, '--version', '1.0', '--out', b)).code).toBe(0);
    const js = readFileSync(a, 'utf8');
    expect(readFileSync(b, 'utf8')).toBe(js);
    expect(js).not.toMatch(/^\s*import\b|\bimport\s*\(|\brequire\s*\(/m);
    expect(js.startsWith('// Generated by codeguide')).toBe(true);
    expect(readFileSync(join(work, 'a', 'mini.d.ts'), 'utf8')).toMatch(/export declare function validate/);
    expect(JSON.parse(readFileSync(join(work, 'a', 'mini.manifest.json'), 'utf8')).guidance).toBe('mini-guidance');

    // Loads with plain node, far from any node_modules.
    const lonely = mkdtempSync(join(tmpdir(), 'codeguide-lonely-'));
    copyFileSync(a, join(lonely, 'mini.mjs'));
    const script = `import('./mini.mjs').then((m) => console.log(JSON.stringify(m.validate([${JSON.stringify(good)}])[0].status)))`;
    const printed = execFileSync(process.execPath, ['-e', script], { cwd: lonely, encoding: 'utf8' });
    expect(printed.trim()).toBe('"accepted"');
    rmSync(lonely, { recursive: true, force: true });
  });

  it('exits 2 and prints path:line:col for broken rules', async () => {
    const broken = join(work, 'broken', 'mini-guidance');
    mkdirSync(broken, { recursive: true });
    execFileSync('cp', ['-r', `${MINI}/1.0`, broken]);
    const rules = join(broken, '1.0', 'rules.yaml');
    writeFileSync(rules, readFileSync(rules, 'utf8').replace('not (amount > 0)', 'not (amount > 0'));
    const { code, err } = await run('compile', broken, '--out', join(work, 'never.mjs'));
    expect(code).toBe(2);
    expect(err).toMatch(/rules\.yaml:\d+:\d+: error expr-syntax /);
    expect(err).toMatch(/hint: /);
  });
});

describe('codeguide check and test', () => {
  it('check passes on good rules; test reports coverage', async () => {
    expect((await run('check', MINI)).code).toBe(0);
    const t = await run('test', MINI);
    expect(t.code).toBe(0);
    expect(t.err).toMatch(/examples as expected/);
    expect(t.err).toMatch(/catalogue entr/);
  });

  it('check --json gives diagnostics as data', async () => {
    const good = await run('check', MINI, '--json');
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out)).toMatchObject({ diagnostics: [], examples: [{ version: '1.0', failedExamples: 0 }] });
    const bad = await run('check', join(work, 'broken', 'mini-guidance'), '--json');
    expect(bad.code).toBe(2);
    const [d] = JSON.parse(bad.out).diagnostics;
    expect(Object.keys(d).sort()).toEqual(['code', 'col', 'endCol', 'endLine', 'file', 'hint', 'line', 'message', 'severity']);
    expect(d.code).toBe('expr-syntax');
  });

  it('the installed bin runs without a stack trace on errors', () => {
    const r = spawnSync(process.execPath, ['compiler/bin.mjs', 'check', join(work, 'does-not-exist')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error read-error/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
