/**
 * The 837 reader: records → 837 (test/tools/make-837.ts) → records round trips,
 * separators read from the ISA, origins, and envelope faults that never cost a
 * readable line.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RECORD_FIELDS } from '../../compiler/fields.ts';
import { FROM_837, readX12 } from '../../compiler/io/x12.ts';
import type { ReadItem } from '../../compiler/io/items.ts';
import { objectLines, write837 } from '../tools/make-837.ts';
import { chunked, collect, lines } from './helpers.ts';

type Rec = Record<string, unknown>;

async function read(text: string, size?: number): Promise<ReadItem[]> {
  return collect(readX12(chunked(text, size), 'in.x12'));
}

const records = (items: readonly ReadItem[]) => items.map((i) => ('record' in i ? i.record : i));
const faults = (items: readonly ReadItem[]) => items.filter((i): i is { fault: string } => 'fault' in i).map((i) => i.fault);

/** What an 837 carries of a record (amount 0 when absent; no minutes, credential or plan). */
function carried(r: Rec, kind: 'P' | 'I'): Rec {
  const out: Rec = {};
  for (const f of RECORD_FIELDS) {
    if (f.x12 === null || r[f.name] === undefined) continue;
    if (kind === 'I' && (f.name === 'placeOfService' || f.name === 'renderingTaxonomy')) continue;
    out[f.name] = r[f.name];
  }
  out.amount ??= 0;
  return out;
}

