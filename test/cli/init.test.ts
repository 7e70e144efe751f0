/**
 * `codeguide init`: the scaffold is checked by the real compiler, so it stays
 * valid as the rule format grows; it has what the command promises (schema
 * comment, a note on every section, one entry, one rule, one example).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers.ts';
import { check } from '../../compiler/api.ts';
import { renderScaffold, templateNames } from '../../compiler/commands/init.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-init-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = runCli;

/** The top-level keys of a YAML file with the line each starts on. */
function sections(text: string): [string, number][] {
  return text.split('\n').flatMap((l, i) => (/^[A-Za-z]\w*:/.test(l) ? [[l.slice(0, l.indexOf(':')), i] as [string, number]] : []));
}

describe('codeguide init', () => {
  it('writes a guidance folder that check passes unchanged, with every example as expected', async () => {
    const r = await run('init', join(work, 'a', 'rules'), '--guidance', 'acme-care', '--edition', '1.0', '--title', 'ACME Care Coding Guidance');
    expect(r.code).toBe(0);
    const edition = join(work, 'a', 'rules', 'acme-care', '1.0');
    expect(readdirSync(edition).sort()).toEqual(templateNames());
    const result = await check(join(work, 'a', 'rules', 'acme-care'));
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.versions).toEqual(['1.0']);
    expect(result.examples).toMatchObject([{ guidance: 'acme-care', version: '1.0', failedExamples: 0 }]);
    expect(result.examples[0]!.total).toBeGreaterThan(0);
    // And through the command line, as an analyst runs it next.
    const checked = await run('check', join(work, 'a', 'rules', 'acme-care'));
    expect(checked.code).toBe(0);
    expect(checked.err).toMatch(/acme-care 1\.0: 1 of 1 examples as expected/);
  });

  it('has one catalogue entry, one rule of its own beside the built-in checks, one example', () => {
    const edition = join(work, 'a', 'rules', 'acme-care', '1.0');
    const data = readdirSync(edition).map((f) => parse(readFileSync(join(edition, f), 'utf8')) as Record<string, unknown[]>);
    const all = <T>(key: string) => data.flatMap((d) => (d[key] ?? []) as T[]);
    expect(all<{ entries: unknown[] }>('catalogue').flatMap((s) => s.entries)).toHaveLength(1);
    expect(all<{ when?: string }>('rules').filter((r) => r.when !== undefined)).toHaveLength(1);
    expect(all('examples')).toHaveLength(1);
    const guidance = data.find((d) => d.guidance)!.guidance as unknown as Record<string, unknown>;
    expect(guidance).toMatchObject({ id: 'acme-care', version: '1.0', title: 'ACME Care Coding Guidance' });
  });

  it('every file starts with the schema comment, pointing at the schema; every section has a note above it', () => {
    const edition = join(work, 'a', 'rules', 'acme-care', '1.0');
    for (const f of readdirSync(edition)) {
      const text = readFileSync(join(edition, f), 'utf8');
      const first = text.split('\n')[0]!;
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(m, f).not.toBeNull();
      expect(resolve(edition, m![1]!)).toBe(resolve('compiler/schema/rules.schema.json'));
      const lines = text.split('\n');
      for (const [key, at] of sections(text)) {
        let i = at - 1;
        while (i >= 0 && lines[i]!.trim() === '') i--;
        expect(lines[i], `${f}: ${key}`).toMatch(/^#/);
      }
    }
  });

  it('inside this repository the schema path is the one the shipped rules use', () => {
    const files = renderScaffold({ guidance: 'x', edition: '1.0', title: 'X', date: '2024-01-01' }, resolve('rules', 'x', '1.0'));
    const shipped = readFileSync(join('rules', 'dhcs-ecm-cs', readdirSync('rules/dhcs-ecm-cs').find((v) => existsSync(join('rules/dhcs-ecm-cs', v, 'guidance.yaml')))!, 'guidance.yaml'), 'utf8').split('\n')[0];
    for (const text of files.values()) expect(text.split('\n')[0]).toBe(shipped);
  });

  it('a folder already named as the guidance gets the edition inside it', async () => {
    const dir = join(work, 'b', 'acme-care');
    const r = await run('init', dir, '--edition', '2024-1');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, '2024-1', 'guidance.yaml'))).toBe(true);
    expect(parse(readFileSync(join(dir, '2024-1', 'guidance.yaml'), 'utf8')).guidance).toMatchObject({ id: 'acme-care', version: '2024-1' });
    expect((await check(dir)).ok).toBe(true);
  });

  it('never overwrites, and refuses ids and editions the format does not allow', async () => {
    const dir = join(work, 'c');
    const target = join(dir, 'g', '1.0');
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'mine.yaml'), 'keep: me\n');
    const again = await run('init', dir, '--guidance', 'g', '--edition', '1.0');
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists and is not empty; nothing written/);
    expect(readdirSync(target)).toEqual(['mine.yaml']);

    const badId = await run('init', dir, '--guidance', 'Bad_Id', '--edition', '1.0');
    expect(badId.code).toBe(2);
    expect(badId.err).toMatch(/"Bad_Id" is not a guidance id/);
    const badEdition = await run('init', dir, '--guidance', 'ok', '--edition', '1.0/../x');
    expect(badEdition.code).toBe(2);
    expect(badEdition.err).toMatch(/is not an edition name/);
    const noEdition = await run('init', dir, '--guidance', 'ok');
    expect(noEdition.code).toBe(2);
    expect(noEdition.err).toMatch(/init needs --edition/);
    expect(existsSync(join(dir, 'ok'))).toBe(false);
  });

  it('a title is data: quotes, colons and hashes stay text in the YAML', async () => {
    const title = 'He said: "# not a comment" \\ & *star';
    const dir = join(work, 'd');
    const r = await run('init', dir, '--guidance', 'quoted', '--edition', '1', '--title', title);
    expect(r.code).toBe(0);
    const g = parse(readFileSync(join(dir, 'quoted', '1', 'guidance.yaml'), 'utf8')).guidance;
    expect(g.title).toBe(title);
    expect((await check(join(dir, 'quoted'))).ok).toBe(true);
    const multi = await run('init', dir, '--guidance', 'multi', '--edition', '1', '--title', 'two\nlines');
    expect(multi.code).toBe(2);
    expect(multi.err).toMatch(/title must be one line/);
    expect(existsSync(join(dir, 'multi'))).toBe(false);
  });
});
