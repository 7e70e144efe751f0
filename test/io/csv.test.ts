/** The CSV reader: RFC 4180 through csv-parse; one item per row, problems naming their row. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvValue, isDecimal, readCsv } from '../../compiler/io/csv.ts';
import { RECORD_FIELDS } from '../../compiler/fields.ts';
import { chunked, collect } from './helpers.ts';

const HEADER = 'claimId,lineNumber,memberId,serviceDate,procedureCode,modifiers,units,minutes,note';

async function read(text: string | Buffer, size?: number) {
  return collect(readCsv(chunked(text, size)));
}

describe('CSV reader', () => {
  it('quoted line breaks, quotes, commas, CRLF and a byte-order mark: one record per row', async () => {
    // "note" is no record field: its column is ignored, as unknown fields are.
    const text = `\uFEFF${HEADER}\r\nC1,1,M1,2024-04-01,T2040,"U6, GQ",2,30,"first line\r\nsecond ""quoted"" line"\r\nC1,2,M1,2024-04-01,G9008,U1,1,,\r\nC2,1,M2,2024-04-02,G9012,U2|U8,1.5,,"a\nb\nc"\r\n`;
    const whole = await read(text);
    expect(whole).toEqual([
      { record: { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'T2040', modifiers: ['U6', 'GQ'], units: 2, minutes: 30 } },
      { record: { claimId: 'C1', lineNumber: 2, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 } },
      { record: { claimId: 'C2', lineNumber: 1, memberId: 'M2', serviceDate: '2024-04-02', procedureCode: 'G9012', modifiers: ['U2', 'U8'], units: 1.5 } },
    ]);
    for (const size of [1, 2, 5, 13]) expect(await read(text, size)).toEqual(whole);
  });

  it('numbers only where the field table says a field is numeric', async () => {
    const numeric = RECORD_FIELDS.filter((f) => f.kind === 'integer' || f.kind === 'number').map((f) => f.csv);
    const text = RECORD_FIELDS.filter((f) => f.kind !== 'modifiers').map((f) => f.csv).join(',') + '\n' + RECORD_FIELDS.filter((f) => f.kind !== 'modifiers').map(() => '12').join(',') + '\n';
    const [item] = await read(text);
    const record = (item as { record: Record<string, unknown> }).record;
    for (const [k, v] of Object.entries(record)) expect(typeof v).toBe(numeric.includes(k) ? 'number' : 'string');
  });

  it('a ragged, blank, undecodable or unclosed row is one problem naming its row and line; the rest still count', async () => {
    const text = Buffer.concat([
      Buffer.from(`${HEADER}\nC1,1,M1,2024-04-01,G9008,U1,1,,\nC1,2,M1\n\nC1,3,M1,2024-04-01,G9008,U1,1,,"`),
      Buffer.from([0xff]),
      Buffer.from('"\nC1,4,M1,2024-04-01,G9008,U1,1,,\nC1,5,M1,2024-04-01,G9008,U1,1,,"never closed\nC1,6\n'),
    ]);
    for (const size of [1, 7, 4096]) {
      const items = await read(text, size);
      expect(items.map((i) => ('problem' in i ? i.problem : 'record'))).toEqual([
        'record',
        'row 2 (line 3) has 3 fields; the header has 9',
        'row 3 (line 4) is blank',
        `row 4 (line 5) is not valid UTF-8: byte offset ${text.indexOf(0xff)} of the file`,
        'record',
        'row 6 (line 7) opens a quoted field that is never closed, so the rest of the file is part of that one field',
      ]);
    }
  });

  it('a header naming a column twice makes each row a problem rather than a guess', async () => {
    const items = await read('claimId,units,UNITS\nC1,1,2\n');
    expect(items).toEqual([{ problem: 'row 1 (line 2): the header names the column "UNITS" twice, so the row says two things' }]);
  });

  it('only a header: no records', async () => {
    expect(await read(`${HEADER}\n`)).toEqual([]);
    expect(await read('')).toEqual([]);
  });
});

describe('CSV cells', () => {
  // Read by hand for speed; held here to the regular expressions that say what they mean.
  it('a number is what the decimal pattern says is one', () => {
    const pattern = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
    const text = fc.array(fc.constantFrom(...'0123456789+-.eE x'), { maxLength: 8 }).map((a) => a.join(''));
    fc.assert(fc.property(text, (v) => isDecimal(v) === pattern.test(v)), { numRuns: 20000 });
    for (const v of ['', '.', '+', '1.', '.5', '1e', '1e5', '+.e1', '.e1', '1.e1', '-.5E+3', '1..2', 'e5']) expect(isDecimal(v)).toBe(pattern.test(v));
  });

  it('modifiers split where the separator pattern splits them', () => {
    const field = RECORD_FIELDS.find((f) => f.kind === 'modifiers')!;
    const text = fc.array(fc.constantFrom('U', '1', 'g', 'Q', ' ', '|', ';', ',', '\t', '\u00a0', '-', 'é'), { minLength: 1, maxLength: 9 }).map((a) => a.join('').trim()).filter((v) => v !== '' && !v.startsWith('['));
    fc.assert(fc.property(text, (v) => { expect(csvValue(field, v)).toEqual(v.split(/[\s|;,]+/).filter(Boolean)); }), { numRuns: 20000 });
  });
});
