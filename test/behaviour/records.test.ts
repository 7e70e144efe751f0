/**
 * The record check: the bundle's (generated from the field table as straight-line
 * code) and the reference interpreter's (walking the table) give the same lines,
 * the same problems and the same messages, for any value in any field; blank
 * identifiers are invalid; values are shown in messages as JSON, cut short.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordCheckFunction } from '../../compiler/emit/record.ts';
import { RECORD_FIELDS } from '../../compiler/fields.ts';
import { interpret } from '../../compiler/interpret.ts';
import { checkRecord as tableCheck } from '../../compiler/record-check.ts';
import { shown, type RecordProblem } from '../../runtime/record.js';
import { fuzzRuns } from '../fuzz/budget.ts';
import { bundleOf, DHCS, line, mustLoad } from '../helpers.ts';

const versions = mustLoad(DHCS).versions;
const generatedCheck = recordCheckFunction();

function both(raw: unknown) {
  const p1: RecordProblem[] = [];
  const p2: RecordProblem[] = [];
  const a = generatedCheck(raw, p1);
  const b = tableCheck(raw, p2);
  return { generated: { line: a, problems: p1 }, table: { line: b, problems: p2 } };
}

async function judgeOne(raw: unknown) {
  const bundle = await bundleOf(DHCS);
  const got = bundle.validate([raw]);
  expect(got).toEqual(interpret(versions, [raw]));
  expect(bundle.validateLine(raw)).toEqual(got[0]);
  return got[0]!;
}

describe('blank identifiers', () => {
  it.each([
    ['claimId', ''], ['claimId', ' '], ['claimId', '   '], ['claimId', '\t'], ['claimId', '\u00a0\n'],
    ['memberId', ''], ['memberId', '  '], ['memberId', '\r\n'], ['memberId', '\u3000'],
  ])('%s %j is invalid, naming the field', async (field, value) => {
    const r = await judgeOne(line({ procedureCode: 'G9008', modifiers: ['U1'], [field]: value }));
    expect(r.status).toBe('invalid');
    expect(r.findings.map((f) => f.category)).toEqual(['invalid-record']);
    expect(r.findings[0]!.message.startsWith(`${field} is required and must`)).toBe(true);
  });

  it('an identifier with text and spaces is kept as written', async () => {
    const r = await judgeOne(line({ procedureCode: 'G9008', modifiers: ['U1'], memberId: ' M 1 ', claimId: 'C 7' }));
    expect(r).toMatchObject({ status: 'accepted', claimId: 'C 7' });
  });

  it('lines of blank members are never grouped together by cross-line rules', async () => {
    const bundle = await bundleOf(DHCS);
    const a = line({ memberId: ' ', procedureCode: 'T2040', modifiers: ['U6'], minutes: 30, units: 2 });
    const b = line({ memberId: '  ', lineNumber: 2, procedureCode: 'T2050', modifiers: ['U6'] });
    const got = bundle.validate([a, b]);
    expect(got).toEqual(interpret(versions, [a, b]));
    expect(got.map((r) => r.status)).toEqual(['invalid', 'invalid']);
    expect(got.flatMap((r) => r.findings.map((f) => f.category))).not.toContain('exclusive-same-day');
  });
});

describe('messages', () => {
  it.each([
    [{ claimId: 42 }, 'claimId is required and must be a non-empty string (got 42)'],
    [{ claimId: '  ' }, 'claimId is required and must not be blank (got "  ")'],
    [{ lineNumber: 0 }, 'lineNumber is required and must be a whole number of at least 1 (got 0)'],
    [{ memberId: undefined }, 'memberId is required and must be a non-empty string (got nothing)'],
    [{ serviceDate: '2024-02-30' }, 'serviceDate is required and must be a real date written YYYY-MM-DD (got "2024-02-30")'],
    [{ serviceDateEnd: '2024-13-01' }, 'serviceDateEnd must be a real date written YYYY-MM-DD (got "2024-13-01")'],
    [{ serviceDateEnd: '2024-03-31' }, 'serviceDateEnd must not be before serviceDate "2024-04-01" (got "2024-03-31")'],
    [{ procedureCode: 'G900' }, 'procedureCode is required and must be 5 letters or digits (got "G900")'],
    [{ modifiers: 'U1' }, 'modifiers must be a list of at most 4 two-character modifiers (got "U1")'],
    [{ modifiers: ['U1', 'GQ', '25', 'HE', 'XE'] }, 'modifiers must be a list of at most 4 two-character modifiers (got ["U1","GQ","25","HE","XE"])'],
    [{ modifiers: ['U1', 'U'] }, 'modifiers must hold two-character modifiers only (got ["U1","U"])'],
    [{ units: 0 }, 'units is required and must be a number greater than 0 (got 0)'],
    [{ units: '2' }, 'units is required and must be a number greater than 0 (got "2")'],
    [{ minutes: 7.5 }, 'minutes must be a whole number of at least 0 (got 7.5)'],
    [{ amount: -5 }, 'amount must be a number of at least 0 (got -5)'],
    [{ placeOfService: 100 }, 'placeOfService must be two digits, e.g. "02" (got 100)'],
    [{ staffCredential: ['RN'] }, 'staffCredential must be text (got ["RN"])'],
    [{ planId: { id: 'P' } }, 'planId must be text (got {"id":"P"})'],
    [{ renderingTaxonomy: 'x'.repeat(100) }, null],
  ])('%j', async (over, message) => {
    const r = await judgeOne(line({ procedureCode: 'G9008', modifiers: ['U1'], ...over }));
    if (message === null) expect(r.status).toBe('accepted');
    else expect(r.findings.map((f) => f.message)).toEqual([message]);
  });

  it('one problem per bad field, in the order of the field table', async () => {
    const r = await judgeOne({ claimId: '', lineNumber: -1, memberId: ' ', serviceDate: 'x', procedureCode: 1, units: null, minutes: 'x', planId: 3 });
    const fields = ['claimId', 'lineNumber', 'memberId', 'serviceDate', 'procedureCode', 'units', 'minutes', 'planId'];
    expect(r.findings.map((f) => f.message.split(' ')[0])).toEqual(RECORD_FIELDS.map((f) => f.name).filter((n) => fields.includes(n)));
  });

  it('values show as their JSON text, cut to 40 characters', () => {
    const reference = (v: unknown) => {
      const s = JSON.stringify(v);
      return s.length > 40 ? `${s.slice(0, 37)}...` : s;
    };
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string({ unit: 'binary' }), fc.array(fc.string({ unit: 'binary' })), fc.date({ noInvalidDate: true })), (v) => {
        expect(shown(v)).toBe(reference(v));
      }),
      { numRuns: fuzzRuns(5_000, 100_000), seed: 7 },
    );
    expect(shown(undefined)).toBe('nothing');
    expect(shown(NaN)).toBe('NaN');
    expect(shown(-Infinity)).toBe('-Infinity');
    expect(shown(12n)).toBe('12n');
    expect(shown(Symbol('s'))).toBe('Symbol(s)');
  });
});

describe('the quick path and the guarded path', () => {
  // A plain object is read straight off (checkRecordQuick); anything else, or a plain object while
  // Object.prototype holds a field name, goes through the guarded per-field reads. Both must agree.
  it("a field inherited from a prototype is not the record's own", () => {
    const { memberId, ...rest } = line({ procedureCode: 'G9008' }) as Record<string, unknown>;
    const inherits = Object.assign(Object.create({ memberId }), rest);
    const { generated, table } = both(inherits);
    expect(generated).toEqual(table);
    expect(generated.line).toBeNull();
    expect(generated.problems.map((p) => p.field)).toEqual(['memberId']);
  });

  it("a field name added to Object.prototype is not read as a missing field's value", () => {
    const { amount: _, ...rest } = line({ procedureCode: 'H0044', modifiers: ['U2'], amount: 10 }) as Record<string, unknown>;
    const before = both(rest).generated;
    expect(before.line).not.toBeNull();
    expect(before.line!.amount).toBeNull();
    Object.defineProperty(Object.prototype, 'amount', { value: 99, configurable: true, writable: true });
    try {
      const { generated, table } = both(rest);
      expect(generated).toEqual(table);
      expect(generated).toEqual(before);
    } finally {
      delete (Object.prototype as Record<string, unknown>).amount;
    }
  });

  it('codes, modifiers and places of service: every UTF-16 code unit in every position is judged as the table check judges it', () => {
    const base = line({ procedureCode: 'G9008', modifiers: ['U1'], placeOfService: '11' }) as Record<string, unknown>;
    let accepted = 0;
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      for (const raw of [
        { ...base, procedureCode: `G900${ch}` }, { ...base, procedureCode: `${ch}9008` },
        { ...base, modifiers: [`U${ch}`] }, { ...base, modifiers: [`${ch}1`] },
        { ...base, placeOfService: `1${ch}` }, { ...base, placeOfService: `${ch}1` },
      ]) {
        const { generated, table } = both(raw);
        if ((generated.line === null) !== (table.line === null)) expect({ c, raw, generated }).toEqual({ c, raw, generated: table });
        if (generated.line !== null) accepted++;
      }
    }
    // Letters and digits where the forms take them: 62 code units in each of the four code and modifier positions, 10 in each place-of-service one.
    expect(accepted).toBe(4 * 62 + 2 * 10);
  });

  it('a getter that throws on the second read gives one answer, not two', () => {
    let reads = 0;
    const raw = { ...line({ procedureCode: 'G9008' }) } as Record<string, unknown>;
    Object.defineProperty(raw, 'claimId', { enumerable: true, get: () => { reads++; if (reads > 1) throw new Error('gone'); return 'C1'; } });
    const p: RecordProblem[] = [];
    const got = generatedCheck(raw, p);
    expect(got?.claimId).toBe('C1');
    expect(p).toEqual([]);
    expect(reads).toBe(1);
  });
});

describe('normalised values', () => {
  it('codes and modifiers upper-cased and sorted, credentials trimmed and upper-cased, place of service as two digits', () => {
    const { generated, table } = both(line({ procedureCode: 'g9008', modifiers: ['u1', 'gq'], staffCredential: ' rn ', placeOfService: 2, serviceDateEnd: '2024-04-03' }));
    expect(generated).toEqual(table);
    expect(generated.line).toMatchObject({ procedureCode: 'G9008', modifiers: ['GQ', 'U1'], staffCredential: 'RN', placeOfService: '02', serviceDays: 3 });
  });

  it('"", null and absent are the same for optional fields', () => {
    const base = line({ procedureCode: 'G9008' });
    const lines = [base, ...RECORD_FIELDS.filter((f) => !f.required).flatMap((f) => [{ ...base, [f.name]: '' }, { ...base, [f.name]: null }])];
    for (const l of lines) expect(both(l).generated).toEqual(both(base).generated);
  });

  it('a negative zero is read as 0', () => {
    const { generated, table } = both(line({ procedureCode: 'G9008', minutes: -0, amount: -0 }));
    expect(generated).toEqual(table);
    expect(Object.is(generated.line!.minutes, 0)).toBe(true);
    expect(Object.is(generated.line!.amount, 0)).toBe(true);
  });
});
