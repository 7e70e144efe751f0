/**
 * Cross-line groups answered from indexes (runtime/groups.js, compiler/emit/aggregate.ts) mean what the
 * reference interpreter's pairwise reading means. Each predicate shape the printer splits — conditions on the
 * other line alone, a comparison of the other line with this one (each operator, nullable sides), conditions
 * on this line alone, anything mixed, count(), sum(), the witness a message shows — is a
 * rule over per-day and per-member groups, judged on random lines with ranges (some ten years long, some
 * open) by the bundle and the interpreter alike. Then the worst cases of issue 7 at full size: one member's
 * 200,000 lines on one day, 600,000 monthly per-diem ranges, ten-year ranges; each result is checked against
 * a count worked out here without the engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreeOnDrawnInputs, dayOf, drawnLine, loadWithRule, type PartialLine } from '../conformance/backends.ts';
import { fuzzRuns } from '../fuzz/budget.ts';
import { bundleOf, DHCS } from '../helpers.ts';

/** Rules whose `when` holds the aggregate under test; `{other.…}` in a message shows the witness. */
const SHAPES: { id: string; when: string; message?: string }[] = [
  { id: 'pure-day', when: 'any(memberDay, other.units > 1)', message: 'first {other.claimId}' },
  { id: 'pure-member', when: 'any(member, other.combination == T2050:U6)', message: 'first {other.claimId}' },
  { id: 'pure-none', when: 'any(memberDay, true)', message: 'first {other.claimId} ({other.serviceDate})' },
  { id: 'not-any', when: 'not any(memberDay, other.procedureCode == procedureCode)' },
  { id: 'rel-lt', when: 'any(member, other.serviceDate < serviceDate)', message: 'first {other.claimId}' },
  { id: 'rel-le', when: 'any(member, serviceDate >= other.serviceDate and other.units > 1)', message: 'first {other.claimId}' },
  { id: 'rel-gt', when: 'any(member, other.units > units)', message: 'first {other.claimId}' },
  { id: 'rel-ge', when: 'any(member, other.serviceDate >= serviceDate + 2)', message: 'first {other.claimId}' },
  { id: 'rel-eq', when: 'any(member, other.serviceDate == serviceDate)', message: 'first {other.claimId}' },
  { id: 'rel-nullable', when: 'any(member, other.minutes < minutes)', message: 'first {other.claimId}' },
  { id: 'rel-nullable-eq', when: 'any(member, other.minutes == minutes)', message: 'first {other.claimId}' },
  { id: 'rel-day', when: 'any(memberDay, other.serviceDate < serviceDate)', message: 'first {other.claimId}' },
  { id: 'guard', when: 'any(memberDay, units > 2 and other.units < 3)', message: 'first {other.claimId}' },
  { id: 'rest', when: 'any(member, other.units + units > 5)', message: 'first {other.claimId}' },
  { id: 'count-rel', when: 'count(member, other.serviceDate <= serviceDate) >= 2', message: '{claimId}' },
  { id: 'count-day', when: 'count(memberDay, other.units >= 2) > 1', message: '{claimId}' },
  { id: 'count-plan', when: 'count(memberPlan, other.units > units) > 0' },
  { id: 'sum-day', when: 'sum(memberDay, other.units) > 3', message: '{claimId}' },
];

const CODES: PartialLine[] = [
  { procedureCode: 'T2040', modifiers: ['U6'] },
  { procedureCode: 'T2050', modifiers: ['U6'] },
  { procedureCode: 'G9008', modifiers: ['U1'] },
  { procedureCode: 'H0044', modifiers: ['U6'], amount: 10 },
];

/** Random lines of a few members over a few weeks; some ranges are long (up to 12 years) or open-ended. */
const lineArb = fc.record({
  code: fc.integer({ min: 0, max: CODES.length - 1 }),
  member: fc.constantFrom('M1', 'M2', 'M3'),
  plan: fc.constantFrom('P1', 'P2'),
  day: fc.integer({ min: 0, max: 20 }),
  span: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 }), fc.constant(4400)),
  units: fc.integer({ min: 1, max: 4 }),
  minutes: fc.option(fc.integer({ min: 5, max: 60 }), { nil: undefined }),
});
const inputArb = fc.array(lineArb, { minLength: 1, maxLength: 30 }).map((ls) =>
  ls.map((l, i) => drawnLine(CODES, l, i)),
);

