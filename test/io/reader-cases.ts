/**
 * Varied reader inputs for test/io/reader-expectations.test.ts: JSON Lines, X12 837
 * and CSV files drawn with a fixed seed — faults, bytes past ASCII and not UTF-8,
 * separators, cuts and mutations — plus a few written out by hand. The inputs are
 * stored with the items the readers gave for them; these functions only draw new
 * ones when the expectations are written again (UPDATE_GOLDEN=1).
 */
import fc from 'fast-check';
import { editSegments, write837 } from '../tools/make-837.ts';

/** One input of one format. */
export interface ReaderCase {
  name: string;
  format: 'jsonl' | 'x12' | 'csv';
  bytes: Buffer;
}

type Edit = { at: number; op: 'flip' | 'insert' | 'delete'; byte: number };

function mutate(bytes: Buffer, edits: readonly Edit[], from: number): Buffer {
  let b = Buffer.from(bytes);
  for (const e of edits) {
    if (b.length <= from) break;
    const at = from + (e.at % (b.length - from));
    if (e.op === 'flip') b[at] = e.byte;
    else if (e.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from([e.byte]), b.subarray(at)]);
    else b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
  }
  return b;
}

/** Bytes that matter to the readers: separators, quotes, line breaks, spaces, digits, UTF-8 lead and continuation bytes. */
const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(42, 58, 126, 10, 13, 32, 0xa0, 0xc3, 0xa9, 0xff, 9, 48, 45, 46, 34, 92, 123, 125, 91, 93, 44));
const edits = fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom<Edit['op']>('flip', 'insert', 'delete'), byte }), { maxLength: 6 });

const record837 = fc.record({
  claimId: fc.constantFrom('C1', 'C2', 'CÉ3', ' C4 ', 'C\u00a05', 'LONGCLAIMIDENTIFIER12345', '\u00a0C6\u00a0', 'C7à'),
  lineNumber: fc.oneof(fc.integer({ min: 0, max: 999 }), fc.constantFrom('01', ' 2', '1.5', '-0', '+3', '.5', '5.', 'x', '')),
  memberId: fc.constantFrom('M1', 'M2', 'MÜ✓', '', '\u00a0M3'),
  serviceDate: fc.constantFrom('2024-04-01', '2024-05-31', '', '20240101', 'bad'),
  serviceDateEnd: fc.constantFrom(undefined, '2024-06-01', 'x'),
  procedureCode: fc.constantFrom('G9008', 'T2040', ' H0043 ', '', 'é1'),
  modifiers: fc.constantFrom(['U1'], ['U6', 'GQ'], [], ['U1', '', 'U2', 'U3', 'U4'], [' U8 ']),
  units: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom('1.25', ' 2 ', 'x', '', '1e3', '00012', '123456789012345678', '-1')),
  amount: fc.constantFrom(undefined, 0, 12.34, '1.', '.5', '-0', '99999999999999999999'),
  placeOfService: fc.constantFrom('11', '02', '', ' 12'),
  renderingTaxonomy: fc.constantFrom(undefined, '171M00000X', ' 1Ü '),
});
const separators = fc.constantFrom(
  { element: '*', component: ':', repetition: '^', terminator: '~' },
  { element: '|', component: '>', repetition: '{', terminator: '\n' },
  { element: '^', component: '\\', repetition: '`', terminator: "'" },
);

/** X12 837 files: drawn records, separators, segments dropped or repeated, bytes changed, cut anywhere. */
export const x12Input = fc.record({
  recs: fc.array(record837, { maxLength: 8 }), kind: fc.constantFrom<'P' | 'I'>('P', 'I'), sep: separators, lineBreaks: fc.boolean(),
  perTransaction: fc.integer({ min: 1, max: 3 }), utf8: fc.boolean(), edits, cut: fc.option(fc.nat(), { freq: 3 }),
  segments: fc.array(fc.record({ at: fc.nat(), repeat: fc.boolean() }), { maxLength: 2 }),
}).map(({ recs, kind, sep, lineBreaks, perTransaction, utf8, edits: e, cut, segments }) => {
  const text = write837(recs as Record<string, unknown>[], { kind, separators: sep, lineBreaks, claimsPerTransaction: perTransaction });
  let bytes = mutate(Buffer.from(editSegments(text, sep.terminator, segments), utf8 ? 'utf8' : 'latin1'), e, e.length === 1 ? 0 : 106);
  if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
  return bytes;
});

