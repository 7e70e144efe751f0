/** `validate --as-of`: judge by the edition known on a date, as `options.asOf` does. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MINI, line, runCli } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-asof-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = runCli;

describe('validate --as-of', () => {
  it('picks the edition published on or before the date; a bad date is a usage error', async () => {
    const dir = join(work, 'mini-guidance');
    cpSync(join(MINI, '1.0'), join(dir, '1.0'), { recursive: true });
    cpSync(join(MINI, '1.0'), join(dir, '2.0'), { recursive: true });
    const g = join(dir, '2.0', 'guidance.yaml');
    writeFileSync(g, readFileSync(g, 'utf8').replace('version: "1.0"', 'version: "2.0"').replace('published: 2024-01-15', 'published: 2025-01-01'));
    const input = join(work, 'lines.jsonl');
    writeFileSync(input, `${JSON.stringify(line({ procedureCode: 'G9008', modifiers: ['U1'] }))}\n`);
    const version = async (...extra: string[]) => JSON.parse((await run('validate', '--rules', dir, ...extra, input)).out).guidanceVersion;
    expect(await version()).toBe('2.0');
    expect(await version('--as-of', '2024-12-31')).toBe('1.0');
    expect(await version('--as-of', '2025-01-01')).toBe('2.0');
    const bad = await run('validate', '--rules', dir, '--as-of', '31/12/2024', input);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--as-of needs a date written YYYY-MM-DD/);
  });
});
