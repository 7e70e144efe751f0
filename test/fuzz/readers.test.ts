/**
 * Fuzzing the JSON Lines, CSV and 837 readers (fast-check and byte mutation):
 * no input makes a reader throw, and every input record yields exactly one
 * item, counted against an independent count of the records in the input.
 * Budget from test/fuzz/budget.ts (npm test: 5,000+ inputs per reader;
 * npm run fuzz: 100,000+). Inputs that once failed are kept in
 * test/fuzz/fixtures/readers.json and run first.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../compiler/io/csv.ts';
import type { ReadItem } from '../../compiler/io/items.ts';
import { readJsonLines } from '../../compiler/io/jsonl.ts';
import { readX12 } from '../../compiler/io/x12.ts';
import { chunked } from '../io/helpers.ts';
import { editSegments, write837 } from '../tools/make-837.ts';
import { fuzzRuns, reportFuzz, type FuzzCounts } from './budget.ts';

type Reader = (chunks: AsyncIterable<Buffer>) => AsyncGenerator<ReadItem>;
const READERS: Record<'jsonl' | 'csv' | 'x12', Reader> = {
  jsonl: readJsonLines,
  csv: readCsv,
  x12: (chunks) => readX12(chunks, 'fuzz.x12'),
};

/** Read `bytes` in chunks of `size`; the number of record items (problems included), or the exception. */
async function countItems(reader: Reader, bytes: Buffer, size: number): Promise<number> {
  let n = 0;
  for await (const item of reader(chunked(bytes, size))) {
    if ('fault' in item) expect(typeof item.fault).toBe('string');
    else n++;
  }
  return n;
}

/** Run one input, counting it; an exception counts as a crash and fails the property (so fast-check shrinks it). */
async function check(counts: FuzzCounts, reader: Reader, bytes: Buffer, size: number, expected: number | null): Promise<void> {
  counts.inputs++;
  let got: number;
  try {
    got = await countItems(reader, bytes, size);
  } catch (e) {
    counts.crashes++;
    throw e;
  }
  if (expected !== null && got !== expected) {
    counts.lost += Math.abs(expected - got);
    expect(got, `records in ${JSON.stringify(bytes.toString('latin1').slice(0, 300))}`).toBe(expected);
  }
}

// ---- independent record counts ---------------------------------------------

/** JSON Lines: one record per line break-separated line; a final line break ends the last line. */
function jsonlRecords(bytes: Buffer): number {
  if (bytes.length === 0) return 0;
  let n = 1;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return bytes[bytes.length - 1] === 10 ? n - 1 : n;
}

/** 837: LX segments after the first ISA, split by the ISA's terminator (leading line breaks trimmed), complete ones only. */
function x12Records(text: string): number {
  const sep = text[3]!;
  const terminator = text[105]!;
  const segments = text.slice(106).split(terminator);
  segments.pop(); // not terminated
  return segments.filter((s) => s.replace(/^[\n\r \t]+/, '').split(sep)[0] === 'LX').length;
}

// ---- inputs ------------------------------------------------------------------

const good = { claimId: 'C1', lineNumber: 1, memberId: 'M1', serviceDate: '2024-04-01', procedureCode: 'G9008', modifiers: ['U1'], units: 1 };
const jsonLine = fc.oneof(
  fc.constant(JSON.stringify(good)),
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1, max: 200 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc.constant('{"units":1,"units":2}'),
  fc.constant('\uFEFF{"a":1}'),
).map((s) => s.replace(/\n/g, ' '));

/** Bytes changed at random: flipped, inserted, deleted (mutation fuzzing of a valid file). */
const mutation = fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('flip', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 });
function mutate(bytes: Buffer, edits: { at: number; op: string; byte: number }[], from = 0, alphabet?: readonly number[]): Buffer {
  let b = Buffer.from(bytes);
  for (const e of edits) {
    if (b.length <= from) break;
    const at = from + (e.at % (b.length - from));
    const byte = alphabet ? alphabet[e.byte % alphabet.length]! : e.byte;
    if (e.op === 'flip') b[at] = byte;
    else if (e.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from([byte]), b.subarray(at)]);
    else b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
  }
  return b;
}

