/** Diagnostics about rule folders as a whole: reading, versions, the guidance section, repeated names. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../compiler/compile.ts';
import { compareVersions } from '../../compiler/load.ts';
import { MINI } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-loader-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function copy(name: string): string {
  const dir = join(work, name, 'mini-guidance');
  mkdirSync(dir, { recursive: true });
  cpSync(MINI, dir, { recursive: true });
  return dir;
}

const codes = (dir: string, version?: string) => loadRules(dir, version).diagnostics.map((d) => d.code);

describe('rule folders', () => {
  it('read-error for a folder that does not exist', () => {
    expect(codes(join(work, 'nowhere'))).toEqual(['read-error']);
  });
  it('no-rules for a folder without versions', () => {
    mkdirSync(join(work, 'empty'));
    expect(codes(join(work, 'empty'))).toEqual(['no-rules']);
  });
  it('unknown-version names the versions there are', () => {
    const d = loadRules(MINI, '1.1').diagnostics;
    expect(d.map((x) => x.code)).toEqual(['unknown-version']);
    expect(d[0]!.hint).toMatch(/1\.0/);
  });
  it('a version folder can be given directly', () => {
    expect(loadRules(join(MINI, '1.0')).versions.map((v) => v.guidance.version)).toEqual(['1.0']);
    expect(codes(join(MINI, '1.0'), '2.0')).toEqual(['unknown-version']);
  });
  it('guidance-missing and guidance-repeated', () => {
    const a = copy('no-guidance');
    const text = readFileSync(join(a, '1.0', 'guidance.yaml'), 'utf8');
    writeFileSync(join(a, '1.0', 'guidance.yaml'), text.replace(/^guidance:[\s\S]*?\n\n/m, ''));
    expect(codes(a)).toEqual(['guidance-missing']);
    const b = copy('two-guidance');
    writeFileSync(join(b, '1.0', 'again.yaml'), 'guidance:\n  id: mini-guidance\n  title: t\n  version: "1.0"\n  published: 2024-01-15\n  appliesFrom: 2024-03-31\n  cite: c\n');
    const d = loadRules(b).diagnostics;
    expect(d.map((x) => x.code)).toEqual(['guidance-repeated']);
    expect(d[0]!.file).toMatch(/guidance\.yaml$/); // files are read in name order: again.yaml declares it first
    expect(d[0]!.message).toMatch(/again\.yaml/);
  });
  it('duplicate-name across files', () => {
    const c = copy('dup-set');
    writeFileSync(join(c, '1.0', 'more.yaml'), 'sets:\n  clinical: { items: [RN], cite: "x" }\n');
    const d = loadRules(c).diagnostics;
    expect(d.map((x) => [x.code, x.line, x.col])).toEqual([['duplicate-name', 2, 3]]);
  });
  it('a YAML alias bomb is a diagnostic, not a hang or a crash', () => {
    const d = join(work, 'bomb', 'g', '1.0');
    mkdirSync(d, { recursive: true });
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e']]) rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    writeFileSync(join(d, 'guidance.yaml'), `${rows.join('\n')}\n`);
    expect(codes(join(work, 'bomb', 'g'))).toEqual(['yaml-syntax']);
  });

  it('versions sort numerically', () => {
    expect(['1.10', '1.2', '1.9', '2.0'].sort(compareVersions)).toEqual(['1.2', '1.9', '1.10', '2.0']);
  });
});
