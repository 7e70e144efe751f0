/**
 * Every example written in the shipped rule sets comes out as its `expect` says. Examples belong to the
 * edition that states them and run against its resolved rule set; together with the examples of the
 * editions it extends, they exercise every rule and entry of the edition.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { runExamples } from '../../compiler/examples.ts';
import { DHCS, MINI, mustLoad } from '../helpers.ts';

interface Used { total: number; rules: Set<string>; entries: Set<string>; base: string | null }

describe.each([DHCS, MINI])('the examples of %s', (dir) => {
  it('all pass, and with those of the editions extended use every rule and catalogue entry', async () => {
    const versions = mustLoad(dir).versions;
    const used = new Map<string, Used>();
    for (const rs of versions) {
      const report = await runExamples(rs);
      expect(report.failed.map(formatDiagnostic)).toEqual([]);
      used.set(rs.guidance.version, {
        total: report.total,
        rules: new Set(rs.rules.map((r) => r.id).filter((id) => !report.rulesNotExercised.includes(id))),
        entries: new Set(rs.entries.map((e) => e.combination).filter((c) => !report.entriesNotExercised.includes(c))),
        base: rs.guidance.extends,
      });
    }
    for (const rs of versions) {
      const chain: Used[] = [];
      for (let v: string | null = rs.guidance.version; v !== null && used.has(v); v = used.get(v)!.base) chain.push(used.get(v)!);
      expect(chain.reduce((n, u) => n + u.total, 0)).toBeGreaterThan(10);
      expect(rs.rules.map((r) => r.id).filter((id) => !chain.some((u) => u.rules.has(id)))).toEqual([]);
      expect(rs.entries.map((e) => e.combination).filter((c) => !chain.some((u) => u.entries.has(c)))).toEqual([]);
    }
  });
});