const cell = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('a,b', 'say "hi"', 'line\nbreak', 'crlf\r\nbreak', ' ', '', 'é✓', '"'), fc.integer().map(String));
function csvCell(s: string): string {
  return /[",\r\n]/.test(s) || s.startsWith(' ') ? `"${s.replace(/"/g, '""')}"` : s;
}

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/readers.json', import.meta.url), 'utf8')) as { reader: 'jsonl' | 'csv' | 'x12'; note: string; base64: string; chunk: number; records: number }[];

describe('reader fuzzing', () => {
  it('regression fixtures: inputs that once failed', async () => {
    for (const f of fixtures) {
      const got = await countItems(READERS[f.reader], Buffer.from(f.base64, 'base64'), f.chunk);
      expect(got, f.note).toBe(f.records);
    }
  });

  it('JSON Lines: any lines, any bytes, any chunking', { timeout: 3_600_000 }, async () => {
    const counts: FuzzCounts = { inputs: 0, crashes: 0, lost: 0 };
    const runs = fuzzRuns(2500, 50_000);
    await fc.assert(fc.asyncProperty(fc.array(jsonLine, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.integer({ min: 1, max: 64 }), async (lines, eol, finalEol, size) => {
      const bytes = Buffer.from(lines.join(eol) + (finalEol && lines.length > 0 ? eol : ''), 'latin1');
      await check(counts, READERS.jsonl, bytes, size, jsonlRecords(bytes));
    }), { numRuns: runs, seed: 1 });
    await fc.assert(fc.asyncProperty(fc.array(jsonLine, { minLength: 1, maxLength: 8 }), mutation, fc.integer({ min: 1, max: 64 }), async (lines, edits, size) => {
      const bytes = mutate(Buffer.from(lines.join('\n')), edits);
      await check(counts, READERS.jsonl, bytes, size, jsonlRecords(bytes));
    }), { numRuns: runs, seed: 2 });
    reportFuzz('jsonl-reader', counts);
    expect(counts).toMatchObject({ crashes: 0, lost: 0 });
    expect(counts.inputs).toBe(2 * runs); // 5,000 under npm test, 100,000 under npm run fuzz
  });

  it('CSV: generated rows (quotes, commas, line breaks, ragged and blank rows) and mutated files', { timeout: 3_600_000 }, async () => {
    const counts: FuzzCounts = { inputs: 0, crashes: 0, lost: 0 };
    const runs = fuzzRuns(2500, 50_000);
    const header = ['claimId', 'lineNumber', 'memberId', 'units', 'note'];
    await fc.assert(fc.asyncProperty(fc.array(fc.array(cell, { minLength: 1, maxLength: 7 }), { maxLength: 10 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 64 }), async (rows, eol, bom, finalEol, size) => {
      // A row of one empty cell is a blank line: still a row.
      const body = [header, ...rows].map((r) => r.map(csvCell).join(',')).join(eol) + (finalEol ? eol : '');
      const bytes = Buffer.from((bom ? '\uFEFF' : '') + body);
      // The last row, when it is one empty cell with no line break after it, is no row at all.
      const trailingBlank = !finalEol && rows.length > 0 && rows[rows.length - 1]!.length === 1 && rows[rows.length - 1]![0] === '';
      await check(counts, READERS.csv, bytes, size, rows.length - (trailingBlank ? 1 : 0));
    }), { numRuns: runs, seed: 3 });
    // Mutated files without quotes: every line after the header is one row, so the count is known.
    const noQuotes = [...Array(256).keys()].filter((b) => b !== 34);
    await fc.assert(fc.asyncProperty(fc.array(fc.array(fc.constantFrom('C1', '2', 'M1', '', 'é', 'x y'), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), mutation, fc.integer({ min: 1, max: 64 }), async (rows, edits, size) => {
      const clean = Buffer.from([header, ...rows].map((r) => r.join(',')).join('\n'));
      const bytes = mutate(clean, edits, 0, noQuotes);
      const text = bytes.toString('latin1').replace(/\r\n/g, '\n');
      const all = text.split('\n');
      if (all[all.length - 1] === '') all.pop();
      await check(counts, READERS.csv, bytes, size, Math.max(0, all.length - 1));
    }), { numRuns: runs, seed: 4 });
    // Any bytes at all, quotes included: no crash.
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 64 }), async (raw, size) => {
      await check(counts, READERS.csv, Buffer.from(raw), size, null);
    }), { numRuns: Math.ceil(runs / 5), seed: 5 });
    reportFuzz('csv-reader', counts);
    expect(counts).toMatchObject({ crashes: 0, lost: 0 });
    expect(counts.inputs).toBe(2 * runs + Math.ceil(runs / 5)); // 5,500 under npm test, 110,000 under npm run fuzz
  });

  it('837: generated interchanges with segments dropped, repeated, cut, and bytes mutated', { timeout: 3_600_000 }, async () => {
    const counts: FuzzCounts = { inputs: 0, crashes: 0, lost: 0 };
    const runs = fuzzRuns(2500, 50_000);
    const rec = fc.record({
      claimId: fc.constantFrom('C1', 'C2', 'C3'), lineNumber: fc.integer({ min: 1, max: 9 }), memberId: fc.constantFrom('M1', 'M2'),
      serviceDate: fc.constantFrom('2024-04-01', '2024-05-31'), procedureCode: fc.constantFrom('G9008', 'T2040'), modifiers: fc.constantFrom(['U1'], ['U6', 'GQ']),
      units: fc.integer({ min: 1, max: 4 }), placeOfService: fc.constantFrom('11', '02'),
    });
    const separators = fc.constantFrom({ element: '*', component: ':', repetition: '^', terminator: '~' }, { element: '|', component: '>', repetition: '{', terminator: '\n' });
    // Structural: whole segments dropped or repeated, and the file cut anywhere.
    await fc.assert(fc.asyncProperty(fc.array(rec, { maxLength: 10 }), fc.constantFrom<'P' | 'I'>('P', 'I'), separators, fc.array(fc.record({ at: fc.nat(), repeat: fc.boolean() }), { maxLength: 4 }), fc.option(fc.nat()), fc.integer({ min: 1, max: 128 }), async (recs, kind, sep, edits, cut, size) => {
      const text = write837(recs, { kind, separators: sep, claimsPerTransaction: 3 });
      let mutated = editSegments(text, sep.terminator, edits);
      if (cut !== null) mutated = mutated.slice(0, 106 + (cut % Math.max(1, mutated.length - 105)));
      await check(counts, READERS.x12, Buffer.from(mutated, 'latin1'), size, x12Records(mutated));
    }), { numRuns: runs, seed: 6 });
    // Bytes after the ISA flipped, inserted or deleted (never I, so no new ISA or IEA appears).
    const alphabet = [...Array(256).keys()].filter((b) => b !== 73);
    await fc.assert(fc.asyncProperty(fc.array(rec, { minLength: 1, maxLength: 6 }), mutation, fc.integer({ min: 1, max: 128 }), async (recs, edits, size) => {
      const bytes = mutate(Buffer.from(write837(recs, { kind: 'P', claimsPerTransaction: 2 }), 'latin1'), edits, 106, alphabet);
      await check(counts, READERS.x12, bytes, size, x12Records(bytes.toString('latin1')));
    }), { numRuns: runs, seed: 7 });
    // Any bytes at all after "ISA": no crash.
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 64 }), async (raw, size) => {
      await check(counts, READERS.x12, Buffer.concat([Buffer.from('ISA*'), Buffer.from(raw)]), size, null);
    }), { numRuns: Math.ceil(runs / 5), seed: 8 });
    reportFuzz('x12-reader', counts);
    expect(counts).toMatchObject({ crashes: 0, lost: 0 });
    expect(counts.inputs).toBe(2 * runs + Math.ceil(runs / 5)); // 5,500 under npm test, 110,000 under npm run fuzz
  });
});