const good = JSON.stringify({ claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 });
const jsonLine = fc.oneof(
  fc.constant(good), fc.json({ maxDepth: 3 }), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: 60, max: 70 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
  fc.integer({ min: 60, max: 70 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
  fc.constantFrom('{"units":1,"units":2}', '  ', ' {"a":1} ', '{"a":"x:y"}', '{"a\\u0041":1,"aA":2}', '{"__proto__":1}', '{"a":[1,{"b":2,"b":3}]}', '\u00a0', '{"claimId":"C7","lineNumber":3,"x":1,"x":2}', 'null', '[]', '{}', '1', '{"lineNumber":-0}'),
).map((s) => s.replace(/\n/g, ' '));
/** JSON Lines files: records, other JSON, text, bytes; CRLF, BOM, bytes changed. */
export const jsonlInput = fc.record({ lines: fc.array(jsonLine, { maxLength: 10 }), eol: fc.constantFrom('\n', '\r\n'), final: fc.boolean(), bom: fc.boolean(), edits })
  .map(({ lines, eol, final, bom, edits: e }) => mutate(Buffer.from((bom ? '\uFEFF' : '') + lines.join(eol) + (final ? eol : '')), e, 0));

const cell = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('a,b', 'say "hi"', 'line\nbreak', 'crlf\r\nbreak', ' ', '', 'é✓', '"', '12', ' 3.5 ', '[1]', '["U1"]', 'U1 U2', 'U1|U2;U3', '1e3', '-0'), fc.integer().map(String));
const csvCell = (s: string): string => (/[",\r\n]/.test(s) || s.startsWith(' ') ? `"${s.replace(/"/g, '""')}"` : s);
/** CSV files: columns of record fields and others, quoted cells with commas, quotes and line breaks, ragged rows. */
export const csvInput = fc.shuffledSubarray(['claimId', 'lineNumber', 'memberId', 'units', 'note', 'modifiers', 'amount', 'serviceDate', 'UNITS'], { minLength: 1 }).chain((header) => fc.record({
  header: fc.constant(header),
  rows: fc.array(fc.oneof(
    { weight: 4, arbitrary: fc.array(cell, { minLength: header.length, maxLength: header.length }) },
    { weight: 1, arbitrary: fc.array(cell, { minLength: 1, maxLength: 7 }) },
  ), { maxLength: 8 }),
  eol: fc.constantFrom('\n', '\r\n'), bom: fc.boolean(), final: fc.boolean(), edits,
})).map(({ header, rows, eol, bom, final, edits: e }) => {
  const bytes = Buffer.from((bom ? '\uFEFF' : '') + [header, ...rows].map((r) => r.map(csvCell).join(',')).join(eol) + (final ? eol : ''));
  return e.length % 3 === 0 ? mutate(bytes, e, 0) : bytes;
});

/** Inputs written out by hand: what the drawn ones may miss. */
function byHand(): ReaderCase[] {
  const b = (s: string, enc: BufferEncoding = 'utf8'): Buffer => Buffer.from(s, enc);
  const sample = write837([{ claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1, placeOfService: '11' }], { kind: 'P' });
  return [
    { name: 'x12 not X12', format: 'x12', bytes: b('hello world') },
    { name: 'x12 empty', format: 'x12', bytes: b('') },
    { name: 'x12 ISA only', format: 'x12', bytes: b('ISA*') },
    { name: 'x12 segments outside an interchange', format: 'x12', bytes: b(sample.replace(/IEA\*1\*000000001~/, 'IEA*1*000000001~\nREF*EI*1~LX*1~')) },
    { name: 'x12 element separator right after the ID', format: 'x12', bytes: b(sample.replace('LX*1~', 'LX**1~').replace('DTP*472', 'DTP*472*')) },
    { name: 'x12 four-letter and one-letter IDs', format: 'x12', bytes: b(sample.replace('LX*1~', 'LXX*1~L*1~LX~LX*1~')) },
    { name: 'x12 NBSP around values (Latin-1)', format: 'x12', bytes: b(sample.replace('*M1~', '*\u00a0M1\u00a0~').replace('U1*', 'U1\u00a0*'), 'latin1') },
    { name: 'x12 a separator past ASCII', format: 'x12', bytes: b(sample.replace(/\*/g, '\u00a6'), 'latin1') },
    { name: 'x12 RD8 ranges', format: 'x12', bytes: b(sample.replace('D8*20240401', 'RD8*20240401-20240430').replace('~\nSE', '~\nLX*2~\nSV1*HC:T2040:U6*1*UN*2***1~\nDTP*472*RD8*-20240402~\nSE')) },
    { name: 'jsonl invalid UTF-8 and a cut sequence', format: 'jsonl', bytes: Buffer.concat([b('{"a":1}\n{"b":"'), Buffer.from([0xc3, 0x28]), b('"}\n{"c":"é"}\n'), Buffer.from([0xed, 0xa0, 0x80]), b('\n{"d":"'), Buffer.from([0xe2, 0x82])]) },
    { name: 'jsonl BOM, CRLF, blank lines', format: 'jsonl', bytes: b(`\uFEFF${good}\r\n\r\n \n${good}\r`) },
    { name: 'csv quoted line breaks and a ragged row', format: 'csv', bytes: b('claimId,lineNumber,note\r\nC1,1,"two\r\nlines"\r\nC1,2\r\nC1,3,"say ""hi"""\r\n') },
  ];
}

/** The inputs: drawn with a fixed seed, then those written by hand. */
export function readerCases(): ReaderCase[] {
  const draw = (arb: fc.Arbitrary<Buffer>, seed: number, n: number): Buffer[] => fc.sample(arb, { seed, numRuns: n });
  return [
    ...draw(x12Input, 837, 60).map((bytes, i): ReaderCase => ({ name: `x12 drawn ${i}`, format: 'x12', bytes })),
    ...draw(jsonlInput, 1, 60).map((bytes, i): ReaderCase => ({ name: `jsonl drawn ${i}`, format: 'jsonl', bytes })),
    ...draw(csvInput, 4180, 40).map((bytes, i): ReaderCase => ({ name: `csv drawn ${i}`, format: 'csv', bytes })),
    ...byHand(),
  ];
}

/** A reader of one format over chunks, as the readers are called. */
export type ReadFormat = (format: ReaderCase['format'], chunks: AsyncIterable<Buffer>) => AsyncIterable<unknown>;

/** Items as JSON text, key order kept and negative zero told apart from zero. */
export function encodeItems(items: readonly unknown[]): string {
  return JSON.stringify(items, (_key, v: unknown) => (Object.is(v, -0) ? { negativeZero: true } : v));
}

/** The items a reader gives for bytes fed in chunks of `size`, as encodeItems text. */
export async function readEncoded(read: ReadFormat, format: ReaderCase['format'], bytes: Buffer, size: number): Promise<string> {
  const items: unknown[] = [];
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += size) yield Buffer.from(bytes.subarray(i, i + size));
  }
  for await (const item of read(format, chunks())) items.push(item);
  return encodeItems(items);
}

/** The shipped samples whose items are kept as a digest (too many to store). */
export const SAMPLE_FILES: readonly { file: string; format: ReaderCase['format'] }[] = [
  { file: 'rules/dhcs-ecm-cs/sample/encounters.jsonl', format: 'jsonl' },
  { file: 'rules/dhcs-ecm-cs/sample/encounters-837p.x12', format: 'x12' },
  { file: 'rules/dhcs-ecm-cs/sample/encounters-837i.x12', format: 'x12' },
];

/** The expectations file: each drawn input with its items, each sample with its item count and digest. */
export interface Expectations {
  cases: { name: string; format: ReaderCase['format']; base64: string; items: unknown[] }[];
  samples: { file: string; format: ReaderCase['format']; items: number; sha256: string }[];
}

/** The expectations file's text: one line per input. */
export function expectationsText(e: Expectations): string {
  const lines = (xs: readonly unknown[]): string => xs.map((x) => JSON.stringify(x)).join(',\n');
  return `{"cases": [\n${lines(e.cases)}\n],\n"samples": [\n${lines(e.samples)}\n]}\n`;
}

/** Expectations as a reader gives them (written when UPDATE_GOLDEN=1). */
export async function expectationsOf(read: ReadFormat, digest: (text: string) => string, load: (file: string) => Buffer): Promise<Expectations> {
  const cases: Expectations['cases'] = [];
  for (const c of readerCases()) {
    cases.push({ name: c.name, format: c.format, base64: c.bytes.toString('base64'), items: JSON.parse(await readEncoded(read, c.format, c.bytes, 1 << 20)) as unknown[] });
  }
  const samples: Expectations['samples'] = [];
  for (const s of SAMPLE_FILES) {
    const text = await readEncoded(read, s.format, load(s.file), 1 << 20);
    samples.push({ ...s, items: (JSON.parse(text) as unknown[]).length, sha256: digest(text) });
  }
  return { cases, samples };
}
