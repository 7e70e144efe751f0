/**
 * Small cross-line groups are scanned and larger ones indexed (runtime/groups.js, SMALL_GROUP): both ways
 * mean what the reference interpreter's pairwise reading means. Each aggregate shape is judged on random
 * lines of one or two members, so that groups fall on both sides of the size where the engine changes way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SMALL_GROUP } from '../../runtime/groups.js';
import { agreeOnDrawnInputs, drawnLine, loadWithRule, type PartialLine } from '../conformance/backends.ts';
import { fuzzRuns } from '../fuzz/budget.ts';

/** Rules whose `when` holds the aggregate under test; `{other.…}` in a message shows the witness. */
const SHAPES: { id: string; when: string; message: string }[] = [
  { id: 'pure-day', when: 'any(memberDay, other.units > 1)', message: 'first {other.claimId}' },
  { id: 'pure-member', when: 'any(member, other.combination == T2050:U6)', message: 'first {other.claimId}' },
  { id: 'rel-lt', when: 'any(member, other.serviceDate < serviceDate)', message: 'first {other.claimId}' },
  { id: 'rel-ge', when: 'any(member, other.serviceDate >= serviceDate + 2)', message: 'first {other.claimId}' },
  { id: 'rel-eq', when: 'any(member, other.serviceDate == serviceDate)', message: 'first {other.claimId}' },
  { id: 'rel-nullable', when: 'any(member, other.minutes < minutes)', message: 'first {other.claimId}' },
  { id: 'rel-day', when: 'any(memberDay, other.serviceDate < serviceDate)', message: 'first {other.claimId}' },
  { id: 'rest', when: 'any(member, other.units + units > 5)', message: 'first {other.claimId}' },
  { id: 'count-rel', when: 'count(member, other.serviceDate <= serviceDate) >= 2', message: '{claimId}' },
  { id: 'count-day', when: 'count(memberDay, other.units >= 2) > 1', message: '{claimId}' },
];

const CODES: PartialLine[] = [
  { procedureCode: 'T2040', modifiers: ['U6'] },
  { procedureCode: 'T2050', modifiers: ['U6'] },
  { procedureCode: 'G9008', modifiers: ['U1'] },
];

const lineArb = fc.record({
  code: fc.integer({ min: 0, max: CODES.length - 1 }),
  member: fc.constantFrom('M1', 'M2'),
  day: fc.integer({ min: 0, max: 12 }),
  span: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4 })),
  units: fc.integer({ min: 1, max: 4 }),
  minutes: fc.option(fc.integer({ min: 5, max: 60 }), { nil: undefined }),
});
/** Around the size where scanning gives way to indexes: from a few lines to three times that size. */
const inputArb = fc.array(lineArb, { minLength: 1, maxLength: 3 * SMALL_GROUP, size: 'max' }).map((ls) =>
  ls.map((l, i) => drawnLine(CODES, l, i)),
);


describe('scanned and indexed groups agree with the pairwise reading', () => {
  for (const shape of SHAPES) {
    it(`${shape.id}: ${shape.when}`, async () => {
      const rule = { id: `probe-${shape.id}`, category: 'amount-required', when: shape.when, message: shape.message, cite: 'Conformance 1.0' };
      const loaded = loadWithRule({ name: shape.id, rule, lines: [] });
      expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      let small = 0;
      let large = 0;
      await agreeOnDrawnInputs(loaded, inputArb, { numRuns: fuzzRuns(40, 1000), seed: 11 }, (lines) => {
        const biggest = Math.max(...['M1', 'M2'].map((m) => lines.filter((l) => l.memberId === m).length));
        if (biggest <= SMALL_GROUP) small++;
        else large++;
      });
      // Both ways were exercised.
      expect(small).toBeGreaterThan(0);
      expect(large).toBeGreaterThan(0);
    });
  }
});

describe('many groups on one key', () => {
  // A line's membership in the groups of one key is noted as the bits of one number (runtime KeyNotes),
  // and the printer splits a key's groups into runs of at most 31: rules looking in 40 groups of one key,
  // some per day, each about lines of one combination, mean what the pairwise reading means.
  it('40 groups keyed by member agree with the interpreter', async () => {
    const count = 40;
    const groups = Object.fromEntries(Array.from({ length: count }, (_, g) => [`g${g}`, g % 3 === 0 ? { key: ['memberId'], per: 'day' } : { key: ['memberId'] }]));
    // Each group is asked a different question, about lines of one combination, so that which groups a
    // line is a member of depends on the line and on the group.
    const combos = ['T2040:U6', 'T2050:U6', 'G9008:U1'];
    const when = Array.from({ length: count }, (_, g) => `any(g${g}, other.combination == ${combos[g % 3]} and other.units > ${1 + (g % 4)} and other.serviceDate >= serviceDate + ${g % 5})`).join(' or ');
    const rule = { id: 'probe-many-groups', category: 'amount-required', when, message: '{claimId}', cite: 'Conformance 1.0' };
    const loaded = loadWithRule({ name: 'many-groups', rule, lines: [], add: { groups } });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    let fired = 0;
    await agreeOnDrawnInputs(loaded, inputArb, { numRuns: fuzzRuns(20, 300), seed: 12 }, (_, results) => {
      fired += results.filter((r) => r.findings.some((f) => f.rule === rule.id)).length;
    });
    expect(fired).toBeGreaterThan(0);
  });
});
