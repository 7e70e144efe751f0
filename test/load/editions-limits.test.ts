/**
 * Loading an edition that extends another: the limits on one rule file (size,
 * encoding, YAML nesting, aliases) hold in its files as in the base's, YAML
 * mistakes are reported at their place, and each file's own structure is
 * checked once, with the attributes its base declares.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../compiler/compile.ts';
import { RULE_FILE_LIMITS } from '../../compiler/source.ts';
import { MINI } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-load-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let made = 0;
/** A copy of the mini guidance with edition 1.1 (which extends 1.0), with one more file in 1.1. */
function withExtraFile(name: string, content: string | Buffer): { dir: string; file: string } {
  const dir = join(work, `case-${++made}`, 'mini-guidance');
  cpSync(join(MINI, '1.0'), join(dir, '1.0'), { recursive: true });
  cpSync('test/fixtures/editions/mini-guidance/1.1', join(dir, '1.1'), { recursive: true });
  const file = join(dir, '1.1', name);
  writeFileSync(file, content);
  return { dir, file };
}

const codesAt = (dir: string) => loadRules(dir).diagnostics.map((d) => [d.code, resolve(d.file), d.line]);

describe('the files of an edition that extends another', () => {
  it('load as the base edition\'s do when nothing is wrong', () => {
    const { dir } = withExtraFile('more.yaml', 'dates:\n  extraDay: { date: 2024-10-01, note: "one more date", cite: "Mini 1.1, Dates" }\n');
    const loaded = loadRules(dir);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.versions.find((v) => v.guidance.version === '1.1')!.dates.get('extraDay')!.date).toBe('2024-10-01');
  });

  it('nest no deeper than the limit', () => {
    const depth = RULE_FILE_LIMITS.maxYamlDepth + 1;
    const { dir, file } = withExtraFile('deep.yaml', `dates: {}\nextra: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    expect(codesAt(dir)).toEqual([['yaml-too-deep', file, 2]]);
  });

  it('repeat no alias past the limit', () => {
    const { dir, file } = withExtraFile('aliases.yaml', 'dates: {}\nextra: &a [x, *a]\n');
    expect(codesAt(dir)).toEqual([['yaml-too-deep', file, 2]]);
  });

  it('are UTF-8', () => {
    const { dir, file } = withExtraFile('latin1.yaml', Buffer.from([...Buffer.from('dates: {}\n# caf'), 0xe9, 0x0a]));
    expect(codesAt(dir)).toEqual([['bad-encoding', file, 2]]);
  });

  it('are at most the size limit', () => {
    const { dir, file } = withExtraFile('large.yaml', `dates: {}\n${'# filler\n'.repeat(Math.ceil(RULE_FILE_LIMITS.maxBytes / 9) + 1)}`);
    expect(codesAt(dir).map(([code, f]) => [code, f])).toEqual([['file-too-large', file]]);
  });

  it('report YAML mistakes at their place', () => {
    const { dir, file } = withExtraFile('broken.yaml', 'dates:\n  a: { date: 2024-10-01 }\n  a: { date: 2024-10-02 }\n');
    expect(codesAt(dir)).toEqual([['duplicate-key', file, 3]]);
  });

  it('are checked for structure once, knowing the attributes the base declares', () => {
    const base = readFileSync(join(MINI, '1.0', 'guidance.yaml'), 'utf8');
    const attribute = /^attributes:\n {2}(\w+):/m.exec(base)![1]!;
    const entry = (extra: string) => `catalogue:\n  - service: Extra\n    program: CS\n    unit: perDiem\n    cite: "Mini 1.1"\n    entries:\n      - { code: T9999, modifiers: [U6]${extra} }\n`;
    const known = withExtraFile('entry.yaml', entry(`, ${attribute}: null`));
    expect(loadRules(known.dir).diagnostics.filter((d) => d.code === 'unknown-key')).toEqual([]);
    const unknown = withExtraFile('entry.yaml', entry(', colour: red'));
    expect(codesAt(unknown.dir).filter(([code]) => code === 'unknown-key')).toEqual([['unknown-key', unknown.file, 7]]);
  });
});
