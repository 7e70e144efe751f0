/**
 * Differential testing: the emitted bundle and the reference interpreter must
 * give identical results — on every example of every rule set, and on random
 * lines built from each catalogue (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpret } from '../../compiler/interpret.ts';
import { bundleOf, DHCS, MINI, mustLoad } from '../helpers.ts';

const RULE_SETS = [DHCS, MINI];

/** Random lines drawn from a catalogue's codes and modifiers, with edge values for every field. */
function arbitraryLines(combos: [string, string[]][], modifiers: string[]) {
  const codes = [...new Set(combos.map(([c]) => c))];
  const date = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('2021-12-31', '2022-01-01', '2023-12-31', '2024-01-01', '2024-02-29') },
    { weight: 12, arbitrary: fc.constantFrom('2024-04-01', '2024-04-02') },
    { weight: 3, arbitrary: fc.date({ min: new Date('2021-06-01T00:00:00Z'), max: new Date('2025-06-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
    { weight: 1, arbitrary: fc.constantFrom('2024-02-30', '2024-13-01', '20240401', '') },
  );
  const rare = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ weight: 30, arbitrary: good }, { weight: 1, arbitrary: bad });
  const line = fc.record(
    {
      claimId: rare(fc.constantFrom('C1', 'C2', 'C3'), fc.constantFrom('', 7 as unknown as string)),
      lineNumber: rare(fc.integer({ min: 1, max: 9 }), fc.constantFrom(0, 1.5)),
      memberId: fc.constantFrom('M1', 'M2'),
      serviceDate: date,
      serviceDateEnd: fc.option(date, { nil: undefined, freq: 4 }),
      procedureCode: fc.oneof(
        { weight: 10, arbitrary: fc.constantFrom(...codes) },
        { weight: 2, arbitrary: fc.constantFrom(...codes).map((c) => c.toLowerCase()) },
        { weight: 1, arbitrary: fc.constantFrom('99213', 'H0046', 'G900', 'ZZZZZZ') },
      ),
      modifiers: fc.oneof(
        { weight: 10, arbitrary: fc.uniqueArray(fc.constantFrom(...modifiers), { maxLength: 3 }) },
        { weight: 2, arbitrary: fc.array(fc.constantFrom(...modifiers, '25', 'HE', 'u6', 'gq'), { maxLength: 5 }) },
        { weight: 1, arbitrary: fc.constant('U6' as unknown as string[]) },
      ),
      units: rare(fc.integer({ min: 1, max: 5 }), fc.constantFrom(0, -1, 1.5, 2.25, '2' as unknown as number)),
      minutes: fc.option(rare(fc.integer({ min: 0, max: 90 }), fc.constantFrom(7, 8, 22, 23, 37, 38, 52, 53, -3, 7.5)), { nil: undefined }),
      amount: fc.option(fc.constantFrom(0, 100, 2500.5, -1), { nil: undefined }),
      placeOfService: fc.option(rare(fc.constantFrom('02', '10', '11', '12'), fc.constantFrom('2', 2 as unknown as string)), { nil: undefined }),
      staffCredential: fc.option(fc.constantFrom('RN', 'rn', 'CHW', 'MA', 'LCSW', 'Doula', 'Promotora', 'XYZ'), { nil: undefined }),
    },
    { requiredKeys: ['claimId', 'lineNumber', 'memberId', 'serviceDate', 'procedureCode', 'units'] },
  );
  // Most lines use a combination of the catalogue (sometimes with GQ), so that valid lines and cross-line rules are common.
  const catalogueLine = fc.tuple(line, fc.constantFrom(...combos), fc.integer({ min: 0, max: 9 })).map(([l, [code, mods], k]) =>
    k < 7 ? { ...l, procedureCode: code, modifiers: k < 5 ? mods : [...mods, 'GQ'] } : l);
  return fc.array(fc.oneof({ weight: 20, arbitrary: catalogueLine }, { weight: 1, arbitrary: fc.constantFrom<unknown>('not json', null, 7, [], {}) }), { minLength: 1, maxLength: 30 });
}

describe.each(RULE_SETS)('bundle and interpreter agree: %s', (dir) => {
  const loaded = mustLoad(dir);

  it('on every example of the rule files', async () => {
    const bundle = await bundleOf(dir);
    let lines = 0;
    for (const rs of loaded.versions) {
      for (const ex of rs.examples) {
        expect(bundle.validate(ex.lines), ex.name).toEqual(interpret(loaded.versions, ex.lines));
        lines += ex.lines.length;
      }
    }
    expect(lines).toBeGreaterThan(10);
  });

  it('on random lines', async () => {
    const bundle = await bundleOf(dir);
    const rs = loaded.versions[loaded.versions.length - 1]!;
    const combos = rs.entries.map((e): [string, string[]] => [e.code, e.modifiers]);
    const modifiers = [...rs.modifiers.keys()];
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbitraryLines(combos, modifiers), (lines) => {
        const got = bundle.validate(lines);
        const oneByOne = bundle.createValidator();
        for (const l of lines) oneByOne.add(l);
        expect(oneByOne.finish()).toEqual(got);
        for (const r of got) {
          seen.add(r.status);
          for (const f of r.findings) seen.add(f.category);
        }
        expect(got).toEqual(interpret(loaded.versions, lines));
        expect(got.map((r) => r.index)).toEqual(lines.map((_, i) => i));
        for (const r of got) {
          const errors = r.findings.some((f) => f.severity === 'error');
          if (r.status === 'accepted' || r.status === 'out-of-scope') expect(errors).toBe(false);
          if (r.status === 'rejected') expect(errors).toBe(true);
        }
      }),
      { numRuns: 1000, seed: 20240331 },
    );
    // The generator must reach every outcome, or agreement would prove little.
    for (const outcome of ['accepted', 'rejected', 'out-of-scope', 'invalid', 'undefined-combination', 'not-effective', 'telehealth-modifier', 'units-mismatch', 'exclusive-same-day', 'outreach-after-initiation']) {
      expect(seen, outcome).toContain(outcome);
    }
  });
});
