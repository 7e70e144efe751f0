/**
 * Differential testing under plan profiles: random profiles (each choice left out, one alternative, or a list;
 * either reading of codes without the guidance's modifiers) and random batches of lines built from the
 * catalogue, through the bundle (options.profile, line by line too) and the reference interpreter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpret } from '../../compiler/interpret.ts';
import type { ProfileObject } from '../../compiler/profile/profile.ts';
import { bundleOf, DHCS, MINI, mustLoad } from '../helpers.ts';

describe.each([DHCS, MINI])('bundle and interpreter agree under random profiles: %s', (dir) => {
  const loaded = mustLoad(dir);
  const rs = loaded.versions[loaded.versions.length - 1]!;
  const choices = [...rs.choices.values()];
  const combos = rs.entries.map((e): [string, string[]] => [e.code, e.modifiers]);
  const modifiers = [...rs.modifiers.keys()];

  const selection = (names: string[]) => fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(...names),
    fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: names.length }),
  );
  const profile: fc.Arbitrary<ProfileObject> = fc.record({
    name: fc.constantFrom('plan-a', 'plan-b'),
    codesWithoutGuidanceModifiers: fc.constantFrom('undefined-combination', 'out-of-scope', undefined),
    choices: fc.tuple(...choices.map((c) => selection(c.alternatives.map((a) => a.name)))).map((picked) =>
      Object.fromEntries(choices.flatMap((c, i) => (picked[i] === undefined ? [] : [[c.id, picked[i]!]])))),
  }, { requiredKeys: ['name', 'choices'] }) as fc.Arbitrary<ProfileObject>;

  const lineOf = fc.record({
    claimId: fc.constantFrom('C1', 'C2'),
    lineNumber: fc.integer({ min: 1, max: 9 }),
    memberId: fc.constantFrom('M1', 'M2'),
    serviceDate: fc.constantFrom('2023-06-01', '2024-01-15', '2024-04-01', '2024-04-02'),
    units: fc.integer({ min: 1, max: 3 }),
    minutes: fc.option(fc.constantFrom(7, 8, 23, 30), { nil: undefined }),
    amount: fc.option(fc.constantFrom(0, 100), { nil: undefined }),
    combo: fc.constantFrom(...combos),
    how: fc.integer({ min: 0, max: 9 }),
    other: fc.array(fc.constantFrom(...modifiers, 'HE', '25'), { maxLength: 2 }),
  }).map(({ combo: [code, mods], how, other, ...l }) => ({
    ...l,
    procedureCode: code,
    // Mostly catalogue combinations (some by telehealth), then the code alone or with other modifiers.
    modifiers: how < 5 ? mods : how < 7 ? [...mods, 'GQ'] : how < 8 ? [] : other,
  }));

  it('on random lines', async () => {
    const bundle = await bundleOf(dir);
    const seen = new Set<string>();
    fc.assert(
      fc.property(profile, fc.array(lineOf, { minLength: 1, maxLength: 20 }), (p, lines) => {
        const expected = interpret(loaded.versions, lines, { profile: p });
        expect(bundle.validate(lines, { profile: p })).toEqual(expected);
        const run = bundle.createValidator({ profile: p });
        for (const l of lines) run.add(l);
        expect(run.finish()).toEqual(expected);
        for (const r of expected) {
          seen.add(r.status);
          for (const f of r.findings) seen.add(f.category);
        }
      }),
      { numRuns: 300, seed: 20240601 },
    );
    // The generator must reach what profiles change, or agreement would prove little.
    for (const outcome of ['accepted', 'rejected', 'out-of-scope', 'undefined-combination', ...new Set(choices.map((c) => c.category))]) {
      expect(seen, outcome).toContain(outcome);
    }
  });
});
