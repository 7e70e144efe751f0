/** The shipped sample file: every line judged once, every status and every DHCS category present. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { interpret } from '../../compiler/interpret.ts';
import { bundleOf, DHCS, mustLoad } from '../helpers.ts';

const SAMPLE = 'rules/dhcs-ecm-cs/sample/encounters.jsonl';

describe('the DHCS sample', () => {
  it('covers every status and every category, and the bundle agrees with the interpreter', async () => {
    const records = readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => {
      try { return JSON.parse(l) as unknown; } catch { return l; }
    });
    expect(records.length).toBeGreaterThan(300);
    const results = (await bundleOf(DHCS)).validate(records);
    expect(results).toEqual(interpret(mustLoad(DHCS).versions, records));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set(['accepted', 'rejected', 'out-of-scope', 'invalid']));
    const categories = new Set(results.flatMap((r) => r.findings.map((f) => f.category)));
    // Plan-choice categories arise only under a plan profile (test/profiles/ validates the sample under one).
    const rs = mustLoad(DHCS).versions[0]!;
    const underProfile = new Set([...rs.choices.values()].map((c) => c.category));
    const declared = [...rs.categories.keys()].filter((c) => !underProfile.has(c));
    expect(declared.filter((c) => !categories.has(c))).toEqual([]);
    expect(results.filter((r) => typeof records[r.index] === 'string').every((r) => r.status === 'invalid')).toBe(true);
  });
});