const id = fc.stringMatching(/^[A-Z0-9]{1,12}$/);
const date = fc.date({ min: new Date('2022-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const recordArb = fc.record({
  claimId: id, lineNumber: fc.integer({ min: 1, max: 999 }), memberId: id, serviceDate: date,
  serviceDateEnd: fc.option(date, { nil: undefined }),
  procedureCode: fc.constantFrom('G9008', 'T2040', 'H0043', '99213', 'T1016'),
  modifiers: fc.uniqueArray(fc.constantFrom('U1', 'U2', 'U6', 'U8', 'GQ', 'HE'), { maxLength: 4 }),
  units: fc.integer({ min: 1, max: 96 }), amount: fc.option(fc.integer({ min: 1, max: 99999 }).map((c) => c / 100), { nil: undefined }),
  placeOfService: fc.constantFrom('02', '10', '11', '12', '99'),
  renderingTaxonomy: fc.option(fc.constantFrom('171M00000X', '163W00000X'), { nil: undefined }),
}, { requiredKeys: ['claimId', 'lineNumber', 'memberId', 'serviceDate', 'procedureCode', 'modifiers', 'units', 'placeOfService'] });

describe('837 reader', () => {
  it('reads every field the field table says an 837 carries', () => {
    for (const f of RECORD_FIELDS) if (f.x12 !== null) expect(FROM_837[f.x12], f.name).toBeTypeOf('function');
    expect(Object.keys(FROM_837).sort()).toEqual(RECORD_FIELDS.filter((f) => f.x12 !== null).map((f) => f.x12).sort());
  });

  it('round trip: records → 837P/837I → the same records, in order, whatever the separators, breaks and chunks', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(recordArb, { minLength: 1, maxLength: 25 }), fc.constantFrom<'P' | 'I'>('P', 'I'), fc.boolean(), fc.integer({ min: 1, max: 400 }),
      fc.constantFrom({ element: '*', component: ':', repetition: '^', terminator: '~' }, { element: '|', component: '>', repetition: '{', terminator: '\n' }, { element: '^', component: '\\', repetition: '`', terminator: "'" }),
      fc.integer({ min: 1, max: 6 }),
      async (recs, kind, lineBreaks, chunk, separators, perTransaction) => {
        const text = write837(recs as Rec[], { kind, lineBreaks, separators, claimsPerTransaction: perTransaction });
        const items = await read(text, chunk);
        expect(faults(items)).toEqual([]);
        expect(records(items)).toEqual(recs.map((r) => carried(r as Rec, kind)));
      },
    ), { numRuns: 150, seed: 837 });
  });

  it('origins name the interchange, group, transaction, claim, line and the SV1 segment number', async () => {
    const recs = objectLines(readFileSync('rules/dhcs-ecm-cs/sample/encounters.jsonl', 'utf8')).slice(0, 30);
    const text = write837(recs, { kind: 'P', claimsPerTransaction: 7, control: 42 });
    const segments = text.split('~').map((s) => s.trim());
    const items = await read(text);
    expect(items).toHaveLength(recs.length);
    for (const item of items) {
      const o = (item as { origin: { segment: number; claim: string; line: string; interchange: string; group: string; transaction: string } }).origin;
      expect(segments[o.segment - 1]).toMatch(/^SV1\*/);
      expect(segments.slice(0, o.segment).reverse().find((s) => s.startsWith('CLM*'))).toMatch(new RegExp(`^CLM\\*${o.claim}\\*`));
      expect(segments.slice(0, o.segment).reverse().find((s) => s.startsWith('LX*'))).toBe(`LX*${o.line}`);
      expect(segments.slice(0, o.segment).reverse().find((s) => s.startsWith('ST*'))).toMatch(new RegExp(`^ST\\*837\\*${o.transaction}\\*`));
      expect([o.interchange, o.group]).toEqual(['000000042', '42']);
    }
  });

  it('a line without its DTP*472 or SV1 is one problem with its origin; the others are read', async () => {
    const recs = [{ claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1, placeOfService: '11' }, { claimId: 'C1', lineNumber: 2, memberId: 'M1', serviceDate: '2024-04-02', procedureCode: 'G9008', modifiers: ['U1'], units: 1, placeOfService: '11' }];
    const text = write837(recs, { kind: 'P' }).replace('DTP*472*D8*20240401~\n', '').replace(/SE\*(\d+)/, (_, n) => `SE*${Number(n) - 1}`);
    const items = await read(text);
    expect(faults(items)).toEqual([]);
    expect(lines(items)).toHaveLength(2);
    expect(items[0]).toMatchObject({ problem: expect.stringMatching(/service line LX 1 of claim C1 \(segment \d+\) has no DTP\*472 service date/), claimId: 'C1', lineNumber: 1, origin: { claim: 'C1', line: '1' } });
    expect(items[1]).toMatchObject({ record: { lineNumber: 2, serviceDate: '2024-04-02' } });
  });

  it('envelope faults are reported and cost no readable line', async () => {
    const recs = objectLines(readFileSync('rules/dhcs-ecm-cs/sample/encounters.jsonl', 'utf8')).slice(0, 12);
    const good = write837(recs, { kind: 'P', claimsPerTransaction: 4 });
    const expected = records(await read(good));
    const cases: [string, string, RegExp][] = [
      ['ISA not 106 characters', good.replace('CODEGUIDESUBMIT', 'CODEGUIDE'), /ISA segment 1 is 100 characters long; X12 requires 106/],
      ['SE count', good.replace(/SE\*(\d+)\*0001/, 'SE*3*0001'), /transaction 0001: SE01 says 3 segments, the transaction has \d+/],
      ['SE control number', good.replace(/SE\*(\d+)\*0002/, 'SE*$1*9999'), /transaction 0002: SE02 is 9999, not the ST02 control number/],
      ['GE count', good.replace(/GE\*\d+/, 'GE*9'), /functional group 1: GE01 says 9 transactions, the group has \d/],
      ['IEA count', good.replace(/IEA\*1/, 'IEA*2'), /interchange 000000001: IEA01 says 2 functional groups, the interchange has 1/],
      ['no IEA', good.slice(0, good.lastIndexOf('IEA')), /the file ends inside interchange 000000001 \(no IEA\)/],
      ['truncated after a segment', good.slice(0, good.lastIndexOf('SE*')), /the file ends inside transaction 0003 \(no SE\)/],
    ];
    for (const [name, text, fault] of cases) {
      const items = await read(text, 97);
      expect(faults(items).join('\n'), name).toMatch(fault);
      expect(records(lines(items)), name).toEqual(expected);
    }
  });

  it('a file cut in the middle of a segment: every line before it is read, the cut line is a problem', async () => {
    const recs = objectLines(readFileSync('rules/dhcs-ecm-cs/sample/encounters.jsonl', 'utf8')).slice(0, 5);
    const good = write837(recs, { kind: 'P' });
    const cut = good.slice(0, good.lastIndexOf('SV1*') + 10);
    const items = await read(cut, 50);
    expect(faults(items).join('\n')).toMatch(/the file ends in the middle of segment \d+ \("SV1\*HC:/);
    expect(lines(items)).toHaveLength(5);
    expect(records(lines(items)).slice(0, 4)).toEqual(records(await read(good)).slice(0, 4));
    expect(lines(items)[4]).toMatchObject({ problem: expect.stringMatching(/has no SV1\/SV2 service segment/) });
  });

  it('several interchanges in one file, each with its own separators', async () => {
    const a = [{ claimId: 'A1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1, placeOfService: '11' }];
    const b = [{ claimId: 'B1', lineNumber: 1, memberId: 'M2', serviceDate: '2024-04-02', procedureCode: 'T2040', modifiers: ['U6'], units: 2, placeOfService: '12' }];
    const text = write837(a, { kind: 'P', control: 1 }) + write837(b, { kind: 'I', control: 2, separators: { element: '|', component: '>', repetition: '{', terminator: '\n' } });
    const items = await read(text, 33);
    expect(faults(items)).toEqual([]);
    expect(items.map((i) => [(i as { record: Rec }).record.claimId, (i as { origin: { interchange: string } }).origin.interchange])).toEqual([['A1', '000000001'], ['B1', '000000002']]);
  });

  it('values past ASCII are read as UTF-8 on every line of a claim; bytes that are not UTF-8 make that line a problem', async () => {
    const recs = [1, 2, 3].map((n) => ({ claimId: 'CÉ1', lineNumber: n, memberId: 'MÜ✓', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1, placeOfService: '11' }));
    const text = write837(recs, { kind: 'P' });
    const bytes = Buffer.from(text, 'utf8');
    const items = await collect(readX12(chunked(bytes, 16), 'in.x12'));
    expect(records(items)).toEqual(recs.map((r) => carried(r, 'P')));
    // One byte that cannot start a UTF-8 sequence, in the second line's SV1.
    const at = bytes.indexOf('SV1*HC:G9008', bytes.indexOf('LX*2'));
    const broken = Buffer.concat([bytes.subarray(0, at + 4), Buffer.from([0xff]), bytes.subarray(at + 4)]);
    const again = await collect(readX12(chunked(broken, 16), 'in.x12'));
    expect(again.map((i) => ('problem' in i ? 'problem' : 'record'))).toEqual(['record', 'problem', 'record']);
    expect((again[1] as { problem: string }).problem).toMatch(new RegExp(`is not valid UTF-8: a segment of the line at byte offset ${at} of the file`));
  });

  it('an element ending in a character whose last UTF-8 byte is 0xA0 keeps it; a no-break space around a value is trimmed; a lone 0xA0 is not UTF-8', async () => {
    // "à" is C3 A0 and "Š" C5 A0; "\u00a0" (a no-break space) is C2 A0.
    const recs = [{ claimId: 'C7à', lineNumber: 1, memberId: '\u00a0MŠ\u00a0', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1, placeOfService: '11' }];
    const bytes = Buffer.from(write837(recs, { kind: 'P' }), 'utf8');
    for (const size of [7, bytes.length]) {
      const items = await collect(readX12(chunked(bytes, size), 'in.x12'));
      expect(records(items)).toEqual([{ ...carried(recs[0]!, 'P'), memberId: 'MŠ' }]);
      expect((items[0] as { origin: { claim: string } }).origin.claim).toBe('C7à');
    }
    // The same claim with its "à" cut to its last byte alone: not UTF-8, and the message shows the claim as it can.
    const at = bytes.indexOf(Buffer.from('C7à'));
    const lone = Buffer.concat([bytes.subarray(0, at + 2), bytes.subarray(at + 3)]);
    const items = await collect(readX12(chunked(lone, 16), 'in.x12'));
    expect(items).toHaveLength(1);
    expect((items[0] as { problem: string }).problem).toMatch(/^service line LX 1 of claim C7\ufffd \(segment \d+\) is not valid UTF-8/);
    expect((items[0] as { origin: { claim: string } }).origin.claim).toBe('C7\ufffd');
  });

  it('text that is not X12 is one fault, not a crash', async () => {
    expect(faults(await read('hello world'))).toEqual([expect.stringMatching(/is not an X12 ISA segment/)]);
    expect(await read('')).toEqual([]);
  });
});
