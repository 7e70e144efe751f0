/**
 * Several editions side by side: a whole-guidance bundle judges by the edition known on `asOf` (the newest
 * published on or before it; the newest without one), whatever the lines' dates of service.
 */
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

describe('editions as of a date', () => {
  it('judges by the newest edition published on or before asOf, the newest without one, the oldest before any', async () => {
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
    edit('guidance.yaml', 'published: 2024-01-15', 'published: 2025-01-01');
    // Version 2.0 no longer requires an amount on deposits; its example says so.
    edit('catalogue.yaml', 'amountRequired: true, ', '');
    edit('examples.yaml', '    expect: { status: rejected, findings: [amount-required] }', '    expect: { status: accepted, findings: [] }');

    const loaded = mustLoad(dir);
    expect(loaded.versions.map((v) => v.guidance.version)).toEqual(['1.0', '2.0']);
    const mod = (await loadBundle(compileBundle(loaded).js)) as unknown as BundleModule;
    expect(mod.meta.versions).toEqual(['1.0', '2.0']);
    const deposit = (serviceDate: string) => line({ procedureCode: 'H0044', modifiers: ['U6'], serviceDate });
    const lines = [deposit('2023-06-01'), deposit('2024-12-31'), deposit('2025-01-01')];
    const judged = (asOf?: string) => {
      const options = asOf === undefined ? undefined : { asOf };
      const results = mod.validate(lines, options);
      expect(results).toEqual(interpret(loaded.versions, lines, options ?? {}));
      const run = mod.createValidator(options);
      for (const l of lines) run.add(l);
      expect(run.finish()).toEqual(results);
      const withoutIndex = ({ index: _index, ...rest }: { index: number }) => rest;
      expect(lines.map((l) => withoutIndex(mod.validateLine(l, options)))).toEqual(results.map(withoutIndex));
      return results.map((r) => [r.guidanceVersion, r.status]);
    };
    expect(judged()).toEqual([['2.0', 'accepted'], ['2.0', 'accepted'], ['2.0', 'accepted']]);
    expect(judged('2025-01-01')).toEqual([['2.0', 'accepted'], ['2.0', 'accepted'], ['2.0', 'accepted']]);
    expect(judged('2024-12-31')).toEqual([['1.0', 'rejected'], ['1.0', 'rejected'], ['1.0', 'rejected']]);
    expect(judged('2020-01-01')).toEqual([['1.0', 'rejected'], ['1.0', 'rejected'], ['1.0', 'rejected']]);
    expect(() => mod.validate(lines, { asOf: '2024-13-01' })).toThrow(RangeError);
    expect(mustLoad(dir, '2.0').versions.map((v) => v.guidance.version)).toEqual(['2.0']);
  });
});
