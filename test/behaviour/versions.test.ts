/** Several versions side by side: a whole-guidance bundle judges each line by the version in force on its date. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileBundle } from '../../compiler/compile.ts';
import { loadBundle } from '../../compiler/examples.ts';
import { interpret } from '../../compiler/interpret.ts';
import { line, MINI, mustLoad, type BundleModule } from '../helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'codeguide-versions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('versions by date of service', () => {
  it('picks the last version whose appliesFrom is on or before the date, the oldest before that', async () => {
    const dir = join(work, 'mini-guidance');
    cpSync(join(MINI, '1.0'), join(dir, '1.0'), { recursive: true });
    cpSync(join(MINI, '1.0'), join(dir, '2.0'), { recursive: true });
    const edit = (file: string, a: string, b: string) => {
      const p = join(dir, '2.0', file);
      const text = readFileSync(p, 'utf8');
      expect(text).toContain(a);
      writeFileSync(p, text.replace(a, b));
    };
    edit('guidance.yaml', 'version: "1.0"', 'version: "2.0"');
    edit('guidance.yaml', 'appliesFrom: 2024-03-31', 'appliesFrom: 2025-01-01');
    // Version 2.0 no longer requires an amount on deposits; its example says so.
    edit('catalogue.yaml', 'amountRequired: true, ', '');
    edit('examples.yaml', '    expect: { status: rejected, findings: [amount-required] }', '    expect: { status: accepted, findings: [] }');

    const loaded = mustLoad(dir);
    expect(loaded.versions.map((v) => v.guidance.version)).toEqual(['1.0', '2.0']);
    const mod = (await loadBundle(compileBundle(loaded).js)) as unknown as BundleModule;
    expect(mod.meta.versions).toEqual(['1.0', '2.0']);
    const deposit = (serviceDate: string) => line({ procedureCode: 'H0044', modifiers: ['U6'], serviceDate });
    const lines = [deposit('2023-06-01'), deposit('2024-12-31'), deposit('2025-01-01')];
    const results = mod.validate(lines);
    expect(results.map((r) => [r.guidanceVersion, r.status])).toEqual([['1.0', 'rejected'], ['1.0', 'rejected'], ['2.0', 'accepted']]);
    expect(results).toEqual(interpret(loaded.versions, lines));
    expect(mustLoad(dir, '2.0').versions.map((v) => v.guidance.version)).toEqual(['2.0']);
  });
});