describe('aggregates answered from indexes agree with the pairwise reading', () => {
  for (const shape of SHAPES) {
    it(`${shape.id}: ${shape.when}`, async () => {
      const rule = { id: `probe-${shape.id}`, category: 'amount-required', when: shape.when, message: shape.message ?? '{claimId}', cite: 'Conformance 1.0' };
      const loaded = loadWithRule({ name: shape.id, rule, lines: [] });
      expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      let fired = 0;
      await agreeOnDrawnInputs(loaded, inputArb, { numRuns: fuzzRuns(60, 2000), seed: 7 }, (_, results) => {
        fired += results.filter((r) => r.findings.some((f) => f.rule === rule.id)).length;
      });
      // The shape is exercised both ways: some lines fire, some do not.
      expect(fired).toBeGreaterThan(0);
    });
  }
});

describe('worst cases cost what ordinary lines cost, and are judged right', async () => {
  const bundle = await bundleOf(DHCS);
  const base = { lineNumber: 1, units: 1 };

  it('one member, 200,000 lines on one day: every housing-tenancy line next to financial management is flagged', () => {
    const n = 200_000;
    // Even lines: T2040 U6 (financial management); odd: T2050 U6 — exclusive with it on one day (footnote 8).
    const lines = Array.from({ length: n }, (_, i) => ({ ...base, claimId: `C${i}`, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: i % 2 ? 'T2050' : 'T2040', modifiers: ['U6'] }));
    const results = bundle.validate(lines);
    expect(results).toHaveLength(n);
    const flagged = results.filter((r) => r.findings.some((f) => f.category === 'exclusive-same-day')).length;
    expect(flagged).toBe(n);
    // Per diem billed twice: every T2050 line has another T2050 line that day.
    expect(results.filter((r, i) => i % 2 === 1 && r.findings.some((f) => f.rule === 'per-diem-billed-twice')).length).toBe(n / 2);
    // The witness is the first other line in input order: C1 for every T2050 line but C1 itself, which names C3.
    const perDiem = (i: number) => results[i]!.findings.find((f) => f.rule === 'per-diem-billed-twice')!.message;
    expect(perDiem(1)).toContain('C3');
    expect(perDiem(n - 1)).toContain('C1');
  });

  it('600,000 monthly per-diem ranges over 1,000 members: each overlaps exactly its member\'s neighbours', () => {
    const members = 1000;
    const months = 600;
    const lines: object[] = [];
    // Member m's month k covers days [30k, 30k + 29] plus one day into the next month when k is even.
    for (let k = 0; k < months; k++) {
      for (let m = 0; m < members; m++) {
        const from = 30 * k;
        lines.push({ ...base, units: 30, claimId: `C${k}-${m}`, memberId: `M${m}`, serviceDate: dayOf(from), serviceDateEnd: dayOf(from + 29 + (k % 2 === 0 ? 1 : 0)), procedureCode: 'H0043', modifiers: ['U6'] });
      }
    }
    const results = bundle.validate(lines);
    expect(results).toHaveLength(months * members);
    // Month k overlaps month k+1 exactly when k is even (the extra day) — except the last month.
    let want = 0;
    for (let k = 0; k < months; k++) if ((k % 2 === 0 && k + 1 < months) || k % 2 === 1) want += members;
    const got = results.filter((r) => r.findings.some((f) => f.rule === 'per-diem-billed-twice')).length;
    expect(got).toBe(want);
  });

  it('lines with ten-year ranges join every day they cover, capped as documented', () => {
    const n = 8000;
    const lines = Array.from({ length: n }, (_, i) => ({ ...base, claimId: `C${i}`, memberId: `M${i % 10}`, serviceDate: dayOf(i % 7), serviceDateEnd: dayOf((i % 7) + 3650), procedureCode: 'H0043', modifiers: ['U6'] }));
    const results = bundle.validate(lines);
    expect(results.filter((r) => r.findings.some((f) => f.rule === 'per-diem-billed-twice')).length).toBe(n);
  });
});
