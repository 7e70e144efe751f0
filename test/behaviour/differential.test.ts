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
function arbitraryLines(codes: string[], modifiers: string[]) {
  const date = fc.oneof(
    fc.constantFrom('2021-12-31', '2022-01-01', '2023-12-31', '2024-01-01', '2024-03-30', '2024-03-31', '2024-04-01', '2024-02-29'),
    fc.date({ min: new Date('2021-06-01T00:00:00Z'), max: new Date('2025-06-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    fc.constantFrom('2024-02-30', '2024-13-01', '20240401', ''),
  );
  const line = fc.record(
    {
      claimId: fc.oneof(fc.constantFrom('C1', 'C2', 'C3'), fc.constant(''), fc.integer()),
      lineNumber: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constant(0), fc.constant(1.5)),
      memberId: fc.constantFrom('M1', 'M2', 'M3'),
      serviceDate: date,
      serviceDateEnd: fc.option(date, { nil: undefined }),
      procedureCode: fc.oneof(fc.constantFrom(...codes), fc.constantFrom(...codes).map((c) => c.toLowerCase()), fc.constantFrom('99213', 'H0046', 'G900', 'ZZZZZZ')),
      modifiers: fc.oneof(
        fc.uniqueArray(fc.constantFrom(...modifiers), { maxLength: 3 }),
        fc.array(fc.constantFrom(...modifiers, '25', 'HE', 'u6', 'gq'), { maxLength: 5 }),
        fc.constant('U6' as unknown as string[]),
      ),
      units: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(0, -1, 1.5, 2.25), fc.constant('2' as unknown as number)),
      minutes: fc.option(fc.oneof(fc.integer({ min: 0, max: 90 }), fc.constantFrom(7, 8, 22, 23, 37, 38, 52, 53, -3, 7.5)), { nil: undefined }),
      amount: fc.option(fc.oneof(fc.constantFrom(0, 100, 2500.5, -1)), { nil: undefined }),
      placeOfService: fc.option(fc.constantFrom('02', '10', '11', '12', '2', 2 as unknown as string), { nil: undefined }),
      staffCredential: fc.option(fc.constantFrom('RN', 'rn', 'CHW', 'MA', 'LCSW', 'Doula', 'Promotora', 'XYZ'), { nil: undefined }),
    },
    { requiredKeys: ['claimId', 'lineNumber', 'memberId', 'serviceDate', 'procedureCode', 'units'] },
  );
  return fc.array(fc.oneof({ weight: 20, arbitrary: line }, { weight: 1, arbitrary: fc.constantFrom<unknown>('not json', null, 7, [], {}) }), { maxLength: 25 });
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
    const codes = [...new Set(rs.entries.map((e) => e.code))];
    const modifiers = [...rs.modifiers.keys()];
    fc.assert(
      fc.property(arbitraryLines(codes, modifiers), (lines) => {
        const got = bundle.validate(lines);
        expect(got).toEqual(interpret(loaded.versions, lines));
        expect(got.map((r) => r.index)).toEqual(lines.map((_, i) => i));
        for (const r of got) {
          const errors = r.findings.some((f) => f.severity === 'error');
          if (r.status === 'accepted' || r.status === 'out-of-scope') expect(errors).toBe(false);
          if (r.status === 'rejected') expect(errors).toBe(true);
        }
      }),
      { numRuns: 400, seed: 20240331 },
    );
  });
});
